#pragma once

#include "chatchannel.h"
#include "chattypes.h"

#include "platform/audit.h"
#include "platform/clock.h"
#include "platform/eventpublisher.h"
#include "platform/principal.h"
#include "platform/result.h"
#include "platform/service.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>

#include <mutex>
#include <QTimer>

#include <QCoroTask>

#include <functional>
#include <optional>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Chat {

// A user as chat shows them (participants, authors). The wiring answers it from the users the
// auth service knows; chat keeps no copy.
struct ChatUser {
    QString id;
    QString name;
    QString email;
};

struct ChatSettings {
    const Clock *clock = &Clock::system();
    // Looks a user up by id (any thread, no I/O); nullopt: no such user.
    std::function<std::optional<ChatUser>(const QString &userId)> lookupUser;
    AuditSink *audit = nullptr; // support reads of private rooms are recorded here
    int typingExpiryMs = 5'000;
    // Cluster mode: other nodes change rooms too. Subscribers get every change from the database,
    // each request reads its room's participants afresh, and watched rooms are read again every
    // clusterPollMs in case a word from another node was lost.
    bool clusterMode = false;
    int clusterPollMs = 2'000;
};

// A message and the messages around it, oldest first.
struct MessageContext {
    Message message;
    QList<Message> before;
    QList<Message> after;
};

// What a caller may do in a room, decided once per request.
struct RoomAccess {
    bool exists = false;
    bool canRead = false;
    bool needsReason = false; // support/admin reading a private room they are not in
    std::optional<ParticipantRole> myRole;
};

// Chat: rooms (direct and group), participants with roles, messages with idempotent sends, edits
// with history and tombstones, read marks, search, typing, and the realtime channels
// chat.rooms.<id>. It sees no HTTP; callers pass the principal a request authenticated as.
//
// Access: chat.read/chat.write/chat.moderate come from the permission table (Access::roleGrant).
// A Full grant on chat.read reads every room (a private room's messages only with a reason, which
// is recorded); a Documents grant reads rooms the caller takes part in (and lists public groups).
// Writing needs chat.write and being a participant; moderating needs chat.moderate Full or the
// room role owner/moderator.
//
// Public API other chat code builds on (invitations, reports, demo data); these names are stable:
//   room(roomId)                 the room with its participants, or NotFound
//   joinRoom(roomId, userId, role)  adds a participant (already one: Conflict "already-participant"),
//                                announces "participants" on the room's channel
//   message(roomId, messageId)   one message, or NotFound
//   messageContext(roomId, messageId, before, after)  a message with N before and M after
//   isParticipant(roomId, userId), roleOf(roomId, userId)  from memory, any thread, no I/O
//   roomView(caller, roomId)     the Room JSON of the contract as `caller` sees it
//   access(caller, roomId)       what the caller may do (read, reason needed, role)
//   createRoomAs(...)/sendAs(...)  for seeding: create rooms and messages with given authors/times
class ChatService : public QObject, public Service
{
    Q_OBJECT
public:
    static constexpr auto Topic = "chat";

    ChatService(ChatSettings settings, Storage::Database *database, EventPublisher *events,
                QObject *parent = nullptr);
    ~ChatService() override;

