#include "systemroutes.h"

#include "systemservice.h"

#include "http/metrics.h"
#include "http/openapi.h"
#include "http/problem.h"
#include "http/router.h"

namespace Meshdeck::System {

using namespace Meshdeck::Http;

namespace {

constexpr QByteArrayView StatusSchema = R"({
    "type": "object", "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok"]}}
})";

constexpr QByteArrayView ReadinessSchema = R"({
    "type": "object", "required": ["status"],
    "properties": {
        "status": {"type": "string", "enum": ["ready", "degraded"],
                   "description": "degraded: serving, but a cluster link is down (see cluster) or the audit log drops or cannot write records, see audit"
}
, "cluster":
{
    "type" : "object",
             "required" : [ "redis", "pollIntervalMs" ],
                          "description" : "Cluster mode only: the wake-up path between nodes.",
                                          "properties":
    {
        "redis" : {"type" : "string", "enum" : [ "connected", "reconnecting", "stopped", "not configured" ]},
                  "pollIntervalMs" : {
                      "type" : "integer",
                      "description" : "How often this node reads other nodes' events from the database."
                  },
                                     "since" : {"type" : "string"},
                                               "dropped" : {"type" : "integer"},
                                                           "endpoint" : {"type" : "string"},
                                                                        "error":
        {
            "type" : "string"
        }
    }
}
, "audit":
{
    "type" : "object", "required" : [ "status", "queued", "capacity", "dropped", "writeFailures" ],
    "description" : "The audit log's writer: degraded while writes fail or for five minutes after a record was dropped.",
    "properties":
    {
        "status" : {"type" : "string", "enum" : [ "ok", "degraded" ]},
        "queued" : {"type" : "integer", "minimum" : 0},
        "capacity" : {"type" : "integer", "minimum" : 0},
        "dropped" : {"type" : "integer", "minimum" : 0, "description" : "Records lost since the node started."},
        "writeFailures" : {"type" : "integer", "minimum" : 0},
        "lastDropAt" : {"type" : "string", "format" : "date-time"},
        "error" : {"type" : "string"}
    }
}
, "gateway": {
    "type": "object", "required": ["rateLimits", "reason"],
    "description": "The gateway's rate limits: degraded while a cluster node enforces only its share because Redis is away.",
    "properties": {
        "rateLimits": {"type": "string", "enum": ["local", "shared", "local-share"]},
        "reason": {"type": "string"}
    }
}
}
})";

constexpr QByteArrayView InfoSchema = R"({
    "type": "object",
    "required": ["name", "version", "mode", "nodeId", "dataDir", "startedAt", "uptimeSeconds", "pid", "qtVersion"],
    "properties": {
        "name": {"type": "string", "enum": ["meshdeckd"]},
        "version": {"type": "string"},
        "mode": {"type": "string", "enum": ["local", "cluster"]},
        "nodeId": {"type": "string"},
        "dataDir": {"type": "string"},
        "startedAt": {"type": "string", "format": "date-time"},
        "uptimeSeconds": {"type": "number", "minimum": 0},
        "pid": {"type": "integer"},
        "qtVersion": {"type": "string"}
    }
})";

constexpr QByteArrayView ClusterMemberSchema = R"({
    "type": "object",
    "required": ["nodeId", "advertiseUrl", "version", "state", "startedAt", "lastSeenAt", "openConnections", "load", "self"],
    "properties": {
        "nodeId": {"type": "string"},
        "advertiseUrl": {"type": "string", "description": "How other nodes and the console reach the node (empty while it starts)."},
        "version": {"type": "string"},
        "state": {"type": "string", "enum": ["joining", "serving", "draining", "gone"],
                  "description": "joining while its services start, serving, draining after SIGTERM, gone after a clean stop or when it has not heartbeaten for goneAfterMs."},
        "startedAt": {"type": "string", "format": "date-time"},
        "lastSeenAt": {"type": "string", "format": "date-time", "description": "Its last heartbeat, by the database's clock."},
        "openConnections": {"type": "integer", "minimum": 0, "description": "HTTP connections open on the node at its last heartbeat."},
        "load": {"type": "number", "minimum": 0, "description": "The node host's 1-minute load average at its last heartbeat."},
        "self": {"type": "boolean", "description": "The node that answered."}
    }
})";

