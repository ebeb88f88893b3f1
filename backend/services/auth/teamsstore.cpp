#include "services/auth/teamsstore.h"

#include "storage/store.h"

#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace Meshdeck::Auth::TeamsStore {

namespace {

// Role names are validated by the service ([a-z0-9_-]), so a comma cannot be part of one.
QString joinRoles(const QStringList &roles)
{
    return roles.join(QLatin1Char(','));
}

QStringList splitRoles(const QString &text)
{
    return text.split(QLatin1Char(','), Qt::SkipEmptyParts);
}

qint64 optionalMs(const QVariant &value)
{
    return value.isNull() ? 0 : value.toLongLong();
}

const QString TeamColumns = QStringLiteral(
    "t.id, t.name, t.created_at_ms, (SELECT COUNT(*) FROM team_memberships c WHERE c.team_id = t.id)");

Team teamFrom(const QSqlQuery &q)
{
    return Team{q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toInt()};
}

const QString MembershipColumns =
    QStringLiteral("m.id, m.team_id, m.user_id, COALESCE(u.email, ''), COALESCE(u.name, ''), m.roles, "
                   "m.joined_at_ms FROM team_memberships m LEFT JOIN auth_users u ON u.id = m.user_id");

Membership membershipFrom(const QSqlQuery &q)
{
    return Membership{q.value(0).toString(),  q.value(1).toString(), q.value(2).toString(),
                      q.value(3).toString(),  q.value(4).toString(), splitRoles(q.value(5).toString()),
                      q.value(6).toLongLong()};
}

const QString InvitationColumns =
    QStringLiteral("id, team_id, email, roles, created_by, created_at_ms, expires_at_ms, accepted_at_ms, "
                   "revoked_at_ms FROM team_invitations");

Invitation invitationFrom(const QSqlQuery &q)
{
    return Invitation{q.value(0).toString(),   q.value(1).toString(),
                      q.value(2).toString(),   splitRoles(q.value(3).toString()),
                      q.value(4).toString(),   q.value(5).toLongLong(),
                      q.value(6).toLongLong(), optionalMs(q.value(7)),
                      optionalMs(q.value(8))};
}

} // namespace

std::vector<Storage::Migration> migrations()
{
    // The same text serves both dialects (BIGINT is an integer in SQLite too).
    const QStringList v1 = {
        QStringLiteral(
            "CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at_ms BIGINT NOT NULL)"),
        QStringLiteral("CREATE TABLE team_memberships (id TEXT PRIMARY KEY,"
                       " team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE, user_id TEXT NOT NULL,"
                       " roles TEXT NOT NULL, joined_at_ms BIGINT NOT NULL, UNIQUE (team_id, user_id))"),
        QStringLiteral("CREATE INDEX team_memberships_user ON team_memberships (user_id)"),
        QStringLiteral("CREATE TABLE team_invitations (id TEXT PRIMARY KEY,"
                       " team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE, email TEXT NOT NULL,"
                       " roles TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_by TEXT NOT NULL,"
                       " created_at_ms BIGINT NOT NULL, expires_at_ms BIGINT NOT NULL, accepted_at_ms BIGINT,"
                       " revoked_at_ms BIGINT)"),
        QStringLiteral("CREATE INDEX team_invitations_team ON team_invitations (team_id)"),
    };
    return {{1, QStringLiteral("teams, memberships and invitations"), v1, v1}};
}

QList<Team> teams(QSqlDatabase &db, const TeamScope &scope)
{
    QSqlQuery q =
        scope.all
            ? Storage::exec(
                  db,
                  QStringLiteral("SELECT %1 FROM teams t ORDER BY t.created_at_ms, t.id").arg(TeamColumns))
            : Storage::exec(db,
                            QStringLiteral("SELECT %1 FROM teams t WHERE t.id IN (SELECT team_id FROM "
                                           "team_memberships WHERE user_id = ?) "
                                           "ORDER BY t.created_at_ms, t.id")
                                .arg(TeamColumns),
                            {scope.userId});
    QList<Team> out;
    while (q.next())
        out << teamFrom(q);
    return out;
}

