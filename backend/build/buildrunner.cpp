#include "buildrunner.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QPromise>
#include <QThreadPool>
#include <QUrl>

#include <QCoroFuture>
#include <QCoroTimer>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcRunner, "meshdeck.backend.build.runner")

namespace Meshdeck::Build {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(Meshdeck::Build::BuildRunner)
};

using namespace std::chrono_literals;

// Runs blocking file work (extraction, copying, packaging) on the global thread pool.
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

BuildOutcome failed(QString reason)
{
    return BuildOutcome{BuildEnd::Failed, std::move(reason), {}, 0};
}

// Copies a local source directory: files, directories and links that stay inside it.
Result<qint64> copyTree(const QString &from, const QString &to)
{
    const QFileInfo root(from);
    if (!root.isDir())
        return Error::invalid(QStringLiteral("source"),
                              Tr::tr("the source directory %1 does not exist").arg(from));
    qint64 copied = 0;
    QDirIterator it(root.absoluteFilePath(),
                    QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo entry(it.next());
        const QString relative = QDir(root.absoluteFilePath()).relativeFilePath(entry.filePath());
        const QString target = to + QLatin1Char('/') + relative;
        if (entry.isSymLink()) {
            if (!linkStaysInside(root.absoluteFilePath(), relative))
                return Error::invalid(
                    QStringLiteral("source"),
                    Tr::tr("the source entry \"%1\" is a link that leaves the directory").arg(relative));
            QByteArray link(4096, Qt::Uninitialized);
            const ssize_t n =
                ::readlink(QFile::encodeName(entry.filePath()).constData(), link.data(), size_t(link.size()));
            if (n < 0 || n >= link.size() ||
                ::symlink(link.left(n).constData(), QFile::encodeName(target).constData()) != 0)
                return Error::unavailable(Tr::tr("the source link \"%1\" could not be copied").arg(relative),
                                          QByteArrayLiteral("build-copy"));
        } else if (entry.isDir()) {
            if (!QDir().mkpath(target))
                return Error::unavailable(Tr::tr("the directory \"%1\" could not be created").arg(relative),
                                          QByteArrayLiteral("build-copy"));
        } else if (entry.isFile()) {
            if (!QFile::copy(entry.filePath(), target))
                return Error::unavailable(Tr::tr("the source file \"%1\" could not be copied").arg(relative),
                                          QByteArrayLiteral("build-copy"));
            ++copied;
        } else {
            return Error::invalid(
                QStringLiteral("source"),
                Tr::tr("the source entry \"%1\" is neither a file, a directory nor a link").arg(relative));
        }
    }
    return copied;
}

// A URL fit for the log: no password or token.
QString shownUrl(const QString &url)
{
    const QUrl parsed(url);
    if (!parsed.isValid() || parsed.scheme().isEmpty())
        return url;
    return parsed.toString(QUrl::RemovePassword);
}

} // namespace

QString detectFramework(const QString &sourceDir)
{
    if (QFileInfo(sourceDir + QStringLiteral("/package.json")).isFile())
        return QStringLiteral("node");
    if (QFileInfo(sourceDir + QStringLiteral("/index.html")).isFile())
        return QStringLiteral("static");
    return {};
}

FrameworkDefaults frameworkDefaults(const QString &framework)
{
    if (framework == QLatin1String("node"))
        return {QStringLiteral("npm ci"), QStringLiteral("npm run build"), QStringLiteral("dist")};
    return {QString(), QString(), QStringLiteral(".")};
}

bool isRemoteGitUrl(const QString &url)
{
    if (url.startsWith(QLatin1Char('/')) || url.startsWith(QLatin1String("file://")))
        return false;
    return true; // https://, ssh://, git://, user@host:path
}

