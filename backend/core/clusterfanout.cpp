#include "clusterfanout.h"

#include "cluster/clusterbus.h"
#include "services/events/eventschannel.h"

#include <QLoggingCategory>
#include <QUrl>

Q_LOGGING_CATEGORY(lcFanout, "meshdeck.backend.cluster.fanout")

namespace Meshdeck {

namespace {
// One Redis channel for every topic: the payload is the topic's name. Nodes wake only the topics
// their own subscribers follow, so a topic nobody here reads costs one hash lookup.
const QString EventsChannelName = QStringLiteral("meshdeck.events.committed");
} // namespace

ClusterFanout::ClusterFanout(Events::EventsChannel *channel, QString redisUrl, QString nodeId,
                             QObject *parent)
    : QObject(parent)
    , m_channel(channel)
    , m_redisUrl(std::move(redisUrl))
    , m_nodeId(std::move(nodeId))
{
    connect(&m_poll, &QTimer::timeout, this, [this] {
        m_channel->pollAll();
        snapshot();
    });
}

ClusterFanout::~ClusterFanout() = default;

bool ClusterFanout::start(QString *error)
{
    if (!m_redisUrl.isEmpty()) {
        m_bus = new Cluster::ClusterBus(QUrl(m_redisUrl), m_nodeId, this);
        connect(m_bus, &Cluster::ClusterBus::message, this,
                [this](const QString &, const QByteArray &payload) {
                    m_channel->wake(QString::fromUtf8(payload));
                });
        // Back after a gap: whatever was announced meanwhile was lost, so read everything once.
        connect(m_bus, &Cluster::ClusterBus::resynced, this, [this] { m_channel->pollAll(); });
        connect(m_bus, &Cluster::ClusterBus::connectedChanged, this,
                [this](bool connected) {
                    if (connected)
                        qCInfo(lcFanout) << "Redis connected: wake-ups between nodes are prompt again";
                    else
                        qCWarning(lcFanout)
                            << "Redis unavailable: nodes see each other's events by polling the database";
                    adjustPoll();
                });
        m_bus->subscribe(EventsChannelName);
        if (!m_bus->start()) {
            *error = m_bus->error();
            return false;
        }
    }
    adjustPoll();
    return true;
}

void ClusterFanout::adjustPoll()
{
    m_poll.start(m_bus && m_bus->connected() ? PollIntervalMs : FastPollIntervalMs);
    snapshot();
}

void ClusterFanout::announce(const QStringList &topics)
{
    if (!m_bus)
        return;
    QMetaObject::invokeMethod(
        this, [this, topics] { publish(topics); }, Qt::QueuedConnection);
}

void ClusterFanout::publish(const QStringList &topics)
{
    for (const QString &topic : topics)
        m_bus->publish(EventsChannelName, topic.toUtf8());
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
