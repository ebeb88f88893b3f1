#include "chatcontroller.h"

#include "api/apiclient.h"
#include "api/realtimeclient.h"
#include "shell/console.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcChat, "meshdeck.console.chat", QtInfoMsg)

namespace Meshdeck::Console {

namespace {
const QString PresenceChannel = QStringLiteral("presence");

QString enc(const QString &value)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(value));
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QList<QJsonObject> objects(const QJsonValue &array)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : array.toArray())
        out << v.toObject();
    return out;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

ChatController::ChatController(ApiClient *api, RealtimeClient *realtime, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_realtime(realtime)
    , m_messages(api)
{
    connect(m_realtime, &RealtimeClient::message, this, &ChatController::onMessage);
    connect(m_realtime, &RealtimeClient::problem, this,
            [this](const QString &channel, const QString &reason) {
                if (!m_followed.isEmpty() && channel == m_followed) {
                    m_messages.setLiveError(tr("Live updates of this room stopped: %1").arg(reason));
                } else if (channel == PresenceChannel && reason != m_presenceError) {
                    m_presenceError = tr("Presence is not live: %1").arg(reason);
                    Q_EMIT presenceErrorChanged();
                }
            });
    // Subscribed (again, after a reconnect): what was sent while the socket was down is read from
    // the newest page; rows already held are not added twice.
    connect(m_realtime, &RealtimeClient::subscribed, this, [this](const QString &channel) {
        if (m_followed.isEmpty() || channel != m_followed)
            return;
        m_messages.setLiveError({});
        // The first answer comes while the first page is read; only a later one follows a gap
        // (and each read of a room read with a reason is recorded: no read without a cause).
        if (m_followedBefore)
            m_messages.catchUp();
        m_followedBefore = true;
    });
    connect(&m_messages, &MessagesModel::reasonRequired, this,
            [this](const QString &roomId, const QString &detail) {
                if (roomId != m_room)
                    return;
                setReasonPending(true);
                Q_EMIT reasonRequested(selectedRoomName(), detail);
            });
    connect(&m_messages, &MessagesModel::reasonedReadDone, this, [this](const QString &roomId) {
        if (roomId == m_room)
            refreshSupportReads();
    });
    connect(&m_messages, &MessagesModel::messageArrived, &m_rooms, &RoomsModel::noteMessage);
    for (StatefulListModel *model : std::initializer_list<StatefulListModel *>{&m_rooms, &m_reports})
        model->setLoading(true);
}

ChatController::~ChatController()
{
    if (!m_realtime)
        return;
    if (!m_followed.isEmpty())
        m_realtime->unsubscribe(m_followed);
    if (m_presenceFollowed)
        m_realtime->unsubscribe(PresenceChannel);
}

ChatController *ChatController::create(QQmlEngine *, QJSEngine *)
{
    Console *console = Console::instance();
    Q_ASSERT_X(console, "ChatController", "the Console must exist before QML uses the Chat page");
    auto *chat = console->findChild<ChatController *>(QString(), Qt::FindDirectChildrenOnly);
    if (!chat) {
        BackendConnection *connection = console->connection();
        chat = new ChatController(connection->api(), console->realtime(), console);
        const auto startWhenConnected = [chat, connection] {
            if (connection->state() == BackendConnection::State::Connected)
                chat->start();
        };
        connect(connection, &BackendConnection::stateChanged, chat, startWhenConnected);
        connect(console, &Console::targetChanged, chat,
                [chat, console, target = console->target()]() mutable {
                    if (console->target() == target)
                        return;
                    target = console->target();
                    chat->reset();
                });
        startWhenConnected();
    }
    QJSEngine::setObjectOwnership(chat, QJSEngine::CppOwnership);
    return chat;
}

QString ChatController::channelOf(const QString &roomId) const
{
    return QStringLiteral("chat.rooms.") + roomId;
}

QString ChatController::selectedRoomName() const
{
    const int row = m_rooms.rowOfRoom(m_room);
    return row < 0 ? m_room : m_rooms.data(m_rooms.index(row), RoomsModel::NameRole).toString();
}

QString ChatController::selectedRoomTopic() const
{
    return str(m_rooms.room(m_room), "topic");
}

bool ChatController::selectedRoomPrivate() const
{
    return m_rooms.room(m_room).value(QStringLiteral("private")).toBool();
}

bool ChatController::selectedRoomJoined() const
{
    return !str(m_rooms.room(m_room), "myRole").isEmpty();
}

bool ChatController::selectedRoomModerated() const
{
    const QString role = str(m_rooms.room(m_room), "myRole");
    return role == QLatin1String("owner") || role == QLatin1String("moderator");
}

QString ChatController::qrUrl() const
{
    return str(m_invitations.invitation(m_qrToken), "url");
}

void ChatController::start()
{
    if (m_started)
        return;
    m_started = true;
    m_realtime->subscribe(PresenceChannel);
    m_presenceFollowed = true;
    refresh();
}

void ChatController::reset()
{
    ++m_attachment;
    ++m_searchGeneration;
    m_started = false;
    if (!m_followed.isEmpty()) {
        m_realtime->unsubscribe(m_followed);
        m_followed.clear();
    }
    if (m_presenceFollowed) {
        m_realtime->unsubscribe(PresenceChannel);
        m_presenceFollowed = false;
    }
    m_room.clear();
    m_pendingAround.clear();
    m_roomsCursor.clear();
    m_presenceError.clear();
    m_qrToken.clear();
    m_qrImage.clear();
    m_qrError.clear();
    m_qrLoading = false;
    m_messages.clear();
    m_rooms.clearPresence();
    for (JsonListModel *model : std::initializer_list<JsonListModel *>{&m_rooms, &m_search, &m_reports,
                                                                       &m_invitations, &m_supportReads}) {
        model->setRows(QList<QJsonObject>());
        model->setLoading(false);
    }
    m_rooms.setLoading(true);
    m_reports.setLoading(true);
    m_reportsReason.clear();
    m_reasonForReports = false;
    setReasonPending(false);
    Q_EMIT reasonPendingChanged(); // reasonForReports
    Q_EMIT reportsStateChanged();  // reportsReason
    Q_EMIT selectedRoomChanged();
    Q_EMIT roomsPagingChanged();
    Q_EMIT presenceErrorChanged();
    Q_EMIT qrChanged();
}

void ChatController::refresh()
{
    QCoro::connect(loadRooms({}), this, [] {});
    QCoro::connect(loadReportsAsync(), this, [] {});
    if (!m_room.isEmpty()) {
        QCoro::connect(loadInvitations(), this, [] {});
        QCoro::connect(loadSupportReads(), this, [] {});
        if (!m_reasonPending)
            m_messages.catchUp();
    }
}

void ChatController::loadMoreRooms()
{
    if (!m_roomsCursor.isEmpty() && !m_rooms.isLoading())
        QCoro::connect(loadRooms(m_roomsCursor), this, [] {});
}

void ChatController::setReasonPending(bool pending)
{
    if (pending == m_reasonPending)
        return;
    m_reasonPending = pending;
    Q_EMIT reasonPendingChanged();
}

void ChatController::select(const QString &roomId)
{
    if (!m_followed.isEmpty()) {
        m_realtime->unsubscribe(m_followed);
        m_followed.clear();
    }
    m_messages.clear();
    m_room = roomId;
    m_pendingAround.clear();
    setReasonPending(false);
    m_invitations.setRows(QList<QJsonObject>());
    m_supportReads.setRows(QList<QJsonObject>());
    if (!m_qrToken.isEmpty()) {
        m_qrToken.clear();
        m_qrImage.clear();
        m_qrError.clear();
        Q_EMIT qrChanged();
    }
    Q_EMIT selectedRoomChanged();
    if (roomId.isEmpty())
        return;
    QCoro::connect(loadInvitations(), this, [] {});
    QCoro::connect(loadSupportReads(), this, [] {});
}

void ChatController::openRoom(const QString &roomId)
{
    openRoomAt(roomId, {});
}

void ChatController::openRoomAt(const QString &roomId, const QString &messageId)
{
    select(roomId);
    if (roomId.isEmpty())
        return;
    Q_EMIT roomOpened(roomId);
    const QJsonObject room = m_rooms.room(roomId);
    // A private room the caller is not in: nothing is read before the person gives a reason.
    if (room.value(QStringLiteral("private")).toBool() && str(room, "myRole").isEmpty()) {
        m_pendingAround = messageId;
        setReasonPending(true);
        Q_EMIT reasonRequested(selectedRoomName(), QString());
        return;
    }
    follow(roomId, {}, messageId);
}

void ChatController::openSearchHit(int row)
{
    const QModelIndex index = m_search.index(row);
    if (!index.isValid())
        return;
    openRoomAt(m_search.data(index, SearchModel::RoomIdRole).toString(),
               m_search.data(index, SearchModel::MessageIdRole).toString());
}

void ChatController::jumpToLatest()
{
    if (m_room.isEmpty() || m_reasonPending)
        return;
    if (m_messages.roomId() != m_room) {
        openRoom(m_room);
        return;
    }
    follow(m_room, m_messages.reason(), {});
}

void ChatController::askReportsReason()
{
    m_reasonForReports = true;
    Q_EMIT reasonPendingChanged();
    Q_EMIT reasonRequested(QString(), QString()); // the dialog words it for the reports (reasonForReports)
}

void ChatController::provideReason(const QString &reason)
{
    if (m_reasonForReports) {
        m_reasonForReports = false;
        Q_EMIT reasonPendingChanged();
        if (reason.trimmed().isEmpty())
            return;
        m_reportsReason = reason.trimmed();
        loadReports(m_reportsState);
        Q_EMIT reportsStateChanged(); // reportsReason
        return;
    }
    if (m_room.isEmpty() || reason.trimmed().isEmpty())
        return;
    const QString around = m_pendingAround.isEmpty() ? m_messages.focusMessageId() : m_pendingAround;
    setReasonPending(false);
    m_pendingAround.clear();
    follow(m_room, reason.trimmed(), around);
    Q_EMIT selectedRoomChanged(); // readReason
}

void ChatController::cancelReason()
{
    if (m_reasonForReports) {
        m_reasonForReports = false;
        Q_EMIT reasonPendingChanged();
        return;
    }
    if (!m_reasonPending)
        return;
    setReasonPending(false);
    m_pendingAround.clear();
    m_messages.setError(
        tr("Not opened: reading this private room needs a reason, and the read is recorded."));
}

void ChatController::follow(const QString &roomId, const QString &reason, const QString &around)
{
    if (!m_followed.isEmpty())
        m_realtime->unsubscribe(m_followed);
    // Live first, then the page: the model places both by id and seq, so they meet with no gap
    // and no duplicate.
    m_followed = channelOf(roomId);
    m_followedBefore = false;
    // A private room read with a reason is followed with it too (the server records both).
    QJsonObject options;
    if (!reason.isEmpty())
        options.insert(QStringLiteral("reason"), reason);
    m_realtime->subscribe(m_followed, -1, options);
    m_messages.open(roomId, reason, around);
}

void ChatController::onMessage(const QString &channel, const QJsonObject &message)
{
    if (channel == PresenceChannel) {
        if (str(message, "type") == QLatin1String("presence"))
            m_rooms.setPresence(str(message, "userId"), str(message, "status"));
        return;
    }
    if (m_followed.isEmpty() || channel != m_followed)
        return;
    const QString type = str(message, "type");
    if (type == QLatin1String("participants")) {
        m_rooms.setParticipants(m_room, message.value(QStringLiteral("participants")).toArray());
        Q_EMIT selectedRoomChanged();
        return;
    }
    m_messages.applyLive(message);
}

QCoro::Task<void> ChatController::loadRooms(QString cursor)
{
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    m_rooms.setLoading(true);
    QString path = QStringLiteral("/v1/chat/rooms?limit=%1").arg(RoomsPageSize);
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + enc(cursor);
    const ApiReply reply = co_await m_api->get(path);
    if (!self || attachment != m_attachment)
        co_return;
    m_rooms.setLoading(false);
    if (!reply.ok()) {
        if (cursor.isEmpty())
            m_rooms.fail(tr("Could not load the rooms: %1").arg(reply.error));
        else
            m_rooms.setError(tr("Could not load more rooms: %1").arg(reply.error));
        co_return;
    }
    const QJsonObject page = reply.json.object();
    if (cursor.isEmpty())
        m_rooms.setRows(objects(page.value(QStringLiteral("items"))));
    else
        m_rooms.appendPage(objects(page.value(QStringLiteral("items"))));
    m_rooms.setError({});
    m_roomsCursor = str(page, "nextCursor");
    Q_EMIT roomsPagingChanged();
    Q_EMIT selectedRoomChanged(); // its name, privacy and participants as listed now
    QCoro::connect(loadPresence(), this, [] {});
}

QCoro::Task<void> ChatController::loadPresence()
{
    const QStringList ids = m_rooms.participantIds();
    if (ids.isEmpty())
        co_return;
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    QStringList encoded;
    for (const QString &id : ids)
        encoded << enc(id);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/presence?users=") + encoded.join(QLatin1Char(',')));
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        m_presenceError = tr("Could not load presence: %1").arg(reply.error);
        Q_EMIT presenceErrorChanged();
        co_return;
    }
    if (!m_presenceError.isEmpty()) {
        m_presenceError.clear();
        Q_EMIT presenceErrorChanged();
    }
    for (const QJsonObject &p : objects(reply.json.object().value(QStringLiteral("items"))))
        m_rooms.setPresence(str(p, "userId"), str(p, "status"));
}

