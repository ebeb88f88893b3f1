#include "services/auth/teamsroutes.h"

#include "services/auth/teamsservice.h"

#include "http/problem.h"
#include "http/router.h"
#include "platform/clock.h"

#include <QJsonArray>

#include <QCoroTask>

namespace Meshdeck::Auth {

using namespace Meshdeck::Http;

namespace {

constexpr qint64 MaxBody = 16 * 1024;

// ---------------------------------------------------------------------------------------------
// Schemas. Times are ISO 8601 in UTC with milliseconds.

constexpr QByteArrayView TeamSchema = R"json({
    "type": "object", "required": ["id", "name", "createdAt", "memberCount"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "createdAt": {"type": "string", "format": "date-time"},
        "memberCount": {"type": "integer", "minimum": 0}
    }
})json";

constexpr QByteArrayView MembershipSchema = R"json({
    "type": "object", "required": ["id", "teamId", "userId", "email", "name", "roles", "joinedAt"],
    "properties": {
        "id": {"type": "string"},
        "teamId": {"type": "string"},
        "userId": {"type": "string"},
        "email": {"type": "string", "description": "the user's email address"},
        "name": {"type": "string", "description": "the user's display name"},
        "roles": {"type": "array", "items": {"type": "string"},
                  "description": "team roles: owner (manages the team), member, or custom names"},
        "joinedAt": {"type": "string", "format": "date-time"}
    }
})json";

constexpr QByteArrayView InvitationSchema = R"json({
    "type": "object",
    "required": ["id", "teamId", "email", "roles", "createdBy", "createdAt", "expiresAt", "acceptedAt", "revokedAt"],
    "properties": {
        "id": {"type": "string"},
        "teamId": {"type": "string"},
        "email": {"type": "string", "description": "who may accept it (compared case-insensitively)"},
        "roles": {"type": "array", "items": {"type": "string"}},
        "createdBy": {"type": "string", "description": "the inviter: user:ID, key:ID or admin-token"},
        "createdAt": {"type": "string", "format": "date-time"},
        "expiresAt": {"type": "string", "format": "date-time"},
        "acceptedAt": {"type": "string", "format": "date-time", "nullable": true},
        "revokedAt": {"type": "string", "format": "date-time", "nullable": true}
    }
})json";

constexpr QByteArrayView TeamListSchema = R"json({
    "type": "object", "required": ["teams"],
    "properties": {"teams": {"type": "array", "items": {"$ref": "#/components/schemas/Team"}}}
})json";

constexpr QByteArrayView MembershipListSchema = R"json({
    "type": "object", "required": ["memberships"],
    "properties": {"memberships": {"type": "array", "items": {"$ref": "#/components/schemas/TeamMembership"}}}
})json";

constexpr QByteArrayView InvitationListSchema = R"json({
    "type": "object", "required": ["invitations"],
    "properties": {"invitations": {"type": "array", "items": {"$ref": "#/components/schemas/TeamInvitation"}}}
})json";

constexpr QByteArrayView CreatedInvitationSchema = R"json({
    "type": "object", "required": ["token", "invitation"],
    "properties": {
        "token": {"type": "string", "description": "shown once: give it to the invitee (no mail is sent); only its hash is stored"},
        "invitation": {"$ref": "#/components/schemas/TeamInvitation"}
    }
})json";

constexpr QByteArrayView TeamRef = R"json({"$ref": "#/components/schemas/Team"})json";
constexpr QByteArrayView MembershipRef = R"json({"$ref": "#/components/schemas/TeamMembership"})json";

constexpr QByteArrayView NameBody = R"json({
    "type": "object", "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100}}
})json";

constexpr QByteArrayView RolesProperty = R"json({"type": "array", "minItems": 1, "maxItems": 16,
    "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,31}$"}})json";

QByteArray membershipBody()
{
    return QByteArrayLiteral(R"json({"type": "object", "required": ["userId", "roles"],
        "properties": {"userId": {"type": "string", "minLength": 1}, "roles": )json") +
           RolesProperty.toByteArray() + "}}";
}

QByteArray rolesBody()
{
    return QByteArrayLiteral(
               R"json({"type": "object", "required": ["roles"], "properties": {"roles": )json") +
           RolesProperty.toByteArray() + "}}";
}

QByteArray invitationBody()
{
    return QByteArrayLiteral(R"json({"type": "object", "required": ["email", "roles"],
        "properties": {"email": {"type": "string", "format": "email", "maxLength": 254}, "roles": )json") +
           RolesProperty.toByteArray() + "}}";
}

constexpr QByteArrayView AcceptBody = R"json({
    "type": "object", "required": ["token"],
    "properties": {"token": {"type": "string", "minLength": 1, "maxLength": 256}}
})json";

