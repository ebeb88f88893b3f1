#pragma once

#include "registrytypes.h"

#include "storage/migrations.h"

#include <QSqlDatabase>

namespace Meshdeck::Registry {

// The registry's tables, following the store contract (storage/store.h): every function runs on
// the database thread, a database failure is a thrown Storage::StoreError, and a write of more
// than one statement is one Storage::Transaction.
namespace RegistryStore {

Storage::Migration migration();

// Writes the instance row and, when given, one history entry, in one transaction.
void save(QSqlDatabase &db, const Instance &instance, const HistoryEntry *change = nullptr);
void remove(QSqlDatabase &db, const QString &id);
// Every stored instance, with its latest history.
QList<Instance> loadAll(QSqlDatabase &db);

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
