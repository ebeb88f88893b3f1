#include "authroutes.h"

#include "authroutessupport.h"
#include "authservice.h"

#include <QDateTime>
#include <QJsonArray>

#include <QCoroTask>

namespace Meshdeck::Auth {

using namespace Meshdeck::Http;
using namespace Meshdeck::Auth::RouteSupport;

namespace {

const PrincipalPtr &caller(const Request &request)
{
    return request.principal;
}

QJsonObject signedInJson(const SignedIn &s)
{
    return {{QStringLiteral("accessToken"), QString::fromLatin1(s.accessToken)},
            {QStringLiteral("refreshToken"), QString::fromLatin1(s.refreshToken)},
            {QStringLiteral("expiresIn"), s.expiresInSeconds},
            {QStringLiteral("tokenType"), QStringLiteral("Bearer")},
            {QStringLiteral("session"), toJson(s.session, s.session.id)},
            {QStringLiteral("user"), toJson(s.user)}};
}

QCoro::Task<Response> signIn(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<QString> email = requiredString(*body, QStringLiteral("email"), 254);
    const Result<QString> password = requiredString(*body, QStringLiteral("password"), 1024);
    if (!email || !password)
        co_return problem(request, !email ? email.error() : password.error());
    QCoro::Task<Result<SignedIn>> signing =
        service->signIn(*email, *password, QString::fromLatin1(request.peer),
                        QString::fromUtf8(request.header("user-agent")));
    const Result<SignedIn> signedIn = co_await signing;
    const QString account = QStringLiteral("account:") + emailKey(*email);
    if (!signedIn)
        co_return withAudit(problem(request, signedIn.error()), account);
    co_return withAudit(Response::json(201, signedInJson(*signedIn)),
                        QStringLiteral("user:") + signedIn->user.id, {}, toJson(signedIn->session, {}));
}

QCoro::Task<Response> refreshSession(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<QString> token = requiredString(*body, QStringLiteral("refreshToken"), 512);
    if (!token)
        co_return problem(request, token.error());
    QCoro::Task<Result<SignedIn>> refreshing =
        service->refresh(token->toLatin1(), QString::fromLatin1(request.peer));
    const Result<SignedIn> refreshed = co_await refreshing;
    if (!refreshed)
        co_return problem(request, refreshed.error());
    co_return withAudit(Response::json(200, signedInJson(*refreshed)),
                        QStringLiteral("session:") + refreshed->session.id);
}

QCoro::Task<Response> endCurrentSession(AuthService *service, Request request)
{
    if (caller(request)->sessionId.isEmpty())
        co_return problem(
            request, 400,
            QStringLiteral("This credential is not a session's access token: there is no session to "
                           "end (an API key is revoked with DELETE /v1/auth/keys/{keyId})."),
            "not-a-session");
    QCoro::Task<Result<Session>> ending =
        service->endSession(caller(request), caller(request)->sessionId, QStringLiteral("signed-out"));
    const Result<Session> ended = co_await ending;
    if (!ended)
        co_return problem(request, ended.error());
    co_return withAudit(Response::noContent(), QStringLiteral("session:") + ended->id);
}

QCoro::Task<Response> listSessions(AuthService *service, Request request, QString userId)
{
    QCoro::Task<Result<QList<Session>>> reading = service->sessions(userId);
    const Result<QList<Session>> list = co_await reading;
    if (!list)
        co_return problem(request, list.error());
    QJsonArray out;
    for (const Session &s : *list)
        out.append(toJson(s, caller(request)->sessionId));
    co_return Response::json(200, QJsonObject{{QStringLiteral("sessions"), out}});
}

QCoro::Task<Response> endSession(AuthService *service, Request request, QString userId)
{
    const QString sessionId = request.pathParams.value(QStringLiteral("sessionId"));
    // Through the user routes: the session must be that user's. Through /v1/auth/sessions: the caller's.
    QCoro::Task<Result<QList<Session>>> reading = service->sessions(userId);
    const Result<QList<Session>> list = co_await reading;
    if (!list)
        co_return problem(request, list.error());
    const bool theirs =
        std::any_of(list->cbegin(), list->cend(), [&](const Session &s) { return s.id == sessionId; });
    if (!theirs)
        co_return problem(request,
                          Error::notFound(QStringLiteral("There is no live session %1.").arg(sessionId),
                                          "session-not-found"));
    QCoro::Task<Result<Session>> ending =
        service->endSession(caller(request), sessionId, QStringLiteral("revoked"));
    const Result<Session> ended = co_await ending;
    if (!ended)
        co_return problem(request, ended.error());
    co_return withAudit(Response::noContent(), QStringLiteral("session:") + sessionId, toJson(*ended, {}));
}

QJsonObject meJson(AuthService *service, const Principal &p)
{
    QJsonObject grants;
    QJsonArray held;
    for (const Access::PermissionInfo &info : Access::catalogue()) {
        const Access::Decision d = Access::authorize(p, info.name);
        if (!d.allowed)
            continue;
        held.append(QString::fromLatin1(info.name));
        grants.insert(QString::fromLatin1(info.name), Access::grantName(d.grant));
    }
    QJsonValue user = QJsonValue::Null;
    if (!p.userId.isEmpty()) {
        const SnapshotPtr s = service->snapshot();
        if (s->users.contains(p.userId))
            user = toJson(s->users.value(p.userId));
    }
    auto orNull = [](const QString &s) {
        return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
    };
    return {{QStringLiteral("kind"), p.kindName()},
            {QStringLiteral("name"), p.name},
            {QStringLiteral("user"), user},
            {QStringLiteral("role"), roleName(p.role)},
            {QStringLiteral("permissions"), held},
            {QStringLiteral("grants"), grants},
            {QStringLiteral("scopes"),
             p.scopes ? QJsonValue(QJsonArray::fromStringList(*p.scopes)) : QJsonValue::Null},
            {QStringLiteral("keyId"), orNull(p.keyId)},
            {QStringLiteral("sessionId"), orNull(p.sessionId)},
            {QStringLiteral("expiresAt"), isoOrNull(p.expiresAtMs)}};
}

QCoro::Task<Response> patchMe(AuthService *service, Request request)
{
    if (caller(request)->kind != Principal::Kind::User)
        co_return problem(request, 400, QStringLiteral("Only a signed-in user has a profile to change."),
                          "not-a-user");
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<std::optional<QString>> name = optionalString(*body, QStringLiteral("name"), 200);
    if (!name)
        co_return problem(request, name.error());
    QCoro::Task<Result<std::pair<User, User>>> updating =
        service->updateUser(caller(request)->userId, *name, std::nullopt, std::nullopt);
    const Result<std::pair<User, User>> updated = co_await updating;
    if (!updated)
        co_return problem(request, updated.error());
    co_return withAudit(Response::json(200, toJson(updated->second)),
                        QStringLiteral("user:") + updated->second.id, toJson(updated->first),
                        toJson(updated->second));
}

QCoro::Task<Response> changePassword(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<QString> current = requiredString(*body, QStringLiteral("currentPassword"));
    const Result<QString> password = requiredString(*body, QStringLiteral("password"));
    if (!current || !password)
        co_return problem(request, !current ? current.error() : password.error());
    QCoro::Task<Result<void>> changing =
        service->changeOwnPassword(caller(request), *current, *password, QString::fromLatin1(request.peer));
    const Result<void> changed = co_await changing;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::noContent(), QStringLiteral("user:") + caller(request)->userId);
}

Result<qint64> parseExpiry(const QJsonObject &body)
{
    const QJsonValue v = body.value(QStringLiteral("expiresAt"));
    if (v.isUndefined() || v.isNull())
        return qint64(0);
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!v.isString() || !t.isValid())
        return Error::invalid(QStringLiteral("expiresAt"),
                              QStringLiteral("expiresAt is an ISO 8601 time such as 2027-01-31T00:00:00Z."));
    return t.toMSecsSinceEpoch();
}

