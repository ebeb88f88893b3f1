// Sites in cluster mode, as an operator runs them: three real nodes on one PostgreSQL and one
// Redis, sharing one sites directory (--sites-dir). A build runs on whichever node claims it; a
// console following its channel on any node gets every log line once, in order, and its status;
// every node's gateway serves the deployment another node activated.
#include "clusternodes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {

// A realtime client on one node, recording every message.
class Follower
{
public:
    Follower()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(const BackendProcess &node, const QString &channel, std::optional<qint64> fromLine)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(node.port())));
        request.setRawHeader("Authorization", "Bearer " + node.token());
        m_socket.open(request);
        if (!QTest::qWaitFor([&] { return count(QStringLiteral("welcome")) > 0; }, 10'000))
            return false;
        QJsonObject subscribe{{QStringLiteral("type"), QStringLiteral("subscribe")},
                              {QStringLiteral("channel"), channel}};
        if (fromLine)
            subscribe.insert(QStringLiteral("fromLine"), *fromLine);
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(subscribe).toJson(QJsonDocument::Compact)));
        return QTest::qWaitFor([&] { return count(QStringLiteral("subscribed")) > 0; }, 10'000);
    }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
    // The log lines received, in the order received: (number, text).
    QList<std::pair<qint64, QString>> lines() const
    {
        QList<std::pair<qint64, QString>> out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("log"))
                out.append({qint64(m.value(QStringLiteral("line")).toDouble()),
                            m.value(QStringLiteral("text")).toString()});
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
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

quint16 gatewayPort(const BackendProcess &node)
{
    const QJsonObject ready = QJsonDocument::fromJson(node.readyLine()).object();
    return quint16(QUrl(ready.value(QStringLiteral("gatewayUrl")).toString()).port());
}

