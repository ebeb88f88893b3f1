#include "clustermembersmodel.h"

#include <QPointer>

namespace Meshdeck::Console {

ClusterMembersModel::ClusterMembersModel(ApiClient *api, QObject *parent)
    : JsonListModel(parent)
    , m_api(api)
{}

QVariant ClusterMembersModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *row = rowAt(index);
    if (!row)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case NodeIdRole:
        return row->value(QStringLiteral("nodeId")).toString();
    case UrlRole:
        return row->value(QStringLiteral("url")).toString();
    case VersionRole:
        return row->value(QStringLiteral("version")).toString();
    case StateRole:
        return row->value(QStringLiteral("state")).toString();
    case LastSeenRole:
        return row->value(QStringLiteral("lastSeen")).toString();
    case ConnectionsRole:
        return row->value(QStringLiteral("connections")).toInt();
    case LoadRole:
        return row->value(QStringLiteral("load")).toDouble();
    default:
        return {};
    }
}

QHash<int, QByteArray> ClusterMembersModel::roleNames() const
{
    return {{NodeIdRole, "nodeId"}, {UrlRole, "url"},           {VersionRole, "version"},
            {StateRole, "state"},   {LastSeenRole, "lastSeen"}, {ConnectionsRole, "connections"},
            {LoadRole, "load"}};
}

void ClusterMembersModel::clear()
{
    ++m_generation;
    setRows(QJsonArray{});
    m_singleNode = false;
    m_loaded = false;
    setLoading(true); // until the next backend answers
    Q_EMIT singleNodeChanged();
}

void ClusterMembersModel::refresh()
{
    QCoro::connect(load(), this, [] {});
}

QCoro::Task<void> ClusterMembersModel::load()
{
    const quint64 generation = ++m_generation;
    QPointer<ClusterMembersModel> self(this);
    setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/system/cluster"));
    if (!self || generation != m_generation)
        co_return;
    setLoading(false);
    m_loaded = true;
    m_singleNode = reply.status == 404;
    if (m_singleNode) {
        setRows(QJsonArray{});
    } else if (!reply.ok()) {
        fail(tr("Could not load the cluster's members: %1").arg(reply.error));
    } else {
        const QJsonObject object = reply.json.object();
        setRows(reply.json.isArray()
                    ? reply.json.array()
                    : object
                          .value(object.contains(QStringLiteral("members")) ? QStringLiteral("members")
                                                                            : QStringLiteral("nodes"))
                          .toArray());
    }
    Q_EMIT singleNodeChanged();
}

} // namespace Meshdeck::Console
