#pragma once

#include "api/apiclient.h"
#include "common/jsonlistmodel.h"

namespace Meshdeck::Console {

// The attached cluster's members from GET /v1/system/cluster. A backend without that route (404)
// is a single node: `singleNode` is true and there are no rows; any other failure is `error`.
class ClusterMembersModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.clusterMembers")
    Q_PROPERTY(bool singleNode READ isSingleNode NOTIFY singleNodeChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY singleNodeChanged)
public:
    enum Role {
        NodeIdRole = Qt::UserRole + 1,
        UrlRole,
        VersionRole,
        StateRole,
        LastSeenRole,
        ConnectionsRole,
        LoadRole
    };

    explicit ClusterMembersModel(ApiClient *api, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool isSingleNode() const { return m_singleNode; }
    bool isLoaded() const { return m_loaded; }

    Q_INVOKABLE void refresh();
    void clear();

Q_SIGNALS:
    void singleNodeChanged();

private:
    QCoro::Task<void> load();

    ApiClient *m_api;
    bool m_singleNode = false;
    bool m_loaded = false;
    quint64 m_generation = 0;
};

} // namespace Meshdeck::Console
