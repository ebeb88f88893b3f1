#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace Meshdeck::Storage {

// Where a PostgreSQL database is: the parts of a postgres:// URL
// (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?connect_timeout=S&sslmode=MODE&...]).
struct PostgresTarget {
    QString host;
    int port = 5432;
    QString user;
    QString password; // empty: libpq's own sources (PGPASSWORD, ~/.pgpass)
    QString database;
    QString options; // libpq keywords for QPSQL's connect options, ';'-separated

    // The URL without its password, for logs and messages.
    QString redacted() const;
};

bool isPostgresUrl(const QString &location);
// The target, or a reason a person can act on in `error`.
std::optional<PostgresTarget> parsePostgresUrl(const QString &url, QString *error);

// Opens `db` (a QPSQL connection) on `target` and sets what every session needs: UTC, and
// synchronous_commit on, so that a commit is acknowledged only once it is durable.
bool openPostgres(QSqlDatabase &db, const PostgresTarget &target, QString *error);

} // namespace Meshdeck::Storage
