#pragma once

#include "storage/migrations.h"

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace Meshdeck::Chat {

// A room invitation as stored. The token is a bearer secret: rows are found by its SHA-256
// (tokenHash); the token itself is kept only sealed with the node's secret box, so the room's
// people can list it again and a copy of the database alone gives nobody a way in.
struct InvitationRow {
    QByteArray tokenHash; // hex SHA-256 of the token
    QByteArray sealedToken;
    QString roomId;
    QString createdBy; // "user:ID" | "admin-token"
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
    int maxUses = 1;
    int uses = 0;
    qint64 revokedAtMs = 0; // 0: not revoked
    QString revokedBy;
    bool demo = false;

    // "active" | "expired" | "used-up" | "revoked", at `nowMs`.
    QString state(qint64 nowMs) const;
};

struct ReportRow {
    QString id; // rep_…
    QString roomId;
    QString messageId;
    QString reporterId;
    QString reporterName;
    QString reason;
    qint64 createdAtMs = 0;
    qint64 resolvedAtMs = 0; // 0: open
    QString resolvedBy;
    bool demo = false;

    bool open() const { return resolvedAtMs == 0; }
};

// The "chat-extras" component: invitations, their uses and message reports. Store contract as in
// storage/store.h (database thread, StoreError on failure). Both SQLite and PostgreSQL. It reads
// chat_participants (the "chat" component's table) to tell whether an accepting user is in the room.
namespace ChatExtrasStore {

std::vector<Storage::Migration> migrations();

QByteArray hashToken(const QString &token);

void insertInvitation(QSqlDatabase &db, const InvitationRow &row);
std::optional<InvitationRow> invitation(QSqlDatabase &db, const QByteArray &tokenHash);
QList<InvitationRow> invitations(QSqlDatabase &db, const QString &roomId); // newest first
// Marks it revoked (kept for the list); a second revoke changes nothing. nullopt: no such token.
std::optional<InvitationRow> revokeInvitation(QSqlDatabase &db, const QByteArray &tokenHash, qint64 atMs,
                                              const QString &by);

enum class Accept { Joined, AlreadyParticipant, NotFound, Expired, UsedUp, Revoked };
struct AcceptOutcome {
    Accept result = Accept::NotFound;
    QString roomId;
};
// One transaction: a user who is already a participant (also one whose concurrent accept made
// them one) changes nothing; otherwise the use is counted with a conditional update (uses <
// max_uses, not revoked, not expired: concurrent accepts never count past maxUses) and the answer
// is Joined: the caller then joins the user through ChatService::joinRoom. A user whose use is
// counted already (a concurrent accept of theirs, or they left) gets Joined without a second use
// while the invitation is neither revoked nor expired: one user never takes two uses.
AcceptOutcome acceptInvitation(QSqlDatabase &db, const QByteArray &tokenHash, const QString &userId,
                               qint64 nowMs);

// A report of the message by this reporter; a second report of the same message by the same
// person returns the first (created false).
struct ReportInsert {
    ReportRow row;
    bool created = false;
};
ReportInsert insertReport(QSqlDatabase &db, const ReportRow &row);
std::optional<ReportRow> report(QSqlDatabase &db, const QString &id);
// state: "open", "resolved" or empty (all); newest first.
QList<ReportRow> reports(QSqlDatabase &db, const QString &state, int limit);
// nullopt: no such report. Resolving a resolved report keeps its first resolution.
std::optional<ReportRow> resolveReport(QSqlDatabase &db, const QString &id, qint64 atMs, const QString &by);

// Demo data: whether the seed already made its invitation / report in `roomId`.
int demoInvitationCount(QSqlDatabase &db, const QString &roomId);
int demoReportCount(QSqlDatabase &db);

} // namespace ChatExtrasStore

} // namespace Meshdeck::Chat
