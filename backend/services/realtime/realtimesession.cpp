#include "realtimesession.h"

#include "realtimeservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcRealtime, "meshdeck.backend.realtime")

namespace Meshdeck::Realtime {

RealtimeSession::RealtimeSession(QWebSocket *socket, bool authenticated, RealtimeService *service)
    : QObject(socket)
    , m_socket(socket)
    , m_service(service)
    , m_mailbox(std::make_shared<Mailbox>(this, service->settings().mailboxCapacity))
    , m_authenticated(authenticated)
{
    socket->setMaxAllowedIncomingMessageSize(quint64(service->settings().maxIncomingMessageBytes));
    connect(socket, &QWebSocket::textMessageReceived, this, &RealtimeSession::onMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this] {
        send({{QStringLiteral("type"), QStringLiteral("error")},
              {QStringLiteral("reason"), QStringLiteral("Send JSON text messages, not binary ones.")}});
    });
    connect(socket, &QWebSocket::disconnected, this, [this] {
        closeAll();
        m_socket->deleteLater(); // takes this session with it
    });
    connect(socket, &QWebSocket::pong, this, [this] { m_sincePong.restart(); });

    m_authTimer.setSingleShot(true);
    connect(&m_authTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("No {\"type\":\"auth\",\"token\":…} message arrived in time."),
             QWebSocketProtocol::CloseCodePolicyViolated);
    });
    if (!m_authenticated)
        m_authTimer.start(service->settings().authTimeoutMs);

    // Keepalive: ping, and close a client that stopped answering.
    m_sincePong.start();
    m_pingTimer.setInterval(service->settings().pingIntervalMs);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_sincePong.elapsed() > 2 * m_pingTimer.interval() + 1000) {
            fail(QStringLiteral("No pong for two ping intervals."), QWebSocketProtocol::CloseCodeGoingAway);
            return;
        }
        m_socket->ping();
    });
    m_pingTimer.start();

    send({{QStringLiteral("type"), QStringLiteral("welcome")},
          {QStringLiteral("authenticated"), m_authenticated},
          {QStringLiteral("channels"), QJsonArray::fromStringList(m_service->channelPrefixes())}});
}

RealtimeSession::~RealtimeSession()
{
    closeAll();
    m_service->sessionClosed();
}

void RealtimeSession::closeAll()
{
    m_mailbox->detach();
    for (const SubscriptionPtr &s : std::as_const(m_subscriptions)) {
        if (ChannelProvider *provider = m_service->providerFor(s->channel))
            provider->close(s);
    }
    m_subscriptions.clear();
}

void RealtimeSession::send(const QJsonObject &message)
{
    if (m_socket && !m_closing)
        m_socket->sendTextMessage(QString::fromUtf8(jsonText(message)));
}

void RealtimeSession::fail(const QString &reason, int closeCode, const QString &type)
{
    if (m_closing || !m_socket)
        return;
    send({{QStringLiteral("type"), type}, {QStringLiteral("reason"), reason}});
    m_closing = true;
    closeAll();
    m_socket->close(QWebSocketProtocol::CloseCode(closeCode), reason.left(120));
}

void RealtimeSession::drainMailbox()
{
    if (!m_socket || m_closing)
        return;
    const std::deque<QByteArray> messages = m_mailbox->take();
    for (const QByteArray &m : messages)
        m_socket->sendTextMessage(QString::fromUtf8(m));
    if (m_mailbox->overflowed() || m_socket->bytesToWrite() > m_service->settings().maxBufferedBytes) {
        // A bounded buffer, an explicit message, then a disconnect: never an unbounded queue.
        qCInfo(lcRealtime) << "disconnecting a slow subscriber from" << m_socket->peerAddress();
        fail(QStringLiteral(
                 "The subscriber fell behind (%1 messages or %2 bytes unsent); reconnect and resume "
                 "from the last offset received.")
                 .arg(m_service->settings().mailboxCapacity)
                 .arg(m_service->settings().maxBufferedBytes),
             QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("overflow"));
    }
}

void RealtimeSession::onMessage(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (!doc.isObject()) {
        send({{QStringLiteral("type"), QStringLiteral("error")},
              {QStringLiteral("reason"), QStringLiteral("Messages are JSON objects with a 'type'.")}});
        return;
    }
    const QJsonObject message = doc.object();
    const QString type = message.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("auth")) {
        if (m_authenticated)
            return;
        if (!m_service->isValidToken(message.value(QStringLiteral("token")).toString().toUtf8())) {
            fail(QStringLiteral("The token is not valid for this backend."),
                 QWebSocketProtocol::CloseCodePolicyViolated);
            return;
        }
        m_authenticated = true;
        m_authTimer.stop();
        send({{QStringLiteral("type"), QStringLiteral("authenticated")}});
        return;
    }
    if (type == QLatin1String("ping")) {
        send({{QStringLiteral("type"), QStringLiteral("pong")}});
        return;
    }
    if (!m_authenticated) {
        send({{QStringLiteral("type"), QStringLiteral("error")},
              {QStringLiteral("reason"),
               QStringLiteral("Authenticate first: {\"type\":\"auth\",\"token\":\"…\"}.")}});
        return;
    }
    if (type == QLatin1String("subscribe"))
        subscribe(message);
    else if (type == QLatin1String("unsubscribe"))
        unsubscribe(message.value(QStringLiteral("channel")).toString());
    else
        send({{QStringLiteral("type"), QStringLiteral("error")},
              {QStringLiteral("reason"),
               QStringLiteral("Unknown message type '%1'; use auth, subscribe, unsubscribe or "
                              "ping.")
                   .arg(type)}});
}

void RealtimeSession::subscribe(const QJsonObject &message)
{
    const QString channel = message.value(QStringLiteral("channel")).toString();
    auto error = [this, &channel](const QString &reason) {
        send({{QStringLiteral("type"), QStringLiteral("error")},
              {QStringLiteral("channel"), channel},
              {QStringLiteral("reason"), reason}});
    };
    ChannelProvider *provider = m_service->providerFor(channel);
    if (!provider) {
        error(QStringLiteral("There is no channel '%1'. Channels: %2.")
                  .arg(channel, m_service->channelPrefixes().join(QStringLiteral(", "))));
        return;
    }
    if (m_subscriptions.contains(channel)) {
        error(QStringLiteral("Already subscribed to '%1'.").arg(channel));
        return;
    }
    auto subscription = std::make_shared<Subscription>(
        Subscription{channel, message, m_mailbox, m_service->nextSubscriptionId(), {}});
    const QString problem = provider->open(subscription);
    if (!problem.isEmpty()) {
        error(problem);
        return;
    }
    m_subscriptions.insert(channel, subscription);
}

void RealtimeSession::unsubscribe(const QString &channel)
{
    const SubscriptionPtr subscription = m_subscriptions.take(channel);
    if (subscription) {
        if (ChannelProvider *provider = m_service->providerFor(channel))
            provider->close(subscription);
    }
    send({{QStringLiteral("type"), QStringLiteral("unsubscribed")}, {QStringLiteral("channel"), channel}});
}

} // namespace Meshdeck::Realtime
