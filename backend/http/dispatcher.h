#pragma once

#include "router.h"

#include "platform/audit.h"
#include "platform/authenticator.h"

#include <optional>

namespace Meshdeck::Http {

// The credential of a request: its "Bearer" Authorization header (scheme case-insensitive).
QByteArray bearerCredential(const Request &request);

// A data plane in place of the router (the gateway): it takes every request of its listener and
// authenticates, authorises and answers them itself.
class Frontend
{
public:
    virtual ~Frontend() = default;
    // The body limit of the request from its head (-1: the engine's default).
    virtual qint64 bodyLimit(const Request &request) const = 0;
    struct Answer {
        std::optional<Response> response;          // ready now (a refusal)
        std::optional<QCoro::Task<Response>> task; // otherwise
    };
    virtual Answer handle(Request &request) = 0;
    // The engine refused a request of this listener itself (a body over the limit: 413, a
    // malformed request, a timeout) before handle() saw it; `request` holds what was parsed.
    virtual void engineRefused(const Request &request, const Response &response)
    {
        Q_UNUSED(request);
        Q_UNUSED(response);
    }
};

// Turns a parsed request into a response: routing (404/405), the credential (401), the route's
// permission (403: Access::authorize, deny by default), then the handler.
// A handler that throws becomes a 500 problem; it never takes the connection down.
class Dispatcher
{
public:
    Dispatcher(const Router &router, const Authenticator *authenticator, HttpMetrics *metrics);
    void setAuthenticator(const Authenticator *authenticator) { m_authenticator = authenticator; }
    // Every request goes to `frontend` instead of the router (which then serves nothing).
    void setFrontend(Frontend *frontend) { m_frontend = frontend; }

    struct Outcome {
        const Route *route = nullptr;
        RouteStats *stats = nullptr;
        std::optional<Response> response;          // set when the answer is ready now
        std::optional<QCoro::Task<Response>> task; // set when a coroutine handler runs
        bool webSocket = false;                    // the route takes over the socket
    };
    Outcome dispatch(Request &request) const;

    qint64 bodyLimit(const Request &request) const;
    // A data plane takes the requests: their bodies stream to it (Request::bodySource).
    bool streamsBodies() const { return m_frontend != nullptr; }
    // Whether an Outcome may carry stats: not with a data plane, which counts its own requests
    // (the connection then reads no clock for them).
    bool countsRequests() const { return m_frontend == nullptr; }
    // Whether this request's body streams to its handler (a route with RouteOptions::streamBody).
    bool streamsBody(const Request &request) const;
    void engineRefused(const Request &request, const Response &response) const
    {
        if (m_frontend)
            m_frontend->engineRefused(request, response);
    }
    // Every mutating call (POST, PUT, PATCH, DELETE) and every refusal (401, 403) is reported here.
    void setAuditSink(AuditSink *sink) { m_audit = sink; }
    const Router &router() const { return m_router; }
    HttpMetrics *metrics() const { return m_metrics; }

private:
    Outcome route(Request &request) const;
    std::optional<Response> admit(Request &request, const Route &route) const;

    const Router &m_router;
    const Authenticator *m_authenticator;
    HttpMetrics *m_metrics;
    AuditSink *m_audit = nullptr;
    Frontend *m_frontend = nullptr;
};

} // namespace Meshdeck::Http
