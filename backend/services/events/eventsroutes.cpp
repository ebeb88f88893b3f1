#include "eventsroutes.h"

#include "eventsservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <QCoroFuture>

#include <simdjson.h>

#include <cmath>

namespace Meshdeck::Events {

using namespace Meshdeck::Http;

namespace {

constexpr int DefaultReadLimit = 100;
constexpr int MaxReadLimit = 1000;
constexpr qsizetype MaxTypeLength = 256;
constexpr qsizetype MaxKeyLength = 1024;

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
        {QStringLiteral("system"), EventsService::isSystemTopic(t.name)},
        {QStringLiteral("createdAt"), t.createdAt},
    };
}

Response noSuchTopic(const Request &request, const QString &topic)
{
    return problem(
        request, 404,
        QStringLiteral("There is no topic '%1'. Create it with POST /v1/events/topics first.").arg(topic),
        "topic-not-found");
}

bool readRetention(const QJsonObject &body, Retention *out, QString *error)
{
    const QJsonValue value = body.value(QStringLiteral("retention"));
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isObject()) {
        *error = QStringLiteral("'retention' must be an object with maxAgeSeconds and/or maxBytes.");
        return false;
    }
    const QJsonObject r = value.toObject();
    for (const auto &[field, target] : {std::pair{QStringLiteral("maxAgeSeconds"), &out->maxAgeSeconds},
                                        std::pair{QStringLiteral("maxBytes"), &out->maxBytes}}) {
        const QJsonValue v = r.value(field);
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble() || v.toDouble() < 0 ||
            (v.toDouble() > 9e15 || v.toDouble() != std::floor(v.toDouble()))) {
            *error =
                QStringLiteral("'retention.%1' must be a whole number ≥ 0 (0 means unlimited).").arg(field);
            return false;
        }
        *target = qint64(v.toDouble());
    }
    return true;
}

// Validates a publish body; on failure returns the problem to answer with. simdjson's DOM parser
// validates the whole body (grammar and UTF-8) several times faster than QJsonDocument, and each
// event's data is kept as its minified JSON text without a second serialisation pass.
std::optional<Response> parseEvents(const Request &request, int maxEvents, QList<EventInput> *out)
{
    thread_local simdjson::dom::parser parser; // one per event-loop thread; keeps its buffers
    auto bad = [&request](const QString &detail, QByteArrayView slug = "invalid-event") {
        return std::optional<Response>(problem(request, 400, detail, slug));
    };
    if (request.body.isEmpty())
        return bad(QStringLiteral("The request body is empty; send a JSON object."), "invalid-body");
    simdjson::dom::element doc;
    if (const auto error = parser.parse(request.body.constData(), size_t(request.body.size())).get(doc))
        return bad(QStringLiteral("The body is not valid JSON: %1.")
                       .arg(QString::fromUtf8(simdjson::error_message(error))),
                   "invalid-body");
    simdjson::dom::array events;
    if (!doc.is_object() || doc["events"].get(events))
        return bad(
            QStringLiteral("The body needs an 'events' array, e.g. {\"events\":[{\"type\":\"order.created\","
                           "\"data\":{}}]}."),
            "invalid-body");
    const qsizetype count = qsizetype(events.size());
    if (count == 0)
        return bad(QStringLiteral("'events' is empty; send between 1 and %1 events.").arg(maxEvents),
                   "invalid-body");
    if (count > maxEvents)
        return problem(
            request, 413,
            QStringLiteral("%1 events in one batch; send at most %2 per request.").arg(count).arg(maxEvents),
            "batch-too-large");
    out->reserve(count);
    qsizetype index = 0;
    for (simdjson::dom::element element : events) {
        const QString where = QStringLiteral("events[%1]").arg(index++);
        simdjson::dom::object e;
        if (element.get(e))
            return bad(QStringLiteral("%1 must be an object.").arg(where));
        EventInput input;
        std::string_view type;
        if (e["type"].get(type) || type.empty() ||
            QString::fromUtf8(type.data(), qsizetype(type.size())).size() > MaxTypeLength)
            return bad(QStringLiteral("%1.type must be a non-empty string of at most %2 characters.")
                           .arg(where)
                           .arg(MaxTypeLength));
        input.type = QString::fromUtf8(type.data(), qsizetype(type.size()));
        simdjson::dom::element key;
        if (!e["key"].get(key) && !key.is_null()) {
            std::string_view keyText;
            if (key.get(keyText) ||
                QString::fromUtf8(keyText.data(), qsizetype(keyText.size())).size() > MaxKeyLength)
                return bad(QStringLiteral("%1.key must be a string of at most %2 characters.")
                               .arg(where)
                               .arg(MaxKeyLength));
            input.key = QString::fromUtf8(keyText.data(), qsizetype(keyText.size()));
        }
        simdjson::dom::element data;
        if (e["data"].get(data)) {
            input.data = QByteArrayLiteral("null");
        } else {
            const std::string text = simdjson::minify(data);
            input.data = QByteArray(text.data(), qsizetype(text.size()));
        }
        simdjson::dom::element headersElement;
        if (!e["headers"].get(headersElement) && !headersElement.is_null()) {
            simdjson::dom::object headers;
            if (headersElement.get(headers))
                return bad(QStringLiteral("%1.headers must be an object of strings.").arg(where));
            for (const auto field : headers) {
                if (!field.value.is_string())
                    return bad(
                        QStringLiteral("%1.headers.%2 must be a string.")
                            .arg(where, QString::fromUtf8(field.key.data(), qsizetype(field.key.size()))));
            }
            if (headers.size() > 0) {
                const std::string text = simdjson::minify(headers);
                input.headers = QByteArray(text.data(), qsizetype(text.size()));
            }
        }
        out->append(std::move(input));
    }
    return std::nullopt;
}

