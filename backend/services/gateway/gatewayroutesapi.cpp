#include "services/gateway/gatewayroutesapi.h"

#include "services/gateway/routescatalog.h"

#include "http/problem.h"
#include "http/router.h"
#include "platform/clock.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <QCoroTask>

namespace Meshdeck::Gateway {

using namespace Meshdeck::Http;

namespace {

constexpr qint64 MaxBody = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Schemas. The route as a request gives it; the answers' forms are derived from it (every field
// required, objects open), so the two cannot drift apart.

constexpr QByteArrayView SpecProperties = R"json({
    "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$",
             "description": "Unique among the live routes."},
    "match": {
        "type": "object", "required": ["pathPrefix"], "additionalProperties": false,
        "description": "Which requests the route takes. Most specific first: a route for the request's host before an any-host route, a longer prefix before a shorter one, a route restricted to methods before an any-method one.",
        "properties": {
            "pathPrefix": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": "^/",
                           "description": "Matched on segment boundaries against the path as sent (percent-encoded): \"/billing\" takes \"/billing\" and \"/billing/x\", never \"/billingx\"; \"/\" takes every path. No \"?\", \"#\", \"..\", \"//\" or trailing \"/\"."},
            "host": {"type": "string", "nullable": true, "maxLength": 253,
                     "description": "A DNS name or IP address without port or scheme, matched case-insensitively against the Host header without its port; null or absent: any host."},
            "methods": {"type": "array", "uniqueItems": true,
                        "items": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]},
                        "description": "Empty or absent: any method."}
        }
    },
    "service": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,62}$",
                "description": "The registry service whose passing instances take the traffic (it need not exist yet)."},
    "stripPrefix": {"type": "boolean", "default": false,
                    "description": "The upstream gets the path without the prefix (\"/billing/x\" -> \"/x\")."},
    "timeoutMs": {"type": "integer", "minimum": 1, "maximum": 300000, "default": 15000},
    "retries": {"type": "integer", "minimum": 0, "maximum": 5, "default": 1,
                "description": "Retries on another instance, for idempotent methods only."},
    "auth": {"type": "string", "enum": ["none", "required"], "default": "none",
             "description": "required: a JWT or API key is checked at the edge and the identity forwarded in X-Meshdeck-* headers."},
    "rateLimit": {
        "type": "object", "nullable": true, "additionalProperties": false,
        "description": "A token bucket per consumer; null: no limit; absent: 1000 requests a minute per client address.",
        "properties": {
            "requests": {"type": "integer", "minimum": 1, "maximum": 1000000000, "default": 1000},
            "perSeconds": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 60},
            "by": {"type": "string", "enum": ["key", "user", "ip"], "default": "ip",
                   "description": "key and user need auth \"required\"."}
        }
    },
    "cors": {
        "type": "object", "nullable": true, "required": ["origins"], "additionalProperties": false,
        "description": "The browser origins that may call the route; null or absent: no CORS headers (a preflight is refused).",
        "properties": {
            "origins": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"type": "string"},
                        "description": "Exact origins scheme://host[:port] (http or https, lower case, no default port); \"*\" alone and only without credentials; never \"null\"."},
            "methods": {"type": "array", "uniqueItems": true,
                        "items": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]},
                        "description": "Empty: the route's methods, or GET, HEAD and POST."},
            "headers": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
            "exposeHeaders": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
            "credentials": {"type": "boolean", "default": false},
            "maxAgeSeconds": {"type": "integer", "minimum": 0, "maximum": 86400, "default": 600}
        }
    },
    "balancer": {"type": "string", "enum": ["round_robin", "weighted", "least_outstanding"], "default": "round_robin"},
    "maxBodyBytes": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 17179869184, "default": 1048576},
    "breaker": {
        "type": "object", "additionalProperties": false,
        "description": "Per upstream instance: open after consecutive failures, half-open after the cool-down.",
        "properties": {
            "failures": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 5},
            "coolDownMs": {"type": "integer", "minimum": 100, "maximum": 3600000, "default": 30000},
            "halfOpenProbes": {"type": "integer", "minimum": 1, "maximum": 100, "default": 1}
        }
    },
    "accessLogSample": {"type": "number", "nullable": true, "minimum": 0, "maximum": 1, "default": null,
                        "description": "The share of the route's answers written to the gateway.access topic, 0 to 1; 5xx answers and the gateway's refusals always are. null or absent: the server's --gateway-access-log-sample."}
})json";

