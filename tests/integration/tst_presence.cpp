// Presence on the real meshdeckd: derived from a user's realtime sessions, told on the presence
// channel, read with GET /v1/presence and chosen (away/online) with POST /v1/presence.
#include "testing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QWebSocket>

#include <memory>

using namespace Meshdeck::Testing;

namespace {

const QByteArray Password = "presence passphrase 1";

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// A realtime client recording every message.
class Session
{
public:
    Session()
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
        return QTest::qWaitFor([&] { return count(QStringLiteral("welcome")) > 0; }, 10'000);
    }
    bool subscribePresence()
    {
        m_socket.sendTextMessage(QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                      {QStringLiteral("channel"), QStringLiteral("presence")}})
                .toJson(QJsonDocument::Compact)));
        return QTest::qWaitFor([&] { return count(QStringLiteral("subscribed")) > 0; }, 10'000);
    }
    void send(const QJsonObject &message)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    void close() { m_socket.close(); }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
    // The last presence message about `userId` (empty: none yet).
    QJsonObject lastPresence(const QString &userId) const
    {
        for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
            if (it->value(QStringLiteral("type")).toString() == QLatin1String("presence") &&
                it->value(QStringLiteral("userId")).toString() == userId)
                return *it;
        }
        return {};
    }
    // Waits for a presence message about `userId` with this status and session count.
    bool waitPresence(const QString &userId, const QString &status, int sessions, int timeoutMs = 10'000)
    {
        return QTest::qWaitFor(
            [&] {
                const QJsonObject p = lastPresence(userId);
                return p.value(QStringLiteral("status")).toString() == status &&
                       p.value(QStringLiteral("sessions")).toInt() == sessions;
            },
            timeoutMs);
    }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

} // namespace

class TestPresence : public QObject
{
    Q_OBJECT
private:
    BackendProcess m_backend;

