#include "eventsroutes.h"

#include "eventsdocroutes.h"
#include "eventsservice.h"
#include "groupsroutes.h"
#include "routesupport.h"

#include "http/problem.h"
#include "http/router.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <QCoroTask>

#include <simdjson.h>

namespace Meshdeck::Events {

using namespace Meshdeck::Http;
using namespace Meshdeck::Events::RouteSupport;

namespace {

constexpr int DefaultReadLimit = 100;
constexpr int MaxReadLimit = 1000;
constexpr qsizetype MaxTypeLength = 256;
constexpr qsizetype MaxKeyLength = 1024;

// ---------------------------------------------------------------------------------------------
// Requests and answers

QJsonObject topicJson(const TopicStats &s)
{
    const TopicInfo &t = s.info;
    return QJsonObject{
        {QStringLiteral("name"), t.name},
        {QStringLiteral("retention"),
         QJsonObject{{QStringLiteral("maxAgeSeconds"), t.retention.maxAgeSeconds},
                     {QStringLiteral("maxBytes"), t.retention.maxBytes}}},
        {QStringLiteral("events"), t.eventCount},
        {QStringLiteral("bytes"), t.totalBytes},
        {QStringLiteral("firstOffset"), t.firstOffset},
        {QStringLiteral("headOffset"), t.nextOffset},
        {QStringLiteral("publishedLastMinute"), s.publishedLastMinute},
        {QStringLiteral("ratePerSecond"), double(s.publishedLastMinute) / 60.0},
        {QStringLiteral("system"), t.system},
        {QStringLiteral("createdAt"), t.createdAt},
        {QStringLiteral("permissions"), QJsonArray::fromStringList(t.permissions)},
    };
}

// Reads "permissions" (an array of strings) when present; `out` stays nullopt when absent.
std::optional<Response> readPermissions(const Request &request, const QJsonObject &body,
                                        std::optional<QStringList> *out)
{
    const QJsonValue value = body.value(QStringLiteral("permissions"));
    if (value.isUndefined())
        return std::nullopt;
    const auto bad = [&request] {
        return invalid(request, QStringLiteral("permissions"),
                       QStringLiteral("'permissions' must be an array of strings such as "
                                      "[\"read(\\\"users\\\")\", \"update(\\\"team:ops/owner\\\")\"]."),
                       "invalid-permission");
    };
    if (!value.isArray())
        return bad();
    QStringList texts;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return bad();
        texts << item.toString();
    }
    *out = texts;
    return std::nullopt;
}

// Reads "retention" ({maxAgeSeconds, maxBytes}, each optional, 0: unlimited).
std::optional<Response> readRetention(const Request &request, const QJsonObject &body, Retention *out)
{
    const QJsonValue value = body.value(QStringLiteral("retention"));
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isObject())
        return invalid(request, QStringLiteral("retention"),
                       QStringLiteral("'retention' must be an object with maxAgeSeconds and/or maxBytes."),
                       "invalid-retention");
    const QJsonObject r = value.toObject();
    for (const auto &[field, target] : {std::pair{QStringLiteral("maxAgeSeconds"), &out->maxAgeSeconds},
                                        std::pair{QStringLiteral("maxBytes"), &out->maxBytes}}) {
        const QJsonValue v = r.value(field);
        if (v.isUndefined() || v.isNull())
            continue;
        const std::optional<qint64> n = wholeNumber(v, 0, 9e15);
        if (!n)
            return invalid(
                request, QStringLiteral("retention.") + field,
                QStringLiteral("'retention.%1' must be a whole number ≥ 0 (0 means unlimited).").arg(field),
                "invalid-retention");
        *target = *n;
    }
    return std::nullopt;
}

