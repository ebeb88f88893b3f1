#include "auditservice.h"

#include "platform/access.h"

#include "storage/database.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <QCoroSignal>

Q_LOGGING_CATEGORY(lcAudit, "meshdeck.backend.audit")

namespace Meshdeck::Audit {

namespace {
constexpr int DeliverBatch = 1'000;
constexpr int MaxRetryDelayMs = 5'000;
constexpr qint64 DroppedRecentlyMs = 5 * 60 * 1000; // /readyz stays degraded this long after a drop
constexpr int MaxLimit = 1'000;

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}
} // namespace

AuditService::AuditService(AuditSettings settings, Storage::Database *database, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_database(database)
{
    m_sweepTimer.setInterval(m_settings.sweepIntervalMs);
    connect(&m_sweepTimer, &QTimer::timeout, this, [this] { QCoro::connect(runSweep(), this, [] {}); });
    if (m_settings.pollIntervalMs > 0) {
        m_pollTimer.setInterval(m_settings.pollIntervalMs);
        connect(&m_pollTimer, &QTimer::timeout, this, &AuditService::scheduleDelivery);
    }
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] { QCoro::connect(writeQueued(), this, [] {}); });
}

AuditService::~AuditService() = default;

QCoro::Task<QString> AuditService::start()
{
    QCoro::Task<Result<qint64>> reading = m_database->attempt(&AuditStore::lastId);
    const Result<qint64> last = co_await reading;
    if (!last)
        co_return QStringLiteral("cannot read the audit log: ") + last.error().reason;
    m_deliveredId = *last;
    m_sweepTimer.start();
    if (m_settings.pollIntervalMs > 0)
        m_pollTimer.start();
    QCoro::connect(runSweep(), this, [] {}); // a node down for a while catches up at once
    co_return QString();
}

QCoro::Task<void> AuditService::stop()
{
    m_sweepTimer.stop();
    m_pollTimer.stop();
    m_retryTimer.stop();
    co_await flush();
    size_t lost = 0;
    {
        std::lock_guard lock(m_queueMutex);
        m_stopped = true;
        lost = m_queue.size();
        m_queue.clear();
    }
    if (lost > 0) {
        m_dropped += qint64(lost);
        qCCritical(lcAudit) << "stopping with" << lost
                            << "audit record(s) the database did not take:" << m_writeError;
    }
    // Coroutines in flight resume on this object: let them end before it goes.
    while (m_writing || m_delivering || m_sweeping)
        co_await qCoro(this, &AuditService::workFinished);
}

// ---------------------------------------------------------------------------------------------
// Writing

void AuditService::record(AuditEntry entry)
{
    qint64 dropped = 0;
    {
        std::lock_guard lock(m_queueMutex);
        if (m_stopped || m_queue.size() >= m_settings.queueCapacity) {
            dropped = ++m_dropped;
            m_lastDropMs = m_settings.clock->nowMs();
        } else {
            m_queue.push_back(std::move(entry));
            if (m_writeScheduled)
                return;
            m_writeScheduled = true;
        }
    }
    if (dropped > 0) {
        if ((dropped & (dropped - 1)) == 0) // 1, 2, 4, 8, …: visible without flooding the log
            qCCritical(lcAudit) << "the audit queue is full (or stopped):" << dropped
                                << "audit record(s) dropped so far";
        return;
    }
    QMetaObject::invokeMethod(this, &AuditService::scheduleWrite, Qt::QueuedConnection);
}

void AuditService::scheduleWrite()
{
    {
        std::lock_guard lock(m_queueMutex);
        m_writeScheduled = false;
    }
    if (!m_retryTimer.isActive()) // after a failure the retry's backoff decides
        QCoro::connect(writeQueued(), this, [] {});
}

