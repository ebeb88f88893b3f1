#pragma once

#include "webhooksstore.h"

#include "platform/clock.h"
#include "platform/secretbox.h"

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <QCoroTask>

#include <QFuture>

#include <memory>

class QNetworkReply;

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Events {

struct WebhookSettings {
    int retryBaseMs = 1'000;    // first retry; doubles per attempt, with jitter
    int maxBackoffMs = 600'000; // at most ten minutes between attempts
    int maxFailures = 10;       // failed deliveries in a row before the webhook is disabled
    int timeoutMs = 10'000;
    int tickMs = 250;
    // Loopback, private and link-local targets are refused unless the server allows them: a
    // setting of the node (meshdeckd --allow-private-targets), never of a request.
    bool allowPrivateTargets = false;
    // The node that claims webhooks for delivery when several nodes share one PostgreSQL database
    // (each webhook is delivered by one node at a time; see WebhooksStore::claim). Empty in local mode.
    QString nodeId;
};

// Delivers events to webhooks: POST with X-Meshdeck-Signature (HMAC-SHA256 of "<t>.<body>" with
// the webhook's secret, opened from its sealed form only for the signature), retries with
// exponential backoff and jitter, a delivery log, and an SSRF guard that resolves once and
// connects to the address it checked. Stopping or destroying it abandons deliveries in flight
// (they are not logged; the cursor did not move, so they are retried after the next start).
class WebhookDispatcher : public QObject
{
    Q_OBJECT
public:
    WebhookDispatcher(WebhookSettings settings, Storage::Database *database, const SecretBox &secrets,
                      const Clock &clock, QObject *parent = nullptr);
    ~WebhookDispatcher() override;

    void start();
    void stop();
    // After stop(), on a clean shutdown: gives up this node's webhook claims (PostgreSQL), so
    // another node delivers them at once rather than after the claim's lease.
    QCoro::Task<void> releaseClaims();
    // Thread-safe: look for due deliveries soon (called after every commit).
    void kick();

    // Sends one delivery and reports what happened (no retry bookkeeping).
    QCoro::Task<DeliveryRecord> send(Webhook webhook, QString topic, QByteArray body, QString eventId,
                                     qint64 offset, int attempt);
    static QByteArray signature(const QByteArray &secret, qint64 timestamp, const QByteArray &body);
    // Why a URL may not be a webhook target (empty when it may): unresolvable, or an address the
    // SSRF guard refuses (unless the server allows private targets).
    QCoro::Task<QString> checkTarget(QUrl url);

    // The same two, callable from any thread (the HTTP engine's event loops): they run on the
    // dispatcher's thread, which owns the network access manager. Should the dispatcher go away
    // first, they resolve as abandoned rather than never.
    QFuture<DeliveryRecord> sendFromAnyThread(Webhook webhook, QString topic, QByteArray body,
                                              QString eventId, qint64 offset, int attempt);
    QFuture<QString> checkTargetFromAnyThread(QUrl url);
    const WebhookSettings &settings() const { return m_settings; }

private:
    using Alive = std::shared_ptr<const bool>;
    void tick();
    QCoro::Task<void> startDue();
    QCoro::Task<void> deliverAndRecord(WebhookWork work);
    QCoro::Task<QList<QHostAddress>> resolve(QString host);
    QString refusal(const QList<QHostAddress> &addresses) const;
    QNetworkRequest buildRequest(const Webhook &webhook, const QUrl &target, const QString &topic,
                                 const QString &eventId, int attempt,
                                 const QByteArray &signatureHeader) const;
    void readReply(QNetworkReply &reply, DeliveryRecord &r) const;
    void abandonInFlight();

    WebhookSettings m_settings;
    Storage::Database *m_database;
    const SecretBox &m_secrets;
    const Clock &m_clock;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    QSet<QString> m_inFlight;                 // webhooks with a delivery under way
    QList<QPointer<QNetworkReply>> m_replies; // requests under way
    // Every coroutine holds a copy and checks it after each co_await: false once destruction began.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
    bool m_ticking = false;
    bool m_running = false;
};

} // namespace Meshdeck::Events
