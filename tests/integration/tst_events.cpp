#include "testing.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>

using namespace Meshdeck::Testing;

namespace {

QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &token,
                   const QByteArray &body = {}, const QByteArray &extraHeaders = {})
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: t\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token + "\r\n";
    if (!body.isEmpty() || method == "POST")
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + extraHeaders + "\r\n" + body;
}

struct Client {
    BackendProcess &backend;
    RawResponse call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                     const QByteArray &extraHeaders = {}, bool withToken = true)
    {
        RawHttp c;
        if (!c.connectTo(backend.port()))
            return {};
        c.send(request(method, path, withToken ? backend.token() : QByteArray(), body, extraHeaders));
        return c.read(10'000);
    }
    QJsonObject json(const QByteArray &method, const QByteArray &path, const QByteArray &body = {})
    {
        return QJsonDocument::fromJson(call(method, path, body).body).object();
    }
    bool createTopic(const QByteArray &name)
    {
        return call("POST", "/v1/events/topics", "{\"name\":\"" + name + "\"}").status == 201;
    }
    QJsonArray readAll(const QByteArray &topic)
    {
        QJsonArray all;
        qint64 from = 0;
        for (;;) {
            const QJsonObject page =
                json("GET", "/v1/events/topics/" + topic +
                                "/events?limit=1000&fromOffset=" + QByteArray::number(from));
            const QJsonArray events = page.value(QStringLiteral("events")).toArray();
            for (const QJsonValue &e : events)
                all.append(e);
            if (events.isEmpty())
                return all;
            from = page.value(QStringLiteral("nextOffset")).toInteger();
        }
    }
};

QByteArray batchOf(const QStringList &markers)
{
    QJsonArray events;
    for (const QString &m : markers)
        events.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("test.event")},
                                  {QStringLiteral("key"), m},
                                  {QStringLiteral("data"), QJsonObject{{QStringLiteral("marker"), m}}}});
    return QJsonDocument(QJsonObject{{QStringLiteral("events"), events}}).toJson(QJsonDocument::Compact);
}

} // namespace