void ChatController::searchMessages(const QString &query, const QString &reason)
{
    QCoro::connect(loadSearch(query, reason), this, [] {});
}

QCoro::Task<void> ChatController::loadSearch(QString query, QString reason)
{
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    const quint64 generation = ++m_searchGeneration;
    const QString q = query.trimmed();
    if (q.size() < 2) {
        // The backend refuses it too (query-too-short); no request for an answer known already.
        m_search.fail(tr("Type at least two characters to search."));
        co_return;
    }
    m_search.setLoading(true);
    QString path = QStringLiteral("/v1/chat/search?q=%1&limit=%2").arg(enc(q)).arg(SearchLimit);
    if (!reason.trimmed().isEmpty())
        path += QStringLiteral("&reason=") + enc(reason.trimmed());
    const ApiReply reply = co_await m_api->get(path);
    if (!self || attachment != m_attachment || generation != m_searchGeneration)
        co_return;
    m_search.setLoading(false);
    if (!reply.ok()) {
        m_search.fail(tr("Search failed: %1").arg(reply.error));
        co_return;
    }
    m_search.setRows(objects(reply.json.object().value(QStringLiteral("items"))));
}

void ChatController::loadReports(const QString &state)
{
    if (state != m_reportsState) {
        m_reportsState = state;
        Q_EMIT reportsStateChanged();
    }
    QCoro::connect(loadReportsAsync(), this, [] {});
}

