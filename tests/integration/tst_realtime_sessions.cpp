// Several sessions on one channel, as several consoles on one backend are: each channel serves any
// number of sessions independently, and one session leaving does not cost another its feed.
#include "testing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QWebSocket>

#include <memory>
#include <vector>

using namespace Meshdeck::Testing;

namespace {

// A realtime client that records every message it receives.
class Session
{
public:
    Session()
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
        return waitFor(QStringLiteral("welcome"));
    }
    void send(const QJsonObject &message)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    bool subscribe(const QString &channel)
    {
        send({{QStringLiteral("type"), QStringLiteral("subscribe")}, {QStringLiteral("channel"), channel}});
        return waitFor(QStringLiteral("subscribed"));
    }
    bool unsubscribe(const QString &channel)
    {
        send({{QStringLiteral("type"), QStringLiteral("unsubscribe")}, {QStringLiteral("channel"), channel}});
        return waitFor(QStringLiteral("unsubscribed"));
    }
    // A round trip through the session: whatever the server queued for it before arrives first.
    bool roundTrip()
    {
        const int before = count(QStringLiteral("pong"));
        send({{QStringLiteral("type"), QStringLiteral("ping")}});
        return QTest::qWaitFor([&] { return count(QStringLiteral("pong")) > before; }, 5000);
    }
    bool waitFor(const QString &type, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return count(type) > 0; }, timeoutMs);
    }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
    // The registry changes of one kind about one instance.
    int changes(const QString &change, const QString &instanceId) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == QLatin1String("change") &&
                   m.value(QStringLiteral("change")).toString() == change &&
                   m.value(QStringLiteral("instance")).toObject().value(QStringLiteral("id")).toString() ==
                       instanceId;
        }));
    }
    QList<qint64> offsets() const { return eventOffsets(messages); }
    QWebSocket &socket() { return m_socket; }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

