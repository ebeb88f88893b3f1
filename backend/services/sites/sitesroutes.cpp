#include "sitesroutes.h"

#include "sitesroutessupport.h"
#include "sitesservice.h"

#include <QJsonArray>

namespace Meshdeck::Sites {

using namespace Meshdeck::Http;

namespace RoutesSupport {

namespace {
constexpr qint64 MaxJsonBody = 64 * 1024;

constexpr QByteArrayView LimitsSchema = R"({
    "type": "object", "required": ["memoryBytes", "cpuSeconds", "processes", "diskBytes", "logBytes"],
    "description": "The build sandbox's limits.",
    "properties": {
        "memoryBytes": {"type": "integer", "description": "Address space of each process."},
        "cpuSeconds": {"type": "integer", "description": "CPU time of each process."},
        "processes": {"type": "integer", "description": "Processes of the build at once."},
        "diskBytes": {"type": "integer", "description": "Largest file, and most bytes in all (its tree and /tmp), the build may write."},
        "logBytes": {"type": "integer", "description": "Log kept; past it one visible marker line."}
    }
})";

constexpr QByteArrayView SiteSchema = R"({
    "type": "object",
    "required": ["id", "name", "framework", "installCommand", "buildCommand", "outputDirectory",
                 "buildTimeoutSeconds", "network", "spaFallback", "limits", "createdAt", "updatedAt",
                 "liveDeploymentId"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string", "pattern": "^[a-z0-9-]{1,63}$", "description": "Unique; the site is also served on <name>.localhost."},
        "framework": {"type": "string", "description": "static, node, …; empty: detected at each build."},
        "installCommand": {"type": "string"},
        "buildCommand": {"type": "string"},
        "outputDirectory": {"type": "string", "description": "Relative to the source tree; packaged as the artifact."},
        "buildTimeoutSeconds": {"type": "integer"},
        "network": {"type": "boolean", "description": "Whether builds may use the network (off by default)."},
        "spaFallback": {"type": "boolean", "description": "Serving: a path with no file (and no extension) answers the site's index.html."},
        "limits": {"$ref": "#/components/schemas/BuildLimits"},
        "createdAt": {"type": "string", "format": "date-time"},
        "updatedAt": {"type": "string", "format": "date-time"},
        "liveDeploymentId": {"type": "string", "nullable": true, "description": "The deployment served; null before the first activate."}
    }
})";

constexpr QByteArrayView SiteInputSchema = R"({
    "type": "object", "additionalProperties": false,
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9-]{1,63}$", "description": "Required when creating."},
        "framework": {"type": "string", "maxLength": 32},
        "installCommand": {"type": "string", "maxLength": 4096},
        "buildCommand": {"type": "string", "maxLength": 4096},
        "outputDirectory": {"type": "string", "maxLength": 1024},
        "buildTimeoutSeconds": {"type": "integer", "minimum": 10, "maximum": 21600, "default": 900},
        "network": {"type": "boolean", "default": false},
        "spaFallback": {"type": "boolean", "default": false},
        "limits": {"type": "object", "description": "Any of memoryBytes, cpuSeconds, processes, diskBytes, logBytes."}
    }
})";

constexpr QByteArrayView DeploymentSchema = R"({
    "type": "object",
    "required": ["id", "siteId", "status", "source", "createdBy", "createdAt", "startedAt", "finishedAt",
                 "durationMs", "artifactBytes", "reason", "worker", "attempts", "cancelRequested", "logLines",
                 "pruned", "live"],
    "properties": {
        "id": {"type": "string"},
        "siteId": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "building", "ready", "failed", "canceled"]},
        "source": {
            "type": "object", "required": ["kind"],
            "properties": {
                "kind": {"type": "string", "enum": ["archive", "directory", "git"]},
                "uploadName": {"type": "string"},
                "uploadBytes": {"type": "integer"},
                "path": {"type": "string"},
                "url": {"type": "string"},
                "branch": {"type": "string"}
            }
        },
        "createdBy": {"type": "string", "description": "Who started it: user:ID, key:ID or admin-token."},
        "createdAt": {"type": "string", "format": "date-time"},
        "startedAt": {"type": "string", "format": "date-time", "nullable": true},
        "finishedAt": {"type": "string", "format": "date-time", "nullable": true},
        "durationMs": {"type": "integer", "nullable": true},
        "artifactBytes": {"type": "integer"},
        "reason": {"type": "string", "description": "Why it is in its status, in words a person can act on."},
        "worker": {"type": "string", "nullable": true, "description": "The worker that builds or built it."},
        "attempts": {"type": "integer", "description": "Claims so far: a build whose worker was lost is requeued once."},
        "cancelRequested": {"type": "boolean"},
        "logLines": {"type": "integer"},
        "pruned": {"type": "boolean", "description": "Retention deleted its files; it can no longer go live."},
        "live": {"type": "boolean", "description": "The site serves this deployment."}
    }
})";

