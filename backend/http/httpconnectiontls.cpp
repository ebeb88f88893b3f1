#include "httpconnection.h"

#include "httpworker.h"
#include "tlscredentials.h"

#include <QSslSocket>

namespace Meshdeck::Http {

// HTTPS: a QSslSocket takes the descriptor on the worker's thread and does the handshake; the
// connection's state machine then reads and writes through it (see the `m_tls` branches).

void HttpConnection::startTls(const QSslConfiguration &configuration)
{
    m_tls = new QSslSocket(this);
    // Backpressure as in plain HTTP: while the connection reads nothing, the socket buffers at most
    // this much and then leaves the rest in the kernel.
    m_tls->setReadBufferSize(ReadBufferCap);
    if (!m_tls->setSocketDescriptor(m_fd)) {
        qCWarning(lcTls).noquote() << "cannot serve TLS to" << m_peer << ":" << m_tls->errorString();
        // Not from the constructor: the worker has not listed this connection yet.
        QMetaObject::invokeMethod(this, &HttpConnection::finish, Qt::QueuedConnection);
        return;
    }
    m_fd = -1; // the socket owns the descriptor now
    m_tls->setSslConfiguration(configuration);
    connect(m_tls, &QSslSocket::readyRead, this, &HttpConnection::onReadable);
    connect(m_tls, &QSslSocket::encryptedBytesWritten, this, &HttpConnection::onWritable);
    // QAbstractSocket does not half-close: once the client closes, nothing can be answered.
    connect(m_tls, &QSslSocket::disconnected, this, &HttpConnection::finish);
    connect(m_tls, &QSslSocket::errorOccurred, this, &HttpConnection::onTlsError);
    if (isRefusal())
        connect(m_tls, &QSslSocket::encrypted, this, &HttpConnection::onEncrypted);
    m_tls->startServerEncryption();
}

void HttpConnection::onEncrypted()
{
    // Over the cap: the 503 plain HTTP would have had, now that the client can read it; then close
    // (what the client sends meanwhile is read and dropped while the connection lingers).
    m_noMoreRequests = true;
    Pending slot;
    slot.bytes = std::exchange(m_refusal, QByteArray());
    slot.ready = true;
    slot.close = true;
    m_pending.push_back(std::move(slot));
    ++m_nextSeq;
    flush();
}

void HttpConnection::onTlsError(QAbstractSocket::SocketError error)
{
    if (m_finished)
        return;
    if (!m_tls->isEncrypted()) {
        // Plain HTTP on the TLS port, a bad ClientHello, no common protocol version: one line, no reply.
        if (error == QAbstractSocket::RemoteHostClosedError)
            qCDebug(lcTls).noquote() << "client" << m_peer << "closed during the TLS handshake";
        else
            qCInfo(lcTls).noquote() << "TLS handshake with" << m_peer << "failed:" << m_tls->errorString();
    }
    finish();
}

qint64 HttpConnection::unsentBytes() const
{
    return m_tls ? m_tls->bytesToWrite() + m_tls->encryptedBytesToWrite() : m_out.size();
}

} // namespace Meshdeck::Http