// Writes the queue in batches until it is empty; on a failure puts the batch back and retries
// with backoff, so a database that is away for a while loses nothing the queue can hold.
QCoro::Task<void> AuditService::writeQueued()
{
    if (m_writing)
        co_return;
    m_writing = true;
    for (;;) {
        std::vector<AuditEntry> batch;
        {
            std::lock_guard lock(m_queueMutex);
            const size_t n = std::min(m_queue.size(), size_t(m_settings.writeBatch));
            batch.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }
        if (batch.empty())
            break;
        const auto shared = std::make_shared<std::vector<AuditEntry>>(std::move(batch));
        QCoro::Task<Result<void>> writing =
            m_database->attempt([shared](QSqlDatabase &db) { AuditStore::insert(db, *shared); });
        const Result<void> written = co_await writing;
        if (!written) {
            ++m_writeFailures;
            {
                std::lock_guard lock(m_queueMutex);
                m_writeError = written.error().reason;
                for (auto it = shared->rbegin(); it != shared->rend(); ++it)
                    m_queue.push_front(std::move(*it));
            }
            m_retryDelayMs = m_retryDelayMs == 0 ? 100 : std::min(m_retryDelayMs * 2, MaxRetryDelayMs);
            qCWarning(lcAudit).noquote() << "cannot store" << shared->size() << "audit record(s), retrying in"
                                         << m_retryDelayMs << "ms:" << written.error().reason;
            m_retryTimer.start(m_retryDelayMs);
            break;
        }
        m_written += qint64(shared->size());
        m_retryDelayMs = 0;
        {
            std::lock_guard lock(m_queueMutex);
            m_writeError.clear();
        }
        scheduleDelivery();
    }
    m_writing = false;
    Q_EMIT workFinished();
}

