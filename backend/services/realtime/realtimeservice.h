#pragma once

#include "platform/authenticator.h"
#include "platform/channel.h"
#include "platform/result.h"
#include "platform/service.h"
#include "platform/sessionobserver.h"

#include <QStringList>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_set>
#include <vector>

class QTcpSocket;
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

// The code of the error checkUpgrade() answers for a token that is not valid.
inline constexpr QByteArrayView InvalidTokenCode = "invalid-token";

class RealtimeSession;

// The realtime endpoint's sessions and the registry of channels services offer on it. It sees no
// HTTP: the routes hand it an upgrade's origin and token, then the upgraded socket.
//
// Each session keeps the principal its credential gave (Authenticator), which must hold
// realtime.subscribe; every channel provider authorises a subscription like the REST read it
// mirrors. A session ends ({"type":"session-ended","reason","code"}, then close code 4001) when its
// credential expires (Principal::expiresAtMs) or when endSessions() says so (the auth service:
// a session revoked, a user disabled or their role changed). A new {"type":"auth"} on a live
// session replaces its principal (same actor only) and extends its expiry.
class RealtimeService : public Service
{
public:
    explicit RealtimeService(RealtimeSettings settings);

    QString name() const override { return QStringLiteral("realtime"); }

    // Not owned; must outlive the service. Without one every credential is refused.
    void setAuthenticator(const Authenticator *authenticator) { m_authenticator = authenticator; }
    void addProvider(ChannelProvider *provider);
    // Not owned; must outlive the service; set before serving. Told of each session that
    // authenticates and ends (presence), without the realtime service knowing who listens.
    void setSessionObserver(SessionObserver *observer) { m_observer = observer; }
    SessionObserver *sessionObserver() const { return m_observer; }
    // A key for a new session, unique in the process (SessionObserver's sessionKey).
    quint64 nextSessionKey() { return m_nextSessionKey.fetch_add(1, std::memory_order_relaxed); }
    ChannelProvider *providerFor(const QString &channel) const;
    QStringList channelPrefixes() const;

    // Whether an upgrade may happen, decided before it does: Forbidden for an origin not on the
    // allowlist (empty origin: a native client), Forbidden with InvalidTokenCode for a bad token
    // (no token: the client may authenticate in its first message), Busy when the sessions are at
    // their cap.
    Result<void> checkUpgrade(const QString &origin, const std::optional<QByteArray> &token) const;
    // The principal of a credential, refused when the credential is not valid or its principal may
    // not use realtime (realtime.subscribe). Thread-safe.
    Authentication authenticate(const QByteArray &token, const QByteArray &peer = {}) const;

    // Ends every session whose principal `matches` (sessions of any thread; each is told
    // {"type":"session-ended","reason":reason,"code":code} and closed with 4001 on its own thread).
    // Answers how many were told. For the auth service: endSessions([&](const Principal &p) { return
    // p.sessionId == revoked; }, "…", "revoked-session").
    using PrincipalMatch = std::function<bool(const Principal &principal)>;
    int endSessions(const PrincipalMatch &matches, const QString &reason, const QByteArray &code);
    // Asks `check` again for every session's principal (e.g. after a role change) and ends those
    // it refuses, with its reason and code; a session it accepts keeps going with the principal it
    // answers (its expiry too). Answers how many were ended.
    int revalidate(const std::function<Authentication(const Principal &principal)> &check);
    // Sessions register themselves (constructor and destructor).
    void sessionOpened(RealtimeSession *session);
    // Takes over an upgraded socket (and `transport`, the TCP or TLS socket under it, when known:
    // sessions write their messages there); closes it with 1013 (try again later) when the cap was
    // reached since checkUpgrade().
    void accept(QWebSocket *socket, QTcpSocket *transport, const std::optional<QByteArray> &token);

    const RealtimeSettings &settings() const { return m_settings; }
    int sessionCount() const { return m_sessions.load(std::memory_order_relaxed); }
    // Subscription ids are unique across every session of the process: providers key their
    // subscribers by id, and two sessions' first subscriptions must not collide.
    quint64 nextSubscriptionId() { return m_nextSubscriptionId.fetch_add(1, std::memory_order_relaxed); }
    // A session that ends gives its place back (RealtimeSession's destructor).
    void sessionClosed(RealtimeSession *session);

private:
    bool tryOpenSession();

    RealtimeSettings m_settings;
    const Authenticator *m_authenticator = nullptr;
    SessionObserver *m_observer = nullptr;
    // Every live session, for endSessions(); a session removes itself before it is destroyed.
    std::mutex m_registryMutex;
    std::unordered_set<RealtimeSession *> m_registry;
    std::vector<ChannelProvider *> m_providers;
    std::atomic<int> m_sessions{0};
    std::atomic<quint64> m_nextSubscriptionId{1};
    std::atomic<quint64> m_nextSessionKey{1};
};

} // namespace Meshdeck::Realtime
