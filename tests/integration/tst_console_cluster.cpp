#include "clusternodes.h"
#include "testing.h"

#include "api/httpapiclient.h"
#include "api/realtimeclient.h"
#include "clusters/secretstore.h"
#include "shell/console.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {

// One authenticated call to a backend at `url` (the local stack has no BackendProcess).
RawResponse call(const QUrl &url, const QByteArray &token, const QByteArray &method, const QByteArray &path,
                 const QByteArray &body = {})
{
    RawHttp c;
    if (!c.connectTo(quint16(url.port())))
        return {};
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token + "\r\n";
    if (!body.isEmpty() || method == "POST")
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    c.send(r + "\r\n" + body);
    return c.read(10'000);
}

// Publishes one event of `type` on the topic "orders"; its offset, or -1.
qint64 publish(const QUrl &url, const QByteArray &token, const QString &type)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("events"),
                                   QJsonArray{QJsonObject{{QStringLiteral("type"), type},
                                                          {QStringLiteral("data"), QJsonObject{}}}}}})
            .toJson(QJsonDocument::Compact);
    return firstPublishedOffset(call(url, token, "POST", "/v1/events/topics/orders/events", body));
}

// A backend with the topic "orders" holding `events` events of type "<name>.event" and one
// instance of the service "<name>-svc": everything a live view shows is marked with its name.
bool seed(const QUrl &url, const QByteArray &token, const QString &name, int events)
{
    if (call(url, token, "POST", "/v1/events/topics", "{\"name\":\"orders\"}").status != 201)
        return false;
    for (int i = 0; i < events; ++i) {
        if (publish(url, token, name + QStringLiteral(".event")) != i)
            return false;
    }
    return call(url, token, "POST", "/v1/registry/services/" + name.toUtf8() + "-svc/instances",
                "{\"address\":\"10.0.0.1\",\"port\":8080,\"check\":{\"ttlMs\":60000}}")
               .status == 201;
}

QList<qint64> range(qint64 from, qint64 to) // [from, to)
{
    QList<qint64> out;
    for (qint64 i = from; i < to; ++i)
        out << i;
    return out;
}

QStringList column(const QAbstractItemModel *model, int role)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row)
        out << model->data(model->index(row, 0), role).toString();
    return out;
}

QList<qint64> tailOffsets(EventTailModel *tail)
{
    QList<qint64> out;
    for (int row = 0; row < tail->rowCount(); ++row)
        out << tail->data(tail->index(row), EventTailModel::OffsetRole).toLongLong();
    return out;
}

// The console as the app builds it (the real HTTP client), with its profiles in a temporary file
// and their credentials in a fake keychain.
struct ConsoleUnderTest {
    explicit ConsoleUnderTest(const QString &dir)
    {
        Console::Options options;
        options.backendProgram = binary(QStringLiteral("meshdeckd"));
        options.dataDir = dir + QStringLiteral("/local-stack");
        options.secrets = &secrets;
        options.profilesFile = dir + QStringLiteral("/profiles.ini");
        options.summaryIntervalMs = 3'600'000; // the summary is not under test here
        console = std::make_unique<Console>(options, &api);
    }
    // Saves a profile; its id, or empty.
    QString addProfile(const QString &name, const QList<QUrl> &urls, const QByteArray &token)
    {
        QStringList texts;
        for (const QUrl &url : urls)
            texts << url.toString();
        QSignalSpy saved(console->profiles(), &ProfilesModel::saved);
        const QString problem =
            console->profiles()->save({{QStringLiteral("name"), name},
                                       {QStringLiteral("urls"), texts.join(QLatin1Char('\n'))},
                                       {QStringLiteral("colour"), QStringLiteral("#2e86de")},
                                       {QStringLiteral("trust"), QStringLiteral("system")},
                                       {QStringLiteral("credential"), QStringLiteral("adminToken")}},
                                      QString::fromLatin1(token));
        if (!problem.isEmpty() || !(saved.size() == 1 || saved.wait(5000)))
            return {};
        return saved.at(0).at(0).toString();
    }
    bool connectedTo(const QUrl &url) const
    {
        return console->connection()->state() == BackendConnection::State::Connected &&
               console->connection()->url() == url;
    }

