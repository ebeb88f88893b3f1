#pragma once

#include "storage/migrations.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <vector>

namespace Meshdeck::Presence {

// One user's presence as every node together sees it.
struct UserPresence {
    QString userId;
    QString name;                               // as the user's last session named them (their email);
                                                // the service answers the user's display name
    QString status = QStringLiteral("offline"); // online, away, offline
    qint64 lastSeenMs = 0;                      // offline: when the last session ended; 0: unknown / online
    int sessions = 0;                           // realtime sessions on live nodes
    QString email;                              // filled by the service (not stored)

    bool operator==(const UserPresence &other) const = default;
};

// How many realtime sessions a user has on this node.
struct NodeCount {
    QString userId;
    QString name; // empty: keep the one recorded
    int sessions = 0;
};

// The only code of the presence service that sees SQL (the store contract, storage/store.h).
// Each node writes its own users' session counts to presence_sessions; presence is their union over
// the live nodes, a node being live by the cluster's heartbeat rule (cluster_nodes, the database's
// clock: silent for more than goneAfterMs, or stopped, is gone). Times are the database's clock.
namespace PresenceStore {

std::vector<Storage::Migration> migrations();

// Writes this node's counts in one transaction; rows whose count is unchanged are left alone (their
// last-seen time stays). A user's row that goes from no session to some takes the status the
// user's other live sessions have (online when there are none).
void writeCounts(QSqlDatabase &db, const QString &nodeId, const QList<NodeCount> &counts);
// Every session of this node ends now (a start after a crash, a clean stop); answers whose.
QStringList clearNode(QSqlDatabase &db, const QString &nodeId);
// Cluster mode: the sessions of nodes that are gone end at the node's last heartbeat, so their
// users' last-seen time stays that when the node's row is later forgotten. Answers how many rows.
int retireGoneNodes(QSqlDatabase &db, qint64 goneAfterMs);
// The user's chosen status ("online" or "away") on each of their sessions; false when they have none.
bool setStatus(QSqlDatabase &db, const QString &userId, const QString &status);
// Everyone with a known presence, by user id (byte order). `cluster` false: every row is this
// node's and live.
QList<UserPresence> read(QSqlDatabase &db, bool cluster, qint64 goneAfterMs);

} // namespace PresenceStore

} // namespace Meshdeck::Presence