QCoro::Task<Response> createTopic(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const QString name = body.value(QStringLiteral("name")).toString();
    if (!isValidTopicName(name))
        co_return problem(
            request, 400,
            QStringLiteral("'%1' is not a valid topic name: use 1 to 128 characters of a-z, 0-9, '.', "
                           "'_' and '-', starting with a letter or digit.")
                .arg(name),
            "invalid-topic-name");
    Retention retention;
    if (!readRetention(body, &retention, &error))
        co_return problem(request, 400, error, "invalid-retention");
    QFuture<std::pair<EventsService::CreateResult, QString>> created = service->createTopic(name, retention);
    const auto result = co_await created;
    if (result.first == EventsService::CreateResult::Exists)
        co_return problem(request, 409, QStringLiteral("The topic '%1' already exists.").arg(name),
                          "topic-exists");
    if (result.first != EventsService::CreateResult::Created)
        co_return problem(request, 503,
                          QStringLiteral("The topic could not be stored: %1").arg(result.second),
                          "storage-failure");
    QFuture<std::optional<TopicStats>> stats = service->topic(name);
    const std::optional<TopicStats> topic = co_await stats;
    Response r = Response::json(201, topicJson(*topic));
    r.setHeader("location", "/v1/events/topics/" + name.toUtf8());
    co_return r;
}

QCoro::Task<Response> listTopics(EventsService *service, Request)
{
    QFuture<QList<TopicStats>> future = service->topics();
    const QList<TopicStats> topics = co_await future;
    QJsonArray out;
    for (const TopicStats &t : topics)
        out.append(topicJson(t));
    co_return Response::json(200, QJsonObject{{QStringLiteral("topics"), out}});
}

QCoro::Task<Response> getTopic(EventsService *service, Request request)
{
    const QString name = request.pathParams.value(QStringLiteral("topic"));
    QFuture<std::optional<TopicStats>> future = service->topic(name);
    const std::optional<TopicStats> topic = co_await future;
    if (!topic)
        co_return noSuchTopic(request, name);
    co_return Response::json(200, topicJson(*topic));
}

QCoro::Task<Response> deleteTopic(EventsService *service, Request request)
{
    const QString name = request.pathParams.value(QStringLiteral("topic"));
    if (EventsService::isSystemTopic(name))
        co_return problem(
            request, 409,
            QStringLiteral("'%1' is a system topic the platform writes to; it cannot be deleted. "
                           "Shorten its retention instead.")
                .arg(name),
            "system-topic");
    QFuture<std::optional<TopicStats>> exists = service->topic(name);
    if (!(co_await exists))
        co_return noSuchTopic(request, name);
    QFuture<std::pair<bool, QString>> deleted = service->deleteTopic(name);
    const auto result = co_await deleted;
    if (!result.first)
        co_return problem(request, 503,
                          QStringLiteral("The topic could not be deleted: %1").arg(result.second),
                          "storage-failure");
    co_return Response::noContent();
}

