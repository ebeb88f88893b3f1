// /v1/builds/…: the worker protocol a `meshdeckd --role build-worker` process speaks. Each call after
// the claim names the build's fencing token; a token whose lease was lost answers 409 "lease-lost"
// and changes nothing. The artifact is uploaded under the token's own names and put in place only
// by a fenced finish.
#include "sitesroutes.h"
#include "sitesroutessupport.h"
#include "sitesservice.h"

#include "build/archiveextract.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QPromise>
#include <QSet>
#include <QThreadPool>

#include <QCoroFuture>

#include <mutex>

namespace Meshdeck::Sites {

using namespace Meshdeck::Http;
using namespace RoutesSupport;

namespace {

constexpr qint64 MaxJsonBody = 16LL << 20; // a batch of log lines
constexpr int MaxLeaseSeconds = 600;

template<typename T, typename Work> QFuture<T> offThread(Work work)
{
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, work = std::move(work)]() mutable {
        promise->addResult(work());
        promise->finish();
    });
    return future;
}

QString deploymentIdOf(const Request &request)
{
    return request.pathParams.value(QStringLiteral("deploymentId"));
}

QString tokenName(qint64 token)
{
    return QString::number(token);
}

// Reads the rest of a JSON body of a route that does not stream.
std::optional<Response> readObject(const Request &request, QJsonObject *json)
{
    QString error;
    if (!request.jsonObject(json, &error))
        return problem(request, 400, error, "invalid-json");
    return std::nullopt;
}

// The fencingToken of a JSON body or of the query; nullopt and `refused` set when it is missing.
std::optional<qint64> tokenOf(const Request &request, const QJsonObject &json, Response *refused)
{
    bool ok = false;
    qint64 token = 0;
    if (json.contains(QStringLiteral("fencingToken"))) {
        const QJsonValue v = json.value(QStringLiteral("fencingToken"));
        ok = v.isDouble() && v.toDouble() >= 1;
        token = qint64(v.toDouble());
    } else {
        token = request.queryItem(QStringLiteral("fencingToken")).toLongLong(&ok);
        ok = ok && token >= 1;
    }
    if (ok)
        return token;
    *refused = problem(request, Error::invalid(QStringLiteral("fencingToken"),
                                               QStringLiteral("Name the build's fencing token (a whole "
                                                              "number from 1), as the claim answered it.")));
    return std::nullopt;
}

std::optional<int> leaseOf(const Request &request, const QJsonObject &json, Response *refused)
{
    const QJsonValue v = json.value(QStringLiteral("leaseSeconds"));
    if (v.isUndefined())
        return 30;
    if (v.isDouble() && v.toDouble() >= 1 && v.toDouble() <= MaxLeaseSeconds && v.toDouble() == v.toInt())
        return v.toInt();
    *refused = problem(
        request,
        Error::invalid(QStringLiteral("leaseSeconds"),
                       QStringLiteral("leaseSeconds is a whole number from 1 to %1.").arg(MaxLeaseSeconds)));
    return std::nullopt;
}

QString sourceKindText(BuildSourceKind kind)
{
    return kind == BuildSourceKind::Git ? QStringLiteral("git") : QStringLiteral("archive");
}

QJsonObject jobJson(const BuildJob &job)
{
    QJsonArray variables;
    for (const BuildVariable &v : job.variables)
        variables.append(QJsonObject{{QStringLiteral("name"), v.name},
                                     {QStringLiteral("value"), v.value},
                                     {QStringLiteral("secret"), v.secret}});
    const BuildLimits &l = job.limits;
    return QJsonObject{{QStringLiteral("deploymentId"), job.deploymentId},
                       {QStringLiteral("siteId"), job.siteId},
                       {QStringLiteral("fencingToken"), job.fencingToken},
                       {QStringLiteral("workerId"), job.workerId},
                       {QStringLiteral("sourceKind"), sourceKindText(job.sourceKind)},
                       {QStringLiteral("gitUrl"), job.gitUrl},
                       {QStringLiteral("gitBranch"), job.gitBranch},
                       {QStringLiteral("framework"), job.framework},
                       {QStringLiteral("installCommand"), job.installCommand},
                       {QStringLiteral("buildCommand"), job.buildCommand},
                       {QStringLiteral("outputDirectory"), job.outputDirectory},
                       {QStringLiteral("network"), job.network},
                       {QStringLiteral("timeoutSeconds"), job.timeoutSeconds},
                       {QStringLiteral("limits"), QJsonObject{{QStringLiteral("memoryBytes"), l.memoryBytes},
                                                              {QStringLiteral("cpuSeconds"), l.cpuSeconds},
                                                              {QStringLiteral("processes"), l.processes},
                                                              {QStringLiteral("diskBytes"), l.diskBytes},
                                                              {QStringLiteral("logBytes"), l.logBytes}}},
                       {QStringLiteral("variables"), variables}};
}

