#include "realtimeservice.h"

#include "realtimesession.h"

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
    if (token && !isValidToken(*token))
        return Error::forbidden(QStringLiteral("The bearer token is not valid for this backend."),
                                InvalidTokenCode.toByteArray());
    if (sessionCount() >= m_settings.maxSessions)
        return Error::busy(QStringLiteral("This node serves its maximum of %1 realtime sessions; retry "
                                          "shortly or connect to another node.")
                               .arg(m_settings.maxSessions),
                           m_settings.busyRetryAfterSeconds, "realtime-sessions-full");
    return {};
}

bool RealtimeService::isValidToken(const QByteArray &token) const
{
    return !token.isEmpty() && m_tokenCheck && m_tokenCheck(token);
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

void RealtimeService::accept(QWebSocket *socket, const std::optional<QByteArray> &token)
{
    // Upgrades on several threads may pass checkUpgrade() together; the cap holds here.
    if (!tryOpenSession()) {
        qCInfo(lcRealtime) << "refusing a realtime session: at the cap of" << m_settings.maxSessions;
        socket->close(QWebSocketProtocol::CloseCode(1013),
                      QStringLiteral("too many sessions; try again later"));
        return;
    }
    new RealtimeSession(socket, token && isValidToken(*token), this);
}

} // namespace Meshdeck::Realtime