    QString name() const override { return QStringLiteral("chat"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    Realtime::ChannelProvider *channel() { return &m_channel; }

    // ---- The stable API for other chat code -------------------------------------------------
    QCoro::Task<Result<Room>> room(QString roomId);
    QCoro::Task<Result<Participant>> joinRoom(QString roomId, QString userId, ParticipantRole role);
    QCoro::Task<Result<Message>> message(QString roomId, QString messageId);
    QCoro::Task<Result<MessageContext>> messageContext(QString roomId, QString messageId, int before,
                                                       int after);
    bool isParticipant(const QString &roomId, const QString &userId) const;
    std::optional<ParticipantRole> roleOf(const QString &roomId, const QString &userId) const;
    QCoro::Task<Result<QJsonObject>> roomView(PrincipalPtr caller, QString roomId);
    RoomAccess access(const Principal &caller, const QString &roomId) const;
    QJsonObject participantJson(const Participant &p) const;
    // Records that `caller` read `messageIds` of the room for `reason` (support reading a private
    // room from outside; empty ids: followed it live): the room's support-reads and the audit log.
    // The same actor, room and reason again within RecordedReadsWindowMs records only messages not
    // recorded yet (none: no record), so reloads and reconnects do not repeat a read.
    QCoro::Task<void> recordSupportRead(PrincipalPtr caller, QString roomId, QString reason,
                                        QStringList messageIds);
    static constexpr qint64 RecordedReadsWindowMs = 60 * 60 * 1000;
    // Seeding: a room as given (id empty: a new one), participants included; the pair's room for
    // a direct room that exists.
    QCoro::Task<Result<Room>> createRoomAs(Room room);
    // Seeding: a message with the given author, time and idempotency key (id empty: a new one).
    QCoro::Task<Result<Message>> sendAs(Message message);

    // ---- What the routes call ----------------------------------------------------------------
    // {"items":[Room…],"nextCursor"}
    QCoro::Task<Result<QJsonObject>> listRooms(PrincipalPtr caller, int limit, QString cursor, QString text);
    // The room view, and whether it was created (false: the direct pair's room existed).
    QCoro::Task<Result<std::pair<QJsonObject, bool>>> createRoom(PrincipalPtr caller, QJsonObject json);
    // Before and after.
    QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>> updateRoom(PrincipalPtr caller, QString roomId,
                                                                        QJsonObject json);
    QCoro::Task<Result<QJsonObject>> deleteRoom(PrincipalPtr caller, QString roomId);
    // The room's participants after.
    QCoro::Task<Result<QJsonObject>> addParticipant(PrincipalPtr caller, QString roomId, QJsonObject json);
    QCoro::Task<Result<QJsonObject>> changeRole(PrincipalPtr caller, QString roomId, QString userId,
                                                QJsonObject json);
    QCoro::Task<Result<QJsonObject>> removeParticipant(PrincipalPtr caller, QString roomId, QString userId);
    // {"lastReadMessageId","unread"}
    QCoro::Task<Result<QJsonObject>> markRead(PrincipalPtr caller, QString roomId, QJsonObject json);
    QCoro::Task<Result<void>> typing(PrincipalPtr caller, QString roomId);

    struct PageRequest {
        QString before; // cursor
        QString around; // message id
        QString after;  // a message's seq: the messages after it, oldest first (a catch-up)
        int limit = 50;
        QString reason;
    };
    // {"items","nextCursor","hasMore"}
    QCoro::Task<Result<QJsonObject>> messages(PrincipalPtr caller, QString roomId, PageRequest request);
    struct Sent {
        Message message;
        bool created = false;
    };
    QCoro::Task<Result<Sent>> send(PrincipalPtr caller, QString roomId, QJsonObject json);
    QCoro::Task<Result<std::pair<Message, Message>>> edit(PrincipalPtr caller, QString roomId,
                                                          QString messageId, QJsonObject json);
    // `reason`: as for messages() (a private room read from outside needs one; it is recorded).
    QCoro::Task<Result<QList<MessageEdit>>> edits(PrincipalPtr caller, QString roomId, QString messageId,
                                                  QString reason = {});
    QCoro::Task<Result<std::pair<Message, Message>>> deleteMessage(PrincipalPtr caller, QString roomId,
                                                                   QString messageId);
    struct SearchRequest {
        QString q, room, author, from, to, reason, cursor;
        int limit = 20;
    };
    // {"items":[{"message","room","highlight"}],"nextCursor"}
    QCoro::Task<Result<QJsonObject>> search(PrincipalPtr caller, SearchRequest request);
    QCoro::Task<Result<QList<SupportRead>>> supportReads(PrincipalPtr caller, QString roomId);

    // ---- Cluster mode ----
    // `announce(roomId, ephemeral)`: tells the other nodes the room changed here (empty `ephemeral`),
    // or gives their subscribers a channel message that is never stored (typing, read marks).
    void
    setClusterAnnouncer(std::function<void(const QString &roomId, const QByteArray &ephemeral)> announce);
    // Another node changed the room (read it again) or sent `ephemeral` for its subscribers here.
    void changedElsewhere(const QString &roomId, const QByteArray &ephemeral);
    // Reads every watched room again (after a gap in the cluster link, and on the poll timer).
    void catchUpAll();

private:
    void catchUp(const QString &roomId);
    QCoro::Task<void> catchUpNow(QString roomId);
    // access(), after reading the room afresh in cluster mode.
    QCoro::Task<RoomAccess> accessNow(PrincipalPtr caller, QString roomId);
    void ephemeral(const QString &roomId, const QJsonObject &message);
    void announceParticipants(const QString &roomId, const QList<Participant> &participants);
    void installRoom(const Room &room);
    void published(const Message &message, const QString &event);
    QCoro::Task<Result<QJsonObject>> viewOf(PrincipalPtr caller, QString roomId);
    QJsonObject roomJson(const Room &room, const Principal &caller, qint64 unread,
                         const std::optional<Message> &last) const;
    QJsonArray participantsJson(const QList<Participant> &participants) const;
    Result<void> mayRead(const Principal &caller, const RoomAccess &access, const QString &roomId,
                         const QString &reason) const;
    bool mayModerate(const Principal &caller, const RoomAccess &access) const;
    QString authorName(const Principal &caller) const;
    // recordSupportRead's memory: the ids of `messageIds` not recorded under `key` (nullopt: all
    // were; for empty ids, whether following was recorded), and what was recorded.
    // A message as shown to support, for not recording the same read twice: id@editCount.
    static QString shownVersion(const Message &m);
    std::optional<QStringList> unrecorded(const QString &key, const QStringList &messageIds);
    void recorded(const QString &key, const QStringList &messageIds);

    ChatSettings m_settings;
    Storage::Database *m_database;
    EventPublisher *m_events;
    ChatChannel m_channel;
    struct Typing {
        QTimer *timer = nullptr;
        QString name;
    };
    QHash<QString, Typing> m_typing; // "roomId/userId"
    std::function<void(const QString &, const QByteArray &)> m_announce;
    QTimer m_clusterPoll;
    // Under m_catchMutex: sends on HTTP threads start a catch-up as the poll does on the service's.
    std::mutex m_catchMutex;
    QSet<QString> m_catching;   // rooms being read
    QSet<QString> m_catchAgain; // ... and asked again meanwhile
    struct RecordedReads {
        QSet<QString> messageIds;
        bool followed = false; // a live subscription was recorded
        qint64 sinceMs = 0;    // the first record; forgotten RecordedReadsWindowMs later
    };
    static constexpr qsizetype MaxRecordedReads = 10'000;
    std::mutex m_recordedMutex;
    QHash<QString, RecordedReads> m_recorded; // "actor\nroomId\nreason"
};

} // namespace Meshdeck::Chat
