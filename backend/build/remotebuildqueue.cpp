#include "remotebuildqueue.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QPromise>
#include <QRegularExpression>

#include <QCoroNetworkReply>

Q_LOGGING_CATEGORY(lcRemoteQueue, "meshdeck.build.remote")

namespace Meshdeck::Build {

namespace {

// A future that resolves with what the task returns (the seam speaks QFuture).
template<typename T> QFuture<T> futureOf(QCoro::Task<T> task)
{
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    task.then([promise](T value) {
        promise->addResult(std::move(value));
        promise->finish();
    });
    return future;
}

constexpr int TransferTimeoutMs = 30'000;
constexpr int ArtifactTimeoutMs = 15 * 60'000; // the upload's answer waits for the unpacking

QString path(const QString &deploymentId, const char *what)
{
    return QStringLiteral("/v1/builds/%1/%2").arg(deploymentId, QString::fromLatin1(what));
}

BuildJob jobOf(const QJsonObject &o)
{
    BuildJob job;
    job.deploymentId = o.value(QStringLiteral("deploymentId")).toString();
    job.siteId = o.value(QStringLiteral("siteId")).toString();
    job.fencingToken = qint64(o.value(QStringLiteral("fencingToken")).toDouble());
    job.workerId = o.value(QStringLiteral("workerId")).toString();
    job.sourceKind = o.value(QStringLiteral("sourceKind")).toString() == QLatin1String("git")
                         ? BuildSourceKind::Git
                         : BuildSourceKind::Archive;
    job.gitUrl = o.value(QStringLiteral("gitUrl")).toString();
    job.gitBranch = o.value(QStringLiteral("gitBranch")).toString();
    job.framework = o.value(QStringLiteral("framework")).toString();
    job.installCommand = o.value(QStringLiteral("installCommand")).toString();
    job.buildCommand = o.value(QStringLiteral("buildCommand")).toString();
    job.outputDirectory = o.value(QStringLiteral("outputDirectory")).toString();
    job.network = o.value(QStringLiteral("network")).toBool();
    job.timeoutSeconds = o.value(QStringLiteral("timeoutSeconds")).toInt(900);
    const QJsonObject l = o.value(QStringLiteral("limits")).toObject();
    job.limits.memoryBytes =
        qint64(l.value(QStringLiteral("memoryBytes")).toDouble(double(job.limits.memoryBytes)));
    job.limits.cpuSeconds = l.value(QStringLiteral("cpuSeconds")).toInt(job.limits.cpuSeconds);
    job.limits.processes = l.value(QStringLiteral("processes")).toInt(job.limits.processes);
    job.limits.diskBytes =
        qint64(l.value(QStringLiteral("diskBytes")).toDouble(double(job.limits.diskBytes)));
    job.limits.logBytes = qint64(l.value(QStringLiteral("logBytes")).toDouble(double(job.limits.logBytes)));
    for (const QJsonValue &v : o.value(QStringLiteral("variables")).toArray()) {
        const QJsonObject var = v.toObject();
        job.variables.append({var.value(QStringLiteral("name")).toString(),
                              var.value(QStringLiteral("value")).toString(),
                              var.value(QStringLiteral("secret")).toBool()});
    }
    return job;
}

QString endName(BuildEnd end)
{
    switch (end) {
    case BuildEnd::Ready:
        return QStringLiteral("ready");
    case BuildEnd::Failed:
        return QStringLiteral("failed");
    case BuildEnd::Canceled:
        break;
    }
    return QStringLiteral("canceled");
}

} // namespace

Error errorOfAnswer(int status, const QByteArray &body, const QString &networkError)
{
    if (status == 0)
        return Error::unavailable(QStringLiteral("meshdeckd did not answer: %1").arg(networkError),
                                  "unreachable");
    const QJsonObject problem = QJsonDocument::fromJson(body).object();
    QString reason = problem.value(QStringLiteral("detail")).toString();
    if (reason.isEmpty())
        reason = QStringLiteral("meshdeckd answered %1").arg(status);
    // The problem's slug: "urn:meshdeck:problem:lease-lost" → "lease-lost".
    QByteArray code = problem.value(QStringLiteral("type")).toString().toUtf8();
    code = code.startsWith("urn:meshdeck:problem:") ? code.mid(21) : QByteArray();
    switch (status) {
    case 409:
        return Error::conflict(reason, code.isEmpty() ? QByteArrayLiteral("lease-lost") : code);
    case 400:
        return Error::invalid(problem.value(QStringLiteral("field")).toString(), reason,
                              code.isEmpty() ? QByteArrayLiteral("invalid") : code);
    case 404:
        return Error::notFound(reason);
    case 401:
        return Error::unauthenticated(reason);
    case 403:
        return Error::forbidden(reason);
    case 413:
        return Error::tooLarge(reason);
    default:
        break;
    }
    return Error::unavailable(reason, code.isEmpty() ? QByteArrayLiteral("unavailable") : code);
}

RemoteBuildQueue::RemoteBuildQueue(QUrl server, QByteArray token, QString scratchDir, QObject *parent)
    : QObject(parent)
    , m_server(std::move(server))
    , m_token(std::move(token))
    , m_scratchDir(std::move(scratchDir))
{}

// Each claim has its own folder (<deploymentId>-<token>): a claim of the same build taken again
// after a lost lease never shares, nor deletes, the folder of the attempt it replaced.
QString RemoteBuildQueue::scratchFor(const QString &deploymentId, qint64 fencingToken) const
{
    return QDir(m_scratchDir).absoluteFilePath(QStringLiteral("%1-%2").arg(deploymentId).arg(fencingToken));
}

bool RemoteBuildQueue::isScratchName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-f0-9-]{36}-[0-9]{1,18}$"));
    return re.match(name).hasMatch();
}