    QString createUser(const QByteArray &email, const QByteArray &role)
    {
        const RawResponse r = apiCall(m_backend, "POST", "/v1/auth/users",
                                      "{\"email\":\"" + email + "\",\"name\":\"" + role +
                                          "\",\"password\":\"" + Password + "\",\"role\":\"" + role + "\"}");
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString();
    }
    QByteArray accessToken(const QByteArray &email)
    {
        const RawResponse r = callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                                     "{\"email\":\"" + email + "\",\"password\":\"" + Password + "\"}");
        return json(r).value(QStringLiteral("accessToken")).toString().toUtf8();
    }
    QJsonObject presenceOf(const QByteArray &credential, const QString &userId)
    {
        const RawResponse r =
            callAs(m_backend.port(), credential, "GET", "/v1/presence?users=" + userId.toUtf8());
        return json(r).value(QStringLiteral("items")).toArray().at(0).toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_backend.start({QStringLiteral("--password-cost"), QStringLiteral("minimum")}));
    }

    void twoSessionsKeepAUserOnlineUntilBothClose()
    {
        const QString sam = createUser("sam@example.test", "user");
        const QString watcherId = createUser("watcher@example.test", "user");
        QVERIFY(!sam.isEmpty() && !watcherId.isEmpty());
        const QByteArray samToken = accessToken("sam@example.test");
        const QByteArray watcherToken = accessToken("watcher@example.test");

        // A third session (a user-role caller: presence.read) follows the channel.
        Session watcher;
        QVERIFY(watcher.open(m_backend.port(), watcherToken));
        QVERIFY(watcher.subscribePresence());

        Session first, second;
        QVERIFY(first.open(m_backend.port(), samToken));
        QVERIFY(watcher.waitPresence(sam, QStringLiteral("online"), 1));
        // The user's name ("user", as createUser names them), the email beside it (regression:
        // the email was the name).
        QCOMPARE(watcher.lastPresence(sam).value(QStringLiteral("name")).toString(), QStringLiteral("user"));
        QCOMPARE(watcher.lastPresence(sam).value(QStringLiteral("email")).toString(),
                 QStringLiteral("sam@example.test"));
        QVERIFY(second.open(m_backend.port(), samToken));
        QVERIFY(watcher.waitPresence(sam, QStringLiteral("online"), 2));

        QJsonObject got = presenceOf(watcherToken, sam);
        QCOMPARE(got.value(QStringLiteral("status")).toString(), QStringLiteral("online"));
        QCOMPARE(got.value(QStringLiteral("name")).toString(), QStringLiteral("user"));
        QCOMPARE(got.value(QStringLiteral("email")).toString(), QStringLiteral("sam@example.test"));
        QCOMPARE(got.value(QStringLiteral("sessions")).toInt(), 2);
        QVERIFY(got.value(QStringLiteral("lastSeenAt")).isNull());

        // One console closes: still online.
        first.close();
        QVERIFY(watcher.waitPresence(sam, QStringLiteral("online"), 1));
        QCOMPARE(presenceOf(watcherToken, sam).value(QStringLiteral("status")).toString(),
                 QStringLiteral("online"));

        // Both closed: offline, last seen when the last one closed.
        const QDateTime beforeClose = QDateTime::currentDateTimeUtc().addSecs(-1);
        second.close();
        QVERIFY(watcher.waitPresence(sam, QStringLiteral("offline"), 0));
        const QJsonObject message = watcher.lastPresence(sam);
        const QDateTime lastSeen =
            QDateTime::fromString(message.value(QStringLiteral("lastSeenAt")).toString(), Qt::ISODateWithMs);
        QVERIFY2(lastSeen.isValid() && lastSeen >= beforeClose &&
                     lastSeen <= QDateTime::currentDateTimeUtc().addSecs(1),
                 qPrintable(message.value(QStringLiteral("lastSeenAt")).toString()));
        got = presenceOf(watcherToken, sam);
        QCOMPARE(got.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        QCOMPARE(got.value(QStringLiteral("sessions")).toInt(), 0);
        QCOMPARE(got.value(QStringLiteral("lastSeenAt")).toString(),
                 message.value(QStringLiteral("lastSeenAt")).toString());

        // A new subscriber gets the current list when it subscribes.
        Session late;
        QVERIFY(late.open(m_backend.port(), watcherToken));
        QVERIFY(late.subscribePresence());
        QJsonObject subscribed;
        for (const QJsonObject &m : std::as_const(late.messages)) {
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("subscribed"))
                subscribed = m;
        }
        bool listed = false;
        for (const QJsonValue &item : subscribed.value(QStringLiteral("items")).toArray()) {
            if (item[QLatin1String("userId")].toString() == sam) {
                listed = true;
                QCOMPARE(item[QLatin1String("status")].toString(), QStringLiteral("offline"));
            }
        }
        QVERIFY(listed);

        // Without ?users=: everyone with a known presence.
        const RawResponse everyone = callAs(m_backend.port(), watcherToken, "GET", "/v1/presence");
        QCOMPARE(everyone.status, 200);
        QStringList ids;
        for (const QJsonValue &item : json(everyone).value(QStringLiteral("items")).toArray())
            ids << item[QLatin1String("userId")].toString();
        QVERIFY(ids.contains(sam));
        QVERIFY(ids.contains(watcherId));
    }

    void aUserChoosesAwayAndOnlineWhileConnected()
    {
        const QString alex = createUser("alex@example.test", "user");
        const QByteArray alexToken = accessToken("alex@example.test");
        Session watcher;
        QVERIFY(watcher.open(m_backend.port(), m_backend.token()));
        QVERIFY(watcher.subscribePresence());

        // Not connected: nothing to set.
        RawResponse r = callAs(m_backend.port(), alexToken, "POST", "/v1/presence", "{\"status\":\"away\"}");
        QCOMPARE(r.status, 409);
        QCOMPARE(json(r).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:not-connected"));

        Session console;
        QVERIFY(console.open(m_backend.port(), alexToken));
        QVERIFY(watcher.waitPresence(alex, QStringLiteral("online"), 1));
        r = callAs(m_backend.port(), alexToken, "POST", "/v1/presence", "{\"status\":\"away\"}");
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r).value(QStringLiteral("status")).toString(), QStringLiteral("away"));
        QVERIFY(watcher.waitPresence(alex, QStringLiteral("away"), 1));
        QCOMPARE(presenceOf(alexToken, alex).value(QStringLiteral("status")).toString(),
                 QStringLiteral("away"));

        r = callAs(m_backend.port(), alexToken, "POST", "/v1/presence", "{\"status\":\"online\"}");
        QCOMPARE(r.status, 200);
        QVERIFY(watcher.waitPresence(alex, QStringLiteral("online"), 1));

        // Anything else is refused with the field named; nothing changes.
        r = callAs(m_backend.port(), alexToken, "POST", "/v1/presence", "{\"status\":\"busy\"}");
        QCOMPARE(r.status, 400);
        QCOMPARE(json(r).value(QStringLiteral("field")).toString(), QStringLiteral("status"));
        QCOMPARE(presenceOf(alexToken, alex).value(QStringLiteral("status")).toString(),
                 QStringLiteral("online"));
    }

    void reAuthenticationIsNotANewSessionAndARevokedOneCountsDown()
    {
        const QString kim = createUser("kim@example.test", "user");
        Session watcher;
        QVERIFY(watcher.open(m_backend.port(), m_backend.token()));
        QVERIFY(watcher.subscribePresence());

        Session console;
        QVERIFY(console.open(m_backend.port(), accessToken("kim@example.test")));
        QVERIFY(watcher.waitPresence(kim, QStringLiteral("online"), 1));
        // A refreshed credential of the same user on the live session: still one session.
        console.send({{QStringLiteral("type"), QStringLiteral("auth")},
                      {QStringLiteral("token"), QString::fromUtf8(accessToken("kim@example.test"))}});
        QVERIFY(QTest::qWaitFor([&] { return console.count(QStringLiteral("authenticated")) > 0; }, 10'000));
        QCOMPARE(presenceOf(m_backend.token(), kim).value(QStringLiteral("sessions")).toInt(), 1);

        // An admin ends the user's sessions: the realtime session ends, and counts down once.
        QCOMPARE(apiCall(m_backend, "DELETE", "/v1/auth/users/" + kim.toUtf8() + "/sessions").status, 204);
        QVERIFY(QTest::qWaitFor([&] { return console.count(QStringLiteral("session-ended")) > 0; }, 10'000));
        QVERIFY(watcher.waitPresence(kim, QStringLiteral("offline"), 0));
        QCOMPARE(presenceOf(m_backend.token(), kim).value(QStringLiteral("sessions")).toInt(), 0);
    }

    void unknownUsersAreOfflineAndStrangersAreRefused()
    {
        const QJsonObject unknown = presenceOf(m_backend.token(), QStringLiteral("no-such-user"));
        QCOMPARE(unknown.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        QVERIFY(unknown.value(QStringLiteral("lastSeenAt")).isNull());

        QCOMPARE(callAs(m_backend.port(), {}, "GET", "/v1/presence").status, 401);
        QCOMPARE(callAs(m_backend.port(), {}, "POST", "/v1/presence", "{\"status\":\"away\"}").status, 401);
        QCOMPARE(callAs(m_backend.port(), "wrong-token", "GET", "/v1/presence").status, 401);
    }
};

QTEST_MAIN(TestPresence)
#include "tst_presence.moc"
