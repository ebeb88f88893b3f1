#include "chatextrasstore.h"

#include "chatstore.h"

#include "storage/store.h"

#include <QCryptographicHash>
#include <QSqlQuery>
#include <QVariant>

namespace Meshdeck::Chat {

QString InvitationRow::state(qint64 nowMs) const
{
    if (revokedAtMs != 0)
        return QStringLiteral("revoked");
    if (uses >= maxUses)
        return QStringLiteral("used-up");
    if (expiresAtMs <= nowMs)
        return QStringLiteral("expired");
    return QStringLiteral("active");
}

namespace ChatExtrasStore {

using Storage::exec;

std::vector<Storage::Migration> migrations()
{
    const auto tables = [](const char *bigint) {
        const QString b = QLatin1String(bigint);
        return QStringList{
            QStringLiteral("CREATE TABLE chat_invitations ("
                           " token_hash TEXT PRIMARY KEY,"
                           " sealed_token TEXT NOT NULL,"
                           " room_id TEXT NOT NULL,"
                           " created_by TEXT NOT NULL,"
                           " created_at %1 NOT NULL,"
                           " expires_at %1 NOT NULL,"
                           " max_uses INTEGER NOT NULL,"
                           " uses INTEGER NOT NULL,"
                           " revoked_at %1 NOT NULL,"
                           " revoked_by TEXT NOT NULL,"
                           " demo INTEGER NOT NULL)")
                .arg(b),
            QStringLiteral("CREATE INDEX chat_invitations_by_room ON chat_invitations (room_id, created_at)"),
            // Who accepted: a user's second accept (also a concurrent one) finds its row and counts nothing.
            QStringLiteral("CREATE TABLE chat_invitation_uses ("
                           " token_hash TEXT NOT NULL,"
                           " user_id TEXT NOT NULL,"
                           " used_at %1 NOT NULL,"
                           " PRIMARY KEY (token_hash, user_id))")
                .arg(b),
            QStringLiteral("CREATE TABLE chat_reports ("
                           " id TEXT PRIMARY KEY,"
                           " room_id TEXT NOT NULL,"
                           " message_id TEXT NOT NULL,"
                           " reporter_id TEXT NOT NULL,"
                           " reporter_name TEXT NOT NULL,"
                           " reason TEXT NOT NULL,"
                           " created_at %1 NOT NULL,"
                           " resolved_at %1 NOT NULL,"
                           " resolved_by TEXT NOT NULL,"
                           " demo INTEGER NOT NULL,"
                           " UNIQUE (message_id, reporter_id))")
                .arg(b),
            QStringLiteral("CREATE INDEX chat_reports_by_state ON chat_reports (resolved_at, created_at)"),
        };
    };
    return {{1, QStringLiteral("chat invitations and reports"), tables("INTEGER"), tables("BIGINT")}};
}

QByteArray hashToken(const QString &token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex();
}

namespace {
constexpr auto InvitationColumns = "token_hash, sealed_token, room_id, created_by, created_at, expires_at, "
                                   "max_uses, uses, revoked_at, revoked_by, demo";

InvitationRow readInvitation(const QSqlQuery &q)
{
    InvitationRow r;
    r.tokenHash = q.value(0).toByteArray();
    r.sealedToken = q.value(1).toByteArray();
    r.roomId = q.value(2).toString();
    r.createdBy = q.value(3).toString();
    r.createdAtMs = q.value(4).toLongLong();
    r.expiresAtMs = q.value(5).toLongLong();
    r.maxUses = q.value(6).toInt();
    r.uses = q.value(7).toInt();
    r.revokedAtMs = q.value(8).toLongLong();
    r.revokedBy = q.value(9).toString();
    r.demo = q.value(10).toInt() != 0;
    return r;
}

constexpr auto ReportColumns = "id, room_id, message_id, reporter_id, reporter_name, reason, created_at, "
                               "resolved_at, resolved_by, demo";

ReportRow readReport(const QSqlQuery &q)
{
    ReportRow r;
    r.id = q.value(0).toString();
    r.roomId = q.value(1).toString();
    r.messageId = q.value(2).toString();
    r.reporterId = q.value(3).toString();
    r.reporterName = q.value(4).toString();
    r.reason = q.value(5).toString();
    r.createdAtMs = q.value(6).toLongLong();
    r.resolvedAtMs = q.value(7).toLongLong();
    r.resolvedBy = q.value(8).toString();
    r.demo = q.value(9).toInt() != 0;
    return r;
}

QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}
} // namespace

void insertInvitation(QSqlDatabase &db, const InvitationRow &row)
{
    exec(db,
         QStringLiteral("INSERT INTO chat_invitations (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
             .arg(QLatin1String(InvitationColumns)),
         {QString::fromLatin1(row.tokenHash), QString::fromLatin1(row.sealedToken), row.roomId,
          text(row.createdBy), row.createdAtMs, row.expiresAtMs, row.maxUses, row.uses, row.revokedAtMs,
          text(row.revokedBy), row.demo ? 1 : 0});
}

std::optional<InvitationRow> invitation(QSqlDatabase &db, const QByteArray &tokenHash)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM chat_invitations WHERE token_hash = ?")
                           .arg(QLatin1String(InvitationColumns)),
                       {QString::fromLatin1(tokenHash)});
    if (!q.next())
        return std::nullopt;
    return readInvitation(q);
}

QList<InvitationRow> invitations(QSqlDatabase &db, const QString &roomId)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM chat_invitations WHERE room_id = ? "
                                      "ORDER BY created_at DESC, token_hash")
                           .arg(QLatin1String(InvitationColumns)),
                       {roomId});
    QList<InvitationRow> all;
    while (q.next())
        all.append(readInvitation(q));
    return all;
}

