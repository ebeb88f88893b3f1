#include "systemroutes.h"

#include "systemservice.h"

#include "http/openapi.h"
#include "http/problem.h"
#include "http/router.h"

namespace Meshdeck::System {

using namespace Meshdeck::Http;

void SystemRoutes::install(Router &router, SystemService *service)
{
    const QString tag = QStringLiteral("system");
    router.add("GET", "/healthz", SyncHandler([](const Request &) {
                   static const QByteArray body = QByteArrayLiteral("{\"status\":\"ok\"}");
                   static const QByteArray type = QByteArrayLiteral("application/json");
                   return Response::text(200, body, type);
               }),
               {Access::Public, 0, QStringLiteral("Liveness: the process answers."), tag});

    router.add(
        "GET", "/readyz", SyncHandler([service](const Request &request) {
            const QString problemText = service->readinessProblem();
            if (!problemText.isEmpty())
                return problem(request, 503, problemText, "not-ready");
            return Response::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ready")}});
        }),
        {Access::Public, 0,
         QStringLiteral("Readiness: the node serves requests (503 while starting or draining)."), tag});

    router.add("GET", "/metrics", SyncHandler([service](const Request &) {
                   return Response::text(200, service->metrics()->prometheusText(),
                                         "text/plain; version=0.0.4; charset=utf-8");
               }),
               {Access::Public, 0, QStringLiteral("Prometheus text exposition of the node's metrics."), tag});

    router.add("GET", "/v1/openapi.json", SyncHandler([service](const Request &) {
                   return Response::json(
                       200, openApiDocument(*service->router(),
                                            service->info().value(QStringLiteral("version")).toString()));
               }),
               {Access::Authenticated, 0, QStringLiteral("This OpenAPI 3 description of every route."), tag});

    router.add("GET", "/v1/system/info",
               SyncHandler([service](const Request &) { return Response::json(200, service->info()); }),
               {Access::Authenticated, 0,
                QStringLiteral("Version, uptime, mode, data directory and node id."), tag});
}

} // namespace Meshdeck::System
