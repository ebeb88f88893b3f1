#include "registryroutes.h"

#include "registryservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QJsonArray>

#include <QCoroTask>

namespace Meshdeck::Registry {

using namespace Meshdeck::Http;

namespace {

// A JSON object body; an optional one may also be empty.
Result<QJsonObject> jsonBody(const Request &request, bool optional)
{
    QJsonObject body;
    QString error;
    if (optional && request.body.trimmed().isEmpty())
        return body;
    if (!request.jsonObject(&body, &error))
        return Error::invalid(QStringLiteral("body"), error, "invalid-body");
    return body;
}

Response instanceOr(const Request &request, const Result<QJsonObject> &result, int status)
{
    return result ? Response::json(status, *result) : problem(request, result.error());
}

// The audit log's view of an instance: its state without the status history; null when unknown.
QJsonValue auditState(const Result<QJsonObject> &instance)
{
    if (!instance)
        return QJsonValue::Null;
    QJsonObject state = *instance;
    state.remove(QStringLiteral("history"));
    return state;
}

// A change's answer with the audit note: the instance before the call and after it.
Response audited(Response response, const QString &id, QJsonValue before, const Result<QJsonObject> &after)
{
    response.audit = AuditNote{QStringLiteral("instance:") + id, std::move(before), auditState(after)};
    return response;
}

QCoro::Task<Response> registerInstance(RegistryService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request, false);
    if (!body)
        co_return problem(request, body.error());
    Result<Registration> registration =
        parseRegistration(request.pathParams.value(QStringLiteral("service")), *body);
    if (!registration)
        co_return problem(request, registration.error());
    QCoro::Task<Result<RegistryService::Registered>> registering =
        service->registerInstance(std::move(*registration));
    const Result<RegistryService::Registered> registered = co_await registering;
    if (!registered)
        co_return problem(request, registered.error());
    Response response = Response::json(registered->created ? 201 : 200, registered->instance);
    response.audit =
        AuditNote{QStringLiteral("instance:") + registered->instance.value(QStringLiteral("id")).toString(),
                  QJsonValue::Null, auditState(registered->instance)};
    co_return response;
}

QCoro::Task<Response> heartbeat(RegistryService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request, true);
    if (!body)
        co_return problem(request, body.error());
    const QString id = request.pathParams.value(QStringLiteral("id"));
    QCoro::Task<Result<QJsonObject>> beating = service->heartbeat(id, *body);
    Response response = instanceOr(request, co_await beating, 200);
    response.audit = AuditNote{QStringLiteral("instance:") + id, QJsonValue::Null, QJsonValue::Null};
    co_return response;
}

QCoro::Task<Response> deregister(RegistryService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    const QJsonValue before = auditState(service->instance(id));
    QCoro::Task<Result<void>> removing =
        service->deregister(id, QStringLiteral("deregistered through the API"));
    const Result<void> removed = co_await removing;
    Response response = removed ? Response::noContent() : problem(request, removed.error());
    response.audit = AuditNote{QStringLiteral("instance:") + id, before, QJsonValue::Null};
    co_return response;
}

QCoro::Task<Response> drain(RegistryService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request, true);
    if (!body)
        co_return problem(request, body.error());
    const QString id = request.pathParams.value(QStringLiteral("id"));
    const QJsonValue before = auditState(service->instance(id));
    QCoro::Task<Result<QJsonObject>> draining = service->drain(id, *body);
    const Result<QJsonObject> drained = co_await draining;
    co_return audited(instanceOr(request, drained, 202), id, before, drained);
}

QCoro::Task<Response> patch(RegistryService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request, false);
    if (!body)
        co_return problem(request, body.error());
    const QString id = request.pathParams.value(QStringLiteral("id"));
    const QJsonValue before = auditState(service->instance(id));
    QCoro::Task<Result<QJsonObject>> patching = service->patch(id, *body);
    const Result<QJsonObject> patched = co_await patching;
    co_return audited(instanceOr(request, patched, 200), id, before, patched);
}

Response listInstances(RegistryService *service, const Request &request)
{
    const QString name = request.pathParams.value(QStringLiteral("service"));
    const Result<std::optional<Status>> status =
        parseStatusFilter(request.queryItem(QStringLiteral("status")));
    if (!status)
        return problem(request, status.error());
    const Result<QJsonArray> instances = service->instances(name, *status);
    if (!instances)
        return problem(request, instances.error());
    return Response::json(
        200, QJsonObject{{QStringLiteral("service"), name}, {QStringLiteral("instances"), *instances}});
}

