#include "chatservice.h"

#include "chatstore.h"

#include "platform/access.h"
#include "storage/database.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUuid>

Q_LOGGING_CATEGORY(lcChat, "meshdeck.backend.chat")

namespace Meshdeck::Chat {

namespace {
constexpr int MaxText = 4000;
constexpr int MaxPage = 200;

Access::Grant grantOf(const Principal &caller, QByteArrayView permission)
{
    const Access::Decision d = Access::authorize(caller, permission);
    return d.allowed ? d.grant : Access::Grant::None;
}

Error roomNotFound(const QString &roomId)
{
    return Error::notFound(QStringLiteral("There is no chat room %1.").arg(roomId), "room-not-found");
}

Error messageNotFound(const QString &messageId)
{
    return Error::notFound(QStringLiteral("The room has no message %1.").arg(messageId), "message-not-found");
}

Error notParticipant()
{
    return Error::forbidden(
        QStringLiteral("You are not a participant of this room; join it (a public room) or ask "
                       "an owner to add you."),
        "not-participant");
}

ChatChannel::RoomInfo infoOf(const Room &room)
{
    ChatChannel::RoomInfo info;
    info.isPrivate = room.isPrivate;
    info.messageSeq = room.messageSeq;
    info.changeSeq = room.changeSeq;
    info.snapshotSeq = room.readSeq;
    for (const Participant &p : room.participants)
        info.participants.insert(p.userId, p.role);
    return info;
}

// The trimmed text, or the 400 naming "text".
Result<QString> messageText(const QJsonObject &json)
{
    const QJsonValue v = json.value(QStringLiteral("text"));
    const QString text = v.toString().trimmed();
    if (!v.isString() || text.isEmpty() || text.size() > MaxText)
        return Error::invalid(
            QStringLiteral("text"),
            QStringLiteral("A message's text is 1 to %1 characters (after trimming).").arg(MaxText));
    return text;
}

qint64 parseTime(const QString &text)
{
    if (text.isEmpty())
        return 0;
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}
} // namespace

ChatService::ChatService(ChatSettings settings, Storage::Database *database, EventPublisher *events,
                         QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_database(database)
    , m_events(events)
{
    m_channel.setSupportSubscribeListener(
        [this](const Principal &caller, const QString &roomId, const QString &reason) {
            auto copy = std::make_shared<const Principal>(caller);
            QMetaObject::invokeMethod(
                this,
                [this, copy, roomId, reason] {
                    QCoro::Task<void> recording = recordSupportRead(copy, roomId, reason, {});
                    QCoro::connect(std::move(recording), this, [] {});
                },
                Qt::QueuedConnection);
        });
}

ChatService::~ChatService() = default;

QCoro::Task<QString> ChatService::start()
{
    if (m_events) {
        QFuture<Result<void>> topic = m_events->ensureSystemTopic(QString::fromLatin1(Topic), "chat.read");
        const Result<void> made = co_await topic;
        if (!made)
            co_return QStringLiteral("cannot create the chat topic: %1").arg(made.error().reason);
    }
    auto work = [](QSqlDatabase &db) {
        QList<Room> all;
        qint64 before = 0;
        QString beforeId;
        for (;;) {
            const QList<Room> page = ChatStore::rooms(db, true, {}, {}, 500, before, beforeId);
            all.append(page);
            if (page.size() < 500)
                break;
            before = page.last().lastActivityAtMs;
            beforeId = page.last().id;
        }
        return all;
    };
    QCoro::Task<Result<QList<Room>>> loading = m_database->attempt(work);
    const Result<QList<Room>> rooms = co_await loading;
    if (!rooms)
        co_return QStringLiteral("cannot read the chat rooms: %1").arg(rooms.error().reason);
    for (const Room &r : *rooms)
        installRoom(r);
    if (m_settings.clusterMode) {
        m_clusterPoll.setInterval(m_settings.clusterPollMs);
        connect(&m_clusterPoll, &QTimer::timeout, this, &ChatService::catchUpAll);
        m_clusterPoll.start();
    }
    co_return QString();
}

QCoro::Task<void> ChatService::stop()
{
    m_clusterPoll.stop();
    for (const Typing &t : std::as_const(m_typing))
        delete t.timer;
    m_typing.clear();
    co_return;
}

void ChatService::installRoom(const Room &room)
{
    m_channel.setRoom(room.id, infoOf(room));
}

// ---- access ----

bool ChatService::isParticipant(const QString &roomId, const QString &userId) const
{
    return roleOf(roomId, userId).has_value();
}

std::optional<ParticipantRole> ChatService::roleOf(const QString &roomId, const QString &userId) const
{
    const std::optional<ChatChannel::RoomInfo> info = m_channel.room(roomId);
    if (!info || userId.isEmpty())
        return std::nullopt;
    const auto it = info->participants.constFind(userId);
    if (it == info->participants.cend())
        return std::nullopt;
    return *it;
}

RoomAccess ChatService::access(const Principal &caller, const QString &roomId) const
{
    RoomAccess a;
    const std::optional<ChatChannel::RoomInfo> info = m_channel.room(roomId);
    if (!info)
        return a;
    a.exists = true;
    if (!caller.userId.isEmpty() && caller.kind != Principal::Kind::AdminToken) {
        const auto it = info->participants.constFind(caller.userId);
        if (it != info->participants.cend())
            a.myRole = *it;
    }
    const bool full = grantOf(caller, "chat.read") == Access::Grant::Full;
    a.canRead = a.myRole.has_value() || full;
    a.needsReason = !a.myRole && full && info->isPrivate;
    return a;
}

Result<void> ChatService::mayRead(const Principal &caller, const RoomAccess &a, const QString &roomId,
                                  const QString &reason) const
{
    if (!a.exists)
        return roomNotFound(roomId);
    if (!a.canRead)
        return notParticipant();
    if (a.needsReason && reason.trimmed().isEmpty())
        return Error::forbidden(
            QStringLiteral(
                "Reading a private room's messages needs a reason (?reason=…); the read is recorded."),
            "reason-required");
    Q_UNUSED(caller);
    return {};
}

bool ChatService::mayModerate(const Principal &caller, const RoomAccess &a) const
{
    const Access::Grant g = grantOf(caller, "chat.moderate");
    if (g == Access::Grant::Full)
        return true;
    return g == Access::Grant::Documents && a.myRole &&
           (*a.myRole == ParticipantRole::Owner || *a.myRole == ParticipantRole::Moderator);
}

QString ChatService::authorName(const Principal &caller) const
{
    if (caller.kind == Principal::Kind::AdminToken || caller.userId.isEmpty())
        return QStringLiteral("admin token");
    if (m_settings.lookupUser) {
        if (const std::optional<ChatUser> u = m_settings.lookupUser(caller.userId))
            return u->name.isEmpty() ? u->email : u->name;
    }
    return caller.name;
}

// ---- JSON ----

QJsonObject ChatService::participantJson(const Participant &p) const
{
    std::optional<ChatUser> user;
    if (m_settings.lookupUser)
        user = m_settings.lookupUser(p.userId);
    return {{QStringLiteral("userId"), p.userId},
            {QStringLiteral("name"), user ? user->name : QString()},
            {QStringLiteral("email"), user ? user->email : QString()},
            {QStringLiteral("role"), roleName(p.role)},
            {QStringLiteral("joinedAt"), isoTime(p.joinedAtMs)},
            {QStringLiteral("lastReadMessageId"),
             p.lastReadMessageId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(p.lastReadMessageId)}};
}

QJsonArray ChatService::participantsJson(const QList<Participant> &participants) const
{
    QJsonArray all;
    for (const Participant &p : participants)
        all.append(participantJson(p));
    return all;
}

QJsonObject ChatService::roomJson(const Room &room, const Principal &caller, qint64 unread,
                                  const std::optional<Message> &last) const
{
    std::optional<ParticipantRole> mine;
    for (const Participant &p : room.participants) {
        if (!caller.userId.isEmpty() && caller.kind != Principal::Kind::AdminToken &&
            p.userId == caller.userId)
            mine = p.role;
    }
    const bool showLast = last && (mine || !room.isPrivate);
    return {
        {QStringLiteral("id"), room.id},
        {QStringLiteral("type"), room.type},
        {QStringLiteral("name"), room.name},
        {QStringLiteral("topic"), room.topic},
        {QStringLiteral("private"), room.isPrivate},
        {QStringLiteral("createdAt"), isoTime(room.createdAtMs)},
        {QStringLiteral("createdBy"), room.createdBy},
        {QStringLiteral("lastActivityAt"), isoTime(room.lastActivityAtMs)},
        {QStringLiteral("messageCount"), room.messageCount},
        {QStringLiteral("participants"), participantsJson(room.participants)},
        {QStringLiteral("myRole"), mine ? QJsonValue(roleName(*mine)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("unread"), mine ? unread : 0},
        {QStringLiteral("lastMessage"), showLast ? QJsonValue(last->toJson()) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("demo"), room.demo}};
}

namespace {
struct RoomRead {
    Room room;
    qint64 unread = 0;
    std::optional<Message> last;
};

RoomRead readRoomFor(QSqlDatabase &db, Room room, const QString &userId)
{
    RoomRead r;
    r.unread = userId.isEmpty() ? 0 : ChatStore::unreadCount(db, room.id, userId);
    const MessagePage newest = ChatStore::page(db, room.id, 0, 1);
    if (!newest.items.isEmpty())
        r.last = newest.items.last();
    r.room = std::move(room);
    return r;
}
} // namespace

QCoro::Task<Result<QJsonObject>> ChatService::viewOf(PrincipalPtr caller, QString roomId)
{
    const QString userId = caller->kind == Principal::Kind::AdminToken ? QString() : caller->userId;
    auto work = [roomId, userId](QSqlDatabase &db) -> std::optional<RoomRead> {
        std::optional<Room> room = ChatStore::room(db, roomId);
        if (!room)
            return std::nullopt;
        return readRoomFor(db, std::move(*room), userId);
    };
    QCoro::Task<Result<std::optional<RoomRead>>> reading = m_database->attempt(work);
    const Result<std::optional<RoomRead>> read = co_await reading;
    if (!read)
        co_return read.error();
    if (!*read)
        co_return roomNotFound(roomId);
    co_return roomJson((*read)->room, *caller, (*read)->unread, (*read)->last);
}

QCoro::Task<Result<QJsonObject>> ChatService::roomView(PrincipalPtr caller, QString roomId)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    // A public group room is visible to every reader (it is listed); a private one to readers.
    const std::optional<ChatChannel::RoomInfo> info = m_channel.room(roomId);
    if (!a.canRead && info && info->isPrivate)
        co_return roomNotFound(roomId);
    QCoro::Task<Result<QJsonObject>> viewing = viewOf(caller, roomId);
    co_return co_await viewing;
}

// ---- the stable API ----

QCoro::Task<Result<Room>> ChatService::room(QString roomId)
{
    auto work = [roomId](QSqlDatabase &db) {
        return ChatStore::room(db, roomId);
    };
    QCoro::Task<Result<std::optional<Room>>> reading = m_database->attempt(work);
    const Result<std::optional<Room>> room = co_await reading;
    if (!room)
        co_return room.error();
    if (!*room)
        co_return roomNotFound(roomId);
    co_return **room;
}

void ChatService::announceParticipants(const QString &roomId, const QList<Participant> &participants)
{
    if (m_announce)
        m_announce(roomId, {}); // the other nodes read the participants (and end removed subscribers)
    ephemeral(roomId, {{QStringLiteral("type"), QStringLiteral("participants")},
                       {QStringLiteral("participants"), participantsJson(participants)}});
}

void ChatService::ephemeral(const QString &roomId, const QJsonObject &message)
{
    m_channel.postEphemeral(roomId, message);
    if (m_announce)
        m_announce(roomId, QJsonDocument(message).toJson(QJsonDocument::Compact));
}

void ChatService::setClusterAnnouncer(std::function<void(const QString &, const QByteArray &)> announce)
{
    m_announce = std::move(announce);
}

void ChatService::changedElsewhere(const QString &roomId, const QByteArray &message)
{
    if (!validRoomId(roomId))
        return;
    if (message.isEmpty()) {
        catchUp(roomId);
        return;
    }
    const QJsonObject o = QJsonDocument::fromJson(message).object();
    if (!o.isEmpty())
        m_channel.postEphemeral(roomId, o);
}

void ChatService::catchUpAll()
{
    for (const QString &roomId : m_channel.watchedRooms())
        catchUp(roomId);
}

void ChatService::catchUp(const QString &roomId)
{
    {
        std::lock_guard lock(m_catchMutex);
        if (m_catching.contains(roomId)) {
            m_catchAgain.insert(roomId);
            return;
        }
        m_catching.insert(roomId);
    }
    QCoro::Task<void> reading = catchUpNow(roomId);
    QCoro::connect(std::move(reading), this, [] {});
}

QCoro::Task<void> ChatService::catchUpNow(QString roomId)
{
    for (;;) {
        {
            std::lock_guard lock(m_catchMutex);
            m_catchAgain.remove(roomId);
        }
        const qint64 after = m_channel.postedChange(roomId).value_or(std::numeric_limits<qint64>::max());
        struct Read {
            std::optional<Room> room;
            QList<Message> changes;
            qint64 goneSeq = 0; // when the room was found gone
        };
        auto work = [roomId, after](QSqlDatabase &db) -> Read {
            Read read{ChatStore::room(db, roomId), {}, 0};
            if (!read.room)
                read.goneSeq = ChatStore::nextReadSeq();
            else if (after != std::numeric_limits<qint64>::max())
                read.changes = ChatStore::changesSince(db, roomId, after, 1000);
            return read;
        };
        QCoro::Task<Result<Read>> reading = m_database->attempt(work);
        const Result<Read> read = co_await reading;
        if (!read) {
            qCWarning(lcChat).noquote() << "cannot read room" << roomId << ":" << read.error().reason;
        } else if (!read->room) {
            m_channel.removeRoom(roomId, read->goneSeq);
        } else {
            installRoom(*read->room); // ends the subscriptions of participants removed elsewhere
            m_channel.catchUp(roomId, read->changes);
        }
        std::lock_guard lock(m_catchMutex);
        if (read && read->room && read->changes.size() == 1000)
            m_catchAgain.insert(roomId);
        if (!m_catchAgain.contains(roomId)) {
            m_catching.remove(roomId);
            co_return;
        }
    }
}

QCoro::Task<RoomAccess> ChatService::accessNow(PrincipalPtr caller, QString roomId)
{
    if (m_settings.clusterMode && validRoomId(roomId)) {
        auto work = [roomId](QSqlDatabase &db) -> std::pair<std::optional<Room>, qint64> {
            std::optional<Room> room = ChatStore::room(db, roomId);
            const qint64 goneSeq = room ? 0 : ChatStore::nextReadSeq();
            return {std::move(room), goneSeq};
        };
        QCoro::Task<Result<std::pair<std::optional<Room>, qint64>>> reading = m_database->attempt(work);
        const Result<std::pair<std::optional<Room>, qint64>> room = co_await reading;
        if (room && room->first)
            installRoom(*room->first);
        else if (room)
            m_channel.removeRoom(roomId, room->second);
    }
    co_return access(*caller, roomId);
}

QCoro::Task<Result<Participant>> ChatService::joinRoom(QString roomId, QString userId, ParticipantRole role)
{
    Participant p;
    p.roomId = roomId;
    p.userId = userId;
    p.role = role;
    p.joinedAtMs = m_settings.clock->nowMs();
    auto work = [p](QSqlDatabase &db) -> std::pair<int, std::optional<Room>> {
        if (!ChatStore::room(db, p.roomId))
            return {0, std::nullopt};
        const bool added = ChatStore::addParticipant(db, p);
        return {added ? 1 : 2, ChatStore::room(db, p.roomId)};
    };
    QCoro::Task<Result<std::pair<int, std::optional<Room>>>> joining = m_database->attempt(work);
    const Result<std::pair<int, std::optional<Room>>> joined = co_await joining;
    if (!joined)
        co_return joined.error();
    if (joined->first == 0 || !joined->second)
        co_return roomNotFound(roomId);
    if (joined->first == 2)
        co_return Error::conflict(QStringLiteral("%1 takes part in the room already.").arg(userId),
                                  "already-participant");
    installRoom(*joined->second);
    announceParticipants(roomId, joined->second->participants);
    for (const Participant &one : joined->second->participants) {
        if (one.userId == userId)
            co_return one;
    }
    co_return p;
}

QCoro::Task<Result<Message>> ChatService::message(QString roomId, QString messageId)
{
    auto work = [roomId, messageId](QSqlDatabase &db) {
        return ChatStore::message(db, roomId, messageId);
    };
    QCoro::Task<Result<std::optional<Message>>> reading = m_database->attempt(work);
    const Result<std::optional<Message>> m = co_await reading;
    if (!m)
        co_return m.error();
    if (!*m)
        co_return messageNotFound(messageId);
    co_return **m;
}

QCoro::Task<Result<MessageContext>> ChatService::messageContext(QString roomId, QString messageId, int before,
                                                                int after)
{
    auto work = [roomId, messageId, before, after](QSqlDatabase &db) -> std::optional<MessageContext> {
        const std::optional<Message> m = ChatStore::message(db, roomId, messageId);
        if (!m)
            return std::nullopt;
        MessageContext c;
        c.message = *m;
        for (const Message &one : ChatStore::around(db, roomId, m->seq, before, after)) {
            if (one.seq < m->seq)
                c.before.append(one);
            else if (one.seq > m->seq)
                c.after.append(one);
        }
        return c;
    };
    QCoro::Task<Result<std::optional<MessageContext>>> reading = m_database->attempt(work);
    const Result<std::optional<MessageContext>> c = co_await reading;
    if (!c)
        co_return c.error();
    if (!*c)
        co_return messageNotFound(messageId);
    co_return **c;
}

QCoro::Task<Result<Room>> ChatService::createRoomAs(Room room)
{
    if (room.id.isEmpty())
        room.id = newRoomId();
    if (room.createdAtMs == 0)
        room.createdAtMs = m_settings.clock->nowMs();
    if (room.lastActivityAtMs == 0)
        room.lastActivityAtMs = room.createdAtMs;
    for (Participant &p : room.participants) {
        p.roomId = room.id;
        if (p.joinedAtMs == 0)
            p.joinedAtMs = room.createdAtMs;
    }
    auto work = [room](QSqlDatabase &db) -> std::optional<Room> {
        QString existing;
        const ChatStore::Write w = ChatStore::insertRoom(db, room, &existing);
        return ChatStore::room(db, w == ChatStore::Write::Ok ? room.id : existing);
    };
    QCoro::Task<Result<std::optional<Room>>> creating = m_database->attempt(work);
    const Result<std::optional<Room>> created = co_await creating;
    if (!created)
        co_return created.error();
    if (!*created)
        co_return Error::conflict(QStringLiteral("A room with the id %1 exists already.").arg(room.id),
                                  "room-exists");
    installRoom(**created);
    co_return **created;
}

QCoro::Task<Result<Message>> ChatService::sendAs(Message message)
{
    if (message.id.isEmpty())
        message.id = newMessageId();
    if (message.createdAtMs == 0)
        message.createdAtMs = m_settings.clock->nowMs();
    auto work = [message](QSqlDatabase &db) {
        return ChatStore::insertMessage(db, message);
    };
    QCoro::Task<Result<std::optional<ChatStore::Sent>>> sending = m_database->attempt(work);
    const Result<std::optional<ChatStore::Sent>> sent = co_await sending;
    if (!sent)
        co_return sent.error();
    if (!*sent)
        co_return roomNotFound(message.roomId);
    if ((*sent)->created)
        published((*sent)->message, QStringLiteral("created"));
    co_return (*sent)->message;
}

void ChatService::published(const Message &message, const QString &event)
{
    if (m_settings.clusterMode) {
        catchUp(message.roomId);
        if (m_announce)
            m_announce(message.roomId, {});
    } else {
        m_channel.postChange(message, event);
    }
    if (!m_events)
        return;
    // Ids only: the topic is readable with chat.read, which does not read every room's text.
    EventInput e;
    e.type = QStringLiteral("chat.message.") + event;
    e.key = message.roomId;
    e.data = QJsonDocument(QJsonObject{{QStringLiteral("roomId"), message.roomId},
                                       {QStringLiteral("messageId"), message.id},
                                       {QStringLiteral("seq"), message.seq}})
                 .toJson(QJsonDocument::Compact);
    QFuture<Result<QList<qint64>>> publishing = m_events->publishEvents(QString::fromLatin1(Topic), {e}, {});
    Q_UNUSED(publishing);
}

// ---- rooms ----

QCoro::Task<Result<QJsonObject>> ChatService::listRooms(PrincipalPtr caller, int limit, QString cursor,
                                                        QString text)
{
    limit = std::clamp(limit, 1, MaxPage);
    qint64 beforeActivity = 0;
    QString beforeId;
    if (!cursor.isEmpty()) {
        const qsizetype dot = cursor.indexOf(QLatin1Char('.'));
        bool ok = false;
        beforeActivity = dot > 0 ? cursor.left(dot).toLongLong(&ok) : 0;
        beforeId = cursor.mid(dot + 1);
        if (!ok || !validRoomId(beforeId))
            co_return Error::invalid(
                QStringLiteral("cursor"),
                QStringLiteral("The cursor is not one this list gave; start without it."));
    }
    const bool all = grantOf(*caller, "chat.read") == Access::Grant::Full;
    const QString userId = caller->kind == Principal::Kind::AdminToken ? QString() : caller->userId;
    auto work = [all, userId, text, limit, beforeActivity, beforeId](QSqlDatabase &db) {
        QList<RoomRead> out;
        for (Room &r : ChatStore::rooms(db, all, userId, text, limit + 1, beforeActivity, beforeId))
            out.append(readRoomFor(db, std::move(r), userId));
        return out;
    };
    QCoro::Task<Result<QList<RoomRead>>> listing = m_database->attempt(work);
    const Result<QList<RoomRead>> rooms = co_await listing;
    if (!rooms)
        co_return rooms.error();
    QJsonArray items;
    QJsonValue next = QJsonValue::Null;
    for (qsizetype i = 0; i < rooms->size() && i < limit; ++i)
        items.append(roomJson((*rooms)[i].room, *caller, (*rooms)[i].unread, (*rooms)[i].last));
    if (rooms->size() > limit) {
        const Room &last = (*rooms)[limit - 1].room;
        next = QStringLiteral("%1.%2").arg(last.lastActivityAtMs).arg(last.id);
    }
    co_return QJsonObject{{QStringLiteral("items"), items}, {QStringLiteral("nextCursor"), next}};
}

QCoro::Task<Result<std::pair<QJsonObject, bool>>> ChatService::createRoom(PrincipalPtr caller,
                                                                          QJsonObject json)
{
    const QString type = json.value(QStringLiteral("type")).toString(QStringLiteral("group"));
    if (type != QLatin1String("group") && type != QLatin1String("direct"))
        co_return Error::invalid(QStringLiteral("type"),
                                 QStringLiteral("A room's type is \"group\" or \"direct\"."));
    QStringList others;
    for (const QJsonValue v : json.value(QStringLiteral("participants")).toArray()) {
        const QString id = v.toString();
        if (id.isEmpty() || (m_settings.lookupUser && !m_settings.lookupUser(id)))
            co_return Error::invalid(QStringLiteral("participants"),
                                     QStringLiteral("There is no user %1.").arg(v.toVariant().toString()));
        if (id != caller->userId && !others.contains(id))
            others << id;
    }
    const bool asUser = caller->kind != Principal::Kind::AdminToken && !caller->userId.isEmpty();
    Room room;
    room.type = type;
    room.createdBy = caller->actor();
    if (type == QLatin1String("direct")) {
        if (!asUser || others.size() != 1)
            co_return Error::invalid(
                QStringLiteral("participants"),
                QStringLiteral("A direct room is between you (a user) and one other user."));
        QStringList pair{caller->userId, others.first()};
        pair.sort();
        room.directKey = pair.join(QLatin1Char('|'));
        room.isPrivate = true;
        room.name = QString();
        for (const QString &u : pair)
            room.participants.append({{}, u, ParticipantRole::Member, 0, 0, {}});
    } else {
        room.name = json.value(QStringLiteral("name")).toString().trimmed();
        if (room.name.isEmpty() || room.name.size() > 100)
            co_return Error::invalid(QStringLiteral("name"),
                                     QStringLiteral("A group room's name is 1 to 100 characters."));
        room.topic = json.value(QStringLiteral("topic")).toString().trimmed().left(1000);
        room.isPrivate = json.value(QStringLiteral("private")).toBool(false);
        if (asUser)
            room.participants.append({{}, caller->userId, ParticipantRole::Owner, 0, 0, {}});
        for (const QString &u : others)
            room.participants.append({{}, u, ParticipantRole::Member, 0, 0, {}});
    }
    const QString requestedId = newRoomId();
    room.id = requestedId;
    QCoro::Task<Result<Room>> creating = createRoomAs(room);
    const Result<Room> created = co_await creating;
    if (!created)
        co_return created.error();
    QCoro::Task<Result<QJsonObject>> viewing = viewOf(caller, created->id);
    const Result<QJsonObject> view = co_await viewing;
    if (!view)
        co_return view.error();
    co_return std::pair<QJsonObject, bool>{*view, created->id == requestedId};
}

QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>>
ChatService::updateRoom(PrincipalPtr caller, QString roomId, QJsonObject json)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    if (!mayModerate(*caller, a))
        co_return Error::forbidden(
            QStringLiteral("Only the room's owners and moderators (or an admin) change it."),
            "not-moderator");
    QCoro::Task<Result<QJsonObject>> reading = viewOf(caller, roomId);
    const Result<QJsonObject> before = co_await reading;
    if (!before)
        co_return before.error();
    QString name = before->value(QStringLiteral("name")).toString();
    QString topic = before->value(QStringLiteral("topic")).toString();
    bool isPrivate = before->value(QStringLiteral("private")).toBool();
    if (json.contains(QStringLiteral("name"))) {
        name = json.value(QStringLiteral("name")).toString().trimmed();
        if (name.isEmpty() || name.size() > 100)
            co_return Error::invalid(QStringLiteral("name"),
                                     QStringLiteral("A group room's name is 1 to 100 characters."));
    }
    if (json.contains(QStringLiteral("topic")))
        topic = json.value(QStringLiteral("topic")).toString().trimmed().left(1000);
    if (json.contains(QStringLiteral("private")))
        isPrivate = json.value(QStringLiteral("private")).toBool();
    auto work = [roomId, name, topic, isPrivate](QSqlDatabase &db) -> std::optional<Room> {
        if (!ChatStore::updateRoom(db, roomId, name, topic, isPrivate))
            return std::nullopt;
        return ChatStore::room(db, roomId);
    };
    QCoro::Task<Result<std::optional<Room>>> updating = m_database->attempt(work);
    const Result<std::optional<Room>> updated = co_await updating;
    if (!updated)
        co_return updated.error();
    if (!*updated)
        co_return roomNotFound(roomId);
    installRoom(**updated);
    if (m_announce)
        m_announce(roomId, {});
    QCoro::Task<Result<QJsonObject>> viewing = viewOf(caller, roomId);
    const Result<QJsonObject> after = co_await viewing;
    if (!after)
        co_return after.error();
    co_return std::pair<QJsonObject, QJsonObject>{*before, *after};
}

QCoro::Task<Result<QJsonObject>> ChatService::deleteRoom(PrincipalPtr caller, QString roomId)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    if (!mayModerate(*caller, a))
        co_return Error::forbidden(
            QStringLiteral("Only the room's owners and moderators (or an admin) delete it."),
            "not-moderator");
    QCoro::Task<Result<QJsonObject>> reading = viewOf(caller, roomId);
    const Result<QJsonObject> before = co_await reading;
    if (!before)
        co_return before.error();
    auto work = [roomId](QSqlDatabase &db) {
        ChatStore::removeRoom(db, roomId);
        return ChatStore::nextReadSeq(); // after the removal: every snapshot read before is older
    };
    QCoro::Task<Result<qint64>> removing = m_database->attempt(work);
    const Result<qint64> removed = co_await removing;
    if (!removed)
        co_return removed.error();
    m_channel.removeRoom(roomId, *removed);
    if (m_announce)
        m_announce(roomId, {});
    co_return *before;
}

