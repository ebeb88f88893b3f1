#include "auditroutes.h"

#include "auditservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QJsonArray>

#include <QCoroTask>

namespace Meshdeck::Audit {

using namespace Meshdeck::Http;

namespace {

constexpr QByteArrayView AuditRecordSchema = R"({
    "type": "object",
    "required": ["id", "time", "actor", "actorName", "action", "method", "path", "route", "resource",
                 "status", "outcome", "source", "requestId", "before", "after", "detail"],
    "properties": {
        "id": {"type": "string", "description": "Grows with every record; never reused."},
        "time": {"type": "string", "format": "date-time"},
        "actor": {"type": "string", "description": "user:ID, key:ID, admin-token or anonymous."},
        "actorName": {"type": "string", "description": "The user's email or the key's name, as it was then; empty for anonymous callers."},
        "action": {"type": "string", "description": "The route's operationId (drainInstance) or an event name (auth.signin.failed)."},
        "method": {"type": "string"},
        "path": {"type": "string"},
        "route": {"type": "string", "description": "The route pattern that matched."},
        "resource": {"type": "string", "nullable": true, "description": "What the call touched: instance:ID, webhook:ID, topic:NAME."},
        "status": {"type": "integer", "description": "The HTTP status answered."},
        "outcome": {"type": "string", "enum": ["ok", "denied", "failed"], "description": "denied: 401 or 403; failed: any other error."},
        "source": {"type": "string", "description": "The client's address."},
        "requestId": {"type": "string"},
        "before": {"description": "The resource's state before the change (any JSON value); null when there was none or the route does not say."},
        "after": {"description": "The resource's state after the change (any JSON value); null when it was deleted, refused, or the route does not say."},
        "detail": {"type": "string", "nullable": true, "description": "Why the call was refused or failed."}
    }
})";

constexpr QByteArrayView PageSchema = R"({
    "type": "object", "required": ["records", "nextCursor"],
    "properties": {
        "records": {"type": "array", "items": {"$ref": "#/components/schemas/AuditRecord"}, "description": "Newest first."},
        "nextCursor": {"type": "string", "nullable": true, "description": "Pass as cursor for the next (older) page; null on the last page."}
    }
})";

std::vector<ParamDoc> parameters()
{
    const QByteArray text = QByteArrayLiteral(R"({"type":"string"})");
    const QByteArray time = QByteArrayLiteral(
        R"({"type":"string","description":"ISO 8601 with a zone (2026-01-31T12:00:00Z) or milliseconds since 1970."})");
    return {
        {"actor", "query", text,
         QStringLiteral("Only this actor: user:ID, key:ID, admin-token or anonymous.")},
        {"action", "query", text, QStringLiteral("Only this action (an operationId or event name).")},
        {"resource", "query", text,
         QStringLiteral("Only this resource; ending in ':' (topic:) every resource of that kind.")},
        {"outcome", "query", QByteArrayLiteral(R"({"type":"string","enum":["ok","denied","failed"]})"),
         QStringLiteral("Only this outcome.")},
        {"from", "query", time, QStringLiteral("Records at or after this time.")},
        {"to", "query", time, QStringLiteral("Records before this time.")},
        {"cursor", "query", text, QStringLiteral("The nextCursor of the previous page.")},
        {"limit", "query",
         QByteArrayLiteral(R"({"type":"integer","minimum":1,"maximum":1000,"default":100})"),
         QStringLiteral("Records per page.")},
    };
}

QCoro::Task<Response> searchAudit(AuditService *service, Request request)
{
    const Result<AuditFilter> filter =
        parseFilter([&request](const QString &name) { return request.queryItem(name); });
    if (!filter)
        co_return problem(request, filter.error());
    const int limit = filter->limit;
    AuditFilter query = *filter;
    query.limit = limit + 1; // one more tells whether another page follows
    QCoro::Task<Result<QList<AuditRecord>>> searching = service->search(query);
    const Result<QList<AuditRecord>> found = co_await searching;
    if (!found)
        co_return problem(request, found.error());
    QJsonArray records;
    const qsizetype shown = std::min<qsizetype>(found->size(), limit);
    for (qsizetype i = 0; i < shown; ++i)
        records.append(AuditService::recordJson(found->at(i)));
    const QJsonValue next = found->size() > limit ? QJsonValue(cursorAfter(found->at(shown - 1).id))
                                                  : QJsonValue(QJsonValue::Null);
    co_return Response::json(
        200, QJsonObject{{QStringLiteral("records"), records}, {QStringLiteral("nextCursor"), next}});
}

} // namespace

void AuditRoutes::install(Router &router, AuditService *service)
{
    router.addSchema(QStringLiteral("AuditRecord"), AuditRecordSchema);
    RouteOptions o;
    o.maxBody = 0;
    o.tag = QStringLiteral("audit");
    o.operationId = QByteArrayLiteral("searchAudit");
    o.permission = QByteArrayLiteral("audit.read");
    o.summary =
        QStringLiteral("Search the audit log, newest first: who did what, to which resource, from where, "
                       "with the outcome and the state before and after. Also live on the realtime "
                       "channel 'audit'.");
    o.parameters = parameters();
    o.responses = {{200, QStringLiteral("A page of records."), PageSchema.toByteArray()}};
    o.problems = {400, 403};
    router.add("GET", "/v1/audit",
               AsyncHandler([service](Request r) { return searchAudit(service, std::move(r)); }),
               std::move(o));
}

} // namespace Meshdeck::Audit