QCoro::Task<Response> claim(SitesService *service, Request request)
{
    QJsonObject json;
    if (std::optional<Response> refused = readObject(request, &json))
        co_return *refused;
    Response refused;
    const std::optional<int> lease = leaseOf(request, json, &refused);
    if (!lease)
        co_return refused;
    const QString workerId = json.value(QStringLiteral("workerId")).toString();
    if (workerId.isEmpty() || workerId.size() > 200)
        co_return problem(request, Error::invalid(QStringLiteral("workerId"),
                                                  QStringLiteral("workerId names the worker (1–200 "
                                                                 "characters), as the registry shows it.")));
    QCoro::Task<Result<std::optional<BuildJob>>> claiming =
        service->claimBuild(workerId, qint64(*lease) * 1000, true);
    const Result<std::optional<BuildJob>> claimed = co_await claiming;
    if (!claimed)
        co_return problem(request, claimed.error());
    if (!claimed->has_value())
        co_return Response::noContent();
    co_return Response::json(200, jobJson(**claimed));
}

QCoro::Task<Response> renew(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "deploymentId", "deployment"))
        co_return *refused;
    QJsonObject json;
    if (std::optional<Response> refused = readObject(request, &json))
        co_return *refused;
    Response refused;
    const std::optional<qint64> token = tokenOf(request, json, &refused);
    if (!token)
        co_return refused;
    const std::optional<int> lease = leaseOf(request, json, &refused);
    if (!lease)
        co_return refused;
    QCoro::Task<Result<LeaseState>> renewing =
        service->renewLease(deploymentIdOf(request), *token, qint64(*lease) * 1000);
    const Result<LeaseState> renewed = co_await renewing;
    if (!renewed)
        co_return problem(request, renewed.error());
    co_return Response::json(200, QJsonObject{{QStringLiteral("cancelRequested"), renewed->cancelRequested}});
}

// {"line": N, "data": base64}: the bytes as the build wrote them (not necessarily UTF-8).
std::optional<QList<BuildLogLine>> linesOf(const QJsonObject &json)
{
    const QJsonValue all = json.value(QStringLiteral("lines"));
    if (!all.isArray())
        return std::nullopt;
    QList<BuildLogLine> lines;
    for (const QJsonValue &v : all.toArray()) {
        const QJsonObject o = v.toObject();
        const QJsonValue number = o.value(QStringLiteral("line"));
        const QJsonValue data = o.value(QStringLiteral("data"));
        if (!number.isDouble() || number.toDouble() < 1 || !data.isString())
            return std::nullopt;
        const auto decoded = QByteArray::fromBase64Encoding(data.toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return std::nullopt;
        lines.append(BuildLogLine{qint64(number.toDouble()), *decoded});
    }
    return lines;
}

QCoro::Task<Response> appendLog(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "deploymentId", "deployment"))
        co_return *refused;
    QJsonObject json;
    if (std::optional<Response> refused = readObject(request, &json))
        co_return *refused;
    Response refused;
    const std::optional<qint64> token = tokenOf(request, json, &refused);
    if (!token)
        co_return refused;
    std::optional<QList<BuildLogLine>> lines = linesOf(json);
    if (!lines)
        co_return problem(request, Error::invalid(QStringLiteral("lines"),
                                                  QStringLiteral("lines is an array of {\"line\": number "
                                                                 "from 1, \"data\": base64 of the bytes}.")));
    QCoro::Task<Result<void>> appending = service->appendLines(deploymentIdOf(request), *token, *lines);
    const Result<void> appended = co_await appending;
    if (!appended)
        co_return problem(request, appended.error());
    co_return Response::noContent();
}