void RemoteBuildQueue::abandoned(const QString &deploymentId)
{
    // The folders of this build's older claims: the newest may be running, or was removed at its finish.
    const qint64 newest = m_newestToken.value(deploymentId);
    const QStringList names = QDir(m_scratchDir).entryList({deploymentId + QStringLiteral("-*")}, QDir::Dirs);
    for (const QString &name : names) {
        if (isScratchName(name) && name.mid(deploymentId.size() + 1).toLongLong() < newest)
            QDir(QDir(m_scratchDir).absoluteFilePath(name)).removeRecursively();
    }
}

void RemoteBuildQueue::clearScratch()
{
    // Only what this queue makes there: the folder may be shared with anything else.
    const QStringList names = QDir(m_scratchDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        if (isScratchName(name))
            QDir(QDir(m_scratchDir).absoluteFilePath(name)).removeRecursively();
    }
}

QNetworkRequest RemoteBuildQueue::request(const QString &path, const QByteArray &contentType) const
{
    QUrl url = m_server;
    const qsizetype query = path.indexOf(QLatin1Char('?'));
    url.setPath(query < 0 ? path : path.left(query));
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QString::fromLatin1(contentType));
    r.setRawHeader("Authorization", "Bearer " + m_token);
    r.setTransferTimeout(TransferTimeoutMs);
    return r;
}

QCoro::Task<RemoteBuildQueue::Answer> RemoteBuildQueue::exchange(QNetworkReply *reply)
{
    QPointer<QNetworkReply> held(reply);
    co_await held.get();
    Answer answer;
    if (!held) {
        answer.networkError = QStringLiteral("the request was abandoned");
        co_return answer;
    }
    held->deleteLater();
    answer.status = held->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = held->readAll();
    // A success cut short (the connection dropped mid-body) is no answer at all.
    if (answer.status >= 200 && answer.status < 300 && held->error() != QNetworkReply::NoError)
        answer.status = 0;
    if (answer.status == 0)
        answer.networkError = held->errorString();
    co_return answer;
}

QCoro::Task<RemoteBuildQueue::Answer> RemoteBuildQueue::postJson(QString path, QByteArray body)
{
    QNetworkReply *reply = m_network.post(request(path), body);
    QCoro::Task<Answer> exchanging = exchange(reply);
    const Answer answer = co_await exchanging;
    co_return answer;
}

QFuture<Result<std::optional<BuildJob>>> RemoteBuildQueue::claim(QString workerId, std::chrono::seconds lease)
{
    return futureOf(claimTask(std::move(workerId), lease.count()));
}

QFuture<Result<LeaseState>> RemoteBuildQueue::renew(QString deploymentId, qint64 fencingToken,
                                                    std::chrono::seconds lease)
{
    return futureOf(renewTask(std::move(deploymentId), fencingToken, lease.count()));
}

