#pragma once

#include "platform/eventpublisher.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <mutex>
#include <optional>

namespace Meshdeck::Gateway {

// One request as the access log tells it (the `gateway.access` event's data).
struct AccessEntry {
    QByteArray requestId;
    QString routeId; // empty: no route matched
    QString route;
    QByteArray method;
    QByteArray path;
    int status = 0;
    double durationMs = 0;
    double gatewayMs = 0;
    double upstreamMs = 0;
    QString instanceId;
    QByteArray client;
    QByteArray consumer;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    QString cause; // the refusal's cause ("rateLimit", "auth", …) or the upstream failure; empty
    QJsonObject toJson() const;
};

// The access log: every error (a 5xx, and every request the gateway refused) and a sample of the
// rest, as events on the `gateway.access` topic, published in batches. Under a flood of errors it
// publishes at most `maxPerSecond` and counts the rest as dropped, so logging cannot take the
// event store down with the upstream.
class AccessLog : public QObject
{
    Q_OBJECT
public:
    static constexpr auto Topic = "gateway.access";

    AccessLog(EventPublisher *events, double sample, int maxPerSecond = 2000, QObject *parent = nullptr);

    // Any thread. Whether the entry is kept is decided here.
    void offer(const AccessEntry &entry);
    // A cheap pre-check before building an entry: every error and refusal, and a `routeSample`
    // (the route's own share, 0 to 1) or else the server's share of the rest.
    bool wants(int status, bool refused, std::optional<double> routeSample = std::nullopt) const;
    void flush(); // the owner's thread (a timer calls it)
    qint64 published() const { return m_published.load(); }
    qint64 dropped() const { return m_dropped.load(); }
    double sample() const { return m_sample; }

private:
    EventPublisher *m_events;
    double m_sample;
    int m_maxPerSecond;
    QTimer m_timer;
    std::mutex m_mutex;
    QList<EventInput> m_pending;
    qint64 m_windowSecond = 0;
    int m_inWindow = 0;
    std::atomic<qint64> m_published{0};
    std::atomic<qint64> m_dropped{0};
};

} // namespace Meshdeck::Gateway
