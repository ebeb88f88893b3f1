#include "testing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QUrlQuery>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {

const QByteArray Password = "correct horse battery staple";

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QByteArray body(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// A realtime client (a console) that records every message it receives.
class Console
{
public:
    Console()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(quint16 port, const QByteArray &credential)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(port)));
        request.setRawHeader("Authorization", "Bearer " + credential);
        m_socket.open(request);
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; },
                               5000) &&
               QTest::qWaitFor([this] { return !ofType(QStringLiteral("welcome")).isEmpty(); }, 5000);
    }
    void subscribe(const QString &channel, const QJsonObject &extra = {})
    {
        QJsonObject m = extra;
        m.insert(QStringLiteral("type"), QStringLiteral("subscribe"));
        m.insert(QStringLiteral("channel"), channel);
        m_socket.sendTextMessage(QString::fromUtf8(body(m)));
    }
    // Waits for the subscription's answer: "subscribed" or "error".
    QString subscribeAndWait(const QString &channel, const QJsonObject &extra = {})
    {
        const qsizetype from = messages.size(); // answers to earlier subscriptions do not count
        subscribe(channel, extra);
        QString answer;
        [[maybe_unused]] const bool answered = QTest::qWaitFor(
            [&] {
                for (qsizetype i = from; i < messages.size(); ++i) {
                    const QJsonObject &m = messages[i];
                    const QString type = m.value(QStringLiteral("type")).toString();
                    if (m.value(QStringLiteral("channel")).toString() == channel &&
                        (type == QLatin1String("subscribed") || type == QLatin1String("error"))) {
                        answer = type;
                        return true;
                    }
                }
                return false;
            },
            5000);
        return answer;
    }
    QList<QJsonObject> ofType(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == type)
                out << m;
        }
        return out;
    }
    // The texts of "message" events, in order.
    QStringList texts(const QString &event = QStringLiteral("created")) const
    {
        QStringList out;
        for (const QJsonObject &m : ofType(QStringLiteral("message"))) {
            if (m.value(QStringLiteral("event")).toString() == event)
                out << m.value(QStringLiteral("message")).toObject().value(QStringLiteral("text")).toString();
        }
        return out;
    }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

} // namespace

// Chat on a real meshdeckd: who may read, write and follow a room, support reads, typing, fan-out.
class TestChat : public QObject
{
    Q_OBJECT
    BackendProcess m_backend;
    QHash<QByteArray, QString> m_ids;
    QHash<QByteArray, QByteArray> m_tokens;

