#include "chatextrasroutes.h"

#include "chatextrasservice.h"

#include "http/problem.h"
#include "http/router.h"

namespace Meshdeck::Chat {

using namespace Meshdeck::Http;

namespace {
constexpr qint64 MaxJsonBody = 16 * 1024;

constexpr QByteArrayView InvitationSchema = R"({
    "type": "object",
    "required": ["token", "roomId", "url", "createdBy", "createdAt", "expiresAt", "maxUses", "uses", "revokedAt", "state"],
    "properties": {
        "token": {"type": "string", "description": "The bearer secret (inv_…): whoever holds it can join the room."},
        "roomId": {"type": "string"},
        "url": {"type": "string", "description": "meshdeck://chat/invite/<token>: what the QR code carries."},
        "createdBy": {"type": "string", "description": "user:ID or admin-token."},
        "createdAt": {"type": "string", "format": "date-time"},
        "expiresAt": {"type": "string", "format": "date-time"},
        "maxUses": {"type": "integer"},
        "uses": {"type": "integer"},
        "revokedAt": {"type": "string", "format": "date-time", "nullable": true},
        "state": {"type": "string", "enum": ["active", "expired", "used-up", "revoked"]},
        "demo": {"type": "boolean", "description": "Made by meshdeckd --seed-demo."}
    }
})";

constexpr QByteArrayView ReportSchema = R"({
    "type": "object",
    "required": ["id", "roomId", "roomName", "message", "context", "reporter", "reason", "createdAt", "state",
                 "resolvedBy", "resolvedAt"],
    "properties": {
        "id": {"type": "string"},
        "roomId": {"type": "string"},
        "roomName": {"type": "string"},
        "messageId": {"type": "string"},
        "message": {"type": "object", "allOf": [{"$ref": "#/components/schemas/ChatMessage"}], "nullable": true, "description": "null when the room is gone."},
        "context": {"type": "array", "items": {"$ref": "#/components/schemas/ChatMessage"}, "description": "Up to 2 messages before and 2 after, oldest first."},
        "reporter": {"$ref": "#/components/schemas/ChatAuthor"},
        "reason": {"type": "string"},
        "createdAt": {"type": "string", "format": "date-time"},
        "state": {"type": "string", "enum": ["open", "resolved"]},
        "resolvedBy": {"type": "string", "nullable": true},
        "resolvedAt": {"type": "string", "format": "date-time", "nullable": true},
        "demo": {"type": "boolean"},
        "roomPrivate": {"type": "boolean"},
        "textHidden": {"type": "boolean", "description": "true: a private room the caller is not in, listed without ?reason=; the message's and the context's text (and reply excerpts) are empty."}
    }
})";

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

using Handler = QCoro::Task<Response> (*)(ChatExtrasService *, Request);
void add(Router &router, ChatExtrasService *service, QByteArray method, QByteArray pattern, Handler handler,
         RouteOptions options)
{
    router.add(std::move(method), std::move(pattern),
               AsyncHandler([service, handler](Request r) { return handler(service, std::move(r)); }),
               std::move(options));
}

QString param(const Request &r, const char *name)
{
    return r.pathParams.value(QString::fromLatin1(name));
}

// An invitation that can no longer be used is gone for good: 410 with the contract's slug.
Response failure(const Request &request, const Error &error)
{
    if (error.kind == ErrorKind::Conflict && error.code.startsWith("invitation-"))
        return problem(request, 410, error.reason, error.code);
    return problem(request, error);
}

Response withAudit(Response response, const QString &resource, QJsonValue before, QJsonValue after)
{
    response.audit = AuditNote{resource, std::move(before), std::move(after)};
    return response;
}

QCoro::Task<Response> listInvitations(ChatExtrasService *service, Request request)
{
    QCoro::Task<Result<QJsonObject>> listing =
        service->listInvitations(request.principal, param(request, "roomId"));
    const Result<QJsonObject> list = co_await listing;
    if (!list)
        co_return failure(request, list.error());
    co_return Response::json(200, *list);
}

