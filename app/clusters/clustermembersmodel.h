#pragma once

#include "api/apiclient.h"
#include "common/jsonlistmodel.h"

namespace Meshdeck::Console {

class RealtimeClient;

// The attached cluster's members, live: the `cluster` realtime channel's snapshot, then each
// `change` (a member joined, started serving, drained or is gone) as it happens. The realtime
// client subscribes again after a reconnect or a failover, and the new node's snapshot replaces
// the rows. GET /v1/system/cluster fills the list until the channel's snapshot arrives; a backend
// without that route (404) is a single node: `singleNode` is true and there are no rows.
class ClusterMembersModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.clusterMembers")
    Q_PROPERTY(bool singleNode READ isSingleNode NOTIFY singleNodeChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY singleNodeChanged)
    // The rows follow the channel (its snapshot arrived on the current realtime connection).
    Q_PROPERTY(bool live READ isLive NOTIFY liveChanged)
public:
    static constexpr auto Channel = "cluster";

    enum Role {
        NodeIdRole = Qt::UserRole + 1,
        UrlRole,
        VersionRole,
        StateRole,
        LastSeenRole,
        ConnectionsRole,
        LoadRole
    };

    ClusterMembersModel(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool isSingleNode() const { return m_singleNode; }
    bool isLoaded() const { return m_loaded; }
    bool isLive() const { return m_live; }

    // Subscribes to the cluster channel (once: the realtime client resubscribes by itself).
    void start();
    Q_INVOKABLE void refresh();
    // Another backend is being attached: no rows, loading until it answers.
    void clear();

Q_SIGNALS:
    void singleNodeChanged();
    void liveChanged();

private:
    QCoro::Task<void> load();
    void onMessage(const QString &channel, const QJsonObject &message);
    void setLive(bool live);
    void settle(); // loaded, no longer loading

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    bool m_singleNode = false;
    bool m_loaded = false;
    bool m_live = false;
    bool m_started = false;
    quint64 m_generation = 0;
};

} // namespace Meshdeck::Console
