// Chat in cluster mode: two real nodes on one PostgreSQL and one Redis. A console following a room
// on one node sees the messages sent, edited and deleted on the other, in order.
#include "clusternodes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {

class Follower
{
public:
    Follower()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(const BackendProcess &node, const QString &channel)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(node.port())));
        request.setRawHeader("Authorization", "Bearer " + node.token());
        m_socket.open(request);
        if (!QTest::qWaitFor([&] { return count(QStringLiteral("welcome")) > 0; }, 10'000))
            return false;
        const QJsonObject subscribe{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                    {QStringLiteral("channel"), channel}};
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(subscribe).toJson(QJsonDocument::Compact)));
        return QTest::qWaitFor([&] { return count(QStringLiteral("subscribed")) > 0; }, 10'000);
    }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
    // "event:text" of each message event, in order.
    QStringList events() const
    {
        QStringList out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("message"))
                out << m.value(QStringLiteral("event")).toString() + QLatin1Char(':') +
                           m.value(QStringLiteral("message"))
                               .toObject()
                               .value(QStringLiteral("text"))
                               .toString();
        }
        return out;
    }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

QByteArray body(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestChatCluster : public QObject
{
    Q_OBJECT
    ClusterNodes m_nodes;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_nodes.start(2), qPrintable(m_nodes.error())); }

    void editAndDeleteOnOneNodeReachTheOther()
    {
        const QJsonObject room = apiJson(m_nodes.node(0), "POST", "/v1/chat/rooms",
                                         body({{QStringLiteral("type"), QStringLiteral("group")},
                                               {QStringLiteral("name"), QStringLiteral("ops")}}));
        const QString roomId = room.value(QStringLiteral("id")).toString();
        QVERIFY2(!roomId.isEmpty(), qPrintable(QString::fromUtf8(body(room))));
        const QByteArray path = "/v1/chat/rooms/" + roomId.toUtf8();
        // The console on node B lists the room first, as a console does, then follows it.
        QCOMPARE(apiCall(m_nodes.node(1), "GET", path).status, 200);
        Follower onB;
        QVERIFY(onB.open(m_nodes.node(1), QStringLiteral("chat.rooms.") + roomId));

        const RawResponse sent = apiCall(m_nodes.node(0), "POST", path + "/messages",
                                         body({{QStringLiteral("text"), QStringLiteral("v1")}}));
        QCOMPARE(sent.status, 201);
        const QByteArray id =
            QJsonDocument::fromJson(sent.body).object().value(QStringLiteral("id")).toString().toUtf8();
        QVERIFY(QTest::qWaitFor([&] { return onB.events() == QStringList{QStringLiteral("created:v1")}; },
                                10'000));
        QCOMPARE(apiCall(m_nodes.node(0), "PATCH", path + "/messages/" + id,
                         body({{QStringLiteral("text"), QStringLiteral("v2")}}))
                     .status,
                 200);
        QVERIFY(QTest::qWaitFor([&] { return onB.events().size() == 2; }, 10'000));
        QCOMPARE(onB.events().last(), QStringLiteral("edited:v2"));
        QCOMPARE(apiCall(m_nodes.node(0), "DELETE", path + "/messages/" + id).status, 200);
        QVERIFY(QTest::qWaitFor([&] { return onB.events().size() == 3; }, 10'000));
        QCOMPARE(onB.events().last(), QStringLiteral("deleted:"));
        // And node B answers what node A wrote.
        const QJsonObject page = apiJson(m_nodes.node(1), "GET", path + "/messages");
        QCOMPARE(page.value(QStringLiteral("items")).toArray().size(), 1);
        QCOMPARE(page.value(QStringLiteral("items"))[0][QStringLiteral("deleted")].toBool(), true);
    }
};

QTEST_GUILESS_MAIN(TestChatCluster)
#include "tst_chat_cluster.moc"
