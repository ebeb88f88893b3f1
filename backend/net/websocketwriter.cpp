#include "websocketwriter.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <algorithm>
#include <cerrno>

#include <sys/socket.h>
#include <sys/uio.h>

namespace Meshdeck::Net {

namespace {
constexpr quint8 OpText = 0x1;
constexpr quint8 FinalFrame = 0x80;
} // namespace

WebSocketWriter::WebSocketWriter(QTcpSocket *transport)
    : m_transport(transport)
    , m_direct(transport && !qobject_cast<QSslSocket *>(transport))
{}

int WebSocketWriter::frameHeader(char *out, quint8 opcode, quint64 length)
{
    out[0] = char(FinalFrame | (opcode & 0x0f));
    if (length < 126) {
        out[1] = char(length);
        return 2;
    }
    if (length <= 0xffff) {
        out[1] = char(126);
        out[2] = char(length >> 8);
        out[3] = char(length);
        return 4;
    }
    out[1] = char(127);
    for (int i = 0; i < 8; ++i)
        out[2 + i] = char(length >> (8 * (7 - i)));
    return 10;
}

qint64 WebSocketWriter::bytesToWrite() const
{
    return m_transport ? m_transport->bytesToWrite() : 0;
}

void WebSocketWriter::writeText(std::span<const QByteArray> payloads)
{
    QTcpSocket *transport = m_transport.data();
    // Nothing once the socket is closing: QWebSocket closes it right after its close frame.
    if (!transport || transport->state() != QAbstractSocket::ConnectedState || !transport->isWritable() ||
        payloads.empty())
        return;
    if (!m_direct || transport->bytesToWrite() > 0) {
        writeBuffered(payloads);
        return;
    }
    const int fd = int(transport->socketDescriptor());
    // 2 iovecs a message, well under IOV_MAX (1024).
    constexpr size_t Batch = 256;
    char headers[Batch][MaxHeaderSize];
    iovec parts[2 * Batch];
    while (!payloads.empty()) {
        const size_t count = std::min(Batch, payloads.size());
        size_t total = 0;
        for (size_t i = 0; i < count; ++i) {
            const QByteArray &payload = payloads[i];
            const int headerSize = frameHeader(headers[i], OpText, quint64(payload.size()));
            parts[2 * i] = {headers[i], size_t(headerSize)};
            parts[2 * i + 1] = {const_cast<char *>(payload.constData()), size_t(payload.size())};
            total += size_t(headerSize) + size_t(payload.size());
        }
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = 2 * count;
        ssize_t sent;
        do {
            sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        // A broken connection too leaves the batch to QTcpSocket: its own write fails the same
        // way and ends the connection through its usual error and disconnected() path.
        if (sent < 0)
            sent = 0;
        ++m_directBatches;
        if (size_t(sent) == total) {
            payloads = payloads.subspan(count);
            continue;
        }
        // The kernel's buffer is full: the rest of this batch, from the first byte it did not
        // take, and every later frame wait in QTcpSocket's buffer for the peer to read.
        size_t skip = size_t(sent);
        for (size_t i = 0; i < 2 * count; ++i) {
            if (skip >= parts[i].iov_len) {
                skip -= parts[i].iov_len;
                continue;
            }
            transport->write(static_cast<const char *>(parts[i].iov_base) + skip,
                             qint64(parts[i].iov_len - skip));
            skip = 0;
        }
        writeBuffered(payloads.subspan(count));
        return;
    }
}

void WebSocketWriter::writeBuffered(std::span<const QByteArray> payloads)
{
    QTcpSocket *transport = m_transport.data();
    for (const QByteArray &payload : payloads) {
        char header[MaxHeaderSize];
        const int headerSize = frameHeader(header, OpText, quint64(payload.size()));
        QByteArray frame;
        frame.reserve(headerSize + payload.size());
        frame.append(header, headerSize);
        frame.append(payload);
        transport->write(frame);
    }
}

} // namespace Meshdeck::Net
