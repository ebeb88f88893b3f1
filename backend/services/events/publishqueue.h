#pragma once

#include "eventsstore.h"

#include "platform/clock.h"
#include "platform/result.h"

#include <QFuture>
#include <QPromise>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Events {

// The group commit of publishes: while one transaction is being made durable, the batches that
// arrive meanwhile queue up and go into the next one together. The queue is bounded: a batch that
// would take it over its limit is refused with Busy, and nothing already accepted is lost.
class PublishQueue
{
public:
    struct Limits {
        // Events and bytes accepted but not yet durable. The defaults are far above what 64
        // concurrent publishers of 1000-event batches ever have waiting (that load peaks at a
        // few thousand events and a few MiB) and stop growth long before memory runs out.
        qint64 maxEvents = 100'000;
        qint64 maxBytes = 64LL * 1024 * 1024;
        int retryAfterSeconds = 1;
    };
    // Who publishes. The platform's own events (audit records, lifecycle, other services' events)
    // may use the same room again on top, so that a flood of client publishes does not silence them.
    enum class Origin { Client, Platform };
    // Runs on the database thread after each durable commit, with its events in offset order per topic.
    using CommittedHandler = std::function<void(const QList<StoredEventPtr> &, qint64 nowMs)>;

    PublishQueue(Storage::Database *database, const Clock &clock, Limits limits,
                 CommittedHandler onCommitted);

    // Resolves once the batch is durable, with its stored events; or NotFound (no such topic),
    // Busy (the queue is full: nothing of this batch was accepted) or Unavailable (storage failed:
    // nothing of this batch was written; or, code "publish-outcome-unknown", the connection was
    // lost during the commit and the batch may or may not have been written).
    QFuture<Result<QList<StoredEventPtr>>> enqueue(EventsStore::Batch batch, Origin origin);

    struct Depth {
        qint64 events = 0;
        qint64 bytes = 0;
    };
    Depth depth() const; // accepted and not yet durable
    const Limits &limits() const { return m_limits; }

private:
    using Promise = QPromise<Result<QList<StoredEventPtr>>>;
    struct Pending {
        EventsStore::Batch batch;
        std::shared_ptr<Promise> promise;
        qint64 bytes = 0;
    };
    bool admits(qint64 events, qint64 bytes, Origin origin) const; // m_mutex held
    void commitPending(QSqlDatabase &db);
    void commitGroup(QSqlDatabase &db, std::vector<Pending> &group);

    Storage::Database *m_database;
    const Clock &m_clock;
    Limits m_limits;
    CommittedHandler m_onCommitted;

    mutable std::mutex m_mutex;
    std::vector<Pending> m_queue;
    Depth m_depth;
    bool m_commitScheduled = false;
};

} // namespace Meshdeck::Events
