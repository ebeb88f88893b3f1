#include "realtimeclient.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkRequest>

namespace Meshdeck::Console {

namespace {
Q_LOGGING_CATEGORY(lcRealtime, "meshdeck.console.realtime")
} // namespace

RealtimeClient::RealtimeClient(QObject *parent)
    : QObject(parent)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RealtimeClient::open);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &RealtimeClient::onText);
    // As in HttpApiClient: errors are ignored only for a peer whose key matches a pin.
    connect(&m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        const TlsVerdict verdict =
            TlsTrust::judge(m_tls, m_url.host(), errors, m_socket.sslConfiguration().peerCertificate());
        if (verdict.accept && m_tls.mode == TlsPolicy::Mode::Pinned) {
            m_socket.ignoreSslErrors(errors);
            return;
        }
        m_tlsError = verdict.message;
        qCWarning(lcRealtime).noquote() << verdict.message;
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        const bool wasConnected = m_connected;
        if (m_connected) {
            m_connected = false;
            Q_EMIT connectedChanged();
        }
        if (!m_url.isValid() || m_waitingForToken) // detached, leaving, or its session ended
            return;
        // An open connection that drops, or one that does not come back on its first retry: the
        // node may be gone. Asked at once, a dead node is failed over in milliseconds instead of
        // after a retry's delay; a live one only answers one health check.
        if (wasConnected || ++m_failedOpens == 2)
            Q_EMIT lost();
        m_retryMs = m_retryMs == 0 ? 500 : qMin(m_retryMs * 2, 15'000);
        m_retry.start(m_retryMs);
    });
}

// The socket is destroyed after the retry timer (members go in reverse order), and closing an
// open socket emits disconnected(), whose handler starts that timer: the socket's signals are cut
// and it is closed first.
RealtimeClient::~RealtimeClient()
{
    disconnect(&m_socket, nullptr, this, nullptr);
    m_socket.abort();
}

void RealtimeClient::forgetOffsets()
{
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it)
        it->next = -1;
}

void RealtimeClient::detach()
{
    m_url.clear(); // first: the socket's disconnected handler must not schedule a retry
    m_token.clear();
    m_waitingForToken = false;
    m_retry.stop();
    m_retryMs = 0;
    m_failedOpens = 0;
    m_socket.abort();
    forgetOffsets();
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged();
    }
}

void RealtimeClient::setEndpoint(const QUrl &httpBaseUrl, const QByteArray &token)
{
    QUrl url = httpBaseUrl;
    url.setScheme(httpBaseUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                                 : QStringLiteral("ws"));
    url.setPath(QStringLiteral("/v1/realtime"));
    if (url == m_url && token == m_token)
        return;
    m_url.clear(); // the old socket closes without a retry or a lost() of its own
    m_socket.abort();
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged();
    }
    m_url = url;
    m_token = token;
    m_waitingForToken = false;
    m_retry.stop();
    m_retryMs = 0;
    m_failedOpens = 0;
    open();
}

void RealtimeClient::setToken(const QByteArray &token)
{
    if (token == m_token && !m_waitingForToken)
        return;
    m_token = token;
    if (m_waitingForToken) {
        // The ended session's socket may still be closing: it goes without a retry or a lost()
        // of its own, and a new connection opens with the new token at once.
        m_waitingForToken = false;
        if (m_connected) {
            m_connected = false;
            Q_EMIT connectedChanged();
        }
        const QUrl url = m_url;
        m_url.clear();
        m_socket.abort();
        m_url = url;
        m_retry.stop();
        m_retryMs = 0;
        m_failedOpens = 0;
        open();
        return;
    }
    if (m_connected) {
        m_socket.sendTextMessage(QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("auth")},
                                      {QStringLiteral("token"), QString::fromLatin1(token)}})
                .toJson(QJsonDocument::Compact)));
    }
    // Otherwise a connection being opened or retried presents the new token on its next attempt.
}