constexpr QByteArrayView VariableSchema = R"({
    "type": "object", "required": ["id", "name", "secret", "value", "createdAt", "updatedAt"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "secret": {"type": "boolean", "description": "A secret's value is write-only and masked in build logs."},
        "value": {"type": "string", "nullable": true, "description": "null for a secret."},
        "createdAt": {"type": "string", "format": "date-time"},
        "updatedAt": {"type": "string", "format": "date-time"}
    }
})";
} // namespace

RouteOptions options(QByteArray operationId, QByteArray permission, const char *summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems,
                     std::vector<ParamDoc> parameters, QByteArray requestSchema)
{
    RouteOptions o;
    o.access = Access::Authenticated;
    o.maxBody = requestSchema.isEmpty() ? 0 : MaxJsonBody;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("sites");
    o.operationId = std::move(operationId);
    o.permission = std::move(permission);
    o.requestSchema = std::move(requestSchema);
    o.parameters = std::move(parameters);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

ParamDoc pathParam(const char *name, const char *description)
{
    ParamDoc p;
    p.name = name;
    p.in = "path";
    p.required = true;
    p.description = QString::fromUtf8(description);
    return p;
}

ParamDoc queryParam(const char *name, QByteArray schema, const char *description)
{
    ParamDoc p;
    p.name = name;
    p.schema = std::move(schema);
    p.description = QString::fromUtf8(description);
    return p;
}

std::optional<Response> badId(const Request &request, const char *name, const char *what)
{
    const QString id = request.pathParams.value(QString::fromLatin1(name));
    if (validId(id))
        return std::nullopt;
    return problem(request, 404, QStringLiteral("There is no %1 %2.").arg(QString::fromLatin1(what), id),
                   QByteArray(what) + "-not-found");
}

QString actorOf(const Request &request)
{
    return request.principal ? request.principal->actor() : QStringLiteral("anonymous");
}

void add(Router &router, SitesService *service, QByteArray method, QByteArray pattern, Handler handler,
         RouteOptions options)
{
    router.add(std::move(method), std::move(pattern),
               AsyncHandler([service, handler](Request r) { return handler(service, std::move(r)); }),
               std::move(options));
}

void addSchemas(Router &router)
{
    router.addSchema(QStringLiteral("BuildLimits"), LimitsSchema);
    router.addSchema(QStringLiteral("Site"), SiteSchema);
    router.addSchema(QStringLiteral("SiteInput"), SiteInputSchema);
    router.addSchema(QStringLiteral("Deployment"), DeploymentSchema);
    router.addSchema(QStringLiteral("SiteVariable"), VariableSchema);
}

} // namespace RoutesSupport

using namespace RoutesSupport;

