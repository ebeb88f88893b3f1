#pragma once

#include "eventtypes.h"

#include "platform/channel.h"

#include <QHash>
#include <QSqlDatabase>

#include <mutex>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Events {

// events.<topic> on the realtime endpoint. A subscription may start at an offset: it first reads
// the backlog, then follows live commits. The backlog read and the commit notifications both run
// on the database thread, so nothing can commit in between: no gap and no duplicate.
class EventsChannel : public Realtime::ChannelProvider
{
public:
    explicit EventsChannel(Storage::Database *database);

    QString prefix() const override { return QStringLiteral("events."); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    // On the database thread, after each durable commit.
    void onCommitted(const QList<StoredEventPtr> &events);

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
    bool start(QSqlDatabase &db, const StatePtr &state);          // false: failed, dropped
    bool deliverBacklog(QSqlDatabase &db, const StatePtr &state); // true: caught up, now live
    void fail(const StatePtr &state, const QString &reason);
    void drop(const StatePtr &state);
    void forget(const StatePtr &state); // under m_mutex

    Storage::Database *m_database;
    std::mutex m_mutex;
    QHash<QString, QList<StatePtr>> m_byTopic;
    QHash<quint64, StatePtr> m_byId;
};

} // namespace Meshdeck::Events