// ---- participants ----

QCoro::Task<Result<QJsonObject>> ChatService::addParticipant(PrincipalPtr caller, QString roomId,
                                                             QJsonObject json)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    const std::optional<ChatChannel::RoomInfo> info = m_channel.room(roomId);
    if (!a.exists || !info)
        co_return roomNotFound(roomId);
    const QString userId = json.value(QStringLiteral("userId")).toString();
    if (userId.isEmpty() || (m_settings.lookupUser && !m_settings.lookupUser(userId)))
        co_return Error::invalid(QStringLiteral("userId"),
                                 QStringLiteral("There is no user %1.").arg(userId));
    const QString roleText = json.value(QStringLiteral("role")).toString(QStringLiteral("member"));
    const std::optional<ParticipantRole> role = participantRoleFromName(roleText);
    if (!role)
        co_return Error::invalid(QStringLiteral("role"),
                                 QStringLiteral("A role is owner, moderator or member."));
    const bool self = userId == caller->userId && caller->kind != Principal::Kind::AdminToken;
    if (self && !mayModerate(*caller, a)) {
        // Joining oneself: a public group room, as a member.
        if (info->isPrivate || *role != ParticipantRole::Member)
            co_return Error::forbidden(
                QStringLiteral("A private room is joined by invitation; ask an owner."), "room-private");
    } else if (!self && !mayModerate(*caller, a)) {
        co_return Error::forbidden(
            QStringLiteral("Only the room's owners and moderators (or an admin) add people."),
            "not-moderator");
    }
    QCoro::Task<Result<Participant>> joining = joinRoom(roomId, userId, *role);
    const Result<Participant> joined = co_await joining;
    if (!joined)
        co_return joined.error();
    co_return participantJson(*joined);
}

