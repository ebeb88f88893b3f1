#pragma once

#include "platform/audit.h"

#include "storage/migrations.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace Meshdeck::Audit {

// One stored audit record: the entry and its id. Ids grow with every insert and are never reused
// (AUTOINCREMENT / BIGSERIAL), and they become visible in id order (see insert()), so "after id N"
// and "before id N" are gap-free cursors.
struct AuditRecord {
    qint64 id = 0;
    AuditEntry entry;
};

// What GET /v1/audit filters on; an empty field does not filter.
struct AuditFilter {
    QString actor;
    QString action;
    QString resource; // exact, or a prefix when it ends with ':' ("topic:" -> every topic)
    QString outcome;
    std::optional<qint64> fromMs;   // time_ms >= fromMs
    std::optional<qint64> toMs;     // time_ms < toMs
    std::optional<qint64> beforeId; // the keyset cursor: only ids below it (newest first)
    int limit = 100;
};

// The audit log's SQL (both dialects). Functions follow storage/store.h: they run on the database
// thread and throw Storage::StoreError on any database failure.
namespace AuditStore {

// The "audit" component's migrations.
std::vector<Storage::Migration> migrations();

// Stores the entries in one transaction. On PostgreSQL the transaction holds a cluster-wide
// advisory lock, so ids are assigned and committed in the same order on every node: a reader that
// has seen id N has seen every id below it.
void insert(QSqlDatabase &db, const std::vector<AuditEntry> &entries);

// Newest first, at most filter.limit records.
QList<AuditRecord> search(QSqlDatabase &db, const AuditFilter &filter);

// Oldest first: the records with an id above `afterId`, at most `limit` (the live channel's read).
QList<AuditRecord> after(QSqlDatabase &db, qint64 afterId, int limit);

// The highest id stored, 0 when none.
qint64 lastId(QSqlDatabase &db);

// Deletes at most `limit` records older than `cutoffMs`, oldest first; answers how many went.
// On PostgreSQL it runs only when no other node is sweeping (pg_try_advisory_xact_lock); *skipped
// says so.
int expire(QSqlDatabase &db, qint64 cutoffMs, int limit, bool *skipped = nullptr);

} // namespace AuditStore

} // namespace Meshdeck::Audit