// ---------------------------------------------------------------------------------------------
// JSON.

QJsonValue optionalTime(qint64 ms)
{
    return ms == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(isoTime(ms));
}

QJsonObject teamJson(const Team &t)
{
    return QJsonObject{{QStringLiteral("id"), t.id},
                       {QStringLiteral("name"), t.name},
                       {QStringLiteral("createdAt"), isoTime(t.createdAtMs)},
                       {QStringLiteral("memberCount"), t.memberCount}};
}

QJsonObject membershipJson(const Membership &m)
{
    return QJsonObject{{QStringLiteral("id"), m.id},
                       {QStringLiteral("teamId"), m.teamId},
                       {QStringLiteral("userId"), m.userId},
                       {QStringLiteral("email"), m.email},
                       {QStringLiteral("name"), m.name},
                       {QStringLiteral("roles"), QJsonArray::fromStringList(m.roles)},
                       {QStringLiteral("joinedAt"), isoTime(m.joinedAtMs)}};
}

QJsonObject invitationJson(const Invitation &i)
{
    return QJsonObject{{QStringLiteral("id"), i.id},
                       {QStringLiteral("teamId"), i.teamId},
                       {QStringLiteral("email"), i.email},
                       {QStringLiteral("roles"), QJsonArray::fromStringList(i.roles)},
                       {QStringLiteral("createdBy"), i.createdBy},
                       {QStringLiteral("createdAt"), isoTime(i.createdAtMs)},
                       {QStringLiteral("expiresAt"), isoTime(i.expiresAtMs)},
                       {QStringLiteral("acceptedAt"), optionalTime(i.acceptedAtMs)},
                       {QStringLiteral("revokedAt"), optionalTime(i.revokedAtMs)}};
}

template<typename T, typename ToJson> QJsonValue orNull(const std::optional<T> &value, ToJson toJson)
{
    return value ? QJsonValue(toJson(*value)) : QJsonValue(QJsonValue::Null);
}

QString param(const Request &request, const char *name)
{
    return request.pathParams.value(QString::fromLatin1(name));
}

QString teamResource(const QString &teamId)
{
    return QStringLiteral("team:") + teamId;
}

Response withAudit(Response response, QString resource, QJsonValue before, QJsonValue after)
{
    response.audit = AuditNote{std::move(resource), std::move(before), std::move(after)};
    return response;
}

// The body as a JSON object, or the 400 that says why not.
std::optional<Response> readBody(const Request &request, QJsonObject *body)
{
    QString error;
    if (request.jsonObject(body, &error))
        return std::nullopt;
    return problem(request, Error::invalid(QString(), error));
}

// ---------------------------------------------------------------------------------------------
// Handlers. Each names its service task and awaits it in a statement of its own: GCC 12 destroys
// temporaries of a co_await full-expression twice.

QCoro::Task<Response> listTeams(TeamsService *service, Request request)
{
    auto teamsTask = service->teams(*request.principal);
    const Result<QList<Team>> teams = co_await teamsTask;
    if (!teams)
        co_return problem(request, teams.error());
    QJsonArray out;
    for (const Team &t : *teams)
        out.append(teamJson(t));
    co_return Response::json(200, QJsonObject{{QStringLiteral("teams"), out}});
}

QCoro::Task<Response> getTeam(TeamsService *service, Request request)
{
    auto teamTask = service->team(*request.principal, param(request, "teamId"));
    const Result<Team> team = co_await teamTask;
    if (!team)
        co_return problem(request, team.error());
    co_return Response::json(200, teamJson(*team));
}

QCoro::Task<Response> createTeam(TeamsService *service, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const QJsonValue name = body.value(QStringLiteral("name"));
    if (!name.isString())
        co_return problem(request,
                          Error::invalid(QStringLiteral("name"), QStringLiteral("Give the team a name.")));
    auto createdTask = service->createTeam(*request.principal, name.toString());
    const Result<Team> created = co_await createdTask;
    if (!created)
        co_return problem(request, created.error());
    Response r = Response::json(201, teamJson(*created));
    r.setHeader("location", "/v1/auth/teams/" + created->id.toUtf8());
    co_return withAudit(std::move(r), teamResource(created->id), QJsonValue(QJsonValue::Null),
                        teamJson(*created));
}

