#include "testing.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSet>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {

const QByteArray Instance =
    "{\"address\":\"10.0.0.1\",\"port\":8080,\"weight\":7,\"check\":{\"ttlMs\":60000}}";

// One call with optional extra header lines; without the admin token when `withToken` is false.
RawResponse call(const BackendProcess &backend, const QByteArray &method, const QByteArray &path,
                 const QByteArray &body = {}, const QByteArray &extraHeaders = {}, bool withToken = true)
{
    RawHttp c;
    if (!c.connectTo(backend.port()))
        return {};
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: t\r\n" + extraHeaders;
    if (withToken)
        r += "Authorization: Bearer " + backend.token() + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    c.send(r + "\r\n" + body);
    return c.read(10'000);
}

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QJsonArray records(const BackendProcess &backend, const QByteArray &query)
{
    return json(call(backend, "GET", "/v1/audit" + query)).value(QStringLiteral("records")).toArray();
}

// The record of the request with this id (records are written in batches, shortly after the answer).
QJsonObject recordOf(const BackendProcess &backend, const QString &requestId)
{
    QJsonObject found;
    (void)QTest::qWaitFor(
        [&] {
            for (const QJsonValue &v : records(backend, "?limit=1000")) {
                if (v.toObject().value(QStringLiteral("requestId")).toString() == requestId)
                    found = v.toObject();
            }
            return !found.isEmpty();
        },
        5000);
    return found;
}

// A realtime client that records every message it receives.
class Client
{
public:
    Client()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(const BackendProcess &backend)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(backend.port())));
        request.setRawHeader("Authorization", "Bearer " + backend.token());
        m_socket.open(request);
        return QTest::qWaitFor([this] { return count(QStringLiteral("welcome")) > 0; }, 5000);
    }
    void subscribe(const QString &channel)
    {
        const QJsonObject m{{QStringLiteral("type"), QStringLiteral("subscribe")},
                            {QStringLiteral("channel"), channel}};
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact)));
    }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
    QJsonObject last(const QString &type) const
    {
        for (auto it = messages.crbegin(); it != messages.crend(); ++it)
            if (it->value(QStringLiteral("type")).toString() == type)
                return *it;
        return {};
    }
    QList<QJsonObject> records() const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages)
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("record"))
                out << m.value(QStringLiteral("record")).toObject();
        return out;
    }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

} // namespace

