#include "cluster/clusterbus.h"

#include "redisserver.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Meshdeck;
using namespace Meshdeck::Cluster;
using Meshdeck::Testing::RedisServer;

namespace {

// One meshdeckd node's view of the bus: what it received, and how often it resynced.
struct Node {
    std::unique_ptr<ClusterBus> bus;
    QList<std::pair<QString, QByteArray>> received;
    int resyncs = 0;
    int failures = 0;

    QList<QByteArray> payloads(const QString &channel) const
    {
        QList<QByteArray> out;
        for (const auto &[c, payload] : received) {
            if (c == channel)
                out << payload;
        }
        return out;
    }
};

std::unique_ptr<Node> makeNode(const QUrl &url, const QString &id, const QStringList &channels = {},
                               ClusterBus::Timing timing = {})
{
    auto node = std::make_unique<Node>();
    node->bus = std::make_unique<ClusterBus>(url, id, timing, Clock::system());
    Node *raw = node.get();
    QObject::connect(raw->bus.get(), &ClusterBus::message, raw->bus.get(),
                     [raw](const QString &channel, const QByteArray &payload) {
                         raw->received.append({channel, payload});
                     });
    QObject::connect(raw->bus.get(), &ClusterBus::resynced, raw->bus.get(), [raw] { ++raw->resyncs; });
    QObject::connect(raw->bus.get(), &ClusterBus::errorOccurred, raw->bus.get(), [raw] { ++raw->failures; });
    for (const QString &channel : channels)
        raw->bus->subscribe(channel);
    return node;
}

QString redisText(const std::unique_ptr<Node> &node)
{
    return node->bus->status().value(QStringLiteral("redis")).toString();
}

} // namespace

class TestClusterBus : public QObject
{
    Q_OBJECT

    // Reconnecting takes at most the capped backoff plus a connect; the rest is slack for a
    // loaded two-core machine. A bound on behaviour, not a speed measurement.
    static constexpr int reconnectBoundMs = 2000 + 2000 + 2000;

private Q_SLOTS:
    void initTestCase()
    {
        if (RedisServer::executable().isEmpty())
            QFAIL("redis-server is missing; run installer/setup-deps.sh as root to install it");
    }

    void aMessageFromOneNodeReachesAnotherInOrder()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        auto a = makeNode(redis.url(), QStringLiteral("node-a"));
        auto b = makeNode(redis.url(), QStringLiteral("node-b"), {QStringLiteral("events.orders")});
        QVERIFY(a->bus->start());
        QVERIFY(b->bus->start());
        QTRY_VERIFY(a->bus->connected() && b->bus->connected());
        QCOMPARE(b->resyncs, 1); // the first connect counts: the caller polls once at start too

        constexpr int count = 10'000;
        for (int i = 0; i < count; ++i)
            a->bus->publish(QStringLiteral("events.orders"), QByteArray::number(i));
        QTRY_COMPARE_WITH_TIMEOUT(b->received.size(), count, 30'000);
        for (int i = 0; i < count; ++i) {
            QCOMPARE(b->received[i].first, QStringLiteral("events.orders"));
            QCOMPARE(b->received[i].second, QByteArray::number(i));
        }
        QCOMPARE(a->bus->dropped(), 0);
        QCOMPARE(a->bus->status().value(QStringLiteral("redis")).toString(), QStringLiteral("connected"));
        QCOMPARE(a->bus->status().value(QStringLiteral("dropped")).toInteger(), 0);
    }

    void eachSubscriberGetsItsChannelsOnly()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        auto a = makeNode(redis.url(), QStringLiteral("a"));
        auto b = makeNode(redis.url(), QStringLiteral("b"), {QStringLiteral("one"), QStringLiteral("two")});
        auto c = makeNode(redis.url(), QStringLiteral("c"), {QStringLiteral("two"), QStringLiteral("three")});
        for (auto *node : {a.get(), b.get(), c.get()})
            QVERIFY(node->bus->start());
        QTRY_VERIFY(a->bus->connected() && b->bus->connected() && c->bus->connected());

