// The bubblewrap sandbox with the real bwrap: each probe a hostile build would try is contained,
// and what stopped it is reported in the build log. Runs as root (the build gets its own uid) and
// as a normal user (bwrap unprivileged, the user's own uid).
#include "build/buildlog.h"
#include "build/sandbox.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace Meshdeck;
using namespace Meshdeck::Build;
using namespace std::chrono_literals;

namespace {

struct Run {
    SandboxResult result;
    QByteArray output;
    QList<QByteArray> log; // as the build log shows it, with the outcome noted last
};

// Host pids whose argv is exactly the given words (a sandboxed sleep, not the bwrap naming it).
QList<qint64> processesRunning(const QList<QByteArray> &argv)
{
    const QByteArray wanted = argv.join('\0') + '\0';
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll() == wanted)
            pids.append(pid);
    }
    return pids;
}

int processesOfUid(uint uid)
{
    int count = 0;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        struct stat st {
        };
        bool numeric = false;
        entry.toLongLong(&numeric);
        if (numeric && ::stat(QFile::encodeName(QStringLiteral("/proc/") + entry).constData(), &st) == 0 &&
            st.st_uid == uid)
            ++count;
    }
    return count;
}

} // namespace

class TestSandbox : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_base;
    QString m_work;
    std::optional<uint> m_uid = buildUid(7);

    SandboxCommand shell(const QString &line, std::chrono::milliseconds timeout = 30s)
    {
        SandboxCommand command;
        command.argv = {QStringLiteral("/bin/bash"), QStringLiteral("-c"), line};
        command.workDir = m_work;
        command.timeout = timeout;
        command.uid = m_uid;
        return command;
    }

    Run run(SandboxCommand command, qint64 logCap = 1 << 20, int waitMs = 60'000)
    {
        Run out;
        BuildLog log(command.variables, logCap);
        Sandbox sandbox(std::move(command));
        connect(&sandbox, &Sandbox::output, this, [&out, &log](const QByteArray &chunk) {
            out.output += chunk;
            log.addOutput(chunk);
        });
        QSignalSpy finished(&sandbox, &Sandbox::finished);
        sandbox.start();
        if (!finished.wait(waitMs))
            qFatal("the sandbox did not finish within %d ms", waitMs);
        out.result = finished.at(0).at(0).value<SandboxResult>();
        log.endOutput();
        log.note(out.result.description);
        for (const BuildLogLine &line : log.takeLines())
            out.log.append(line.text);
        return out;
    }

private slots:
    void initTestCase()
    {
        qRegisterMetaType<Meshdeck::Build::SandboxResult>();
        QVERIFY(m_base.isValid());
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/bwrap")),
                 "bubblewrap is missing: run installer/setup-deps.sh");
    }

    void init()
    {
        m_work = m_base.filePath(QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY(QDir().mkpath(m_work));
        QVERIFY(handOver(m_work, m_uid));
    }

    void runsACommandWithACleanEnvironment()
    {
        qputenv("MESHDECK_SANDBOX_LEAK", "host-value");
        SandboxCommand command = shell(QStringLiteral("echo hello; echo oops >&2; pwd; env | sort; echo made "
                                                      "> out.txt; echo private > /tmp/t && cat /tmp/t"));
        command.variables = {{QStringLiteral("SITE_MODE"), QStringLiteral("production"), false}};
        const Run r = run(command);
        QCOMPARE(r.result.end, SandboxEnd::Exited);
        QCOMPARE(r.result.exitCode, 0);
        QVERIFY(r.log.contains("hello"));
        QVERIFY(r.log.contains("oops"));
        QVERIFY(r.log.contains("/build"));
        QVERIFY(r.log.contains("CI=true"));
        QVERIFY(r.log.contains("HOME=/tmp"));
        QVERIFY(r.log.contains("SITE_MODE=production"));
        QVERIFY(r.log.contains("private")); // the private /tmp (HOME) is writable by the build
        QVERIFY(!r.output.contains("MESHDECK_SANDBOX_LEAK"));
        QCOMPARE(r.log.last(), QByteArray("[meshdeck] exit code 0"));
        QFile made(m_work + QStringLiteral("/out.txt"));
        QVERIFY(made.open(QIODevice::ReadOnly));
        QCOMPARE(made.readAll(), QByteArray("made\n"));
    }

    void refusesTheNetworkUnlessAllowed()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        const QString probe =
            QStringLiteral("exec 3<>/dev/tcp/127.0.0.1/%1 && echo connected").arg(listener.serverPort());
        // Allowed first: proves the probe reaches the listener when nothing stops it.
        SandboxCommand allowed = shell(probe);
        allowed.network = true;
        const Run open = run(allowed);
        QCOMPARE(open.result.exitCode, 0);
        QVERIFY(open.log.contains("connected"));
        QTRY_VERIFY_WITH_TIMEOUT(listener.hasPendingConnections(), 5000);
        while (listener.hasPendingConnections())
            delete listener.nextPendingConnection();
        const Run closed = run(shell(probe));
        QVERIFY(closed.result.exitCode != 0);
        QVERIFY(!closed.log.contains("connected"));
        QVERIFY2(closed.output.contains("Connection refused") || closed.output.contains("unreachable"),
                 closed.output.constData());
        QVERIFY(closed.log.last().startsWith("[meshdeck] exit code"));
        QTest::qWait(200); // give a (wrongly) arriving connection the same chance the allowed one had
        QVERIFY(!listener.hasPendingConnections());
    }

    void refusesWritesOutsideTheTree()
    {
        QTemporaryDir elsewhere;
        QVERIFY(elsewhere.isValid());
        const QString host = elsewhere.filePath(QStringLiteral("escaped.txt"));
        const Run r = run(
            shell(QStringLiteral("echo x > %1 || echo refused-host; echo x > /etc/evil || echo refused-etc; "
                                 "echo x > /usr/evil || echo refused-usr; echo ok > inside.txt")
                      .arg(host)));
        QVERIFY(r.log.contains("refused-host"));
        QVERIFY(r.log.contains("refused-etc"));
        QVERIFY(r.log.contains("refused-usr"));
        QVERIFY(!QFile::exists(host));
        QVERIFY(!QFile::exists(QStringLiteral("/etc/evil")));
        QVERIFY(!QFile::exists(QStringLiteral("/usr/evil")));
        QVERIFY(QFile::exists(m_work + QStringLiteral("/inside.txt"))); // the one writable tree works
    }

    void hidesTheHostsShadowFile()
    {
        QVERIFY(QFile::exists(QStringLiteral("/etc/shadow")));
        const Run r =
            run(shell(QStringLiteral("cat /etc/passwd >/dev/null && echo passwd-readable; cat /etc/shadow; "
                                     "echo shadow-status=$?")));
        QVERIFY(r.log.contains("passwd-readable")); // /etc is there ...
        QVERIFY(r.log.contains("shadow-status=1")); // ... without its secrets
        QVERIFY(r.output.contains("/etc/shadow: No such file or directory"));
        QVERIFY(!r.output.contains("root:"));
    }

    void containsAForkBomb()
    {
        SandboxCommand command =
            shell(QStringLiteral("for i in $(seq 200); do sleep 1039 & done; echo spawned; wait"), 8s);
        command.limits.processes = 24;
        Run r;
        QElapsedTimer clock;
        clock.start();
        // While it runs: the processes of the build's uid never pass the limit.
        int peak = 0;
        QTimer sampler;
        if (m_uid) {
            connect(&sampler, &QTimer::timeout, this, [&] { peak = std::max(peak, processesOfUid(*m_uid)); });
            sampler.start(50);
        }
        r = run(command);
        sampler.stop();
        QVERIFY(clock.elapsed() < 30'000);
        QVERIFY2(r.output.contains("Resource temporarily unavailable"), r.output.right(500).constData());
        QCOMPARE(r.result.end, SandboxEnd::TimedOut);
        QVERIFY(r.log.last().contains("timed out after 8 s"));
        if (m_uid) {
            QVERIFY2(peak > 10, qPrintable(QString::number(peak))); // the sampler saw the bomb
            QVERIFY2(peak <= 24, qPrintable(QString::number(peak)));
            QTRY_COMPARE_WITH_TIMEOUT(processesOfUid(*m_uid), 0, 5000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "1039"}).isEmpty(), 5000);
    }

    void stopsADiskFill()
    {
        SandboxCommand command = shell(QStringLiteral("head -c 5000000 /dev/zero > big.bin"));
        command.limits.diskBytes = 1 << 20;
        const Run r = run(command);
        QCOMPARE(r.result.exitCode, 128 + SIGXFSZ);
        QVERIFY2(r.log.last().contains("SIGXFSZ"), r.log.last().constData());
        QCOMPARE(QFileInfo(m_work + QStringLiteral("/big.bin")).size(), 1 << 20);
    }

    void cutsALogFloodAndKeepsBuilding()
    {
        const Run r =
            run(shell(QStringLiteral("yes flood | head -c 20000000; echo; echo kept-running > after.txt")),
                64 * 1024);
        QCOMPARE(r.result.exitCode, 0);
        QCOMPARE(r.log.count(BuildLog::limitMarker(64 * 1024)), 1);
        QCOMPARE(r.log.at(r.log.size() - 2),
                 BuildLog::limitMarker(64 * 1024)); // nothing of the flood after it
        QVERIFY(r.log.size() < 64 * 1024 / 6 + 3);
        QVERIFY(QFile::exists(m_work + QStringLiteral("/after.txt"))); // the build went on past the cut
    }

    void timeoutKillsTheWholeTree()
    {
        Sandbox sandbox(shell(QStringLiteral("sleep 1037 & sleep 1038; echo never"), 3s));
        QSignalSpy finished(&sandbox, &Sandbox::finished);
        sandbox.start();
        // Both sleeps are seen running: the check below can see a survivor.
        QTRY_VERIFY_WITH_TIMEOUT(!processesRunning({"sleep", "1037"}).isEmpty(), 2500);
        QVERIFY(!processesRunning({"sleep", "1038"}).isEmpty());
        QVERIFY(finished.wait(10'000));
        const auto result = finished.at(0).at(0).value<SandboxResult>();
        QCOMPARE(result.end, SandboxEnd::TimedOut);
        QVERIFY(result.description.contains(QStringLiteral("timed out after 3 s")));
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "1037"}).isEmpty(), 5000);
        QVERIFY(processesRunning({"sleep", "1038"}).isEmpty());
    }

    void cancelKillsTheWholeTree()
    {
        Sandbox sandbox(shell(QStringLiteral("(sleep 1040 &) ; sleep 1041")));
        QSignalSpy finished(&sandbox, &Sandbox::finished);
        sandbox.start();
        QTRY_VERIFY_WITH_TIMEOUT(!processesRunning({"sleep", "1040"}).isEmpty(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!processesRunning({"sleep", "1041"}).isEmpty(), 5000);
        sandbox.kill();
        QVERIFY(finished.wait(10'000));
        QCOMPARE(finished.at(0).at(0).value<SandboxResult>().end, SandboxEnd::Killed);
        // The double-forked sleep was re-parented to the namespace's init: it dies with it.
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "1040"}).isEmpty(), 5000);
        QVERIFY(processesRunning({"sleep", "1041"}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