QCoro::Task<Result<QJsonObject>> ChatService::changeRole(PrincipalPtr caller, QString roomId, QString userId,
                                                         QJsonObject json)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    if (!mayModerate(*caller, a))
        co_return Error::forbidden(
            QStringLiteral("Only the room's owners and moderators (or an admin) change roles."),
            "not-moderator");
    const std::optional<ParticipantRole> role =
        participantRoleFromName(json.value(QStringLiteral("role")).toString());
    if (!role)
        co_return Error::invalid(QStringLiteral("role"),
                                 QStringLiteral("A role is owner, moderator or member."));
    auto work = [roomId, userId, role](QSqlDatabase &db) -> std::optional<Room> {
        if (!ChatStore::setParticipantRole(db, roomId, userId, *role))
            return std::nullopt;
        return ChatStore::room(db, roomId);
    };
    QCoro::Task<Result<std::optional<Room>>> changing = m_database->attempt(work);
    const Result<std::optional<Room>> changed = co_await changing;
    if (!changed)
        co_return changed.error();
    if (!*changed)
        co_return Error::notFound(QStringLiteral("%1 does not take part in the room.").arg(userId),
                                  "participant-not-found");
    installRoom(**changed);
    announceParticipants(roomId, (*changed)->participants);
    for (const Participant &p : (*changed)->participants) {
        if (p.userId == userId)
            co_return participantJson(p);
    }
    co_return QJsonObject();
}