QCoro::Task<Response> createInvitation(ChatExtrasService *service, Request request)
{
    QJsonObject json;
    QString error;
    if (!request.body.isEmpty() && !request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    const QString roomId = param(request, "roomId");
    QCoro::Task<Result<QJsonObject>> creating = service->createInvitation(request.principal, roomId, json);
    const Result<QJsonObject> created = co_await creating;
    if (!created)
        co_return failure(request, created.error());
    // The audit record names the room, never the token (a bearer secret).
    QJsonObject noted = *created;
    noted.remove(QStringLiteral("token"));
    noted.remove(QStringLiteral("url"));
    co_return withAudit(Response::json(201, *created),
                        QStringLiteral("chat/rooms/") + roomId + QStringLiteral("/invitations"), QJsonValue(),
                        noted);
}

QCoro::Task<Response> revokeInvitation(ChatExtrasService *service, Request request)
{
    const QString roomId = param(request, "roomId");
    QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>> revoking =
        service->revokeInvitation(request.principal, roomId, param(request, "token"));
    const Result<std::pair<QJsonObject, QJsonObject>> revoked = co_await revoking;
    if (!revoked)
        co_return failure(request, revoked.error());
    QJsonObject before = revoked->first;
    QJsonObject after = revoked->second;
    for (QJsonObject *o : {&before, &after}) {
        o->remove(QStringLiteral("token"));
        o->remove(QStringLiteral("url"));
    }
    co_return withAudit(Response::json(200, revoked->second),
                        QStringLiteral("chat/rooms/") + roomId + QStringLiteral("/invitations"), before,
                        after);
}

QCoro::Task<Response> qrCode(ChatExtrasService *service, Request request, bool png)
{
    QCoro::Task<Result<QByteArray>> drawing =
        service->invitationQr(request.principal, param(request, "token"), png);
    const Result<QByteArray> image = co_await drawing;
    if (!image)
        co_return failure(request, image.error());
    Response r = Response::text(200, *image,
                                png ? QByteArrayLiteral("image/png") : QByteArrayLiteral("image/svg+xml"));
    r.setHeader("cache-control", "no-store");
    co_return r;
}

QCoro::Task<Response> qrSvg(ChatExtrasService *service, Request request)
{
    QCoro::Task<Response> drawing = qrCode(service, std::move(request), false);
    co_return co_await drawing;
}

QCoro::Task<Response> qrPng(ChatExtrasService *service, Request request)
{
    QCoro::Task<Response> drawing = qrCode(service, std::move(request), true);
    co_return co_await drawing;
}

QCoro::Task<Response> acceptInvitation(ChatExtrasService *service, Request request)
{
    QCoro::Task<Result<QJsonObject>> accepting =
        service->acceptInvitation(request.principal, param(request, "token"));
    const Result<QJsonObject> accepted = co_await accepting;
    if (!accepted)
        co_return failure(request, accepted.error());
    const QString roomId =
        accepted->value(QStringLiteral("room")).toObject().value(QStringLiteral("id")).toString();
    co_return withAudit(Response::json(200, *accepted), QStringLiteral("chat/rooms/") + roomId, QJsonValue(),
                        QJsonObject{{QStringLiteral("joined"), accepted->value(QStringLiteral("joined"))}});
}

QCoro::Task<Response> reportMessage(ChatExtrasService *service, Request request)
{
    QJsonObject json;
    QString error;
    if (!request.jsonObject(&json, &error))
        co_return problem(request, 400, error, "invalid-json");
    QCoro::Task<Result<std::pair<QJsonObject, bool>>> reporting = service->reportMessage(
        request.principal, param(request, "roomId"), param(request, "messageId"), json);
    const Result<std::pair<QJsonObject, bool>> reported = co_await reporting;
    if (!reported)
        co_return failure(request, reported.error());
    const QString id = reported->first.value(QStringLiteral("id")).toString();
    co_return withAudit(Response::json(reported->second ? 201 : 200, reported->first),
                        QStringLiteral("chat/reports/") + id, QJsonValue(),
                        QJsonObject{{QStringLiteral("messageId"), param(request, "messageId")},
                                    {QStringLiteral("reason"), json.value(QStringLiteral("reason"))}});
}

QCoro::Task<Response> listReports(ChatExtrasService *service, Request request)
{
    QCoro::Task<Result<QJsonObject>> listing =
        service->listReports(request.principal, request.queryItem(QStringLiteral("state")),
                             request.queryItem(QStringLiteral("reason")));
    const Result<QJsonObject> list = co_await listing;
    if (!list)
        co_return failure(request, list.error());
    co_return Response::json(200, *list);
}

QCoro::Task<Response> resolveReport(ChatExtrasService *service, Request request)
{
    const QString id = param(request, "reportId");
    QCoro::Task<Result<std::pair<QJsonObject, QJsonObject>>> resolving =
        service->resolveReport(request.principal, id);
    const Result<std::pair<QJsonObject, QJsonObject>> resolved = co_await resolving;
    if (!resolved)
        co_return failure(request, resolved.error());
    co_return withAudit(Response::json(200, resolved->second), QStringLiteral("chat/reports/") + id,
                        resolved->first.value(QStringLiteral("state")),
                        resolved->second.value(QStringLiteral("state")));
}
} // namespace

