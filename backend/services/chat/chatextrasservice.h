#pragma once

#include "chatextrasstore.h"

#include "platform/clock.h"
#include "platform/eventpublisher.h"
#include "platform/principal.h"
#include "platform/result.h"
#include "platform/secretbox.h"
#include "platform/service.h"

#include <QJsonObject>
#include <QObject>

#include <QCoroTask>

#include <utility>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Chat {

class ChatService;

// Room invitations (bearer tokens with an expiry, a use limit, revocation, QR codes) and message
// reports (listed for support with their context; each new one an event on topic chat.reports).
// Built on ChatService's public API; it sees no HTTP. Errors carry the contract's slugs: an
// invitation that can no longer be used is Conflict with code invitation-expired,
// invitation-used-up or invitation-revoked (the routes answer 410).
class ChatExtrasService : public QObject, public Service
{
    Q_OBJECT
public:
    static constexpr auto ReportsTopic = "chat.reports";

    ChatExtrasService(Storage::Database *database, EventPublisher *events, ChatService *chat,
                      SecretBox secrets, const Clock *clock = &Clock::system(), QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("chat-extras"); }
    QCoro::Task<QString> start() override;

    // The URL a QR code carries: meshdeck://chat/invite/<token>.
    static QString invitationUrl(const QString &token);

    QCoro::Task<Result<QJsonObject>> createInvitation(PrincipalPtr caller, QString roomId, QJsonObject json);
    QCoro::Task<Result<QJsonObject>> listInvitations(PrincipalPtr caller, QString roomId);
    // Before and after.
    QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>> revokeInvitation(PrincipalPtr caller,
                                                                              QString roomId, QString token);
    // The invitation's QR code: SVG, or PNG when `png`.
    QCoro::Task<Result<QByteArray>> invitationQr(PrincipalPtr caller, QString token, bool png);
    // {"room": Room, "joined": bool}
    QCoro::Task<Result<QJsonObject>> acceptInvitation(PrincipalPtr caller, QString token);

    // The report, and whether it is new (false: this person reported this message before).
    QCoro::Task<Result<std::pair<QJsonObject, bool>>> reportMessage(PrincipalPtr caller, QString roomId,
                                                                    QString messageId, QJsonObject json);
    // A private room's report the caller is not in: its text is empty without `reason`; with it the
    // text is shown and recorded as a support read (one record per room).
    QCoro::Task<Result<QJsonObject>> listReports(PrincipalPtr caller, QString state, QString reason = {});
    QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>> resolveReport(PrincipalPtr caller, QString id);

    // Demo data (chatseed): an invitation / a report made as given, marked demo.
    QCoro::Task<Result<QString>> createInvitationAs(InvitationRow row, QString token);
    QCoro::Task<Result<ReportRow>> createReportAs(ReportRow row);

private:
    QJsonObject invitationJson(const InvitationRow &row, bool withToken = true) const;
    // `caller`: a private room's text is left out (textHidden) when the caller reads it from
    // outside and `withReason` is false.
    QCoro::Task<Result<QJsonObject>> reportJson(ReportRow row, PrincipalPtr caller, bool withReason = false);
    QCoro::Task<Result<InvitationRow>> findInvitation(QString token);

    Storage::Database *m_database;
    EventPublisher *m_events;
    ChatService *m_chat;
    SecretBox m_secrets;
    const Clock *m_clock;
};

} // namespace Meshdeck::Chat
