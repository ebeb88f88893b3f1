#include "testing.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Meshdeck::Testing;

namespace {
// Echo checks every 300 ms with a 500 ms timeout (slow above 250 ms); two results in a row change
// its status.
constexpr int IntervalMs = 300;
constexpr int TimeoutMs = 500;
constexpr int Threshold = 2;
const QStringList FastChecks{QStringLiteral("--check-interval-ms"),   QString::number(IntervalMs),
                             QStringLiteral("--check-timeout-ms"),    QString::number(TimeoutMs),
                             QStringLiteral("--healthy-threshold"),   QString::number(Threshold),
                             QStringLiteral("--unhealthy-threshold"), QString::number(Threshold),
                             QStringLiteral("--heartbeat-ms"),        QStringLiteral("200")};

QJsonArray instancesOf(const BackendProcess &backend, const QByteArray &service, const QByteArray &query = {})
{
    return apiJson(backend, "GET", "/v1/registry/services/" + service + "/instances" + query)
        .value(QStringLiteral("instances"))
        .toArray();
}

QJsonObject onlyInstance(const BackendProcess &backend, const QByteArray &service)
{
    const QJsonArray all = instancesOf(backend, service);
    return all.size() == 1 ? all.first().toObject() : QJsonObject();
}

QString statusOf(const BackendProcess &backend, const QByteArray &service)
{
    return onlyInstance(backend, service).value(QStringLiteral("status")).toString();
}

QJsonObject lastChange(const BackendProcess &backend, const QString &id)
{
    const QJsonArray history = apiJson(backend, "GET", "/v1/registry/instances/" + id.toUtf8())
                                   .value(QStringLiteral("history"))
                                   .toArray();
    return history.isEmpty() ? QJsonObject() : history.last().toObject();
}

qint64 timeOf(const QJsonObject &change)
{
    return QDateTime::fromString(change.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs)
        .toMSecsSinceEpoch();
}
} // namespace

class TestRegistryIntegration : public QObject
{
    Q_OBJECT
    std::unique_ptr<BackendProcess> m_shared; // one node for the data-driven bad-input rows

private Q_SLOTS:
    void cleanupTestCase() { m_shared.reset(); }