QCoro::Task<Result<QJsonObject>> ChatService::removeParticipant(PrincipalPtr caller, QString roomId,
                                                                QString userId)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    const bool self = userId == caller->userId && caller->kind != Principal::Kind::AdminToken;
    if (!self && !mayModerate(*caller, a))
        co_return Error::forbidden(
            QStringLiteral("Only the room's owners and moderators (or an admin) remove people."),
            "not-moderator");
    auto work = [roomId, userId](QSqlDatabase &db) -> std::optional<Room> {
        if (!ChatStore::removeParticipant(db, roomId, userId))
            return std::nullopt;
        return ChatStore::room(db, roomId);
    };
    QCoro::Task<Result<std::optional<Room>>> removing = m_database->attempt(work);
    const Result<std::optional<Room>> removed = co_await removing;
    if (!removed)
        co_return removed.error();
    if (!*removed)
        co_return Error::notFound(QStringLiteral("%1 does not take part in the room.").arg(userId),
                                  "participant-not-found");
    installRoom(**removed); // ends the removed user's subscriptions
    announceParticipants(roomId, (*removed)->participants);
    co_return QJsonObject{{QStringLiteral("participants"), participantsJson((*removed)->participants)}};
}

QCoro::Task<Result<QJsonObject>> ChatService::markRead(PrincipalPtr caller, QString roomId, QJsonObject json)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    if (!a.myRole)
        co_return notParticipant();
    const QString messageId = json.value(QStringLiteral("messageId")).toString();
    const QString userId = caller->userId;
    auto work = [roomId, messageId, userId](QSqlDatabase &db) -> std::optional<std::pair<QString, qint64>> {
        const std::optional<Message> m = ChatStore::message(db, roomId, messageId);
        if (!m)
            return std::nullopt;
        const std::optional<qint64> mark = ChatStore::markRead(db, roomId, userId, m->seq);
        const std::optional<Message> at = mark ? ChatStore::messageAtSeq(db, roomId, *mark) : std::nullopt;
        return std::pair<QString, qint64>{at ? at->id : m->id, ChatStore::unreadCount(db, roomId, userId)};
    };
    QCoro::Task<Result<std::optional<std::pair<QString, qint64>>>> marking = m_database->attempt(work);
    const Result<std::optional<std::pair<QString, qint64>>> marked = co_await marking;
    if (!marked)
        co_return marked.error();
    if (!*marked)
        co_return Error::invalid(QStringLiteral("messageId"),
                                 QStringLiteral("The room has no message %1.").arg(messageId),
                                 "message-not-found");
    ephemeral(roomId, {{QStringLiteral("type"), QStringLiteral("read")},
                       {QStringLiteral("userId"), userId},
                       {QStringLiteral("lastReadMessageId"), (*marked)->first}});
    co_return QJsonObject{{QStringLiteral("lastReadMessageId"), (*marked)->first},
                          {QStringLiteral("unread"), (*marked)->second}};
}

