#pragma once

#include "storage/migrations.h"

#include <QHash>
#include <QSqlDatabase>
#include <QString>

#include <vector>

namespace Meshdeck::Gateway {

// A node's gateway's requests in flight to an instance being drained, as that node last wrote it.
struct DrainCount {
    QString nodeId;
    QString instanceId;
    int inFlight = 0;
};

// Cluster mode: what each node's gateway holds of the instances being drained (component
// "gateway_drains", table gateway_drain_counts), so that the node that completes a drain waits for
// every node's gateway, not only its own. Follows the store contract (storage/store.h): runs on
// the database thread, database failures throw Storage::StoreError.
namespace DrainStore {

// Rows not rewritten for this long are pruned (their node is long gone, or the drain long over).
inline constexpr qint64 KeepMs = 10 * 60 * 1000;

std::vector<Storage::Migration> migrations();

// Replaces this node's rows with `mine` (draining instance -> requests in flight, 0 included: a
// row says the node has seen the drain) when `write`, prunes stale rows, and answers the other
// nodes' rows. Without `write` (nothing drains now, nor did at the last write) it only reads.
std::vector<DrainCount> exchange(QSqlDatabase &db, const QString &nodeId, const QHash<QString, int> &mine,
                                 qint64 nowMs, bool write = true);

} // namespace DrainStore

} // namespace Meshdeck::Gateway
