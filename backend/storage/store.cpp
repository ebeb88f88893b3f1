#include "store.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace Meshdeck::Storage {

Dialect dialect(const QSqlDatabase &db)
{
    return db.driverName() == QLatin1String("QPSQL") ? Dialect::Postgres : Dialect::Sqlite;
}

Transaction::Transaction(QSqlDatabase &db)
    : m_db(db)
{
    if (!m_db.transaction())
        throw StoreError("cannot begin a transaction: " + m_db.lastError().text().toStdString());
}

Transaction::~Transaction()
{
    if (m_open)
        m_db.rollback();
}

namespace {
// After a failed COMMIT: does the connection still answer? A server that refused the commit (a
// deferred constraint, a serialization failure) rolled it back and is still there; a connection
// that answers nothing dropped, and with it the news of whether the commit happened.
bool stillConnected(QSqlDatabase &db)
{
    QSqlQuery probe(db);
    return probe.exec(QStringLiteral("SELECT 1"));
}
} // namespace

void Transaction::commit()
{
    if (!m_db.commit()) {
        const std::string text = m_db.lastError().text().toStdString();
        m_open = false;
        if (dialect(m_db) == Dialect::Postgres && !stillConnected(m_db))
            throw CommitOutcomeUnknown(
                "the connection to the database was lost during the commit, so the change may or may "
                "not have been applied (" +
                text + "); read it back before retrying");
        m_db.rollback();
        throw StoreError("the commit failed, nothing was written: " + text);
    }
    m_open = false;
}

QSqlQuery prepare(QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values)
{
    QSqlQuery query(db);
    if (!query.prepare(sql))
        throw StoreError(
            QStringLiteral("cannot prepare \"%1\": %2").arg(sql, query.lastError().text()).toStdString());
    for (const QVariant &value : values)
        query.addBindValue(value);
    return query;
}

void exec(QSqlQuery &query, const char *what)
{
    if (!query.exec())
        throw StoreError(std::string(what) + ": " + query.lastError().text().toStdString());
}

QSqlQuery exec(QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values)
{
    QSqlQuery query = prepare(db, sql, values);
    if (!query.exec())
        throw StoreError(
            QStringLiteral("\"%1\" failed: %2").arg(sql, query.lastError().text()).toStdString());
    return query;
}

} // namespace Meshdeck::Storage
