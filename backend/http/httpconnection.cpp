#include "httpconnection.h"

#include "epolldispatcher.h"

#include "httpworker.h"
#include "problem.h"
#include "responsewriter.h"
#include "tlscredentials.h"

#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QWebSocketServer>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Meshdeck::Http {

namespace {

constexpr qsizetype MaxUnsent = 4 * 1024 * 1024; // stop reading while this much is unsent
constexpr int MaxLingerMs = 2000;                // how long a closing connection drains the client
// A streamed response body is pulled from its source only while less than this waits unsent: a
// slow reader holds the producer back instead of growing our buffer.
constexpr qint64 StreamHighWater = 64 * 1024;

bool isValidRequestId(QByteArrayView id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok)
            return false;
    }
    return true;
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

// The connection does its own non-blocking socket I/O on QSocketNotifiers: one recv() per wake-up
// into a buffer that keeps its capacity, one send() per batch of ready responses. QTcpSocket would
// add an ioctl, a copy into its own buffer and a signal per read; it is used only to hand a
// WebSocket upgrade to QWebSocketServer.
//
// HTTPS is the exception: a QSslSocket takes the descriptor on this thread, does the handshake,
// and the same state machine reads and writes through it instead of recv() and send().

HttpConnection::HttpConnection(int fd, QByteArray peer, HttpWorker *worker, const QSslConfiguration *tls,
                               QByteArray refusal)
    : QObject(worker)
    , m_fd(fd)
    , m_peer(std::move(peer))
    , m_worker(worker)
    , m_parser(worker->limits())
    , m_refusal(std::move(refusal))
    , m_refusing(!m_refusal.isEmpty())
{
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const Dispatcher *dispatcher = &worker->dispatcher();
    const qint64 defaultBody = worker->limits().defaultMaxBody;
    m_parser.setBodyLimitResolver([dispatcher, defaultBody](const Request &r) {
        const qint64 limit = dispatcher->bodyLimit(r);
        return limit >= 0 ? limit : defaultBody;
    });
    // A data plane's request bodies stream: only the bytes buffered count against the budget.
    m_streamRequests = worker->dispatcher().streamsBodies();
    m_parser.setStreaming(m_streamRequests);
    if (!m_streamRequests) // a route may still stream its bodies (RouteOptions::streamBody)
        m_parser.setStreamingResolver([dispatcher](const Request &r) { return dispatcher->streamsBody(r); });
    m_parser.setBodyAdmission([this](qint64 bytes) {
        return (m_inPipe ? m_inPipe->lease() : m_bodyLease).grow(m_worker->bodyBudget(), bytes);
    });
    // The handshake counts against the header timeout: a client that never finishes it is a
    // slowloris too.
    m_deadline = worker->nowMs() + worker->limits().headerTimeoutMs;
    // Bytes may be owed before any response (a TLS handshake's): the send timeout counts from now.
    m_sendProgressMs = worker->nowMs();
    if (!isRefusal())
        worker->dispatcher().metrics()->openConnections.fetch_add(1, std::memory_order_relaxed);
    if (tls) {
        startTls(*tls);
        return;
    }
    m_readNotifier =
        new DirectSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, this,
                                 &DirectSocketNotifier::call<HttpConnection, &HttpConnection::onReadable>);
    m_writeNotifier =
        new DirectSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, this,
                                 &DirectSocketNotifier::call<HttpConnection, &HttpConnection::onWritable>);
    m_writeNotifier->setEnabled(false);
}

HttpConnection::~HttpConnection()
{
    if (m_tls)
        disconnect(m_tls, nullptr, this, nullptr); // it is deleted after us, as our child
    if (!m_finished) {
        m_finished = true;
        if (m_fd >= 0)
            ::close(m_fd);
        if (!isRefusal())
            m_worker->dispatcher().metrics()->openConnections.fetch_sub(1, std::memory_order_relaxed);
    }
}

void HttpConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_bodyLease.release();
    if (m_inPipe)
        std::exchange(m_inPipe, nullptr)
            ->fail(BodyError::ClientGone, QStringLiteral("the client closed the connection"));
    m_outSource.reset(); // tells the producer nobody reads any more
    // Disabled, not deleted: we may be inside one of their activated() signals. They go with us.
    if (m_readNotifier) {
        m_readNotifier->setEnabled(false);
        m_writeNotifier->setEnabled(false);
    }
    if (m_tls) {
        // The socket may be emitting the signal that got us here: silence it now, close it when it
        // is deleted with us.
        disconnect(m_tls, nullptr, this, nullptr);
    }
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!isRefusal())
        m_worker->dispatcher().metrics()->openConnections.fetch_sub(1, std::memory_order_relaxed);
    m_worker->forget(this);
    // Handlers still running hold no pointer to us: their completions check this object is alive.
    deleteLater();
}

bool HttpConnection::readAvailable()
{
    if (m_inPos > 0) {
        m_in.remove(0, m_inPos);
        m_inPos = 0;
    }
    if (m_tls) {
        const qsizetype want = qsizetype(qMin<qint64>(m_tls->bytesAvailable(), ReadBufferCap));
        const qsizetype old = m_in.size();
        m_in.resize(old + want);
        m_in.resize(old + qsizetype(qMax<qint64>(m_tls->read(m_in.data() + old, want), 0)));
        return true;
    }
    // Read what is there, up to a cap per wake-up so one connection cannot starve the others.
    constexpr qsizetype Chunk = 16 * 1024;
    qsizetype total = 0;
    while (total < ReadBufferCap) {
        const qsizetype old = m_in.size();
        m_in.resize(old + Chunk);
        const ssize_t n = ::recv(m_fd, m_in.data() + old, size_t(Chunk), 0);
        m_in.resize(old + qsizetype(qMax<ssize_t>(n, 0)));
        if (n > 0) {
            total += n;
            if (n < Chunk)
                break;
            continue;
        }
        if (n == 0) {
            m_peerClosed = true; // the client may have half-closed after sending: still answer it
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            finish();
            return false;
        }
        break;
    }
    return true;
}

void HttpConnection::onReadable()
{
    if (m_finished)
        return;
    if (m_tls) {
        if (m_closing) {
            m_tls->skip(m_tls->bytesAvailable());
            return;
        }
        if (!m_tlsReading)
            return; // the bytes wait in the socket until updateReading() resumes
    } else if (m_closing) {
        // Lingering close: discard what the client still sends until it closes too, so our
        // last response is not destroyed by a reset.
        char sink[4096];
        ssize_t n;
        while ((n = ::recv(m_fd, sink, sizeof sink, 0)) > 0) {
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            finish();
        return;
    }
    if (!readAvailable())
        return;
    process();
    if (!m_finished && m_peerClosed && !m_closing && m_pending.empty() && unsentBytes() == 0)
        finish(); // nothing more will come and nothing is owed
}

void HttpConnection::process()
{
    while (!m_closing && m_inPos < m_in.size()) {
        if (m_discardInput) {
            m_inPos = m_in.size();
            break;
        }
        if (m_inPipe) {
            // A streamed body: on only while its reader keeps up; the kernel holds the rest.
            if (m_inPipe->abandoned()) {
                stopRequestBody(BodyError::Abandoned, {});
                continue;
            }
            if (!m_inPipe->writable())
                break;
            m_inPos += m_parser.feed(QByteArrayView(m_in).sliced(m_inPos));
            if (!passBodyOn())
                return;
            continue;
        }
        if (m_noMoreRequests || qsizetype(m_pending.size()) >= m_worker->limits().maxPipelined)
            break;
        m_inPos += m_parser.feed(QByteArrayView(m_in).sliced(m_inPos));
        if (m_parser.hasError()) {
            rejectMalformed();
            return;
        }
        // Nothing else may be on the wire: an interim response inside a streamed body would be
        // taken as body bytes.
        if (m_parser.wantsContinue() && m_pending.empty() && !m_outSource) {
            send("HTTP/1.1 100 Continue\r\n\r\n");
            m_parser.continueSent();
        }
        if (!m_parser.isComplete()) {
            // The body did not all come with the head: a data plane gets the request now and
            // pulls the body as it arrives.
            if (m_parser.streamingBody() && m_parser.headComplete()) {
                dispatchStreamed();
                if (m_finished)
                    return;
                continue;
            }
            break;
        }
        dispatch(m_parser.takeRequest());
        if (m_finished)
            return;
    }
    if (m_inPos == m_in.size()) {
        m_in.resize(0);
        m_inPos = 0;
    }
    if (m_inPipe && m_peerClosed && m_in.isEmpty())
        stopRequestBody(BodyError::ClientGone, QStringLiteral("the client closed the connection mid-body"));
    updateReading();
    updateDeadline();
}

void HttpConnection::queueProcess()
{
    if (m_processQueued || m_finished)
        return;
    m_processQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_processQueued = false;
            if (!m_finished && !m_closing)
                process();
        },
        Qt::QueuedConnection);
}

