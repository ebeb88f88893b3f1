#pragma once

#include "services/auth/teamsstore.h"

#include "platform/clock.h"
#include "platform/eventpublisher.h"
#include "platform/principal.h"
#include "platform/result.h"
#include "platform/service.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QMutex>

#include <QCoroTask>

#include <memory>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Auth {

struct TeamsSettings {
    qint64 invitationLifetimeMs = 7LL * 24 * 3600 * 1000;
};

// A change, as the audit log records it: the state before and after (null where there is none).
template<typename T> struct Change {
    std::optional<T> before;
    std::optional<T> after;
};

struct CreatedInvitation {
    QByteArray token; // shown once to the inviter; only its hash is stored
    Invitation invitation;
};

// Teams, memberships (team roles: "owner", "member" or custom names) and invitations by email.
// Rules: an admin manages every team; anyone else with auth.teams.write manages only the teams
// where they hold the "owner" role; the creator of a team becomes its owner; a team that has an
// owner keeps at least one. Reads with a documents grant see only the caller's own teams. Every
// change is published on the "auth" topic. membershipsOf() is read by the authenticator on every
// request, from any thread.
class TeamsService : public Service
{
public:
    TeamsService(Storage::Database *db, EventPublisher *events, TeamsSettings settings = {},
                 const Clock &clock = Clock::system());

    QString name() const override { return QStringLiteral("teams"); }
    QCoro::Task<QString> start() override;

    // Reloads the memberships snapshot (a cluster calls it every poll).
    QCoro::Task<Result<void>> refresh();
    QList<TeamMembership> membershipsOf(const QString &userId) const;

    QCoro::Task<Result<QList<Team>>> teams(Principal actor);
    QCoro::Task<Result<Team>> team(Principal actor, QString teamId);
    QCoro::Task<Result<Team>> createTeam(Principal actor, QString name);
    QCoro::Task<Result<Change<Team>>> renameTeam(Principal actor, QString teamId, QString name);
    QCoro::Task<Result<Team>> deleteTeam(Principal actor, QString teamId); // the team as it was

    QCoro::Task<Result<QList<Membership>>> memberships(Principal actor, QString teamId);
    QCoro::Task<Result<Membership>> addMembership(Principal actor, QString teamId, QString userId,
                                                  QStringList roles);
    QCoro::Task<Result<Change<Membership>>> setMembershipRoles(Principal actor, QString teamId,
                                                               QString membershipId, QStringList roles);
    QCoro::Task<Result<Membership>> removeMembership(Principal actor, QString teamId, QString membershipId);

    QCoro::Task<Result<CreatedInvitation>> invite(Principal actor, QString teamId, QString email,
                                                  QStringList roles);
    QCoro::Task<Result<QList<Invitation>>> invitations(Principal actor, QString teamId);
    QCoro::Task<Result<Change<Invitation>>> revokeInvitation(Principal actor, QString teamId,
                                                             QString invitationId);
    // The signed-in user whose email the invitation names joins the team, once, before it expires.
    QCoro::Task<Result<Membership>> acceptInvitation(Principal actor, QByteArray token);

    static QByteArray hashToken(QByteArrayView token); // BLAKE2b-256, hex
    // Validated, de-duplicated team roles; Invalid (field "roles") otherwise.
    static Result<QStringList> checkRoles(const QJsonValue &roles);

private:
    // nullopt: the actor may manage the team; otherwise why not (NotFound when it may not even see it).
    std::optional<Error> mayManage(const Principal &actor, const QString &teamId) const;
    QCoro::Task<Result<Team>> manageableTeam(Principal actor, QString teamId);
    // New roles for a membership, or its removal (no roles); never the team's last owner.
    QCoro::Task<Result<Change<Membership>>>
    changeMembership(Principal actor, QString teamId, QString membershipId, std::optional<QStringList> roles);
    QCoro::Task<void> publish(QString type, QString key, QJsonObject data);
    QCoro::Task<Result<void>> changed(QString type, QString key, QJsonObject data);

    Storage::Database *m_db;
    EventPublisher *m_events;
    TeamsSettings m_settings;
    const Clock &m_clock;
    mutable QMutex m_mutex;
    std::shared_ptr<const QHash<QString, QList<TeamMembership>>> m_memberships;
};

} // namespace Meshdeck::Auth
