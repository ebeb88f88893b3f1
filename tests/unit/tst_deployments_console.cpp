#include "testing.h"

#include "api/fakeapiclient.h"
#include "api/realtimeclient.h"
#include "deployments/deploymentscontroller.h"
#include "deployments/deploymentsmodels.h"
#include "shell/desktopnotifier.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Meshdeck::Console;

namespace {
const auto Mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
const QString Sites = QStringLiteral("/v1/sites");
const QString Deployments = QStringLiteral("/v1/sites/s1/deployments");
const QString Variables = QStringLiteral("/v1/sites/s1/variables");
const QString Builds = QStringLiteral("/v1/builds");
const QString Workers = QStringLiteral("/v1/registry/services/build-worker/instances");
const QString Channel = QStringLiteral("sites.s1.deployments.d3");

ApiReply ok(const QJsonObject &body, int status = 200)
{
    return ApiReply{status, QJsonDocument(body), {}};
}

QJsonObject deployment(const QString &id, const QString &status, bool live, const QJsonObject &source = {})
{
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("siteId"), QStringLiteral("s1")},
        {QStringLiteral("status"), status},
        {QStringLiteral("source"),
         source.isEmpty()
             ? QJsonObject{{QStringLiteral("kind"), QStringLiteral("git")},
                           {QStringLiteral("url"), QStringLiteral("https://git.example/docs.git")},
                           {QStringLiteral("branch"), QStringLiteral("main")}}
             : source},
        {QStringLiteral("createdBy"), QStringLiteral("ada")},
        {QStringLiteral("createdAt"), QStringLiteral("2026-11-30T10:00:00Z")},
        {QStringLiteral("durationMs"), status == QLatin1String("ready") ? QJsonValue(83'000) : QJsonValue()},
        {QStringLiteral("artifactBytes"), status == QLatin1String("ready") ? 2'500'000 : 0},
        {QStringLiteral("reason"),
         status == QLatin1String("failed") ? QStringLiteral("exit code 1") : QString()},
        {QStringLiteral("live"), live}};
}

// A backend with one site "docs" (live: d1) and three deployments, newest first: d3 building, d2
// failed, d1 ready and live.
void serveSite(FakeApiClient &api)
{
    api.setReply(Sites,
                 ok({{QStringLiteral("sites"),
                      QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("s1")},
                                             {QStringLiteral("name"), QStringLiteral("docs")},
                                             {QStringLiteral("framework"), QStringLiteral("static")},
                                             {QStringLiteral("liveDeploymentId"), QStringLiteral("d1")}}}}}));
    api.setReply(Deployments,
                 ok({{QStringLiteral("deployments"),
                      QJsonArray{deployment(QStringLiteral("d3"), QStringLiteral("building"), false),
                                 deployment(QStringLiteral("d2"), QStringLiteral("failed"), false),
                                 deployment(QStringLiteral("d1"), QStringLiteral("ready"), true,
                                            {{QStringLiteral("kind"), QStringLiteral("archive")},
                                             {QStringLiteral("uploadName"), QStringLiteral("site.tar.gz")},
                                             {QStringLiteral("uploadBytes"), 1500}})}}}));
    api.setReply(
        Variables,
        ok({{QStringLiteral("variables"),
             QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("v1")},
                                    {QStringLiteral("name"), QStringLiteral("API_URL")},
                                    {QStringLiteral("secret"), false},
                                    {QStringLiteral("value"), QStringLiteral("https://api.example")}},
                        QJsonObject{{QStringLiteral("id"), QStringLiteral("v2")},
                                    {QStringLiteral("name"), QStringLiteral("TOKEN")},
                                    {QStringLiteral("secret"), true},
                                    {QStringLiteral("value"), QJsonValue()}}}}}));
    QJsonObject queued = deployment(QStringLiteral("d3"), QStringLiteral("building"), false);
    queued.insert(QStringLiteral("worker"), QStringLiteral("worker-1"));
    queued.insert(QStringLiteral("siteName"), QStringLiteral("docs"));
    api.setReply(Builds, ok({{QStringLiteral("builds"), QJsonArray{queued}}}));
    // A separate worker process building d3, and a node's idle in-process worker.
    const auto worker = [](const QString &workerId, bool builtin, int port) {
        return QJsonObject{
            {QStringLiteral("id"), QStringLiteral("i-") + workerId},
            {QStringLiteral("service"), QStringLiteral("build-worker")},
            {QStringLiteral("address"), QStringLiteral("127.0.0.1")},
            {QStringLiteral("port"), port},
            {QStringLiteral("status"), QStringLiteral("passing")},
            {QStringLiteral("builtin"), builtin},
            {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("workerId"), workerId},
                                                     {QStringLiteral("nodeId"), QStringLiteral("a")},
                                                     {QStringLiteral("concurrency"), QStringLiteral("2")}}}};
    };
    api.setReply(Workers, ok({{QStringLiteral("service"), QStringLiteral("build-worker")},
                              {QStringLiteral("instances"),
                               QJsonArray{worker(QStringLiteral("worker-1"), false, 40001),
                                          worker(QStringLiteral("a/builds"), true, 7700)}}}));
}

