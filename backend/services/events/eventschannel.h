#pragma once

#include "eventtypes.h"

#include "platform/channel.h"

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
class EventsChannel : public Realtime::ChannelProvider
{
public:
    explicit EventsChannel(Storage::Database *database);
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
    // The topics with subscribers on this node (for wake-up subscriptions).
    QStringList followedTopics();

private:
    struct State {
        Realtime::SubscriptionPtr subscription;
        QString topic;
        qint64 requestedOffset = -1; // -1: from the head ("latest")
        qint64 next = 0;             // the next offset to deliver (database thread only)
        bool started = false;
        bool live = false; // backlog delivered; commits are delivered as they happen
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

    // Runs `work` on the database thread unless the channel is gone by then.
    template<typename Work> void later(Work work);

    Storage::Database *m_database;
    std::shared_ptr<std::atomic<bool>> m_alive = std::make_shared<std::atomic<bool>>(true);
    std::mutex m_mutex;
    QSet<QString> m_wakePending; // topics with a catch-up read queued
    QHash<QString, QList<StatePtr>> m_byTopic;
    QHash<quint64, StatePtr> m_byId;
};

} // namespace Meshdeck::Events
