#pragma once

#include "httptypes.h"
#include "metrics.h"

#include <QCoroTask>

#include <QByteArrayList>
#include <QJsonObject>

#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

class QTcpSocket;
class QWebSocket;

namespace Meshdeck::Http {

// Parses schema text declared in code; a malformed one is a programming error and stops the process
// at start-up, so every test run catches it.
QJsonObject parseSchema(QByteArrayView json, QByteArrayView where);

// Who may call a route. Public routes are open (health probes, sign-in); Authenticated routes need a
// valid credential (the admin token, an access token or an API key) holding the route's permission.
enum class Access { Public, Authenticated };

// Cheap handlers that never wait answer synchronously and skip the coroutine frame.
using SyncHandler = std::function<Response(const Request &)>;
// Handlers that do I/O are coroutines. The request is taken by value: it must outlive suspension.
using AsyncHandler = std::function<QCoro::Task<Response>(Request)>;
// WebSocket routes get the socket after the handshake and own it from then on, with the TCP (or
// TLS) socket under it: a handler that fans out writes its frames there (net/websocketwriter.h).
using WebSocketHandler =
    std::function<void(QWebSocket *socket, QTcpSocket *transport, const Request &upgradeRequest)>;

// One documented response of a route. `schema` is JSON Schema text in OpenAPI 3.0's dialect
// (components are referenced as {"$ref":"#/components/schemas/Name"}); empty: no body.
struct ResponseDoc {
    int status = 200;
    QString description;
    QByteArray schema;
    QByteArray contentType = QByteArrayLiteral("application/json");
};

// A query or path parameter. Path parameters are found from the pattern; declare them here only
// to give them a schema or a description (default: a required string).
struct ParamDoc {
    QByteArray name;
    QByteArray in = QByteArrayLiteral("query"); // "query" or "path"
    QByteArray schema = QByteArrayLiteral(R"({"type":"string"})");
    QString description;
    bool required = false;
};

// What a route is, for callers and for the OpenAPI document: declared next to the handler, so the
// description cannot drift from the code.
struct RouteOptions {
    Access access = Access::Authenticated;
    qint64 maxBody = -1;         // -1: the engine default (1 MiB)
    QString summary;             // one line for the OpenAPI document
    QString tag;                 // OpenAPI tag: the service
    QByteArray operationId = {}; // an identifier: createTopic, drainInstance
    // The permission a caller needs ("events.write"), from platform/access.cpp's table; the
    // dispatcher refuses (403) a caller whose role or key scopes lack it. Empty for Public routes.
    QByteArray permission = {};
    QByteArray requestSchema = {};    // JSON Schema text of the request body; empty: no body
    bool requestBodyOptional = false; // the body may be left out (heartbeat, drain)
    // Content types the route takes besides JSON, as opaque bytes (an upload: application/gzip).
    QByteArrayList requestBinaryTypes = {};
    std::vector<ParamDoc> parameters = {};
    std::vector<ResponseDoc> responses = {}; // every success status the route really returns
    // Statuses the route answers with a problem document (400, 404, 409, …). 401 (authenticated
    // routes), 413 (routes with a request body) and 503 (any route) are added for every route.
    std::vector<int> problems = {};
    // The body is not held whole: a request whose body has not all arrived with its head reaches
    // the handler at once with Request::bodySource, and the handler pulls the rest (an upload
    // streamed to disk). Only the bytes buffered count against the server's body budget.
    bool streamBody = false;
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
    // `path` as sent, percent-encoded: it is split into segments first and each segment decoded
    // after, so "/v1/events/topics/a%2Fb" names the topic "a/b" and matches no deeper route.
    Match match(QByteArrayView method, QByteArrayView path) const;
    const std::vector<std::unique_ptr<Route>> &routes() const { return m_routes; }

    // A schema shared by several routes, listed under components/schemas in the OpenAPI document.
    void addSchema(const QString &name, QByteArrayView jsonSchema);
    const QJsonObject &schemas() const { return m_schemas; }

private:
    Route &insert(std::unique_ptr<Route> route);

    HttpMetrics *m_metrics;
    QJsonObject m_schemas;
    std::vector<std::unique_ptr<Route>> m_routes;
    QHash<QByteArray, std::vector<const Route *>> m_literal; // exact paths, the fast lane
    std::vector<const Route *> m_parameterized;
};

} // namespace Meshdeck::Http
