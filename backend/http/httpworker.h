#pragma once

#include "bodybudget.h"
#include "coarseclock.h"
#include "dispatcher.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <memory>

class QAbstractEventDispatcher;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace Meshdeck::Http {

class HttpConnection;
class TlsCredentials;

// An event-loop thread's share of the connections, its clock, timeouts and WebSocket handshakes.
class HttpWorker : public QObject
{
    Q_OBJECT
public:
    HttpWorker(int index, const Limits &limits, const Dispatcher &dispatcher, std::atomic<bool> *draining,
               std::shared_ptr<BodyBudget> bodyBudget, std::shared_ptr<TlsCredentials> tls = {});
    ~HttpWorker() override;

    // The event dispatcher for an engine thread, set before it starts: the epoll one
    // (epolldispatcher.h), or null for Qt's own when MESHDECK_HTTP_DISPATCHER=qt.
    static QAbstractEventDispatcher *createEventDispatcher();

    void start(); // in the worker thread
    void adopt(qintptr descriptor);
    void beginDrain();

    const Limits &limits() const { return m_limits; }
    const Dispatcher &dispatcher() const { return m_dispatcher; }
    const std::shared_ptr<BodyBudget> &bodyBudget() const { return m_bodyBudget; }
    bool draining() const { return m_draining->load(std::memory_order_relaxed); }
    // For the connections' deadlines, moved on every request and write and checked by the sweep.
    static qint64 nowMs() { return coarseNowNs() / 1'000'000; }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }
    const QByteArray &dateHeader();
    QByteArray nextRequestId();
    // Reused for responses written straight away, so the hot path does not allocate for them.
    QByteArray &scratch() { return m_scratch; }

    void forget(HttpConnection *connection);
    // TLS connections over the cap, handshaking only to be answered 503, at most this many at once
    // per thread; past that they are closed without a word (a handshake costs CPU: it is the
    // overload we shed). They do not count as open connections.
    static constexpr int MaxTlsRefusals = 32;
    QWebSocketServer *webSocketServer() const { return m_webSockets; }
    // A connection handed to webSocketServer() for its handshake: the route gets it with the
    // QWebSocket made of it.
    void handingOver(QTcpSocket *transport);
    // The open WebSockets this thread handed to routes, closed with "going away" at drain.
    int trackedWebSockets() const { return int(m_webSocketsOpen.size()); }

private:
    void sweep();
    void onWebSocketReady();

    int m_index;
    Limits m_limits;
    const Dispatcher &m_dispatcher;
    std::atomic<bool> *m_draining;
    QSet<HttpConnection *> m_connections;
    int m_tlsRefusals = 0;
    std::shared_ptr<BodyBudget> m_bodyBudget;
    std::shared_ptr<TlsCredentials> m_tls;     // null: plain HTTP
    QSet<QWebSocket *> m_webSocketsOpen;       // each leaves the set when it is destroyed
    QList<QPointer<QTcpSocket>> m_handshaking; // handed over, their QWebSocket not made yet
    QTimer *m_sweepTimer = nullptr;
    QWebSocketServer *m_webSockets = nullptr;
    QElapsedTimer m_clock;
    QByteArray m_date;
    qint64 m_dateSecond = -1;
    QByteArray m_idPrefix;
    QByteArray m_scratch;
    quint64 m_idCounter = 0;
};

} // namespace Meshdeck::Http
