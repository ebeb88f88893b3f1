#pragma once

#include "platform/principal.h"
#include "storage/migrations.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace Meshdeck::Auth {

struct Team {
    QString id;
    QString name;
    qint64 createdAtMs = 0;
    int memberCount = 0;
};

// A user's place in a team. email and name are read from the user (auth_users) when listed.
struct Membership {
    QString id;
    QString teamId;
    QString userId;
    QString email;
    QString name;
    QStringList roles;
    qint64 joinedAtMs = 0;
};

struct Invitation {
    QString id;
    QString teamId;
    QString email;
    QStringList roles;
    QString createdBy; // the inviter's actor ("user:ID", "admin-token", "key:ID")
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
    qint64 acceptedAtMs = 0; // 0: not accepted
    qint64 revokedAtMs = 0;  // 0: not revoked
};

// Which teams a read may see: all of them, or only those `userId` is a member of (a documents
// grant, applied in the query).
struct TeamScope {
    bool all = true;
    QString userId;
};

// The teams store (component "teams"): teams, memberships and invitations. Runs on the database
// thread and follows the store contract (storage/store.h): database failures throw StoreError,
// domain outcomes are return values. Invitation tokens are stored as their BLAKE2b hash only.
// Users live in the auth store's auth_users table; this store only reads it.
namespace TeamsStore {

std::vector<Storage::Migration> migrations();

QList<Team> teams(QSqlDatabase &db, const TeamScope &scope);
std::optional<Team> team(QSqlDatabase &db, const QString &teamId, const TeamScope &scope);
void insertTeam(QSqlDatabase &db, const Team &team);
bool renameTeam(QSqlDatabase &db, const QString &teamId, const QString &name);
bool deleteTeam(QSqlDatabase &db, const QString &teamId); // with its memberships and invitations

bool userExists(QSqlDatabase &db, const QString &userId);
QList<Membership> memberships(QSqlDatabase &db, const QString &teamId);
std::optional<Membership> membership(QSqlDatabase &db, const QString &teamId, const QString &membershipId);
std::optional<Membership> membershipOfUser(QSqlDatabase &db, const QString &teamId, const QString &userId);
// False when the user is already a member of the team.
bool insertMembership(QSqlDatabase &db, const Membership &membership);
bool setMembershipRoles(QSqlDatabase &db, const QString &membershipId, const QStringList &roles);
// Gives a membership of the team new roles, or removes it (no roles given), unless that leaves the
// team without an owner. One transaction with the team locked (PostgreSQL: its row FOR UPDATE), so
// two owners demoted at once on any nodes cannot both count the other as the owner who stays.
struct MembershipChange {
    enum Outcome { Done, NotFound, LastOwner } outcome = NotFound;
    Membership before;
};
MembershipChange changeMembership(QSqlDatabase &db, const QString &teamId, const QString &membershipId,
                                  const std::optional<QStringList> &roles, const QString &ownerRole);
bool deleteMembership(QSqlDatabase &db, const QString &membershipId);
// Every membership of every team, by user: the snapshot the authenticator reads.
QHash<QString, QList<TeamMembership>> allMemberships(QSqlDatabase &db);

void insertInvitation(QSqlDatabase &db, const Invitation &invitation, const QByteArray &tokenHash);
QList<Invitation> invitations(QSqlDatabase &db, const QString &teamId);
std::optional<Invitation> invitation(QSqlDatabase &db, const QString &teamId, const QString &invitationId);
std::optional<Invitation> invitationByTokenHash(QSqlDatabase &db, const QByteArray &tokenHash);
// Marks it revoked unless it was accepted or revoked already.
bool revokeInvitation(QSqlDatabase &db, const QString &invitationId, qint64 nowMs);
// Marks it accepted (once: false when it was accepted or revoked meanwhile) and gives `userId` its
// roles in the team (added to a membership the user already has), as one transaction.
std::optional<Membership> acceptInvitation(QSqlDatabase &db, const Invitation &invitation,
                                           const QString &userId, const QString &newMembershipId,
                                           qint64 nowMs);

} // namespace TeamsStore

} // namespace Meshdeck::Auth
