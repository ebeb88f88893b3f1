#pragma once

#include "eventtypes.h"

#include <QSet>
#include <QSqlDatabase>
#include <QStringList>

#include <optional>

namespace Meshdeck::Events {

struct Webhook {
    QString id;
    QString url;
    QStringList topics;
    QStringList types;       // empty: every type
    QByteArray sealedSecret; // the signing secret sealed by the service's SecretBox; never plaintext
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
// a crash loses no delivery. The only code of webhooks that sees SQL; follows the store contract
// (storage/store.h).
class WebhooksStore
{
public:
    // Creates the webhook with its cursors at the topics' heads (it receives new events) and
    // answers with it as stored; NotFound names a topic that does not exist (nothing is stored).
    static Result<Webhook> create(QSqlDatabase &db, const Webhook &webhook, qint64 nowMs);
    static QList<Webhook> list(QSqlDatabase &db);
    static std::optional<Webhook> get(QSqlDatabase &db, const QString &id);
    // False when there is no such webhook.
    static bool remove(QSqlDatabase &db, const QString &id);
    // The webhook as changed; nullopt when there is no such webhook.
    static std::optional<Webhook> setEnabled(QSqlDatabase &db, const QString &id, bool enabled,
                                             const QString &reason);

    // The next event due for each enabled webhook (one per webhook: deliveries are ordered);
    // events whose type the webhook does not want are skipped here. On PostgreSQL only for the
    // webhooks this node claims (see claim): each webhook is delivered by one node at a time.
    static QList<WebhookWork> due(QSqlDatabase &db, qint64 nowMs, const QString &nodeId = {},
                                  qint64 leaseMs = DefaultClaimLeaseMs);
    // PostgreSQL: node `nodeId` (empty: "local") takes every enabled webhook whose claim lapsed, and
    // renews its own claims once half their lease is gone, until nowMs + leaseMs; answers the
    // webhooks it holds now. Another node's live claim is left alone. nullopt on SQLite, where there
    // is one node. A node looks for due work every tick, so it keeps its claims while it lives; they
    // move to another node at once when it stops cleanly (releaseClaims), and at most `leaseMs`
    // after it died.
    static std::optional<QSet<QString>> claim(QSqlDatabase &db, qint64 nowMs, const QString &nodeId,
                                              qint64 leaseMs = DefaultClaimLeaseMs);
    static constexpr qint64 DefaultClaimLeaseMs = 60'000;
    // PostgreSQL: node `nodeId` gives up its claims (a clean stop), so another node takes them at
    // its next look instead of after the lease; answers how many. 0 on SQLite.
    static int releaseClaims(QSqlDatabase &db, const QString &nodeId);
    // Records an attempt of a real delivery; on failure schedules the retry and, after
    // `maxFailures` in a row, disables the webhook with the reason. False when the webhook is gone.
    static bool recordAttempt(QSqlDatabase &db, const DeliveryRecord &record, qint64 retryAtMs,
                              int maxFailures);
    // Records a test delivery in the log (the cursor does not move); false when the webhook is gone.
    static bool recordTest(QSqlDatabase &db, const DeliveryRecord &record);
    // Newest first; nullopt when there is no such webhook.
    static std::optional<QList<DeliveryRecord>> deliveries(QSqlDatabase &db, const QString &webhookId,
                                                           int limit);
    // Keeps the newest `keepPerWebhook` entries of each webhook's log and none older than
    // `olderThanMs`; returns how many went.
    static int pruneDeliveries(QSqlDatabase &db, int keepPerWebhook, qint64 olderThanMs);

    // The stored secret of every webhook, for sealing plaintext secrets of older databases.
    static QList<std::pair<QString, QByteArray>> storedSecrets(QSqlDatabase &db);
    // Replaces the given secrets (id, sealed) so that no trace of the old values stays in the file.
    static void replaceSecrets(QSqlDatabase &db, const QList<std::pair<QString, QByteArray>> &sealed);
};

} // namespace Meshdeck::Events
