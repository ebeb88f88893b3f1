#pragma once

#include "storage/migrations.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace Meshdeck::System {

// One member of a cluster, as its row in cluster_nodes says (times in the database's clock, ms).
struct ClusterMember {
    QString nodeId;
    QString advertiseUrl;
    QString version;
    QString state; // joining, serving, draining, gone
    qint64 startedMs = 0;
    qint64 lastSeenMs = 0;
    int openConnections = 0;
    double load = 0; // the host's 1-minute load average
};

// The only code of the system service that sees SQL. It follows the store contract
// (storage/store.h): functions run on the database thread and throw Storage::StoreError.
namespace SystemStore {

std::vector<Storage::Migration> migrations();

// The node's stable identity: created on first start, the same on every later one (local mode;
// a cluster node keeps its id in its data directory, as the database is shared).
QString loadOrCreateNodeId(QSqlDatabase &db);

// Cluster bootstrap: records the admin token's hash unless one is recorded already. True when
// this call recorded it (this node is the first), decided atomically by the database.
bool claimBootstrap(QSqlDatabase &db, const QString &adminTokenHash);
// The recorded admin token hash; nullopt before the bootstrap.
std::optional<QString> adminTokenHash(QSqlDatabase &db);

// How long a gone member stays listed: a joining node forgets older ones.
constexpr qint64 ForgetGoneAfterMs = 24LL * 60 * 60 * 1000;

// Writes this node's row (last seen = the database's clock, so nodes' clocks may differ); a
// `restarted` node also gets a new start time. Answers every member, a member silent for more
// than `goneAfterMs` reported gone.
QList<ClusterMember> heartbeat(QSqlDatabase &db, const ClusterMember &self, bool restarted,
                               qint64 goneAfterMs);
QList<ClusterMember> members(QSqlDatabase &db, qint64 goneAfterMs);

} // namespace SystemStore

} // namespace Meshdeck::System
