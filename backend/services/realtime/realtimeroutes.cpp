#include "realtimeroutes.h"

#include "realtimeservice.h"

#include "http/router.h"

namespace Meshdeck::Realtime {

void RealtimeRoutes::install(Http::Router &router, RealtimeService *service)
{
    Http::RouteOptions options;
    options.access = Http::Access::Public; // the token may come in the first message instead
    options.maxBody = 0;
    options.summary = QStringLiteral("Realtime channels over WebSocket (authenticate with the Authorization "
                                     "header or a first {\"type\":\"auth\"} message).");
    options.tag = QStringLiteral("realtime");
    options.operationId = "openRealtime";
    options.permission = "realtime.subscribe";
    options.responses = {{101, QStringLiteral("Switching to the WebSocket protocol."), {}, {}}};
    options.problems = {400, 401, 403};
    Http::Route &route = router.addWebSocket(
        "/v1/realtime",
        [service](QWebSocket *socket, const Http::Request &upgrade) { service->accept(socket, upgrade); },
        options);
    route.upgradeGuard = [service](const Http::Request &request) {
        return service->checkUpgrade(request);
    };
}

} // namespace Meshdeck::Realtime
