// Presence across a cluster (three real nodes on one PostgreSQL and Redis): a user is online while
// any live node holds one of their sessions; a node killed with -9 stops counting once the cluster
// sees it gone, and its users go offline everywhere unless connected elsewhere.
#include "clusternodes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {

const QByteArray Password = "presence passphrase 1";

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// A realtime client on one node, recording every message.
class Session
{
public:
    Session()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(const BackendProcess &node, const QByteArray &credential)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(node.port())));
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
    void close() { m_socket.close(); }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
    QJsonObject lastPresence(const QString &userId) const
    {
        for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
            if (it->value(QStringLiteral("type")).toString() == QLatin1String("presence") &&
                it->value(QStringLiteral("userId")).toString() == userId)
                return *it;
        }
        return {};
    }
    bool waitPresence(const QString &userId, const QString &status, int sessions, int timeoutMs)
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

class TestPresenceCluster : public QObject
{
    Q_OBJECT
private:
    ClusterNodes m_cluster;

    QString createUser(const QByteArray &email)
    {
        const RawResponse r = apiCall(m_cluster.node(0), "POST", "/v1/auth/users",
                                      "{\"email\":\"" + email + "\",\"name\":\"P\",\"password\":\"" +
                                          Password + "\",\"role\":\"user\"}");
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString();
    }
    QByteArray accessToken(const QByteArray &email)
    {
        const RawResponse r = callAs(m_cluster.node(0).port(), {}, "POST", "/v1/auth/sessions",
                                     "{\"email\":\"" + email + "\",\"password\":\"" + Password + "\"}");
        return json(r).value(QStringLiteral("accessToken")).toString().toUtf8();
    }
    // Every node knows the token (the signing key reaches them through the database).
    bool acceptedEverywhere(const QByteArray &token)
    {
        return QTest::qWaitFor(
            [&] {
                for (int i = 0; i < m_cluster.size(); ++i) {
                    if (callAs(m_cluster.node(i).port(), token, "GET", "/v1/auth/me").status != 200)
                        return false;
                }
                return true;
            },
            15'000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cluster.setExtraArgs({QStringLiteral("--password-cost"), QStringLiteral("minimum")});
        QVERIFY2(m_cluster.start(3), qPrintable(m_cluster.error()));
    }

    void aKilledNodeStopsCountingAndItsUsersGoOffline()
    {
        BackendProcess &a = m_cluster.node(0);
        BackendProcess &b = m_cluster.node(1);
        BackendProcess &c = m_cluster.node(2);
        const QString both = createUser("both@example.test");
        const QString onlyA = createUser("only-a@example.test");
        QVERIFY(!both.isEmpty() && !onlyA.isEmpty());
        const QByteArray bothToken = accessToken("both@example.test");
        const QByteArray onlyAToken = accessToken("only-a@example.test");
        QVERIFY(acceptedEverywhere(bothToken));
        QVERIFY(acceptedEverywhere(onlyAToken));

        Session watcher; // on node C
        QVERIFY(watcher.open(c, m_cluster.token()));
        QVERIFY(watcher.subscribePresence());

        Session onA, onB, onlyOnA;
        QVERIFY(onA.open(a, bothToken));
        QVERIFY(onB.open(b, bothToken));
        QVERIFY(onlyOnA.open(a, onlyAToken));
        QVERIFY(watcher.waitPresence(both, QStringLiteral("online"), 2, 15'000));
        QVERIFY(watcher.waitPresence(onlyA, QStringLiteral("online"), 1, 15'000));

        // Node A dies: within the membership's timeout (3 s here) it stops counting.
        const QDateTime killedAt = QDateTime::currentDateTimeUtc();
        m_cluster.kill9(0);
        QVERIFY(watcher.waitPresence(both, QStringLiteral("online"), 1, 15'000));
        QVERIFY(watcher.waitPresence(onlyA, QStringLiteral("offline"), 0, 15'000));
        // Last seen: node A's last heartbeat, about when it was killed.
        const QDateTime lastSeen = QDateTime::fromString(
            watcher.lastPresence(onlyA).value(QStringLiteral("lastSeenAt")).toString(), Qt::ISODateWithMs);
        QVERIFY(lastSeen.isValid());
        QVERIFY2(qAbs(lastSeen.msecsTo(killedAt)) < 3000, qPrintable(lastSeen.toString(Qt::ISODateWithMs)));

        // Node B's session closes: offline, seen from node C too.
        onB.close();
        QVERIFY(watcher.waitPresence(both, QStringLiteral("offline"), 0, 15'000));
        QVERIFY(!watcher.lastPresence(both).value(QStringLiteral("lastSeenAt")).isNull());
        const RawResponse r = apiCall(c, "GET", "/v1/presence?users=" + both.toUtf8() + "," + onlyA.toUtf8());
        QCOMPARE(r.status, 200);
        const QJsonArray items = json(r).value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 2);
        for (const QJsonValue &item : items) {
            QCOMPARE(item[QLatin1String("status")].toString(), QStringLiteral("offline"));
            QCOMPARE(item[QLatin1String("sessions")].toInt(), 0);
            QVERIFY(!item[QLatin1String("lastSeenAt")].isNull());
        }
    }
};

QTEST_MAIN(TestPresenceCluster)
#include "tst_presence_cluster.moc"