QCoro::Task<Response> renameTeam(TeamsService *service, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const QJsonValue name = body.value(QStringLiteral("name"));
    if (!name.isString())
        co_return problem(request,
                          Error::invalid(QStringLiteral("name"), QStringLiteral("Give the new name.")));
    const QString teamId = param(request, "teamId");
    auto changedTask = service->renameTeam(*request.principal, teamId, name.toString());
    const Result<Change<Team>> changed = co_await changedTask;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::json(200, teamJson(*changed->after)), teamResource(teamId),
                        orNull(changed->before, teamJson), orNull(changed->after, teamJson));
}

QCoro::Task<Response> deleteTeam(TeamsService *service, Request request)
{
    const QString teamId = param(request, "teamId");
    auto deletedTask = service->deleteTeam(*request.principal, teamId);
    const Result<Team> deleted = co_await deletedTask;
    if (!deleted)
        co_return problem(request, deleted.error());
    co_return withAudit(Response::noContent(), teamResource(teamId), teamJson(*deleted),
                        QJsonValue(QJsonValue::Null));
}

QCoro::Task<Response> listMemberships(TeamsService *service, Request request)
{
    auto membersTask = service->memberships(*request.principal, param(request, "teamId"));
    const Result<QList<Membership>> members = co_await membersTask;
    if (!members)
        co_return problem(request, members.error());
    QJsonArray out;
    for (const Membership &m : *members)
        out.append(membershipJson(m));
    co_return Response::json(200, QJsonObject{{QStringLiteral("memberships"), out}});
}

QString membershipResource(const QString &teamId, const QString &membershipId)
{
    return teamResource(teamId) + QStringLiteral("/membership:") + membershipId;
}

QCoro::Task<Response> addMembership(TeamsService *service, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const QJsonValue userId = body.value(QStringLiteral("userId"));
    if (!userId.isString())
        co_return problem(request, Error::invalid(QStringLiteral("userId"),
                                                  QStringLiteral("Name the user to add (userId).")));
    const Result<QStringList> roles = TeamsService::checkRoles(body.value(QStringLiteral("roles")));
    if (!roles)
        co_return problem(request, roles.error());
    const QString teamId = param(request, "teamId");
    auto addedTask = service->addMembership(*request.principal, teamId, userId.toString(), *roles);
    const Result<Membership> added = co_await addedTask;
    if (!added)
        co_return problem(request, added.error());
    co_return withAudit(Response::json(201, membershipJson(*added)), membershipResource(teamId, added->id),
                        QJsonValue(QJsonValue::Null), membershipJson(*added));
}

QCoro::Task<Response> updateMembership(TeamsService *service, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const Result<QStringList> roles = TeamsService::checkRoles(body.value(QStringLiteral("roles")));
    if (!roles)
        co_return problem(request, roles.error());
    const QString teamId = param(request, "teamId");
    const QString membershipId = param(request, "membershipId");
    auto changedTask = service->setMembershipRoles(*request.principal, teamId, membershipId, *roles);
    const Result<Change<Membership>> changed = co_await changedTask;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::json(200, membershipJson(*changed->after)),
                        membershipResource(teamId, membershipId), orNull(changed->before, membershipJson),
                        orNull(changed->after, membershipJson));
}

QCoro::Task<Response> removeMembership(TeamsService *service, Request request)
{
    const QString teamId = param(request, "teamId");
    const QString membershipId = param(request, "membershipId");
    auto removedTask = service->removeMembership(*request.principal, teamId, membershipId);
    const Result<Membership> removed = co_await removedTask;
    if (!removed)
        co_return problem(request, removed.error());
    co_return withAudit(Response::noContent(), membershipResource(teamId, membershipId),
                        membershipJson(*removed), QJsonValue(QJsonValue::Null));
}

QString invitationResource(const QString &teamId, const QString &invitationId)
{
    return teamResource(teamId) + QStringLiteral("/invitation:") + invitationId;
}

