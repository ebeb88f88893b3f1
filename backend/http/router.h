#pragma once

#include "httptypes.h"
#include "metrics.h"

#include <QCoroTask>

#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

class QWebSocket;

namespace Meshdeck::Http {

// Who may call a route. Public routes are open (health probes); Authenticated routes need a
// valid credential (the local admin token for now; users and API keys come with the auth service).
enum class Access { Public, Authenticated };

// Cheap handlers that never wait answer synchronously and skip the coroutine frame.
using SyncHandler = std::function<Response(const Request &)>;
// Handlers that do I/O are coroutines. The request is taken by value: it must outlive suspension.
using AsyncHandler = std::function<QCoro::Task<Response>(Request)>;
// WebSocket routes get the socket after the handshake and own it from then on.
using WebSocketHandler = std::function<void(QWebSocket *socket, const Request &upgradeRequest)>;

struct RouteOptions {
    Access access = Access::Authenticated;
    qint64 maxBody = -1; // -1: the engine default (1 MiB)
    QString summary;     // one line for the OpenAPI document
    QString tag;         // OpenAPI tag: the service
};

struct Route {
    QByteArray method;
    QByteArray pattern;
    std::vector<QByteArray> segments; // "{name}" marks a parameter
    std::variant<SyncHandler, AsyncHandler, WebSocketHandler> handler;
    RouteOptions options;
    RouteStats *stats = nullptr;
    // WebSocket routes: may refuse an upgrade with a response (403 for a foreign Origin, …).
    std::function<std::optional<Response>(const Request &)> upgradeGuard;

    bool isWebSocket() const { return std::holds_alternative<WebSocketHandler>(handler); }
};

class Router
{
public:
    explicit Router(HttpMetrics *metrics = nullptr);

    Route &add(QByteArray method, QByteArray pattern, SyncHandler handler, RouteOptions options = {});
    Route &add(QByteArray method, QByteArray pattern, AsyncHandler handler, RouteOptions options = {});
    Route &addWebSocket(QByteArray pattern, WebSocketHandler handler, RouteOptions options = {});

    struct Match {
        const Route *route = nullptr;
        QHash<QString, QString> params;
        QByteArray allow; // set when the path exists but not for this method
    };
    Match match(QByteArrayView method, QByteArrayView path) const;
    const std::vector<std::unique_ptr<Route>> &routes() const { return m_routes; }

private:
    Route &insert(std::unique_ptr<Route> route);

    HttpMetrics *m_metrics;
    std::vector<std::unique_ptr<Route>> m_routes;
    QHash<QByteArray, std::vector<const Route *>> m_literal; // exact paths, the fast lane
    std::vector<const Route *> m_parameterized;
};

} // namespace Meshdeck::Http