class TestEvents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void publishesAndReadsBackExactly()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("orders"));
        const QByteArray body = "{\"events\":[{\"type\":\"order.created\",\"key\":\"o-1\",\"data\":{"
                                "\"total\":42.5,\"items\":[\"a\",\"b\"]},"
                                "\"headers\":{\"trace\":\"t-1\"}},{\"type\":\"order.paid\",\"data\":null}]}";
        const RawResponse published =
            api.call("POST", "/v1/events/topics/orders/events", body, "X-Request-Id: pub-1\r\n");
        QCOMPARE(published.status, 201);
        QCOMPARE(QJsonDocument::fromJson(published.body).object().value(QStringLiteral("offsets")).toArray(),
                 (QJsonArray{0, 1}));

        const QJsonObject page = api.json("GET", "/v1/events/topics/orders/events?fromOffset=0");
        const QJsonArray events = page.value(QStringLiteral("events")).toArray();
        QCOMPARE(events.size(), 2);
        QCOMPARE(page.value(QStringLiteral("nextOffset")).toInt(), 2);
        const QJsonObject first = events[0].toObject();
        QCOMPARE(first.value(QStringLiteral("offset")).toInt(), 0);
        QCOMPARE(first.value(QStringLiteral("type")).toString(), QStringLiteral("order.created"));
        QCOMPARE(first.value(QStringLiteral("key")).toString(), QStringLiteral("o-1"));
        QCOMPARE(
            first.value(QStringLiteral("data")).toObject(),
            (QJsonObject{{QStringLiteral("total"), 42.5},
                         {QStringLiteral("items"), QJsonArray{QStringLiteral("a"), QStringLiteral("b")}}}));
        QCOMPARE(first.value(QStringLiteral("headers")).toObject().value(QStringLiteral("trace")).toString(),
                 QStringLiteral("t-1"));
        QCOMPARE(first.value(QStringLiteral("requestId")).toString(), QStringLiteral("pub-1"));
        QCOMPARE(first.value(QStringLiteral("topic")).toString(), QStringLiteral("orders"));
        QVERIFY(!QUuid::fromString(first.value(QStringLiteral("id")).toString()).isNull());
        QVERIFY(QDateTime::fromString(first.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs)
                    .isValid());
        QVERIFY(events[1].toObject().value(QStringLiteral("data")).isNull());

        // fromTime and limit
        const QString time = first.value(QStringLiteral("time")).toString();
        const QJsonObject byTime = api.json("GET", "/v1/events/topics/orders/events?limit=1&fromTime=" +
                                                       QUrl::toPercentEncoding(time));
        QCOMPARE(byTime.value(QStringLiteral("events")).toArray().size(), 1);

        const QJsonObject topic = api.json("GET", "/v1/events/topics/orders");
        QCOMPARE(topic.value(QStringLiteral("events")).toInt(), 2);
        QCOMPARE(topic.value(QStringLiteral("headOffset")).toInt(), 2);
        QCOMPARE(topic.value(QStringLiteral("publishedLastMinute")).toInt(), 2);
        QVERIFY(topic.value(QStringLiteral("bytes")).toInt() > 0);
    }

    void badInputGetsAReasonAndChangesNothing_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        QTest::newRow("bad topic name")
            << QByteArray("POST") << QByteArray("/v1/events/topics") << QByteArray("{\"name\":\"Bad Name\"}")
            << 400 << "not a valid topic name";
        QTest::newRow("topic exists") << QByteArray("POST") << QByteArray("/v1/events/topics")
                                      << QByteArray("{\"name\":\"orders\"}") << 409 << "already exists";
        QTest::newRow("bad retention")
            << QByteArray("POST") << QByteArray("/v1/events/topics")
            << QByteArray("{\"name\":\"x\",\"retention\":{\"maxAgeSeconds\":-1}}") << 400 << "maxAgeSeconds";
        QTest::newRow("unknown topic publish")
            << QByteArray("POST") << QByteArray("/v1/events/topics/nope/events")
            << batchOf({QStringLiteral("a")}) << 404 << "no topic 'nope'";
        QTest::newRow("unknown topic read")
            << QByteArray("GET") << QByteArray("/v1/events/topics/nope/events") << QByteArray() << 404
            << "no topic 'nope'";
        QTest::newRow("not JSON") << QByteArray("POST") << QByteArray("/v1/events/topics/orders/events")
                                  << QByteArray("{nope") << 400 << "not valid JSON";
        QTest::newRow("no events") << QByteArray("POST") << QByteArray("/v1/events/topics/orders/events")
                                   << QByteArray("{\"events\":[]}") << 400 << "empty";
        QTest::newRow("event without type")
            << QByteArray("POST") << QByteArray("/v1/events/topics/orders/events")
            << QByteArray("{\"events\":[{\"type\":\"a\"},{\"data\":1}]}") << 400 << "events[1].type";
        QTest::newRow("header not a string")
            << QByteArray("POST") << QByteArray("/v1/events/topics/orders/events")
            << QByteArray("{\"events\":[{\"type\":\"a\",\"headers\":{\"n\":1}}]}") << 400 << "headers.n";
        QStringList many;
        for (int i = 0; i < 1001; ++i)
            many << QString::number(i);
        QTest::newRow("1001 events") << QByteArray("POST") << QByteArray("/v1/events/topics/orders/events")
                                     << batchOf(many) << 413 << "at most 1000";
        QTest::newRow("bad offset") << QByteArray("GET")
                                    << QByteArray("/v1/events/topics/orders/events?fromOffset=-3")
                                    << QByteArray() << 400 << "fromOffset";
        QTest::newRow("bad time") << QByteArray("GET")
                                  << QByteArray("/v1/events/topics/orders/events?fromTime=yesterday")
                                  << QByteArray() << 400 << "ISO-8601";
        QTest::newRow("system topic delete") << QByteArray("DELETE") << QByteArray("/v1/events/topics/audit")
                                             << QByteArray() << 409 << "system topic";
    }

    void badInputGetsAReasonAndChangesNothing()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, reason);
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("orders"));
        QCOMPARE(
            api.call("POST", "/v1/events/topics/orders/events", batchOf({QStringLiteral("kept")})).status,
            201);
        const RawResponse r = api.call(method, path, body);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
        const QString detail =
            QJsonDocument::fromJson(r.body).object().value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(reason), qPrintable(detail));
        // What was accepted before is untouched.
        const QJsonArray events = api.readAll("orders");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].toObject().value(QStringLiteral("key")).toString(), QStringLiteral("kept"));
    }

    void aBodyOverOneMiBIsRefused()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("big"));
        const QByteArray body =
            "{\"events\":[{\"type\":\"a\",\"data\":\"" + QByteArray(1024 * 1024, 'x') + "\"}]}";
        QCOMPARE(api.call("POST", "/v1/events/topics/big/events", body).status, 413);
        QCOMPARE(api.readAll("big").size(), 0);
    }

    void deletesATopic()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("gone"));
        QCOMPARE(api.call("DELETE", "/v1/events/topics/gone").status, 204);
        QCOMPARE(api.call("GET", "/v1/events/topics/gone").status, 404);
        QCOMPARE(api.call("DELETE", "/v1/events/topics/gone").status, 404);
    }

    void everyMutatingCallIsAudited()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"audited\"}", "X-Request-Id: audit-me\r\n")
                     .status,
                 201);
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"denied\"}", "X-Request-Id: no-token\r\n",
                          false)
                     .status,
                 401);
        api.call("GET", "/v1/events/topics"); // reads are not audited
        QJsonObject created, refused;
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (const QJsonValue &v : api.readAll("audit")) {
                    const QJsonObject e = v.toObject();
                    if (e.value(QStringLiteral("requestId")).toString() == QLatin1String("audit-me"))
                        created = e;
                    if (e.value(QStringLiteral("requestId")).toString() == QLatin1String("no-token"))
                        refused = e;
                }
                return !created.isEmpty() && !refused.isEmpty();
            },
            5000));
        const QJsonObject data = created.value(QStringLiteral("data")).toObject();
        QCOMPARE(created.value(QStringLiteral("type")).toString(), QStringLiteral("audit.request"));
        QCOMPARE(data.value(QStringLiteral("actor")).toString(), QStringLiteral("admin-token"));
        QCOMPARE(data.value(QStringLiteral("action")).toString(), QStringLiteral("POST"));
        QCOMPARE(data.value(QStringLiteral("target")).toString(), QStringLiteral("/v1/events/topics"));
        QCOMPARE(data.value(QStringLiteral("status")).toInt(), 201);
        QCOMPARE(data.value(QStringLiteral("source")).toString(), QStringLiteral("127.0.0.1"));
        const QJsonObject refusedData = refused.value(QStringLiteral("data")).toObject();
        QCOMPARE(refusedData.value(QStringLiteral("actor")).toString(), QStringLiteral("anonymous"));
        QCOMPARE(refusedData.value(QStringLiteral("status")).toInt(), 401);
        for (const QJsonValue &v : api.readAll("audit"))
            QVERIFY2(v.toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("action")) !=
                         QLatin1String("GET"),
                     "reads are not audited");
    }

    void theNodePublishesItsLifecycle()
    {
        QTemporaryDir dir;
        QString nodeId;
        {
            BackendProcess backend(dir.path());
            QVERIFY(backend.start());
            Client api{backend};
            nodeId = api.json("GET", "/v1/system/info").value(QStringLiteral("nodeId")).toString();
            QCOMPARE(backend.terminate(), 0);
        }
        BackendProcess again(dir.path());
        QVERIFY(again.start());
        Client api{again};
        QStringList types;
        for (const QJsonValue &v : api.readAll("system")) {
            QCOMPARE(v.toObject().value(QStringLiteral("key")).toString(), nodeId);
            types << v.toObject().value(QStringLiteral("type")).toString();
        }
        QCOMPARE(types,
                 (QStringList{QStringLiteral("system.node.started"), QStringLiteral("system.node.stopped"),
                              QStringLiteral("system.node.started")}));
    }

    void concurrentPublishersGetDistinctContiguousOffsets()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("busy"));
        constexpr int Clients = 8, Batches = 15, PerBatch = 10;
        std::vector<std::unique_ptr<RawHttp>> clients;
        for (int c = 0; c < Clients; ++c) {
            clients.push_back(std::make_unique<RawHttp>());
            QVERIFY(clients.back()->connectTo(backend.port()));
        }
        QSet<int> offsets;
        for (int b = 0; b < Batches; ++b) {
            for (int c = 0; c < Clients; ++c) {
                QStringList markers;
                for (int i = 0; i < PerBatch; ++i)
                    markers << QStringLiteral("%1-%2-%3").arg(c).arg(b).arg(i);
                clients[size_t(c)]->send(
                    request("POST", "/v1/events/topics/busy/events", backend.token(), batchOf(markers)));
            }
            for (int c = 0; c < Clients; ++c) {
                const RawResponse r = clients[size_t(c)]->read(10'000);
                QCOMPARE(r.status, 201);
                const QJsonArray got =
                    QJsonDocument::fromJson(r.body).object().value(QStringLiteral("offsets")).toArray();
                QCOMPARE(got.size(), PerBatch);
                for (qsizetype i = 0; i < got.size(); ++i) {
                    QVERIFY2(!offsets.contains(got[i].toInt()), "an offset was handed out twice");
                    offsets.insert(got[i].toInt());
                    if (i > 0)
                        QCOMPARE(got[i].toInt(), got[i - 1].toInt() + 1); // a batch is contiguous
                }
            }
        }
        QCOMPARE(offsets.size(), Clients * Batches * PerBatch);
        QCOMPARE(*std::max_element(offsets.cbegin(), offsets.cend()), Clients * Batches * PerBatch - 1);
    }

    void consumerGroupsDeliverAtLeastOnce()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("jobs"));
        QCOMPARE(api.call("POST", "/v1/events/topics/jobs/events",
                          batchOf({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                   QStringLiteral("d"), QStringLiteral("e")}))
                     .status,
                 201);
        auto poll = [&](int max, int visibilityMs) {
            return api.json("POST", "/v1/events/topics/jobs/groups/workers/poll",
                            QStringLiteral("{\"max\":%1,\"visibilityTimeoutMs\":%2}")
                                .arg(max)
                                .arg(visibilityMs)
                                .toUtf8());
        };
        auto offsetsOf = [](const QJsonObject &page) {
            QList<int> out;
            for (const QJsonValue &e : page.value(QStringLiteral("events")).toArray())
                out << e.toObject().value(QStringLiteral("offset")).toInt();
            return out;
        };
        QJsonObject page = poll(3, 300);
        QCOMPARE(offsetsOf(page), (QList<int>{0, 1, 2}));
        QCOMPARE(page.value(QStringLiteral("events"))
                     .toArray()[0]
                     .toObject()
                     .value(QStringLiteral("deliveryAttempt"))
                     .toInt(),
                 1);
        QCOMPARE(offsetsOf(poll(10, 300)), (QList<int>{3, 4})); // in flight events are not handed out twice
        QVERIFY(offsetsOf(poll(10, 300)).isEmpty());

        QJsonObject committed =
            api.json("POST", "/v1/events/topics/jobs/groups/workers/commit", "{\"offset\":2}");
        QCOMPARE(committed.value(QStringLiteral("committedOffset")).toInt(), 2);
        QCOMPARE(committed.value(QStringLiteral("lag")).toInt(), 3);

        // Not committed within the visibility timeout: delivered again, and only those. Every event
        // was handed out, so a poll before a timeout passes answers nothing; 2 and 3..4 were handed
        // out by different polls and may come back in different ones.
        QList<int> redelivered;
        QList<int> attempts;
        const auto collectRedeliveries = [&] {
            const QJsonArray events = poll(10, 300).value(QStringLiteral("events")).toArray();
            for (const QJsonValue &e : events) {
                redelivered << e.toObject().value(QStringLiteral("offset")).toInt();
                attempts << e.toObject().value(QStringLiteral("deliveryAttempt")).toInt();
            }
            return redelivered.size() >= 3;
        };
        QVERIFY(QTest::qWaitFor(collectRedeliveries, 10'000));
        QCOMPARE(redelivered, (QList<int>{2, 3, 4}));
        QCOMPARE(attempts, (QList<int>{2, 2, 2}));

        // A control group on another topic, polled after the last redelivery with the same
        // timeout: once it gets its event again, the committed events' timeout has passed too.
        QVERIFY(api.createTopic("control"));
        QCOMPARE(api.call("POST", "/v1/events/topics/control/events", batchOf({QStringLiteral("c")})).status,
                 201);
        auto pollControl = [&] {
            return offsetsOf(api.json("POST", "/v1/events/topics/control/groups/control/poll",
                                      "{\"max\":10,\"visibilityTimeoutMs\":300}"));
        };
        QCOMPARE(pollControl(), (QList<int>{0}));
        committed = api.json("POST", "/v1/events/topics/jobs/groups/workers/commit", "{\"offset\":5}");
        QCOMPARE(committed.value(QStringLiteral("lag")).toInt(), 0);
        QVERIFY(QTest::qWaitFor([&] { return !pollControl().isEmpty(); }, 10'000));
        QVERIFY2(offsetsOf(poll(10, 300)).isEmpty(), "committed events are never delivered again");

        const QJsonArray groups =
            api.json("GET", "/v1/events/topics/jobs/groups").value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 1);
        const QJsonObject g = groups[0].toObject();
        QCOMPARE(g.value(QStringLiteral("name")).toString(), QStringLiteral("workers"));
        QCOMPARE(g.value(QStringLiteral("committedOffset")).toInt(), 5);
        QCOMPARE(g.value(QStringLiteral("inFlight")).toInt(), 0);
        QCOMPARE(g.value(QStringLiteral("lag")).toInt(), 0);

        const QJsonArray points = api.json("GET", "/v1/events/topics/jobs/groups/workers/lag")
                                      .value(QStringLiteral("points"))
                                      .toArray();
        QVERIFY(points.size() >= 2);
        QCOMPARE(points.first().toObject().value(QStringLiteral("lag")).toInt(), 3);
        QCOMPARE(points.last().toObject().value(QStringLiteral("lag")).toInt(), 0);

        // A second group reads the same topic independently, from the start.
        QCOMPARE(offsetsOf(api.json("POST", "/v1/events/topics/jobs/groups/auditors/poll", "{\"max\":2}")),
                 (QList<int>{0, 1}));
    }

    void anEventThatKeepsFailingIsDeadLettered()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("poison"));
        QCOMPARE(api.call("POST", "/v1/events/topics/poison/events", batchOf({QStringLiteral("bad")})).status,
                 201);
        // The only event is in flight between deliveries, so a poll answers nothing until its
        // visibility timeout passes.
        QJsonObject page;
        const auto pollPoison = [&] {
            page = api.json("POST", "/v1/events/topics/poison/groups/g/poll", "{\"visibilityTimeoutMs\":40}");
            return page;
        };
        for (int attempt = 1; attempt <= 5; ++attempt) {
            QVERIFY(QTest::qWaitFor(
                [&] { return !pollPoison().value(QStringLiteral("events")).toArray().isEmpty(); }, 10'000));
            QCOMPARE(page.value(QStringLiteral("events")).toArray().size(), 1);
            QCOMPARE(page.value(QStringLiteral("events"))
                         .toArray()[0]
                         .toObject()
                         .value(QStringLiteral("deliveryAttempt"))
                         .toInt(),
                     attempt);
        }
        QVERIFY(QTest::qWaitFor(
            [&] { return pollPoison().value(QStringLiteral("deadLettered")).toInt() == 1; }, 10'000));
        const QJsonObject last = page;
        QCOMPARE(last.value(QStringLiteral("events")).toArray().size(), 0);
        QCOMPARE(last.value(QStringLiteral("deadLettered")).toInt(), 1);
        const QJsonArray dlq = api.readAll("poison.dlq");
        QCOMPARE(dlq.size(), 1);
        const QJsonObject dead = dlq[0].toObject();
        QCOMPARE(dead.value(QStringLiteral("key")).toString(), QStringLiteral("bad"));
        const QJsonObject headers = dead.value(QStringLiteral("headers")).toObject();
        QVERIFY2(headers.value(QStringLiteral("meshdeck-dlq-reason"))
                     .toString()
                     .contains(QStringLiteral("after 5 deliveries")),
                 qPrintable(headers.value(QStringLiteral("meshdeck-dlq-reason")).toString()));
        QCOMPARE(headers.value(QStringLiteral("meshdeck-original-topic")).toString(),
                 QStringLiteral("poison"));
        QCOMPARE(headers.value(QStringLiteral("meshdeck-original-offset")).toString(), QStringLiteral("0"));
        QCOMPARE(dead.value(QStringLiteral("data")).toObject().value(QStringLiteral("marker")).toString(),
                 QStringLiteral("bad"));
        // Its visibility timeout had passed when it was dead-lettered, so a poll would hand it out
        // again if it were still in flight; a new event proves that poll hands out what it has.
        QCOMPARE(
            api.call("POST", "/v1/events/topics/poison/events", batchOf({QStringLiteral("good")})).status,
            201);
        const QJsonArray after = api.json("POST", "/v1/events/topics/poison/groups/g/poll", "{}")
                                     .value(QStringLiteral("events"))
                                     .toArray();
        QCOMPARE(after.size(), 1);
        QCOMPARE(after[0].toObject().value(QStringLiteral("offset")).toInt(), 1);
    }

    void consumerGroupMistakesGetReasons_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        QTest::newRow("commit before poll") << QByteArray("/v1/events/topics/q/groups/fresh/commit")
                                            << QByteArray("{\"offset\":1}") << 404 << "poll first";
        QTest::newRow("commit beyond delivered") << QByteArray("/v1/events/topics/q/groups/polled/commit")
                                                 << QByteArray("{\"offset\":9}") << 409 << "never delivered";
        QTest::newRow("commit without offset")
            << QByteArray("/v1/events/topics/q/groups/polled/commit") << QByteArray("{}") << 400 << "offset";
        QTest::newRow("bad group name") << QByteArray("/v1/events/topics/q/groups/Bad%20Group/poll")
                                        << QByteArray("{}") << 400 << "not a valid group name";
        QTest::newRow("bad max") << QByteArray("/v1/events/topics/q/groups/polled/poll")
                                 << QByteArray("{\"max\":0}") << 400 << "'max'";
        QTest::newRow("bad visibility")
            << QByteArray("/v1/events/topics/q/groups/polled/poll")
            << QByteArray("{\"visibilityTimeoutMs\":1}") << 400 << "visibilityTimeoutMs";
        QTest::newRow("unknown topic") << QByteArray("/v1/events/topics/none/groups/g/poll")
                                       << QByteArray("{}") << 404 << "no topic 'none'";
    }

    void consumerGroupMistakesGetReasons()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, reason);
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("q"));
        QCOMPARE(api.call("POST", "/v1/events/topics/q/events", batchOf({QStringLiteral("x")})).status, 201);
        QCOMPARE(api.call("POST", "/v1/events/topics/q/groups/polled/poll", "{}").status, 200);
        const RawResponse r = api.call("POST", path, body);
        QCOMPARE(r.status, status);
        const QString detail =
            QJsonDocument::fromJson(r.body).object().value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(reason), qPrintable(detail));
    }

    void aGroupResumesFromItsCommittedOffsetAfterKillNine()
    {
        QTemporaryDir dir;
        {
            BackendProcess backend(dir.path());
            QVERIFY(backend.start());
            Client api{backend};
            QVERIFY(api.createTopic("resume"));
            QStringList markers;
            for (int i = 0; i < 10; ++i)
                markers << QString::number(i);
            QCOMPARE(api.call("POST", "/v1/events/topics/resume/events", batchOf(markers)).status, 201);
            QCOMPARE(api.json("POST", "/v1/events/topics/resume/groups/g/poll",
                              "{\"max\":6,\"visibilityTimeoutMs\":100}")
                         .value(QStringLiteral("events"))
                         .toArray()
                         .size(),
                     6);
            // A control group takes every event afterwards with the same timeout: when it gets
            // them again, the timeout of g's in-flight events has passed as well.
            QCOMPARE(api.json("POST", "/v1/events/topics/resume/groups/control/poll",
                              "{\"max\":100,\"visibilityTimeoutMs\":100}")
                         .value(QStringLiteral("events"))
                         .toArray()
                         .size(),
                     10);
            QCOMPARE(api.call("POST", "/v1/events/topics/resume/groups/g/commit", "{\"offset\":4}").status,
                     200);
            backend.kill();
        }
        BackendProcess again(dir.path());
        QVERIFY(again.start());
        Client api{again};
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !api.json("POST", "/v1/events/topics/resume/groups/control/poll", "{\"max\":1}")
                            .value(QStringLiteral("events"))
                            .toArray()
                            .isEmpty();
            },
            10'000));
        const QJsonArray events = api.json("POST", "/v1/events/topics/resume/groups/g/poll", "{\"max\":100}")
                                      .value(QStringLiteral("events"))
                                      .toArray();
        QList<int> offsets;
        for (const QJsonValue &e : events)
            offsets << e.toObject().value(QStringLiteral("offset")).toInt();
        QCOMPARE(offsets, (QList<int>{4, 5, 6, 7, 8, 9})); // uncommitted 4 and 5 again, then the rest
    }

    void replaysARangeIntoAnotherTopic()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QVERIFY(api.createTopic("source"));
        QVERIFY(api.createTopic("copy"));
        QStringList markers;
        for (int i = 0; i < 10; ++i)
            markers << QStringLiteral("m%1").arg(i);
        QCOMPARE(api.call("POST", "/v1/events/topics/source/events", batchOf(markers)).status, 201);
        const QJsonObject result = api.json("POST", "/v1/events/topics/source/replay",
                                            "{\"fromOffset\":3,\"toOffset\":7,\"targetTopic\":\"copy\"}");
        QCOMPARE(result.value(QStringLiteral("replayed")).toInt(), 4);
        const QJsonArray copied = api.readAll("copy");
        QCOMPARE(copied.size(), 4);
        for (int i = 0; i < 4; ++i) {
            const QJsonObject e = copied[i].toObject();
            QCOMPARE(e.value(QStringLiteral("key")).toString(), QStringLiteral("m%1").arg(i + 3));
            QCOMPARE(e.value(QStringLiteral("headers"))
                         .toObject()
                         .value(QStringLiteral("meshdeck-replayed-from"))
                         .toString(),
                     QStringLiteral("source@%1").arg(i + 3));
        }
        QCOMPARE(api.call("POST", "/v1/events/topics/source/replay",
                          "{\"fromOffset\":0,\"toOffset\":2,\"targetTopic\":\"nope\"}")
                     .status,
                 404);
        QCOMPARE(api.call("POST", "/v1/events/topics/source/replay",
                          "{\"fromOffset\":5,\"toOffset\":2,\"targetTopic\":\"copy\"}")
                     .status,
                 400);
        QCOMPARE(api.call("POST", "/v1/events/topics/source/replay",
                          "{\"fromOffset\":0,\"toOffset\":2,\"targetTopic\":\"source\"}")
                     .status,
                 400);
    }

    void killNineLosesNoAcknowledgedEvent()
    {
        QTemporaryDir dir;
        QHash<qint64, QString> acknowledged; // offset -> marker
        constexpr int Rounds = 10, Clients = 4;
        for (int round = 0; round < Rounds; ++round) {
            BackendProcess backend(dir.path());
            QVERIFY2(backend.start(), backend.stderrText().constData());
            Client api{backend};
            if (round == 0)
                QVERIFY(api.createTopic("durable"));
            std::vector<std::unique_ptr<RawHttp>> clients;
            for (int c = 0; c < Clients; ++c) {
                clients.push_back(std::make_unique<RawHttp>());
                QVERIFY(clients.back()->connectTo(backend.port()));
            }
            QElapsedTimer running;
            running.start();
            const int killAfterMs = 150 + int(QRandomGenerator::global()->bounded(350));
            int batch = 0;
            while (running.elapsed() < killAfterMs) {
                QList<QStringList> sent;
                for (int c = 0; c < Clients; ++c) {
                    QStringList markers;
                    for (int i = 0; i < 5; ++i)
                        markers << QStringLiteral("r%1-c%2-b%3-%4").arg(round).arg(c).arg(batch).arg(i);
                    sent << markers;
                    clients[size_t(c)]->send(request("POST", "/v1/events/topics/durable/events",
                                                     backend.token(), batchOf(markers)));
                }
                for (int c = 0; c < Clients; ++c) {
                    const RawResponse r = clients[size_t(c)]->read(10'000);
                    QCOMPARE(r.status, 201);
                    const QJsonArray offsets =
                        QJsonDocument::fromJson(r.body).object().value(QStringLiteral("offsets")).toArray();
                    for (qsizetype i = 0; i < offsets.size(); ++i)
                        acknowledged.insert(offsets[i].toInteger(), sent[c][i]);
                }
                ++batch;
            }
            // Requests in flight, never acknowledged, when the process dies.
            for (int c = 0; c < Clients; ++c)
                clients[size_t(c)]->send(
                    request("POST", "/v1/events/topics/durable/events", backend.token(),
                            batchOf({QStringLiteral("unacked-%1-%2").arg(round).arg(c)})));
            // Not a wait for anything: a random moment for the kill, so it lands at different
            // points of the group commit from round to round.
            QTest::qWait(int(QRandomGenerator::global()->bounded(3)));
            backend.kill(); // SIGKILL: no shutdown, no checkpoint
        }

        BackendProcess last(dir.path());
        QVERIFY(last.start());
        Client api{last};
        const QJsonArray stored = api.readAll("durable");
        QVERIFY(!acknowledged.isEmpty());
        for (qsizetype i = 0; i < stored.size(); ++i)
            QCOMPARE(stored[i].toObject().value(QStringLiteral("offset")).toInteger(), qint64(i)); // no gap
        for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
            QVERIFY2(it.key() < stored.size(), "an acknowledged offset is missing after kill -9");
            QCOMPARE(stored[it.key()].toObject().value(QStringLiteral("key")).toString(), it.value());
            QCOMPARE(stored[it.key()]
                         .toObject()
                         .value(QStringLiteral("data"))
                         .toObject()
                         .value(QStringLiteral("marker"))
                         .toString(),
                     it.value());
        }
        qInfo("%lld acknowledged events over %d kill -9 rounds, %lld stored, all present at their offsets",
              qint64(acknowledged.size()), Rounds, qint64(stored.size()));
    }

    void aWriteFailureIsNeverAcknowledged()
    {
        QTemporaryDir dir;
        QHash<QString, qint64> acknowledged;
        QStringList refused;
        {
            BackendProcess backend(dir.path());
            backend.setFileSizeLimit(1600 * 1024); // the WAL hits this within a few batches
            QVERIFY2(backend.start(), backend.stderrText().constData());
            Client api{backend};
            QVERIFY(api.createTopic("full"));
            for (int b = 0; b < 40; ++b) {
                QJsonArray events;
                const QString marker = QStringLiteral("batch-%1").arg(b);
                for (int i = 0; i < 50; ++i)
                    events.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("t")},
                                              {QStringLiteral("key"), marker},
                                              {QStringLiteral("data"), QString(1000, QLatin1Char('d'))}});
                const RawResponse r = api.call("POST", "/v1/events/topics/full/events",
                                               QJsonDocument(QJsonObject{{QStringLiteral("events"), events}})
                                                   .toJson(QJsonDocument::Compact));
                if (r.status == 201) {
                    acknowledged.insert(marker, QJsonDocument::fromJson(r.body)
                                                    .object()
                                                    .value(QStringLiteral("offsets"))
                                                    .toArray()
                                                    .at(0)
                                                    .toInteger());
                } else {
                    QCOMPARE(r.status, 503);
                    QVERIFY(QJsonDocument::fromJson(r.body)
                                .object()
                                .value(QStringLiteral("detail"))
                                .toString()
                                .contains(QStringLiteral("not stored")));
                    refused << marker;
                }
            }
            QVERIFY2(!refused.isEmpty(), "the file-size limit must make some publishes fail");
            QVERIFY2(!acknowledged.isEmpty(), "some publishes fit before the limit");
            backend.kill();
        }
        BackendProcess again(dir.path());
        QVERIFY(again.start());
        Client api{again};
        QHash<QString, int> counts;
        for (const QJsonValue &v : api.readAll("full"))
            ++counts[v.toObject().value(QStringLiteral("key")).toString()];
        for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it)
            QCOMPARE(counts.value(it.key()), 50); // every acknowledged batch, whole
        for (const QString &marker : refused)
            QCOMPARE(counts.value(marker), 0); // nothing of a refused batch
    }

    // Defect 9: "<topic>.dlq" was created without the name check and with unlimited retention.
    void deadLetterTopicsHaveAValidNameAndTheSourcesRetention()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics",
                          "{\"name\":\"orders\",\"retention\":{\"maxAgeSeconds\":3600,\"maxBytes\":100000}}")
                     .status,
                 201);
        QCOMPARE(api.call("POST", "/v1/events/topics/orders/events", batchOf({QStringLiteral("bad")})).status,
                 201);
        // Poll without committing until the fifth redelivery's timeout sends the event to the DLQ.
        QJsonObject last;
        QVERIFY(QTest::qWaitFor(
            [&] {
                last = api.json("POST", "/v1/events/topics/orders/groups/g/poll",
                                "{\"visibilityTimeoutMs\":10}");
                return last.value(QStringLiteral("deadLettered")).toInt() > 0;
            },
            10'000));
        const QJsonObject dlq = api.json("GET", "/v1/events/topics/orders.dlq");
        QCOMPARE(dlq.value(QStringLiteral("events")).toInt(), 1);
        QCOMPARE(
            dlq.value(QStringLiteral("retention")).toObject(),
            (QJsonObject{{QStringLiteral("maxAgeSeconds"), 3600}, {QStringLiteral("maxBytes"), 100000}}));
        QCOMPARE(last.value(QStringLiteral("deadLetterTopic")).toString(), QStringLiteral("orders.dlq"));

        // A name leaves room for its ".dlq": 124 characters at most.
        const QByteArray longest(124, 'a');
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"" + longest + "\"}").status, 201);
        const RawResponse tooLong = api.call("POST", "/v1/events/topics", "{\"name\":\"" + longest + "b\"}");
        QCOMPARE(tooLong.status, 400);
        const QJsonObject problem = QJsonDocument::fromJson(tooLong.body).object();
        QCOMPARE(problem.value(QStringLiteral("field")).toString(), QStringLiteral("name"));
        QVERIFY2(problem.value(QStringLiteral("detail")).toString().contains(QStringLiteral(".dlq")),
                 tooLong.body.constData());
    }

    // Defect 7: a create read its topic back in a later database turn and dereferenced it even
    // when a concurrent delete had removed it. Two connections race creates against deletes.
    void racingCreatesAndDeletesGetOnlyTheirOwnAnswers()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        constexpr int Rounds = 150;
        RawHttp creator;
        RawHttp deleter;
        QVERIFY(creator.connectTo(backend.port()));
        QVERIFY(deleter.connectTo(backend.port()));
        QByteArray creates;
        QByteArray deletes;
        for (int i = 0; i < Rounds; ++i) {
            creates += request("POST", "/v1/events/topics", backend.token(), "{\"name\":\"race\"}");
            deletes += request("DELETE", "/v1/events/topics/race", backend.token());
        }
        creator.send(creates);
        deleter.send(deletes);
        QMap<int, int> created;
        QMap<int, int> deleted;
        for (int i = 0; i < Rounds; ++i) {
            const RawResponse c = creator.read(15'000);
            const RawResponse d = deleter.read(15'000);
            QVERIFY2(c.valid() && d.valid(), qPrintable(QStringLiteral("no answer in round %1").arg(i)));
            ++created[c.status];
            ++deleted[d.status];
            if (c.status == 201)
                QCOMPARE(QJsonDocument::fromJson(c.body).object().value(QStringLiteral("name")).toString(),
                         QStringLiteral("race"));
        }
        const QList<int> createStatuses = created.keys();
        const QList<int> deleteStatuses = deleted.keys();
        for (int status : createStatuses)
            QVERIFY2(status == 201 || status == 409, qPrintable(QString::number(status)));
        for (int status : deleteStatuses)
            QVERIFY2(status == 204 || status == 404, qPrintable(QString::number(status)));
        QVERIFY(created.value(201) > 0 && deleted.value(204) > 0); // they did interleave
        QCOMPARE(Client{backend}.call("GET", "/healthz").status, 200);
        QCOMPARE(backend.terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_events.moc"