    FakeSecretStore secrets;
    HttpApiClient api;
    std::unique_ptr<Console> console;
};

} // namespace

// The console's client layer (the classes the app uses, offscreen) against real meshdeckd nodes.
class TestConsoleCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Local stack -> cluster alpha -> cluster beta -> local stack: at each switch every live
    // view is empty and loading at once, and then shows only the new backend's rows.
    void switchingLeavesNoRowOfThePreviousAttachment()
    {
        QTemporaryDir dir;
        BackendProcess alpha, beta;
        QVERIFY(alpha.start());
        QVERIFY(beta.start());
        QVERIFY(seed(alpha.url(), alpha.token(), QStringLiteral("alpha"), 3));
        QVERIFY(seed(beta.url(), beta.token(), QStringLiteral("beta"), 2));

        ConsoleUnderTest t(dir.path());
        Console &console = *t.console;
        const QString alphaId = t.addProfile(QStringLiteral("alpha"), {alpha.url()}, alpha.token());
        const QString betaId = t.addProfile(QStringLiteral("beta"), {beta.url()}, beta.token());
        QVERIFY(!alphaId.isEmpty() && !betaId.isEmpty());
        EventsController *events = console.events();
        RegistryController *registry = console.registry();
        QAbstractItemModelTester tailTester(events->tail(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester servicesTester(registry->services(),
                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester membersTester(console.clusterMembers(),
                                               QAbstractItemModelTester::FailureReportingMode::QtTest);

        // Every row the tail and the services list take, with the attachment they arrived under.
        QString current = QStringLiteral("local");
        QStringList strays;
        QObject watching; // ends the connections below before the locals they use
        connect(
            events->tail(), &QAbstractItemModel::rowsInserted, &watching,
            [&](const QModelIndex &, int first, int last) {
                for (int row = first; row <= last; ++row) {
                    const QString type =
                        events->tail()->data(events->tail()->index(row), EventTailModel::TypeRole).toString();
                    if (!type.startsWith(current + QLatin1Char('.')))
                        strays
                            << QStringLiteral("%1 row in the tail while attached to %2").arg(type, current);
                }
            });
        const auto checkServices = [&] {
            for (const QString &service : column(registry->services(), ServicesModel::NameRole)) {
                if (service.endsWith(QStringLiteral("-svc")) && service != current + QStringLiteral("-svc"))
                    strays << QStringLiteral("%1 listed while attached to %2").arg(service, current);
            }
        };
        connect(registry->services(), &QAbstractItemModel::rowsInserted, &watching, checkServices);
        connect(registry->services(), &QAbstractItemModel::modelReset, &watching, checkServices);

        // The local stack, seeded like the clusters once it runs.
        console.startUp();
        QTRY_VERIFY_WITH_TIMEOUT(t.connectedTo(console.localStack()->url()), 20'000);
        const QUrl localUrl = console.localStack()->url();
        const QByteArray localToken = console.localStack()->token();
        QVERIFY(seed(localUrl, localToken, QStringLiteral("local"), 4));
        events->refreshTopics();
        QTRY_VERIFY(events->topics()->indexOf(QStringLiteral("orders")) >= 0);
        events->selectTopic(QStringLiteral("orders")); // then the tail keeps to it on every backend
        strays.clear();                                // the system topic tailed until now

        struct Stop {
            QString name;
            QString id; // empty: the local stack
            QUrl url;
            QByteArray token;
            int events;
        };
        const QList<Stop> stops{{QStringLiteral("local"), {}, localUrl, localToken, 4},
                                {QStringLiteral("alpha"), alphaId, alpha.url(), alpha.token(), 3},
                                {QStringLiteral("beta"), betaId, beta.url(), beta.token(), 2},
                                {QStringLiteral("local"), {}, localUrl, localToken, 4}};
        for (qsizetype i = 0; i < stops.size(); ++i) {
            const Stop &stop = stops.at(i);
            if (i > 0) {
                // Proof that the views are full of the previous backend before the switch.
                QVERIFY(events->tail()->rowCount() > 0);
                QVERIFY(registry->services()->rowCount() > 0);
                QVERIFY(console.clusterMembers()->rowCount() > 0);
                // A service and an instance of the previous backend chosen on the Services page.
                const Stop &before = stops.at(i - 1);
                registry->setSelectedService(before.name + QStringLiteral("-svc"));
                QTRY_COMPARE(registry->instances()->rowCount(), 1);
                registry->selectInstance(
                    registry->instances()->valueAt(0, QStringLiteral("instanceId")).toString());
                QTRY_VERIFY(!registry->detail().isEmpty());
                current = stop.name;
                if (stop.id.isEmpty())
                    console.attachLocal();
                else
                    console.attachProfile(stop.id);
                // At once: nothing of the previous backend, and loading until the new one answers.
                QCOMPARE(events->tail()->rowCount(), 0);
                QVERIFY(events->tail()->isLoading());
                QCOMPARE(events->topics()->rowCount(), 0);
                QVERIFY(events->topics()->isLoading());
                QCOMPARE(events->selectedTopic(), QString());
                QCOMPARE(registry->services()->rowCount(), 0);
                QVERIFY(registry->services()->isLoading());
                QCOMPARE(registry->instances()->total(), 0);
                QCOMPARE(registry->recentChanges()->rowCount(), 0);
                QVERIFY(!registry->isLoaded());
                QCOMPARE(registry->selectedService(), QString());
                QCOMPARE(registry->selectedInstance(), QString());
                QVERIFY(registry->detail().isEmpty());
                QCOMPARE(console.clusterMembers()->rowCount(), 0);
                QVERIFY(console.clusterMembers()->isLoading());
                QVERIFY(console.connection()->systemInfo().isEmpty());
                // The previous backend keeps publishing: none of it may reach the new views.
                const Stop &previous = stops.at(i - 1);
                QVERIFY(publish(previous.url, previous.token, previous.name + QStringLiteral(".event")) >= 0);
            }
            QTRY_VERIFY_WITH_TIMEOUT(t.connectedTo(stop.url), 20'000);
            QTRY_COMPARE_WITH_TIMEOUT(events->selectedTopic(), QStringLiteral("orders"), 10'000);
            // Everything "orders" holds now (a local stack seen again has the events published while
            // the console was away), each row of this backend.
            const qint64 head =
                QJsonDocument::fromJson(call(stop.url, stop.token, "GET", "/v1/events/topics/orders").body)
                    .object()
                    .value(QStringLiteral("headOffset"))
                    .toInteger(-1);
            QVERIFY(head >= stop.events);
            QTRY_COMPARE_WITH_TIMEOUT(tailOffsets(events->tail()), range(0, head), 10'000);
            QVERIFY(!events->tail()->isLoading());
            QTRY_VERIFY_WITH_TIMEOUT(column(registry->services(), ServicesModel::NameRole)
                                         .contains(stop.name + QStringLiteral("-svc")),
                                     10'000);
            QVERIFY(!registry->services()->isLoading());
            QTRY_VERIFY_WITH_TIMEOUT(
                console.clusterMembers()->rowCount() == 1 && !console.clusterMembers()->isLoading(), 10'000);
            QCOMPARE(column(events->tail(), EventTailModel::TypeRole),
                     QStringList(int(head), stop.name + QStringLiteral(".event")));
            QVERIFY2(strays.isEmpty(), qPrintable(strays.join(QLatin1Char('\n'))));
        }
        console.localStack()->stop();
        QTRY_COMPARE_WITH_TIMEOUT(console.localStack()->state(), LocalStack::State::Stopped, 10'000);
    }

    // A profile with three real nodes on PostgreSQL and Redis. The attached node is killed with
    // SIGKILL: the console moves to the next URL, the events tail resumes with every offset once
    // (no gap, no duplicate), and the members list, live over the `cluster` channel, resumes too:
    // it shows the dead node gone and a node that joins afterwards, with no request of its own.
    void failoverResumesTheLiveViewsOnTheNextNode()
    {
        ClusterNodes nodes;
        QVERIFY2(nodes.start(3, {QStringLiteral("orders")}), qPrintable(nodes.error()));
        for (int i = 0; i < 10; ++i)
            QCOMPARE(publish(nodes.urls().at(0), nodes.token(), QStringLiteral("before")), qint64(i));

        QTemporaryDir dir;
        ConsoleUnderTest t(dir.path());
        Console &console = *t.console;
        const QString id = t.addProfile(QStringLiteral("production"), nodes.urls(), nodes.token());
        QVERIFY(!id.isEmpty());
        QList<qint64> received; // every event the realtime client delivered on the tailed channel
        QObject watching;       // ends the connection below before the locals it uses
        connect(console.realtime(), &RealtimeClient::event, &watching,
                [&](const QString &channel, const QJsonObject &e) {
                    if (channel == QLatin1String("events.orders"))
                        received << e.value(QStringLiteral("offset")).toInteger();
                });
        ClusterMembersModel *members = console.clusterMembers();
        QAbstractItemModelTester membersTester(members,
                                               QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto stateOf = [members](const QString &nodeId) {
            for (int row = 0; row < members->rowCount(); ++row) {
                if (members->data(members->index(row), ClusterMembersModel::NodeIdRole).toString() == nodeId)
                    return members->data(members->index(row), ClusterMembersModel::StateRole).toString();
            }
            return QString();
        };

        console.events()->setPreferredTopic(QStringLiteral("orders"));
        console.attachProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(t.connectedTo(nodes.urls().at(0)), 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(console.events()->selectedTopic(), QStringLiteral("orders"), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(received, range(0, 10), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(members->isLive(), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(nodes.node(0).nodeId()) == QLatin1String("serving") &&
                                     stateOf(nodes.node(1).nodeId()) == QLatin1String("serving") &&
                                     stateOf(nodes.node(2).nodeId()) == QLatin1String("serving"),
                                 10'000);
        QCOMPARE(members->data(members->index(0), ClusterMembersModel::UrlRole).toString().isEmpty(), false);

        QElapsedTimer failover;
        failover.start();
        nodes.kill9(0);
        // Published while the console fails over: it must get each of them once, from the next node.
        for (int i = 10; i < 20; ++i)
            QCOMPARE(publish(nodes.urls().at(1), nodes.token(), QStringLiteral("during")), qint64(i));
        QTRY_VERIFY_WITH_TIMEOUT(t.connectedTo(nodes.urls().at(1)), 15'000);
        QCOMPARE(console.connection()->nodeIndex(), 1);
        QCOMPARE(console.target(), id); // the same cluster: a failover is not a switch
        QTRY_COMPARE_WITH_TIMEOUT(received, range(0, 20), 10'000);
        qInfo("the tail was live again on the next node %lld ms after the kill", qint64(failover.elapsed()));
        for (int i = 20; i < 30; ++i)
            QCOMPARE(publish(nodes.urls().at(2), nodes.token(), QStringLiteral("after")), qint64(i));
        QTRY_COMPARE_WITH_TIMEOUT(received, range(0, 30), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(tailOffsets(console.events()->tail()), range(0, 30), 5'000);

        // The members list follows the channel on the new node: the killed node turns gone, and a
        // node that joins now appears, serving.
        QTRY_VERIFY_WITH_TIMEOUT(members->isLive(), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(nodes.node(0).nodeId()), QStringLiteral("gone"), 15'000);
        QVERIFY2(nodes.addNode(), qPrintable(nodes.error()));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(nodes.node(3).nodeId()), QStringLiteral("serving"), 15'000);
        QCOMPARE(members->rowCount(), 4);
        QCOMPARE(received, range(0, 30)); // nothing was delivered twice meanwhile
    }
};

QTEST_GUILESS_MAIN(TestConsoleCluster)
#include "tst_console_cluster.moc"
