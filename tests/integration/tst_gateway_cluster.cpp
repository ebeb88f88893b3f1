#include "clusternodes.h"
#include "testing.h"

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
    }
};

QTEST_MAIN(TestGatewayCluster)
#include "tst_gateway_cluster.moc"
