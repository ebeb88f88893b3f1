#include "chatextrasservice.h"

#include "chatservice.h"

#include "chatqr.h"
#include "platform/access.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUuid>

namespace Meshdeck::Chat {

namespace {
constexpr int MaxReason = 500;
constexpr qint64 MaxExpirySeconds = 90LL * 24 * 3600;

Access::Grant grantOf(const Principal &caller, QByteArrayView permission)
{
    const Access::Decision d = Access::authorize(caller, permission);
    return d.allowed ? d.grant : Access::Grant::None;
}

std::optional<ParticipantRole> roleIn(const Room &room, const QString &userId)
{
    for (const Participant &p : room.participants)
        if (!userId.isEmpty() && p.userId == userId)
            return p.role;
    return std::nullopt;
}

// Owners and moderators of the room, and whoever holds chat.moderate in full (admin).
bool mayManage(const Principal &caller, const Room &room)
{
    const Access::Grant g = grantOf(caller, "chat.moderate");
    if (g == Access::Grant::Full)
        return true;
    const std::optional<ParticipantRole> role = roleIn(room, caller.userId);
    return g == Access::Grant::Documents && role &&
           (*role == ParticipantRole::Owner || *role == ParticipantRole::Moderator);
}

// Participants with chat.read, and chat.read in full (support, admin, developer).
bool mayRead(const Principal &caller, const Room &room)
{
    const Access::Grant g = grantOf(caller, "chat.read");
    return g == Access::Grant::Full || (g == Access::Grant::Documents && roleIn(room, caller.userId));
}

QString newToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray bytes(reinterpret_cast<const char *>(words), sizeof words);
    return QStringLiteral("inv_") + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding |
                                                                       QByteArray::OmitTrailingEquals));
}

bool plausibleToken(const QString &token)
{
    if (!token.startsWith(QLatin1String("inv_")) || token.size() > 64)
        return false;
    for (QChar c : token)
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('_') && c != QLatin1Char('-'))
            return false;
    return true;
}

Error invitationNotFound()
{
    return Error::notFound(QStringLiteral("There is no such invitation; ask the room's owner for a new one."),
                           "invitation-not-found");
}

Error roomNotFound(const QString &roomId)
{
    return Error::notFound(QStringLiteral("There is no chat room %1.").arg(roomId), "room-not-found");
}
} // namespace