BuildRunner::BuildRunner(BuildQueue *queue, BuildJob job, RunnerOptions options, QObject *parent)
    : QObject(parent)
    , m_queue(queue)
    , m_job(std::move(job))
    , m_options(std::move(options))
    , m_log(m_job.variables, m_job.limits.logBytes)
    // Per claim (fencing token): a presumed-dead holder that is still running never shares a tree
    // with the one that took the build over.
    , m_src(m_job.deploymentDir + QStringLiteral("/src-%1").arg(m_job.fencingToken))
{
    m_flushTimer.setInterval(m_options.logFlushInterval);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] { QCoro::connect(flushLog(), this, [] {}); });
    m_renewTimer.setInterval(std::max<std::chrono::milliseconds>(m_options.lease / 3, 100ms));
    connect(&m_renewTimer, &QTimer::timeout, this, [this] { QCoro::connect(renewLease(), this, [] {}); });
}

BuildRunner::~BuildRunner() = default; // the sandbox's destructor kills what still runs

void BuildRunner::start()
{
    m_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(m_job.timeoutSeconds);
    QCoro::connect(run(), this, [] {});
}

void BuildRunner::abandon()
{
    m_abandoned = true;
    m_flushTimer.stop();
    m_renewTimer.stop();
    if (m_sandbox)
        m_sandbox->kill();
}

std::chrono::milliseconds BuildRunner::timeLeft() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline -
                                                                 std::chrono::steady_clock::now());
}

void BuildRunner::onConflict(const Error &error)
{
    if (m_leaseLost)
        return;
    qCWarning(lcRunner) << "lease lost for deployment" << m_job.deploymentId << ":" << error.reason
                        << "- stopping the build and writing nothing more";
    m_leaseLost = true;
    m_flushTimer.stop();
    m_renewTimer.stop();
    if (m_sandbox)
        m_sandbox->kill();
}

QCoro::Task<void> BuildRunner::run()
{
    QPointer<BuildRunner> self(this);
    m_flushTimer.start();
    m_renewTimer.start();
    m_log.note(Tr::tr("build of deployment %1 (site %2) started").arg(m_job.deploymentId, m_job.siteId));
    m_outcome = co_await build();
    if (!self)
        co_return;
    if (m_sandbox)
        m_sandbox->deleteLater();
    m_flushTimer.stop();
    m_renewTimer.stop();
    QDir(m_src).removeRecursively();
    if (m_outcome && !m_leaseLost && !m_abandoned) {
        m_log.note(m_outcome->end == BuildEnd::Ready
                       ? Tr::tr("build ready: %1 bytes in build.tar.gz").arg(m_outcome->artifactBytes)
                       : m_outcome->reason);
        m_drained = co_await drainLog();
        if (!self)
            co_return;
        m_attempts = 0;
        while (m_drained && !m_leaseLost && !m_reported && m_attempts < 5) {
            m_written = co_await m_queue->finish(m_job.deploymentId, m_job.fencingToken, *m_outcome);
            if (!self)
                co_return;
            if (finishAnswered())
                continue;
            co_await QCoro::sleepFor(1s);
            if (!self)
                co_return;
        }
    }
    m_done = true;
    emit finished(m_job.deploymentId, m_reported);
}

bool BuildRunner::finishAnswered()
{
    ++m_attempts;
    if (m_written.ok()) {
        m_reported = m_outcome->end;
        return true;
    }
    if (m_written.error().kind == ErrorKind::Conflict) {
        onConflict(m_written.error());
        return true;
    }
    qCWarning(lcRunner) << "cannot finish deployment" << m_job.deploymentId << ":"
                        << m_written.error().reason;
    return false; // retried after a pause
}

