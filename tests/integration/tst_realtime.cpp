#include "testing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {

QByteArray call(BackendProcess &backend, const QByteArray &method, const QByteArray &path,
                const QByteArray &body = {})
{
    RawHttp c;
    if (!c.connectTo(backend.port()))
        return {};
    c.send(method + ' ' + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + backend.token() +
           "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    const RawResponse r = c.read(10'000);
    return QByteArray::number(r.status) + ' ' + r.body;
}

QByteArray batch(int first, int count, int payloadBytes = 16)
{
    QJsonArray events;
    for (int i = first; i < first + count; ++i)
        events.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("n")},
                        {QStringLiteral("data"),
                         QJsonObject{{QStringLiteral("n"), i},
                                     {QStringLiteral("pad"), QString(payloadBytes, QLatin1Char('p'))}}}});
    return QJsonDocument(QJsonObject{{QStringLiteral("events"), events}}).toJson(QJsonDocument::Compact);
}

// A realtime client that records every message it receives.
class Client
{
public:
    explicit Client(const QString &origin = {})
        : m_socket(origin)
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(BackendProcess &backend, bool withToken)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(backend.port())));
        if (withToken)
            request.setRawHeader("Authorization", "Bearer " + backend.token());
        m_socket.open(request);
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; },
                               5000) &&
               waitFor(QStringLiteral("welcome"));
    }
    void send(const QJsonObject &message)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    void subscribe(const QString &channel, qint64 fromOffset = -1)
    {
        QJsonObject m{{QStringLiteral("type"), QStringLiteral("subscribe")},
                      {QStringLiteral("channel"), channel}};
        if (fromOffset >= 0)
            m.insert(QStringLiteral("fromOffset"), fromOffset);
        send(m);
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
    QJsonObject last(const QString &type) const
    {
        for (auto it = messages.crbegin(); it != messages.crend(); ++it)
            if (it->value(QStringLiteral("type")).toString() == type)
                return *it;
        return {};
    }
    QList<qint64> offsets() const { return Meshdeck::Testing::eventOffsets(messages); }
    QWebSocket &socket() { return m_socket; }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

} // namespace