// Streams a file (never held whole).
class FileBody : public std::enable_shared_from_this<FileBody>
{
public:
    FileBody(std::shared_ptr<BodyPipe> pipe, std::unique_ptr<QFile> file)
        : m_pipe(std::move(pipe))
        , m_file(std::move(file))
    {}
    void pump()
    {
        while (!m_pipe->abandoned() && m_pipe->writable()) {
            QByteArray chunk = m_file->read(64 * 1024);
            if (chunk.isEmpty()) {
                if (m_file->error() != QFileDevice::NoError)
                    m_pipe->fail(BodyError::Invalid,
                                 QStringLiteral("The file could not be read: %1").arg(m_file->errorString()));
                else
                    m_pipe->end();
                return;
            }
            m_pipe->push(std::move(chunk));
        }
        if (m_pipe->abandoned())
            return;
        m_pipe->onWritable([self = shared_from_this()] { self->pump(); });
    }

private:
    std::shared_ptr<BodyPipe> m_pipe;
    std::unique_ptr<QFile> m_file;
};

QCoro::Task<Response> downloadSource(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "deploymentId", "deployment"))
        co_return *refused;
    Response refused;
    const std::optional<qint64> token = tokenOf(request, {}, &refused);
    if (!token)
        co_return refused;
    QCoro::Task<Result<Deployment>> checking = service->heldBuild(deploymentIdOf(request), *token);
    const Result<Deployment> held = co_await checking;
    if (!held)
        co_return problem(request, held.error());
    if (held->source.kind != BuildSourceKind::Archive)
        co_return problem(request, 404,
                          QStringLiteral("Build %1 has no uploaded source: it is built from %2.")
                              .arg(held->id, sourceKindName(held->source.kind)),
                          "no-source");
    auto file = std::make_unique<QFile>(service->deploymentDir(held->siteId, held->id) +
                                        QStringLiteral("/source.tar.gz"));
    if (!file->open(QIODevice::ReadOnly))
        co_return problem(
            request, 503,
            QStringLiteral("The source of build %1 could not be read: %2").arg(held->id, file->errorString()),
            "source-unreadable");
    Response r;
    r.status = 200;
    r.contentType = QByteArrayLiteral("application/gzip");
    auto pipe = std::make_shared<BodyPipe>(file->size());
    std::make_shared<FileBody>(pipe, std::move(file))->pump();
    r.bodySource = std::make_shared<BodySource>(pipe);
    co_return r;
}

struct Stored {
    int status = 0; // 0: stored
    QString failure;
    QByteArray code;
    qint64 bytes = 0;
};

// The upload body into `path` as it arrives.
QCoro::Task<Stored> storeBody(Request *request, QString path, qint64 limit)
{
    Stored stored;
    QFile part(path);
    if (!part.open(QIODevice::WriteOnly))
        co_return Stored{503, QStringLiteral("Cannot store the artifact: %1").arg(part.errorString()),
                         "storage-failure", 0};
    const auto take = [&](const QByteArray &chunk) {
        if (part.write(chunk) != chunk.size()) {
            stored = Stored{503, QStringLiteral("Cannot store the artifact: %1").arg(part.errorString()),
                            "storage-failure", 0};
            return;
        }
        stored.bytes += chunk.size();
    };
    take(request->body);
    if (const BodySourcePtr source = std::exchange(request->bodySource, nullptr)) {
        while (stored.status == 0) {
            BodyChunk chunk = co_await source->next();
            if (chunk.end)
                break;
            if (chunk.failed()) {
                const bool tooLarge = chunk.error == BodyError::TooLarge;
                stored.status = tooLarge ? 413 : 400;
                stored.failure =
                    tooLarge ? QStringLiteral("The artifact is over the limit of %1 bytes.").arg(limit)
                             : chunk.reason;
                stored.code = tooLarge ? "too-large" : "body-failed";
                break;
            }
            take(chunk.bytes);
        }
    }
    if (stored.status == 0 && !part.flush()) {
        stored.status = 503;
        stored.failure = QStringLiteral("Cannot store the artifact: %1").arg(part.errorString());
        stored.code = "storage-failure";
    }
    co_return stored;
}

