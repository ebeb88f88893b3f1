#pragma once

#include "registrytypes.h"

#include "storage/migrations.h"

#include "storage/store.h"

#include <QHash>
#include <QSqlDatabase>

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

// Writes the instance row and, when given, one history entry, in one transaction. With
// `expectedRevision` >= 0 (cluster mode) the write is conditional: it applies only while the stored
// row is at that revision (0: the row does not exist yet) and leaves it at expectedRevision + 1;
// it throws RevisionConflict otherwise. With -1 it overwrites (local mode: this node is the only writer).
void save(QSqlDatabase &db, const Instance &instance, const HistoryEntry *change = nullptr,
          qint64 expectedRevision = -1);
// Whether a row was there to remove.
bool remove(QSqlDatabase &db, const QString &id);
// Every stored instance, with its latest history.
QList<Instance> loadAll(QSqlDatabase &db);

// Cluster mode: what changed since this node last looked. `known` maps the ids this node holds to
// the revision it holds them at (-1: reload it whatever the stored revision).
struct Changes {
    QList<Instance> changed; // new or at another revision, with their latest history
    QStringList removed;     // known here, gone from the database
};
Changes changesSince(QSqlDatabase &db, const QHash<QString, qint64> &known);

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
