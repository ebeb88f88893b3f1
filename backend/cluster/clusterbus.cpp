#include "clusterbus.h"

#include "redisconnection.h"
#include "redisendpoint.h"

#include <QJsonValue>
#include <QLoggingCategory>

#include <hiredis/hiredis.h>

Q_LOGGING_CATEGORY(lcCluster, "meshdeck.backend.cluster")

namespace Meshdeck::Cluster {

namespace {

// CLIENT SETNAME refuses spaces and newlines; the name only helps an operator reading CLIENT LIST.
QByteArray clientName(const QString &nodeId, const char *role)
{
    QByteArray name = "meshdeck:" + nodeId.toUtf8();
    for (char &c : name) {
        if (c <= ' ' || c == '\x7f')
            c = '_';
    }
    return name + ':' + role;
}

} // namespace

ClusterBus::ClusterBus(QUrl redisUrl, QString nodeId, QObject *parent)
    : ClusterBus(std::move(redisUrl), std::move(nodeId), Timing{}, Clock::system(), parent)
{}

ClusterBus::ClusterBus(QUrl redisUrl, QString nodeId, Timing timing, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_url(std::move(redisUrl))
    , m_nodeId(std::move(nodeId))
    , m_timing(timing)
    , m_clock(clock)
    , m_sinceMs(clock.nowMs())
{}

ClusterBus::~ClusterBus()
{
    // Before the members the connections' handlers use.
    m_subscriber.reset();
    m_publisher.reset();
}

bool ClusterBus::start()
{
    if (m_publisher)
        return true;
    QString reason;
    const std::optional<RedisEndpoint> endpoint = RedisEndpoint::fromUrl(m_url, &reason);
    if (!endpoint) {
        m_error = reason;
        qCCritical(lcCluster).noquote() << reason;
        emit errorOccurred(reason);
        return false;
    }
    RedisConnection::Timing timing;
    timing.connectTimeoutMs = m_timing.connectTimeoutMs;
    timing.firstRetryMs = m_timing.firstRetryMs;
    timing.maxRetryMs = m_timing.maxRetryMs;
    timing.healthIntervalMs = m_timing.healthIntervalMs;
    m_publisher = std::make_unique<RedisConnection>(*endpoint, clientName(m_nodeId, "pub"), timing);
    timing.healthIntervalMs = 0; // a subscribed connection accepts no plain PING
    m_subscriber = std::make_unique<RedisConnection>(*endpoint, clientName(m_nodeId, "sub"), timing);

    connect(m_publisher.get(), &RedisConnection::readyChanged, this, [this](bool ready) {
        // The subscriber cannot PING: when the publisher finds the server gone or stalled, the
        // subscriber, which may be waiting on a silent socket, starts over too.
        if (!ready && m_subscriber->ready())
            m_subscriber->drop(m_publisher->lastError());
        updateConnected();
    });
    connect(m_subscriber.get(), &RedisConnection::readyChanged, this, &ClusterBus::onSubscriberReady);
    connect(m_subscriber.get(), &RedisConnection::subscribed, this, &ClusterBus::onSubscribed);
    connect(m_subscriber.get(), &RedisConnection::message, this,
            [this](const QByteArray &channel, const QByteArray &payload) {
                emit message(QString::fromUtf8(channel), payload);
            });
    connect(m_publisher.get(), &RedisConnection::failed, this, &ClusterBus::onFailed);
    connect(m_subscriber.get(), &RedisConnection::failed, this, &ClusterBus::onFailed);
    m_sinceMs = m_clock.nowMs();
    qCInfo(lcCluster).noquote() << "node" << m_nodeId << "joining the Redis bus at" << endpoint->display();
    m_publisher->start();
    m_subscriber->start();
    return true;
}

void ClusterBus::publish(const QString &channel, const QByteArray &message)
{
    if (!m_publisher || !m_publisher->ready() || m_publisher->pending() >= m_timing.maxPendingPublishes) {
        ++m_dropped;
        return;
    }
    const bool sent =
        m_publisher->send({"PUBLISH", channel.toUtf8(), message}, [this](const redisReply *reply) {
            if (!reply || reply->type == REDIS_REPLY_ERROR)
                ++m_dropped;
        });
    if (!sent)
        ++m_dropped;
}

void ClusterBus::subscribe(const QString &channel)
{
    const QByteArray name = channel.toUtf8();
    if (m_channels.contains(name))
        return;
    m_channels.append(name);
    if (!m_subscriber || !m_subscriber->ready())
        return; // subscribed with the others once the connection is ready
    if (!m_connected)
        m_unconfirmed.insert(name);
    m_subscriber->subscribe(name);
}

void ClusterBus::onSubscriberReady(bool ready)
{
    m_unconfirmed.clear();
    if (ready) {
        for (const QByteArray &channel : std::as_const(m_channels)) {
            m_unconfirmed.insert(channel);
            m_subscriber->subscribe(channel);
        }
    }
    updateConnected();
}

void ClusterBus::onSubscribed(const QByteArray &channel)
{
    m_unconfirmed.remove(channel);
    emit subscribed(QString::fromUtf8(channel));
    updateConnected();
}

void ClusterBus::onFailed(const QString &reason)
{
    m_error = reason;
    emit errorOccurred(reason);
}

void ClusterBus::updateConnected()
{
    const bool now = m_publisher->ready() && m_subscriber->ready() && m_unconfirmed.isEmpty();
    if (now == m_connected)
        return;
    m_connected = now;
    m_sinceMs = m_clock.nowMs();
    if (now)
        m_error.clear();
    qCInfo(lcCluster) << (now ? "Redis bus connected" : "Redis bus reconnecting");
    emit connectedChanged(now);
    if (now)
        emit resynced();
}

QJsonObject ClusterBus::status() const
{
    QJsonObject status{
        {QStringLiteral("redis"), m_connected   ? QStringLiteral("connected")
                                  : m_publisher ? QStringLiteral("reconnecting")
                                                : QStringLiteral("stopped")},
        {QStringLiteral("since"), isoTime(m_sinceMs)},
        {QStringLiteral("dropped"), double(m_dropped)},
    };
    if (const auto endpoint = RedisEndpoint::fromUrl(m_url, nullptr))
        status.insert(QStringLiteral("endpoint"), endpoint->display());
    if (!m_connected && !m_error.isEmpty())
        status.insert(QStringLiteral("error"), m_error);
    return status;
}

} // namespace Meshdeck::Cluster
