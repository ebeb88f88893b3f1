#include "httpworker.h"

#include "epolldispatcher.h"
#include "httpconnection.h"
#include "problem.h"
#include "responsewriter.h"
#include "tlscredentials.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

#include <charconv>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcHttp, "meshdeck.backend.http")

namespace Meshdeck::Http {

HttpWorker::HttpWorker(int index, const Limits &limits, const Dispatcher &dispatcher,
                       std::atomic<bool> *draining, std::shared_ptr<BodyBudget> bodyBudget,
                       std::shared_ptr<TlsCredentials> tls)
    : m_index(index)
    , m_limits(limits)
    , m_dispatcher(dispatcher)
    , m_draining(draining)
    , m_bodyBudget(std::move(bodyBudget))
    , m_tls(std::move(tls))
{
    m_clock.start();
    m_idPrefix = QByteArray::number(QRandomGenerator::system()->generate(), 16).rightJustified(8, '0') + '-' +
                 QByteArray::number(index) + '-';
}

HttpWorker::~HttpWorker()
{
    // Connections are our children; delete them while our members still exist.
    const auto connections = m_connections;
    m_connections.clear();
    qDeleteAll(connections);
    // WebSockets whose close never completed (a peer that stopped reading): closed here, on this
    // thread, with their sockets and sessions, so no descriptor outlives the server.
    const auto sockets = m_webSocketsOpen;
    qDeleteAll(sockets);
}

QAbstractEventDispatcher *HttpWorker::createEventDispatcher()
{
    static const bool qt = qgetenv("MESHDECK_HTTP_DISPATCHER") == "qt";
    return qt ? nullptr : new EpollDispatcher;
}

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

namespace {
QByteArray peerOf(int fd)
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    QHostAddress peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        peer.setAddress(reinterpret_cast<const sockaddr *>(&address));
    return peer.toString().toLatin1();
}
} // namespace

void HttpWorker::adopt(qintptr descriptor)
{
    const int fd = int(descriptor);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    HttpMetrics *metrics = m_dispatcher.metrics();
    metrics->acceptedConnections.fetch_add(1, std::memory_order_relaxed);
    if (metrics->openConnections.load(std::memory_order_relaxed) >= m_limits.maxConnections || draining()) {
        // Shed load before memory runs out: answer and close rather than queue.
        metrics->rejectedConnections.fetch_add(1, std::memory_order_relaxed);
        Response response =
            problem(503,
                    draining() ? QStringLiteral("The server is shutting down; retry on another node.")
                               : QStringLiteral("The server has too many open connections; "
                                                "retry shortly."),
                    "overloaded");
        response.setHeader("retry-after", "1");
        QByteArray bytes;
        serializeResponse(bytes, response, dateHeader(), nextRequestId(), 1, false, true, false);
        if (m_tls) {
            // A TLS client understands the 503 only inside TLS: handshake (under the header
            // timeout, as every connection), answer, close. A bounded number at a time.
            if (m_tlsRefusals >= MaxTlsRefusals) {
                ::close(fd);
                return;
            }
            ++m_tlsRefusals;
            const QSslConfiguration configuration = m_tls->configuration();
            m_connections.insert(new HttpConnection(fd, peerOf(fd), this, &configuration, bytes));
            return;
        }
        [[maybe_unused]] const ssize_t n = ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL);
        ::shutdown(fd, SHUT_WR);
        ::close(fd);
        return;
    }
    HttpConnection *connection = nullptr;
    if (m_tls) {
        // Taken per connection: a reload (SIGHUP) changes what the next handshake presents.
        const QSslConfiguration configuration = m_tls->configuration();
        connection = new HttpConnection(fd, peerOf(fd), this, &configuration);
    } else {
        connection = new HttpConnection(fd, peerOf(fd), this);
    }
    m_connections.insert(connection);
}

void HttpWorker::forget(HttpConnection *connection)
{
    if (m_connections.remove(connection) && connection->isRefusal())
        --m_tlsRefusals;
}

void HttpWorker::beginDrain()
{
    const auto connections = m_connections;
    for (HttpConnection *c : connections)
        c->drain();
    const auto sockets = m_webSocketsOpen; // closing may destroy one, which leaves the set
    for (QWebSocket *socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("the server is shutting down"));
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
    // One allocation: the per-thread prefix, then the counter in hex.
    QByteArray id(m_idPrefix.size() + 16, Qt::Uninitialized);
    std::memcpy(id.data(), m_idPrefix.constData(), size_t(m_idPrefix.size()));
    const auto [end, ec] =
        std::to_chars(id.data() + m_idPrefix.size(), id.data() + id.size(), ++m_idCounter, 16);
    id.truncate(end - id.data());
    return id;
}

void HttpWorker::handingOver(QTcpSocket *transport)
{
    m_handshaking.removeAll(nullptr); // those that closed before their handshake finished
    m_handshaking.append(transport);
}

void HttpWorker::onWebSocketReady()
{
    while (QWebSocket *socket = m_webSockets->nextPendingConnection()) {
        if (socket->state() != QAbstractSocket::ConnectedState) {
            // Gone before its handshake was read: it will never say disconnected.
            socket->deleteLater();
            continue;
        }
        // QWebSocket does not tell which socket it wraps, but the addresses and ports of a
        // connection are unique among those open (a closed socket has none: it matches nothing).
        QTcpSocket *transport = nullptr;
        for (qsizetype i = 0; i < m_handshaking.size(); ++i) {
            QTcpSocket *t = m_handshaking[i];
            if (t && t->state() == QAbstractSocket::ConnectedState && t->peerPort() == socket->peerPort() &&
                t->localPort() == socket->localPort() && t->peerAddress() == socket->peerAddress() &&
                t->localAddress() == socket->localAddress()) {
                transport = t;
                m_handshaking.removeAt(i);
                break;
            }
        }
        const QUrl url = socket->requestUrl();
        const QByteArray path = url.path(QUrl::FullyEncoded).toUtf8(); // as sent, like every request path
        const auto match = m_dispatcher.router().match("GET", path);
        const auto *handler = match.route ? std::get_if<WebSocketHandler>(&match.route->handler) : nullptr;
        if (!handler) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("no such endpoint"));
            socket->deleteLater();
            continue;
        }
        Request request;
        request.method = "GET";
        request.path = path;
        request.query = url.query(QUrl::FullyEncoded).toUtf8();
        request.pathParams = match.params;
        request.routePattern = match.route->pattern;
        request.peer = socket->peerAddress().toString().toLatin1();
        request.requestId = nextRequestId();
        const QNetworkRequest handshake = socket->request();
        for (const QByteArray &name : handshake.rawHeaderList())
            request.headers.emplace_back(name.toLower(), handshake.rawHeader(name));
        socket->setParent(nullptr);
        if (transport) {
            // The socket goes with its QWebSocket, no longer a child of (and a sender to) the
            // handshake server: with ten thousand sessions, every handshake and disconnect would
            // walk their list (QObject::sender(), child removal).
            QObject::disconnect(transport, nullptr, m_webSockets, nullptr);
            transport->setParent(socket);
        }
        // Counted while open, and closed with "going away" when the server drains.
        HttpMetrics *metrics = m_dispatcher.metrics();
        metrics->openWebSockets.fetch_add(1, std::memory_order_relaxed);
        connect(socket, &QObject::destroyed, this, [this, metrics, socket] {
            metrics->openWebSockets.fetch_sub(1, std::memory_order_relaxed);
            m_webSocketsOpen.remove(socket);
        });
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        m_webSocketsOpen.insert(socket);
        (*handler)(socket, transport, request);
    }
}

} // namespace Meshdeck::Http
