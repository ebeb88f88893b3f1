// The sandbox's watchdog: what a running build has written (its tree and /tmp) and how many
// tasks it runs, sampled off the event loop every diskCheckInterval, and the kill past a limit.
#include "sandbox.h"

#include <algorithm>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QPromise>
#include <QSet>
#include <QThreadPool>

#include <fts.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace Meshdeck::Build {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(Meshdeck::Build::Sandbox)
};
// Bytes used in the sandbox's private /tmp, seen through its init's root; 0 until bwrap has
// switched to the new root (before, that path is the host's /tmp, whose usage is not the build's).
qint64 tmpUsage(qint64 pid)
{
    if (pid <= 0)
        return 0;
    const QByteArray root = "/proc/" + QByteArray::number(pid) + "/root";
    const QByteArray tmp = root + "/tmp";
    struct stat rootStat {
    };
    struct stat tmpStat {
    };
    struct stat hostTmp {
    };
    if (::stat(root.constData(), &rootStat) != 0 || ::stat(tmp.constData(), &tmpStat) != 0 ||
        ::stat("/tmp", &hostTmp) != 0 || tmpStat.st_dev == rootStat.st_dev ||
        tmpStat.st_dev == hostTmp.st_dev)
        return 0;
    struct statfs fs {
    };
    if (::statfs(tmp.constData(), &fs) != 0 || fs.f_type != TMPFS_MAGIC)
        return 0;
    return qint64(fs.f_blocks - fs.f_bfree) * qint64(fs.f_bsize);
}

// Tasks (a process and its threads) as RLIMIT_NPROC counts them, from /proc/<pid>/stat.
int tasksOf(const QString &pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = stat.readAll();
    // After "pid (comm) ", num_threads is the 18th field.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 17 ? std::max(1, fields.at(17).toInt()) : 1;
}

Sandbox::Usage taskUsage(qint64 sandboxPid)
{
    Sandbox::Usage usage;
    struct stat namespaceStat {
    };
    const QByteArray own = "/proc/" + QByteArray::number(sandboxPid) + "/ns/pid";
    const bool known = sandboxPid > 0 && ::stat(own.constData(), &namespaceStat) == 0;
    const uid_t uid = ::getuid();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        if (entry.isEmpty() || !entry.at(0).isDigit())
            continue;
        const QByteArray dir = "/proc/" + entry.toLatin1();
        struct stat process {
        };
        struct stat pidNamespace {
        };
        const bool inSandbox = known && ::stat((dir + "/ns/pid").constData(), &pidNamespace) == 0 &&
                               pidNamespace.st_ino == namespaceStat.st_ino &&
                               pidNamespace.st_dev == namespaceStat.st_dev;
        const bool users = uid != 0 && ::stat(dir.constData(), &process) == 0 && process.st_uid == uid;
        if (!inSandbox && !users)
            continue;
        const int tasks = tasksOf(entry);
        if (inSandbox)
            usage.sandboxTasks += tasks;
        if (users)
            usage.userTasks += tasks;
    }
    return usage;
}

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / double(1 << 20), 'g', 6);
}

} // namespace

qint64 Sandbox::diskUsage(const QString &directory)
{
    QByteArray path = QFile::encodeName(directory);
    char *paths[] = {path.data(), nullptr};
    FTS *tree = ::fts_open(paths, FTS_PHYSICAL | FTS_XDEV | FTS_NOCHDIR, nullptr);
    if (!tree)
        return 0;
    qint64 total = 0;
    QSet<std::pair<dev_t, ino_t>> linked; // a file with several names takes its blocks once
    while (const FTSENT *entry = ::fts_read(tree)) {
        if (entry->fts_info == FTS_DP || entry->fts_info == FTS_DNR || entry->fts_info == FTS_ERR ||
            entry->fts_info == FTS_NS || entry->fts_info == FTS_NSOK)
            continue;
        const struct stat *st = entry->fts_statp;
        if (st->st_nlink > 1 && !S_ISDIR(st->st_mode)) {
            const std::pair<dev_t, ino_t> id{st->st_dev, st->st_ino};
            if (linked.contains(id))
                continue;
            linked.insert(id);
        }
        // Every entry costs an inode: an empty file counts as one block, so a build making
        // millions of empty files reaches the cap too, not the filesystem's inode limit.
        total += std::max<qint64>(qint64(st->st_blocks) * 512, 4096);
    }
    ::fts_close(tree);
    return total;
}

void Sandbox::sample()
{
    if (m_watch.isRunning() || !isRunning())
        return;
    auto promise = std::make_shared<QPromise<Usage>>();
    m_watch.setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, work = m_command.workDir, pid = m_sandboxPid] {
        Usage usage = taskUsage(pid);
        usage.diskBytes = diskUsage(work) + tmpUsage(pid);
        promise->addResult(usage);
        promise->finish();
    });
}

void Sandbox::sampled()
{
    if (!isRunning() || m_killedAs || m_watch.future().resultCount() == 0)
        return;
    const Usage usage = m_watch.result();
    const BuildLimits &limits = m_command.limits;
    if (usage.diskBytes - m_diskBaseline > limits.diskBytes) {
        killFor(SandboxEnd::LimitReached,
                Tr::tr("the build wrote more than %1 MB (its tree and /tmp together); every process of "
                       "the build was killed")
                    .arg(megabytes(limits.diskBytes)));
        return;
    }
    const bool atItsLimit = usage.sandboxTasks >= limits.processes;
    const bool exhaustsTheUser =
        !m_command.uid && usage.userTasks >= limits.processes && 2 * usage.sandboxTasks >= limits.processes;
    if (atItsLimit || exhaustsTheUser)
        killFor(
            SandboxEnd::LimitReached,
            Tr::tr(
                "the build reached its limit of %1 processes at once; every process of the build was killed")
                .arg(limits.processes));
}

} // namespace Meshdeck::Build
