#include "gatewaystatusroutes.h"

#include "gatewayservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QCoroTask>

namespace Meshdeck::Gateway {

using namespace Meshdeck::Http;

namespace {

constexpr QByteArrayView PointSchema = R"({
    "type": "object",
    "required": ["requests", "errors", "status", "bytesIn", "bytesOut", "rejected", "p50Ms", "p95Ms", "p99Ms", "gatewayP99Ms"],
    "properties": {
        "t": {"type": "string", "format": "date-time", "description": "The start of the second or minute (absent in totals)."},
        "requests": {"type": "integer"},
        "errors": {"type": "integer", "description": "5xx answers, the gateway's own 502, 503 and 504 included."},
        "status": {"type": "object", "required": ["1xx", "2xx", "3xx", "4xx", "5xx"],
                   "properties": {"1xx": {"type": "integer"}, "2xx": {"type": "integer"}, "3xx": {"type": "integer"},
                                  "4xx": {"type": "integer"}, "5xx": {"type": "integer"}}},
        "bytesIn": {"type": "integer"},
        "bytesOut": {"type": "integer"},
        "rejected": {"type": "object", "required": ["rateLimit", "auth", "breaker", "noInstance", "cors", "tooLarge"],
                     "properties": {"rateLimit": {"type": "integer"}, "auth": {"type": "integer"}, "breaker": {"type": "integer"},
                                    "noInstance": {"type": "integer"}, "cors": {"type": "integer"}, "tooLarge": {"type": "integer"}}},
        "p50Ms": {"type": "number"},
        "p95Ms": {"type": "number"},
        "p99Ms": {"type": "number"},
        "gatewayP99Ms": {"type": "number", "description": "The gateway's own added time, without the upstream's."}
    }
})";

constexpr QByteArrayView SeriesSchema = R"({
    "type": "object", "required": ["range", "resolutionSeconds", "route", "points", "totals"],
    "properties": {
        "range": {"type": "string", "enum": ["5m", "1h", "24h"]},
        "resolutionSeconds": {"type": "integer", "enum": [1, 60]},
        "route": {"type": "string", "nullable": true, "description": "The route's id; null: every route together."},
        "points": {"type": "array", "items": {"$ref": "#/components/schemas/GatewayPoint"}, "description": "Oldest first; a quiet second or minute is a zero point."},
        "totals": {"$ref": "#/components/schemas/GatewayPoint"}
    }
})";

constexpr QByteArrayView BreakerSchema = R"({
    "type": "object",
    "required": ["routeId", "routeName", "instanceId", "address", "port", "state", "consecutiveFailures", "openedAt", "trips"],
    "properties": {
        "routeId": {"type": "string"},
        "routeName": {"type": "string"},
        "instanceId": {"type": "string"},
        "address": {"type": "string", "nullable": true, "description": "null once the instance left the registry."},
        "port": {"type": "integer", "nullable": true},
        "state": {"type": "string", "enum": ["closed", "open", "half_open"]},
        "consecutiveFailures": {"type": "integer"},
        "openedAt": {"type": "string", "format": "date-time", "nullable": true},
        "trips": {"type": "array", "description": "The last 20 transitions, oldest first.", "items": {
            "type": "object", "required": ["at", "from", "to", "reason"],
            "properties": {"at": {"type": "string", "format": "date-time"},
                           "from": {"type": "string", "enum": ["closed", "open", "half_open"]},
                           "to": {"type": "string", "enum": ["closed", "open", "half_open"]},
                           "reason": {"type": "string"}}}}
    }
})";

constexpr QByteArrayView BreakersSchema = R"({
    "type": "object", "required": ["breakers"],
    "properties": {"breakers": {"type": "array", "items": {"$ref": "#/components/schemas/GatewayBreaker"}}}
})";

constexpr QByteArrayView OverviewSchema = R"({
    "type": "object", "required": ["routes", "totals", "rateLimits"],
    "properties": {
        "routes": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "name", "service", "ratePerSecond", "errorPercent", "p50Ms", "p95Ms", "p99Ms", "gatewayP99Ms",
                         "rateLimited5m", "busiestConsumer", "instances"],
            "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "service": {"type": "string"},
                "ratePerSecond": {"type": "number", "description": "Over the last 10 seconds."},
                "errorPercent": {"type": "number", "description": "5xx answers over the last minute."},
                "p50Ms": {"type": "number"}, "p95Ms": {"type": "number"}, "p99Ms": {"type": "number"},
                "gatewayP99Ms": {"type": "number"},
                "rateLimited5m": {"type": "integer"},
                "busiestConsumer": {"type": "object", "nullable": true, "required": ["consumer", "remaining", "limit"],
                                    "properties": {"consumer": {"type": "string"}, "remaining": {"type": "integer"}, "limit": {"type": "integer"}}},
                "instances": {"type": "array", "items": {
                    "type": "object", "required": ["id", "address", "port", "breaker", "inFlight", "openedAt"],
                    "properties": {"id": {"type": "string"}, "address": {"type": "string"}, "port": {"type": "integer"},
                                   "breaker": {"type": "string", "enum": ["closed", "open", "half_open"]},
                                   "inFlight": {"type": "integer"},
                                   "openedAt": {"type": "string", "format": "date-time", "nullable": true}}}}
            }}},
        "totals": {"type": "object", "required": ["ratePerSecond", "errorPercent", "p95Ms"],
                   "properties": {"ratePerSecond": {"type": "number"}, "errorPercent": {"type": "number"}, "p95Ms": {"type": "number"}}},
        "rateLimits": {"type": "object", "required": ["mode", "reason"],
                       "properties": {"mode": {"type": "string", "enum": ["local", "shared", "local-share"]}, "reason": {"type": "string"}}}
    }
})";

