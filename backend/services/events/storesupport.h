#pragma once

#include "storage/store.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

// What the events stores share to run on both dialects. Header only: the stores' own helpers.
namespace Meshdeck::Events::StoreSupport {

inline bool isPostgres(const QSqlDatabase &db)
{
    return Storage::dialect(db) == Storage::Dialect::Postgres;
}

// " FOR UPDATE" on PostgreSQL, where other nodes' connections write at the same time; nothing on
// SQLite, whose one connection (and its write lock) already serialises every transaction.
inline QString forUpdate(const QSqlDatabase &db)
{
    return isPostgres(db) ? QStringLiteral(" FOR UPDATE") : QString();
}

// A value as an SQL literal, escaped by the driver exactly as it escapes a bound value. For hot
// paths on PostgreSQL, where QPSQL runs every prepared statement as PREPARE + EXECUTE + DEALLOCATE
// (three round trips): one statement text with literals is one round trip.
inline QString literal(const QSqlDatabase &db, const QVariant &value)
{
    QSqlField field(QString(), value.metaType());
    field.setValue(value);
    return db.driver()->formatValue(field);
}

// Runs a statement text as it is (no placeholders); throws StoreError with `what` on failure.
inline QSqlQuery execText(QSqlDatabase &db, const QString &sql, const char *what)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        throw Storage::StoreError(std::string(what) + ": " + query.lastError().text().toStdString());
    return query;
}

// Advisory-lock keys of the events service (pg_try_advisory_xact_lock): work that one node of a
// cluster does at a time. Arbitrary but fixed 64-bit values ("mdevret1").
constexpr qint64 RetentionLockKey = 0x6d64657672657431;

// Inside the caller's transaction: true when this connection now holds the advisory lock `key`
// until the transaction ends, false when another connection holds it. Always true on SQLite.
inline bool tryTransactionLock(QSqlDatabase &db, qint64 key)
{
    if (!isPostgres(db))
        return true;
    QSqlQuery q = execText(db, QStringLiteral("SELECT pg_try_advisory_xact_lock(%1)").arg(key),
                           "cannot take an advisory lock");
    return q.next() && q.value(0).toBool();
}

} // namespace Meshdeck::Events::StoreSupport
