#include "sandbox.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcSandbox, "meshdeck.backend.build.sandbox")

namespace Meshdeck::Build {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(Meshdeck::Build::Sandbox)
};

const QString defaultPath = QStringLiteral("/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin");

QString executable(const QString &name)
{
    const QString found = QStandardPaths::findExecutable(name);
    return found.isEmpty() ? QStringLiteral("/usr/bin/") + name : found;
}

// The host's system, read-only: /usr, the top-level links or directories of a merged or split /usr,
// and /etc entry by entry (a private /etc, so a secret is absent rather than merely unreadable).
void addSystem(QStringList &args)
{
    args << QStringLiteral("--ro-bind") << QStringLiteral("/usr") << QStringLiteral("/usr");
    for (const char *top : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
        const QString path = QString::fromLatin1(top);
        const QFileInfo info(path);
        if (info.isSymLink())
            args << QStringLiteral("--symlink") << info.symLinkTarget() << path;
        else if (info.isDir())
            args << QStringLiteral("--ro-bind") << path << path;
    }
    args << QStringLiteral("--tmpfs") << QStringLiteral("/etc");
    const QFileInfoList etc =
        QDir(QStringLiteral("/etc"))
            .entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    for (const QFileInfo &entry : etc) {
        if (Sandbox::hiddenEtcEntries().contains(entry.fileName()))
            continue;
        if (entry.isSymLink()) {
            const QByteArray target = QFile::encodeName(entry.filePath());
            QByteArray link(4096, Qt::Uninitialized);
            const ssize_t n = ::readlink(target.constData(), link.data(), size_t(link.size()));
            if (n > 0 && n < link.size())
                args << QStringLiteral("--symlink") << QFile::decodeName(link.left(n)) << entry.filePath();
        } else {
            args << QStringLiteral("--ro-bind-try") << entry.filePath() << entry.filePath();
        }
    }
    args << QStringLiteral("--remount-ro") << QStringLiteral("/etc");
}

void applyLimits(const BuildLimits &limits)
{
    const auto set = [](int resource, rlim_t soft, rlim_t hard) {
        const rlimit value{soft, hard};
        ::setrlimit(resource, &value);
    };
    // The hard CPU limit a little above the soft one: SIGXCPU first, SIGKILL if it is ignored.
    set(RLIMIT_CPU, rlim_t(limits.cpuSeconds), rlim_t(limits.cpuSeconds) + 5);
    set(RLIMIT_AS, rlim_t(limits.memoryBytes), rlim_t(limits.memoryBytes));
    set(RLIMIT_NPROC, rlim_t(limits.processes), rlim_t(limits.processes));
    set(RLIMIT_FSIZE, rlim_t(limits.diskBytes), rlim_t(limits.diskBytes));
    set(RLIMIT_CORE, 0, 0);
}

} // namespace

const QStringList &Sandbox::hiddenEtcEntries()
{
    static const QStringList entries{
        QStringLiteral("shadow"),   QStringLiteral("shadow-"),  QStringLiteral("gshadow"),
        QStringLiteral("gshadow-"), QStringLiteral("sudoers"),  QStringLiteral("sudoers.d"),
        QStringLiteral("ssh"),      QStringLiteral("meshdeck"), QStringLiteral("machine-id"),
    };
    return entries;
}

QStringList Sandbox::bwrapArguments(const SandboxCommand &command)
{
    // As a normal user bwrap is unprivileged: a user namespace maps the user in. As root it mounts
    // with root's access (the work tree may sit below a 0700 data directory) and setpriv, inside,
    // drops to the build's uid with no capabilities and no way to gain any.
    QStringList args;
    if (!command.uid)
        args << QStringLiteral("--unshare-user") << QStringLiteral("--disable-userns");
    args << QStringList{QStringLiteral("--unshare-pid"),     QStringLiteral("--unshare-ipc"),
                        QStringLiteral("--unshare-uts"),     QStringLiteral("--unshare-cgroup-try"),
                        QStringLiteral("--die-with-parent"), QStringLiteral("--new-session"),
                        QStringLiteral("--hostname"),        QStringLiteral("meshdeck-build")};
    if (!command.network)
        args << QStringLiteral("--unshare-net");
    addSystem(args);
    args << QStringLiteral("--proc") << QStringLiteral("/proc") << QStringLiteral("--dev")
         << QStringLiteral("/dev") << QStringLiteral("--perms") << QStringLiteral("1777")
         << QStringLiteral("--tmpfs") << QStringLiteral("/tmp");
    for (const auto &bind : command.readOnlyBinds)
        args << QStringLiteral("--ro-bind") << bind.first << bind.second;
    args << QStringLiteral("--bind") << command.workDir << QStringLiteral("/build")
         << QStringLiteral("--chdir") << QStringLiteral("/build");
    args << QStringLiteral("--clearenv") << QStringLiteral("--setenv") << QStringLiteral("PATH")
         << defaultPath << QStringLiteral("--setenv") << QStringLiteral("HOME") << QStringLiteral("/tmp")
         << QStringLiteral("--setenv") << QStringLiteral("CI") << QStringLiteral("true")
         << QStringLiteral("--setenv") << QStringLiteral("LANG") << QStringLiteral("C.UTF-8");
    for (const BuildVariable &variable : command.variables)
        args << QStringLiteral("--setenv") << variable.name << variable.value;
    args << QStringLiteral("--");
    if (command.uid) {
        const QString id = QString::number(*command.uid);
        args << QStringLiteral("/usr/bin/setpriv") << QStringLiteral("--reuid") << id
             << QStringLiteral("--regid") << id << QStringLiteral("--clear-groups")
             << QStringLiteral("--inh-caps=-all") << QStringLiteral("--bounding-set=-all")
             << QStringLiteral("--no-new-privs") << QStringLiteral("--");
    }
    args << command.argv;
    return args;
}

