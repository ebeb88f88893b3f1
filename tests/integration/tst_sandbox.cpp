// The bubblewrap sandbox with the real bwrap: each probe a hostile build would try is contained,
// and what stopped it is reported in the build log. Runs as root (the build gets its own uid) and
// as a normal user (bwrap unprivileged, the user's own uid).
#include "build/buildlog.h"
#include "build/sandbox.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QNetworkInterface>
#include <QProcess>
#include <QRandomGenerator>
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

    // A site's variables reach the build's environment but no process's command line (which every
    // local user can read in /proc): bwrap reads them from a descriptor.
    void variablesAreOnNoCommandLine()
    {
        const QByteArray secret = "hush-" + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
        SandboxCommand command = shell(QStringLiteral("echo value=$SITE_SECRET; echo ready; sleep 4.321"));
        command.variables = {{QStringLiteral("SITE_SECRET"), QString::fromLatin1(secret), true}};
        QByteArray output;
        Sandbox sandbox(std::move(command));
        connect(&sandbox, &Sandbox::output, this, [&output](const QByteArray &chunk) { output += chunk; });
        QSignalSpy finished(&sandbox, &Sandbox::finished);
        sandbox.start();
        QTRY_VERIFY_WITH_TIMEOUT(output.contains("ready"), 30'000);
        QVERIFY(output.contains("value=" + secret)); // the build has it
        bool sawTheBuild = false;
        QDirIterator procs(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
        while (procs.hasNext()) {
            QFile cmdline(procs.next() + QStringLiteral("/cmdline"));
            if (!cmdline.open(QIODevice::ReadOnly))
                continue;
            QByteArray line = cmdline.readAll();
            sawTheBuild = sawTheBuild || line.contains("sleep 4.321"); // the scan reaches the sandbox
            QVERIFY2(!line.contains(secret), line.replace('\0', ' ').constData());
        }
        QVERIFY(sawTheBuild);
        QVERIFY(finished.wait(30'000));
    }

    // A value reaches the build byte for byte (quotes, a newline, $ and backticks are not
    // interpreted); a value with a NUL byte cannot be carried and the sandbox refuses to start.
    void variablesArriveExactlyAndNulIsRefused()
    {
        const QString tricky = QStringLiteral("it's \"quoted\" $HOME `id`\nsecond line \\ end");
        SandboxCommand command = shell(QStringLiteral("printf '%s' \"$TRICKY\" > value.txt"));
        command.variables = {{QStringLiteral("TRICKY"), tricky, false}};
        const Run r = run(command);
        QCOMPARE(r.result.exitCode, 0);
        QFile value(m_work + QStringLiteral("/value.txt"));
        QVERIFY(value.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(value.readAll()), tricky);

        SandboxCommand injected = shell(QStringLiteral("echo should-not-run"));
        injected.variables = {
            {QStringLiteral("X"), QStringLiteral("a%1--bind%1/%1/host").arg(QChar(0)), false}};
        const Run refused = run(injected);
        QCOMPARE(refused.result.end, SandboxEnd::FailedToStart);
        QVERIFY(!refused.output.contains("should-not-run"));
    }

    // As root, the site's variables apply only after the drop to the build's uid: LD_PRELOAD of a
    // library from the uploaded tree never loads into a process running as root.
    void variablesApplyOnlyAfterThePrivilegeDrop()
    {
        if (!m_uid)
            QSKIP("runs as root only: a normal user's build has no privilege to drop");
        const QString source = m_work + QStringLiteral("/probe.c");
        QFile c(source);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write("#include <stdio.h>\n#include <unistd.h>\n"
                "__attribute__((constructor)) static void probe(void) {\n"
                "  char path[64]; snprintf(path, sizeof path, \"/build/uid-%d\", (int)getpid());\n"
                "  FILE *f = fopen(path, \"w\"); if (f) { fprintf(f, \"%d\", (int)getuid()); fclose(f); }\n"
                "}\n");
        c.close();
        QProcess cc;
        cc.start(QStringLiteral("cc"), {QStringLiteral("-shared"), QStringLiteral("-fPIC"),
                                        QStringLiteral("-o"), m_work + QStringLiteral("/probe.so"), source});
        QVERIFY(cc.waitForFinished(60'000));
        QCOMPARE(cc.exitCode(), 0);
        QVERIFY(handOver(m_work, m_uid)); // the build may write its tree (as the run's setup does)
        SandboxCommand command = shell(QStringLiteral("true"));
        command.variables = {{QStringLiteral("LD_PRELOAD"), QStringLiteral("/build/probe.so"), false}};
        const Run r = run(command);
        QCOMPARE(r.result.exitCode, 0);
        const QStringList seen = QDir(m_work).entryList({QStringLiteral("uid-*")}, QDir::Files);
        QVERIFY2(!seen.isEmpty(), "the probe library never loaded: the test could not see a root process");
        for (const QString &name : seen) {
            QFile f(m_work + QLatin1Char('/') + name);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), QByteArray::number(*m_uid)); // never "0"
        }
    }

    // Network or not, the build has its own network namespace: the host's loopback services
    // (meshdeckd's admin API, PostgreSQL, Redis) are out of reach, also through slirp4netns' host
    // address 10.0.2.2. With network, the build has an interface, an address and a default route:
    // it reaches the host's outside address (as it would reach the internet), which proves that
    // the listener sees a connection from the sandbox when one gets through.
    void networkLeadsOutButNeverToTheHostsLoopback()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::AnyIPv4));
        QString outside;
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.protocol() == QHostAddress::IPv4Protocol && !address.isLoopback())
                outside = address.toString();
        }
        if (outside.isEmpty())
            QSKIP("the host has no IPv4 address but loopback: nothing outside to reach");
        // slirp4netns opens /dev/net/tun as the user meshdeckd runs as (0666 on a normal host; some
        // containers leave it 0600, and then a non-root run cannot give a build a network).
        if (!m_uid && ::access("/dev/net/tun", R_OK | W_OK) != 0)
            QSKIP("/dev/net/tun is not usable by this user: slirp4netns cannot run here");
        const QString probe =
            QStringLiteral("grep -q tap0: /proc/net/dev && echo interface-tap0; "
                           "grep -q '^tap0[[:space:]]00000000' /proc/net/route && echo default-route; "
                           "grep -q '10.0.2.100' /proc/net/fib_trie && echo address-10.0.2.100; "
                           "grep -qx 'nameserver 10.0.2.3' /etc/resolv.conf && echo resolver-10.0.2.3; "
                           "for to in %1 127.0.0.1 10.0.2.2; do "
                           "  (exec 3<>/dev/tcp/$to/%2) && echo connected-to-$to || echo refused-$to; done")
                .arg(outside)
                .arg(listener.serverPort());
        const auto drain = [&listener] {
            int accepted = 0;
            while (listener.hasPendingConnections() || listener.waitForNewConnection(200)) {
                delete listener.nextPendingConnection();
                ++accepted;
            }
            return accepted;
        };

        SandboxCommand allowed = shell(probe);
        allowed.network = true;
        const Run open = run(allowed);
        QVERIFY2(open.result.end == SandboxEnd::Exited, qPrintable(open.result.description));
        QVERIFY2(open.log.contains("refused-127.0.0.1"), open.output.constData());
        QVERIFY2(open.log.contains("refused-10.0.2.2"), open.output.constData());
        QVERIFY2(open.log.contains("interface-tap0"), open.output.constData());
        QVERIFY(open.log.contains("default-route"));
        QVERIFY(open.log.contains("address-10.0.2.100"));
        QVERIFY(open.log.contains("resolver-10.0.2.3")); // slirp4netns' DNS, whatever the host uses
        QVERIFY2(open.log.contains("connected-to-" + outside.toLatin1()), open.output.constData());
        QVERIFY2(open.output.contains("Connection refused") && open.output.contains("unreachable"),
                 open.output.constData()); // the log says why
        QCOMPARE(drain(), 1);              // the outside connection, and only it

        const Run closed = run(shell(probe));
        QCOMPARE(closed.result.end, SandboxEnd::Exited);
        QVERIFY(!closed.log.contains("interface-tap0"));
        QVERIFY(closed.log.contains("refused-" + outside.toLatin1()));
        QVERIFY(closed.log.contains("refused-127.0.0.1"));
        QVERIFY(closed.log.contains("refused-10.0.2.2"));
        QCOMPARE(drain(), 0);
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
            shell(QStringLiteral("for i in $(seq 200); do sleep 1039 & done; echo spawned; wait"), 20s);
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
        // Killed as soon as the watchdog sees it at its limit, long before the timeout: as a normal
        // user the limit is shared with every process of the user, and a bomb left running until
        // its timeout would leave no process to any other build.
        QVERIFY(clock.elapsed() < 10'000);
        QVERIFY2(r.output.contains("Resource temporarily unavailable"), r.output.right(500).constData());
        QVERIFY2(r.result.end == SandboxEnd::LimitReached, qPrintable(r.result.description));
        QVERIFY2(r.log.last().contains("limit of 24 processes"), r.log.last().constData());
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

    // Many files, each far under the per-file limit, in the tree and in /tmp: the whole build is
    // killed once it has written more than the disk limit in all, and its log says so.
    void stopsManyFilesFillingTheDisk()
    {
        SandboxCommand command = shell(
            QStringLiteral("for i in $(seq 300); do head -c 262144 /dev/zero > f$i.bin; "
                           "head -c 262144 /dev/zero > /tmp/t$i.bin; done; echo wrote-everything; sleep 20"),
            15s);
        command.limits.diskBytes = 8 << 20;
        const Run r = run(command);
        QVERIFY2(r.result.end == SandboxEnd::LimitReached, qPrintable(r.result.description));
        QVERIFY(!r.log.contains("wrote-everything"));
        QVERIFY2(r.log.last().startsWith("[meshdeck] the build wrote more than 8 MB"),
                 r.log.last().constData());
        QVERIFY(Sandbox::diskUsage(m_work) < 150LL * 262144); // stopped long before the end
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "20"}).isEmpty(), 5000);

        // /tmp alone (memory) is sized: two files, each under the file limit, fill it (the
        // watchdog stays under its limit too: /tmp cannot hold more than it).
        SandboxCommand tmp = shell(QStringLiteral(
            "head -c 6000000 /dev/zero > /tmp/a; head -c 6000000 /dev/zero > /tmp/b; echo status=$?"));
        tmp.limits.diskBytes = 8 << 20;
        const Run full = run(tmp);
        QVERIFY2(full.output.contains("No space left on device"), full.output.constData());
        QVERIFY(full.log.contains("status=1"));
    }

    // A multi-line secret (a PEM key) printed by the build: every line of it is masked.
    void masksEveryLineOfAMultiLineSecret()
    {
        const QByteArray line1 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        const QByteArray line2 = "q0VhTRs2Xr1Ff9bTz+3kGx1tMwUq8sFk2nYc0pH5vLz9aJ7e1Ww";
        const QByteArray pem =
            "-----BEGIN PRIVATE KEY-----\n" + line1 + "\n" + line2 + "\n-----END PRIVATE KEY-----";
        SandboxCommand command =
            shell(QStringLiteral("echo \"$KEY\"; printf '%s\\n' \"$KEY\" | sed 's/^/    /'"));
        command.variables = {{QStringLiteral("KEY"), QString::fromLatin1(pem), true}};
        const Run r = run(command);
        QCOMPARE(r.result.exitCode, 0);
        QVERIFY(r.output.contains(line1) && r.output.contains(line2)); // the build printed it
        QCOMPARE(r.log.size(), 9);
        for (const QByteArray &line : r.log)
            QVERIFY2(!line.contains(line1) && !line.contains(line2) && !line.contains("PRIVATE"),
                     line.constData());
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
        // Both are killed with the namespace, in no set order: each is waited for.
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "1037"}).isEmpty(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "1038"}).isEmpty(), 5000);
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
        // The double-forked sleep was re-parented to the namespace's init: it dies with it. Both
        // are killed with the namespace, in no set order: each is waited for, a leak still fails.
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "1040"}).isEmpty(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(processesRunning({"sleep", "1041"}).isEmpty(), 5000);
    }
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