QCoro::Task<std::optional<BuildOutcome>> BuildRunner::build()
{
    QPointer<BuildRunner> self(this);
    QDir(m_src).removeRecursively();
    if (!QDir().mkpath(m_src))
        co_return failed(Tr::tr("the build directory %1 cannot be created").arg(m_src));
    m_problem = co_await prepareSource();
    if (!self || m_leaseLost || m_abandoned)
        co_return std::nullopt;
    if (m_problem)
        co_return m_problem;
    m_problem = resolveCommands(m_src);
    if (m_problem)
        co_return m_problem;
    if (!m_install.isEmpty()) {
        setShellStep(QStringLiteral("install"), m_install);
        m_problem = co_await runStep();
        if (!self || m_leaseLost || m_abandoned)
            co_return std::nullopt;
        if (m_problem)
            co_return m_problem;
    }
    if (!m_build.isEmpty()) {
        setShellStep(QStringLiteral("build"), m_build);
        m_problem = co_await runStep();
        if (!self || m_leaseLost || m_abandoned)
            co_return std::nullopt;
        if (m_problem)
            co_return m_problem;
    }
    if (m_canceled)
        co_return BuildOutcome{BuildEnd::Canceled, Tr::tr("canceled by a user"), {}, 0};
    co_return co_await package();
}

// GCC 12 destroys some locals of a coroutine twice when it co_returns from inside a switch or a
// loop: the coroutines below keep their state in members and decide in plain functions.
std::optional<BuildOutcome> BuildRunner::prepareClone()
{
    QString url = m_job.gitUrl;
    QList<std::pair<QString, QString>> readOnly;
    const bool remote = isRemoteGitUrl(url);
    if (!remote) {
        const QString path = url.startsWith(QLatin1String("file://")) ? QUrl(url).toLocalFile() : url;
        if (!QFileInfo(path).isDir())
            return failed(Tr::tr("the git repository %1 does not exist on this host").arg(path));
        readOnly.append({QFileInfo(path).canonicalFilePath(), QStringLiteral("/repository")});
        url = QStringLiteral("file:///repository"); // file:// so that --depth applies
    }
    if (!handOver(m_src, m_options.uid))
        return failed(Tr::tr("the build directory cannot be given to the build user"));
    m_log.note(Tr::tr("cloning branch %1 of %2").arg(m_job.gitBranch, shownUrl(m_job.gitUrl)));
    m_step = SandboxStep();
    m_step.label = QStringLiteral("clone");
    m_step.readOnly = readOnly;
    m_step.network = remote;
    // The repository belongs to another uid than the build, and git 2.39 honours safe.directory
    // only from the global configuration (in the sandbox's private HOME). The branch and the URL are
    // the shell's positional arguments, never part of its line; "--" ends git's options.
    m_step.argv << QStringLiteral("/bin/sh") << QStringLiteral("-c")
                << QStringLiteral(
                       "git config --global safe.directory '*' && "
                       "exec git clone --depth 1 --branch \"$1\" --single-branch --no-tags -- \"$2\" /build")
                << QStringLiteral("meshdeck-clone") << m_job.gitBranch << url;
    return std::nullopt;
}

QFuture<Result<QString>> BuildRunner::fetchSourceOffThread()
{
    const QString src = m_src;
    const QString from = m_job.sourcePath;
    if (m_job.sourceKind == BuildSourceKind::Archive) {
        m_log.note(Tr::tr("extracting the uploaded source archive"));
        const ExtractLimits limits = m_options.sourceLimits;
        return offThread<Result<QString>>([from, src, limits]() -> Result<QString> {
            const Result<ExtractStats> extracted = extractArchive(from, src, limits);
            if (!extracted)
                return Error::invalid(
                    QStringLiteral("source"),
                    Tr::tr("the source archive was refused: %1").arg(extracted.error().reason));
            return Tr::tr("extracted %1 entries, %2 bytes").arg(extracted->entries).arg(extracted->bytes);
        });
    }
    m_log.note(Tr::tr("copying the source directory %1").arg(from));
    return offThread<Result<QString>>([from, src]() -> Result<QString> {
        const Result<qint64> copied = copyTree(from, src);
        if (!copied)
            return Error::invalid(
                QStringLiteral("source"),
                Tr::tr("the source directory could not be copied: %1").arg(copied.error().reason));
        return Tr::tr("copied %1 files").arg(*copied);
    });
}

