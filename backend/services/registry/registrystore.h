#pragma once

#include "registrytypes.h"

#include "storage/migrations.h"

#include "storage/store.h"

#include <QHash>
#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace Meshdeck::Registry {

// The registry's tables, following the store contract (storage/store.h): every function runs on
// the database thread, a database failure is a thrown Storage::StoreError, and a write of more
// than one statement is one Storage::Transaction.
namespace RegistryStore {

std::vector<Storage::Migration> migrations();

// Another node wrote the row first (or registered the same service, address and port): nothing of
// this write was stored.
class RevisionConflict : public Storage::StoreError
{
public:
    RevisionConflict();
};

// Writes the instance row (at instance.revision) and, when given, one history entry, in one
// transaction. With `expectedRevision` >= 0 (cluster mode) the write is conditional: it applies
// only while the stored row is at that revision (0: the row does not exist yet) and, when
// `heartbeatNoLaterThan` >= 0, while no heartbeat newer than that was stored; it throws
// RevisionConflict otherwise. With -1 it overwrites (local mode: this node is the only writer).
// Revisions are random tokens, not counters, so a node writing on a stale base never matches
// another node's newer revision. The heartbeat columns only move forward.
void save(QSqlDatabase &db, const Instance &instance, const HistoryEntry *change = nullptr,
          qint64 expectedRevision = -1, qint64 heartbeatNoLaterThan = -1);
// A heartbeat that changed no status: its time and in-flight count only, not the revision (so
// it does not collide with the status writes of the node that checks the instance). Throws
// RevisionConflict when the row is gone.
void saveHeartbeat(QSqlDatabase &db, const QString &id, qint64 heartbeatMs, int inFlight);
// Whether a row was there to remove; with `expectedRevision` >= 0 only at that revision.
bool remove(QSqlDatabase &db, const QString &id, qint64 expectedRevision = -1);
// Every stored instance, with its latest history.
QList<Instance> loadAll(QSqlDatabase &db);

// Cluster mode: what changed since this node last looked, for the ids this node holds (and
// every other stored one, unless `only` names the ids to look at).
struct Known {
    qint64 revision = 0;
    qint64 heartbeatMs = 0;
    bool reload = false; // read it again whatever the stored revision
};
struct Heartbeat {
    QString id;
    qint64 heartbeatMs = 0;
    int inFlight = -1;
};
struct Changes {
    QList<Instance> changed;     // new or at another revision, with their latest history
    QStringList removed;         // known here, gone from the database
    QList<Heartbeat> heartbeats; // same revision, a newer heartbeat
};
Changes changesSince(QSqlDatabase &db, const QHash<QString, Known> &known,
                     const std::optional<QStringList> &only = std::nullopt);

// A fresh random revision token (never 0).
qint64 newRevision();

struct Change {
    QString instanceId;
    QString service;
    HistoryEntry entry;
};
QList<Change> recentChanges(QSqlDatabase &db, int limit);
// Drops history older than the cutoff.
void pruneHistory(QSqlDatabase &db, qint64 beforeMs);

} // namespace RegistryStore

} // namespace Meshdeck::Registry
