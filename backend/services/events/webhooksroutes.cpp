#include "webhooksroutes.h"

#include "platform/clock.h"

#include "eventsdocroutes.h"
#include "eventsservice.h"
#include "routesupport.h"

#include "http/problem.h"
#include "http/router.h"

#include <QJsonArray>

#include <QCoroTask>

namespace Meshdeck::Events {

using namespace Meshdeck::Http;
using namespace Meshdeck::Events::RouteSupport;

namespace {

constexpr int DefaultDeliveryLimit = 200;
constexpr int MaxDeliveryLimit = 1000;

QJsonObject webhookJson(const Webhook &w)
{
    return QJsonObject{{QStringLiteral("id"), w.id},
                       {QStringLiteral("url"), w.url},
                       {QStringLiteral("topics"), QJsonArray::fromStringList(w.topics)},
                       {QStringLiteral("types"), QJsonArray::fromStringList(w.types)},
                       {QStringLiteral("enabled"), w.enabled},
                       {QStringLiteral("disabledReason"), w.disabledReason},
                       {QStringLiteral("consecutiveFailures"), w.consecutiveFailures},
                       {QStringLiteral("createdAt"), w.createdAt}};
}

QJsonObject deliveryJson(const DeliveryRecord &r)
{
    return QJsonObject{{QStringLiteral("id"), r.id},
                       {QStringLiteral("topic"), r.topic},
                       {QStringLiteral("offset"), r.offset},
                       {QStringLiteral("eventId"), r.eventId},
                       {QStringLiteral("attempt"), r.attempt},
                       {QStringLiteral("succeeded"), r.succeeded},
                       {QStringLiteral("status"), r.responseStatus},
                       {QStringLiteral("latencyMs"), r.latencyMs},
                       {QStringLiteral("responseExcerpt"), r.responseExcerpt},
                       {QStringLiteral("error"), r.error},
                       {QStringLiteral("time"), isoTime(r.timeMs)}};
}

QString idOf(const Request &request)
{
    return request.pathParams.value(QStringLiteral("id"));
}

// The audit note of a webhook change (never the signing secret: webhookJson leaves it out).
Response audited(Response response, const QString &id, QJsonValue before, QJsonValue after)
{
    response.audit = AuditNote{QStringLiteral("webhook:") + id, std::move(before), std::move(after)};
    return response;
}

// A list of strings, or the problem with it.
std::optional<Response> stringList(const Request &request, const QJsonObject &body, const QString &field,
                                   QStringList *out)
{
    const QJsonValue value = body.value(field);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isArray())
        return invalid(request, field, QStringLiteral("'%1' must be a list of strings.").arg(field),
                       "invalid-webhook");
    for (const QJsonValue &v : value.toArray()) {
        if (!v.isString())
            return invalid(request, field, QStringLiteral("'%1' must be a list of strings.").arg(field),
                           "invalid-webhook");
        *out << v.toString();
    }
    return std::nullopt;
}

QCoro::Task<Response> createWebhook(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return invalid(request, QString(), error);
    if (body.contains(QStringLiteral("local")))
        co_return invalid(
            request, QStringLiteral("local"),
            QStringLiteral("'local' is not a request field: whether webhooks may reach loopback and "
                           "private addresses is a server setting (meshdeckd --allow-private-targets, "
                           "which the console's local stack sets)."),
            "invalid-webhook");
    WebhookSpec spec;
    spec.url = QUrl(body.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    if (auto bad = stringList(request, body, QStringLiteral("topics"), &spec.topics))
        co_return std::move(*bad);
    if (auto bad = stringList(request, body, QStringLiteral("types"), &spec.types))
        co_return std::move(*bad);
    QCoro::Task<Result<CreatedWebhook>> creating = service->createWebhook(spec, request.principal);
    const Result<CreatedWebhook> created = co_await creating;
    if (!created)
        co_return problem(request, created.error());
    QJsonObject out = webhookJson(created->webhook);
    // Shown once: receivers verify X-Meshdeck-Signature with it.
    out.insert(QStringLiteral("secret"), QString::fromLatin1(created->secret));
    Response r = Response::json(201, out);
    r.setHeader("location", "/v1/events/webhooks/" + created->webhook.id.toUtf8());
    co_return audited(std::move(r), created->webhook.id, QJsonValue::Null, webhookJson(created->webhook));
}

QCoro::Task<Response> listWebhooks(EventsService *service, Request request)
{
    const Result<QList<Webhook>> webhooks = co_await service->webhooks();
    if (!webhooks)
        co_return problem(request, webhooks.error());
    QJsonArray out;
    for (const Webhook &w : webhooks.value())
        out.append(webhookJson(w));
    co_return Response::json(200, QJsonObject{{QStringLiteral("webhooks"), out}});
}

QCoro::Task<Response> getWebhook(EventsService *service, Request request)
{
    const Result<Webhook> w = co_await service->webhook(idOf(request));
    if (!w)
        co_return problem(request, w.error());
    co_return Response::json(200, webhookJson(w.value()));
}

QCoro::Task<Response> deleteWebhook(EventsService *service, Request request)
{
    QCoro::Task<Result<Webhook>> deleting = service->deleteWebhook(idOf(request));
    const Result<Webhook> deleted = co_await deleting;
    if (!deleted)
        co_return audited(problem(request, deleted.error()), idOf(request), QJsonValue::Null,
                          QJsonValue::Null);
    co_return audited(Response::noContent(), idOf(request), webhookJson(*deleted), QJsonValue::Null);
}

QCoro::Task<Response> patchWebhook(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return invalid(request, QString(), error);
    if (!body.value(QStringLiteral("enabled")).isBool())
        co_return invalid(request, QStringLiteral("enabled"),
                          QStringLiteral("Send {\"enabled\": true} or {\"enabled\": false}."));
    const Result<WebhookChange> changed =
        co_await service->setWebhookEnabled(idOf(request), body.value(QStringLiteral("enabled")).toBool());
    if (!changed)
        co_return audited(problem(request, changed.error()), idOf(request), QJsonValue::Null,
                          QJsonValue::Null);
    co_return audited(Response::json(200, webhookJson(changed->after)), idOf(request),
                      webhookJson(changed->before), webhookJson(changed->after));
}

QCoro::Task<Response> listDeliveries(EventsService *service, Request request)
{
    int limit = DefaultDeliveryLimit;
    if (const QString text = request.queryItem(QStringLiteral("limit")); !text.isEmpty()) {
        bool ok = false;
        limit = text.toInt(&ok);
        if (!ok || limit < 1 || limit > MaxDeliveryLimit)
            co_return invalid(request, QStringLiteral("limit"),
                              QStringLiteral("limit must be between 1 and %1.").arg(MaxDeliveryLimit),
                              "invalid-query");
    }
    const Result<QList<DeliveryRecord>> records = co_await service->webhookDeliveries(idOf(request), limit);
    if (!records)
        co_return problem(request, records.error());
    QJsonArray out;
    for (const DeliveryRecord &r : records.value())
        out.append(deliveryJson(r));
    co_return Response::json(200, QJsonObject{{QStringLiteral("deliveries"), out}});
}

QCoro::Task<Response> sendTest(EventsService *service, Request request)
{
    const Result<DeliveryRecord> record = co_await service->sendTestDelivery(idOf(request));
    if (!record)
        co_return audited(problem(request, record.error()), idOf(request), QJsonValue::Null,
                          QJsonValue::Null);
    co_return audited(Response::json(200, deliveryJson(record.value())), idOf(request), QJsonValue::Null,
                      QJsonValue::Null);
}

} // namespace

void WebhooksRoutes::install(Router &router, EventsService *service)
{
    router.add("POST", "/v1/events/webhooks",
               AsyncHandler([service](Request r) { return createWebhook(service, std::move(r)); }),
               RouteDocs::createWebhook());
    router.add("GET", "/v1/events/webhooks",
               AsyncHandler([service](Request r) { return listWebhooks(service, std::move(r)); }),
               RouteDocs::listWebhooks());
    router.add("GET", "/v1/events/webhooks/{id}",
               AsyncHandler([service](Request r) { return getWebhook(service, std::move(r)); }),
               RouteDocs::getWebhook());
    router.add("PATCH", "/v1/events/webhooks/{id}",
               AsyncHandler([service](Request r) { return patchWebhook(service, std::move(r)); }),
               RouteDocs::updateWebhook());
    router.add("DELETE", "/v1/events/webhooks/{id}",
               AsyncHandler([service](Request r) { return deleteWebhook(service, std::move(r)); }),
               RouteDocs::deleteWebhook());
    router.add("GET", "/v1/events/webhooks/{id}/deliveries",
               AsyncHandler([service](Request r) { return listDeliveries(service, std::move(r)); }),
               RouteDocs::listWebhookDeliveries(service->settings()));
    router.add("POST", "/v1/events/webhooks/{id}/test",
               AsyncHandler([service](Request r) { return sendTest(service, std::move(r)); }),
               RouteDocs::sendWebhookTest());
}

} // namespace Meshdeck::Events