QCoro::Task<Response> changes(RegistryService *service, Request request)
{
    const Result<int> limit = parseChangesLimit(request.queryItem(QStringLiteral("limit")), 20);
    if (!limit)
        co_return problem(request, limit.error());
    QCoro::Task<Result<QJsonArray>> reading = service->recentChanges(*limit);
    const Result<QJsonArray> list = co_await reading;
    if (!list)
        co_return problem(request, list.error());
    co_return Response::json(200, QJsonObject{{QStringLiteral("changes"), *list}});
}

// The registry's shapes, shared by the routes below (components/schemas in the OpenAPI document).
constexpr QByteArrayView StatusSchema = R"({
    "type": "string", "enum": ["passing", "warning", "critical", "draining"],
    "description": "New instances start critical until their check passes; draining until gone."
})";

constexpr QByteArrayView CheckSchema = R"({
    "type": "object",
    "description": "How the node checks the instance: exactly one of http, tcp and ttlMs.",
    "required": ["healthyThreshold", "unhealthyThreshold"],
    "properties": {
        "http": {"type": "string", "description": "GET this path; 2xx passes"},
        "tcp": {"type": "boolean", "enum": [true], "description": "a TCP connect passes"},
        "ttlMs": {"type": "integer", "minimum": 1000, "description": "a heartbeat must arrive within this"},
        "intervalMs": {"type": "integer", "minimum": 100},
        "timeoutMs": {"type": "integer", "minimum": 50, "maximum": 300000},
        "slowMs": {"type": "integer", "minimum": 1, "description": "a passing check slower than this is a warning"},
        "healthyThreshold": {"type": "integer", "minimum": 1, "maximum": 100},
        "unhealthyThreshold": {"type": "integer", "minimum": 1, "maximum": 100},
        "deregisterAfterMs": {"type": "integer", "minimum": 1000,
                              "description": "critical this long: deregistered; default: the node's setting"}
    },
    "oneOf": [{"required": ["http"]}, {"required": ["tcp"]}, {"required": ["ttlMs"]}]
})";

constexpr QByteArrayView InstanceSchema = R"({
    "type": "object",
    "required": ["id", "service", "address", "port", "version", "weight", "tags", "metadata", "check", "status",
                 "builtin", "registeredAt", "statusSince", "lastHeartbeatAt", "lastCheckAt", "lastPassAt",
                 "lastOutput", "lastLatencyMs"],
    "properties": {
        "id": {"type": "string"},
        "service": {"type": "string"},
        "address": {"type": "string"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "version": {"type": "string"},
        "weight": {"type": "integer", "minimum": 0, "maximum": 1000},
        "tags": {"type": "array", "items": {"type": "string"}},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "check": {"$ref": "#/components/schemas/Check"},
        "status": {"$ref": "#/components/schemas/InstanceStatus"},
        "builtin": {"type": "boolean", "description": "one of the platform's own services"},
        "registeredAt": {"type": "string", "format": "date-time"},
        "statusSince": {"type": "string", "format": "date-time"},
        "lastHeartbeatAt": {"type": "string", "description": "ISO 8601 time; empty until the first heartbeat"},
        "lastCheckAt": {"type": "string", "description": "ISO 8601 time; empty until the first check"},
        "lastPassAt": {"type": "string", "description": "ISO 8601 time; empty until a check passes"},
        "lastOutput": {"type": "string", "description": "what the last check or heartbeat said"},
        "lastLatencyMs": {"type": "integer", "minimum": -1, "description": "-1 until an active check ran"},
        "inFlight": {"type": "integer", "minimum": 0, "description": "requests in flight, as last reported"},
        "drainDeadline": {"type": "string", "format": "date-time", "description": "while draining"},
        "checkedBy": {"type": "string", "description": "cluster mode: the node that runs its check, TTL and deregistration; empty while no node serves"
}
, "history":
{
    "type" : "array",
             "items" : {"$ref" : "#/components/schemas/HistoryEntry"},
                       "description" : "status changes, oldest first; getInstance only"
}
}
})";

