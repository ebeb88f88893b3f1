#include "redisendpoint.h"

#include <QCoreApplication>

namespace Meshdeck::Cluster {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Meshdeck::Cluster::RedisEndpoint", text);
}

} // namespace

std::optional<RedisEndpoint> RedisEndpoint::fromUrl(const QUrl &url, QString *error)
{
    auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return std::optional<RedisEndpoint>();
    };
    if (!url.isValid())
        return fail(
            // Not QUrl::errorString(): it quotes the whole URL, password included.
            tr("The Redis URL is not a valid URL; write it as redis://[:PASSWORD@]HOST[:PORT][/DB], with "
               "special characters in the password percent-encoded."));
    if (url.scheme() != QLatin1String("redis"))
        return fail(
            tr("The Redis URL must start with redis:// (it starts with '%1:'); TLS (rediss://) and Unix "
               "sockets are not supported.")
                .arg(url.scheme()));
    RedisEndpoint endpoint;
    endpoint.host = url.host();
    if (endpoint.host.isEmpty())
        return fail(tr("The Redis URL names no host; write it as redis://HOST:PORT."));
    const int port = url.port(6379);
    if (port < 1 || port > 65535)
        return fail(tr("The Redis URL's port must be between 1 and 65535."));
    endpoint.port = quint16(port);
    if (!url.userName().isEmpty())
        return fail(tr("The Redis URL names a user ('%1'); only a password is supported: "
                       "redis://:PASSWORD@HOST:PORT.")
                        .arg(url.userName()));
    endpoint.password = url.password(QUrl::FullyDecoded);
    if (url.hasQuery() || url.hasFragment())
        return fail(tr("The Redis URL has a query or fragment, which Meshdeck does not use; remove it."));
    QString path = url.path();
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    if (!path.isEmpty()) {
        bool ok = false;
        endpoint.db = path.toInt(&ok);
        if (!ok || endpoint.db < 0 || endpoint.db > 1'000'000)
            return fail(tr("The Redis URL's path must be a database number (redis://HOST:PORT/0), not '%1'.")
                            .arg(path));
    }
    if (error)
        error->clear();
    return endpoint;
}

QString RedisEndpoint::display() const
{
    const bool ipv6 = host.contains(QLatin1Char(':'));
    return (ipv6 ? QLatin1Char('[') + host + QLatin1Char(']') : host) + QLatin1Char(':') +
           QString::number(port);
}

} // namespace Meshdeck::Cluster
