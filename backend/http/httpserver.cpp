#include "httpserver.h"

#include "problem.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QThread>
#include <QWebSocket>
#include <QWebSocketServer>

#include <QCoroTimer>

#include <ctime>

Q_LOGGING_CATEGORY(lcHttp, "meshdeck.backend.http")

namespace Meshdeck::Http {

namespace {

constexpr qint64 ReadBufferCap = 256 * 1024;

bool isValidRequestId(QByteArrayView id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '.' || c == ':';
        if (!ok)
            return false;
    }
    return true;
}

void serialize(QByteArray &out, const Response &response, QByteArrayView date, QByteArrayView requestId,
               int versionMinor, bool keepAlive, bool close, bool head)
{
    const QByteArrayView reason = reasonPhrase(response.status);
    out.reserve(out.size() + 160 + response.body.size());
    out += "HTTP/1.1 ";
    out += QByteArray::number(response.status);
    out += ' ';
    out += reason;
    out += "\r\nDate: ";
    out += date;
    if (!response.contentType.isEmpty()) {
        out += "\r\nContent-Type: ";
        out += response.contentType;
    }
    const bool bodyless = response.status == 204 || response.status == 304 || response.status < 200;
    if (!bodyless) {
        out += "\r\nContent-Length: ";
        out += QByteArray::number(response.body.size());
    }
    out += "\r\nX-Request-Id: ";
    out += requestId;
    if (close)
        out += "\r\nConnection: close";
    else if (versionMinor == 0 && keepAlive)
        out += "\r\nConnection: keep-alive";
    for (const auto &[name, value] : response.headers) {
        out += "\r\n";
        out += name;
        out += ": ";
        out += value;
    }
    out += "\r\n\r\n";
    if (!head && !bodyless)
        out += response.body;
}

// QWebSocketServer reads the handshake from the socket itself; the engine has already consumed it,
// so it is rebuilt from the parsed request with the header names QWebSocketServer looks for.
QByteArray rebuildHandshake(const Request &request)
{
    QByteArray raw = request.method + ' ' + request.target + " HTTP/1.1\r\n";
    for (const auto &[name, value] : request.headers) {
        QByteArray canonical = name;
        bool upper = true;
        for (char &c : canonical) {
            if (upper && c >= 'a' && c <= 'z')
                c = char(c - 'a' + 'A');
            upper = c == '-';
        }
        raw += canonical + ": " + value + "\r\n";
    }
    raw += "\r\n";
    return raw;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// HttpConnection

HttpConnection::HttpConnection(QTcpSocket *socket, HttpWorker *worker)
    : QObject(worker)
    , m_socket(socket)
    , m_worker(worker)
    , m_parser(worker->limits())
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(ReadBufferCap);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const Dispatcher *dispatcher = &worker->dispatcher();
    const qint64 defaultBody = worker->limits().defaultMaxBody;
    m_parser.setBodyLimitResolver([dispatcher, defaultBody](const Request &r) {
        const qint64 limit = dispatcher->bodyLimit(r);
        return limit >= 0 ? limit : defaultBody;
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            qCDebug(lcHttp) << "socket error" << m_socket->errorString();
    });
    m_deadline = worker->nowMs() + worker->limits().headerTimeoutMs;
    worker->dispatcher().metrics()->openConnections.fetch_add(1, std::memory_order_relaxed);
}

HttpConnection::~HttpConnection()
{
    if (!m_finished)
        m_worker->dispatcher().metrics()->openConnections.fetch_sub(1, std::memory_order_relaxed);
}

void HttpConnection::onDisconnected()
{
    if (m_finished)
        return;
    m_finished = true;
    m_worker->dispatcher().metrics()->openConnections.fetch_sub(1, std::memory_order_relaxed);
    m_worker->forget(this);
    // Handlers still running hold no pointer to us: their completions check this object is alive.
    deleteLater();
}

void HttpConnection::onReadyRead()
{
    if (m_closing || m_noMoreRequests) {
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    if (qsizetype(m_pending.size()) >= m_worker->limits().maxPipelined)
        return;  // backpressure: the socket's capped buffer makes TCP slow the client down
    if (m_inPos == m_in.size()) {
        m_in = m_socket->readAll();
        m_inPos = 0;
    } else {
        m_in.remove(0, m_inPos);
        m_inPos = 0;
        m_in += m_socket->readAll();
    }
    process();
}

void HttpConnection::process()
{
    while (!m_closing && !m_noMoreRequests && m_inPos < m_in.size() &&
           qsizetype(m_pending.size()) < m_worker->limits().maxPipelined) {
        m_inPos += m_parser.feed(QByteArrayView(m_in).sliced(m_inPos));
        if (m_parser.hasError()) {
            rejectMalformed();
            return;
        }
        if (m_parser.wantsContinue() && m_pending.empty()) {
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            m_parser.continueSent();
        }
        if (!m_parser.isComplete())
            break;
        dispatch(m_parser.takeRequest());
    }
    if (m_inPos == m_in.size()) {
        m_in.clear();
        m_inPos = 0;
    }
    updateDeadline();
}

QByteArray HttpConnection::takeRequestId(const Request &request)
{
    QByteArray id = request.header("x-request-id");
    return isValidRequestId(id) ? id : m_worker->nextRequestId();
}

void HttpConnection::dispatch(Request request)
{
    const qint64 started = m_worker->nowNs();
    request.requestId = takeRequestId(request);
    request.peer = m_socket->peerAddress();
    if (!request.keepAlive)
        m_noMoreRequests = true;

    Dispatcher::Outcome outcome = m_worker->dispatcher().dispatch(request);
    if (outcome.webSocket) {
        if (m_pending.empty()) {
            handOverWebSocket(request);
            return;
        }
        outcome.response = problem(request, 400, QStringLiteral("A WebSocket upgrade cannot follow pipelined requests."),
                                   "bad-upgrade");
    }
    ReplyContext context{m_nextSeq++, request.requestId,   request.versionMinor, request.keepAlive,
                         request.method == "HEAD", outcome.stats, started};
    m_pending.emplace_back();
    if (outcome.response) {
        complete(context, std::move(*outcome.response));
    } else {
        QCoro::connect(std::move(*outcome.task), this,
                       [this, context](Response response) { complete(context, std::move(response)); });
    }
}

void HttpConnection::complete(const ReplyContext &context, Response response)
{
    if (m_finished)
        return;
    if (context.stats)
        context.stats->record(response.status, (m_worker->nowNs() - context.startedNs) / 1000);
    const size_t index = size_t(context.seq - m_baseSeq);
    Q_ASSERT(index < m_pending.size());
    Pending &slot = m_pending[index];
    slot.close = !context.keepAlive || response.closeAfter || m_draining || m_worker->draining();
    if (slot.close)
        m_noMoreRequests = true;
    serialize(slot.bytes, response, m_worker->dateHeader(), context.requestId, context.versionMinor,
              context.keepAlive, slot.close, context.head);
    slot.ready = true;
    if (index == 0)
        flush();
}

void HttpConnection::rejectMalformed()
{
    const Request &partial = m_parser.partialRequest();
    Request context;
    context.path = partial.path;
    context.requestId = m_worker->nextRequestId();
    Response response = problem(context, m_parser.errorStatus(), m_parser.errorReason(), "malformed-request");
    m_worker->dispatcher().metrics()->unmatched()->record(response.status, 0);
    m_noMoreRequests = true;
    Pending slot;
    slot.close = true;
    slot.ready = true;
    serialize(slot.bytes, response, m_worker->dateHeader(), context.requestId, 1, false, true, false);
    m_pending.push_back(std::move(slot));
    ++m_nextSeq;
    m_in.clear();
    m_inPos = 0;
    flush();
}

void HttpConnection::flush()
{
    bool close = false;
    while (!m_pending.empty() && m_pending.front().ready) {
        m_socket->write(m_pending.front().bytes);
        close = m_pending.front().close;
        m_pending.pop_front();
        ++m_baseSeq;
        ++m_served;
        if (close)
            break;
    }
    if (close) {
        closeGracefully();
        return;
    }
    if (m_draining && m_pending.empty() && !m_parser.inProgress()) {
        closeGracefully();
        return;
    }
    // Pipelined bytes wait while the window is full; resume them now that a slot is free.
    if (!m_noMoreRequests && (m_inPos < m_in.size() || m_socket->bytesAvailable() > 0)) {
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
    }
    updateDeadline();
}

void HttpConnection::closeGracefully()
{
    m_closing = true;
    m_pending.clear();
    m_wait = Wait::Linger;
    m_deadline = m_worker->nowMs() + m_worker->limits().headerTimeoutMs;
    m_socket->disconnectFromHost();
}

void HttpConnection::updateDeadline()
{
    if (m_closing)
        return;
    const Limits &limits = m_worker->limits();
    const qint64 now = m_worker->nowMs();
    const auto state = m_parser.state();
    if (m_parser.inProgress()) {
        if (state == RequestParser::State::RequestLine || state == RequestParser::State::Headers) {
            // The whole head must arrive within the timeout from its first byte: a slowloris client
            // sending a byte at a time gains nothing.
            if (m_wait != Wait::Head) {
                m_wait = Wait::Head;
                m_deadline = now + limits.headerTimeoutMs;
            }
        } else {
            m_wait = Wait::Body;  // the body must keep moving
            m_deadline = now + limits.headerTimeoutMs;
        }
    } else if (!m_pending.empty()) {
        m_wait = Wait::None;  // a handler is working; it has its own timeouts
    } else if (m_served == 0 && m_wait == Wait::Head) {
        // A new connection must send its first request within the header timeout.
    } else if (m_wait != Wait::Idle) {
        m_wait = Wait::Idle;
        m_deadline = now + limits.idleTimeoutMs;
    }
}

void HttpConnection::checkTimeout(qint64 nowMs)
{
    if (m_finished || m_wait == Wait::None || nowMs < m_deadline)
        return;
    switch (m_wait) {
    case Wait::Head:
    case Wait::Body: {
        qCDebug(lcHttp) << "request read timeout from" << m_socket->peerAddress();
        if (m_pending.empty()) {
            Request context;
            context.path = m_parser.partialRequest().path;
            context.requestId = m_worker->nextRequestId();
            const Response response = problem(context, 408,
                                              QStringLiteral("The request did not arrive within %1 ms.")
                                                  .arg(m_worker->limits().headerTimeoutMs),
                                              "request-timeout");
            QByteArray bytes;
            serialize(bytes, response, m_worker->dateHeader(), context.requestId, 1, false, true, false);
            m_socket->write(bytes);
            m_worker->dispatcher().metrics()->unmatched()->record(408, 0);
        }
        m_noMoreRequests = true;
        closeGracefully();
        break;
    }
    case Wait::Idle:
        m_noMoreRequests = true;
        closeGracefully();
        break;
    case Wait::Linger:
        m_socket->abort();
        break;
    case Wait::None:
        break;
    }
}

void HttpConnection::drain()
{
    m_draining = true;
    if (m_pending.empty() && !m_parser.inProgress() && !m_closing) {
        m_noMoreRequests = true;
        closeGracefully();
    }
}

void HttpConnection::handOverWebSocket(const Request &request)
{
    QByteArray raw = rebuildHandshake(request);
    raw += QByteArrayView(m_in).sliced(m_inPos);
    raw += m_socket->readAll();
    m_in.clear();
    m_inPos = 0;
    QTcpSocket *socket = m_socket;
    disconnect(socket, nullptr, this, nullptr);
    socket->setReadBufferSize(0);
    socket->setParent(m_worker->webSocketServer());
    for (qsizetype i = raw.size() - 1; i >= 0; --i)
        socket->ungetChar(raw[i]);
    m_socket = nullptr;
    m_finished = true;
    m_worker->dispatcher().metrics()->openConnections.fetch_sub(1, std::memory_order_relaxed);
    m_worker->forget(this);
    m_worker->webSocketServer()->handleConnection(socket);
    deleteLater();
}

// ---------------------------------------------------------------------------------------------
// HttpWorker

HttpWorker::HttpWorker(int index, const Limits &limits, const Dispatcher &dispatcher, std::atomic<bool> *draining)
    : m_index(index)
    , m_limits(limits)
    , m_dispatcher(dispatcher)
    , m_draining(draining)
{
    m_clock.start();
    m_idPrefix = QByteArray::number(QRandomGenerator::system()->generate(), 16).rightJustified(8, '0') + '-' +
                 QByteArray::number(index) + '-';
}

HttpWorker::~HttpWorker() = default;

void HttpWorker::start()
{
    m_sweepTimer = new QTimer(this);
    const int interval = qBound(25, qMin(m_limits.headerTimeoutMs, m_limits.idleTimeoutMs) / 4, 1000);
    m_sweepTimer->setInterval(interval);
    connect(m_sweepTimer, &QTimer::timeout, this, &HttpWorker::sweep);
    m_sweepTimer->start();
    m_webSockets = new QWebSocketServer(QStringLiteral("meshdeckd"), QWebSocketServer::NonSecureMode, this);
    connect(m_webSockets, &QWebSocketServer::newConnection, this, &HttpWorker::onWebSocketReady);
}

void HttpWorker::adopt(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp) << "could not adopt a connection:" << socket->errorString();
        delete socket;
        return;
    }
    HttpMetrics *metrics = m_dispatcher.metrics();
    metrics->acceptedConnections.fetch_add(1, std::memory_order_relaxed);
    if (metrics->openConnections.load(std::memory_order_relaxed) >= m_limits.maxConnections || draining()) {
        // Shed load before memory runs out: answer and close rather than queue.
        metrics->rejectedConnections.fetch_add(1, std::memory_order_relaxed);
        QByteArray bytes;
        const Response response = problem(503, draining() ? QStringLiteral("The server is shutting down; retry on another node.")
                                                          : QStringLiteral("The server has too many open connections; "
                                                                           "retry shortly."),
                                          "overloaded");
        Response withRetry = response;
        withRetry.setHeader("retry-after", "1");
        serialize(bytes, withRetry, dateHeader(), nextRequestId(), 1, false, true, false);
        socket->write(bytes);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        return;
    }
    auto *connection = new HttpConnection(socket, this);
    m_connections.insert(connection);
}

