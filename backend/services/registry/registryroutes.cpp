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
    co_return Response::json(registered->created ? 201 : 200, registered->instance);
}

QCoro::Task<Response> heartbeat(RegistryService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request, true);
    if (!body)
        co_return problem(request, body.error());
    QCoro::Task<Result<QJsonObject>> beating =
        service->heartbeat(request.pathParams.value(QStringLiteral("id")), *body);
    co_return instanceOr(request, co_await beating, 200);
}

QCoro::Task<Response> deregister(RegistryService *service, Request request)
{
    QCoro::Task<Result<void>> removing = service->deregister(request.pathParams.value(QStringLiteral("id")),
                                                             QStringLiteral("deregistered through the API"));
    const Result<void> removed = co_await removing;
    co_return removed ? Response::noContent() : problem(request, removed.error());
}

QCoro::Task<Response> drain(RegistryService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request, true);
    if (!body)
        co_return problem(request, body.error());
    QCoro::Task<Result<QJsonObject>> draining =
        service->drain(request.pathParams.value(QStringLiteral("id")), *body);
    co_return instanceOr(request, co_await draining, 202);
}

QCoro::Task<Response> patch(RegistryService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request, false);
    if (!body)
        co_return problem(request, body.error());
    QCoro::Task<Result<QJsonObject>> patching =
        service->patch(request.pathParams.value(QStringLiteral("id")), *body);
    co_return instanceOr(request, co_await patching, 200);
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

RouteOptions options(QByteArray operationId, const char *permission, const char *summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems = {})
{
    RouteOptions o;
    o.access = Access::Authenticated;
    o.maxBody = 64 * 1024;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("registry");
    o.operationId = std::move(operationId);
    o.permission = permission;
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

} // namespace

void RegistryRoutes::install(Router &router, RegistryService *service)
{
    router.add(
        "POST", "/v1/registry/services/{service}/instances",
        AsyncHandler([service](Request r) { return registerInstance(service, std::move(r)); }),
        options("registerInstance", "registry.write",
                "Register an instance (address, port, version, weight, tags, metadata, check); the same "
                "address and port again updates it.",
                {{201, QStringLiteral("Registered: a new instance, critical until its check passes."), {}},
                 {200, QStringLiteral("The instance at this address and port, updated."), {}}},
                {400, 409}));
    router.add("GET", "/v1/registry/services", SyncHandler([service](const Request &) {
                   return Response::json(200, QJsonObject{{QStringLiteral("services"), service->services()}});
               }),
               options("listServices", "registry.read",
                       "Services with their versions and instance counts by status.",
                       {{200, QStringLiteral("Every service with at least one instance."), {}}}));
    router.add(
        "GET", "/v1/registry/services/{service}/instances",
        SyncHandler([service](const Request &r) { return listInstances(service, r); }),
        options(
            "listInstances", "registry.read",
            "A service's instances, optionally only those with ?status=passing|warning|critical|draining.",
            {{200, QStringLiteral("The service's instances, by address and port."), {}}}, {400, 404}));
    router.add("GET", "/v1/registry/instances/{id}", SyncHandler([service](const Request &r) {
                   return instanceOr(r, service->instance(r.pathParams.value(QStringLiteral("id"))), 200);
               }),
               options("getInstance", "registry.read", "One instance with its last check and status history.",
                       {{200, QStringLiteral("The instance with its status history."), {}}}, {404}));
    router.add("PUT", "/v1/registry/instances/{id}/heartbeat",
               AsyncHandler([service](Request r) { return heartbeat(service, std::move(r)); }),
               options("heartbeatInstance", "registry.write",
                       "Heartbeat: keeps a TTL instance alive; may report status, output and inFlight.",
                       {{200, QStringLiteral("The instance after the heartbeat."), {}}}, {400, 404}));
    router.add("DELETE", "/v1/registry/instances/{id}",
               AsyncHandler([service](Request r) { return deregister(service, std::move(r)); }),
               options("deregisterInstance", "registry.write", "Deregister an instance.",
                       {{204, QStringLiteral("Deregistered."), {}}}, {404}));
    router.add("POST", "/v1/registry/instances/{id}/drain",
               AsyncHandler([service](Request r) { return drain(service, std::move(r)); }),
               options("drainInstance", "registry.write",
                       "Drain: weight 0, status draining; deregistered once it reports no requests in flight "
                       "or at deadlineMs (default 30000).",
                       {{202, QStringLiteral("Draining."), {}}}, {400, 404}));
    router.add("PATCH", "/v1/registry/instances/{id}",
               AsyncHandler([service](Request r) { return patch(service, std::move(r)); }),
               options("patchInstance", "registry.write", "Change an instance's weight, tags or metadata.",
                       {{200, QStringLiteral("The instance after the change."), {}}}, {400, 404, 409}));
    router.add("GET", "/v1/registry/changes",
               AsyncHandler([service](Request r) { return changes(service, std::move(r)); }),
               options("listRegistryChanges", "registry.read",
                       "The latest status changes across all instances, newest first (?limit=20).",
                       {{200, QStringLiteral("The latest changes, newest first."), {}}}, {400}));
    router.add("GET", "/v1/registry/stats",
               SyncHandler([service](const Request &) { return Response::json(200, service->stats()); }),
               options("getRegistryStats", "registry.read",
                       "Instance and check counts and how late checks start (scheduling lag).",
                       {{200, QStringLiteral("The registry's counters."), {}}}));
}

} // namespace Meshdeck::Registry
