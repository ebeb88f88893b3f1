#pragma once

#include "result.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace Meshdeck {

// The seam between the sites service (which owns the build queue in the database) and the build
// workers (backend/build/, in process on the local stack or in a `--role build-worker` process).
// Every call after claim() carries the job's fencing token: once a lease has expired and the build
// was requeued or failed, the old holder's calls answer ErrorKind::Conflict ("lease lost") and
// change nothing, so a worker that was presumed dead cannot write status, log or artifact.

struct BuildLimits {
    qint64 memoryBytes = 2LL << 30; // address space of each process in the sandbox
    int cpuSeconds = 900;           // CPU time of each process
    int processes = 256;            // processes of the build user at once
    qint64 diskBytes = 2LL << 30;   // largest file, and most bytes in all (tree and /tmp), written
    qint64 logBytes = 16LL << 20;   // log kept; past it one visible marker line, then nothing
};

enum class BuildSourceKind { Archive, Directory, Git };

struct BuildVariable {
    QString name;
    QString value;       // plain text, decrypted by the sites service just for the build
    bool secret = false; // a secret's value is masked in every log line
};

struct BuildJob {
    QString deploymentId;
    QString siteId;
    qint64 fencingToken = 0;
    QString workerId;

    BuildSourceKind sourceKind = BuildSourceKind::Archive;
    QString sourcePath; // Archive: the uploaded source.tar.gz; Directory: a local directory
    QString gitUrl;     // Git: repository URL or local path
    QString gitBranch;  // Git: branch, passed as an argument, never through a shell

    QString framework; // "static", "node", ... or empty: detect
    QString installCommand;
    QString buildCommand;
    QString outputDirectory;
    bool network = false;
    int timeoutSeconds = 900;
    BuildLimits limits;
    QList<BuildVariable> variables;

    QString deploymentDir; // <data>/sites/<siteId>/deployments/<deploymentId>/
};

struct BuildLogLine {
    qint64 number = 0; // 1-based, no gaps
    QByteArray text;   // without the newline; ANSI escapes kept; secrets already masked
};

enum class BuildEnd { Ready, Failed, Canceled };

struct BuildOutcome {
    BuildEnd end = BuildEnd::Failed;
    QString reason;       // a sentence a person can act on ("build timed out after 900 s", ...)
    QString artifactPath; // Ready: <deploymentDir>/build.tar.gz
    qint64 artifactBytes = 0;
};

struct LeaseState {
    bool cancelRequested = false; // the user asked to cancel: kill the sandbox, finish as Canceled
};

class BuildQueue
{
public:
    virtual ~BuildQueue() = default;
    // Takes the oldest queued build, if any, with a fresh lease and a new fencing token.
    virtual QFuture<Result<std::optional<BuildJob>>> claim(QString workerId, std::chrono::seconds lease) = 0;
    // Extends the lease; answers whether a cancel was asked for. Conflict once the lease is lost.
    virtual QFuture<Result<LeaseState>> renew(QString deploymentId, qint64 fencingToken,
                                              std::chrono::seconds lease) = 0;
    // Appends log lines (numbers continue the log with no gap). Conflict once the lease is lost.
    virtual QFuture<Result<void>> appendLog(QString deploymentId, qint64 fencingToken,
                                            QList<BuildLogLine> lines) = 0;
    // Ends the build: ready with its artifact, failed or canceled with the reason.
    virtual QFuture<Result<void>> finish(QString deploymentId, qint64 fencingToken, BuildOutcome outcome) = 0;
};

} // namespace Meshdeck
