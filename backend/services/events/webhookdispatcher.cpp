#include "webhookdispatcher.h"

#include "net/addresspolicy.h"
#include "storage/database.h"

#include <QElapsedTimer>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QRandomGenerator>

#include <cmath>

#include <QCoroFuture>
#include <QCoroNetworkReply>

#include <sodium.h>

Q_LOGGING_CATEGORY(lcWebhooks, "meshdeck.backend.webhooks")

namespace Meshdeck::Events {

namespace {
// Set on a reply the dispatcher aborted because it stops.
constexpr char AbandonedProperty[] = "meshdeck-abandoned";

// A promise that is kept whatever happens: with the value, or with `abandoned` once nothing can
// fulfil it any more (the dispatcher went away before or while the work ran).
template<typename T> class KeptPromise
{
public:
    explicit KeptPromise(T abandoned)
        : m_abandoned(std::move(abandoned))
    {
        m_promise.start();
    }
    ~KeptPromise() { fulfil(m_abandoned); }
    QFuture<T> future() { return m_promise.future(); }
    void fulfil(const T &value)
    {
        if (m_done)
            return;
        m_done = true;
        m_promise.addResult(value);
        m_promise.finish();
    }

private:
    QPromise<T> m_promise;
    T m_abandoned;
    bool m_done = false;
};

// Runs `start` (which begins a task) on `context`'s thread and resolves with the task's value.
template<typename T, typename Start> QFuture<T> runOn(QObject *context, T abandoned, Start start)
{
    auto kept = std::make_shared<KeptPromise<T>>(std::move(abandoned));
    QFuture<T> future = kept->future();
    QMetaObject::invokeMethod(
        context,
        [context, kept, start = std::move(start)]() mutable {
            QCoro::connect(start(), context, [kept](const T &value) { kept->fulfil(value); });
        },
        Qt::QueuedConnection);
    return future;
}
} // namespace

WebhookDispatcher::WebhookDispatcher(WebhookSettings settings, Storage::Database *database,
                                     const SecretBox &secrets, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_database(database)
    , m_secrets(secrets)
    , m_clock(clock)
{
    // A webhook receiver gets exactly one request: no redirects to elsewhere, no cookies.
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network.setCookieJar(nullptr);
    m_timer.setInterval(m_settings.tickMs);
    connect(&m_timer, &QTimer::timeout, this, &WebhookDispatcher::tick);
}

WebhookDispatcher::~WebhookDispatcher()
{
    // Coroutines resumed from here on (by the aborts below, or by a lookup that answers later)
    // see that the dispatcher is gone and touch nothing of it.
    *m_alive = false;
    abandonInFlight();
}

void WebhookDispatcher::start()
{
    m_running = true;
    m_timer.start();
}

void WebhookDispatcher::stop()
{
    m_running = false;
    m_timer.stop();
    abandonInFlight();
}

QCoro::Task<void> WebhookDispatcher::releaseClaims()
{
    // Queued behind any look for due work already on the database thread (which may claim), and
    // no new look starts once stopped: nothing claims again after this.
    const QString node = m_settings.nodeId;
    QFuture<int> released = m_database->run([database = m_database, node](QSqlDatabase &db) {
        try {
            return WebhooksStore::releaseClaims(db, node);
        } catch (const Storage::StoreError &e) {
            // The claims then lapse after their lease, as after a crash.
            qCWarning(lcWebhooks) << "cannot release this node's webhook claims:" << e.what();
            database->checkConnectionAfterFailure();
            return 0;
        }
    });
    const int count = co_await released;
    if (count > 0)
        qCInfo(lcWebhooks) << "released" << count << "webhook claim(s) for other nodes";
}

void WebhookDispatcher::abandonInFlight()
{
    const QList<QPointer<QNetworkReply>> replies = std::exchange(m_replies, {});
    for (const QPointer<QNetworkReply> &reply : replies) {
        if (!reply)
            continue;
        reply->setProperty(AbandonedProperty, true);
        reply->abort(); // finishes it: its coroutine resumes and sees why
    }
}

void WebhookDispatcher::kick()
{
    QMetaObject::invokeMethod(this, &WebhookDispatcher::tick, Qt::QueuedConnection);
}

QByteArray WebhookDispatcher::signature(const QByteArray &secret, qint64 timestamp, const QByteArray &body)
{
    const QByteArray signedPart = QByteArray::number(timestamp) + '.' + body;
    crypto_auth_hmacsha256_state state;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char *>(secret.constData()),
                                size_t(secret.size()));
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char *>(signedPart.constData()),
                                  quint64(signedPart.size()));
    crypto_auth_hmacsha256_final(&state, mac);
    return "t=" + QByteArray::number(timestamp) +
           ",v1=" + QByteArray(reinterpret_cast<const char *>(mac), sizeof mac).toHex();
}

void WebhookDispatcher::tick()
{
    if (!m_running || m_ticking)
        return;
    m_ticking = true;
    QCoro::connect(startDue(), this, [] {});
}