QCoro::Task<Response> publish(EventsService *service, Request request)
{
    const QString topic = request.pathParams.value(QStringLiteral("topic"));
    QList<EventInput> events;
    if (auto bad = parseEvents(request, service->settings().maxEventsPerBatch, &events))
        co_return std::move(*bad);
    QFuture<PublishResult> future =
        service->publish(topic, std::move(events), QString::fromLatin1(request.requestId));
    const PublishResult result = co_await future;
    if (result.status == 404)
        co_return noSuchTopic(request, topic);
    if (result.status != 201)
        co_return problem(
            request, 503,
            QStringLiteral("The events were not stored, so nothing was acknowledged: %1. Retry the "
                           "whole batch.")
                .arg(result.error),
            "storage-failure");
    QJsonArray offsets;
    for (const StoredEventPtr &e : result.stored)
        offsets.append(e->offset);
    co_return Response::json(201, QJsonObject{{QStringLiteral("offsets"), offsets}});
}

QCoro::Task<Response> readEvents(EventsService *service, Request request)
{
    const QString topic = request.pathParams.value(QStringLiteral("topic"));
    qint64 fromOffset = 0;
    qint64 fromTimeMs = -1;
    int limit = DefaultReadLimit;
    const QString offsetText = request.queryItem(QStringLiteral("fromOffset"));
    const QString timeText = request.queryItem(QStringLiteral("fromTime"));
    const QString limitText = request.queryItem(QStringLiteral("limit"));
    bool ok = true;
    if (!offsetText.isEmpty()) {
        fromOffset = offsetText.toLongLong(&ok);
        if (!ok || fromOffset < 0)
            co_return problem(request, 400, QStringLiteral("fromOffset must be a whole number ≥ 0."),
                              "invalid-query");
    }
    if (!timeText.isEmpty()) {
        const QDateTime t = QDateTime::fromString(timeText, Qt::ISODateWithMs);
        if (!t.isValid())
            co_return problem(
                request, 400,
                QStringLiteral("fromTime must be an ISO-8601 time such as 2026-11-21T10:00:00Z."),
                "invalid-query");
        fromTimeMs = t.toMSecsSinceEpoch();
    }
    if (!limitText.isEmpty()) {
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1 || limit > MaxReadLimit)
            co_return problem(request, 400,
                              QStringLiteral("limit must be between 1 and %1.").arg(MaxReadLimit),
                              "invalid-query");
    }
    QFuture<EventsStore::ReadResult> future = service->read(topic, fromOffset, fromTimeMs, limit);
    const EventsStore::ReadResult result = co_await future;
    if (!result.topicExists)
        co_return noSuchTopic(request, topic);
    QByteArray body = "{\"events\":[";
    for (qsizetype i = 0; i < result.events.size(); ++i) {
        if (i)
            body += ',';
        body += result.events[i]->toJsonText();
    }
    body += "],\"nextOffset\":" + QByteArray::number(result.nextOffset) + '}';
    co_return Response::text(200, body, "application/json");
}

