#include "services/gateway/metricsstore.h"

#include "storage/store.h"

#include <QSqlQuery>
#include <QVariant>

namespace Meshdeck::Gateway::MetricsStore {

std::vector<Storage::Migration> migrations()
{
    // The same text serves both dialects (BIGINT is an integer in SQLite too). The payload is JSON
    // text that only this code reads whole, so TEXT in both (no JSON operators are needed).
    const QStringList v1 = {
        QStringLiteral("CREATE TABLE gateway_metrics_minutes (node_id TEXT NOT NULL, route_id TEXT NOT NULL,"
                       " minute_ms BIGINT NOT NULL, payload TEXT NOT NULL,"
                       " PRIMARY KEY (node_id, route_id, minute_ms))"),
        QStringLiteral("CREATE INDEX gateway_metrics_minutes_time ON gateway_metrics_minutes (minute_ms)"),
    };
    return {{1, QStringLiteral("gateway minute points"), v1, v1}};
}

void writeMinutes(QSqlDatabase &db, const std::vector<MinuteRow> &rows)
{
    if (rows.empty())
        return;
    Storage::Transaction transaction(db);
    QSqlQuery q = Storage::prepare(
        db, QStringLiteral("INSERT INTO gateway_metrics_minutes (node_id, route_id, minute_ms, payload)"
                           " VALUES (?, ?, ?, ?) ON CONFLICT (node_id, route_id, minute_ms)"
                           " DO UPDATE SET payload = excluded.payload"));
    for (const MinuteRow &row : rows) {
        q.bindValue(0, row.nodeId);
        q.bindValue(1, row.routeId);
        q.bindValue(2, row.minuteMs);
        q.bindValue(3, QString::fromUtf8(row.payload));
        Storage::exec(q, "write a gateway minute");
    }
    transaction.commit();
}

std::vector<MinuteRow> minutes(QSqlDatabase &db, qint64 fromMs, qint64 toMs,
                               const std::optional<QString> &routeId, const std::optional<QString> &nodeId)
{
    QString sql = QStringLiteral("SELECT node_id, route_id, minute_ms, payload FROM gateway_metrics_minutes"
                                 " WHERE minute_ms >= ? AND minute_ms <= ?");
    if (routeId)
        sql += QStringLiteral(" AND route_id = ?");
    if (nodeId)
        sql += QStringLiteral(" AND node_id = ?");
    sql += QStringLiteral(" ORDER BY minute_ms, route_id, node_id");
    QSqlQuery q = Storage::prepare(db, sql, {fromMs, toMs});
    if (routeId)
        q.addBindValue(*routeId);
    if (nodeId)
        q.addBindValue(*nodeId);
    Storage::exec(q, "read gateway minutes");
    std::vector<MinuteRow> out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(),
                       q.value(3).toString().toUtf8()});
    return out;
}

int pruneMinutes(QSqlDatabase &db, qint64 beforeMs)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("DELETE FROM gateway_metrics_minutes WHERE minute_ms < ?"),
                                {beforeMs});
    return q.numRowsAffected();
}

} // namespace Meshdeck::Gateway::MetricsStore