QCoro::Task<Response> createKey(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<QString> name = requiredString(*body, QStringLiteral("name"), 100);
    if (!name)
        co_return problem(request, name.error());
    const Result<qint64> expires = parseExpiry(*body);
    if (!expires)
        co_return problem(request, expires.error());
    NewKey key{*name, {}, *expires};
    const QJsonValue scopes = body->value(QStringLiteral("scopes"));
    if (!scopes.isArray())
        co_return problem(request, Error::invalid(QStringLiteral("scopes"),
                                                  QStringLiteral("scopes is an array of permissions.")));
    for (const QJsonValue &s : scopes.toArray()) {
        if (!s.isString())
            co_return problem(request, Error::invalid(QStringLiteral("scopes"),
                                                      QStringLiteral("Each scope is a permission name.")));
        key.scopes.append(s.toString());
    }
    QCoro::Task<Result<CreatedKey>> creating = service->createKey(caller(request), key);
    const Result<CreatedKey> created = co_await creating;
    if (!created)
        co_return problem(request, created.error());
    co_return withAudit(
        Response::json(201, QJsonObject{{QStringLiteral("key"), QString::fromLatin1(created->key)},
                                        {QStringLiteral("apiKey"), toJson(created->apiKey)}}),
        QStringLiteral("key:") + created->apiKey.id, {}, toJson(created->apiKey));
}

