#include "services/auth/teamsservice.h"

#include "platform/access.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QUuid>

#include <QCoroFuture>

#include <sodium.h>

#include <algorithm>

Q_LOGGING_CATEGORY(lcTeams, "meshdeck.backend.auth.teams")

namespace Meshdeck::Auth {

namespace {

const QString Topic = QStringLiteral("auth");
const QString Owner = QStringLiteral("owner");
constexpr int MaxNameLength = 100;
constexpr int MaxRoles = 16;

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Result<QString> checkName(const QString &raw)
{
    const QString name = raw.trimmed();
    if (name.isEmpty() || name.size() > MaxNameLength)
        return Error::invalid(QStringLiteral("name"),
                              QStringLiteral("A team name has 1 to %1 characters.").arg(MaxNameLength));
    if (std::any_of(name.begin(), name.end(), [](QChar c) { return c.category() == QChar::Other_Control; }))
        return Error::invalid(QStringLiteral("name"),
                              QStringLiteral("A team name has no control characters."));
    return name;
}

Result<QString> checkEmail(const QString &raw)
{
    const QString email = raw.trimmed();
    const qsizetype at = email.indexOf(QLatin1Char('@'));
    if (email.size() > 254 || at <= 0 || at == email.size() - 1 || email.contains(QLatin1Char(' ')))
        return Error::invalid(QStringLiteral("email"),
                              QStringLiteral("Give the invitee's email address, like name@example.com."));
    return email;
}

bool isOwner(const QStringList &roles)
{
    return roles.contains(Owner);
}

QJsonObject membershipEvent(const QString &change, const QString &teamId, const QString &userId,
                            const QStringList &roles)
{
    return QJsonObject{{QStringLiteral("change"), change},
                       {QStringLiteral("teamId"), teamId},
                       {QStringLiteral("userId"), userId},
                       {QStringLiteral("roles"), QJsonArray::fromStringList(roles)}};
}

// The teams a read may see: all with a full grant, the caller's own with a documents grant.
Result<TeamScope> readScope(const Principal &actor)
{
    const Access::Decision d = Access::authorize(actor, "auth.teams.read");
    if (!d.allowed)
        return Error::forbidden(d.summary());
    if (d.grant == Access::Grant::Full)
        return TeamScope{true, {}};
    return TeamScope{false, actor.userId};
}

Error teamNotFound(const QString &teamId)
{
    return Error::notFound(QStringLiteral("There is no team '%1' you can see.").arg(teamId),
                           "team-not-found");
}

Error membershipNotFound(const QString &id)
{
    return Error::notFound(QStringLiteral("The team has no membership '%1'.").arg(id),
                           "membership-not-found");
}

} // namespace

TeamsService::TeamsService(Storage::Database *db, EventPublisher *events, TeamsSettings settings,
                           const Clock &clock)
    : m_db(db)
    , m_events(events)
    , m_settings(settings)
    , m_clock(clock)
    , m_memberships(std::make_shared<const QHash<QString, QList<TeamMembership>>>())
{
    if (sodium_init() < 0)
        qCCritical(lcTeams) << "libsodium failed to initialise";
}

// Tasks are named and awaited in a statement of their own: GCC 12 destroys temporaries of a
// co_await full-expression twice (the house pattern, as in registryservice.cpp).
QCoro::Task<QString> TeamsService::start()
{
    if (m_events) {
        auto topicTask = m_events->ensureSystemTopic(Topic, QByteArrayLiteral("auth.users.read"));
        const Result<void> topic = co_await topicTask;
        if (!topic)
            co_return QStringLiteral("teams: cannot create the auth topic: %1").arg(topic.error().reason);
    }
    auto loadedTask = refresh();
    const Result<void> loaded = co_await loadedTask;
    if (!loaded)
        co_return QStringLiteral("teams: cannot load memberships: %1").arg(loaded.error().reason);
    co_return QString();
}

QCoro::Task<Result<void>> TeamsService::refresh()
{
    auto loadedTask = m_db->attempt([](QSqlDatabase &db) { return TeamsStore::allMemberships(db); });
    const auto loaded = co_await loadedTask;
    if (!loaded)
        co_return loaded.error();
    auto snapshot = std::make_shared<const QHash<QString, QList<TeamMembership>>>(*loaded);
    QMutexLocker lock(&m_mutex);
    m_memberships = std::move(snapshot);
    co_return Result<void>();
}

QList<TeamMembership> TeamsService::membershipsOf(const QString &userId) const
{
    std::shared_ptr<const QHash<QString, QList<TeamMembership>>> snapshot;
    {
        QMutexLocker lock(&m_mutex);
        snapshot = m_memberships;
    }
    return snapshot->value(userId);
}

QByteArray TeamsService::hashToken(QByteArrayView token)
{
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char *>(token.data()),
                       quint64(token.size()), nullptr, 0);
    return QByteArray(reinterpret_cast<const char *>(hash), sizeof hash).toHex();
}

