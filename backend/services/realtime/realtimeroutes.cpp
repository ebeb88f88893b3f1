#include "realtimeroutes.h"

#include "http/dispatcher.h"
#include "http/problem.h"
#include "http/router.h"

namespace Meshdeck::Realtime {

namespace {

// The bearer token of an upgrade, if it carries an Authorization header; a header of another
// scheme gives an empty token, which is not valid.
std::optional<QByteArray> bearerToken(const Http::Request &request)
{
    const QByteArray header = request.header("authorization");
    if (header.isEmpty())
        return std::nullopt;
    constexpr QByteArrayView scheme = "bearer ";
    if (header.size() <= scheme.size() || header.first(scheme.size()).toLower() != scheme)
        return QByteArray();
    return header.sliced(scheme.size()).trimmed();
}

std::optional<Http::Response> refusal(const Http::Request &request, RealtimeService *service)
{
    const Result<void> allowed =
        service->checkUpgrade(QString::fromUtf8(request.header("origin")), bearerToken(request));
    if (allowed)
        return std::nullopt;
    if (allowed.error().code == InvalidTokenCode)
        return Http::problem(request, 401, allowed.error().reason, allowed.error().code);
    return Http::problem(request, allowed.error()); // 403 for an origin, 503 + Retry-After when full
}

} // namespace

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
    options.problems = {
        400, 401, 403,
        426}; // 426 without an upgrade; 503 (with Retry-After) when the sessions are at their cap
    Http::Route &route = router.addWebSocket(
        "/v1/realtime",
        [service](QWebSocket *socket, QTcpSocket *transport, const Http::Request &upgrade) {
            service->accept(socket, transport, bearerToken(upgrade));
        },
        options);
    route.upgradeGuard = [service](const Http::Request &request) {
        return refusal(request, service);
    };
}

} // namespace Meshdeck::Realtime
