#include "testing.h"

#include "services/registry/registryservice.h"
#include "services/registry/registrystore.h"
#include "services/registry/registrytypes.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace Meshdeck;
using namespace Meshdeck::Registry;
using namespace Meshdeck::Testing;

// Stands in for a realtime session on the registry channel.
class Inbox : public QObject
{
    Q_OBJECT
public:
    Inbox()
        : mailbox(std::make_shared<Realtime::Mailbox>(this, 10'000))
    {}
    Q_INVOKABLE void drainMailbox()
    {
        for (const QByteArray &m : mailbox->take())
            messages << QJsonDocument::fromJson(m).object();
    }
    QStringList types() const
    {
        QStringList out;
        for (const QJsonObject &m : messages)
            out << m.value(QStringLiteral("type")).toString() + QLatin1Char('/') +
                       m.value(QStringLiteral("change")).toString();
        return out;
    }
    std::shared_ptr<Realtime::Mailbox> mailbox;
    QList<QJsonObject> messages;
};

class TestRegistry : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<RegistryService> m_registry;

    void openRegistry(RegistrySettings settings = {})
    {
        m_registry.reset();
        m_db = std::make_unique<Storage::Database>();
        m_registry = std::make_unique<RegistryService>(settings, m_db.get(), nullptr);
        const auto opened =
            waitForTask(m_db->open(m_dir.filePath(QStringLiteral("registry.db")),
                                   {{QStringLiteral("registry"), {Registry::RegistryStore::migration()}}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        QCOMPARE(waitForTask(m_registry->start()), QString());
    }

    void closeRegistry()
    {
        waitForTask(m_registry->stop());
        m_registry.reset();
        waitForTask(m_db->close());
        m_db.reset();
    }

    static Registration reg(const QString &service, int port, const QJsonObject &check)
    {
        QString error;
        const auto r = Registration::fromJson(service,
                                              {{QStringLiteral("address"), QStringLiteral("127.0.0.1")},
                                               {QStringLiteral("port"), port},
                                               {QStringLiteral("check"), check}},
                                              &error);
        if (!r)
            qFatal("bad registration in the test: %s", qPrintable(error));
        return *r;
    }

    QString status(const QString &id) const
    {
        const auto i = m_registry->instance(id);
        return i ? i->value(QStringLiteral("status")).toString() : QStringLiteral("gone");
    }

    static bool stored(RegistryService::Answer &a) { return !a.persisted.isValid() || a.persisted.result(); }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QFile::remove(m_dir.filePath(QStringLiteral("registry.db")));
        openRegistry();
    }
    void cleanup() { closeRegistry(); }

    // --- The state machine --------------------------------------------------------------------

    void newStateIsCriticalUntilTheHealthyThreshold()
    {
        HealthState s;
        QCOMPARE(s.status(), Status::Critical);
        QCOMPARE(s.apply(Outcome::Pass, 3, 2), Status::Critical);
        QCOMPARE(s.apply(Outcome::Pass, 3, 2), Status::Critical);
        QCOMPARE(s.apply(Outcome::Pass, 3, 2), Status::Passing);
    }

    void aFailureResetsTheCountTowardsHealthy()
    {
        HealthState s;
        s.apply(Outcome::Pass, 2, 2);
        s.apply(Outcome::Fail, 2, 2);
        QCOMPARE(s.apply(Outcome::Pass, 2, 2), Status::Critical); // one pass since the failure
        QCOMPARE(s.apply(Outcome::Pass, 2, 2), Status::Passing);
    }

    void failuresBelowTheThresholdKeepTheStatus()
    {
        HealthState s;
        s.apply(Outcome::Pass, 1, 3);
        QCOMPARE(s.apply(Outcome::Fail, 1, 3), Status::Passing);
        QCOMPARE(s.apply(Outcome::Fail, 1, 3), Status::Passing);
        QCOMPARE(s.apply(Outcome::Pass, 1, 3), Status::Passing); // the run of failures is broken
        QCOMPARE(s.apply(Outcome::Fail, 1, 3), Status::Passing);
        QCOMPARE(s.apply(Outcome::Fail, 1, 3), Status::Passing);
        QCOMPARE(s.apply(Outcome::Fail, 1, 3), Status::Critical);
    }

    void aSlowCheckIsAWarningAndAFastOneClearsIt()
    {
        HealthState s;
        s.apply(Outcome::Pass, 1, 3);
        QCOMPARE(s.apply(Outcome::Slow, 1, 3), Status::Warning);
        QCOMPARE(s.apply(Outcome::Fail, 1, 3), Status::Warning);
        QCOMPARE(s.apply(Outcome::Pass, 1, 3), Status::Passing);
        HealthState fresh;
        QCOMPARE(fresh.apply(Outcome::Slow, 1, 3), Status::Warning); // slow but alive: not critical
    }

    void forceCriticalNeedsTheThresholdAgain()
    {
        HealthState s;
        s.apply(Outcome::Pass, 2, 3);
        s.apply(Outcome::Pass, 2, 3);
        s.forceCritical();
        QCOMPARE(s.status(), Status::Critical);
        QCOMPARE(s.apply(Outcome::Pass, 2, 3), Status::Critical);
        QCOMPARE(s.apply(Outcome::Pass, 2, 3), Status::Passing);
    }

    // --- Validation -----------------------------------------------------------------------------

    void checksAreValidated_data()
    {
        QTest::addColumn<QByteArray>("check");
        QTest::addColumn<QString>("reasonContains");
        QTest::newRow("none") << QByteArray("{}") << "exactly one";
        QTest::newRow("two kinds") << QByteArray("{\"http\":\"/h\",\"tcp\":true}") << "exactly one";
        QTest::newRow("relative path") << QByteArray("{\"http\":\"healthz\"}") << "starting with '/'";
        QTest::newRow("space in path") << QByteArray("{\"http\":\"/a b\"}") << "without spaces";
        QTest::newRow("tcp false") << QByteArray("{\"tcp\":false}") << "must be true";
        QTest::newRow("interval 99") << QByteArray("{\"tcp\":true,\"intervalMs\":99}") << "from 100";
        QTest::newRow("interval fraction")
            << QByteArray("{\"tcp\":true,\"intervalMs\":100.5}") << "whole number";
        QTest::newRow("timeout 0") << QByteArray("{\"tcp\":true,\"timeoutMs\":0}") << "timeoutMs";
        QTest::newRow("slow above timeout")
            << QByteArray("{\"tcp\":true,\"timeoutMs\":100,\"slowMs\":100}") << "below";
        QTest::newRow("threshold 0") << QByteArray("{\"tcp\":true,\"healthyThreshold\":0}")
                                     << "from 1 to 100";
        QTest::newRow("threshold 101")
            << QByteArray("{\"tcp\":true,\"unhealthyThreshold\":101}") << "from 1 to 100";
        QTest::newRow("ttl 999") << QByteArray("{\"ttlMs\":999}") << "from 1000";
        QTest::newRow("ttl with interval")
            << QByteArray("{\"ttlMs\":5000,\"intervalMs\":1000}") << "not to ttl";
        QTest::newRow("unknown field")
            << QByteArray("{\"tcp\":true,\"retries\":3}") << "unknown field 'retries'";
        QTest::newRow("deregister 999") << QByteArray("{\"tcp\":true,\"deregisterAfterMs\":999}") << "1000";
    }
    void checksAreValidated()
    {
        QFETCH(QByteArray, check);
        QFETCH(QString, reasonContains);
        QString error;
        QVERIFY(!CheckSpec::fromJson(QJsonDocument::fromJson(check).object(), &error));
        QVERIFY2(error.contains(reasonContains), qPrintable(error));
    }

    void checkDefaultsFollowConsul()
    {
        QString error;
        const auto http = CheckSpec::fromJson({{QStringLiteral("http"), QStringLiteral("/healthz")}}, &error);
        QVERIFY(http);
        QCOMPARE(http->intervalMs, 10'000);
        QCOMPARE(http->timeoutMs, 10'000);
        QCOMPARE(http->slowMs, 5'000);
        QCOMPARE(http->healthyThreshold, 2);
        QCOMPARE(http->unhealthyThreshold, 3);
        const auto ttl = CheckSpec::fromJson({{QStringLiteral("ttlMs"), 30'000}}, &error);
        QVERIFY(ttl);
        QCOMPARE(ttl->healthyThreshold, 1); // the first heartbeat proves a TTL instance
        QVERIFY(!ttl->active());
    }

    void registrationsAreValidated_data()
    {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reasonContains");
        const QByteArray check = "\"check\":{\"tcp\":true}";
        QTest::newRow("service upper case")
            << "Web" << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80," + check + "}")
            << "not a valid service name";
        QTest::newRow("address with scheme")
            << "web" << QByteArray("{\"address\":\"http://a\",\"port\":80," + check + "}")
            << "address must be";
        QTest::newRow("address with port")
            << "web" << QByteArray("{\"address\":\"a.b:80\",\"port\":80," + check + "}") << "address must be";
        QTest::newRow("bad ipv4") << "web"
                                  << QByteArray("{\"address\":\"10.0.0.256\",\"port\":80," + check + "}")
                                  << "address must be";
        QTest::newRow("short ipv4") << "web"
                                    << QByteArray("{\"address\":\"1.2.3\",\"port\":80," + check + "}")
                                    << "address must be";
        QTest::newRow("any address") << "web"
                                     << QByteArray("{\"address\":\"0.0.0.0\",\"port\":80," + check + "}")
                                     << "address must be";
        QTest::newRow("no address") << "web" << QByteArray("{\"port\":80," + check + "}")
                                    << "address must be";
        QTest::newRow("port 0") << "web" << QByteArray("{\"address\":\"10.0.0.1\",\"port\":0," + check + "}")
                                << "1 to 65535";
        QTest::newRow("port 65536") << "web"
                                    << QByteArray("{\"address\":\"10.0.0.1\",\"port\":65536," + check + "}")
                                    << "1 to 65535";
        QTest::newRow("port 1e300") << "web"
                                    << QByteArray("{\"address\":\"10.0.0.1\",\"port\":1e300," + check + "}")
                                    << "1 to 65535";
        QTest::newRow("port text") << "web"
                                   << QByteArray("{\"address\":\"10.0.0.1\",\"port\":\"80\"," + check + "}")
                                   << "1 to 65535";
        QTest::newRow("weight 1001") << "web"
                                     << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"weight\":1001," +
                                                   check + "}")
                                     << "0 to 1000";
        QTest::newRow("weight -1") << "web"
                                   << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"weight\":-1," +
                                                 check + "}")
                                   << "0 to 1000";
        QTest::newRow("tags not strings")
            << "web" << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"tags\":[1]," + check + "}")
            << "tag";
        QTest::newRow("metadata number")
            << "web"
            << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"metadata\":{\"a\":1}," + check + "}")
            << "metadata";
        QTest::newRow("no check") << "web" << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80}")
                                  << "check is required";
        QTest::newRow("unknown field")
            << "web" << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"zone\":\"a\"," + check + "}")
            << "Unknown field 'zone'";
    }
    void registrationsAreValidated()
    {
        QFETCH(QString, service);
        QFETCH(QByteArray, body);
        QFETCH(QString, reasonContains);
        QString error;
        QVERIFY(!Registration::fromJson(service, QJsonDocument::fromJson(body).object(), &error));
        QVERIFY2(error.contains(reasonContains), qPrintable(error));
    }

    void hostNamesAndIpv6AreAddresses()
    {
        QVERIFY(isValidAddress(QStringLiteral("api-1.internal")));
        QVERIFY(isValidAddress(QStringLiteral("::1")));
        QVERIFY(isValidAddress(QStringLiteral("10.1.2.3")));
        QVERIFY(!isValidAddress(QStringLiteral("-bad.example")));
        QVERIFY(!isValidAddress(QStringLiteral("a..b")));
    }

    // --- The service ----------------------------------------------------------------------------

    void ttlInstanceTurnsCriticalWhenHeartbeatsStop()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("worker"), 9000, {{QStringLiteral("ttlMs"), 1000}}));
        QCOMPARE(a.status, 201);
        QVERIFY(stored(a));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        QCOMPARE(status(id), QStringLiteral("critical"));
        auto beat = m_registry->heartbeat(id, {});
        QCOMPARE(beat.status, 200);
        QVERIFY(stored(beat));
        QCOMPARE(status(id), QStringLiteral("passing"));
        // No heartbeat within the TTL: marked critical, with the reason in the history.
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("critical"), 3000);
        const QJsonArray history = m_registry->instance(id)->value(QStringLiteral("history")).toArray();
        QCOMPARE(history.size(), 2);
        QCOMPARE(history[1].toObject().value(QStringLiteral("to")).toString(), QStringLiteral("critical"));
        QVERIFY(
            history[1].toObject().value(QStringLiteral("reason")).toString().contains(QStringLiteral("TTL")));
        // A heartbeat brings it back.
        m_registry->heartbeat(id, {});
        QCOMPARE(status(id), QStringLiteral("passing"));
    }

    void heartbeatsMayReportWarningOrCritical()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("worker"), 9000, {{QStringLiteral("ttlMs"), 60'000}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        m_registry->heartbeat(id, {{QStringLiteral("status"), QStringLiteral("warning")}});
        QCOMPARE(status(id), QStringLiteral("warning"));
        m_registry->heartbeat(id, {{QStringLiteral("status"), QStringLiteral("critical")},
                                   {QStringLiteral("output"), QStringLiteral("disk full")}});
        QCOMPARE(status(id), QStringLiteral("critical"));
        QCOMPARE(m_registry->instance(id)->value(QStringLiteral("lastOutput")).toString(),
                 QStringLiteral("disk full"));
        QCOMPARE(m_registry->heartbeat(id, {{QStringLiteral("status"), QStringLiteral("draining")}}).status,
                 400);
        QCOMPARE(m_registry->heartbeat(id, {{QStringLiteral("inFlight"), -1}}).status, 400);
        QCOMPARE(m_registry->heartbeat(QStringLiteral("i-none"), {}).status, 404);
    }

    void registeringTheSameAddressAndPortUpdatesTheInstance()
    {
        auto first = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}));
        QCOMPARE(first.status, 201);
        Registration again = reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        again.version = QStringLiteral("2.0");
        again.weight = 7;
        auto second = m_registry->registerInstance(again);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body.value(QStringLiteral("id")), first.body.value(QStringLiteral("id")));
        QCOMPARE(second.body.value(QStringLiteral("version")).toString(), QStringLiteral("2.0"));
        QCOMPARE(second.body.value(QStringLiteral("weight")).toInt(), 7);
        // Another port, or the same port in another service, is another instance.
        QCOMPARE(m_registry
                     ->registerInstance(reg(QStringLiteral("web"), 8081, {{QStringLiteral("ttlMs"), 60'000}}))
                     .status,
                 201);
        QCOMPARE(m_registry
                     ->registerInstance(reg(QStringLiteral("api"), 8080, {{QStringLiteral("ttlMs"), 60'000}}))
                     .status,
                 201);
        QCOMPARE(m_registry->instances(QStringLiteral("web"), std::nullopt)->size(), 2);
        QVERIFY(!m_registry->instances(QStringLiteral("nope"), std::nullopt));
    }

    void tcpCheckFollowsTheListener()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const int port = server.serverPort();
        auto a = m_registry->registerInstance(reg(QStringLiteral("db"), port,
                                                  {{QStringLiteral("tcp"), true},
                                                   {QStringLiteral("intervalMs"), 100},
                                                   {QStringLiteral("timeoutMs"), 500},
                                                   {QStringLiteral("healthyThreshold"), 2},
                                                   {QStringLiteral("unhealthyThreshold"), 2}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("passing"), 5000);
        server.close();
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("critical"), 5000);
        const QJsonObject i = *m_registry->instance(id);
        QVERIFY2(i.value(QStringLiteral("lastOutput")).toString().contains(QStringLiteral("refused")),
                 qPrintable(i.value(QStringLiteral("lastOutput")).toString()));
        QVERIFY(m_registry->stats().value(QStringLiteral("checksStarted")).toInteger() >= 4);
    }

    void drainEndsWhenTheInstanceReportsNothingInFlight()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        m_registry->heartbeat(id, {{QStringLiteral("inFlight"), 0}}); // before the drain: does not count
        auto d = m_registry->drain(id, {{QStringLiteral("deadlineMs"), 60'000}});
        QCOMPARE(d.status, 202);
        QCOMPARE(d.body.value(QStringLiteral("status")).toString(), QStringLiteral("draining"));
        QCOMPARE(d.body.value(QStringLiteral("weight")).toInt(), 0);
        QCOMPARE(m_registry->patch(id, {{QStringLiteral("weight"), 5}}).status, 409);
        m_registry->heartbeat(id, {{QStringLiteral("inFlight"), 3}});
        QCOMPARE(status(id), QStringLiteral("draining"));
        auto last = m_registry->heartbeat(id, {{QStringLiteral("inFlight"), 0}});
        QVERIFY(last.body.value(QStringLiteral("deregistered")).toBool());
        QCOMPARE(status(id), QStringLiteral("gone"));
    }

    void drainEndsAtTheDeadline()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        QCOMPARE(m_registry->drain(id, {{QStringLiteral("deadlineMs"), 300}}).status, 202);
        QCOMPARE(status(id), QStringLiteral("draining"));
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("gone"), 3000);
        QCOMPARE(m_registry->drain(id, {}).status, 404);
        QCOMPARE(m_registry->drain(QStringLiteral("x"), {{QStringLiteral("deadlineMs"), -1}}).status, 400);
    }

    void criticalInstancesAreDeregisteredAfterTheConfiguredTime()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8080,
                {{QStringLiteral("ttlMs"), 60'000}, {QStringLiteral("deregisterAfterMs"), 1000}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        auto b = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8081, {{QStringLiteral("ttlMs"), 60'000}}));
        const QString kept = b.body.value(QStringLiteral("id")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("gone"), 4000);
        QCOMPARE(status(kept), QStringLiteral("critical")); // the node default (10 min) has not passed
    }

    void patchChangesWeightTagsAndMetadataOnly()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        auto p = m_registry->patch(
            id, {{QStringLiteral("weight"), 250},
                 {QStringLiteral("tags"), QJsonArray{QStringLiteral("canary")}},
                 {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("zone"), QStringLiteral("a")}}}});
        QCOMPARE(p.status, 200);
        QVERIFY(stored(p));
        QCOMPARE(p.body.value(QStringLiteral("weight")).toInt(), 250);
        QCOMPARE(p.body.value(QStringLiteral("tags")).toArray().first().toString(), QStringLiteral("canary"));
        QCOMPARE(m_registry->patch(id, {{QStringLiteral("port"), 1}}).status, 400);
        QCOMPARE(m_registry->patch(id, {}).status, 400);
        QCOMPARE(m_registry->patch(QStringLiteral("i-none"), {{QStringLiteral("weight"), 1}}).status, 404);
    }

    void theRegistrySurvivesARestartAndStartsCritical()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        auto beat = m_registry->heartbeat(id, {});
        QVERIFY(stored(beat));
        QCOMPARE(status(id), QStringLiteral("passing"));
        auto p = m_registry->patch(id, {{QStringLiteral("weight"), 42}});
        QVERIFY(stored(p));
        closeRegistry();
        openRegistry();
        const auto back = m_registry->instance(id);
        QVERIFY(back);
        QCOMPARE(back->value(QStringLiteral("status")).toString(), QStringLiteral("critical"));
        QCOMPARE(back->value(QStringLiteral("weight")).toInt(), 42);
        const QJsonArray history = back->value(QStringLiteral("history")).toArray();
        QCOMPARE(history.last().toObject().value(QStringLiteral("from")).toString(),
                 QStringLiteral("passing"));
        QVERIFY(history.last()
                    .toObject()
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("restarted")));
        m_registry->heartbeat(id, {});
        QCOMPARE(status(id), QStringLiteral("passing"));
    }

    void subscribersGetASnapshotThenEveryChangeInOrder()
    {
        auto a = m_registry->registerInstance(
            reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}));
        const QString id = a.body.value(QStringLiteral("id")).toString();
        Inbox inbox;
        auto sub = std::make_shared<Realtime::Subscription>();
        sub->channel = QStringLiteral("registry");
        sub->mailbox = inbox.mailbox;
        sub->id = 1;
        QCOMPARE(m_registry->open(sub), QString());
        m_registry->heartbeat(id, {});
        m_registry->patch(id, {{QStringLiteral("weight"), 3}});
        m_registry->deregister(id, QStringLiteral("test"));
        QTRY_COMPARE(inbox.messages.size(), 5);
        QCOMPARE(inbox.types(), (QStringList{QStringLiteral("subscribed/"), QStringLiteral("snapshot/"),
                                             QStringLiteral("change/registry.instance.status_changed"),
                                             QStringLiteral("change/registry.instance.updated"),
                                             QStringLiteral("change/registry.instance.deregistered")}));
        QCOMPARE(inbox.messages[1].value(QStringLiteral("instances")).toArray().size(), 1);
        QCOMPARE(inbox.messages[2].value(QStringLiteral("to")).toString(), QStringLiteral("passing"));
        m_registry->close(sub);
        auto other = Realtime::Subscription{};
        other.channel = QStringLiteral("registry.x");
        QVERIFY(!m_registry->open(std::make_shared<Realtime::Subscription>(other)).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
