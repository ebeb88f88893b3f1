#include "chatroutes.h"

#include "chatservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QJsonArray>

namespace Meshdeck::Chat {

using namespace Meshdeck::Http;

namespace {
constexpr qint64 MaxJsonBody = 64 * 1024;

constexpr QByteArrayView AuthorSchema = R"({
    "type": "object", "required": ["userId", "name"],
    "properties": {"userId": {"type": "string", "description": "Empty for the admin token."}, "name": {"type": "string"}}
})";

constexpr QByteArrayView MessageSchema = R"({
    "type": "object",
    "required": ["id", "roomId", "seq", "author", "text", "createdAt", "editedAt", "editCount", "deleted",
                 "deletedAt", "deletedBy", "replyTo"],
    "properties": {
        "id": {"type": "string"},
        "roomId": {"type": "string"},
        "seq": {"type": "integer", "description": "The room's order of creation, 1, 2, 3, …"},
        "author": {"$ref": "#/components/schemas/ChatAuthor"},
        "text": {"type": "string", "description": "Empty when deleted."},
        "createdAt": {"type": "string", "format": "date-time"},
        "editedAt": {"type": "string", "format": "date-time", "nullable": true},
        "editCount": {"type": "integer"},
        "deleted": {"type": "boolean"},
        "deletedAt": {"type": "string", "format": "date-time", "nullable": true},
        "deletedBy": {"type": "string", "nullable": true},
        "replyTo": {
            "type": "object", "nullable": true, "required": ["id", "author", "excerpt", "deleted"],
            "properties": {
                "id": {"type": "string"},
                "author": {"$ref": "#/components/schemas/ChatAuthor"},
                "excerpt": {"type": "string", "description": "The first 140 characters."},
                "deleted": {"type": "boolean"}
            }
        }
    }
})";

constexpr QByteArrayView ParticipantSchema = R"({
    "type": "object", "required": ["userId", "name", "email", "role", "joinedAt", "lastReadMessageId"],
    "properties": {
        "userId": {"type": "string"},
        "name": {"type": "string"},
        "email": {"type": "string"},
        "role": {"type": "string", "enum": ["owner", "moderator", "member"]},
        "joinedAt": {"type": "string", "format": "date-time"},
        "lastReadMessageId": {"type": "string", "nullable": true}
    }
})";

constexpr QByteArrayView RoomSchema = R"({
    "type": "object",
    "required": ["id", "type", "name", "topic", "private", "createdAt", "createdBy", "lastActivityAt",
                 "messageCount", "participants", "myRole", "unread", "lastMessage", "demo"],
    "properties": {
        "id": {"type": "string"},
        "type": {"type": "string", "enum": ["group", "direct"]},
        "name": {"type": "string"},
        "topic": {"type": "string"},
        "private": {"type": "boolean"},
        "createdAt": {"type": "string", "format": "date-time"},
        "createdBy": {"type": "string"},
        "lastActivityAt": {"type": "string", "format": "date-time"},
        "messageCount": {"type": "integer"},
        "participants": {"type": "array", "items": {"$ref": "#/components/schemas/ChatParticipant"}},
        "myRole": {"type": "string", "nullable": true, "description": "owner, moderator or member; null: not a participant."},
        "unread": {"type": "integer"},
        "lastMessage": {"type": "object", "nullable": true, "allOf": [{"$ref": "#/components/schemas/ChatMessage"}], "description": "null for a private room the caller is not in."},
        "demo": {"type": "boolean"}
    }
})";

const QByteArray RoomRef = R"({"$ref":"#/components/schemas/ChatRoom"})";
const QByteArray MessageRef = R"({"$ref":"#/components/schemas/ChatMessage"})";
const QByteArray ParticipantRef = R"({"$ref":"#/components/schemas/ChatParticipant"})";