        // Published first: Redis delivers in order, so when the later messages have arrived this
        // one would have too, had anyone been subscribed to it.
        a->bus->publish(QStringLiteral("nobody"), "n");
        a->bus->publish(QStringLiteral("one"), "1");
        a->bus->publish(QStringLiteral("two"), "2");
        a->bus->publish(QStringLiteral("three"), "3");
        QTRY_COMPARE(b->received.size(), 2);
        QTRY_COMPARE(c->received.size(), 2);
        QCOMPARE(b->payloads(QStringLiteral("one")), QList<QByteArray>{"1"});
        QCOMPARE(b->payloads(QStringLiteral("two")), QList<QByteArray>{"2"});
        QCOMPARE(c->payloads(QStringLiteral("two")), QList<QByteArray>{"2"});
        QCOMPARE(c->payloads(QStringLiteral("three")), QList<QByteArray>{"3"});
        QVERIFY(a->received.isEmpty());

        // A channel subscribed while connected works once Redis confirms it.
        QSignalSpy subscribed(a->bus.get(), &ClusterBus::subscribed);
        a->bus->subscribe(QStringLiteral("late"));
        QTRY_COMPARE(subscribed.size(), 1);
        QCOMPARE(subscribed.first().first().toString(), QStringLiteral("late"));
        QVERIFY(a->bus->connected());
        b->bus->publish(QStringLiteral("late"), "L");
        QTRY_COMPARE(a->received.size(), 1);
        QCOMPARE(a->received.first().second, QByteArray("L"));
    }

    void redisDownThenBackIsSurvivedAndResynced()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        auto a = makeNode(redis.url(), QStringLiteral("a"), {QStringLiteral("ch")});
        auto b = makeNode(redis.url(), QStringLiteral("b"), {QStringLiteral("ch")});
        QVERIFY(a->bus->start());
        QVERIFY(b->bus->start());
        QTRY_VERIFY(a->bus->connected() && b->bus->connected());
        QSignalSpy aChanged(a->bus.get(), &ClusterBus::connectedChanged);
        const QString connectedSince = a->bus->status().value(QStringLiteral("since")).toString();

        QVERIFY(redis.stop());
        QTRY_VERIFY(!a->bus->connected() && !b->bus->connected());
        QCOMPARE(aChanged.size(), 1);
        QCOMPARE(aChanged.first().first().toBool(), false);
        const QJsonObject down = a->bus->status();
        QCOMPARE(down.value(QStringLiteral("redis")).toString(), QStringLiteral("reconnecting"));
        QVERIFY(!down.value(QStringLiteral("error")).toString().isEmpty());
        QVERIFY(QDateTime::fromString(down.value(QStringLiteral("since")).toString(), Qt::ISODateWithMs)
                    .isValid());
        QVERIFY(down.value(QStringLiteral("since")).toString() >= connectedSince);

        // Publishing while down neither blocks nor queues: each message is dropped and counted.
        for (int i = 0; i < 1000; ++i)
            a->bus->publish(QStringLiteral("ch"), "lost");
        QCOMPARE(a->bus->dropped(), 1000);
        QCOMPARE(a->bus->status().value(QStringLiteral("dropped")).toInteger(), 1000);

        // Let the backoff grow (100, 200, 400, 800 ms...) before Redis returns.
        QTRY_VERIFY_WITH_TIMEOUT(a->failures >= 8 && b->failures >= 8, 15'000);
        QVERIFY(b->received.isEmpty());
        QVERIFY2(redis.start(), redis.output().constData());
        QTRY_VERIFY_WITH_TIMEOUT(a->bus->connected() && b->bus->connected(), reconnectBoundMs);
        QCOMPARE(a->resyncs, 2);
        QCOMPARE(b->resyncs, 2);
        QCOMPARE(redisText(a), QStringLiteral("connected"));
        QVERIFY(!a->bus->status().contains(QStringLiteral("error")));

        // Subscriptions came back by themselves.
        a->bus->publish(QStringLiteral("ch"), "back");
        QTRY_COMPARE(b->received.size(), 1);
        QCOMPARE(b->received.first().second, QByteArray("back"));
        QTRY_COMPARE(a->received.size(), 1); // its own subscription too
        QCOMPARE(a->bus->dropped(), 1000);
    }

    // Redis drops a subscriber whose output buffer overflows (or an operator kills it): only the
    // subscribing connection is lost, and it comes back with its channels.
    void aKilledSubscriberConnectionResubscribes()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        auto a = makeNode(redis.url(), QStringLiteral("a"));
        auto b = makeNode(redis.url(), QStringLiteral("b"), {QStringLiteral("x"), QStringLiteral("y")});
        QVERIFY(a->bus->start());
        QVERIFY(b->bus->start());
        QTRY_VERIFY(a->bus->connected() && b->bus->connected());
        QSignalSpy bChanged(b->bus.get(), &ClusterBus::connectedChanged);

        QVERIFY(redis.command("CLIENT KILL TYPE pubsub").startsWith(":1"));
        QTRY_VERIFY(bChanged.size() >= 1);
        QCOMPARE(bChanged.first().first().toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(b->bus->connected(), reconnectBoundMs);
        QCOMPARE(b->resyncs, 2);
        QVERIFY(a->bus->connected()); // the publisher was not touched
        a->bus->publish(QStringLiteral("x"), "1");
        a->bus->publish(QStringLiteral("y"), "2");
        QTRY_COMPARE(b->received.size(), 2);
        QCOMPARE(b->payloads(QStringLiteral("x")), QList<QByteArray>{"1"});
        QCOMPARE(b->payloads(QStringLiteral("y")), QList<QByteArray>{"2"});
        QCOMPARE(a->bus->dropped(), 0);
    }

    void aNodeStartedBeforeRedisConnectsWhenRedisComes()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData()); // only to reserve a port
        QVERIFY(redis.stop());
        auto a = makeNode(redis.url(), QStringLiteral("a"), {QStringLiteral("ch")});
        QSignalSpy failed(a->bus.get(), &ClusterBus::errorOccurred);
        QVERIFY(a->bus->start());
        QTRY_VERIFY(failed.size() >= 2); // it keeps trying
        QVERIFY(!a->bus->connected());
        QCOMPARE(redisText(a), QStringLiteral("reconnecting"));
        QVERIFY2(a->bus->error().contains(QString::number(redis.port())), qPrintable(a->bus->error()));
        QVERIFY2(redis.start(), redis.output().constData());
        QTRY_VERIFY_WITH_TIMEOUT(a->bus->connected(), reconnectBoundMs);
        QCOMPARE(a->resyncs, 1);
    }

    // A Redis that keeps the connections open and answers nothing (stopped, black-holed) is noticed
    // by the PING health check, and the subscriber starts over with the publisher.
    void aStalledRedisIsNoticedAndSurvived()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        ClusterBus::Timing fast;
        fast.connectTimeoutMs = 500;
        fast.healthIntervalMs = 500;
        auto a = makeNode(redis.url(), QStringLiteral("a"), {QStringLiteral("ch")}, fast);
        auto b = makeNode(redis.url(), QStringLiteral("b"), {QStringLiteral("ch")}, fast);
        QVERIFY(a->bus->start());
        QVERIFY(b->bus->start());
        QTRY_VERIFY(a->bus->connected() && b->bus->connected());

        redis.pause();
        QTRY_VERIFY_WITH_TIMEOUT(!a->bus->connected() && !b->bus->connected(), 10'000);
        QVERIFY2(a->bus->error().contains(QLatin1String("did not")), qPrintable(a->bus->error()));
        a->bus->publish(QStringLiteral("ch"), "dropped");
        QCOMPARE(a->bus->dropped(), 1);

        redis.resume();
        QTRY_VERIFY_WITH_TIMEOUT(a->bus->connected() && b->bus->connected(), reconnectBoundMs);
        QCOMPARE(b->resyncs, 2);
        a->bus->publish(QStringLiteral("ch"), "after");
        QTRY_COMPARE(b->received.size(), 1);
        QCOMPARE(b->received.first().second, QByteArray("after"));
    }

    // A node busy reading thousands of answers has its PING's answer queued behind them: that is
    // no stalled Redis. (aStalledRedisIsNoticedAndSurvived shows the same check does fire.)
    void aBusyNodeIsNotTakenForAStalledRedis()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        ClusterBus::Timing twitchy;
        twitchy.healthIntervalMs = 100;
        auto a = makeNode(redis.url(), QStringLiteral("a"), {}, twitchy);
        auto b = makeNode(redis.url(), QStringLiteral("b"), {QStringLiteral("ch")});
        QVERIFY(a->bus->start());
        QVERIFY(b->bus->start());
        QTRY_VERIFY(a->bus->connected() && b->bus->connected());
        QSignalSpy aChanged(a->bus.get(), &ClusterBus::connectedChanged);

        constexpr int count = 50'000;
        for (int i = 0; i < count; ++i)
            a->bus->publish(QStringLiteral("ch"), QByteArray::number(i));
        QTRY_COMPARE_WITH_TIMEOUT(b->received.size(), count, 60'000);
        QCOMPARE(a->bus->dropped(), 0);
        QCOMPARE(aChanged.size(), 0);
        QCOMPARE(b->received.last().second, QByteArray::number(count - 1));
    }

    void aBadUrlIsAClearErrorAtStart_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("says");
        QTest::newRow("scheme") << QStringLiteral("http://127.0.0.1:6379") << QStringLiteral("redis://");
        QTest::newRow("tls") << QStringLiteral("rediss://127.0.0.1:6379") << QStringLiteral("redis://");
        QTest::newRow("no host") << QStringLiteral("redis://") << QStringLiteral("host");
        QTest::newRow("port 0") << QStringLiteral("redis://127.0.0.1:0") << QStringLiteral("port");
        QTest::newRow("db not a number")
            << QStringLiteral("redis://127.0.0.1:6379/abc") << QStringLiteral("database number");
        QTest::newRow("user name") << QStringLiteral("redis://admin:pw@127.0.0.1:6379")
                                   << QStringLiteral("user");
        QTest::newRow("query") << QStringLiteral("redis://127.0.0.1:6379?db=1") << QStringLiteral("query");
        QTest::newRow("garbage") << QStringLiteral("redis://[::1") << QStringLiteral("not a valid URL");
    }

    void aBadUrlIsAClearErrorAtStart()
    {
        QFETCH(QString, url);
        QFETCH(QString, says);
        ClusterBus bus(QUrl(url), QStringLiteral("a"));
        QSignalSpy failed(&bus, &ClusterBus::errorOccurred);
        QVERIFY(!bus.start());
        QVERIFY2(bus.error().contains(says), qPrintable(bus.error()));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(bus.status().value(QStringLiteral("redis")).toString(), QStringLiteral("stopped"));
        bus.publish(QStringLiteral("ch"), "x"); // harmless
        QCOMPARE(bus.dropped(), 1);
    }

    void aPasswordIsSentAndAWrongOneIsAClearError()
    {
        RedisServer redis;
        QVERIFY2(redis.start({QStringLiteral("--requirepass"), QStringLiteral("s3cret")}),
                 redis.output().constData());
        auto right =
            makeNode(redis.url(QStringLiteral("s3cret")), QStringLiteral("a"), {QStringLiteral("ch")});
        auto wrong = makeNode(redis.url(QStringLiteral("guess")), QStringLiteral("b"));
        auto none = makeNode(redis.url(), QStringLiteral("c"));
        for (auto *node : {right.get(), wrong.get(), none.get()})
            QVERIFY(node->bus->start());
        QTRY_VERIFY(right->bus->connected());
        right->bus->publish(QStringLiteral("ch"), "authenticated");
        QTRY_COMPARE(right->received.size(), 1);

        QTRY_VERIFY(wrong->failures > 0 && none->failures > 0);
        QVERIFY(!wrong->bus->connected());
        QVERIFY2(wrong->bus->error().contains(QLatin1String("refused the password")),
                 qPrintable(wrong->bus->error()));
        QVERIFY(!wrong->bus->error().contains(QLatin1String("guess"))); // the password is not logged
        QVERIFY(!none->bus->connected());
        QVERIFY2(none->bus->error().contains(QLatin1String("requires a password")),
                 qPrintable(none->bus->error()));
        QCOMPARE(redisText(wrong), QStringLiteral("reconnecting"));
        QCOMPARE(wrong->bus->status().value(QStringLiteral("error")).toString(), wrong->bus->error());
    }

    void theDatabaseIndexIsSelected()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        auto ok = makeNode(redis.url({}, 3), QStringLiteral("a"));
        auto outOfRange = makeNode(redis.url({}, 999), QStringLiteral("b"));
        QVERIFY(ok->bus->start());
        QVERIFY(outOfRange->bus->start());
        QTRY_VERIFY(ok->bus->connected());
        QTRY_VERIFY(outOfRange->failures > 0);
        QVERIFY(!outOfRange->bus->connected());
        QVERIFY2(outOfRange->bus->error().contains(QLatin1String("SELECT")),
                 qPrintable(outOfRange->bus->error()));
    }
};

QTEST_GUILESS_MAIN(TestClusterBus)
#include "tst_clusterbus.moc"