QCoro::Task<Response> listKeys(AuthService *service, Request request)
{
    QCoro::Task<Result<QList<ApiKey>>> reading = service->keys(caller(request));
    const Result<QList<ApiKey>> list = co_await reading;
    if (!list)
        co_return problem(request, list.error());
    QJsonArray out;
    for (const ApiKey &k : *list)
        out.append(toJson(k));
    co_return Response::json(200, QJsonObject{{QStringLiteral("keys"), out}});
}

QCoro::Task<Response> revokeKey(AuthService *service, Request request)
{
    QCoro::Task<Result<ApiKey>> revoking =
        service->revokeKey(caller(request), request.pathParams.value(QStringLiteral("keyId")));
    const Result<ApiKey> revoked = co_await revoking;
    if (!revoked)
        co_return problem(request, revoked.error());
    ApiKey before = *revoked;
    before.revokedAtMs = 0;
    co_return withAudit(Response::noContent(), QStringLiteral("key:") + revoked->id, toJson(before),
                        toJson(*revoked));
}

QJsonObject decisionJson(const Access::Decision &d)
{
    QJsonArray reasons;
    for (const Access::Reason &r : d.reasons)
        reasons.append(QJsonObject{{QStringLiteral("rule"), r.rule},
                                   {QStringLiteral("passed"), r.passed},
                                   {QStringLiteral("detail"), r.detail}});
    return {{QStringLiteral("allowed"), d.allowed},
            {QStringLiteral("grant"), Access::grantName(d.allowed ? d.grant : Access::Grant::None)},
            {QStringLiteral("reasons"), reasons}};
}

QCoro::Task<Response> simulate(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const QJsonObject who = body->value(QStringLiteral("principal")).toObject();
    PrincipalSpec spec{who.value(QStringLiteral("userId")).toString(),
                       who.value(QStringLiteral("keyId")).toString(),
                       who.value(QStringLiteral("adminToken")).toBool()};
    const Result<QString> action = requiredString(*body, QStringLiteral("action"), 100);
    const Result<std::optional<QString>> resource = optionalString(*body, QStringLiteral("resource"), 300);
    if (!action || !resource)
        co_return problem(request, !action ? action.error() : resource.error());
    QCoro::Task<Result<Access::Decision>> simulating =
        service->simulate(spec, action->toLatin1(), resource->value_or(QString()));
    const Result<Access::Decision> decision = co_await simulating;
    if (!decision)
        co_return problem(request, decision.error());
    co_return Response::json(200, decisionJson(*decision));
}

Response permissionTable()
{
    QJsonArray permissions;
    QJsonObject roles;
    for (Role role : {Role::Admin, Role::Developer, Role::Support, Role::User}) {
        QJsonObject grants;
        for (const Access::PermissionInfo &info : Access::catalogue())
            grants.insert(QString::fromLatin1(info.name),
                          Access::grantName(Access::roleGrant(role, info.name)));
        roles.insert(roleName(role), grants);
    }
    for (const Access::PermissionInfo &info : Access::catalogue())
        permissions.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(info.name)},
                                       {QStringLiteral("description"), info.description}});
    return Response::json(
        200, QJsonObject{{QStringLiteral("permissions"), permissions}, {QStringLiteral("roles"), roles}});
}

constexpr QByteArrayView UserRef = R"({"$ref":"#/components/schemas/User"})";
constexpr QByteArrayView SessionRef = R"({"$ref":"#/components/schemas/Session"})";
constexpr QByteArrayView SignedInRef = R"({"$ref":"#/components/schemas/SignedIn"})";
constexpr QByteArrayView ApiKeyRef = R"({"$ref":"#/components/schemas/ApiKey"})";

