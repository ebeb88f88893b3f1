#pragma once

#include "accesslog.h"
#include "balancer.h"
#include "circuitbreaker.h"
#include "gatewaymetrics.h"
#include "ratelimiter.h"
#include "routescatalog.h"
#include "siteserver.h"
#include "trustedproxies.h"

#include "http/dispatcher.h"
#include "http/upstreamclient.h"
#include "platform/authenticator.h"
#include "platform/clock.h"
#include "platform/instancedirectory.h"
#include "platform/threadshard.h"

#include <QHash>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <span>

namespace Meshdeck::Gateway {

class SharedRateLimiter;

// The data plane: every request of the gateway's listener. It matches a route, answers CORS
// preflights, checks the credential at the edge, takes a rate-limit token, picks an instance the
// breaker lets through and forwards the request with the project's own HTTP client, retrying
// idempotent requests on another instance; then it counts the request and maybe logs it.
class GatewayProxy : public Http::Frontend
{
public:
    struct Parts {
        RoutesCatalog *catalog = nullptr;
        const InstanceDirectory *directory = nullptr;
        CircuitBreakers *breakers = nullptr;
        RateLimiter *limiter = nullptr;
        SharedRateLimiter *sharedLimiter = nullptr; // cluster mode; null: local buckets
        GatewayMetrics *metrics = nullptr;
        InFlight *inFlight = nullptr;
        AccessLog *accessLog = nullptr;
        const Clock *clock = nullptr;
    };
    explicit GatewayProxy(Parts parts);
    ~GatewayProxy() override;

    // Set before the listener serves (the auth service is made after the gateway).
    void setAuthenticator(const Authenticator *authenticator) { m_authenticator = authenticator; }
    // The listener serves HTTPS: upstreams are told X-Forwarded-Proto: https.
    void setTls(bool tls) { m_tls = tls; }
    // Before the listener serves: where /sites/<id>/… and <site-name>.localhost find their files.
    void setSites(const SiteDirectory *sites) { m_sites = SiteServer(sites); }
    // Before the listener serves: the proxies whose X-Forwarded-For is believed.
    void setTrustedProxies(TrustedProxies proxies) { m_trustedProxies = std::move(proxies); }

    qint64 bodyLimit(const Http::Request &request) const override;
    Answer handle(Http::Request &request) override;
    void engineRefused(const Http::Request &request, const Http::Response &response) override;

    // Per route, across route-table versions: its balancer and its metrics.
    struct RouteRuntime {
        RouteBalancer balancer;
        RouteMetrics *metrics = nullptr;
        QByteArray idBytes;
        ShardedCount active;   // requests in flight on the route
        ShardedCount retrying; // of which on a retry
    };
    // The current route table with each route's runtime; replaced when the catalog's changes.
    struct Snapshot {
        quint64 generation = 0;
        RouteTablePtr table;
        std::vector<std::shared_ptr<RouteRuntime>> runtime; // by the route's index in the table
    };

private:
    struct Exchange;
    std::shared_ptr<const Snapshot> snapshot() const;
    // One event-loop thread's view of the current snapshot, made by that thread and kept in its
    // thread-local cache until the catalog changes: every request takes it, and what a request
    // copies from it (the view's own count, the instances' ids and addresses) is that thread's
    // alone: copies of one shared object on two threads made the cache line of its count travel
    // between their cores on every request.
    struct LocalRoute {
        RouteRuntime *runtime = nullptr;
        // This thread's copies of the route's service's instances, as the directory had them at
        // `directoryGeneration` (fetched at the route's first request on this thread).
        std::vector<UpstreamInstance> instances;
        quint64 directoryGeneration = 0;
        bool fetched = false;
    };
    struct LocalView {
        std::shared_ptr<const Snapshot> snapshot;
        std::vector<LocalRoute> routes; // by the route's index in the table
        LocalRoute &of(const Route *route)
        {
            return routes[size_t(route - snapshot->table->routes().constData())];
        }
    };
    std::shared_ptr<LocalView> localView() const;
    const std::vector<UpstreamInstance> &instancesOf(LocalRoute &local, const QString &service) const;
    static const Route *matchRoute(const RouteTable &table, const Http::Request &request);
    // The gateway's own refusals, the rare path: cold (RequestParser::fail).
    Q_DECL_COLD_FUNCTION Http::Response refuse(Exchange &exchange, int status, const QString &detail,
                                               QByteArrayView code, Rejection cause);
    void finish(Exchange &exchange, const Http::Response &response);
    // `nowNs`: when it ended, if the caller just read the clock (0: now).
    void finish(Exchange &exchange, int status, qint64 bytesOut, qint64 nowNs = 0);
    Q_DECL_COLD_FUNCTION Http::Response requestBodyAnswer(Exchange &exchange,
                                                          const Http::UpstreamResult &result);
    void followBody(const std::shared_ptr<Exchange> &exchange, Http::Response &response, BreakerTicket ticket,
                    InFlight::Guard guard);
    std::optional<Http::Response> applyLimit(Exchange &exchange, const RateLimitDecision &decision);
    QCoro::Task<Http::Response> forward(std::shared_ptr<Exchange> exchange);
    struct Pick {
        bool found = false;
        QString instanceId;
        QByteArray instanceKey; // UpstreamInstance::key
        Http::UpstreamTarget where;
        BreakerTicket ticket;
        bool breakerRefused = false; // none found: breakers refused some
        qint64 retryAfterMs = 0;     // when the first of those takes a request again
    };
    Pick pickInstance(const Route &route, LocalRoute &local, std::span<const QString> tried);
    Q_DECL_COLD_FUNCTION Http::Response noInstance(Exchange &exchange, const Pick &pick);
    struct Streaming {
        BreakerTicket ticket;
        InFlight::Guard guard;
    };
    Http::Response settle(Exchange &exchange, Http::UpstreamResult &result, const Http::UpstreamTarget &where,
                          Pick &pick, InFlight::Guard &guard, Streaming &streaming, bool *failed,
                          QString *reason);

    Parts m_parts;
    const Authenticator *m_authenticator = nullptr;
    bool m_tls = false;
    TrustedProxies m_trustedProxies;
    SiteServer m_sites{nullptr};
    const quint64 m_id; // unique in the process: a thread's cached view (localView) is per owner
    // The shared snapshot, made anew (under the lock) by the first thread to see a new catalog.
    mutable std::mutex m_mutex;
    mutable std::shared_ptr<const Snapshot> m_snapshot;
    mutable QHash<QString, std::shared_ptr<RouteRuntime>> m_runtimes; // by route id
};

} // namespace Meshdeck::Gateway
