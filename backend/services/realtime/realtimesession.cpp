#include "realtimesession.h"

#include "realtimeservice.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QWebSocket>

#include <utility>

Q_LOGGING_CATEGORY(lcRealtime, "meshdeck.backend.realtime")

namespace Meshdeck::Realtime {

namespace {
QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// Whether two principals reach the same things (a renewed token of the same session does).
bool sameAccess(const Principal &a, const Principal &b)
{
    if (a.kind != b.kind || a.userId != b.userId || a.keyId != b.keyId || a.role != b.role ||
        a.disabled != b.disabled || a.scopes != b.scopes || a.teams.size() != b.teams.size())
        return false;
    for (qsizetype i = 0; i < a.teams.size(); ++i) {
        if (a.teams[i].teamId != b.teams[i].teamId || a.teams[i].roles != b.teams[i].roles)
            return false;
    }
    return true;
}
} // namespace

RealtimeSession::RealtimeSession(QWebSocket *socket, QTcpSocket *transport, PrincipalPtr principal,
                                 RealtimeService *service)
    : QObject(socket)
    , m_socket(socket)
    , m_service(service)
    , m_mailbox(std::make_shared<Mailbox>(this, service->settings().mailboxCapacity, &drainOf))
    , m_sessionKey(service->nextSessionKey())
    , m_authenticated(principal != nullptr)
{
    if (transport)
        m_writer.emplace(transport);
    service->sessionOpened(this);
    m_expiryTimer.setSingleShot(true);
    connect(&m_expiryTimer, &QTimer::timeout, this, [this] {
        const PrincipalPtr p = this->principal();
        // A timer cannot wait weeks: re-armed until the expiry is really here.
        if (p && p->expiresAtMs > QDateTime::currentMSecsSinceEpoch()) {
            setPrincipal(p);
            return;
        }
        endSession(QStringLiteral("The access token expired; refresh it and reconnect, or send a new "
                                  "{\"type\":\"auth\"} before it expires."),
                   "expired-token");
    });
    if (principal) {
        setPrincipal(std::move(principal));
        reportAuthenticated();
    }
    socket->setMaxAllowedIncomingMessageSize(quint64(service->settings().maxIncomingMessageBytes));
    connect(socket, &QWebSocket::textMessageReceived, this, &RealtimeSession::onMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this] {
        send({{QStringLiteral("type"), QStringLiteral("error")},
              {QStringLiteral("reason"), QStringLiteral("Send JSON text messages, not binary ones.")}});
    });
    connect(socket, &QWebSocket::disconnected, this, [this] {
        reportEnded();
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
    reportEnded();
    closeAll();
    m_service->sessionClosed(this);
}

PrincipalPtr RealtimeSession::principal() const
{
    std::lock_guard lock(m_principalMutex);
    return m_principal;
}

void RealtimeSession::setPrincipal(PrincipalPtr principal)
{
    const qint64 expiresAt = principal->expiresAtMs;
    {
        std::lock_guard lock(m_principalMutex);
        m_principal = std::move(principal);
    }
    if (expiresAt <= 0) {
        m_expiryTimer.stop();
        return;
    }
    constexpr qint64 MaxTimerMs = 24LL * 3600 * 1000;
    m_expiryTimer.start(int(qBound<qint64>(0, expiresAt - QDateTime::currentMSecsSinceEpoch(), MaxTimerMs)));
}

void RealtimeSession::reportAuthenticated()
{
    SessionObserver *observer = m_service->sessionObserver();
    if (m_reported || m_closing || !observer)
        return;
    m_reported = principal();
    if (m_reported)
        observer->sessionAuthenticated(m_reported, m_sessionKey);
}

void RealtimeSession::reportEnded()
{
    if (!m_reported)
        return;
    const PrincipalPtr reported = std::exchange(m_reported, nullptr);
    if (SessionObserver *observer = m_service->sessionObserver())
        observer->sessionEnded(reported, m_sessionKey);
}

void RealtimeSession::replacePrincipal(PrincipalPtr principal)
{
    if (m_closing || !principal)
        return;
    const PrincipalPtr previous = this->principal();
    setPrincipal(principal);
    if (previous && sameAccess(*previous, *principal))
        return;
    // What the subscriptions were authorised for no longer holds: the client subscribes again and
    // each channel decides afresh.
    const QStringList channels = m_subscriptions.keys();
    closeAll();
    m_mailbox = std::make_shared<Mailbox>(this, m_service->settings().mailboxCapacity, &drainOf);
    for (const QString &channel : channels)
        send({{QStringLiteral("type"), QStringLiteral("unsubscribed")},
              {QStringLiteral("channel"), channel},
              {QStringLiteral("reason"), QStringLiteral("Your access changed; subscribe again.")}});
}

void RealtimeSession::endSession(const QString &reason, const QByteArray &code)
{
    if (m_closing || !m_socket)
        return;
    qCInfo(lcRealtime) << "ending a realtime session:" << code;
    send({{QStringLiteral("type"), QStringLiteral("session-ended")},
          {QStringLiteral("reason"), reason},
          {QStringLiteral("code"), QString::fromLatin1(code)}});
    m_closing = true;
    m_expiryTimer.stop();
    reportEnded();
    closeAll();
    m_socket->close(QWebSocketProtocol::CloseCode(SessionEndedCloseCode), reason.left(120));
}

void RealtimeSession::closeAll()
{
    m_mailbox->detach(); // a provider still holding a subscription posts into the void
    for (const SubscriptionPtr &s : std::as_const(m_subscriptions)) {
        if (ChannelProvider *provider = m_service->providerFor(s->channel))
            provider->close(s);
    }
    m_subscriptions.clear();
}

void RealtimeSession::send(const QJsonObject &message)
{
    const QByteArray text = jsonText(message);
    write(std::span(&text, 1));
}

void RealtimeSession::write(std::span<const QByteArray> texts)
{
    if (!m_socket || m_closing)
        return;
    if (m_writer) {
        // Writes nothing once the socket closed: QWebSocket closes it after any close frame.
        m_writer->writeText(texts);
        return;
    }
    // Nothing after our close frame, nor after the client's (QWebSocket answers it and closes).
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    for (const QByteArray &text : texts)
        m_socket->sendTextMessage(QString::fromUtf8(text));
}

void RealtimeSession::fail(const QString &reason, int closeCode, const QString &type)
{
    if (m_closing || !m_socket)
        return;
    send({{QStringLiteral("type"), type}, {QStringLiteral("reason"), reason}});
    m_closing = true;
    reportEnded();
    closeAll();
    m_socket->close(QWebSocketProtocol::CloseCode(closeCode), reason.left(120));
}

void RealtimeSession::drainOf(QObject *session)
{
    static_cast<RealtimeSession *>(session)->drainMailbox();
}

void RealtimeSession::drainMailbox()
{
    if (!m_socket || m_closing)
        return;
    const std::vector<QByteArray> messages = m_mailbox->take();
    write(messages);
    const qint64 unsent = m_writer ? m_writer->bytesToWrite() : m_socket->bytesToWrite();
    if (m_mailbox->overflowed() || unsent > m_service->settings().maxBufferedBytes) {
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
        authenticate(message);
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

void RealtimeSession::authenticate(const QJsonObject &message)
{
    const Authentication authenticated =
        m_service->authenticate(message.value(QStringLiteral("token")).toString().toUtf8(),
                                m_socket->peerAddress().toString().toUtf8());
    if (!m_authenticated) {
        if (!authenticated) {
            fail(authenticated.reason, QWebSocketProtocol::CloseCodePolicyViolated);
            return;
        }
        m_authenticated = true;
        m_authTimer.stop();
        setPrincipal(authenticated.principal);
        reportAuthenticated();
    } else {
        // Re-authentication: a refreshed credential of the same actor extends the session; a bad
        // one changes nothing (the current one still ends when it expires).
        const PrincipalPtr current = principal();
        if (!authenticated) {
            send({{QStringLiteral("type"), QStringLiteral("error")},
                  {QStringLiteral("reason"), authenticated.reason},
                  {QStringLiteral("code"), QString::fromLatin1(authenticated.code)}});
            return;
        }
        if (current && current->actor() != authenticated.principal->actor()) {
            send({{QStringLiteral("type"), QStringLiteral("error")},
                  {QStringLiteral("reason"),
                   QStringLiteral("Re-authenticate as %1; open a new connection to act as someone else.")
                       .arg(current->actor())}});
            return;
        }
        replacePrincipal(authenticated.principal);
    }
    const qint64 expiresAt = authenticated.principal->expiresAtMs;
    send({{QStringLiteral("type"), QStringLiteral("authenticated")},
          {QStringLiteral("actor"), authenticated.principal->actor()},
          {QStringLiteral("role"), roleName(authenticated.principal->role)},
          {QStringLiteral("expiresAt"), expiresAt > 0 ? QJsonValue(isoTime(expiresAt)) : QJsonValue()}});
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
        Subscription{channel, message, m_mailbox, m_service->nextSubscriptionId(), principal()});
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