// One event of a publish body; on failure, the reason.
std::optional<QString> parseEvent(const simdjson::dom::element &element, const QString &where,
                                  EventInput *out)
{
    simdjson::dom::object e;
    if (element.get(e))
        return QStringLiteral("%1 must be an object.").arg(where);
    std::string_view type;
    if (e["type"].get(type) || type.empty() ||
        QString::fromUtf8(type.data(), qsizetype(type.size())).size() > MaxTypeLength)
        return QStringLiteral("%1.type must be a non-empty string of at most %2 characters.")
            .arg(where)
            .arg(MaxTypeLength);
    out->type = QString::fromUtf8(type.data(), qsizetype(type.size()));
    simdjson::dom::element key;
    if (!e["key"].get(key) && !key.is_null()) {
        std::string_view keyText;
        if (key.get(keyText) ||
            QString::fromUtf8(keyText.data(), qsizetype(keyText.size())).size() > MaxKeyLength)
            return QStringLiteral("%1.key must be a string of at most %2 characters.")
                .arg(where)
                .arg(MaxKeyLength);
        out->key = QString::fromUtf8(keyText.data(), qsizetype(keyText.size()));
    }
    simdjson::dom::element data;
    if (e["data"].get(data)) {
        out->data = QByteArrayLiteral("null");
    } else {
        const std::string text = simdjson::minify(data);
        out->data = QByteArray(text.data(), qsizetype(text.size()));
    }
    simdjson::dom::element headersElement;
    if (!e["headers"].get(headersElement) && !headersElement.is_null()) {
        simdjson::dom::object headers;
        if (headersElement.get(headers))
            return QStringLiteral("%1.headers must be an object of strings.").arg(where);
        for (const auto field : headers) {
            if (!field.value.is_string())
                return QStringLiteral("%1.headers.%2 must be a string.")
                    .arg(where, QString::fromUtf8(field.key.data(), qsizetype(field.key.size())));
        }
        if (headers.size() > 0) {
            const std::string text = simdjson::minify(headers);
            out->headers = QByteArray(text.data(), qsizetype(text.size()));
        }
    }
    return std::nullopt;
}

// Validates a publish body; on failure returns the problem to answer with. simdjson's DOM parser
// validates the whole body (grammar and UTF-8) several times faster than QJsonDocument, and each
// event's data is kept as its minified JSON text without a second serialisation pass.
std::optional<Response> parseEvents(const Request &request, int maxEvents, QList<EventInput> *out)
{
    thread_local simdjson::dom::parser parser; // one per event-loop thread; keeps its buffers
    if (request.body.isEmpty())
        return invalid(request, QStringLiteral("events"),
                       QStringLiteral("The request body is empty; send a JSON object."));
    simdjson::dom::element doc;
    if (const auto error = parser.parse(request.body.constData(), size_t(request.body.size())).get(doc))
        return invalid(request, QString(),
                       QStringLiteral("The body is not valid JSON: %1.")
                           .arg(QString::fromUtf8(simdjson::error_message(error))));
    simdjson::dom::array events;
    if (!doc.is_object() || doc["events"].get(events))
        return invalid(
            request, QStringLiteral("events"),
            QStringLiteral("The body needs an 'events' array, e.g. {\"events\":[{\"type\":\"order.created\","
                           "\"data\":{}}]}."));
    const qsizetype count = qsizetype(events.size());
    if (count == 0)
        return invalid(request, QStringLiteral("events"),
                       QStringLiteral("'events' is empty; send between 1 and %1 events.").arg(maxEvents));
    if (count > maxEvents)
        return problem(request,
                       Error::tooLarge(QStringLiteral("%1 events in one batch; send at most %2 per request.")
                                           .arg(count)
                                           .arg(maxEvents),
                                       "batch-too-large"));
    out->reserve(count);
    qsizetype index = 0;
    for (simdjson::dom::element element : events) {
        const QString where = QStringLiteral("events[%1]").arg(index++);
        EventInput input;
        if (const std::optional<QString> bad = parseEvent(element, where, &input))
            return invalid(request, where, *bad, "invalid-event");
        out->append(std::move(input));
    }
    return std::nullopt;
}

QString topicOf(const Request &request)
{
    return request.pathParams.value(QStringLiteral("topic"));
}

QCoro::Task<Response> createTopic(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return invalid(request, QString(), error);
    const QJsonValue name = body.value(QStringLiteral("name"));
    if (!name.isString())
        co_return invalid(request, QStringLiteral("name"), QStringLiteral("Send {\"name\": \"orders\"}."),
                          "invalid-topic-name");
    Retention retention;
    if (auto bad = readRetention(request, body, &retention))
        co_return std::move(*bad);
    std::optional<QStringList> permissions;
    if (auto bad = readPermissions(request, body, &permissions))
        co_return std::move(*bad);
    const Result<TopicStats> created = co_await service->createTopic(
        name.toString(), retention, permissions.value_or(QStringList()), request.principal);
    if (!created)
        co_return problem(request, created.error());
    const QJsonObject json = topicJson(created.value());
    Response r = Response::json(201, json);
    r.setHeader("location", "/v1/events/topics/" + created->info.name.toUtf8());
    r.audit = AuditNote{QStringLiteral("topic:") + created->info.name, QJsonValue::Null, json};
    co_return r;
}