QFuture<Result<void>> RemoteBuildQueue::appendLog(QString deploymentId, qint64 fencingToken,
                                                  QList<BuildLogLine> lines)
{
    return futureOf(appendTask(std::move(deploymentId), fencingToken, std::move(lines)));
}

QFuture<Result<void>> RemoteBuildQueue::finish(QString deploymentId, qint64 fencingToken,
                                               BuildOutcome outcome)
{
    return futureOf(finishTask(std::move(deploymentId), fencingToken, std::move(outcome)));
}

QCoro::Task<Result<std::optional<BuildJob>>> RemoteBuildQueue::claimTask(QString workerId,
                                                                         qint64 leaseSeconds)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("workerId"), workerId},
                                                      {QStringLiteral("leaseSeconds"), leaseSeconds}})
                                .toJson(QJsonDocument::Compact);
    QCoro::Task<Answer> posting = postJson(QStringLiteral("/v1/builds/claim"), body);
    const Answer answer = co_await posting;
    if (answer.status == 204)
        co_return std::optional<BuildJob>();
    if (answer.status != 200)
        co_return errorOfAnswer(answer.status, answer.body, answer.networkError);
    const QJsonDocument document = QJsonDocument::fromJson(answer.body);
    BuildJob job = jobOf(document.object());
    // The id names a folder here: nothing but an id the server makes (a UUID) is taken.
    static const QRegularExpression uuid(QStringLiteral("^[a-f0-9-]{36}$"));
    if (!document.isObject() || !uuid.match(job.deploymentId).hasMatch() || job.fencingToken <= 0)
        co_return Error::unavailable(
            QStringLiteral("meshdeckd answered the claim with something that is not a build"), "bad-claim");
    const QString dir = scratchFor(job.deploymentId, job.fencingToken);
    m_newestToken.insert(job.deploymentId, std::max(job.fencingToken, m_newestToken.value(job.deploymentId)));
    QDir(dir).removeRecursively();
    if (!QDir().mkpath(dir))
        co_return Error::unavailable(
            QStringLiteral("the build's scratch directory %1 cannot be made").arg(dir), "scratch-failure");
    job.deploymentDir = dir + QLatin1Char('/');
    if (job.sourceKind == BuildSourceKind::Archive) {
        // Before the build: the runner extracts it from here. On a failure the lease lapses and
        // meshdeckd requeues the build.
        QCoro::Task<Result<void>> downloading = downloadSource(&job);
        const Result<void> downloaded = co_await downloading;
        if (!downloaded) {
            QDir(dir).removeRecursively();
            co_return downloaded.error();
        }
    }
    qCInfo(lcRemoteQueue).noquote() << "claimed build" << job.deploymentId << "of site" << job.siteId
                                    << "(fencing token" << job.fencingToken << ")";
    co_return std::optional<BuildJob>(std::move(job));
}

QCoro::Task<Result<void>> RemoteBuildQueue::downloadSource(BuildJob *job)
{
    const QString target = job->deploymentDir + QStringLiteral("source.tar.gz");
    auto file = std::make_shared<QFile>(target);
    if (!file->open(QIODevice::WriteOnly))
        co_return Error::unavailable(
            QStringLiteral("the source cannot be stored at %1: %2").arg(target, file->errorString()),
            "scratch-failure");
    QNetworkReply *reply = m_network.get(request(path(job->deploymentId, "source") +
                                                 QStringLiteral("?fencingToken=%1").arg(job->fencingToken)));
    auto writeFailed = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::readyRead, reply, [reply, file, writeFailed] {
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
            return; // a problem document: read whole at the end
        const QByteArray chunk = reply->readAll();
        if (file->write(chunk) != chunk.size())
            *writeFailed = true;
    });
    QCoro::Task<Answer> exchanging = exchange(reply);
    const Answer answer = co_await exchanging;
    if (answer.status != 200)
        co_return errorOfAnswer(answer.status, answer.body, answer.networkError);
    if (file->write(answer.body) != answer.body.size() || *writeFailed || !file->flush())
        co_return Error::unavailable(
            QStringLiteral("the source cannot be stored at %1: %2").arg(target, file->errorString()),
            "scratch-failure");
    file->close();
    job->sourcePath = target;
    co_return Result<void>();
}

