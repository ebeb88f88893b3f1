#include "systemstore.h"

#include "storage/store.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QUuid>

namespace Meshdeck::System::SystemStore {

std::vector<Storage::Migration> migrations()
{
    return {
        {1,
         QStringLiteral("node identity"),
         {QStringLiteral("CREATE TABLE node (id TEXT PRIMARY KEY, created_at TEXT NOT NULL)")}},
    };
}

QString loadOrCreateNodeId(QSqlDatabase &db)
{
    Storage::Transaction tx(db); // read and create as one step
    QSqlQuery existing = Storage::exec(db, QStringLiteral("SELECT id FROM node LIMIT 1"));
    if (existing.next())
        return existing.value(0).toString();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    Storage::exec(db, QStringLiteral("INSERT INTO node (id, created_at) VALUES (?, ?)"),
                  {id, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)});
    tx.commit();
    return id;
}

} // namespace Meshdeck::System::SystemStore
