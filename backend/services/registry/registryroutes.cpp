#include "registryroutes.h"

#include "registryservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QJsonArray>

#include <QCoroFuture>

namespace Meshdeck::Registry {

using namespace Meshdeck::Http;

namespace {

// Answers once the change is durable; a failed write is a 503 the caller may retry.
QCoro::Task<Response> answer(Request request, RegistryService::Answer a)
{
    if (a.status >= 400)
        co_return problem(request, a.status, a.error, a.slug);
    if (a.persisted.isValid()) {
        QFuture<bool> persisted = a.persisted;
        if (!(co_await persisted))
            co_return problem(request, 503,
                              QStringLiteral("The registry could not store the change; the disk may be full. "
                                             "Retry once the node's log shows it can write again."),
                              "storage-unavailable");
    }
    if (a.status == 204)
        co_return Response::noContent();
    co_return Response::json(a.status, a.body);
}

// An optional JSON object body: empty is an empty object.
bool optionalBody(const Request &request, QJsonObject *body, QString *error)
{
    if (request.body.trimmed().isEmpty())
        return true;
    return request.jsonObject(body, error);
}

QCoro::Task<Response> registerInstance(RegistryService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const auto registration =
        Registration::fromJson(request.pathParams.value(QStringLiteral("service")), body, &error);
    if (!registration)
        co_return problem(request, 400, error, "invalid-instance");
    co_return co_await answer(std::move(request), service->registerInstance(*registration));
}

QCoro::Task<Response> heartbeat(RegistryService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!optionalBody(request, &body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const QString id = request.pathParams.value(QStringLiteral("id"));
    co_return co_await answer(std::move(request), service->heartbeat(id, body));
}

QCoro::Task<Response> deregister(RegistryService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    co_return co_await answer(std::move(request),
                              service->deregister(id, QStringLiteral("deregistered through the API")));
}

QCoro::Task<Response> drain(RegistryService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!optionalBody(request, &body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const QString id = request.pathParams.value(QStringLiteral("id"));
    co_return co_await answer(std::move(request), service->drain(id, body));
}

QCoro::Task<Response> patch(RegistryService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const QString id = request.pathParams.value(QStringLiteral("id"));
    co_return co_await answer(std::move(request), service->patch(id, body));
}

Response listInstances(RegistryService *service, const Request &request)
{
    const QString name = request.pathParams.value(QStringLiteral("service"));
    std::optional<Status> status;
    const QString statusText = request.queryItem(QStringLiteral("status"));
    if (!statusText.isEmpty()) {
        status = statusFromName(statusText);
        if (!status)
            return problem(request, 400,
                           QStringLiteral("status must be passing, warning, critical or draining; got '%1'.")
                               .arg(statusText),
                           "invalid-query");
    }
    const auto instances = service->instances(name, status);
    if (!instances)
        return problem(request, 404, QStringLiteral("No instance of service '%1' is registered.").arg(name),
                       "service-not-found");
    return Response::json(
        200, QJsonObject{{QStringLiteral("service"), name}, {QStringLiteral("instances"), *instances}});
}

Response getInstance(RegistryService *service, const Request &request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    const auto instance = service->instance(id);
    if (!instance)
        return problem(request, 404, QStringLiteral("There is no instance '%1'.").arg(id),
                       "instance-not-found");
    return Response::json(200, *instance);
}

QCoro::Task<Response> changes(RegistryService *service, Request request)
{
    int limit = 20;
    const QString text = request.queryItem(QStringLiteral("limit"));
    if (!text.isEmpty()) {
        bool ok = false;
        limit = text.toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            co_return problem(request, 400, QStringLiteral("limit must be a whole number from 1 to 1000."),
                              "invalid-query");
    }
    QFuture<QJsonArray> future = service->recentChanges(limit);
    const QJsonArray list = co_await future;
    co_return Response::json(200, QJsonObject{{QStringLiteral("changes"), list}});
}

} // namespace

void RegistryRoutes::install(Router &router, RegistryService *service)
{
    const QString tag = QStringLiteral("registry");
    auto options = [&tag](const char *summary) {
        return RouteOptions{Access::Authenticated, 64 * 1024, QString::fromUtf8(summary), tag};
    };
    router.add(
        "POST", "/v1/registry/services/{service}/instances",
        AsyncHandler([service](Request r) { return registerInstance(service, std::move(r)); }),
        options("Register an instance (address, port, version, weight, tags, metadata, check); the same "
                "address and port again updates it."));
    router.add("GET", "/v1/registry/services", SyncHandler([service](const Request &) {
                   return Response::json(200, QJsonObject{{QStringLiteral("services"), service->services()}});
               }),
               options("Services with their versions and instance counts by status."));
    router.add(
        "GET", "/v1/registry/services/{service}/instances",
        SyncHandler([service](const Request &r) { return listInstances(service, r); }),
        options(
            "A service's instances, optionally only those with ?status=passing|warning|critical|draining."));
    router.add("GET", "/v1/registry/instances/{id}",
               SyncHandler([service](const Request &r) { return getInstance(service, r); }),
               options("One instance with its last check and status history."));
    router.add("PUT", "/v1/registry/instances/{id}/heartbeat",
               AsyncHandler([service](Request r) { return heartbeat(service, std::move(r)); }),
               options("Heartbeat: keeps a TTL instance alive; may report status, output and inFlight."));
    router.add("DELETE", "/v1/registry/instances/{id}",
               AsyncHandler([service](Request r) { return deregister(service, std::move(r)); }),
               options("Deregister an instance."));
    router.add("POST", "/v1/registry/instances/{id}/drain",
               AsyncHandler([service](Request r) { return drain(service, std::move(r)); }),
               options("Drain: weight 0, status draining; deregistered once it reports no requests in flight "
                       "or at deadlineMs (default 30000)."));
    router.add("PATCH", "/v1/registry/instances/{id}",
               AsyncHandler([service](Request r) { return patch(service, std::move(r)); }),
               options("Change an instance's weight, tags or metadata."));
    router.add("GET", "/v1/registry/changes",
               AsyncHandler([service](Request r) { return changes(service, std::move(r)); }),
               options("The latest status changes across all instances, newest first (?limit=20)."));
    router.add("GET", "/v1/registry/stats",
               SyncHandler([service](const Request &) { return Response::json(200, service->stats()); }),
               options("Instance and check counts and how late checks start (scheduling lag)."));
}

} // namespace Meshdeck::Registry