void addSchemas(Router &router)
{
    router.addSchema(QStringLiteral("User"), R"({
        "type": "object",
        "required": ["id", "email", "name", "role", "status", "createdAt", "updatedAt", "lastSignInAt"],
        "properties": {
            "id": {"type": "string"},
            "email": {"type": "string"},
            "name": {"type": "string"},
            "role": {"type": "string", "enum": ["admin", "developer", "support", "user"]},
            "status": {"type": "string", "enum": ["active", "disabled"]},
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
            "lastSignInAt": {"type": "string", "format": "date-time", "nullable": true}
        }
    })");
    router.addSchema(QStringLiteral("Session"), R"({
        "type": "object",
        "description": "A signed-in device: one refresh-token family.",
        "required": ["id", "userId", "createdAt", "lastUsedAt", "expiresAt", "address", "userAgent", "current"],
        "properties": {
            "id": {"type": "string"},
            "userId": {"type": "string"},
            "createdAt": {"type": "string", "format": "date-time"},
            "lastUsedAt": {"type": "string", "format": "date-time"},
            "expiresAt": {"type": "string", "format": "date-time"},
            "address": {"type": "string"},
            "userAgent": {"type": "string"},
            "current": {"type": "boolean", "description": "the session of the calling access token"}
        }
    })");
    router.addSchema(QStringLiteral("SignedIn"), R"({
        "type": "object",
        "required": ["accessToken", "refreshToken", "expiresIn", "tokenType", "session", "user"],
        "properties": {
            "accessToken": {"type": "string", "description": "a JWT (EdDSA) for Authorization: Bearer"},
            "refreshToken": {"type": "string", "description": "single use: each refresh answers a new one"},
            "expiresIn": {"type": "integer", "description": "seconds until the access token expires"},
            "tokenType": {"type": "string", "enum": ["Bearer"]},
            "session": {"$ref": "#/components/schemas/Session"},
            "user": {"$ref": "#/components/schemas/User"}
        }
    })");
    router.addSchema(QStringLiteral("ApiKey"), R"({
        "type": "object",
        "required": ["id", "name", "prefix", "scopes", "userId", "createdAt", "expiresAt", "lastUsedAt",
                     "lastUsedFrom", "revokedAt"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "prefix": {"type": "string", "description": "the key's first characters, to recognise it"},
            "scopes": {"type": "array", "items": {"type": "string"}},
            "userId": {"type": "string", "nullable": true, "description": "the owner; null for the admin token"},
            "createdAt": {"type": "string", "format": "date-time"},
            "expiresAt": {"type": "string", "format": "date-time", "nullable": true},
            "lastUsedAt": {"type": "string", "format": "date-time", "nullable": true},
            "lastUsedFrom": {"type": "string", "nullable": true},
            "revokedAt": {"type": "string", "format": "date-time", "nullable": true}
        }
    })");
}

void installSessionRoutes(Router &router, AuthService *service)
{
    constexpr QByteArrayView signInSchema = R"({
        "type": "object", "required": ["email", "password"], "additionalProperties": false,
        "properties": {"email": {"type": "string", "maxLength": 254}, "password": {"type": "string", "maxLength": 1024}}
    })";
    router.add(
        "POST", "/v1/auth/sessions",
        AsyncHandler([service](Request r) { return signIn(service, std::move(r)); }),
        publicRoute(options("signIn", "",
                            QStringLiteral("Sign in with an email address and a password: a 15-minute access "
                                           "token and a single-use refresh token. Failures are throttled per "
                                           "account and address (429 with Retry-After)."),
                            {answer(201, "Signed in: a new session.", SignedInRef)}, {400, 401, 403, 429}, {},
                            signInSchema)));
    constexpr QByteArrayView refreshSchema = R"({
        "type": "object", "required": ["refreshToken"], "additionalProperties": false,
        "properties": {"refreshToken": {"type": "string", "maxLength": 512}}
    })";
    router.add("POST", "/v1/auth/sessions/refresh",
               AsyncHandler([service](Request r) { return refreshSession(service, std::move(r)); }),
               publicRoute(options(
                   "refreshSession", "",
                   QStringLiteral("Trade a refresh token for a new access token and a new refresh token; "
                                  "the old one dies. Using a dead one ends the whole session "
                                  "(refresh-reused)."),
                   {answer(200, "A new access token and refresh token.", SignedInRef)}, {400, 401, 403}, {},
                   refreshSchema)));
    router.add(
        "DELETE", "/v1/auth/sessions/current",
        AsyncHandler([service](Request r) { return endCurrentSession(service, std::move(r)); }),
        options("signOut", "auth.self", QStringLiteral("Sign out: end the session of this access token."),
                {answer(204, "The session ended; its refresh token no longer works.", {})}, {400, 404}));
    router.add(
        "GET", "/v1/auth/sessions", AsyncHandler([service](Request r) {
            const QString me = r.principal->userId;
            return listSessions(service, std::move(r), me);
        }),
        options("listMySessions", "auth.self",
                QStringLiteral("The caller's live sessions (signed-in devices)."),
                {answer(200, "The caller's sessions, most recently used first.",
                        R"({"type":"object","required":["sessions"],"properties":{"sessions":{"type":"array",
                                   "items":{"$ref":"#/components/schemas/Session"}}}})")}));
    router.add("DELETE", "/v1/auth/sessions/{sessionId}", AsyncHandler([service](Request r) {
                   const QString me = r.principal->userId;
                   return endSession(service, std::move(r), me);
               }),
               options("endMySession", "auth.self", QStringLiteral("End one of the caller's own sessions."),
                       {answer(204, "The session ended.", {})}, {404},
                       {pathParam("sessionId", "The session's id.")}));
}

