#include "publishqueue.h"

#include "storage/database.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPublish, "meshdeck.backend.events.publish")

namespace Meshdeck::Events {

PublishQueue::PublishQueue(Storage::Database *database, const Clock &clock, Limits limits,
                           CommittedHandler onCommitted)
    : m_database(database)
    , m_clock(clock)
    , m_limits(limits)
    , m_onCommitted(std::move(onCommitted))
{}

PublishQueue::Depth PublishQueue::depth() const
{
    std::lock_guard lock(m_mutex);
    return m_depth;
}

bool PublishQueue::admits(qint64 events, qint64 bytes, Origin origin) const
{
    // An empty queue takes any batch, so a batch larger than the byte limit is not refused forever.
    if (m_depth.events == 0)
        return true;
    const qint64 factor = origin == Origin::Platform ? 2 : 1;
    return m_depth.events + events <= factor * m_limits.maxEvents &&
           m_depth.bytes + bytes <= factor * m_limits.maxBytes;
}

QFuture<Result<QList<StoredEventPtr>>> PublishQueue::enqueue(EventsStore::Batch batch, Origin origin)
{
    auto promise = std::make_shared<Promise>();
    QFuture<Result<QList<StoredEventPtr>>> future = promise->future();
    promise->start();
    qint64 bytes = 0;
    for (const EventInput &e : batch.events)
        bytes += EventsStore::eventSize(e);
    const qint64 events = batch.events.size();
    bool schedule = false;
    Depth full;
    {
        std::lock_guard lock(m_mutex);
        if (admits(events, bytes, origin)) {
            m_depth.events += events;
            m_depth.bytes += bytes;
            m_queue.push_back(Pending{std::move(batch), promise, bytes});
            schedule = !m_commitScheduled;
            m_commitScheduled = true;
        } else {
            full = m_depth;
        }
    }
    if (full.events > 0) {
        promise->addResult(Error::busy(
            QStringLiteral(
                "The publish queue is full (%1 events, %2 KiB waiting to be written); nothing of this "
                "batch was accepted. Retry in %3 s.")
                .arg(full.events)
                .arg(full.bytes / 1024)
                .arg(m_limits.retryAfterSeconds),
            m_limits.retryAfterSeconds, "publish-queue-full"));
        promise->finish();
        return future;
    }
    if (schedule)
        m_database->run([this](QSqlDatabase &db) { commitPending(db); });
    return future;
}

void PublishQueue::commitPending(QSqlDatabase &db)
{
    for (;;) {
        std::vector<Pending> group;
        {
            std::lock_guard lock(m_mutex);
            if (m_queue.empty()) {
                m_commitScheduled = false;
                return;
            }
            group.swap(m_queue);
        }
        commitGroup(db, group);
    }
}

// Writes the group, then settles it in this order: the queue's depth (the room is free again),
// the commit listeners (live subscribers see the events), and last the publishers' promises, so
// that whoever waits on a publish finds everything else already done.
void PublishQueue::commitGroup(QSqlDatabase &db, std::vector<Pending> &group)
{
    std::vector<EventsStore::Batch> batches;
    batches.reserve(group.size());
    for (const Pending &p : group)
        batches.push_back(p.batch);
    const qint64 now = m_clock.nowMs();
    std::vector<Result<QList<StoredEventPtr>>> results;
    try {
        results = EventsStore::appendGroup(db, batches, now);
    } catch (const Storage::CommitOutcomeUnknown &e) {
        // The server may have committed them: "not stored" would invite a duplicating retry.
        qCWarning(lcPublish) << "a group commit of" << group.size()
                             << "batches has an unknown outcome:" << e.what();
        m_database->checkConnectionAfterFailure();
        const Error error = Error::unavailable(
            QStringLiteral("The connection to the database was lost while these events were being committed, "
                           "so they may or may not have been stored (%1). Before publishing them again, read "
                           "the topic from the last offset you know and publish only what is not there.")
                .arg(QString::fromUtf8(e.what())),
            "publish-outcome-unknown");
        results.assign(group.size(), error);
    } catch (const std::exception &e) {
        // Any failure (not only the store's) fails the group: an escaping exception would leave
        // the queue waiting for a commit that never comes.
        qCWarning(lcPublish) << "a group commit of" << group.size() << "batches failed:" << e.what();
        // The error stops here, so the database would not look for a lost connection by itself:
        // without this, readiness says ready while every publish fails.
        m_database->checkConnectionAfterFailure();
        const Error error = Error::unavailable(
            QStringLiteral(
                "The events were not stored, so nothing was acknowledged: %1. Retry the whole batch.")
                .arg(QString::fromUtf8(e.what())));
        results.assign(group.size(), error);
    }
    Depth done;
    for (const Pending &p : group) {
        done.events += p.batch.events.size();
        done.bytes += p.bytes;
    }
    {
        std::lock_guard lock(m_mutex);
        m_depth.events -= done.events;
        m_depth.bytes -= done.bytes;
    }
    QList<StoredEventPtr> committed;
    for (const Result<QList<StoredEventPtr>> &r : results) {
        if (r)
            committed += r.value();
    }
    if (!committed.isEmpty())
        m_onCommitted(committed, now);
    for (size_t i = 0; i < group.size(); ++i) {
        group[i].promise->addResult(results[i]);
        group[i].promise->finish();
    }
}

} // namespace Meshdeck::Events