Sandbox::Sandbox(SandboxCommand command, QObject *parent)
    : QObject(parent)
    , m_command(std::move(command))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("PATH"), defaultPath);
    m_process.setProcessEnvironment(environment);
    m_process.setWorkingDirectory(QStringLiteral("/"));
    const BuildLimits limits = m_command.limits;
    m_process.setChildProcessModifier([limits] {
        ::setpgid(0, 0);
        applyLimits(limits);
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &Sandbox::readOutput);
    connect(&m_process, &QProcess::finished, this, &Sandbox::processFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish({SandboxEnd::FailedToStart, -1,
                    Tr::tr("the sandbox could not start: %1").arg(m_process.errorString())});
    });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (!m_killedAs)
            m_killedAs = SandboxEnd::TimedOut;
        killTree();
    });
}

Sandbox::~Sandbox()
{
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning) {
        killTree();
        m_process.waitForFinished(5000); // SIGKILL was sent: this reaps the monitor at once
    }
}

void Sandbox::start()
{
    const QStringList arguments = bwrapArguments(m_command);
    const QString program = executable(QStringLiteral("bwrap"));
    qCDebug(lcSandbox) << "starting" << program << m_command.argv;
    m_timeout.start(m_command.timeout);
    m_process.start(program, arguments);
    m_pid = m_process.processId();
}

void Sandbox::kill()
{
    if (!m_killedAs)
        m_killedAs = SandboxEnd::Killed;
    killTree();
}

void Sandbox::killTree()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    if (m_pid > 0) {
        ::kill(-pid_t(m_pid), SIGKILL);
        ::kill(pid_t(m_pid), SIGKILL);
    }
    m_process.kill();
}

void Sandbox::readOutput()
{
    const QByteArray chunk = m_process.readAllStandardOutput();
    if (!chunk.isEmpty())
        emit output(chunk);
}

void Sandbox::processFinished(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    m_timeout.stop();
    // The monitor is gone; whatever was left in its group goes with it.
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), SIGKILL);
    if (m_killedAs == SandboxEnd::TimedOut) {
        finish({SandboxEnd::TimedOut, -1,
                Tr::tr("timed out after %1 s; every process of the build was killed")
                    .arg(std::chrono::duration_cast<std::chrono::seconds>(m_command.timeout).count())});
    } else if (m_killedAs) {
        finish({SandboxEnd::Killed, -1, Tr::tr("stopped; every process of the build was killed")});
    } else if (status == QProcess::CrashExit) {
        finish({SandboxEnd::Exited, -1, Tr::tr("the sandbox crashed")});
    } else {
        finish({SandboxEnd::Exited, exitCode, describeExit(exitCode, m_command.limits)});
    }
}

void Sandbox::finish(SandboxResult result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    // Queued: a start() that fails at once must not report before its caller can listen.
    QMetaObject::invokeMethod(
        this,
        [this, result] {
            m_result = result;
            emit finished(result);
            if (auto waiter = std::exchange(m_waiter, {}))
                waiter.resume();
        },
        Qt::QueuedConnection);
}

std::optional<uint> buildUid(int slot, uint firstUid)
{
    if (::geteuid() != 0)
        return std::nullopt;
    return firstUid + uint(slot);
}

bool handOver(const QString &directory, std::optional<uint> uid)
{
    if (!uid)
        return true;
    bool ok = ::lchown(QFile::encodeName(directory).constData(), *uid, *uid) == 0;
    QDirIterator it(directory, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        ok = ::lchown(QFile::encodeName(it.next()).constData(), *uid, *uid) == 0 && ok;
    return ok;
}

QString describeExit(int exitCode, const BuildLimits &limits)
{
    if (exitCode <= 128 || exitCode > 128 + 64)
        return Tr::tr("exit code %1").arg(exitCode);
    const int signal = exitCode - 128;
    switch (signal) {
    case SIGXCPU:
        return Tr::tr("killed by SIGXCPU: the CPU time limit of %1 s was reached").arg(limits.cpuSeconds);
    case SIGXFSZ:
        return Tr::tr("killed by SIGXFSZ: a file reached the size limit of %1 bytes").arg(limits.diskBytes);
    default:
        break;
    }
    const char *name = ::sigabbrev_np(signal);
    return Tr::tr("killed by SIG%1").arg(QString::fromLatin1(name ? name : "?"));
}

} // namespace Meshdeck::Build