    void theNodeRegistersItsOwnServices()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        const QJsonArray services =
            apiJson(backend, "GET", "/v1/registry/services").value(QStringLiteral("services")).toArray();
        QStringList names;
        for (const QJsonValue &s : services)
            names << s.toObject().value(QStringLiteral("name")).toString();
        // The node's in-process build worker is listed with the separate ones, as build-worker.
        QCOMPARE(names, (QStringList{QStringLiteral("build-worker"), QStringLiteral("meshdeck.audit"),
                                     QStringLiteral("meshdeck.auth"), QStringLiteral("meshdeck.chat"),
                                     QStringLiteral("meshdeck.chat-extras"),
                                     QStringLiteral("meshdeck.events"), QStringLiteral("meshdeck.gateway"),
                                     QStringLiteral("meshdeck.presence"), QStringLiteral("meshdeck.realtime"),
                                     QStringLiteral("meshdeck.registry"), QStringLiteral("meshdeck.sites"),
                                     QStringLiteral("meshdeck.system"), QStringLiteral("meshdeck.teams")}));
        // Their /readyz check runs on the node's own port: a real check through the real engine.
        const QJsonObject events = onlyInstance(backend, "meshdeck.events");
        QCOMPARE(events.value(QStringLiteral("port")).toInt(), backend.port());
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "meshdeck.events"), QStringLiteral("passing"), 15'000);
        const QJsonObject worker = onlyInstance(backend, "build-worker");
        QVERIFY(worker.value(QStringLiteral("builtin")).toBool());
        const QJsonObject metadata = worker.value(QStringLiteral("metadata")).toObject();
        QCOMPARE(metadata.value(QStringLiteral("workerId")).toString(), QStringLiteral("local/builds"));
        QCOMPARE(metadata.value(QStringLiteral("concurrency")).toString(), QStringLiteral("2"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "build-worker"), QStringLiteral("passing"), 15'000);
    }

    void echoPassesDiesAndComesBack()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        EchoProcess echo;
        QVERIFY(echo.start(&backend, FastChecks));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("passing"), 5000);
        const QJsonObject registered = onlyInstance(backend, "echo");
        const QString id = registered.value(QStringLiteral("id")).toString();
        QCOMPARE(registered.value(QStringLiteral("port")).toInt(), echo.port());
        QVERIFY(
            registered.value(QStringLiteral("lastOutput")).toString().startsWith(QStringLiteral("HTTP 200")));

        // kill -9: no goodbye. Critical within interval × unhealthyThreshold + timeout.
        const quint16 port = echo.port();
        const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
        echo.kill9();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("critical"), 5000);
        const QJsonObject down = lastChange(backend, id);
        QCOMPARE(down.value(QStringLiteral("to")).toString(), QStringLiteral("critical"));
        const qint64 tookMs = timeOf(down) - killedAt;
        const int boundMs = IntervalMs * Threshold + TimeoutMs;
        QVERIFY2(tookMs <= boundMs,
                 qPrintable(QStringLiteral("critical after %1 ms, bound %2 ms").arg(tookMs).arg(boundMs)));
        QVERIFY(down.value(QStringLiteral("reason")).toString().contains(QStringLiteral("refused")));

        // Restarted on its port, it registers as the same instance and passes again.
        EchoProcess again;
        QVERIFY(again.start(&backend, FastChecks, port));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("passing"), 5000);
        QCOMPARE(onlyInstance(backend, "echo").value(QStringLiteral("id")).toString(), id);

        // Told to fail, then to be slow.
        QVERIFY(again.control("{\"fail\":true}"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("critical"), 5000);
        QVERIFY(lastChange(backend, id)
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("503")));
        QVERIFY(again.control("{\"fail\":false,\"delayMs\":320}"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("warning"), 5000);
        QVERIFY(again.control("{\"delayMs\":0}"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("passing"), 5000);

        // Every change is an event on the registry topic.
        const QJsonArray events = apiJson(backend, "GET", "/v1/events/topics/registry/events?limit=1000")
                                      .value(QStringLiteral("events"))
                                      .toArray();
        QStringList transitions;
        for (const QJsonValue &v : events) {
            const QJsonObject e = v.toObject();
            const QJsonObject data = e.value(QStringLiteral("data")).toObject();
            if (e.value(QStringLiteral("key")).toString() == id &&
                e.value(QStringLiteral("type")).toString() ==
                    QLatin1String("registry.instance.status_changed"))
                transitions << data.value(QStringLiteral("to")).toString();
        }
        QCOMPARE(transitions, (QStringList{QStringLiteral("passing"), QStringLiteral("critical"),
                                           QStringLiteral("passing"), QStringLiteral("critical"),
                                           QStringLiteral("warning"), QStringLiteral("passing")}));
    }

    void ttlEchoIsMarkedWhenItsHeartbeatsStop()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        EchoProcess echo;
        QVERIFY(echo.start(&backend, {QStringLiteral("--check"), QStringLiteral("ttl"),
                                      QStringLiteral("--ttl-ms"), QStringLiteral("1000"),
                                      QStringLiteral("--heartbeat-ms"), QStringLiteral("200")}));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("passing"), 5000);
        QVERIFY(echo.control("{\"heartbeats\":false}"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("critical"), 5000);
        QVERIFY(onlyInstance(backend, "echo")
                    .value(QStringLiteral("lastOutput"))
                    .toString()
                    .contains(QStringLiteral("no heartbeat")));
        QVERIFY(echo.control("{\"heartbeats\":true}"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("passing"), 5000);
    }

    void drainDeregistersOnceNothingIsInFlight()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        EchoProcess echo;
        QVERIFY(echo.start(&backend, FastChecks));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("passing"), 5000);
        const QString id = onlyInstance(backend, "echo").value(QStringLiteral("id")).toString();
        const RawResponse drained = apiCall(
            backend, "POST", "/v1/registry/instances/" + id.toUtf8() + "/drain", "{\"deadlineMs\":60000}");
        QCOMPARE(drained.status, 202);
        const QJsonObject body = QJsonDocument::fromJson(drained.body).object();
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("draining"));
        QCOMPARE(body.value(QStringLiteral("weight")).toInt(), 0);
        // The echo's next heartbeat reports nothing in flight: gone long before the deadline.
        QTRY_COMPARE_WITH_TIMEOUT(apiCall(backend, "GET", "/v1/registry/instances/" + id.toUtf8()).status,
                                  404, 5000);
        QVERIFY(echo.process().state() == QProcess::Running);
    }

    void sigtermDeregistersAndDeleteIsFinal()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        EchoProcess polite;
        QVERIFY(polite.start(
            &backend, FastChecks + QStringList{QStringLiteral("--service"), QStringLiteral("polite")}));
        QTRY_COMPARE_WITH_TIMEOUT(instancesOf(backend, "polite").size(), 1, 5000);
        QCOMPARE(polite.terminate(), 0);
        QCOMPARE(apiCall(backend, "GET", "/v1/registry/services/polite/instances").status, 404);

        EchoProcess echo;
        QVERIFY(echo.start(&backend, FastChecks));
        QTRY_COMPARE_WITH_TIMEOUT(instancesOf(backend, "echo").size(), 1, 5000);
        const QByteArray id = onlyInstance(backend, "echo").value(QStringLiteral("id")).toString().toUtf8();
        // A heartbeat answered 404 makes the echo register again: without heartbeats, nothing can
        // bring the instance back between the checks below.
        QVERIFY(echo.control("{\"heartbeats\":false}"));
        QCOMPARE(apiCall(backend, "DELETE", "/v1/registry/instances/" + id).status, 204);
        QCOMPARE(apiCall(backend, "GET", "/v1/registry/instances/" + id).status, 404);
        QCOMPARE(apiCall(backend, "DELETE", "/v1/registry/instances/" + id).status, 404);
    }

    void theRegistryIsIntactAfterARestart()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        EchoProcess echo;
        QVERIFY(
            echo.start(&backend, FastChecks + QStringList{QStringLiteral("--tag"), QStringLiteral("blue"),
                                                          QStringLiteral("--weight"), QStringLiteral("30")}));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(backend, "echo"), QStringLiteral("passing"), 5000);
        const QJsonObject before = onlyInstance(backend, "echo");
        QCOMPARE(backend.terminate(), 0);

        BackendProcess restarted(backend.dataDir());
        QVERIFY(restarted.start());
        const QJsonObject after = onlyInstance(restarted, "echo");
        QCOMPARE(after.value(QStringLiteral("id")), before.value(QStringLiteral("id")));
        QCOMPARE(after.value(QStringLiteral("weight")).toInt(), 30);
        QCOMPARE(after.value(QStringLiteral("tags")).toArray(), QJsonArray{QStringLiteral("blue")});
        QCOMPARE(after.value(QStringLiteral("registeredAt")), before.value(QStringLiteral("registeredAt")));
        // It starts critical until proven, and its checks resume.
        const QJsonObject restart = lastChange(restarted, after.value(QStringLiteral("id")).toString());
        QCOMPARE(restart.value(QStringLiteral("to")).toString(), QStringLiteral("critical"));
        QVERIFY(restart.value(QStringLiteral("reason")).toString().contains(QStringLiteral("restarted")));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(restarted, "echo"), QStringLiteral("passing"), 5000);
        // The built-in services are registered again on the new port, not duplicated.
        QCOMPARE(instancesOf(restarted, "meshdeck.system").size(), 1);
        QCOMPARE(instancesOf(restarted, "meshdeck.system")
                     .first()
                     .toObject()
                     .value(QStringLiteral("port"))
                     .toInt(),
                 restarted.port());
    }

    void badInputIsRefusedWithAReason_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("detailContains");
        const QByteArray reg = "/v1/registry/services/web/instances";
        QTest::newRow("not json") << QByteArray("POST") << reg << QByteArray("{") << 400 << "JSON";
        QTest::newRow("bad address") << QByteArray("POST") << reg
                                     << QByteArray(
                                            "{\"address\":\"1.2.3\",\"port\":80,\"check\":{\"tcp\":true}}")
                                     << 400 << "address must be";
        QTest::newRow("bad port") << QByteArray("POST") << reg
                                  << QByteArray(
                                         "{\"address\":\"10.0.0.1\",\"port\":70000,\"check\":{\"tcp\":true}}")
                                  << 400 << "port";
        QTest::newRow("bad check") << QByteArray("POST") << reg
                                   << QByteArray(
                                          "{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"http\":\"x\"}}")
                                   << 400 << "check.http";
        QTest::newRow("bad service") << QByteArray("POST")
                                     << QByteArray("/v1/registry/services/Web!/instances")
                                     << QByteArray(
                                            "{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"tcp\":true}}")
                                     << 400 << "service name";
        QTest::newRow("bad status filter")
            << QByteArray("GET") << QByteArray("/v1/registry/services/meshdeck.system/instances?status=up")
            << QByteArray() << 400 << "status must be";
        QTest::newRow("unknown service") << QByteArray("GET") << reg << QByteArray() << 404 << "web";
        QTest::newRow("unknown instance")
            << QByteArray("GET") << QByteArray("/v1/registry/instances/i-0") << QByteArray() << 404 << "i-0";
        QTest::newRow("heartbeat unknown")
            << QByteArray("PUT") << QByteArray("/v1/registry/instances/i-0/heartbeat") << QByteArray() << 404
            << "register it again";
        QTest::newRow("drain unknown") << QByteArray("POST") << QByteArray("/v1/registry/instances/i-0/drain")
                                       << QByteArray() << 404 << "i-0";
        QTest::newRow("patch unknown") << QByteArray("PATCH") << QByteArray("/v1/registry/instances/i-0")
                                       << QByteArray("{\"weight\":1}") << 404 << "i-0";
        QTest::newRow("changes limit") << QByteArray("GET") << QByteArray("/v1/registry/changes?limit=0")
                                       << QByteArray() << 400 << "limit";
    }
    void badInputIsRefusedWithAReason()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, detailContains);
        if (!m_shared) {
            m_shared = std::make_unique<BackendProcess>();
            QVERIFY(m_shared->start());
        }
        BackendProcess *backend = m_shared.get();
        const RawResponse r = apiCall(*backend, method, path, body);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
        const QString detail =
            QJsonDocument::fromJson(r.body).object().value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(detailContains), qPrintable(detail));
        // Nothing was registered by any of these.
        QCOMPARE(apiCall(*backend, "GET", "/v1/registry/services/web/instances").status, 404);
    }

    void echoRefusesABadCommandLine()
    {
        QProcess p;
        p.start(binary(QStringLiteral("meshdeckd")),
                {QStringLiteral("--role"), QStringLiteral("echo"), QStringLiteral("--register"),
                 QStringLiteral("ftp://x")});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("--register expects"));
    }
};

QTEST_GUILESS_MAIN(TestRegistryIntegration)
#include "tst_registry_integration.moc"