constexpr QByteArrayView ClusterSchema = R"({
    "type": "object",
    "required": ["mode", "nodeId", "goneAfterMs", "members"],
    "properties": {
        "mode": {"type": "string", "enum": ["local", "cluster"], "description": "local: one process on SQLite, the only member."},
        "nodeId": {"type": "string", "description": "The node that answered."},
        "goneAfterMs": {"type": "integer", "minimum": 0, "description": "A member silent this long is reported gone."},
        "members": {"type": "array", "items": {"$ref": "#/components/schemas/ClusterMember"}}
    }
})";

RouteOptions options(QByteArray operationId, Access access, const char *summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems = {})
{
    RouteOptions o;
    o.access = access;
    o.maxBody = 0;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("system");
    o.operationId = std::move(operationId);
    o.permission = access == Access::Public ? QByteArray() : QByteArrayLiteral("system.read");
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

} // namespace

void SystemRoutes::install(Router &router, SystemService *service, HttpMetrics *metrics)
{
    router.add("GET", "/healthz", SyncHandler([](const Request &) {
                   static const QByteArray body = QByteArrayLiteral("{\"status\":\"ok\"}");
                   static const QByteArray type = QByteArrayLiteral("application/json");
                   return Response::text(200, body, type);
               }),
               options("getHealth", Access::Public, "Liveness: the process answers.",
                       {{200, QStringLiteral("The process is alive."), StatusSchema.toByteArray()}}));

    router.add(
        "GET", "/readyz", SyncHandler([service](const Request &request) {
            const QString problemText = service->readinessProblem();
            if (!problemText.isEmpty())
                return problem(request, 503, problemText, "not-ready");
            return Response::json(200, service->readiness());
        }),
        options("getReadiness", Access::Public,
                "Readiness: the node serves requests (503 while starting or draining); \"degraded\" when "
                "it serves without a cluster link (Redis), with what is missing.",
                {{200, QStringLiteral("The node serves requests."), ReadinessSchema.toByteArray()}}));

    router.add(
        "GET", "/metrics", SyncHandler([metrics](const Request &) {
            return Response::text(200, metrics->prometheusText(), "text/plain; version=0.0.4; charset=utf-8");
        }),
        options(
            "getMetrics", Access::Public, "Prometheus text exposition of the node's metrics.",
            {{200, QStringLiteral("Prometheus text format 0.0.4."), R"({"type":"string"})", "text/plain"}}));

    router.add(
        "GET", "/v1/openapi.json", SyncHandler([service, &router](const Request &) {
            return Response::json(
                200, openApiDocument(router, service->info().value(QStringLiteral("version")).toString()));
        }),
        options("getOpenApiDocument", Access::Authenticated, "This OpenAPI 3 description of every route.",
                {{200, QStringLiteral("An OpenAPI 3.0 document."),
                  R"({"type":"object","required":["openapi","info","paths"]})"}}));

    router.add("GET", "/v1/system/info",
               SyncHandler([service](const Request &) { return Response::json(200, service->info()); }),
               options("getSystemInfo", Access::Authenticated,
                       "Version, uptime, mode, data directory and node id.",
                       {{200, QStringLiteral("This node."), InfoSchema.toByteArray()}}));

    router.addSchema(QStringLiteral("ClusterMember"), ClusterMemberSchema);
    router.add("GET", "/v1/system/cluster",
               SyncHandler([service](const Request &) { return Response::json(200, service->cluster()); }),
               options("getCluster", Access::Authenticated,
                       "The cluster's members (in local mode the node alone, with mode 'local'), as read by "
                       "this node's last heartbeat (every second); also the realtime channel 'cluster'.",
                       {{200, QStringLiteral("The members."), ClusterSchema.toByteArray()}}));
}

} // namespace Meshdeck::System
