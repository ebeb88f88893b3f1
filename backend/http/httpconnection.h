#pragma once

#include "bodybudget.h"
#include "dispatcher.h"
#include "requestparser.h"

#include <QAbstractSocket>
#include <QObject>
#include <QPointer>

#include <deque>

class QSocketNotifier;
class QSslConfiguration;
class QSslSocket;

namespace Meshdeck::Http {

class HttpWorker;

// One client connection on a worker thread: parses requests as bytes arrive, dispatches them,
// and writes responses strictly in request order (pipelining), whatever order handlers finish in.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    // With `tls`, the connection is HTTPS: a QSslSocket takes the descriptor and does the I/O.
    // With a `refusal` too (a serialized response), it only handshakes, sends that and closes; it
    // reads no request and does not count as an open connection (the cap's 503 over TLS).
    HttpConnection(int fd, QByteArray peer, HttpWorker *worker, const QSslConfiguration *tls = nullptr,
                   QByteArray refusal = {});
    ~HttpConnection() override;

    void checkTimeout(qint64 nowMs);
    void drain();
    bool isRefusal() const { return m_refusing; }

private:
    static constexpr qsizetype ReadBufferCap = 256 * 1024; // read at most this much per wake-up

    struct Pending {
        QByteArray bytes;
        BodySourcePtr stream; // a body to pull and write after `bytes`
        bool chunked = false;
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
        BodyLease body; // the request's body bytes stay counted until its handler answered
        std::shared_ptr<BodyPipe> requestPipe; // a streamed request body
    };
    enum class Wait { None, Head, Body, Send, Idle, Linger };

    void onReadable();
    void onWritable();
    void startTls(const QSslConfiguration &configuration);
    void onTlsError(QAbstractSocket::SocketError error);
    void onEncrypted();
    qint64 unsentBytes() const;
    bool readAvailable();
    void process();
    void dispatch(Request request, std::shared_ptr<BodyPipe> requestPipe = {});
    void dispatchStreamed();
    bool passBodyOn();
    void stopRequestBody(BodyError error, const QString &reason);
    void queueProcess();
    void startStream(Pending &slot);
    void pumpStream();
    void queuePump();
    void complete(const ReplyContext &context, Response response);
    static QCoro::Task<> awaitAnswer(QPointer<HttpConnection> self, ReplyContext context,
                                     QCoro::Task<Response> task, QByteArray frontendPath);
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
    QSslSocket *m_tls = nullptr; // HTTPS: owns the descriptor (m_fd is -1), no notifiers
    bool m_tlsReading = true;    // HTTPS: the stand-in for the read notifier being enabled
    bool m_tlsReadQueued = false;
    RequestParser m_parser;
    BodyLease m_bodyLease; // the body being received
    QByteArray m_in;
    qsizetype m_inPos = 0;
    QByteArray m_out; // bytes the kernel did not take yet
    std::deque<Pending> m_pending;
    // Request bodies of a data plane stream: the dispatched request whose body is still arriving.
    bool m_streamRequests = false;
    std::shared_ptr<BodyPipe> m_inPipe;
    bool m_discardInput = false; // the rest of a body nobody reads: thrown away until the close
    bool m_processQueued = false;
    // A response body being written as its source gives it.
    BodySourcePtr m_outSource;
    qint64 m_outLeft = -1; // bytes the announced Content-Length still owes; -1: chunked or until close
    bool m_outChunked = false;
    bool m_outClose = false;
    bool m_pumpQueued = false;
    quint64 m_nextSeq = 0;
    quint64 m_baseSeq = 0;
    Wait m_wait = Wait::Head;
    qint64 m_deadline = 0;
    qint64 m_sendProgressMs = 0; // when the client last took bytes of its responses (or began to owe them)
    quint64 m_served = 0;
    bool m_noMoreRequests = false; // a close was decided; parse nothing after it
    bool m_closing = false;
    bool m_draining = false;
    bool m_peerClosed = false;
    bool m_shutdownSent = false;
    bool m_sendFailed = false;
    bool m_finished = false;
    QByteArray m_refusal; // HTTPS over the cap: the 503 to send once the handshake is done
    bool m_refusing = false;
};

} // namespace Meshdeck::Http