QCoro::Task<Response> replay(EventsService *service, Request request)
{
    constexpr qint64 MaxReplay = 100'000;
    const QString topic = request.pathParams.value(QStringLiteral("topic"));
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const QString target = body.value(QStringLiteral("targetTopic")).toString();
    const double from = body.value(QStringLiteral("fromOffset")).toDouble(-1);
    const double to = body.value(QStringLiteral("toOffset")).toDouble(-1);
    if (from < 0 || to < from || (from > 9e15 || from != std::floor(from)) ||
        (to > 9e15 || to != std::floor(to)))
        co_return problem(
            request, 400,
            QStringLiteral("Send {\"fromOffset\": a, \"toOffset\": b, \"targetTopic\": \"…\"} with 0 ≤ a ≤ b "
                           "(b is not included)."),
            "invalid-body");
    if (qint64(to) - qint64(from) > MaxReplay)
        co_return problem(request, 413,
                          QStringLiteral("Replay at most %1 events per request.").arg(MaxReplay),
                          "replay-too-large");
    if (target == topic)
        co_return problem(request, 400,
                          QStringLiteral("Replay into another topic, not into '%1' itself.").arg(topic),
                          "invalid-body");
    QFuture<std::optional<TopicStats>> targetInfo = service->topic(target);
    if (!(co_await targetInfo))
        co_return noSuchTopic(request, target);
    qint64 next = qint64(from);
    qint64 replayed = 0;
    qint64 firstTarget = -1;
    qint64 lastTarget = -1;
    while (next < qint64(to)) {
        const int page = int(qMin<qint64>(1000, qint64(to) - next));
        QFuture<EventsStore::ReadResult> reading = service->read(topic, next, -1, page);
        const EventsStore::ReadResult chunk = co_await reading;
        if (!chunk.topicExists)
            co_return noSuchTopic(request, topic);
        QList<EventInput> inputs;
        for (const StoredEventPtr &e : chunk.events) {
            if (e->offset >= qint64(to))
                break;
            QJsonObject headers = QJsonDocument::fromJson(e->headers).object();
            headers.insert(QStringLiteral("meshdeck-replayed-from"),
                           QStringLiteral("%1@%2").arg(topic).arg(e->offset));
            inputs.append(
                EventInput{e->type, e->key, e->data, QJsonDocument(headers).toJson(QJsonDocument::Compact)});
        }
        if (inputs.isEmpty())
            break;
        next = chunk.events.last()->offset + 1;
        QFuture<PublishResult> publishing =
            service->publish(target, inputs, QString::fromLatin1(request.requestId));
        const PublishResult result = co_await publishing;
        if (result.status != 201)
            co_return problem(
                request, 503,
                QStringLiteral("The replay stopped after %1 copied events: %2. Retry from the next offset.")
                    .arg(replayed)
                    .arg(result.error),
                "storage-failure");
        replayed += result.stored.size();
        if (firstTarget < 0)
            firstTarget = result.stored.first()->offset;
        lastTarget = result.stored.last()->offset;
    }
    co_return Response::json(200, QJsonObject{{QStringLiteral("replayed"), replayed},
                                              {QStringLiteral("firstTargetOffset"), firstTarget},
                                              {QStringLiteral("lastTargetOffset"), lastTarget}});
}

std::optional<Response> badGroupName(const Request &request, const QString &group)
{
    if (isValidTopicName(group))
        return std::nullopt;
    return problem(
        request, 400,
        QStringLiteral("'%1' is not a valid group name: use 1 to 128 characters of a-z, 0-9, '.', '_' and "
                       "'-', starting with a letter or digit.")
            .arg(group),
        "invalid-group-name");
}

QCoro::Task<Response> pollGroup(EventsService *service, Request request)
{
    const QString topic = request.pathParams.value(QStringLiteral("topic"));
    const QString group = request.pathParams.value(QStringLiteral("group"));
    if (auto bad = badGroupName(request, group))
        co_return std::move(*bad);
    int max = DefaultReadLimit;
    qint64 visibility = service->settings().defaultVisibilityMs;
    if (!request.body.isEmpty()) {
        QJsonObject body;
        QString error;
        if (!request.jsonObject(&body, &error))
            co_return problem(request, 400, error, "invalid-body");
        const QJsonValue maxValue = body.value(QStringLiteral("max"));
        if (!maxValue.isUndefined()) {
            if (!maxValue.isDouble() || maxValue.toInt() < 1 || maxValue.toInt() > MaxReadLimit ||
                maxValue.toDouble() != maxValue.toInt())
                co_return problem(
                    request, 400,
                    QStringLiteral("'max' must be a whole number from 1 to %1.").arg(MaxReadLimit),
                    "invalid-body");
            max = maxValue.toInt();
        }
        const QJsonValue visibilityValue = body.value(QStringLiteral("visibilityTimeoutMs"));
        if (!visibilityValue.isUndefined()) {
            const double v = visibilityValue.toDouble(-1);
            if (!visibilityValue.isDouble() || v < 10 || v > 12.0 * 3600 * 1000 ||
                (v > 9e15 || v != std::floor(v)))
                co_return problem(
                    request, 400,
                    QStringLiteral("'visibilityTimeoutMs' must be a whole number of milliseconds from 10 "
                                   "to 43200000 (12 h)."),
                    "invalid-body");
            visibility = qint64(v);
        }
    }
    QFuture<EventsStore::PollResult> future = service->pollGroup(topic, group, max, visibility);
    const EventsStore::PollResult result = co_await future;
    if (!result.topicExists)
        co_return noSuchTopic(request, topic);
    if (!result.error.isEmpty())
        co_return problem(request, 503,
                          QStringLiteral("The poll could not be recorded: %1").arg(result.error),
                          "storage-failure");
    QJsonArray events;
    for (const EventsStore::Delivery &d : result.deliveries) {
        QJsonObject e = d.event->toJson();
        e.insert(QStringLiteral("deliveryAttempt"), d.attempt);
        events.append(e);
    }
    co_return Response::json(
        200, QJsonObject{{QStringLiteral("events"), events},
                         {QStringLiteral("committedOffset"), result.committedOffset},
                         {QStringLiteral("lag"), result.lag},
                         {QStringLiteral("deadLettered"), qint64(result.deadLettered.size())}});
}

