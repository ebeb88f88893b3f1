#pragma once

#include "platform/buildqueue.h"

#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <coroutine>
#include <optional>

namespace Meshdeck::Build {

constexpr uint defaultFirstBuildUid = 1'000'000'000;

// One command to run in the bubblewrap sandbox.
struct SandboxCommand {
    QStringList argv; // run as is inside; a shell only when the caller asks for one
    QString workDir;  // host directory bound writable at /build (the only writable tree)
    // Extra host paths bound read-only, host path -> path inside (a local git repository). Not at
    // the same path: bwrap recreates the parents with the host's modes, 0700 ones included.
    QList<std::pair<QString, QString>> readOnlyBinds;
    bool network = false; // false: a private network namespace (loopback only)
    QList<BuildVariable> variables;
    BuildLimits limits;
    std::chrono::milliseconds timeout{std::chrono::minutes(15)};
    // The host uid (and gid) the build runs as. Needed when meshdeckd runs as root: RLIMIT_NPROC
    // counts the processes of a real uid and root is exempt from it, so root hands the build to a
    // uid that owns nothing. Unset: the current user (a normal user runs bwrap unprivileged).
    std::optional<uint> uid;
};

enum class SandboxEnd {
    Exited,        // the command ended by itself: see exitCode
    TimedOut,      // the wall-clock limit passed; the whole tree was killed
    Killed,        // kill() was called (cancel, lease lost); the whole tree was killed
    FailedToStart, // bwrap (or setpriv) could not be started
};

struct SandboxResult {
    SandboxEnd end = SandboxEnd::FailedToStart;
    int exitCode = -1;   // Exited: the command's status; 128+N when a signal N ended it
    QString description; // for the log: "exit code 0", "killed by SIGXFSZ (file size limit) ..."
};

// Runs a SandboxCommand under bwrap (and, inside, setpriv when a uid is given), asynchronously:
// output() carries stdout and stderr merged, finished() comes once, after the sandbox is gone.
// Limits (RLIMIT_CPU, AS, NPROC, FSIZE) are set in the forked child before exec and inherited by
// everything in the sandbox. kill(), the timeout and the destructor kill the whole tree: the bwrap
// monitor's process group with SIGKILL, whose death takes the PID namespace's init and with it every
// process in the namespace (--die-with-parent, --unshare-pid).
class Sandbox : public QObject
{
    Q_OBJECT
public:
    explicit Sandbox(SandboxCommand command, QObject *parent = nullptr);
    ~Sandbox() override;

    // The bwrap arguments for a command (exposed for tests and for the log).
    static QStringList bwrapArguments(const SandboxCommand &command);
    // Files under /etc never shown to a build.
    static const QStringList &hiddenEtcEntries();

    void start();
    void kill();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    // co_await sandbox->ended(): the result, once the sandbox is gone (resumed from the event loop).
    struct Ended {
        Sandbox *sandbox;
        bool await_ready() const noexcept { return sandbox->m_result.has_value(); }
        void await_suspend(std::coroutine_handle<> waiter) noexcept { sandbox->m_waiter = waiter; }
        SandboxResult await_resume() const { return *sandbox->m_result; }
    };
    Ended ended() { return Ended{this}; }
    qint64 processId() const { return m_process.processId(); }

signals:
    void output(const QByteArray &chunk);
    void finished(const Meshdeck::Build::SandboxResult &result);

private:
    void killTree();
    void readOutput();
    void processFinished(int exitCode, QProcess::ExitStatus status);
    void finish(SandboxResult result);

    SandboxCommand m_command;
    QProcess m_process;
    QTimer m_timeout;
    std::optional<SandboxEnd> m_killedAs;
    bool m_finished = false;
    std::optional<SandboxResult> m_result; // set when finished() is emitted
    std::coroutine_handle<> m_waiter;
    qint64 m_pid = 0;
};

// The uid a build slot runs as: when this process is root, firstUid + slot (a uid that owns no file
// and no process, so RLIMIT_NPROC counts only that build); otherwise none (the current user).
std::optional<uint> buildUid(int slot, uint firstUid = defaultFirstBuildUid);
// Gives a tree to the build's uid (lchown, never following links), so that the build can write it.
bool handOver(const QString &directory, std::optional<uint> uid);

// "SIGXFSZ (file size limit)" and the like, for a log line.
QString describeExit(int exitCode, const BuildLimits &limits);

} // namespace Meshdeck::Build