QCoro::Task<Result<void>> ChatService::typing(PrincipalPtr caller, QString roomId)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    if (!a.myRole)
        co_return notParticipant();
    const QString userId = caller->userId;
    const QString name = authorName(*caller);
    const QString key = roomId + QLatin1Char('/') + userId;
    // The route resumes on an HTTP thread: the expiry timers (and the map of them) live on the
    // service's own thread.
    const int expiryMs = m_settings.typingExpiryMs;
    QMetaObject::invokeMethod(this, [this, key, roomId, userId, name, expiryMs] {
        Typing &t = m_typing[key];
        if (!t.timer) {
            t.timer = new QTimer(this);
            t.timer->setSingleShot(true);
            connect(t.timer, &QTimer::timeout, this, [this, key, roomId, userId] {
                const Typing ended = m_typing.take(key);
                ephemeral(roomId, {{QStringLiteral("type"), QStringLiteral("typing")},
                                   {QStringLiteral("userId"), userId},
                                   {QStringLiteral("name"), ended.name},
                                   {QStringLiteral("typing"), false}});
                if (ended.timer)
                    ended.timer->deleteLater();
            });
        }
        t.name = name;
        t.timer->start(expiryMs);
    });
    ephemeral(roomId, {{QStringLiteral("type"), QStringLiteral("typing")},
                       {QStringLiteral("userId"), userId},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("typing"), true},
                       {QStringLiteral("expiresInMs"), m_settings.typingExpiryMs}});
    co_return Result<void>();
}