QCoro::Task<Response> invite(TeamsService *service, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const QJsonValue email = body.value(QStringLiteral("email"));
    if (!email.isString())
        co_return problem(request, Error::invalid(QStringLiteral("email"),
                                                  QStringLiteral("Give the invitee's email address.")));
    const Result<QStringList> roles = TeamsService::checkRoles(body.value(QStringLiteral("roles")));
    if (!roles)
        co_return problem(request, roles.error());
    const QString teamId = param(request, "teamId");
    auto createdTask = service->invite(*request.principal, teamId, email.toString(), *roles);
    const Result<CreatedInvitation> created = co_await createdTask;
    if (!created)
        co_return problem(request, created.error());
    const QJsonObject invitation = invitationJson(created->invitation);
    const QJsonObject out{{QStringLiteral("token"), QString::fromLatin1(created->token)},
                          {QStringLiteral("invitation"), invitation}};
    // The audit record gets the invitation, never its token.
    co_return withAudit(Response::json(201, out), invitationResource(teamId, created->invitation.id),
                        QJsonValue(QJsonValue::Null), invitation);
}

QCoro::Task<Response> listInvitations(TeamsService *service, Request request)
{
    auto invitationsTask = service->invitations(*request.principal, param(request, "teamId"));
    const Result<QList<Invitation>> invitations = co_await invitationsTask;
    if (!invitations)
        co_return problem(request, invitations.error());
    QJsonArray out;
    for (const Invitation &i : *invitations)
        out.append(invitationJson(i));
    co_return Response::json(200, QJsonObject{{QStringLiteral("invitations"), out}});
}

QCoro::Task<Response> revokeInvitation(TeamsService *service, Request request)
{
    const QString teamId = param(request, "teamId");
    const QString invitationId = param(request, "invitationId");
    auto changedTask = service->revokeInvitation(*request.principal, teamId, invitationId);
    const Result<Change<Invitation>> changed = co_await changedTask;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::noContent(), invitationResource(teamId, invitationId),
                        orNull(changed->before, invitationJson), orNull(changed->after, invitationJson));
}

QCoro::Task<Response> acceptInvitation(TeamsService *service, Request request)
{
    QJsonObject body;
    if (auto bad = readBody(request, &body))
        co_return std::move(*bad);
    const QJsonValue token = body.value(QStringLiteral("token"));
    if (!token.isString() || token.toString().isEmpty() || token.toString().size() > 256)
        co_return problem(request,
                          Error::invalid(QStringLiteral("token"),
                                         QStringLiteral("Give the invitation token you were sent.")));
    auto joinedTask = service->acceptInvitation(*request.principal, token.toString().toUtf8());
    const Result<Membership> joined = co_await joinedTask;
    if (!joined)
        co_return problem(request, joined.error());
    co_return withAudit(Response::json(200, membershipJson(*joined)),
                        membershipResource(joined->teamId, joined->id), QJsonValue(QJsonValue::Null),
                        membershipJson(*joined));
}

// ---------------------------------------------------------------------------------------------
// Documentation.

ParamDoc pathParam(const char *name, const char *description)
{
    ParamDoc p;
    p.name = name;
    p.in = "path";
    p.required = true;
    p.description = QString::fromUtf8(description);
    return p;
}

const ParamDoc TeamIdParam = pathParam("teamId", "The team's id.");

RouteOptions options(QByteArray operationId, QByteArray permission, const char *summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems,
                     std::vector<ParamDoc> parameters, QByteArray requestSchema = {})
{
    RouteOptions o;
    o.access = Access::Authenticated;
    o.maxBody = requestSchema.isEmpty() ? 0 : MaxBody;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("auth");
    o.operationId = std::move(operationId);
    o.permission = std::move(permission);
    o.requestSchema = std::move(requestSchema);
    o.parameters = std::move(parameters);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

ResponseDoc noContent(const char *description)
{
    return ResponseDoc{204, QString::fromUtf8(description), {}};
}

using Handler = QCoro::Task<Response> (*)(TeamsService *, Request);

void add(Router &router, TeamsService *service, QByteArray method, QByteArray pattern, Handler handler,
         RouteOptions options)
{
    router.add(std::move(method), std::move(pattern),
               AsyncHandler([service, handler](Request r) { return handler(service, std::move(r)); }),
               std::move(options));
}

} // namespace

