#include "clustermembersmodel.h"

#include "api/realtimeclient.h"

#include <QPointer>

namespace Meshdeck::Console {

namespace {
// The member's fields as meshdeckd names them (ClusterMember in the OpenAPI document), with the
// names an older console fixture used as a fallback.
QJsonValue field(const QJsonObject &row, const char *name, const char *older)
{
    const QJsonValue v = row.value(QLatin1String(name));
    return v.isUndefined() ? row.value(QLatin1String(older)) : v;
}
} // namespace

ClusterMembersModel::ClusterMembersModel(ApiClient *api, RealtimeClient *realtime, QObject *parent)
    : JsonListModel(parent)
    , m_api(api)
    , m_realtime(realtime)
{
    connect(m_realtime, &RealtimeClient::message, this, &ClusterMembersModel::onMessage);
    // The rows stay (they are still this cluster's), but they follow nothing until the next
    // snapshot: after a failover the new node's snapshot replaces them.
    connect(m_realtime, &RealtimeClient::connectedChanged, this, [this] {
        if (!m_realtime->isConnected())
            setLive(false);
    });
    connect(m_realtime, &RealtimeClient::problem, this, [this](const QString &channel, const QString &) {
        if (channel == QLatin1String(Channel))
            setLive(false); // a backend without the channel: the HTTP list stands
    });
}

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
        return field(*row, "advertiseUrl", "url").toString();
    case VersionRole:
        return row->value(QStringLiteral("version")).toString();
    case StateRole:
        return row->value(QStringLiteral("state")).toString();
    case LastSeenRole:
        return field(*row, "lastSeenAt", "lastSeen").toString();
    case ConnectionsRole:
        return field(*row, "openConnections", "connections").toInt();
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

void ClusterMembersModel::start()
{
    if (m_started)
        return;
    m_started = true;
    m_realtime->subscribe(QLatin1String(Channel));
}

void ClusterMembersModel::clear()
{
    ++m_generation;
    setRows(QJsonArray{});
    setLive(false);
    m_singleNode = false;
    m_loaded = false;
    setLoading(true); // until the next backend answers
    Q_EMIT singleNodeChanged();
}

void ClusterMembersModel::refresh()
{
    QCoro::connect(load(), this, [] {});
}

void ClusterMembersModel::setLive(bool live)
{
    if (m_live == live)
        return;
    m_live = live;
    Q_EMIT liveChanged();
}

void ClusterMembersModel::settle()
{
    setLoading(false);
    m_loaded = true;
    Q_EMIT singleNodeChanged();
}

void ClusterMembersModel::onMessage(const QString &channel, const QJsonObject &message)
{
    if (channel != QLatin1String(Channel))
        return;
    const QString type = message.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("snapshot")) {
        ++m_generation; // a list requested before this is older than it
        setRows(message.value(QStringLiteral("members")).toArray());
        m_singleNode = false;
        setLive(true);
        settle();
    } else if (type == QLatin1String("change") && m_live) {
        const QJsonObject member = message.value(QStringLiteral("member")).toObject();
        const QString id = member.value(QStringLiteral("nodeId")).toString();
        if (id.isEmpty())
            return;
        const QList<QJsonObject> &all = rows();
        const auto it = std::find_if(all.cbegin(), all.cend(), [&id](const QJsonObject &row) {
            return row.value(QStringLiteral("nodeId")).toString() == id;
        });
        if (it == all.cend())
            appendRow(member);
        else
            replaceRow(int(it - all.cbegin()), member);
    }
}

QCoro::Task<void> ClusterMembersModel::load()
{
    const quint64 generation = ++m_generation;
    QPointer<ClusterMembersModel> self(this);
    if (!m_live)
        setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/system/cluster"));
    // The channel's snapshot (or another attachment) came meanwhile, or the rows follow the
    // channel: either is newer than this list.
    if (!self || generation != m_generation || m_live)
        co_return;
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
    settle();
}

} // namespace Meshdeck::Console