QByteArray tarballOf(const QString &dir)
{
    QProcess tar;
    tar.start(QStringLiteral("tar"),
              {QStringLiteral("-czf"), QStringLiteral("-"), QStringLiteral("-C"), dir, QStringLiteral(".")});
    if (!tar.waitForFinished(30'000) || tar.exitCode() != 0)
        return {};
    return tar.readAllStandardOutput();
}

RawResponse upload(const BackendProcess &node, const QByteArray &siteId, const QByteArray &bytes)
{
    RawHttp c;
    if (!c.connectTo(node.port()))
        return {};
    c.send("POST /v1/sites/" + siteId + "/deployments HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
           node.token() + "\r\nContent-Type: application/gzip\r\nContent-Length: " +
           QByteArray::number(bytes.size()) + "\r\n\r\n" + bytes);
    return c.read(30'000);
}

RawResponse fetch(quint16 port, const QByteArray &path)
{
    RawHttp c;
    if (!c.connectTo(port))
        return {};
    c.send("GET " + path + " HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
    return c.read(10'000);
}

} // namespace

class TestSitesCluster : public QObject
{
    Q_OBJECT

    QTemporaryDir m_work;
    ClusterNodes m_nodes;

    QJsonObject deployment(int node, const QByteArray &siteId, const QByteArray &id)
    {
        return apiJson(m_nodes.node(node), "GET", "/v1/sites/" + siteId + "/deployments/" + id);
    }

    // The whole committed log as the REST API answers it: (number, text).
    QList<std::pair<qint64, QString>> restLog(int node, const QByteArray &siteId, const QByteArray &id)
    {
        QList<std::pair<qint64, QString>> out;
        const QJsonObject page = apiJson(m_nodes.node(node), "GET",
                                         "/v1/sites/" + siteId + "/deployments/" + id + "/log?fromLine=1");
        for (const QJsonValue &v : page.value(QStringLiteral("lines")).toArray())
            out.append({qint64(v.toObject().value(QStringLiteral("line")).toDouble()),
                        v.toObject().value(QStringLiteral("text")).toString()});
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        m_nodes.setExtraArgs({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0"),
                              QStringLiteral("--sites-dir"), m_work.filePath(QStringLiteral("sites"))});
        QVERIFY2(m_nodes.start(3), qPrintable(m_nodes.error()));
    }

    void everyNodesFollowersGetEveryLineOnceInOrder()
    {
        // The site's build prints numbered lines for a few seconds, after a pause long enough
        // for the followers to subscribe while it runs.
        const QJsonObject spec{
            {QStringLiteral("name"), QStringLiteral("shared")},
            {QStringLiteral("framework"), QStringLiteral("static")},
            {QStringLiteral("installCommand"), QString()},
            {QStringLiteral("buildCommand"),
             QStringLiteral("sleep 2; for i in $(seq 1 400); do echo \"line $i\"; [ $((i % 20)) -eq 0 ] && "
                            "sleep 0.05; done; mkdir -p out && echo shared > out/index.html")},
            {QStringLiteral("outputDirectory"), QStringLiteral("out")}};
        const QJsonObject site =
            apiJson(m_nodes.node(0), "POST", "/v1/sites", QJsonDocument(spec).toJson(QJsonDocument::Compact));
        const QByteArray siteId = site.value(QStringLiteral("id")).toString().toUtf8();
        QVERIFY2(!siteId.isEmpty(), QJsonDocument(site).toJson().constData());
        const QString src = m_work.filePath(QStringLiteral("src"));
        QVERIFY(QDir().mkpath(src));
        const RawResponse created = upload(m_nodes.node(1), siteId, tarballOf(src));
        QCOMPARE(created.status, 201);
        const QByteArray id =
            QJsonDocument::fromJson(created.body).object().value(QStringLiteral("id")).toString().toUtf8();
        const QString channel =
            QStringLiteral("sites.%1.deployments.%2").arg(QString::fromUtf8(siteId), QString::fromUtf8(id));

        // From line 1 on every node: whichever node builds, two of them follow it from elsewhere.
        Follower fromStart[3];
        for (int n = 0; n < 3; ++n)
            QVERIFY(fromStart[n].open(m_nodes.node(n), channel, 1));
        // Live only, joining once the build is printing, on every node as well.
        QVERIFY(QTest::qWaitFor([&] { return fromStart[0].lines().size() >= 50; }, 60'000));
        Follower live[3];
        for (int n = 0; n < 3; ++n)
            QVERIFY(live[n].open(m_nodes.node(n), channel, std::nullopt));

        QVERIFY(QTest::qWaitFor(
            [&] {
                return deployment(2, siteId, id).value(QStringLiteral("status")).toString() ==
                       QLatin1String("ready");
            },
            120'000));
        const QString builder = deployment(2, siteId, id).value(QStringLiteral("worker")).toString();
        const QList<std::pair<qint64, QString>> log = restLog(2, siteId, id);
        QVERIFY2(log.size() > 400, qPrintable(QString::number(log.size())));
        for (int n = 0; n < 3; ++n) {
            const QString node = m_nodes.node(n).nodeId();
            // Every line once, in order, the same as the log the API answers.
            QVERIFY2(QTest::qWaitFor([&] { return fromStart[n].lines().size() >= log.size(); }, 15'000),
                     qPrintable(QStringLiteral("node %1 (builder %2): %3 of %4 lines")
                                    .arg(node, builder)
                                    .arg(fromStart[n].lines().size())
                                    .arg(log.size())));
            QCOMPARE(fromStart[n].lines(), log);
            QVERIFY2(QTest::qWaitFor(
                         [&] { return fromStart[n].statuses().contains(QStringLiteral("ready")); }, 15'000),
                     qPrintable(fromStart[n].statuses().join(QLatin1Char(','))));
            // A live follower: a contiguous run of lines up to the last, none twice.
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return !live[n].lines().isEmpty() && live[n].lines().last().first == log.last().first;
                },
                15'000));
            const QList<std::pair<qint64, QString>> got = live[n].lines();
            QVERIFY2(got.first().first > 1, "the live follower joined mid-build");
            QCOMPARE(got, log.mid(got.first().first - 1));
            QVERIFY(QTest::qWaitFor([&] { return live[n].statuses().contains(QStringLiteral("ready")); },
                                    15'000));
        }

        // Activated on one node, served by every node's gateway from the shared directory.
        QCOMPARE(apiCall(m_nodes.node(2), "PATCH", "/v1/sites/" + siteId + "/deployments/" + id + "/activate",
                         "{}")
                     .status,
                 200);
        for (int n = 0; n < 3; ++n) {
            const quint16 port = gatewayPort(m_nodes.node(n));
            QVERIFY(port != 0);
            QVERIFY2(
                QTest::qWaitFor([&] { return fetch(port, "/sites/" + siteId + "/").status == 200; }, 15'000),
                qPrintable(QStringLiteral("node %1 does not serve the site").arg(n)));
            QCOMPARE(fetch(port, "/sites/" + siteId + "/").body, QByteArray("shared\n"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSitesCluster)
#include "tst_sites_cluster.moc"
