#include "dispatcher.h"

#include "problem.h"

#include "platform/access.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDispatch, "meshdeck.backend.http")

namespace Meshdeck::Http {

namespace {
bool isMutating(QByteArrayView method)
{
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

QString outcomeOf(int status)
{
    if (status == 401 || status == 403)
        return QStringLiteral("denied");
    return status < 400 ? QStringLiteral("ok") : QStringLiteral("failed");
}

AuditEntry auditEntry(const Request &request, const QByteArray &operationId, const Response &response)
{
    AuditEntry e;
    const Principal &who = request.principal ? *request.principal : Principal{};
    e.actor = who.actor();
    e.actorName = who.name;
    e.method = request.method;
    e.path = request.path;
    e.route = request.routePattern;
    e.status = response.status;
    e.requestId = request.requestId;
    e.source = request.peer;
    e.timeMs = QDateTime::currentMSecsSinceEpoch();
    e.action = operationId.isEmpty() ? QString::fromLatin1(request.method + ' ' + request.routePattern)
                                     : QString::fromLatin1(operationId);
    e.outcome = outcomeOf(response.status);
    if (response.audit) {
        e.resource = response.audit->resource;
        e.before = response.audit->before;
        e.after = response.audit->after;
    }
    if (response.status >= 400) {
        const QJsonObject problem = QJsonDocument::fromJson(response.body).object();
        e.detail = problem.value(QStringLiteral("detail")).toString();
    }
    return e;
}

QCoro::Task<Response> runGuarded(AsyncHandler handler, Request request, AuditSink *audit,
                                 QByteArray operationId)
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
        auditContext.principal = request.principal;
    }
    // Copy what the catch block needs: the handler may have moved from the request.
    Request context;
    context.path = request.path;
    context.requestId = request.requestId;
    std::optional<Response> response;
    try {
        // Named first: GCC 12 destroys a temporary of a co_await expression twice.
        QCoro::Task<Response> running = handler(std::move(request));
        response = co_await running;
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
        audit->record(auditEntry(auditContext, operationId, *response));
    co_return std::move(*response);
}

} // namespace

QByteArray bearerCredential(const Request &request)
{
    const QByteArray authorization = request.header("authorization");
    if (authorization.size() < 8 ||
        QByteArrayView(authorization).first(7).compare("bearer ", Qt::CaseInsensitive) != 0)
        return {};
    return authorization.sliced(7).trimmed();
}

Dispatcher::Dispatcher(const Router &router, const Authenticator *authenticator, HttpMetrics *metrics)
    : m_router(router)
    , m_authenticator(authenticator)
    , m_metrics(metrics)
{}

qint64 Dispatcher::bodyLimit(const Request &request) const
{
    if (m_frontend)
        return m_frontend->bodyLimit(request);
    const auto match = m_router.match(request.method, request.path);
    if (match.route && match.route->options.maxBody >= 0)
        return match.route->options.maxBody;
    return -1;
}

bool Dispatcher::streamsBody(const Request &request) const
{
    if (m_frontend)
        return true;
    const auto match = m_router.match(request.method, request.path);
    return match.route && match.route->options.streamBody;
}

Dispatcher::Outcome Dispatcher::dispatch(Request &request) const
{
    if (m_frontend) {
        // No engine stats: the gateway counts its routes' requests per route and instance. The
        // engine's counter for this listener ("unmatched") was never shown, and every request
        // writing it from each event-loop thread made its cache line travel between their cores.
        Outcome out;
        // A frontend's task comes without a guard of its own (a coroutine frame per request): the
        // connection's awaiter turns a throw into a 500 (an outcome with a task and no route).
        Frontend::Answer answer = m_frontend->handle(request);
        if (answer.response)
            out.response = std::move(answer.response);
        else
            out.task = std::move(answer.task);
        return out;
    }
    Outcome out = route(request);
    // Answers decided here (refusals, synchronous handlers) are audited now; coroutine handlers
    // audit themselves when they finish. Refusals are audited whatever the method.
    if (m_audit && out.response && out.route &&
        (isMutating(request.method) || out.response->status == 401 || out.response->status == 403)) {
        m_audit->record(auditEntry(request, out.route->options.operationId, *out.response));
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

    if (route.options.access == Access::Authenticated) {
        if (std::optional<Response> refusal = admit(request, route)) {
            out.response = std::move(*refusal);
            return out;
        }
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
        out.task = runGuarded(*async, std::move(request), m_audit, route.options.operationId);
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

// The credential (401) and the route's permission (403). Sets the request's principal.
std::optional<Response> Dispatcher::admit(Request &request, const Route &route) const
{
    const QByteArray credential = bearerCredential(request);
    Authentication auth;
    if (credential.isEmpty()) {
        auth = Authentication::refused(
            request.header("authorization").isEmpty()
                ? QStringLiteral(
                      "This route needs 'Authorization: Bearer <token>': an access token from POST "
                      "/v1/auth/sessions, an API key, or for the local stack the token in the data "
                      "directory's admin.token file.")
                : QStringLiteral("The Authorization header must use the Bearer scheme."),
            request.header("authorization").isEmpty() ? "unauthenticated" : "invalid-token");
    } else if (m_authenticator) {
        auth = m_authenticator->authenticate(credential, request.peer);
    } else {
        auth = Authentication::refused(QStringLiteral("This backend accepts no credential yet."),
                                       "invalid-token");
    }
    if (!auth) {
        Response r = problem(request, 401, auth.reason, auth.code);
        r.setHeader("www-authenticate", auth.code == "unauthenticated"
                                            ? QByteArray("Bearer")
                                            : QByteArray("Bearer error=\"invalid_token\""));
        return r;
    }
    request.principal = auth.principal;
    const Meshdeck::Access::Decision decision =
        Meshdeck::Access::authorize(*auth.principal, route.options.permission);
    if (!decision.allowed) {
        return problem(
            request, 403,
            QStringLiteral("%1 needs the permission %2. %3")
                .arg(QString::fromLatin1(route.options.operationId.isEmpty() ? route.pattern
                                                                             : route.options.operationId),
                     QString::fromLatin1(route.options.permission), decision.summary()),
            "forbidden");
    }
    return std::nullopt;
}

} // namespace Meshdeck::Http
