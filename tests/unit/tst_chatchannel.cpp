#include "testing.h"

#include "services/chat/chatchannel.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Meshdeck;
using namespace Meshdeck::Chat;

namespace {
const QString RoomId = QStringLiteral("room_0123456789abcdef0123456789abcdef");
const QString Channel = QStringLiteral("chat.rooms.") + RoomId;

PrincipalPtr user(const QString &id, Role role = Role::User)
{
    auto p = std::make_shared<Principal>();
    p->kind = Principal::Kind::User;
    p->userId = id;
    p->name = id + QStringLiteral("@example.test");
    p->role = role;
    return p;
}

ChatChannel::RoomInfo info(qint64 snapshotSeq, bool isPrivate, const QStringList &participants)
{
    ChatChannel::RoomInfo i;
    i.snapshotSeq = snapshotSeq;
    i.isPrivate = isPrivate;
    for (const QString &id : participants)
        i.participants.insert(id, ParticipantRole::Member);
    return i;
}
} // namespace

// The chat.rooms.<id> channel's view of who may read: room snapshots installed in any order, and
// support subscriptions when a room turns private.
class TestChatChannel : public QObject
{
    Q_OBJECT
    quint64 m_nextId = 1;

public:
    // The mailbox wakes its session with this (nothing to do here: tests take() the messages).
    Q_INVOKABLE void drainMailbox() {}

private:
    Realtime::SubscriptionPtr subscription(PrincipalPtr who, const QJsonObject &request = {})
    {
        auto s = std::make_shared<Realtime::Subscription>();
        s->channel = Channel;
        s->request = request;
        s->mailbox = std::make_shared<Realtime::Mailbox>(this, 100);
        s->id = m_nextId++;
        s->principal = std::move(who);
        return s;
    }

    // The types of the messages the subscription was sent, in order.
    static QStringList received(const Realtime::SubscriptionPtr &s)
    {
        QStringList types;
        for (const QByteArray &m : s->mailbox->take())
            types << QJsonDocument::fromJson(m).object().value(QStringLiteral("type")).toString();
        return types;
    }

private Q_SLOTS:
    // A snapshot read before a removal but installed after it is ignored: the removed user is not
    // re-admitted to the channel (regression: the last snapshot installed won).
    void anOlderSnapshotDoesNotUndoARemoval()
    {
        ChatChannel channel;
        QVERIFY(channel.setRoom(RoomId, info(1, true, {QStringLiteral("alice"), QStringLiteral("bob")})));
        const Realtime::SubscriptionPtr bob = subscription(user(QStringLiteral("bob")));
        QCOMPARE(channel.open(bob), QString());
        QCOMPARE(received(bob), QStringList{QStringLiteral("subscribed")});

        QVERIFY(channel.setRoom(RoomId, info(2, true, {QStringLiteral("alice")})));
        QCOMPARE(received(bob), QStringList{QStringLiteral("unsubscribed")});

        // The slow snapshot of version 1 arrives now.
        QVERIFY(!channel.setRoom(RoomId, info(1, true, {QStringLiteral("alice"), QStringLiteral("bob")})));
        QVERIFY(!channel.room(RoomId)->participants.contains(QStringLiteral("bob")));
        QCOMPARE(channel.room(RoomId)->snapshotSeq, qint64(2));
        QVERIFY(!channel.open(subscription(user(QStringLiteral("bob")))).isEmpty());

        // A newer one is installed (and its counters kept even from an old one).
        ChatChannel::RoomInfo late = info(1, true, {QStringLiteral("alice"), QStringLiteral("bob")});
        late.messageSeq = 7;
        QVERIFY(!channel.setRoom(RoomId, late));
        QCOMPARE(channel.room(RoomId)->messageSeq, qint64(7));
        QVERIFY(channel.setRoom(RoomId, info(3, true, {QStringLiteral("alice"), QStringLiteral("bob")})));
        QVERIFY(channel.room(RoomId)->participants.contains(QStringLiteral("bob")));
        QCOMPARE(channel.room(RoomId)->messageSeq, qint64(7));
    }

    // A deleted room is not brought back by a snapshot read before the deletion.
    void aDeletedRoomStaysDeletedUntilCreatedAgain()
    {
        ChatChannel channel;
        QVERIFY(channel.setRoom(RoomId, info(1, false, {QStringLiteral("alice")})));
        channel.removeRoom(RoomId, 3);
        // A snapshot read before the room was found gone does not bring it back.
        QVERIFY(!channel.setRoom(RoomId, info(2, false, {QStringLiteral("alice")})));
        QVERIFY(!channel.room(RoomId));
        // One read after it (the same id created again) is installed.
        QVERIFY(channel.setRoom(RoomId, info(4, false, {QStringLiteral("bob")})));
        QVERIFY(channel.room(RoomId));
        QCOMPARE(channel.room(RoomId)->participants.contains(QStringLiteral("bob")), true);
        // A "gone" found before that snapshot was read is older news: the room stays.
        channel.removeRoom(RoomId, 3);
        QVERIFY(channel.room(RoomId));
        channel.removeRoom(RoomId, 5);
        QVERIFY(!channel.room(RoomId));
    }

    // Support (a Full chat.read grant, not a participant) follows a public room without a reason;
    // when the room turns private that subscription ends, with a notice. One made with a reason
    // (recorded) goes on; participants go on.
    void supportWithoutAReasonStopsWhenTheRoomTurnsPrivate()
    {
        ChatChannel channel;
        QStringList recorded;
        channel.setSupportSubscribeListener([&](const Principal &, const QString &room,
                                                const QString &reason) { recorded << room + reason; });
        QVERIFY(channel.setRoom(RoomId, info(1, false, {QStringLiteral("alice")})));
        const Realtime::SubscriptionPtr sam = subscription(user(QStringLiteral("sam"), Role::Support));
        const Realtime::SubscriptionPtr alice = subscription(user(QStringLiteral("alice")));
        QCOMPARE(channel.open(sam), QString());
        QCOMPARE(channel.open(alice), QString());
        QVERIFY(recorded.isEmpty()); // a public room: nothing to record
        received(sam);
        received(alice);

        QVERIFY(channel.setRoom(RoomId, info(2, true, {QStringLiteral("alice")})));
        QCOMPARE(received(sam), QStringList{QStringLiteral("unsubscribed")});
        QCOMPARE(received(alice), QStringList());

        // Following the private room now needs the reason, which is recorded, and survives changes.
        const Realtime::SubscriptionPtr again = subscription(
            user(QStringLiteral("sam"), Role::Support), {{QStringLiteral("reason"), QStringLiteral("t-1")}});
        QCOMPARE(channel.open(again), QString());
        QCOMPARE(recorded, QStringList{RoomId + QStringLiteral("t-1")});
        received(again);
        QVERIFY(channel.setRoom(RoomId, info(3, true, {QStringLiteral("alice"), QStringLiteral("bob")})));
        QCOMPARE(received(again), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestChatChannel)
#include "tst_chatchannel.moc"