// The head of a data plane's request is complete and its body is not: the request goes to the
// handler now, with a source for the body; what arrived so far is its first bytes.
void HttpConnection::dispatchStreamed()
{
    auto pipe = std::make_shared<BodyPipe>(m_parser.declaredLength());
    pipe->lease() = std::move(m_bodyLease);
    pipe->push(m_parser.takeBody());
    const QPointer<HttpConnection> self(this);
    pipe->onWritable([self] {
        if (self)
            self->queueProcess();
    });
    Request request = m_parser.takeHead();
    request.bodySource = std::make_shared<BodySource>(pipe);
    m_inPipe = pipe;
    dispatch(std::move(request), std::move(pipe));
}

// After a feed during a streamed body: its new bytes go to the reader, and its end or its fault.
// False when the connection is closing or gone.
bool HttpConnection::passBodyOn()
{
    if (m_parser.hasError()) {
        // Over the limit (413) or malformed: the handler learns it and answers; we close after.
        const BodyError error = m_parser.errorStatus() == 413 ? BodyError::TooLarge : BodyError::Invalid;
        stopRequestBody(error, m_parser.errorReason());
        updateReading();
        updateDeadline();
        return false;
    }
    const std::shared_ptr<BodyPipe> pipe = m_inPipe; // the push may run the handler, which may answer
    QByteArray bytes = m_parser.takeBody();
    const bool complete = m_parser.isComplete();
    if (complete) {
        m_parser.reset();
        m_inPipe.reset();
    } else {
        // Re-armed on every pass: a wake-up is used once.
        const QPointer<HttpConnection> self(this);
        pipe->onWritable([self] {
            if (self)
                self->queueProcess();
        });
    }
    pipe->push(std::move(bytes));
    if (complete)
        pipe->end();
    return !m_finished && !m_closing;
}

// The streamed body being received ends short: its reader is told why (unless it left), no
// request follows on this connection, and whatever the client still sends is thrown away.
void HttpConnection::stopRequestBody(BodyError error, const QString &reason)
{
    const std::shared_ptr<BodyPipe> pipe = std::exchange(m_inPipe, nullptr);
    m_noMoreRequests = true;
    m_discardInput = true;
    m_in.resize(0);
    m_inPos = 0;
    m_parser.reset();
    if (pipe && error != BodyError::Abandoned)
        pipe->fail(error, reason);
}