QCoro::Task<std::optional<BuildOutcome>> BuildRunner::prepareSource()
{
    QPointer<BuildRunner> self(this);
    if (m_job.sourceKind == BuildSourceKind::Git) {
        m_problem = prepareClone();
        if (m_problem)
            co_return m_problem;
        co_return co_await runStep();
    }
    m_fetched = co_await fetchSourceOffThread();
    if (!self)
        co_return std::nullopt;
    co_return sourceFetched();
}

std::optional<BuildOutcome> BuildRunner::sourceFetched()
{
    if (!m_fetched)
        return failed(m_fetched.error().reason);
    m_log.note(*m_fetched);
    if (!handOver(m_src, m_options.uid))
        return failed(Tr::tr("the build directory cannot be given to the build user"));
    return std::nullopt;
}

std::optional<BuildOutcome> BuildRunner::resolveCommands(const QString &src)
{
    QString framework = m_job.framework;
    if (framework.isEmpty()) {
        framework = detectFramework(src);
        if (framework.isEmpty())
            return failed(Tr::tr("no framework was given and none was detected: the source has neither "
                                 "package.json nor index.html at its top"));
        m_log.note(Tr::tr("detected the framework: %1").arg(framework));
    }
    const FrameworkDefaults defaults = frameworkDefaults(framework);
    m_install = m_job.installCommand.isEmpty() ? defaults.installCommand : m_job.installCommand;
    m_build = m_job.buildCommand.isEmpty() ? defaults.buildCommand : m_job.buildCommand;
    m_output = m_job.outputDirectory.isEmpty() ? defaults.outputDirectory : m_job.outputDirectory;
    return std::nullopt;
}

void BuildRunner::setShellStep(const QString &label, const QString &line)
{
    m_step = SandboxStep();
    m_step.label = label;
    m_step.argv << QStringLiteral("/bin/sh") << QStringLiteral("-c") << line;
    m_step.network = m_job.network;
}

std::optional<BuildOutcome> BuildRunner::startStep()
{
    if (m_canceled)
        return BuildOutcome{BuildEnd::Canceled, Tr::tr("canceled by a user"), {}, 0};
    const std::chrono::milliseconds left = timeLeft();
    if (left <= 0ms)
        return failed(Tr::tr("build timed out after %1 s").arg(m_job.timeoutSeconds));
    m_log.note(m_step.label == QLatin1String("clone") ? Tr::tr("$ git clone")
                                                      : QStringLiteral("$ ") + m_step.argv.last());
    SandboxCommand command;
    command.argv = m_step.argv;
    command.workDir = m_src;
    command.readOnlyBinds = m_step.readOnly;
    command.network = m_step.network;
    command.variables = m_job.variables + m_step.environment;
    command.limits = m_job.limits;
    command.timeout = left;
    command.uid = m_options.uid;
    if (m_sandbox)
        m_sandbox->deleteLater();
    m_sandbox = new Sandbox(command, this);
    connect(m_sandbox, &Sandbox::output, this, [this](const QByteArray &chunk) {
        m_log.addOutput(chunk);
        if (m_log.pendingCount() >= m_options.logFlushLines)
            QCoro::connect(flushLog(), this, [] {});
    });
    m_sandbox->start();
    return std::nullopt;
}

QCoro::Task<std::optional<BuildOutcome>> BuildRunner::runStep()
{
    QPointer<BuildRunner> self(this);
    m_stepProblem = startStep();
    if (m_stepProblem)
        co_return m_stepProblem;
    m_ended = co_await m_sandbox->ended();
    if (!self)
        co_return std::nullopt;
    co_return stepEnded();
}

