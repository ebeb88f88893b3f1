#include "upstreamconnection.h"

#include "coarseclock.h"
#include "epolldispatcher.h"

#include <QPointer>
#include <QTimerEvent>

#include <cerrno>
#include <cstring>
#include <limits>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcUpstream, "meshdeck.backend.upstream")

namespace Meshdeck::Http {

qint64 upstreamNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

QString describeTarget(const UpstreamTarget &target)
{
    return QString::fromLatin1(target.address) + u':' + QString::number(target.port);
}

namespace {

// Milliseconds until `deadlineNs`, rounded up so a timer never fires before it.
int msUntil(qint64 deadlineNs)
{
    const qint64 ns = deadlineNs - upstreamNowNs();
    if (ns <= 0)
        return 0;
    return int(qMin<qint64>((ns + 999'999) / 1'000'000, std::numeric_limits<int>::max()));
}

} // namespace

UpstreamConnection::UpstreamConnection(UpstreamPoolCore *pool, QByteArray key, UpstreamTarget target)
    : m_pool(pool)
    , m_key(std::move(key))
    , m_target(std::move(target))
    , m_parser(pool->limits)
{}

UpstreamConnection::~UpstreamConnection()
{
    closeSocket();
}

// Starts a non-blocking connect; false with a reason when it failed at once.
bool UpstreamConnection::open(const UpstreamAddress &address, QString *reason)
{
    m_fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        *reason = QStringLiteral("could not create a socket for %1: %2")
                      .arg(describeTarget(m_target), QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc;
    do {
        rc = ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address.storage), address.length);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0 && errno != EINPROGRESS) {
        *reason = connectError(errno);
        closeSocket();
        return false;
    }
    m_connected = rc == 0;
    m_readNotifier = new DirectSocketNotifier(
        qintptr(m_fd), QSocketNotifier::Read, this,
        &DirectSocketNotifier::call<UpstreamConnection, &UpstreamConnection::onReadable>);
    m_writeNotifier = new DirectSocketNotifier(
        qintptr(m_fd), QSocketNotifier::Write, this,
        &DirectSocketNotifier::call<UpstreamConnection, &UpstreamConnection::onWritable>);
    m_readNotifier->setEnabled(m_connected);
    m_writeNotifier->setEnabled(!m_connected);
    m_phase = Phase::Connecting;
    return true;
}

// Whether an idle connection can take a request: the upstream has not closed it, and has
// sent nothing unasked. Costs one recv(), saves a request lost to a close in flight.
bool UpstreamConnection::stillUsable()
{
    char byte;
    const ssize_t n = ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void UpstreamConnection::start(UpstreamExchange *exchange, const Start &start)
{
    const qint64 deadlineNs = start.deadlineNs;
    const int connectTimeoutMs = start.connectTimeoutMs;
    m_exchange = exchange;
    exchange->connection = this;
    m_out = start.head;
    m_outPos = 0;
    m_deadlineNs = deadlineNs;
    m_timeoutNs = start.timeoutNs;
    m_requestBody = start.body;
    m_requestChunked = m_requestBody && m_requestBody->length() < 0;
    m_requestCut = false;
    m_streamResponse = start.streamResponse;
    m_parser.reset(start.headRequest, start.streamResponse);
    if (m_phase == Phase::Connecting && !m_connected) {
        m_connectTimeoutMs = connectTimeoutMs;
        m_connectDeadlineNs = qMin(deadlineNs, upstreamNowNs() + qint64(connectTimeoutMs) * 1'000'000);
        armBy(m_connectDeadlineNs);
        return;
    }
    m_phase = Phase::Busy;
    m_readNotifier->setEnabled(true);
    armBy(deadlineNs);
    writeSome();
}

void UpstreamConnection::makeIdle(int idleTimeoutMs)
{
    m_phase = Phase::Idle;
    m_out = QByteArray();
    m_requestBody.reset();
    m_idleDeadlineNs =
        coarseNowNs() + qint64(idleTimeoutMs) * 1'000'000; // timerEvent() reads upstreamNowNs()
    armBy(m_idleDeadlineNs);
}

// The timer fires no later than `deadlineNs`. One already due sooner is left alone: when it fires,
// timerEvent() finds the phase's own deadline not reached and re-arms for the rest. So a request on
// a kept-alive connection usually registers and releases no timer at all (the exchange's deadline
// and the idle one only move the deadlines), where a start per exchange and one per return to the
// pool cost four timer operations a request.
void UpstreamConnection::armBy(qint64 deadlineNs)
{
    if (m_timer.isActive() && m_timerDueNs <= deadlineNs)
        return;
    rearm(deadlineNs);
}

// The timer fires at `deadlineNs` (rounded up to the millisecond), whatever it was set to before.
void UpstreamConnection::rearm(qint64 deadlineNs)
{
    const int ms = qMax(1, msUntil(deadlineNs));
    m_timer.start(ms, Qt::PreciseTimer, this);
    m_timerDueNs = upstreamNowNs() + qint64(ms) * 1'000'000;
}

// The coroutine frame holding the exchange is going away: nobody waits for the answer, and the
// connection is in the middle of an exchange, so it cannot be reused.
void UpstreamConnection::detach(UpstreamExchange *exchange)
{
    if (m_exchange != exchange)
        return;
    m_exchange = nullptr;
    closeSocket();
    m_pool->forget(this);
    deleteLater();
}

// The pool is being destroyed: answers the exchange (without resuming it) and closes.
std::coroutine_handle<> UpstreamConnection::abandon()
{
    std::coroutine_handle<> waiter;
    if (m_exchange) {
        m_exchange->result.failure = UpstreamFailure::Reset;
        m_exchange->result.reason = QStringLiteral("the upstream client was shut down before %1 answered")
                                        .arg(describeTarget(m_target));
        m_exchange->done = true;
        m_exchange->connection = nullptr;
        waiter = m_exchange->waiter;
        m_exchange = nullptr;
    }
    m_requestBody.reset();
    if (m_responsePipe)
        std::exchange(m_responsePipe, nullptr)
            ->fail(BodyError::UpstreamFailed, QStringLiteral("the upstream client was shut down"));
    closeSocket();
    return waiter;
}

void UpstreamConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    const HandlerScope scope(this);
    m_timer.stop();
    switch (m_phase) {
    case Phase::Connecting:
        if (upstreamNowNs() < m_connectDeadlineNs)
            return rearm(m_connectDeadlineNs);
        // The exchange's own deadline came first: that is its timeout, not an unreachable upstream.
        if (m_connectDeadlineNs >= m_deadlineNs)
            return finish(
                UpstreamFailure::Timeout,
                QStringLiteral("%1 did not accept the connection in time").arg(describeTarget(m_target)));
        return finish(UpstreamFailure::Connect, QStringLiteral("could not connect to %1 within %2 ms")
                                                    .arg(describeTarget(m_target))
                                                    .arg(m_connectTimeoutMs));
    case Phase::Busy:
        if (upstreamNowNs() < m_deadlineNs)
            return rearm(m_deadlineNs);
        if (m_responsePipe)
            return failStream(QStringLiteral("%1 sent nothing of the body for %2 ms")
                                  .arg(describeTarget(m_target))
                                  .arg(m_timeoutNs / 1'000'000));
        return finish(UpstreamFailure::Timeout,
                      QStringLiteral("%1 did not answer within the timeout").arg(describeTarget(m_target)));
    case Phase::Idle:
        if (upstreamNowNs() < m_idleDeadlineNs)
            return rearm(m_idleDeadlineNs); // a deadline of the last exchange came first
        return drop();
    case Phase::Closed:
        return;
    }
}

QString UpstreamConnection::connectError(int error) const
{
    if (error == ECONNREFUSED)
        return QStringLiteral("connection refused by %1").arg(describeTarget(m_target));
    return QStringLiteral("could not connect to %1: %2")
        .arg(describeTarget(m_target), QString::fromLocal8Bit(std::strerror(error)));
}

void UpstreamConnection::closeSocket()
{
    m_phase = Phase::Closed;
    m_timer.stop();
    // Notifiers go quiet before their descriptor closes; they are deleted with us, as children.
    if (m_readNotifier) {
        m_readNotifier->setEnabled(false);
        m_writeNotifier->setEnabled(false);
    }
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

// An idle connection the upstream closed (or sent something unasked on) is useless.
void UpstreamConnection::drop()
{
    closeSocket();
    m_pool->forget(this);
    deleteLater();
}

void UpstreamConnection::onWritable()
{
    const HandlerScope scope(this);
    if (m_phase == Phase::Connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0)
            error = errno;
        if (error == EINPROGRESS || error == EALREADY)
            return;
        if (error != 0)
            return finish(UpstreamFailure::Connect, connectError(error));
        m_connected = true;
        m_writeNotifier->setEnabled(false);
        if (!m_exchange)
            return;
        m_phase = Phase::Busy;
        m_readNotifier->setEnabled(true);
        armBy(m_deadlineNs);
    }
    if (m_phase == Phase::Busy)
        writeSome();
}

void UpstreamConnection::writeSome()
{
    while (true) {
        while (m_outPos < m_out.size()) {
            const ssize_t n =
                ::send(m_fd, m_out.constData() + m_outPos, size_t(m_out.size() - m_outPos), MSG_NOSIGNAL);
            if (n > 0) {
                m_outPos += n;
                if (m_exchange)
                    m_exchange->result.sent = true;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                m_writeNotifier->setEnabled(true); // the upstream is not reading: so is the client's body
                return;
            }
            // The upstream went away while we were sending; an answer it sent first may still be
            // readable, so look before calling this a reset.
            const int error = errno;
            m_writeNotifier->setEnabled(false);
            m_out = QByteArray();
            m_outPos = 0;
            m_writeFailed = true;
            m_requestBody.reset();
            readResponse();
            if (m_exchange && m_phase == Phase::Busy)
                return finish(
                    UpstreamFailure::Reset,
                    QStringLiteral("the connection to %1 failed while sending: %2")
                        .arg(describeTarget(m_target), QString::fromLocal8Bit(std::strerror(error))));
            return;
        }
        if (!m_requestBody)
            break;
        // A streamed request body: its next bytes, once everything before them was sent.
        BodyPipe &pipe = m_requestBody->pipe();
        if (!pipe.readable()) {
            // Waiting on the client, not on the upstream: the timeout waits too.
            m_timer.stop();
            const QPointer<UpstreamConnection> self(this);
            pipe.onReadable([self] {
                if (!self)
                    return;
                QMetaObject::invokeMethod(
                    self.data(),
                    [self] {
                        if (!self || !self->m_requestBody || self->m_phase != Phase::Busy)
                            return;
                        const HandlerScope scope(self.data());
                        self->extendDeadline();
                        self->writeSome();
                    },
                    Qt::QueuedConnection);
            });
            break;
        }
        BodyChunk chunk = pipe.take();
        if (chunk.failed())
            return requestBodyFailed(chunk);
        m_outPos = 0;
        if (chunk.end) {
            m_requestBody.reset();
            m_out = m_requestChunked ? QByteArrayLiteral("0\r\n\r\n") : QByteArray();
            continue;
        }
        extendDeadline();
        if (m_requestChunked) {
            m_out = QByteArray::number(chunk.bytes.size(), 16);
            m_out.reserve(m_out.size() + chunk.bytes.size() + 4);
            m_out += "\r\n";
            m_out += chunk.bytes;
            m_out += "\r\n";
        } else {
            m_out = std::move(chunk.bytes);
        }
    }
    m_writeNotifier->setEnabled(false);
    m_out = QByteArray();
    m_outPos = 0;
}

// Progress on a streamed body: the upstream gets the whole timeout again from now.
void UpstreamConnection::extendDeadline()
{
    m_deadlineNs = qMax(m_deadlineNs, upstreamNowNs() + m_timeoutNs);
    armBy(m_deadlineNs);
}

// The client's body failed (it left, went over the limit, stalled): the upstream has part of a
// request, so the connection closes; the caller learns why.
void UpstreamConnection::requestBodyFailed(const BodyChunk &chunk)
{
    m_requestBody.reset();
    m_requestCut = true;
    if (!m_exchange)
        return;
    m_exchange->result.bodyError = chunk.error;
    finish(UpstreamFailure::RequestBody,
           chunk.reason.isEmpty()
               ? QStringLiteral("the request body failed: %1").arg(bodyErrorName(chunk.error))
               : chunk.reason,
           true);
}

void UpstreamConnection::onReadable()
{
    const HandlerScope scope(this);
    if (m_phase == Phase::Idle) {
        char byte;
        const ssize_t n = ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        qCDebug(lcUpstream).noquote() << "idle connection to" << describeTarget(m_target)
                                      << (n == 0 ? "closed by the upstream" : "unusable; dropped");
        return drop();
    }
    if (m_phase == Phase::Busy)
        readResponse();
}

// Reads what has arrived and feeds the parser; finishes the exchange when the response is
// complete, invalid, or cut short. With a streamed response, answers the exchange at its head and
// then passes the body on as it comes, reading only while the reader keeps up.
void UpstreamConnection::readResponse()
{
    static thread_local QByteArray buffer(64 * 1024, Qt::Uninitialized);
    for (int reads = 0; reads < 16; ++reads) {
        if (m_responsePipe && !m_responsePipe->writable()) {
            // The reader (the client) is behind: the kernel holds the rest until it catches up.
            m_readNotifier->setEnabled(false);
            m_timer.stop();
            return;
        }
        const ssize_t n = ::recv(m_fd, buffer.data(), size_t(buffer.size()), 0);
        if (n > 0) {
            if (m_exchange)
                m_exchange->responseStarted = true;
            const qsizetype consumed = m_parser.feed(QByteArrayView(buffer.constData(), n));
            if (m_parser.hasError()) {
                const QString reason =
                    QStringLiteral("%1 (from %2)").arg(m_parser.errorReason(), describeTarget(m_target));
                if (m_responsePipe)
                    return failStream(reason);
                const auto failure = m_parser.error() == ResponseParser::Error::TooLarge
                                         ? UpstreamFailure::TooLarge
                                         : UpstreamFailure::Malformed;
                return finish(failure, reason);
            }
            if (m_responsePipe) {
                if (!passBodyOn(consumed, n))
                    return;
            } else if (m_parser.isComplete()) {
                return finish(UpstreamFailure::None, {}, /*leftover=*/consumed < n);
            } else if (m_streamResponse && m_parser.headComplete()) {
                return deliverHead();
            }
            if (n < buffer.size())
                return;
            continue;
        }
        if (n == 0) {
            if (m_responsePipe) {
                if (!m_parser.endOfInput())
                    return failStream(
                        QStringLiteral("%1 closed the connection before the whole body was sent")
                            .arg(describeTarget(m_target)));
                m_responsePipe->push(m_parser.takeBody());
                return endStream(true);
            }
            if (m_parser.endOfInput())
                return finish(UpstreamFailure::None, {}, true);
            return finish(UpstreamFailure::Reset,
                          QStringLiteral("%1 closed the connection before a whole response arrived")
                              .arg(describeTarget(m_target)));
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        const QString reason =
            QStringLiteral("the connection to %1 failed: %2")
                .arg(describeTarget(m_target), QString::fromLocal8Bit(std::strerror(errno)));
        if (m_responsePipe)
            return failStream(reason);
        return finish(UpstreamFailure::Reset, reason);
    }
}

// Streamed body bytes that arrived go to the reader; false once the body ended here.
bool UpstreamConnection::passBodyOn(qsizetype consumed, ssize_t received)
{
    m_responsePipe->push(m_parser.takeBody());
    m_deadlineNs = upstreamNowNs() + m_timeoutNs; // the timer re-arms itself for a later deadline
    if (!m_parser.isComplete())
        return true;
    endStream(consumed < received);
    return false;
}

// The response head is complete and its body is not: the caller gets the head and a source for
// the body; this connection stays busy until the body ended.
void UpstreamConnection::deliverHead()
{
    UpstreamExchange *exchange = std::exchange(m_exchange, nullptr);
    auto pipe = std::make_shared<BodyPipe>(m_parser.bodyLength());
    pipe->push(m_parser.takeBody());
    m_responsePipe = pipe;
    wakeWhenReaderTakes();
    if (m_requestBody || m_outPos < m_out.size()) {
        // The upstream answered before it had the whole request: no more of it is sent.
        m_requestBody.reset();
        m_requestCut = true;
        m_out = QByteArray();
        m_outPos = 0;
        m_writeNotifier->setEnabled(false);
    }
    m_deadlineNs = upstreamNowNs() + m_timeoutNs;
    rearm(m_deadlineNs);
    exchange->connection = nullptr;
    exchange->result.failure = UpstreamFailure::None;
    UpstreamResponse response;
    response.status = m_parser.status();
    response.versionMinor = m_parser.versionMinor();
    response.headers = m_parser.takeHeaders();
    response.bodySource = std::make_shared<BodySource>(std::move(pipe));
    exchange->result.response = std::move(response);
    exchange->done = true;
    if (exchange->waiter)
        exchange->waiter.resume();
}

// onStreamWake() runs (queued) once the reader of the response body made room or left.
void UpstreamConnection::wakeWhenReaderTakes()
{
    const QPointer<UpstreamConnection> self(this);
    m_responsePipe->onWritable([self] {
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self] {
                    if (self)
                        self->onStreamWake();
                },
                Qt::QueuedConnection);
    });
}

// The reader took enough to go on, or left.
void UpstreamConnection::onStreamWake()
{
    const HandlerScope scope(this);
    if (!m_responsePipe)
        return;
    if (m_responsePipe->abandoned()) {
        // Never back to the pool half-read.
        qCDebug(lcUpstream).noquote()
            << "the reader of a body from" << describeTarget(m_target) << "left; closing the connection";
        m_responsePipe.reset();
        closeSocket();
        m_pool->release(this, false);
        return;
    }
    wakeWhenReaderTakes();
    m_readNotifier->setEnabled(true);
    m_deadlineNs = upstreamNowNs() + m_timeoutNs;
    rearm(m_deadlineNs);
    readResponse();
}

// The streamed body ended cleanly: the reader gets its end, and the connection goes back to the
// pool if it can carry another request.
void UpstreamConnection::endStream(bool mustClose)
{
    const std::shared_ptr<BodyPipe> pipe = std::exchange(m_responsePipe, nullptr);
    m_timer.stop();
    const bool reusable = !mustClose && m_parser.keepAlive() && !m_writeFailed && !m_requestCut &&
                          !m_requestBody && m_out.isEmpty();
    pipe->end();
    if (!reusable)
        closeSocket();
    m_pool->release(this, reusable);
}

// The upstream died or garbled the body mid-way: the reader sees a failure (the client a
// truncated response), and the connection closes.
void UpstreamConnection::failStream(QString reason)
{
    qCDebug(lcUpstream).noquote() << "a streamed body failed:" << reason;
    const std::shared_ptr<BodyPipe> pipe = std::exchange(m_responsePipe, nullptr);
    pipe->fail(BodyError::UpstreamFailed, std::move(reason));
    closeSocket();
    m_pool->release(this, false);
}

// Answers the exchange, hands the connection back to the pool (or closes it), and resumes the
// waiting coroutine. The caller returns right after: the coroutine may reuse or destroy us.
void UpstreamConnection::finish(UpstreamFailure failure, QString reason, bool mustClose)
{
    UpstreamExchange *exchange = m_exchange;
    m_exchange = nullptr;
    // The timer runs on: a connection going back to the pool keeps it (makeIdle() moves the deadline
    // only), one that closes stops it in closeSocket().
    const bool reusable = failure == UpstreamFailure::None && !mustClose && !m_writeFailed &&
                          m_parser.keepAlive() && m_outPos == 0 && m_out.isEmpty() && !m_requestBody &&
                          !m_requestCut;
    m_requestBody.reset();
    if (exchange) {
        exchange->connection = nullptr;
        exchange->result.failure = failure;
        exchange->result.reason = std::move(reason);
        if (failure == UpstreamFailure::None) {
            UpstreamResponse response;
            response.status = m_parser.status();
            response.versionMinor = m_parser.versionMinor();
            response.headers = m_parser.takeHeaders();
            response.body = m_parser.takeBody();
            exchange->result.response = std::move(response);
        }
        exchange->done = true;
    }
    if (reusable) {
        m_pool->release(this, true);
    } else {
        closeSocket();
        m_pool->release(this, false);
    }
    if (exchange && exchange->waiter)
        exchange->waiter.resume();
}

UpstreamExchange::~UpstreamExchange()
{
    if (connection)
        connection->detach(this);
}

UpstreamConnection *UpstreamPoolCore::takeIdle(const QByteArray &key, bool peek)
{
    const auto it = idle.find(key);
    if (it == idle.end())
        return nullptr;
    std::vector<UpstreamConnection *> &list = *it;
    while (!list.empty()) {
        UpstreamConnection *connection = list.back();
        list.pop_back();
        if (!peek || connection->stillUsable())
            return connection;
        qCDebug(lcUpstream).noquote() << "dropping an idle connection the upstream closed:" << key;
        connection->abandon();
        open.erase(connection);
        connection->deleteLater();
    }
    return nullptr;
}

void UpstreamPoolCore::release(UpstreamConnection *connection, bool reusable)
{
    if (reusable) {
        std::vector<UpstreamConnection *> &list = idle[connection->key()];
        if (int(list.size()) < options.maxIdlePerTarget) {
            list.push_back(connection);
            connection->makeIdle(options.idleTimeoutMs);
            return;
        }
        connection->abandon();
    }
    open.erase(connection);
    connection->deleteLater();
}

void UpstreamPoolCore::forget(UpstreamConnection *connection)
{
    open.erase(connection);
    const auto it = idle.find(connection->key());
    if (it == idle.end())
        return;
    std::erase(*it, connection);
    if (it->empty())
        idle.erase(it);
}

} // namespace Meshdeck::Http
