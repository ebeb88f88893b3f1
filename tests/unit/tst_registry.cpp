#include "postgresserver.h"
#include "testing.h"

#include "services/registry/registryservice.h"
#include "services/registry/registrystore.h"
#include "services/registry/registrytypes.h"
#include "storage/database.h"

#include <QSqlQuery>

#include <QElapsedTimer>
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
    TestDatabases m_databases; // the run's dialect (unit/registry and unit/registry_pg)
    QString m_location;        // this test's database
    ManualClock m_clock;       // for tests that move time instead of waiting for it
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<RegistryService> m_registry;

    void openRegistry(RegistrySettings settings = {}, const Clock &clock = Clock::system())
    {
        m_registry.reset();
        m_db = std::make_unique<Storage::Database>();
        m_registry = std::make_unique<RegistryService>(settings, m_db.get(), nullptr, clock);
        const auto opened = waitForTask(
            m_db->open(m_location, {{QStringLiteral("registry"), Registry::RegistryStore::migrations()}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        QCOMPARE(waitForTask(m_registry->start()), QString());
    }

    void closeRegistry()
    {
        if (!m_registry)
            return; // a test failed before it opened one
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

    // Each API call waits until its change is stored (an Error when it could not be).
    Result<RegistryService::Registered> registerInstance(const Registration &registration)
    {
        return waitForTask(m_registry->registerInstance(registration));
    }
    QString registerTtl(const QString &service, int port, const QJsonObject &check)
    {
        const auto r = registerInstance(reg(service, port, check));
        return r ? r->instance.value(QStringLiteral("id")).toString() : QString();
    }
    Result<QJsonObject> heartbeat(const QString &id, const QJsonObject &body = {})
    {
        return waitForTask(m_registry->heartbeat(id, body));
    }
    Result<QJsonObject> drain(const QString &id, const QJsonObject &body)
    {
        return waitForTask(m_registry->drain(id, body));
    }
    Result<QJsonObject> patch(const QString &id, const QJsonObject &body)
    {
        return waitForTask(m_registry->patch(id, body));
    }
    // The kind of error a call answered; ErrorKind(-1) when it succeeded.
    static ErrorKind kind(const Result<QJsonObject> &r) { return r ? ErrorKind(-1) : r.error().kind; }

private Q_SLOTS:
    void init()
    {
        m_location = m_databases.freshLocation(QStringLiteral("registry"));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
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

    void refusalsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::newRow("address") << QByteArray("{\"address\":\"1.2.3\",\"port\":80,\"check\":{\"tcp\":true}}")
                                 << "address";
        QTest::newRow("port") << QByteArray("{\"address\":\"10.0.0.1\",\"port\":0,\"check\":{\"tcp\":true}}")
                              << "port";
        QTest::newRow("weight")
            << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"weight\":-1,\"check\":{\"tcp\":true}}")
            << "weight";
        QTest::newRow("tags")
            << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"tags\":[1],\"check\":{\"tcp\":true}}")
            << "tags";
        QTest::newRow("no check") << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80}") << "check";
        QTest::newRow("check field")
            << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"tcp\":true,\"timeoutMs\":0}}")
            << "check.timeoutMs";
        QTest::newRow("check unknown")
            << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"tcp\":true,\"retries\":1}}")
            << "check.retries";
        QTest::newRow("slow") << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"tcp\":true,"
                                            "\"timeoutMs\":100,\"slowMs\":100}}")
                              << "check.slowMs";
        QTest::newRow("unknown")
            << QByteArray("{\"address\":\"10.0.0.1\",\"port\":80,\"zone\":\"a\",\"check\":{\"tcp\":true}}")
            << "zone";
    }
    void refusalsNameTheField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        const Result<Registration> r =
            parseRegistration(QStringLiteral("web"), QJsonDocument::fromJson(body).object());
        QVERIFY(!r);
        QCOMPARE(r.error().kind, ErrorKind::Invalid);
        QCOMPARE(r.error().field, field);
        QVERIFY(!r.error().reason.isEmpty());
        const Result<Registration> badName = parseRegistration(QStringLiteral("Web"), {});
        QCOMPARE(badName.error().field, QStringLiteral("service"));
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
        const auto a =
            registerInstance(reg(QStringLiteral("worker"), 9000, {{QStringLiteral("ttlMs"), 1000}}));
        QVERIFY(a);
        QVERIFY(a->created);
        const QString id = a->instance.value(QStringLiteral("id")).toString();
        QCOMPARE(status(id), QStringLiteral("critical"));
        QVERIFY(heartbeat(id));
        QCOMPARE(status(id), QStringLiteral("passing"));
        // No heartbeat within the TTL: marked critical, with the reason in the history.
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("critical"), 3000);
        const QJsonArray history = m_registry->instance(id)->value(QStringLiteral("history")).toArray();
        QCOMPARE(history.size(), 2);
        QCOMPARE(history[1].toObject().value(QStringLiteral("to")).toString(), QStringLiteral("critical"));
        QVERIFY(
            history[1].toObject().value(QStringLiteral("reason")).toString().contains(QStringLiteral("TTL")));
        // A heartbeat brings it back.
        QVERIFY(heartbeat(id));
        QCOMPARE(status(id), QStringLiteral("passing"));
    }

    void heartbeatsMayReportWarningOrCritical()
    {
        const QString id = registerTtl(QStringLiteral("worker"), 9000, {{QStringLiteral("ttlMs"), 60'000}});
        QVERIFY(heartbeat(id, {{QStringLiteral("status"), QStringLiteral("warning")}}));
        QCOMPARE(status(id), QStringLiteral("warning"));
        QVERIFY(heartbeat(id, {{QStringLiteral("status"), QStringLiteral("critical")},
                               {QStringLiteral("output"), QStringLiteral("disk full")}}));
        QCOMPARE(status(id), QStringLiteral("critical"));
        QCOMPARE(m_registry->instance(id)->value(QStringLiteral("lastOutput")).toString(),
                 QStringLiteral("disk full"));
        const auto draining = heartbeat(id, {{QStringLiteral("status"), QStringLiteral("draining")}});
        QCOMPARE(kind(draining), ErrorKind::Invalid);
        QCOMPARE(draining.error().field, QStringLiteral("status"));
        const auto negative = heartbeat(id, {{QStringLiteral("inFlight"), -1}});
        QCOMPARE(kind(negative), ErrorKind::Invalid);
        QCOMPARE(negative.error().field, QStringLiteral("inFlight"));
        QCOMPARE(kind(heartbeat(QStringLiteral("i-none"))), ErrorKind::NotFound);
    }

    void registeringTheSameAddressAndPortUpdatesTheInstance()
    {
        const auto first =
            registerInstance(reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}));
        QVERIFY(first && first->created);
        Registration again = reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        again.version = QStringLiteral("2.0");
        again.weight = 7;
        const auto second = registerInstance(again);
        QVERIFY(second);
        QVERIFY(!second->created);
        QCOMPARE(second->instance.value(QStringLiteral("id")), first->instance.value(QStringLiteral("id")));
        QCOMPARE(second->instance.value(QStringLiteral("version")).toString(), QStringLiteral("2.0"));
        QCOMPARE(second->instance.value(QStringLiteral("weight")).toInt(), 7);
        // Another port, or the same port in another service, is another instance.
        QVERIFY(
            registerInstance(reg(QStringLiteral("web"), 8081, {{QStringLiteral("ttlMs"), 60'000}}))->created);
        QVERIFY(
            registerInstance(reg(QStringLiteral("api"), 8080, {{QStringLiteral("ttlMs"), 60'000}}))->created);
        QCOMPARE(m_registry->instances(QStringLiteral("web"), std::nullopt)->size(), 2);
        const auto none = m_registry->instances(QStringLiteral("nope"), std::nullopt);
        QVERIFY(!none);
        QCOMPARE(none.error().kind, ErrorKind::NotFound);
    }

    void tcpCheckFollowsTheListener()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const int port = server.serverPort();
        const QString id = registerTtl(QStringLiteral("db"), port,
                                       {{QStringLiteral("tcp"), true},
                                        {QStringLiteral("intervalMs"), 100},
                                        {QStringLiteral("timeoutMs"), 500},
                                        {QStringLiteral("healthyThreshold"), 2},
                                        {QStringLiteral("unhealthyThreshold"), 2}});
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
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        QVERIFY(heartbeat(id, {{QStringLiteral("inFlight"), 0}})); // before the drain: does not count
        const auto d = drain(id, {{QStringLiteral("deadlineMs"), 60'000}});
        QVERIFY(d);
        QCOMPARE(d->value(QStringLiteral("status")).toString(), QStringLiteral("draining"));
        QCOMPARE(d->value(QStringLiteral("weight")).toInt(), 0);
        QCOMPARE(kind(patch(id, {{QStringLiteral("weight"), 5}})), ErrorKind::Conflict);
        QVERIFY(heartbeat(id, {{QStringLiteral("inFlight"), 3}}));
        QCOMPARE(status(id), QStringLiteral("draining"));
        const auto last = heartbeat(id, {{QStringLiteral("inFlight"), 0}});
        QVERIFY(last);
        QVERIFY(last->value(QStringLiteral("deregistered")).toBool());
        QCOMPARE(status(id), QStringLiteral("gone"));
    }

    void drainEndsAtTheDeadline()
    {
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        QVERIFY(drain(id, {{QStringLiteral("deadlineMs"), 300}}));
        QCOMPARE(status(id), QStringLiteral("draining"));
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("gone"), 3000);
        QCOMPARE(kind(drain(id, {})), ErrorKind::NotFound);
        const auto bad = drain(QStringLiteral("x"), {{QStringLiteral("deadlineMs"), -1}});
        QCOMPARE(kind(bad), ErrorKind::Invalid);
        QCOMPARE(bad.error().field, QStringLiteral("deadlineMs"));
    }

    void criticalInstancesAreDeregisteredAfterTheConfiguredTime()
    {
        const QString id =
            registerTtl(QStringLiteral("web"), 8080,
                        {{QStringLiteral("ttlMs"), 60'000}, {QStringLiteral("deregisterAfterMs"), 1000}});
        const QString kept = registerTtl(QStringLiteral("web"), 8081, {{QStringLiteral("ttlMs"), 60'000}});
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("gone"), 4000);
        QCOMPARE(status(kept), QStringLiteral("critical")); // the node default (10 min) has not passed
    }

    void patchChangesWeightTagsAndMetadataOnly()
    {
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        const auto p = patch(
            id, {{QStringLiteral("weight"), 250},
                 {QStringLiteral("tags"), QJsonArray{QStringLiteral("canary")}},
                 {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("zone"), QStringLiteral("a")}}}});
        QVERIFY(p);
        QCOMPARE(p->value(QStringLiteral("weight")).toInt(), 250);
        QCOMPARE(p->value(QStringLiteral("tags")).toArray().first().toString(), QStringLiteral("canary"));
        const auto port = patch(id, {{QStringLiteral("port"), 1}});
        QCOMPARE(kind(port), ErrorKind::Invalid);
        QCOMPARE(port.error().field, QStringLiteral("port"));
        QCOMPARE(kind(patch(id, {})), ErrorKind::Invalid);
        QCOMPARE(kind(patch(QStringLiteral("i-none"), {{QStringLiteral("weight"), 1}})), ErrorKind::NotFound);
    }

    // Cluster mode: a starting node drops only its own stored built-ins, not the other nodes'.
    void aClusterNodeKeepsTheOtherNodesBuiltins()
    {
        const auto nodesOf = [this](const QString &service) {
            QStringList out;
            const Result<QJsonArray> listed = m_registry->instances(service, std::nullopt);
            for (const QJsonValue &i : listed ? *listed : QJsonArray())
                out << i[QStringLiteral("metadata")][QStringLiteral("nodeId")].toString();
            return out;
        };
        RegistrySettings settings;
        settings.nodeId = QStringLiteral("n1");
        openRegistry(settings);
        m_registry->registerBuiltins({QStringLiteral("node")}, QStringLiteral("127.0.0.1"), 7701,
                                     QStringLiteral("n1"), QStringLiteral("1.0"));
        m_registry->registerBuiltins({QStringLiteral("node")}, QStringLiteral("127.0.0.1"), 7702,
                                     QStringLiteral("n2"), QStringLiteral("1.0"));
        QCOMPARE(nodesOf(QStringLiteral("meshdeck.node")).size(), 2);
        closeRegistry();
        openRegistry(settings); // n1 starts again: its own built-in is dropped (it registers again)
        QCOMPARE(nodesOf(QStringLiteral("meshdeck.node")), QStringList{QStringLiteral("n2")});
        closeRegistry();
        openRegistry(); // local mode: every stored built-in is this node's
        QCOMPARE(nodesOf(QStringLiteral("meshdeck.node")), QStringList());
    }

    void theRegistrySurvivesARestartAndStartsCritical()
    {
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        QVERIFY(heartbeat(id));
        QCOMPARE(status(id), QStringLiteral("passing"));
        QVERIFY(patch(id, {{QStringLiteral("weight"), 42}}));
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
        QVERIFY(heartbeat(id));
        QCOMPARE(status(id), QStringLiteral("passing"));
    }

    void subscribersGetASnapshotThenEveryChangeInOrder()
    {
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        Inbox inbox;
        auto sub = std::make_shared<Realtime::Subscription>();
        sub->channel = QStringLiteral("registry");
        sub->mailbox = inbox.mailbox;
        sub->id = 1;
        sub->principal = std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken());
        QCOMPARE(m_registry->channel().open(sub), QString());
        QVERIFY(heartbeat(id));
        QVERIFY(patch(id, {{QStringLiteral("weight"), 3}}));
        QVERIFY(waitForTask(m_registry->deregister(id, QStringLiteral("test"))));
        QTRY_COMPARE(inbox.messages.size(), 5);
        QCOMPARE(inbox.types(), (QStringList{QStringLiteral("subscribed/"), QStringLiteral("snapshot/"),
                                             QStringLiteral("change/registry.instance.status_changed"),
                                             QStringLiteral("change/registry.instance.updated"),
                                             QStringLiteral("change/registry.instance.deregistered")}));
        QCOMPARE(inbox.messages[1].value(QStringLiteral("instances")).toArray().size(), 1);
        QCOMPARE(inbox.messages[2].value(QStringLiteral("to")).toString(), QStringLiteral("passing"));
        m_registry->channel().close(sub);
        auto other = Realtime::Subscription{};
        other.channel = QStringLiteral("registry.x");
        QVERIFY(!m_registry->channel().open(std::make_shared<Realtime::Subscription>(other)).isEmpty());
    }

    void ttlExpiryFollowsTheClockNotTheWall()
    {
        closeRegistry();
        openRegistry({}, m_clock);
        const QString id = registerTtl(QStringLiteral("worker"), 9000, {{QStringLiteral("ttlMs"), 60'000}});
        const QString shortLived =
            registerTtl(QStringLiteral("worker"), 9001, {{QStringLiteral("ttlMs"), 1'000}});
        QVERIFY(heartbeat(id));
        QVERIFY(heartbeat(shortLived));
        QCOMPARE(status(id), QStringLiteral("passing"));
        // Just inside the long TTL: the sweep that expires the short one (so a sweep ran on the
        // moved clock) leaves the long one passing.
        m_clock.advance(59'000);
        QTRY_COMPARE_WITH_TIMEOUT(status(shortLived), QStringLiteral("critical"), 3000);
        QCOMPARE(status(id), QStringLiteral("passing"));
        m_clock.advance(2'000);
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("critical"), 3000);
        const QJsonObject change =
            m_registry->instance(id)->value(QStringLiteral("history")).toArray().last().toObject();
        QVERIFY(change.value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("no heartbeat for 61000 ms")));
        QCOMPARE(change.value(QStringLiteral("time")).toString(), isoTimeOrEmpty(m_clock.nowMs()));
    }

    void aFailedWriteAnswersUnavailableAndTheRowIsUnchanged()
    {
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        QVERIFY(!id.isEmpty());
        // The history table vanishes: the next status change cannot be stored.
        const auto dropped = waitForTask(m_db->attempt([](QSqlDatabase &db) {
            return QSqlQuery(db).exec(QStringLiteral("DROP TABLE registry_history"));
        }));
        QVERIFY(dropped && *dropped);
        const auto beat = heartbeat(id);
        QCOMPARE(kind(beat), ErrorKind::Unavailable);
        QCOMPARE(beat.error().code, QByteArray("storage-unavailable"));
        QVERIFY(beat.error().reason.contains(QStringLiteral("registry_history")));
        // The instance row was written in the same transaction: it still says critical.
        const auto row = waitForTask(m_db->attempt([id](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT status FROM registry_instances WHERE id = ?"));
            q.addBindValue(id);
            return q.exec() && q.next() ? q.value(0).toString() : QString();
        }));
        QVERIFY(row);
        QCOMPARE(*row, QStringLiteral("critical"));
    }

    void everySubscriptionOfTheChannelGetsEveryChange()
    {
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        Inbox first, second;
        auto subscribe = [this](Inbox &inbox, quint64 subscriptionId) {
            auto sub = std::make_shared<Realtime::Subscription>();
            sub->channel = QStringLiteral("registry");
            sub->mailbox = inbox.mailbox;
            sub->id = subscriptionId;
            sub->principal = std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken());
            return m_registry->channel().open(sub).isEmpty() ? sub : nullptr;
        };
        const auto a = subscribe(first, 7);
        const auto b = subscribe(second, 8);
        QVERIFY(a && b);
        QVERIFY(patch(id, {{QStringLiteral("weight"), 3}}));
        QTRY_COMPARE(first.messages.size(), 3);
        QTRY_COMPARE(second.messages.size(), 3);
        m_registry->channel().close(a);
        QVERIFY(patch(id, {{QStringLiteral("weight"), 4}}));
        QTRY_COMPARE(second.messages.size(), 4);
        QCOMPARE(second.messages.last()
                     .value(QStringLiteral("instance"))
                     .toObject()
                     .value(QStringLiteral("weight"))
                     .toInt(),
                 4);
        QCOMPARE(first.messages.size(), 3); // posted together with the second's, drained by now
    }

    // --- Cluster mode: several nodes on one database ------------------------------------------

private:
    // A second node on the test's database (the first is m_registry, opened again in cluster mode).
    struct Node {
        std::unique_ptr<Storage::Database> db;
        std::unique_ptr<RegistryService> registry;
    };
    static RegistrySettings clusterSettings(const QString &nodeId, int syncIntervalMs = 50)
    {
        RegistrySettings settings;
        settings.nodeId = nodeId;
        settings.cluster = true;
        settings.syncIntervalMs = syncIntervalMs;
        return settings;
    }
    Node openNode(const RegistrySettings &settings)
    {
        Node node;
        node.db = std::make_unique<Storage::Database>();
        node.registry = std::make_unique<RegistryService>(settings, node.db.get(), nullptr);
        const auto opened = waitForTask(
            node.db->open(m_location, {{QStringLiteral("registry"), Registry::RegistryStore::migrations()}}));
        if (!opened.ok || !waitForTask(node.registry->start()).isEmpty())
            node.registry.reset();
        return node;
    }
    // A session subscribed to a node's registry channel.
    static std::shared_ptr<Realtime::Subscription> subscribe(RegistryService &registry, Inbox &inbox,
                                                             quint64 id = 1)
    {
        auto sub = std::make_shared<Realtime::Subscription>();
        sub->channel = QStringLiteral("registry");
        sub->mailbox = inbox.mailbox;
        sub->id = id;
        sub->principal = std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken());
        return registry.channel().open(sub).isEmpty() ? sub : nullptr;
    }
    // This test's registry opened again as cluster node "a", and node "b" on the same database.
    Node openTwoNodes(int syncIntervalMs = 50)
    {
        closeRegistry();
        openRegistry(clusterSettings(QStringLiteral("a"), syncIntervalMs));
        return openNode(clusterSettings(QStringLiteral("b"), syncIntervalMs));
    }
    static void closeNode(Node &node)
    {
        waitForTask(node.registry->stop());
        node.registry.reset();
        waitForTask(node.db->close());
    }
    static QString statusOn(RegistryService &registry, const QString &id)
    {
        const auto i = registry.instance(id);
        return i ? i->value(QStringLiteral("status")).toString() : QStringLiteral("gone");
    }
    static int checkedHere(RegistryService &registry)
    {
        return registry.stats().value(QStringLiteral("checkedHere")).toInt();
    }
    // The stored history of an instance: "from>to" for each change, oldest first.
    QStringList storedChanges(const QString &id)
    {
        const auto rows = waitForTask(m_db->attempt([id](QSqlDatabase &db) {
            QStringList out;
            QSqlQuery q(db);
            q.prepare(
                QStringLiteral("SELECT from_status, to_status FROM registry_history WHERE instance_id = ? "
                               "ORDER BY seq"));
            q.addBindValue(id);
            q.exec();
            while (q.next())
                out << q.value(0).toString() + QLatin1Char('>') + q.value(1).toString();
            return out;
        }));
        return rows ? *rows : QStringList{QStringLiteral("unreadable")};
    }

private Q_SLOTS:
    void clusterNodesSeeEachOthersChanges()
    {
        Node b = openTwoNodes();
        QVERIFY(b.registry);
        m_registry->setCheckingNodes({QStringLiteral("a"), QStringLiteral("b")});
        b.registry->setCheckingNodes({QStringLiteral("a"), QStringLiteral("b")});
        Inbox inbox; // a console attached to node b
        QVERIFY(subscribe(*b.registry, inbox));

        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(statusOn(*b.registry, id), QStringLiteral("critical"));
        // A heartbeat sent to b renews the instance for whichever node runs its TTL.
        QVERIFY(waitForTask(b.registry->heartbeat(id, {})));
        QTRY_COMPARE(status(id), QStringLiteral("passing"));
        QVERIFY(patch(id, {{QStringLiteral("weight"), 7}}));
        QTRY_COMPARE(b.registry->instance(id)->value(QStringLiteral("weight")).toInt(), 7);
        // Both nodes name the same node as the one that checks it.
        QCOMPARE(b.registry->instance(id)->value(QStringLiteral("checkedBy")),
                 m_registry->instance(id)->value(QStringLiteral("checkedBy")));
        QVERIFY(waitForTask(b.registry->deregister(id, QStringLiteral("test"))));
        QTRY_COMPARE(status(id), QStringLiteral("gone"));
        QTRY_COMPARE(inbox.types(), (QStringList{QStringLiteral("subscribed/"), QStringLiteral("snapshot/"),
                                                 QStringLiteral("change/registry.instance.registered"),
                                                 QStringLiteral("change/registry.instance.status_changed"),
                                                 QStringLiteral("change/registry.instance.updated"),
                                                 QStringLiteral("change/registry.instance.deregistered")}));
        QCOMPARE(storedChanges(id), QStringList{QStringLiteral("critical>passing")});
        closeNode(b);
    }

    void aCallForAnInstanceNewToTheNodeReadsTheDatabaseFirst()
    {
        closeRegistry();
        openRegistry(clusterSettings(QStringLiteral("a")));
        Node b = openNode(clusterSettings(QStringLiteral("b"), 3'600'000)); // no timed sync in this test
        QVERIFY(b.registry);
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        QCOMPARE(statusOn(*b.registry, id), QStringLiteral("gone")); // b has not read it yet
        const auto beat = waitForTask(b.registry->heartbeat(id, {}));
        QVERIFY2(beat, beat ? "" : qPrintable(beat.error().reason));
        QCOMPARE(beat->value(QStringLiteral("status")).toString(), QStringLiteral("passing"));
        // The same address registered on b is the same instance, not a second one.
        const auto again = waitForTask(b.registry->registerInstance(
            reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}})));
        QVERIFY(again);
        QCOMPARE(again->instance.value(QStringLiteral("id")).toString(), id);
        QVERIFY(!again->created);
        QVERIFY(!waitForTask(b.registry->heartbeat(QStringLiteral("i-nothere"), {})));
        closeNode(b);
    }

    void eachInstanceIsCheckedByOneNodeAndMovesWhenItLeaves()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        Node b = openTwoNodes();
        QVERIFY(b.registry);
        const QStringList both{QStringLiteral("a"), QStringLiteral("b")};
        m_registry->setCheckingNodes(both);
        b.registry->setCheckingNodes(both);
        const int count = 24;
        for (int n = 0; n < count; ++n) {
            QVERIFY(!registerTtl(QStringLiteral("db"), 10'000 + n,
                                 {{QStringLiteral("tcp"), true}, {QStringLiteral("intervalMs"), 100}})
                         .isEmpty());
        }
        QTRY_COMPARE(b.registry->stats().value(QStringLiteral("instances")).toInt(), count);
        // Every instance on exactly one node; with 24 instances both nodes get some.
        QCOMPARE(checkedHere(*m_registry) + checkedHere(*b.registry), count);
        QVERIFY(checkedHere(*m_registry) > 0 && checkedHere(*b.registry) > 0);
        QTRY_COMPARE(b.registry->stats().value(QStringLiteral("activeChecks")).toInt(),
                     checkedHere(*b.registry));
        // a stops serving: b takes over every check, and a runs none.
        m_registry->setCheckingNodes({QStringLiteral("b")});
        b.registry->setCheckingNodes({QStringLiteral("b")});
        QCOMPARE(checkedHere(*b.registry), count);
        QCOMPARE(checkedHere(*m_registry), 0);
        QTRY_COMPARE(b.registry->stats().value(QStringLiteral("activeChecks")).toInt(), count);
        QTRY_COMPARE(m_registry->stats().value(QStringLiteral("activeChecks")).toInt(), 0);
        closeNode(b);
    }

    void twoNodesCheckingAtOnceStoreEachChangeOnce()
    {
        // Each node believes it alone serves (as for a moment after a node joins), so both check.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        Node b = openTwoNodes();
        QVERIFY(b.registry);
        m_registry->setCheckingNodes({QStringLiteral("a")});
        b.registry->setCheckingNodes({QStringLiteral("b")});
        const QJsonObject check{{QStringLiteral("tcp"), true},
                                {QStringLiteral("intervalMs"), 100},
                                {QStringLiteral("timeoutMs"), 500},
                                {QStringLiteral("healthyThreshold"), 1},
                                {QStringLiteral("unhealthyThreshold"), 1}};
        const QString id = registerTtl(QStringLiteral("db"), server.serverPort(), check);
        QTRY_COMPARE(statusOn(*b.registry, id), QStringLiteral("passing"));
        QTRY_COMPARE(status(id), QStringLiteral("passing"));
        server.close();
        QTRY_COMPARE(statusOn(*b.registry, id), QStringLiteral("critical"));
        QTRY_COMPARE(status(id), QStringLiteral("critical"));
        // Both really checked it...
        QCOMPARE(checkedHere(*m_registry), 1);
        QCOMPARE(checkedHere(*b.registry), 1);
        QTRY_VERIFY(m_registry->stats().value(QStringLiteral("checksStarted")).toInteger() > 2);
        QTRY_VERIFY(b.registry->stats().value(QStringLiteral("checksStarted")).toInteger() > 2);
        // ...yet each change is stored once: the slower node's write is refused and it reads the row.
        QCOMPARE(storedChanges(id),
                 (QStringList{QStringLiteral("critical>passing"), QStringLiteral("passing>critical")}));
        closeNode(b);
    }
    void rowsFromBeforeRevisionsStayWritable()
    {
        // A database at the registry's first schema version, with an instance in it.
        closeRegistry();
        m_location = m_databases.freshLocation(QStringLiteral("registry-v1"));
        {
            Storage::Database old;
            const auto opened = waitForTask(old.open(
                m_location, {{QStringLiteral("registry"), {Registry::RegistryStore::migrations()[0]}}}));
            QVERIFY2(opened.ok, qPrintable(opened.error));
            const QString check = QString::fromUtf8(
                QJsonDocument(
                    reg(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}}).check.toJson())
                    .toJson(QJsonDocument::Compact));
            const auto inserted = waitForTask(old.attempt([check](QSqlDatabase &db) {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("INSERT INTO registry_instances (id, service, address, port, "
                                         "version, weight, tags, metadata, "
                                         "check_spec, builtin, status, draining, drain_deadline_ms, "
                                         "registered_at_ms, status_since_ms) "
                                         "VALUES ('i-old', 'web', '127.0.0.1', 8080, '', 100, '[]', '{}', ?, "
                                         "0, 'critical', 0, 0, 1, 1)"));
                q.addBindValue(check);
                return q.exec();
            }));
            QVERIFY(inserted && *inserted);
            waitForTask(old.close());
        }
        // Upgraded and written in cluster mode: renewed and patched like any other.
        openRegistry(clusterSettings(QStringLiteral("a")));
        const auto beat = heartbeat(QStringLiteral("i-old"));
        QVERIFY2(beat, beat ? "" : qPrintable(beat.error().reason));
        QCOMPARE(beat->value(QStringLiteral("status")).toString(), QStringLiteral("passing"));
        QVERIFY(patch(QStringLiteral("i-old"), {{QStringLiteral("weight"), 5}}));
        QCOMPARE(storedChanges(QStringLiteral("i-old")), QStringList{QStringLiteral("critical>passing")});
    }

    void aWriteOnAStaleBaseNeverOverwritesANewerOne()
    {
        Node b = openTwoNodes(3'600'000); // no timed reads: the test says when
        QVERIFY(b.registry);
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        waitForTask(b.registry->sync());
        QVERIFY(b.registry->instance(id));
        // a changes the tags; b, not knowing, sends two changes at once on its stale copy. The
        // first is refused; the second must be refused too, not land on a's newer row.
        QVERIFY(patch(id, {{QStringLiteral("tags"), QJsonArray{QStringLiteral("from-a")}}}));
        QCoro::Task<Result<QJsonObject>> first = b.registry->patch(id, {{QStringLiteral("weight"), 6}});
        QCoro::Task<Result<QJsonObject>> second = b.registry->patch(
            id, {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("by"), QStringLiteral("b")}}}});
        QVERIFY(waitForTask(std::move(first)));
        QVERIFY(waitForTask(std::move(second)));
        waitForTask(m_registry->sync());
        const QJsonObject stored = *m_registry->instance(id);
        QCOMPARE(stored.value(QStringLiteral("tags")).toArray(), QJsonArray{QStringLiteral("from-a")});
        QCOMPARE(stored.value(QStringLiteral("weight")).toInt(), 6);
        QCOMPARE(stored.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("by")).toString(),
                 QStringLiteral("b"));
        closeNode(b);
    }

    void heartbeatsOnAnotherNodeDoNotHoldBackTheCheckingNode()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        Node b = openTwoNodes();
        QVERIFY(b.registry);
        m_registry->setCheckingNodes({QStringLiteral("a")}); // a checks everything
        b.registry->setCheckingNodes({QStringLiteral("a")});
        const QString id = registerTtl(QStringLiteral("db"), server.serverPort(),
                                       {{QStringLiteral("tcp"), true},
                                        {QStringLiteral("intervalMs"), 100},
                                        {QStringLiteral("healthyThreshold"), 1},
                                        {QStringLiteral("unhealthyThreshold"), 1}});
        QTRY_COMPARE(status(id), QStringLiteral("passing"));
        QTRY_COMPARE(statusOn(*b.registry, id), QStringLiteral("passing"));
        const auto revision = [this, id] {
            const auto r = waitForTask(m_db->attempt([id](QSqlDatabase &db) {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("SELECT revision FROM registry_instances WHERE id = ?"));
                q.addBindValue(id);
                return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
            }));
            return r ? *r : -1;
        };
        const qint64 before = revision();
        // The instance reports its requests in flight to b, often.
        for (int n = 1; n <= 20; ++n)
            QVERIFY(waitForTask(b.registry->heartbeat(id, {{QStringLiteral("inFlight"), n}})));
        QCOMPARE(revision(), before); // heartbeats do not collide with a's status writes...
        QTRY_COMPARE(m_registry->instance(id)->value(QStringLiteral("inFlight")).toInt(),
                     20); // ...yet a sees them
        // a's status change lands while b keeps taking heartbeats.
        server.close();
        QElapsedTimer sending;
        sending.start();
        for (int n = 21; statusOn(*b.registry, id) != QLatin1String("critical") && sending.elapsed() < 10'000;
             ++n)
            QVERIFY(waitForTask(b.registry->heartbeat(id, {{QStringLiteral("inFlight"), n}})));
        QCOMPARE(statusOn(*b.registry, id), QStringLiteral("critical"));
        QCOMPARE(storedChanges(id),
                 (QStringList{QStringLiteral("critical>passing"), QStringLiteral("passing>critical")}));
        closeNode(b);
    }

    void anAddressRegisteredAgainUnderANewIdIsARemovalOnOtherNodes()
    {
        Node b = openTwoNodes(3'600'000); // no timed reads: the test says when
        QVERIFY(b.registry);
        const QJsonObject ttl{{QStringLiteral("ttlMs"), 60'000}};
        const QString first = registerTtl(QStringLiteral("web"), 8080, ttl);
        waitForTask(b.registry->sync());
        Inbox inbox;
        QVERIFY(subscribe(*b.registry, inbox));
        // A quick restart of the service between two of b's reads: a new id at the same address.
        QVERIFY(waitForTask(m_registry->deregister(first, QStringLiteral("restart"))));
        const QString second = registerTtl(QStringLiteral("web"), 8080, ttl);
        QVERIFY(second != first);
        waitForTask(b.registry->sync());
        QTRY_COMPARE(inbox.types(), (QStringList{QStringLiteral("subscribed/"), QStringLiteral("snapshot/"),
                                                 QStringLiteral("change/registry.instance.deregistered"),
                                                 QStringLiteral("change/registry.instance.registered")}));
        QCOMPARE(inbox.messages[2][QStringLiteral("instance")][QStringLiteral("id")].toString(), first);
        QCOMPARE(inbox.messages[3][QStringLiteral("instance")][QStringLiteral("id")].toString(), second);
        QCOMPARE(b.registry->stats().value(QStringLiteral("instances")).toInt(), 1);
        closeNode(b);
    }
    void aRestartedNodeKeepsTheStoredStatusesOnlyWhileAnotherServes()
    {
        RegistrySettings alone = clusterSettings(QStringLiteral("a"));
        alone.othersServing = [] {
            return false;
        };
        RegistrySettings joining = clusterSettings(QStringLiteral("a"));
        joining.othersServing = [] {
            return true;
        };
        closeRegistry();
        openRegistry(alone);
        const QString id = registerTtl(QStringLiteral("web"), 8080, {{QStringLiteral("ttlMs"), 60'000}});
        QVERIFY(heartbeat(id));
        QCOMPARE(status(id), QStringLiteral("passing"));
        closeRegistry();
        // Another node kept checking while this one was down: its statuses stand.
        openRegistry(joining);
        QCOMPARE(status(id), QStringLiteral("passing"));
        closeRegistry();
        // Nobody checked meanwhile (a one-node cluster, or the whole cluster restarted).
        openRegistry(alone);
        QCOMPARE(status(id), QStringLiteral("critical"));
        QTRY_COMPARE(storedChanges(id),
                     (QStringList{QStringLiteral("critical>passing"), QStringLiteral("passing>critical")}));
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
