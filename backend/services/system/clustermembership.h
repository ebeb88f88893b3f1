#pragma once

#include "systemstore.h"

#include "platform/channel.h"

#include <QCoroTask>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QTimer>

#include <functional>
#include <mutex>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::System {

struct MembershipSettings {
    bool cluster = false; // local mode: the node is the only member and nothing is written
    QString nodeId;
    QString advertiseUrl;
    QString version;
    qint64 goneAfterMs = 5'000;
    int heartbeatMs = 1'000;
    std::function<int()> openConnections;
};

// The cluster's members and this node's place among them. In cluster mode the node heartbeats
// its row in cluster_nodes every second (last seen by the database's clock) and reads every row
// back, so a member silent for goneAfterMs is reported gone. The `cluster` realtime channel sends a
// snapshot on subscribe, then each member whose state, URL or version changed, or that appeared.
class ClusterMembership : public QObject, public Realtime::ChannelProvider
{
    Q_OBJECT
public:
    ClusterMembership(MembershipSettings settings, Storage::Database *database);
    ~ClusterMembership() override;

    // Writes the node's row as "joining" and starts heartbeating; an error text or empty.
    QCoro::Task<QString> join();
    // "serving", "draining" or "gone" (a clean stop): written at once, then with every heartbeat.
    QCoro::Task<void> setState(QString state);

    // Before join() / before "serving" (the listening port is known late).
    void setNodeId(const QString &nodeId) { m_settings.nodeId = nodeId; }
    void setAdvertiseUrl(const QString &url) { m_settings.advertiseUrl = url; }
    QString advertiseUrl() const { return m_settings.advertiseUrl; }

    // Any thread: the members as last read, as JSON.
    QJsonArray membersJson() const;
    // Any thread: the ids of the serving members as last read, sorted.
    QStringList servingNodes() const
    {
        std::lock_guard lock(m_mutex);
        return m_serving;
    }
    bool cluster() const { return m_settings.cluster; }
    qint64 goneAfterMs() const { return m_settings.goneAfterMs; }
    static QJsonObject memberJson(const ClusterMember &member, const QString &selfId);

    // ChannelProvider
    QString prefix() const override { return QStringLiteral("cluster"); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

Q_SIGNALS:
    // The ids of the members that serve (this node too, once it does), sorted; on every change.
    void servingNodesChanged(const QStringList &nodes);

private:
    QCoro::Task<void> beat();
    ClusterMember self() const;
    void update(const QList<ClusterMember> &members);
    QJsonArray membersJsonLocked() const;

    MembershipSettings m_settings;
    Storage::Database *m_database;
    QTimer m_timer;
    QString m_state = QStringLiteral("joining");
    bool m_beating = false;
    mutable std::mutex m_mutex; // guards the members and the subscribers
    QList<ClusterMember> m_members;
    QStringList m_serving;
    QHash<quint64, Realtime::SubscriptionPtr> m_subscribers;
};

} // namespace Meshdeck::System