std::optional<BuildOutcome> BuildRunner::stepEnded()
{
    m_log.endOutput();
    const QString &label = m_step.label;
    if (m_ended.end == SandboxEnd::Exited && m_ended.exitCode == 0) {
        m_log.note(Tr::tr("%1 finished").arg(label));
        return std::nullopt;
    }
    if (m_ended.end == SandboxEnd::Exited)
        return failed(Tr::tr("the %1 step failed: %2").arg(label, m_ended.description));
    if (m_ended.end == SandboxEnd::TimedOut)
        return failed(Tr::tr("build timed out after %1 s").arg(m_job.timeoutSeconds));
    if (m_ended.end == SandboxEnd::Killed && m_canceled)
        return BuildOutcome{BuildEnd::Canceled, Tr::tr("canceled by a user"), {}, 0};
    if (m_ended.end == SandboxEnd::Killed)
        return failed(Tr::tr("the %1 step was stopped").arg(label));
    return failed(m_ended.description);
}

std::optional<QFuture<Result<qint64>>> BuildRunner::startPackaging()
{
    const QString output = QDir::cleanPath(m_output);
    if (output.startsWith(QLatin1Char('/')) || output == QLatin1String("..") ||
        output.startsWith(QLatin1String("../")) || !linkStaysInside(m_src, output)) {
        m_problem = failed(Tr::tr("the output directory \"%1\" is outside the source tree").arg(m_output));
        return std::nullopt;
    }
    m_log.note(Tr::tr("packaging the output directory %1").arg(output));
    // Every process of the build is gone (the PID namespace died with its init): nothing can swap
    // the tree while it is read.
    const QString outDir = m_src + QLatin1Char('/') + output;
    // Written under this claim's names; put in place only once the lease is confirmed (package()).
    const QString artifact = m_job.deploymentDir + QStringLiteral("/build-%1.tar.gz").arg(m_job.fencingToken);
    const QString staging = m_job.deploymentDir + QStringLiteral("/site-%1.part").arg(m_job.fencingToken);
    return offThread<Result<qint64>>([outDir, artifact, staging]() -> Result<qint64> {
        const Result<qint64> bytes = packDirectory(outDir, artifact);
        if (!bytes)
            return bytes;
        // Served from the unpacked artifact itself.
        QDir(staging).removeRecursively();
        QDir().mkpath(staging);
        ExtractLimits ours;
        ours.maxBytes = std::numeric_limits<qint64>::max() / 2;
        ours.maxEntries = std::numeric_limits<qint64>::max() / 2;
        ours.maxRatio = 1e12;
        const auto unpacked = extractArchive(artifact, staging, ours);
        if (!unpacked)
            return unpacked.error();
        return bytes;
    });
}

// Puts this claim's artifact and unpacked site in place (build.tar.gz, site/), each by a rename.
std::optional<Error> BuildRunner::installArtifact()
{
    const QString dir = m_job.deploymentDir;
    const QString token = QString::number(m_job.fencingToken);
    const QString artifact = dir + QStringLiteral("/build-%1.tar.gz").arg(token);
    const QString staging = dir + QStringLiteral("/site-%1.part").arg(token);
    const QString site = dir + QStringLiteral("/site");
    QFile::remove(dir + QStringLiteral("/build.tar.gz"));
    if (!QFile::rename(artifact, dir + QStringLiteral("/build.tar.gz")))
        return Error::unavailable(Tr::tr("the artifact could not be put in place"),
                                  QByteArrayLiteral("artifact-write"));
    QDir(site).removeRecursively();
    if (!QDir().rename(staging, site))
        return Error::unavailable(Tr::tr("the site directory could not be put in place"),
                                  QByteArrayLiteral("artifact-write"));
    return std::nullopt;
}

// Removes what this claim wrote under its own names (a lost lease, a failed packaging).
void BuildRunner::discardArtifact()
{
    const QString token = QString::number(m_job.fencingToken);
    QFile::remove(m_job.deploymentDir + QStringLiteral("/build-%1.tar.gz").arg(token));
    QDir(m_job.deploymentDir + QStringLiteral("/site-%1.part").arg(token)).removeRecursively();
}

