#include "clusternodes.h"
#include "testing.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Meshdeck::Testing;

namespace {

quint16 gatewayPort(const BackendProcess &node)
{
    const QJsonObject ready = QJsonDocument::fromJson(node.readyLine()).object();
    return quint16(QUrl(ready.value(QStringLiteral("gatewayUrl")).toString()).port());
}

int status(quint16 port, const QByteArray &target)
{
    RawHttp c;
    if (!c.connectTo(port))
        return 0;
    c.send("GET " + target + " HTTP/1.1\r\nHost: gw.test\r\n\r\n");
    return c.read(10'000).status;
}

bool passingHere(BackendProcess &node)
{
    for (const QJsonValue &i : apiJson(node, "GET", "/v1/registry/services/shared/instances")
                                   .value(QStringLiteral("instances"))
                                   .toArray()) {
        if (i.toObject().value(QStringLiteral("status")).toString() == QLatin1String("passing"))
            return true;
    }
    return false;
}

bool passingHere(BackendProcess &node, const QByteArray &service)
{
    for (const QJsonValue &i : apiJson(node, "GET", "/v1/registry/services/" + service + "/instances")
                                   .value(QStringLiteral("instances"))
                                   .toArray()) {
        if (i.toObject().value(QStringLiteral("status")).toString() == QLatin1String("passing"))
            return true;
    }
    return false;
}

// The echo's own count of requests it is answering (GET /control).
int echoInFlight(const EchoProcess &echo)
{
    RawHttp c;
    if (!c.connectTo(echo.port()))
        return -1;
    c.send("GET /control HTTP/1.1\r\nHost: t\r\n\r\n");
    return QJsonDocument::fromJson(c.read().body).object().value(QStringLiteral("inFlight")).toInt(-1);
}

QJsonObject createRoute(BackendProcess &node, const QString &name, int timeoutMs)
{
    const QJsonObject route{
        {QStringLiteral("name"), name},
        {QStringLiteral("match"), QJsonObject{{QStringLiteral("pathPrefix"), QLatin1Char('/') + name}}},
        {QStringLiteral("service"), name},
        {QStringLiteral("timeoutMs"), timeoutMs}};
    const RawResponse made =
        apiCall(node, "POST", "/v1/gateway/routes", QJsonDocument(route).toJson(QJsonDocument::Compact));
    return made.status == 201 ? QJsonDocument::fromJson(made.body).object() : QJsonObject();
}

bool knowsRoute(BackendProcess &node, const QString &name)
{
    for (const QJsonValue &r :
         apiJson(node, "GET", "/v1/gateway/overview").value(QStringLiteral("routes")).toArray()) {
        if (r.toObject().value(QStringLiteral("name")).toString() == name)
            return !r.toObject().value(QStringLiteral("instances")).toArray().isEmpty();
    }
    return false;
}

} // namespace

// One rate limit, three nodes: the budget is shared through Redis, so the cluster lets through
// what one node would, whichever nodes the requests reach.
class TestGatewayCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneRateLimitHoldsAcrossThreeNodes()
    {
        ClusterNodes cluster;
        cluster.setExtraArgs({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY2(cluster.start(3), qPrintable(cluster.error()));
        EchoProcess echo;
        QVERIFY(echo.start(&cluster.node(0),
                           {QStringLiteral("--service"), QStringLiteral("shared"), QStringLiteral("--check"),
                            QStringLiteral("ttl"), QStringLiteral("--ttl-ms"), QStringLiteral("3000"),
                            QStringLiteral("--heartbeat-ms"), QStringLiteral("300")}));
        const QJsonObject route{
            {QStringLiteral("name"), QStringLiteral("shared")},
            {QStringLiteral("match"), QJsonObject{{QStringLiteral("pathPrefix"), QStringLiteral("/shared")}}},
            {QStringLiteral("service"), QStringLiteral("shared")},
            {QStringLiteral("rateLimit"), QJsonObject{{QStringLiteral("requests"), 90},
                                                      {QStringLiteral("perSeconds"), 3600},
                                                      {QStringLiteral("by"), QStringLiteral("ip")}}}};
        QCOMPARE(apiCall(cluster.node(0), "POST", "/v1/gateway/routes",
                         QJsonDocument(route).toJson(QJsonDocument::Compact))
                     .status,
                 201);
        // Every node has the route and sees the instance before any token is spent.
        for (int i = 0; i < 3; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(knowsRoute(cluster.node(i), QStringLiteral("shared")), 15'000);
            QTRY_VERIFY_WITH_TIMEOUT(passingHere(cluster.node(i)), 15'000);
        }
        for (int i = 0; i < 3; ++i)
            QCOMPARE(apiJson(cluster.node(i), "GET", "/v1/gateway/overview")
                         .value(QStringLiteral("rateLimits"))
                         .toObject()
                         .value(QStringLiteral("mode"))
                         .toString(),
                     QStringLiteral("shared"));

        int allowed = 0;
        int limited = 0;
        int other = 0;
        for (int n = 0; n < 150; ++n) {
            const int s = status(gatewayPort(cluster.node(n % 3)), "/shared/x");
            if (s == 200)
                ++allowed;
            else if (s == 429)
                ++limited;
            else
                ++other;
        }
        QCOMPARE(other, 0);
        // Within 5% of the limit (an atomic bucket in Redis makes it exact).
        QVERIFY2(allowed >= 86 && allowed <= 94, qPrintable(QString::number(allowed)));
        QCOMPARE(allowed + limited, 150);

        // Every node's overview names the busiest consumer from the shared buckets: the one
        // client, with its budget spent (a token comes back every 40 s).
        for (int i = 0; i < 3; ++i) {
            const auto busiest = [&cluster, i] {
                for (const QJsonValue &r : apiJson(cluster.node(i), "GET", "/v1/gateway/overview")
                                               .value(QStringLiteral("routes"))
                                               .toArray()) {
                    if (r.toObject().value(QStringLiteral("name")).toString() == QLatin1String("shared"))
                        return r.toObject().value(QStringLiteral("busiestConsumer")).toObject();
                }
                return QJsonObject();
            };
            // A node whose Redis replies were late for a moment answers from its local share:
            // the shared answer is waited for.
            const auto spent = [&busiest] {
                const QJsonObject b = busiest();
                const int remaining = b.value(QStringLiteral("remaining")).toInt(-1);
                return b.value(QStringLiteral("consumer")).toString() == QLatin1String("ip:127.0.0.1") &&
                       b.value(QStringLiteral("limit")).toInt() == 90 && remaining >= 0 && remaining <= 2;
            };
            QTRY_VERIFY2_WITH_TIMEOUT(
                spent(), QJsonDocument(busiest()).toJson(QJsonDocument::Compact).constData(), 10'000);
        }
    }

    // A drain started on one node waits for the requests another node's gateway holds to the
    // instance, and completes once they end; a node that dies does not hold a drain.
    void aDrainWaitsForEveryNodesGateway()
    {
        ClusterNodes cluster;
        cluster.setExtraArgs({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY2(cluster.start(3), qPrintable(cluster.error()));
        const QStringList checks{QStringLiteral("--check-interval-ms"), QStringLiteral("300"),
                                 QStringLiteral("--healthy-threshold"), QStringLiteral("1")};
        EchoProcess first;
        QVERIFY(first.start(&cluster.node(0),
                            checks + QStringList{QStringLiteral("--service"), QStringLiteral("drainone")}));
        EchoProcess second;
        QVERIFY(second.start(&cluster.node(0),
                             checks + QStringList{QStringLiteral("--service"), QStringLiteral("draintwo")}));
        QVERIFY(!createRoute(cluster.node(0), QStringLiteral("drainone"), 30'000).isEmpty());
        QVERIFY(!createRoute(cluster.node(0), QStringLiteral("draintwo"), 60'000).isEmpty());
        for (int i = 0; i < 3; ++i) {
            for (const char *service : {"drainone", "draintwo"}) {
                QTRY_VERIFY_WITH_TIMEOUT(knowsRoute(cluster.node(i), QString::fromLatin1(service)), 15'000);
                QTRY_VERIFY_WITH_TIMEOUT(passingHere(cluster.node(i), service), 15'000);
            }
        }
        // Only the gateways' counts may hold the drains: the echoes report nothing from now on.
        QVERIFY(first.control("{\"heartbeats\":false}"));
        QVERIFY(second.control("{\"heartbeats\":false}"));

        // The instance's checks (and its drain's end) run on its owner; the slow request goes
        // through another node's gateway, and the drain is asked of a third node or the owner.
        struct Drain {
            QByteArray id;
            int owner = -1;
            int gateway = -1;
            int asked = -1;
        };
        const auto plan = [&cluster](const QByteArray &service) {
            Drain d;
            const QJsonObject instance =
                apiJson(cluster.node(0), "GET", "/v1/registry/services/" + service + "/instances")
                    .value(QStringLiteral("instances"))
                    .toArray()
                    .first()
                    .toObject();
            d.id = instance.value(QStringLiteral("id")).toString().toUtf8();
            const QString owner = instance.value(QStringLiteral("checkedBy")).toString();
            for (int i = 0; i < cluster.size(); ++i) {
                if (cluster.node(i).nodeId() == owner)
                    d.owner = i;
            }
            d.gateway = (d.owner + 1) % cluster.size();
            d.asked = (d.owner + 2) % cluster.size();
            return d;
        };
        const auto drainStatus = [&cluster](const Drain &d) {
            const RawResponse r = apiCall(cluster.node(d.asked), "GET", "/v1/registry/instances/" + d.id);
            return r.status == 404
                       ? QStringLiteral("gone")
                       : QJsonDocument::fromJson(r.body).object().value(QStringLiteral("status")).toString();
        };

        const Drain one = plan("drainone");
        QVERIFY2(one.owner >= 0, "the instance names no owner among the nodes");
        RawHttp slow;
        QVERIFY(slow.connectTo(gatewayPort(cluster.node(one.gateway))));
        slow.send("GET /drainone/x?delayMs=4000 HTTP/1.1\r\nHost: gw.test\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(echoInFlight(first), 1, 5'000);
        QCOMPARE(apiCall(cluster.node(one.asked), "POST", "/v1/registry/instances/" + one.id + "/drain",
                         "{\"deadlineMs\":60000}")
                     .status,
                 202);
        // Held while the request lasts (checked until its answer arrives)...
        int checked = 0;
        while (slow.socket().bytesAvailable() == 0 && !slow.socket().waitForReadyRead(100)) {
            QCOMPARE(drainStatus(one), QStringLiteral("draining"));
            ++checked;
        }
        QVERIFY2(checked >= 10, qPrintable(QString::number(checked)));
        QCOMPARE(slow.read(10'000).status, 200);
        // ...and complete once it ended.
        QTRY_COMPARE_WITH_TIMEOUT(drainStatus(one), QStringLiteral("gone"), 10'000);

        // The node whose gateway holds the request dies: its request died with it, and the drain
        // completes once the node is known to be gone, long before the request would have ended.
        const Drain two = plan("draintwo");
        QVERIFY2(two.owner >= 0, "the instance names no owner among the nodes");
        RawHttp doomed;
        QVERIFY(doomed.connectTo(gatewayPort(cluster.node(two.gateway))));
        doomed.send("GET /draintwo/x?delayMs=50000 HTTP/1.1\r\nHost: gw.test\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(echoInFlight(second), 1, 5'000);
        QCOMPARE(apiCall(cluster.node(two.asked), "POST", "/v1/registry/instances/" + two.id + "/drain",
                         "{\"deadlineMs\":120000}")
                     .status,
                 202);
        // Held (as above, the first drain showed an end would be seen within a second or two).
        QElapsedTimer held;
        held.start();
        while (held.elapsed() < 3'000)
            QCOMPARE(drainStatus(two), QStringLiteral("draining"));
        cluster.kill9(two.gateway);
        QElapsedTimer ending;
        ending.start();
        QTRY_COMPARE_WITH_TIMEOUT(drainStatus(two), QStringLiteral("gone"), 20'000);
        QVERIFY2(ending.elapsed() < 20'000, qPrintable(QString::number(ending.elapsed())));
    }
};

QTEST_MAIN(TestGatewayCluster)
#include "tst_gateway_cluster.moc"
