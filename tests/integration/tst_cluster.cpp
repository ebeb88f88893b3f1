#include "postgresserver.h"
#include "testing.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>

#include <csignal>

using namespace Meshdeck::Testing;

namespace {
// The members a node lists, by node id: {state, advertiseUrl}.
QHash<QString, std::pair<QString, QString>> members(const BackendProcess &node)
{
    QHash<QString, std::pair<QString, QString>> out;
    const QJsonObject cluster = apiJson(node, "GET", "/v1/system/cluster");
    for (const QJsonValue &m : cluster.value(QStringLiteral("members")).toArray())
        out.insert(m[QStringLiteral("nodeId")].toString(),
                   {m[QStringLiteral("state")].toString(), m[QStringLiteral("advertiseUrl")].toString()});
    return out;
}

QString stateOn(const BackendProcess &node, const QString &nodeId)
{
    return members(node).value(nodeId).first;
}

// Waits for a process that is expected to refuse to start; its exit code (-1 if it did not exit).
int refusal(BackendProcess &node)
{
    if (node.process().state() != QProcess::NotRunning && !node.process().waitForFinished(15'000))
        return -1;
    return node.process().exitStatus() == QProcess::NormalExit ? node.process().exitCode() : -1;
}
} // namespace

// meshdeckd in cluster mode: real nodes on one real PostgreSQL (integration/cluster).
class TestCluster : public QObject
{
    Q_OBJECT
private:
    PostgresServer m_postgres;
    QTemporaryDir m_shared; // the files every node shares: the admin token and the secret key

    QStringList clusterArgs(const QString &url) const
    {
        return {QStringLiteral("--database"),
                url,
                QStringLiteral("--admin-token-file"),
                m_shared.filePath(QStringLiteral("admin.token")),
                QStringLiteral("--secret-key-file"),
                m_shared.filePath(QStringLiteral("secret.key")),
                QStringLiteral("--cluster-gone-after-ms"),
                QStringLiteral("3000")};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString())); }

