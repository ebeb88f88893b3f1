#pragma once

#include "webhooksstore.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <QCoroTask>

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
};

// Delivers events to webhooks: POST with X-Meshdeck-Signature (HMAC-SHA256 of "<t>.<body>" with
// the webhook's secret), retries with exponential backoff and jitter, a delivery log, and an SSRF
// guard that resolves once and connects to the address it checked.
class WebhookDispatcher : public QObject
{
    Q_OBJECT
public:
    WebhookDispatcher(WebhookSettings settings, Storage::Database *database, QObject *parent = nullptr);

    void start();
    void stop();
    // Thread-safe: look for due deliveries soon (called after every commit).
    void kick();

    // Sends one delivery and reports what happened (no retry bookkeeping).
    QCoro::Task<DeliveryRecord> send(Webhook webhook, QString topic, QByteArray body, QString eventId,
                                     qint64 offset, int attempt);
    static QByteArray signature(const QByteArray &secret, qint64 timestamp, const QByteArray &body);
    // Why a URL may not be a webhook target (empty when it may): unresolvable, or an address the
    // SSRF guard refuses (unless the server allows private targets).
    QCoro::Task<QString> checkTarget(QUrl url);
    const WebhookSettings &settings() const { return m_settings; }

private:
    void tick();
    QCoro::Task<void> deliverAndRecord(WebhookWork work);
    QCoro::Task<QList<QHostAddress>> resolve(QString host);

    WebhookSettings m_settings;
    Storage::Database *m_database;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    QSet<QString> m_inFlight;
    bool m_ticking = false;
    bool m_running = false;
};

} // namespace Meshdeck::Events