void RealtimeClient::open()
{
    if (!m_url.isValid() || m_waitingForToken || m_socket.state() != QAbstractSocket::UnconnectedState)
        return;
    m_tlsError.clear();
    if (m_url.scheme() == QLatin1String("wss"))
        m_socket.setSslConfiguration(m_tls.configuration());
    QNetworkRequest request(m_url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    m_socket.open(request);
}

void RealtimeClient::subscribe(const QString &channel, qint64 fromOffset, const QJsonObject &options)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end()) {
        m_channels.insert(channel, Channel{fromOffset, 1, 0, options});
        if (m_connected)
            sendSubscribe(channel);
        return;
    }
    ++it->subscribers;
    // Already followed: the same stream serves this view too, unless it wants events the stream has
    // passed; then the stream starts again from there (the server holds one subscription a channel).
    if (fromOffset < 0 || (it->next >= 0 && fromOffset >= it->next))
        return;
    it->next = fromOffset;
    if (m_connected) {
        ++it->unsubscribesPending;
        sendUnsubscribe(channel);
        sendSubscribe(channel);
    }
}

void RealtimeClient::unsubscribe(const QString &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || --it->subscribers > 0)
        return; // another view still follows it
    m_channels.erase(it);
    if (m_connected)
        sendUnsubscribe(channel);
}

void RealtimeClient::sendUnsubscribe(const QString &channel)
{
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("unsubscribe")},
                                                    {QStringLiteral("channel"), channel}})
                              .toJson(QJsonDocument::Compact)));
}

void RealtimeClient::sendSubscribe(const QString &channel)
{
    const Channel followed = m_channels.value(channel);
    QJsonObject message = followed.options;
    message.insert(QStringLiteral("type"), QStringLiteral("subscribe"));
    message.insert(QStringLiteral("channel"), channel);
    const qint64 from = followed.next;
    if (from >= 0)
        message.insert(QStringLiteral("fromOffset"), from);
    m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void RealtimeClient::onText(const QString &text)
{
    if (!m_url.isValid()) // detached: whatever was still buffered belongs to the old attachment
        return;
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = message.value(QStringLiteral("type")).toString();
    const QString channel = message.value(QStringLiteral("channel")).toString();
    if (type == QLatin1String("session-ended")) {
        // The server closes the socket next; it is not a lost node, and the old token is no use.
        const QString code = message.value(QStringLiteral("code")).toString();
        const QString reason = message.value(QStringLiteral("reason")).toString();
        qCInfo(lcRealtime).noquote() << "session ended:" << code << reason;
        m_waitingForToken = true;
        m_retry.stop();
        Q_EMIT sessionEnded(code, reason);
        return;
    }
    if (type == QLatin1String("authenticated")) {
        qCDebug(lcRealtime) << "the refreshed token was accepted";
        return;
    }
    if (type == QLatin1String("welcome")) {
        m_retryMs = 0;
        m_failedOpens = 0;
        m_connected = true;
        Q_EMIT connectedChanged();
        for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
            it->unsubscribesPending = 0; // a new session: nothing of the old one is answered
            sendSubscribe(it.key());
        }
    } else if (type == QLatin1String("event")) {
        if (!m_channels.contains(channel))
            return;
        const QJsonObject e = message.value(QStringLiteral("event")).toObject();
        m_channels[channel].next = e.value(QStringLiteral("offset")).toInteger() + 1; // resume point
        Q_EMIT event(channel, e);
    } else if (type == QLatin1String("subscribed")) {
        // Tests wait for this line before they make a change the console must see live.
        qCDebug(lcRealtime).noquote() << "subscribed to" << channel;
        Q_EMIT subscribed(channel, message.value(QStringLiteral("fromOffset")).toInteger(),
                          message.value(QStringLiteral("headOffset")).toInteger());
    } else if (type == QLatin1String("error") || type == QLatin1String("overflow")) {
        Q_EMIT problem(channel, message.value(QStringLiteral("reason")).toString());
    } else if (type == QLatin1String("unsubscribed") && m_channels.value(channel).unsubscribesPending > 0) {
        --m_channels[channel].unsubscribesPending; // a rewind's: the subscription follows it
    } else if (m_channels.contains(channel)) {
        Q_EMIT this->message(channel, message);
    }
}

} // namespace Meshdeck::Console