constexpr QByteArrayView HistoryEntrySchema = R"({
    "type": "object", "required": ["time", "from", "to", "reason"],
    "properties": {
        "time": {"type": "string", "format": "date-time"},
        "from": {"$ref": "#/components/schemas/InstanceStatus"},
        "to": {"$ref": "#/components/schemas/InstanceStatus"},
        "reason": {"type": "string"}
    }
})";

constexpr QByteArrayView ChangeSchema = R"({
    "type": "object", "required": ["time", "from", "to", "reason", "instanceId", "service"],
    "properties": {
        "time": {"type": "string", "format": "date-time"},
        "from": {"$ref": "#/components/schemas/InstanceStatus"},
        "to": {"$ref": "#/components/schemas/InstanceStatus"},
        "reason": {"type": "string"},
        "instanceId": {"type": "string", "description": "may name an instance deregistered since"},
        "service": {"type": "string"}
    }
})";

constexpr QByteArrayView ServiceSchema = R"({
    "type": "object", "required": ["name", "versions", "builtin", "instances", "counts"],
    "properties": {
        "name": {"type": "string"},
        "versions": {"type": "array", "items": {"type": "string"}},
        "builtin": {"type": "boolean"},
        "instances": {"type": "integer", "minimum": 1},
        "counts": {
            "type": "object", "required": ["passing", "warning", "critical", "draining"],
            "properties": {
                "passing": {"type": "integer", "minimum": 0},
                "warning": {"type": "integer", "minimum": 0},
                "critical": {"type": "integer", "minimum": 0},
                "draining": {"type": "integer", "minimum": 0}
            }
        }
    }
})";

constexpr QByteArrayView RegistrationSchema = R"({
    "type": "object", "required": ["address", "port", "check"], "additionalProperties": false,
    "properties": {
        "address": {"type": "string", "maxLength": 253, "description": "an IP address or host name, no scheme or port"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "version": {"type": "string", "maxLength": 64},
        "weight": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 100},
        "tags": {"type": "array", "maxItems": 32, "items": {"type": "string", "minLength": 1, "maxLength": 128}},
        "metadata": {"type": "object", "maxProperties": 64, "additionalProperties": {"type": "string", "maxLength": 512}},
        "check": {
            "type": "object", "additionalProperties": false,
            "description": "exactly one of http, tcp and ttlMs; Consul's defaults for the rest",
            "properties": {
                "http": {"type": "string", "pattern": "^/", "maxLength": 1024},
                "tcp": {"type": "boolean", "enum": [true]},
                "ttlMs": {"type": "integer", "minimum": 1000, "maximum": 86400000},
                "intervalMs": {"type": "integer", "minimum": 100, "maximum": 86400000, "default": 10000},
                "timeoutMs": {"type": "integer", "minimum": 50, "maximum": 300000, "default": 10000},
                "slowMs": {"type": "integer", "minimum": 1, "maximum": 300000},
                "healthyThreshold": {"type": "integer", "minimum": 1, "maximum": 100},
                "unhealthyThreshold": {"type": "integer", "minimum": 1, "maximum": 100},
                "deregisterAfterMs": {"type": "integer", "minimum": 1000, "maximum": 2592000000}
            },
            "oneOf": [{"required": ["http"]}, {"required": ["tcp"]}, {"required": ["ttlMs"]}]
        }
    }
})";

constexpr QByteArrayView HeartbeatSchema = R"({
    "type": "object", "additionalProperties": false,
    "description": "May be empty; only TTL instances report a status.",
    "properties": {
        "status": {"type": "string", "enum": ["passing", "warning", "critical"]},
        "output": {"type": "string", "maxLength": 1024},
        "inFlight": {"type": "integer", "minimum": 0, "description": "0 while draining ends the drain"}
    }
})";

constexpr QByteArrayView DrainSchema = R"({
    "type": "object", "additionalProperties": false, "description": "May be empty.",
    "properties": {"deadlineMs": {"type": "integer", "minimum": 0, "maximum": 3600000, "default": 30000}}
})";

constexpr QByteArrayView PatchSchema = R"({
    "type": "object", "additionalProperties": false, "minProperties": 1,
    "properties": {
        "weight": {"type": "integer", "minimum": 0, "maximum": 1000, "description": "a draining instance keeps 0"},
        "tags": {"type": "array", "maxItems": 32, "items": {"type": "string", "minLength": 1, "maxLength": 128}},
        "metadata": {"type": "object", "maxProperties": 64, "additionalProperties": {"type": "string", "maxLength": 512}}
    }
})";