void HttpConnection::updateReading()
{
    if (m_finished)
        return;
    // Backpressure: stop reading while the pipeline window is full or the client is not taking
    // its responses; the kernel's buffers then slow the client down.
    const bool full = qsizetype(m_pending.size()) >= m_worker->limits().maxPipelined ||
                      unsentBytes() > MaxUnsent || (m_inPipe && !m_inPipe->writable());
    const bool reading = m_closing || (!full && !m_peerClosed);
    if (!m_tls) {
        m_readNotifier->setEnabled(reading);
        return;
    }
    m_tlsReading = reading;
    // Bytes the socket already holds raise no new readyRead: fetch them.
    if (reading && !m_tlsReadQueued && m_tls->bytesAvailable() > 0) {
        m_tlsReadQueued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_tlsReadQueued = false;
                onReadable();
            },
            Qt::QueuedConnection);
    }
}

void HttpConnection::send(QByteArrayView bytes)
{
    if (m_finished || bytes.isEmpty())
        return;
    if (m_tls) {
        // QSslSocket encrypts and buffers everything; onWritable() follows its progress.
        if (m_tls->bytesToWrite() == 0)
            m_sendProgressMs = m_worker->nowMs();
        if (m_tls->write(bytes.data(), bytes.size()) != bytes.size())
            m_sendFailed = true;
        return;
    }
    if (m_out.isEmpty()) {
        const ssize_t n = ::send(m_fd, bytes.data(), size_t(bytes.size()), MSG_NOSIGNAL);
        if (n == bytes.size())
            return;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            m_sendFailed = true;
            return;
        }
        m_out.append(bytes.sliced(qMax<ssize_t>(n, 0)));
        m_sendProgressMs = m_worker->nowMs(); // the wait for the client starts now
    } else {
        m_out.append(bytes);
    }
    m_writeNotifier->setEnabled(true);
}