Result<QStringList> TeamsService::checkRoles(const QJsonValue &value)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9_-]{0,31}$"));
    const Error bad = Error::invalid(
        QStringLiteral("roles"),
        QStringLiteral(
            "roles is a list of 1 to %1 team roles such as \"owner\" or \"member\" (lower-case letters, "
            "digits, '-' and '_', at most 32 characters each).")
            .arg(MaxRoles));
    if (!value.isArray())
        return bad;
    QStringList roles;
    for (const QJsonValue &entry : value.toArray()) {
        if (!entry.isString() || !pattern.match(entry.toString()).hasMatch())
            return bad;
        if (!roles.contains(entry.toString()))
            roles << entry.toString();
    }
    if (roles.isEmpty() || roles.size() > MaxRoles)
        return bad;
    return roles;
}

std::optional<Error> TeamsService::mayManage(const Principal &actor, const QString &teamId) const
{
    const Access::Decision d = Access::authorize(actor, "auth.teams.write");
    if (!d.allowed)
        return Error::forbidden(d.summary());
    if (d.grant == Access::Grant::Full)
        return std::nullopt;
    const bool owns = std::any_of(actor.teams.begin(), actor.teams.end(), [&teamId](const TeamMembership &m) {
        return m.teamId == teamId && isOwner(m.roles);
    });
    if (owns)
        return std::nullopt;
    return Error::forbidden(
        QStringLiteral(
            "You manage only the teams where you hold the owner role; ask an owner of the team or an admin."),
        "not-team-owner");
}

QCoro::Task<Result<Team>> TeamsService::manageableTeam(Principal actor, QString teamId)
{
    const Result<TeamScope> scope = readScope(actor);
    if (!scope)
        co_return scope.error();
    auto foundTask = m_db->attempt(
        [teamId, visible = *scope](QSqlDatabase &db) { return TeamsStore::team(db, teamId, visible); });
    const auto found = co_await foundTask;
    if (!found)
        co_return found.error();
    if (!*found)
        co_return teamNotFound(teamId);
    if (const std::optional<Error> refused = mayManage(actor, teamId))
        co_return *refused;
    co_return **found;
}

QCoro::Task<void> TeamsService::publish(QString type, QString key, QJsonObject data)
{
    if (!m_events)
        co_return;
    const QByteArray json = QJsonDocument(data).toJson(QJsonDocument::Compact);
    QList<EventInput> events; // built before co_await: GCC 12 rejects an initializer list inside it
    events.append(EventInput{type, key, json, {}});
    auto publishedTask = m_events->publishEvents(Topic, events, QString());
    const Result<QList<qint64>> published = co_await publishedTask;
    if (!published)
        qCWarning(lcTeams) << "could not publish" << type << ":" << published.error().reason;
}