QCoro::Task<Response> updateTopic(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return invalid(request, QString(), error);
    std::optional<Retention> retention;
    if (body.contains(QStringLiteral("retention"))) {
        Retention r;
        if (auto bad = readRetention(request, body, &r))
            co_return std::move(*bad);
        retention = r;
    }
    std::optional<QStringList> permissions;
    if (auto bad = readPermissions(request, body, &permissions))
        co_return std::move(*bad);
    const Result<TopicUpdate> updated =
        co_await service->updateTopic(topicOf(request), retention, permissions, request.principal);
    if (!updated)
        co_return problem(request, updated.error());
    const QJsonObject after = topicJson(updated->after);
    Response r = Response::json(200, after);
    r.audit =
        AuditNote{QStringLiteral("topic:") + updated->after.info.name, topicJson(updated->before), after};
    co_return r;
}

QCoro::Task<Response> listTopics(EventsService *service, Request request)
{
    const Result<QList<TopicStats>> topics = co_await service->topics(request.principal);
    if (!topics)
        co_return problem(request, topics.error());
    QJsonArray out;
    for (const TopicStats &t : topics.value())
        out.append(topicJson(t));
    co_return Response::json(200, QJsonObject{{QStringLiteral("topics"), out}});
}

QCoro::Task<Response> getTopic(EventsService *service, Request request)
{
    const Result<TopicStats> topic = co_await service->topic(topicOf(request), request.principal);
    if (!topic)
        co_return problem(request, topic.error());
    co_return Response::json(200, topicJson(topic.value()));
}

QCoro::Task<Response> deleteTopic(EventsService *service, Request request)
{
    const Result<TopicStats> deleted = co_await service->deleteTopic(topicOf(request), request.principal);
    if (!deleted)
        co_return problem(request, deleted.error());
    Response r = Response::noContent();
    r.audit = AuditNote{QStringLiteral("topic:") + deleted->info.name, topicJson(deleted.value()),
                        QJsonValue::Null};
    co_return r;
}

QCoro::Task<Response> publish(EventsService *service, Request request)
{
    QList<EventInput> events;
    if (auto bad = parseEvents(request, service->settings().maxEventsPerBatch, &events))
        co_return std::move(*bad);
    const Result<QList<StoredEventPtr>> stored = co_await service->publish(
        topicOf(request), std::move(events), QString::fromLatin1(request.requestId), request.principal);
    if (!stored)
        co_return problem(request, stored.error());
    QJsonArray offsets;
    for (const StoredEventPtr &e : stored.value())
        offsets.append(e->offset);
    co_return Response::json(201, QJsonObject{{QStringLiteral("offsets"), offsets}});
}

// The query of a read: from an offset or a time, and how many.
struct ReadQuery {
    qint64 fromOffset = 0;
    std::optional<qint64> fromTimeMs;
    int limit = DefaultReadLimit;
};

std::optional<Response> parseReadQuery(const Request &request, ReadQuery *q)
{
    const QString offsetText = request.queryItem(QStringLiteral("fromOffset"));
    const QString timeText = request.queryItem(QStringLiteral("fromTime"));
    const QString limitText = request.queryItem(QStringLiteral("limit"));
    bool ok = true;
    if (!offsetText.isEmpty()) {
        q->fromOffset = offsetText.toLongLong(&ok);
        if (!ok || q->fromOffset < 0)
            return invalid(request, QStringLiteral("fromOffset"),
                           QStringLiteral("fromOffset must be a whole number ≥ 0."), "invalid-query");
    }
    if (!timeText.isEmpty()) {
        const QDateTime t = QDateTime::fromString(timeText, Qt::ISODateWithMs);
        if (!t.isValid())
            return invalid(request, QStringLiteral("fromTime"),
                           QStringLiteral("fromTime must be an ISO-8601 time such as 2026-11-21T10:00:00Z."),
                           "invalid-query");
        q->fromTimeMs = t.toMSecsSinceEpoch();
    }
    if (!limitText.isEmpty()) {
        q->limit = limitText.toInt(&ok);
        if (!ok || q->limit < 1 || q->limit > MaxReadLimit)
            return invalid(request, QStringLiteral("limit"),
                           QStringLiteral("limit must be between 1 and %1.").arg(MaxReadLimit),
                           "invalid-query");
    }
    return std::nullopt;
}