// One upload at a time per build: a worker that gave up waiting and sent the artifact again must not
// unpack into the folder another upload is filling (nor delete it). Any HTTP worker thread.
class UploadGuard
{
public:
    explicit UploadGuard(QString deploymentId)
        : m_id(std::move(deploymentId))
    {
        std::lock_guard lock(mutex());
        m_held = !uploading().contains(m_id);
        if (m_held)
            uploading().insert(m_id);
    }
    ~UploadGuard()
    {
        if (!m_held)
            return;
        std::lock_guard lock(mutex());
        uploading().remove(m_id);
    }
    UploadGuard(const UploadGuard &) = delete;
    UploadGuard &operator=(const UploadGuard &) = delete;
    bool held() const { return m_held; }

private:
    static std::mutex &mutex()
    {
        static std::mutex m;
        return m;
    }
    static QSet<QString> &uploading()
    {
        static QSet<QString> s;
        return s;
    }
    QString m_id;
    bool m_held = false;
};

// The artifact, streamed to build-<token>.tar.gz and unpacked (securely, with limits) into
// site-<token>.part; nothing served changes until a fenced finish puts them in place.
QCoro::Task<Response> uploadArtifact(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "deploymentId", "deployment"))
        co_return *refused;
    Response refused;
    const std::optional<qint64> token = tokenOf(request, {}, &refused);
    if (!token)
        co_return refused;
    QCoro::Task<Result<Deployment>> checking = service->heldBuild(deploymentIdOf(request), *token);
    const Result<Deployment> held = co_await checking; // before reading a byte of the body
    if (!held)
        co_return problem(request, held.error());
    const UploadGuard guard(held->id);
    if (!guard.held())
        co_return problem(request,
                          Error::busy(QStringLiteral("An upload of build %1's artifact is still being "
                                                     "stored and unpacked; send it again once that one "
                                                     "has answered.")
                                          .arg(held->id),
                                      5, "upload-in-progress"));
    const QString dir = service->deploymentDir(held->siteId, held->id);
    const QString artifact = dir + QStringLiteral("/build-%1.tar.gz").arg(tokenName(*token));
    const QString staging = dir + QStringLiteral("/site-%1.part").arg(tokenName(*token));
    QDir().mkpath(dir);
    const qint64 limit = service->settings().maxUploadBytes;
    QCoro::Task<Stored> storing = storeBody(&request, artifact + QStringLiteral(".part"), limit);
    const Stored stored = co_await storing;
    if (stored.status != 0) {
        QFile::remove(artifact + QStringLiteral(".part"));
        co_return problem(request, stored.status, stored.failure, stored.code);
    }
    QFile::remove(artifact);
    QDir(staging).removeRecursively();
    if (!QFile::rename(artifact + QStringLiteral(".part"), artifact) || !QDir().mkpath(staging)) {
        QFile::remove(artifact + QStringLiteral(".part"));
        co_return problem(request, 503,
                          QStringLiteral("Cannot put build %1's artifact in place.").arg(held->id),
                          "storage-failure");
    }
    Build::ExtractLimits limits;
    limits.maxBytes = 4 * limit;
    QFuture<Result<Build::ExtractStats>> unpacking = offThread<Result<Build::ExtractStats>>(
        [artifact, staging, limits] { return Build::extractArchive(artifact, staging, limits); });
    const Result<Build::ExtractStats> unpacked = co_await unpacking;
    if (!unpacked) {
        QFile::remove(artifact);
        QDir(staging).removeRecursively();
        co_return problem(
            request,
            Error::invalid(QStringLiteral("artifact"),
                           QStringLiteral("The artifact was refused: %1").arg(unpacked.error().reason),
                           "bad-artifact"));
    }
    co_return Response::json(200, QJsonObject{{QStringLiteral("bytes"), stored.bytes},
                                              {QStringLiteral("entries"), unpacked->entries}});
}

// Puts the token's artifact and unpacked site in place, each by a rename.
std::optional<Error> installArtifact(const QString &dir, qint64 token)
{
    const QString artifact = dir + QStringLiteral("/build-%1.tar.gz").arg(tokenName(token));
    const QString staging = dir + QStringLiteral("/site-%1.part").arg(tokenName(token));
    if (!QFileInfo::exists(artifact) || !QFileInfo(staging).isDir())
        return Error::invalid(QStringLiteral("status"),
                              QStringLiteral("A ready build uploads its artifact first (PUT "
                                             "/v1/builds/{deploymentId}/artifact)."),
                              "artifact-missing");
    QFile::remove(dir + QStringLiteral("/build.tar.gz"));
    QDir(dir + QStringLiteral("/site")).removeRecursively();
    if (!QFile::rename(artifact, dir + QStringLiteral("/build.tar.gz")) ||
        !QDir().rename(staging, dir + QStringLiteral("/site")))
        return Error::unavailable(QStringLiteral("The artifact could not be put in place."),
                                  "artifact-write");
    return std::nullopt;
}

