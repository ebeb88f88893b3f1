#pragma once

#include "platform/channel.h"
#include "platform/result.h"
#include "platform/service.h"

#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

class QWebSocket;

namespace Meshdeck::Realtime {

struct RealtimeSettings {
    QStringList allowedOrigins; // browsers' Origin values; native clients send none
    int authTimeoutMs = 10'000;
    int pingIntervalMs = 30'000;
    size_t mailboxCapacity = 8192;              // queued messages before a subscriber is cut off
    qint64 maxBufferedBytes = 8 * 1024 * 1024;  // unsent bytes before a subscriber is cut off
    qint64 maxIncomingMessageBytes = 64 * 1024; // larger client messages close with 1009
    int maxSessions = 10'000;                   // concurrent sessions; more upgrades are refused (busy)
    int busyRetryAfterSeconds = 5;
};

// Whether a bearer token is valid for this backend: all that realtime asks of authentication.
using TokenCheck = std::function<bool(const QByteArray &token)>;

// The code of the error checkUpgrade() answers for a token that is not valid.
inline constexpr QByteArrayView InvalidTokenCode = "invalid-token";

// The realtime endpoint's sessions and the registry of channels services offer on it. It sees no
// HTTP: the routes hand it an upgrade's origin and token, then the upgraded socket.
class RealtimeService : public Service
{
public:
    explicit RealtimeService(RealtimeSettings settings);

    QString name() const override { return QStringLiteral("realtime"); }

    void setTokenCheck(TokenCheck check) { m_tokenCheck = std::move(check); }
    void addProvider(ChannelProvider *provider);
    ChannelProvider *providerFor(const QString &channel) const;
    QStringList channelPrefixes() const;

    // Whether an upgrade may happen, decided before it does: Forbidden for an origin not on the
    // allowlist (empty origin: a native client), Forbidden with InvalidTokenCode for a bad token
    // (no token: the client may authenticate in its first message), Busy when the sessions are at
    // their cap.
    Result<void> checkUpgrade(const QString &origin, const std::optional<QByteArray> &token) const;
    bool isValidToken(const QByteArray &token) const;
    // Takes over an upgraded socket; closes it with 1013 (try again later) when the cap was reached
    // since checkUpgrade().
    void accept(QWebSocket *socket, const std::optional<QByteArray> &token);

    const RealtimeSettings &settings() const { return m_settings; }
    int sessionCount() const { return m_sessions.load(std::memory_order_relaxed); }
    // Subscription ids are unique across every session of the process: providers key their
    // subscribers by id, and two sessions' first subscriptions must not collide.
    quint64 nextSubscriptionId() { return m_nextSubscriptionId.fetch_add(1, std::memory_order_relaxed); }
    // A session that ends gives its place back (RealtimeSession's destructor).
    void sessionClosed() { m_sessions.fetch_sub(1, std::memory_order_relaxed); }

private:
    bool tryOpenSession();

    RealtimeSettings m_settings;
    TokenCheck m_tokenCheck;
    std::vector<ChannelProvider *> m_providers;
    std::atomic<int> m_sessions{0};
    std::atomic<quint64> m_nextSubscriptionId{1};
};

} // namespace Meshdeck::Realtime
