#pragma once

#include "eventtypes.h"

#include "storage/migrations.h"

#include <QSqlDatabase>
#include <QStringList>

#include <optional>

namespace Meshdeck::Events {

struct Webhook {
    QString id;
    QString url;
    QStringList topics;
    QStringList types; // empty: every type
    QByteArray secret;
    bool enabled = true;
    QString disabledReason;
    int consecutiveFailures = 0;
    QString createdAt;
};

// Where a webhook is in one topic: the next event to deliver and its retry state.
struct WebhookWork {
    Webhook webhook;
    QString topic;
    StoredEventPtr event;
    int attempt = 1;
};

struct DeliveryRecord {
    qint64 id = 0;
    QString webhookId;
    QString topic;
    qint64 offset = -1; // -1 for a test delivery
    QString eventId;
    int attempt = 1;
    bool succeeded = false;
    int responseStatus = 0;
    qint64 latencyMs = 0;
    QString responseExcerpt;
    QString error;
    qint64 timeMs = 0;
};

// Webhooks are consumers with a durable cursor per topic: the event log itself is the outbox, so
// a crash loses no delivery. The only code of webhooks that sees SQL; database thread only.
class WebhooksStore
{
public:
    static Storage::Migration migration();

    // Creates the webhook with its cursors at the topics' heads (it receives new events).
    // Returns the missing topic's name when one does not exist.
    static QString create(QSqlDatabase &db, const Webhook &webhook, QString *error);
    static QList<Webhook> list(QSqlDatabase &db);
    static std::optional<Webhook> get(QSqlDatabase &db, const QString &id);
    static bool remove(QSqlDatabase &db, const QString &id);
    static bool setEnabled(QSqlDatabase &db, const QString &id, bool enabled, const QString &reason);

    // The next event due for each enabled webhook (one per webhook: deliveries are ordered);
    // events whose type the webhook does not want are skipped here.
    static QList<WebhookWork> due(QSqlDatabase &db, qint64 nowMs);
    // Records an attempt; on failure schedules the retry and, after `maxFailures` in a row,
    // disables the webhook with the reason.
    static void recordAttempt(QSqlDatabase &db, const DeliveryRecord &record, qint64 retryAtMs,
                              int maxFailures);
    static QList<DeliveryRecord> deliveries(QSqlDatabase &db, const QString &webhookId, int limit);
};

} // namespace Meshdeck::Events
