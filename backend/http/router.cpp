#include "router.h"

#include "platform/access.h"

#include <QJsonDocument>

namespace Meshdeck::Http {

namespace {
std::vector<QByteArray> splitPath(QByteArrayView path)
{
    std::vector<QByteArray> parts;
    for (const QByteArray &part : path.toByteArray().split('/')) {
        if (!part.isEmpty())
            parts.push_back(part);
    }
    return parts;
}

bool matchesMethod(const Route &route, QByteArrayView method)
{
    return route.method == method || (method == "HEAD" && route.method == "GET");
}

void appendAllow(QByteArray &allow, const Route &route)
{
    for (const QByteArray &m : allow.split(',')) {
        if (m.trimmed() == route.method)
            return;
    }
    if (!allow.isEmpty())
        allow += ", ";
    allow += route.method;
    if (route.method == "GET")
        allow += ", HEAD";
}
} // namespace

QJsonObject parseSchema(QByteArrayView json, QByteArrayView where)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (!doc.isObject())
        qFatal("the schema of %s is not a JSON object: %s", where.toByteArray().constData(),
               qPrintable(error.errorString()));
    return doc.object();
}

void Router::addSchema(const QString &name, QByteArrayView jsonSchema)
{
    m_schemas.insert(name, parseSchema(jsonSchema, name.toUtf8()));
}

Router::Router(HttpMetrics *metrics)
    : m_metrics(metrics)
{}

Route &Router::insert(std::unique_ptr<Route> route)
{
    Q_ASSERT_X(route->pattern.startsWith('/'), "Router", "patterns start with /");
    route->segments = splitPath(route->pattern);
    // Catch malformed schema text when the route is registered, not when the document is asked for.
    const QByteArray where = route->method + ' ' + route->pattern;
    // A permission a route names is one of the table's (a route that names none is refused to
    // every caller: deny by default).
    if (!route->options.permission.isEmpty() && !Meshdeck::Access::isKnown(route->options.permission))
        qFatal("%s declares the permission '%s', which is not in platform/access.cpp's table",
               where.constData(), route->options.permission.constData());
    if (!route->options.requestSchema.isEmpty())
        parseSchema(route->options.requestSchema, where);
    for (const ResponseDoc &response : route->options.responses) {
        if (!response.schema.isEmpty())
            parseSchema(response.schema, where);
    }
    for (const ParamDoc &param : route->options.parameters)
        parseSchema(param.schema, where);
    if (m_metrics)
        route->stats = m_metrics->routeStats(route->method, route->pattern);
    const bool literal = !route->pattern.contains('{');
    Route &ref = *route;
    m_routes.push_back(std::move(route));
    if (literal)
        m_literal[ref.pattern].push_back(&ref);
    else
        m_parameterized.push_back(&ref);
    return ref;
}

Route &Router::add(QByteArray method, QByteArray pattern, SyncHandler handler, RouteOptions options)
{
    auto r = std::make_unique<Route>();
    r->method = std::move(method);
    r->pattern = std::move(pattern);
    r->handler = std::move(handler);
    r->options = std::move(options);
    return insert(std::move(r));
}

Route &Router::add(QByteArray method, QByteArray pattern, AsyncHandler handler, RouteOptions options)
{
    auto r = std::make_unique<Route>();
    r->method = std::move(method);
    r->pattern = std::move(pattern);
    r->handler = std::move(handler);
    r->options = std::move(options);
    return insert(std::move(r));
}

Route &Router::addWebSocket(QByteArray pattern, WebSocketHandler handler, RouteOptions options)
{
    auto r = std::make_unique<Route>();
    r->method = "GET";
    r->pattern = std::move(pattern);
    r->handler = std::move(handler);
    r->options = std::move(options);
    return insert(std::move(r));
}

Router::Match Router::match(QByteArrayView method, QByteArrayView path) const
{
    Match result;
    QByteArrayView normalized = path;
    if (normalized.size() > 1 && normalized.endsWith('/'))
        normalized.chop(1);
    // Segments are split on the path as sent and decoded one by one afterwards: an encoded '/'
    // (%2F) stays inside its segment, and %69nfo still names "info".
    const bool encoded = normalized.contains('%');
    // QHash has no heterogeneous lookup in 6.4: build a key only when the path must be trimmed.
    QByteArray key = normalized.size() == path.size() ? QByteArray::fromRawData(path.data(), path.size())
                                                      : normalized.toByteArray();
    if (encoded) {
        key = QByteArray::fromPercentEncoding(key);
        // A decoded '/' lies inside a segment, and no literal route has one there.
        if (key.count('/') != normalized.count('/'))
            key.clear();
    }
    if (auto it = key.isEmpty() ? m_literal.cend() : m_literal.constFind(key); it != m_literal.cend()) {
        for (const Route *route : *it) {
            if (matchesMethod(*route, method)) {
                result.route = route;
                return result;
            }
            appendAllow(result.allow, *route);
        }
    }
    if (m_parameterized.empty())
        return result;
    std::vector<QByteArray> parts = splitPath(normalized);
    if (encoded) {
        for (QByteArray &part : parts) {
            if (part.contains('%'))
                part = QByteArray::fromPercentEncoding(part);
        }
    }
    for (const Route *route : m_parameterized) {
        if (route->segments.size() != parts.size())
            continue;
        QHash<QString, QString> params;
        bool ok = true;
        for (size_t i = 0; i < parts.size() && ok; ++i) {
            const QByteArray &seg = route->segments[i];
            if (seg.startsWith('{') && seg.endsWith('}'))
                params.insert(QString::fromUtf8(seg.sliced(1, seg.size() - 2)), QString::fromUtf8(parts[i]));
            else
                ok = seg == parts[i];
        }
        if (!ok)
            continue;
        if (matchesMethod(*route, method)) {
            result.route = route;
            result.params = std::move(params);
            result.allow.clear();
            return result;
        }
        appendAllow(result.allow, *route);
    }
    return result;
}

} // namespace Meshdeck::Http
