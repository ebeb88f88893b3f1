#pragma once

#include "platform/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace Meshdeck::Gateway {

enum class Balancer { RoundRobin, Weighted, LeastOutstanding };
enum class EdgeAuth { None, Required };
enum class LimitBy { Key, User, Ip };

// A token bucket per route and consumer: `requests` per `perSeconds`, refilled continuously.
struct RateLimitPolicy {
    int requests = 1000;
    int perSeconds = 60;
    LimitBy by = LimitBy::Ip;
};

// Per route and upstream instance: open after `failures` consecutive failures (5xx, connection
// errors, timeouts), half-open after `coolDownMs` with at most `halfOpenProbes` requests in flight,
// closed again after that many succeeded. Defaults: Envoy's outlier ejection (5 consecutive 5xx,
// 30 s base ejection time), one probe as Hystrix.
struct BreakerPolicy {
    int failures = 5;
    int coolDownMs = 30'000;
    int halfOpenProbes = 1;
};

// Which browser origins may call the route. Never "*" with credentials, never "null".
struct CorsPolicy {
    QStringList origins;       // exact origins: scheme://host[:port]
    QStringList methods;       // empty: the route's methods, or GET, HEAD, POST
    QStringList headers;       // request headers a preflight may ask for
    QStringList exposeHeaders; // response headers the page may read
    bool credentials = false;
    int maxAgeSeconds = 600;
};

// A route as the API takes it (see issue 11 and the OpenAPI document).
struct RouteSpec {
    QString name; // unique, [a-z0-9][a-z0-9._-]{0,62}
    // match
    QString pathPrefix;  // starts with '/', matched on segment boundaries: "/billing" matches
                         // "/billing" and "/billing/x", never "/billingx"
    QString host;        // empty: any host; otherwise matched case-insensitively, without the port
    QStringList methods; // empty: any method; upper case
    QString service;     // a service name of the registry
    bool stripPrefix = false;
    int timeoutMs = 15'000; // Envoy's route default
    int retries = 1;        // on another instance, idempotent methods only, within the retry budget
    EdgeAuth auth = EdgeAuth::None;
    // std::nullopt: no limit (the API's "rateLimit": null). Omitted in the API: the default policy.
    std::optional<RateLimitPolicy> rateLimit = RateLimitPolicy{};
    std::optional<CorsPolicy> cors;
    Balancer balancer = Balancer::RoundRobin;
    qint64 maxBodyBytes = 1024 * 1024;
    BreakerPolicy breaker;
    // The share of the route's answers written to the access log, 0 to 1; 5xx answers and the
    // gateway's refusals always are. std::nullopt (the API's null or absent): the server's
    // --gateway-access-log-sample.
    std::optional<double> accessLogSample;
};

// A stored route: its spec and its identity and history.
struct Route {
    QString id;         // uuid
    qint64 version = 0; // 1 at creation, +1 at every change
    RouteSpec spec;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    QString updatedBy; // the principal's label
};

// Parses and validates the API's route object; Error::invalid names the field ("match.pathPrefix",
// "rateLimit.requests", "cors.origins[1]") with a reason a person can act on.
Result<RouteSpec> parseRouteSpec(const QJsonObject &json);
QJsonObject toJson(const RouteSpec &spec);
QJsonObject toJson(const Route &route); // the spec's fields plus id, version, createdAt, updatedAt, updatedBy

QString balancerName(Balancer balancer);
QString limitByName(LimitBy by);
bool isIdempotent(QByteArrayView method); // GET HEAD OPTIONS PUT DELETE TRACE

} // namespace Meshdeck::Gateway
