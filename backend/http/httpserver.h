#pragma once

#include "bodybudget.h"
#include "dispatcher.h"

#include <QHostAddress>
#include <QObject>

#include <QCoroTask>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

class QThread;

namespace Meshdeck::Http {

class HttpWorker;
class TlsCredentials;

// The HTTP/1.1 engine: accepts on the calling thread, serves on `threads` event-loop threads.
// With `tls` it serves HTTPS and WSS only: each worker does the handshake of the sockets it adopts.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    HttpServer(const Limits &limits, const Dispatcher &dispatcher, int threads,
               std::shared_ptr<TlsCredentials> tls = {}, QObject *parent = nullptr);
    ~HttpServer() override;

    bool listen(const QHostAddress &address, quint16 port);
    QString errorString() const;
    quint16 port() const;
    QHostAddress address() const;
    int threadCount() const { return int(m_workers.size()); }
    bool isDraining() const { return m_draining.load(); }
    // Request-body bytes being received or held by handlers now (Limits::maxInflightBodyBytes).
    qint64 bodyBytesInFlight() const { return m_bodyBudget->inUse(); }
    // The WebSockets the engine keeps to close at drain: the ones open now. Asks every thread.
    int trackedWebSockets() const;

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
    std::shared_ptr<BodyBudget> m_bodyBudget;
};

} // namespace Meshdeck::Http
