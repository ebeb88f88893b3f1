#include "migrations.h"

#include "store.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

Q_LOGGING_CATEGORY(lcMigrations, "meshdeck.backend.storage.migrations")

namespace Meshdeck::Storage {

namespace {
bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}
} // namespace

int schemaVersion(QSqlDatabase &db, const QString &component)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?"));
    q.addBindValue(component);
    if (!q.exec() || !q.next())
        return 0;
    return q.value(0).toInt();
}

namespace {
// Taken for the whole migration run on PostgreSQL (a session lock: released by the unlock below,
// or by the server when the connection dies half-way).
constexpr qint64 MigrationLockKey = 0x6d65736864656b01; // "meshdek" + 1

MigrationResult migrateLocked(QSqlDatabase &db, const std::vector<ComponentSchema> &schemas);
} // namespace

namespace {
constexpr int MigrationLockWaitMs = 120'000;

// Takes the migration lock, waiting while another node migrates (saying so once); false with
// `error` when the database refuses, or when the lock is still held after MigrationLockWaitMs.
bool takeMigrationLock(QSqlDatabase &db, QString *error)
{
    QElapsedTimer waited;
    waited.start();
    bool said = false;
    for (;;) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(MigrationLockKey)) || !q.next()) {
            *error = QStringLiteral("cannot take the migration lock: %1").arg(q.lastError().text());
            return false;
        }
        if (q.value(0).toBool())
            return true;
        if (!said) {
            qCInfo(lcMigrations) << "another node is migrating the database; waiting for it (at most"
                                 << MigrationLockWaitMs / 1000 << "s)";
            said = true;
        }
        if (waited.elapsed() > MigrationLockWaitMs) {
            *error =
                QStringLiteral(
                    "another node has held the migration lock for more than %1 s; if it is stuck, find its "
                    "session in pg_stat_activity and end it with pg_terminate_backend, then start again")
                    .arg(MigrationLockWaitMs / 1000);
            return false;
        }
        QThread::msleep(250);
    }
}
} // namespace

MigrationResult migrate(QSqlDatabase &db, const std::vector<ComponentSchema> &schemas)
{
    if (dialect(db) != Dialect::Postgres)
        return migrateLocked(db, schemas);
    MigrationResult result;
    QString error;
    if (!takeMigrationLock(db, &error)) {
        result.error = error;
        return result;
    }
    result = migrateLocked(db, schemas);
    if (!exec(db, QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(MigrationLockKey), &error)) {
        // Ending the session is the sure way to release it; the next work connects again.
        qCWarning(lcMigrations).noquote()
            << "cannot release the migration lock:" << error << "- closing the connection to release it";
        db.close();
    }
    return result;
}

namespace {
MigrationResult migrateLocked(QSqlDatabase &db, const std::vector<ComponentSchema> &schemas)
{
    MigrationResult result;
    const bool postgres = dialect(db) == Dialect::Postgres;
    if (!exec(db,
              QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                             " component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
                             " applied_at TEXT NOT NULL, PRIMARY KEY (component, version))"),
              &result.error))
        return result;

    QHash<QString, int> recorded;
    {
        QSqlQuery q(db);
        if (!q.exec(
                QStringLiteral("SELECT component, MAX(version) FROM schema_migrations GROUP BY component"))) {
            result.error = q.lastError().text();
            return result;
        }
        while (q.next())
            recorded.insert(q.value(0).toString(), q.value(1).toInt());
    }

    // Refuse before touching anything: a newer version of any component, or a component this
    // build does not know, means a newer meshdeckd wrote this file.
    QHash<QString, int> known;
    for (const auto &schema : schemas)
        known.insert(schema.component, schema.migrations.empty() ? 0 : schema.migrations.back().version);
    for (auto it = recorded.cbegin(); it != recorded.cend(); ++it) {
        const int codeVersion = known.value(it.key(), -1);
        if (codeVersion < it.value()) {
            result.newerThanCode = true;
            result.error =
                codeVersion < 0
                    ? QStringLiteral("the database has a '%1' schema (version %2) that this meshdeckd does "
                                     "not know; it was written by a newer meshdeckd")
                          .arg(it.key())
                          .arg(it.value())
                    : QStringLiteral("the database's '%1' schema is version %2, newer than the %3 this "
                                     "meshdeckd supports; it was written by a newer meshdeckd")
                          .arg(it.key())
                          .arg(it.value())
                          .arg(codeVersion);
            return result;
        }
    }

    for (const auto &schema : schemas) {
        const int current = recorded.value(schema.component, 0);
        for (const Migration &m : schema.migrations) {
            if (m.version <= current)
                continue;
            if (postgres && m.postgres.isEmpty()) {
                result.error = QStringLiteral("migration %1 '%2' of %3 has no PostgreSQL form")
                                   .arg(m.version)
                                   .arg(m.name, schema.component);
                return result;
            }
            if (!db.transaction()) {
                result.error = db.lastError().text();
                return result;
            }
            bool ok = true;
            for (const QString &statement : postgres ? m.postgres : m.statements) {
                if (!exec(db, statement, &result.error)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("INSERT INTO schema_migrations (component, version, name, "
                                         "applied_at) VALUES (?, ?, ?, ?)"));
                q.addBindValue(schema.component);
                q.addBindValue(m.version);
                q.addBindValue(m.name);
                q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
                ok = q.exec();
                if (!ok)
                    result.error = q.lastError().text();
            }
            if (!ok || !db.commit()) {
                if (ok)
                    result.error = db.lastError().text();
                db.rollback();
                result.error = QStringLiteral("migration %1 '%2' of %3 failed: %4")
                                   .arg(m.version)
                                   .arg(m.name, schema.component, result.error);
                return result;
            }
            ++result.applied;
        }
    }
    result.ok = true;
    return result;
}
} // namespace

} // namespace Meshdeck::Storage