QCoro::Task<Response> readEvents(EventsService *service, Request request)
{
    ReadQuery query;
    if (auto bad = parseReadQuery(request, &query))
        co_return std::move(*bad);
    const Result<EventPage> page = co_await service->read(topicOf(request), query.fromOffset,
                                                          query.fromTimeMs, query.limit, request.principal);
    if (!page)
        co_return problem(request, page.error());
    QByteArray body = "{\"events\":[";
    for (qsizetype i = 0; i < page->events.size(); ++i) {
        if (i)
            body += ',';
        body += page->events[i]->toJsonText();
    }
    body += "],\"nextOffset\":" + QByteArray::number(page->nextOffset) + '}';
    co_return Response::text(200, body, "application/json");
}

QCoro::Task<Response> replay(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return invalid(request, QString(), error);
    const QJsonValue target = body.value(QStringLiteral("targetTopic"));
    const std::optional<qint64> from = wholeNumber(body.value(QStringLiteral("fromOffset")), 0, 9e15);
    const std::optional<qint64> to = wholeNumber(body.value(QStringLiteral("toOffset")), 0, 9e15);
    if (!target.isString() || !from || !to || *to < *from)
        co_return invalid(
            request, !target.isString() ? QStringLiteral("targetTopic") : QStringLiteral("toOffset"),
            QStringLiteral(
                "Send {\"fromOffset\": a, \"toOffset\": b, \"targetTopic\": \"…\"} with 0 ≤ a ≤ b (b is not "
                "included)."));
    const Result<ReplayOutcome> replayed =
        co_await service->replay(topicOf(request), target.toString(), *from, *to,
                                 QString::fromLatin1(request.requestId), request.principal);
    if (!replayed)
        co_return problem(request, replayed.error());
    co_return Response::json(200,
                             QJsonObject{{QStringLiteral("replayed"), replayed->replayed},
                                         {QStringLiteral("firstTargetOffset"), replayed->firstTargetOffset},
                                         {QStringLiteral("lastTargetOffset"), replayed->lastTargetOffset}});
}

} // namespace

void EventsRoutes::install(Router &router, EventsService *service)
{
    RouteDocs::registerSchemas(router);
    router.add("POST", "/v1/events/topics",
               AsyncHandler([service](Request r) { return createTopic(service, std::move(r)); }),
               RouteDocs::createTopic());
    router.add("GET", "/v1/events/topics",
               AsyncHandler([service](Request r) { return listTopics(service, std::move(r)); }),
               RouteDocs::listTopics());
    router.add("GET", "/v1/events/topics/{topic}",
               AsyncHandler([service](Request r) { return getTopic(service, std::move(r)); }),
               RouteDocs::getTopic());
    router.add("PATCH", "/v1/events/topics/{topic}",
               AsyncHandler([service](Request r) { return updateTopic(service, std::move(r)); }),
               RouteDocs::updateTopic());
    router.add("DELETE", "/v1/events/topics/{topic}",
               AsyncHandler([service](Request r) { return deleteTopic(service, std::move(r)); }),
               RouteDocs::deleteTopic());
    router.add("POST", "/v1/events/topics/{topic}/events",
               AsyncHandler([service](Request r) { return publish(service, std::move(r)); }),
               RouteDocs::publishEvents(service->settings()));
    router.add("GET", "/v1/events/topics/{topic}/events",
               AsyncHandler([service](Request r) { return readEvents(service, std::move(r)); }),
               RouteDocs::readEvents());
    router.add("POST", "/v1/events/topics/{topic}/replay",
               AsyncHandler([service](Request r) { return replay(service, std::move(r)); }),
               RouteDocs::replayEvents());
    GroupsRoutes::install(router, service);
}

} // namespace Meshdeck::Events