// Not QFuture::then(this, …): in Qt 6.4 that posts to the context even after it is deleted, and
// the lookup may answer after the dispatcher is gone.
QCoro::Task<void> WebhookDispatcher::startDue()
{
    const std::shared_ptr<const bool> alive = m_alive;
    const qint64 now = m_clock.nowMs();
    const QString node = m_settings.nodeId;
    // A claim outlives any delivery under way, which the next look (a tick later) renews.
    const qint64 lease = qMax<qint64>(WebhooksStore::DefaultClaimLeaseMs, 3LL * m_settings.timeoutMs);
    QFuture<QList<WebhookWork>> due =
        m_database->run([database = m_database, now, node, lease](QSqlDatabase &db) {
            try {
                return WebhooksStore::due(db, now, node, lease);
            } catch (const Storage::StoreError &e) {
                qCWarning(lcWebhooks) << "cannot read due deliveries:" << e.what();
                database->checkConnectionAfterFailure(); // readiness sees a loss only this work met
                return QList<WebhookWork>();
            }
        });
    const QList<WebhookWork> work = co_await due;
    if (!*alive)
        co_return;
    m_ticking = false;
    if (!m_running)
        co_return;
    for (const WebhookWork &w : work) {
        if (m_inFlight.contains(w.webhook.id))
            continue;
        m_inFlight.insert(w.webhook.id);
        QCoro::connect(deliverAndRecord(w), this, [] {});
    }
}

QCoro::Task<void> WebhookDispatcher::deliverAndRecord(WebhookWork work)
{
    const std::shared_ptr<const bool> alive = m_alive;
    const QString webhookId = work.webhook.id;
    QCoro::Task<DeliveryRecord> sending = send(work.webhook, work.topic, work.event->toJsonText(),
                                               work.event->id, work.event->offset, work.attempt);
    const DeliveryRecord record = co_await sending;
    if (!*alive)
        co_return;
    if (!m_running) { // abandoned by stop(): not the receiver's failure, and retried after the next start
        m_inFlight.remove(webhookId);
        co_return;
    }
    // Exponential backoff with jitter, so failing receivers are not hammered in lockstep.
    const double backoff =
        qMin<double>(m_settings.maxBackoffMs, m_settings.retryBaseMs * std::pow(2.0, work.attempt - 1));
    const qint64 retryAt =
        record.timeMs + qint64(backoff * (0.5 + QRandomGenerator::global()->generateDouble()));
    const int maxFailures = m_settings.maxFailures;
    QCoro::Task<Result<bool>> recording =
        m_database->attempt([record, retryAt, maxFailures](QSqlDatabase &db) {
            return WebhooksStore::recordAttempt(db, record, retryAt, maxFailures);
        });
    const Result<bool> recorded = co_await recording;
    if (!*alive)
        co_return;
    if (!recorded)
        qCWarning(lcWebhooks) << "cannot log a delivery to" << webhookId << ":" << recorded.error().reason;
    m_inFlight.remove(webhookId);
    if (record.succeeded)
        kick(); // the next event may be waiting
}

QCoro::Task<QList<QHostAddress>> WebhookDispatcher::resolve(QString host)
{
    const QHostAddress literal(host);
    if (!literal.isNull())
        co_return QList<QHostAddress>{literal};
    auto promise = std::make_shared<QPromise<QList<QHostAddress>>>();
    QFuture<QList<QHostAddress>> future = promise->future();
    promise->start();
    // No context object: the answer always arrives, even when the dispatcher is gone by then, so
    // the awaiting coroutine resumes (and sees that) instead of reading a cancelled future.
    QHostInfo::lookupHost(host, [promise](const QHostInfo &info) {
        promise->addResult(info.addresses());
        promise->finish();
    });
    co_return co_await future;
}

QFuture<DeliveryRecord> WebhookDispatcher::sendFromAnyThread(Webhook webhook, QString topic, QByteArray body,
                                                             QString eventId, qint64 offset, int attempt)
{
    DeliveryRecord abandoned;
    abandoned.webhookId = webhook.id;
    abandoned.topic = topic;
    abandoned.offset = offset;
    abandoned.eventId = eventId;
    abandoned.attempt = attempt;
    abandoned.timeMs = m_clock.nowMs();
    abandoned.error = QStringLiteral("abandoned: meshdeckd is stopping");
    return runOn(this, abandoned, [this, webhook, topic, body, eventId, offset, attempt] {
        return send(webhook, topic, body, eventId, offset, attempt);
    });
}

QFuture<QString> WebhookDispatcher::checkTargetFromAnyThread(QUrl url)
{
    return runOn(this, QStringLiteral("meshdeckd is stopping"), [this, url] { return checkTarget(url); });
}

QString WebhookDispatcher::refusal(const QList<QHostAddress> &addresses) const
{
    if (m_settings.allowPrivateTargets)
        return {};
    for (const QHostAddress &a : addresses) {
        if (QString why = Net::whyRefused(a); !why.isEmpty())
            return why;
    }
    return {};
}

