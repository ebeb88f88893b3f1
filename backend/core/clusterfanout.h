#pragma once

#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <mutex>

namespace Meshdeck::Cluster {
class ClusterBus;
}
namespace Meshdeck::Events {
class EventsChannel;
}

namespace Meshdeck {

// Cluster mode's realtime fan-out between nodes. PostgreSQL is the source: a node's subscribers
// read every topic's new events from the database (EventsChannel::wake). Redis only makes that
// prompt: each commit is announced on it, and every node wakes the topic's readers. A lost
// announcement (or Redis being down) costs a delay until the next poll, never an event:
// the poll runs every PollIntervalMs, and every FastPollIntervalMs while Redis is unavailable.
class ClusterFanout : public QObject
{
    Q_OBJECT
public:
    static constexpr int PollIntervalMs = 1000;
    static constexpr int FastPollIntervalMs = 200;

    // `redisUrl` empty: polling only.
    ClusterFanout(Events::EventsChannel *channel, QString redisUrl, QString nodeId,
                  QObject *parent = nullptr);
    ~ClusterFanout() override;

    // False with `error` when the Redis URL cannot work (a configuration error, not a retry).
    bool start(QString *error);
    // Any thread (the database thread, after a commit): announce that these topics have new events.
    void announce(const QStringList &topics);
    // For readiness, from any thread: {"redis": "connected"|"reconnecting"|"stopped"|"not
    // configured", "pollIntervalMs": n, ...}; a snapshot refreshed on every change and poll.
    QJsonObject status() const;

private:
    void publish(const QStringList &topics);
    void adjustPoll();
    void snapshot();

    Events::EventsChannel *m_channel;
    QString m_redisUrl;
    QString m_nodeId;
    Cluster::ClusterBus *m_bus = nullptr; // a child: deleted with deleteLater semantics by QObject
    QTimer m_poll;
    mutable std::mutex m_mutex;
    QJsonObject m_status;
};

} // namespace Meshdeck