constexpr QByteArrayView InstanceRef = R"({"$ref": "#/components/schemas/Instance"})";

constexpr QByteArrayView InstanceWithHistory = R"({
    "allOf": [{"$ref": "#/components/schemas/Instance"}, {"type": "object", "required": ["history"]}]
})";

constexpr QByteArrayView HeartbeatAnswer = R"({
    "allOf": [{"$ref": "#/components/schemas/Instance"}, {
        "type": "object",
        "properties": {"deregistered": {"type": "boolean", "description": "true: the heartbeat ended a drain"}}
    }]
})";

constexpr QByteArrayView ServicesAnswer = R"({
    "type": "object", "required": ["services"],
    "properties": {"services": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}}}
})";

constexpr QByteArrayView InstancesAnswer = R"({
    "type": "object", "required": ["service", "instances"],
    "properties": {
        "service": {"type": "string"},
        "instances": {"type": "array", "items": {"$ref": "#/components/schemas/Instance"}}
    }
})";

constexpr QByteArrayView ChangesAnswer = R"({
    "type": "object", "required": ["changes"],
    "properties": {"changes": {"type": "array", "items": {"$ref": "#/components/schemas/RegistryChange"}}}
})";

constexpr QByteArrayView StatsAnswer = R"({
    "type": "object", "required": ["instances", "activeChecks", "checksStarted", "schedulingLagMs"],
    "properties": {
        "instances": {"type": "integer", "minimum": 0},
        "activeChecks": {"type": "integer", "minimum": 0},
        "checkedHere": {"type": "integer", "minimum": 0, "description": "instances whose checks this node runs; in cluster mode its share"
}
,
    "checkingNodes"
    : {"type" : "array", "items" : {"type" : "string"}, "description" : "the nodes that share the checks"},
      "checksStarted" : {"type" : "integer", "minimum" : 0},
                        "schedulingLagMs":
{
    "type" : "object",
             "required" : [ "p50", "p99", "max", "samples" ],
                          "description"
        : "how late checks start against their due time, over the latest checks",
          "properties":
    {
        "p50" : {"type" : "number"}, "p99" : {"type" : "number"}, "max" : {"type" : "number"}, "samples":
        {
            "type" : "integer", "minimum" : 0
        }
    }
}
}
})";

ParamDoc serviceParam()
{
    return {"service", "path", R"({"type":"string","maxLength":63})",
            QStringLiteral("The service name: lower-case letters, digits, '.', '-' and '_'."), true};
}

ParamDoc idParam()
{
    return {"id", "path", R"({"type":"string"})", QStringLiteral("The instance id (i-…)."), true};
}