QCoro::Task<Result<void>> TeamsService::changed(QString type, QString key, QJsonObject data)
{
    auto reloadedTask = refresh();
    // The change is committed: a failed reload only delays the snapshot until the next refresh.
    const Result<void> reloaded = co_await reloadedTask;
    if (!reloaded)
        qCWarning(lcTeams) << "memberships snapshot not reloaded:" << reloaded.error().reason;
    auto publishing = publish(type, key, data);
    co_await publishing;
    co_return Result<void>();
}

QCoro::Task<Result<QList<Team>>> TeamsService::teams(Principal actor)
{
    const Result<TeamScope> scope = readScope(actor);
    if (!scope)
        co_return scope.error();
    auto pending =
        m_db->attempt([visible = *scope](QSqlDatabase &db) { return TeamsStore::teams(db, visible); });
    co_return co_await pending;
}

QCoro::Task<Result<Team>> TeamsService::team(Principal actor, QString teamId)
{
    const Result<TeamScope> scope = readScope(actor);
    if (!scope)
        co_return scope.error();
    auto foundTask = m_db->attempt(
        [teamId, visible = *scope](QSqlDatabase &db) { return TeamsStore::team(db, teamId, visible); });
    const auto found = co_await foundTask;
    if (!found)
        co_return found.error();
    if (!*found)
        co_return teamNotFound(teamId);
    co_return **found;
}

QCoro::Task<Result<Team>> TeamsService::createTeam(Principal actor, QString name)
{
    const Access::Decision d = Access::authorize(actor, "auth.teams.write");
    if (!d.allowed)
        co_return Error::forbidden(d.summary());
    const Result<QString> checked = checkName(name);
    if (!checked)
        co_return checked.error();
    const qint64 now = m_clock.nowMs();
    const Team created{newId(), *checked, now, actor.userId.isEmpty() ? 0 : 1};
    // The creator owns it (the admin token is nobody's user: its teams start without an owner).
    std::optional<Membership> owner;
    if (!actor.userId.isEmpty())
        owner = Membership{newId(), created.id, actor.userId, {}, {}, {Owner}, now};
    auto storedTask = m_db->attempt([created, owner](QSqlDatabase &db) {
        Storage::Transaction tx(db);
        TeamsStore::insertTeam(db, created);
        if (owner)
            TeamsStore::insertMembership(db, *owner);
        tx.commit();
    });
    const auto stored = co_await storedTask;
    if (!stored)
        co_return stored.error();
    const QJsonObject event{{QStringLiteral("teamId"), created.id},
                            {QStringLiteral("name"), created.name},
                            {QStringLiteral("createdBy"), actor.actor()}};
    auto publishing = publish(QStringLiteral("auth.team.created"), created.id, event);
    co_await publishing;
    if (owner) {
        auto steping =
            changed(QStringLiteral("auth.team.membership.changed"), created.id,
                    membershipEvent(QStringLiteral("added"), created.id, owner->userId, owner->roles));
        co_await steping;
    }
    co_return created;
}

QCoro::Task<Result<Change<Team>>> TeamsService::renameTeam(Principal actor, QString teamId, QString name)
{
    const Result<QString> checked = checkName(name);
    if (!checked)
        co_return checked.error();
    auto beforeTask = manageableTeam(actor, teamId);
    const Result<Team> before = co_await beforeTask;
    if (!before)
        co_return before.error();
    const QString newName = *checked;
    auto renamedTask = m_db->attempt(
        [teamId, newName](QSqlDatabase &db) { return TeamsStore::renameTeam(db, teamId, newName); });
    const auto renamed = co_await renamedTask;
    if (!renamed)
        co_return renamed.error();
    if (!*renamed)
        co_return teamNotFound(teamId);
    Team after = *before;
    after.name = newName;
    const QJsonObject event{{QStringLiteral("teamId"), teamId}, {QStringLiteral("name"), newName}};
    auto publishing = publish(QStringLiteral("auth.team.updated"), teamId, event);
    co_await publishing;
    co_return Change<Team>{*before, after};
}