RouteOptions options(QByteArray operationId, QByteArray permission, const char *summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems,
                     std::vector<ParamDoc> parameters, QByteArray requestSchema = {})
{
    RouteOptions o;
    o.access = Access::Authenticated;
    o.maxBody = requestSchema.isEmpty() ? 0 : MaxJsonBody;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("chat");
    o.operationId = std::move(operationId);
    o.permission = std::move(permission);
    o.requestSchema = std::move(requestSchema);
    o.parameters = std::move(parameters);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

ParamDoc pathParam(const char *name, const char *description)
{
    ParamDoc p;
    p.name = name;
    p.in = "path";
    p.required = true;
    p.description = QString::fromUtf8(description);
    return p;
}

ParamDoc queryParam(const char *name, QByteArray schema, const char *description)
{
    ParamDoc p;
    p.name = name;
    p.schema = std::move(schema);
    p.description = QString::fromUtf8(description);
    return p;
}

using Handler = QCoro::Task<Response> (*)(ChatService *, Request);
void add(Router &router, ChatService *service, QByteArray method, QByteArray pattern, Handler handler,
         RouteOptions options)
{
    router.add(std::move(method), std::move(pattern),
               AsyncHandler([service, handler](Request r) { return handler(service, std::move(r)); }),
               std::move(options));
}

QString roomIdOf(const Request &r)
{
    return r.pathParams.value(QStringLiteral("roomId"));
}
QString messageIdOf(const Request &r)
{
    return r.pathParams.value(QStringLiteral("messageId"));
}

// A path id that is not one of ours: the 404 to answer.
std::optional<Response> badIds(const Request &request)
{
    if (!validRoomId(roomIdOf(request)))
        return problem(request, 404, QStringLiteral("There is no chat room %1.").arg(roomIdOf(request)),
                       "room-not-found");
    if (request.pathParams.contains(QStringLiteral("messageId")) && !validMessageId(messageIdOf(request)))
        return problem(request, 404, QStringLiteral("The room has no message %1.").arg(messageIdOf(request)),
                       "message-not-found");
    return std::nullopt;
}

Response withAudit(Response response, const QString &resource, QJsonValue before, QJsonValue after)
{
    response.audit = AuditNote{resource, std::move(before), std::move(after)};
    return response;
}

QString roomResource(const QString &roomId)
{
    return QStringLiteral("chat/rooms/") + roomId;
}

int intParam(const Request &r, const char *name, int fallback)
{
    bool ok = false;
    const int v = r.queryItem(QString::fromLatin1(name)).toInt(&ok);
    return ok ? v : fallback;
}

QCoro::Task<Response> listRooms(ChatService *service, Request request)
{
    QCoro::Task<Result<QJsonObject>> listing = service->listRooms(
        request.principal, intParam(request, "limit", 50), request.queryItem(QStringLiteral("cursor")),
        request.queryItem(QStringLiteral("q")));
    const Result<QJsonObject> rooms = co_await listing;
    if (!rooms)
        co_return problem(request, rooms.error());
    co_return Response::json(200, *rooms);
}

QCoro::Task<Response> createRoom(ChatService *service, Request request)
{
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<std::pair<QJsonObject, bool>>> creating = service->createRoom(request.principal, json);
    const Result<std::pair<QJsonObject, bool>> created = co_await creating;
    if (!created)
        co_return problem(request, created.error());
    const QString id = created->first.value(QStringLiteral("id")).toString();
    co_return withAudit(Response::json(created->second ? 201 : 200, created->first), roomResource(id),
                        QJsonValue(), created->first);
}

QCoro::Task<Response> getRoom(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<QJsonObject>> reading = service->roomView(request.principal, roomIdOf(request));
    const Result<QJsonObject> room = co_await reading;
    if (!room)
        co_return problem(request, room.error());
    co_return Response::json(200, *room);
}

QCoro::Task<Response> updateRoom(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>> updating =
        service->updateRoom(request.principal, roomIdOf(request), json);
    const Result<std::pair<QJsonObject, QJsonObject>> changed = co_await updating;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::json(200, changed->second), roomResource(roomIdOf(request)), changed->first,
                        changed->second);
}