std::optional<Team> team(QSqlDatabase &db, const QString &teamId, const TeamScope &scope)
{
    QSqlQuery q =
        scope.all
            ? Storage::exec(db, QStringLiteral("SELECT %1 FROM teams t WHERE t.id = ?").arg(TeamColumns),
                            {teamId})
            : Storage::exec(db,
                            QStringLiteral("SELECT %1 FROM teams t WHERE t.id = ? AND t.id IN "
                                           "(SELECT team_id FROM team_memberships WHERE user_id = ?)")
                                .arg(TeamColumns),
                            {teamId, scope.userId});
    if (!q.next())
        return std::nullopt;
    return teamFrom(q);
}

void insertTeam(QSqlDatabase &db, const Team &team)
{
    Storage::exec(db, QStringLiteral("INSERT INTO teams (id, name, created_at_ms) VALUES (?, ?, ?)"),
                  {team.id, team.name, team.createdAtMs});
}

bool renameTeam(QSqlDatabase &db, const QString &teamId, const QString &name)
{
    return Storage::exec(db, QStringLiteral("UPDATE teams SET name = ? WHERE id = ?"), {name, teamId})
               .numRowsAffected() == 1;
}

bool deleteTeam(QSqlDatabase &db, const QString &teamId)
{
    Storage::Transaction tx(db);
    Storage::exec(db, QStringLiteral("DELETE FROM team_invitations WHERE team_id = ?"), {teamId});
    Storage::exec(db, QStringLiteral("DELETE FROM team_memberships WHERE team_id = ?"), {teamId});
    const bool deleted =
        Storage::exec(db, QStringLiteral("DELETE FROM teams WHERE id = ?"), {teamId}).numRowsAffected() == 1;
    tx.commit();
    return deleted;
}

bool userExists(QSqlDatabase &db, const QString &userId)
{
    return Storage::exec(db, QStringLiteral("SELECT 1 FROM auth_users WHERE id = ?"), {userId}).next();
}

QList<Membership> memberships(QSqlDatabase &db, const QString &teamId)
{
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral("SELECT %1 WHERE m.team_id = ? ORDER BY m.joined_at_ms, m.id").arg(MembershipColumns),
        {teamId});
    QList<Membership> out;
    while (q.next())
        out << membershipFrom(q);
    return out;
}

std::optional<Membership> membership(QSqlDatabase &db, const QString &teamId, const QString &membershipId)
{
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT %1 WHERE m.team_id = ? AND m.id = ?").arg(MembershipColumns),
                      {teamId, membershipId});
    if (!q.next())
        return std::nullopt;
    return membershipFrom(q);
}

std::optional<Membership> membershipOfUser(QSqlDatabase &db, const QString &teamId, const QString &userId)
{
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT %1 WHERE m.team_id = ? AND m.user_id = ?").arg(MembershipColumns),
        {teamId, userId});
    if (!q.next())
        return std::nullopt;
    return membershipFrom(q);
}

bool insertMembership(QSqlDatabase &db, const Membership &m)
{
    return Storage::exec(
               db,
               QStringLiteral("INSERT INTO team_memberships (id, team_id, user_id, roles, joined_at_ms) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id, user_id) DO NOTHING"),
               {m.id, m.teamId, m.userId, joinRoles(m.roles), m.joinedAtMs})
               .numRowsAffected() == 1;
}

bool setMembershipRoles(QSqlDatabase &db, const QString &membershipId, const QStringList &roles)
{
    return Storage::exec(db, QStringLiteral("UPDATE team_memberships SET roles = ? WHERE id = ?"),
                         {joinRoles(roles), membershipId})
               .numRowsAffected() == 1;
}

MembershipChange changeMembership(QSqlDatabase &db, const QString &teamId, const QString &membershipId,
                                  const std::optional<QStringList> &roles, const QString &ownerRole)
{
    Storage::Transaction tx(db);
    if (Storage::dialect(db) == Storage::Dialect::Postgres)
        Storage::exec(db, QStringLiteral("SELECT id FROM teams WHERE id = ? FOR UPDATE"), {teamId});
    MembershipChange out;
    const QList<Membership> members = memberships(db, teamId);
    const auto it = std::find_if(members.cbegin(), members.cend(),
                                 [&membershipId](const Membership &m) { return m.id == membershipId; });
    if (it == members.cend())
        return out;
    out.before = *it;
    const auto owners = std::count_if(members.cbegin(), members.cend(), [&ownerRole](const Membership &m) {
        return m.roles.contains(ownerRole);
    });
    const bool staysOwner = roles && roles->contains(ownerRole);
    if (out.before.roles.contains(ownerRole) && !staysOwner && owners == 1) {
        out.outcome = MembershipChange::LastOwner;
        return out;
    }
    if (roles)
        setMembershipRoles(db, membershipId, *roles);
    else
        deleteMembership(db, membershipId);
    tx.commit();
    out.outcome = MembershipChange::Done;
    return out;
}

