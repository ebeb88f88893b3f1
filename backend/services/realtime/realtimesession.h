#pragma once

#include "net/websocketwriter.h"
#include "platform/channel.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <mutex>
#include <optional>
#include <span>

class QTcpSocket;
class QWebSocket;

namespace Meshdeck::Realtime {

class RealtimeService;

// One client connection to /v1/realtime, living on the connection's event-loop thread.
// Protocol (JSON text messages):
//   client: {"type":"auth","token":…} {"type":"subscribe","channel":…,"fromOffset":n}
//           {"type":"unsubscribe","channel":…} {"type":"ping"}
//   server: {"type":"welcome","authenticated":b} {"type":"authenticated"} {"type":"subscribed",…}
//           {"type":"event","channel":…,"event":{…}} {"type":"unsubscribed",…} {"type":"pong"}
//           {"type":"error","reason":…} {"type":"overflow","reason":…} (then the server closes)
//           {"type":"session-ended","reason":…,"code":"expired-token|revoked-session|…"} (then close 4001)
// A second {"type":"auth"} on an authenticated session re-authenticates it (a refreshed access
// token of the same actor): the principal is replaced and the expiry extended.
// A session holds one of the service's places (RealtimeService::accept takes it); it gives it
// back when it is destroyed with its socket.
class RealtimeSession : public QObject
{
    Q_OBJECT
public:
    // `principal`: from the upgrade's Authorization header, or null (then the first message
    // authenticates). `transport`: the TCP (or TLS) socket under `socket`, where the session writes
    // its messages itself (WebSocketWriter); null: they go through `socket`.
    RealtimeSession(QWebSocket *socket, QTcpSocket *transport, PrincipalPtr principal,
                    RealtimeService *service);
    ~RealtimeSession() override;

    Q_INVOKABLE void drainMailbox();

    // Any thread.
    PrincipalPtr principal() const;
    // The session's thread: tells the client why the session ended, then closes with 4001.
    void endSession(const QString &reason, const QByteArray &code);
    // The session's thread: a renewed principal (re-authentication, revalidation). When its access
    // changed (role, teams, scopes) the open subscriptions end ("unsubscribed"): subscribe again.
    void replacePrincipal(PrincipalPtr principal);

    static constexpr int SessionEndedCloseCode = 4001;

private:
    static void drainOf(QObject *session); // Mailbox::Drain
    void onMessage(const QString &text);
    void subscribe(const QJsonObject &message);
    void unsubscribe(const QString &channel);
    void send(const QJsonObject &message);
    void write(std::span<const QByteArray> texts);
    void fail(const QString &reason, int closeCode, const QString &type = QStringLiteral("error"));
    void closeAll();
    void authenticate(const QJsonObject &message);
    void setPrincipal(PrincipalPtr principal);
    // The session observer hears of this session once when it authenticates and once when it ends.
    void reportAuthenticated();
    void reportEnded();

    QPointer<QWebSocket> m_socket;
    std::optional<Net::WebSocketWriter> m_writer; // none: through m_socket
    RealtimeService *m_service;
    std::shared_ptr<Mailbox> m_mailbox;
    QHash<QString, SubscriptionPtr> m_subscriptions;
    mutable std::mutex m_principalMutex;
    PrincipalPtr m_principal; // guarded by m_principalMutex (endSessions reads it from other threads)
    const quint64 m_sessionKey;
    PrincipalPtr m_reported; // the principal the observer was told of; null before and once ended
    QTimer m_authTimer;
    QTimer m_expiryTimer; // fires when the credential expires
    QTimer m_pingTimer;
    QElapsedTimer m_sincePong;
    bool m_authenticated;
    bool m_closing = false;
};

} // namespace Meshdeck::Realtime
