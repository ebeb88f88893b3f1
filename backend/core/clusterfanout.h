#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <atomic>
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
// prompt: each commit is announced on it, and the other nodes wake the topic's readers. A lost
// announcement (or Redis being down) costs a delay until the next poll, never an event: the poll
// runs every `pollIntervalMs`, and every FastPollIntervalMs while Redis is unavailable. A topic's
// permission change is announced the same way, so the other nodes end the subscriptions that lost
// read at once; the poll checks them again too, so a lost word costs a poll interval.
class ClusterFanout : public QObject
{
    Q_OBJECT
public:
    static constexpr int FastPollIntervalMs = 200;
    // How often the subscriptions resting on document permissions are checked again without a
    // word from another node (and at once after Redis comes back).
    static constexpr int RecheckIntervalMs = 10'000;

    // `redisUrl` empty: polling only, every FastPollIntervalMs.
    ClusterFanout(Events::EventsChannel *channel, QString redisUrl, QString nodeId, int pollIntervalMs,
                  QObject *parent = nullptr);
    ~ClusterFanout() override;

    // False with `error` when the Redis URL cannot work (a configuration error, not a retry).
    bool start(QString *error);
    // Stops polling and announcing (shutdown: before the database closes).
    void stop();
    // Any thread (the database thread, after a commit): announce that these topics have new events.
    void announce(const QStringList &topics);
    // Any thread (the database thread, after the change): `topic`'s permissions changed here.
    void announcePermissions(const QString &topic);
    // Any thread: users, sessions or keys changed here (a sign-out, a revocation, a role).
    void announceAccess();
    // Any thread: a deployment's log or status changed here (its channel's subscribers elsewhere
    // read the database again; the sites service's own timer does it anyway, later).
    void announceDeployment(const QString &siteId, const QString &deploymentId);
    // Any thread: a chat room changed here (messages or participants: the other nodes read it from
    // the database), or, with `ephemeral`, a channel message that is never stored (typing, read
    // marks) for the room's subscribers on the other nodes.
    void announceChat(const QString &roomId, const QByteArray &ephemeral = {});
    // Any thread: a user's presence changed here (sessions opened or closed, a status chosen); the
    // other nodes read presence again (their sweep does it anyway, later).
    void announcePresence(const QString &userId);

Q_SIGNALS:
    // Another node changed users, sessions or keys: read them again now, not at the next poll.
    void accessChangedElsewhere();
    // Another node changed a deployment's log or status.
    void deploymentChangedElsewhere(const QString &siteId, const QString &deploymentId);
    // Another node changed a chat room (`ephemeral` empty), or sent its subscribers `ephemeral`.
    void chatChangedElsewhere(const QString &roomId, const QByteArray &ephemeral);
    // Another node changed a user's presence.
    void presenceChangedElsewhere(const QString &userId);
    // Back after a gap in the Redis connection: what was announced meanwhile was lost.
    void resynced();

public:
    // For readiness, from any thread: {"redis": "connected"|"reconnecting"|"stopped"|"not
    // configured", "pollIntervalMs": n, ...}; a snapshot refreshed on every change and poll.
    QJsonObject status() const;

private:
    void publish(const QString &channel, const QStringList &topics);
    void onMessage(const QString &channel, const QByteArray &payload);
    void adjustPoll();
    void snapshot();

    Events::EventsChannel *m_channel;
    QString m_nodeId;
    int m_pollIntervalMs;
    Cluster::ClusterBus *m_bus = nullptr; // a child; made in the constructor, so announce() may read it
    std::atomic<bool> m_running{false};
    QTimer m_poll;
    QElapsedTimer m_sinceRecheck;
    mutable std::mutex m_mutex;
    QJsonObject m_status;
};

} // namespace Meshdeck
