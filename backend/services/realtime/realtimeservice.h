#pragma once

#include "platform/channel.h"

#include "http/httptypes.h"
#include "platform/service.h"

#include <QStringList>

#include <atomic>
#include <optional>
#include <vector>

class QWebSocket;

namespace Meshdeck::Http {
class Authenticator;
}

namespace Meshdeck::Realtime {

struct RealtimeSettings {
    QStringList allowedOrigins; // browsers' Origin values; native clients send none
    int authTimeoutMs = 10'000;
    int pingIntervalMs = 30'000;
    size_t mailboxCapacity = 8192;              // queued messages before a subscriber is cut off
    qint64 maxBufferedBytes = 8 * 1024 * 1024;  // unsent bytes before a subscriber is cut off
    qint64 maxIncomingMessageBytes = 64 * 1024; // larger client messages close with 1009
};

// The WebSocket endpoint /v1/realtime and the registry of channels services offer on it.
class RealtimeService : public Service
{
public:
    explicit RealtimeService(RealtimeSettings settings);

    QString name() const override { return QStringLiteral("realtime"); }

    void setAuthenticator(const Http::Authenticator *authenticator) { m_authenticator = authenticator; }
    void addProvider(ChannelProvider *provider);
    ChannelProvider *providerFor(const QString &channel) const;
    QStringList channelPrefixes() const;

    // Refuses an upgrade before it happens: an Origin not on the allowlist (403), a bad token (401).
    std::optional<Http::Response> checkUpgrade(const Http::Request &request) const;
    bool isValidToken(const QByteArray &authorizationHeader) const;
    void accept(QWebSocket *socket, const Http::Request &upgrade);

    const RealtimeSettings &settings() const { return m_settings; }
    // Subscription ids are unique across every session of the process: providers key their
    // subscribers by id, and two sessions' first subscriptions must not collide.
    quint64 nextSubscriptionId() { return m_nextSubscriptionId.fetch_add(1, std::memory_order_relaxed); }
    std::atomic<int> sessions{0};

private:
    RealtimeSettings m_settings;
    const Http::Authenticator *m_authenticator = nullptr;
    std::vector<ChannelProvider *> m_providers;
    std::atomic<quint64> m_nextSubscriptionId{1};
};

} // namespace Meshdeck::Realtime