QCoro::Task<Response> deleteRoom(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<QJsonObject>> removing = service->deleteRoom(request.principal, roomIdOf(request));
    const Result<QJsonObject> removed = co_await removing;
    if (!removed)
        co_return problem(request, removed.error());
    co_return withAudit(Response::noContent(), roomResource(roomIdOf(request)), *removed, QJsonValue());
}

QCoro::Task<Response> addParticipant(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<QJsonObject>> adding =
        service->addParticipant(request.principal, roomIdOf(request), json);
    const Result<QJsonObject> added = co_await adding;
    if (!added)
        co_return problem(request, added.error());
    co_return withAudit(Response::json(201, *added), roomResource(roomIdOf(request)), QJsonValue(), *added);
}

QCoro::Task<Response> changeRole(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<QJsonObject>> changing = service->changeRole(
        request.principal, roomIdOf(request), request.pathParams.value(QStringLiteral("userId")), json);
    const Result<QJsonObject> changed = co_await changing;
    if (!changed)
        co_return problem(request, changed.error());
    co_return withAudit(Response::json(200, *changed), roomResource(roomIdOf(request)), QJsonValue(),
                        *changed);
}

QCoro::Task<Response> removeParticipant(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<QJsonObject>> removing = service->removeParticipant(
        request.principal, roomIdOf(request), request.pathParams.value(QStringLiteral("userId")));
    const Result<QJsonObject> removed = co_await removing;
    if (!removed)
        co_return problem(request, removed.error());
    co_return withAudit(Response::json(200, *removed), roomResource(roomIdOf(request)), QJsonValue(),
                        *removed);
}

QCoro::Task<Response> markRead(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<QJsonObject>> marking = service->markRead(request.principal, roomIdOf(request), json);
    const Result<QJsonObject> marked = co_await marking;
    if (!marked)
        co_return problem(request, marked.error());
    co_return Response::json(200, *marked);
}

QCoro::Task<Response> typing(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<void>> telling = service->typing(request.principal, roomIdOf(request));
    const Result<void> told = co_await telling;
    if (!told)
        co_return problem(request, told.error());
    co_return Response::json(202, QJsonObject{{QStringLiteral("typing"), true}});
}

QCoro::Task<Response> listMessages(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    ChatService::PageRequest page;
    page.before = request.queryItem(QStringLiteral("before"));
    page.around = request.queryItem(QStringLiteral("around"));
    page.after = request.queryItem(QStringLiteral("after"));
    page.limit = intParam(request, "limit", 50);
    page.reason = request.queryItem(QStringLiteral("reason"));
    QCoro::Task<Result<QJsonObject>> reading = service->messages(request.principal, roomIdOf(request), page);
    const Result<QJsonObject> messages = co_await reading;
    if (!messages)
        co_return problem(request, messages.error());
    co_return Response::json(200, *messages);
}

QCoro::Task<Response> sendMessage(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<ChatService::Sent>> sending =
        service->send(request.principal, roomIdOf(request), json);
    const Result<ChatService::Sent> sent = co_await sending;
    if (!sent)
        co_return problem(request, sent.error());
    const QJsonObject m = sent->message.toJson();
    co_return withAudit(Response::json(sent->created ? 201 : 200, m),
                        roomResource(roomIdOf(request)) + QStringLiteral("/messages/") + sent->message.id,
                        QJsonValue(), QJsonObject{{QStringLiteral("id"), sent->message.id}});
}

QCoro::Task<Response> editMessage(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<std::pair<Message, Message>>> editing =
        service->edit(request.principal, roomIdOf(request), messageIdOf(request), json);
    const Result<std::pair<Message, Message>> edited = co_await editing;
    if (!edited)
        co_return problem(request, edited.error());
    // The audit log keeps who changed which message, not the text.
    co_return withAudit(Response::json(200, edited->second.toJson()),
                        roomResource(roomIdOf(request)) + QStringLiteral("/messages/") + messageIdOf(request),
                        QJsonValue(), QJsonObject{{QStringLiteral("editCount"), edited->second.editCount}});
}