RouteOptions options(QByteArray operationId, const char *permission, const char *summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems = {},
                     std::vector<ParamDoc> parameters = {}, QByteArrayView requestSchema = {})
{
    RouteOptions o;
    o.access = Access::Authenticated;
    o.maxBody = requestSchema.isEmpty() ? 0 : 64 * 1024;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("registry");
    o.operationId = std::move(operationId);
    o.permission = permission;
    o.requestSchema = requestSchema.toByteArray();
    o.parameters = std::move(parameters);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

// Heartbeat and drain may be sent without a body.
RouteOptions optionalBody(RouteOptions o)
{
    o.requestBodyOptional = true;
    return o;
}

ResponseDoc answer(int status, const char *description, QByteArrayView schema)
{
    return {status, QString::fromUtf8(description), schema.toByteArray()};
}

void installInstanceRoutes(Router &router, RegistryService *service)
{
    router.add(
        "POST", "/v1/registry/services/{service}/instances",
        AsyncHandler([service](Request r) { return registerInstance(service, std::move(r)); }),
        options("registerInstance", "registry.write",
                "Register an instance (address, port, version, weight, tags, metadata, check); the same "
                "address and port again updates it.",
                {answer(201, "Registered: a new instance, critical until its check passes.", InstanceRef),
                 answer(200, "The instance at this address and port, updated.", InstanceRef)},
                {400, 409}, {serviceParam()}, RegistrationSchema));
    router.add("GET", "/v1/registry/instances/{id}", SyncHandler([service](const Request &r) {
                   return instanceOr(r, service->instance(r.pathParams.value(QStringLiteral("id"))), 200);
               }),
               options("getInstance", "registry.read", "One instance with its last check and status history.",
                       {answer(200, "The instance with its status history.", InstanceWithHistory)}, {404},
                       {idParam()}));
    router.add(
        "PUT", "/v1/registry/instances/{id}/heartbeat",
        AsyncHandler([service](Request r) { return heartbeat(service, std::move(r)); }),
        optionalBody(options("heartbeatInstance", "registry.write",
                             "Heartbeat: keeps a TTL instance alive; may report status, output and inFlight.",
                             {answer(200, "The instance after the heartbeat.", HeartbeatAnswer)}, {400, 404},
                             {idParam()}, HeartbeatSchema)));
    router.add("DELETE", "/v1/registry/instances/{id}",
               AsyncHandler([service](Request r) { return deregister(service, std::move(r)); }),
               options("deregisterInstance", "registry.write", "Deregister an instance.",
                       {answer(204, "Deregistered.", {})}, {404}, {idParam()}));
    router.add(
        "POST", "/v1/registry/instances/{id}/drain",
        AsyncHandler([service](Request r) { return drain(service, std::move(r)); }),
        optionalBody(options("drainInstance", "registry.write",
                             "Drain: weight 0, status draining; deregistered once it reports no requests in "
                             "flight or at deadlineMs (default 30000).",
                             {answer(202, "Draining.", InstanceRef)}, {400, 404}, {idParam()}, DrainSchema)));
    router.add("PATCH", "/v1/registry/instances/{id}",
               AsyncHandler([service](Request r) { return patch(service, std::move(r)); }),
               options("patchInstance", "registry.write", "Change an instance's weight, tags or metadata.",
                       {answer(200, "The instance after the change.", InstanceRef)}, {400, 404, 409},
                       {idParam()}, PatchSchema));
}

void installQueryRoutes(Router &router, RegistryService *service)
{
    router.add("GET", "/v1/registry/services", SyncHandler([service](const Request &) {
                   return Response::json(200, QJsonObject{{QStringLiteral("services"), service->services()}});
               }),
               options("listServices", "registry.read",
                       "Services with their versions and instance counts by status.",
                       {answer(200, "Every service with at least one instance.", ServicesAnswer)}));
    router.add(
        "GET", "/v1/registry/services/{service}/instances",
        SyncHandler([service](const Request &r) { return listInstances(service, r); }),
        options(
            "listInstances", "registry.read", "A service's instances, optionally only those with one status.",
            {answer(200, "The service's instances, by address and port.", InstancesAnswer)}, {400, 404},
            {serviceParam(),
             {"status", "query", R"({"type":"string","enum":["passing","warning","critical","draining"]})",
              QStringLiteral("Only instances with this status.")}}));
    router.add("GET", "/v1/registry/changes",
               AsyncHandler([service](Request r) { return changes(service, std::move(r)); }),
               options("listRegistryChanges", "registry.read",
                       "The latest status changes across all instances, newest first.",
                       {answer(200, "The latest changes, newest first.", ChangesAnswer)}, {400},
                       {{"limit", "query", R"({"type":"integer","minimum":1,"maximum":1000,"default":20})",
                         QStringLiteral("How many changes.")}}));
    router.add("GET", "/v1/registry/stats",
               SyncHandler([service](const Request &) { return Response::json(200, service->stats()); }),
               options("getRegistryStats", "registry.read",
                       "Instance and check counts and how late checks start (scheduling lag).",
                       {answer(200, "The registry's counters.", StatsAnswer)}));
}

} // namespace

void RegistryRoutes::install(Router &router, RegistryService *service)
{
    router.addSchema(QStringLiteral("InstanceStatus"), StatusSchema);
    router.addSchema(QStringLiteral("Check"), CheckSchema);
    router.addSchema(QStringLiteral("Instance"), InstanceSchema);
    router.addSchema(QStringLiteral("HistoryEntry"), HistoryEntrySchema);
    router.addSchema(QStringLiteral("RegistryChange"), ChangeSchema);
    router.addSchema(QStringLiteral("Service"), ServiceSchema);
    installInstanceRoutes(router, service);
    installQueryRoutes(router, service);
}

} // namespace Meshdeck::Registry