QCoro::Task<void> AuditService::flush()
{
    for (;;) {
        bool empty = false;
        {
            std::lock_guard lock(m_queueMutex);
            empty = m_queue.empty();
        }
        if (m_writing) {
            co_await qCoro(this, &AuditService::workFinished);
            continue;
        }
        if (empty)
            co_return;
        m_retryTimer.stop();
        const qint64 failuresBefore = m_writeFailures.load();
        co_await writeQueued();
        if (m_writeFailures.load() != failuresBefore)
            co_return; // the database refuses: the retry timer (or stop()) takes it from here
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

QCoro::Task<Result<QList<AuditRecord>>> AuditService::search(AuditFilter filter)
{
    QCoro::Task<Result<QList<AuditRecord>>> reading =
        m_database->attempt([filter](QSqlDatabase &db) { return AuditStore::search(db, filter); });
    co_return co_await reading;
}

QJsonObject AuditService::recordJson(const AuditRecord &record)
{
    const AuditEntry &e = record.entry;
    return QJsonObject{{QStringLiteral("id"), QString::number(record.id)},
                       {QStringLiteral("time"), isoTime(e.timeMs)},
                       {QStringLiteral("actor"), e.actor},
                       {QStringLiteral("actorName"), e.actorName},
                       {QStringLiteral("action"), e.action},
                       {QStringLiteral("method"), QString::fromLatin1(e.method)},
                       {QStringLiteral("path"), QString::fromUtf8(e.path)},
                       {QStringLiteral("route"), QString::fromUtf8(e.route)},
                       {QStringLiteral("resource"), textOrNull(e.resource)},
                       {QStringLiteral("status"), e.status},
                       {QStringLiteral("outcome"), e.outcome},
                       {QStringLiteral("source"), QString::fromLatin1(e.source)},
                       {QStringLiteral("requestId"), QString::fromLatin1(e.requestId)},
                       {QStringLiteral("before"), e.before.isUndefined() ? QJsonValue() : e.before},
                       {QStringLiteral("after"), e.after.isUndefined() ? QJsonValue() : e.after},
                       {QStringLiteral("detail"), textOrNull(e.detail)}};
}

// ---------------------------------------------------------------------------------------------
// Health

QJsonObject AuditService::status() const
{
    std::lock_guard lock(m_queueMutex);
    const bool droppedRecently =
        m_lastDropMs > 0 && m_settings.clock->nowMs() - m_lastDropMs < DroppedRecentlyMs;
    QJsonObject out{{QStringLiteral("status"), (droppedRecently || !m_writeError.isEmpty())
                                                   ? QStringLiteral("degraded")
                                                   : QStringLiteral("ok")},
                    {QStringLiteral("queued"), qint64(m_queue.size())},
                    {QStringLiteral("capacity"), qint64(m_settings.queueCapacity)},
                    {QStringLiteral("dropped"), m_dropped.load()},
                    {QStringLiteral("writeFailures"), m_writeFailures.load()}};
    if (!m_writeError.isEmpty())
        out.insert(QStringLiteral("error"), m_writeError);
    if (m_lastDropMs > 0)
        out.insert(QStringLiteral("lastDropAt"), isoTime(m_lastDropMs));
    return out;
}

QByteArray AuditService::prometheusText() const
{
    qint64 queued = 0;
    {
        std::lock_guard lock(m_queueMutex);
        queued = qint64(m_queue.size());
    }
    QByteArray out;
    const auto metric = [&out](const char *name, const char *type, const char *help, qint64 value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name +
               ' ' + QByteArray::number(value) + '\n';
    };
    metric("meshdeck_audit_records_written_total", "counter", "Audit records stored.", m_written.load());
    metric("meshdeck_audit_records_dropped_total", "counter",
           "Audit records lost because the queue to the database was full: the log is missing them.",
           m_dropped.load());
    metric("meshdeck_audit_write_failures_total", "counter",
           "Audit batches the database refused (kept queued and retried).", m_writeFailures.load());
    metric("meshdeck_audit_queue_depth", "gauge", "Audit records waiting for the database.", queued);
    metric("meshdeck_audit_records_expired_total", "counter", "Audit records deleted by retention.",
           m_swept.load());
    return out;
}

// ---------------------------------------------------------------------------------------------
// Retention

QCoro::Task<Result<int>> AuditService::sweep()
{
    const qint64 cutoff = m_settings.clock->nowMs() - qint64(m_settings.retentionDays) * 24 * 3600 * 1000;
    const int limit = m_settings.sweepBatch;
    int total = 0;
    for (;;) {
        QCoro::Task<Result<std::pair<int, bool>>> expiring =
            m_database->attempt([cutoff, limit](QSqlDatabase &db) {
                bool skipped = false;
                const int n = AuditStore::expire(db, cutoff, limit, &skipped);
                return std::pair<int, bool>(n, skipped);
            });
        const Result<std::pair<int, bool>> expired = co_await expiring;
        if (!expired)
            co_return expired.error();
        total += expired->first;
        m_swept += expired->first;
        if (expired->second || expired->first < limit) // another node sweeps, or nothing is left
            break;
    }
    co_return total;
}

QCoro::Task<void> AuditService::runSweep()
{
    if (m_sweeping)
        co_return;
    m_sweeping = true;
    QCoro::Task<Result<int>> sweeping = sweep();
    const Result<int> swept = co_await sweeping;
    if (!swept)
        qCWarning(lcAudit).noquote() << "audit retention failed:" << swept.error().reason;
    else if (*swept > 0)
        qCInfo(lcAudit) << "audit retention deleted" << *swept << "record(s) older than"
                        << m_settings.retentionDays << "days";
    m_sweeping = false;
    Q_EMIT workFinished();
}

// ---------------------------------------------------------------------------------------------
// The realtime channel

bool AuditService::hasSubscribers() const
{
    std::lock_guard lock(m_subscriberMutex);
    return !m_subscribers.isEmpty();
}

void AuditService::scheduleDelivery()
{
    if (m_delivering) {
        m_deliverAgain = true;
        return;
    }
    QCoro::connect(deliverNew(), this, [] {});
}

// Reads the records stored since the last pass, on any node, and posts them to every subscriber.
// Without subscribers it only moves the mark, so a new subscriber starts at the present.
QCoro::Task<void> AuditService::deliverNew()
{
    m_delivering = true;
    do {
        m_deliverAgain = false;
        if (!hasSubscribers()) {
            QCoro::Task<Result<qint64>> reading = m_database->attempt(&AuditStore::lastId);
            const Result<qint64> last = co_await reading;
            if (last)
                m_deliveredId = std::max(m_deliveredId, *last);
            continue;
        }
        const qint64 afterId = m_deliveredId;
        QCoro::Task<Result<QList<AuditRecord>>> reading = m_database->attempt(
            [afterId](QSqlDatabase &db) { return AuditStore::after(db, afterId, DeliverBatch); });
        const Result<QList<AuditRecord>> fresh = co_await reading;
        if (!fresh) {
            qCWarning(lcAudit).noquote()
                << "cannot read new audit records for the channel:" << fresh.error().reason;
            break; // the next write or poll tries again, from the same mark
        }
        QList<Realtime::SubscriptionPtr> subscribers;
        {
            std::lock_guard lock(m_subscriberMutex);
            subscribers = m_subscribers.values();
        }
        for (const AuditRecord &r : fresh.value()) {
            const QByteArray text = Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("record")},
                                                        {QStringLiteral("channel"), prefix()},
                                                        {QStringLiteral("record"), recordJson(r)}});
            for (const Realtime::SubscriptionPtr &s : std::as_const(subscribers))
                s->mailbox->post(text);
            m_deliveredId = r.id;
        }
        if (fresh->size() == DeliverBatch)
            m_deliverAgain = true;
    } while (m_deliverAgain);
    m_delivering = false;
    Q_EMIT workFinished();
}