class TestRealtime : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deliversNewEventsLive()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        QVERIFY(call(backend, "POST", "/v1/events/topics", "{\"name\":\"live\"}").startsWith("201"));
        QVERIFY(call(backend, "POST", "/v1/events/topics/live/events", batch(0, 2)).startsWith("201"));
        Client client;
        QVERIFY(client.open(backend, true));
        QCOMPARE(client.last(QStringLiteral("welcome")).value(QStringLiteral("authenticated")).toBool(),
                 true);
        client.subscribe(QStringLiteral("events.live"));
        QVERIFY(client.waitFor(QStringLiteral("subscribed")));
        const QJsonObject subscribed = client.last(QStringLiteral("subscribed"));
        QCOMPARE(subscribed.value(QStringLiteral("headOffset")).toInt(), 2);
        QCOMPARE(subscribed.value(QStringLiteral("fromOffset")).toInt(), 2); // "latest": nothing old
        QVERIFY(call(backend, "POST", "/v1/events/topics/live/events", batch(2, 3)).startsWith("201"));
        QVERIFY(QTest::qWaitFor([&] { return client.count(QStringLiteral("event")) == 3; }, 5000));
        QCOMPARE(client.offsets(), (QList<qint64>{2, 3, 4}));
        const QJsonObject first = client.last(QStringLiteral("event"));
        QCOMPARE(first.value(QStringLiteral("channel")).toString(), QStringLiteral("events.live"));
        QCOMPARE(first.value(QStringLiteral("event"))
                     .toObject()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("n"))
                     .toInt(),
                 4);
    }

    void authenticatesByHeaderOrFirstMessage()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client anonymous;
        QVERIFY(anonymous.open(backend, false));
        QCOMPARE(anonymous.last(QStringLiteral("welcome")).value(QStringLiteral("authenticated")).toBool(),
                 false);
        anonymous.subscribe(QStringLiteral("events.system"));
        QVERIFY(anonymous.waitFor(QStringLiteral("error")));
        QVERIFY(anonymous.last(QStringLiteral("error"))
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("Authenticate first")));
        anonymous.send({{QStringLiteral("type"), QStringLiteral("auth")},
                        {QStringLiteral("token"), QString::fromLatin1(backend.token())}});
        QVERIFY(anonymous.waitFor(QStringLiteral("authenticated")));
        anonymous.subscribe(QStringLiteral("events.system"), 0);
        QVERIFY(anonymous.waitFor(QStringLiteral("event"))); // the node's start-up event

        Client impostor;
        QVERIFY(impostor.open(backend, false));
        impostor.send({{QStringLiteral("type"), QStringLiteral("auth")},
                       {QStringLiteral("token"), QStringLiteral("wrong")}});
        QVERIFY(QTest::qWaitFor(
            [&] { return impostor.socket().state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(impostor.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);

        // A wrong token in the upgrade itself is refused before the upgrade.
        RawHttp raw;
        QVERIFY(raw.connectTo(backend.port()));
        raw.send("GET /v1/realtime HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                 "Authorization: Bearer wrong\r\n\r\n");
        QCOMPARE(raw.read().status, 401);
    }

    void refusesForeignOriginsUnlessAllowed()
    {
        BackendProcess backend;
        QVERIFY(backend.start({QStringLiteral("--allowed-origin"), QStringLiteral("http://localhost:5173")}));
        RawHttp raw;
        QVERIFY(raw.connectTo(backend.port()));
        raw.send("GET /v1/realtime HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                 "Origin: http://evil.example\r\n\r\n");
        const RawResponse refused = raw.read();
        QCOMPARE(refused.status, 403);
        QVERIFY(QJsonDocument::fromJson(refused.body)
                    .object()
                    .value(QStringLiteral("detail"))
                    .toString()
                    .contains(QStringLiteral("--allowed-origin")));

        Client allowed(QStringLiteral("http://localhost:5173"));
        QVERIFY(allowed.open(backend, true));
    }

    void resumesAfterADropWithNoGapAndNoDuplicate()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        QVERIFY(call(backend, "POST", "/v1/events/topics", "{\"name\":\"stream\"}").startsWith("201"));
        constexpr int Total = 600;
        int published = 0;
        // Publish in the background of the test's event loop while the subscriber comes and goes.
        QTimer publisher;
        publisher.setInterval(5);
        QObject::connect(&publisher, &QTimer::timeout, &publisher, [&] {
            if (published >= Total) {
                publisher.stop();
                return;
            }
            if (call(backend, "POST", "/v1/events/topics/stream/events", batch(published, 20))
                    .startsWith("201"))
                published += 20;
        });
        publisher.start();

        QList<qint64> received;
        qint64 resumeFrom = 0;
        for (int connection = 0; connection < 5 && received.size() < Total; ++connection) {
            Client client;
            QVERIFY(client.open(backend, true));
            client.subscribe(QStringLiteral("events.stream"), resumeFrom);
            // Take a random share of the stream, then drop the socket without a goodbye.
            const int take = connection == 4 ? Total : 60 + int(QRandomGenerator::global()->bounded(120));
            QVERIFY(QTest::qWaitFor(
                [&] { return client.offsets().size() >= qMin<qsizetype>(take, Total - received.size()); },
                15'000));
            const QList<qint64> got = client.offsets();
            received += got;
            resumeFrom = got.isEmpty() ? resumeFrom : got.last() + 1;
            client.socket().abort();
        }
        QVERIFY(QTest::qWaitFor([&] { return published >= Total; }, 15'000));
        QCOMPARE(received.size(), Total);
        for (int i = 0; i < Total; ++i)
            QCOMPARE(received[i], qint64(i)); // every offset once, in order
    }

    void aSubscriberThatDoesNotReadIsCutOffWithAnOverflowMessage()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        QVERIFY(call(backend, "POST", "/v1/events/topics", "{\"name\":\"flood\"}").startsWith("201"));
        // A WebSocket client that subscribes and then never reads.
        RawHttp raw;
        QVERIFY(raw.connectTo(backend.port()));
        raw.socket().setReadBufferSize(64 * 1024);
        raw.send("GET /v1/realtime HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                 "Authorization: Bearer " +
                 backend.token() + "\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return raw.socket().peek(12).startsWith("HTTP/1.1 101"); }, 5000));
        const QByteArray subscribe = "{\"type\":\"subscribe\",\"channel\":\"events.flood\"}";
        QByteArray frame;
        frame += char(0x81);
        frame += char(0x80 | subscribe.size());
        const char mask[4] = {0x11, 0x22, 0x33, 0x44};
        frame.append(mask, 4);
        for (qsizetype i = 0; i < subscribe.size(); ++i)
            frame += char(subscribe[i] ^ mask[i % 4]);
        raw.send(frame);
        // Peeking leaves the bytes unread: the server's "subscribed" reply shows the subscription
        // is live before the flood starts.
        QVERIFY(QTest::qWaitFor(
            [&] {
                return raw.socket().peek(raw.socket().bytesAvailable()).contains("\"type\":\"subscribed\"");
            },
            5000));

        for (int b = 0; b < 40; ++b)
            QVERIFY(call(backend, "POST", "/v1/events/topics/flood/events", batch(b * 900, 900, 1000))
                        .startsWith("201"));
        // Now read: the server said why and closed.
        QByteArray stream;
        raw.socket().setReadBufferSize(0);
        QVERIFY(QTest::qWaitFor(
            [&] {
                stream += raw.socket().readAll();
                return raw.socket().state() == QAbstractSocket::UnconnectedState;
            },
            30'000));
        stream += raw.socket().readAll();
        QVERIFY2(stream.contains("\"type\":\"overflow\""),
                 "an explicit overflow message before the disconnect");
        QVERIFY(stream.contains("fell behind"));
        QVERIFY(call(backend, "GET", "/healthz").startsWith("200"));
    }

    void shutdownClosesSubscribersWithGoingAway()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client client;
        QVERIFY(client.open(backend, true));
        QVERIFY(call(backend, "GET", "/metrics").contains("meshdeck_websockets_open 1"));
        // terminate() blocks in waitForFinished; the close frame is read afterwards from the socket.
        QCOMPARE(backend.terminate(), 0);
        QVERIFY(QTest::qWaitFor([&] { return client.socket().state() == QAbstractSocket::UnconnectedState; },
                                5000));
        QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }

    void reportsUnknownChannelsAndTopics()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Client client;
        QVERIFY(client.open(backend, true));
        client.subscribe(QStringLiteral("nonsense"));
        QVERIFY(client.waitFor(QStringLiteral("error")));
        QVERIFY(client.last(QStringLiteral("error"))
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("events.<name>")));
        client.messages.clear();
        client.subscribe(QStringLiteral("events.missing"));
        QVERIFY(client.waitFor(QStringLiteral("error")));
        QCOMPARE(client.last(QStringLiteral("error")).value(QStringLiteral("channel")).toString(),
                 QStringLiteral("events.missing"));
        client.messages.clear();
        client.send({{QStringLiteral("type"), QStringLiteral("ping")}});
        QVERIFY(client.waitFor(QStringLiteral("pong")));
    }
};

QTEST_GUILESS_MAIN(TestRealtime)
#include "tst_realtime.moc"