void installSelfRoutes(Router &router, AuthService *service)
{
    router.add("GET", "/v1/auth/me", SyncHandler([service](const Request &r) {
                   return Response::json(200, meJson(service, *r.principal));
               }),
               options("getMe", "auth.self",
                       QStringLiteral(
                           "Who the credential is and what it may do: the permissions held (full, or only "
                           "on documents that grant them)."),
                       {answer(200, "The calling principal.", R"({
                           "type": "object",
                           "required": ["kind", "name", "user", "role", "permissions", "grants", "scopes", "keyId",
                                        "sessionId", "expiresAt"],
                           "properties": {
                               "kind": {"type": "string", "enum": ["admin-token", "user", "api-key"]},
                               "name": {"type": "string"},
                               "user": {"type": "object", "allOf": [{"$ref": "#/components/schemas/User"}],
                                        "nullable": true},
                               "role": {"type": "string", "enum": ["admin", "developer", "support", "user"]},
                               "permissions": {"type": "array", "items": {"type": "string"}},
                               "grants": {"type": "object", "additionalProperties":
                                          {"type": "string", "enum": ["full", "documents"]}},
                               "scopes": {"type": "array", "items": {"type": "string"}, "nullable": true},
                               "keyId": {"type": "string", "nullable": true},
                               "sessionId": {"type": "string", "nullable": true},
                               "expiresAt": {"type": "string", "format": "date-time", "nullable": true}
                           }
                       })")}));
    router.add("PATCH", "/v1/auth/me",
               AsyncHandler([service](Request r) { return patchMe(service, std::move(r)); }),
               options("updateMe", "auth.self", QStringLiteral("Change the signed-in user's own name."),
                       {answer(200, "The user, changed.", UserRef)}, {400, 404}, {},
                       R"({"type":"object","additionalProperties":false,"properties":{"name":{"type":"string",
                           "minLength":1,"maxLength":200}}})"));
    router.add(
        "POST", "/v1/auth/me/password",
        AsyncHandler([service](Request r) { return changePassword(service, std::move(r)); }),
        options("changeMyPassword", "auth.self",
                QStringLiteral("Change the signed-in user's own password. The current one is needed, and "
                               "wrong guesses are throttled like sign-ins (429 with Retry-After); every "
                               "other session of the account ends, the caller's stays."),
                {answer(204, "Changed; the other sessions ended.", {})}, {400, 404, 429}, {},
                R"({"type":"object","required":["currentPassword","password"],"additionalProperties":false,
                           "properties":{"currentPassword":{"type":"string"},"password":{"type":"string"}}})"));
}

