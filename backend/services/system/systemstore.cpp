#include "systemstore.h"

#include "storage/database.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace Meshdeck::System {

SystemStore::SystemStore(Storage::Database *database)
    : m_database(database)
{}

std::vector<Storage::Migration> SystemStore::migrations()
{
    return {
        {1,
         QStringLiteral("node identity"),
         {QStringLiteral("CREATE TABLE node (id TEXT PRIMARY KEY, created_at TEXT NOT NULL)")}},
    };
}

QCoro::Task<QString> SystemStore::loadOrCreateNodeId()
{
    QFuture<QString> future = m_database->run([](QSqlDatabase &db) -> QString {
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("SELECT id FROM node LIMIT 1")) && q.next())
            return q.value(0).toString();
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        q.prepare(QStringLiteral("INSERT INTO node (id, created_at) VALUES (?, ?)"));
        q.addBindValue(id);
        q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
        if (!q.exec())
            return QString();
        return id;
    });
    co_return co_await future;
}

} // namespace Meshdeck::System