QCoro::Task<void> ChatController::loadReportsAsync()
{
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    const QString state = m_reportsState;
    m_reports.setLoading(true);
    const QString reason = m_reportsReason;
    QString path = QStringLiteral("/v1/chat/reports?state=") + enc(state);
    if (!reason.isEmpty())
        path += QStringLiteral("&reason=") + enc(reason);
    const ApiReply reply = co_await m_api->get(path);
    if (!self || attachment != m_attachment || state != m_reportsState || reason != m_reportsReason)
        co_return;
    m_reports.setLoading(false);
    if (!reply.ok()) {
        m_reports.fail(tr("Could not load the reports: %1").arg(reply.error));
        co_return;
    }
    m_reports.setRows(objects(reply.json.object().value(QStringLiteral("items"))));
}

void ChatController::resolveReport(const QString &reportId)
{
    QCoro::connect(act("POST", QStringLiteral("/v1/chat/reports/%1/resolve").arg(enc(reportId)), "{}",
                       tr("Report resolved.")),
                   this, [] {});
}

void ChatController::deleteMessage(const QString &messageId)
{
    if (m_room.isEmpty() || messageId.isEmpty())
        return;
    QCoro::connect(act("DELETE",
                       QStringLiteral("/v1/chat/rooms/%1/messages/%2").arg(enc(m_room), enc(messageId)), {},
                       tr("Message deleted.")),
                   this, [] {});
}

