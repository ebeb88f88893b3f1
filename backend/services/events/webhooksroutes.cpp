#include "webhooksroutes.h"

#include "eventsservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <QCoroFuture>

#include <sodium.h>

namespace Meshdeck::Events {

using namespace Meshdeck::Http;

namespace {

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
                       {QStringLiteral("time"),
                        QDateTime::fromMSecsSinceEpoch(r.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)}};
}

Response noSuchWebhook(const Request &request, const QString &id)
{
    return problem(request, 404, QStringLiteral("There is no webhook '%1'.").arg(id), "webhook-not-found");
}

QByteArray newSecret()
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char encoded[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(encoded, sizeof encoded, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return QByteArray("whsec_") + encoded;
}

QCoro::Task<Response> createWebhook(EventsService *service, Request request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return problem(request, 400, error, "invalid-body");
    const QUrl url(body.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty() || !url.userInfo().isEmpty())
        co_return problem(
            request, 400,
            QStringLiteral("'url' must be an http:// or https:// URL with a host and no credentials, such "
                           "as https://hooks.example.com/meshdeck."),
            "invalid-webhook");
    Webhook w;
    w.url = url.toString();
    for (const QJsonValue &t : body.value(QStringLiteral("topics")).toArray()) {
        if (!isValidTopicName(t.toString()))
            co_return problem(request, 400, QStringLiteral("'topics' must list topic names."),
                              "invalid-webhook");
        w.topics << t.toString();
    }
    if (w.topics.isEmpty())
        co_return problem(request, 400, QStringLiteral("'topics' must name at least one topic to deliver."),
                          "invalid-webhook");
    for (const QJsonValue &t : body.value(QStringLiteral("types")).toArray()) {
        if (!t.isString() || t.toString().isEmpty())
            co_return problem(request, 400,
                              QStringLiteral("'types' must be a list of event types (empty: all)."),
                              "invalid-webhook");
        w.types << t.toString();
    }
    if (body.contains(QStringLiteral("local")))
        co_return problem(
            request, 400,
            QStringLiteral("'local' is not a request field: whether webhooks may reach loopback "
                           "and private addresses is a server setting (meshdeckd "
                           "--allow-private-targets, which the console's local stack sets)."),
            "invalid-webhook", QJsonObject{{QStringLiteral("field"), QStringLiteral("local")}});
    QCoro::Task<QString> checking = service->webhooks()->checkTarget(url);
    const QString refused = co_await checking;
    if (!refused.isEmpty())
        co_return problem(request, 400, refused, "webhook-target-refused");
    w.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    w.secret = newSecret();
    QFuture<std::pair<QString, QString>> created = service->createWebhook(w);
    const auto [missing, storageError] = co_await created;
    if (!missing.isEmpty())
        co_return problem(request, 404,
                          QStringLiteral("There is no topic '%1' to deliver from.").arg(missing),
                          "topic-not-found");
    if (!storageError.isEmpty())
        co_return problem(request, 503,
                          QStringLiteral("The webhook could not be stored: %1").arg(storageError),
                          "storage-failure");
    QFuture<std::optional<Webhook>> stored = service->webhook(w.id);
    QJsonObject out = webhookJson(*(co_await stored));
    // Shown once: receivers verify X-Meshdeck-Signature with it.
    out.insert(QStringLiteral("secret"), QString::fromLatin1(w.secret));
    co_return Response::json(201, out);
}

QCoro::Task<Response> listWebhooks(EventsService *service, Request)
{
    QFuture<QList<Webhook>> future = service->listWebhooks();
    const QList<Webhook> webhooks = co_await future;
    QJsonArray out;
    for (const Webhook &w : webhooks)
        out.append(webhookJson(w));
    co_return Response::json(200, QJsonObject{{QStringLiteral("webhooks"), out}});
}

QCoro::Task<Response> getWebhook(EventsService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    QFuture<std::optional<Webhook>> future = service->webhook(id);
    const std::optional<Webhook> w = co_await future;
    if (!w)
        co_return noSuchWebhook(request, id);
    co_return Response::json(200, webhookJson(*w));
}

QCoro::Task<Response> deleteWebhook(EventsService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    QFuture<std::optional<Webhook>> exists = service->webhook(id);
    if (!(co_await exists))
        co_return noSuchWebhook(request, id);
    QFuture<bool> deleted = service->deleteWebhook(id);
    if (!(co_await deleted))
        co_return problem(request, 503, QStringLiteral("The webhook could not be deleted."),
                          "storage-failure");
    co_return Response::noContent();
}

QCoro::Task<Response> patchWebhook(EventsService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        co_return problem(request, 400, error, "invalid-body");
    if (!body.value(QStringLiteral("enabled")).isBool())
        co_return problem(request, 400, QStringLiteral("Send {\"enabled\": true} or {\"enabled\": false}."),
                          "invalid-body");
    QFuture<bool> changed = service->setWebhookEnabled(id, body.value(QStringLiteral("enabled")).toBool());
    if (!(co_await changed))
        co_return noSuchWebhook(request, id);
    QFuture<std::optional<Webhook>> stored = service->webhook(id);
    const std::optional<Webhook> w = co_await stored;
    service->webhooks()->kick();
    co_return Response::json(200, webhookJson(*w));
}

QCoro::Task<Response> listDeliveries(EventsService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    QFuture<std::optional<Webhook>> exists = service->webhook(id);
    if (!(co_await exists))
        co_return noSuchWebhook(request, id);
    QFuture<QList<DeliveryRecord>> future = service->webhookDeliveries(id, 200);
    const QList<DeliveryRecord> records = co_await future;
    QJsonArray out;
    for (const DeliveryRecord &r : records)
        out.append(deliveryJson(r));
    co_return Response::json(200, QJsonObject{{QStringLiteral("deliveries"), out}});
}

QCoro::Task<Response> sendTest(EventsService *service, Request request)
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    QFuture<std::optional<Webhook>> exists = service->webhook(id);
    const std::optional<Webhook> w = co_await exists;
    if (!w)
        co_return noSuchWebhook(request, id);
    const QString eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray body =
        QJsonDocument(
            QJsonObject{{QStringLiteral("id"), eventId},
                        {QStringLiteral("type"), QStringLiteral("webhook.test")},
                        {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                        {QStringLiteral("data"), QJsonObject{{QStringLiteral("webhookId"), id}}}})
            .toJson(QJsonDocument::Compact);
    QCoro::Task<DeliveryRecord> sending = service->webhooks()->send(*w, QString(), body, eventId, -1, 1);
    const DeliveryRecord record = co_await sending;
    QFuture<void> recorded = service->recordTestDelivery(record);
    co_await recorded;
    co_return Response::json(200, deliveryJson(record));
}

} // namespace

