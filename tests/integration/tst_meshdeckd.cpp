#include "testing.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>

#include <csignal>

using namespace Meshdeck::Testing;

namespace {
QByteArray get(const QByteArray &path, const QByteArray &token = {})
{
    QByteArray r = "GET " + path + " HTTP/1.1\r\nHost: t\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token + "\r\n";
    return r + "\r\n";
}

RawResponse fetch(BackendProcess &backend, const QByteArray &path, const QByteArray &token = {})
{
    RawHttp c;
    if (!c.connectTo(backend.port()))
        return {};
    c.send(get(path, token));
    return c.read();
}
} // namespace

class TestMeshdeckd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void printsOneReadyLineAndWritesAPrivateToken()
    {
        BackendProcess backend;
        QVERIFY2(backend.start(), backend.stderrText().constData());
        const QJsonObject ready = QJsonDocument::fromJson(backend.readyLine()).object();
        QCOMPARE(ready.value(QStringLiteral("ready")).toBool(), true);
        QVERIFY(QRegularExpression(QStringLiteral("^http://127\\.0\\.0\\.1:\\d+$"))
                    .match(ready.value(QStringLiteral("url")).toString())
                    .hasMatch());
        QVERIFY(QFileInfo(ready.value(QStringLiteral("adminTokenFile")).toString()).isAbsolute());
        QCOMPARE(QFileInfo(backend.tokenFile()).permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QCOMPARE(backend.terminate(), 0);
        QVERIFY2(backend.process().readAllStandardOutput().trimmed().isEmpty(),
                 "stdout carries only the ready line");
    }

    void requiresTheTokenOnV1Routes_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("info") << QByteArray("/v1/system/info");
        QTest::newRow("openapi") << QByteArray("/v1/openapi.json");
        QTest::newRow("unknown v1 route") << QByteArray("/v1/whatever");
    }

    void requiresTheTokenOnV1Routes()
    {
        QFETCH(QByteArray, path);
        BackendProcess backend;
        QVERIFY(backend.start());
        for (const QByteArray &token : {QByteArray(), QByteArray("wrong-token")}) {
            const RawResponse r = fetch(backend, path, token);
            if (path == "/v1/whatever") {
                QCOMPARE(r.status, 404); // there is nothing to protect; say so
                continue;
            }
            QCOMPARE(r.status, 401);
            QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
            const QJsonObject problem = QJsonDocument::fromJson(r.body).object();
            QCOMPARE(problem.value(QStringLiteral("status")).toInt(), 401);
            QVERIFY(
                problem.value(QStringLiteral("detail")).toString().contains(QStringLiteral("admin.token")));
        }
        if (path != "/v1/whatever")
            QCOMPARE(fetch(backend, path, backend.token()).status, 200);
    }

    void healthAndSystemInfo()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        QCOMPARE(fetch(backend, "/healthz").status, 200);
        const RawResponse ready = fetch(backend, "/readyz");
        QCOMPARE(ready.status, 200);
        const QJsonObject info =
            QJsonDocument::fromJson(fetch(backend, "/v1/system/info", backend.token()).body).object();
        QCOMPARE(info.value(QStringLiteral("mode")).toString(), QStringLiteral("local"));
        QCOMPARE(info.value(QStringLiteral("version")).toString(), QStringLiteral(MESHDECK_VERSION));
        QCOMPARE(info.value(QStringLiteral("dataDir")).toString(), QDir(backend.dataDir()).absolutePath());
        const QString nodeId = info.value(QStringLiteral("nodeId")).toString();
        QVERIFY(!QUuid::fromString(nodeId).isNull());
        QVERIFY(info.value(QStringLiteral("uptimeSeconds")).toDouble() >= 0);
        QCOMPARE(backend.terminate(), 0);

        // The node keeps its identity across restarts on the same data directory.
        BackendProcess again(backend.dataDir());
        QVERIFY(again.start());
        const QJsonObject info2 =
            QJsonDocument::fromJson(fetch(again, "/v1/system/info", again.token()).body).object();
        QCOMPARE(info2.value(QStringLiteral("nodeId")).toString(), nodeId);
        QCOMPARE(again.token(), backend.token());
    }

    void metricsParseAsPrometheusText()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        fetch(backend, "/healthz");
        fetch(backend, "/v1/system/info"); // 401
        const RawResponse r = fetch(backend, "/metrics");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("text/plain; version=0.0.4"));
        static const QRegularExpression sample(
            QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"(,[a-"
                           "zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\")*\\})? -?[0-9.eE+-]+$"));
        static const QRegularExpression comment(
            QStringLiteral("^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$"));
        QHash<QString, double> values;
        for (const QByteArray &raw : r.body.split('\n')) {
            const QString line = QString::fromUtf8(raw);
            if (line.isEmpty())
                continue;
            if (line.startsWith(QLatin1Char('#'))) {
                QVERIFY2(comment.match(line).hasMatch(), qPrintable(line));
                continue;
            }
            QVERIFY2(sample.match(line).hasMatch(), qPrintable(line));
            values.insert(line.section(QLatin1Char(' '), 0, 0),
                          line.section(QLatin1Char(' '), 1, 1).toDouble());
        }
        QCOMPARE(values.value(QStringLiteral(
                     "meshdeck_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}")),
                 1.0);
        QCOMPARE(
            values.value(QStringLiteral(
                "meshdeck_http_requests_total{method=\"GET\",route=\"/v1/system/info\",status=\"401\"}")),
            1.0);
        QVERIFY(values.contains(QStringLiteral(
            "meshdeck_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"}")));
        QVERIFY(values.value(QStringLiteral("process_resident_memory_bytes")) > 1e6);
        QVERIFY(values.contains(QStringLiteral("meshdeck_http_open_connections")));
    }

    void openApiListsEveryRoute()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        const QJsonObject doc =
            QJsonDocument::fromJson(fetch(backend, "/v1/openapi.json", backend.token()).body).object();
        QVERIFY(doc.value(QStringLiteral("openapi")).toString().startsWith(QStringLiteral("3.")));
        const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
        const QStringList expected{QStringLiteral("/healthz"),
                                   QStringLiteral("/readyz"),
                                   QStringLiteral("/metrics"),
                                   QStringLiteral("/v1/openapi.json"),
                                   QStringLiteral("/v1/system/info"),
                                   QStringLiteral("/v1/system/cluster"),
                                   QStringLiteral("/v1/events/topics"),
                                   QStringLiteral("/v1/events/topics/{topic}"),
                                   QStringLiteral("/v1/events/topics/{topic}/events"),
                                   QStringLiteral("/v1/events/topics/{topic}/replay"),
                                   QStringLiteral("/v1/events/topics/{topic}/groups"),
                                   QStringLiteral("/v1/events/topics/{topic}/groups/{group}/poll"),
                                   QStringLiteral("/v1/events/topics/{topic}/groups/{group}/commit"),
                                   QStringLiteral("/v1/events/topics/{topic}/groups/{group}/lag"),
                                   QStringLiteral("/v1/events/webhooks"),
                                   QStringLiteral("/v1/events/webhooks/{id}"),
                                   QStringLiteral("/v1/events/webhooks/{id}/deliveries"),
                                   QStringLiteral("/v1/events/webhooks/{id}/test"),
                                   QStringLiteral("/v1/realtime"),
                                   QStringLiteral("/v1/registry/services"),
                                   QStringLiteral("/v1/registry/services/{service}/instances"),
                                   QStringLiteral("/v1/registry/instances/{id}"),
                                   QStringLiteral("/v1/registry/instances/{id}/heartbeat"),
                                   QStringLiteral("/v1/registry/instances/{id}/drain"),
                                   QStringLiteral("/v1/registry/changes"),
                                   QStringLiteral("/v1/registry/stats"),
                                   QStringLiteral("/v1/audit"),
                                   QStringLiteral("/v1/access/permissions"),
                                   QStringLiteral("/v1/access/simulate"),
                                   QStringLiteral("/v1/auth/invitations/accept"),
                                   QStringLiteral("/v1/auth/keys"),
                                   QStringLiteral("/v1/auth/keys/{keyId}"),
                                   QStringLiteral("/v1/auth/me"),
                                   QStringLiteral("/v1/auth/me/password"),
                                   QStringLiteral("/v1/auth/sessions"),
                                   QStringLiteral("/v1/auth/sessions/current"),
                                   QStringLiteral("/v1/auth/sessions/refresh"),
                                   QStringLiteral("/v1/auth/sessions/{sessionId}"),
                                   QStringLiteral("/v1/auth/teams"),
                                   QStringLiteral("/v1/auth/teams/{teamId}"),
                                   QStringLiteral("/v1/auth/teams/{teamId}/invitations"),
                                   QStringLiteral("/v1/auth/teams/{teamId}/invitations/{invitationId}"),
                                   QStringLiteral("/v1/auth/teams/{teamId}/memberships"),
                                   QStringLiteral("/v1/auth/teams/{teamId}/memberships/{membershipId}"),
                                   QStringLiteral("/v1/auth/users"),
                                   QStringLiteral("/v1/auth/users/{userId}"),
                                   QStringLiteral("/v1/auth/users/{userId}/password"),
                                   QStringLiteral("/v1/auth/users/{userId}/sessions"),
                                   QStringLiteral("/v1/auth/users/{userId}/sessions/{sessionId}"),
                                   QStringLiteral("/v1/gateway/routes"),
                                   QStringLiteral("/v1/gateway/routes/preview"),
                                   QStringLiteral("/v1/gateway/routes/{id}"),
                                   QStringLiteral("/v1/gateway/routes/{id}/versions"),
                                   QStringLiteral("/v1/gateway/routes/{id}/versions/{version}/restore"),
                                   QStringLiteral("/v1/gateway/overview"),
                                   QStringLiteral("/v1/gateway/metrics"),
                                   QStringLiteral("/v1/gateway/breakers"),
                                   QStringLiteral("/v1/gateway/breakers/{routeId}/{instanceId}/reset"),
                                   QStringLiteral("/v1/builds"),
                                   QStringLiteral("/v1/builds/claim"),
                                   QStringLiteral("/v1/builds/{deploymentId}/renew"),
                                   QStringLiteral("/v1/builds/{deploymentId}/log"),
                                   QStringLiteral("/v1/builds/{deploymentId}/source"),
                                   QStringLiteral("/v1/builds/{deploymentId}/artifact"),
                                   QStringLiteral("/v1/builds/{deploymentId}/finish"),
                                   QStringLiteral("/v1/sites"),
                                   QStringLiteral("/v1/sites/{siteId}"),
                                   QStringLiteral("/v1/sites/{siteId}/deployments"),
                                   QStringLiteral("/v1/sites/{siteId}/deployments/{deploymentId}"),
                                   QStringLiteral("/v1/sites/{siteId}/deployments/{deploymentId}/activate"),
                                   QStringLiteral("/v1/sites/{siteId}/deployments/{deploymentId}/cancel"),
                                   QStringLiteral("/v1/sites/{siteId}/deployments/{deploymentId}/log"),
                                   QStringLiteral("/v1/sites/{siteId}/deployments/{deploymentId}/redeploy"),
                                   QStringLiteral("/v1/sites/{siteId}/variables"),
                                   QStringLiteral("/v1/sites/{siteId}/variables/{variableId}"),
                                   QStringLiteral("/v1/chat/rooms"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/participants"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/participants/{userId}"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/read"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/typing"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/messages"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/messages/{messageId}"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/messages/{messageId}/edits"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/support-reads"),
                                   QStringLiteral("/v1/chat/search"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/invitations"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/invitations/{token}"),
                                   QStringLiteral("/v1/chat/invitations/{token}/qr.svg"),
                                   QStringLiteral("/v1/chat/invitations/{token}/qr.png"),
                                   QStringLiteral("/v1/chat/invitations/{token}/accept"),
                                   QStringLiteral("/v1/chat/rooms/{roomId}/messages/{messageId}/reports"),
                                   QStringLiteral("/v1/chat/reports"),
                                   QStringLiteral("/v1/chat/reports/{reportId}/resolve"),
                                   QStringLiteral("/v1/presence")};
        for (const QString &path : expected) {
            QVERIFY2(paths.contains(path), qPrintable(path));
            QVERIFY(!paths.value(path).toObject().isEmpty());
        }
        QCOMPARE(paths.size(), expected.size());
        // Every documented route exists: whatever it answers, it is not the router's "no such route".
        for (QString path : expected) {
            path.replace(QStringLiteral("{topic}"), QStringLiteral("system"));
            path.replace(QStringLiteral("{group}"), QStringLiteral("g"));
            const RawResponse r = fetch(backend, path.toUtf8(), backend.token());
            QVERIFY2(r.valid(), qPrintable(path));
            QVERIFY2(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("type")).toString() !=
                         QLatin1String("urn:meshdeck:problem:not-found"),
                     qPrintable(path));
        }
    }

    void sigtermFinishesAndExitsZero()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        RawHttp idle;
        QVERIFY(idle.connectTo(backend.port()));
        idle.send(get("/healthz"));
        QCOMPARE(idle.read().status, 200);
        QCOMPARE(backend.terminate(), 0);
        QVERIFY(idle.waitClosed());
        QVERIFY2(backend.stderrText().contains("stopped"), backend.stderrText().constData());
    }

    void aClientVanishingMidRequestLeavesTheServerServing()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        for (int i = 0; i < 50; ++i) {
            RawHttp c;
            QVERIFY(c.connectTo(backend.port()));
            c.send("POST /v1/system/info HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial");
            if (i % 2)
                c.send(get("/healthz") + get("/v1/system/info", backend.token()));
            c.socket().abort();
        }
        // The server has seen every vanished client and closed its side (only the metrics request
        // itself is open), so what is checked next comes after all of them.
        const QRegularExpression accepted(
            QStringLiteral("\nmeshdeck_http_connections_accepted_total (\\d+)\n"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QString text = QString::fromUtf8(fetch(backend, "/metrics").body);
                return accepted.match(text).captured(1).toInt() > 50 &&
                       text.contains(QLatin1String("\nmeshdeck_http_open_connections 1\n"));
            },
            10'000));
        QCOMPARE(fetch(backend, "/healthz").status, 200);
        QCOMPARE(backend.process().state(), QProcess::Running);
        QCOMPARE(backend.terminate(), 0);
    }

    void slowlorisIsClosedAfterTheHeaderTimeout()
    {
        BackendProcess backend;
        QVERIFY(backend.start({QStringLiteral("--header-timeout-ms"), QStringLiteral("500")}));
        RawHttp c;
        QVERIFY(c.connectTo(backend.port()));
        const QByteArray head = get("/healthz");
        const qsizetype sent = c.sendSlowly(head, 100); // 1 byte per 100 ms: the head would take 3 s
        QVERIFY2(sent < head.size(), "the connection must be cut before the slow head completes");
        QVERIFY(c.waitClosed(2000));
        QCOMPARE(fetch(backend, "/healthz").status, 200);
    }

    void refusesADatabaseFromANewerVersion()
    {
        QTemporaryDir dir;
        {
            BackendProcess first(dir.path());
            QVERIFY(first.start());
            QCOMPARE(first.terminate(), 0);
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            db.setDatabaseName(dir.filePath(QStringLiteral("meshdeck.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO schema_migrations VALUES ('system', 99, 'from the future', '2030-01-01')")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        BackendProcess second(dir.path());
        QVERIFY(!second.start());
        QVERIFY(second.process().state() == QProcess::NotRunning || second.process().waitForFinished(5000));
        QCOMPARE(second.process().exitCode(), 3);
        const QByteArray err = second.stderrText();
        QVERIFY2(err.contains("newer") && err.contains("--data-dir"), err.constData());
    }

    void commandLineErrorsAndHelp()
    {
        QProcess p;
        p.start(binary(QStringLiteral("meshdeckd")),
                {QStringLiteral("--listen"), QStringLiteral("nonsense")});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("--listen expects HOST:PORT"));

        p.start(binary(QStringLiteral("meshdeckd")), {QStringLiteral("--version")});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains(MESHDECK_VERSION));

        p.start(binary(QStringLiteral("meshdeckd")), {QStringLiteral("--help")});
        QVERIFY(p.waitForFinished(5000));
        const QByteArray help = p.readAllStandardOutput();
        for (const char *option :
             {"--data-dir", "--listen", "--log-level", "--threads", "--header-timeout-ms"})
            QVERIFY2(help.contains(option), option);
    }

    void anEncodedSlashIsPartOfAPathValue()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        // The system topic's events exist, so the deeper route would answer 200 if %2F split the path.
        QCOMPARE(fetch(backend, "/v1/events/topics/system/events", backend.token()).status, 200);
        const RawResponse r = fetch(backend, "/v1/events/topics/system%2Fevents", backend.token());
        QCOMPARE(r.status, 404);
        const QJsonObject problem = QJsonDocument::fromJson(r.body).object();
        QVERIFY2(
            problem.value(QStringLiteral("detail")).toString().contains(QStringLiteral("'system/events'")),
            r.body.constData());
    }

    void theInFlightBodyBudgetIsASetting()
    {
        BackendProcess backend;
        QVERIFY(backend.start({QStringLiteral("--max-inflight-body-bytes"), QStringLiteral("1000")}));
        const QByteArray head =
            "POST /v1/events/topics/budget/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
            backend.token() + "\r\nContent-Type: application/json\r\n";
        // 100 Continue says the first body was admitted: it holds 800 of the 1000 bytes.
        RawHttp a;
        QVERIFY(a.connectTo(backend.port()));
        a.send(head + "Expect: 100-continue\r\nContent-Length: 800\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return a.socket().bytesAvailable() > 0; }, 5000));
        QVERIFY(a.socket().peek(25).startsWith("HTTP/1.1 100 Continue"));

        RawHttp b;
        QVERIFY(b.connectTo(backend.port()));
        b.send(head + "Content-Length: 400\r\n\r\n" + QByteArray(400, ' '));
        const RawResponse refused = b.read();
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));

        // The admitted request is answered (its body is not a valid batch: 400, not 503).
        a.send(QByteArray(800, ' '));
        const RawResponse answered = a.read();
        QVERIFY2(answered.status != 0 && answered.status != 503, answered.body.constData());
    }

    void helpListsTheRolesAndABadRoleIsAUsageError()
    {
        QProcess p;
        p.start(binary(QStringLiteral("meshdeckd")), {QStringLiteral("--help")});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray help = p.readAllStandardOutput();
        QVERIFY2(help.contains("--role <role>") && help.contains("echo") && help.contains("build-worker"),
                 help.constData());
        QVERIFY(help.contains("--max-inflight-body-bytes"));

        // The echo role's own options, from its own help.
        p.start(binary(QStringLiteral("meshdeckd")),
                {QStringLiteral("--role"), QStringLiteral("echo"), QStringLiteral("--help")});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray echoHelp = p.readAllStandardOutput();
        for (const char *option : {"--register", "--check", "--token-file"})
            QVERIFY2(echoHelp.contains(option), option);

        for (const QStringList &args : {QStringList{QStringLiteral("--role"), QStringLiteral("bogus")},
                                        QStringList{QStringLiteral("--role=bogus")}}) {
            p.start(binary(QStringLiteral("meshdeckd")), args);
            QVERIFY(p.waitForFinished(5000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 2);
            const QByteArray err = p.readAllStandardError();
            QVERIFY2(err.contains("--role must be platform, echo or build-worker") && err.contains("bogus"),
                     err.constData());
        }
    }

    void aBusyPortIsAClearStartupFailure()
    {
        BackendProcess first;
        QVERIFY(first.start());
        QProcess second;
        QTemporaryDir dir;
        second.start(binary(QStringLiteral("meshdeckd")),
                     {QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:%1").arg(first.port())});
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 1);
        QVERIFY(second.readAllStandardError().contains("cannot listen"));
    }
};

QTEST_GUILESS_MAIN(TestMeshdeckd)
#include "tst_meshdeckd.moc"