std::optional<BuildEnd> endOf(const QString &status)
{
    if (status == QLatin1String("ready"))
        return BuildEnd::Ready;
    if (status == QLatin1String("failed"))
        return BuildEnd::Failed;
    if (status == QLatin1String("canceled"))
        return BuildEnd::Canceled;
    return std::nullopt;
}

QCoro::Task<Response> finish(SitesService *service, Request request)
{
    if (std::optional<Response> refused = badId(request, "deploymentId", "deployment"))
        co_return *refused;
    QJsonObject json;
    if (std::optional<Response> refused = readObject(request, &json))
        co_return *refused;
    Response refused;
    const std::optional<qint64> token = tokenOf(request, json, &refused);
    if (!token)
        co_return refused;
    const std::optional<BuildEnd> end = endOf(json.value(QStringLiteral("status")).toString());
    if (!end)
        co_return problem(request, Error::invalid(QStringLiteral("status"),
                                                  QStringLiteral("status is ready, failed or canceled.")));
    BuildOutcome outcome{*end, json.value(QStringLiteral("reason")).toString().left(2000), {}, 0};
    if (*end == BuildEnd::Ready) {
        // Fenced right before the served files change: a holder whose lease is gone changes nothing.
        QCoro::Task<Result<Deployment>> checking = service->heldBuild(deploymentIdOf(request), *token);
        const Result<Deployment> held = co_await checking;
        if (!held)
            co_return problem(request, held.error());
        const QString dir = service->deploymentDir(held->siteId, held->id);
        if (std::optional<Error> failed = installArtifact(dir, *token))
            co_return problem(request, *failed);
        outcome.artifactPath = dir + QStringLiteral("/build.tar.gz");
        outcome.artifactBytes = QFileInfo(outcome.artifactPath).size();
    }
    QCoro::Task<Result<void>> finishing = service->finishBuild(deploymentIdOf(request), *token, outcome);
    const Result<void> finished = co_await finishing;
    if (!finished)
        co_return problem(request, finished.error());
    co_return Response::noContent();
}

} // namespace

