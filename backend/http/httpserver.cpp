#include "httpserver.h"

#include "httpworker.h"
#include "tlscredentials.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QThread>

#include <QCoroTimer>

namespace Meshdeck::Http {

// Not QSslServer: it handshakes on the accepting thread and hands over finished sockets. Here the
// accepting thread only hands descriptors out, and each worker handshakes its own connections
// (HttpConnection::startTls), under the same header timeout and connection cap as plain HTTP.
class HttpServer::Listener : public QTcpServer
{
public:
    explicit Listener(HttpServer *server)
        : QTcpServer(server)
        , m_server(server)
    {}

protected:
    void incomingConnection(qintptr descriptor) override { m_server->distribute(descriptor); }

private:
    HttpServer *m_server;
};

HttpServer::HttpServer(const Limits &limits, const Dispatcher &dispatcher, int threads,
                       std::shared_ptr<TlsCredentials> tls, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_dispatcher(dispatcher)
    , m_listener(new Listener(this))
    , m_bodyBudget(std::make_shared<BodyBudget>(limits.maxInflightBodyBytes))
{
    threads = qMax(1, threads);
    for (int i = 0; i < threads; ++i) {
        auto *thread = new QThread(this);
        thread->setObjectName(QStringLiteral("http-%1").arg(i));
        if (QAbstractEventDispatcher *events = HttpWorker::createEventDispatcher())
            thread->setEventDispatcher(events);
        auto *worker = new HttpWorker(i, m_limits, m_dispatcher, &m_draining, m_bodyBudget, tls);
        worker->moveToThread(thread);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        QMetaObject::invokeMethod(worker, &HttpWorker::start, Qt::BlockingQueuedConnection);
        m_threads.push_back(thread);
        m_workers.push_back(worker);
    }
}

HttpServer::~HttpServer()
{
    m_listener->close();
    for (QThread *thread : m_threads) {
        thread->quit();
        thread->wait();
    }
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_listener->listen(address, port);
}

QString HttpServer::errorString() const
{
    return m_listener->errorString();
}

quint16 HttpServer::port() const
{
    return m_listener->serverPort();
}

QHostAddress HttpServer::address() const
{
    return m_listener->serverAddress();
}

int HttpServer::trackedWebSockets() const
{
    int count = 0;
    for (HttpWorker *worker : m_workers) {
        QMetaObject::invokeMethod(
            worker, [worker, &count] { count += worker->trackedWebSockets(); }, Qt::BlockingQueuedConnection);
    }
    return count;
}

void HttpServer::distribute(qintptr descriptor)
{
    HttpWorker *worker = m_workers[m_next++ % m_workers.size()];
    QMetaObject::invokeMethod(
        worker, [worker, descriptor] { worker->adopt(descriptor); }, Qt::QueuedConnection);
}

QCoro::Task<bool> HttpServer::shutdown(std::chrono::milliseconds deadline)
{
    m_listener->close();
    m_draining.store(true);
    for (HttpWorker *worker : m_workers)
        QMetaObject::invokeMethod(worker, &HttpWorker::beginDrain, Qt::QueuedConnection);
    QElapsedTimer elapsed;
    elapsed.start();
    HttpMetrics *metrics = m_dispatcher.metrics();
    while ((metrics->openConnections.load() > 0 || metrics->openWebSockets.load() > 0) &&
           elapsed.elapsed() < deadline.count())
        co_await QCoro::sleepFor(std::chrono::milliseconds(10));
    const bool clean = metrics->openConnections.load() == 0;
    for (QThread *thread : m_threads) {
        thread->quit();
        thread->wait();
    }
    m_threads.clear();
    m_workers.clear();
    co_return clean;
}

} // namespace Meshdeck::Http