QCoro::Task<Result<LeaseState>> RemoteBuildQueue::renewTask(QString deploymentId, qint64 fencingToken,
                                                            qint64 leaseSeconds)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("fencingToken"), fencingToken},
                                                      {QStringLiteral("leaseSeconds"), leaseSeconds}})
                                .toJson(QJsonDocument::Compact);
    QCoro::Task<Answer> posting = postJson(path(deploymentId, "renew"), body);
    const Answer answer = co_await posting;
    if (answer.status != 200)
        co_return errorOfAnswer(answer.status, answer.body, answer.networkError);
    co_return LeaseState{
        QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("cancelRequested")).toBool()};
}

QCoro::Task<Result<void>> RemoteBuildQueue::appendTask(QString deploymentId, qint64 fencingToken,
                                                       QList<BuildLogLine> lines)
{
    QJsonArray all;
    for (const BuildLogLine &line : lines)
        all.append(QJsonObject{{QStringLiteral("line"), line.number},
                               {QStringLiteral("data"), QString::fromLatin1(line.text.toBase64())}});
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("fencingToken"), fencingToken},
                                                      {QStringLiteral("lines"), all}})
                                .toJson(QJsonDocument::Compact);
    QCoro::Task<Answer> posting = postJson(path(deploymentId, "log"), body);
    const Answer answer = co_await posting;
    if (answer.status != 204)
        co_return errorOfAnswer(answer.status, answer.body, answer.networkError);
    co_return Result<void>();
}

QCoro::Task<Result<void>> RemoteBuildQueue::uploadArtifact(QString deploymentId, qint64 fencingToken,
                                                           QString artifactPath)
{
    auto *file = new QFile(artifactPath);
    if (!file->open(QIODevice::ReadOnly)) {
        const QString why = file->errorString();
        delete file;
        co_return Error::unavailable(
            QStringLiteral("the artifact %1 cannot be read: %2").arg(artifactPath, why), "artifact-read");
    }
    QNetworkRequest upload =
        request(path(deploymentId, "artifact") + QStringLiteral("?fencingToken=%1").arg(fencingToken),
                "application/gzip");
    // meshdeckd unpacks the artifact before it answers: no bytes move meanwhile.
    upload.setTransferTimeout(ArtifactTimeoutMs);
    QNetworkReply *reply = m_network.put(upload, file);
    file->setParent(reply); // streamed from disk while the reply lives
    QCoro::Task<Answer> exchanging = exchange(reply);
    const Answer answer = co_await exchanging;
    if (answer.status != 200)
        co_return errorOfAnswer(answer.status, answer.body, answer.networkError);
    co_return Result<void>();
}

QCoro::Task<Result<void>> RemoteBuildQueue::finishTask(QString deploymentId, qint64 fencingToken,
                                                       BuildOutcome outcome)
{
    if (outcome.end == BuildEnd::Ready) {
        QCoro::Task<Result<void>> uploading =
            uploadArtifact(deploymentId, fencingToken, outcome.artifactPath);
        const Result<void> uploaded = co_await uploading;
        // An artifact meshdeckd refuses (a link out of the tree, too large) stays refused: the
        // build fails with that reason rather than being sent again until its lease lapses.
        if (!uploaded &&
            (uploaded.error().kind == ErrorKind::Invalid || uploaded.error().kind == ErrorKind::TooLarge)) {
            outcome.end = BuildEnd::Failed;
            outcome.reason = uploaded.error().reason;
        } else if (!uploaded) {
            co_return uploaded.error();
        }
    }
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("fencingToken"), fencingToken},
                                                      {QStringLiteral("status"), endName(outcome.end)},
                                                      {QStringLiteral("reason"), outcome.reason.left(2000)}})
                                .toJson(QJsonDocument::Compact);
    QCoro::Task<Answer> posting = postJson(path(deploymentId, "finish"), body);
    const Answer answer = co_await posting;
    if (answer.status != 204 && answer.status != 409)
        co_return errorOfAnswer(answer.status, answer.body, answer.networkError);
    QDir(scratchFor(deploymentId, fencingToken)).removeRecursively(); // finished, or no longer ours
    if (answer.status == 409)
        co_return errorOfAnswer(answer.status, answer.body, answer.networkError);
    co_return Result<void>();
}

} // namespace Meshdeck::Build