QCoro::Task<Response> metrics(GatewayService *service, Request request)
{
    const QString rangeText = request.queryItem(QStringLiteral("range"));
    const std::optional<Range> range = parseRange(rangeText.isEmpty() ? QStringLiteral("5m") : rangeText);
    if (!range)
        co_return problem(request,
                          Error::invalid(QStringLiteral("range"),
                                         QStringLiteral("range is 5m, 1h or 24h; got '%1'.").arg(rangeText),
                                         "invalid-range"));
    const QString route = request.queryItem(QStringLiteral("route"));
    std::optional<QString> routeId;
    if (!route.isEmpty()) {
        const RouteTablePtr table = service->catalog()->table();
        const Route *found = nullptr;
        for (const Route &r : table ? table->routes() : QList<Route>{}) {
            if (r.id == route || r.spec.name == route)
                found = &r;
        }
        if (!found)
            co_return problem(request, Error::notFound(QStringLiteral("There is no route '%1'.").arg(route),
                                                       "route-not-found"));
        routeId = found->id;
    }
    QCoro::Task<Result<QJsonObject>> reading = service->series(routeId, *range);
    const Result<QJsonObject> series = co_await reading;
    if (!series)
        co_return problem(request, series.error());
    co_return Response::json(200, *series);
}

Response resetBreaker(GatewayService *service, const Request &request)
{
    const QString routeId = request.pathParams.value(QStringLiteral("routeId"));
    const QString instanceId = request.pathParams.value(QStringLiteral("instanceId"));
    const std::optional<BreakerSnapshot> before = service->breakers().snapshot(routeId, instanceId);
    const Result<QJsonObject> reset = service->resetBreaker(routeId, instanceId, request.principal->actor());
    if (!reset)
        return problem(request, reset.error());
    Response r = Response::json(200, *reset);
    r.audit = AuditNote{QStringLiteral("breaker:%1/%2").arg(routeId, instanceId),
                        before ? QJsonValue(breakerStateName(before->state)) : QJsonValue(),
                        QJsonValue(QStringLiteral("closed"))};
    return r;
}

} // namespace

void StatusRoutes::install(Router &router, GatewayService *service)
{
    router.addSchema(QStringLiteral("GatewayPoint"), PointSchema);
    router.addSchema(QStringLiteral("GatewayBreaker"), BreakerSchema);
    RouteOptions o;
    o.maxBody = 0;
    o.tag = QStringLiteral("gateway");
    o.permission = QByteArrayLiteral("gateway.read");

    RouteOptions overview = o;
    overview.operationId = QByteArrayLiteral("gatewayOverview");
    overview.summary =
        QStringLiteral("Every route's live numbers (rate, error percentage, latency percentiles, "
                       "the gateway's own p99, rate-limit refusals, the busiest consumer) with "
                       "the circuit breaker of each instance.");
    overview.responses = {{200, QStringLiteral("The overview."), OverviewSchema.toByteArray()}};
    overview.problems = {403};
    router.add("GET", "/v1/gateway/overview",
               SyncHandler([service](const Request &) { return Response::json(200, service->overview()); }),
               std::move(overview));

    RouteOptions series = o;
    series.operationId = QByteArrayLiteral("gatewayMetrics");
    series.summary =
        QStringLiteral("A route's (or every route's) metrics as a time series: 5m in seconds from "
                       "this node, 1h and 24h in minutes (in a cluster, every node's merged). "
                       "Live: the realtime channel gateway.metrics.");
    series.parameters = {{"route", "query", QByteArrayLiteral(R"({"type":"string"})"),
                          QStringLiteral("A route's id or name; every route together when left out.")},
                         {"range", "query",
                          QByteArrayLiteral(R"({"type":"string","enum":["5m","1h","24h"]})"),
                          QStringLiteral("5m (default), 1h or 24h.")}};
    series.responses = {{200, QStringLiteral("The series."), SeriesSchema.toByteArray()}};
    series.problems = {400, 403, 404};
    router.add("GET", "/v1/gateway/metrics",
               AsyncHandler([service](Request r) { return metrics(service, std::move(r)); }),
               std::move(series));

    RouteOptions breakers = o;
    breakers.operationId = QByteArrayLiteral("listBreakers");
    breakers.summary = QStringLiteral("The circuit breaker of each route and instance the gateway has sent "
                                      "requests to, with its last transitions.");
    breakers.responses = {{200, QStringLiteral("The breakers."), BreakersSchema.toByteArray()}};
    breakers.problems = {403};
    router.add("GET", "/v1/gateway/breakers", SyncHandler([service](const Request &) {
                   return Response::json(200, service->breakersJson());
               }),
               std::move(breakers));

    RouteOptions reset = o;
    reset.permission = QByteArrayLiteral("gateway.write");
    reset.operationId = QByteArrayLiteral("resetBreaker");
    reset.summary =
        QStringLiteral("Closes a breaker now: the instance gets requests again at once, and opens "
                       "again after as many consecutive failures as the route allows.");
    reset.responses = {{200, QStringLiteral("The breaker, closed."),
                        QByteArrayLiteral(R"({"$ref":"#/components/schemas/GatewayBreaker"})")}};
    reset.problems = {403, 404};
    reset.maxBody = 1024;
    reset.requestSchema = QByteArrayLiteral(
        R"({"type": "object", "description": "Nothing is read from it: send no body or {}."})");
    reset.requestBodyOptional = true;
    router.add("POST", "/v1/gateway/breakers/{routeId}/{instanceId}/reset",
               SyncHandler([service](const Request &r) { return resetBreaker(service, r); }),
               std::move(reset));
}

} // namespace Meshdeck::Gateway
