#include "sandbox.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStandardPaths>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
// resolverFd: the build's own resolv.conf (with network: slirp4netns' DNS forwarder, as the
// host's resolver may be on the host's loopback, 127.0.0.53, out of the build's reach).
void addSystem(QStringList &args, int resolverFd)
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
        if (Sandbox::hiddenEtcEntries().contains(entry.fileName()) ||
            (resolverFd >= 0 && entry.fileName() == QLatin1String("resolv.conf")))
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
    if (resolverFd >= 0)
        args << QStringLiteral("--perms") << QStringLiteral("0444") << QStringLiteral("--ro-bind-data")
             << QString::number(resolverFd) << QStringLiteral("/etc/resolv.conf");
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

void inheritable(int fd)
{
    if (fd >= 0)
        ::fcntl(fd, F_SETFD, 0);
}

// An anonymous memory file (never on disk, close-on-exec) holding text; -1 on failure.
int memoryFile(const char *name, const QByteArray &text)
{
    const int fd = ::memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    qsizetype written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.constData() + written, size_t(text.size() - written));
        if (n <= 0) {
            ::close(fd);
            return -1;
        }
        written += n;
    }
    ::lseek(fd, 0, SEEK_SET);
    return fd;
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
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

const QString Sandbox::variablesPath = QStringLiteral("/run/meshdeck/variables");

QStringList Sandbox::bwrapArguments(const SandboxCommand &command, int variablesFd, int infoFd, int blockFd,
                                    int resolverFd)
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
    // Always a network namespace of its own: with network, slirp4netns gives it a way out that
    // does not lead to the host's loopback (the host's namespace would expose every local service).
    args << QStringLiteral("--unshare-net");
    if (infoFd >= 0)
        args << QStringLiteral("--info-fd") << QString::number(infoFd);
    if (blockFd >= 0)
        args << QStringLiteral("--block-fd") << QString::number(blockFd);
    addSystem(args, resolverFd);
    // /tmp is memory: sized, so that neither memory nor the disk budget runs out through it.
    args << QStringLiteral("--proc") << QStringLiteral("/proc") << QStringLiteral("--dev")
         << QStringLiteral("/dev") << QStringLiteral("--perms") << QStringLiteral("1777")
         << QStringLiteral("--size") << QString::number(command.limits.diskBytes) << QStringLiteral("--tmpfs")
         << QStringLiteral("/tmp");
    for (const auto &bind : command.readOnlyBinds)
        args << QStringLiteral("--ro-bind") << bind.first << bind.second;
    args << QStringLiteral("--bind") << command.workDir << QStringLiteral("/build")
         << QStringLiteral("--chdir") << QStringLiteral("/build");
    args << QStringLiteral("--clearenv") << QStringLiteral("--setenv") << QStringLiteral("PATH")
         << defaultPath << QStringLiteral("--setenv") << QStringLiteral("HOME") << QStringLiteral("/tmp")
         << QStringLiteral("--setenv") << QStringLiteral("CI") << QStringLiteral("true")
         << QStringLiteral("--setenv") << QStringLiteral("LANG") << QStringLiteral("C.UTF-8");
    // The site's variables (secrets among them) are neither arguments (every local user can read a
    // process's command line) nor bwrap's environment for the first process (as root that is
    // setpriv, still uid 0: LD_PRELOAD=/build/evil.so would run as root). bwrap copies them from a
    // descriptor only it inherits into a read-only file, which the build's shell reads after the
    // privilege drop.
    if (variablesFd >= 0)
        args << QStringLiteral("--perms") << QStringLiteral("0444") // readable by the build's uid
             << QStringLiteral("--ro-bind-data") << QString::number(variablesFd) << variablesPath;
    args << QStringLiteral("--");
    if (command.uid) {
        const QString id = QString::number(*command.uid);
        args << QStringLiteral("/usr/bin/setpriv") << QStringLiteral("--reuid") << id
             << QStringLiteral("--regid") << id << QStringLiteral("--clear-groups")
             << QStringLiteral("--inh-caps=-all") << QStringLiteral("--bounding-set=-all")
             << QStringLiteral("--no-new-privs") << QStringLiteral("--");
    }
    if (variablesFd >= 0)
        args << QStringLiteral("/bin/sh") << QStringLiteral("-c")
             << QStringLiteral(". %1 && exec \"$@\"").arg(variablesPath) << QStringLiteral("meshdeck-build");
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
    m_watchTimer.setInterval(diskCheckInterval);
    connect(&m_watchTimer, &QTimer::timeout, this, &Sandbox::sample);
    connect(&m_watch, &QFutureWatcher<Usage>::finished, this, &Sandbox::sampled);
    m_slirp.setProcessChannelMode(QProcess::MergedChannels);
    m_slirp.setProcessEnvironment(environment);
    m_slirp.setWorkingDirectory(QStringLiteral("/"));
}