QCoro::Task<void> ChatController::loadInvitations()
{
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    const QString room = m_room;
    m_invitations.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/chat/rooms/%1/invitations").arg(enc(room)));
    if (!self || attachment != m_attachment || room != m_room)
        co_return;
    m_invitations.setLoading(false);
    if (!reply.ok()) {
        m_invitations.fail(tr("Could not load the invitations: %1").arg(reply.error));
        co_return;
    }
    m_invitations.setRows(objects(reply.json.object().value(QStringLiteral("items"))));
    Q_EMIT qrChanged(); // its URL
}

void ChatController::refreshSupportReads()
{
    if (!m_room.isEmpty())
        QCoro::connect(loadSupportReads(), this, [] {});
}

QCoro::Task<void> ChatController::loadSupportReads()
{
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    const QString room = m_room;
    m_supportReads.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/chat/rooms/%1/support-reads").arg(enc(room)));
    if (!self || attachment != m_attachment || room != m_room)
        co_return;
    m_supportReads.setLoading(false);
    if (!reply.ok()) {
        m_supportReads.fail(tr("Could not load the support reads: %1").arg(reply.error));
        co_return;
    }
    m_supportReads.setRows(objects(reply.json.object().value(QStringLiteral("items"))));
}

void ChatController::createInvitation(int expiresInSeconds, int maxUses)
{
    if (m_room.isEmpty())
        return;
    const QJsonObject body{{QStringLiteral("expiresInSeconds"), expiresInSeconds},
                           {QStringLiteral("maxUses"), maxUses}};
    QCoro::connect(act("POST", QStringLiteral("/v1/chat/rooms/%1/invitations").arg(enc(m_room)),
                       compact(body), tr("Invitation created.")),
                   this, [] {});
}

