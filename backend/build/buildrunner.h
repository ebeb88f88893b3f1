#pragma once

#include "archiveextract.h"
#include "buildlog.h"
#include "platform/buildqueue.h"
#include "sandbox.h"

#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <QCoroTask>

#include <chrono>
#include <memory>
#include <optional>

namespace Meshdeck::Build {

struct RunnerOptions {
    std::chrono::seconds lease{30};                  // renewed every lease/3
    std::chrono::milliseconds logFlushInterval{100}; // log lines go to the queue at least this often
    int logFlushLines = 500;                         // ... or as soon as this many wait
    std::optional<uint> uid;                         // the build's uid (see Sandbox)
    ExtractLimits sourceLimits;                      // for an uploaded source archive
};

// The defaults a detected (or named) framework brings when the site leaves a command empty.
struct FrameworkDefaults {
    QString installCommand;
    QString buildCommand;
    QString outputDirectory;
};
// "node" when the source has package.json, "static" when it has index.html, empty otherwise.
QString detectFramework(const QString &sourceDir);
FrameworkDefaults frameworkDefaults(const QString &framework);
// Whether a git URL needs the network (anything but a local path or file://).
bool isRemoteGitUrl(const QString &url);

// Builds one claimed job, start to finish: source into <deploymentDir>/src (extracted, copied, or
// cloned inside the sandbox), framework defaults, install and build in the sandbox, the output
// directory packaged as <deploymentDir>/build.tar.gz and kept unpacked at <deploymentDir>/site/.
// Log lines stream to the queue in batches; the lease is renewed every lease/3. A cancel request
// (seen on renew) kills the sandbox and finishes Canceled. Once the queue answers Conflict (the
// lease is lost) the sandbox is killed and the runner writes nothing more, not even finish().
class BuildRunner : public QObject
{
    Q_OBJECT
public:
    BuildRunner(BuildQueue *queue, BuildJob job, RunnerOptions options, QObject *parent = nullptr);
    ~BuildRunner() override;

    void start();
    // Stops the build without finishing it (the worker is shutting down): the lease runs out and
    // the queue requeues or fails the build.
    void abandon();
    const BuildJob &job() const { return m_job; }

signals:
    // end is empty when the outcome was not reported (lease lost or abandoned).
    void finished(const QString &deploymentId, std::optional<Meshdeck::BuildEnd> end);

private:
    QCoro::Task<void> run();
    QCoro::Task<std::optional<BuildOutcome>> build();
    QCoro::Task<std::optional<BuildOutcome>> prepareSource();
    std::optional<BuildOutcome> prepareClone();
    QFuture<Result<QString>> fetchSourceOffThread();
    std::optional<BuildOutcome> sourceFetched();
    void setShellStep(const QString &label, const QString &line);
    QCoro::Task<std::optional<BuildOutcome>> runStep(); // runs m_step
    std::optional<BuildOutcome> startStep();
    std::optional<BuildOutcome> stepEnded();
    std::optional<QFuture<Result<qint64>>> startPackaging();
    std::optional<BuildOutcome> resolveCommands(const QString &src);
    QCoro::Task<std::optional<BuildOutcome>> package();
    QCoro::Task<void> flushLog();
    QCoro::Task<void> renewLease();
    QCoro::Task<bool> drainLog();
    void onConflict(const Error &error);
    std::optional<Error> installArtifact();
    void discardArtifact();
    bool finishAnswered();
    std::chrono::milliseconds timeLeft() const;

    BuildQueue *m_queue;
    BuildJob m_job;
    RunnerOptions m_options;
    BuildLog m_log;
    QString m_src; // <deploymentDir>/src-<fencing token>, bound at /build in the sandbox
    struct SandboxStep {
        QString label;
        QStringList argv;
        QList<std::pair<QString, QString>> readOnly;
        QList<BuildVariable> environment; // besides the site's variables
        bool network = false;
    } m_step;
    // Coroutine state kept here rather than in coroutine frames (see buildrunner.cpp).
    std::optional<BuildOutcome> m_problem;
    std::optional<BuildOutcome> m_stepProblem;
    Result<QString> m_fetched{QString()};
    Result<qint64> m_packed{qint64(0)};
    SandboxResult m_ended;
    std::optional<BuildOutcome> m_outcome;
    std::optional<BuildEnd> m_reported;
    Result<void> m_written;
    bool m_drained = false;
    int m_attempts = 0;
    QList<BuildLogLine> m_unsent;
    QPointer<Sandbox> m_sandbox; // a child; deleted later, never inside its own callback
    QTimer m_flushTimer;
    QTimer m_renewTimer;
    std::chrono::steady_clock::time_point m_deadline;
    bool m_flushing = false;
    bool m_renewing = false;
    bool m_leaseLost = false;
    bool m_abandoned = false;
    bool m_canceled = false;
    bool m_done = false;
    QString m_install;
    QString m_build;
    QString m_output;
};

} // namespace Meshdeck::Build
