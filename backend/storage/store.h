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
//  - Migrations are per dialect (dialect(db) tells which); a store's schema() lists them. The
//    PostgreSQL implementation of a store lives behind the same functions, so services and routes
//    do not change when the database does.
namespace Meshdeck::Storage {

// The database refused (I/O error, full disk, constraint, lost connection). Carries its text.
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
    QString reason() const { return QString::fromUtf8(what()); }
};

enum class Dialect { Sqlite, Postgres };
Dialect dialect(const QSqlDatabase &db);

// RAII transaction: begin on construction, rollback on destruction unless commit() succeeded.
// Both begin and commit throw StoreError when the database refuses.
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