QCoro::Task<Response> listEdits(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<QList<MessageEdit>>> reading =
        service->edits(request.principal, roomIdOf(request), messageIdOf(request),
                       request.queryItem(QStringLiteral("reason")));
    const Result<QList<MessageEdit>> edits = co_await reading;
    if (!edits)
        co_return problem(request, edits.error());
    QJsonArray items;
    for (const MessageEdit &e : *edits)
        items.append(QJsonObject{{QStringLiteral("text"), e.text},
                                 {QStringLiteral("editedAt"), isoTime(e.editedAtMs)}});
    co_return Response::json(200, QJsonObject{{QStringLiteral("items"), items}});
}

QCoro::Task<Response> deleteMessage(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<std::pair<Message, Message>>> deleting =
        service->deleteMessage(request.principal, roomIdOf(request), messageIdOf(request));
    const Result<std::pair<Message, Message>> deleted = co_await deleting;
    if (!deleted)
        co_return problem(request, deleted.error());
    co_return withAudit(Response::json(200, deleted->second.toJson()),
                        roomResource(roomIdOf(request)) + QStringLiteral("/messages/") + messageIdOf(request),
                        QJsonValue(), QJsonObject{{QStringLiteral("deleted"), true}});
}

QCoro::Task<Response> search(ChatService *service, Request request)
{
    ChatService::SearchRequest s;
    s.q = request.queryItem(QStringLiteral("q"));
    s.room = request.queryItem(QStringLiteral("room"));
    s.author = request.queryItem(QStringLiteral("author"));
    s.from = request.queryItem(QStringLiteral("from"));
    s.to = request.queryItem(QStringLiteral("to"));
    s.reason = request.queryItem(QStringLiteral("reason"));
    s.cursor = request.queryItem(QStringLiteral("cursor"));
    s.limit = intParam(request, "limit", 20);
    QCoro::Task<Result<QJsonObject>> searching = service->search(request.principal, s);
    const Result<QJsonObject> found = co_await searching;
    if (!found)
        co_return problem(request, found.error());
    co_return Response::json(200, *found);
}

QCoro::Task<Response> supportReads(ChatService *service, Request request)
{
    if (std::optional<Response> refused = badIds(request))
        co_return *refused;
    QCoro::Task<Result<QList<SupportRead>>> reading =
        service->supportReads(request.principal, roomIdOf(request));
    const Result<QList<SupportRead>> reads = co_await reading;
    if (!reads)
        co_return problem(request, reads.error());
    QJsonArray items;
    for (const SupportRead &r : *reads)
        items.append(r.toJson());
    co_return Response::json(200, QJsonObject{{QStringLiteral("items"), items}});
}
} // namespace

