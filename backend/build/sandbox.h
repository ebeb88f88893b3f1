#pragma once

#include "platform/buildqueue.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QSocketNotifier>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <coroutine>
#include <memory>
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
    // Either way the build has its own network namespace. false: loopback only. true: outbound
    // access through slirp4netns (user-mode NAT) started with --disable-host-loopback, so that the
    // host's loopback services (meshdeckd's admin API, PostgreSQL, Redis) stay out of reach.
    bool network = false;
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
    FailedToStart, // bwrap (or setpriv, or the build's network) could not be started
    LimitReached,  // a limit on the whole build (disk written, processes) was reached; the tree was killed
};

struct SandboxResult {
    SandboxEnd end = SandboxEnd::FailedToStart;
    int exitCode = -1;   // Exited: the command's status; 128+N when a signal N ended it
    QString description; // for the log: "exit code 0", "killed by SIGXFSZ (file size limit) ..."
};

// Runs a SandboxCommand under bwrap (and, inside, setpriv when a uid is given), asynchronously:
// output() carries stdout and stderr merged, finished() comes once, after the sandbox is gone.
// Limits (RLIMIT_CPU, AS, NPROC, FSIZE) are set in the forked child before exec and inherited by
// everything in the sandbox. Disk written in all: /tmp is a tmpfs of limits.diskBytes, and a
// watchdog sums, every diskCheckInterval, the blocks of the work tree (less what it held at the
// start) and of /tmp; past limits.diskBytes it kills the sandbox (LimitReached). It may overshoot by
// what a build writes in one interval; RLIMIT_FSIZE still bounds each file. Processes: RLIMIT_NPROC
// counts every task of the real uid. As root the build has a uid of its own, and a build that reaches
// limits.processes (a fork bomb) is killed at the next sample instead of idling until its timeout.
// As a normal user that budget is shared with every process of the user, other builds included: a
// fork bomb would leave no process to any other build (even bwrap fails to start), so a build that
// holds half of it or more when the user's tasks reach it is killed (LimitReached). kill(), the timeout and
// the destructor kill the whole tree: the bwrap monitor's process group with SIGKILL, whose death
// takes the PID namespace's init and with it every process in the namespace (--die-with-parent,
// --unshare-pid). With network, bwrap holds the command (--block-fd) until slirp4netns has
// configured the namespace (tap0, 10.0.2.100/24, default route via 10.0.2.2, DNS 10.0.2.3).
class Sandbox : public QObject
{
    Q_OBJECT
public:
    explicit Sandbox(SandboxCommand command, QObject *parent = nullptr);
    ~Sandbox() override;

    // The bwrap arguments for a command (exposed for tests and for the log). The variables are a
    // file bwrap copies from `variablesFd` into the sandbox (variablesPath), read by the build's
    // shell after the privilege drop; never arguments. -1 leaves them out.
    // infoFd: bwrap writes the sandbox's pid there (--info-fd); blockFd: bwrap waits for a byte on
    // it before it runs the command (--block-fd, used to set up the network first); resolverFd:
    // the sandbox's /etc/resolv.conf instead of the host's.
    static QStringList bwrapArguments(const SandboxCommand &command, int variablesFd = -1, int infoFd = -1,
                                      int blockFd = -1, int resolverFd = -1);
    // Bytes a tree takes on disk (blocks, each inode once, links not followed, one file system).
    static qint64 diskUsage(const QString &directory);
    // What the watchdog samples: bytes in the tree and /tmp, tasks (processes and threads, as
    // RLIMIT_NPROC counts them) in the sandbox's PID namespace, and tasks of this process's uid.
    struct Usage {
        qint64 diskBytes = 0;
        int sandboxTasks = 0;
        int userTasks = 0;
    };
    static constexpr std::chrono::milliseconds diskCheckInterval{250};
    // An anonymous memory file with the variables as a shell script; -1 when there are none (or
    // one cannot be passed: a name that is not an identifier, a value with a NUL byte).
    static int variablesFile(const QList<BuildVariable> &variables);
    static const QString variablesPath;
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
    void killFor(SandboxEnd end, const QString &reason);
    void readInfo();
    void startNetwork();
    void networkReady();
    void stopNetwork();
    void sample();
    void sampled();
    void readOutput();
    void processFinished(int exitCode, QProcess::ExitStatus status);
    void finish(SandboxResult result);

    SandboxCommand m_command;
    QProcess m_process;
    QTimer m_timeout;
    std::optional<SandboxEnd> m_killedAs;
    QString m_killReason; // the description of a LimitReached or FailedToStart kill
    // The sandbox's pid (the PID namespace's init, host numbering), from bwrap's --info-fd.
    int m_infoFd = -1;
    QByteArray m_info;
    std::unique_ptr<QSocketNotifier> m_infoNotifier;
    qint64 m_sandboxPid = 0;
    // The network: bwrap waits on m_blockFd; slirp4netns writes to m_readyFd once it is configured
    // and ends when m_slirpExitFd (its --exit-fd's other end) closes.
    int m_blockFd = -1;
    int m_readyFd = -1;
    int m_slirpExitFd = -1;
    std::unique_ptr<QSocketNotifier> m_readyNotifier;
    QProcess m_slirp;
    // The watchdog (disk written, processes).
    QTimer m_watchTimer;
    QFutureWatcher<Usage> m_watch;
    qint64 m_diskBaseline = 0;
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
