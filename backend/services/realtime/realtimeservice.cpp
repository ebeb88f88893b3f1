#include "realtimeservice.h"

#include "realtimesession.h"

#include "http/dispatcher.h"
#include "http/problem.h"
#include "http/router.h"

#include <QWebSocket>

namespace Meshdeck::Realtime {

RealtimeService::RealtimeService(RealtimeSettings settings)
    : m_settings(std::move(settings))
{}

void RealtimeService::addProvider(ChannelProvider *provider)
{
    m_providers.push_back(provider);
}

ChannelProvider *RealtimeService::providerFor(const QString &channel) const
{
    for (ChannelProvider *p : m_providers) {
        // "events." names a family (events.<topic>); "registry" names one channel.
        const bool family = p->prefix().endsWith(QLatin1Char('.'));
        if (family ? channel.startsWith(p->prefix()) && channel.size() > p->prefix().size()
                   : channel == p->prefix())
            return p;
    }
    return nullptr;
}

QStringList RealtimeService::channelPrefixes() const
{
    QStringList out;
    for (ChannelProvider *p : m_providers)
        out << (p->prefix().endsWith(QLatin1Char('.')) ? p->prefix() + QStringLiteral("<name>")
                                                       : p->prefix());
    return out;
}

std::optional<Http::Response> RealtimeService::checkUpgrade(const Http::Request &request) const
{
    const QByteArray origin = request.header("origin");
    if (!origin.isEmpty() && !m_settings.allowedOrigins.contains(QString::fromUtf8(origin)))
        return Http::problem(
            request, 403,
            QStringLiteral("The origin %1 may not open realtime connections; start meshdeckd with "
                           "--allowed-origin %1 to allow it.")
                .arg(QString::fromUtf8(origin)),
            "origin-not-allowed");
    const QByteArray authorization = request.header("authorization");
    if (!authorization.isEmpty() && !isValidToken(authorization))
        return Http::problem(request, 401, QStringLiteral("The bearer token is not valid for this backend."),
                             "invalid-token");
    return std::nullopt;
}

bool RealtimeService::isValidToken(const QByteArray &authorizationHeader) const
{
    if (!m_authenticator)
        return false;
    Http::Request probe;
    probe.headers.emplace_back("authorization", authorizationHeader);
    return m_authenticator->authenticate(probe);
}

void RealtimeService::accept(QWebSocket *socket, const Http::Request &upgrade)
{
    const QByteArray authorization = upgrade.header("authorization");
    new RealtimeSession(socket, !authorization.isEmpty() && isValidToken(authorization), this);
}

} // namespace Meshdeck::Realtime