QCoro::Task<Result<Team>> TeamsService::deleteTeam(Principal actor, QString teamId)
{
    auto beforeTask = manageableTeam(actor, teamId);
    const Result<Team> before = co_await beforeTask;
    if (!before)
        co_return before.error();
    auto deletedTask =
        m_db->attempt([teamId](QSqlDatabase &db) { return TeamsStore::deleteTeam(db, teamId); });
    const auto deleted = co_await deletedTask;
    if (!deleted)
        co_return deleted.error();
    if (!*deleted)
        co_return teamNotFound(teamId);
    const QJsonObject event{{QStringLiteral("teamId"), teamId}};
    auto reloading = changed(QStringLiteral("auth.team.deleted"), teamId, event);
    co_await reloading;
    co_return *before;
}

QCoro::Task<Result<QList<Membership>>> TeamsService::memberships(Principal actor, QString teamId)
{
    auto visibleTask = team(actor, teamId);
    const Result<Team> visible = co_await visibleTask;
    if (!visible)
        co_return visible.error();
    auto pending = m_db->attempt([teamId](QSqlDatabase &db) { return TeamsStore::memberships(db, teamId); });
    co_return co_await pending;
}

QCoro::Task<Result<Membership>> TeamsService::addMembership(Principal actor, QString teamId, QString userId,
                                                            QStringList roles)
{
    if (userId.isEmpty())
        co_return Error::invalid(QStringLiteral("userId"), QStringLiteral("Name the user to add (userId)."));
    auto teamTask = manageableTeam(actor, teamId);
    const Result<Team> team = co_await teamTask;
    if (!team)
        co_return team.error();
    const Membership wanted{newId(), teamId, userId, {}, {}, roles, m_clock.nowMs()};
    enum class Outcome { Added, NoUser, Exists };
    auto addedTask = m_db->attempt([wanted](QSqlDatabase &db) {
        if (!TeamsStore::userExists(db, wanted.userId))
            return std::pair(Outcome::NoUser, std::optional<Membership>());
        if (!TeamsStore::insertMembership(db, wanted))
            return std::pair(Outcome::Exists, std::optional<Membership>());
        return std::pair(Outcome::Added, TeamsStore::membership(db, wanted.teamId, wanted.id));
    });
    const auto added = co_await addedTask;
    if (!added)
        co_return added.error();
    if (added->first == Outcome::NoUser)
        co_return Error::invalid(QStringLiteral("userId"),
                                 QStringLiteral("There is no user '%1'.").arg(userId), "user-not-found");
    if (added->first == Outcome::Exists || !added->second)
        co_return Error::conflict(
            QStringLiteral("The user is a member of this team already; change their roles "
                           "instead."),
            "already-member");
    auto reloading = changed(QStringLiteral("auth.team.membership.changed"), teamId,
                             membershipEvent(QStringLiteral("added"), teamId, userId, roles));
    co_await reloading;
    co_return *added->second;
}

QCoro::Task<Result<Change<Membership>>> TeamsService::changeMembership(Principal actor, QString teamId,
                                                                       QString membershipId,
                                                                       std::optional<QStringList> roles)
{
    auto teamTask = manageableTeam(actor, teamId);
    const Result<Team> team = co_await teamTask;
    if (!team)
        co_return team.error();
    auto changeTask = m_db->attempt([teamId, membershipId, roles](QSqlDatabase &db) {
        return TeamsStore::changeMembership(db, teamId, membershipId, roles, Owner);
    });
    const Result<TeamsStore::MembershipChange> change = co_await changeTask;
    if (!change)
        co_return change.error();
    switch (change->outcome) {
    case TeamsStore::MembershipChange::NotFound:
        co_return membershipNotFound(membershipId);
    case TeamsStore::MembershipChange::LastOwner:
        co_return Error::conflict(
            roles ? QStringLiteral("This is the team's last owner; make another member an "
                                   "owner first.")
                  : QStringLiteral("This is the team's last owner; make another member an "
                                   "owner first, or delete the team."),
            "last-owner");
    case TeamsStore::MembershipChange::Done:
        break;
    }
    const Membership &before = change->before;
    std::optional<Membership> after;
    if (roles) {
        after = before;
        after->roles = *roles;
    }
    auto reloading = changed(QStringLiteral("auth.team.membership.changed"), teamId,
                             membershipEvent(roles ? QStringLiteral("updated") : QStringLiteral("removed"),
                                             teamId, before.userId, roles ? *roles : before.roles));
    co_await reloading;
    co_return Change<Membership>{before, after};
}