// ---- messages ----

QString ChatService::shownVersion(const Message &m)
{
    return m.id + QLatin1Char('@') + QString::number(m.editCount) +
           (m.deleted() ? QStringLiteral("d") : QString());
}

std::optional<QStringList> ChatService::unrecorded(const QString &key, const QStringList &messageIds)
{
    const qint64 now = m_settings.clock->nowMs();
    std::lock_guard lock(m_recordedMutex);
    for (auto it = m_recorded.begin(); it != m_recorded.end();) {
        if (now - it->sinceMs > RecordedReadsWindowMs)
            it = m_recorded.erase(it);
        else
            ++it;
    }
    const auto held = m_recorded.constFind(key);
    if (held == m_recorded.cend())
        return messageIds;
    if (messageIds.isEmpty())
        return held->followed ? std::nullopt : std::optional<QStringList>(messageIds);
    QStringList fresh;
    for (const QString &id : messageIds) {
        if (!held->messageIds.contains(id) || id.endsWith(QLatin1String("@edits")))
            fresh << id;
    }
    if (fresh.isEmpty())
        return std::nullopt;
    return fresh;
}

void ChatService::recorded(const QString &key, const QStringList &messageIds)
{
    std::lock_guard lock(m_recordedMutex);
    auto it = m_recorded.find(key);
    if (it == m_recorded.end()) {
        if (m_recorded.size() >= MaxRecordedReads)
            return; // recorded again next time rather than grown without bound
        it = m_recorded.insert(key, RecordedReads{{}, false, m_settings.clock->nowMs()});
    }
    if (messageIds.isEmpty())
        it->followed = true;
    for (const QString &id : messageIds)
        it->messageIds.insert(id);
}

QCoro::Task<void> ChatService::recordSupportRead(PrincipalPtr caller, QString roomId, QString reason,
                                                 QStringList messageIds)
{
    // A reload or a reconnect shows the same messages again for the same reason: they are in a
    // record already (this node's, within the window), so only messages shown for the first time
    // make a new one; following the room is recorded once.
    const QString key = caller->actor() + QLatin1Char('\n') + roomId + QLatin1Char('\n') + reason;
    const std::optional<QStringList> fresh = unrecorded(key, messageIds);
    if (!fresh)
        co_return;
    // What was shown is keyed "<id>@<version>" (an edited text shown again is a new read); the
    // record lists the message ids.
    const QStringList shown = *fresh;
    messageIds.clear();
    for (const QString &version : shown) {
        const QString id = version.section(QLatin1Char('@'), 0, 0);
        if (!messageIds.contains(id))
            messageIds << id;
    }
    SupportRead read;
    read.id = QStringLiteral("sr_") + QUuid::createUuid().toString(QUuid::Id128);
    read.actor = caller->actor();
    read.actorName = caller->name;
    read.roomId = roomId;
    read.reason = reason;
    read.messageIds = messageIds;
    read.atMs = m_settings.clock->nowMs();
    auto work = [read](QSqlDatabase &db) {
        ChatStore::insertSupportRead(db, read);
    };
    QCoro::Task<Result<void>> storing = m_database->attempt(work);
    const Result<void> stored = co_await storing;
    if (!stored)
        qCWarning(lcChat).noquote() << "cannot store a support read of" << roomId << ":"
                                    << stored.error().reason;
    else
        recorded(key, shown);
    if (m_settings.audit) {
        AuditEntry e;
        e.actor = read.actor;
        e.actorName = read.actorName;
        e.method = "GET";
        e.timeMs = read.atMs;
        e.status = 200;
        e.action = QStringLiteral("chat.support-read");
        e.outcome = QStringLiteral("ok");
        e.resource = QStringLiteral("chat/rooms/") + roomId;
        e.after = read.toJson();
        e.detail = reason;
        m_settings.audit->record(e);
    }
}