    void localModeSaysSoAndListsItselfAlone()
    {
        BackendProcess local;
        QVERIFY(local.start());
        QCOMPARE(local.mode(), QStringLiteral("local"));
        QVERIFY(!local.nodeId().isEmpty());
        const QJsonObject ready = QJsonDocument::fromJson(local.readyLine()).object();
        QVERIFY(ready.contains(QStringLiteral("url")) && ready.contains(QStringLiteral("adminTokenFile")));
        const QJsonObject cluster = apiJson(local, "GET", "/v1/system/cluster");
        QCOMPARE(cluster.value(QStringLiteral("mode")).toString(), QStringLiteral("local"));
        const QJsonArray list = cluster.value(QStringLiteral("members")).toArray();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0)[QStringLiteral("nodeId")].toString(), local.nodeId());
        QCOMPARE(list.at(0)[QStringLiteral("state")].toString(), QStringLiteral("serving"));
        QCOMPARE(list.at(0)[QStringLiteral("advertiseUrl")].toString(), local.url().toString());
        QCOMPARE(local.terminate(), 0);
    }

    void aBadDatabaseUrlIsRefusedWithAClearMessage()
    {
        for (const QString &bad : {QStringLiteral("mysql://db/x"), QStringLiteral("postgres://")}) {
            BackendProcess node;
            QVERIFY(!node.start({QStringLiteral("--database"), bad}));
            QCOMPARE(refusal(node), 2);
            const QByteArray err = node.stderrText();
            QVERIFY2(err.contains("--database expects postgres://"), err.constData());
        }
        // The same check on the environment variable, and on the other cluster options.
        {
            BackendProcess node;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("MESHDECK_DATABASE_URL"), QStringLiteral("sqlite:///tmp/x"));
            node.process().setProcessEnvironment(env);
            QVERIFY(!node.start());
            QCOMPARE(refusal(node), 2);
            QVERIFY2(node.stderrText().contains("--database expects postgres://"),
                     node.stderrText().constData());
        }
        const QList<std::pair<QStringList, QByteArray>> badOptions{
            {{QStringLiteral("--node-id"), QStringLiteral("two words")}, "--node-id expects"},
            {{QStringLiteral("--advertise"), QStringLiteral("ftp://host")}, "--advertise expects"},
            {{QStringLiteral("--cluster-gone-after-ms"), QStringLiteral("10")},
             "--cluster-gone-after-ms expects"}};
        for (const auto &[args, message] : badOptions) {
            BackendProcess node;
            QVERIFY(!node.start(args));
            QCOMPARE(refusal(node), 2);
            QVERIFY2(node.stderrText().contains(message), node.stderrText().constData());
        }
        // A well-formed URL with no server behind it.
        BackendProcess node;
        QVERIFY(!node.start({QStringLiteral("--database"),
                             QStringLiteral("postgres://meshdeck@127.0.0.1:1/none?connect_timeout=2")}));
        QCOMPARE(refusal(node), 1);
        const QByteArray err = node.stderrText();
        QVERIFY2(err.contains("cannot open the database"), err.constData());
    }

    void aDatabaseFromANewerVersionIsRefusedWithCode3()
    {
        const QString url = m_postgres.createDatabase(QStringLiteral("future"));
        {
            QSqlDatabase db = m_postgres.connect(QStringLiteral("future"), QStringLiteral("future"));
            QSqlQuery q(db);
            QVERIFY(q.exec(
                QStringLiteral("CREATE TABLE schema_migrations (component TEXT NOT NULL, version INTEGER "
                               "NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY "
                               "(component, version))")));
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO schema_migrations VALUES ('system', 99, 'from the future', '2030-01-01')")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        BackendProcess node;
        QVERIFY(!node.start(clusterArgs(url)));
        QCOMPARE(refusal(node), 3);
        const QByteArray err = node.stderrText();
        QVERIFY2(err.contains("newer") && err.contains("--database"), err.constData());
        QVERIFY2(!err.contains("password"), err.constData());
    }

    void threeNodesShareOneTokenAndSeeEachOther()
    {
        const QString url = m_postgres.createDatabase(QStringLiteral("cluster3"));
        const QString tokenFile = m_shared.filePath(QStringLiteral("admin.token"));
        QFile::remove(tokenFile);
        BackendProcess a, b, c;
        QVERIFY2(a.start(clusterArgs(url), 30'000), a.stderrText().constData());
        QCOMPARE(a.mode(), QStringLiteral("cluster"));
        QVERIFY(QFileInfo::exists(tokenFile));
        QCOMPARE(QFileInfo(tokenFile).permissions() & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                        QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::Permissions());
        const QByteArray token = a.token();
        QVERIFY(token.size() >= 32);
        QVERIFY2(a.stderrText().contains("bootstrapped the cluster"), a.stderrText().constData());

        QVERIFY2(b.start(clusterArgs(url), 30'000), b.stderrText().constData());
        QVERIFY2(c.start(clusterArgs(url), 30'000), c.stderrText().constData());
        // The joining nodes left the file alone, and accept the first node's token.
        QCOMPARE(b.token(), token);
        QVERIFY(!b.stderrText().contains("bootstrapped") && !c.stderrText().contains("bootstrapped"));
        QCOMPARE(QSet<QString>({a.nodeId(), b.nodeId(), c.nodeId()}).size(), 3);
        for (BackendProcess *node : {&a, &b, &c}) {
            QCOMPARE(node->mode(), QStringLiteral("cluster"));
            QCOMPARE(apiCall(*node, "GET", "/v1/system/info").status, 200);
            RawHttp raw;
            QVERIFY(raw.connectTo(node->port()));
            raw.send("GET /v1/system/info HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer mdk_wrong\r\n\r\n");
            QCOMPARE(raw.read().status, 401);
        }

        // Every node lists all three serving, at their advertised URLs.
        for (BackendProcess *node : {&a, &b, &c}) {
            QTRY_COMPARE_WITH_TIMEOUT(members(*node).size(), 3, 5000);
            for (BackendProcess *other : {&a, &b, &c}) {
                QTRY_COMPARE_WITH_TIMEOUT(stateOn(*node, other->nodeId()), QStringLiteral("serving"), 5000);
                QCOMPARE(members(*node).value(other->nodeId()).second, other->url().toString());
            }
        }

        // Each node is a meshdeck.node instance in the registry; the last one restored the others'.
        QSet<QString> listed;
        for (const QJsonValue &i : apiJson(c, "GET", "/v1/registry/services/meshdeck.node/instances")
                                       .value(QStringLiteral("instances"))
                                       .toArray())
            listed << i[QStringLiteral("metadata")][QStringLiteral("nodeId")].toString();
        QCOMPARE(listed, QSet<QString>({a.nodeId(), b.nodeId(), c.nodeId()}));

        // kill -9: the others report it gone within the bound (3 s) plus a heartbeat, with margin.
        QCOMPARE(stateOn(a, c.nodeId()), QStringLiteral("serving"));
        ::kill(pid_t(c.process().processId()), SIGKILL);
        QVERIFY(c.process().waitForFinished(5000));
        QTRY_COMPARE_WITH_TIMEOUT(stateOn(a, c.nodeId()), QStringLiteral("gone"), 8000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOn(b, c.nodeId()), QStringLiteral("gone"), 2000);
        QCOMPARE(stateOn(a, b.nodeId()), QStringLiteral("serving"));

        // A clean stop: gone at once, without waiting for the bound.
        QCOMPARE(b.terminate(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(stateOn(a, b.nodeId()), QStringLiteral("gone"), 2000); // a's next heartbeat
        QCOMPARE(a.terminate(), 0);
    }

    void theChecksOfAKilledNodeMoveToAnotherNode()
    {
        // The instance under check: a TCP listener in this test, closed and opened at will.
        QTcpServer service;
        QVERIFY(service.listen(QHostAddress::LocalHost));
        const quint16 port = service.serverPort();
        const QString url = m_postgres.createDatabase(QStringLiteral("clusterchecks"));
        QFile::remove(m_shared.filePath(QStringLiteral("admin.token")));
        BackendProcess a, b, c;
        for (BackendProcess *node : {&a, &b, &c})
            QVERIFY2(node->start(clusterArgs(url), 30'000), node->stderrText().constData());
        const QList<BackendProcess *> nodes{&a, &b, &c};
        for (BackendProcess *node : nodes) {
            for (BackendProcess *other : nodes)
                QTRY_COMPARE_WITH_TIMEOUT(stateOn(*node, other->nodeId()), QStringLiteral("serving"), 10'000);
        }
        const QJsonObject registered =
            apiJson(a, "POST", "/v1/registry/services/ledger/instances",
                    QJsonDocument(QJsonObject{{QStringLiteral("address"), QStringLiteral("127.0.0.1")},
                                              {QStringLiteral("port"), port},
                                              {QStringLiteral("check"),
                                               QJsonObject{{QStringLiteral("tcp"), true},
                                                           {QStringLiteral("intervalMs"), 200},
                                                           {QStringLiteral("timeoutMs"), 500},
                                                           {QStringLiteral("healthyThreshold"), 1},
                                                           {QStringLiteral("unhealthyThreshold"), 1}}}})
                        .toJson());
        const QString id = registered.value(QStringLiteral("id")).toString();
        QVERIFY2(!id.isEmpty(), QJsonDocument(registered).toJson().constData());
        const QByteArray path = "/v1/registry/instances/" + id.toUtf8();
        const auto field = [&path](const BackendProcess &node, const char *name) {
            return apiJson(node, "GET", path).value(QLatin1String(name)).toString();
        };
        // Registered on a, seen and checked everywhere; every node names the same checker.
        for (BackendProcess *node : nodes)
            QTRY_COMPARE_WITH_TIMEOUT(field(*node, "status"), QStringLiteral("passing"), 10'000);
        const QString checker = field(a, "checkedBy");
        QVERIFY(!checker.isEmpty());
        for (BackendProcess *node : nodes)
            QCOMPARE(field(*node, "checkedBy"), checker);
        // Each instance (built-ins too) on exactly one node, once every node has read every one.
        const auto stat = [](const BackendProcess &node, const char *name) {
            return apiJson(node, "GET", "/v1/registry/stats").value(QLatin1String(name)).toInt();
        };
        const auto sharesAddUp = [&] {
            const int instances = stat(a, "instances");
            int checkedHere = 0;
            for (BackendProcess *node : nodes) {
                if (stat(*node, "instances") != instances)
                    return false;
                checkedHere += stat(*node, "checkedHere");
            }
            return checkedHere == instances;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sharesAddUp(), 5'000);

        // kill -9 the checker, then take the service down: only a node that took over the check
        // can notice. The bound: gone after 3 s, a membership heartbeat (1 s), one check interval,
        // and a read of the change (1 s) on the survivor asked; 12 s leaves room for a loaded machine.
        BackendProcess *victim = nullptr;
        for (BackendProcess *node : nodes) {
            if (node->nodeId() == checker)
                victim = node;
        }
        QVERIFY(victim);
        QList<BackendProcess *> survivors = nodes;
        survivors.removeOne(victim);
        ::kill(pid_t(victim->process().processId()), SIGKILL);
        QVERIFY(victim->process().waitForFinished(5000));
        service.close();
        QTRY_COMPARE_WITH_TIMEOUT(field(*survivors[0], "status"), QStringLiteral("critical"), 12'000);
        const QString successor = field(*survivors[0], "checkedBy");
        QVERIFY(successor == survivors[0]->nodeId() || successor == survivors[1]->nodeId());
        QTRY_COMPARE_WITH_TIMEOUT(field(*survivors[1], "checkedBy"), successor, 3'000);
        // And it keeps checking: the service back, the instance passing again. Each change is
        // stored once, whichever nodes checked it, and the other survivor reads them all.
        QVERIFY(service.listen(QHostAddress::LocalHost, port));
        const auto changes = [&path](const BackendProcess &node) {
            QStringList out;
            for (const QJsonValue &h : apiJson(node, "GET", path).value(QStringLiteral("history")).toArray())
                out << h[QStringLiteral("from")].toString() + QLatin1Char('>') +
                           h[QStringLiteral("to")].toString();
            return out;
        };
        const QStringList expected{QStringLiteral("critical>passing"), QStringLiteral("passing>critical"),
                                   QStringLiteral("critical>passing")};
        for (BackendProcess *node : survivors)
            QTRY_COMPARE_WITH_TIMEOUT(changes(*node), expected, 5'000);
        for (BackendProcess *node : survivors)
            QCOMPARE(node->terminate(), 0);
    }
    void aTokenLeftPendingByADeadBootstrapNodeIsRecovered()
    {
        const QString url = m_postgres.createDatabase(QStringLiteral("clusterrecover"));
        const QString tokenFile = m_shared.filePath(QStringLiteral("admin.token"));
        QFile::remove(tokenFile);
        BackendProcess a;
        QVERIFY2(a.start(clusterArgs(url), 30'000), a.stderrText().constData());
        const QByteArray token = a.token();
        QCOMPARE(a.terminate(), 0);
        // A normal bootstrap leaves no pending file behind.
        const QStringList pendingGlob{QStringLiteral("admin.token.pending-*")};
        QCOMPARE(QDir(m_shared.path()).entryList(pendingGlob, QDir::Files), QStringList());
        // The state a node leaves when it dies after claiming the bootstrap, before the rename.
        QVERIFY(QFile::rename(tokenFile, tokenFile + QStringLiteral(".pending-deadnode")));
        BackendProcess b;
        QVERIFY2(b.start(clusterArgs(url), 30'000), b.stderrText().constData());
        QVERIFY2(b.stderrText().contains("recovered it from"), b.stderrText().constData());
        QFile recovered(tokenFile);
        QVERIFY(recovered.open(QIODevice::ReadOnly));
        QCOMPARE(recovered.readAll().trimmed(), token);
        QCOMPARE(b.token(), token);
        QCOMPARE(apiCall(b, "GET", "/v1/system/info").status, 200);
        QCOMPARE(QDir(m_shared.path()).entryList(pendingGlob, QDir::Files), QStringList());
        QCOMPARE(b.terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
