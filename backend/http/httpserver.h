#pragma once

#include "dispatcher.h"
#include "requestparser.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTcpServer>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <deque>
#include <vector>

class QSocketNotifier;
class QTcpSocket;
class QThread;
class QWebSocket;
class QWebSocketServer;

namespace Meshdeck::Http {

class HttpWorker;

// One client connection on a worker thread: parses requests as bytes arrive, dispatches them,
// and writes responses strictly in request order (pipelining), whatever order handlers finish in.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(int fd, QByteArray peer, HttpWorker *worker);
    ~HttpConnection() override;

    void checkTimeout(qint64 nowMs);
    void drain();

private:
    struct Pending {
        QByteArray bytes;
        bool ready = false;
        bool close = false;
    };
    struct ReplyContext {
        quint64 seq;
        QByteArray requestId;
        int versionMinor;
        bool keepAlive;
        bool head;
        RouteStats *stats;
        qint64 startedNs;
    };
    enum class Wait { None, Head, Body, Idle, Linger };

    void onReadable();
    void onWritable();
    bool readAvailable();
    void process();
    void dispatch(Request request);
    void complete(const ReplyContext &context, Response response);
    void rejectMalformed();
    void flush();
    void send(QByteArrayView bytes);
    void updateReading();
    void updateDeadline();
    void closeGracefully();
    void finish();
    void handOverWebSocket(const Request &request);
    QByteArray takeRequestId(const Request &request);

    int m_fd;
    QByteArray m_peer; // shared into every request; a QHostAddress would allocate per Request
    HttpWorker *m_worker;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    RequestParser m_parser;
    QByteArray m_in;
    qsizetype m_inPos = 0;
    QByteArray m_out; // bytes the kernel did not take yet
    std::deque<Pending> m_pending;
    quint64 m_nextSeq = 0;
    quint64 m_baseSeq = 0;
    Wait m_wait = Wait::Head;
    qint64 m_deadline = 0;
    quint64 m_served = 0;
    bool m_noMoreRequests = false; // a close was decided; parse nothing after it
    bool m_closing = false;
    bool m_draining = false;
    bool m_peerClosed = false;
    bool m_shutdownSent = false;
    bool m_sendFailed = false;
    bool m_finished = false;
};

// An event-loop thread's share of the connections, its clock, timeouts and WebSocket handshakes.
class HttpWorker : public QObject
{
    Q_OBJECT
public:
    HttpWorker(int index, const Limits &limits, const Dispatcher &dispatcher, std::atomic<bool> *draining);
    ~HttpWorker() override;

    void start(); // in the worker thread
    void adopt(qintptr descriptor);
    void beginDrain();

    const Limits &limits() const { return m_limits; }
    const Dispatcher &dispatcher() const { return m_dispatcher; }
    bool draining() const { return m_draining->load(std::memory_order_relaxed); }
    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }
    const QByteArray &dateHeader();
    QByteArray nextRequestId();
    // Reused for responses written straight away, so the hot path does not allocate for them.
    QByteArray &scratch() { return m_scratch; }

    void forget(HttpConnection *connection);
    QWebSocketServer *webSocketServer() const { return m_webSockets; }

private:
    void sweep();
    void onWebSocketReady();

    int m_index;
    Limits m_limits;
    const Dispatcher &m_dispatcher;
    std::atomic<bool> *m_draining;
    QSet<HttpConnection *> m_connections;
    QSet<QWebSocket *> m_webSocketsOpen; // removed as each is destroyed
    QTimer *m_sweepTimer = nullptr;
    QWebSocketServer *m_webSockets = nullptr;
    QElapsedTimer m_clock;
    QByteArray m_date;
    qint64 m_dateSecond = -1;
    QByteArray m_idPrefix;
    QByteArray m_scratch;
    quint64 m_idCounter = 0;
};

// The HTTP/1.1 engine: accepts on the calling thread, serves on `threads` event-loop threads.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    HttpServer(const Limits &limits, const Dispatcher &dispatcher, int threads, QObject *parent = nullptr);
    ~HttpServer() override;

    bool listen(const QHostAddress &address, quint16 port);
    QString errorString() const;
    quint16 port() const;
    QHostAddress address() const;
    int threadCount() const { return int(m_workers.size()); }
    bool isDraining() const { return m_draining.load(); }

    // Stops accepting, lets in-flight requests finish up to the deadline, then closes everything.
    // Returns true when every connection closed before the deadline.
    QCoro::Task<bool> shutdown(std::chrono::milliseconds deadline);

private:
    class Listener;
    void distribute(qintptr descriptor);

    Limits m_limits;
    const Dispatcher &m_dispatcher;
    Listener *m_listener;
    std::vector<QThread *> m_threads;
    std::vector<HttpWorker *> m_workers;
    size_t m_next = 0;
    std::atomic<bool> m_draining{false};
};

} // namespace Meshdeck::Http
