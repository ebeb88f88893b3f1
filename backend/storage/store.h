#pragma once

#include "migrations.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <initializer_list>
#include <stdexcept>

// The store contract, which every service's store follows:
//  - A store is the only code of its service that sees SQL. Its functions run on the database
//    thread (the service schedules them with Storage::Database::run or ::attempt) and take the
//    thread's QSqlDatabase connection.
//  - Domain outcomes (no such row, already exists) are return values: std::optional, enums or a
//    Result. A database failure is always a thrown StoreError, whatever the store; the service's
//    Database::attempt turns it into Error::unavailable, so callers get one kind of answer.
//  - A write of more than one statement happens inside one Transaction: committed explicitly,
//    rolled back on any exception or early return.
//  - Today every store is SQLite only (the event log's fast insert uses the raw sqlite3 handle and
//    throws StoreError on another driver). The PostgreSQL implementation of a store goes behind the
//    same functions, branching on dialect(db), with its own migrations, so routes do not change;
//    what must still move for that (the publish queue calls EventsStore::appendGroup directly)
//    is listed in the cluster issue's notes.
namespace Meshdeck::Storage {

// The database refused (I/O error, full disk, constraint, lost connection). Carries its text.
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
    QString reason() const { return QString::fromUtf8(what()); }
};

// A COMMIT that failed because the connection to the server dropped while it ran (PostgreSQL):
// the server may have committed before the connection went, so the write may or may not have
// been applied. Never report it as "nothing was written": a client that retries may duplicate.
class CommitOutcomeUnknown : public StoreError
{
public:
    using StoreError::StoreError;
};

enum class Dialect { Sqlite, Postgres };
Dialect dialect(const QSqlDatabase &db);

// RAII transaction: begin on construction, rollback on destruction unless commit() succeeded.
// Both begin and commit throw StoreError when the database refuses; commit throws
// CommitOutcomeUnknown when the connection was lost during the COMMIT.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    void commit();

private:
    QSqlDatabase &m_db;
    bool m_open = true;
};

// Prepares `sql` and binds `values` positionally; throws StoreError when the statement is refused.
QSqlQuery prepare(QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values = {});
// Runs a prepared query; throws StoreError with `what` and the database's text on failure.
void exec(QSqlQuery &query, const char *what);
// prepare + exec in one go.
QSqlQuery exec(QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values = {});

} // namespace Meshdeck::Storage
