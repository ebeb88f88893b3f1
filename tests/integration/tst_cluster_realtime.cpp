#include "postgresserver.h"
#include "redisserver.h"
#include "testing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QWebSocket>

#include <csignal>

using namespace Meshdeck::Testing;

namespace {

// A realtime client on one node, recording every message.
class Subscriber
{
public:
    Subscriber()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(const BackendProcess &node, const QByteArray &credential = {})
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(node.port())));
        request.setRawHeader("Authorization", "Bearer " + (credential.isEmpty() ? node.token() : credential));
        m_socket.open(request);
        return QTest::qWaitFor([&] { return count(QStringLiteral("welcome")) > 0; }, 10'000);
    }
    bool subscribe(const QString &channel, qint64 fromOffset)
    {
        m_socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                                        {QStringLiteral("channel"), channel},
                                                        {QStringLiteral("fromOffset"), fromOffset}})
                                  .toJson(QJsonDocument::Compact)));
        return QTest::qWaitFor([&] { return count(QStringLiteral("subscribed")) > 0; }, 10'000);
    }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
    QList<qint64> offsets() const { return eventOffsets(messages); }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

QByteArray oneEvent(const QString &from, int n)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("events"),
                                      QJsonArray{QJsonObject{
                                          {QStringLiteral("type"), QStringLiteral("n")},
                                          {QStringLiteral("data"), QJsonObject{{QStringLiteral("from"), from},
                                                                               {QStringLiteral("n"), n}}}}}}})
        .toJson(QJsonDocument::Compact);
}

// Publishes one event; its offset, or -1 when the node did not acknowledge it.
qint64 publish(const BackendProcess &node, const QString &from, int n)
{
    return firstPublishedOffset(apiCall(node, "POST", "/v1/events/topics/orders/events", oneEvent(from, n)));
}

QList<qint64> range(qint64 from, qint64 to) // [from, to)
{
    QList<qint64> out;
    for (qint64 i = from; i < to; ++i)
        out << i;
    return out;
}

// Every event of the topic, read from `node`: offset -> (from, n).
QMap<qint64, std::pair<QString, int>> readAll(const BackendProcess &node)
{
    QMap<qint64, std::pair<QString, int>> out;
    qint64 next = 0;
    for (;;) {
        const QJsonObject page =
            apiJson(node, "GET",
                    "/v1/events/topics/orders/events?fromOffset=" + QByteArray::number(next) + "&limit=1000");
        const QJsonArray events = page.value(QStringLiteral("events")).toArray();
        for (const QJsonValue &e : events) {
            const QJsonObject data = e[QStringLiteral("data")].toObject();
            out.insert(
                e[QStringLiteral("offset")].toInteger(),
                {data.value(QStringLiteral("from")).toString(), data.value(QStringLiteral("n")).toInt()});
        }
        if (events.isEmpty())
            return out;
        next = events.last()[QStringLiteral("offset")].toInteger() + 1;
    }
}

QString readiness(const BackendProcess &node)
{
    const RawResponse r = apiCall(node, "GET", "/readyz");
    return QJsonDocument::fromJson(r.body).object().value(QStringLiteral("status")).toString();
}

} // namespace

// Realtime across nodes (integration/cluster_realtime): three real meshdeckd nodes on one real
// PostgreSQL and one real Redis.
class TestClusterRealtime : public QObject
{
    Q_OBJECT
private:
    PostgresServer m_postgres;
    RedisServer m_redis;
    QTemporaryDir m_shared;
    int m_databases = 0;

