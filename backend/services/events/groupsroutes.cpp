#include "groupsroutes.h"

#include "platform/clock.h"

#include "eventsdocroutes.h"
#include "eventsservice.h"
#include "routesupport.h"

#include "http/problem.h"
#include "http/router.h"

#include <QDateTime>
#include <QJsonArray>

#include <QCoroTask>

namespace Meshdeck::Events {

using namespace Meshdeck::Http;
using namespace Meshdeck::Events::RouteSupport;

namespace {

constexpr int MaxPoll = 1000;

QString param(const Request &request, const char *name)
{
    return request.pathParams.value(QString::fromLatin1(name));
}

// An optional body: {"max": n, "visibilityTimeoutMs": ms}.
std::optional<Response> parsePoll(const Request &request, int *max, std::optional<qint64> *visibility)
{
    if (request.body.isEmpty())
        return std::nullopt;
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        return invalid(request, QString(), error);
    const QJsonValue maxValue = body.value(QStringLiteral("max"));
    if (!maxValue.isUndefined()) {
        const std::optional<qint64> n = wholeNumber(maxValue, 1, MaxPoll);
        if (!n)
            return invalid(request, QStringLiteral("max"),
                           QStringLiteral("'max' must be a whole number from 1 to %1.").arg(MaxPoll));
        *max = int(*n);
    }
    const QJsonValue visibilityValue = body.value(QStringLiteral("visibilityTimeoutMs"));
    if (!visibilityValue.isUndefined()) {
        *visibility = wholeNumber(visibilityValue, 10, 12.0 * 3600 * 1000);
        if (!*visibility)
            return invalid(
                request, QStringLiteral("visibilityTimeoutMs"),
                QStringLiteral("'visibilityTimeoutMs' must be a whole number of milliseconds from 10 to "
                               "43200000 (12 h)."));
    }
    return std::nullopt;
}

QCoro::Task<Response> pollGroup(EventsService *service, Request request)
{
    int max = 100;
    std::optional<qint64> visibility;
    if (auto bad = parsePoll(request, &max, &visibility))
        co_return std::move(*bad);
    const Result<PollOutcome> polled = co_await service->pollGroup(
        param(request, "topic"), param(request, "group"), max, visibility, request.principal);
    if (!polled)
        co_return problem(request, polled.error());
    QJsonArray events;
    for (const GroupDelivery &d : polled->deliveries) {
        QJsonObject e = d.event->toJson();
        e.insert(QStringLiteral("deliveryAttempt"), d.attempt);
        events.append(e);
    }
    QJsonObject out{{QStringLiteral("events"), events},
                    {QStringLiteral("committedOffset"), polled->committedOffset},
                    {QStringLiteral("lag"), polled->lag},
                    {QStringLiteral("deadLettered"), qint64(polled->deadLettered.size())}};
    if (!polled->deadLetterTopic.isEmpty())
        out.insert(QStringLiteral("deadLetterTopic"), polled->deadLetterTopic);
    co_return Response::json(200, out);
}

QCoro::Task<Response> commitGroup(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return invalid(request, QString(), error);
    const std::optional<qint64> offset = wholeNumber(body.value(QStringLiteral("offset")), 0, 9e15);
    if (!offset)
        co_return invalid(
            request, QStringLiteral("offset"),
            QStringLiteral("Send {\"offset\": N}: the offset of the next event to process; every event "
                           "before it is acknowledged."));
    const Result<CommitOutcome> committed = co_await service->commitGroup(
        param(request, "topic"), param(request, "group"), *offset, request.principal);
    if (!committed)
        co_return problem(request, committed.error());
    co_return Response::json(200, QJsonObject{{QStringLiteral("committedOffset"), committed->committedOffset},
                                              {QStringLiteral("lag"), committed->lag}});
}

QCoro::Task<Response> listGroups(EventsService *service, Request request)
{
    const Result<QList<GroupInfo>> groups =
        co_await service->groups(param(request, "topic"), request.principal);
    if (!groups)
        co_return problem(request, groups.error());
    QJsonArray out;
    for (const GroupInfo &g : groups.value())
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
    std::optional<qint64> since;
    const QString sinceText = request.queryItem(QStringLiteral("since"));
    if (!sinceText.isEmpty()) {
        const QDateTime t = QDateTime::fromString(sinceText, Qt::ISODateWithMs);
        if (!t.isValid())
            co_return invalid(request, QStringLiteral("since"),
                              QStringLiteral("since must be an ISO-8601 time such as 2026-11-21T10:00:00Z."),
                              "invalid-query");
        since = t.toMSecsSinceEpoch();
    }
    const Result<QList<LagPoint>> points = co_await service->lagHistory(
        param(request, "topic"), param(request, "group"), since, request.principal);
    if (!points)
        co_return problem(request, points.error());
    QJsonArray out;
    for (const LagPoint &p : points.value())
        out.append(QJsonObject{{QStringLiteral("time"), isoTime(p.timeMs)}, {QStringLiteral("lag"), p.lag}});
    co_return Response::json(200, QJsonObject{{QStringLiteral("points"), out}});
}

} // namespace

void GroupsRoutes::install(Router &router, EventsService *service)
{
    router.add("POST", "/v1/events/topics/{topic}/groups/{group}/poll",
               AsyncHandler([service](Request r) { return pollGroup(service, std::move(r)); }),
               RouteDocs::pollGroup(service->settings()));
    router.add("POST", "/v1/events/topics/{topic}/groups/{group}/commit",
               AsyncHandler([service](Request r) { return commitGroup(service, std::move(r)); }),
               RouteDocs::commitGroup());
    router.add("GET", "/v1/events/topics/{topic}/groups",
               AsyncHandler([service](Request r) { return listGroups(service, std::move(r)); }),
               RouteDocs::listGroups());
    router.add("GET", "/v1/events/topics/{topic}/groups/{group}/lag",
               AsyncHandler([service](Request r) { return groupLag(service, std::move(r)); }),
               RouteDocs::getGroupLag());
}

} // namespace Meshdeck::Events
