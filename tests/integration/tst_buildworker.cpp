// The build worker end to end with the real bubblewrap sandbox and an in-memory BuildQueue that
// enforces fencing tokens and gap-free log numbering like the real one: real static sites built
// from a tarball, a directory and a local git repository; timeout; cancel; a lost lease.
#include "build/buildworker.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Meshdeck;
using namespace Meshdeck::Build;
using namespace std::chrono_literals;

namespace {

template<typename T> QFuture<T> ready(T value)
{
    return QtFuture::makeReadyFuture(std::move(value));
}

class FakeQueue : public BuildQueue
{
public:
    struct Entry {
        BuildJob job;
        bool leased = false;
        bool finished = false;
        qint64 token = 0;
        bool cancel = false;
        bool conflictAnswered = false;
        int callsAfterConflict = 0;
        int appendCalls = 0;
        int gapErrors = 0;
        int renewCalls = 0;
        int revokeAtRenew = 0; // > 0: the lease goes to another claim at that renew call
        QList<BuildLogLine> log;
        std::optional<BuildOutcome> outcome;
    };

    QList<Entry> entries;
    qint64 nextToken = 1;

    void enqueue(BuildJob job)
    {
        Entry e;
        e.job = std::move(job);
        entries.append(std::move(e));
    }
    Entry &entry(const QString &id)
    {
        for (Entry &e : entries) {
            if (e.job.deploymentId == id)
                return e;
        }
        qFatal("no deployment %s", qPrintable(id));
    }
    // The lease expired and the build went to someone else: the holder's token is stale.
    void revoke(const QString &id) { entry(id).token = nextToken++; }
    QByteArray logText(const QString &id)
    {
        QByteArray text;
        for (const BuildLogLine &line : entry(id).log)
            text += line.text + '\n';
        return text;
    }

    QFuture<Result<std::optional<BuildJob>>> claim(QString workerId, std::chrono::seconds) override
    {
        for (Entry &e : entries) {
            if (!e.leased) {
                e.leased = true;
                e.token = nextToken++;
                e.job.fencingToken = e.token;
                e.job.workerId = workerId;
                return ready(Result<std::optional<BuildJob>>(std::optional<BuildJob>(e.job)));
            }
        }
        return ready(Result<std::optional<BuildJob>>(std::optional<BuildJob>()));
    }

    QFuture<Result<LeaseState>> renew(QString id, qint64 token, std::chrono::seconds) override
    {
        if (++entry(id).renewCalls == entry(id).revokeAtRenew)
            revoke(id);
        if (auto error = fence(id, token))
            return ready(Result<LeaseState>(*error));
        return ready(Result<LeaseState>(LeaseState{entry(id).cancel}));
    }

    QFuture<Result<void>> appendLog(QString id, qint64 token, QList<BuildLogLine> lines) override
    {
        if (auto error = fence(id, token))
            return ready(Result<void>(*error));
        Entry &e = entry(id);
        ++e.appendCalls;
        for (const BuildLogLine &line : lines) {
            if (line.number != e.log.size() + 1) {
                ++e.gapErrors;
                return ready(Result<void>(Error::invalid(QStringLiteral("lines"), QStringLiteral("gap"))));
            }
            e.log.append(line);
        }
        return ready(Result<void>());
    }

    QFuture<Result<void>> finish(QString id, qint64 token, BuildOutcome outcome) override
    {
        if (auto error = fence(id, token))
            return ready(Result<void>(*error));
        Entry &e = entry(id);
        e.finished = true;
        e.outcome = std::move(outcome);
        return ready(Result<void>());
    }

private:
    std::optional<Error> fence(const QString &id, qint64 token)
    {
        Entry &e = entry(id);
        if (e.leased && !e.finished && token == e.token)
            return std::nullopt;
        if (e.conflictAnswered)
            ++e.callsAfterConflict;
        e.conflictAnswered = true;
        return Error::conflict(QStringLiteral("lease lost"), QByteArrayLiteral("lease-lost"));
    }
};

bool anyProcess(const QList<QByteArray> &argv)
{
    const QByteArray wanted = argv.join('\0') + '\0';
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll() == wanted)
            return true;
    }
    return false;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int run(const QString &program, const QStringList &args, const QString &dir)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start(program, args);
    if (!process.waitForFinished(30'000))
        return -1;
    return process.exitCode();
}

} // namespace