ChatExtrasService::ChatExtrasService(Storage::Database *database, EventPublisher *events, ChatService *chat,
                                     SecretBox secrets, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_events(events)
    , m_chat(chat)
    , m_secrets(std::move(secrets))
    , m_clock(clock)
{}

QCoro::Task<QString> ChatExtrasService::start()
{
    if (m_events) {
        QFuture<Result<void>> ensuring =
            m_events->ensureSystemTopic(QString::fromLatin1(ReportsTopic), "chat.read");
        const Result<void> topic = co_await ensuring;
        if (!topic)
            co_return QStringLiteral("cannot create the chat.reports topic: ") + topic.error().reason;
    }
    co_return QString();
}

QString ChatExtrasService::invitationUrl(const QString &token)
{
    return QStringLiteral("meshdeck://chat/invite/") + token;
}

QJsonObject ChatExtrasService::invitationJson(const InvitationRow &row, bool withToken) const
{
    const std::optional<QByteArray> token = withToken ? m_secrets.open(row.sealedToken) : std::nullopt;
    const QString text = token ? QString::fromUtf8(*token) : QString();
    return QJsonObject{
        {QStringLiteral("token"), text},
        {QStringLiteral("roomId"), row.roomId},
        {QStringLiteral("url"), text.isEmpty() ? QString() : invitationUrl(text)},
        {QStringLiteral("createdBy"), row.createdBy},
        {QStringLiteral("createdAt"), isoTime(row.createdAtMs)},
        {QStringLiteral("expiresAt"), isoTime(row.expiresAtMs)},
        {QStringLiteral("maxUses"), row.maxUses},
        {QStringLiteral("uses"), row.uses},
        {QStringLiteral("revokedAt"), row.revokedAtMs ? QJsonValue(isoTime(row.revokedAtMs)) : QJsonValue()},
        {QStringLiteral("state"), row.state(m_clock->nowMs())},
        {QStringLiteral("demo"), row.demo},
    };
}

QCoro::Task<Result<QJsonObject>> ChatExtrasService::createInvitation(PrincipalPtr caller, QString roomId,
                                                                     QJsonObject json)
{
    QCoro::Task<Result<Room>> reading = m_chat->room(roomId);
    const Result<Room> room = co_await reading;
    if (!room)
        co_return room.error();
    if (!mayManage(*caller, *room))
        co_return Error::forbidden(
            QStringLiteral("Only the room's owners and moderators (and admins) can invite to it."));
    if (room->type == QLatin1String("direct"))
        co_return Error::conflict(
            QStringLiteral("A direct room is for its two people; nobody can be invited to it."),
            "direct-room");
    const QJsonValue expires = json.value(QStringLiteral("expiresInSeconds"));
    const QJsonValue uses = json.value(QStringLiteral("maxUses"));
    const qint64 expiresIn = expires.isUndefined() ? 86'400 : qint64(expires.toDouble(-1));
    const qint64 maxUses = uses.isUndefined() ? 10 : qint64(uses.toDouble(-1));
    if (!expires.isUndefined() && (!expires.isDouble() || expiresIn < 60 || expiresIn > MaxExpirySeconds))
        co_return Error::invalid(
            QStringLiteral("expiresInSeconds"),
            QStringLiteral("expiresInSeconds must be a whole number from 60 to 7776000 (90 days)."));
    if (!uses.isUndefined() && (!uses.isDouble() || maxUses < 1 || maxUses > 10'000))
        co_return Error::invalid(QStringLiteral("maxUses"),
                                 QStringLiteral("maxUses must be from 1 to 10000."));

    const QString token = newToken();
    InvitationRow row;
    row.tokenHash = ChatExtrasStore::hashToken(token);
    row.sealedToken = m_secrets.seal(token.toUtf8());
    row.roomId = roomId;
    row.createdBy = caller->actor();
    row.createdAtMs = m_clock->nowMs();
    row.expiresAtMs = row.createdAtMs + expiresIn * 1000;
    row.maxUses = int(maxUses);
    auto work = [row](QSqlDatabase &db) {
        ChatExtrasStore::insertInvitation(db, row);
        return true;
    };
    QCoro::Task<Result<bool>> writing = m_database->attempt(work);
    const Result<bool> written = co_await writing;
    if (!written)
        co_return written.error();
    co_return invitationJson(row);
}

QCoro::Task<Result<QJsonObject>> ChatExtrasService::listInvitations(PrincipalPtr caller, QString roomId)
{
    QCoro::Task<Result<Room>> reading = m_chat->room(roomId);
    const Result<Room> room = co_await reading;
    if (!room)
        co_return room.error();
    if (!mayRead(*caller, *room))
        co_return roomNotFound(roomId);
    auto work = [roomId](QSqlDatabase &db) {
        return ChatExtrasStore::invitations(db, roomId);
    };
    QCoro::Task<Result<QList<InvitationRow>>> listing = m_database->attempt(work);
    const Result<QList<InvitationRow>> rows = co_await listing;
    if (!rows)
        co_return rows.error();
    // The token is a bearer secret: only those who may hand out invitations (owners, moderators,
    // admins) see it; the others see the list with its use counts and states.
    const bool manager = mayManage(*caller, *room);
    QJsonArray items;
    for (const InvitationRow &row : *rows)
        items.append(invitationJson(row, manager));
    co_return QJsonObject{{QStringLiteral("items"), items}};
}

QCoro::Task<Result<InvitationRow>> ChatExtrasService::findInvitation(QString token)
{
    if (!plausibleToken(token))
        co_return invitationNotFound();
    const QByteArray hash = ChatExtrasStore::hashToken(token);
    auto work = [hash](QSqlDatabase &db) {
        return ChatExtrasStore::invitation(db, hash);
    };
    QCoro::Task<Result<std::optional<InvitationRow>>> reading = m_database->attempt(work);
    const Result<std::optional<InvitationRow>> row = co_await reading;
    if (!row)
        co_return row.error();
    if (!*row)
        co_return invitationNotFound();
    co_return **row;
}

QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>>
ChatExtrasService::revokeInvitation(PrincipalPtr caller, QString roomId, QString token)
{
    QCoro::Task<Result<InvitationRow>> finding = findInvitation(token);
    const Result<InvitationRow> found = co_await finding;
    if (!found)
        co_return found.error();
    if (found->roomId != roomId)
        co_return invitationNotFound();
    QCoro::Task<Result<Room>> reading = m_chat->room(roomId);
    const Result<Room> room = co_await reading;
    if (!room)
        co_return room.error();
    if (!mayManage(*caller, *room))
        co_return Error::forbidden(
            QStringLiteral("Only the room's owners and moderators (and admins) can revoke its invitations."));
    const QByteArray hash = found->tokenHash;
    const qint64 now = m_clock->nowMs();
    const QString by = caller->actor();
    auto work = [hash, now, by](QSqlDatabase &db) {
        return ChatExtrasStore::revokeInvitation(db, hash, now, by);
    };
    QCoro::Task<Result<std::optional<InvitationRow>>> writing = m_database->attempt(work);
    const Result<std::optional<InvitationRow>> after = co_await writing;
    if (!after)
        co_return after.error();
    if (!*after)
        co_return invitationNotFound();
    co_return std::make_pair(invitationJson(*found), invitationJson(**after));
}

QCoro::Task<Result<QByteArray>> ChatExtrasService::invitationQr(PrincipalPtr caller, QString token, bool png)
{
    QCoro::Task<Result<InvitationRow>> finding = findInvitation(token);
    const Result<InvitationRow> found = co_await finding;
    if (!found)
        co_return found.error();
    // The token is the secret: whoever holds it may see its code. Nothing else is revealed.
    Q_UNUSED(caller);
    const QString url = invitationUrl(token);
    co_return png ? ChatQr::png(url) : ChatQr::svg(url);
}

QCoro::Task<Result<QJsonObject>> ChatExtrasService::acceptInvitation(PrincipalPtr caller, QString token)
{
    if (caller->userId.isEmpty())
        co_return Error::conflict(
            QStringLiteral("Only a user can accept an invitation: sign in as the person who joins."),
            "user-required");
    if (!plausibleToken(token))
        co_return invitationNotFound();
    const QByteArray hash = ChatExtrasStore::hashToken(token);
    const QString userId = caller->userId;
    const qint64 now = m_clock->nowMs();
    auto work = [hash, userId, now](QSqlDatabase &db) {
        return ChatExtrasStore::acceptInvitation(db, hash, userId, now);
    };
    QCoro::Task<Result<ChatExtrasStore::AcceptOutcome>> accepting = m_database->attempt(work);
    const Result<ChatExtrasStore::AcceptOutcome> outcome = co_await accepting;
    if (!outcome)
        co_return outcome.error();
    bool joined = false;
    switch (outcome->result) {
    case ChatExtrasStore::Accept::NotFound:
        co_return invitationNotFound();
    case ChatExtrasStore::Accept::Expired:
        co_return Error::conflict(
            QStringLiteral("This invitation has expired; ask the room's owner for a new one."),
            "invitation-expired");
    case ChatExtrasStore::Accept::UsedUp:
        co_return Error::conflict(
            QStringLiteral(
                "This invitation has been used as often as it allows; ask the room's owner for a new one."),
            "invitation-used-up");
    case ChatExtrasStore::Accept::Revoked:
        co_return Error::conflict(
            QStringLiteral("This invitation was revoked; ask the room's owner for a new one."),
            "invitation-revoked");
    case ChatExtrasStore::Accept::AlreadyParticipant:
        break;
    case ChatExtrasStore::Accept::Joined: {
        QCoro::Task<Result<Participant>> joining =
            m_chat->joinRoom(outcome->roomId, userId, ParticipantRole::Member);
        const Result<Participant> participant = co_await joining;
        if (participant)
            joined = true;
        else if (participant.error().code != "already-participant")
            co_return participant.error();
        break;
    }
    }
    QCoro::Task<Result<QJsonObject>> viewing = m_chat->roomView(caller, outcome->roomId);
    const Result<QJsonObject> view = co_await viewing;
    if (!view)
        co_return view.error();
    co_return QJsonObject{{QStringLiteral("room"), *view}, {QStringLiteral("joined"), joined}};
}

namespace {
// A message as listed without its text: who and when stay, what was written does not.
QJsonObject withoutText(const Message &m)
{
    QJsonObject json = m.toJson();
    json.insert(QStringLiteral("text"), QString());
    json.insert(QStringLiteral("replyTo"), QJsonValue::Null); // its excerpt is text too
    return json;
}
} // namespace

QCoro::Task<Result<QJsonObject>> ChatExtrasService::reportJson(ReportRow row, PrincipalPtr caller,
                                                               bool withReason)
{
    const bool hidden = caller && m_chat->access(*caller, row.roomId).needsReason && !withReason;
    QCoro::Task<Result<MessageContext>> reading = m_chat->messageContext(row.roomId, row.messageId, 2, 2);
    const Result<MessageContext> context = co_await reading;
    QJsonValue message = QJsonValue::Null;
    QJsonArray around;
    if (context) {
        message = hidden ? withoutText(context->message) : context->message.toJson();
        for (const Message &m : context->before)
            around.append(hidden ? withoutText(m) : m.toJson());
        for (const Message &m : context->after)
            around.append(hidden ? withoutText(m) : m.toJson());
    } else if (context.error().kind != ErrorKind::NotFound) {
        co_return context.error();
    }
    QString roomName;
    bool roomPrivate = false;
    QCoro::Task<Result<Room>> roomReading = m_chat->room(row.roomId);
    const Result<Room> room = co_await roomReading;
    if (room) {
        roomName = room->name;
        roomPrivate = room->isPrivate;
    }
    co_return QJsonObject{
        {QStringLiteral("roomPrivate"), roomPrivate},
        {QStringLiteral("textHidden"), hidden && context},
        {QStringLiteral("id"), row.id},
        {QStringLiteral("roomId"), row.roomId},
        {QStringLiteral("roomName"), roomName},
        {QStringLiteral("messageId"), row.messageId},
        {QStringLiteral("message"), message},
        {QStringLiteral("context"), around},
        {QStringLiteral("reporter"),
         QJsonObject{{QStringLiteral("userId"), row.reporterId}, {QStringLiteral("name"), row.reporterName}}},
        {QStringLiteral("reason"), row.reason},
        {QStringLiteral("createdAt"), isoTime(row.createdAtMs)},
        {QStringLiteral("state"), row.open() ? QStringLiteral("open") : QStringLiteral("resolved")},
        {QStringLiteral("resolvedBy"), row.open() ? QJsonValue() : QJsonValue(row.resolvedBy)},
        {QStringLiteral("resolvedAt"), row.open() ? QJsonValue() : QJsonValue(isoTime(row.resolvedAtMs))},
        {QStringLiteral("demo"), row.demo},
    };
}

QCoro::Task<Result<std::pair<QJsonObject, bool>>>
ChatExtrasService::reportMessage(PrincipalPtr caller, QString roomId, QString messageId, QJsonObject json)
{
    const QString reason = json.value(QStringLiteral("reason")).toString().trimmed();
    if (reason.isEmpty() || reason.size() > MaxReason)
        co_return Error::invalid(QStringLiteral("reason"),
                                 QStringLiteral("Say why the message is reported (1 to 500 characters)."));
    QCoro::Task<Result<Room>> reading = m_chat->room(roomId);
    const Result<Room> room = co_await reading;
    if (!room)
        co_return room.error();
    if (!roleIn(*room, caller->userId)) {
        if (!mayRead(*caller, *room) && room->isPrivate)
            co_return roomNotFound(roomId);
        co_return Error::forbidden(QStringLiteral("Only the room's participants can report its messages."),
                                   "participant-required");
    }
    QCoro::Task<Result<Message>> finding = m_chat->message(roomId, messageId);
    const Result<Message> message = co_await finding;
    if (!message)
        co_return message.error();
    ReportRow row;
    row.id = QStringLiteral("rep_") + QUuid::createUuid().toString(QUuid::Id128);
    row.roomId = roomId;
    row.messageId = messageId;
    row.reporterId = caller->userId;
    row.reporterName = caller->name;
    row.reason = reason;
    row.createdAtMs = m_clock->nowMs();
    QCoro::Task<Result<ReportRow>> creating = createReportAs(row);
    const Result<ReportRow> created = co_await creating;
    if (!created)
        co_return created.error();
    const bool isNew = created->id == row.id;
    QCoro::Task<Result<QJsonObject>> rendering = reportJson(*created, caller);
    const Result<QJsonObject> out = co_await rendering;
    if (!out)
        co_return out.error();
    co_return std::make_pair(*out, isNew);
}

QCoro::Task<Result<ReportRow>> ChatExtrasService::createReportAs(ReportRow row)
{
    auto work = [row](QSqlDatabase &db) {
        return ChatExtrasStore::insertReport(db, row);
    };
    QCoro::Task<Result<ChatExtrasStore::ReportInsert>> writing = m_database->attempt(work);
    const Result<ChatExtrasStore::ReportInsert> inserted = co_await writing;
    if (!inserted)
        co_return inserted.error();
    if (inserted->created && m_events) {
        // The event says what happened and where; the text stays in the room (support reads it
        // from the reports list, where reading is permitted and private rooms are recorded).
        const QJsonObject data{{QStringLiteral("reportId"), row.id},
                               {QStringLiteral("roomId"), row.roomId},
                               {QStringLiteral("messageId"), row.messageId},
                               {QStringLiteral("reporterId"), row.reporterId},
                               {QStringLiteral("reason"), row.reason},
                               {QStringLiteral("createdAt"), isoTime(row.createdAtMs)},
                               {QStringLiteral("demo"), row.demo}};
        QFuture<Result<QList<qint64>>> publishing =
            m_events->publishEvents(QString::fromLatin1(ReportsTopic),
                                    {EventInput{QStringLiteral("chat.report.created"),
                                                row.roomId,
                                                QJsonDocument(data).toJson(QJsonDocument::Compact),
                                                {}}},
                                    {});
        const Result<QList<qint64>> published = co_await publishing;
        if (!published)
            qWarning("chat: the report %s was stored but its event was not published: %s", qPrintable(row.id),
                     qPrintable(published.error().reason));
    }
    co_return inserted->row;
}

QCoro::Task<Result<QJsonObject>> ChatExtrasService::listReports(PrincipalPtr caller, QString state,
                                                                QString reason)
{
    reason = reason.trimmed();
    // Support and admins see every report; a participant only those of the rooms they own or
    // moderate.
    const bool everyRoom = grantOf(*caller, "chat.read") == Access::Grant::Full;
    if (!state.isEmpty() && state != QLatin1String("open") && state != QLatin1String("resolved"))
        co_return Error::invalid(QStringLiteral("state"), QStringLiteral("state must be open or resolved."));
    auto work = [state](QSqlDatabase &db) {
        return ChatExtrasStore::reports(db, state, 200);
    };
    QCoro::Task<Result<QList<ReportRow>>> listing = m_database->attempt(work);
    const Result<QList<ReportRow>> rows = co_await listing;
    if (!rows)
        co_return rows.error();
    QJsonArray items;
    QHash<QString, QStringList> shown; // by room: messages of private rooms shown with the reason
    for (const ReportRow &row : *rows) {
        if (!everyRoom) {
            QCoro::Task<Result<Room>> finding = m_chat->room(row.roomId);
            const Result<Room> room = co_await finding;
            if (!room || !mayManage(*caller, *room))
                continue;
        }
        QCoro::Task<Result<QJsonObject>> rendering = reportJson(row, caller, !reason.isEmpty());
        const Result<QJsonObject> item = co_await rendering;
        if (!item)
            co_return item.error();
        items.append(*item);
        // A private room read from outside, with the reason: its messages shown here are recorded.
        const QJsonObject message = item->value(QStringLiteral("message")).toObject();
        if (!reason.isEmpty() && !message.isEmpty() && m_chat->access(*caller, row.roomId).needsReason) {
            QStringList &ids = shown[row.roomId];
            for (const QJsonValue &m : item->value(QStringLiteral("context")).toArray())
                ids << m[QStringLiteral("id")].toString();
            ids << message.value(QStringLiteral("id")).toString();
        }
    }
    for (auto it = shown.begin(); it != shown.end(); ++it) {
        it->removeDuplicates();
        QCoro::Task<void> recording = m_chat->recordSupportRead(caller, it.key(), reason, *it);
        co_await recording;
    }
    co_return QJsonObject{{QStringLiteral("items"), items}};
}

QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>> ChatExtrasService::resolveReport(PrincipalPtr caller,
                                                                                          QString id)
{
    auto reading = [id](QSqlDatabase &db) {
        return ChatExtrasStore::report(db, id);
    };
    QCoro::Task<Result<std::optional<ReportRow>>> finding = m_database->attempt(reading);
    const Result<std::optional<ReportRow>> before = co_await finding;
    if (!before)
        co_return before.error();
    if (!*before)
        co_return Error::notFound(QStringLiteral("There is no report %1.").arg(id), "report-not-found");
    if (grantOf(*caller, "chat.moderate") != Access::Grant::Full) {
        QCoro::Task<Result<Room>> roomReading = m_chat->room((*before)->roomId);
        const Result<Room> room = co_await roomReading;
        if (!room || !mayManage(*caller, *room))
            co_return Error::forbidden(
                QStringLiteral("Only admins and the room's owners and moderators can resolve its reports."));
    }
    const qint64 now = m_clock->nowMs();
    const QString by = caller->actor();
    auto work = [id, now, by](QSqlDatabase &db) {
        return ChatExtrasStore::resolveReport(db, id, now, by);
    };
    QCoro::Task<Result<std::optional<ReportRow>>> writing = m_database->attempt(work);
    const Result<std::optional<ReportRow>> after = co_await writing;
    if (!after)
        co_return after.error();
    if (!*after)
        co_return Error::notFound(QStringLiteral("There is no report %1.").arg(id), "report-not-found");
    QCoro::Task<Result<QJsonObject>> renderBefore = reportJson(**before, caller);
    const Result<QJsonObject> b = co_await renderBefore;
    QCoro::Task<Result<QJsonObject>> renderAfter = reportJson(**after, caller);
    const Result<QJsonObject> a = co_await renderAfter;
    if (!a)
        co_return a.error();
    co_return std::make_pair(b ? *b : QJsonObject(), *a);
}

QCoro::Task<Result<QString>> ChatExtrasService::createInvitationAs(InvitationRow row, QString token)
{
    row.tokenHash = ChatExtrasStore::hashToken(token);
    row.sealedToken = m_secrets.seal(token.toUtf8());
    auto work = [row](QSqlDatabase &db) {
        ChatExtrasStore::insertInvitation(db, row);
        return true;
    };
    QCoro::Task<Result<bool>> writing = m_database->attempt(work);
    const Result<bool> written = co_await writing;
    if (!written)
        co_return written.error();
    co_return token;
}

} // namespace Meshdeck::Chat