void SitesRoutes::installBuilds(Router &router, SitesService *service)
{
    const ParamDoc deploymentId = pathParam("deploymentId", "The build's deployment id.");
    const ParamDoc fencingToken = queryParam("fencingToken", R"({"type":"integer","minimum":1})",
                                             "The fencing token the claim answered.");
    const QByteArray job = R"({
        "type": "object",
        "required": ["deploymentId", "siteId", "fencingToken", "workerId", "sourceKind", "gitUrl", "gitBranch",
                     "framework", "installCommand", "buildCommand", "outputDirectory", "network",
                     "timeoutSeconds", "limits", "variables"],
        "properties": {
            "deploymentId": {"type": "string"},
            "siteId": {"type": "string"},
            "fencingToken": {"type": "integer", "description": "Named by every later call for this build."},
            "workerId": {"type": "string"},
            "sourceKind": {"type": "string", "enum": ["archive", "git"], "description": "archive: download it from /v1/builds/{deploymentId}/source. A directory source is never handed to a remote worker."},
            "gitUrl": {"type": "string"},
            "gitBranch": {"type": "string"},
            "framework": {"type": "string"},
            "installCommand": {"type": "string"},
            "buildCommand": {"type": "string"},
            "outputDirectory": {"type": "string"},
            "network": {"type": "boolean"},
            "timeoutSeconds": {"type": "integer"},
            "limits": {"$ref": "#/components/schemas/BuildLimits"},
            "variables": {"type": "array", "description": "The site's variables in plain text, for the build only; mask the secret ones in every log line.",
                "items": {"type": "object", "required": ["name", "value", "secret"],
                          "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "secret": {"type": "boolean"}}}}
        }
    })";
    const QByteArray claimInput = R"({
        "type": "object", "required": ["workerId"], "additionalProperties": false,
        "properties": {
            "workerId": {"type": "string", "minLength": 1, "maxLength": 200},
            "leaseSeconds": {"type": "integer", "minimum": 1, "maximum": 600, "default": 30}
        }
    })";
    const QByteArray renewInput = R"({
        "type": "object", "required": ["fencingToken"], "additionalProperties": false,
        "properties": {
            "fencingToken": {"type": "integer", "minimum": 1},
            "leaseSeconds": {"type": "integer", "minimum": 1, "maximum": 600, "default": 30}
        }
    })";
    const QByteArray renewAnswer = R"({"type":"object","required":["cancelRequested"],
        "properties":{"cancelRequested":{"type":"boolean","description":"A user asked to cancel: kill the build and finish it canceled."}}})";
    const QByteArray logInput = R"({
        "type": "object", "required": ["fencingToken", "lines"], "additionalProperties": false,
        "properties": {
            "fencingToken": {"type": "integer", "minimum": 1},
            "lines": {"type": "array", "description": "Numbered from 1 with no gap across calls.",
                "items": {"type": "object", "required": ["line", "data"],
                          "properties": {"line": {"type": "integer", "minimum": 1},
                                         "data": {"type": "string", "format": "byte", "description": "The line's bytes (not necessarily UTF-8), base64, without the newline; secrets already masked."}}}}
        }
    })";
    const QByteArray uploaded = R"({"type":"object","required":["bytes","entries"],
        "properties":{"bytes":{"type":"integer"},"entries":{"type":"integer"}}})";
    const QByteArray finishInput = R"({
        "type": "object", "required": ["fencingToken", "status"], "additionalProperties": false,
        "properties": {
            "fencingToken": {"type": "integer", "minimum": 1},
            "status": {"type": "string", "enum": ["ready", "failed", "canceled"]},
            "reason": {"type": "string", "maxLength": 2000}
        }
    })";

    add(router, service, "POST", "/v1/builds/claim", claim,
        options("claimBuild", "builds.work",
                "A build worker takes the oldest queued build with a lease and a new fencing token "
                "(never one from a local directory).",
                {{200, QStringLiteral("The build to run, with its variables."), job},
                 {204, QStringLiteral("Nothing is queued."), {}}},
                {400}, {}, claimInput));
    add(router, service, "POST", "/v1/builds/{deploymentId}/renew", renew,
        options("renewBuildLease", "builds.work",
                "Extends the build's lease; says whether a cancel was asked.",
                {{200, QStringLiteral("The lease holds."), renewAnswer}}, {400, 404, 409}, {deploymentId},
                renewInput));
    RouteOptions log =
        options("appendBuildLog", "builds.work", "Appends numbered log lines to the build's log (no gap).",
                {{204, QStringLiteral("Appended."), {}}}, {400, 404, 409}, {deploymentId}, logInput);
    log.maxBody = MaxJsonBody;
    add(router, service, "POST", "/v1/builds/{deploymentId}/log", appendLog, std::move(log));
    add(router, service, "GET", "/v1/builds/{deploymentId}/source", downloadSource,
        options("downloadBuildSource", "builds.work", "The uploaded source.tar.gz of an archive build.",
                {{200, QStringLiteral("The archive."), R"({"type":"string","format":"binary"})",
                  QByteArrayLiteral("application/gzip")}},
                {400, 404, 409}, {deploymentId, fencingToken}));
    RouteOptions artifact =
        options("uploadBuildArtifact", "builds.work",
                "The build's artifact (.tar.gz of the output directory), streamed to disk and unpacked "
                "securely with limits; served only after a fenced finish with status ready.",
                {{200, QStringLiteral("Stored and unpacked."), uploaded}}, {400, 404, 409},
                {deploymentId, fencingToken}, R"({"type":"string","format":"binary"})");
    artifact.streamBody = true;
    artifact.maxBody = service->settings().maxUploadBytes;
    artifact.requestBinaryTypes = {QByteArrayLiteral("application/gzip")};
    add(router, service, "PUT", "/v1/builds/{deploymentId}/artifact", uploadArtifact, std::move(artifact));
    add(router, service, "POST", "/v1/builds/{deploymentId}/finish", finish,
        options("finishBuild", "builds.work",
                "Ends the build: ready (its uploaded artifact is put in place), failed or canceled, with "
                "the reason.",
                {{204, QStringLiteral("Finished."), {}}}, {400, 404, 409}, {deploymentId}, finishInput));
}

} // namespace Meshdeck::Sites