QCoro::Task<Response> commitGroup(EventsService *service, Request request)
{
    const QString topic = request.pathParams.value(QStringLiteral("topic"));
    const QString group = request.pathParams.value(QStringLiteral("group"));
    if (auto bad = badGroupName(request, group))
        co_return std::move(*bad);
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const QJsonValue offsetValue = body.value(QStringLiteral("offset"));
    const double offset = offsetValue.toDouble(-1);
    if (!offsetValue.isDouble() || offset < 0 || (offset > 9e15 || offset != std::floor(offset)))
        co_return problem(
            request, 400,
            QStringLiteral("Send {\"offset\": N}: the offset of the next event to process; every event "
                           "before it is acknowledged."),
            "invalid-body");
    QFuture<EventsStore::CommitResult> future = service->commitGroup(topic, group, qint64(offset));
    const EventsStore::CommitResult result = co_await future;
    switch (result.status) {
    case EventsStore::CommitStatus::NoTopic:
        co_return noSuchTopic(request, topic);
    case EventsStore::CommitStatus::NoGroup:
        co_return problem(
            request, 404,
            QStringLiteral("The group '%1' has not polled topic '%2' yet; poll first.").arg(group, topic),
            "group-not-found");
    case EventsStore::CommitStatus::NotDelivered:
        co_return problem(
            request, 409,
            QStringLiteral("Offset %1 was never delivered to group '%2'; the next undelivered offset is %3.")
                .arg(qint64(offset))
                .arg(group)
                .arg(result.nextOffset),
            "offset-not-delivered");
    case EventsStore::CommitStatus::Failed:
        co_return problem(request, 503,
                          QStringLiteral("The commit could not be stored: %1").arg(result.error),
                          "storage-failure");
    case EventsStore::CommitStatus::Committed:
        break;
    }
    co_return Response::json(200, QJsonObject{{QStringLiteral("committedOffset"), result.committedOffset},
                                              {QStringLiteral("lag"), result.lag}});
}

QCoro::Task<Response> listGroups(EventsService *service, Request request)
{
    const QString topic = request.pathParams.value(QStringLiteral("topic"));
    QFuture<std::optional<QList<EventsStore::GroupInfo>>> future = service->groups(topic);
    const std::optional<QList<EventsStore::GroupInfo>> groups = co_await future;
    if (!groups)
        co_return noSuchTopic(request, topic);
    QJsonArray out;
    for (const EventsStore::GroupInfo &g : *groups)
        out.append(QJsonObject{{QStringLiteral("name"), g.name},
                               {QStringLiteral("committedOffset"), g.committedOffset},
                               {QStringLiteral("nextOffset"), g.nextOffset},
                               {QStringLiteral("inFlight"), g.inFlight},
                               {QStringLiteral("lag"), g.lag},
                               {QStringLiteral("createdAt"), g.createdAt}});
    co_return Response::json(200, QJsonObject{{QStringLiteral("groups"), out}});
}

