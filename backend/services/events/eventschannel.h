#pragma once

#include "eventtypes.h"
#include "systemtopics.h"

#include "platform/channel.h"
#include "storage/documentpermissions.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>

#include <atomic>
#include <memory>
#include <mutex>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Events {

// events.<topic> on the realtime endpoint. A subscription may start at an offset: it first reads
// the backlog, then follows live commits. The backlog read and the commit notifications both run
// on the database thread, so nothing can commit in between: no gap and no duplicate.
//
// Delivery is contiguous: a subscriber is only ever handed the offset it expects next. When events
// arrive past a gap (on a cluster, other nodes commit to the same topic and this node hears of it
// later, or never), the gap is read from the database instead. wake() and pollAll() are those reads:
// a wake-up from another node (Redis) and the fallback poll that makes a lost wake-up a delay,
// never a loss.
//
// A read that fails (the database is briefly lost) ends nothing: it is tried again after a delay
// that doubles from FirstRetryMs up to MaxRetryMs, from where the subscriber stopped, so delivery
// resumes with no gap and no duplicate once the database is back. The failure also makes the
// database check its connection, so readiness sees a loss that only this work ran into.
//
// Authorisation mirrors GET /v1/events/topics/{topic}/events: events.read, and for a principal
// whose role holds it only on documents, the topic's read permission, checked in the store's
// query when the subscription starts; a topic it may not read answers the same error as a
// missing one; a system topic needs its owner's read permission as well (SystemTopics). recheck()
// applies a permission change to the open subscriptions of a topic.
class EventsChannel : public Realtime::ChannelProvider
{
public:
    static constexpr int FirstRetryMs = 100;
    static constexpr int MaxRetryMs = 5000;
    static constexpr int MaxFailuresWhileConnected = 3; // a read that fails on an answering database

    // `systemTopics`: the platform's own topics, followed only with their owner's read permission
    // (none given: no topic is one).
    explicit EventsChannel(Storage::Database *database,
                           std::shared_ptr<const SystemTopics> systemTopics = {});
    ~EventsChannel() override;

    QString prefix() const override { return QStringLiteral("events."); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    // On the database thread, after each durable commit.
    void onCommitted(const QList<StoredEventPtr> &events);
    // Any thread: `topic` has new events somewhere (another node committed): the live subscribers
    // of this node read what they have not seen yet.
    void wake(const QString &topic);
    // Any thread: wake() for every topic that has live subscribers here.
    void pollAll();
    // Any thread: permissionsChangedElsewhere() for every topic followed by a subscriber whose read
    // rests on document permissions (another node may have changed them and its word been lost).
    void recheckRestricted();
    // Any thread: another node changed `topic`'s permissions; recheck() it on the database thread,
    // keeping a subscription the check cannot decide (a database error) for the next check.
    void permissionsChangedElsewhere(const QString &topic);
    // The topics with subscribers on this node (for wake-up subscriptions).
    QStringList followedTopics();
    // On the database thread, right after `topic`'s permissions changed (EventsService's topic
    // listener): subscriptions that may no longer read it are told ("unsubscribed") and ended,
    // before any later commit is delivered. `uncertainEnds`: a subscription the check cannot decide
    // (a database error) ends too.
    void recheck(QSqlDatabase &db, const QString &topic, bool uncertainEnds = true);

private:
    struct State {
        Realtime::SubscriptionPtr subscription;
        QString topic;
        Storage::DocumentPermissions::Scope scope; // whose read permission the reads apply
        qint64 requestedOffset = -1;               // -1: from the head ("latest")
        qint64 next = 0;                           // the next offset to deliver (database thread only)
        bool started = false;
        bool live = false; // backlog delivered; commits are delivered as they happen
        int retryMs = 0;   // the delay before the next retry of a failed catch-up (database thread)
        int failures = 0;  // failed catch-ups in a row while the database answers (database thread)
    };
    using StatePtr = std::shared_ptr<State>;

    void catchUp(QSqlDatabase &db, StatePtr state);
    void catchUpTopic(QSqlDatabase &db, const QString &topic);
    // Hands `events` (one topic or several, each in offset order) to live subscribers whose next
    // offset they are; answers the topics where a subscriber found a gap.
    QSet<QString> deliver(const QList<StoredEventPtr> &events,
                          const QHash<QString, QList<StatePtr>> &targets);
    bool start(QSqlDatabase &db, const StatePtr &state);          // false: failed, dropped
    bool deliverBacklog(QSqlDatabase &db, const StatePtr &state); // true: caught up, now live
    void fail(const StatePtr &state, const QString &reason);
    void drop(const StatePtr &state);
    void forget(const StatePtr &state); // under m_mutex
    // Database thread, after a failed read: the next delay of a doubling backoff, from `current`.
    static int nextRetryMs(int current);
    void retryCatchUp(const StatePtr &state, const QString &reason);
    void retryTopic(const QString &topic, const QString &reason);
    // Runs `work` on the database thread after `delayMs`, unless the channel is gone by then.
    template<typename Work> void after(int delayMs, Work work);

    // Runs `work` on the database thread unless the channel is gone by then.
    template<typename Work> void later(Work work);

    Storage::Database *m_database;
    std::shared_ptr<const SystemTopics> m_systemTopics;
    std::shared_ptr<std::atomic<bool>> m_alive = std::make_shared<std::atomic<bool>>(true);
    std::mutex m_mutex;
    QSet<QString> m_wakePending; // topics with a catch-up read queued
    QHash<QString, QList<StatePtr>> m_byTopic;
    QHash<quint64, StatePtr> m_byId;
    QHash<QString, int> m_topicRetryMs; // topics whose catch-up read failed (database thread only)
    QSet<QString> m_topicRetryPending;  // topics with a retry timer running (database thread only)
};

} // namespace Meshdeck::Events
