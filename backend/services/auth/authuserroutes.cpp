// /v1/auth/users/…: the admins' management of users.
#include "authroutes.h"

#include "authroutessupport.h"
#include "authservice.h"

#include <QJsonArray>

namespace Meshdeck::Auth {

using namespace Meshdeck::Http;
using namespace Meshdeck::Auth::RouteSupport;

namespace {

Result<std::optional<Role>> optionalRole(const QJsonObject &body)
{
    const Result<std::optional<QString>> name = optionalString(body, QStringLiteral("role"), 20);
    if (!name)
        return name.error();
    if (!name->has_value())
        return std::optional<Role>();
    const std::optional<Role> role = roleFromName(**name);
    if (!role)
        return Error::invalid(QStringLiteral("role"),
                              QStringLiteral("role is one of admin, developer, support or user."));
    return std::optional<Role>(role);
}

QCoro::Task<Response> createUser(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<QString> email = requiredString(*body, QStringLiteral("email"), 254);
    const Result<QString> name = requiredString(*body, QStringLiteral("name"), 200);
    const Result<QString> password = requiredString(*body, QStringLiteral("password"), 1024);
    const Result<std::optional<Role>> role = optionalRole(*body);
    for (const Error *e : {email ? nullptr : &email.error(), name ? nullptr : &name.error(),
                           password ? nullptr : &password.error(), role ? nullptr : &role.error()}) {
        if (e)
            co_return problem(request, *e);
    }
    if (!role->has_value())
        co_return problem(
            request, Error::invalid(QStringLiteral("role"),
                                    QStringLiteral("role is required: admin, developer, support or user.")));
    QCoro::Task<Result<User>> creating = service->createUser(NewUser{*email, *name, *password, **role});
    const Result<User> created = co_await creating;
    if (!created)
        co_return problem(request, created.error());
    co_return withAudit(Response::json(201, toJson(*created)), QStringLiteral("user:") + created->id, {},
                        toJson(*created));
}

QCoro::Task<Response> listUsers(AuthService *service, Request request)
{
    std::optional<Role> role;
    std::optional<bool> disabled;
    if (const QString r = request.queryItem(QStringLiteral("role")); !r.isEmpty()) {
        role = roleFromName(r);
        if (!role)
            co_return problem(
                request, Error::invalid(QStringLiteral("role"),
                                        QStringLiteral("role is one of admin, developer, support or user.")));
    }
    if (const QString s = request.queryItem(QStringLiteral("status")); !s.isEmpty()) {
        if (s != QLatin1String("active") && s != QLatin1String("disabled"))
            co_return problem(request, Error::invalid(QStringLiteral("status"),
                                                      QStringLiteral("status is active or disabled.")));
        disabled = s == QLatin1String("disabled");
    }
    QCoro::Task<Result<QList<User>>> reading =
        service->users(request.queryItem(QStringLiteral("q")), role, disabled);
    const Result<QList<User>> list = co_await reading;
    if (!list)
        co_return problem(request, list.error());
    QJsonArray out;
    for (const User &u : *list)
        out.append(toJson(u));
    co_return Response::json(200, QJsonObject{{QStringLiteral("users"), out}});
}

QCoro::Task<Response> getUser(AuthService *service, Request request)
{
    QCoro::Task<Result<User>> reading = service->user(request.pathParams.value(QStringLiteral("userId")));
    const Result<User> user = co_await reading;
    co_return user ? Response::json(200, toJson(*user)) : problem(request, user.error());
}

QCoro::Task<Response> updateUser(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<std::optional<QString>> name = optionalString(*body, QStringLiteral("name"), 200);
    const Result<std::optional<Role>> role = optionalRole(*body);
    const Result<std::optional<QString>> status = optionalString(*body, QStringLiteral("status"), 20);
    if (!name || !role || !status)
        co_return problem(request, !name ? name.error() : !role ? role.error() : status.error());
    std::optional<bool> disabled;
    if (status->has_value()) {
        if (**status != QLatin1String("active") && **status != QLatin1String("disabled"))
            co_return problem(request, Error::invalid(QStringLiteral("status"),
                                                      QStringLiteral("status is active or disabled.")));
        disabled = **status == QLatin1String("disabled");
    }
    const QString id = request.pathParams.value(QStringLiteral("userId"));
    if (id == request.principal->userId &&
        ((disabled && *disabled) || (role->has_value() && **role != Role::Admin)))
        co_return problem(request,
                          Error::conflict(QStringLiteral("You cannot disable yourself or take away your own "
                                                         "admin role; another admin can."),
                                          "self-lockout"));
    QCoro::Task<Result<std::pair<User, User>>> updating = service->updateUser(id, *name, *role, disabled);
    const Result<std::pair<User, User>> updated = co_await updating;
    if (!updated)
        co_return problem(request, updated.error());
    co_return withAudit(Response::json(200, toJson(updated->second)), QStringLiteral("user:") + id,
                        toJson(updated->first), toJson(updated->second));
}

QCoro::Task<Response> resetPassword(AuthService *service, Request request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body)
        co_return problem(request, body.error());
    const Result<QString> password = requiredString(*body, QStringLiteral("password"), 1024);
    if (!password)
        co_return problem(request, password.error());
    const QString id = request.pathParams.value(QStringLiteral("userId"));
    QCoro::Task<Result<void>> setting = service->setPassword(id, *password, true);
    const Result<void> set = co_await setting;
    if (!set)
        co_return problem(request, set.error());
    co_return withAudit(Response::noContent(), QStringLiteral("user:") + id);
}

QCoro::Task<Response> endAllSessions(AuthService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("userId"));
    QCoro::Task<Result<User>> reading = service->user(id);
    if (const Result<User> user = co_await reading; !user)
        co_return problem(request, user.error());
    QCoro::Task<Result<int>> ending = service->endUserSessions(id, QStringLiteral("revoked"));
    const Result<int> ended = co_await ending;
    if (!ended)
        co_return problem(request, ended.error());
    co_return withAudit(Response::noContent(), QStringLiteral("user:") + id);
}

} // namespace