QCoro::Task<QString> WebhookDispatcher::checkTarget(QUrl url)
{
    const std::shared_ptr<const bool> alive = m_alive;
    const QList<QHostAddress> addresses = co_await resolve(url.host());
    if (!*alive)
        co_return QStringLiteral("meshdeckd is stopping");
    if (addresses.isEmpty())
        co_return QStringLiteral("%1 does not resolve to an address").arg(url.host());
    if (const QString why = refusal(addresses); !why.isEmpty())
        co_return QStringLiteral(
            "%1 is refused: %2. Webhooks reach only public addresses unless meshdeckd runs "
            "with --allow-private-targets (the console's local stack does).")
            .arg(url.host(), why);
    co_return QString();
}

QNetworkRequest WebhookDispatcher::buildRequest(const Webhook &webhook, const QUrl &target,
                                                const QString &topic, const QString &eventId, int attempt,
                                                const QByteArray &signatureHeader) const
{
    const QUrl url(webhook.url);
    QNetworkRequest request(target);
    request.setTransferTimeout(m_settings.timeoutMs);
    request.setRawHeader("Host", url.port() > 0 ? url.host().toUtf8() + ':' + QByteArray::number(url.port())
                                                : url.host().toUtf8());
    if (url.scheme() == QLatin1String("https"))
        request.setPeerVerifyName(url.host());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("meshdeckd/" MESHDECK_VERSION));
    request.setRawHeader("X-Meshdeck-Event-Id", eventId.toUtf8());
    request.setRawHeader("X-Meshdeck-Topic", topic.toUtf8());
    request.setRawHeader("X-Meshdeck-Delivery-Attempt", QByteArray::number(attempt));
    request.setRawHeader("X-Meshdeck-Signature", signatureHeader);
    return request;
}

void WebhookDispatcher::readReply(QNetworkReply &reply, DeliveryRecord &r) const
{
    r.responseStatus = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.responseExcerpt = QString::fromUtf8(reply.read(512));
    if (r.responseStatus >= 200 && r.responseStatus < 300) {
        r.succeeded = true;
    } else if (r.responseStatus >= 300 && r.responseStatus < 400) {
        r.error = QStringLiteral("the receiver answered a redirect (HTTP %1); redirects are not followed")
                      .arg(r.responseStatus);
    } else if (r.responseStatus == 0) {
        r.error = reply.error() == QNetworkReply::OperationCanceledError
                      ? QStringLiteral("no answer within %1 ms").arg(m_settings.timeoutMs)
                      : reply.errorString();
    } else {
        r.error = QStringLiteral("HTTP %1").arg(r.responseStatus);
    }
}

QCoro::Task<DeliveryRecord> WebhookDispatcher::send(Webhook webhook, QString topic, QByteArray body,
                                                    QString eventId, qint64 offset, int attempt)
{
    const std::shared_ptr<const bool> alive = m_alive;
    DeliveryRecord r;
    r.webhookId = webhook.id;
    r.topic = topic;
    r.offset = offset;
    r.eventId = eventId;
    r.attempt = attempt;
    r.timeMs = m_clock.nowMs();
    const std::optional<QByteArray> secret = m_secrets.open(webhook.sealedSecret);
    if (!secret) {
        r.error = QStringLiteral("the signing secret does not open with this node's secret key");
        co_return r;
    }
    const QUrl url(webhook.url);
    QElapsedTimer timer;
    timer.start();
    const QList<QHostAddress> addresses = co_await resolve(url.host());
    if (!*alive) {
        r.error = QStringLiteral("abandoned: meshdeckd is stopping");
        co_return r;
    }
    r.timeMs = m_clock.nowMs();
    if (addresses.isEmpty()) {
        r.error = QStringLiteral("cannot resolve %1").arg(url.host());
        co_return r;
    }
    if (const QString why = refusal(addresses); !why.isEmpty()) {
        r.error = QStringLiteral("refused: %1 (this node does not allow private targets)").arg(why);
        co_return r;
    }
    // Connect to the address that was checked, so a second DNS answer cannot redirect the request.
    QUrl target = url;
    target.setHost(addresses.first().toString());
    const QNetworkRequest request = buildRequest(webhook, target, topic, eventId, attempt,
                                                 signature(*secret, m_clock.nowMs() / 1000, body));
    QPointer<QNetworkReply> reply = m_network.post(request, body);
    m_replies.append(reply);
    co_await reply.get();
    if (!*alive) {
        r.error = QStringLiteral("abandoned: meshdeckd is stopping");
        co_return r;
    }
    m_replies.removeAll(reply);
    r.latencyMs = timer.elapsed();
    r.timeMs = m_clock.nowMs();
    if (!reply) {
        r.error = QStringLiteral("the request was abandoned");
        co_return r;
    }
    reply->deleteLater();
    if (reply->property(AbandonedProperty).toBool()) {
        r.error = QStringLiteral("abandoned: the dispatcher stopped");
        co_return r;
    }
    readReply(*reply, r);
    if (!r.succeeded)
        qCDebug(lcWebhooks) << "delivery to" << webhook.url << "failed:" << r.error;
    co_return r;
}

} // namespace Meshdeck::Events