void HttpConnection::onWritable()
{
    if (m_finished)
        return;
    if (m_tls) {
        m_sendProgressMs = m_worker->nowMs(); // QSslSocket wrote some
        if (m_outSource && !m_closing && unsentBytes() < StreamHighWater)
            pumpStream();
        if (unsentBytes() > 0 || m_finished)
            return;
        if (m_closing)
            closeGracefully();
        else if (!m_outSource)
            process();
        return;
    }
    while (!m_out.isEmpty()) {
        const ssize_t n = ::send(m_fd, m_out.constData(), size_t(m_out.size()), MSG_NOSIGNAL);
        if (n > 0) {
            m_out.remove(0, n);
            m_sendProgressMs = m_worker->nowMs();
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        finish();
        return;
    }
    m_writeNotifier->setEnabled(false);
    if (m_closing) {
        closeGracefully();
    } else if (m_outSource) {
        pumpStream(); // a streamed body goes on now that the client took what we had
    } else {
        process(); // resume pipelined requests held back while the client was not reading
    }
}

QByteArray HttpConnection::takeRequestId(const Request &request)
{
    QByteArray id = request.header("x-request-id");
    return isValidRequestId(id) ? id : m_worker->nextRequestId();
}

void HttpConnection::dispatch(Request request, std::shared_ptr<BodyPipe> requestPipe)
{
    request.requestId = takeRequestId(request);
    request.peer = m_peer;
    if (!request.keepAlive)
        m_noMoreRequests = true;
    // What the response needs from the request, taken before the dispatcher runs: a coroutine
    // handler takes the request over. Synchronous and asynchronous answers complete from it alike.
    const qint64 startedNs = m_worker->dispatcher().countsRequests() ? m_worker->nowNs() : 0;
    ReplyContext context{m_nextSeq,         request.requestId,        request.versionMinor,
                         request.keepAlive, request.method == "HEAD", nullptr,
                         startedNs,         std::move(m_bodyLease),   std::move(requestPipe)};

    QByteArray path = request.path; // shared, not copied: a handler takes the request over
    Dispatcher::Outcome outcome = m_worker->dispatcher().dispatch(request);
    if (outcome.webSocket) {
        // Over TLS, bytes already written (the session tickets sent after the handshake, earlier
        // responses) travel in order inside the socket that is handed over; only our own buffer cannot.
        if (m_pending.empty() && (m_tls || m_out.isEmpty())) {
            handOverWebSocket(request);
            return;
        }
        outcome.response =
            problem(request, 400, QStringLiteral("A WebSocket upgrade cannot follow pipelined requests."),
                    "bad-upgrade");
    }
    context.stats = outcome.stats;
    ++m_nextSeq;
    m_pending.emplace_back();
    if (outcome.response) {
        complete(context, std::move(*outcome.response));
    } else {
        // Dropped at once: the coroutine runs on and frees itself when it has answered.
        // A task without a route is a frontend's, which the dispatcher does not guard.
        QCoro::Task<> answering = awaitAnswer(this, std::move(context), std::move(*outcome.task),
                                              outcome.route ? QByteArray() : std::move(path));
    }
}

// Waits for a coroutine handler's answer and completes its slot if the connection is still there:
// one coroutine frame, where QCoro::connect() took two (then() and its callback's) and a
// frontend's guard a third.
QCoro::Task<> HttpConnection::awaitAnswer(QPointer<HttpConnection> self, ReplyContext context,
                                          QCoro::Task<Response> task, QByteArray frontendPath)
{
    std::optional<Response> response;
    try {
        response = co_await task;
    } catch (const std::exception &e) {
        qCWarning(lcHttp) << "the data plane failed on" << frontendPath << ":" << e.what();
    } catch (...) {
        qCWarning(lcHttp) << "the data plane failed on" << frontendPath << "with a non-standard exception";
    }
    if (!response) {
        // A route's handler is guarded by the dispatcher (runGuarded); a frontend's is not.
        Request failed;
        failed.path = frontendPath;
        failed.requestId = context.requestId;
        response = problem(failed, 500,
                           QStringLiteral("The gateway failed while handling this request; the log has the "
                                          "details under this request id."),
                           "internal");
    }
    if (self)
        self->complete(context, std::move(*response));
}

void HttpConnection::complete(const ReplyContext &context, Response response)
{
    // Closing drops what was pending: a handler answering after that has nobody to answer.
    if (m_finished || m_closing)
        return;
    if (context.stats)
        context.stats->record(response.status, (m_worker->nowNs() - context.startedNs) / 1000);
    const size_t index = size_t(context.seq - m_baseSeq);
    Q_ASSERT(index < m_pending.size());
    Pending &slot = m_pending[index];
    slot.close = !context.keepAlive || response.closeAfter || m_draining || m_worker->draining();
    if (context.requestPipe) {
        // Answered before its body all came (or the body failed): the rest is not read, so the
        // connection cannot carry another request.
        if (context.requestPipe == m_inPipe)
            stopRequestBody(BodyError::Abandoned, {});
        if (!context.requestPipe->producerEnded())
            slot.close = true;
    }
    if (response.bodySource) {
        const bool bodyless =
            context.head || response.status == 204 || response.status == 304 || response.status < 200;
        if (bodyless) {
            if (response.declaredLength < 0 && context.head)
                response.declaredLength = response.bodySource->length();
            response.bodySource.reset(); // nothing of it is sent: its producer stops
        } else if (response.bodySource->length() < 0 && context.versionMinor == 0) {
            slot.close = true; // HTTP/1.0 without a length: the body ends with the connection
        }
    }
    if (slot.close)
        m_noMoreRequests = true;
    if (index == 0 && !slot.close && !m_outSource && !response.bodySource) {
        // The usual case: nothing is queued ahead, so send straight from the thread's scratch buffer.
        QByteArray &scratch = m_worker->scratch();
        scratch.resize(0);
        serializeResponse(scratch, response, m_worker->dateHeader(), context.requestId, context.versionMinor,
                          context.keepAlive, false, context.head);
        send(scratch);
        m_pending.pop_front();
        ++m_baseSeq;
        ++m_served;
        flush();
        return;
    }
    serializeResponse(slot.bytes, response, m_worker->dateHeader(), context.requestId, context.versionMinor,
                      context.keepAlive, slot.close, context.head);
    if (response.bodySource) {
        slot.chunked = response.bodySource->length() < 0 && context.versionMinor >= 1;
        slot.stream = std::move(response.bodySource);
    }
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
    m_bodyLease.release();
    const bool overloaded = m_parser.errorStatus() == 503;
    Response response = problem(context, m_parser.errorStatus(), m_parser.errorReason(),
                                overloaded ? "overloaded" : "malformed-request");
    if (overloaded)
        response.setHeader("retry-after", "1");
    m_worker->dispatcher().metrics()->unmatched()->record(response.status, 0);
    if (m_streamRequests) {
        Request refused = partial;
        refused.requestId = context.requestId;
        refused.peer = m_peer;
        m_worker->dispatcher().engineRefused(refused, response);
    }
    m_noMoreRequests = true;
    Pending slot;
    slot.close = true;
    slot.ready = true;
    serializeResponse(slot.bytes, response, m_worker->dateHeader(), context.requestId, 1, false, true, false);
    m_pending.push_back(std::move(slot));
    ++m_nextSeq;
    m_in.resize(0);
    m_inPos = 0;
    flush();
}

void HttpConnection::flush()
{
    if (m_finished)
        return;
    if (m_outSource)
        return pumpStream(); // the responses behind a streamed body wait for its end
    bool close = false;
    while (!m_pending.empty() && m_pending.front().ready) {
        send(m_pending.front().bytes);
        close = m_pending.front().close;
        if (m_pending.front().stream) {
            startStream(m_pending.front());
            m_pending.pop_front();
            ++m_baseSeq;
            ++m_served;
            return pumpStream();
        }
        m_pending.pop_front();
        ++m_baseSeq;
        ++m_served;
        if (close)
            break;
    }
    if (m_sendFailed) {
        finish();
        return;
    }
    if (close || (m_draining && m_pending.empty() && !m_parser.inProgress()) ||
        (m_peerClosed && m_pending.empty())) {
        closeGracefully();
        return;
    }
    // Pipelined bytes wait while the window is full; resume them now that a slot may be free.
    if (!m_noMoreRequests && m_inPos < m_in.size() &&
        qsizetype(m_pending.size()) < m_worker->limits().maxPipelined)
        QMetaObject::invokeMethod(this, &HttpConnection::process, Qt::QueuedConnection);
    updateReading();
    updateDeadline();
}

void HttpConnection::startStream(Pending &slot)
{
    m_outSource = std::move(slot.stream);
    m_outChunked = slot.chunked;
    m_outClose = slot.close;
    m_outLeft = m_outChunked ? -1 : m_outSource->length();
}

void HttpConnection::queuePump()
{
    if (m_pumpQueued || m_finished)
        return;
    m_pumpQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_pumpQueued = false;
            if (!m_finished && !m_closing && m_outSource)
                pumpStream();
        },
        Qt::QueuedConnection);
}

