#include "backendconnection.h"

#include <QJsonObject>
#include <QLocale>
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
    attachNodes({url}, token, TlsPolicy{});
}

void BackendConnection::attachNodes(const QList<QUrl> &urls, const QByteArray &token, const TlsPolicy &tls)
{
    ++m_generation;
    m_urls = urls;
    m_token = token;
    m_failedNodes = 0;
    m_offer = {};
    m_heartbeatTimer.stop();
    m_api->setTlsPolicy(tls);
    useNode(0);
    m_retryDelayMs = 0;
    m_retryTimer.stop();
    setState(State::Connecting);
    QCoro::connect(probe(), this, [] {});
}

void BackendConnection::useNode(int index)
{
    m_node = m_urls.isEmpty() ? 0 : index % int(m_urls.size());
    m_api->setEndpoint(m_urls.value(m_node), m_token);
}

void BackendConnection::setToken(const QByteArray &token)
{
    m_token = token;
    if (!m_urls.isEmpty())
        m_api->setEndpoint(m_urls.value(m_node), m_token);
}

QStringList BackendConnection::nodeUrls() const
{
    QStringList texts;
    for (const QUrl &url : m_urls)
        texts << url.toString();
    return texts;
}

QVariantMap BackendConnection::certificateOffer() const
{
    if (m_offer.isNull())
        return {};
    return {{QStringLiteral("host"), m_offer.host},
            {QStringLiteral("pin"), QString::fromLatin1(m_offer.pin)},
            {QStringLiteral("subject"), m_offer.subject},
            {QStringLiteral("issuer"), m_offer.issuer},
            {QStringLiteral("validFrom"),
             QLocale().toString(m_offer.validFrom.toLocalTime(), QLocale::ShortFormat)},
            {QStringLiteral("validUntil"),
             QLocale().toString(m_offer.validUntil.toLocalTime(), QLocale::ShortFormat)}};
}

void BackendConnection::checkNow()
{
    if (m_state == State::Connected)
        QCoro::connect(heartbeat(), this, [] {});
}

bool BackendConnection::failOver(const ApiReply &reply)
{
    if (!reply.unreachable || m_urls.size() < 2)
        return false;
    ++m_failedNodes;
    ++m_generation; // replies still on their way from the node left behind are ignored
    useNode(m_node + 1);
    // Every node failed in a row: back off before the next round.
    if (m_failedNodes >= m_urls.size())
        return false;
    setState(State::Connecting, reply.error);
    QCoro::connect(probe(), this, [] {});
    return true;
}

void BackendConnection::detach()
{
    ++m_generation;
    m_retryTimer.stop();
    m_heartbeatTimer.stop();
    m_offer = {};
    m_systemInfo.clear();
    Q_EMIT systemInfoChanged();
    setState(State::Detached);
}

void BackendConnection::retryNow()
{
    if (m_state != State::Reconnecting && m_state != State::Refused)
        return;
    m_offer = {};
    m_failedNodes = 0;
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
        if (reply.tlsRefused) {
            // TLS refused this node: retrying cannot help until the person acts.
            m_heartbeatTimer.stop();
            m_retryTimer.stop();
            m_offer = reply.certificate;
            setState(State::Refused, reply.error);
            co_return;
        }
        if (!failOver(reply))
            scheduleRetry(reply.error);
        co_return;
    }
    m_retryDelayMs = 0;
    m_failedNodes = 0;
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
    if (!reply.ok() && !failOver(reply))
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
