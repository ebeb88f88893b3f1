#include "realtimeservice.h"

#include "realtimesession.h"

#include "platform/access.h"

#include <QLoggingCategory>
#include <QWebSocket>

Q_DECLARE_LOGGING_CATEGORY(lcRealtime)

namespace Meshdeck::Realtime {

RealtimeService::RealtimeService(RealtimeSettings settings)
    : m_settings(std::move(settings))
{}

void RealtimeService::addProvider(ChannelProvider *provider)
{
    m_providers.push_back(provider);
}

ChannelProvider *RealtimeService::providerFor(const QString &channel) const
{
    for (ChannelProvider *p : m_providers) {
        // "events." names a family (events.<topic>); "registry" names one channel.
        const bool family = p->prefix().endsWith(QLatin1Char('.'));
        if (family ? channel.startsWith(p->prefix()) && channel.size() > p->prefix().size()
                   : channel == p->prefix())
            return p;
    }
    return nullptr;
}

QStringList RealtimeService::channelPrefixes() const
{
    QStringList out;
    for (ChannelProvider *p : m_providers)
        out << (p->prefix().endsWith(QLatin1Char('.')) ? p->prefix() + QStringLiteral("<name>")
                                                       : p->prefix());
    return out;
}

Result<void> RealtimeService::checkUpgrade(const QString &origin,
                                           const std::optional<QByteArray> &token) const
{
    if (!origin.isEmpty() && !m_settings.allowedOrigins.contains(origin))
        return Error::forbidden(
            QStringLiteral("The origin %1 may not open realtime connections; start meshdeckd with "
                           "--allowed-origin %1 to allow it.")
                .arg(origin),
            "origin-not-allowed");
    if (token) {
        const Authentication authenticated = authenticate(*token);
        if (!authenticated)
            return Error::forbidden(authenticated.reason, authenticated.code == "forbidden"
                                                              ? QByteArrayLiteral("forbidden")
                                                              : InvalidTokenCode.toByteArray());
    }
    if (sessionCount() >= m_settings.maxSessions)
        return Error::busy(QStringLiteral("This node serves its maximum of %1 realtime sessions; retry "
                                          "shortly or connect to another node.")
                               .arg(m_settings.maxSessions),
                           m_settings.busyRetryAfterSeconds, "realtime-sessions-full");
    return {};
}

Authentication RealtimeService::authenticate(const QByteArray &token, const QByteArray &peer) const
{
    if (token.isEmpty() || !m_authenticator)
        return Authentication::refused(QStringLiteral("The bearer token is not valid for this backend."),
                                       InvalidTokenCode.toByteArray());
    Authentication authenticated = m_authenticator->authenticate(token, peer);
    if (!authenticated)
        return authenticated;
    const Access::Decision decision = Access::authorize(*authenticated.principal, "realtime.subscribe");
    if (!decision.allowed)
        return Authentication::refused(decision.summary(), QByteArrayLiteral("forbidden"));
    return authenticated;
}

void RealtimeService::sessionOpened(RealtimeSession *session)
{
    std::lock_guard lock(m_registryMutex);
    m_registry.insert(session);
}

void RealtimeService::sessionClosed(RealtimeSession *session)
{
    {
        std::lock_guard lock(m_registryMutex);
        m_registry.erase(session);
    }
    m_sessions.fetch_sub(1, std::memory_order_relaxed);
}

int RealtimeService::endSessions(const PrincipalMatch &matches, const QString &reason, const QByteArray &code)
{
    // Under the registry's lock no session can finish its destructor, so each pointer is alive
    // while its principal is read and the queued call is posted (Qt drops the call if the session
    // is gone by the time its thread runs it).
    std::lock_guard lock(m_registryMutex);
    int ended = 0;
    for (RealtimeSession *session : m_registry) {
        const PrincipalPtr principal = session->principal();
        if (!principal || !matches(*principal))
            continue;
        ++ended;
        QMetaObject::invokeMethod(
            session, [session, reason, code] { session->endSession(reason, code); }, Qt::QueuedConnection);
    }
    return ended;
}

int RealtimeService::revalidate(const std::function<Authentication(const Principal &principal)> &check)
{
    std::lock_guard lock(m_registryMutex); // see endSessions()
    int ended = 0;
    for (RealtimeSession *session : m_registry) {
        const PrincipalPtr principal = session->principal();
        if (!principal)
            continue;
        const Authentication answer = check(*principal);
        if (answer) {
            if (answer.principal != principal)
                QMetaObject::invokeMethod(
                    session, [session, p = answer.principal] { session->replacePrincipal(p); },
                    Qt::QueuedConnection);
            continue;
        }
        ++ended;
        QMetaObject::invokeMethod(
            session,
            [session, reason = answer.reason, code = answer.code] { session->endSession(reason, code); },
            Qt::QueuedConnection);
    }
    return ended;
}

bool RealtimeService::tryOpenSession()
{
    int open = m_sessions.load(std::memory_order_relaxed);
    while (open < m_settings.maxSessions) {
        if (m_sessions.compare_exchange_weak(open, open + 1, std::memory_order_relaxed))
            return true;
    }
    return false;
}

void RealtimeService::accept(QWebSocket *socket, QTcpSocket *transport,
                             const std::optional<QByteArray> &token)
{
    // Upgrades on several threads may pass checkUpgrade() together; the cap holds here.
    if (!tryOpenSession()) {
        qCInfo(lcRealtime) << "refusing a realtime session: at the cap of" << m_settings.maxSessions;
        socket->close(QWebSocketProtocol::CloseCode(1013),
                      QStringLiteral("too many sessions; try again later"));
        return;
    }
    PrincipalPtr principal;
    if (token) {
        const Authentication authenticated = authenticate(*token, socket->peerAddress().toString().toUtf8());
        principal = authenticated.principal; // null when refused since checkUpgrade(): auth in a message
    }
    new RealtimeSession(socket, transport, principal, this);
}

} // namespace Meshdeck::Realtime
