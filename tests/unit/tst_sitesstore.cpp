#include "postgresserver.h"
#include "testing.h"

#include "platform/principal.h"
#include "services/sites/deploymentsstore.h"
#include "services/sites/sitesservice.h"
#include "services/sites/sitesstore.h"
#include "storage/database.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <mutex>

using namespace Meshdeck;
using namespace Meshdeck::Sites;
using namespace Meshdeck::Testing;
using namespace std::chrono_literals;

namespace {
// Records what the service publishes.
class RecordingPublisher : public EventPublisher
{
public:
    QFuture<Result<void>> ensureSystemTopic(QString topic, QByteArray) override
    {
        topics << topic;
        return QtFuture::makeReadyFuture(Result<void>());
    }
    QFuture<Result<QList<qint64>>> publishEvents(QString topic, QList<EventInput> batch, QString) override
    {
        for (const EventInput &e : batch)
            events << qMakePair(topic, QJsonDocument::fromJson(e.data).object());
        return QtFuture::makeReadyFuture(Result<QList<qint64>>(QList<qint64>{0}));
    }
    // "status (reason)" of each deployment.status_changed of this deployment, in order.
    QStringList statusesOf(const QString &deploymentId) const
    {
        QStringList out;
        for (const auto &[topic, data] : events) {
            if (topic == QLatin1String("deployments") &&
                data.value(QStringLiteral("deploymentId")).toString() == deploymentId)
                out << data.value(QStringLiteral("status")).toString();
        }
        return out;
    }
    QStringList topics;
    QList<QPair<QString, QJsonObject>> events;
};

// Stands in for a realtime session on a deployment's channel.
class Inbox : public QObject
{
    Q_OBJECT
public:
    Inbox()
        : mailbox(std::make_shared<Realtime::Mailbox>(this, 100'000))
    {}
    Q_INVOKABLE void drainMailbox()
    {
        for (const QByteArray &m : mailbox->take())
            messages << QJsonDocument::fromJson(m).object();
    }
    QList<qint64> logLines() const
    {
        QList<qint64> out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("log"))
                out << qint64(m.value(QStringLiteral("line")).toDouble());
        }
        return out;
    }
    QStringList statuses() const
    {
        QStringList out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("status"))
                out << m.value(QStringLiteral("status")).toString();
        }
        return out;
    }
    std::shared_ptr<Realtime::Mailbox> mailbox;
    QList<QJsonObject> messages;
};

template<typename T> T waitFuture(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10'000))
        throw std::runtime_error("the future did not finish within 10 s");
    return future.result();
}

QList<BuildLogLine> lines(qint64 from, qint64 to, const QByteArray &prefix = "line ")
{
    QList<BuildLogLine> out;
    for (qint64 n = from; n <= to; ++n)
        out.append({n, prefix + QByteArray::number(n)});
    return out;
}
} // namespace