QCoro::Task<Response> groupLag(EventsService *service, Request request)
{
    const QString topic = request.pathParams.value(QStringLiteral("topic"));
    const QString group = request.pathParams.value(QStringLiteral("group"));
    qint64 since = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    const QString sinceText = request.queryItem(QStringLiteral("since"));
    if (!sinceText.isEmpty()) {
        const QDateTime t = QDateTime::fromString(sinceText, Qt::ISODateWithMs);
        if (!t.isValid())
            co_return problem(request, 400,
                              QStringLiteral("since must be an ISO-8601 time such as 2026-11-21T10:00:00Z."),
                              "invalid-query");
        since = t.toMSecsSinceEpoch();
    }
    QFuture<QList<std::pair<qint64, qint64>>> future = service->lagHistory(topic, group, since);
    const QList<std::pair<qint64, qint64>> points = co_await future;
    QJsonArray out;
    for (const auto &[time, lag] : points)
        out.append(QJsonObject{{QStringLiteral("time"),
                                QDateTime::fromMSecsSinceEpoch(time, Qt::UTC).toString(Qt::ISODateWithMs)},
                               {QStringLiteral("lag"), lag}});
    co_return Response::json(200, QJsonObject{{QStringLiteral("points"), out}});
}

} // namespace

void EventsRoutes::install(Router &router, EventsService *service)
{
    const QString tag = QStringLiteral("events");
    auto options = [&tag](const char *summary, qint64 maxBody = -1) {
        return RouteOptions{Access::Authenticated, maxBody, QString::fromUtf8(summary), tag};
    };
    router.add("POST", "/v1/events/topics",
               AsyncHandler([service](Request r) { return createTopic(service, std::move(r)); }),
               options("Create a topic with optional retention (maxAgeSeconds, maxBytes)."));
    router.add("GET", "/v1/events/topics",
               AsyncHandler([service](Request r) { return listTopics(service, std::move(r)); }),
               options("List topics with their size, head offset and publish rate."));
    router.add("GET", "/v1/events/topics/{topic}",
               AsyncHandler([service](Request r) { return getTopic(service, std::move(r)); }),
               options("One topic with its statistics."));
    router.add("DELETE", "/v1/events/topics/{topic}",
               AsyncHandler([service](Request r) { return deleteTopic(service, std::move(r)); }),
               options("Delete a topic and its events (system topics cannot be deleted)."));
    router.add("POST", "/v1/events/topics/{topic}/events",
               AsyncHandler([service](Request r) { return publish(service, std::move(r)); }),
               options("Publish up to 1000 events (1 MiB); answers once they are durable.", 1024 * 1024));
    router.add("GET", "/v1/events/topics/{topic}/events",
               AsyncHandler([service](Request r) { return readEvents(service, std::move(r)); }),
               options("Read events from an offset (fromOffset) or a time (fromTime), in offset order."));
    router.add(
        "POST", "/v1/events/topics/{topic}/replay",
        AsyncHandler([service](Request r) { return replay(service, std::move(r)); }),
        options("Copy events [fromOffset, toOffset) into another topic, each tagged with its origin."));
    router.add(
        "POST", "/v1/events/topics/{topic}/groups/{group}/poll",
        AsyncHandler([service](Request r) { return pollGroup(service, std::move(r)); }),
        options(
            "Poll as a consumer group: redelivers events whose visibility timeout passed, then new ones."));
    router.add("POST", "/v1/events/topics/{topic}/groups/{group}/commit",
               AsyncHandler([service](Request r) { return commitGroup(service, std::move(r)); }),
               options("Commit a group's offset: every event before it is acknowledged."));
    router.add("GET", "/v1/events/topics/{topic}/groups",
               AsyncHandler([service](Request r) { return listGroups(service, std::move(r)); }),
               options("Consumer groups of a topic with their committed offset, in-flight events and lag."));
    router.add("GET", "/v1/events/topics/{topic}/groups/{group}/lag",
               AsyncHandler([service](Request r) { return groupLag(service, std::move(r)); }),
               options("A group's lag over time (since=ISO-8601, default the last hour)."));
}

} // namespace Meshdeck::Events
