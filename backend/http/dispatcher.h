#pragma once

#include "router.h"

#include "platform/audit.h"

#include <optional>

namespace Meshdeck::Http {

// Decides whether a request may call a route. The local admin token implements it today.
class Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual bool authenticate(const Request &request) const = 0;
};

// Turns a parsed request into a response: routing (404/405), access (401), then the handler.
// A handler that throws becomes a 500 problem; it never takes the connection down.
class Dispatcher
{
public:
    Dispatcher(const Router &router, const Authenticator *authenticator, HttpMetrics *metrics);

    struct Outcome {
        const Route *route = nullptr;
        RouteStats *stats = nullptr;
        std::optional<Response> response;          // set when the answer is ready now
        std::optional<QCoro::Task<Response>> task; // set when a coroutine handler runs
        bool webSocket = false;                    // the route takes over the socket
    };
    Outcome dispatch(Request &request) const;

    qint64 bodyLimit(const Request &request) const;
    // Every mutating call (POST, PUT, PATCH, DELETE) is reported here with its outcome.
    void setAuditSink(AuditSink *sink) { m_audit = sink; }
    const Router &router() const { return m_router; }
    HttpMetrics *metrics() const { return m_metrics; }

private:
    Outcome route(Request &request) const;

    const Router &m_router;
    const Authenticator *m_authenticator;
    HttpMetrics *m_metrics;
    AuditSink *m_audit = nullptr;
};

} // namespace Meshdeck::Http