constexpr QByteArrayView StoredProperties = R"json({
    "id": {"type": "string"},
    "version": {"type": "integer", "format": "int64", "minimum": 1, "description": "1 at creation, one more at every change."},
    "createdAt": {"type": "string", "format": "date-time"},
    "updatedAt": {"type": "string", "format": "date-time"},
    "updatedBy": {"type": "string", "description": "Who made the latest change."}
})json";

QJsonObject propertiesOf(QByteArrayView text)
{
    return parseSchema(text, "gateway route properties");
}

// An object schema over `properties`, closed to other fields (requests).
QJsonObject requestObject(const QJsonObject &properties, const QStringList &required,
                          const QString &description)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                       {QStringLiteral("required"), QJsonArray::fromStringList(required)},
                       {QStringLiteral("additionalProperties"), false},
                       {QStringLiteral("description"), description},
                       {QStringLiteral("properties"), properties}};
}

// The answer's form of a request schema: every property required (answers write them all, with
// null where there is none), open to fields a later version adds, no request-side defaults.
QJsonObject answerForm(QJsonObject schema)
{
    schema.remove(QStringLiteral("additionalProperties"));
    schema.remove(QStringLiteral("default"));
    if (!schema.contains(QStringLiteral("properties")))
        return schema;
    QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it)
        it.value() = answerForm(it.value().toObject());
    schema.insert(QStringLiteral("properties"), properties);
    schema.insert(QStringLiteral("required"), QJsonArray::fromStringList(properties.keys()));
    return schema;
}

QByteArray text(const QJsonObject &schema)
{
    return QJsonDocument(schema).toJson(QJsonDocument::Compact);
}

QJsonObject merged(QJsonObject a, const QJsonObject &b)
{
    for (auto it = b.constBegin(); it != b.constEnd(); ++it)
        a.insert(it.key(), it.value());
    return a;
}

const QStringList SpecRequired = {QStringLiteral("name"), QStringLiteral("match"), QStringLiteral("service")};

QByteArray inputSchema()
{
    return text(
        requestObject(propertiesOf(SpecProperties), SpecRequired,
                      QStringLiteral("A gateway route as a request gives it; omitted fields take their "
                                     "defaults, unknown fields are refused.")));
}

QByteArray specAnswerSchema()
{
    return text(answerForm(requestObject(propertiesOf(SpecProperties), SpecRequired,
                                         QStringLiteral("A route's settings, every field written out."))));
}

QByteArray routeSchema()
{
    return text(answerForm(requestObject(merged(propertiesOf(SpecProperties), propertiesOf(StoredProperties)),
                                         SpecRequired, QStringLiteral("A stored gateway route."))));
}

// PUT: the spec and the version edited. The stored fields of a GET answer may be sent back as
// they were (ignored; an id must be the path's).
QByteArray updateSchema()
{
    QJsonObject properties = merged(propertiesOf(SpecProperties), propertiesOf(StoredProperties));
    QJsonObject version = properties.value(QStringLiteral("version")).toObject();
    version.insert(
        QStringLiteral("description"),
        QStringLiteral("The version the edit was made to; another one is a 409 version-conflict."));
    properties.insert(QStringLiteral("version"), version);
    return text(
        requestObject(properties, SpecRequired + QStringList{QStringLiteral("version")},
                      QStringLiteral("The whole route as it should be, with the version that was edited.")));
}