void WebhooksRoutes::install(Router &router, EventsService *service)
{
    const QString tag = QStringLiteral("events");
    auto options = [&tag](const char *summary) {
        return RouteOptions{Access::Authenticated, -1, QString::fromUtf8(summary), tag};
    };
    router.add("POST", "/v1/events/webhooks",
               AsyncHandler([service](Request r) { return createWebhook(service, std::move(r)); }),
               options("Subscribe a URL to topics (and types); answers with the signing secret, once."));
    router.add("GET", "/v1/events/webhooks",
               AsyncHandler([service](Request r) { return listWebhooks(service, std::move(r)); }),
               options("Webhooks with their state."));
    router.add("GET", "/v1/events/webhooks/{id}",
               AsyncHandler([service](Request r) { return getWebhook(service, std::move(r)); }),
               options("One webhook."));
    router.add("PATCH", "/v1/events/webhooks/{id}",
               AsyncHandler([service](Request r) { return patchWebhook(service, std::move(r)); }),
               options("Enable or disable a webhook ({\"enabled\": true} resets its failure count)."));
    router.add("DELETE", "/v1/events/webhooks/{id}",
               AsyncHandler([service](Request r) { return deleteWebhook(service, std::move(r)); }),
               options("Delete a webhook and its delivery log."));
    router.add("GET", "/v1/events/webhooks/{id}/deliveries",
               AsyncHandler([service](Request r) { return listDeliveries(service, std::move(r)); }),
               options("The delivery log: status, latency, attempt and a response excerpt, newest first."));
    router.add("POST", "/v1/events/webhooks/{id}/test",
               AsyncHandler([service](Request r) { return sendTest(service, std::move(r)); }),
               options("Send a webhook.test delivery now and answer with its outcome."));
}

} // namespace Meshdeck::Events