void ChatExtrasRoutes::install(Router &router, ChatExtrasService *service)
{
    router.addSchema(QStringLiteral("ChatInvitation"), InvitationSchema);
    router.addSchema(QStringLiteral("ChatReport"), ReportSchema);

    const ParamDoc roomId = pathParam("roomId", "The room's id (room_…).");
    const ParamDoc messageId = pathParam("messageId", "The message's id (msg_…).");
    const ParamDoc token = pathParam("token", "The invitation's token (inv_…).");
    const ParamDoc reportId = pathParam("reportId", "The report's id (rep_…).");
    const QByteArray invitation = R"({"$ref":"#/components/schemas/ChatInvitation"})";
    const QByteArray report = R"({"$ref":"#/components/schemas/ChatReport"})";
    const QByteArray invitationList = R"({"type":"object","required":["items"],"properties":{
        "items":{"type":"array","items":{"$ref":"#/components/schemas/ChatInvitation"}}}})";
    const QByteArray reportList = R"({"type":"object","required":["items"],"properties":{
        "items":{"type":"array","items":{"$ref":"#/components/schemas/ChatReport"}}}})";
    const QByteArray invitationInput = R"({"type":"object","additionalProperties":false,"properties":{
        "expiresInSeconds":{"type":"integer","minimum":60,"maximum":7776000,"default":86400},
        "maxUses":{"type":"integer","minimum":1,"maximum":10000,"default":10}}})";
    const QByteArray acceptAnswer = R"({"type":"object","required":["room","joined"],"properties":{
        "room":{"$ref":"#/components/schemas/ChatRoom"},
        "joined":{"type":"boolean","description":"false: the caller was a participant already."}}})";
    const QByteArray reportInput =
        R"({"type":"object","required":["reason"],"additionalProperties":false,"properties":{
        "reason":{"type":"string","minLength":1,"maxLength":500}}})";
    const QByteArray emptyInput = R"({"type":"object","additionalProperties":false,"properties":{}})";

    add(router, service, "GET", "/v1/chat/rooms/{roomId}/invitations", listInvitations,
        options("listChatInvitations", "chat.read", "The room's invitations with their use counts and state",
                {{200, QStringLiteral("The invitations, newest first."), invitationList}}, {403, 404},
                {roomId}));
    {
        RouteOptions o = options(
            "createChatInvitation", "chat.write",
            "Invite to a group room with a token that expires and has a use limit (owners, moderators, "
            "admins)",
            {{201, QStringLiteral("The invitation; its url is what the QR code carries."), invitation}},
            {400, 403, 404, 409}, {roomId}, invitationInput);
        o.requestBodyOptional = true;
        add(router, service, "POST", "/v1/chat/rooms/{roomId}/invitations", createInvitation, std::move(o));
    }
    add(router, service, "DELETE", "/v1/chat/rooms/{roomId}/invitations/{token}", revokeInvitation,
        options("revokeChatInvitation", "chat.moderate", "Revoke an invitation (it stays listed as revoked)",
                {{200, QStringLiteral("The invitation, revoked."), invitation}}, {403, 404},
                {roomId, token}));
    add(router, service, "GET", "/v1/chat/invitations/{token}/qr.svg", qrSvg,
        options("chatInvitationQrSvg", "chat.read", "The invitation's URL as a QR code (SVG)",
                {{200, QStringLiteral("An SVG image."), R"({"type":"string"})",
                  QByteArrayLiteral("image/svg+xml")}},
                {404}, {token}));
    add(router, service, "GET", "/v1/chat/invitations/{token}/qr.png", qrPng,
        options("chatInvitationQrPng", "chat.read", "The invitation's URL as a QR code (PNG)",
                {{200, QStringLiteral("A PNG image."), R"({"type":"string","format":"binary"})",
                  QByteArrayLiteral("image/png")}},
                {404}, {token}));
    {
        RouteOptions o =
            options("acceptChatInvitation", "chat.write",
                    "Join the invitation's room (once; a participant already changes nothing)",
                    {{200, QStringLiteral("The room, and whether the caller joined now."), acceptAnswer}},
                    {403, 404, 409, 410}, {token}, emptyInput);
        o.requestBodyOptional = true;
        add(router, service, "POST", "/v1/chat/invitations/{token}/accept", acceptInvitation, std::move(o));
    }
    add(router, service, "POST", "/v1/chat/rooms/{roomId}/messages/{messageId}/reports", reportMessage,
        options("reportChatMessage", "chat.write",
                "Report a message to support (participants); publishes chat.reports",
                {{201, QStringLiteral("The report."), report},
                 {200, QStringLiteral("The caller had reported this message already: that report."), report}},
                {400, 403, 404}, {roomId, messageId}, reportInput));
    {
        ParamDoc state;
        state.name = "state";
        state.schema = R"({"type":"string","enum":["open","resolved"]})";
        state.description = QStringLiteral("Only open or only resolved reports; all when left out.");
        ParamDoc reason;
        reason.name = "reason";
        reason.schema = R"({"type":"string"})";
        reason.description = QStringLiteral(
            "Why a support reader reads the reported messages of private rooms they are not in. Without "
            "it those reports are listed with their text empty (textHidden); with it the text is shown and "
            "recorded as a support read of each such room.");
        add(router, service, "GET", "/v1/chat/reports", listReports,
            options("listChatReports", "chat.read", "Reported messages with their context (support, admins)",
                    {{200, QStringLiteral("The reports, newest first."), reportList}}, {400},
                    {state, reason}));
    }
    {
        RouteOptions o = options("resolveChatReport", "chat.moderate", "Mark a report resolved",
                                 {{200, QStringLiteral("The report, resolved."), report}}, {403, 404},
                                 {reportId}, emptyInput);
        o.requestBodyOptional = true;
        add(router, service, "POST", "/v1/chat/reports/{reportId}/resolve", resolveReport, std::move(o));
    }
}

} // namespace Meshdeck::Chat