void installKeyRoutes(Router &router, AuthService *service)
{
    router.add(
        "GET", "/v1/auth/keys",
        AsyncHandler([service](Request r) { return listKeys(service, std::move(r)); }),
        options("listApiKeys", "auth.keys.read",
                QStringLiteral("The caller's API keys (an admin sees everyone's), revoked ones included."),
                {answer(200, "The keys; never the secret itself.",
                        R"({"type":"object","required":["keys"],"properties":{"keys":{"type":"array",
                                   "items":{"$ref":"#/components/schemas/ApiKey"}}}})")}));
    router.add(
        "POST", "/v1/auth/keys",
        AsyncHandler([service](Request r) { return createKey(service, std::move(r)); }),
        options("createApiKey", "auth.keys.write",
                QStringLiteral("Create an API key limited to scopes the caller holds; the key is answered "
                               "this once and stored only as a digest. A key made with an API key never "
                               "outlives it: no expiresAt means the parent's, a later one is a 400."),
                {answer(201, "The key (shown once) and its record.", R"({
                           "type":"object","required":["key","apiKey"],
                           "properties":{"key":{"type":"string","description":"mdk_…; not shown again"},
                                         "apiKey":{"$ref":"#/components/schemas/ApiKey"}}})")},
                {400}, {},
                R"({"type":"object","required":["name","scopes"],"additionalProperties":false,
                           "properties":{"name":{"type":"string","minLength":1,"maxLength":100},
                                         "scopes":{"type":"array","minItems":1,"items":{"type":"string"}},
                                         "expiresAt":{"type":"string","format":"date-time","nullable":true}}})"));
    router.add(
        "DELETE", "/v1/auth/keys/{keyId}",
        AsyncHandler([service](Request r) { return revokeKey(service, std::move(r)); }),
        options("revokeApiKey", "auth.keys.write",
                QStringLiteral("Revoke an API key: it stops working at once on this node, and within a poll "
                               "interval on every other node of a cluster."),
                {answer(204, "Revoked.", {})}, {404}, {pathParam("keyId", "The key's id.")}));
}

void installAccessRoutes(Router &router, AuthService *service)
{
    router.add(
        "POST", "/v1/access/simulate",
        AsyncHandler([service](Request r) { return simulate(service, std::move(r)); }),
        options("simulateAccess", "access.simulate",
                QStringLiteral("Would this principal be allowed this action (on this resource), and why: "
                               "the same checks that enforce access."),
                {answer(200, "The verdict and each reason, in the order they were checked.", R"({
                           "type":"object","required":["allowed","grant","reasons"],
                           "properties":{"allowed":{"type":"boolean"},
                                         "grant":{"type":"string","enum":["full","documents","none"]},
                                         "reasons":{"type":"array","items":{"type":"object",
                                             "required":["rule","passed","detail"],
                                             "properties":{"rule":{"type":"string","enum":["account","key","role",
                                                 "scope","document"]},"passed":{"type":"boolean"},
                                                 "detail":{"type":"string"}}}}}})")},
                {400, 404}, {},
                R"({"type":"object","required":["principal","action"],"additionalProperties":false,
                           "properties":{"principal":{"type":"object","properties":{"userId":{"type":"string"},
                               "keyId":{"type":"string"},"adminToken":{"type":"boolean"}}},
                               "action":{"type":"string","description":"a permission, e.g. events.read"},
                               "resource":{"type":"string","description":"TYPE:ID, e.g. topic:orders"}}})"));
    RouteOptions table = options("listPermissions", "auth.self",
                                 QStringLiteral("Every permission and what each role holds of it."),
                                 {answer(200, "The permission table.", R"({
                                     "type":"object","required":["permissions","roles"],
                                     "properties":{"permissions":{"type":"array","items":{"type":"object",
                                         "required":["name","description"],"properties":{"name":{"type":"string"},
                                         "description":{"type":"string"}}}},
                                         "roles":{"type":"object","additionalProperties":{"type":"object",
                                             "additionalProperties":{"type":"string",
                                             "enum":["full","documents","none"]}}}}})")});
    router.add("GET", "/v1/access/permissions",
               SyncHandler([](const Request &) { return permissionTable(); }), table);
}

} // namespace

namespace AuthRoutes {
QCoro::Task<Response> sessionsOf(AuthService *service, Request request, QString userId)
{
    return listSessions(service, std::move(request), std::move(userId));
}

QCoro::Task<Response> endSessionOf(AuthService *service, Request request, QString userId)
{
    return endSession(service, std::move(request), std::move(userId));
}

void install(Router &router, AuthService *service)
{
    addSchemas(router);
    installSessionRoutes(router, service);
    installSelfRoutes(router, service);
    installKeyRoutes(router, service);
    installAccessRoutes(router, service);
    installUserRoutes(router, service);
}
} // namespace AuthRoutes

} // namespace Meshdeck::Auth