// The audit log on the real meshdeckd: GET /v1/audit, what the routes record, the live channel.
class TestAudit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aDrainIsRecordedWithWhoWhatWhereAndTheStateBeforeAndAfter()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        const RawResponse registered =
            call(backend, "POST", "/v1/registry/services/shop/instances", Instance);
        QCOMPARE(registered.status, 201);
        const QString id = json(registered).value(QStringLiteral("id")).toString();
        QCOMPARE(call(backend, "POST", "/v1/registry/instances/" + id.toUtf8() + "/drain", {},
                      "X-Request-Id: drain-it\r\n")
                     .status,
                 202);
        const QJsonObject r = recordOf(backend, QStringLiteral("drain-it"));
        QVERIFY2(!r.isEmpty(), "the drain is not in the audit log");
        QCOMPARE(r.value(QStringLiteral("actor")).toString(), QStringLiteral("admin-token"));
        QCOMPARE(r.value(QStringLiteral("actorName")).toString(), QStringLiteral("admin token"));
        QCOMPARE(r.value(QStringLiteral("action")).toString(), QStringLiteral("drainInstance"));
        QCOMPARE(r.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(r.value(QStringLiteral("route")).toString(),
                 QStringLiteral("/v1/registry/instances/{id}/drain"));
        QCOMPARE(r.value(QStringLiteral("status")).toInt(), 202);
        QCOMPARE(r.value(QStringLiteral("outcome")).toString(), QStringLiteral("ok"));
        QCOMPARE(r.value(QStringLiteral("source")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(r.value(QStringLiteral("resource")).toString(), QStringLiteral("instance:") + id);
        const QJsonObject before = r.value(QStringLiteral("before")).toObject();
        const QJsonObject after = r.value(QStringLiteral("after")).toObject();
        QCOMPARE(before.value(QStringLiteral("weight")).toInt(), 7);
        QVERIFY(before.value(QStringLiteral("status")).toString() != QLatin1String("draining"));
        QCOMPARE(after.value(QStringLiteral("weight")).toInt(), 0);
        QCOMPARE(after.value(QStringLiteral("status")).toString(), QStringLiteral("draining"));
        QVERIFY2(!after.contains(QStringLiteral("history")), "the note is the state, not the history");
        QVERIFY(r.value(QStringLiteral("detail")).isNull());

        // The registration before it: no state before, the new instance after.
        const QJsonArray registrations = records(backend, "?action=registerInstance");
        QCOMPARE(registrations.size(), 1);
        QVERIFY(registrations[0].toObject().value(QStringLiteral("before")).isNull());
        QCOMPARE(
            registrations[0].toObject().value(QStringLiteral("after")).toObject().value(QStringLiteral("id")),
            QJsonValue(id));
        // Reads are not audited.
        QCOMPARE(records(backend, "?action=searchAudit").size(), 0);
    }

    void webhookChangesCarryTheirStateButNeverTheSecret()
    {
        BackendProcess backend;
        QVERIFY(backend.start({QStringLiteral("--allow-private-targets")}));
        const RawResponse created = call(backend, "POST", "/v1/events/webhooks",
                                         "{\"url\":\"http://127.0.0.1:9/hook\",\"topics\":[\"audit\"]}");
        QCOMPARE(created.status, 201);
        const QString id = json(created).value(QStringLiteral("id")).toString();
        const QString secret = json(created).value(QStringLiteral("secret")).toString();
        QVERIFY(!secret.isEmpty());
        QCOMPARE(call(backend, "PATCH", "/v1/events/webhooks/" + id.toUtf8(), "{\"enabled\":false}",
                      "X-Request-Id: pause-hook\r\n")
                     .status,
                 200);
        QCOMPARE(
            call(backend, "DELETE", "/v1/events/webhooks/" + id.toUtf8(), {}, "X-Request-Id: drop-hook\r\n")
                .status,
            204);
        const QJsonObject paused = recordOf(backend, QStringLiteral("pause-hook"));
        QCOMPARE(paused.value(QStringLiteral("action")).toString(), QStringLiteral("updateWebhook"));
        QCOMPARE(paused.value(QStringLiteral("resource")).toString(), QStringLiteral("webhook:") + id);
        QCOMPARE(paused.value(QStringLiteral("before")).toObject().value(QStringLiteral("enabled")),
                 QJsonValue(true));
        QCOMPARE(paused.value(QStringLiteral("after")).toObject().value(QStringLiteral("enabled")),
                 QJsonValue(false));
        const QJsonObject dropped = recordOf(backend, QStringLiteral("drop-hook"));
        QCOMPARE(dropped.value(QStringLiteral("action")).toString(), QStringLiteral("deleteWebhook"));
        QCOMPARE(dropped.value(QStringLiteral("before")).toObject().value(QStringLiteral("enabled")),
                 QJsonValue(false));
        QVERIFY(dropped.value(QStringLiteral("after")).isNull());
        const QJsonArray creations = records(backend, "?action=createWebhook");
        QCOMPARE(creations.size(), 1);
        QCOMPARE(
            creations[0].toObject().value(QStringLiteral("after")).toObject().value(QStringLiteral("id")),
            QJsonValue(id));
        QVERIFY2(!call(backend, "GET", "/v1/audit?limit=1000").body.contains(secret.toUtf8()),
                 "the signing secret is in the audit log");
    }

    void refusalsAreRecordedAsDenied()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        QCOMPARE(call(backend, "POST", "/v1/registry/services/shop/instances", Instance,
                      "X-Request-Id: no-token\r\n", false)
                     .status,
                 401);
        // A reader without a token gets 401 too, and that is recorded as well.
        const RawResponse anonymousRead =
            call(backend, "GET", "/v1/audit", {}, "X-Request-Id: peek\r\n", false);
        QCOMPARE(anonymousRead.status, 401);
        QVERIFY(!anonymousRead.body.contains("records"));
        for (const QString &requestId : {QStringLiteral("no-token"), QStringLiteral("peek")}) {
            const QJsonObject r = recordOf(backend, requestId);
            QVERIFY2(!r.isEmpty(), qPrintable(requestId));
            QCOMPARE(r.value(QStringLiteral("actor")).toString(), QStringLiteral("anonymous"));
            QCOMPARE(r.value(QStringLiteral("status")).toInt(), 401);
            QCOMPARE(r.value(QStringLiteral("outcome")).toString(), QStringLiteral("denied"));
            QVERIFY(!r.value(QStringLiteral("detail")).toString().isEmpty());
            QVERIFY(r.value(QStringLiteral("after")).isNull());
        }
        const QJsonArray denied = records(backend, "?outcome=denied");
        QCOMPARE(denied.size(), 2);
        QCOMPARE(denied[0].toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("searchAudit"));
        QCOMPARE(denied[1].toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("registerInstance"));
    }

    void filtersAndTheCursorOverHttp()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        for (int i = 0; i < 5; ++i)
            QCOMPARE(call(backend, "POST", "/v1/events/topics",
                          "{\"name\":\"t" + QByteArray::number(i) + "\"}",
                          "X-Request-Id: topic-" + QByteArray::number(i) + "\r\n")
                         .status,
                     201);
        QCOMPARE(call(backend, "POST", "/v1/registry/services/shop/instances", Instance).status, 201);
        QVERIFY(!recordOf(backend, QStringLiteral("topic-4")).isEmpty());
        QTRY_COMPARE(records(backend, "?action=registerInstance").size(), 1);

        // Pages of two, newest first, until nextCursor is null.
        QStringList seen;
        QByteArray query = "?action=createTopic&limit=2";
        int pages = 0;
        for (;;) {
            const QJsonObject page = json(call(backend, "GET", "/v1/audit" + query));
            ++pages;
            for (const QJsonValue &v : page.value(QStringLiteral("records")).toArray())
                seen << v.toObject().value(QStringLiteral("requestId")).toString();
            const QJsonValue next = page.value(QStringLiteral("nextCursor"));
            if (next.isNull())
                break;
            QVERIFY(pages < 10);
            query = "?action=createTopic&limit=2&cursor=" + next.toString().toUtf8();
        }
        QCOMPARE(pages, 3);
        QCOMPARE(seen,
                 (QStringList{QStringLiteral("topic-4"), QStringLiteral("topic-3"), QStringLiteral("topic-2"),
                              QStringLiteral("topic-1"), QStringLiteral("topic-0")}));

        QCOMPARE(records(backend, "?resource=instance:").size(), 1);
        QCOMPARE(records(backend, "?actor=admin-token&outcome=ok").size(), 6);
        QCOMPARE(records(backend, "?actor=anonymous").size(), 0);
        QCOMPARE(records(backend, "?from=2000-01-01T00:00:00Z&to=" +
                                      QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 60'000))
                     .size(),
                 6);
        QCOMPARE(records(backend, "?to=2000-01-01T00:00:00Z").size(), 0);
    }

    void aBadFilterOrCursorIsRefusedWithTheField_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("field");
        QTest::newRow("outcome") << QByteArray("?outcome=maybe") << "outcome";
        QTest::newRow("cursor") << QByteArray("?cursor=abc") << "cursor";
        QTest::newRow("limit") << QByteArray("?limit=0") << "limit";
        QTest::newRow("limit too big") << QByteArray("?limit=1001") << "limit";
        QTest::newRow("time") << QByteArray("?from=yesterday") << "from";
    }
    void aBadFilterOrCursorIsRefusedWithTheField()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, field);
        if (!m_shared) {
            m_shared = std::make_unique<BackendProcess>();
            QVERIFY(m_shared->start());
        }
        const RawResponse r = call(*m_shared, "GET", "/v1/audit" + query);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
        QCOMPARE(json(r).value(QStringLiteral("field")).toString(), field);
    }

    void theNodeSaysHowItsAuditLogIsDoing()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        const QJsonObject ready = json(call(backend, "GET", "/readyz"));
        QCOMPARE(ready.value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
        const QJsonObject audit = ready.value(QStringLiteral("audit")).toObject();
        QCOMPARE(audit.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(audit.value(QStringLiteral("dropped")).toInteger(), 0);
        QVERIFY(audit.value(QStringLiteral("capacity")).toInteger() > 0);
        const QByteArray metrics = call(backend, "GET", "/metrics").body;
        QVERIFY(metrics.contains("\nmeshdeck_audit_records_dropped_total 0\n"));
        QVERIFY(metrics.contains("\nmeshdeck_audit_queue_depth "));
    }

    void theChannelDeliversANewRecordLiveToTwoSubscribers()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client first, second;
        QVERIFY(first.open(backend));
        QVERIFY(second.open(backend));
        first.subscribe(QStringLiteral("audit"));
        second.subscribe(QStringLiteral("audit"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return first.count(QStringLiteral("subscribed")) + first.count(QStringLiteral("error")) > 0;
            },
            5000));
        if (first.count(QStringLiteral("error")) > 0) {
            const QString reason =
                first.last(QStringLiteral("error")).value(QStringLiteral("reason")).toString();
            QFAIL(qPrintable(reason));
        }
        QTRY_COMPARE(second.count(QStringLiteral("subscribed")), 1);
        QCOMPARE(call(backend, "POST", "/v1/registry/services/shop/instances", Instance,
                      "X-Request-Id: live-one\r\n")
                     .status,
                 201);
        const auto hasLive = [](const Client &c) {
            for (const QJsonObject &r : c.records())
                if (r.value(QStringLiteral("requestId")).toString() == QLatin1String("live-one"))
                    return true;
            return false;
        };
        QTRY_VERIFY(hasLive(first));
        QTRY_VERIFY(hasLive(second));
        const QJsonObject live = first.records().last();
        QCOMPARE(live.value(QStringLiteral("action")).toString(), QStringLiteral("registerInstance"));
        // The same record as GET /v1/audit answers.
        QCOMPARE(live, recordOf(backend, QStringLiteral("live-one")));
    }

    void cleanupTestCase() { m_shared.reset(); }

private:
    std::unique_ptr<BackendProcess> m_shared;
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