QString AuditService::open(Realtime::SubscriptionPtr subscription)
{
    if (subscription->channel != prefix())
        return QStringLiteral("The audit channel is called 'audit'.");
    if (!subscription->principal)
        return QStringLiteral(
            "The audit channel needs an authenticated session with the audit.read permission.");
    const Access::Decision decision = Access::authorize(*subscription->principal, "audit.read");
    if (!decision.allowed)
        return QStringLiteral("Following the audit log needs the audit.read permission: %1")
            .arg(decision.summary());
    subscription->mailbox->post(Realtime::jsonText(
        {{QStringLiteral("type"), QStringLiteral("subscribed")}, {QStringLiteral("channel"), prefix()}}));
    std::lock_guard lock(m_subscriberMutex);
    m_subscribers.insert(subscription->id, std::move(subscription));
    return {};
}

void AuditService::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_subscriberMutex);
    const auto it = m_subscribers.constFind(subscription->id);
    if (it != m_subscribers.cend() && *it == subscription)
        m_subscribers.erase(it);
}

// ---------------------------------------------------------------------------------------------
// The query

std::optional<qint64> parseTime(const QString &text)
{
    bool isNumber = false;
    const qint64 ms = text.toLongLong(&isNumber);
    if (isNumber)
        return ms >= 0 ? std::optional<qint64>(ms) : std::nullopt;
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime) // an offset or Z is required
        return std::nullopt;
    return time.toMSecsSinceEpoch();
}

QString cursorAfter(qint64 lastId)
{
    return QString::number(lastId);
}

Result<AuditFilter> parseFilter(const std::function<QString(const QString &)> &query)
{
    AuditFilter f;
    f.actor = query(QStringLiteral("actor"));
    f.action = query(QStringLiteral("action"));
    f.resource = query(QStringLiteral("resource"));
    f.outcome = query(QStringLiteral("outcome"));
    if (!f.outcome.isEmpty() && f.outcome != QLatin1String("ok") && f.outcome != QLatin1String("denied") &&
        f.outcome != QLatin1String("failed"))
        return Error::invalid(QStringLiteral("outcome"),
                              QStringLiteral("outcome is one of ok, denied or failed."), "invalid-query");
    for (const auto &[name, target] :
         {std::pair{QStringLiteral("from"), &f.fromMs}, std::pair{QStringLiteral("to"), &f.toMs}}) {
        const QString text = query(name);
        if (text.isEmpty())
            continue;
        *target = parseTime(text);
        if (!*target)
            return Error::invalid(name,
                                  QStringLiteral("%1 is a time: ISO 8601 with a zone (2026-01-31T12:00:00Z) "
                                                 "or milliseconds since 1970.")
                                      .arg(name),
                                  "invalid-query");
    }
    if (const QString text = query(QStringLiteral("cursor")); !text.isEmpty()) {
        bool ok = false;
        const qint64 id = text.toLongLong(&ok);
        if (!ok || id <= 0)
            return Error::invalid(QStringLiteral("cursor"),
                                  QStringLiteral("cursor is the nextCursor of a previous answer, as it was."),
                                  "invalid-cursor");
        f.beforeId = id;
    }
    if (const QString text = query(QStringLiteral("limit")); !text.isEmpty()) {
        bool ok = false;
        f.limit = text.toInt(&ok);
        if (!ok || f.limit < 1 || f.limit > MaxLimit)
            return Error::invalid(QStringLiteral("limit"),
                                  QStringLiteral("limit must be between 1 and %1.").arg(MaxLimit),
                                  "invalid-query");
    }
    return f;
}

} // namespace Meshdeck::Audit
