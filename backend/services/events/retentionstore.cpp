#include "retentionstore.h"

#include "eventsstore.h"
#include "storesupport.h"

#include "storage/store.h"

#include <QSqlQuery>

#include <optional>

namespace Meshdeck::Events {

namespace {

// The expired prefix of one topic's log: up to which offset, and how much it holds.
struct Expired {
    qint64 lastOffset = -1;
    qint64 events = 0;
    qint64 bytes = 0;
};

// Whole batches, oldest first: only a prefix of the log goes, so the offsets that remain stay
// contiguous. A batch is kept while any of it may be kept.
Expired expiredPrefix(QSqlDatabase &db, const TopicInfo &t, qint64 nowMs, int budget)
{
    Expired out;
    const bool byAge = t.retention.maxAgeSeconds > 0;
    const qint64 cutoff = nowMs - t.retention.maxAgeSeconds * 1000;
    QSqlQuery oldest =
        Storage::exec(db,
                      QStringLiteral("SELECT first_offset, last_offset, time_ms, size FROM event_batches"
                                     " WHERE topic = ? ORDER BY last_offset LIMIT 1000"),
                      {t.name});
    while (oldest.next()) {
        const qint64 events = oldest.value(1).toLongLong() - oldest.value(0).toLongLong() + 1;
        if (out.events > 0 && out.events + events > budget)
            break;
        const bool expired = byAge && oldest.value(2).toLongLong() < cutoff;
        const bool oversize = t.retention.maxBytes > 0 && t.totalBytes - out.bytes > t.retention.maxBytes;
        if (!expired && !oversize)
            break;
        out.lastOffset = oldest.value(1).toLongLong();
        out.bytes += oldest.value(3).toLongLong();
        out.events += events;
    }
    return out;
}

void removePrefix(QSqlDatabase &db, const QString &topic, const Expired &expired)
{
    Storage::exec(db, QStringLiteral("DELETE FROM event_batches WHERE topic = ? AND last_offset <= ?"),
                  {topic, expired.lastOffset});
    Storage::exec(db,
                  QStringLiteral("UPDATE topics SET first_offset = ?, event_count = event_count - ?,"
                                 " total_bytes = total_bytes - ? WHERE name = ?"),
                  {expired.lastOffset + 1, expired.events, expired.bytes, topic});
}

} // namespace

int RetentionStore::expireEvents(QSqlDatabase &db, qint64 nowMs, int maxEvents, bool *skipped)
{
    if (skipped)
        *skipped = false;
    // PostgreSQL: the pass is one transaction holding the service's advisory lock, so one node of a
    // cluster runs it at a time; another node's pass finds the lock taken and skips its turn.
    // SQLite: a short transaction per topic, in turns with publishes on the same thread.
    const bool postgres = StoreSupport::isPostgres(db);
    std::optional<Storage::Transaction> pass;
    if (postgres) {
        pass.emplace(db);
        if (!StoreSupport::tryTransactionLock(db, StoreSupport::RetentionLockKey)) {
            if (skipped)
                *skipped = true;
            return 0;
        }
    }
    int deleted = 0;
    for (const TopicInfo &t : EventsStore::listTopics(db)) {
        if (deleted >= maxEvents)
            break;
        const bool bySize = t.retention.maxBytes > 0 && t.totalBytes > t.retention.maxBytes;
        if (t.retention.maxAgeSeconds <= 0 && !bySize)
            continue;
        const Expired expired = expiredPrefix(db, t, nowMs, maxEvents - deleted);
        if (expired.events == 0)
            continue;
        if (postgres) {
            removePrefix(db, t.name, expired);
        } else {
            Storage::Transaction transaction(db);
            removePrefix(db, t.name, expired);
            transaction.commit();
        }
        deleted += int(expired.events);
    }
    if (pass)
        pass->commit();
    return deleted;
}

} // namespace Meshdeck::Events