void ChatController::revokeInvitation(const QString &token)
{
    if (m_room.isEmpty())
        return;
    QCoro::connect(act("DELETE",
                       QStringLiteral("/v1/chat/rooms/%1/invitations/%2").arg(enc(m_room), enc(token)), {},
                       tr("Invitation revoked.")),
                   this, [] {});
}

QString ChatController::describeRevoke(const QString &token) const
{
    const QJsonObject invitation = m_invitations.invitation(token);
    return tr("Revoke this invitation to %1? Its QR code and link stop working at once; it has been used %2 "
              "time(s). People who already joined stay in the room.")
        .arg(selectedRoomName())
        .arg(invitation.value(QStringLiteral("uses")).toInt());
}

void ChatController::showQr(const QString &token)
{
    m_qrToken = token;
    m_qrImage.clear();
    m_qrError.clear();
    Q_EMIT qrChanged();
    if (!token.isEmpty())
        QCoro::connect(loadQr(token), this, [] {});
}

QCoro::Task<void> ChatController::loadQr(QString token)
{
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    m_qrLoading = true;
    Q_EMIT qrChanged();
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/chat/invitations/%1/qr.png").arg(enc(token)));
    if (!self || attachment != m_attachment || token != m_qrToken)
        co_return;
    m_qrLoading = false;
    if (!reply.ok())
        m_qrError = tr("Could not load the QR code: %1").arg(reply.error);
    else if (!reply.body.startsWith("\x89PNG"))
        m_qrError = tr("The backend did not send a PNG image for the QR code.");
    else
        m_qrImage = QStringLiteral("data:image/png;base64,") + QString::fromLatin1(reply.body.toBase64());
    Q_EMIT qrChanged();
}

QCoro::Task<void> ChatController::act(QByteArray method, QString path, QByteArray body, QString doneMessage)
{
    QPointer<ChatController> self(this);
    const quint64 attachment = m_attachment;
    const QString room = m_room;
    const ApiReply reply = co_await m_api->send(method, path, body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok())
        qCInfo(lcChat) << method << path << "refused:" << reply.error;
    Q_EMIT actionFinished(reply.ok(), reply.ok() ? doneMessage : reply.error);
    if (!reply.ok())
        co_return;
    const QJsonObject answer = reply.json.object();
    if (path.contains(QStringLiteral("/invitations")) && room == m_room &&
        answer.contains(QStringLiteral("token")))
        m_invitations.upsert(answer);
    if (path.startsWith(QStringLiteral("/v1/chat/reports/")))
        QCoro::connect(loadReportsAsync(), this, [] {});
    if (method == "DELETE" && path.contains(QStringLiteral("/messages/")) && room == m_room) {
        // The tombstone at once, also when the room is not followed live; the channel's copy of
        // the same change is applied again without effect.
        m_messages.applyLive({{QStringLiteral("type"), QStringLiteral("message")},
                              {QStringLiteral("event"), QStringLiteral("deleted")},
                              {QStringLiteral("message"), answer}});
        // A reported message shows its new state in the reports' context too.
        QCoro::connect(loadReportsAsync(), this, [] {});
    }
}

} // namespace Meshdeck::Console
