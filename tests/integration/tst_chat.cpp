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

    // A public group room of alice's.
    QString publicRoom(const QString &name)
    {
        const RawResponse r = as("alice", "POST", "/v1/chat/rooms",
                                 {{QStringLiteral("type"), QStringLiteral("group")},
                                  {QStringLiteral("name"), name},
                                  {QStringLiteral("private"), false}});
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString();
    }

    QJsonArray supportReads(const QString &room)
    {
        return json(as("alice", "GET", "/v1/chat/rooms/" + room.toUtf8() + "/support-reads"))
            .value(QStringLiteral("items"))
            .toArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_backend.start());
        makeUser("alice", "user");
        makeUser("bob", "user");
        makeUser("eve", "user");
        makeUser("sam", "support");
    }

    void supportSearchesPrivateRoomsOnlyWithARecordedReason()
    {
        const QString room = privateRoom(QStringLiteral("search-private"));
        QVERIFY(!room.isEmpty());
        QCOMPARE(as("alice", "POST", messagesPath(room),
                    {{QStringLiteral("text"), QStringLiteral("kennwort zebraquokka")}})
                     .status,
                 201);
        // Without a reason not even a hit without its text: that alone would tell what the room says.
        const RawResponse blind = as("sam", "GET", "/v1/chat/search?q=zebraquokka");
        QCOMPARE(blind.status, 200);
        QCOMPARE(json(blind).value(QStringLiteral("items")).toArray().size(), 0);
        QCOMPARE(supportReads(room).size(), 0);
        const RawResponse reasoned = as("sam", "GET", "/v1/chat/search?q=zebraquokka&reason=ticket%2099");
        QCOMPARE(reasoned.status, 200);
        const QJsonArray items = json(reasoned).value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0][QStringLiteral("message")][QStringLiteral("text")].toString(),
                 QStringLiteral("kennwort zebraquokka"));
        const QJsonArray reads = supportReads(room);
        QCOMPARE(reads.size(), 1);
        QCOMPARE(reads[0][QStringLiteral("reason")].toString(), QStringLiteral("ticket 99"));
        // A participant finds it without any reason.
        QCOMPARE(json(as("bob", "GET", "/v1/chat/search?q=zebraquokka"))
                     .value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 1);
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

    // Support follows a public room without a reason; the owner makes it private: that subscription
    // ends with a notice and no later message reaches it (regression: it kept receiving).
    void supportFollowingWithoutAReasonStopsWhenTheRoomTurnsPrivate()
    {
        const QString room = publicRoom(QStringLiteral("turning private"));
        QVERIFY(!room.isEmpty());
        const QString channel = QStringLiteral("chat.rooms.") + room;
        Console sam;
        QVERIFY(sam.open(m_backend.port(), m_tokens.value("sam")));
        QCOMPARE(sam.subscribeAndWait(channel), QStringLiteral("subscribed"));
        QCOMPARE(as("alice", "POST", messagesPath(room),
                    {{QStringLiteral("text"), QStringLiteral("still public")}})
                     .status,
                 201);
        QVERIFY(QTest::qWaitFor([&] { return sam.texts() == QStringList{QStringLiteral("still public")}; },
                                5000));

        QCOMPARE(as("alice", "PATCH", "/v1/chat/rooms/" + room.toUtf8(), {{QStringLiteral("private"), true}})
                     .status,
                 200);
        QVERIFY(QTest::qWaitFor([&] { return !sam.ofType(QStringLiteral("unsubscribed")).isEmpty(); }, 5000));
        QVERIFY(sam.ofType(QStringLiteral("unsubscribed"))
                    .first()
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("reason")));
        // The owner's subscription shows when the next message has been delivered.
        Console alice;
        QVERIFY(alice.open(m_backend.port(), m_tokens.value("alice")));
        QCOMPARE(alice.subscribeAndWait(channel), QStringLiteral("subscribed"));
        QCOMPARE(
            as("alice", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("private now")}})
                .status,
            201);
        QVERIFY(QTest::qWaitFor([&] { return alice.texts() == QStringList{QStringLiteral("private now")}; },
                                5000));
        QCOMPARE(sam.texts(), QStringList{QStringLiteral("still public")});

        // Following it again needs the reason, recorded; that subscription receives.
        Console again;
        QVERIFY(again.open(m_backend.port(), m_tokens.value("sam")));
        QCOMPARE(again.subscribeAndWait(channel), QStringLiteral("error"));
        QCOMPARE(again.subscribeAndWait(channel, {{QStringLiteral("reason"), QStringLiteral("ticket 9")}}),
                 QStringLiteral("subscribed"));
        QCOMPARE(as("alice", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("seen")}})
                     .status,
                 201);
        QVERIFY(QTest::qWaitFor([&] { return again.texts() == QStringList{QStringLiteral("seen")}; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return supportReads(room).size() == 1; }, 5000));
    }

    // Reloading a private room with the same reason (F5, a reconnect) adds no record for messages
    // recorded already; messages shown for the first time make one record of just those
    // (regression: every reload was a new record of the whole page).
    void aReloadWithTheSameReasonRecordsOnlyNewMessages()
    {
        const QString room = privateRoom(QStringLiteral("reloaded"));
        QStringList ids;
        for (const char *text : {"one", "two"}) {
            const RawResponse sent =
                as("alice", "POST", messagesPath(room), {{QStringLiteral("text"), QLatin1String(text)}});
            QCOMPARE(sent.status, 201);
            ids << json(sent).value(QStringLiteral("id")).toString();
        }
        const QByteArray path = messagesPath(room) + "?reason=ticket%2050";
        QCOMPARE(as("sam", "GET", path).status, 200);
        QVERIFY(QTest::qWaitFor([&] { return supportReads(room).size() == 1; }, 5000));
        QCOMPARE(as("sam", "GET", path).status, 200);
        QCOMPARE(as("sam", "GET", path).status, 200);
        const RawResponse third =
            as("alice", "POST", messagesPath(room), {{QStringLiteral("text"), QStringLiteral("three")}});
        QCOMPARE(third.status, 201);
        const RawResponse reloaded = as("sam", "GET", path);
        QCOMPARE(reloaded.status, 200);
        QCOMPARE(json(reloaded).value(QStringLiteral("items")).toArray().size(), 3);
        const QJsonArray reads = supportReads(room);
        QCOMPARE(reads.size(), 2);
        QCOMPARE(reads[0][QStringLiteral("messageIds")].toArray(),
                 QJsonArray{json(third).value(QStringLiteral("id")).toString()});
        QCOMPARE(reads[1][QStringLiteral("messageIds")].toArray(), QJsonArray::fromStringList(ids));
        // An edited message shown again shows a new text: recorded again, alone.
        QCOMPARE(as("alice", "PATCH", messagesPath(room) + "/" + ids[0].toUtf8(),
                    {{QStringLiteral("text"), QStringLiteral("one, corrected")}})
                     .status,
                 200);
        QCOMPARE(as("sam", "GET", path).status, 200);
        QCOMPARE(supportReads(room).size(), 3);
        QCOMPARE(supportReads(room)[0][QStringLiteral("messageIds")].toArray(), QJsonArray{ids[0]});
        // Its earlier texts are a read of their own, each time.
        const QByteArray edits = messagesPath(room) + "/" + ids[0].toUtf8() + "/edits?reason=ticket%2050";
        QCOMPARE(as("sam", "GET", edits).status, 200);
        QCOMPARE(as("sam", "GET", edits).status, 200);
        QCOMPARE(supportReads(room).size(), 5);
        // Another reason is another read, recorded as such.
        QCOMPARE(as("sam", "GET", messagesPath(room) + "?reason=ticket%2051").status, 200);
        QCOMPARE(supportReads(room).size(), 6);
    }

    // after=<seq>: the messages after it, oldest first, paged towards the newest (a console's
    // catch-up after a reconnect).
    void messagesAfterASeqPageTowardsTheNewest()
    {
        const QString room = privateRoom(QStringLiteral("catching up"));
        for (int i = 1; i <= 5; ++i)
            QCOMPARE(as("bob", "POST", messagesPath(room),
                        {{QStringLiteral("text"), QStringLiteral("m%1").arg(i)}})
                         .status,
                     201);
        const auto seqs = [](const QJsonObject &page) {
            QList<int> out;
            for (const QJsonValue v : page.value(QStringLiteral("items")).toArray())
                out << v[QStringLiteral("seq")].toInt();
            return out;
        };
        const RawResponse first = as("alice", "GET", messagesPath(room) + "?after=2&limit=2");
        QCOMPARE(first.status, 200);
        QCOMPARE(seqs(json(first)), (QList<int>{3, 4}));
        QCOMPARE(json(first).value(QStringLiteral("hasMore")).toBool(), true);
        const QByteArray next = json(first).value(QStringLiteral("nextCursor")).toString().toUtf8();
        const RawResponse second = as("alice", "GET", messagesPath(room) + "?limit=2&after=" + next);
        QCOMPARE(seqs(json(second)), (QList<int>{5}));
        QCOMPARE(json(second).value(QStringLiteral("hasMore")).toBool(), false);
        QVERIFY(json(second).value(QStringLiteral("nextCursor")).isNull());
        QCOMPARE(as("alice", "GET", messagesPath(room) + "?after=5").status, 200);
        QCOMPARE(as("alice", "GET", messagesPath(room) + "?after=x").status, 400);
        QCOMPARE(as("alice", "GET", messagesPath(room) + "?after=1&before=3").status, 400);
        QCOMPARE(as("eve", "GET", messagesPath(room) + "?after=1").status, 403);
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
