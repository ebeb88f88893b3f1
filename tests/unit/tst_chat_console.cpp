#include "testing.h"

#include "api/fakeapiclient.h"
#include "api/realtimeclient.h"
#include "chat/chatcontroller.h"
#include "chat/chatmodels.h"
#include "chat/messagesmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>

using namespace Meshdeck::Console;

namespace {
const auto Mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
const QString Rooms = QStringLiteral("/v1/chat/rooms?limit=50");
const QString Presence = QStringLiteral("/v1/presence?users=u-sam,u-ada");
const QString OpsMessages = QStringLiteral("/v1/chat/rooms/room_ops/messages?limit=50");
const QString OpsOlder = QStringLiteral("/v1/chat/rooms/room_ops/messages?before=c3&limit=50");
const QString OpsChannel = QStringLiteral("chat.rooms.room_ops");
const QString Secret = QStringLiteral("room_secret");

ApiReply ok(const QJsonObject &body, int status = 200)
{
    return ApiReply{status, QJsonDocument(body), {}};
}

QJsonObject message(const QString &room, int seq, const QString &text, const QJsonObject &extra = {})
{
    QJsonObject m{{QStringLiteral("id"), QStringLiteral("msg_%1").arg(seq)},
                  {QStringLiteral("roomId"), room},
                  {QStringLiteral("seq"), seq},
                  {QStringLiteral("author"), QJsonObject{{QStringLiteral("userId"), QStringLiteral("u-sam")},
                                                         {QStringLiteral("name"), QStringLiteral("Sam")}}},
                  {QStringLiteral("text"), text},
                  {QStringLiteral("createdAt"),
                   QStringLiteral("2026-11-30T12:00:%1.000Z").arg(seq % 60, 2, 10, QLatin1Char('0'))},
                  {QStringLiteral("editedAt"), QJsonValue()},
                  {QStringLiteral("editCount"), 0},
                  {QStringLiteral("deleted"), false},
                  {QStringLiteral("deletedAt"), QJsonValue()},
                  {QStringLiteral("deletedBy"), QJsonValue()},
                  {QStringLiteral("replyTo"), QJsonValue()}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        m.insert(it.key(), it.value());
    return m;
}

QJsonObject page(const QString &room, int from, int to, const QString &next)
{
    QJsonArray items;
    for (int seq = from; seq <= to; ++seq)
        items.append(message(room, seq, QStringLiteral("message %1").arg(seq)));
    return {{QStringLiteral("items"), items},
            {QStringLiteral("nextCursor"), next.isEmpty() ? QJsonValue() : QJsonValue(next)},
            {QStringLiteral("hasMore"), !next.isEmpty()}};
}

QJsonObject participant(const QString &id, const QString &name, const QString &role)
{
    return {{QStringLiteral("userId"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("role"), role},
            {QStringLiteral("joinedAt"), QStringLiteral("2026-11-01T00:00:00.000Z")},
            {QStringLiteral("lastReadMessageId"), QJsonValue()}};
}

// Two rooms: "ops" (the caller is a member, 2 unread) and "secret" (private, the caller is not in
// it: a support principal).
void serveRooms(FakeApiClient &api)
{
    const QJsonObject ops{
        {QStringLiteral("id"), QStringLiteral("room_ops")},
        {QStringLiteral("type"), QStringLiteral("group")},
        {QStringLiteral("name"), QStringLiteral("ops")},
        {QStringLiteral("topic"), QStringLiteral("on call")},
        {QStringLiteral("private"), false},
        {QStringLiteral("lastActivityAt"), QStringLiteral("2026-11-30T12:00:06.000Z")},
        {QStringLiteral("messageCount"), 6},
        {QStringLiteral("participants"),
         QJsonArray{participant(QStringLiteral("u-sam"), QStringLiteral("Sam"), QStringLiteral("owner")),
                    participant(QStringLiteral("u-ada"), QStringLiteral("Ada"), QStringLiteral("member"))}},
        {QStringLiteral("myRole"), QStringLiteral("member")},
        {QStringLiteral("unread"), 2},
        {QStringLiteral("lastMessage"), message(QStringLiteral("room_ops"), 6, QStringLiteral("message 6"))},
        {QStringLiteral("demo"), false}};
    const QJsonObject secret{
        {QStringLiteral("id"), Secret},
        {QStringLiteral("type"), QStringLiteral("group")},
        {QStringLiteral("name"), QStringLiteral("secret")},
        {QStringLiteral("private"), true},
        {QStringLiteral("participants"),
         QJsonArray{participant(QStringLiteral("u-sam"), QStringLiteral("Sam"), QStringLiteral("owner"))}},
        {QStringLiteral("myRole"), QJsonValue()},
        {QStringLiteral("unread"), 0},
        {QStringLiteral("lastMessage"), QJsonValue()},
        {QStringLiteral("demo"), false}};
    api.setReply(Rooms, ok({{QStringLiteral("items"), QJsonArray{ops, secret}},
                            {QStringLiteral("nextCursor"), QJsonValue()}}));
    api.setReply(Presence, ok({{QStringLiteral("items"),
                                QJsonArray{QJsonObject{{QStringLiteral("userId"), QStringLiteral("u-sam")},
                                                       {QStringLiteral("name"), QStringLiteral("Sam")},
                                                       {QStringLiteral("status"), QStringLiteral("online")},
                                                       {QStringLiteral("sessions"), 2}},
                                           QJsonObject{{QStringLiteral("userId"), QStringLiteral("u-ada")},
                                                       {QStringLiteral("name"), QStringLiteral("Ada")},
                                                       {QStringLiteral("status"), QStringLiteral("offline")},
                                                       {QStringLiteral("lastSeenAt"),
                                                        QStringLiteral("2026-11-30T11:00:00.000Z")},
                                                       {QStringLiteral("sessions"), 0}}}}}));
    api.setReply(QStringLiteral("/v1/chat/reports?state=open"),
                 ok({{QStringLiteral("items"), QJsonArray{}}}));
    api.setReply(QStringLiteral("/v1/chat/rooms/room_ops/invitations"),
                 ok({{QStringLiteral("items"), QJsonArray{}}}));
    api.setReply(QStringLiteral("/v1/chat/rooms/room_ops/support-reads"),
                 ok({{QStringLiteral("items"), QJsonArray{}}}));
    // The newest page of ops: 4..6, and the page before it: 1..3.
    api.setReply(OpsMessages, ok(page(QStringLiteral("room_ops"), 4, 6, QStringLiteral("c3"))));
    api.setReply(OpsOlder, ok(page(QStringLiteral("room_ops"), 1, 3, {})));
}

QList<qint64> seqs(const MessagesModel &model)
{
    QList<qint64> out;
    for (int i = 0; i < model.rowCount(); ++i)
        out << model.data(model.index(i), MessagesModel::SeqRole).toLongLong();
    return out;
}

QJsonObject live(const QString &event, const QJsonObject &m)
{
    return {{QStringLiteral("type"), QStringLiteral("message")},
            {QStringLiteral("channel"), OpsChannel},
            {QStringLiteral("event"), event},
            {QStringLiteral("message"), m}};
}
} // namespace

class TestChatConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roomsShowUnreadActivityAndPresence()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        QAbstractItemModelTester tester(chat.rooms(), Mode);
        chat.start();
        QCOMPARE(realtime.subscribers(QStringLiteral("presence")), 1);
        RoomsModel *rooms = chat.rooms();
        QTRY_COMPARE(rooms->rowCount(), 2);
        QVERIFY(rooms->error().isEmpty());
        const QModelIndex ops = rooms->index(0);
        QCOMPARE(rooms->data(ops, RoomsModel::NameRole).toString(), QStringLiteral("ops"));
        QCOMPARE(rooms->data(ops, RoomsModel::UnreadRole).toInt(), 2);
        QVERIFY(!rooms->data(ops, RoomsModel::LastActivityRole).toString().isEmpty());
        QCOMPARE(rooms->data(ops, RoomsModel::LastMessageRole).toString(), QStringLiteral("Sam: message 6"));
        QCOMPARE(rooms->data(rooms->index(1), RoomsModel::IsParticipantRole).toBool(), false);
        // Presence from GET /v1/presence, then live from the channel.
        QTRY_COMPARE(rooms->data(ops, RoomsModel::OnlineCountRole).toInt(), 1);
        QCOMPARE(rooms->data(ops, RoomsModel::ParticipantsTextRole).toString(),
                 QStringLiteral("Sam (online), Ada (offline)"));
        Q_EMIT realtime.message(QStringLiteral("presence"),
                                {{QStringLiteral("type"), QStringLiteral("presence")},
                                 {QStringLiteral("userId"), QStringLiteral("u-ada")},
                                 {QStringLiteral("status"), QStringLiteral("online")}});
        QCOMPARE(rooms->data(ops, RoomsModel::OnlineCountRole).toInt(), 2);
        const QVariantList people = rooms->data(ops, RoomsModel::ParticipantsRole).toList();
        QCOMPARE(people.size(), 2);
        QCOMPARE(people.at(1).toMap().value(QStringLiteral("status")).toString(), QStringLiteral("online"));
    }