class TestBuildWorker : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_base;
    FakeQueue m_queue;
    std::unique_ptr<BuildWorker> m_worker;
    int m_counter = 0;

    BuildJob job(const QString &build = QString())
    {
        BuildJob j;
        j.deploymentId = QStringLiteral("dep-%1").arg(++m_counter);
        j.siteId = QStringLiteral("site-1");
        j.deploymentDir = m_base.filePath(QStringLiteral("sites/site-1/deployments/") + j.deploymentId);
        j.buildCommand = build;
        j.timeoutSeconds = 60;
        QDir().mkpath(j.deploymentDir);
        return j;
    }

    void startWorker(WorkerOptions options = {})
    {
        m_worker = std::make_unique<BuildWorker>(&m_queue, options);
        m_worker->start();
    }

    // Waits for the queue to hold an outcome for the deployment.
    bool waitForOutcome(const QString &id, int ms = 20000)
    {
        QElapsedTimer clock;
        clock.start();
        while (!m_queue.entry(id).outcome.has_value() && clock.elapsed() < ms)
            QTest::qWait(20);
        if (!m_queue.entry(id).outcome.has_value())
            qWarning().noquote() << "no outcome for" << id << "; its log so far:\n" << m_queue.logText(id);
        return m_queue.entry(id).outcome.has_value();
    }

    void checkLogNumbering(const QString &id)
    {
        const FakeQueue::Entry &e = m_queue.entry(id);
        QCOMPARE(e.gapErrors, 0);
        for (int i = 0; i < e.log.size(); ++i)
            QCOMPARE(e.log[i].number, qint64(i + 1));
    }

