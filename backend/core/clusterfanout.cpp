#include "clusterfanout.h"

#include "cluster/clusterbus.h"
#include "services/events/eventschannel.h"

#include <QLoggingCategory>
#include <QUrl>

Q_LOGGING_CATEGORY(lcFanout, "meshdeck.backend.cluster.fanout")

namespace Meshdeck {

namespace {
// One Redis channel for every topic; the payload is "<node id>\n<topic>". Nodes skip their own
// announcements and wake only topics their own subscribers follow.
const QString EventsChannelName = QStringLiteral("meshdeck.events.committed");
// The same for a topic whose permissions changed.
const QString PermissionsChannelName = QStringLiteral("meshdeck.events.permissions");
// Users, sessions or API keys changed on the node named ("<node id>\n").
const QString AccessChannelName = QStringLiteral("meshdeck.auth.changed");
// A deployment's log or status changed ("<node id>\n<siteId>/<deploymentId>").
const QString SitesChannelName = QStringLiteral("meshdeck.sites.changed");
// A chat room changed ("<node id>\n<roomId>\n"), or an ephemeral message ("...\n<roomId>\n<json>").
const QString ChatChannelName = QStringLiteral("meshdeck.chat.changed");
// A user's presence changed ("<node id>\n<userId>").
const QString PresenceChannelName = QStringLiteral("meshdeck.presence.changed");
} // namespace

ClusterFanout::ClusterFanout(Events::EventsChannel *channel, QString redisUrl, QString nodeId,
                             int pollIntervalMs, QObject *parent)
    : QObject(parent)
    , m_channel(channel)
    , m_nodeId(std::move(nodeId))
    , m_pollIntervalMs(pollIntervalMs)
{
    m_sinceRecheck.start();
    connect(&m_poll, &QTimer::timeout, this, [this] {
        m_channel->pollAll();
        if (m_sinceRecheck.hasExpired(RecheckIntervalMs)) {
            m_sinceRecheck.restart();
            m_channel->recheckRestricted();
        }
        snapshot();
    });
    if (redisUrl.isEmpty())
        return;
    m_bus = new Cluster::ClusterBus(QUrl(redisUrl), m_nodeId, this);
    connect(m_bus, &Cluster::ClusterBus::message, this,
            [this](const QString &busChannel, const QByteArray &payload) { onMessage(busChannel, payload); });
    // Back after a gap: whatever was announced meanwhile was lost, so read everything once.
    connect(m_bus, &Cluster::ClusterBus::resynced, this, [this] {
        m_channel->pollAll();
        m_channel->recheckRestricted();
        Q_EMIT accessChangedElsewhere();
        Q_EMIT resynced();
    });
    connect(m_bus, &Cluster::ClusterBus::connectedChanged, this, [this](bool connected) {
        if (connected)
            qCInfo(lcFanout) << "Redis connected: wake-ups between nodes are prompt again";
        else
            qCWarning(lcFanout) << "Redis unavailable: nodes read each other's events from the database every"
                                << FastPollIntervalMs << "ms";
        adjustPoll();
    });
    connect(m_bus, &Cluster::ClusterBus::errorOccurred, this,
            [](const QString &reason) { qCWarning(lcFanout).noquote() << "Redis:" << reason; });
    m_bus->subscribe(EventsChannelName);
    m_bus->subscribe(PermissionsChannelName);
    m_bus->subscribe(AccessChannelName);
    m_bus->subscribe(SitesChannelName);
    m_bus->subscribe(ChatChannelName);
    m_bus->subscribe(PresenceChannelName);
}

ClusterFanout::~ClusterFanout() = default;

bool ClusterFanout::start(QString *error)
{
    if (m_bus && !m_bus->start()) {
        *error = m_bus->error();
        return false;
    }
    m_running = true;
    adjustPoll();
    return true;
}

void ClusterFanout::stop()
{
    m_running = false;
    m_poll.stop();
    if (m_bus)
        m_bus->disconnect(this);
}

void ClusterFanout::adjustPoll()
{
    if (!m_running)
        return;
    m_poll.start(m_bus && m_bus->connected() ? m_pollIntervalMs : FastPollIntervalMs);
    snapshot();
}

void ClusterFanout::announce(const QStringList &topics)
{
    if (!m_bus || !m_running)
        return;
    QMetaObject::invokeMethod(
        this, [this, topics] { publish(EventsChannelName, topics); }, Qt::QueuedConnection);
}

void ClusterFanout::announcePermissions(const QString &topic)
{
    if (!m_bus || !m_running)
        return;
    QMetaObject::invokeMethod(
        this, [this, topic] { publish(PermissionsChannelName, {topic}); }, Qt::QueuedConnection);
}

void ClusterFanout::announceAccess()
{
    if (!m_bus || !m_running)
        return;
    QMetaObject::invokeMethod(
        this, [this] { publish(AccessChannelName, {QString()}); }, Qt::QueuedConnection);
}

void ClusterFanout::announceDeployment(const QString &siteId, const QString &deploymentId)
{
    if (!m_bus || !m_running)
        return;
    const QString what = siteId + QLatin1Char('/') + deploymentId;
    QMetaObject::invokeMethod(
        this, [this, what] { publish(SitesChannelName, {what}); }, Qt::QueuedConnection);
}

void ClusterFanout::announceChat(const QString &roomId, const QByteArray &ephemeral)
{
    if (!m_bus || !m_running)
        return;
    const QString what = roomId + QLatin1Char('\n') + QString::fromUtf8(ephemeral);
    QMetaObject::invokeMethod(
        this, [this, what] { publish(ChatChannelName, {what}); }, Qt::QueuedConnection);
}

void ClusterFanout::announcePresence(const QString &userId)
{
    if (!m_bus || !m_running)
        return;
    QMetaObject::invokeMethod(
        this, [this, userId] { publish(PresenceChannelName, {userId}); }, Qt::QueuedConnection);
}

void ClusterFanout::publish(const QString &channel, const QStringList &topics)
{
    if (!m_running)
        return;
    const QByteArray prefix = m_nodeId.toUtf8() + '\n';
    for (const QString &topic : topics)
        m_bus->publish(channel, prefix + topic.toUtf8());
}

void ClusterFanout::onMessage(const QString &channel, const QByteArray &payload)
{
    const qsizetype newline = payload.indexOf('\n');
    if (newline < 0)
        return; // not ours
    if (QString::fromUtf8(payload.first(newline)) == m_nodeId)
        return; // this node's own change: its subscribers have it already
    const QString topic = QString::fromUtf8(payload.sliced(newline + 1));
    if (channel == AccessChannelName) {
        Q_EMIT accessChangedElsewhere();
    } else if (channel == SitesChannelName) {
        const qsizetype slash = topic.indexOf(QLatin1Char('/'));
        if (slash > 0)
            Q_EMIT deploymentChangedElsewhere(topic.left(slash), topic.mid(slash + 1));
    } else if (channel == ChatChannelName) {
        const qsizetype split = topic.indexOf(QLatin1Char('\n'));
        if (split > 0)
            Q_EMIT chatChangedElsewhere(topic.left(split), topic.mid(split + 1).toUtf8());
    } else if (channel == PresenceChannelName) {
        Q_EMIT presenceChangedElsewhere(topic);
    } else if (channel == PermissionsChannelName) {
        m_channel->permissionsChangedElsewhere(topic);
    } else {
        m_channel->wake(topic);
    }
}

void ClusterFanout::snapshot()
{
    QJsonObject s =
        m_bus ? m_bus->status() : QJsonObject{{QStringLiteral("redis"), QStringLiteral("not configured")}};
    s.insert(QStringLiteral("pollIntervalMs"), m_poll.interval());
    std::lock_guard lock(m_mutex);
    m_status = s;
}

QJsonObject ClusterFanout::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

} // namespace Meshdeck
