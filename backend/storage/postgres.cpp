#include "postgres.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

namespace Meshdeck::Storage {

namespace {
// The libpq keywords a URL may carry; anything else is refused rather than silently ignored.
const QStringList AllowedOptions{QStringLiteral("connect_timeout"), QStringLiteral("sslmode"),
                                 QStringLiteral("sslrootcert"),     QStringLiteral("sslcert"),
                                 QStringLiteral("sslkey"),          QStringLiteral("application_name")};
} // namespace

QString PostgresTarget::redacted() const
{
    return QStringLiteral("postgres://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

bool isPostgresUrl(const QString &location)
{
    return location.startsWith(QLatin1String("postgres://")) ||
           location.startsWith(QLatin1String("postgresql://"));
}

std::optional<PostgresTarget> parsePostgresUrl(const QString &url, QString *error)
{
    const QUrl u(url, QUrl::StrictMode);
    const auto fail = [&](const QString &why) {
        *error =
            QStringLiteral("bad database URL: %1 (expected postgres://USER@HOST:PORT/DATABASE)").arg(why);
        return std::nullopt;
    };
    if (!u.isValid())
        // Not QUrl::errorString(): it quotes the whole URL, password included.
        return fail(QStringLiteral("not a valid URL (percent-encode special characters in the user name "
                                   "and password)"));
    if (u.scheme() != QLatin1String("postgres") && u.scheme() != QLatin1String("postgresql"))
        return fail(QStringLiteral("the scheme must be postgres://"));
    PostgresTarget t;
    t.host = u.host();
    if (t.host.isEmpty())
        return fail(QStringLiteral("no host"));
    t.port = u.port(5432);
    if (t.port <= 0 || t.port > 65535)
        return fail(QStringLiteral("port %1 is out of range").arg(t.port));
    t.user = u.userName(QUrl::FullyDecoded);
    if (t.user.isEmpty())
        return fail(QStringLiteral("no user name"));
    t.password = u.password(QUrl::FullyDecoded);
    t.database = u.path(QUrl::FullyDecoded).mid(1);
    if (t.database.isEmpty() || t.database.contains(QLatin1Char('/')))
        return fail(QStringLiteral("the path must be one database name"));
    QStringList options;
    bool hasTimeout = false;
    for (const auto &[key, value] : QUrlQuery(u).queryItems(QUrl::FullyDecoded)) {
        if (!AllowedOptions.contains(key))
            return fail(
                QStringLiteral("unknown parameter '%1' (known: %2)").arg(key, AllowedOptions.join(u", ")));
        if (value.contains(QLatin1Char(';')) || value.contains(QLatin1Char(' ')))
            return fail(QStringLiteral("the value of '%1' may not contain ';' or spaces").arg(key));
        hasTimeout = hasTimeout || key == QLatin1String("connect_timeout");
        options << key + QLatin1Char('=') + value;
    }
    // A black-holed server must not hang start-up or the database thread for minutes.
    if (!hasTimeout)
        options << QStringLiteral("connect_timeout=5");
    t.options = options.join(QLatin1Char(';'));
    return t;
}

bool openPostgres(QSqlDatabase &db, const PostgresTarget &target, QString *error)
{
    db.setHostName(target.host);
    db.setPort(target.port);
    db.setUserName(target.user);
    db.setPassword(target.password);
    db.setDatabaseName(target.database);
    db.setConnectOptions(target.options);
    if (!db.open()) {
        *error = QStringLiteral("cannot connect to %1: %2").arg(target.redacted(), db.lastError().text());
        return false;
    }
    QSqlQuery q(db);
    for (const char *setting :
         {"SET synchronous_commit = on", "SET TIME ZONE 'UTC'", "SET application_name = 'meshdeckd'"}) {
        if (!q.exec(QString::fromLatin1(setting))) {
            *error = QStringLiteral("%1 failed on %2: %3")
                         .arg(QString::fromLatin1(setting), target.redacted(), q.lastError().text());
            db.close();
            return false;
        }
    }
    return true;
}

} // namespace Meshdeck::Storage