Sandbox::~Sandbox()
{
    m_process.disconnect(this);
    m_slirp.disconnect(this);
    if (m_process.state() != QProcess::NotRunning) {
        killTree();
        m_process.waitForFinished(5000); // SIGKILL was sent: this reaps the monitor at once
    }
    stopNetwork();
    if (m_slirp.state() != QProcess::NotRunning && !m_slirp.waitForFinished(2000))
        m_slirp.kill(); // it ends when its --exit-fd closes; this only if it did not
}

// The variables as a shell script of `export NAME='value'` lines (single quotes: nothing in a value
// is interpreted), in an anonymous memory file (never on disk) that only the bwrap child inherits.
// A name that is not an identifier or a value with a NUL byte cannot be passed: -1, errno EINVAL.
int Sandbox::variablesFile(const QList<BuildVariable> &variables)
{
    if (variables.isEmpty())
        return -1;
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    QByteArray text;
    for (const BuildVariable &variable : variables) {
        const QByteArray value = variable.value.toUtf8();
        if (!identifier.match(variable.name).hasMatch() || value.contains('\0')) {
            errno = EINVAL;
            return -1;
        }
        text += "export " + variable.name.toLatin1() + "='" + QByteArray(value).replace("'", "'\\''") + "'\n";
    }
    return memoryFile("meshdeck-build-variables", text);
}

void Sandbox::start()
{
    const int variables = variablesFile(m_command.variables);
    if (!m_command.variables.isEmpty() && variables < 0) {
        finish({SandboxEnd::FailedToStart, -1,
                Tr::tr("the sandbox could not start: the variables could not be passed (%1)")
                    .arg(QString::fromLocal8Bit(std::strerror(errno)))});
        return;
    }
    int info[2] = {-1, -1};
    int block[2] = {-1, -1};
    int resolver = -1;
    if (::pipe2(info, O_CLOEXEC) != 0 || (m_command.network && ::pipe2(block, O_CLOEXEC) != 0) ||
        (m_command.network &&
         (resolver = memoryFile("meshdeck-build-resolv", "nameserver 10.0.2.3\n")) < 0)) {
        const QString error = QString::fromLocal8Bit(std::strerror(errno));
        for (int fd : {info[0], info[1], block[0], block[1], variables})
            if (fd >= 0)
                ::close(fd);
        finish({SandboxEnd::FailedToStart, -1, Tr::tr("the sandbox could not start: %1").arg(error)});
        return;
    }
    const QStringList arguments = bwrapArguments(m_command, variables, info[1], block[0], resolver);
    const QString program = executable(QStringLiteral("bwrap"));
    qCDebug(lcSandbox) << "starting" << program << m_command.argv;
    const BuildLimits limits = m_command.limits;
    m_process.setChildProcessModifier([limits, variables, infoFd = info[1], blockFd = block[0], resolver] {
        ::setpgid(0, 0);
        applyLimits(limits);
        // bwrap inherits these (they were close-on-exec for every other child)
        inheritable(variables);
        inheritable(infoFd);
        inheritable(blockFd);
        inheritable(resolver);
    });
    // What the tree holds before the command runs is not written by it.
    m_diskBaseline = diskUsage(m_command.workDir);
    m_timeout.start(m_command.timeout);
    m_watchTimer.start();
    m_process.start(program, arguments);
    m_pid = m_process.processId();
    if (variables >= 0)
        ::close(variables);
    ::close(info[1]);
    closeFd(block[0]);
    closeFd(resolver);
    m_infoFd = info[0];
    m_blockFd = block[1];
    m_infoNotifier = std::make_unique<QSocketNotifier>(m_infoFd, QSocketNotifier::Read);
    connect(m_infoNotifier.get(), &QSocketNotifier::activated, this, &Sandbox::readInfo);
}

// bwrap's --info-fd: a JSON object with "child-pid", then end of file.
void Sandbox::readInfo()
{
    char buffer[512];
    const ssize_t n = ::read(m_infoFd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n > 0 && m_info.size() < 64 * 1024) {
        m_info.append(buffer, n);
        return;
    }
    m_infoNotifier->setEnabled(false);
    m_infoNotifier.release()->deleteLater();
    closeFd(m_infoFd);
    static const QRegularExpression childPid(QStringLiteral("\"child-pid\"\\s*:\\s*(\\d+)"));
    const QRegularExpressionMatch match = childPid.match(QString::fromUtf8(m_info));
    m_sandboxPid = match.hasMatch() ? match.captured(1).toLongLong() : 0;
    if (m_command.network && m_sandboxPid > 0 && isRunning() && !m_killedAs)
        startNetwork();
    // No pid: bwrap failed before the sandbox existed, and its exit reports why.
}

