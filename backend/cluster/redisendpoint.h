#pragma once

#include <QString>
#include <QUrl>

#include <optional>

namespace Meshdeck::Cluster {

// Where a Redis server is and how to log in: what a redis:// URL says.
struct RedisEndpoint {
    QString host;
    quint16 port = 6379;
    QString password; // empty: no AUTH
    int db = 0;

    // redis://[:PASSWORD@]HOST[:PORT][/DB]. Answers nothing and sets `error` to a sentence a
    // person can act on when the URL is not one Meshdeck can use.
    static std::optional<RedisEndpoint> fromUrl(const QUrl &url, QString *error);

    // host:port (never the password), for logs and status.
    QString display() const;
};

} // namespace Meshdeck::Cluster