QByteArray previewRequestSchema()
{
    QJsonObject properties = propertiesOf(SpecProperties);
    properties.insert(QStringLiteral("id"),
                      QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                  {QStringLiteral("description"),
                                   QStringLiteral("The route being edited; absent for a new route.")}});
    // Not validated here: an invalid spec is the preview's answer, not a refusal.
    return text(QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                            {QStringLiteral("description"),
                             QStringLiteral("A route as for create or update (checked by the preview, not "
                                            "refused), and the id of the route edited.")},
                            {QStringLiteral("properties"), properties}});
}

constexpr QByteArrayView RouteRef = R"json({"$ref": "#/components/schemas/GatewayRoute"})json";

constexpr QByteArrayView RouteListSchema = R"json({
    "type": "object", "required": ["routes"],
    "properties": {"routes": {"type": "array", "items": {"$ref": "#/components/schemas/GatewayRoute"}}}
})json";

constexpr QByteArrayView VersionListSchema = R"json({
    "type": "object", "required": ["versions"],
    "properties": {"versions": {"type": "array", "description": "Newest first; every version is kept.", "items": {
        "type": "object", "required": ["version", "action", "route", "at", "by"],
        "properties": {
            "version": {"type": "integer", "format": "int64", "minimum": 1},
            "action": {"type": "string", "enum": ["created", "updated", "deleted", "restored"]},
            "route": {"type": "object", "allOf": [{"$ref": "#/components/schemas/GatewayRouteSpec"}], "nullable": true,
                      "description": "The route's settings from this version on; null for the deletion."},
            "at": {"type": "string", "format": "date-time"},
            "by": {"type": "string"}
        }
    }}}
})json";

constexpr QByteArrayView PreviewSchema = R"json({
    "type": "object", "required": ["valid", "errors", "changes", "overlaps", "service"],
    "properties": {
        "valid": {"type": "boolean", "description": "Saving it would be accepted (as far as the routes stored now say)."},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "reason"], "properties": {
            "field": {"type": "string", "description": "\"match.pathPrefix\", \"cors.origins[1]\"; \"name\" or \"match\" when another route has them"},
            "reason": {"type": "string"}}}},
        "changes": {"type": "array", "description": "Against the route edited (none for a new route), leaf by leaf.",
            "items": {"type": "object", "required": ["field", "before", "after"], "properties": {
                "field": {"type": "string"},
                "before": {"description": "The value before (any JSON value; null where there was none)."},
                "after": {"description": "The value after (any JSON value; null where there is none)."}}}},
        "overlaps": {"type": "array", "description": "Live routes some requests of which this route would share.",
            "items": {"type": "object", "required": ["id", "name", "relation"], "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "relation": {"type": "string", "enum": ["shadows", "shadowed-by", "same-match"],
                             "description": "shadows: this route takes the shared requests; shadowed-by: the other does; same-match: a conflict."}}}},
        "service": {"type": "object", "nullable": true, "required": ["name", "instances", "passing"],
                    "description": "The target service in the registry; null when the registry does not know it.",
                    "properties": {
                        "name": {"type": "string"},
                        "instances": {"type": "integer", "minimum": 0},
                        "passing": {"type": "integer", "minimum": 0}}}
    }
})json";

// ---------------------------------------------------------------------------------------------
// Requests.

QString param(const Request &request, const char *name)
{
    return request.pathParams.value(QString::fromLatin1(name));
}

// Who changes a route, as its history shows it: a user's email, else the actor ("key:ID").
QString changedBy(const Request &request)
{
    const Principal &p = *request.principal;
    return p.kind == Principal::Kind::User && !p.name.isEmpty() ? p.name : p.actor();
}

Response withAudit(Response response, const QString &id, QJsonValue before, QJsonValue after)
{
    response.audit = AuditNote{QStringLiteral("route:") + id, std::move(before), std::move(after)};
    return response;
}

QJsonValue routeOrNull(const std::optional<Route> &route)
{
    return route ? QJsonValue(toJson(*route)) : QJsonValue(QJsonValue::Null);
}