namespace {

QString siteIdOf(const Request &request)
{
    return request.pathParams.value(QStringLiteral("siteId"));
}

Response withAudit(Response response, const QString &resource, QJsonValue before, QJsonValue after)
{
    response.audit = AuditNote{resource, std::move(before), std::move(after)};
    return response;
}

QCoro::Task<Response> createSite(SitesService *service, Request request)
{
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<Site>> creating = service->createSite(json);
    const Result<Site> site = co_await creating;
    if (!site)
        co_return problem(request, site.error());
    co_return withAudit(Response::json(201, site->toJson()), QStringLiteral("site:") + site->id, QJsonValue(),
                        site->toJson());
}

QCoro::Task<Response> listSites(SitesService *service, Request request)
{
    QCoro::Task<Result<QList<Site>>> listing = service->sites();
    const Result<QList<Site>> sites = co_await listing;
    if (!sites)
        co_return problem(request, sites.error());
    QJsonArray all;
    for (const Site &s : *sites)
        all.append(s.toJson());
    co_return Response::json(200, QJsonObject{{QStringLiteral("sites"), all}});
}

QCoro::Task<Response> getSite(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    QCoro::Task<Result<Site>> reading = service->site(siteIdOf(request));
    const Result<Site> site = co_await reading;
    if (!site)
        co_return problem(request, site.error());
    co_return Response::json(200, site->toJson());
}

QCoro::Task<Response> updateSite(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<std::pair<Site, Site>>> updating = service->updateSite(siteIdOf(request), json);
    const Result<std::pair<Site, Site>> changed = co_await updating;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::json(200, changed->second.toJson()),
                        QStringLiteral("site:") + siteIdOf(request), changed->first.toJson(),
                        changed->second.toJson());
}

QCoro::Task<Response> deleteSite(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    QCoro::Task<Result<Site>> removing = service->deleteSite(siteIdOf(request));
    const Result<Site> removed = co_await removing;
    if (!removed)
        co_return problem(request, removed.error());
    co_return withAudit(Response::noContent(), QStringLiteral("site:") + removed->id, removed->toJson(),
                        QJsonValue());
}

QCoro::Task<Response> listVariables(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    QCoro::Task<Result<QList<Variable>>> listing = service->variables(siteIdOf(request));
    const Result<QList<Variable>> variables = co_await listing;
    if (!variables)
        co_return problem(request, variables.error());
    QJsonArray all;
    for (const Variable &v : *variables)
        all.append(v.toJson(service->plainValue(v)));
    co_return Response::json(200, QJsonObject{{QStringLiteral("variables"), all}});
}

QCoro::Task<Response> getVariable(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    const QString id = request.pathParams.value(QStringLiteral("variableId"));
    QCoro::Task<Result<QList<Variable>>> listing = service->variables(siteIdOf(request));
    const Result<QList<Variable>> variables = co_await listing;
    if (!variables)
        co_return problem(request, variables.error());
    for (const Variable &v : *variables) {
        if (v.id == id)
            co_return Response::json(200, v.toJson(service->plainValue(v)));
    }
    co_return problem(request, Error::notFound(QStringLiteral("The site has no variable %1.").arg(id),
                                               "variable-not-found"));
}

// What the audit log keeps of a variable: never its value.
QJsonObject audited(const Variable &v)
{
    return v.toJson(std::nullopt);
}

QCoro::Task<Response> createVariable(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<Variable>> creating = service->createVariable(siteIdOf(request), json);
    const Result<Variable> created = co_await creating;
    if (!created)
        co_return problem(request, created.error());
    co_return withAudit(Response::json(201, created->toJson(service->plainValue(*created))),
                        QStringLiteral("site:%1/variable:%2").arg(created->siteId, created->name),
                        QJsonValue(), audited(*created));
}

QCoro::Task<Response> updateVariable(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<std::pair<Variable, Variable>>> updating = service->updateVariable(
        siteIdOf(request), request.pathParams.value(QStringLiteral("variableId")), json);
    const Result<std::pair<Variable, Variable>> changed = co_await updating;
    if (!changed)
        co_return problem(request, changed.error());
    const Variable &after = changed->second;
    co_return withAudit(Response::json(200, after.toJson(service->plainValue(after))),
                        QStringLiteral("site:%1/variable:%2").arg(after.siteId, after.name),
                        audited(changed->first), audited(after));
}

QCoro::Task<Response> deleteVariable(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        co_return *refused;
    QCoro::Task<Result<Variable>> removing =
        service->deleteVariable(siteIdOf(request), request.pathParams.value(QStringLiteral("variableId")));
    const Result<Variable> removed = co_await removing;
    if (!removed)
        co_return problem(request, removed.error());
    co_return withAudit(Response::noContent(),
                        QStringLiteral("site:%1/variable:%2").arg(removed->siteId, removed->name),
                        audited(*removed), QJsonValue());
}

} // namespace