bool deleteMembership(QSqlDatabase &db, const QString &membershipId)
{
    return Storage::exec(db, QStringLiteral("DELETE FROM team_memberships WHERE id = ?"), {membershipId})
               .numRowsAffected() == 1;
}

QHash<QString, QList<TeamMembership>> allMemberships(QSqlDatabase &db)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT user_id, team_id, roles FROM team_memberships"));
    QHash<QString, QList<TeamMembership>> out;
    while (q.next())
        out[q.value(0).toString()].append(
            TeamMembership{q.value(1).toString(), splitRoles(q.value(2).toString())});
    return out;
}

void insertInvitation(QSqlDatabase &db, const Invitation &i, const QByteArray &tokenHash)
{
    Storage::exec(
        db,
        QStringLiteral("INSERT INTO team_invitations (id, team_id, email, roles, token_hash, created_by, "
                       "created_at_ms, expires_at_ms, accepted_at_ms, revoked_at_ms) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)"),
        {i.id, i.teamId, i.email, joinRoles(i.roles), QString::fromLatin1(tokenHash), i.createdBy,
         i.createdAtMs, i.expiresAtMs});
}

QList<Invitation> invitations(QSqlDatabase &db, const QString &teamId)
{
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT %1 WHERE team_id = ? ORDER BY created_at_ms, id").arg(InvitationColumns),
        {teamId});
    QList<Invitation> out;
    while (q.next())
        out << invitationFrom(q);
    return out;
}

std::optional<Invitation> invitation(QSqlDatabase &db, const QString &teamId, const QString &invitationId)
{
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT %1 WHERE team_id = ? AND id = ?").arg(InvitationColumns),
                      {teamId, invitationId});
    if (!q.next())
        return std::nullopt;
    return invitationFrom(q);
}

std::optional<Invitation> invitationByTokenHash(QSqlDatabase &db, const QByteArray &tokenHash)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT %1 WHERE token_hash = ?").arg(InvitationColumns),
                                {QString::fromLatin1(tokenHash)});
    if (!q.next())
        return std::nullopt;
    return invitationFrom(q);
}

bool revokeInvitation(QSqlDatabase &db, const QString &invitationId, qint64 nowMs)
{
    return Storage::exec(db,
                         QStringLiteral("UPDATE team_invitations SET revoked_at_ms = ? WHERE id = ? "
                                        "AND accepted_at_ms IS NULL AND revoked_at_ms IS NULL"),
                         {nowMs, invitationId})
               .numRowsAffected() == 1;
}

std::optional<Membership> acceptInvitation(QSqlDatabase &db, const Invitation &invitation,
                                           const QString &userId, const QString &newMembershipId,
                                           qint64 nowMs)
{
    Storage::Transaction tx(db);
    // Once: of two accepts racing, one marks it; the other changes nothing.
    const bool marked =
        Storage::exec(db,
                      QStringLiteral("UPDATE team_invitations SET accepted_at_ms = ? WHERE id = ? "
                                     "AND accepted_at_ms IS NULL AND revoked_at_ms IS NULL "
                                     "AND expires_at_ms > ?"),
                      {nowMs, invitation.id, nowMs})
            .numRowsAffected() == 1;
    if (!marked)
        return std::nullopt;
    if (std::optional<Membership> existing = membershipOfUser(db, invitation.teamId, userId)) {
        QStringList roles = existing->roles;
        for (const QString &role : invitation.roles) {
            if (!roles.contains(role))
                roles << role;
        }
        setMembershipRoles(db, existing->id, roles);
    } else {
        insertMembership(
            db, Membership{newMembershipId, invitation.teamId, userId, {}, {}, invitation.roles, nowMs});
    }
    std::optional<Membership> joined = membershipOfUser(db, invitation.teamId, userId);
    tx.commit();
    return joined;
}

} // namespace Meshdeck::Auth::TeamsStore