private slots:
    void initTestCase() { QVERIFY(m_base.isValid()); }

    void cleanup()
    {
        m_worker.reset();
        m_queue.entries.clear();
    }

    void buildsAStaticSiteFromATarball()
    {
        const QString source = m_base.filePath(QStringLiteral("tarball-src"));
        writeFile(source + QStringLiteral("/index.html"), "<h1>from the tarball</h1>");
        writeFile(source + QStringLiteral("/about.html"), "about");
        BuildJob j =
            job(QStringLiteral("mkdir -p dist && cp *.html dist/ && echo token=$API_TOKEN && echo built"));
        j.sourceKind = BuildSourceKind::Archive;
        j.sourcePath = j.deploymentDir + QStringLiteral("/source.tar.gz");
        QCOMPARE(
            run(QStringLiteral("tar"),
                {QStringLiteral("-czf"), j.sourcePath, QStringLiteral("-C"), source, QStringLiteral(".")},
                m_base.path()),
            0);
        j.framework = QStringLiteral("static");
        j.outputDirectory = QStringLiteral("dist");
        j.variables = {{QStringLiteral("API_TOKEN"), QStringLiteral("hunter2-secret"), true}};
        m_queue.enqueue(j);
        startWorker();
        QVERIFY(waitForOutcome(j.deploymentId));
        const BuildOutcome outcome = *m_queue.entry(j.deploymentId).outcome;
        const QByteArray log = m_queue.logText(j.deploymentId);
        QVERIFY2(outcome.end == BuildEnd::Ready,
                 qPrintable(outcome.reason + QLatin1Char('\n') + QString::fromUtf8(log)));
        QCOMPARE(outcome.artifactPath, j.deploymentDir + QStringLiteral("/build.tar.gz"));
        QCOMPARE(outcome.artifactBytes, QFileInfo(outcome.artifactPath).size());
        QCOMPARE(readFile(j.deploymentDir + QStringLiteral("/site/index.html")),
                 QByteArray("<h1>from the tarball</h1>"));
        QVERIFY(QFile::exists(j.deploymentDir + QStringLiteral("/site/about.html")));
        // The scratch tree and this claim's staging names are gone.
        QCOMPARE(QDir(j.deploymentDir)
                     .entryList({QStringLiteral("src*"), QStringLiteral("*.part"), QStringLiteral("build-*")},
                                QDir::AllEntries),
                 QStringList());
        QVERIFY(log.contains("\nbuilt\n"));
        QVERIFY(
            log.contains("token=\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"));
        QVERIFY(!log.contains("hunter2-secret"));
        checkLogNumbering(j.deploymentId);
    }

    void detectsAStaticSiteInADirectory()
    {
        const QString source = m_base.filePath(QStringLiteral("dir-src"));
        writeFile(source + QStringLiteral("/index.html"), "from a directory");
        writeFile(source + QStringLiteral("/css/site.css"), "p{}");
        BuildJob j = job();
        j.sourceKind = BuildSourceKind::Directory;
        j.sourcePath = source;
        m_queue.enqueue(j);
        startWorker();
        QVERIFY(waitForOutcome(j.deploymentId));
        const BuildOutcome outcome = *m_queue.entry(j.deploymentId).outcome;
        QVERIFY2(outcome.end == BuildEnd::Ready, qPrintable(outcome.reason));
        QVERIFY(m_queue.logText(j.deploymentId).contains("detected the framework: static"));
        QCOMPARE(readFile(j.deploymentDir + QStringLiteral("/site/index.html")),
                 QByteArray("from a directory"));
        QCOMPARE(readFile(j.deploymentDir + QStringLiteral("/site/css/site.css")), QByteArray("p{}"));
        checkLogNumbering(j.deploymentId);
    }

    void detectsAndBuildsANodeSite()
    {
        // No dependencies: npm ci runs offline; the build script writes dist/ with node.
        const QString source = m_base.filePath(QStringLiteral("node-src"));
        writeFile(source + QStringLiteral("/package.json"),
                  R"({"name":"site","version":"1.0.0","private":true,"scripts":{"build":"node build.js"}})");
        writeFile(source + QStringLiteral("/package-lock.json"),
                  R"({"name":"site","version":"1.0.0","lockfileVersion":3,"requires":true,)"
                  R"("packages":{"":{"name":"site","version":"1.0.0"}}})");
        writeFile(
            source + QStringLiteral("/build.js"),
            "require('fs').mkdirSync('dist',{recursive:true});"
            "require('fs').writeFileSync('dist/index.html','built by node');console.log('node build done');");
        BuildJob j = job();
        j.sourceKind = BuildSourceKind::Directory;
        j.sourcePath = source;
        m_queue.enqueue(j);
        startWorker();
        QVERIFY(waitForOutcome(j.deploymentId, 120'000));
        const BuildOutcome outcome = *m_queue.entry(j.deploymentId).outcome;
        const QByteArray log = m_queue.logText(j.deploymentId);
        QVERIFY2(outcome.end == BuildEnd::Ready,
                 qPrintable(outcome.reason + QLatin1Char('\n') + QString::fromUtf8(log)));
        QVERIFY(log.contains("detected the framework: node"));
        QVERIFY(log.contains("[meshdeck] $ npm ci"));
        QVERIFY(log.contains("[meshdeck] $ npm run build"));
        QVERIFY(log.contains("node build done"));
        QCOMPARE(readFile(j.deploymentDir + QStringLiteral("/site/index.html")), QByteArray("built by node"));
        checkLogNumbering(j.deploymentId);
    }

    void clonesABranchOfALocalRepository()
    {
        const QString repo = m_base.filePath(QStringLiteral("repo"));
        QDir().mkpath(repo);
        const QStringList identity{QStringLiteral("-c"), QStringLiteral("user.name=Test"),
                                   QStringLiteral("-c"), QStringLiteral("user.email=test@example.invalid")};
        QCOMPARE(
            run(QStringLiteral("git"),
                {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main")},
                repo),
            0);
        writeFile(repo + QStringLiteral("/index.html"), "main branch");
        QCOMPARE(run(QStringLiteral("git"), {QStringLiteral("add"), QStringLiteral(".")}, repo), 0);
        QCOMPARE(run(QStringLiteral("git"),
                     identity +
                         QStringList{QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("one")},
                     repo),
                 0);
        QCOMPARE(run(QStringLiteral("git"),
                     {QStringLiteral("checkout"), QStringLiteral("-qb"), QStringLiteral("release")}, repo),
                 0);
        writeFile(repo + QStringLiteral("/index.html"), "release branch");
        QCOMPARE(run(QStringLiteral("git"),
                     identity +
                         QStringList{QStringLiteral("commit"), QStringLiteral("-qam"), QStringLiteral("two")},
                     repo),
                 0);
        QCOMPARE(run(QStringLiteral("git"),
                     {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("main")}, repo),
                 0);

        BuildJob j = job();
        j.sourceKind = BuildSourceKind::Git;
        j.gitUrl = repo;
        j.gitBranch = QStringLiteral("release");
        m_queue.enqueue(j);
        // A branch that is a shell line is only ever a (missing) branch name.
        const QString pwned = m_base.filePath(QStringLiteral("pwned"));
        BuildJob hostile = job();
        hostile.sourceKind = BuildSourceKind::Git;
        hostile.gitUrl = repo;
        hostile.gitBranch = QStringLiteral("$(touch /build/pwned);touch %1").arg(pwned);
        m_queue.enqueue(hostile);
        startWorker();
        QVERIFY(waitForOutcome(j.deploymentId));
        const BuildOutcome outcome = *m_queue.entry(j.deploymentId).outcome;
        QVERIFY2(outcome.end == BuildEnd::Ready,
                 qPrintable(outcome.reason + QLatin1Char('\n') +
                            QString::fromUtf8(m_queue.logText(j.deploymentId))));
        QCOMPARE(readFile(j.deploymentDir + QStringLiteral("/site/index.html")),
                 QByteArray("release branch"));
        QVERIFY(m_queue.logText(j.deploymentId).contains("cloning branch release"));
        checkLogNumbering(j.deploymentId);

        QVERIFY(waitForOutcome(hostile.deploymentId));
        QCOMPARE(m_queue.entry(hostile.deploymentId).outcome->end, BuildEnd::Failed);
        QVERIFY(m_queue.logText(hostile.deploymentId).contains("not found"));
        QVERIFY(!QFile::exists(pwned));
    }

    void killsABuildPastItsTimeout()
    {
        BuildJob j = job(QStringLiteral("echo started; sleep 1042"));
        j.sourceKind = BuildSourceKind::Directory;
        j.sourcePath = m_base.filePath(QStringLiteral("timeout-src"));
        writeFile(j.sourcePath + QStringLiteral("/index.html"), "x");
        j.timeoutSeconds = 3;
        m_queue.enqueue(j);
        startWorker();
        QTRY_VERIFY_WITH_TIMEOUT(anyProcess({"sleep", "1042"}), 10'000); // a survivor would be seen
        QVERIFY(waitForOutcome(j.deploymentId, 20'000));
        const BuildOutcome outcome = *m_queue.entry(j.deploymentId).outcome;
        QCOMPARE(outcome.end, BuildEnd::Failed);
        QCOMPARE(outcome.reason, QStringLiteral("build timed out after 3 s"));
        QVERIFY(m_queue.logText(j.deploymentId).contains("[meshdeck] build timed out after 3 s"));
        QTRY_VERIFY_WITH_TIMEOUT(!anyProcess({"sleep", "1042"}), 5000);
        checkLogNumbering(j.deploymentId);
    }

    void cancelKillsTheBuild()
    {
        BuildJob j = job(QStringLiteral("echo started; sleep 1043"));
        j.sourceKind = BuildSourceKind::Directory;
        j.sourcePath = m_base.filePath(QStringLiteral("cancel-src"));
        writeFile(j.sourcePath + QStringLiteral("/index.html"), "x");
        m_queue.enqueue(j);
        WorkerOptions options;
        options.lease = 3s; // renewed every second: a cancel is seen within one
        startWorker(options);
        QTRY_VERIFY_WITH_TIMEOUT(m_queue.logText(j.deploymentId).contains("\nstarted\n"), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(anyProcess({"sleep", "1043"}), 5000);
        m_queue.entry(j.deploymentId).cancel = true;
        QVERIFY(waitForOutcome(j.deploymentId, 10'000));
        const BuildOutcome outcome = *m_queue.entry(j.deploymentId).outcome;
        QCOMPARE(outcome.end, BuildEnd::Canceled);
        QVERIFY(m_queue.logText(j.deploymentId).contains("canceled by a user"));
        QTRY_VERIFY_WITH_TIMEOUT(!anyProcess({"sleep", "1043"}), 5000);
        checkLogNumbering(j.deploymentId);
    }

    // The build went to another claim while this one was packaging: the served files (written by
    // that other claim) stay as they are, and nothing of this claim's is left behind.
    void aLeaseLostAtPackagingPublishesNothing()
    {
        BuildJob j = job(QStringLiteral("mkdir -p dist && echo mine > dist/index.html"));
        j.sourceKind = BuildSourceKind::Directory;
        j.sourcePath = m_base.filePath(QStringLiteral("packaging-src"));
        j.outputDirectory = QStringLiteral("dist");
        writeFile(j.sourcePath + QStringLiteral("/index.html"), "x");
        writeFile(j.deploymentDir + QStringLiteral("/site/index.html"), "the other claim's");
        m_queue.enqueue(j);
        m_queue.entries.last().revokeAtRenew = 1; // the renew right before publishing
        startWorker();
        QSignalSpy finished(m_worker.get(), &BuildWorker::buildFinished);
        QVERIFY(finished.wait(30'000));
        const FakeQueue::Entry &e = m_queue.entry(j.deploymentId);
        QCOMPARE(e.renewCalls, 1); // the check was made (and lost)
        QVERIFY(!e.outcome.has_value());
        QCOMPARE(readFile(j.deploymentDir + QStringLiteral("/site/index.html")),
                 QByteArray("the other claim's"));
        QVERIFY(!QFile::exists(j.deploymentDir + QStringLiteral("/build.tar.gz")));
        QCOMPARE(QDir(j.deploymentDir)
                     .entryList({QStringLiteral("src*"), QStringLiteral("*.part"), QStringLiteral("build-*")},
                                QDir::AllEntries),
                 QStringList());
    }

    void aLostLeaseStopsTheBuildAndItsWrites()
    {
        BuildJob j = job(QStringLiteral("sleep 1044 & while true; do echo tick; sleep 0.05; done"));
        j.sourceKind = BuildSourceKind::Directory;
        j.sourcePath = m_base.filePath(QStringLiteral("lease-src"));
        writeFile(j.sourcePath + QStringLiteral("/index.html"), "x");
        m_queue.enqueue(j);
        startWorker();
        QSignalSpy finished(m_worker.get(), &BuildWorker::buildFinished);
        // The log keeps arriving while the lease holds: a write after the loss would be seen.
        QTRY_VERIFY_WITH_TIMEOUT(m_queue.entry(j.deploymentId).appendCalls >= 3, 10'000);
        QVERIFY(anyProcess({"sleep", "1044"}));
        m_queue.revoke(j.deploymentId);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(0).at(1).value<std::optional<BuildEnd>>(), std::optional<BuildEnd>());
        QTRY_VERIFY_WITH_TIMEOUT(!anyProcess({"sleep", "1044"}), 5000);
        QTest::qWait(500); // five flush intervals and more: any late write would have been made
        const FakeQueue::Entry &e = m_queue.entry(j.deploymentId);
        QVERIFY(e.conflictAnswered);
        QCOMPARE(e.callsAfterConflict, 0);
        QVERIFY(!e.outcome.has_value());
        QCOMPARE(m_worker->runningBuilds(), 0);
    }

    void numbersALongLogWithoutGaps()
    {
        BuildJob j = job(QStringLiteral("seq 1 20000"));
        j.sourceKind = BuildSourceKind::Directory;
        j.sourcePath = m_base.filePath(QStringLiteral("seq-src"));
        writeFile(j.sourcePath + QStringLiteral("/index.html"), "x");
        m_queue.enqueue(j);
        startWorker();
        QVERIFY(waitForOutcome(j.deploymentId));
        QCOMPARE(m_queue.entry(j.deploymentId).outcome->end, BuildEnd::Ready);
        checkLogNumbering(j.deploymentId);
        const FakeQueue::Entry &e = m_queue.entry(j.deploymentId);
        QVERIFY(e.appendCalls > 1);
        QList<QByteArray> numbers;
        for (const BuildLogLine &line : e.log) {
            if (!line.text.startsWith("[meshdeck]"))
                numbers.append(line.text);
        }
        QCOMPARE(numbers.size(), 20000);
        for (int i = 0; i < numbers.size(); ++i)
            QCOMPARE(numbers[i], QByteArray::number(i + 1));
    }

    void thePollPicksUpQueuedBuildsInParallel()
    {
        WorkerOptions options;
        options.concurrency = 2;
        startWorker(options);
        BuildJob first = job(QStringLiteral("sleep 2"));
        BuildJob second = job(QStringLiteral("sleep 2"));
        for (BuildJob *j : {&first, &second}) {
            j->sourceKind = BuildSourceKind::Directory;
            j->sourcePath = m_base.filePath(QStringLiteral("pickup-src"));
            writeFile(j->sourcePath + QStringLiteral("/index.html"), "x");
            m_queue.enqueue(*j);
        }
        // Nothing wakes the worker here: its poll finds both (how fast: tests/bench/deploy-pickup.sh).
        QTRY_VERIFY_WITH_TIMEOUT(m_queue.entry(first.deploymentId).leased, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_queue.entry(second.deploymentId).leased, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(m_worker->runningBuilds(), 2, 10'000); // both at once: each sleeps 2 s
        QVERIFY(waitForOutcome(first.deploymentId));
        QVERIFY(waitForOutcome(second.deploymentId));
        // wake() claims at once, without waiting for the poll.
        m_worker->stop();
        WorkerOptions slow;
        slow.pollInterval = 60s;
        startWorker(slow);
        BuildJob third = job();
        third.sourceKind = BuildSourceKind::Directory;
        third.sourcePath = first.sourcePath;
        m_queue.enqueue(third);
        QVERIFY(!m_queue.entry(third.deploymentId).leased);
        m_worker->wake();
        QVERIFY(m_queue.entry(third.deploymentId).leased);
        QVERIFY(waitForOutcome(third.deploymentId));
    }
};

QTEST_GUILESS_MAIN(TestBuildWorker)
#include "tst_buildworker.moc"