void SitesRoutes::install(Router &router, SitesService *service)
{
    addSchemas(router);
    const ParamDoc siteId = pathParam("siteId", "The site's id.");
    const ParamDoc variableId = pathParam("variableId", "The variable's id.");
    const QByteArray input = R"({"$ref":"#/components/schemas/SiteInput"})";
    const QByteArray sitesList =
        R"({"type":"object","required":["sites"],"properties":{"sites":{"type":"array","items":{"$ref":"#/components/schemas/Site"}}}})";
    const QByteArray variablesList =
        R"({"type":"object","required":["variables"],"properties":{"variables":{"type":"array","items":{"$ref":"#/components/schemas/SiteVariable"}}}})";
    const QByteArray variableInput = R"({
        "type": "object", "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,127}$", "description": "Required when creating."},
            "value": {"type": "string", "maxLength": 65536, "description": "Required when creating; sealed at rest."},
            "secret": {"type": "boolean", "default": false}
        }
    })";
    const QByteArray site = SiteRef.toByteArray();
    const QByteArray variable = VariableRef.toByteArray();

    add(router, service, "POST", "/v1/sites", createSite,
        options("createSite", "sites.write", "Creates a site (its name, build commands and limits).",
                {{201, QStringLiteral("The site."), site}}, {400, 409}, {}, input));
    add(router, service, "GET", "/v1/sites", listSites,
        options("listSites", "sites.read", "Every site, by name.",
                {{200, QStringLiteral("The sites."), sitesList}}, {}, {}));
    add(router, service, "GET", "/v1/sites/{siteId}", getSite,
        options("getSite", "sites.read", "One site.", {{200, QStringLiteral("The site."), site}}, {404},
                {siteId}));
    add(router, service, "PATCH", "/v1/sites/{siteId}", updateSite,
        options("updateSite", "sites.write",
                "Changes the fields given; deployments already made keep the settings they were built with.",
                {{200, QStringLiteral("The site after the change."), site}}, {400, 404, 409}, {siteId},
                input));
    add(router, service, "DELETE", "/v1/sites/{siteId}", deleteSite,
        options("deleteSite", "sites.write",
                "Deletes the site with every deployment (rows and files) and variable; a build in progress "
                "loses its lease.",
                {{204, QStringLiteral("Deleted."), {}}}, {404}, {siteId}));

    add(router, service, "GET", "/v1/sites/{siteId}/variables", listVariables,
        options("listSiteVariables", "sites.read", "The site's variables; a secret's value is null.",
                {{200, QStringLiteral("The variables, by name."), variablesList}}, {404}, {siteId}));
    add(router, service, "POST", "/v1/sites/{siteId}/variables", createVariable,
        options(
            "createSiteVariable", "sites.write",
            "Adds a variable given to every build; its value is encrypted at rest, and a secret's value is "
            "write-only and masked in build logs.",
            {{201, QStringLiteral("The variable."), variable}}, {400, 404, 409}, {siteId}, variableInput));
    add(router, service, "GET", "/v1/sites/{siteId}/variables/{variableId}", getVariable,
        options("getSiteVariable", "sites.read", "One variable; a secret's value is null.",
                {{200, QStringLiteral("The variable."), variable}}, {404}, {siteId, variableId}));
    add(router, service, "PATCH", "/v1/sites/{siteId}/variables/{variableId}", updateVariable,
        options("updateSiteVariable", "sites.write",
                "Changes a variable's name, value or secrecy (a secret becomes plain only with a new value).",
                {{200, QStringLiteral("The variable after the change."), variable}}, {400, 404, 409},
                {siteId, variableId}, variableInput));
    add(router, service, "DELETE", "/v1/sites/{siteId}/variables/{variableId}", deleteVariable,
        options("deleteSiteVariable", "sites.write", "Deletes a variable.",
                {{204, QStringLiteral("Deleted."), {}}}, {404}, {siteId, variableId}));

    installDeployments(router, service);
    installBuilds(router, service);
}

} // namespace Meshdeck::Sites
