#pragma once

#include "api/httpapiclient.h"
#include "common/statefullistmodel.h"
#include "profilesmodel.h"

#include <QTimer>

namespace Meshdeck::Console {

// Every profile at a glance, refreshed in the background: reachable or not (and why), how many
// services have a critical instance, how many nodes. One client, the profiles asked in turn.
class ClusterSummaryModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.clusterSummary")
public:
    enum Role {
        ProfileIdRole = Qt::UserRole + 1,
        NameRole,
        ColourRole,
        CheckedRole, // false until the first answer (or failure) for this profile
        ReachableRole,
        CriticalServicesRole,
        NodesRole,
        ProblemRole,
    };

    ClusterSummaryModel(ProfilesModel *profiles, ApiClient *api, int intervalMs, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void refresh();

private:
    struct Row {
        QString id;
        bool checked = false;
        bool reachable = false;
        int criticalServices = -1;
        int nodes = -1;
        QString problem = {};
    };
    QCoro::Task<void> refreshAll();
    void syncRows();

    ProfilesModel *m_profiles;
    ApiClient *m_api;
    QList<Row> m_rows;
    QTimer m_timer;
    bool m_running = false;
};

} // namespace Meshdeck::Console