void AuthRoutes::installUserRoutes(Router &router, AuthService *service)
{
    constexpr QByteArrayView UserRef = R"({"$ref":"#/components/schemas/User"})";
    const ParamDoc userId = pathParam("userId", "The user's id.");
    router.add(
        "GET", "/v1/auth/users",
        AsyncHandler([service](Request r) { return listUsers(service, std::move(r)); }),
        options("listUsers", "auth.users.read",
                QStringLiteral("Users, by email; filter by text, role, status."),
                {answer(200, "The users.",
                        R"({"type":"object","required":["users"],"properties":{"users":{"type":"array",
                                   "items":{"$ref":"#/components/schemas/User"}}}})")},
                {400},
                {queryParam("q", R"({"type":"string"})", "Text in the email address or name."),
                 queryParam("role", R"({"type":"string","enum":["admin","developer","support","user"]})",
                            "Only this role."),
                 queryParam("status", R"({"type":"string","enum":["active","disabled"]})",
                            "Only this status.")}));
    router.add(
        "POST", "/v1/auth/users",
        AsyncHandler([service](Request r) { return createUser(service, std::move(r)); }),
        options(
            "createUser", "auth.users.write",
            QStringLiteral("Create a user. Passwords: at least 10 characters, not a common one, not the "
                           "email's name; stored as argon2id."),
            {answer(201, "The user.", UserRef)}, {400, 409}, {},
            R"({"type":"object","required":["email","name","password","role"],"additionalProperties":false,
                           "properties":{"email":{"type":"string","maxLength":254},
                                         "name":{"type":"string","minLength":1,"maxLength":200},
                                         "password":{"type":"string","minLength":10,"maxLength":256},
                                         "role":{"type":"string","enum":["admin","developer","support","user"]}}})"));
    router.add("GET", "/v1/auth/users/{userId}",
               AsyncHandler([service](Request r) { return getUser(service, std::move(r)); }),
               options("getUser", "auth.users.read", QStringLiteral("One user."),
                       {answer(200, "The user.", UserRef)}, {404}, {userId}));
    router.add(
        "PATCH", "/v1/auth/users/{userId}",
        AsyncHandler([service](Request r) { return updateUser(service, std::move(r)); }),
        options("updateUser", "auth.users.write",
                QStringLiteral("Change a user's name, role or status; disabling ends their sessions and "
                               "realtime connections."),
                {answer(200, "The user, changed.", UserRef)}, {400, 404, 409}, {userId},
                R"({"type":"object","additionalProperties":false,
                           "properties":{"name":{"type":"string","minLength":1,"maxLength":200},
                                         "role":{"type":"string","enum":["admin","developer","support","user"]},
                                         "status":{"type":"string","enum":["active","disabled"]}}})"));
    router.add("POST", "/v1/auth/users/{userId}/password",
               AsyncHandler([service](Request r) { return resetPassword(service, std::move(r)); }),
               options("resetUserPassword", "auth.users.write",
                       QStringLiteral("Set a user's password; every session of theirs ends."),
                       {answer(204, "Set.", {})}, {400, 404}, {userId},
                       R"({"type":"object","required":["password"],"additionalProperties":false,
                           "properties":{"password":{"type":"string","minLength":10,"maxLength":256}}})"));
    router.add(
        "GET", "/v1/auth/users/{userId}/sessions", AsyncHandler([service](Request r) {
            const QString id = r.pathParams.value(QStringLiteral("userId"));
            return AuthRoutes::sessionsOf(service, std::move(r), id);
        }),
        options("listUserSessions", "auth.users.read", QStringLiteral("A user's live sessions."),
                {answer(200, "The sessions, most recently used first.",
                        R"({"type":"object","required":["sessions"],"properties":{"sessions":{"type":"array",
                                   "items":{"$ref":"#/components/schemas/Session"}}}})")},
                {}, {userId}));
    router.add("DELETE", "/v1/auth/users/{userId}/sessions",
               AsyncHandler([service](Request r) { return endAllSessions(service, std::move(r)); }),
               options("endUserSessions", "auth.users.write",
                       QStringLiteral("End every session of a user (their access tokens stop at once)."),
                       {answer(204, "Ended.", {})}, {404}, {userId}));
    router.add("DELETE", "/v1/auth/users/{userId}/sessions/{sessionId}", AsyncHandler([service](Request r) {
                   const QString id = r.pathParams.value(QStringLiteral("userId"));
                   return AuthRoutes::endSessionOf(service, std::move(r), id);
               }),
               options("endUserSession", "auth.users.write", QStringLiteral("End one session of a user."),
                       {answer(204, "Ended.", {})}, {404},
                       {userId, pathParam("sessionId", "The session's id.")}));
}

} // namespace Meshdeck::Auth