// Writes what the streamed body's source has while the client keeps up (less than
// StreamHighWater unsent); onWritable() or the source's wake-up brings us back. A source that
// fails closes the connection short: no final chunk, or fewer bytes than the Content-Length, so
// the client sees a truncated response, never a complete one.
void HttpConnection::pumpStream()
{
    while (m_outSource && !m_finished && unsentBytes() < StreamHighWater) {
        BodyPipe &pipe = m_outSource->pipe();
        if (!pipe.readable()) {
            const QPointer<HttpConnection> self(this);
            pipe.onReadable([self] {
                if (self)
                    self->queuePump();
            });
            break;
        }
        BodyChunk chunk = pipe.take();
        const bool overrun = m_outLeft >= 0 && chunk.bytes.size() > m_outLeft;
        const bool shortEnd = chunk.end && m_outLeft > 0;
        if (chunk.failed() || overrun || shortEnd) {
            qCDebug(lcHttp).noquote() << "a streamed response body ended short:"
                                      << (chunk.failed() ? chunk.reason : QStringLiteral("length mismatch"));
            m_outSource.reset();
            m_noMoreRequests = true;
            closeGracefully();
            return;
        }
        if (chunk.end) {
            if (m_outChunked)
                send("0\r\n\r\n");
            m_outSource.reset();
            if (m_outClose) {
                closeGracefully();
                return;
            }
            flush(); // the responses queued behind this body
            return;
        }
        if (m_outLeft >= 0)
            m_outLeft -= chunk.bytes.size();
        if (m_outChunked) {
            QByteArray &frame = m_worker->scratch();
            frame.resize(0);
            frame.reserve(chunk.bytes.size() + 32);
            frame += QByteArray::number(chunk.bytes.size(), 16);
            frame += "\r\n";
            frame += chunk.bytes;
            frame += "\r\n";
            send(frame);
        } else {
            send(chunk.bytes);
        }
        if (m_sendFailed) {
            finish();
            return;
        }
    }
    updateReading();
    updateDeadline();
}

