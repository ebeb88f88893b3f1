#include "services/gateway/drainstore.h"

#include "storage/store.h"

#include <QSqlQuery>
#include <QVariant>

namespace Meshdeck::Gateway::DrainStore {

std::vector<Storage::Migration> migrations()
{
    // The same text serves both dialects (BIGINT is an integer in SQLite too).
    const QStringList v1 = {
        QStringLiteral("CREATE TABLE gateway_drain_counts (node_id TEXT NOT NULL, instance_id TEXT NOT NULL,"
                       " in_flight INTEGER NOT NULL, updated_at_ms BIGINT NOT NULL,"
                       " PRIMARY KEY (node_id, instance_id))"),
    };
    return {{1, QStringLiteral("each node's gateway requests in flight to draining instances"), v1, v1}};
}

std::vector<DrainCount> exchange(QSqlDatabase &db, const QString &nodeId, const QHash<QString, int> &mine,
                                 qint64 nowMs, bool write)
{
    if (write) {
        Storage::Transaction transaction(db);
        Storage::exec(
            db, QStringLiteral("DELETE FROM gateway_drain_counts WHERE node_id = ? OR updated_at_ms < ?"),
            {nodeId, nowMs - KeepMs});
        if (!mine.isEmpty()) {
            QSqlQuery q = Storage::prepare(db, QStringLiteral("INSERT INTO gateway_drain_counts (node_id, "
                                                              "instance_id, in_flight, updated_at_ms) "
                                                              "VALUES (?, ?, ?, ?)"));
            for (auto it = mine.cbegin(); it != mine.cend(); ++it) {
                q.bindValue(0, nodeId);
                q.bindValue(1, it.key());
                q.bindValue(2, it.value());
                q.bindValue(3, nowMs);
                Storage::exec(q, "write a gateway drain count");
            }
        }
        transaction.commit();
    }
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral("SELECT node_id, instance_id, in_flight FROM gateway_drain_counts WHERE node_id <> ?"),
        {nodeId});
    std::vector<DrainCount> out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toInt()});
    return out;
}

} // namespace Meshdeck::Gateway::DrainStore
