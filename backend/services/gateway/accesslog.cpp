#include "accesslog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcAccessLog, "meshdeck.gateway.accesslog")

namespace Meshdeck::Gateway {

namespace {
double rounded(double ms)
{
    return std::round(ms * 1000.0) / 1000.0;
}
} // namespace

QJsonObject AccessEntry::toJson() const
{
    return QJsonObject{
        {QStringLiteral("requestId"), QString::fromLatin1(requestId)},
        {QStringLiteral("routeId"), routeId.isEmpty() ? QJsonValue() : QJsonValue(routeId)},
        {QStringLiteral("route"), route.isEmpty() ? QJsonValue() : QJsonValue(route)},
        {QStringLiteral("method"), QString::fromLatin1(method)},
        {QStringLiteral("path"), QString::fromUtf8(path)},
        {QStringLiteral("status"), status},
        {QStringLiteral("durationMs"), rounded(durationMs)},
        {QStringLiteral("gatewayMs"), rounded(gatewayMs)},
        {QStringLiteral("upstreamMs"), rounded(upstreamMs)},
        {QStringLiteral("instanceId"), instanceId.isEmpty() ? QJsonValue() : QJsonValue(instanceId)},
        {QStringLiteral("client"), QString::fromLatin1(client)},
        {QStringLiteral("consumer"),
         consumer.isEmpty() ? QJsonValue() : QJsonValue(QString::fromUtf8(consumer))},
        {QStringLiteral("bytesIn"), bytesIn},
        {QStringLiteral("bytesOut"), bytesOut},
        {QStringLiteral("cause"), cause.isEmpty() ? QJsonValue() : QJsonValue(cause)}};
}

AccessLog::AccessLog(EventPublisher *events, double sample, int maxPerSecond, QObject *parent)
    : QObject(parent)
    , m_events(events)
    , m_sample(sample)
    , m_maxPerSecond(maxPerSecond)
{
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &AccessLog::flush);
    m_timer.start();
}

bool AccessLog::wants(int status, bool refused, std::optional<double> routeSample) const
{
    if (refused || status >= 500 || status == 0)
        return true;
    const double sample = routeSample.value_or(m_sample);
    // A generator per thread: the global one takes a lock for every answer that may be sampled.
    static thread_local QRandomGenerator sampler(QRandomGenerator::global()->generate());
    return sample > 0 && (sample >= 1 || sampler.generateDouble() < sample);
}

void AccessLog::offer(const AccessEntry &entry)
{
    EventInput input{QStringLiteral("gateway.access"),
                     QString::fromLatin1(entry.requestId),
                     QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact),
                     {}};
    const qint64 second = QDateTime::currentMSecsSinceEpoch() / 1000;
    std::lock_guard lock(m_mutex);
    if (second != m_windowSecond) {
        m_windowSecond = second;
        m_inWindow = 0;
    }
    if (m_inWindow >= m_maxPerSecond) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    ++m_inWindow;
    m_pending.append(std::move(input));
}

void AccessLog::flush()
{
    QList<EventInput> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_pending);
    }
    if (batch.isEmpty() || !m_events)
        return;
    const qint64 count = batch.size();
    QFuture<Result<QList<qint64>>> published =
        m_events->publishEvents(QString::fromLatin1(Topic), std::move(batch), QString());
    published.then(this, [this, count](const Result<QList<qint64>> &result) {
        if (result) {
            m_published.fetch_add(count, std::memory_order_relaxed);
        } else {
            m_dropped.fetch_add(count, std::memory_order_relaxed);
            qCWarning(lcAccessLog).noquote()
                << "dropped" << count << "access log entries:" << result.error().reason;
        }
    });
}

} // namespace Meshdeck::Gateway
