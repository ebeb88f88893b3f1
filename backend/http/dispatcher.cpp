#include "dispatcher.h"

#include "problem.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDispatch, "meshdeck.backend.http")

namespace Meshdeck::Http {

namespace {
bool isMutating(QByteArrayView method)
{
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

AuditEntry auditEntry(const Request &request, const QString &actor, int status)
{
    return AuditEntry{actor,  request.method,    request.path, request.routePattern,
                      status, request.requestId, request.peer, QDateTime::currentMSecsSinceEpoch()};
}

QCoro::Task<Response> runGuarded(AsyncHandler handler, Request request, AuditSink *audit, QString actor)
{
    // What the audit record needs, taken before the handler consumes the request.
    const bool audited = audit && isMutating(request.method);
    Request auditContext;
    if (audited) {
        auditContext.method = request.method;
        auditContext.path = request.path;
        auditContext.routePattern = request.routePattern;
        auditContext.requestId = request.requestId;
        auditContext.peer = request.peer;
    }
    // Copy what the catch block needs: the handler may have moved from the request.
    Request context;
    context.path = request.path;
    context.requestId = request.requestId;
    std::optional<Response> response;
    try {
        response = co_await handler(std::move(request));
    } catch (const std::exception &e) {
        qCWarning(lcDispatch) << "handler for" << context.path << "threw:" << e.what();
    } catch (...) {
        qCWarning(lcDispatch) << "handler for" << context.path << "threw a non-standard exception";
    }
    if (!response) {
        response = problem(context, 500,
                           QStringLiteral("The server failed while handling this request; the log has the "
                                          "details under this request id."),
                           "internal");
    }
    if (audited)
        audit->record(auditEntry(auditContext, actor, response->status));
    co_return std::move(*response);
}
} // namespace

Dispatcher::Dispatcher(const Router &router, const Authenticator *authenticator, HttpMetrics *metrics)
    : m_router(router)
    , m_authenticator(authenticator)
    , m_metrics(metrics)
{}

qint64 Dispatcher::bodyLimit(const Request &request) const
{
    const auto match = m_router.match(request.method, request.path);
    if (match.route && match.route->options.maxBody >= 0)
        return match.route->options.maxBody;
    return -1;
}

Dispatcher::Outcome Dispatcher::dispatch(Request &request) const
{
    Outcome out = route(request);
    // Answers decided here (refusals, synchronous handlers) are audited now; coroutine handlers
    // audit themselves when they finish.
    if (m_audit && out.response && isMutating(request.method)) {
        const bool admitted =
            out.route && out.route->options.access == Access::Authenticated && out.response->status != 401;
        m_audit->record(auditEntry(request, admitted ? QStringLiteral("admin") : QStringLiteral("anonymous"),
                                   out.response->status));
    }
    return out;
}

Dispatcher::Outcome Dispatcher::route(Request &request) const
{
    Outcome out;
    auto match = m_router.match(request.method, request.path);
    if (!match.route) {
        out.stats = m_metrics ? m_metrics->unmatched() : nullptr;
        if (!match.allow.isEmpty()) {
            Response r = problem(request, 405,
                                 QStringLiteral("%1 is not allowed on %2; use one of: %3.")
                                     .arg(QString::fromLatin1(request.method),
                                          QString::fromUtf8(request.path), QString::fromLatin1(match.allow)),
                                 "method-not-allowed");
            r.setHeader("allow", match.allow);
            out.response = std::move(r);
        } else {
            out.response = problem(request, 404,
                                   QStringLiteral("There is no route %1; /v1/openapi.json lists every route.")
                                       .arg(QString::fromUtf8(request.path)),
                                   "not-found");
        }
        return out;
    }
    const Route &route = *match.route;
    out.route = &route;
    out.stats = route.stats;
    request.pathParams = std::move(match.params);
    request.routePattern = route.pattern;

    if (route.options.access == Access::Authenticated &&
        !(m_authenticator && m_authenticator->authenticate(request))) {
        const bool sent = !request.header("authorization").isEmpty();
        Response r = problem(
            request, 401,
            sent ? QStringLiteral("The bearer token is not valid for this backend. For the local stack "
                                  "use the token in the data directory's admin.token file.")
                 : QStringLiteral("This route needs 'Authorization: Bearer <token>'. For the local "
                                  "stack the token is in the data directory's admin.token file."),
            sent ? "invalid-token" : "unauthenticated");
        r.setHeader("www-authenticate", sent ? "Bearer error=\"invalid_token\"" : "Bearer");
        out.response = std::move(r);
        return out;
    }

    if (const auto *sync = std::get_if<SyncHandler>(&route.handler)) {
        try {
            out.response = (*sync)(request);
        } catch (const std::exception &e) {
            qCWarning(lcDispatch) << "handler for" << request.path << "threw:" << e.what();
            out.response = problem(
                request, 500, QStringLiteral("The server failed while handling this request."), "internal");
        }
    } else if (const auto *async = std::get_if<AsyncHandler>(&route.handler)) {
        const QString actor = route.options.access == Access::Authenticated ? QStringLiteral("admin")
                                                                            : QStringLiteral("anonymous");
        out.task = runGuarded(*async, std::move(request), m_audit, actor);
    } else {
        if (!request.upgradeWebSocket) {
            out.response = problem(request, 426,
                                   QStringLiteral("This route is a WebSocket endpoint; connect with a "
                                                  "WebSocket client."),
                                   "upgrade-required");
            out.response->setHeader("upgrade", "websocket");
        } else if (route.upgradeGuard) {
            if (std::optional<Response> refusal = route.upgradeGuard(request))
                out.response = std::move(*refusal);
            else
                out.webSocket = true;
        } else {
            out.webSocket = true;
        }
    }
    return out;
}

} // namespace Meshdeck::Http