// slirp4netns joins the sandbox's network namespace and configures tap0. Without a uid, bwrap made
// a user namespace that owns the network namespace; the command itself runs in a nested one (as
// bwrap drops its privileges), which could not configure it: slirp4netns joins the owner.
void Sandbox::startNetwork()
{
    const auto failed = [this](const QString &why) {
        killFor(SandboxEnd::FailedToStart, Tr::tr("the build's network could not be set up: %1").arg(why));
    };
    const QString pid = QString::number(m_sandboxPid);
    int userNamespace = -1;
    if (!m_command.uid) {
        const int net = ::open(QFile::encodeName(QStringLiteral("/proc/%1/ns/net").arg(pid)).constData(),
                               O_RDONLY | O_CLOEXEC);
        userNamespace = net >= 0 ? ::ioctl(net, NS_GET_USERNS) : -1;
        const QString error = QString::fromLocal8Bit(std::strerror(errno));
        if (net >= 0)
            ::close(net);
        if (userNamespace < 0)
            return failed(error);
    }
    int ready[2] = {-1, -1};
    int exit[2] = {-1, -1};
    if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(exit, O_CLOEXEC) != 0) {
        const QString error = QString::fromLocal8Bit(std::strerror(errno));
        for (int fd : {ready[0], ready[1], userNamespace})
            if (fd >= 0)
                ::close(fd);
        return failed(error);
    }
    QStringList arguments{QStringLiteral("--configure"),
                          QStringLiteral("--mtu=65520"),
                          QStringLiteral("--disable-host-loopback"),
                          QStringLiteral("--enable-sandbox"),
                          QStringLiteral("--enable-seccomp"),
                          QStringLiteral("--ready-fd=%1").arg(ready[1]),
                          QStringLiteral("--exit-fd=%1").arg(exit[0])};
    if (userNamespace >= 0)
        arguments << QStringLiteral("--userns-path=/proc/self/fd/%1").arg(userNamespace);
    arguments << pid << QStringLiteral("tap0");
    m_slirp.setChildProcessModifier([readyFd = ready[1], exitFd = exit[0], userNamespace] {
        inheritable(readyFd);
        inheritable(exitFd);
        inheritable(userNamespace);
    });
    connect(&m_slirp, &QProcess::finished, this, [this, failed] {
        if (m_readyFd >= 0) { // it ended before the network was up
            const QList<QByteArray> said = m_slirp.readAll().trimmed().split('\n');
            failed(Tr::tr("slirp4netns ended: %1").arg(QString::fromLocal8Bit(said.last())));
        }
    });
    connect(&m_slirp, &QProcess::errorOccurred, this, [this, failed](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            failed(m_slirp.errorString());
    });
    m_readyFd = ready[0];
    m_slirpExitFd = exit[1];
    m_readyNotifier = std::make_unique<QSocketNotifier>(m_readyFd, QSocketNotifier::Read);
    connect(m_readyNotifier.get(), &QSocketNotifier::activated, this, &Sandbox::networkReady);
    qCDebug(lcSandbox) << "starting slirp4netns" << arguments;
    m_slirp.start(executable(QStringLiteral("slirp4netns")), arguments);
    ::close(ready[1]);
    ::close(exit[0]);
    if (userNamespace >= 0)
        ::close(userNamespace);
}

void Sandbox::networkReady()
{
    char byte = 0;
    const ssize_t n = ::read(m_readyFd, &byte, 1);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    m_readyNotifier->setEnabled(false);
    m_readyNotifier.release()->deleteLater();
    if (n != 1)
        return; // end of file: slirp4netns ended, and its finished() says why
    closeFd(m_readyFd);
    // The command may run now.
    if (::write(m_blockFd, "1", 1) != 1)
        qCWarning(lcSandbox) << "could not release the sandbox:" << std::strerror(errno);
    closeFd(m_blockFd);
}

void Sandbox::stopNetwork()
{
    if (m_infoNotifier)
        m_infoNotifier->setEnabled(false);
    m_infoNotifier.reset();
    if (m_readyNotifier)
        m_readyNotifier->setEnabled(false);
    m_readyNotifier.reset();
    closeFd(m_infoFd);
    closeFd(m_blockFd);
    closeFd(m_readyFd);
    closeFd(m_slirpExitFd); // slirp4netns ends
}

void Sandbox::kill()
{
    if (!m_killedAs)
        m_killedAs = SandboxEnd::Killed;
    killTree();
}

void Sandbox::killFor(SandboxEnd end, const QString &reason)
{
    if (!m_killedAs) {
        m_killedAs = end;
        m_killReason = reason;
    }
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
    m_watchTimer.stop();
    stopNetwork();
    // The monitor is gone; whatever was left in its group goes with it.
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), SIGKILL);
    if (m_killedAs == SandboxEnd::LimitReached || m_killedAs == SandboxEnd::FailedToStart) {
        finish({*m_killedAs, -1, m_killReason});
    } else if (m_killedAs == SandboxEnd::TimedOut) {
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
    m_watchTimer.stop();
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
