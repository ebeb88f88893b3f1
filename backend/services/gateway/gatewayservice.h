#pragma once

#include "accesslog.h"
#include "balancer.h"
#include "circuitbreaker.h"
#include "gatewaychannel.h"
#include "gatewaymetrics.h"
#include "ratelimiter.h"
#include "routescatalog.h"
#include "sharedratelimiter.h"

#include "platform/authenticator.h"
#include "platform/clock.h"
#include "platform/eventpublisher.h"
#include "platform/instancedirectory.h"
#include "platform/result.h"
#include "platform/service.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Gateway {

class GatewayProxy;

struct GatewaySettings {
    bool cluster = false;
    int syncIntervalMs = 1'000;
    QString nodeId; // the minute series' rows are this node's
    double accessLogSample = 0.01;
    int accessLogMaxPerSecond = 2'000;
    // Cluster mode: rate limits shared through this Redis; while it is away each node enforces
    // 1/servingNodes() of every limit. Empty: the node's own buckets are the whole budget.
    QUrl redisUrl;
    std::function<int()> servingNodes;
    // Cluster mode: the ids of the nodes whose heartbeat is fresh. A drain waits for each of their
    // gateways (every syncIntervalMs each node writes its counts for the draining instances).
    std::function<QStringList()> liveNodes;
};

// The API gateway: its routes (RoutesCatalog), the data plane that serves them (GatewayProxy, the
// Frontend of the gateway's listener), and what the data plane keeps: circuit breakers, rate-limit
// buckets, the gateway's own in-flight counts, metrics as time series and the access log.
// Breaker transitions are `gateway.breaker` events on the `gateway` topic; the access log is the
// `gateway.access` topic; each second's numbers go to the `gateway.metrics` realtime channel.
class GatewayService : public QObject, public Service
{
    Q_OBJECT
public:
    static constexpr auto Topic = "gateway";

    GatewayService(GatewaySettings settings, Storage::Database *database, EventPublisher *events,
                   const InstanceDirectory *directory, const Clock &clock = Clock::system());
    ~GatewayService() override;

    QString name() const override { return QStringLiteral("gateway"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    void setAuthenticator(const Authenticator *authenticator);
    RoutesCatalog *catalog() { return m_catalog.get(); }
    GatewayProxy *proxy() { return m_proxy.get(); }
    GatewayChannel *channel() { return &m_channel; }
    const GatewayMetrics &metrics() const { return m_metrics; }
    CircuitBreakers &breakers() { return m_breakers; }
    // The requests this node's gateway has in flight to an instance (the registry's drain asks).
    int inFlight(const QString &instanceId) const { return m_inFlight.count(instanceId); }
    // What a drain of the instance waits for: this node's requests in flight to it and, in cluster
    // mode, each other live node's as that node last wrote it, or 1 for a live node that has not
    // written its count for this drain yet (it may not have seen the drain, and still send to it).
    int drainInFlight(const QString &instanceId) const;

    // GET /v1/gateway/overview, /v1/gateway/breakers and the reset of one breaker.
    QJsonObject overview() const;
    QJsonObject breakersJson() const;
    Result<QJsonObject> resetBreaker(const QString &routeId, const QString &instanceId, const QString &by);
    // GET /v1/gateway/metrics: `route` an id or a name (nullopt: every route together).
    QCoro::Task<Result<QJsonObject>> series(std::optional<QString> route, Range range);
    QByteArray prometheusText() const;
    // The rate limits' mode for readiness: {"mode": "local"|"shared"|"local-share", "reason"}.
    QJsonObject rateLimitStatus() const;

private:
    void tick();
    // Drops the breakers of deleted routes and of instances their route's service no longer has.
    void forgetStaleBreakers();
    void storeMinutes(bool includeCurrent = false);
    void exchangeDrainCounts();
    void onTransition(const BreakerTransition &transition);
    QJsonObject breakerJson(const BreakerSnapshot &breaker) const;

    GatewaySettings m_settings;
    Storage::Database *m_database;
    EventPublisher *m_events;
    const InstanceDirectory *m_directory;
    const Clock &m_clock;
    std::unique_ptr<RoutesCatalog> m_catalog;
    GatewayMetrics m_metrics;
    CircuitBreakers m_breakers;
    std::unique_ptr<SharedRateLimiter> m_limits;
    InFlight m_inFlight;
    AccessLog m_accessLog;
    GatewayChannel m_channel;
    std::unique_ptr<GatewayProxy> m_proxy;
    QTimer m_tickTimer;
    QTimer m_drainTimer; // cluster mode: exchangeDrainCounts
    bool m_exchangingDrains = false;
    bool m_drainRowsWritten = true; // at start: whatever a previous run of this node left is replaced
    mutable std::mutex m_drainMutex;
    QHash<QString, QHash<QString, int>> m_otherDrainCounts; // instance -> other node -> in flight
    std::mutex m_changedMutex;
    QList<BreakerTransition> m_changedBreakers; // since the last tick, for the channel
};

} // namespace Meshdeck::Gateway