    void makeUser(const QByteArray &name, const QByteArray &role)
    {
        const QByteArray email = name + "@example.test";
        const RawResponse r = apiCall(m_backend, "POST", "/v1/auth/users",
                                      "{\"email\":\"" + email + "\",\"name\":\"" + name +
                                          "\",\"password\":\"" + Password + "\",\"role\":\"" + role + "\"}");
        QCOMPARE(r.status, 201);
        m_ids.insert(name, json(r).value(QStringLiteral("id")).toString());
        const RawResponse s = callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                                     "{\"email\":\"" + email + "\",\"password\":\"" + Password + "\"}");
        QCOMPARE(s.status, 201);
        m_tokens.insert(name, json(s).value(QStringLiteral("accessToken")).toString().toUtf8());
    }

    RawResponse as(const QByteArray &who, const QByteArray &method, const QByteArray &path,
                   const QJsonObject &o = {}, bool withBody = true)
    {
        return callAs(m_backend.port(), m_tokens.value(who), method, path,
                      withBody && method != "GET" && method != "DELETE" ? body(o) : QByteArray());
    }

    // A private group room of alice's with bob.
    QString privateRoom(const QString &name)
    {
        const RawResponse r = as("alice", "POST", "/v1/chat/rooms",
                                 {{QStringLiteral("type"), QStringLiteral("group")},
                                  {QStringLiteral("name"), name},
                                  {QStringLiteral("private"), true},
                                  {QStringLiteral("participants"), QJsonArray{m_ids.value("bob")}}});
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString();
    }

    QByteArray messagesPath(const QString &room) { return "/v1/chat/rooms/" + room.toUtf8() + "/messages"; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_backend.start());
        makeUser("alice", "user");
        makeUser("bob", "user");
        makeUser("eve", "user");
        makeUser("sam", "support");
    }

    void nonParticipantCannotReadSearchOrFollow()
    {
        const QString room = privateRoom(QStringLiteral("secrets"));
        QVERIFY(!room.isEmpty());
        QCOMPARE(as("alice", "POST", messagesPath(room),
                    {{QStringLiteral("text"), QStringLiteral("Grüße, geheim")}})
                     .status,
                 201);
        QCOMPARE(as("bob", "GET", messagesPath(room)).status, 200);
        const RawResponse read = as("eve", "GET", messagesPath(room));
        QCOMPARE(read.status, 403);
        QCOMPARE(json(read).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:not-participant"));
        QCOMPARE(
            as("eve", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("hi")}}).status,
            403);
        QCOMPARE(as("eve", "GET", "/v1/chat/search?q=grusse&room=" + room.toUtf8()).status, 403);
        const RawResponse search = as("eve", "GET", "/v1/chat/search?q=grusse");
        QCOMPARE(search.status, 200);
        QCOMPARE(json(search).value(QStringLiteral("items")).toArray().size(), 0);
        const RawResponse bobSearch = as("bob", "GET", "/v1/chat/search?q=grusse");
        QCOMPARE(json(bobSearch).value(QStringLiteral("items")).toArray().size(), 1);
        QVERIFY(json(bobSearch)
                    .value(QStringLiteral("items"))[0][QStringLiteral("highlight")]
                    .toString()
                    .contains(QStringLiteral("<mark>Grüße</mark>")));
        // A one-letter query is refused.
        const RawResponse shortQuery = as("bob", "GET", "/v1/chat/search?q=g");
        QCOMPARE(shortQuery.status, 400);
        QCOMPARE(json(shortQuery).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:query-too-short"));
        Console eve;
        QVERIFY(eve.open(m_backend.port(), m_tokens.value("eve")));
        QCOMPARE(eve.subscribeAndWait(QStringLiteral("chat.rooms.") + room), QStringLiteral("error"));
    }

    void removedParticipantStopsReceiving()
    {
        const QString room = privateRoom(QStringLiteral("removal"));
        const QString channel = QStringLiteral("chat.rooms.") + room;
        Console bob;
        QVERIFY(bob.open(m_backend.port(), m_tokens.value("bob")));
        QCOMPARE(bob.subscribeAndWait(channel), QStringLiteral("subscribed"));
        QCOMPARE(as("alice", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("before")}})
                     .status,
                 201);
        QVERIFY(QTest::qWaitFor([&] { return bob.texts() == QStringList{QStringLiteral("before")}; }, 5000));
        QCOMPARE(as("alice", "DELETE",
                    "/v1/chat/rooms/" + room.toUtf8() + "/participants/" + m_ids.value("bob").toUtf8())
                     .status,
                 200);
        QVERIFY(QTest::qWaitFor([&] { return !bob.ofType(QStringLiteral("unsubscribed")).isEmpty(); }, 5000));
        // A second subscriber shows when the next message has been delivered.
        Console alice;
        QVERIFY(alice.open(m_backend.port(), m_tokens.value("alice")));
        QCOMPARE(alice.subscribeAndWait(channel), QStringLiteral("subscribed"));
        QCOMPARE(as("alice", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("after")}})
                     .status,
                 201);
        QVERIFY(QTest::qWaitFor([&] { return alice.texts() == QStringList{QStringLiteral("after")}; }, 5000));
        QCOMPARE(bob.texts(), QStringList{QStringLiteral("before")});
        QCOMPARE(as("bob", "GET", messagesPath(room)).status, 403);
    }

    void supportReadNeedsAReasonAndIsRecorded()
    {
        const QString room = privateRoom(QStringLiteral("support"));
        QCOMPARE(
            as("alice", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("help me")}})
                .status,
            201);
        const RawResponse refused = as("sam", "GET", messagesPath(room));
        QCOMPARE(refused.status, 403);
        QCOMPARE(json(refused).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:reason-required"));
        const RawResponse read = as("sam", "GET", messagesPath(room) + "?reason=ticket%2042");
        QCOMPARE(read.status, 200);
        const QString messageId =
            json(read).value(QStringLiteral("items"))[0][QStringLiteral("id")].toString();
        QCOMPARE(json(read).value(QStringLiteral("items"))[0][QStringLiteral("text")].toString(),
                 QStringLiteral("help me"));
        // The owner sees who read, why and what.
        const RawResponse reads = as("alice", "GET", "/v1/chat/rooms/" + room.toUtf8() + "/support-reads");
        QCOMPARE(reads.status, 200);
        const QJsonArray items = json(reads).value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0][QStringLiteral("reason")].toString(), QStringLiteral("ticket 42"));
        QCOMPARE(items[0][QStringLiteral("actor")].toString(), QStringLiteral("user:") + m_ids.value("sam"));
        QCOMPARE(items[0][QStringLiteral("messageIds")].toArray(), QJsonArray{messageId});
        QCOMPARE(as("bob", "GET", "/v1/chat/rooms/" + room.toUtf8() + "/support-reads").status, 403);
        // And the audit log has it.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QJsonObject audit = apiJson(m_backend, "GET", "/v1/audit?action=chat.support-read");
                for (const QJsonValue r : audit.value(QStringLiteral("records")).toArray()) {
                    if (r[QStringLiteral("resource")].toString() == QStringLiteral("chat/rooms/") + room)
                        return true;
                }
                return false;
            },
            5000));
        // Following the room live needs a reason too, and is recorded the same way.
        Console sam;
        QVERIFY(sam.open(m_backend.port(), m_tokens.value("sam")));
        QCOMPARE(sam.subscribeAndWait(QStringLiteral("chat.rooms.") + room), QStringLiteral("error"));
        QCOMPARE(sam.subscribeAndWait(QStringLiteral("chat.rooms.") + room,
                                      {{QStringLiteral("reason"), QStringLiteral("ticket 43")}}),
                 QStringLiteral("subscribed"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                const RawResponse after =
                    as("alice", "GET", "/v1/chat/rooms/" + room.toUtf8() + "/support-reads");
                const QJsonArray all = json(after).value(QStringLiteral("items")).toArray();
                return all.size() == 2 &&
                       all[0][QStringLiteral("reason")].toString() == QStringLiteral("ticket 43");
            },
            5000));
        // Support never writes.
        const RawResponse write =
            as("sam", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("hi")}});
        QCOMPARE(write.status, 403);
        QCOMPARE(as("sam", "POST", "/v1/chat/rooms",
                    {{QStringLiteral("type"), QStringLiteral("group")},
                     {QStringLiteral("name"), QStringLiteral("x")}})
                     .status,
                 403);
    }

    void aClosedSessionLeavesTheOthersReceiving()
    {
        const QString room = privateRoom(QStringLiteral("closing"));
        const QString channel = QStringLiteral("chat.rooms.") + room;
        Console alice;
        Console bob;
        QVERIFY(alice.open(m_backend.port(), m_tokens.value("alice")));
        QVERIFY(bob.open(m_backend.port(), m_tokens.value("bob")));
        {
            Console second; // alice's second console, closed while the others follow on
            QVERIFY(second.open(m_backend.port(), m_tokens.value("alice")));
            QCOMPARE(second.subscribeAndWait(channel), QStringLiteral("subscribed"));
            QCOMPARE(alice.subscribeAndWait(channel), QStringLiteral("subscribed"));
            QCOMPARE(bob.subscribeAndWait(channel), QStringLiteral("subscribed"));
        }
        for (const char *text : {"after one closed", "and again"}) {
            QCOMPARE(
                as("bob", "POST", messagesPath(room), {{QStringLiteral("text"), QLatin1String(text)}}).status,
                201);
        }
        const QStringList both{QStringLiteral("after one closed"), QStringLiteral("and again")};
        QVERIFY(QTest::qWaitFor([&] { return alice.texts() == both && bob.texts() == both; }, 5000));
    }

    void twoSessionsSeeMessagesAndTypingExpiry()
    {
        const QString room = privateRoom(QStringLiteral("live"));
        const QString channel = QStringLiteral("chat.rooms.") + room;
        Console alice;
        Console bob;
        QVERIFY(alice.open(m_backend.port(), m_tokens.value("alice")));
        QVERIFY(bob.open(m_backend.port(), m_tokens.value("bob")));
        QCOMPARE(alice.subscribeAndWait(channel), QStringLiteral("subscribed"));
        QCOMPARE(bob.subscribeAndWait(channel), QStringLiteral("subscribed"));
        const RawResponse sent = as("alice", "POST", messagesPath(room),
                                    {{QStringLiteral("text"), QStringLiteral("hello both")},
                                     {QStringLiteral("idempotencyKey"), QStringLiteral("once")}});
        QCOMPARE(sent.status, 201);
        QCOMPARE(as("alice", "POST", messagesPath(room),
                    {{QStringLiteral("text"), QStringLiteral("hello both")},
                     {QStringLiteral("idempotencyKey"), QStringLiteral("once")}})
                     .status,
                 200);
        QVERIFY(QTest::qWaitFor([&] { return alice.texts() == QStringList{QStringLiteral("hello both")}; },
                                5000));
        QVERIFY(
            QTest::qWaitFor([&] { return bob.texts() == QStringList{QStringLiteral("hello both")}; }, 5000));

        QCOMPARE(as("alice", "POST", "/v1/chat/rooms/" + room.toUtf8() + "/typing").status, 202);
        QVERIFY(QTest::qWaitFor([&] { return bob.ofType(QStringLiteral("typing")).size() == 1; }, 5000));
        const QJsonObject typing = bob.ofType(QStringLiteral("typing")).first();
        QCOMPARE(typing.value(QStringLiteral("typing")).toBool(), true);
        QCOMPARE(typing.value(QStringLiteral("userId")).toString(), m_ids.value("alice"));
        QElapsedTimer sinceTyping;
        sinceTyping.start();
        QVERIFY(QTest::qWaitFor([&] { return bob.ofType(QStringLiteral("typing")).size() == 2; }, 8000));
        QCOMPARE(bob.ofType(QStringLiteral("typing")).last().value(QStringLiteral("typing")).toBool(), false);
        QVERIFY2(sinceTyping.elapsed() > 4000, "typing ends after about 5 s, not at once");

        // A read receipt reaches the other session; unread counts follow it.
        const QString id = json(sent).value(QStringLiteral("id")).toString();
        const RawResponse rooms = as("bob", "GET", "/v1/chat/rooms");
        bool found = false;
        for (const QJsonValue r : json(rooms).value(QStringLiteral("items")).toArray()) {
            if (r[QStringLiteral("id")].toString() == room) {
                found = true;
                QCOMPARE(r[QStringLiteral("unread")].toInt(), 1);
                QCOMPARE(r[QStringLiteral("myRole")].toString(), QStringLiteral("member"));
            }
        }
        QVERIFY(found);
        const RawResponse marked = as("bob", "POST", "/v1/chat/rooms/" + room.toUtf8() + "/read",
                                      {{QStringLiteral("messageId"), id}});
        QCOMPARE(marked.status, 200);
        QCOMPARE(json(marked).value(QStringLiteral("unread")).toInt(), 0);
        QVERIFY(QTest::qWaitFor([&] { return !alice.ofType(QStringLiteral("read")).isEmpty(); }, 5000));
    }
};

QTEST_GUILESS_MAIN(TestChat)
#include "tst_chat.moc"
