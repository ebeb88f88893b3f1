#pragma once

#include "chatmodels.h"
#include "messagesmodel.h"

#include "api/realtimeclient.h"

#include <QObject>
#include <QPointer>
#include <QQmlEngine>

#include <QCoroTask>

namespace Meshdeck::Console {

class ApiClient;

// The Chat page (the support view): rooms with unread counts, last activity and their
// participants' presence; the selected room's conversation, followed live on `chat.rooms.<id>`;
// search across rooms whose hits open the room at that message; reports with the message in
// context; the room's invitations with their QR codes; and the room's recorded support reads.
// A private room the caller is not in is opened only with a reason: reasonRequested() asks for it
// (before any request, or when the backend answers `reason-required`), provideReason() reads the
// room with it, and the backend records the read (it shows in supportReads).
class ChatController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Meshdeck::Console::RoomsModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(Meshdeck::Console::MessagesModel *messages READ messages CONSTANT)
    Q_PROPERTY(Meshdeck::Console::SearchModel *search READ search CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ReportsModel *reports READ reports CONSTANT)
    Q_PROPERTY(Meshdeck::Console::InvitationsModel *invitations READ invitations CONSTANT)
    Q_PROPERTY(Meshdeck::Console::SupportReadsModel *supportReads READ supportReads CONSTANT)
    Q_PROPERTY(bool roomsHaveMore READ roomsHaveMore NOTIFY roomsPagingChanged)
    Q_PROPERTY(QString presenceError READ presenceError NOTIFY presenceErrorChanged)
    Q_PROPERTY(QString selectedRoom READ selectedRoom NOTIFY selectedRoomChanged)
    Q_PROPERTY(QString selectedRoomName READ selectedRoomName NOTIFY selectedRoomChanged)
    Q_PROPERTY(QString selectedRoomTopic READ selectedRoomTopic NOTIFY selectedRoomChanged)
    Q_PROPERTY(bool selectedRoomPrivate READ selectedRoomPrivate NOTIFY selectedRoomChanged)
    Q_PROPERTY(bool selectedRoomJoined READ selectedRoomJoined NOTIFY selectedRoomChanged)
    // The console's principal owns or moderates the selected room (may delete others' messages
    // there with a chat.moderate grant on the documents shared with it; an admin may everywhere).
    Q_PROPERTY(bool selectedRoomModerated READ selectedRoomModerated NOTIFY selectedRoomChanged)
    // The reason the open room is read with (empty: read as a participant or a public room).
    Q_PROPERTY(QString readReason READ readReason NOTIFY selectedRoomChanged)
    // A reason is being asked for the selected room.
    Q_PROPERTY(bool reasonPending READ reasonPending NOTIFY reasonPendingChanged)
    Q_PROPERTY(QString reportsState READ reportsState NOTIFY reportsStateChanged)
    // The reason the reports are listed with (private rooms' text shown, and recorded); empty: none.
    Q_PROPERTY(QString reportsReason READ reportsReason NOTIFY reportsStateChanged)
    // The reason being asked for is for the reports list, not for a room.
    Q_PROPERTY(bool reasonForReports READ reasonForReports NOTIFY reasonPendingChanged)
    Q_PROPERTY(QString qrToken READ qrToken NOTIFY qrChanged)
    Q_PROPERTY(QString qrUrl READ qrUrl NOTIFY qrChanged)
    // The QR code as a data: URL for an Image, once loaded.
    Q_PROPERTY(QString qrImage READ qrImage NOTIFY qrChanged)
    Q_PROPERTY(QString qrError READ qrError NOTIFY qrChanged)
    Q_PROPERTY(bool qrLoading READ qrLoading NOTIFY qrChanged)
public:
    static constexpr int RoomsPageSize = 50;
    static constexpr int SearchLimit = 20;

    ChatController(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);
    ~ChatController() override;
    // QML's singleton: the one belonging to the Console (made on first use, a child of it).
    static ChatController *create(QQmlEngine *engine, QJSEngine *);

    RoomsModel *rooms() { return &m_rooms; }
    MessagesModel *messages() { return &m_messages; }
    SearchModel *search() { return &m_search; }
    ReportsModel *reports() { return &m_reports; }
    InvitationsModel *invitations() { return &m_invitations; }
    SupportReadsModel *supportReads() { return &m_supportReads; }
    bool roomsHaveMore() const { return !m_roomsCursor.isEmpty(); }
    QString presenceError() const { return m_presenceError; }
    QString selectedRoom() const { return m_room; }
    QString selectedRoomName() const;
    QString selectedRoomTopic() const;
    bool selectedRoomPrivate() const;
    bool selectedRoomJoined() const;
    bool selectedRoomModerated() const;
    QString readReason() const { return m_messages.reason(); }
    bool reasonPending() const { return m_reasonPending; }
    QString reportsState() const { return m_reportsState; }
    QString reportsReason() const { return m_reportsReason; }
    bool reasonForReports() const { return m_reasonForReports; }
    QString qrToken() const { return m_qrToken; }
    QString qrUrl() const;
    QString qrImage() const { return m_qrImage; }
    QString qrError() const { return m_qrError; }
    bool qrLoading() const { return m_qrLoading; }