    void presenceThatFailedIsSaidNotGuessed()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        api.setReply(Presence, FakeApiClient::problem(503, QStringLiteral("unavailable"),
                                                      QStringLiteral("Presence is down.")));
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_VERIFY(chat.presenceError().contains(QStringLiteral("Presence is down.")));
        QCOMPARE(chat.rooms()->data(chat.rooms()->index(0), RoomsModel::ParticipantsTextRole).toString(),
                 QStringLiteral("Sam (presence unknown), Ada (presence unknown)"));
    }

    void roomsThatFailedShowTheProblem()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        api.setReply(Rooms, FakeApiClient::problem(403, QStringLiteral("forbidden"),
                                                   QStringLiteral("You may not read chat rooms.")));
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_VERIFY(!chat.rooms()->isLoading());
        QCOMPARE(chat.rooms()->rowCount(), 0);
        QVERIFY2(chat.rooms()->error().contains(QStringLiteral("You may not read chat rooms.")),
                 qPrintable(chat.rooms()->error()));
    }

    void fetchMoreLoadsOlderMessagesAboveAndKeepsTheRows()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        // No model tester while paging by hand: it calls fetchMore() itself, as a view does. It
        // sweeps the result below.
        MessagesModel *messages = chat.messages();
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QCOMPARE(realtime.subscribers(OpsChannel), 1); // live first, then the page
        QTRY_COMPARE(messages->rowCount(), 3);
        QCOMPARE(seqs(*messages), (QList<qint64>{4, 5, 6}));
        QVERIFY(messages->hasMore());
        QVERIFY(messages->canFetchMore({}));
        QSignalSpy inserted(messages, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(messages, &QAbstractItemModel::modelReset);
        messages->fetchMore({});
        QTRY_COMPARE(messages->rowCount(), 6);
        // One block above the rows held, never a reload.
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), 2);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(seqs(*messages), (QList<qint64>{1, 2, 3, 4, 5, 6}));
        QVERIFY(!messages->hasMore());
        QVERIFY(!messages->canFetchMore({}));
        QVERIFY(api.requestedPaths().contains(OpsOlder));
        QAbstractItemModelTester tester(messages, Mode);
    }

    void liveMessagesAppendUpdateInPlaceAndAreNotDuplicated()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        MessagesModel *messages = chat.messages();
        QAbstractItemModelTester tester(messages, Mode);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        // The tester asks for more rows as a view does: the older page comes above the newest.
        QTRY_COMPARE(messages->rowCount(), 6);
        QVERIFY(!messages->hasMore());

        const QJsonObject seven =
            message(QStringLiteral("room_ops"), 7, QStringLiteral("deploy done"),
                    {{QStringLiteral("replyTo"),
                      QJsonObject{{QStringLiteral("id"), QStringLiteral("msg_5")},
                                  {QStringLiteral("author"),
                                   QJsonObject{{QStringLiteral("name"), QStringLiteral("Sam")}}},
                                  {QStringLiteral("excerpt"), QStringLiteral("message 5")},
                                  {QStringLiteral("deleted"), false}}}});
        Q_EMIT realtime.message(OpsChannel, live(QStringLiteral("created"), seven));
        QCOMPARE(seqs(*messages), (QList<qint64>{1, 2, 3, 4, 5, 6, 7}));
        const QModelIndex last = messages->index(6);
        QCOMPARE(messages->data(last, MessagesModel::TextRole).toString(), QStringLiteral("deploy done"));
        QCOMPARE(messages->data(last, MessagesModel::HasReplyRole).toBool(), true);
        QCOMPARE(messages->data(last, MessagesModel::ReplyExcerptRole).toString(),
                 QStringLiteral("message 5"));
        // The rooms list shows it as the last activity.
        QCOMPARE(chat.rooms()->data(chat.rooms()->index(0), RoomsModel::LastMessageRole).toString(),
                 QStringLiteral("Sam: deploy done"));

        // The same id again (another node's copy, a resubscribe): ignored.
        QSignalSpy inserted(messages, &QAbstractItemModel::rowsInserted);
        Q_EMIT realtime.message(OpsChannel, live(QStringLiteral("created"), seven));
        QCOMPARE(messages->rowCount(), 7);
        QCOMPARE(inserted.size(), 0);

        // An edit: the row changes in place and says it was edited.
        QSignalSpy changed(messages, &QAbstractItemModel::dataChanged);
        Q_EMIT realtime.message(
            OpsChannel,
            live(QStringLiteral("edited"),
                 message(QStringLiteral("room_ops"), 4, QStringLiteral("message 4, fixed"),
                         {{QStringLiteral("editedAt"), QStringLiteral("2026-11-30T12:05:00.000Z")},
                          {QStringLiteral("editCount"), 1}})));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 3);
        QCOMPARE(messages->rowCount(), 7);
        QCOMPARE(messages->data(messages->index(3), MessagesModel::TextRole).toString(),
                 QStringLiteral("message 4, fixed"));
        QCOMPARE(messages->data(messages->index(3), MessagesModel::EditedRole).toBool(), true);
        QCOMPARE(messages->data(messages->index(3), MessagesModel::EditCountRole).toInt(), 1);

        // A deletion: a tombstone in place; the reply to it says its original is gone.
        Q_EMIT realtime.message(
            OpsChannel,
            live(QStringLiteral("deleted"),
                 message(QStringLiteral("room_ops"), 5, QString(),
                         {{QStringLiteral("deleted"), true},
                          {QStringLiteral("deletedAt"), QStringLiteral("2026-11-30T12:06:00.000Z")},
                          {QStringLiteral("deletedBy"), QStringLiteral("user:u-sam")}})));
        QCOMPARE(messages->rowCount(), 7);
        QCOMPARE(messages->data(messages->index(4), MessagesModel::DeletedRole).toBool(), true);
        QCOMPARE(messages->data(messages->index(4), MessagesModel::TextRole).toString(), QString());
        QCOMPARE(messages->data(messages->index(6), MessagesModel::ReplyDeletedRole).toBool(), true);

        // A catch-up after a reconnect reads what came after the newest row held, then the newest
        // page again for what was edited or deleted meanwhile (message 6 was edited while the
        // socket was down); it does not undo the edit or the deletion held, and adds nothing twice.
        const QString after7 = QStringLiteral("/v1/chat/rooms/room_ops/messages?after=7&limit=200");
        api.setReply(after7, ok(page(QStringLiteral("room_ops"), 8, 7, {}))); // nothing newer
        QJsonArray newest;
        newest.append(message(QStringLiteral("room_ops"), 6, QStringLiteral("message 6, edited meanwhile"),
                              {{QStringLiteral("editCount"), 1},
                               {QStringLiteral("editedAt"), QStringLiteral("2026-11-30T12:07:00.000Z")}}));
        newest.append(seven);
        api.setReply(OpsMessages, ok(QJsonObject{{QStringLiteral("items"), newest},
                                                 {QStringLiteral("nextCursor"), QStringLiteral("3")}}));
        const int asked = int(api.requestedPaths().size());
        messages->catchUp();
        QTRY_COMPARE(int(api.requestedPaths().size()), asked + 2);
        QCOMPARE(api.requestedPaths().at(asked), after7);
        QCOMPARE(api.requestedPaths().last(), OpsMessages);
        QTRY_COMPARE(messages->data(messages->index(5), MessagesModel::TextRole).toString(),
                     QStringLiteral("message 6, edited meanwhile"));
        QCOMPARE(seqs(*messages), (QList<qint64>{1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(messages->data(messages->index(3), MessagesModel::TextRole).toString(),
                 QStringLiteral("message 4, fixed"));
        QCOMPARE(messages->data(messages->index(4), MessagesModel::DeletedRole).toBool(), true);

        // Another room's message on this channel is not this conversation's.
        Q_EMIT realtime.message(OpsChannel, live(QStringLiteral("created"),
                                                 message(QStringLiteral("room_x"), 8, QStringLiteral("x"))));
        QCOMPARE(messages->rowCount(), 7);
    }

    void aFailedPageShowsTheErrorAndKeepsTheRows()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        api.setReply(OpsOlder, FakeApiClient::problem(503, QStringLiteral("unavailable"),
                                                      QStringLiteral("The database is busy; try again.")));
        ChatController chat(&api, &realtime);
        MessagesModel *messages = chat.messages();
        QAbstractItemModelTester tester(messages, Mode);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(messages->rowCount(), 3);
        messages->fetchMore({});
        QTRY_VERIFY(!messages->error().isEmpty());
        QVERIFY2(messages->error().contains(QStringLiteral("The database is busy; try again.")),
                 qPrintable(messages->error()));
        QCOMPARE(seqs(*messages), (QList<qint64>{4, 5, 6}));
        // No request loop: a failed page is not fetched again on its own, only by Retry.
        QVERIFY(!messages->canFetchMore({}));
        api.setReply(OpsOlder, ok(page(QStringLiteral("room_ops"), 1, 3, {})));
        messages->retry();
        QTRY_COMPARE(messages->rowCount(), 6);
        QVERIFY(messages->error().isEmpty());
    }

    void aFailedFirstPageIsAFailureNotAnEmptyRoom()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        api.setReply(OpsMessages, FakeApiClient::problem(500, QStringLiteral("internal"),
                                                         QStringLiteral("Something broke.")));
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_VERIFY(!chat.messages()->isLoading());
        QCOMPARE(chat.messages()->rowCount(), 0);
        QVERIFY(chat.messages()->error().contains(QStringLiteral("Something broke.")));
    }

    // A private room the caller is not in: the reason is asked before anything is read, and sent
    // with every page; the recorded read shows in the room's support reads.
    void aPrivateRoomAsksForTheReasonFirst()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        const QString withReason = QStringLiteral(
            "/v1/chat/rooms/room_secret/messages?limit=50&reason=ticket%20%2342%3A%20abuse%20report");
        api.setReply(withReason, ok(page(Secret, 11, 12, QStringLiteral("c10"))));
        api.setReply(QStringLiteral("/v1/chat/rooms/room_secret/"
                                    "messages?before=c10&limit=50&reason=ticket%20%2342%3A%20abuse%20report"),
                     ok(page(Secret, 10, 10, {})));
        api.setReply(QStringLiteral("/v1/chat/rooms/room_secret/invitations"),
                     ok({{QStringLiteral("items"), QJsonArray{}}}));
        api.setReply(QStringLiteral("/v1/chat/rooms/room_secret/support-reads"),
                     ok({{QStringLiteral("items"), QJsonArray{}}}));
        ChatController chat(&api, &realtime);
        QAbstractItemModelTester tester(chat.messages(), Mode);
        QAbstractItemModelTester reads(chat.supportReads(), Mode);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        QSignalSpy asked(&chat, &ChatController::reasonRequested);
        chat.openRoom(Secret);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.first().at(0).toString(), QStringLiteral("secret"));
        QVERIFY(chat.reasonPending());
        QVERIFY(
            !api.requestedPaths().join(QLatin1Char('\n')).contains(QStringLiteral("room_secret/messages")));
        QCOMPARE(realtime.subscribers(QStringLiteral("chat.rooms.room_secret")), 0);

        // The audit entry the backend records for the read.
        api.setReply(QStringLiteral("/v1/chat/rooms/room_secret/support-reads"),
                     ok({{QStringLiteral("items"),
                          QJsonArray{QJsonObject{
                              {QStringLiteral("id"), QStringLiteral("sr_1")},
                              {QStringLiteral("actor"), QStringLiteral("user:u-support")},
                              {QStringLiteral("actorName"), QStringLiteral("Sue Support")},
                              {QStringLiteral("roomId"), Secret},
                              {QStringLiteral("reason"), QStringLiteral("ticket #42: abuse report")},
                              {QStringLiteral("messageIds"),
                               QJsonArray{QStringLiteral("msg_11"), QStringLiteral("msg_12")}},
                              {QStringLiteral("at"), QStringLiteral("2026-11-30T12:10:00.000Z")}}}}}));
        chat.provideReason(QStringLiteral("  ticket #42: abuse report "));
        QVERIFY(!chat.reasonPending());
        // The tester asks for the older page too, as a view does.
        QTRY_COMPARE(chat.messages()->rowCount(), 3);
        QVERIFY(api.requestedPaths().contains(withReason));
        QCOMPARE(chat.readReason(), QStringLiteral("ticket #42: abuse report"));
        QTRY_COMPARE(chat.supportReads()->rowCount(), 1);
        const QModelIndex read = chat.supportReads()->index(0);
        QCOMPARE(chat.supportReads()->data(read, SupportReadsModel::ActorNameRole).toString(),
                 QStringLiteral("Sue Support"));
        QCOMPARE(chat.supportReads()->data(read, SupportReadsModel::ReasonRole).toString(),
                 QStringLiteral("ticket #42: abuse report"));
        QCOMPARE(chat.supportReads()->data(read, SupportReadsModel::MessageCountRole).toInt(), 2);
        // Older pages carry the reason too.
        QVERIFY(api.requestedPaths().contains(
            QStringLiteral("/v1/chat/rooms/room_secret/"
                           "messages?before=c10&limit=50&reason=ticket%20%2342%3A%20abuse%20report")));
    }

    // The backend refuses a read with 403 reason-required (the listing did not say the room was
    // private, say): the page asks for the reason and the read is tried again with it.
    void aReasonRequiredRefusalAsksAndRetriesWithTheReason()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        api.setReply(
            OpsMessages,
            FakeApiClient::problem(
                403, QStringLiteral("reason-required"),
                QStringLiteral(
                    "Reading a private room's messages needs a reason (?reason=…); the read is recorded.")));
        const QString withReason =
            QStringLiteral("/v1/chat/rooms/room_ops/messages?limit=50&reason=incident");
        api.setReply(withReason, ok(page(QStringLiteral("room_ops"), 4, 6, {})));
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        QSignalSpy asked(&chat, &ChatController::reasonRequested);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(asked.size(), 1);
        QVERIFY(asked.first().at(1).toString().contains(QStringLiteral("the read is recorded")));
        QVERIFY(chat.reasonPending());
        QCOMPARE(chat.messages()->rowCount(), 0);
        QVERIFY(!chat.messages()->error().isEmpty()); // not an empty room
        chat.provideReason(QStringLiteral("incident"));
        QTRY_COMPARE(chat.messages()->rowCount(), 3);
        QVERIFY(api.requestedPaths().contains(withReason));
        QVERIFY(chat.messages()->error().isEmpty());
    }

    void cancellingTheReasonReadsNothing()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(Secret);
        QVERIFY(chat.reasonPending());
        chat.cancelReason();
        QVERIFY(!chat.reasonPending());
        QCOMPARE(chat.messages()->rowCount(), 0);
        QVERIFY(chat.messages()->error().contains(QStringLiteral("needs a reason")));
        QVERIFY(
            !api.requestedPaths().join(QLatin1Char('\n')).contains(QStringLiteral("room_secret/messages")));
    }

    void typingShowsAndExpires()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(chat.messages()->rowCount(), 3);
        const auto typing = [](const QString &user, const QString &name, bool on, int ms) {
            return QJsonObject{{QStringLiteral("type"), QStringLiteral("typing")},
                               {QStringLiteral("channel"), OpsChannel},
                               {QStringLiteral("userId"), user},
                               {QStringLiteral("name"), name},
                               {QStringLiteral("typing"), on},
                               {QStringLiteral("expiresInMs"), ms}};
        };
        Q_EMIT realtime.message(OpsChannel,
                                typing(QStringLiteral("u-ada"), QStringLiteral("Ada"), true, 60'000));
        QCOMPARE(chat.messages()->typingText(), QStringLiteral("Ada is typing…"));
        Q_EMIT realtime.message(OpsChannel,
                                typing(QStringLiteral("u-sam"), QStringLiteral("Sam"), true, 200));
        QCOMPARE(chat.messages()->typingText(), QStringLiteral("Ada and Sam are typing…"));
        // Sam's expires by itself (the typing:false may be lost); Ada's ends with typing:false.
        QTRY_COMPARE(chat.messages()->typingText(), QStringLiteral("Ada is typing…"));
        Q_EMIT realtime.message(OpsChannel, typing(QStringLiteral("u-ada"), QStringLiteral("Ada"), false, 0));
        QCOMPARE(chat.messages()->typingText(), QString());
    }

    // Subscribed again after a reconnect: every message after the newest one held is read, page by
    // page (after=), and merged, so what was sent while the socket was down shows with no gap and
    // once each, however much it was (regression: only the newest 50 were read, leaving a hole
    // between them and the rows held). The first subscribed (with the first page) reads nothing more.
    void aResubscribeCatchesUpWithoutAGapOrDuplicates()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        QAbstractItemModelTester tester(chat.messages(), Mode);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(seqs(*chat.messages()), (QList<qint64>{1, 2, 3, 4, 5, 6}));
        Q_EMIT realtime.subscribed(OpsChannel, 0, 0);
        QCOMPARE(api.requestedPaths().count(OpsMessages), 1);

        // 320 messages (7..326) were sent while the socket was down; the newest page alone would
        // be 277..326.
        const QString base = QStringLiteral("/v1/chat/rooms/room_ops/messages?after=%1&limit=200");
        api.setReply(base.arg(6), ok(page(QStringLiteral("room_ops"), 7, 206, QStringLiteral("206"))));
        api.setReply(base.arg(206), ok(page(QStringLiteral("room_ops"), 207, 326, {})));
        api.setReply(OpsMessages, ok(page(QStringLiteral("room_ops"), 277, 326, QStringLiteral("276"))));
        Q_EMIT realtime.subscribed(OpsChannel, 0, 0);
        // A live message while the catch-up runs is placed by seq, once.
        Q_EMIT realtime.message(OpsChannel,
                                live(QStringLiteral("created"),
                                     message(QStringLiteral("room_ops"), 327, QStringLiteral("live"))));
        QList<qint64> all;
        for (qint64 seq = 1; seq <= 327; ++seq)
            all << seq;
        QTRY_COMPARE(seqs(*chat.messages()), all);
        QCOMPARE(api.requestedPaths().count(base.arg(6)), 1);
        QCOMPARE(api.requestedPaths().count(base.arg(206)), 1);
        // The opening page, and the newest page once more after the catch-up (edits meanwhile).
        QTRY_COMPARE(api.requestedPaths().count(OpsMessages), 2);
        QVERIFY(chat.messages()->liveError().isEmpty());
    }

    // A failed catch-up says so and keeps the rows.
    void aFailedCatchUpIsSaid()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(chat.messages()->rowCount(), 3);
        Q_EMIT realtime.subscribed(OpsChannel, 0, 0);
        api.setReply(
            QStringLiteral("/v1/chat/rooms/room_ops/messages?after=6&limit=200"),
            FakeApiClient::problem(503, QStringLiteral("unavailable"), QStringLiteral("Try again.")));
        Q_EMIT realtime.subscribed(OpsChannel, 0, 0);
        QTRY_VERIFY(!chat.messages()->liveError().isEmpty());
        QCOMPARE(chat.messages()->rowCount(), 3);
    }

    void removalFromTheRoomStopsLiveUpdatesVisibly()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(chat.messages()->rowCount(), 3);
        Q_EMIT realtime.message(
            OpsChannel, {{QStringLiteral("type"), QStringLiteral("unsubscribed")},
                         {QStringLiteral("channel"), OpsChannel},
                         {QStringLiteral("reason"), QStringLiteral("You were removed from this room.")}});
        QCOMPARE(chat.messages()->liveError(), QStringLiteral("You were removed from this room."));
    }

    void searchHighlightsAndOpensTheRoomAtTheHit()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        const QJsonObject hit{
            {QStringLiteral("message"),
             message(QStringLiteral("room_ops"), 2, QStringLiteral("die Größe <script>"))},
            {QStringLiteral("room"), QJsonObject{{QStringLiteral("id"), QStringLiteral("room_ops")},
                                                 {QStringLiteral("name"), QStringLiteral("ops")},
                                                 {QStringLiteral("private"), false}}},
            {QStringLiteral("highlight"), QStringLiteral("die <mark>Größe</mark> <script>")}};
        api.setReply(
            QStringLiteral("/v1/chat/search?q=gr%C3%B6sse&limit=20"),
            ok({{QStringLiteral("items"), QJsonArray{hit}}, {QStringLiteral("nextCursor"), QJsonValue()}}));
        const QString around = QStringLiteral("/v1/chat/rooms/room_ops/messages?around=msg_2&limit=50");
        api.setReply(around, ok(page(QStringLiteral("room_ops"), 1, 3, {})));
        ChatController chat(&api, &realtime);
        QAbstractItemModelTester tester(chat.search(), Mode);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);

        // Too short: said at once, and no request the backend would refuse anyway.
        chat.searchMessages(QStringLiteral(" g "));
        QVERIFY(chat.search()->error().contains(QStringLiteral("two characters")));
        QVERIFY(!api.requestedPaths().join(QLatin1Char('\n')).contains(QStringLiteral("/v1/chat/search")));

        chat.searchMessages(QStringLiteral("grösse"));
        QTRY_COMPARE(chat.search()->rowCount(), 1);
        QVERIFY(chat.search()->error().isEmpty());
        const QModelIndex first = chat.search()->index(0);
        QCOMPARE(chat.search()->data(first, SearchModel::HighlightRole).toString(),
                 QStringLiteral("die <b>Größe</b> &lt;script&gt;"));
        QCOMPARE(chat.search()->data(first, SearchModel::ExcerptRole).toString(),
                 QStringLiteral("die Größe <script>"));

        QSignalSpy opened(&chat, &ChatController::roomOpened);
        chat.openSearchHit(0);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(chat.selectedRoom(), QStringLiteral("room_ops"));
        QTRY_COMPARE(chat.messages()->rowCount(), 3);
        QVERIFY(api.requestedPaths().contains(around));
        QCOMPARE(chat.messages()->focusMessageId(), QStringLiteral("msg_2"));
        QCOMPARE(chat.messages()->data(chat.messages()->index(1), MessagesModel::FocusedRole).toBool(), true);
        // The page around a hit is not the newest: a live message is not appended after a gap.
        QVERIFY(!chat.messages()->isAtLatest());
        Q_EMIT realtime.message(
            OpsChannel,
            live(QStringLiteral("created"), message(QStringLiteral("room_ops"), 9, QStringLiteral("later"))));
        QCOMPARE(chat.messages()->rowCount(), 3);
    }

    void aRefusedSearchShowsTheBackendsReason()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        api.setReply(QStringLiteral("/v1/chat/search?q=ab&limit=20"),
                     FakeApiClient::problem(400, QStringLiteral("query-too-short"),
                                            QStringLiteral("Search needs at least 2 characters.")));
        ChatController chat(&api, &realtime);
        chat.searchMessages(QStringLiteral("ab"));
        QTRY_VERIFY(!chat.search()->error().isEmpty());
        QVERIFY(chat.search()->error().contains(QStringLiteral("Search needs at least 2 characters.")));
    }

    void reportsShowTheMessageInContext()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        const QJsonObject report{
            {QStringLiteral("id"), QStringLiteral("rep_1")},
            {QStringLiteral("roomId"), QStringLiteral("room_ops")},
            {QStringLiteral("roomName"), QStringLiteral("ops")},
            {QStringLiteral("message"), message(QStringLiteral("room_ops"), 5, QStringLiteral("buy pills"))},
            {QStringLiteral("context"),
             QJsonArray{message(QStringLiteral("room_ops"), 6, QStringLiteral("after")),
                        message(QStringLiteral("room_ops"), 4, QStringLiteral("before"))}},
            {QStringLiteral("reporter"), QJsonObject{{QStringLiteral("userId"), QStringLiteral("u-ada")},
                                                     {QStringLiteral("name"), QStringLiteral("Ada")}}},
            {QStringLiteral("reason"), QStringLiteral("spam")},
            {QStringLiteral("createdAt"), QStringLiteral("2026-11-30T12:00:00.000Z")},
            {QStringLiteral("state"), QStringLiteral("open")}};
        api.setReply(QStringLiteral("/v1/chat/reports?state=open"),
                     ok({{QStringLiteral("items"), QJsonArray{report}}}));
        ChatController chat(&api, &realtime);
        QAbstractItemModelTester tester(chat.reports(), Mode);
        chat.start();
        QTRY_COMPARE(chat.reports()->rowCount(), 1);
        const QModelIndex r = chat.reports()->index(0);
        QCOMPARE(chat.reports()->data(r, ReportsModel::ReporterRole).toString(), QStringLiteral("Ada"));
        const QVariantList context = chat.reports()->data(r, ReportsModel::ContextRole).toList();
        QCOMPARE(context.size(), 3);
        QCOMPARE(context.at(0).toMap().value(QStringLiteral("text")).toString(), QStringLiteral("before"));
        QCOMPARE(context.at(1).toMap().value(QStringLiteral("text")).toString(), QStringLiteral("buy pills"));
        QCOMPARE(context.at(1).toMap().value(QStringLiteral("reported")).toBool(), true);
        QCOMPARE(context.at(2).toMap().value(QStringLiteral("text")).toString(), QStringLiteral("after"));

        api.setReply(QStringLiteral("POST /v1/chat/reports/rep_1/resolve"),
                     ok({{QStringLiteral("id"), QStringLiteral("rep_1")}}));
        api.setReply(QStringLiteral("/v1/chat/reports?state=open"),
                     ok({{QStringLiteral("items"), QJsonArray{}}}));
        QSignalSpy finished(&chat, &ChatController::actionFinished);
        chat.resolveReport(QStringLiteral("rep_1"));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toBool(), true);
        QTRY_COMPARE(chat.reports()->rowCount(), 0);
    }

    // A private room's report listed without a reason has no text: the reason is asked (the same
    // dialog as a room's), and the list is read again with it.
    void reportsOfPrivateRoomsAskForAReasonBeforeTheirText()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        const auto report = [](const QString &text, bool hidden) {
            return QJsonObject{
                {QStringLiteral("id"), QStringLiteral("rep_2")},
                {QStringLiteral("roomId"), Secret},
                {QStringLiteral("roomName"), QStringLiteral("secret")},
                {QStringLiteral("roomPrivate"), true},
                {QStringLiteral("textHidden"), hidden},
                {QStringLiteral("message"), message(Secret, 5, text)},
                {QStringLiteral("context"),
                 QJsonArray{message(Secret, 4, hidden ? QString() : QStringLiteral("before"))}},
                {QStringLiteral("reporter"), QJsonObject{{QStringLiteral("userId"), QStringLiteral("u-ada")},
                                                         {QStringLiteral("name"), QStringLiteral("Ada")}}},
                {QStringLiteral("reason"), QStringLiteral("abuse")},
                {QStringLiteral("createdAt"), QStringLiteral("2026-11-30T12:00:00.000Z")},
                {QStringLiteral("state"), QStringLiteral("open")}};
        };
        api.setReply(QStringLiteral("/v1/chat/reports?state=open"),
                     ok({{QStringLiteral("items"), QJsonArray{report(QString(), true)}}}));
        const QString withReason = QStringLiteral("/v1/chat/reports?state=open&reason=ticket%2012");
        api.setReply(withReason,
                     ok({{QStringLiteral("items"), QJsonArray{report(QStringLiteral("threat"), false)}}}));
        ChatController chat(&api, &realtime);
        QAbstractItemModelTester tester(chat.reports(), Mode);
        chat.start();
        QTRY_COMPARE(chat.reports()->rowCount(), 1);
        const auto row = [&] {
            return chat.reports()->index(0);
        };
        QCOMPARE(chat.reports()->data(row(), ReportsModel::TextHiddenRole).toBool(), true);
        QCOMPARE(chat.reports()->data(row(), ReportsModel::ReporterRole).toString(), QStringLiteral("Ada"));
        QCOMPARE(chat.reports()->data(row(), ReportsModel::TextRole).toString(), QString());

        QSignalSpy asked(&chat, &ChatController::reasonRequested);
        chat.askReportsReason();
        QCOMPARE(asked.size(), 1);
        QVERIFY(chat.reasonForReports());
        // Cancelled: nothing is read.
        chat.cancelReason();
        QVERIFY(!chat.reasonForReports());
        QVERIFY(!api.requestedPaths().contains(withReason));
        QVERIFY(chat.selectedRoom().isEmpty());

        chat.askReportsReason();
        chat.provideReason(QStringLiteral(" ticket 12 "));
        QVERIFY(!chat.reasonForReports());
        QCOMPARE(chat.reportsReason(), QStringLiteral("ticket 12"));
        QTRY_COMPARE(chat.reports()->data(row(), ReportsModel::TextRole).toString(),
                     QStringLiteral("threat"));
        QCOMPARE(chat.reports()->data(row(), ReportsModel::TextHiddenRole).toBool(), false);
        QCOMPARE(api.requestedPaths().count(withReason), 1);
        // The other list keeps the reason.
        api.setReply(QStringLiteral("/v1/chat/reports?state=resolved&reason=ticket%2012"),
                     ok({{QStringLiteral("items"), QJsonArray{}}}));
        chat.loadReports(QStringLiteral("resolved"));
        QTRY_COMPARE(chat.reports()->rowCount(), 0);
        QVERIFY(api.requestedPaths().contains(
            QStringLiteral("/v1/chat/reports?state=resolved&reason=ticket%2012")));
    }

    void invitationsShowUsesStateAndTheirQrCode()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        const auto invitation = [](const QString &state, int uses, const QJsonValue &revokedAt) {
            return QJsonObject{{QStringLiteral("token"), QStringLiteral("inv_abc")},
                               {QStringLiteral("roomId"), QStringLiteral("room_ops")},
                               {QStringLiteral("url"), QStringLiteral("meshdeck://chat/invite/inv_abc")},
                               {QStringLiteral("createdBy"), QStringLiteral("user:u-sam")},
                               {QStringLiteral("createdAt"), QStringLiteral("2026-11-30T12:00:00.000Z")},
                               {QStringLiteral("expiresAt"), QStringLiteral("2026-12-01T12:00:00.000Z")},
                               {QStringLiteral("maxUses"), 10},
                               {QStringLiteral("uses"), uses},
                               {QStringLiteral("revokedAt"), revokedAt},
                               {QStringLiteral("state"), state}};
        };
        api.setReply(QStringLiteral("/v1/chat/rooms/room_ops/invitations"),
                     ok({{QStringLiteral("items"),
                          QJsonArray{invitation(QStringLiteral("active"), 3, QJsonValue())}}}));
        const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray("not really an image");
        ApiReply qr{200, {}, {}};
        qr.body = png;
        api.setReply(QStringLiteral("/v1/chat/invitations/inv_abc/qr.png"), qr);
        ChatController chat(&api, &realtime);
        QAbstractItemModelTester tester(chat.invitations(), Mode);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(chat.invitations()->rowCount(), 1);
        const QModelIndex i = chat.invitations()->index(0);
        QCOMPARE(chat.invitations()->data(i, InvitationsModel::UsesTextRole).toString(),
                 QStringLiteral("3 of 10 uses"));
        QCOMPARE(chat.invitations()->data(i, InvitationsModel::StateTextRole).toString(),
                 QStringLiteral("Active"));

        chat.showQr(QStringLiteral("inv_abc"));
        QTRY_VERIFY(!chat.qrImage().isEmpty());
        QCOMPARE(chat.qrImage(),
                 QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64()));
        QCOMPARE(chat.qrUrl(), QStringLiteral("meshdeck://chat/invite/inv_abc"));
        QVERIFY(chat.qrError().isEmpty());

        QVERIFY(chat.describeRevoke(QStringLiteral("inv_abc")).contains(QStringLiteral("stop working")));
        api.setReply(
            QStringLiteral("DELETE /v1/chat/rooms/room_ops/invitations/inv_abc"),
            ok(invitation(QStringLiteral("revoked"), 3, QStringLiteral("2026-11-30T13:00:00.000Z"))));
        QSignalSpy finished(&chat, &ChatController::actionFinished);
        chat.revokeInvitation(QStringLiteral("inv_abc"));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toBool(), true);
        QCOMPARE(chat.invitations()->rowCount(), 1);
        QCOMPARE(chat.invitations()->data(i, InvitationsModel::StateTextRole).toString(),
                 QStringLiteral("Revoked"));
        QCOMPARE(chat.invitations()->data(i, InvitationsModel::ActiveRole).toBool(), false);
    }

    void aQrCodeThatIsNotAnImageIsAFailure()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        api.setReply(QStringLiteral("/v1/chat/invitations/inv_x/qr.png"),
                     FakeApiClient::problem(404, QStringLiteral("not-found"),
                                            QStringLiteral("There is no invitation inv_x.")));
        ChatController chat(&api, &realtime);
        chat.showQr(QStringLiteral("inv_x"));
        QTRY_VERIFY(!chat.qrError().isEmpty());
        QVERIFY(chat.qrError().contains(QStringLiteral("There is no invitation inv_x.")));
        QVERIFY(chat.qrImage().isEmpty());
    }

    void anotherBackendClearsEverything()
    {
        FakeApiClient api;
        RealtimeClient realtime;
        serveRooms(api);
        ChatController chat(&api, &realtime);
        chat.start();
        QTRY_COMPARE(chat.rooms()->rowCount(), 2);
        chat.openRoom(QStringLiteral("room_ops"));
        QTRY_COMPARE(chat.messages()->rowCount(), 3);
        chat.reset();
        QCOMPARE(chat.rooms()->rowCount(), 0);
        QCOMPARE(chat.messages()->rowCount(), 0);
        QCOMPARE(chat.selectedRoom(), QString());
        QCOMPARE(realtime.subscribers(OpsChannel), 0);
        QCOMPARE(realtime.subscribers(QStringLiteral("presence")), 0);
    }
};

QTEST_GUILESS_MAIN(TestChatConsole)
#include "tst_chat_console.moc"