    // pollMs: how often nodes read each other's events while Redis is up (--cluster-poll-ms).
    QStringList args(const QString &url, bool withRedis, int pollMs) const
    {
        QStringList a{QStringLiteral("--database"),
                      url,
                      QStringLiteral("--admin-token-file"),
                      m_shared.filePath(QStringLiteral("admin-%1.token").arg(m_databases)),
                      QStringLiteral("--secret-key-file"),
                      m_shared.filePath(QStringLiteral("secret.key")),
                      QStringLiteral("--cluster-gone-after-ms"),
                      QStringLiteral("3000")};
        if (withRedis)
            a << QStringLiteral("--redis") << m_redis.url().toString();
        a << QStringLiteral("--cluster-poll-ms") << QString::number(pollMs);
        return a;
    }
    // Three nodes on a fresh database, with the topic "orders".
    bool startNodes(BackendProcess &a, BackendProcess &b, BackendProcess &c, bool withRedis = true,
                    int pollMs = 1000)
    {
        const QString url = m_postgres.createDatabase(QStringLiteral("realtime%1").arg(++m_databases));
        // The first node alone: it creates the schema, the token and (once) the secret key.
        if (!a.start(args(url, withRedis, pollMs), 30'000)) {
            qWarning().noquote() << a.stderrText();
            return false;
        }
        if (!b.start(args(url, withRedis, pollMs), 30'000) || !c.start(args(url, withRedis, pollMs), 30'000))
            return false;
        return apiCall(a, "POST", "/v1/events/topics", "{\"name\":\"orders\"}").status == 201;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        QVERIFY2(m_redis.start(), m_redis.output().constData());
    }

    // Published on A and B, received on C, in offset order, each once. The database poll is set to
    // a minute here, so only the Redis wake-ups can deliver within the wait.
    void aSubscriberOnOneNodeReceivesWhatTheOthersPublish()
    {
        BackendProcess a, b, c;
        QVERIFY(startNodes(a, b, c, true, 60'000));
        QCOMPARE(readiness(c), QStringLiteral("ready"));
        Subscriber onC;
        QVERIFY(onC.open(c));
        QVERIFY(onC.subscribe(QStringLiteral("events.orders"), 0));
        for (int i = 0; i < 100; ++i)
            QVERIFY(publish(i % 2 ? a : b, QStringLiteral("ab"), i) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(onC.offsets().size(), 100, 10'000);
        QCOMPARE(onC.offsets(), range(0, 100));
    }

    // Access changes made on one node reach the others: a topic's read permission withdrawn on A
    // ends the subscription on C at once (Redis carries the word; the poll is a minute here), and
    // nothing published on C afterwards reaches it; a session signed out on A stops working on B,
    // over REST and realtime, within the auth sync interval.
    void accessChangesOnOneNodeReachTheOthers()
    {
        BackendProcess a, b, c;
        QVERIFY(startNodes(a, b, c, true, 60'000));
        const QByteArray password = "correct horse battery staple";
        const RawResponse created = apiCall(a, "POST", "/v1/auth/users",
                                            R"({"email":"reader@example.test","name":"Reader","password":")" +
                                                password + R"(","role":"user"})");
        QCOMPARE(created.status, 201);
        const QString userId =
            QJsonDocument::fromJson(created.body).object().value(QStringLiteral("id")).toString();
        const auto signIn = [&](const BackendProcess &node) {
            const RawResponse r =
                callAs(node.port(), {}, "POST", "/v1/auth/sessions",
                       R"({"email":"reader@example.test","password":")" + password + R"("})");
            return QJsonDocument::fromJson(r.body)
                .object()
                .value(QStringLiteral("accessToken"))
                .toString()
                .toUtf8();
        };
        const QByteArray grant =
            QJsonDocument(QJsonObject{{QStringLiteral("permissions"),
                                       QJsonArray{QStringLiteral("read(\"user:%1\")").arg(userId)}}})
                .toJson(QJsonDocument::Compact);
        QCOMPARE(apiCall(a, "PATCH", "/v1/events/topics/orders", grant).status, 200);

        const QByteArray token = signIn(a);
        QVERIFY(!token.isEmpty());
        Subscriber onC;
        QVERIFY(onC.open(c, token));
        QVERIFY(onC.subscribe(QStringLiteral("events.orders"), 0));
        QVERIFY(publish(c, QStringLiteral("c"), 1) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(onC.offsets().size(), 1, 10'000); // delivered while it may read
        QCOMPARE(apiCall(a, "PATCH", "/v1/events/topics/orders", R"({"permissions":[]})").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(onC.count(QStringLiteral("unsubscribed")), 1, 10'000);
        QVERIFY(publish(c, QStringLiteral("c"), 2) >= 0);
        // A subscriber that may read it still gets it: the publish was seen, this one was cut off.
        Subscriber admin;
        QVERIFY(admin.open(c));
        QVERIFY(admin.subscribe(QStringLiteral("events.orders"), 0));
        QTRY_COMPARE_WITH_TIMEOUT(admin.offsets().size(), 2, 10'000);
        QCOMPARE(onC.offsets().size(), 1);

        // Signing out on A ends the session on B.
        const QByteArray second = signIn(a);
        QCOMPARE(callAs(b.port(), second, "GET", "/v1/auth/me").status, 200);
        Subscriber onB;
        QVERIFY(onB.open(b, second));
        QCOMPARE(callAs(a.port(), second, "DELETE", "/v1/auth/sessions/current").status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(callAs(b.port(), second, "GET", "/v1/auth/me").status, 401, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(onB.count(QStringLiteral("session-ended")), 1, 10'000);
    }

    // Publishers on all three nodes while one is killed: every acknowledged event is stored once,
    // at the offset it was acknowledged with, and the offsets have no gap.
    void killingANodeMidPublishLosesNoAcknowledgedEventAndLeavesNoGap()
    {
        BackendProcess a, b, c;
        QVERIFY(startNodes(a, b, c));
        Subscriber onA;
        QVERIFY(onA.open(a));
        QVERIFY(onA.subscribe(QStringLiteral("events.orders"), 0));
        QMap<qint64, std::pair<QString, int>> acknowledged;
        bool bAlive = true;
        for (int i = 0; i < 150; ++i) {
            for (auto [node, name] : {std::pair{&a, QStringLiteral("a")}, std::pair{&b, QStringLiteral("b")},
                                      std::pair{&c, QStringLiteral("c")}}) {
                if (node == &b && !bAlive)
                    continue;
                const qint64 offset = publish(*node, name, i);
                if (offset >= 0) {
                    QVERIFY2(!acknowledged.contains(offset), "an offset was acknowledged twice");
                    acknowledged.insert(offset, {name, i});
                }
            }
            if (i == 60) {
                // Publishes in flight on B when it dies: not acknowledged, so stored at most once.
                std::vector<std::unique_ptr<RawHttp>> inFlight;
                for (int k = 0; k < 4; ++k) {
                    inFlight.push_back(std::make_unique<RawHttp>());
                    QVERIFY(inFlight.back()->connectTo(b.port()));
                    const QByteArray body = oneEvent(QStringLiteral("b-in-flight"), k);
                    inFlight.back()->send("POST /v1/events/topics/orders/events HTTP/1.1\r\nHost: t\r\n"
                                          "Authorization: Bearer " +
                                          b.token() +
                                          "\r\nContent-Type: application/json\r\nContent-Length: " +
                                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
                }
                ::kill(pid_t(b.process().processId()), SIGKILL);
                QVERIFY(b.process().waitForFinished(5000));
                bAlive = false;
            }
        }
        const auto stored = readAll(c);
        // No gap: offsets 0..N-1; every acknowledged event is there, at its offset, once.
        QCOMPARE(stored.keys(), range(0, stored.size()));
        for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it)
            QCOMPARE(stored.value(it.key()), it.value());
        QSet<std::pair<QString, int>> distinct;
        for (const auto &v : stored)
            distinct.insert(v);
        QCOMPARE(distinct.size(), stored.size());
        // And the subscriber on A saw every one of them, in order.
        QTRY_COMPARE_WITH_TIMEOUT(onA.offsets().size(), int(stored.size()), 10'000);
        QCOMPARE(onA.offsets(), range(0, stored.size()));
    }

    // A subscriber whose node dies resumes on another node from its next offset: no gap, no duplicate.
    void aSubscriberWhoseNodeDiesResumesOnAnotherWithNoGapAndNoDuplicate()
    {
        BackendProcess a, b, c;
        QVERIFY(startNodes(a, b, c));
        auto first = std::make_unique<Subscriber>();
        QVERIFY(first->open(b));
        QVERIFY(first->subscribe(QStringLiteral("events.orders"), 0));
        for (int i = 0; i < 30; ++i)
            QVERIFY(publish(a, QStringLiteral("a"), i) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(first->offsets().size(), 30, 10'000);
        ::kill(pid_t(b.process().processId()), SIGKILL);
        QVERIFY(b.process().waitForFinished(5000));
        for (int i = 30; i < 60; ++i) // published while the client reconnects
            QVERIFY(publish(a, QStringLiteral("a"), i) >= 0);
        const QList<qint64> seen = first->offsets();
        Subscriber resumed;
        QVERIFY(resumed.open(c));
        QVERIFY(resumed.subscribe(QStringLiteral("events.orders"), seen.last() + 1));
        for (int i = 60; i < 90; ++i)
            QVERIFY(publish(a, QStringLiteral("a"), i) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(resumed.offsets().size(), 60, 10'000);
        QCOMPARE(seen + resumed.offsets(), range(0, 90));
    }

    // Redis restarted mid-traffic: nodes keep serving (readiness says degraded), subscribers miss
    // nothing (the database poll covers the gap), and the nodes recover by themselves.
    void aRedisRestartMidTrafficLosesNoEvent()
    {
        BackendProcess a, b, c;
        QVERIFY(startNodes(a, b, c));
        Subscriber onC;
        QVERIFY(onC.open(c));
        QVERIFY(onC.subscribe(QStringLiteral("events.orders"), 0));
        int n = 0;
        for (; n < 40; ++n)
            QVERIFY(publish(a, QStringLiteral("a"), n) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(onC.offsets().size(), 40, 10'000);

        QVERIFY(m_redis.stop());
        QTRY_COMPARE_WITH_TIMEOUT(readiness(c), QStringLiteral("degraded"), 10'000);
        QCOMPARE(apiCall(c, "GET", "/readyz").status, 200); // degraded, still serving
        for (; n < 80; ++n)
            QVERIFY(publish(a, QStringLiteral("a"), n) >= 0);
        // Without Redis the poll delivers them.
        QTRY_COMPARE_WITH_TIMEOUT(onC.offsets().size(), 80, 10'000);

        QVERIFY(m_redis.start());
        QTRY_COMPARE_WITH_TIMEOUT(readiness(c), QStringLiteral("ready"), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(readiness(a), QStringLiteral("ready"), 15'000);
        for (; n < 120; ++n)
            QVERIFY(publish(a, QStringLiteral("a"), n) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(onC.offsets().size(), 120, 10'000);
        QCOMPARE(onC.offsets(), range(0, 120));
    }

    // Without --redis at all, nodes still see each other's events (by polling), and say so.
    void withoutRedisNodesPollEachOther()
    {
        BackendProcess a, b, c;
        QVERIFY(startNodes(a, b, c, false));
        const QJsonObject ready = QJsonDocument::fromJson(apiCall(c, "GET", "/readyz").body).object();
        QCOMPARE(ready.value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
        QCOMPARE(ready.value(QStringLiteral("cluster"))[QStringLiteral("redis")].toString(),
                 QStringLiteral("not configured"));
        Subscriber onC;
        QVERIFY(onC.open(c));
        QVERIFY(onC.subscribe(QStringLiteral("events.orders"), 0));
        for (int i = 0; i < 20; ++i)
            QVERIFY(publish(b, QStringLiteral("b"), i) >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(onC.offsets().size(), 20, 10'000);
        QCOMPARE(onC.offsets(), range(0, 20));
    }

    // A consumer group polled on two nodes never hands the same event to both within the
    // visibility timeout.
    void aGroupPolledOnTwoNodesNeverDoubleDelivers()
    {
        BackendProcess a, b, c;
        QVERIFY(startNodes(a, b, c));
        for (int i = 0; i < 200; ++i)
            QVERIFY(publish(c, QStringLiteral("c"), i) >= 0);
        QList<qint64> delivered;
        for (int round = 0; round < 40 && delivered.size() < 200; ++round) {
            for (BackendProcess *node : {&a, &b}) {
                const QJsonObject polled =
                    apiJson(*node, "POST", "/v1/events/topics/orders/groups/workers/poll",
                            "{\"max\":7,\"visibilityTimeoutMs\":60000}");
                for (const QJsonValue &e : polled.value(QStringLiteral("events")).toArray())
                    delivered << e[QStringLiteral("offset")].toInteger();
            }
        }
        std::sort(delivered.begin(), delivered.end());
        QCOMPARE(delivered, range(0, 200)); // each exactly once
    }
};

QTEST_GUILESS_MAIN(TestClusterRealtime)
#include "tst_cluster_realtime.moc"