void HttpConnection::closeGracefully()
{
    if (m_finished)
        return;
    if (!m_closing) {
        m_closing = true;
        m_pending.clear();
        m_outSource.reset();
        if (m_inPipe)
            std::exchange(m_inPipe, nullptr)
                ->fail(BodyError::ClientGone, QStringLiteral("the connection closed mid-body"));
        m_bodyLease.release(); // a body still arriving is abandoned
        m_wait = Wait::Linger;
        m_deadline = m_worker->nowMs() + qMin(m_worker->limits().headerTimeoutMs, MaxLingerMs);
    }
    if (unsentBytes() > 0)
        return; // onWritable() comes back here once everything is sent
    if (!m_shutdownSent) {
        m_shutdownSent = true;
        if (m_tls)
            m_tls->disconnectFromHost(); // close_notify; disconnected() then finishes us
        else
            ::shutdown(m_fd, SHUT_WR);
    }
    if (m_peerClosed)
        finish();
    else
        updateReading(); // keep draining until the client closes or the linger deadline passes
}

void HttpConnection::updateDeadline()
{
    if (m_closing || m_finished)
        return;
    const Limits &limits = m_worker->limits();
    const qint64 now = m_worker->nowMs();
    const auto state = m_parser.state();
    if (m_inPipe && !m_inPipe->writable()) {
        m_wait = Wait::None; // the handler is not taking the body yet: the client waits on us
    } else if (m_parser.inProgress()) {
        if (state == RequestParser::State::RequestLine || state == RequestParser::State::Headers) {
            // The whole head must arrive within the timeout from its first byte: a slowloris client
            // sending a byte at a time gains nothing.
            if (m_wait != Wait::Head) {
                m_wait = Wait::Head;
                m_deadline = now + limits.headerTimeoutMs;
            }
        } else {
            m_wait = Wait::Body; // the body must keep moving
            m_deadline = now + limits.headerTimeoutMs;
        }
    } else if (unsentBytes() > 0) {
        // The client must keep taking its responses, each write within the idle timeout (nginx's
        // send_timeout): one that stops reading (a zero window, a stalled download) would otherwise
        // hold the connection, its buffers and a streamed body's upstream exchange for ever.
        // checkTimeout() follows the progress made meanwhile.
        m_wait = Wait::Send;
        m_deadline = m_sendProgressMs + limits.idleTimeoutMs;
    } else if (!m_pending.empty() || m_outSource) {
        m_wait = Wait::None; // a handler is working, or a streamed body waits for its source
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
        if (m_tls && !m_tls->isEncrypted()) {
            qCInfo(lcTls).noquote() << "TLS handshake with" << m_peer << "did not finish within"
                                    << m_worker->limits().headerTimeoutMs << "ms; closed";
            finish();
            break;
        }
        qCDebug(lcHttp) << "request read timeout from" << m_peer;
        if (m_inPipe) {
            // The handler has the request: it learns the body stalled and answers (then we close).
            stopRequestBody(BodyError::Timeout, QStringLiteral("The request body did not move for %1 ms.")
                                                    .arg(m_worker->limits().headerTimeoutMs));
            updateReading();
            updateDeadline();
            break;
        }
        if (m_pending.empty() && !m_outSource) { // never inside a streamed body: just close
            Request context;
            context.path = m_parser.partialRequest().path;
            context.requestId = m_worker->nextRequestId();
            const Response response = problem(context, 408,
                                              QStringLiteral("The request did not arrive within %1 ms.")
                                                  .arg(m_worker->limits().headerTimeoutMs),
                                              "request-timeout");
            QByteArray bytes;
            serializeResponse(bytes, response, m_worker->dateHeader(), context.requestId, 1, false, true,
                              false);
            send(bytes);
            m_worker->dispatcher().metrics()->unmatched()->record(408, 0);
        }
        m_noMoreRequests = true;
        closeGracefully();
        break;
    }
    case Wait::Send:
        if (unsentBytes() == 0)
            break;
        if (nowMs < m_sendProgressMs + m_worker->limits().idleTimeoutMs) {
            m_deadline = m_sendProgressMs + m_worker->limits().idleTimeoutMs; // it took some since
            break;
        }
        qCInfo(lcHttp).noquote() << m_peer << "took no byte of its response for"
                                 << m_worker->limits().idleTimeoutMs << "ms; closed";
        m_outSource.reset(); // a streamed body's producer learns that its reader is gone
        finish();
        break;
    case Wait::Idle:
        m_noMoreRequests = true;
        closeGracefully();
        break;
    case Wait::Linger:
        finish();
        break;
    case Wait::None:
        break;
    }
}

