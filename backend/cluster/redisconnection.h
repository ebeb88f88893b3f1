#pragma once

#include "redisendpoint.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

struct redisAsyncContext;
struct redisReply;

namespace Meshdeck::Cluster {

// One hiredis connection on the Qt event loop of the thread that creates it. It connects, logs
// in (AUTH, SELECT, CLIENT SETNAME, then a PING that proves the server answers), and is `ready`
// after that. When the connection fails, is refused or times out, it reconnects by itself with a
// capped exponential backoff. Nothing here blocks: a host name is resolved with QHostInfo, and a
// server that never completes the connect or the handshake is given up after a timeout.
class RedisConnection : public QObject
{
    Q_OBJECT

public:
    struct Timing {
        int connectTimeoutMs = 2000; // TCP connect plus the handshake
        int firstRetryMs = 100;
        int maxRetryMs = 2000;
        int healthIntervalMs = 0; // 0: no PING health check (a subscriber cannot send PING)
    };

    // A reply, or nullptr when the connection went away before it came.
    using ReplyHandler = std::function<void(const redisReply *reply)>;

    RedisConnection(RedisEndpoint endpoint, QByteArray clientName, Timing timing, QObject *parent = nullptr);
    ~RedisConnection() override;

    void start();
    bool ready() const { return m_ready; }
    // Why the last attempt failed (empty once ready).
    QString lastError() const { return m_lastError; }
    // Commands sent and not yet answered.
    int pending() const { return m_pending; }

    // Sends a command; false (and `handler` never called) when not ready.
    bool send(const QList<QByteArray> &arguments, ReplyHandler handler);
    // SUBSCRIBE; its confirmations and messages come as `subscribed` and `message`.
    bool subscribe(const QByteArray &channel);
    // Closes the connection now (reason becomes lastError) and reconnects after the backoff.
    void drop(const QString &reason);

Q_SIGNALS:
    void readyChanged(bool ready);
    void failed(const QString &reason);
    void subscribed(const QByteArray &channel);
    void message(const QByteArray &channel, const QByteArray &payload);

private:
    struct Pending;
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);
    static void onPush(redisAsyncContext *context, void *reply, void *privdata);

    void connectTo(const QString &address);
    void handshake();
    void handshakeReply(quint64 attempt, const QByteArray &command, bool last, const redisReply *reply);
    void setReady(bool ready);
    void lose(const QString &reason); // the context is already gone
    void scheduleRetry();
    void checkHealth();
    bool sendRaw(const QList<QByteArray> &arguments, void (*callback)(redisAsyncContext *, void *, void *),
                 void *privdata);

    RedisEndpoint m_endpoint;
    QByteArray m_clientName;
    Timing m_timing;
    redisAsyncContext *m_context = nullptr;
    quint64 m_attempt = 0; // tells a stale host lookup from the current one
    bool m_ready = false;
    bool m_started = false;
    bool m_healthPingInFlight = false;
    bool m_repliedSinceTick = false;
    int m_retryMs = 0;
    int m_pending = 0;
    QString m_lastError;
    QTimer m_connectTimer;
    QTimer m_retryTimer;
    QTimer m_healthTimer;
};

} // namespace Meshdeck::Cluster