QCoro::Task<Result<QJsonObject>> ChatService::messages(PrincipalPtr caller, QString roomId,
                                                       PageRequest request)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (const Result<void> ok = mayRead(*caller, a, roomId, request.reason); !ok)
        co_return ok.error();
    const int limit = std::clamp(request.limit, 1, MaxPage);
    qint64 before = 0;
    if (!request.before.isEmpty()) {
        bool ok = false;
        before = request.before.toLongLong(&ok);
        if (!ok || before < 1)
            co_return Error::invalid(
                QStringLiteral("before"),
                QStringLiteral("The cursor is not one this list gave; start without it."));
    }
    qint64 after = -1;
    if (!request.after.isEmpty()) {
        bool ok = false;
        after = request.after.toLongLong(&ok);
        if (!ok || after < 0 || !request.before.isEmpty() || !request.around.isEmpty())
            co_return Error::invalid(
                QStringLiteral("after"),
                QStringLiteral("after is a message's seq (0 or more), and goes without before and around."));
    }
    const QString around = request.around;
    auto work = [roomId, before, after, limit, around](QSqlDatabase &db) -> std::optional<MessagePage> {
        if (after >= 0) {
            // The messages after `after`, oldest first; the next page goes on from the last one.
            MessagePage p;
            p.items = ChatStore::around(db, roomId, after + 1, 0, limit);
            p.hasMore = p.items.size() > limit;
            if (p.hasMore)
                p.items.removeLast();
            p.nextBefore = p.hasMore ? p.items.last().seq : 0;
            return p;
        }
        if (around.isEmpty())
            return ChatStore::page(db, roomId, before, limit);
        const std::optional<Message> m = ChatStore::message(db, roomId, around);
        if (!m)
            return std::nullopt;
        // The page with the message in its middle: older ones before, newer after.
        const int older = limit / 2;
        MessagePage p;
        p.items = ChatStore::around(db, roomId, m->seq, older, limit - older - 1);
        p.hasMore =
            !p.items.isEmpty() && !ChatStore::page(db, roomId, p.items.first().seq, 1).items.isEmpty();
        p.nextBefore = p.hasMore ? p.items.first().seq : 0;
        return p;
    };
    QCoro::Task<Result<std::optional<MessagePage>>> reading = m_database->attempt(work);
    const Result<std::optional<MessagePage>> page = co_await reading;
    if (!page)
        co_return page.error();
    if (!*page)
        co_return Error::invalid(QStringLiteral("around"),
                                 QStringLiteral("The room has no message %1.").arg(around),
                                 "message-not-found");
    QJsonArray items;
    QStringList ids;
    for (const Message &m : (*page)->items) {
        items.append(m.toJson());
        ids << shownVersion(m);
    }
    if (a.needsReason) {
        QCoro::Task<void> recording = recordSupportRead(caller, roomId, request.reason.trimmed(), ids);
        co_await recording;
    }
    co_return QJsonObject{
        {QStringLiteral("items"), items},
        {QStringLiteral("nextCursor"),
         (*page)->hasMore ? QJsonValue(QString::number((*page)->nextBefore)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("hasMore"), (*page)->hasMore}};
}

QCoro::Task<Result<ChatService::Sent>> ChatService::send(PrincipalPtr caller, QString roomId,
                                                         QJsonObject json)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    // Only participants write; an admin (or the admin token) may post where they are not one.
    if (!a.myRole && !(caller->kind == Principal::Kind::AdminToken || caller->role == Role::Admin))
        co_return notParticipant();
    const Result<QString> text = messageText(json);
    if (!text)
        co_return text.error();
    const QString key = json.value(QStringLiteral("idempotencyKey")).toString();
    if (key.size() > 200)
        co_return Error::invalid(QStringLiteral("idempotencyKey"),
                                 QStringLiteral("An idempotency key is at most 200 characters."));
    Message m;
    m.id = newMessageId();
    m.roomId = roomId;
    m.authorId = caller->kind == Principal::Kind::AdminToken ? QString() : caller->userId;
    m.authorName = authorName(*caller);
    m.text = *text;
    m.createdAtMs = m_settings.clock->nowMs();
    m.idempotencyKey = key;
    m.replyToId = json.value(QStringLiteral("replyTo")).toString();
    auto work = [m](QSqlDatabase &db) -> std::pair<bool, std::optional<ChatStore::Sent>> {
        if (!m.replyToId.isEmpty() && !ChatStore::message(db, m.roomId, m.replyToId))
            return {false, std::nullopt};
        return {true, ChatStore::insertMessage(db, m)};
    };
    QCoro::Task<Result<std::pair<bool, std::optional<ChatStore::Sent>>>> sending = m_database->attempt(work);
    const Result<std::pair<bool, std::optional<ChatStore::Sent>>> sent = co_await sending;
    if (!sent)
        co_return sent.error();
    if (!sent->first)
        co_return Error::invalid(QStringLiteral("replyTo"),
                                 QStringLiteral("The room has no message %1 to reply to.").arg(m.replyToId));
    if (!sent->second)
        co_return roomNotFound(roomId);
    if (sent->second->created)
        published(sent->second->message, QStringLiteral("created"));
    co_return Sent{sent->second->message, sent->second->created};
}

QCoro::Task<Result<std::pair<Message, Message>>> ChatService::edit(PrincipalPtr caller, QString roomId,
                                                                   QString messageId, QJsonObject json)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    // Someone removed from the room no longer rewrites what the others read there.
    if (!a.myRole && !(caller->kind == Principal::Kind::AdminToken || caller->role == Role::Admin))
        co_return notParticipant();
    const Result<QString> text = messageText(json);
    if (!text)
        co_return text.error();
    QCoro::Task<Result<Message>> reading = message(roomId, messageId);
    const Result<Message> before = co_await reading;
    if (!before)
        co_return before.error();
    const QString me = caller->kind == Principal::Kind::AdminToken ? QString() : caller->userId;
    if (before->authorId != me)
        co_return Error::forbidden(QStringLiteral("Only a message's author edits it."), "not-author");
    if (before->deleted())
        co_return Error::conflict(QStringLiteral("The message was deleted; it cannot be edited."),
                                  "message-deleted");
    const qint64 now = m_settings.clock->nowMs();
    auto work = [roomId, messageId, t = *text, now](QSqlDatabase &db) {
        return ChatStore::editMessage(db, roomId, messageId, t, now);
    };
    QCoro::Task<Result<std::optional<Message>>> editing = m_database->attempt(work);
    const Result<std::optional<Message>> after = co_await editing;
    if (!after)
        co_return after.error();
    if (!*after)
        co_return messageNotFound(messageId);
    published(**after, QStringLiteral("edited"));
    co_return std::pair<Message, Message>{*before, **after};
}

QCoro::Task<Result<QList<MessageEdit>>> ChatService::edits(PrincipalPtr caller, QString roomId,
                                                           QString messageId, QString reason)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (const Result<void> ok = mayRead(*caller, a, roomId, reason); !ok)
        co_return ok.error();
    QCoro::Task<Result<Message>> reading = message(roomId, messageId);
    const Result<Message> m = co_await reading;
    if (!m)
        co_return m.error();
    auto work = [messageId](QSqlDatabase &db) {
        return ChatStore::edits(db, messageId);
    };
    QCoro::Task<Result<QList<MessageEdit>>> listing = m_database->attempt(work);
    const Result<QList<MessageEdit>> found = co_await listing;
    if (found && a.needsReason) {
        // Earlier texts are shown here: a record each time (unrecorded() never holds "@edits").
        QCoro::Task<void> recording =
            recordSupportRead(caller, roomId, reason.trimmed(), {messageId + QStringLiteral("@edits")});
        co_await recording;
    }
    co_return found;
}