// The sites store and the build queue, through the service a worker calls (unit/sitesstore and _pg).
class TestSitesStore : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QTemporaryDir m_dataDir;
    ManualClock m_clock;
    RecordingPublisher m_events;
    QString m_location;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<SitesService> m_sites;

    void open(SitesSettings settings = {})
    {
        m_sites.reset();
        m_db = std::make_unique<Storage::Database>();
        m_location = m_databases.freshLocation(QStringLiteral("sites"));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
        const auto opened = waitForTask(
            m_db->open(m_location, {{QStringLiteral("sites"), SitesStore::migrations()}}), 30'000);
        QVERIFY2(opened.ok, qPrintable(opened.error));
        settings.dataDir = m_dataDir.path();
        settings.clock = &m_clock;
        settings.sweepIntervalMs = 3'600'000; // the tests sweep themselves
        m_events.events.clear();
        m_sites = std::make_unique<SitesService>(settings, m_db.get(), &m_events, SecretBox::ephemeral());
        QCOMPARE(waitForTask(m_sites->start()), QString());
    }

    Site makeSite(const QString &name)
    {
        const Result<Site> site = waitForTask(m_sites->createSite(QJsonObject{
            {QStringLiteral("name"), name}, {QStringLiteral("buildCommand"), QStringLiteral("make")}}));
        if (!site)
            throw std::runtime_error(site.error().reason.toStdString());
        return *site;
    }

    Deployment queue(const Site &site)
    {
        DeploymentSource source;
        source.kind = BuildSourceKind::Git;
        source.gitUrl = QStringLiteral("https://example.org/repo.git");
        source.gitBranch = QStringLiteral("main");
        const Result<Deployment> d =
            waitForTask(m_sites->createDeployment(site.id, newId(), source, QStringLiteral("user:test")));
        if (!d)
            throw std::runtime_error(d.error().reason.toStdString());
        return *d;
    }

    BuildJob claim(const QString &worker, std::chrono::seconds lease = 30s)
    {
        const Result<std::optional<BuildJob>> job = waitFuture(m_sites->claim(worker, lease));
        if (!job)
            throw std::runtime_error(job.error().reason.toStdString());
        if (!job->has_value())
            throw std::runtime_error("nothing to claim");
        return **job;
    }

    DeploymentStatus statusOf(const Site &site, const QString &id)
    {
        const Result<DeploymentDetail> d = waitForTask(m_sites->deployment(site.id, id));
        if (!d)
            throw std::runtime_error(d.error().reason.toStdString());
        return d->deployment.status;
    }

private Q_SLOTS:
    void initTestCase() { qInfo() << "dialect:" << m_databases.dialectName(); }
    void init() { open(); }
    void cleanup()
    {
        m_sites.reset();
        m_db.reset();
    }

    void sitesAreCreatedChangedAndRefusedWithReasons()
    {
        const Site docs = makeSite(QStringLiteral("docs"));
        QCOMPARE(docs.spec.buildTimeoutSeconds, 900);
        QCOMPARE(docs.spec.network, false);
        const Result<Site> again =
            waitForTask(m_sites->createSite({{QStringLiteral("name"), QStringLiteral("docs")}}));
        QVERIFY(!again);
        QCOMPARE(again.error().kind, ErrorKind::Conflict);
        const Result<Site> bad =
            waitForTask(m_sites->createSite({{QStringLiteral("name"), QStringLiteral("Docs!")}}));
        QVERIFY(!bad);
        QCOMPARE(bad.error().field, QStringLiteral("name"));
        const Result<Site> traversal =
            waitForTask(m_sites->createSite({{QStringLiteral("name"), QStringLiteral("x")},
                                             {QStringLiteral("outputDirectory"), QStringLiteral("../etc")}}));
        QVERIFY(!traversal);
        QCOMPARE(traversal.error().field, QStringLiteral("outputDirectory"));
        const auto changed = waitForTask(m_sites->updateSite(
            docs.id, {{QStringLiteral("network"), true}, {QStringLiteral("buildTimeoutSeconds"), 60}}));
        QVERIFY(changed);
        QCOMPARE(changed->second.spec.network, true);
        QCOMPARE(changed->second.spec.name, QStringLiteral("docs"));
        QCOMPARE(waitForTask(m_sites->site(docs.id))->spec.buildTimeoutSeconds, 60);
        QCOMPARE(waitForTask(m_sites->sites())->size(), 1);
    }

    void variablesAreSealedAndSecretsWriteOnly()
    {
        const Site site = makeSite(QStringLiteral("vars"));
        const QString secretValue = QStringLiteral("hunter2-very-secret");
        const Result<Variable> secret =
            waitForTask(m_sites->createVariable(site.id, {{QStringLiteral("name"), QStringLiteral("TOKEN")},
                                                          {QStringLiteral("value"), secretValue},
                                                          {QStringLiteral("secret"), true}}));
        QVERIFY(secret);
        const Result<Variable> plain = waitForTask(
            m_sites->createVariable(site.id, {{QStringLiteral("name"), QStringLiteral("NODE_ENV")},
                                              {QStringLiteral("value"), QStringLiteral("production")}}));
        QVERIFY(plain);
        const Result<QList<Variable>> all = waitForTask(m_sites->variables(site.id));
        QCOMPARE(all->size(), 2);
        for (const Variable &v : *all) {
            const QJsonObject json = v.toJson(m_sites->plainValue(v));
            if (v.name == QLatin1String("TOKEN"))
                QVERIFY(json.value(QStringLiteral("value")).isNull());
            else
                QCOMPARE(json.value(QStringLiteral("value")).toString(), QStringLiteral("production"));
        }
        // The database holds sealed bytes only.
        const Result<QList<Variable>> raw = waitForTask(
            m_db->attempt([id = site.id](QSqlDatabase &db) { return SitesStore::variables(db, id); }));
        for (const Variable &v : *raw) {
            QVERIFY(SecretBox::isSealed(v.sealedValue));
            QVERIFY(!v.sealedValue.contains(secretValue.toUtf8()));
        }
        // Making a secret plain needs a new value: the old one is never shown.
        const auto refused =
            waitForTask(m_sites->updateVariable(site.id, secret->id, {{QStringLiteral("secret"), false}}));
        QVERIFY(!refused);
        QCOMPARE(refused.error().field, QStringLiteral("value"));
        // The build gets the plain value, marked secret so the worker masks it.
        queue(site);
        const BuildJob job = claim(QStringLiteral("w1"));
        QCOMPARE(job.variables.size(), 2);
        for (const BuildVariable &v : job.variables) {
            if (v.name == QLatin1String("TOKEN")) {
                QCOMPARE(v.value, secretValue);
                QVERIFY(v.secret);
            }
        }
    }

    void claimsTakeTheOldestBuildWithANewToken()
    {
        const Site site = makeSite(QStringLiteral("queue"));
        const Deployment first = queue(site);
        m_clock.advance(1);
        const Deployment second = queue(site);
        const BuildJob a = claim(QStringLiteral("w1"));
        QCOMPARE(a.deploymentId, first.id);
        QCOMPARE(a.fencingToken, 1);
        QCOMPARE(a.workerId, QStringLiteral("w1"));
        QCOMPARE(a.gitBranch, QStringLiteral("main"));
        QCOMPARE(a.buildCommand, QStringLiteral("make"));
        QVERIFY(a.deploymentDir.endsWith(QStringLiteral("/sites/%1/deployments/%2/").arg(site.id, first.id)));
        const BuildJob b = claim(QStringLiteral("w2"));
        QCOMPARE(b.deploymentId, second.id);
        const Result<std::optional<BuildJob>> none = waitFuture(m_sites->claim(QStringLiteral("w3"), 30s));
        QVERIFY(none);
        QVERIFY(!none->has_value());
        QCOMPARE(statusOf(site, first.id), DeploymentStatus::Building);
        QCOMPARE(m_events.statusesOf(first.id),
                 (QStringList{QStringLiteral("queued"), QStringLiteral("building")}));
        const Result<QList<QueuedBuild>> builds = waitForTask(m_sites->builds());
        QCOMPARE(builds->size(), 2);
        QCOMPARE(builds->first().deployment.worker, QStringLiteral("w1"));
        QCOMPARE(builds->first().siteName, QStringLiteral("queue"));
        // The queue says why each build is where it is: who queued it, which worker builds it.
        QCOMPARE(builds->last().deployment.reason, QStringLiteral("building on w2"));
        const Deployment third = queue(site);
        const Result<DeploymentDetail> waiting = waitForTask(m_sites->deployment(site.id, third.id));
        QCOMPARE(waiting->deployment.reason, QStringLiteral("queued by user:test"));
    }

    void aLostWorkerIsRequeuedOnceThenFailedAndFencedOut()
    {
        const Site site = makeSite(QStringLiteral("lost"));
        const Deployment d = queue(site);
        const BuildJob first = claim(QStringLiteral("w1"), 10s);
        QVERIFY(waitFuture(m_sites->renew(d.id, first.fencingToken, 10s)));
        QVERIFY(waitFuture(m_sites->appendLog(d.id, first.fencingToken, lines(1, 2))));
        // Within the lease nothing is swept; past it, the build is requeued and the old holder
        // can write nothing.
        m_clock.advance(9'000);
        QCOMPARE(*waitForTask(m_sites->sweep()), 0);
        m_clock.advance(2'000);
        const Result<void> late = waitFuture(m_sites->appendLog(d.id, first.fencingToken, lines(3, 3)));
        QVERIFY(!late);
        QCOMPARE(late.error().code, QByteArray("lease-lost"));
        QCOMPARE(*waitForTask(m_sites->sweep()), 1);
        QCOMPARE(statusOf(site, d.id), DeploymentStatus::Queued);
        const BuildJob second = claim(QStringLiteral("w2"), 10s);
        QCOMPARE(second.deploymentId, d.id);
        QCOMPARE(second.fencingToken, first.fencingToken + 1);
        // The dead worker's late writes are refused while the new holder's go through.
        QVERIFY(!waitFuture(m_sites->renew(d.id, first.fencingToken, 10s)));
        QVERIFY(
            !waitFuture(m_sites->finish(d.id, first.fencingToken, BuildOutcome{BuildEnd::Ready, {}, {}, 1})));
        // The new holder numbers from 1 again; its lines follow the first attempt's with no gap.
        QVERIFY(waitFuture(m_sites->appendLog(d.id, second.fencingToken, lines(1, 1, "second "))));
        const Result<LogPage> page = waitForTask(m_sites->readLog(site.id, d.id, 1, 100));
        QCOMPARE(page->total, 3);
        QCOMPARE(page->lines.last().line, 3);
        QCOMPARE(page->lines.last().text, QByteArray("second 1"));
        // Lost again: no attempt left, so it fails with the reason, never left building.
        m_clock.advance(11'000);
        QCOMPARE(*waitForTask(m_sites->sweep()), 1);
        const Result<DeploymentDetail> failed = waitForTask(m_sites->deployment(site.id, d.id));
        QCOMPARE(failed->deployment.status, DeploymentStatus::Failed);
        QCOMPARE(failed->deployment.reason, QStringLiteral("worker lost"));
        QCOMPARE(m_events.statusesOf(d.id),
                 (QStringList{QStringLiteral("queued"), QStringLiteral("building"), QStringLiteral("queued"),
                              QStringLiteral("building"), QStringLiteral("failed")}));
        QStringList history;
        for (const StatusChange &c : failed->history)
            history << statusName(c.status);
        QCOMPARE(history, m_events.statusesOf(d.id));
        QVERIFY(!waitFuture(
            m_sites->finish(d.id, second.fencingToken, BuildOutcome{BuildEnd::Ready, {}, {}, 1})));
    }

    void aClaimSweepsExpiredLeasesFirst()
    {
        const Site site = makeSite(QStringLiteral("sweep-on-claim"));
        const Deployment d = queue(site);
        const BuildJob first = claim(QStringLiteral("w1"), 5s);
        m_clock.advance(6'000);
        const BuildJob again = claim(QStringLiteral("w2"), 5s); // no timer ran: the claim swept
        QCOMPARE(again.deploymentId, d.id);
        QCOMPARE(again.fencingToken, first.fencingToken + 1);
    }

    void cancelQueuedEndsAtOnceAndBuildingWhenTheWorkerStops()
    {
        const Site site = makeSite(QStringLiteral("cancel"));
        const Deployment queued = queue(site);
        const Result<Deployment> canceled =
            waitForTask(m_sites->cancel(site.id, queued.id, QStringLiteral("user:u")));
        QVERIFY(canceled);
        QCOMPARE(canceled->status, DeploymentStatus::Canceled);
        QCOMPARE(statusOf(site, queued.id), DeploymentStatus::Canceled);
        QVERIFY(!waitForTask(m_sites->cancel(site.id, queued.id, QStringLiteral("user:u"))));

        const Deployment building = queue(site);
        const BuildJob job = claim(QStringLiteral("w1"));
        const Result<LeaseState> before = waitFuture(m_sites->renew(building.id, job.fencingToken, 30s));
        QVERIFY(before);
        QVERIFY(!before->cancelRequested); // proves the flag below comes from the cancel
        QVERIFY(waitForTask(m_sites->cancel(site.id, building.id, QStringLiteral("user:u"))));
        QCOMPARE(statusOf(site, building.id), DeploymentStatus::Building);
        const Result<LeaseState> told = waitFuture(m_sites->renew(building.id, job.fencingToken, 30s));
        QVERIFY(told->cancelRequested);
        // Whatever the worker reports, a build asked to cancel ends canceled.
        QVERIFY(waitFuture(
            m_sites->finish(building.id, job.fencingToken, BuildOutcome{BuildEnd::Ready, {}, {}, 5})));
        const Result<DeploymentDetail> ended = waitForTask(m_sites->deployment(site.id, building.id));
        QCOMPARE(ended->deployment.status, DeploymentStatus::Canceled);
        QVERIFY(ended->deployment.reason.contains(QStringLiteral("user:u")));
    }

    void theLogResumesFromAnyLineWithNoGap()
    {
        const Site site = makeSite(QStringLiteral("log"));
        const Deployment d = queue(site);
        Inbox early; // subscribed before any line
        auto subscription = std::make_shared<Realtime::Subscription>();
        subscription->channel = SitesChannel::channelName(site.id, d.id);
        subscription->mailbox = early.mailbox;
        subscription->id = 1;
        subscription->principal = std::make_shared<Principal>(Principal::adminToken());
        QCOMPARE(m_sites->channel()->open(subscription), QString());
        const BuildJob job = claim(QStringLiteral("w1"));
        for (qint64 from = 1; from <= 2500; from += 500)
            QVERIFY(waitFuture(m_sites->appendLog(d.id, job.fencingToken, lines(from, from + 499))));
        // A retried batch is not stored twice; a gap is refused with the line expected.
        QVERIFY(waitFuture(m_sites->appendLog(d.id, job.fencingToken, lines(2401, 2501))));
        const Result<void> gap = waitFuture(m_sites->appendLog(d.id, job.fencingToken, lines(2600, 2600)));
        QVERIFY(!gap);
        QCOMPARE(gap.error().code, QByteArray("log-gap"));
        QVERIFY(gap.error().reason.contains(QStringLiteral("2502")));

        const Result<LogPage> page = waitForTask(m_sites->readLog(site.id, d.id, 1234, 300));
        QVERIFY(page);
        QCOMPARE(page->total, 2501);
        QCOMPARE(page->lines.size(), 300);
        QCOMPARE(page->lines.first().line, 1234);
        QCOMPARE(page->lines.first().text, QByteArray("line 1234"));
        QCOMPARE(page->lines.last().text, QByteArray("line 1533"));
        QVERIFY(!page->complete);
        const Result<LogPage> tail = waitForTask(m_sites->readLog(site.id, d.id, 2500, 300));
        QCOMPARE(tail->lines.size(), 2);
        QFile file(m_sites->logPath(site.id, d.id));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().count('\n'), 2501);

        // A session that joins late replays from its line, then follows live: no gap, no repeat.
        Inbox late;
        auto resumed = std::make_shared<Realtime::Subscription>(*subscription);
        resumed->mailbox = late.mailbox;
        resumed->id = 2;
        resumed->request = QJsonObject{{QStringLiteral("fromLine"), 2000}};
        QCOMPARE(m_sites->channel()->open(resumed), QString());
        QVERIFY(waitFuture(m_sites->appendLog(d.id, job.fencingToken, lines(2502, 2510))));
        QVERIFY(waitFuture(m_sites->finish(d.id, job.fencingToken,
                                           BuildOutcome{BuildEnd::Failed, QStringLiteral("exit 1"), {}, 0})));
        QTRY_COMPARE(late.statuses(), QStringList{QStringLiteral("failed")});
        QList<qint64> expected;
        for (qint64 n = 2000; n <= 2510; ++n)
            expected << n;
        QCOMPARE(late.logLines(), expected);
        QTRY_COMPARE(early.logLines().size(), 2510);
        QCOMPARE(early.statuses(), (QStringList{QStringLiteral("building"), QStringLiteral("failed")}));
        m_sites->channel()->close(subscription);
        m_sites->channel()->close(resumed);
        QVERIFY(waitForTask(m_sites->readLog(site.id, d.id, 2511, 10))->complete);
    }

    // Cluster mode: lines written on another node reach this node's subscribers by catchUp(), read
    // from the database, while this node's own lines are posted at once. A subscriber gets line N
    // only right after N - 1, so neither path skips or repeats a line; the status changes come from
    // the committed history, the first catch-up telling the current one.
    void catchUpFillsAGapBeforeLaterLinesInOrder()
    {
        SitesChannel channel([this](const QString &, const QString &) {
            return m_dataDir.filePath(QStringLiteral("no-such.log"));
        });
        const QString s = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString d = QUuid::createUuid().toString(QUuid::WithoutBraces);
        Inbox inbox;
        auto subscription = std::make_shared<Realtime::Subscription>();
        subscription->channel = SitesChannel::channelName(s, d);
        subscription->mailbox = inbox.mailbox;
        subscription->id = 7;
        subscription->principal = std::make_shared<Principal>(Principal::adminToken());
        subscription->request = QJsonObject{{QStringLiteral("fromLine"), 3}};
        QCOMPARE(channel.open(subscription), QString());
        QCOMPARE(channel.watched(s, d)->fromLine, 3);
        const auto numbered = [](qint64 from, qint64 to) {
            QList<LogLine> out;
            for (qint64 n = from; n <= to; ++n)
                out.append({n, "line " + QByteArray::number(n)});
            return out;
        };
        {
            std::lock_guard lock(channel.logMutex());
            channel.postLogLocked(s, d, numbered(8, 9)); // ahead: waits
            channel.postLogLocked(s, d, numbered(1, 2)); // before fromLine
        }
        inbox.drainMailbox(); // what was posted so far (posting is synchronous)
        QCOMPARE(inbox.logLines(), QList<qint64>{});
        const QList<StatusChange> history{{DeploymentStatus::Queued, 1000, QStringLiteral("queued")},
                                          {DeploymentStatus::Building, 2000, QStringLiteral("claimed")}};
        channel.catchUp(s, d, numbered(3, 9), history, false);
        channel.catchUp(s, d, numbered(3, 9), history, false); // again: nothing
        {
            std::lock_guard lock(channel.logMutex());
            channel.postLogLocked(s, d, numbered(10, 10));
        }
        QCOMPARE(channel.watched().size(), 1);
        channel.catchUp(
            s, d, numbered(10, 10),
            history + QList<StatusChange>{{DeploymentStatus::Ready, 3000, QStringLiteral("built")}}, true);
        QVERIFY(channel.watched().isEmpty()); // settled: the sweep leaves it alone
        QVERIFY(channel.watched(s, d));       // a word about it still reaches it
        QTRY_COMPARE(inbox.logLines(), (QList<qint64>{3, 4, 5, 6, 7, 8, 9, 10}));
        QTRY_COMPARE(inbox.statuses(), (QStringList{QStringLiteral("building"), QStringLiteral("ready")}));
        QCOMPARE(inbox.messages.last().value(QStringLiteral("from")).toString(), QStringLiteral("building"));
        channel.close(subscription);
        QVERIFY(!channel.watched(s, d));
    }

    void activateOnlyReadyAndNeverPruned()
    {
        SitesSettings settings;
        settings.retention = 2;
        open(settings);
        const Site site = makeSite(QStringLiteral("live"));
        const Deployment queued = queue(site);
        const Result<Site> refused = waitForTask(m_sites->activate(site.id, queued.id));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QByteArray("deployment-not-ready"));
        QList<QString> ready;
        m_clock.advance(1);
        for (int i = 0; i < 4; ++i) {
            if (i > 0)
                queue(site);
            const BuildJob job = claim(QStringLiteral("w"));
            QVERIFY(QDir().mkpath(job.deploymentDir));
            QVERIFY(
                waitFuture(m_sites->finish(job.deploymentId, job.fencingToken,
                                           BuildOutcome{BuildEnd::Ready, QStringLiteral("built"), {}, 10})));
            ready << job.deploymentId;
            if (i == 0)
                QVERIFY(waitForTask(m_sites->activate(site.id, job.deploymentId)));
            m_clock.advance(1);
        }
        // Retention kept the newest two and the live one (the first); the second was pruned.
        QTRY_VERIFY(waitForTask(m_sites->deployment(site.id, ready[1]))->deployment.pruned);
        QVERIFY(!QFileInfo::exists(m_sites->deploymentDir(site.id, ready[1])));
        QVERIFY(!waitForTask(m_sites->deployment(site.id, ready[0]))->deployment.pruned);
        QVERIFY(QFileInfo::exists(m_sites->deploymentDir(site.id, ready[0])));
        const Result<Site> pruned = waitForTask(m_sites->activate(site.id, ready[1]));
        QVERIFY(!pruned);
        QCOMPARE(pruned.error().code, QByteArray("deployment-pruned"));
        QVERIFY(pruned.error().reason.contains(QStringLiteral("retention")));
        // Rollback and forward: an activate of any ready one.
        QCOMPARE(waitForTask(m_sites->activate(site.id, ready[3]))->liveDeploymentId, ready[3]);
        QCOMPARE(waitForTask(m_sites->activate(site.id, ready[0]))->liveDeploymentId, ready[0]);
        QVERIFY(!waitForTask(m_sites->deleteDeployment(site.id, ready[0]))); // live
        QVERIFY(waitForTask(m_sites->deleteDeployment(site.id, ready[3])));
        QVERIFY(waitForTask(m_sites->deleteSite(site.id)));
        QVERIFY(!QFileInfo::exists(m_sites->siteDir(site.id)));
        QVERIFY(!waitForTask(m_sites->site(site.id)));
    }

    // Several workers on their own connections claiming at once never get the same build.
    void concurrentClaimersNeverShareABuild()
    {
        const Site site = makeSite(QStringLiteral("race"));
        constexpr int Builds = 24;
        for (int i = 0; i < Builds; ++i) {
            queue(site);
            m_clock.advance(1);
        }
        const bool postgres = m_databases.postgres();
        const QString location = m_location;
        std::mutex mutex;
        QStringList claimed;
        std::atomic<int> conflicts{0};
        const qint64 now = m_clock.nowMs();
        QList<QThread *> threads;
        for (int t = 0; t < 4; ++t) {
            threads << QThread::create([&, t] {
                const QString name = QStringLiteral("claimer%1").arg(t);
                {
                    QSqlDatabase db = QSqlDatabase::addDatabase(
                        postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), name);
                    if (postgres) {
                        const QUrl url(location);
                        db.setHostName(url.host());
                        db.setPort(url.port());
                        db.setUserName(url.userName());
                        db.setDatabaseName(url.path().mid(1));
                    } else {
                        db.setDatabaseName(location);
                        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
                    }
                    if (!db.open())
                        qFatal("cannot open %s", qPrintable(db.lastError().text()));
                    // A claim may come back empty while another holds the row it looked at: go on
                    // until every build is taken (bounded, so a lost build fails the test).
                    int empty = 0;
                    while (empty < 500) {
                        {
                            std::lock_guard lock(mutex);
                            if (claimed.size() >= Builds)
                                break;
                        }
                        try {
                            const auto result = DeploymentsStore::claim(db, name, now, 60'000, 2);
                            if (!result.claimed) {
                                ++empty;
                                continue;
                            }
                            std::lock_guard lock(mutex);
                            claimed << result.claimed->id;
                        } catch (const Storage::StoreError &) {
                            ++conflicts; // SQLite: a writer was busy; try again
                        }
                    }
                    db.close();
                }
                QSqlDatabase::removeDatabase(name);
            });
            threads.last()->start();
        }
        for (QThread *thread : std::as_const(threads)) {
            QVERIFY(thread->wait(60'000));
            delete thread;
        }
        qInfo() << "claims:" << claimed.size() << "retried after a busy writer:" << conflicts.load();
        QCOMPARE(QSet<QString>(claimed.begin(), claimed.end()).size(), claimed.size()); // no build twice
        QCOMPARE(claimed.size(), Builds);
    }
};

QTEST_GUILESS_MAIN(TestSitesStore)
#include "tst_sitesstore.moc"