void TeamsRoutes::install(Router &router, TeamsService *service)
{
    router.addSchema(QStringLiteral("Team"), TeamSchema);
    router.addSchema(QStringLiteral("TeamMembership"), MembershipSchema);
    router.addSchema(QStringLiteral("TeamInvitation"), InvitationSchema);
    const ParamDoc membershipId = pathParam("membershipId", "The membership's id.");
    const ParamDoc invitationId = pathParam("invitationId", "The invitation's id.");

    add(router, service, "GET", "/v1/auth/teams", listTeams,
        options("listTeams", "auth.teams.read",
                "The teams: all of them for admin, developer and support; the caller's own for a user.",
                {{200, QStringLiteral("The teams, oldest first."), TeamListSchema.toByteArray()}}, {403},
                {}));
    add(router, service, "POST", "/v1/auth/teams", createTeam,
        options("createTeam", "auth.teams.write", "Creates a team; the signed-in creator becomes its owner.",
                {{201, QStringLiteral("The team (Location: its URL)."), TeamRef.toByteArray()}}, {400, 403},
                {}, NameBody.toByteArray()));
    add(router, service, "GET", "/v1/auth/teams/{teamId}", getTeam,
        options("getTeam", "auth.teams.read", "One team.",
                {{200, QStringLiteral("The team."), TeamRef.toByteArray()}}, {403, 404}, {TeamIdParam}));
    add(router, service, "PATCH", "/v1/auth/teams/{teamId}", renameTeam,
        options("updateTeam", "auth.teams.write", "Renames a team (its owners and admins).",
                {{200, QStringLiteral("The team as it is now."), TeamRef.toByteArray()}}, {400, 403, 404},
                {TeamIdParam}, NameBody.toByteArray()));
    add(router, service, "DELETE", "/v1/auth/teams/{teamId}", deleteTeam,
        options("deleteTeam", "auth.teams.write",
                "Deletes a team with its memberships and invitations (its owners and admins).",
                {noContent("Deleted.")}, {403, 404}, {TeamIdParam}));

    add(router, service, "GET", "/v1/auth/teams/{teamId}/memberships", listMemberships,
        options("listTeamMemberships", "auth.teams.read", "The team's members and their team roles.",
                {{200, QStringLiteral("The memberships, oldest first."), MembershipListSchema.toByteArray()}},
                {403, 404}, {TeamIdParam}));
    add(router, service, "POST", "/v1/auth/teams/{teamId}/memberships", addMembership,
        options("addTeamMembership", "auth.teams.write",
                "Adds an existing user to the team with team roles (its owners and admins).",
                {{201, QStringLiteral("The new membership."), MembershipRef.toByteArray()}},
                {400, 403, 404, 409}, {TeamIdParam}, membershipBody()));
    add(router, service, "PATCH", "/v1/auth/teams/{teamId}/memberships/{membershipId}", updateMembership,
        options("updateTeamMembership", "auth.teams.write",
                "Replaces a member's team roles; the last owner keeps the owner role (409).",
                {{200, QStringLiteral("The membership as it is now."), MembershipRef.toByteArray()}},
                {400, 403, 404, 409}, {TeamIdParam, membershipId}, rolesBody()));
    add(router, service, "DELETE", "/v1/auth/teams/{teamId}/memberships/{membershipId}", removeMembership,
        options("deleteTeamMembership", "auth.teams.write",
                "Removes a member from the team; the last owner cannot be removed (409).",
                {noContent("Removed.")}, {403, 404, 409}, {TeamIdParam, membershipId}));

    add(router, service, "POST", "/v1/auth/teams/{teamId}/invitations", invite,
        options(
            "createTeamInvitation", "auth.teams.write",
            "Invites an email address into the team; the answer carries the token once (no mail is sent).",
            {{201, QStringLiteral("The token and the invitation."), CreatedInvitationSchema.toByteArray()}},
            {400, 403, 404}, {TeamIdParam}, invitationBody()));
    add(router, service, "GET", "/v1/auth/teams/{teamId}/invitations", listInvitations,
        options("listTeamInvitations", "auth.teams.write",
                "The team's invitations, pending and past (its owners and admins).",
                {{200, QStringLiteral("The invitations, oldest first."), InvitationListSchema.toByteArray()}},
                {403, 404}, {TeamIdParam}));
    add(router, service, "DELETE", "/v1/auth/teams/{teamId}/invitations/{invitationId}", revokeInvitation,
        options("revokeTeamInvitation", "auth.teams.write",
                "Revokes a pending invitation (409 when it was accepted or revoked already).",
                {noContent("Revoked.")}, {403, 404, 409}, {TeamIdParam, invitationId}));
    add(router, service, "POST", "/v1/auth/invitations/accept", acceptInvitation,
        options(
            "acceptTeamInvitation", "auth.self",
            "The signed-in user joins the team an invitation for their email address names (once, before it "
            "expires).",
            {{200, QStringLiteral("The caller's membership in the team."), MembershipRef.toByteArray()}},
            {400, 403, 404, 409}, {}, AcceptBody.toByteArray()));
}

} // namespace Meshdeck::Auth
