#pragma once

#include "platform/clock.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QUrl>

#include <memory>

namespace Meshdeck::Cluster {

class RedisConnection;

// The cross-node wake-up path of cluster mode: Redis pub/sub between the nodes. It only says
// "something happened"; PostgreSQL stays the source, so a message lost here delays the receiver
// until its next poll and loses nothing. Hence publish() is fire-and-forget and never blocks or
// queues without bound: while Redis is away a message is dropped and counted, and callers poll.
//
// Lives on the thread that creates it. Two connections (Redis allows only SUBSCRIBE and friends
// on a subscribed one): one publishes and checks health with PING, one subscribes. Both reconnect
// by themselves with a capped exponential backoff; after a reconnect every channel is subscribed
// again, and once all are confirmed the bus is connected() and emits resynced(): the moment a
// caller polls the database once for whatever it missed. resynced() also follows the first
// connect. Do not delete the bus from a slot of its own signals; use deleteLater().
class ClusterBus : public QObject
{
    Q_OBJECT

public:
    struct Timing {
        int connectTimeoutMs = 2000; // TCP connect plus handshake
        int healthIntervalMs =
            2000; // a PING this often; unanswered, with no other sign of life, by the next: dead
        int firstRetryMs = 100; // doubled after each failure, up to maxRetryMs
        int maxRetryMs = 2000;
        int maxPendingPublishes = 100'000; // unanswered PUBLISHes beyond this are dropped
    };

    ClusterBus(QUrl redisUrl, QString nodeId, QObject *parent = nullptr);
    ClusterBus(QUrl redisUrl, QString nodeId, Timing timing, const Clock &clock, QObject *parent = nullptr);
    ~ClusterBus() override;

    // Checks the URL and starts connecting. False, with error() saying why, for a URL that cannot
    // work (wrong scheme, no host, a bad port or database number); that is a configuration error
    // to report at start-up, not a condition to retry.
    bool start();

    void publish(const QString &channel, const QByteArray &message);
    // Takes effect at once when connected, else with the next (re)connect.
    void subscribe(const QString &channel);

    // Both connections up and every channel subscribed.
    bool connected() const { return m_connected; }
    // What readiness reports: {"redis": "connected" | "reconnecting" | "stopped", "since": ISO time
    // of the last change, "dropped": messages published while down or not confirmed by Redis,
    // "endpoint": "host:port", "error": why the last attempt failed (while not connected)}.
    QJsonObject status() const;
    QString error() const { return m_error; }
    qint64 dropped() const { return m_dropped; }
    QString nodeId() const { return m_nodeId; }

Q_SIGNALS:
    void message(const QString &channel, const QByteArray &payload);
    void connectedChanged(bool connected);
    void resynced();
    // Redis confirmed a subscription (also each one again after a reconnect): from now on that
    // channel's messages arrive.
    void subscribed(const QString &channel);
    void errorOccurred(const QString &reason);

private:
    void onSubscriberReady(bool ready);
    void onSubscribed(const QByteArray &channel);
    void onFailed(const QString &reason);
    void updateConnected();

    QUrl m_url;
    QString m_nodeId;
    Timing m_timing;
    const Clock &m_clock;
    std::unique_ptr<RedisConnection> m_publisher;
    std::unique_ptr<RedisConnection> m_subscriber;
    QList<QByteArray> m_channels;
    QSet<QByteArray> m_unconfirmed; // subscribed again after a reconnect, not yet confirmed
    QString m_error;
    qint64 m_sinceMs = 0;
    qint64 m_dropped = 0;
    bool m_connected = false;
};

} // namespace Meshdeck::Cluster