QCoro::Task<Result<Change<Membership>>>
TeamsService::setMembershipRoles(Principal actor, QString teamId, QString membershipId, QStringList roles)
{
    auto changing =
        changeMembership(std::move(actor), std::move(teamId), std::move(membershipId), std::move(roles));
    co_return co_await changing;
}

QCoro::Task<Result<Membership>> TeamsService::removeMembership(Principal actor, QString teamId,
                                                               QString membershipId)
{
    auto removing =
        changeMembership(std::move(actor), std::move(teamId), std::move(membershipId), std::nullopt);
    const Result<Change<Membership>> removed = co_await removing;
    if (!removed)
        co_return removed.error();
    co_return *removed->before;
}

QCoro::Task<Result<CreatedInvitation>> TeamsService::invite(Principal actor, QString teamId, QString email,
                                                            QStringList roles)
{
    const Result<QString> checked = checkEmail(email);
    if (!checked)
        co_return checked.error();
    auto teamTask = manageableTeam(actor, teamId);
    const Result<Team> team = co_await teamTask;
    if (!team)
        co_return team.error();
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    const QByteArray token =
        "mdi_" + QByteArray(reinterpret_cast<const char *>(random), sizeof random)
                     .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const qint64 now = m_clock.nowMs();
    const Invitation invitation{
        newId(), teamId, *checked, roles, actor.actor(), now, now + m_settings.invitationLifetimeMs, 0, 0};
    const QByteArray hash = hashToken(token);
    auto storedTask = m_db->attempt(
        [invitation, hash](QSqlDatabase &db) { TeamsStore::insertInvitation(db, invitation, hash); });
    const auto stored = co_await storedTask;
    if (!stored)
        co_return stored.error();
    const QJsonObject event{{QStringLiteral("teamId"), teamId},
                            {QStringLiteral("invitationId"), invitation.id},
                            {QStringLiteral("email"), invitation.email},
                            {QStringLiteral("roles"), QJsonArray::fromStringList(roles)}};
    auto publishing = publish(QStringLiteral("auth.team.invitation.created"), teamId, event);
    co_await publishing;
    co_return CreatedInvitation{token, invitation};
}

QCoro::Task<Result<QList<Invitation>>> TeamsService::invitations(Principal actor, QString teamId)
{
    auto teamTask = manageableTeam(actor, teamId);
    const Result<Team> team = co_await teamTask;
    if (!team)
        co_return team.error();
    auto pending = m_db->attempt([teamId](QSqlDatabase &db) { return TeamsStore::invitations(db, teamId); });
    co_return co_await pending;
}

