#pragma once

#include "services/gateway/gatewaymetrics.h"
#include "storage/migrations.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace Meshdeck::Gateway {

// The gateway's minute points (component "gateway_metrics", table gateway_metrics_minutes): one
// row per node, route and minute, so that the minute series survive a restart and the 1h/24h
// series of a cluster merge every node's minutes. Follows the store contract (storage/store.h):
// runs on the database thread, database failures throw Storage::StoreError.
namespace MetricsStore {

inline constexpr qint64 KeepMs = 24 * 60 * 60 * 1000; // minutes older than a day are pruned

std::vector<Storage::Migration> migrations();

// Writes the rows in one transaction; a row of the same node, route and minute is replaced (the
// owner may write a minute again after a restart within it).
void writeMinutes(QSqlDatabase &db, const std::vector<MinuteRow> &rows);
// Every node's rows with fromMs <= minute_ms <= toMs, oldest first; only one route's when given,
// only one node's when given.
std::vector<MinuteRow> minutes(QSqlDatabase &db, qint64 fromMs, qint64 toMs,
                               const std::optional<QString> &routeId = std::nullopt,
                               const std::optional<QString> &nodeId = std::nullopt);
// Deletes the rows older than `beforeMs` (every node's); answers how many.
int pruneMinutes(QSqlDatabase &db, qint64 beforeMs);

} // namespace MetricsStore

} // namespace Meshdeck::Gateway