QCoro::Task<Result<std::pair<Message, Message>>> ChatService::deleteMessage(PrincipalPtr caller,
                                                                            QString roomId, QString messageId)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    QCoro::Task<Result<Message>> reading = message(roomId, messageId);
    const Result<Message> before = co_await reading;
    if (!before)
        co_return before.error();
    const QString me = caller->kind == Principal::Kind::AdminToken ? QString() : caller->userId;
    if (before->authorId != me && !mayModerate(*caller, a))
        co_return Error::forbidden(
            QStringLiteral(
                "Only the author, the room's owners and moderators, or an admin delete a message."),
            "not-moderator");
    const qint64 now = m_settings.clock->nowMs();
    const QString by = caller->actor();
    auto work = [roomId, messageId, by, now](QSqlDatabase &db) {
        return ChatStore::deleteMessage(db, roomId, messageId, by, now);
    };
    QCoro::Task<Result<std::optional<Message>>> deleting = m_database->attempt(work);
    const Result<std::optional<Message>> after = co_await deleting;
    if (!after)
        co_return after.error();
    if (!*after)
        co_return messageNotFound(messageId);
    if (!before->deleted())
        published(**after, QStringLiteral("deleted"));
    co_return std::pair<Message, Message>{*before, **after};
}

// ---- search ----

QCoro::Task<Result<QJsonObject>> ChatService::search(PrincipalPtr caller, SearchRequest request)
{
    const QString q = request.q.trimmed();
    if (q.size() < 2)
        co_return Error::invalid(QStringLiteral("q"), QStringLiteral("Search for at least 2 characters."),
                                 "query-too-short");
    SearchQuery query;
    query.text = q;
    query.terms = searchTerms(q);
    if (query.terms.isEmpty())
        co_return Error::invalid(QStringLiteral("q"), QStringLiteral("Search for words (letters or digits)."),
                                 "query-too-short");
    query.limit = std::clamp(request.limit, 1, MaxPage);
    query.authorId = request.author;
    query.fromMs = parseTime(request.from);
    query.toMs = parseTime(request.to);
    if (query.fromMs < 0)
        co_return Error::invalid(QStringLiteral("from"), QStringLiteral("from is an ISO 8601 time."));
    if (query.toMs < 0)
        co_return Error::invalid(QStringLiteral("to"), QStringLiteral("to is an ISO 8601 time."));
    if (!request.cursor.isEmpty()) {
        const qsizetype dot = request.cursor.indexOf(QLatin1Char('.'));
        bool ok = false;
        query.beforeRank = dot > 0 ? request.cursor.left(dot).toLongLong(&ok) : 0;
        query.beforeId = request.cursor.mid(dot + 1);
        if (!ok || !validMessageId(query.beforeId))
            co_return Error::invalid(
                QStringLiteral("cursor"),
                QStringLiteral("The cursor is not one this search gave; start without it."));
    }
    const bool full = grantOf(*caller, "chat.read") == Access::Grant::Full;
    query.allRooms = full;
    query.readerId = caller->kind == Principal::Kind::AdminToken ? QString() : caller->userId;
    // Without a reason a private room one is not in is not searched at all: a hit without its text
    // would still say that the room holds those words, unrecorded.
    query.skipPrivateOutside = request.reason.trimmed().isEmpty();
    if (!request.room.isEmpty()) {
        QCoro::Task<RoomAccess> checking = accessNow(caller, request.room);
        const RoomAccess a = co_await checking;
        if (const Result<void> ok = mayRead(*caller, a, request.room, request.reason); !ok)
            co_return ok.error();
        query.roomId = request.room;
    }
    auto work = [query](QSqlDatabase &db) {
        return ChatStore::search(db, query);
    };
    QCoro::Task<Result<QList<SearchHit>>> searching = m_database->attempt(work);
    const Result<QList<SearchHit>> hits = co_await searching;
    if (!hits)
        co_return hits.error();
    QJsonArray items;
    QHash<QString, QStringList> supportRead; // private rooms read without being in them
    const bool withReason = !request.reason.trimmed().isEmpty();
    for (const SearchHit &h : *hits) {
        const bool outsider = h.roomPrivate && !isParticipant(h.message.roomId, caller->userId);
        QJsonObject message = h.message.toJson();
        QString highlightText = h.highlight;
        if (outsider && !withReason) {
            // Not searched without a reason (skipPrivateOutside); should one come here, no text.
            message.insert(QStringLiteral("text"), QString());
            message.insert(QStringLiteral("replyTo"), QJsonValue::Null); // its excerpt is text too
            highlightText.clear();
        } else if (outsider) {
            supportRead[h.message.roomId] << shownVersion(h.message);
        }
        items.append(
            QJsonObject{{QStringLiteral("message"), message},
                        {QStringLiteral("room"), QJsonObject{{QStringLiteral("id"), h.message.roomId},
                                                             {QStringLiteral("name"), h.roomName},
                                                             {QStringLiteral("private"), h.roomPrivate}}},
                        {QStringLiteral("highlight"), highlightText}});
    }
    for (auto it = supportRead.cbegin(); it != supportRead.cend(); ++it) {
        QCoro::Task<void> recording =
            recordSupportRead(caller, it.key(), request.reason.trimmed(), it.value());
        co_await recording;
    }
    QJsonValue next = QJsonValue::Null;
    if (hits->size() == query.limit) {
        const SearchHit &last = hits->last();
        next = QStringLiteral("%1.%2").arg(last.rank).arg(last.message.id);
    }
    co_return QJsonObject{{QStringLiteral("items"), items}, {QStringLiteral("nextCursor"), next}};
}

QCoro::Task<Result<QList<SupportRead>>> ChatService::supportReads(PrincipalPtr caller, QString roomId)
{
    QCoro::Task<RoomAccess> checking = accessNow(caller, roomId);
    const RoomAccess a = co_await checking;
    if (!a.exists)
        co_return roomNotFound(roomId);
    const bool owner = a.myRole && *a.myRole == ParticipantRole::Owner;
    if (!owner && caller->role != Role::Admin)
        co_return Error::forbidden(
            QStringLiteral("The room's owners and admins see who read it for support."), "not-owner");
    auto work = [roomId](QSqlDatabase &db) {
        return ChatStore::supportReads(db, roomId, 500);
    };
    QCoro::Task<Result<QList<SupportRead>>> listing = m_database->attempt(work);
    co_return co_await listing;
}

} // namespace Meshdeck::Chat