QJsonObject logPage(qint64 from, int count, qint64 total, bool complete)
{
    QJsonArray lines;
    for (qint64 n = from; n < from + count; ++n)
        lines.append(QJsonObject{{QStringLiteral("line"), n},
                                 {QStringLiteral("text"), QStringLiteral("line %1").arg(n)}});
    return {{QStringLiteral("deploymentId"), QStringLiteral("d3")},
            {QStringLiteral("fromLine"), from},
            {QStringLiteral("lines"), lines},
            {QStringLiteral("nextLine"), from + count},
            {QStringLiteral("total"), total},
            {QStringLiteral("complete"), complete}};
}

QString logPath(qint64 from)
{
    return QStringLiteral("/v1/sites/s1/deployments/d3/log?fromLine=%1&limit=10000").arg(from);
}

QVariant role(const QAbstractItemModel *model, int row, int role)
{
    return model->data(model->index(row, 0), role);
}

QJsonObject logMessage(qint64 line, const QString &text)
{
    return {{QStringLiteral("type"), QStringLiteral("log")},
            {QStringLiteral("channel"), Channel},
            {QStringLiteral("line"), line},
            {QStringLiteral("text"), text}};
}
} // namespace

class TestDeploymentsConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsSitesDeploymentsVariablesAndTheQueue()
    {
        FakeApiClient api;
        serveSite(api);
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        QAbstractItemModelTester sitesTester(controller.sites(), Mode);
        QAbstractItemModelTester deploymentsTester(controller.deployments(), Mode);
        QAbstractItemModelTester variablesTester(controller.variables(), Mode);
        QAbstractItemModelTester queueTester(controller.queue(), Mode);

        controller.start();
        QTRY_COMPARE(controller.sites()->rowCount(), 1);
        QCOMPARE(role(controller.sites(), 0, SitesModel::NameRole).toString(), QStringLiteral("docs"));
        QTRY_COMPARE(controller.queue()->rowCount(), 1);
        QCOMPARE(role(controller.queue(), 0, BuildQueueModel::WorkerRole).toString(),
                 QStringLiteral("worker-1"));
        QCOMPARE(role(controller.queue(), 0, BuildQueueModel::SiteNameRole).toString(),
                 QStringLiteral("docs"));
        // The workers, each with what it builds now.
        QAbstractItemModelTester workersTester(controller.workers(), Mode);
        QTRY_COMPARE(controller.workers()->rowCount(), 2);
        QCOMPARE(role(controller.workers(), 0, BuildWorkersModel::BuildingRole).toString(),
                 QStringLiteral("docs d3"));
        QCOMPARE(role(controller.workers(), 0, BuildWorkersModel::BuildingCountRole).toInt(), 1);
        QCOMPARE(role(controller.workers(), 0, BuildWorkersModel::WhereRole).toString(),
                 QStringLiteral("separate process at 127.0.0.1:40001"));
        QCOMPARE(role(controller.workers(), 0, BuildWorkersModel::ConcurrencyRole).toInt(), 2);
        QCOMPARE(role(controller.workers(), 1, BuildWorkersModel::WorkerIdRole).toString(),
                 QStringLiteral("a/builds"));
        QCOMPARE(role(controller.workers(), 1, BuildWorkersModel::WhereRole).toString(),
                 QStringLiteral("in process on node a"));
        QCOMPARE(role(controller.workers(), 1, BuildWorkersModel::BuildingCountRole).toInt(), 0);
        QCOMPARE(role(controller.workers(), 1, BuildWorkersModel::BuildingRole).toString(), QString());

        controller.setSelectedSite(QStringLiteral("s1"));
        QCOMPARE(controller.liveDeployment(), QStringLiteral("d1"));
        const DeploymentsModel *deployments = controller.deployments();
        QTRY_COMPARE(deployments->rowCount(), 3);
        QVERIFY(!deployments->isLoading());
        QCOMPARE(role(deployments, 0, DeploymentsModel::StatusRole).toString(), QStringLiteral("building"));
        QCOMPARE(role(deployments, 0, DeploymentsModel::FinalRole).toBool(), false);
        QCOMPARE(role(deployments, 0, DeploymentsModel::SourceTextRole).toString(),
                 QStringLiteral("git https://git.example/docs.git (main)"));
        QCOMPARE(role(deployments, 1, DeploymentsModel::ReasonRole).toString(),
                 QStringLiteral("exit code 1"));
        QCOMPARE(role(deployments, 2, DeploymentsModel::LiveRole).toBool(), true);
        QCOMPARE(role(deployments, 2, DeploymentsModel::CreatedByRole).toString(), QStringLiteral("ada"));
        QCOMPARE(role(deployments, 2, DeploymentsModel::DurationTextRole).toString(),
                 QStringLiteral("1 min 23 s"));
        QCOMPARE(role(deployments, 2, DeploymentsModel::SizeTextRole).toString(), QStringLiteral("2.5 MB"));
        QCOMPARE(role(deployments, 2, DeploymentsModel::SourceTextRole).toString(),
                 QStringLiteral("archive site.tar.gz (1.5 kB)"));

        // A secret's value never comes from the API; it shows masked, a plain one as it is.
        const VariablesModel *variables = controller.variables();
        QTRY_COMPARE(variables->rowCount(), 2);
        QCOMPARE(role(variables, 0, VariablesModel::ValueTextRole).toString(),
                 QStringLiteral("https://api.example"));
        QCOMPARE(role(variables, 1, VariablesModel::SecretRole).toBool(), true);
        QVERIFY(!role(variables, 1, VariablesModel::ValueTextRole).toString().isEmpty());
    }

    void aFailedRequestIsShownAsTheProblemNotAsAnEmptyList()
    {
        FakeApiClient api;
        serveSite(api);
        api.setReply(Deployments, FakeApiClient::problem(503, QStringLiteral("unavailable"),
                                                         QStringLiteral("The sites store is unavailable.")));
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        QAbstractItemModelTester deploymentsTester(controller.deployments(), Mode);
        controller.start();
        controller.setSelectedSite(QStringLiteral("s1"));
        QTRY_VERIFY(!controller.deployments()->error().isEmpty());
        QVERIFY(
            controller.deployments()->error().contains(QStringLiteral("The sites store is unavailable.")));
        QCOMPARE(controller.deployments()->rowCount(), 0);
    }

    // No worker registered is an empty list; a registry that fails is shown as the failure.
    void theWorkersAreEmptyOnlyWhenNoneRegistered()
    {
        FakeApiClient api;
        serveSite(api);
        api.setReply(Workers, FakeApiClient::problem(404, QStringLiteral("not-found"),
                                                     QStringLiteral("No instance of service build-worker.")));
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        QAbstractItemModelTester workersTester(controller.workers(), Mode);
        controller.start();
        QTRY_COMPARE(controller.queue()->rowCount(), 1);
        QTRY_VERIFY(!controller.workers()->isLoading());
        QCOMPARE(controller.workers()->rowCount(), 0);
        QVERIFY(controller.workers()->error().isEmpty());

        api.setReply(Workers, FakeApiClient::problem(503, QStringLiteral("unavailable"),
                                                     QStringLiteral("The registry store is unavailable.")));
        controller.refresh();
        QTRY_VERIFY(
            controller.workers()->error().contains(QStringLiteral("The registry store is unavailable.")));
        QCOMPARE(controller.workers()->rowCount(), 0);
    }

    void eachActionSendsItsRequestAndAFailureSaysWhy()
    {
        FakeApiClient api;
        serveSite(api);
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        controller.start();
        controller.setSelectedSite(QStringLiteral("s1"));
        QTRY_COMPARE(controller.deployments()->rowCount(), 3);
        QSignalSpy finished(&controller, &DeploymentsController::actionFinished);

        api.setReply(
            QStringLiteral("PATCH /v1/sites/s1/deployments/d2/activate"),
            FakeApiClient::problem(409, QStringLiteral("conflict"),
                                   QStringLiteral("Deployment d2 failed; only a ready one can be live.")));
        controller.activate(QStringLiteral("d2"));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("only a ready one can be live")));

        api.setReply(QStringLiteral("POST ") + Deployments,
                     ok(deployment(QStringLiteral("d4"), QStringLiteral("queued"), false), 201));
        api.setReply(QStringLiteral("POST /v1/sites/s1/deployments/d1/redeploy"), ok({}, 201));
        api.setReply(QStringLiteral("POST /v1/sites/s1/deployments/d3/cancel"), ok({}));
        api.setReply(QStringLiteral("DELETE /v1/sites/s1/deployments/d2"), ApiReply{204, {}, {}});
        api.setReply(QStringLiteral("PATCH /v1/sites/s1/deployments/d1/activate"), ok({}));
        controller.activate(QStringLiteral("d1"));
        controller.cancel(QStringLiteral("d3"));
        controller.redeploy(QStringLiteral("d1"));
        controller.deleteDeployment(QStringLiteral("d2"));
        controller.deployGit(QStringLiteral("https://git.example/docs.git"), QStringLiteral("release"));
        QTemporaryDir dir;
        const QString archive = dir.filePath(QStringLiteral("site.tar.gz"));
        QFile file(archive);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\x1f\x8b fake gzip");
        file.close();
        controller.deployArchive(QUrl::fromLocalFile(archive));
        QTRY_COMPARE(finished.count(), 7);
        for (int i = 1; i < finished.count(); ++i)
            QVERIFY2(finished.at(i).at(0).toBool(), qPrintable(finished.at(i).at(1).toString()));

        QStringList sent;
        QByteArray gitBody;
        QByteArray uploaded;
        for (const auto &[key, body] : api.posted()) {
            sent << key;
            if (key == QStringLiteral("POST ") + Deployments)
                gitBody = body;
            if (key.startsWith(QStringLiteral("UPLOAD")))
                uploaded = body;
        }
        QVERIFY(sent.contains(QStringLiteral("PATCH /v1/sites/s1/deployments/d1/activate")));
        QVERIFY(sent.contains(QStringLiteral("POST /v1/sites/s1/deployments/d3/cancel")));
        QVERIFY(sent.contains(QStringLiteral("POST /v1/sites/s1/deployments/d1/redeploy")));
        QVERIFY(sent.contains(QStringLiteral("DELETE /v1/sites/s1/deployments/d2")));
        QVERIFY(sent.contains(QStringLiteral("UPLOAD application/gzip ") + Deployments));
        QCOMPARE(uploaded, QByteArray("\x1f\x8b fake gzip"));
        const QJsonObject git = QJsonDocument::fromJson(gitBody).object();
        QCOMPARE(git.value(QStringLiteral("source")).toString(), QStringLiteral("git"));
        QCOMPARE(git.value(QStringLiteral("branch")).toString(), QStringLiteral("release"));
    }

    void theConfirmationSaysWhatWillHappen()
    {
        FakeApiClient api;
        serveSite(api);
        api.setReply(Deployments,
                     ok({{QStringLiteral("deployments"),
                          QJsonArray{deployment(QStringLiteral("d3"), QStringLiteral("ready"), false),
                                     deployment(QStringLiteral("d2"), QStringLiteral("ready"), true),
                                     deployment(QStringLiteral("d1"), QStringLiteral("ready"), false)}}}));
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        controller.start();
        QTRY_COMPARE(controller.sites()->rowCount(), 1);
        api.setReply(
            Sites,
            ok({{QStringLiteral("sites"),
                 QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("s1")},
                                        {QStringLiteral("name"), QStringLiteral("docs")},
                                        {QStringLiteral("liveDeploymentId"), QStringLiteral("d2")}}}}}));
        controller.refresh();
        controller.setSelectedSite(QStringLiteral("s1"));
        QTRY_COMPARE(controller.deployments()->rowCount(), 3);
        QTRY_COMPARE(controller.liveDeployment(), QStringLiteral("d2"));
        QCOMPARE(controller.describeAction(QStringLiteral("activate"), QStringLiteral("d3")),
                 QStringLiteral("Activate deployment d3: site docs will serve it instead of d2."));
        QCOMPARE(controller.describeAction(QStringLiteral("activate"), QStringLiteral("d1")),
                 QStringLiteral(
                     "Roll back to deployment d1: site docs will serve it instead of d2, with no rebuild."));
    }

    void theLogIsReadByPagesThenFollowedLiveWithNoGap()
    {
        FakeApiClient api;
        serveSite(api);
        api.setReply(logPath(1), ok(logPage(1, 10000, 10002, false)));
        api.setReply(logPath(10001), ok(logPage(10001, 2, 10002, true)));
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        QAbstractItemModelTester logTester(controller.log(), Mode);
        controller.start();
        controller.setSelectedSite(QStringLiteral("s1"));
        QTRY_COMPARE(controller.deployments()->rowCount(), 3);
        controller.setSelectedDeployment(QStringLiteral("d3"));
        QCOMPARE(realtime.subscribers(Channel), 1); // followed before the pages are read
        QTRY_COMPARE(controller.log()->lineCount(), 10002);
        QTRY_VERIFY(!controller.log()->isLoading());
        QVERIFY(controller.logError().isEmpty());

        // Live lines: one the pages already had is skipped, the next is appended.
        Q_EMIT realtime.message(Channel, logMessage(10002, QStringLiteral("line 10002")));
        Q_EMIT realtime.message(Channel, logMessage(10003, QStringLiteral("line 10003")));
        QTRY_COMPARE(controller.log()->lineCount(), 10003);
        QCOMPARE(controller.log()->textOf(10002, 10002), QStringLiteral("line 10003"));

        // A gap (lines lost while the socket was down): the log is asked from the first missing line.
        api.setReply(logPath(10004), ok(logPage(10004, 3, 10006, true)));
        Q_EMIT realtime.message(Channel, logMessage(10006, QStringLiteral("line 10006")));
        QTRY_COMPARE(controller.log()->lineCount(), 10006);
        QVERIFY(api.requestedPaths().contains(logPath(10004)));
        QCOMPARE(controller.log()->textOf(10003, 10005),
                 QStringLiteral("line 10004\nline 10005\nline 10006"));

        // Subscribed again after a reconnect, with no later live line: the lines written meanwhile
        // are read by pages all the same.
        api.setReply(logPath(10007), ok(logPage(10007, 2, 10008, true)));
        Q_EMIT realtime.subscribed(Channel, 0, 0);
        QTRY_COMPARE(controller.log()->lineCount(), 10008);
        QCOMPARE(controller.log()->textOf(10007, 10007), QStringLiteral("line 10008"));

        // Another deployment: the old channel is left.
        controller.setSelectedDeployment(QStringLiteral("d1"));
        QCOMPARE(realtime.subscribers(Channel), 0);
    }

    void aLogThatCannotBeReadSaysWhy()
    {
        FakeApiClient api;
        serveSite(api);
        api.setReply(logPath(1), FakeApiClient::problem(404, QStringLiteral("not-found"),
                                                        QStringLiteral("Deployment d3 has no log yet.")));
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        controller.start();
        controller.setSelectedSite(QStringLiteral("s1"));
        controller.setSelectedDeployment(QStringLiteral("d3"));
        QTRY_VERIFY(controller.logError().contains(QStringLiteral("Deployment d3 has no log yet.")));
    }

    void anEventOnTheTopicRefetchesAndAFailedBuildIsAnnounced()
    {
        FakeApiClient api;
        serveSite(api);
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        QAbstractItemModelTester deploymentsTester(controller.deployments(), Mode);
        QSignalSpy failed(&controller, &DeploymentsController::buildFailed);
        controller.start();
        QCOMPARE(realtime.subscribers(QStringLiteral("events.deployments")), 1);
        controller.setSelectedSite(QStringLiteral("s1"));
        QTRY_COMPARE(controller.deployments()->rowCount(), 3);
        QTRY_COMPARE(controller.sites()->rowCount(), 1);

        // Another console's deploy: the list is fetched again and shows it.
        api.setReply(Deployments,
                     ok({{QStringLiteral("deployments"),
                          QJsonArray{deployment(QStringLiteral("d4"), QStringLiteral("queued"), false),
                                     deployment(QStringLiteral("d3"), QStringLiteral("failed"), false),
                                     deployment(QStringLiteral("d2"), QStringLiteral("failed"), false),
                                     deployment(QStringLiteral("d1"), QStringLiteral("ready"), true)}}}));
        const auto event = [](const QString &id, const QString &status) {
            return QJsonObject{{QStringLiteral("offset"), 7},
                               {QStringLiteral("type"), QStringLiteral("deployment.status_changed")},
                               {QStringLiteral("data"),
                                QJsonObject{{QStringLiteral("deploymentId"), id},
                                            {QStringLiteral("siteId"), QStringLiteral("s1")},
                                            {QStringLiteral("status"), status},
                                            {QStringLiteral("reason"), QStringLiteral("exit code 2")}}}};
        };
        Q_EMIT realtime.event(QStringLiteral("events.deployments"),
                              event(QStringLiteral("d4"), QStringLiteral("queued")));
        QTRY_COMPARE(controller.deployments()->rowCount(), 4);
        QCOMPARE(failed.count(), 0); // a queued deployment is not a failure…
        Q_EMIT realtime.event(QStringLiteral("events.deployments"),
                              event(QStringLiteral("d3"), QStringLiteral("failed")));
        QTRY_COMPARE(failed.count(), 1); // …a failed build is, once
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("docs"));
        QCOMPARE(failed.at(0).at(1).toString(), QStringLiteral("d3"));
        QCOMPARE(failed.at(0).at(2).toString(), QStringLiteral("exit code 2"));

        // The followed deployment's own channel changes its row at once.
        controller.setSelectedDeployment(QStringLiteral("d4"));
        Q_EMIT realtime.message(QStringLiteral("sites.s1.deployments.d4"),
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("status")},
                                            {QStringLiteral("deploymentId"), QStringLiteral("d4")},
                                            {QStringLiteral("status"), QStringLiteral("building")}});
        QCOMPARE(role(controller.deployments(), 0, DeploymentsModel::StatusRole).toString(),
                 QStringLiteral("building"));
    }

    void aFailedBuildIsADesktopNotificationOnlyInTheBackground()
    {
        FakeApiClient api;
        serveSite(api);
        RealtimeClient realtime;
        DeploymentsController controller(&api, &realtime);
        DesktopNotifier notifier;
        Qt::ApplicationState state = Qt::ApplicationActive;
        notifier.setStateSource([&state] { return state; });
        QStringList shown;
        notifier.setSink([&shown](const QString &summary, const QString &body) {
            shown << summary + QStringLiteral(": ") + body;
            return true;
        });
        connect(&controller, &DeploymentsController::buildFailed, &notifier, &DesktopNotifier::buildFailed);
        controller.start();
        QTRY_COMPARE(controller.sites()->rowCount(), 1);
        const auto failed = [](const QString &id) {
            return QJsonObject{{QStringLiteral("offset"), 1},
                               {QStringLiteral("data"),
                                QJsonObject{{QStringLiteral("deploymentId"), id},
                                            {QStringLiteral("siteId"), QStringLiteral("s1")},
                                            {QStringLiteral("status"), QStringLiteral("failed")},
                                            {QStringLiteral("reason"), QStringLiteral("exit code 1")}}}};
        };
        // In front: the page shows it; no notification.
        QSignalSpy announced(&controller, &DeploymentsController::buildFailed);
        Q_EMIT realtime.event(QStringLiteral("events.deployments"), failed(QStringLiteral("d2")));
        QCOMPARE(announced.count(), 1); // the failure was seen…
        QCOMPARE(shown.size(), 0);      // …and not notified
        state = Qt::ApplicationInactive;
        Q_EMIT realtime.event(QStringLiteral("events.deployments"), failed(QStringLiteral("d3")));
        QCOMPARE(shown, QStringList{QStringLiteral("A build of docs failed: Deployment d3: exit code 1")});
    }
};

QTEST_GUILESS_MAIN(TestDeploymentsConsole)
#include "tst_deployments_console.moc"