std::optional<Response> readBody(const Request &request, QJsonObject *body)
{
    QString error;
    if (request.jsonObject(body, &error))
        return std::nullopt;
    return problem(request, Error::invalid(QString(), error));
}

// A whole number ≥ 1 (a version), from JSON or text; nullopt when it is not one.
std::optional<qint64> versionFrom(const QJsonValue &value)
{
    const double d = value.toDouble(-1);
    if (!value.isDouble() || d < 1 || d > 9e15 || d != qint64(d))
        return std::nullopt;
    return qint64(d);
}

std::optional<qint64> versionFrom(const QString &text)
{
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    return ok && v >= 1 ? std::optional<qint64>(v) : std::nullopt;
}

Error badVersion(const char *where)
{
    return Error::invalid(QStringLiteral("version"),
                          QStringLiteral("Give the route's version %1 as a whole number from 1 (the version "
                                         "field of the route as you read it).")
                              .arg(QString::fromLatin1(where)));
}

// ---------------------------------------------------------------------------------------------
// Handlers. Each names its catalog task and awaits it in a statement of its own: GCC 12 destroys
// temporaries of a co_await full-expression twice.

QCoro::Task<Response> listRoutes(RoutesCatalog *catalog, Request request)
{
    auto routesTask = catalog->routes();
    const Result<QList<Route>> routes = co_await routesTask;
    if (!routes)
        co_return problem(request, routes.error());
    QJsonArray out;
    for (const Route &r : *routes)
        out.append(toJson(r));
    co_return Response::json(200, QJsonObject{{QStringLiteral("routes"), out}});
}

QCoro::Task<Response> getRoute(RoutesCatalog *catalog, Request request)
{
    auto routeTask = catalog->route(param(request, "id"));
    const Result<Route> route = co_await routeTask;
    if (!route)
        co_return problem(request, route.error());
    co_return Response::json(200, toJson(*route));
}

QCoro::Task<Response> createRoute(RoutesCatalog *catalog, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    Result<RouteSpec> spec = parseRouteSpec(body);
    if (!spec)
        co_return problem(request, spec.error());
    auto createdTask = catalog->create(std::move(*spec), changedBy(request));
    const Result<Route> created = co_await createdTask;
    if (!created)
        co_return problem(request, created.error());
    const QJsonObject json = toJson(*created);
    Response r = Response::json(201, json);
    r.setHeader("location", "/v1/gateway/routes/" + created->id.toUtf8());
    co_return withAudit(std::move(r), created->id, QJsonValue(QJsonValue::Null), json);
}

QCoro::Task<Response> updateRoute(RoutesCatalog *catalog, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const QString id = param(request, "id");
    const std::optional<qint64> version = versionFrom(body.value(QStringLiteral("version")));
    if (!version)
        co_return problem(request, badVersion("edited"));
    if (body.contains(QStringLiteral("id")) && body.value(QStringLiteral("id")) != QJsonValue(id))
        co_return problem(request,
                          Error::invalid(QStringLiteral("id"),
                                         QStringLiteral("The id in the body is another route's; send "
                                                        "the route to its own URL, or leave the id out.")));
    for (const char *readOnly : {"version", "id", "createdAt", "updatedAt", "updatedBy"})
        body.remove(QLatin1String(readOnly));
    Result<RouteSpec> spec = parseRouteSpec(body);
    if (!spec)
        co_return problem(request, spec.error());
    auto changedTask = catalog->update(id, std::move(*spec), *version, changedBy(request));
    const Result<RouteChange> changed = co_await changedTask;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::json(200, toJson(*changed->after)), id, routeOrNull(changed->before),
                        routeOrNull(changed->after));
}