QCoro::Task<Result<Change<Invitation>>> TeamsService::revokeInvitation(Principal actor, QString teamId,
                                                                       QString invitationId)
{
    auto teamTask = manageableTeam(actor, teamId);
    const Result<Team> team = co_await teamTask;
    if (!team)
        co_return team.error();
    const qint64 now = m_clock.nowMs();
    auto revokedTask = m_db->attempt([teamId, invitationId, now](QSqlDatabase &db) {
        const std::optional<Invitation> before = TeamsStore::invitation(db, teamId, invitationId);
        const bool changed = before && TeamsStore::revokeInvitation(db, invitationId, now);
        return std::pair(before, changed);
    });
    const auto revoked = co_await revokedTask;
    if (!revoked)
        co_return revoked.error();
    const auto &[before, done] = *revoked;
    if (!before)
        co_return Error::notFound(QStringLiteral("The team has no invitation '%1'.").arg(invitationId),
                                  "invitation-not-found");
    if (!done)
        co_return Error::conflict(QStringLiteral("The invitation was accepted or revoked already."),
                                  before->acceptedAtMs ? QByteArrayLiteral("invitation-used")
                                                       : QByteArrayLiteral("invitation-revoked"));
    Invitation after = *before;
    after.revokedAtMs = now;
    const QJsonObject event{{QStringLiteral("teamId"), teamId},
                            {QStringLiteral("invitationId"), invitationId}};
    auto publishing = publish(QStringLiteral("auth.team.invitation.revoked"), teamId, event);
    co_await publishing;
    co_return Change<Invitation>{before, after};
}

QCoro::Task<Result<Membership>> TeamsService::acceptInvitation(Principal actor, QByteArray token)
{
    if (actor.kind != Principal::Kind::User || actor.userId.isEmpty())
        co_return Error::forbidden(
            QStringLiteral("Sign in as the invited person to accept an invitation (an API key "
                           "or the admin token cannot)."),
            "invitation-needs-user");
    const QByteArray hash = hashToken(token);
    auto foundTask =
        m_db->attempt([hash](QSqlDatabase &db) { return TeamsStore::invitationByTokenHash(db, hash); });
    const auto found = co_await foundTask;
    if (!found)
        co_return found.error();
    const Error unknown = Error::notFound(QStringLiteral("No invitation has this token; ask for a new one."),
                                          "invitation-not-found");
    if (token.isEmpty() || !*found)
        co_return unknown;
    const Invitation invitation = **found;
    if (invitation.email.compare(actor.name, Qt::CaseInsensitive) != 0)
        co_return Error::forbidden(
            QStringLiteral("This invitation is for another email address; sign in as %1 to "
                           "accept it.")
                .arg(invitation.email),
            "invitation-email-mismatch");
    const qint64 now = m_clock.nowMs();
    if (invitation.revokedAtMs)
        co_return Error::conflict(QStringLiteral("The invitation was revoked; ask for a new one."),
                                  "invitation-revoked");
    if (invitation.acceptedAtMs)
        co_return Error::conflict(QStringLiteral("The invitation was accepted already."), "invitation-used");
    if (invitation.expiresAtMs <= now)
        co_return Error::conflict(QStringLiteral("The invitation has expired; ask for a new one."),
                                  "invitation-expired");
    const QString userId = actor.userId;
    const QString membershipId = newId();
    auto joinedTask = m_db->attempt([invitation, userId, membershipId, now](QSqlDatabase &db) {
        return TeamsStore::acceptInvitation(db, invitation, userId, membershipId, now);
    });
    const auto joined = co_await joinedTask;
    if (!joined)
        co_return joined.error();
    if (!*joined)
        co_return Error::conflict(QStringLiteral("The invitation was accepted or revoked meanwhile."),
                                  "invitation-used");
    const QJsonObject event{{QStringLiteral("teamId"), invitation.teamId},
                            {QStringLiteral("invitationId"), invitation.id},
                            {QStringLiteral("userId"), userId}};
    auto publishing = publish(QStringLiteral("auth.team.invitation.accepted"), invitation.teamId, event);
    co_await publishing;
    auto steping =
        changed(QStringLiteral("auth.team.membership.changed"), invitation.teamId,
                membershipEvent(QStringLiteral("joined"), invitation.teamId, userId, (*joined)->roles));
    co_await steping;
    co_return **joined;
}

} // namespace Meshdeck::Auth