void HttpConnection::drain()
{
    m_draining = true;
    // An idle keep-alive connection owes nothing: close it now. Busy ones close after their response.
    if (m_pending.empty() && unsentBytes() == 0 && !m_parser.inProgress() && !m_closing && !m_outSource)
        finish();
}

void HttpConnection::handOverWebSocket(const Request &request)
{
    QByteArray raw = rebuildHandshake(request);
    raw += QByteArrayView(m_in).sliced(m_inPos);
    m_in.clear();
    m_inPos = 0;
    if (m_tls) {
        // The encrypted socket itself goes to QWebSocketServer: WSS is WebSocket over this stream.
        QSslSocket *socket = m_tls;
        m_tls = nullptr;
        disconnect(socket, nullptr, this, nullptr);
        socket->setParent(m_worker->webSocketServer());
        socket->setReadBufferSize(0);
        for (qsizetype i = raw.size() - 1; i >= 0; --i)
            socket->ungetChar(raw[i]);
        finish();
        m_worker->handingOver(socket);
        m_worker->webSocketServer()->handleConnection(socket);
        return;
    }
    m_readNotifier->setEnabled(false); // unregisters the descriptor before QTcpSocket takes it
    m_writeNotifier->setEnabled(false);
    auto *socket = new QTcpSocket(m_worker->webSocketServer());
    if (!socket->setSocketDescriptor(m_fd)) {
        qCWarning(lcHttp) << "could not hand a WebSocket upgrade over:" << socket->errorString();
        delete socket;
        finish();
        return;
    }
    m_fd = -1; // the QTcpSocket owns the descriptor now
    for (qsizetype i = raw.size() - 1; i >= 0; --i)
        socket->ungetChar(raw[i]);
    finish();
    m_worker->handingOver(socket);
    m_worker->webSocketServer()->handleConnection(socket);
}

} // namespace Meshdeck::Http