// meshdeck_websockets_open from /metrics, or -1.
int openWebSockets(const BackendProcess &backend)
{
    static const QRegularExpression gauge(QStringLiteral("^meshdeck_websockets_open (\\d+)$"),
                                          QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m =
        gauge.match(QString::fromUtf8(apiCall(backend, "GET", "/metrics").body));
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

std::vector<std::unique_ptr<Session>> openSessions(const BackendProcess &backend, int n,
                                                   const QString &channel)
{
    std::vector<std::unique_ptr<Session>> out;
    for (int i = 0; i < n; ++i) {
        auto s = std::make_unique<Session>();
        if (!s->open(backend) || !s->subscribe(channel))
            return {};
        out.push_back(std::move(s));
    }
    return out;
}

QByteArray oneEvent(int n)
{
    return "{\"events\":[{\"type\":\"n\",\"data\":{\"n\":" + QByteArray::number(n) + "}}]}";
}

} // namespace

class TestRealtimeSessions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyRegistrySessionGetsEveryChangeUntilItLeaves()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        auto sessions = openSessions(backend, 4, QStringLiteral("registry"));
        QCOMPARE(sessions.size(), size_t(4));
        for (auto &s : sessions)
            QVERIFY(s->waitFor(QStringLiteral("snapshot")));

        const RawResponse registered =
            apiCall(backend, "POST", "/v1/registry/services/web/instances",
                    "{\"address\":\"10.0.0.1\",\"port\":8080,\"check\":{\"ttlMs\":60000}}");
        QCOMPARE(registered.status, 201);
        const QString id =
            QJsonDocument::fromJson(registered.body).object().value(QStringLiteral("id")).toString();
        const QString registeredChange = QStringLiteral("registry.instance.registered");
        for (auto &s : sessions)
            QTRY_COMPARE_WITH_TIMEOUT(s->changes(registeredChange, id), 1, 5000);

        // One session unsubscribes, another closes its socket (and the server has seen it go).
        Session &stays1 = *sessions[0], &unsubscribes = *sessions[1], &stays2 = *sessions[3];
        QVERIFY(unsubscribes.unsubscribe(QStringLiteral("registry")));
        sessions[2]->socket().close();
        QTRY_COMPARE_WITH_TIMEOUT(openWebSockets(backend), 3, 5000);

        const QString updated = QStringLiteral("registry.instance.updated");
        QCOMPARE(apiCall(backend, "PATCH", "/v1/registry/instances/" + id.toUtf8(), "{\"weight\":5}").status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(stays1.changes(updated, id), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stays2.changes(updated, id), 1, 5000);
        // The unsubscribed session got the first change, so it would have got this one by now.
        QVERIFY(unsubscribes.roundTrip());
        QCOMPARE(unsubscribes.changes(updated, id), 0);

        // And the sessions that stayed keep receiving.
        const QString deregistered = QStringLiteral("registry.instance.deregistered");
        QCOMPARE(apiCall(backend, "DELETE", "/v1/registry/instances/" + id.toUtf8()).status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(stays1.changes(deregistered, id), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stays2.changes(deregistered, id), 1, 5000);
    }

    void everyEventsSessionGetsEveryEventUntilItLeaves()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        QCOMPARE(apiCall(backend, "POST", "/v1/events/topics", "{\"name\":\"shared\"}").status, 201);
        // A session on another topic too, so subscription ids are not all alike within a session.
        auto sessions = openSessions(backend, 4, QStringLiteral("events.shared"));
        QCOMPARE(sessions.size(), size_t(4));
        QVERIFY(sessions[0]->subscribe(QStringLiteral("events.system")));

        QCOMPARE(apiCall(backend, "POST", "/v1/events/topics/shared/events", oneEvent(0)).status, 201);
        for (auto &s : sessions)
            QTRY_COMPARE_WITH_TIMEOUT(s->offsets().count(0), 1, 5000);

        Session &stays1 = *sessions[0], &unsubscribes = *sessions[1], &stays2 = *sessions[3];
        QVERIFY(unsubscribes.unsubscribe(QStringLiteral("events.shared")));
        sessions[2]->socket().close();
        QTRY_COMPARE_WITH_TIMEOUT(openWebSockets(backend), 3, 5000);

        QCOMPARE(apiCall(backend, "POST", "/v1/events/topics/shared/events", oneEvent(1)).status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(stays1.offsets().count(1), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stays2.offsets().count(1), 1, 5000);
        QVERIFY(unsubscribes.roundTrip());
        QCOMPARE(unsubscribes.offsets(), QList<qint64>{0});

        QCOMPARE(apiCall(backend, "POST", "/v1/events/topics/shared/events", oneEvent(2)).status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(stays2.offsets(), (QList<qint64>{0, 1, 2}), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(stays1.offsets().endsWith(2), 5000);
    }

    void manySocketsComeAndGoAndNoneIsLeftOpen()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        constexpr int Rounds = 10, PerRound = 50;
        for (int round = 0; round < Rounds; ++round) {
            std::vector<std::unique_ptr<Session>> sessions;
            for (int i = 0; i < PerRound; ++i) {
                sessions.push_back(std::make_unique<Session>());
                QVERIFY(sessions.back()->open(backend));
            }
            // Seen open by the server, then gone: half close politely, half drop the connection.
            QCOMPARE(openWebSockets(backend), PerRound);
            for (int i = 0; i < PerRound; ++i) {
                if (i % 2)
                    sessions[size_t(i)]->socket().close();
                else
                    sessions[size_t(i)]->socket().abort();
            }
            QTRY_COMPARE_WITH_TIMEOUT(openWebSockets(backend), 0, 10'000);
        }
        // The node still takes new sessions after 500.
        Session last;
        QVERIFY(last.open(backend));
        QVERIFY(last.subscribe(QStringLiteral("registry")));
    }

    void upgradesBeyondTheSessionCapGet503WithRetryAfter()
    {
        BackendProcess backend;
        QVERIFY(backend.start({QStringLiteral("--max-realtime-sessions"), QStringLiteral("2")}));
        auto sessions = openSessions(backend, 2, QStringLiteral("registry"));
        QCOMPARE(sessions.size(), size_t(2));

        const QByteArray upgrade =
            "GET /v1/realtime HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Authorization: Bearer " +
            backend.token() + "\r\n\r\n";
        RawHttp third;
        QVERIFY(third.connectTo(backend.port()));
        third.send(upgrade);
        const RawResponse refused = third.read();
        QCOMPARE(refused.status, 503);
        QVERIFY(refused.header("retry-after").toInt() > 0);
        QCOMPARE(refused.header("content-type"), QByteArray("application/problem+json"));
        QVERIFY(QJsonDocument::fromJson(refused.body)
                    .object()
                    .value(QStringLiteral("detail"))
                    .toString()
                    .contains(QStringLiteral("maximum of 2")));

        // The open sessions keep working.
        const RawResponse registered =
            apiCall(backend, "POST", "/v1/registry/services/web/instances",
                    "{\"address\":\"10.0.0.1\",\"port\":8080,\"check\":{\"ttlMs\":60000}}");
        QCOMPARE(registered.status, 201);
        const QString id =
            QJsonDocument::fromJson(registered.body).object().value(QStringLiteral("id")).toString();
        for (auto &s : sessions)
            QTRY_COMPARE_WITH_TIMEOUT(s->changes(QStringLiteral("registry.instance.registered"), id), 1,
                                      5000);

        // A session that leaves gives its place back.
        sessions[0]->socket().close();
        QTRY_COMPARE_WITH_TIMEOUT(openWebSockets(backend), 1, 5000);
        Session next;
        QVERIFY(next.open(backend));
        QVERIFY(next.subscribe(QStringLiteral("registry")));
    }
};

QTEST_GUILESS_MAIN(TestRealtimeSessions)
#include "tst_realtime_sessions.moc"
