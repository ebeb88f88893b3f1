#include "backendconnection.h"

#include <QJsonObject>
#include <QPointer>

namespace Meshdeck::Console {

BackendConnection::BackendConnection(ApiClient *api, Settings settings, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_settings(settings)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] { QCoro::connect(probe(), this, [] {}); });
    // Until the realtime channel exists (events issue) a cheap /healthz beat detects a lost backend.
    m_heartbeatTimer.setInterval(m_settings.heartbeatMs);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, [this] { QCoro::connect(heartbeat(), this, [] {}); });
}

void BackendConnection::attach(const QUrl &url, const QByteArray &token)
{
    ++m_generation;
    m_api->setEndpoint(url, token);
    m_retryDelayMs = 0;
    m_retryTimer.stop();
    setState(State::Connecting);
    QCoro::connect(probe(), this, [] {});
}

void BackendConnection::detach()
{
    ++m_generation;
    m_retryTimer.stop();
    m_heartbeatTimer.stop();
    m_systemInfo.clear();
    Q_EMIT systemInfoChanged();
    setState(State::Detached);
}

void BackendConnection::retryNow()
{
    if (m_state != State::Reconnecting)
        return;
    m_retryTimer.stop();
    QCoro::connect(probe(), this, [] {});
}

void BackendConnection::refresh()
{
    if (m_state == State::Connected)
        QCoro::connect(probe(), this, [] {});
}

QCoro::Task<void> BackendConnection::probe()
{
    const quint64 generation = m_generation;
    QPointer<BackendConnection> self(this);
    setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/system/info"));
    if (!self || generation != m_generation)
        co_return;
    setLoading(false);
    if (!reply.ok()) {
        scheduleRetry(reply.error);
        co_return;
    }
    m_retryDelayMs = 0;
    m_systemInfo = reply.json.object().toVariantMap();
    Q_EMIT systemInfoChanged();
    setState(State::Connected);
    m_heartbeatTimer.start();
}

QCoro::Task<void> BackendConnection::heartbeat()
{
    const quint64 generation = m_generation;
    QPointer<BackendConnection> self(this);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/healthz"));
    if (!self || generation != m_generation || m_state != State::Connected)
        co_return;
    if (!reply.ok())
        scheduleRetry(reply.error);
}

void BackendConnection::scheduleRetry(const QString &error)
{
    m_heartbeatTimer.stop();
    m_retryDelayMs =
        m_retryDelayMs == 0 ? m_settings.firstRetryMs : qMin(m_retryDelayMs * 2, m_settings.maxRetryMs);
    setState(State::Reconnecting, error);
    m_retryTimer.start(m_retryDelayMs);
}

void BackendConnection::setState(State state, const QString &error)
{
    if (m_state == state && m_error == error)
        return;
    m_state = state;
    m_error = error;
    Q_EMIT stateChanged();
}

void BackendConnection::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged();
}

} // namespace Meshdeck::Console