QCoro::Task<Response> deleteRoute(RoutesCatalog *catalog, Request request)
{
    const QString id = param(request, "id");
    qint64 expected = -1;
    if (const QString given = request.queryItem(QStringLiteral("version")); !given.isNull()) {
        const std::optional<qint64> version = versionFrom(given);
        if (!version)
            co_return problem(request, badVersion("deleted"));
        expected = *version;
    }
    auto removedTask = catalog->remove(id, expected, changedBy(request));
    const Result<RouteChange> removed = co_await removedTask;
    if (!removed)
        co_return problem(request, removed.error());
    co_return withAudit(Response::noContent(), id, routeOrNull(removed->before),
                        QJsonValue(QJsonValue::Null));
}

QCoro::Task<Response> listVersions(RoutesCatalog *catalog, Request request)
{
    auto versionsTask = catalog->versions(param(request, "id"));
    const Result<QList<RouteVersion>> versions = co_await versionsTask;
    if (!versions)
        co_return problem(request, versions.error());
    QJsonArray out;
    for (const RouteVersion &v : *versions)
        out.append(QJsonObject{
            {QStringLiteral("version"), double(v.version)},
            {QStringLiteral("action"), v.action},
            {QStringLiteral("route"), v.spec ? QJsonValue(toJson(*v.spec)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("at"), isoTime(v.atMs)},
            {QStringLiteral("by"), v.by}});
    co_return Response::json(200, QJsonObject{{QStringLiteral("versions"), out}});
}

QCoro::Task<Response> restoreVersion(RoutesCatalog *catalog, Request request)
{
    const QString id = param(request, "id");
    const std::optional<qint64> version = versionFrom(param(request, "version"));
    if (!version)
        co_return problem(request, badVersion("to restore"));
    auto restoredTask = catalog->restore(id, *version, changedBy(request));
    const Result<RouteChange> restored = co_await restoredTask;
    if (!restored)
        co_return problem(request, restored.error());
    co_return withAudit(Response::json(200, toJson(*restored->after)), id, routeOrNull(restored->before),
                        routeOrNull(restored->after));
}

QCoro::Task<Response> previewRoute(RoutesCatalog *catalog, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const QJsonValue id = body.take(QStringLiteral("id"));
    if (!id.isUndefined() && !id.isString())
        co_return problem(request,
                          Error::invalid(QStringLiteral("id"),
                                         QStringLiteral("Give the id of the route edited as a string, "
                                                        "or leave it out for a new route.")));
    auto previewTask = catalog->preview(body, id.toString());
    const Result<QJsonObject> preview = co_await previewTask;
    if (!preview)
        co_return problem(request, preview.error());
    co_return Response::json(200, *preview);
}

// ---------------------------------------------------------------------------------------------
// Documentation.

ParamDoc pathParam(const char *name, const char *description, QByteArray schema = R"({"type":"string"})")
{
    ParamDoc p;
    p.name = name;
    p.in = "path";
    p.required = true;
    p.schema = std::move(schema);
    p.description = QString::fromUtf8(description);
    return p;
}

// A POST that reads nothing from its body: none, or an empty object.
constexpr QByteArrayView EmptyBody =
    R"({"type": "object", "description": "Nothing is read from it: send no body or {}."})";

RouteOptions options(QByteArray operationId, QByteArray permission, const char *summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems,
                     std::vector<ParamDoc> parameters, QByteArray requestSchema = {},
                     bool bodyOptional = false)
{
    RouteOptions o;
    o.access = Access::Authenticated;
    o.maxBody = requestSchema.isEmpty() ? 0 : MaxBody;
    o.requestBodyOptional = bodyOptional;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("gateway");
    o.operationId = std::move(operationId);
    o.permission = std::move(permission);
    o.requestSchema = std::move(requestSchema);
    o.parameters = std::move(parameters);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

using Handler = QCoro::Task<Response> (*)(RoutesCatalog *, Request);

void add(Router &router, RoutesCatalog *catalog, QByteArray method, QByteArray pattern, Handler handler,
         RouteOptions options)
{
    router.add(std::move(method), std::move(pattern),
               AsyncHandler([catalog, handler](Request r) { return handler(catalog, std::move(r)); }),
               std::move(options));
}

} // namespace

void RoutesApi::install(Router &router, RoutesCatalog *catalog)
{
    router.addSchema(QStringLiteral("GatewayRouteInput"), inputSchema());
    router.addSchema(QStringLiteral("GatewayRouteSpec"), specAnswerSchema());
    router.addSchema(QStringLiteral("GatewayRoute"), routeSchema());
    const QByteArray input = R"json({"$ref": "#/components/schemas/GatewayRouteInput"})json";
    const ParamDoc id = pathParam("id", "The route's id.");
    const ParamDoc version = pathParam("version", "A version of the route (see its versions).",
                                       R"({"type":"integer","minimum":1})");
    ParamDoc expected;
    expected.name = "version";
    expected.schema = R"({"type":"integer","minimum":1})";
    expected.description = QStringLiteral("The version being deleted; another one is a 409 version-conflict. "
                                          "Absent: whatever the version.");
    const ResponseDoc routeAnswer{200, QStringLiteral("The route as it is now."), RouteRef.toByteArray()};

    add(router, catalog, "GET", "/v1/gateway/routes", listRoutes,
        options("listGatewayRoutes", "gateway.read", "The gateway's live routes, sorted by name.",
                {{200, QStringLiteral("The routes."), RouteListSchema.toByteArray()}}, {403}, {}));
    add(router, catalog, "POST", "/v1/gateway/routes", createRoute,
        options("createGatewayRoute", "gateway.write",
                "Creates a route (version 1); it takes traffic when the call answers. 409 route-exists for a "
                "name in use, route-conflict when another route has the same match.",
                {{201, QStringLiteral("The route (Location: its URL)."), RouteRef.toByteArray()}},
                {400, 403, 409}, {}, input));
    add(router, catalog, "POST", "/v1/gateway/routes/preview", previewRoute,
        options(
            "previewGatewayRoute", "gateway.read",
            "What saving a route would do, without saving: validation errors, the fields that change, the "
            "routes it overlaps and the target service's health.",
            {{200, QStringLiteral("The preview."), PreviewSchema.toByteArray()}}, {400, 403, 404}, {},
            previewRequestSchema()));
    add(router, catalog, "GET", "/v1/gateway/routes/{id}", getRoute,
        options("getGatewayRoute", "gateway.read", "One live route.",
                {{200, QStringLiteral("The route."), RouteRef.toByteArray()}}, {403, 404}, {id}));
    add(router, catalog, "PUT", "/v1/gateway/routes/{id}", updateRoute,
        options("updateGatewayRoute", "gateway.write",
                "Replaces a route, given the version edited (the next version answers). 409 version-conflict "
                "when it changed meanwhile (the detail names the current version and who changed it).",
                {routeAnswer}, {400, 403, 404, 409}, {id}, updateSchema()));
    add(router, catalog, "DELETE", "/v1/gateway/routes/{id}", deleteRoute,
        options("deleteGatewayRoute", "gateway.write",
                "Deletes a route; the deletion is a version, and an earlier version can be restored.",
                {ResponseDoc{204, QStringLiteral("Deleted."), {}}}, {400, 403, 404, 409}, {id, expected}));
    add(router, catalog, "GET", "/v1/gateway/routes/{id}/versions", listVersions,
        options("listGatewayRouteVersions", "gateway.read",
                "Every version of a route, newest first (deleted routes too).",
                {{200, QStringLiteral("The versions."), VersionListSchema.toByteArray()}}, {403, 404}, {id}));
    add(router, catalog, "POST", "/v1/gateway/routes/{id}/versions/{version}/restore", restoreVersion,
        options(
            "restoreGatewayRouteVersion", "gateway.write",
            "Makes a version's settings the route's next version, undeleting a deleted route. 409 when its "
            "name or match is another live route's now, or the version is the deletion.",
            {{200, QStringLiteral("The route as restored."), RouteRef.toByteArray()}}, {400, 403, 404, 409},
            {id, version}, EmptyBody.toByteArray(), true));
}

} // namespace Meshdeck::Gateway