    // Follows presence and loads the rooms and the open reports; called once connected.
    void start();
    // Another backend: everything of the previous one goes, replies in flight from it are dropped.
    void reset();
    // F5: the rooms, presence, reports and the open room again (the conversation keeps its rows).
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void loadMoreRooms();

    // Opens a room's conversation (newest messages); a private room the caller is not in asks for
    // a reason first.
    Q_INVOKABLE void openRoom(const QString &roomId);
    // Opens a room at one message (a search hit, a report): the page around it.
    Q_INVOKABLE void openRoomAt(const QString &roomId, const QString &messageId);
    Q_INVOKABLE void openSearchHit(int row);
    // The open room's newest page again, with the reason it is read with (after a search jump).
    Q_INVOKABLE void jumpToLatest();
    // The reason for the pending read; the read is recorded by the backend.
    Q_INVOKABLE void provideReason(const QString &reason);
    Q_INVOKABLE void cancelReason();

    // Searches every room the caller may read; the reason goes with it when given (support
    // searching private rooms).
    Q_INVOKABLE void searchMessages(const QString &query, const QString &reason = {});

    Q_INVOKABLE void loadReports(const QString &state);
    // Reports of private rooms the caller is not in come without their text: this asks for the
    // reason (reasonRequested, with reasonForReports true); provideReason() then lists the reports
    // with it, and the backend records what was shown.
    Q_INVOKABLE void askReportsReason();
    Q_INVOKABLE void resolveReport(const QString &reportId);
    // Deletes a message of the selected room for everyone (a tombstone stays); actionFinished says
    // how it went.
    Q_INVOKABLE void deleteMessage(const QString &messageId);

    Q_INVOKABLE void createInvitation(int expiresInSeconds, int maxUses);
    Q_INVOKABLE void revokeInvitation(const QString &token);
    // What a revoke will do, as its confirmation says it.
    Q_INVOKABLE QString describeRevoke(const QString &token) const;
    Q_INVOKABLE void showQr(const QString &token);
    Q_INVOKABLE void refreshSupportReads();

Q_SIGNALS:
    void roomsPagingChanged();
    void presenceErrorChanged();
    void selectedRoomChanged();
    void reasonPendingChanged();
    void reportsStateChanged();
    void qrChanged();
    // The page asks for the reason: the room's name and the backend's sentence (empty when asked
    // before any request).
    void reasonRequested(const QString &roomName, const QString &detail);
    // A room was opened from another tab (a search hit): the page shows the conversation.
    void roomOpened(const QString &roomId);
    void actionFinished(bool ok, const QString &message);

private:
    void select(const QString &roomId);
    void follow(const QString &roomId, const QString &reason, const QString &around);
    void setReasonPending(bool pending);
    void onMessage(const QString &channel, const QJsonObject &message);
    QString channelOf(const QString &roomId) const;
    QCoro::Task<void> loadRooms(QString cursor);
    QCoro::Task<void> loadPresence();
    QCoro::Task<void> loadSearch(QString query, QString reason);
    QCoro::Task<void> loadReportsAsync();
    QCoro::Task<void> loadInvitations();
    QCoro::Task<void> loadSupportReads();
    QCoro::Task<void> loadQr(QString token);
    QCoro::Task<void> act(QByteArray method, QString path, QByteArray body, QString doneMessage);

    ApiClient *m_api;
    QPointer<RealtimeClient> m_realtime; // the Console's; it may go before this child of it
    RoomsModel m_rooms;
    MessagesModel m_messages;
    SearchModel m_search;
    ReportsModel m_reports;
    InvitationsModel m_invitations;
    SupportReadsModel m_supportReads;
    QString m_roomsCursor;
    QString m_presenceError;
    QString m_room;
    QString m_followed; // the channel of the open room
    QString m_pendingAround;
    QString m_reportsState = QStringLiteral("open");
    QString m_reportsReason;
    bool m_reasonForReports = false;
    QString m_qrToken;
    QString m_qrImage;
    QString m_qrError;
    bool m_qrLoading = false;
    bool m_reasonPending = false;
    bool m_started = false;
    bool m_presenceFollowed = false;
    bool m_followedBefore = false; // the open room's channel answered subscribed once already
    quint64 m_attachment = 0;
    quint64 m_searchGeneration = 0;
};

} // namespace Meshdeck::Console
