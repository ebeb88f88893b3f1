#pragma once

// The upstream client's insides (upstreamclient.h is its interface): one connection and the
// pool's bookkeeping as a connection sees it. Only upstreamclient.cpp uses this header.

#include "responseparser.h"
#include "upstreamclient.h"

#include <QBasicTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QObject>

#include <coroutine>
#include <memory>
#include <sys/socket.h>
#include <unordered_set>
#include <vector>

class QSocketNotifier;

Q_DECLARE_LOGGING_CATEGORY(lcUpstream)

namespace Meshdeck::Http {

class UpstreamConnection;

qint64 upstreamNowNs();                               // a monotonic clock
QString describeTarget(const UpstreamTarget &target); // "127.0.0.1:8081"

struct UpstreamAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
};

// One request on one connection, from the coroutine's point of view. It lives in the coroutine
// frame; the connection fills it in and resumes the coroutine.
struct UpstreamExchange {
    std::coroutine_handle<> waiter;
    UpstreamConnection *connection = nullptr;
    UpstreamResult result;
    bool done = false;
    bool responseStarted = false; // a byte of a response arrived

    UpstreamExchange() = default;
    UpstreamExchange(const UpstreamExchange &) = delete;
    UpstreamExchange &operator=(const UpstreamExchange &) = delete;
    ~UpstreamExchange();
};

struct UpstreamExchangeAwaiter {
    UpstreamExchange &exchange;
    bool await_ready() const noexcept { return exchange.done; }
    void await_suspend(std::coroutine_handle<> handle) noexcept { exchange.waiter = handle; }
    void await_resume() const noexcept {}
};

// The pool's bookkeeping, as its connections see it.
struct UpstreamPoolCore {
    UpstreamPool::Options options;
    ResponseParser::Limits limits;
    QHash<QByteArray, std::vector<UpstreamConnection *>> idle; // per target, most recently used last
    std::unordered_set<UpstreamConnection *> open;             // idle and busy
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);

    // The most recently used idle connection to the target that is still usable, or null.
    // `peek`: first ask the socket (one recv) whether the upstream closed it since the loop last
    // looked; without it a close in flight costs the request, which only an idempotent one (retried
    // transparently on a new connection) can afford.
    UpstreamConnection *takeIdle(const QByteArray &key, bool peek = true);
    // After an exchange: kept idle (within the cap) when reusable, else closed and deleted later.
    void release(UpstreamConnection *connection, bool reusable);
    void forget(UpstreamConnection *connection);
};

// One kept-alive TCP connection to an upstream, on the pool's thread. Raw non-blocking socket I/O
// on QSocketNotifiers, like the server side (httpconnection.cpp): one send() per request where
// the kernel takes it all, one recv() per wake-up.
class UpstreamConnection : public QObject
{
public:
    enum class Phase { Connecting, Busy, Idle, Closed };

    UpstreamConnection(UpstreamPoolCore *pool, QByteArray key, UpstreamTarget target);
    ~UpstreamConnection() override;

    const QByteArray &key() const { return m_key; }
    Phase phase() const { return m_phase; }
    bool inHandler() const { return m_handlerDepth > 0; }

    bool open(const UpstreamAddress &address, QString *reason);
    bool stillUsable();
    struct Start {
        const QByteArray &head;      // the serialized request (with its body unless `body` streams)
        BodySourcePtr body;          // a request body to stream after `head`
        bool headRequest = false;    // the response has no body
        bool streamResponse = false; // answer at the response head; the body streams (stream())
        qint64 deadlineNs = 0;
        qint64 timeoutNs = 0; // while a body streams: the most the upstream may leave it standing
        int connectTimeoutMs = 0;
    };
    // Sends the request (once connected) and answers `exchange` when the response is complete
    // (with streamResponse: when its head is), invalid, cut short, or late. The exchange may be
    // answered before this returns.
    void start(UpstreamExchange *exchange, const Start &start);
    void makeIdle(int idleTimeoutMs);
    void detach(UpstreamExchange *exchange);
    std::coroutine_handle<> abandon();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct HandlerScope {
        explicit HandlerScope(UpstreamConnection *c)
            : connection(c)
        {
            ++c->m_handlerDepth;
        }
        ~HandlerScope() { --connection->m_handlerDepth; }
        HandlerScope(const HandlerScope &) = delete;
        HandlerScope &operator=(const HandlerScope &) = delete;
        UpstreamConnection *connection;
    };

    QString connectError(int error) const;
    void closeSocket();
    void drop();
    void onWritable();
    void writeSome();
    void onReadable();
    void readResponse();
    bool passBodyOn(qsizetype consumed, ssize_t received);
    void deliverHead();
    void onStreamWake();
    void wakeWhenReaderTakes();
    void endStream(bool mustClose);
    void failStream(QString reason);
    void requestBodyFailed(const BodyChunk &chunk);
    void extendDeadline();
    void armBy(qint64 deadlineNs);
    void rearm(qint64 deadlineNs);
    void finish(UpstreamFailure failure, QString reason, bool mustClose = false);

    UpstreamPoolCore *m_pool;
    QByteArray m_key;
    UpstreamTarget m_target;
    ResponseParser m_parser;
    Phase m_phase = Phase::Closed;
    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QBasicTimer m_timer;
    UpstreamExchange *m_exchange = nullptr;
    QByteArray m_out;
    qsizetype m_outPos = 0;
    qint64 m_deadlineNs = 0;
    qint64 m_connectDeadlineNs = 0;
    qint64 m_idleDeadlineNs = 0; // when an idle connection is closed
    qint64 m_timerDueNs = 0;     // when m_timer fires next, while it is active
    int m_connectTimeoutMs = 0;
    int m_handlerDepth = 0;
    bool m_connected = false;
    bool m_writeFailed = false;
    // Streaming: the request body being sent, and the response body being received.
    BodySourcePtr m_requestBody;
    bool m_requestChunked = false;
    bool m_requestCut = false; // the request body was not all sent: never reusable
    bool m_streamResponse = false;
    std::shared_ptr<BodyPipe> m_responsePipe;
    qint64 m_timeoutNs = 0;
};

} // namespace Meshdeck::Http
