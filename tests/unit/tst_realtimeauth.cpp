// Realtime authorisation: a session without read rights on a topic receives nothing from its
// channel, including after its read permission is revoked mid-stream, while a session that keeps
// the right keeps receiving; sessions end when their credential expires or is revoked; a live
// session re-authenticates. Non-admin principals are built directly (Principal struct) and handed
// out by a test Authenticator: the users service is not there yet. (unit/realtimeauth and _pg)
#include "postgresserver.h"
#include "testing.h"

#include "platform/authenticator.h"
#include "services/events/eventschannel.h"
#include "services/events/eventsschema.h"
#include "services/events/eventsservice.h"
#include "services/realtime/realtimeservice.h"
#include "services/realtime/realtimesession.h"
#include "storage/database.h"
#include "storage/documentpermissions.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Meshdeck;
using namespace Meshdeck::Events;
using namespace Meshdeck::Testing;

namespace {

PrincipalPtr user(const QString &id, qint64 expiresAtMs = 0)
{
    auto p = std::make_shared<Principal>();
    p->kind = Principal::Kind::User;
    p->userId = id;
    p->name = id;
    p->role = Role::User;
    p->sessionId = QStringLiteral("s-") + id;
    p->expiresAtMs = expiresAtMs;
    return p;
}

// Stands in for a realtime session's inbox on one channel.
class Inbox : public QObject
{
    Q_OBJECT
public:
    Inbox()
        : mailbox(std::make_shared<Realtime::Mailbox>(this, 10'000))
    {}
    Q_INVOKABLE void drainMailbox()
    {
        for (const QByteArray &m : mailbox->take())
            messages << QJsonDocument::fromJson(m).object();
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
    std::shared_ptr<Realtime::Mailbox> mailbox;
    QList<QJsonObject> messages;
};

// Tokens are names: "alice", "bob", "short-alice" (expires soon), "long-alice" (expires late).
class TestAuthenticator : public Authenticator
{
public:
    qint64 shortExpiry = 0;
    Authentication authenticate(const QByteArray &credential, const QByteArray &) const override
    {
        const QString token = QString::fromUtf8(credential);
        if (token == QLatin1String("alice") || token == QLatin1String("bob"))
            return Authentication{user(token), {}, {}};
        if (token == QLatin1String("short-alice") || token == QLatin1String("short-bob"))
            return Authentication{user(token.mid(6), shortExpiry), {}, {}};
        if (token == QLatin1String("long-alice"))
            return Authentication{
                user(QStringLiteral("alice"), QDateTime::currentMSecsSinceEpoch() + 3'600'000), {}, {}};
        if (token == QLatin1String("no-realtime-key")) {
            auto key = std::make_shared<Principal>(*user(QStringLiteral("carol")));
            key->kind = Principal::Kind::ApiKey;
            key->keyId = QStringLiteral("k1");
            key->scopes = QStringList{QStringLiteral("events.read")};
            return Authentication{key, {}, {}};
        }
        return Authentication::refused(QStringLiteral("unknown token"), "invalid-token");
    }
};

// A realtime client that records every message it receives.
class Client
{
public:
    Client()
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
        QObject::connect(&socket, &QWebSocket::disconnected, &socket, [this] { closed = true; });
    }
    bool open(quint16 port, const QByteArray &token)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
        request.setRawHeader("Authorization", "Bearer " + token);
        socket.open(request);
        return QTest::qWaitFor([&] { return count(QStringLiteral("welcome")) > 0; }, 5000);
    }
    void send(const QJsonObject &message)
    {
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    bool roundTrip()
    {
        const int before = count(QStringLiteral("pong"));
        send({{QStringLiteral("type"), QStringLiteral("ping")}});
        return QTest::qWaitFor([&] { return count(QStringLiteral("pong")) > before; }, 5000);
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
    QWebSocket socket;
    QList<QJsonObject> messages;
    bool closed = false;
};

} // namespace

class TestRealtimeAuth : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    ManualClock m_clock;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<EventsService> m_service;
    std::unique_ptr<EventsChannel> m_channel;
    quint64 m_nextId = 1;

    Realtime::SubscriptionPtr subscription(Inbox &inbox, const QString &channel, PrincipalPtr principal)
    {
        return std::make_shared<Realtime::Subscription>(Realtime::Subscription{
            channel, QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")}}, inbox.mailbox,
            m_nextId++, std::move(principal)});
    }
    bool publish(const QString &topic)
    {
        return bool(waitForTask(
            m_service->publish(topic, {EventInput{QStringLiteral("t"), {}, "{}", {}}}, QStringLiteral("r"))));
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<Storage::Database>();
        const auto opened = waitForTask(m_db->open(
            m_databases.freshLocation(QString::fromLatin1(QTest::currentTestFunction())),
            {{QStringLiteral("events"), Events::schema()}, Storage::DocumentPermissions::schema()}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        m_service =
            std::make_unique<EventsService>(EventsSettings{}, m_db.get(), SecretBox::ephemeral(), m_clock);
        QCOMPARE(waitForTask(m_service->start()), QString());
        m_channel = std::make_unique<EventsChannel>(m_db.get());
        // As core/backend.cpp wires them.
        m_service->addCommitListener([channel = m_channel.get()](const QList<StoredEventPtr> &committed) {
            channel->onCommitted(committed);
        });
        m_service->addTopicListener([channel = m_channel.get()](QSqlDatabase &db, const QString &topic) {
            channel->recheck(db, topic);
        });
    }
    void cleanup()
    {
        m_channel.reset();
        waitForTask(m_service->stop());
        m_service.reset();
        m_db.reset();
    }

    // The realtime test: two sessions on one channel; the one without read receives
    // nothing, also after its read is revoked mid-stream; the other keeps receiving.
    void aSessionWithoutReadReceivesNothingIncludingAfterRevocation()
    {
        const PrincipalPtr alice = user(QStringLiteral("alice"));
        const PrincipalPtr bob = user(QStringLiteral("bob"));
        const PrincipalPtr carol = user(QStringLiteral("carol"));
        QVERIFY(waitForTask(m_service->createTopic(
            QStringLiteral("orders"), {},
            {QStringLiteral("read(\"user:alice\")"), QStringLiteral("read(\"user:bob\")")})));
        Inbox a, b, c, missing;
        QCOMPARE(m_channel->open(subscription(a, QStringLiteral("events.orders"), alice)), QString());
        QCOMPARE(m_channel->open(subscription(b, QStringLiteral("events.orders"), bob)), QString());
        QCOMPARE(m_channel->open(subscription(c, QStringLiteral("events.orders"), carol)), QString());
        QCOMPARE(m_channel->open(subscription(missing, QStringLiteral("events.nosuch"), alice)), QString());
        QTRY_COMPARE(a.count(QStringLiteral("subscribed")), 1);
        QTRY_COMPARE(b.count(QStringLiteral("subscribed")), 1);
        // Carol may not read: the same answer as for a topic that does not exist.
        QTRY_COMPARE(c.count(QStringLiteral("error")), 1);
        QTRY_COMPARE(missing.count(QStringLiteral("error")), 1);
        QCOMPARE(c.last(QStringLiteral("error")).value(QStringLiteral("reason")).toString(),
                 missing.last(QStringLiteral("error"))
                     .value(QStringLiteral("reason"))
                     .toString()
                     .replace(QStringLiteral("nosuch"), QStringLiteral("orders")));
        QCOMPARE(c.count(QStringLiteral("subscribed")), 0);

        QVERIFY(publish(QStringLiteral("orders")));
        QTRY_COMPARE(a.count(QStringLiteral("event")), 1);
        QTRY_COMPARE(b.count(QStringLiteral("event")), 1); // bob receives while he may read
        QCOMPARE(c.count(QStringLiteral("event")), 0);     // delivered in the same commit as a's and b's

        // Revoke bob's read mid-stream.
        const Result<TopicUpdate> revoked = waitForTask(m_service->updateTopic(
            QStringLiteral("orders"), std::nullopt, QStringList{QStringLiteral("read(\"user:alice\")")}));
        QVERIFY(revoked);
        QTRY_COMPARE(b.count(QStringLiteral("unsubscribed")), 1);
        QCOMPARE(b.last(QStringLiteral("unsubscribed")).value(QStringLiteral("channel")).toString(),
                 QStringLiteral("events.orders"));
        QCOMPARE(a.count(QStringLiteral("unsubscribed")), 0);

        QVERIFY(publish(QStringLiteral("orders")));
        QVERIFY(publish(QStringLiteral("orders")));
        QTRY_COMPARE(a.count(QStringLiteral("event")), 3); // alice keeps receiving...
        QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
        QCOMPARE(b.count(QStringLiteral("event")), 1); // ...bob, in the same commits, does not
        QCOMPARE(c.count(QStringLiteral("event")), 0);
    }

    void subscriptionsAreAuthorisedLikeTheRestRead()
    {
        QVERIFY(waitForTask(
            m_service->createTopic(QStringLiteral("orders"), {}, {QStringLiteral("read(\"any\")")})));
        Inbox inbox;
        // No principal: refused before anything else.
        QVERIFY(!m_channel->open(subscription(inbox, QStringLiteral("events.orders"), nullptr)).isEmpty());
        // An API key without events.read in its scopes.
        auto key = std::make_shared<Principal>(*user(QStringLiteral("dave")));
        key->kind = Principal::Kind::ApiKey;
        key->keyId = QStringLiteral("k");
        key->scopes = QStringList{QStringLiteral("realtime.subscribe")};
        QVERIFY(!m_channel->open(subscription(inbox, QStringLiteral("events.orders"), key)).isEmpty());
        // Registry and cluster mirror registry.read and system.read, which role user lacks.
        auto sub = subscription(inbox, QStringLiteral("registry"), user(QStringLiteral("eve")));
        QVERIFY(!Realtime::authorizeSubscription(*sub, "registry.read").isEmpty());
        Principal support = *user(QStringLiteral("sam"));
        support.role = Role::Support;
        sub->principal = std::make_shared<const Principal>(support);
        QCOMPARE(Realtime::authorizeSubscription(*sub, "registry.read"), QString());
        QCOMPARE(Realtime::authorizeSubscription(*sub, "system.read"), QString());
    }

    // Sessions over a real WebSocket: expiry, revocation by the auth service, re-authentication.
    void sessionsEndWhenTheirCredentialExpiresOrIsRevoked()
    {
        TestAuthenticator authenticator;
        authenticator.shortExpiry = QDateTime::currentMSecsSinceEpoch() + 4000;
        Realtime::RealtimeService realtime(Realtime::RealtimeSettings{});
        realtime.setAuthenticator(&authenticator);
        QWebSocketServer server(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&] {
            QWebSocket *socket = server.nextPendingConnection();
            const QByteArray header = socket->request().rawHeader("Authorization");
            realtime.accept(socket, nullptr, header.mid(7));
        });

        Client expiring, renewed, revoked, kept;
        QVERIFY(expiring.open(server.serverPort(), "short-alice"));
        QVERIFY(renewed.open(server.serverPort(), "short-alice"));
        QVERIFY(revoked.open(server.serverPort(), "bob"));
        QVERIFY(kept.open(server.serverPort(), "alice"));

        // A refreshed token of the same actor extends the session.
        renewed.send({{QStringLiteral("type"), QStringLiteral("auth")},
                      {QStringLiteral("token"), QStringLiteral("long-alice")}});
        QTRY_COMPARE(renewed.count(QStringLiteral("authenticated")), 1);
        // Another actor's token does not replace the principal.
        kept.send({{QStringLiteral("type"), QStringLiteral("auth")},
                   {QStringLiteral("token"), QStringLiteral("bob")}});
        QTRY_COMPARE(kept.count(QStringLiteral("error")), 1);

        // The auth service revokes bob's session.
        QCOMPARE(realtime.endSessions([](const Principal &p) { return p.userId == QLatin1String("bob"); },
                                      QStringLiteral("The session was revoked."), "revoked-session"),
                 1);
        QTRY_VERIFY(revoked.closed);
        QCOMPARE(revoked.last(QStringLiteral("session-ended")).value(QStringLiteral("code")).toString(),
                 QStringLiteral("revoked-session"));
        QCOMPARE(int(revoked.socket.closeCode()), Realtime::RealtimeSession::SessionEndedCloseCode);

        // The short token expires: told why, closed with 4001.
        QTRY_VERIFY_WITH_TIMEOUT(expiring.closed, 15'000);
        QCOMPARE(expiring.last(QStringLiteral("session-ended")).value(QStringLiteral("code")).toString(),
                 QStringLiteral("expired-token"));
        QCOMPARE(int(expiring.socket.closeCode()), Realtime::RealtimeSession::SessionEndedCloseCode);
        // The renewed session, whose first token expired at the same moment, and the others go on.
        QVERIFY(renewed.roundTrip());
        QVERIFY(kept.roundTrip());
        QCOMPARE(renewed.count(QStringLiteral("session-ended")), 0);
        QCOMPARE(kept.count(QStringLiteral("session-ended")), 0);
        QVERIFY(!renewed.closed && !kept.closed);

        // A credential whose principal may not use realtime is refused.
        Client refused;
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort())));
        refused.socket.open(request);
        QTRY_COMPARE(refused.count(QStringLiteral("welcome")), 1);
        refused.send({{QStringLiteral("type"), QStringLiteral("auth")},
                      {QStringLiteral("token"), QStringLiteral("no-realtime-key")}});
        QTRY_VERIFY(refused.closed);
        QVERIFY(refused.last(QStringLiteral("error"))
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("realtime.subscribe")));

        // Every session ends (and gives its place back) before the service goes.
        renewed.socket.close();
        kept.socket.close();
        QTRY_COMPARE(realtime.sessionCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRealtimeAuth)
#include "tst_realtimeauth.moc"
