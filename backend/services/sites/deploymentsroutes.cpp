// /v1/sites/{siteId}/deployments/…, the build log and /v1/builds.
#include "sitesroutes.h"
#include "sitesroutessupport.h"
#include "sitesservice.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>

namespace Meshdeck::Sites {

using namespace Meshdeck::Http;
using namespace RoutesSupport;

namespace {

constexpr qint64 MaxJsonBody = 64 * 1024;
constexpr int DefaultLogPage = 1000;
constexpr int MaxLogPage = 10'000;

QString siteIdOf(const Request &request)
{
    return request.pathParams.value(QStringLiteral("siteId"));
}

QString deploymentIdOf(const Request &request)
{
    return request.pathParams.value(QStringLiteral("deploymentId"));
}

std::optional<Response> badIds(const Request &request)
{
    if (std::optional<Response> refused = badId(request, "siteId", "site"))
        return refused;
    if (request.pathParams.contains(QStringLiteral("deploymentId")))
        return badId(request, "deploymentId", "deployment");
    return std::nullopt;
}

Response deploymentAnswer(int status, const Deployment &d, bool live, const QString &auditBefore = {})
{
    Response r = Response::json(status, d.toJson(live));
    r.audit = AuditNote{QStringLiteral("deployment:") + d.id,
                        auditBefore.isEmpty() ? QJsonValue() : QJsonValue(auditBefore), d.toJson(live)};
    return r;
}

// The whole JSON body of a route that streams its bodies (the upload route), up to MaxJsonBody.
QCoro::Task<std::optional<Response>> collectJson(Request *request)
{
    if (const BodySourcePtr source = std::exchange(request->bodySource, nullptr)) {
        while (true) {
            BodyChunk chunk = co_await source->next();
            if (chunk.end)
                break;
            if (chunk.failed())
                co_return problem(*request, chunk.error == BodyError::TooLarge ? 413 : 400, chunk.reason,
                                  "body-failed");
            request->body += chunk.bytes;
            if (request->body.size() > MaxJsonBody)
                co_return problem(
                    *request, 413,
                    QStringLiteral("A JSON deployment request is at most %1 bytes.").arg(MaxJsonBody),
                    "too-large");
        }
    }
    co_return std::nullopt;
}

QCoro::Task<Response> createFromJson(SitesService *service, Request request)
{
    QCoro::Task<std::optional<Response>> collecting = collectJson(&request);
    if (std::optional<Response> failed = co_await collecting)
        co_return *failed;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    const QString kind = json.value(QStringLiteral("source")).toString();
    DeploymentSource source;
    if (kind == QLatin1String("git")) {
        source.kind = BuildSourceKind::Git;
        source.gitUrl = json.value(QStringLiteral("url")).toString();
        source.gitBranch = json.value(QStringLiteral("branch")).toString(QStringLiteral("main"));
    } else if (kind == QLatin1String("directory")) {
        source.kind = BuildSourceKind::Directory;
        source.path = json.value(QStringLiteral("path")).toString();
    } else {
        co_return problem(
            request, Error::invalid(QStringLiteral("source"),
                                    QStringLiteral("source is \"git\" (with url and branch) or \"directory\" "
                                                   "(with path); upload a .tar.gz with Content-Type "
                                                   "application/gzip instead.")));
    }
    QCoro::Task<Result<Deployment>> creating =
        service->createDeployment(siteIdOf(request), newId(), source, actorOf(request));
    const Result<Deployment> created = co_await creating;
    if (!created)
        co_return problem(request, created.error());
    co_return deploymentAnswer(201, *created, false);
}

// The upload, streamed to <deploymentDir>/source.tar.gz as it arrives (never held whole).
QCoro::Task<Response> createFromUpload(SitesService *service, Request request)
{
    const QString siteId = siteIdOf(request);
    QCoro::Task<Result<Site>> reading = service->site(siteId);
    const Result<Site> site = co_await reading; // before reading a byte of the body
    if (!site)
        co_return problem(request, site.error());
    const QString id = newId();
    const QString dir = service->deploymentDir(siteId, id);
    QFile part(dir + QStringLiteral("/source.tar.gz.part"));
    if (!QDir().mkpath(dir) || !part.open(QIODevice::WriteOnly))
        co_return problem(request,
                          Error::unavailable(QStringLiteral("Cannot store the upload; is the disk full?")));
    qint64 bytes = 0;
    QByteArray head; // the first bytes, to check the gzip magic
    QString failure;
    int failureStatus = 0;
    const auto take = [&](const QByteArray &chunk) {
        if (head.size() < 2)
            head += chunk.first(qMin<qsizetype>(chunk.size(), 2 - head.size()));
        if (head.size() >= 2 && !head.startsWith("\x1f\x8b")) {
            failureStatus = 400;
            failure = QStringLiteral("The body is not gzip data; upload a .tar.gz.");
            return;
        }
        if (part.write(chunk) != chunk.size()) {
            failureStatus = 503;
            failure = QStringLiteral("Cannot store the upload: %1").arg(part.errorString());
            return;
        }
        bytes += chunk.size();
    };
    take(request.body);
    if (const BodySourcePtr source = std::exchange(request.bodySource, nullptr)) {
        while (failureStatus == 0) {
            BodyChunk chunk = co_await source->next();
            if (chunk.end)
                break;
            if (chunk.failed()) {
                failureStatus = chunk.error == BodyError::TooLarge ? 413 : 400;
                failure = chunk.error == BodyError::TooLarge
                              ? QStringLiteral("The upload is over the limit of %1 bytes; make the archive "
                                               "smaller (leave out node_modules and build output).")
                                    .arg(service->settings().maxUploadBytes)
                              : chunk.reason;
                break;
            }
            take(chunk.bytes);
        }
    }
    if (failureStatus == 0 && bytes == 0) {
        failureStatus = 400;
        failure = QStringLiteral("The upload is empty; send the .tar.gz as the body.");
    }
    if (failureStatus == 0 && (!part.flush() || !part.rename(dir + QStringLiteral("/source.tar.gz")))) {
        failureStatus = 503;
        failure = QStringLiteral("Cannot store the upload: %1").arg(part.errorString());
    }
    part.close();
    if (failureStatus != 0) {
        QDir(dir).removeRecursively();
        co_return problem(request, failureStatus, failure,
                          failureStatus == 413 ? "too-large"
                                               : (failureStatus == 503 ? "storage-failure" : "bad-upload"));
    }
    DeploymentSource source;
    source.kind = BuildSourceKind::Archive;
    source.uploadBytes = bytes;
    source.uploadName = QString::fromUtf8(request.header("x-filename")).left(255);
    QCoro::Task<Result<Deployment>> creating =
        service->createDeployment(siteId, id, source, actorOf(request));
    const Result<Deployment> created = co_await creating;
    if (!created)
        co_return problem(request, created.error());
    co_return deploymentAnswer(201, *created, false);
}

QCoro::Task<Response> createDeployment(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    const QByteArray type = request.header("content-type").split(';').first().trimmed().toLower();
    if (type == "application/gzip" || type == "application/x-gzip") {
        QCoro::Task<Response> uploading = createFromUpload(service, std::move(request));
        co_return co_await uploading;
    }
    if (type == "application/json") {
        QCoro::Task<Response> creating = createFromJson(service, std::move(request));
        co_return co_await creating;
    }
    co_return problem(
        request, 415,
        QStringLiteral("Send the source as a .tar.gz with Content-Type application/gzip, or JSON "
                       "naming a git repository or a directory (Content-Type application/json)."),
        "unsupported-media-type");
}

QCoro::Task<Response> listDeployments(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    int limit = 100;
    if (const QString given = request.queryItem(QStringLiteral("limit")); !given.isEmpty()) {
        bool ok = false;
        limit = given.toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            co_return problem(request, Error::invalid(QStringLiteral("limit"),
                                                      QStringLiteral("limit is a number from 1 to 1000.")));
    }
    QCoro::Task<Result<Site>> reading = service->site(siteIdOf(request));
    const Result<Site> site = co_await reading;
    if (!site)
        co_return problem(request, site.error());
    QCoro::Task<Result<QList<Deployment>>> listing = service->deployments(siteIdOf(request), limit);
    const Result<QList<Deployment>> deployments = co_await listing;
    if (!deployments)
        co_return problem(request, deployments.error());
    QJsonArray all;
    for (const Deployment &d : *deployments)
        all.append(d.toJson(d.id == site->liveDeploymentId));
    co_return Response::json(200, QJsonObject{{QStringLiteral("deployments"), all}});
}

QCoro::Task<Response> getDeployment(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<DeploymentDetail>> reading =
        service->deployment(siteIdOf(request), deploymentIdOf(request));
    const Result<DeploymentDetail> detail = co_await reading;
    if (!detail)
        co_return problem(request, detail.error());
    QJsonObject json = detail->deployment.toJson(detail->live);
    QJsonArray history;
    for (const StatusChange &c : detail->history)
        history.append(c.toJson());
    json.insert(QStringLiteral("history"), history);
    co_return Response::json(200, json);
}

QCoro::Task<Response> deleteDeployment(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<Deployment>> removing =
        service->deleteDeployment(siteIdOf(request), deploymentIdOf(request));
    const Result<Deployment> removed = co_await removing;
    if (!removed)
        co_return problem(request, removed.error());
    Response r = Response::noContent();
    r.audit = AuditNote{QStringLiteral("deployment:") + removed->id, removed->toJson(false), QJsonValue()};
    co_return r;
}

QCoro::Task<Response> activateDeployment(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<Site>> switching = service->activate(siteIdOf(request), deploymentIdOf(request));
    const Result<Site> site = co_await switching;
    if (!site)
        co_return problem(request, site.error());
    Response r = Response::json(200, site->toJson());
    r.audit = AuditNote{QStringLiteral("site:") + site->id, QJsonValue(), site->toJson()};
    co_return r;
}

QCoro::Task<Response> cancelDeployment(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<Deployment>> canceling =
        service->cancel(siteIdOf(request), deploymentIdOf(request), actorOf(request));
    const Result<Deployment> canceled = co_await canceling;
    if (!canceled)
        co_return problem(request, canceled.error());
    co_return deploymentAnswer(200, *canceled, false);
}

QCoro::Task<Response> redeployDeployment(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<Deployment>> queueing =
        service->redeploy(siteIdOf(request), deploymentIdOf(request), actorOf(request));
    const Result<Deployment> queued = co_await queueing;
    if (!queued)
        co_return problem(request, queued.error());
    co_return deploymentAnswer(201, *queued, false);
}

QCoro::Task<Response> readLog(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    qint64 fromLine = 1;
    int limit = DefaultLogPage;
    if (const QString given = request.queryItem(QStringLiteral("fromLine")); !given.isEmpty()) {
        bool ok = false;
        fromLine = given.toLongLong(&ok);
        if (!ok || fromLine < 1)
            co_return problem(request, Error::invalid(QStringLiteral("fromLine"),
                                                      QStringLiteral("fromLine is a line number from 1.")));
    }
    if (const QString given = request.queryItem(QStringLiteral("limit")); !given.isEmpty()) {
        bool ok = false;
        limit = given.toInt(&ok);
        if (!ok || limit < 1 || limit > MaxLogPage)
            co_return problem(
                request, Error::invalid(QStringLiteral("limit"),
                                        QStringLiteral("limit is a number from 1 to %1.").arg(MaxLogPage)));
    }
    QCoro::Task<Result<LogPage>> reading =
        service->readLog(siteIdOf(request), deploymentIdOf(request), fromLine, limit);
    const Result<LogPage> page = co_await reading;
    if (!page)
        co_return problem(request, page.error());
    QJsonArray lines;
    for (const LogLine &l : page->lines)
        lines.append(QJsonObject{{QStringLiteral("line"), l.line},
                                 {QStringLiteral("text"), QString::fromUtf8(l.text)}});
    const qint64 next = page->lines.isEmpty() ? qMax(fromLine, page->total + 1) : page->lines.last().line + 1;
    co_return Response::json(200,
                             QJsonObject{{QStringLiteral("deploymentId"), deploymentIdOf(request)},
                                         {QStringLiteral("fromLine"), fromLine},
                                         {QStringLiteral("lines"), lines},
                                         {QStringLiteral("nextLine"), next},
                                         {QStringLiteral("total"), page->total},
                                         {QStringLiteral("complete"), page->complete && next > page->total}});
}

QCoro::Task<Response> listBuilds(SitesService *service, Request request)
{
    QCoro::Task<Result<QList<QueuedBuild>>> reading = service->builds();
    const Result<QList<QueuedBuild>> builds = co_await reading;
    if (!builds)
        co_return problem(request, builds.error());
    QJsonArray all;
    for (const QueuedBuild &b : *builds) {
        QJsonObject json = b.deployment.toJson(false);
        json.insert(QStringLiteral("siteName"), b.siteName);
        all.append(json);
    }
    co_return Response::json(200, QJsonObject{{QStringLiteral("builds"), all}});
}

} // namespace

void SitesRoutes::installDeployments(Router &router, SitesService *service)
{
    const ParamDoc siteId = pathParam("siteId", "The site's id.");
    const ParamDoc deploymentId = pathParam("deploymentId", "The deployment's id.");
    const QByteArray deployment = DeploymentRef.toByteArray();
    const QByteArray site = SiteRef.toByteArray();
    const QByteArray list =
        R"({"type":"object","required":["deployments"],"properties":{"deployments":{"type":"array","items":{"$ref":"#/components/schemas/Deployment"}}}})";
    const QByteArray detail = R"({"allOf": [{"$ref":"#/components/schemas/Deployment"}, {
        "type": "object", "required": ["history"],
        "properties": {"history": {"type": "array", "description": "Every status change, oldest first.", "items": {
            "type": "object", "required": ["status", "at", "reason"],
            "properties": {
                "status": {"type": "string", "enum": ["queued", "building", "ready", "failed", "canceled"]},
                "at": {"type": "string", "format": "date-time"},
                "reason": {"type": "string"}}}}}}]})";
    const QByteArray logPage = R"({
        "type": "object", "required": ["deploymentId", "fromLine", "lines", "nextLine", "total", "complete"],
        "properties": {
            "deploymentId": {"type": "string"},
            "fromLine": {"type": "integer"},
            "lines": {"type": "array", "items": {"type": "object", "required": ["line", "text"],
                      "properties": {"line": {"type": "integer"}, "text": {"type": "string", "description": "ANSI escapes kept; secrets masked."}}}},
            "nextLine": {"type": "integer", "description": "Ask for this line next (here or on the realtime channel)."},
            "total": {"type": "integer", "description": "Lines written so far."},
            "complete": {"type": "boolean", "description": "The build ended and every line was read."}
        }
    })";
    const QByteArray builds =
        R"({"type":"object","required":["builds"],"properties":{"builds":{"type":"array",
        "description": "Queued and building deployments, oldest first.",
        "items":{"allOf":[{"$ref":"#/components/schemas/Deployment"},{"type":"object","required":["siteName"],
        "properties":{"siteName":{"type":"string"}}}]}}}})";
    const QByteArray createInput = R"({
        "type": "object", "required": ["source"],
        "description": "JSON form: a git repository and branch, or (local stack only) a directory. The other form is the .tar.gz itself as application/gzip.",
        "properties": {
            "source": {"type": "string", "enum": ["git", "directory"]},
            "url": {"type": "string", "description": "git: the repository."},
            "branch": {"type": "string", "default": "main", "description": "git: the branch, passed as an argument, never through a shell."},
            "path": {"type": "string", "description": "directory: an absolute path on the local stack's machine."}
        }
    })";
    const QByteArray emptyBody = R"({"type":"object","description":"Nothing is read from it."})";

    RouteOptions create =
        options("createDeployment", "sites.deploy",
                "Queues a new deployment: from the .tar.gz in the body (Content-Type application/gzip, "
                "streamed to disk; "
                "X-Filename names it), or from JSON naming a git repository or a local directory.",
                {{201, QStringLiteral("The deployment, queued."), deployment}}, {400, 404, 415}, {siteId},
                createInput);
    create.streamBody = true;
    create.maxBody = service->settings().maxUploadBytes;
    create.requestBinaryTypes = {QByteArrayLiteral("application/gzip")};
    add(router, service, "POST", "/v1/sites/{siteId}/deployments", createDeployment, std::move(create));
    add(router, service, "GET", "/v1/sites/{siteId}/deployments", listDeployments,
        options("listDeployments", "sites.read", "The site's deployments, newest first.",
                {{200, QStringLiteral("The deployments."), list}}, {400, 404},
                {siteId, queryParam("limit", R"({"type":"integer","minimum":1,"maximum":1000,"default":100})",
                                    "At most this many.")}));
    add(router, service, "GET", "/v1/sites/{siteId}/deployments/{deploymentId}", getDeployment,
        options("getDeployment", "sites.read", "One deployment with its status history.",
                {{200, QStringLiteral("The deployment."), detail}}, {404}, {siteId, deploymentId}));
    add(router, service, "DELETE", "/v1/sites/{siteId}/deployments/{deploymentId}", deleteDeployment,
        options("deleteDeployment", "sites.write",
                "Deletes an ended deployment that is not live, with its files.",
                {{204, QStringLiteral("Deleted."), {}}}, {404, 409}, {siteId, deploymentId}));
    RouteOptions activate = options(
        "activateDeployment", "sites.write",
        "Makes a ready deployment the live one, atomically; a rollback is an activate of an earlier one. "
        "A pruned or unfinished deployment is refused with the reason.",
        {{200, QStringLiteral("The site, with its new liveDeploymentId."), site}}, {404, 409},
        {siteId, deploymentId}, emptyBody);
    activate.requestBodyOptional = true;
    add(router, service, "PATCH", "/v1/sites/{siteId}/deployments/{deploymentId}/activate",
        activateDeployment, std::move(activate));
    RouteOptions cancel = options(
        "cancelDeployment", "sites.deploy",
        "Cancels a deployment: a queued one at once; a building one when its worker stops the sandbox "
        "(cancelRequested until then).",
        {{200, QStringLiteral("The deployment."), deployment}}, {404, 409}, {siteId, deploymentId},
        emptyBody);
    cancel.requestBodyOptional = true;
    add(router, service, "POST", "/v1/sites/{siteId}/deployments/{deploymentId}/cancel", cancelDeployment,
        std::move(cancel));
    RouteOptions redeploy =
        options("redeployDeployment", "sites.deploy", "Builds the same source again as a new deployment.",
                {{201, QStringLiteral("The new deployment, queued."), deployment}}, {404, 409},
                {siteId, deploymentId}, emptyBody);
    redeploy.requestBodyOptional = true;
    add(router, service, "POST", "/v1/sites/{siteId}/deployments/{deploymentId}/redeploy", redeployDeployment,
        std::move(redeploy));
    add(router, service, "GET", "/v1/sites/{siteId}/deployments/{deploymentId}/log", readLog,
        options("readDeploymentLog", "sites.read",
                "The build log from a line on, with no gap; follow it live on the realtime channel "
                "sites.<siteId>.deployments.<deploymentId> from nextLine.",
                {{200, QStringLiteral("Lines of the log."), logPage}}, {400, 404},
                {siteId, deploymentId,
                 queryParam("fromLine", R"({"type":"integer","minimum":1,"default":1})", "The first line."),
                 queryParam("limit", R"({"type":"integer","minimum":1,"maximum":10000,"default":1000})",
                            "At most this many lines.")}));
    add(router, service, "GET", "/v1/builds", listBuilds,
        options("listBuilds", "sites.read",
                "The build queue: queued and building deployments with their worker.",
                {{200, QStringLiteral("The queue."), builds}}, {}, {}));
}

} // namespace Meshdeck::Sites
