// The events service's webhook operations: what the webhook routes (and any other front end) call.
#include "eventsservice.h"
#include "platform/clock.h"

#include "webhooksstore.h"

#include "storage/database.h"

#include <QCoroFuture>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUuid>

#include <sodium.h>

Q_DECLARE_LOGGING_CATEGORY(lcEvents)

namespace Meshdeck::Events {

namespace {

Error noSuchWebhook(const QString &id)
{
    return Error::notFound(QStringLiteral("There is no webhook '%1'.").arg(id), "webhook-not-found");
}

template<typename T> Result<T> orMissing(Result<std::optional<T>> answer, const Error &missing)
{
    if (!answer)
        return answer.error();
    if (!answer.value())
        return missing;
    return std::move(*answer.value());
}

QByteArray newSecret()
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char encoded[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(encoded, sizeof encoded, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return QByteArray("whsec_") + encoded;
}

std::optional<Error> invalidSpec(const WebhookSpec &spec)
{
    const QUrl &url = spec.url;
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty() || !url.userInfo().isEmpty())
        return Error::invalid(
            QStringLiteral("url"),
            QStringLiteral("'url' must be an http:// or https:// URL with a host and no credentials, "
                           "such as https://hooks.example.com/meshdeck."),
            "invalid-webhook");
    if (spec.topics.isEmpty())
        return Error::invalid(QStringLiteral("topics"),
                              QStringLiteral("'topics' must name at least one topic to deliver."),
                              "invalid-webhook");
    for (const QString &topic : spec.topics) {
        if (!isValidName(topic))
            return Error::invalid(
                QStringLiteral("topics"),
                QStringLiteral("'topics' must list topic names; '%1' is not one.").arg(topic),
                "invalid-webhook");
        if (spec.topics.count(topic) > 1)
            return Error::invalid(
                QStringLiteral("topics"),
                QStringLiteral("'topics' names '%1' twice; list each topic once.").arg(topic),
                "invalid-webhook");
    }
    for (const QString &type : spec.types) {
        if (type.isEmpty())
            return Error::invalid(QStringLiteral("types"),
                                  QStringLiteral("'types' must be a list of event types (empty: all)."),
                                  "invalid-webhook");
    }
    return std::nullopt;
}

struct SealReport {
    int sealed = 0;     // plaintext secrets of an older database, sealed now
    int unreadable = 0; // sealed under another key
};

} // namespace

EventsService::Task<CreatedWebhook> EventsService::createWebhook(WebhookSpec spec, PrincipalPtr caller)
{
    if (const std::optional<Error> invalid = invalidSpec(spec))
        co_return *invalid;
    // A webhook reads its topics on the creator's behalf: it may only name what they may read
    // (a developer's webhook on the auth topic would receive every sign-in).
    for (const QString &topic : std::as_const(spec.topics)) {
        QCoro::Task<Result<void>> reading =
            require(topic, Storage::DocumentPermissions::Action::Read, caller);
        if (const Result<void> allowed = co_await reading; !allowed)
            co_return allowed.error();
    }
    const std::shared_ptr<const bool> alive = m_alive;
    QFuture<QString> checking = m_webhooks->checkTargetFromAnyThread(spec.url);
    const QString refused = co_await checking;
    if (!*alive)
        co_return Error::unavailable(QStringLiteral("meshdeckd is stopping."));
    if (!refused.isEmpty())
        co_return Error::invalid(QStringLiteral("url"), refused, "webhook-target-refused");
    Webhook w;
    w.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    w.url = spec.url.toString();
    w.topics = spec.topics;
    w.types = spec.types;
    const QByteArray secret = newSecret();
    w.sealedSecret = m_secrets.seal(secret); // only the sealed form reaches the database
    const qint64 now = m_clock.nowMs();
    QCoro::Task<Result<Result<Webhook>>> creating =
        m_database->attempt([w, now](QSqlDatabase &db) { return WebhooksStore::create(db, w, now); });
    Result<Result<Webhook>> created = co_await creating;
    if (!created)
        co_return created.error();
    if (!created.value())
        co_return created.value().error();
    co_return CreatedWebhook{created.value().value(), secret};
}

EventsService::Task<QList<Webhook>> EventsService::webhooks()
{
    QCoro::Task<Result<QList<Webhook>>> listing =
        m_database->attempt([](QSqlDatabase &db) { return WebhooksStore::list(db); });
    co_return co_await listing;
}

EventsService::Task<Webhook> EventsService::webhook(QString id)
{
    QCoro::Task<Result<std::optional<Webhook>>> reading =
        m_database->attempt([id](QSqlDatabase &db) { return WebhooksStore::get(db, id); });
    co_return orMissing(co_await reading, noSuchWebhook(id));
}

EventsService::Task<Webhook> EventsService::deleteWebhook(QString id)
{
    // Read and deleted in one turn of the database thread: the audit log's "before" is the row
    // this delete removed, and a concurrent change comes before or after, never between.
    QCoro::Task<Result<std::optional<Webhook>>> deleting =
        m_database->attempt([id](QSqlDatabase &db) -> std::optional<Webhook> {
            std::optional<Webhook> before = WebhooksStore::get(db, id);
            if (!before || !WebhooksStore::remove(db, id))
                return std::nullopt;
            return before;
        });
    const Result<std::optional<Webhook>> deleted = co_await deleting;
    if (!deleted)
        co_return deleted.error();
    if (!deleted->has_value())
        co_return noSuchWebhook(id);
    co_return **deleted;
}

EventsService::Task<WebhookChange> EventsService::setWebhookEnabled(QString id, bool enabled)
{
    // Read, changed and read back in one turn of the database thread: a concurrent delete comes
    // before (404) or after, never between.
    const std::shared_ptr<const bool> alive = m_alive;
    QCoro::Task<Result<std::optional<WebhookChange>>> changing =
        m_database->attempt([id, enabled](QSqlDatabase &db) -> std::optional<WebhookChange> {
            std::optional<Webhook> before = WebhooksStore::get(db, id);
            if (!before)
                return std::nullopt;
            std::optional<Webhook> after =
                WebhooksStore::setEnabled(db, id, enabled, QStringLiteral("Disabled by an administrator."));
            if (!after)
                return std::nullopt;
            return WebhookChange{std::move(*before), std::move(*after)};
        });
    Result<WebhookChange> changed = orMissing(co_await changing, noSuchWebhook(id));
    if (changed && enabled && *alive) // the service may be gone after the await
        m_webhooks->kick();
    co_return changed;
}

EventsService::Task<QList<DeliveryRecord>> EventsService::webhookDeliveries(QString id, int limit)
{
    QCoro::Task<Result<std::optional<QList<DeliveryRecord>>>> reading = m_database->attempt(
        [id, limit](QSqlDatabase &db) { return WebhooksStore::deliveries(db, id, limit); });
    co_return orMissing(co_await reading, noSuchWebhook(id));
}

EventsService::Task<DeliveryRecord> EventsService::sendTestDelivery(QString id)
{
    const std::shared_ptr<const bool> alive = m_alive;
    const Result<Webhook> w = co_await webhook(id);
    if (!w)
        co_return w.error();
    if (!*alive)
        co_return Error::unavailable(QStringLiteral("The node is shutting down; send the test again."));
    const QString eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("id"), eventId},
                                  {QStringLiteral("type"), QStringLiteral("webhook.test")},
                                  {QStringLiteral("time"), isoTime(m_clock.nowMs())},
                                  {QStringLiteral("data"), QJsonObject{{QStringLiteral("webhookId"), id}}}})
            .toJson(QJsonDocument::Compact);
    QFuture<DeliveryRecord> sending =
        m_webhooks->sendFromAnyThread(w.value(), QString(), body, eventId, -1, 1);
    const DeliveryRecord record = co_await sending;
    if (!*alive)
        co_return Error::unavailable(
            QStringLiteral("meshdeckd is stopping; the test delivery was not recorded."));
    QCoro::Task<Result<bool>> recording =
        m_database->attempt([record](QSqlDatabase &db) { return WebhooksStore::recordTest(db, record); });
    const Result<bool> recorded = co_await recording;
    if (!recorded)
        co_return recorded.error();
    if (!recorded.value())
        co_return Error::notFound(
            QStringLiteral("The webhook '%1' was deleted while its test delivery was under way.").arg(id),
            "webhook-not-found");
    co_return record;
}