QCoro::Task<std::optional<BuildOutcome>> BuildRunner::package()
{
    QPointer<BuildRunner> self(this);
    m_problem.reset();
    auto packing = startPackaging();
    if (!packing)
        co_return m_problem;
    m_packed = co_await *packing;
    if (!self)
        co_return std::nullopt;
    if (!m_packed) {
        discardArtifact();
        co_return failed(Tr::tr("packaging failed: %1").arg(m_packed.error().reason));
    }
    // The lease is confirmed right before the served files change: a holder whose lease expired
    // meanwhile (the build was taken over) changes nothing another claim wrote.
    const Result<LeaseState> held =
        co_await m_queue->renew(m_job.deploymentId, m_job.fencingToken, m_options.lease);
    if (!self)
        co_return std::nullopt;
    if (!held || m_leaseLost) {
        discardArtifact();
        if (!held && held.error().kind == ErrorKind::Conflict)
            onConflict(held.error());
        co_return failed(Tr::tr("the build's lease could not be confirmed before publishing: %1")
                             .arg(held ? Tr::tr("it was lost") : held.error().reason));
    }
    if (std::optional<Error> installed = installArtifact())
        co_return failed(Tr::tr("packaging failed: %1").arg(installed->reason));
    co_return BuildOutcome{BuildEnd::Ready, Tr::tr("build ready"),
                           m_job.deploymentDir + QStringLiteral("/build.tar.gz"), *m_packed};
}

QCoro::Task<void> BuildRunner::flushLog()
{
    if (m_flushing || m_leaseLost || m_abandoned)
        co_return;
    m_unsent += m_log.takeLines();
    if (m_unsent.isEmpty())
        co_return;
    QPointer<BuildRunner> self(this);
    m_flushing = true;
    const QList<BuildLogLine> batch = m_unsent;
    const Result<void> written = co_await m_queue->appendLog(m_job.deploymentId, m_job.fencingToken, batch);
    if (!self)
        co_return;
    m_flushing = false;
    if (written.ok()) {
        m_unsent.remove(0, batch.size());
    } else if (written.error().kind == ErrorKind::Conflict) {
        onConflict(written.error());
    } else {
        qCWarning(lcRunner) << "log lines kept for a retry:" << written.error().reason;
    }
}

QCoro::Task<bool> BuildRunner::drainLog()
{
    QPointer<BuildRunner> self(this);
    for (int attempt = 0; attempt < 100 && !m_leaseLost; ++attempt) {
        if (!m_flushing) {
            if (m_unsent.isEmpty() && m_log.pendingCount() == 0)
                co_return true;
            co_await flushLog();
            if (!self)
                co_return false;
            if (m_unsent.isEmpty() && m_log.pendingCount() == 0)
                co_return !m_leaseLost;
        }
        co_await QCoro::sleepFor(attempt < 10 ? 10ms : 100ms);
        if (!self)
            co_return false;
    }
    co_return false;
}

QCoro::Task<void> BuildRunner::renewLease()
{
    if (m_renewing || m_leaseLost || m_abandoned || m_done)
        co_return;
    QPointer<BuildRunner> self(this);
    m_renewing = true;
    const Result<LeaseState> renewed =
        co_await m_queue->renew(m_job.deploymentId, m_job.fencingToken, m_options.lease);
    if (!self)
        co_return;
    m_renewing = false;
    if (!renewed) {
        if (renewed.error().kind == ErrorKind::Conflict)
            onConflict(renewed.error());
        else
            qCWarning(lcRunner) << "lease not renewed, retrying:" << renewed.error().reason;
        co_return;
    }
    if (renewed->cancelRequested && !m_canceled) {
        m_canceled = true;
        m_log.note(Tr::tr("canceled by a user: stopping the build"));
        if (m_sandbox)
            m_sandbox->kill();
    }
}

} // namespace Meshdeck::Build