void ChatRoutes::install(Router &router, ChatService *service)
{
    router.addSchema(QStringLiteral("ChatAuthor"), AuthorSchema);
    router.addSchema(QStringLiteral("ChatMessage"), MessageSchema);
    router.addSchema(QStringLiteral("ChatParticipant"), ParticipantSchema);
    router.addSchema(QStringLiteral("ChatRoom"), RoomSchema);

    const ParamDoc roomId = pathParam("roomId", "The room's id (room_…).");
    const ParamDoc messageId = pathParam("messageId", "The message's id (msg_…).");
    const ParamDoc userId = pathParam("userId", "The participant's user id.");
    const ParamDoc limit =
        queryParam("limit", R"({"type":"integer","minimum":1,"maximum":200})", "Page size.");
    const ParamDoc reason =
        queryParam("reason", R"({"type":"string"})",
                   "Why a support reader reads a private room they are not in; required then, and recorded.");
    const QByteArray roomList = R"({"type":"object","required":["items","nextCursor"],"properties":{
        "items":{"type":"array","items":{"$ref":"#/components/schemas/ChatRoom"}},
        "nextCursor":{"type":"string","nullable":true}}})";
    const QByteArray roomInput = R"({"type":"object","additionalProperties":false,"properties":{
        "type":{"type":"string","enum":["group","direct"],"default":"group"},
        "name":{"type":"string","maxLength":100,"description":"Required for a group room."},
        "topic":{"type":"string","maxLength":1000},
        "private":{"type":"boolean","default":false},
        "participants":{"type":"array","items":{"type":"string"},"description":"User ids; a direct room names the one other user."}}})";
    const QByteArray roomPatch = R"({"type":"object","additionalProperties":false,"properties":{
        "name":{"type":"string","maxLength":100},"topic":{"type":"string","maxLength":1000},"private":{"type":"boolean"}}})";
    const QByteArray participantInput =
        R"({"type":"object","required":["userId"],"additionalProperties":false,"properties":{
        "userId":{"type":"string","description":"One's own id joins a public room."},
        "role":{"type":"string","enum":["owner","moderator","member"],"default":"member"}}})";
    const QByteArray roleInput =
        R"({"type":"object","required":["role"],"additionalProperties":false,"properties":{
        "role":{"type":"string","enum":["owner","moderator","member"]}}})";
    const QByteArray participantsList = R"({"type":"object","required":["participants"],"properties":{
        "participants":{"type":"array","items":{"$ref":"#/components/schemas/ChatParticipant"}}}})";
    const QByteArray readInput =
        R"({"type":"object","required":["messageId"],"additionalProperties":false,"properties":{
        "messageId":{"type":"string"}}})";
    const QByteArray readAnswer = R"({"type":"object","required":["lastReadMessageId","unread"],"properties":{
        "lastReadMessageId":{"type":"string"},"unread":{"type":"integer"}}})";
    const QByteArray typingAnswer =
        R"({"type":"object","required":["typing"],"properties":{"typing":{"type":"boolean"}}})";
    const QByteArray typingInput = R"({"type":"object","additionalProperties":false,"properties":{}})";
    const QByteArray messagePage =
        R"({"type":"object","required":["items","nextCursor","hasMore"],"properties":{
        "items":{"type":"array","items":{"$ref":"#/components/schemas/ChatMessage"}},
        "nextCursor":{"type":"string","nullable":true},"hasMore":{"type":"boolean"}}})";
    const QByteArray messageInput =
        R"({"type":"object","required":["text"],"additionalProperties":false,"properties":{
        "text":{"type":"string","minLength":1,"maxLength":4000},
        "replyTo":{"type":"string","description":"A message of the same room."},
        "idempotencyKey":{"type":"string","maxLength":200,"description":"A retried send with the same key answers the first message (200)."}}})";
    const QByteArray editInput =
        R"({"type":"object","required":["text"],"additionalProperties":false,"properties":{
        "text":{"type":"string","minLength":1,"maxLength":4000}}})";
    const QByteArray editsList =
        R"({"type":"object","required":["items"],"properties":{"items":{"type":"array","items":{
        "type":"object","required":["text","editedAt"],"properties":{"text":{"type":"string","description":"The text before the edit."},
        "editedAt":{"type":"string","format":"date-time"}}}}}})";
    const QByteArray searchAnswer = R"({"type":"object","required":["items","nextCursor"],"properties":{
        "items":{"type":"array","items":{"type":"object","required":["message","room","highlight"],"properties":{
            "message":{"$ref":"#/components/schemas/ChatMessage"},
            "room":{"type":"object","required":["id","name","private"],"properties":{"id":{"type":"string"},"name":{"type":"string"},"private":{"type":"boolean"}}},
            "highlight":{"type":"string","description":"HTML-escaped text with <mark> around matches."}}}},
        "nextCursor":{"type":"string","nullable":true}}})";
    const QByteArray supportReadsList =
        R"({"type":"object","required":["items"],"properties":{"items":{"type":"array","items":{
        "type":"object","required":["id","actor","actorName","roomId","reason","messageIds","at"],"properties":{
        "id":{"type":"string"},"actor":{"type":"string"},"actorName":{"type":"string"},"roomId":{"type":"string"},
        "reason":{"type":"string"},"messageIds":{"type":"array","items":{"type":"string"}},"at":{"type":"string","format":"date-time"}}}}}})";

    add(router, service, "GET", "/v1/chat/rooms", listRooms,
        options("listChatRooms", "chat.read",
                "Rooms the caller may read (support, admins and developers: all), newest activity first, "
                "with unread "
                "counts.",
                {{200, QStringLiteral("A page of rooms."), roomList}}, {400},
                {limit, queryParam("cursor", R"({"type":"string"})", "nextCursor of the previous page."),
                 queryParam("q", R"({"type":"string"})", "Rooms whose name contains this.")}));
    add(router, service, "POST", "/v1/chat/rooms", createRoom,
        options("createChatRoom", "chat.write",
                "Creates a group room (the caller its owner) or a direct room; a direct pair's room is one: "
                "asking "
                "again answers it (200).",
                {{201, QStringLiteral("The new room."), RoomRef},
                 {200, QStringLiteral("The pair's room."), RoomRef}},
                {400}, {}, roomInput));
    add(router, service, "GET", "/v1/chat/rooms/{roomId}", getRoom,
        options("getChatRoom", "chat.read", "One room as the caller sees it.",
                {{200, QStringLiteral("The room."), RoomRef}}, {404}, {roomId}));
    add(router, service, "PATCH", "/v1/chat/rooms/{roomId}", updateRoom,
        options("updateChatRoom", "chat.write",
                "Changes a room's name, topic or privacy (owners, moderators, admins).",
                {{200, QStringLiteral("The room after."), RoomRef}}, {400, 403, 404}, {roomId}, roomPatch));
    add(router, service, "DELETE", "/v1/chat/rooms/{roomId}", deleteRoom,
        options("deleteChatRoom", "chat.write",
                "Deletes a room with its messages (owners, moderators, admins).",
                {{204, QStringLiteral("Deleted."), {}}}, {403, 404}, {roomId}));
    add(router, service, "POST", "/v1/chat/rooms/{roomId}/participants", addParticipant,
        options("addChatParticipant", "chat.write",
                "Adds a participant (owners, moderators, admins), or joins a public room oneself.",
                {{201, QStringLiteral("The participant."), ParticipantRef}}, {400, 403, 404, 409}, {roomId},
                participantInput));
    add(router, service, "PATCH", "/v1/chat/rooms/{roomId}/participants/{userId}", changeRole,
        options("changeChatParticipantRole", "chat.write",
                "Changes a participant's role (owners, moderators, admins).",
                {{200, QStringLiteral("The participant after."), ParticipantRef}}, {400, 403, 404},
                {roomId, userId}, roleInput));
    add(router, service, "DELETE", "/v1/chat/rooms/{roomId}/participants/{userId}", removeParticipant,
        options("removeChatParticipant", "chat.write",
                "Leaves a room (oneself) or removes a participant (owners, moderators, admins); their live "
                "subscriptions end.",
                {{200, QStringLiteral("The participants after."), participantsList}}, {403, 404},
                {roomId, userId}));
    add(router, service, "POST", "/v1/chat/rooms/{roomId}/read", markRead,
        options("markChatRead", "chat.write", "Moves the caller's read mark forward to a message.",
                {{200, QStringLiteral("The read mark and unread count."), readAnswer}}, {400, 403, 404},
                {roomId}, readInput));
    RouteOptions typingOptions = options(
        "chatTyping", "chat.write", "Tells the room's subscribers the caller is typing (5 s; never stored).",
        {{202, QStringLiteral("Told."), typingAnswer}}, {403, 404}, {roomId}, typingInput);
    typingOptions.requestBodyOptional = true;
    add(router, service, "POST", "/v1/chat/rooms/{roomId}/typing", typing, std::move(typingOptions));
    add(router, service, "GET", "/v1/chat/rooms/{roomId}/messages", listMessages,
        options(
            "listChatMessages", "chat.read",
            "A page of messages, oldest first: the newest, older ones with before=nextCursor, the page "
            "around a message, or the messages after a seq (after=; nextCursor then goes on to newer ones).",
            {{200, QStringLiteral("The page."), messagePage}}, {400, 403, 404},
            {roomId, limit, queryParam("before", R"({"type":"string"})", "nextCursor of the previous page."),
             queryParam("around", R"({"type":"string"})", "A message id: the page holding it."),
             queryParam("after", R"({"type":"string","pattern":"^[0-9]+$"})",
                        "A message's seq: the messages after it, oldest first (catching up after a "
                        "reconnect); with after=nextCursor the next newer page. Not with before or around."),
             reason}));
    add(router, service, "POST", "/v1/chat/rooms/{roomId}/messages", sendMessage,
        options("sendChatMessage", "chat.write",
                "Sends a message; a retry with the same idempotencyKey answers the first.",
                {{201, QStringLiteral("The new message."), MessageRef},
                 {200, QStringLiteral("The message this key sent before."), MessageRef}},
                {400, 403, 404}, {roomId}, messageInput));
    add(router, service, "PATCH", "/v1/chat/rooms/{roomId}/messages/{messageId}", editMessage,
        options("editChatMessage", "chat.write",
                "Edits one's own message; the text before is kept in its history.",
                {{200, QStringLiteral("The message after."), MessageRef}}, {400, 403, 404, 409},
                {roomId, messageId}, editInput));
    add(router, service, "GET", "/v1/chat/rooms/{roomId}/messages/{messageId}/edits", listEdits,
        options("listChatMessageEdits", "chat.read", "A message's earlier texts, oldest first.",
                {{200, QStringLiteral("The history."), editsList}}, {403, 404}, {roomId, messageId, reason}));
    add(router, service, "DELETE", "/v1/chat/rooms/{roomId}/messages/{messageId}", deleteMessage,
        options(
            "deleteChatMessage", "chat.write",
            "Deletes a message (its author, the room's owners and moderators, admins): a tombstone stays.",
            {{200, QStringLiteral("The tombstone."), MessageRef}}, {403, 404}, {roomId, messageId}));
    add(router, service, "GET", "/v1/chat/search", search,
        options("searchChat", "chat.read",
                "Full-text search of the rooms the caller may read; case, umlauts and ß are folded. "
                "Private rooms the caller is not in are searched only with a reason (recorded).",
                {{200, QStringLiteral("Hits, newest first (by arrival on SQLite, by time on PostgreSQL)."),
                  searchAnswer}},
                {400, 403, 404},
                {queryParam("q", R"({"type":"string","minLength":2})", "At least 2 characters."),
                 queryParam("room", R"({"type":"string"})", "Only this room."),
                 queryParam("author", R"({"type":"string"})", "Only this author's user id."),
                 queryParam("from", R"({"type":"string","format":"date-time"})", "Sent at or after."),
                 queryParam("to", R"({"type":"string","format":"date-time"})", "Sent before."),
                 queryParam("cursor", R"({"type":"string"})", "nextCursor of the previous page."), limit,
                 reason}));
    add(router, service, "GET", "/v1/chat/rooms/{roomId}/support-reads", supportReads,
        options("listChatSupportReads", "chat.read",
                "Who read this room for support, why and what (the room's owners and admins).",
                {{200, QStringLiteral("The reads, newest first."), supportReadsList}}, {403, 404}, {roomId}));
}

} // namespace Meshdeck::Chat