QCoro::Task<QString> EventsService::sealWebhookSecrets()
{
    const SecretBox box = m_secrets;
    QCoro::Task<Result<SealReport>> sealing = m_database->attempt([box](QSqlDatabase &db) {
        SealReport report;
        QList<std::pair<QString, QByteArray>> sealed;
        for (const auto &[id, stored] : WebhooksStore::storedSecrets(db)) {
            if (!SecretBox::isSealed(stored))
                sealed.append({id, box.seal(stored)});
            else if (!box.open(stored))
                ++report.unreadable;
        }
        if (report.unreadable == 0) { // with the wrong key, change nothing
            WebhooksStore::replaceSecrets(db, sealed);
            report.sealed = int(sealed.size());
        }
        return report;
    });
    const Result<SealReport> report = co_await sealing;
    if (!report)
        co_return QStringLiteral("cannot read the webhook secrets: %1").arg(report.error().reason);
    if (report->unreadable > 0)
        co_return QStringLiteral(
            "%1 webhook signing secret(s) in the database do not open with the key in the data directory's "
            "secret.key: it is not the key they were sealed with. Restore the secret.key that belongs to "
            "this "
            "database (from the backup the database came from); meshdeckd does not start without it, so that "
            "no "
            "webhook is signed with a wrong secret.")
            .arg(report->unreadable);
    if (report->sealed > 0)
        qCInfo(lcEvents) << "sealed" << report->sealed
                         << "webhook secret(s) stored in plaintext by an older meshdeckd";
    co_return QString();
}

} // namespace Meshdeck::Events
