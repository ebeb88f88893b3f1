#include "clustersummarymodel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

namespace Meshdeck::Console {

ClusterSummaryModel::ClusterSummaryModel(ProfilesModel *profiles, ApiClient *api, int intervalMs,
                                         QObject *parent)
    : StatefulListModel(parent)
    , m_profiles(profiles)
    , m_api(api)
{
    syncRows();
    connect(profiles, &ProfilesModel::entriesChanged, this, &ClusterSummaryModel::syncRows);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ClusterSummaryModel::refresh);
    if (intervalMs > 0)
        m_timer.start();
}

void ClusterSummaryModel::syncRows()
{
    beginResetModel();
    QList<Row> rows;
    for (const ClusterProfile &p : m_profiles->profiles()) {
        auto it = std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const Row &r) { return r.id == p.id; });
        rows << (it != m_rows.cend() ? *it : Row{p.id});
    }
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

int ClusterSummaryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ClusterSummaryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const auto profile = m_profiles->profile(row.id);
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return profile ? profile->name : QString();
    case ProfileIdRole:
        return row.id;
    case ColourRole:
        return profile ? profile->colour : QString();
    case CheckedRole:
        return row.checked;
    case ReachableRole:
        return row.reachable;
    case CriticalServicesRole:
        return row.criticalServices;
    case NodesRole:
        return row.nodes;
    case ProblemRole:
        return row.problem;
    default:
        return {};
    }
}

QHash<int, QByteArray> ClusterSummaryModel::roleNames() const
{
    return {{ProfileIdRole, "profileId"}, {NameRole, "name"},
            {ColourRole, "colour"},       {CheckedRole, "checked"},
            {ReachableRole, "reachable"}, {CriticalServicesRole, "criticalServices"},
            {NodesRole, "nodes"},         {ProblemRole, "problem"}};
}

void ClusterSummaryModel::refresh()
{
    if (m_running || m_rows.isEmpty())
        return;
    QCoro::connect(refreshAll(), this, [] {});
}

QCoro::Task<void> ClusterSummaryModel::refreshAll()
{
    QPointer<ClusterSummaryModel> self(this);
    m_running = true;
    setLoading(true);
    const QList<ClusterProfile> profiles = m_profiles->profiles();
    for (const ClusterProfile &profile : profiles) {
        Row result{profile.id, true};
        if (profile.credential == ClusterProfile::Credential::Password) {
            // Its keychain entry is a refresh token, which is no bearer credential (and using it
            // would rotate it under the attached session's feet).
            result.problem = tr("Signs in with a password: attach to it to see its state.");
            for (int i = 0; i < m_rows.size(); ++i) {
                if (m_rows.at(i).id == profile.id) {
                    m_rows[i] = result;
                    Q_EMIT dataChanged(index(i), index(i));
                }
            }
            continue;
        }
        const SecretResult secret = co_await m_profiles->secretFor(profile.id);
        if (!self)
            co_return;
        if (!secret.ok) {
            result.problem = secret.error;
        } else {
            m_api->setTlsPolicy(profile.tlsPolicy());
            for (const QUrl &url : profile.urls) {
                m_api->setEndpoint(url, secret.secret);
                const ApiReply services = co_await m_api->get(QStringLiteral("/v1/registry/services"));
                if (!self)
                    co_return;
                if (!services.ok()) {
                    result.problem = services.error;
                    if (services.unreachable)
                        continue; // another node of the same cluster may answer
                    break;
                }
                result.reachable = true;
                result.problem.clear();
                result.criticalServices = 0;
                const QJsonArray list = services.json.object().value(QStringLiteral("services")).toArray();
                for (const QJsonValue &s : list) {
                    if (s.toObject()
                            .value(QStringLiteral("counts"))
                            .toObject()
                            .value(QStringLiteral("critical"))
                            .toInt() > 0)
                        ++result.criticalServices;
                }
                const ApiReply members = co_await m_api->get(QStringLiteral("/v1/system/cluster"));
                if (!self)
                    co_return;
                if (members.status == 404) {
                    result.nodes = 1;
                } else if (members.ok()) {
                    const QJsonObject o = members.json.object();
                    const QJsonArray nodes =
                        members.json.isArray()
                            ? members.json.array()
                            : o.value(o.contains(QStringLiteral("members")) ? QStringLiteral("members")
                                                                            : QStringLiteral("nodes"))
                                  .toArray();
                    result.nodes = int(nodes.size());
                }
                break;
            }
        }
        for (int i = 0; i < m_rows.size(); ++i) {
            if (m_rows.at(i).id == profile.id) {
                m_rows[i] = result;
                Q_EMIT dataChanged(index(i), index(i));
            }
        }
    }
    m_running = false;
    setLoading(false);
}

} // namespace Meshdeck::Console