void HttpWorker::forget(HttpConnection *connection)
{
    m_connections.remove(connection);
}

void HttpWorker::beginDrain()
{
    const auto connections = m_connections;
    for (HttpConnection *c : connections)
        c->drain();
}

void HttpWorker::sweep()
{
    const qint64 now = nowMs();
    const auto connections = m_connections;
    for (HttpConnection *c : connections)
        c->checkTimeout(now);
}

const QByteArray &HttpWorker::dateHeader()
{
    const qint64 second = qint64(std::time(nullptr));
    if (second != m_dateSecond) {
        m_dateSecond = second;
        m_date = QDateTime::fromSecsSinceEpoch(second, Qt::UTC)
                     .toString(QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                     .toLatin1();
    }
    return m_date;
}

QByteArray HttpWorker::nextRequestId()
{
    return m_idPrefix + QByteArray::number(++m_idCounter, 16);
}

void HttpWorker::onWebSocketReady()
{
    while (QWebSocket *socket = m_webSockets->nextPendingConnection()) {
        const QUrl url = socket->requestUrl();
        const auto match = m_dispatcher.router().match("GET", url.path(QUrl::FullyEncoded).toUtf8());
        const auto *handler = match.route ? std::get_if<WebSocketHandler>(&match.route->handler) : nullptr;
        if (!handler) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("no such endpoint"));
            socket->deleteLater();
            continue;
        }
        Request request;
        request.method = "GET";
        request.path = url.path().toUtf8();
        request.query = url.query(QUrl::FullyEncoded).toUtf8();
        request.pathParams = match.params;
        request.routePattern = match.route->pattern;
        request.peer = socket->peerAddress();
        request.requestId = nextRequestId();
        const QNetworkRequest handshake = socket->request();
        for (const QByteArray &name : handshake.rawHeaderList())
            request.headers.emplace_back(name.toLower(), handshake.rawHeader(name));
        socket->setParent(nullptr);
        (*handler)(socket, request);
    }
}

// ---------------------------------------------------------------------------------------------
// HttpServer

class HttpServer::Listener : public QTcpServer
{
public:
    explicit Listener(HttpServer *server)
        : QTcpServer(server)
        , m_server(server)
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_server->distribute(descriptor); }

private:
    HttpServer *m_server;
};

HttpServer::HttpServer(const Limits &limits, const Dispatcher &dispatcher, int threads, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_dispatcher(dispatcher)
    , m_listener(new Listener(this))
{
    threads = qMax(1, threads);
    for (int i = 0; i < threads; ++i) {
        auto *thread = new QThread(this);
        thread->setObjectName(QStringLiteral("http-%1").arg(i));
        auto *worker = new HttpWorker(i, m_limits, m_dispatcher, &m_draining);
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

void HttpServer::distribute(qintptr descriptor)
{
    HttpWorker *worker = m_workers[m_next++ % m_workers.size()];
    QMetaObject::invokeMethod(worker, [worker, descriptor] { worker->adopt(descriptor); }, Qt::QueuedConnection);
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
    while (metrics->openConnections.load() > 0 && elapsed.elapsed() < deadline.count())
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
