#include "presenceroutes.h"

#include "presenceservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QJsonArray>

#include <QCoroTask>

namespace Meshdeck::Presence {

using namespace Meshdeck::Http;

namespace {

constexpr QByteArrayView PresenceSchema = R"({
    "type": "object", "required": ["userId", "name", "email", "status", "lastSeenAt", "sessions"],
    "properties": {
        "userId": {"type": "string"},
        "name": {"type": "string", "description": "The user's display name (their email when they have none); empty when unknown."},
        "email": {"type": "string", "description": "The user's email; empty when unknown."},
        "status": {"type": "string", "enum": ["online", "away", "offline"], "description": "online or away: at least one realtime session on a live node; away is the user's own choice."},
        "lastSeenAt": {"type": "string", "format": "date-time", "nullable": true, "description": "Offline: when the last session ended (a node that died: its last heartbeat). Null while connected or never seen."},
        "sessions": {"type": "integer", "minimum": 0, "description": "Realtime sessions on live nodes."}
    }
})";

constexpr QByteArrayView ListSchema = R"({
    "type": "object", "required": ["items"],
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Presence"}, "description": "By user id; with ?users= in the order asked."}
    }
})";

constexpr QByteArrayView SetSchema = R"({
    "type": "object", "required": ["status"], "additionalProperties": false,
    "properties": {
        "status": {"type": "string", "enum": ["online", "away"]}
    }
})";

QCoro::Task<Response> listPresence(PresenceService *service, Request request)
{
    QStringList users;
    for (const QString &id :
         request.queryItem(QStringLiteral("users")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        users << id.trimmed();
    QCoro::Task<Result<QList<UserPresence>>> reading = service->list(users);
    const Result<QList<UserPresence>> found = co_await reading;
    if (!found)
        co_return problem(request, found.error());
    QJsonArray items;
    for (const UserPresence &p : *found)
        items.append(PresenceChannel::json(p));
    co_return Response::json(200, QJsonObject{{QStringLiteral("items"), items}});
}

QCoro::Task<Response> setPresence(PresenceService *service, Request request)
{
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    const QJsonValue status = json.value(QStringLiteral("status"));
    if (!status.isString())
        co_return problem(request, Error::invalid(QStringLiteral("status"),
                                                  QStringLiteral("Set status to \"online\" or \"away\".")));
    QCoro::Task<Result<UserPresence>> setting = service->setStatus(request.principal, status.toString());
    const Result<UserPresence> set = co_await setting;
    if (!set)
        co_return problem(request, set.error());
    Response response = Response::json(200, PresenceChannel::json(*set));
    response.audit =
        AuditNote{QStringLiteral("presence:") + set->userId, QJsonValue(), PresenceChannel::json(*set)};
    co_return response;
}

} // namespace

void PresenceRoutes::install(Router &router, PresenceService *service)
{
    router.addSchema(QStringLiteral("Presence"), PresenceSchema);
    RouteOptions get;
    get.maxBody = 0;
    get.tag = QStringLiteral("presence");
    get.operationId = QByteArrayLiteral("listPresence");
    get.permission = QByteArrayLiteral("presence.read");
    get.summary = QStringLiteral("Who is online, away or offline, from their realtime sessions on every live "
                                 "node, with when they were last seen. Also live on the realtime channel "
                                 "'presence'.");
    get.parameters = {{"users", "query", QByteArrayLiteral(R"({"type":"string"})"),
                       QStringLiteral("Comma-separated user ids (at most 500); users never seen answer "
                                      "offline. Without it: everyone with a known presence.")}};
    get.responses = {{200, QStringLiteral("The users' presence."), ListSchema.toByteArray()}};
    get.problems = {400, 403};
    router.add("GET", "/v1/presence",
               AsyncHandler([service](Request r) { return listPresence(service, std::move(r)); }),
               std::move(get));

    RouteOptions set;
    set.maxBody = 4096;
    set.tag = QStringLiteral("presence");
    set.operationId = QByteArrayLiteral("setMyPresence");
    set.permission = QByteArrayLiteral("auth.self");
    set.summary = QStringLiteral("Set the caller's own status, away or online, while they have a realtime "
                                 "session open (409 not-connected otherwise); it lasts until their last "
                                 "session closes.");
    set.requestSchema = SetSchema.toByteArray();
    set.responses = {{200, QStringLiteral("The caller's presence now."),
                      QByteArrayLiteral(R"({"$ref":"#/components/schemas/Presence"})")}};
    set.problems = {400, 403, 409};
    router.add("POST", "/v1/presence",
               AsyncHandler([service](Request r) { return setPresence(service, std::move(r)); }),
               std::move(set));
}

} // namespace Meshdeck::Presence
