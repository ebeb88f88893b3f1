#pragma once

#include "registrytypes.h"

#include "storage/migrations.h"

#include <QSqlDatabase>

namespace Meshdeck::Registry {

// The registry's tables. Every function runs on the database thread and throws
// std::runtime_error when SQLite refuses, so the awaiting caller answers 503.
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