std::optional<InvitationRow> revokeInvitation(QSqlDatabase &db, const QByteArray &tokenHash, qint64 atMs,
                                              const QString &by)
{
    exec(db,
         QStringLiteral("UPDATE chat_invitations SET revoked_at = ?, revoked_by = ? "
                        "WHERE token_hash = ? AND revoked_at = 0"),
         {atMs, text(by), QString::fromLatin1(tokenHash)});
    return invitation(db, tokenHash);
}

AcceptOutcome acceptInvitation(QSqlDatabase &db, const QByteArray &tokenHash, const QString &userId,
                               qint64 nowMs)
{
    Storage::Transaction t(db);
    const std::optional<InvitationRow> found = invitation(db, tokenHash);
    if (!found)
        return {Accept::NotFound, {}};
    AcceptOutcome out{Accept::Joined, found->roomId};
    if (ChatStore::participant(db, found->roomId, userId)) {
        out.result = Accept::AlreadyParticipant;
        return out;
    }
    // The use row first: a concurrent accept by the same user waits on it (PostgreSQL) or runs
    // after this transaction (SQLite), then finds it and the participant it made.
    QSqlQuery used = exec(db,
                          QStringLiteral("INSERT INTO chat_invitation_uses (token_hash, user_id, used_at) "
                                         "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
                          {QString::fromLatin1(tokenHash), userId, nowMs});
    if (used.numRowsAffected() != 1) {
        if (ChatStore::participant(db, found->roomId, userId)) {
            out.result = Accept::AlreadyParticipant;
            return out;
        }
        // This user's use is counted already: a concurrent accept whose join is still on its way,
        // or someone who left. They (re)join on that use while the invitation is neither revoked
        // nor expired, and never count a second one.
        const QString state = found->state(nowMs);
        if (state == QLatin1String("revoked"))
            out.result = Accept::Revoked;
        else if (state == QLatin1String("expired"))
            out.result = Accept::Expired;
        return out;
    }
    // The use counts only while the invitation is good. On PostgreSQL the row lock makes a
    // concurrent accept re-check `uses` after this one commits, so uses never pass max_uses.
    QSqlQuery counted = exec(db,
                             QStringLiteral("UPDATE chat_invitations SET uses = uses + 1 "
                                            "WHERE token_hash = ? AND uses < max_uses AND revoked_at = 0 "
                                            "AND expires_at > ?"),
                             {QString::fromLatin1(tokenHash), nowMs});
    if (counted.numRowsAffected() != 1) {
        // Re-read: another accept may have taken the last use since the read above.
        const std::optional<InvitationRow> now = invitation(db, tokenHash);
        const QString state = (now ? *now : *found).state(nowMs);
        out.result = state == QLatin1String("revoked")   ? Accept::Revoked
                     : state == QLatin1String("expired") ? Accept::Expired
                                                         : Accept::UsedUp;
        return out; // rolls the use row back
    }
    t.commit();
    return out;
}

ReportInsert insertReport(QSqlDatabase &db, const ReportRow &row)
{
    QSqlQuery q =
        exec(db,
             QStringLiteral("INSERT INTO chat_reports (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT DO NOTHING")
                 .arg(QLatin1String(ReportColumns)),
             {row.id, row.roomId, row.messageId, text(row.reporterId), text(row.reporterName),
              text(row.reason), row.createdAtMs, row.resolvedAtMs, text(row.resolvedBy), row.demo ? 1 : 0});
    if (q.numRowsAffected() == 1)
        return {row, true};
    QSqlQuery existing =
        exec(db,
             QStringLiteral("SELECT %1 FROM chat_reports WHERE message_id = ? AND reporter_id = ?")
                 .arg(QLatin1String(ReportColumns)),
             {row.messageId, text(row.reporterId)});
    if (!existing.next())
        throw Storage::StoreError("a report was neither inserted nor found");
    return {readReport(existing), false};
}

std::optional<ReportRow> report(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q =
        exec(db, QStringLiteral("SELECT %1 FROM chat_reports WHERE id = ?").arg(QLatin1String(ReportColumns)),
             {id});
    if (!q.next())
        return std::nullopt;
    return readReport(q);
}

QList<ReportRow> reports(QSqlDatabase &db, const QString &state, int limit)
{
    QString where;
    if (state == QLatin1String("open"))
        where = QStringLiteral("WHERE resolved_at = 0 ");
    else if (state == QLatin1String("resolved"))
        where = QStringLiteral("WHERE resolved_at <> 0 ");
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM chat_reports %2ORDER BY created_at DESC, id "
                                      "LIMIT CAST(? AS BIGINT)")
                           .arg(QLatin1String(ReportColumns), where),
                       {limit});
    QList<ReportRow> all;
    while (q.next())
        all.append(readReport(q));
    return all;
}

std::optional<ReportRow> resolveReport(QSqlDatabase &db, const QString &id, qint64 atMs, const QString &by)
{
    exec(db,
         QStringLiteral(
             "UPDATE chat_reports SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at = 0"),
         {atMs, text(by), id});
    return report(db, id);
}

int demoInvitationCount(QSqlDatabase &db, const QString &roomId)
{
    QSqlQuery q = exec(
        db, QStringLiteral("SELECT COUNT(*) FROM chat_invitations WHERE room_id = ? AND demo = 1"), {roomId});
    return q.next() ? q.value(0).toInt() : 0;
}

int demoReportCount(QSqlDatabase &db)
{
    QSqlQuery q = exec(db, QStringLiteral("SELECT COUNT(*) FROM chat_reports WHERE demo = 1"));
    return q.next() ? q.value(0).toInt() : 0;
}

} // namespace ChatExtrasStore

} // namespace Meshdeck::Chat
