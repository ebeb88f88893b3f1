#pragma once

#include <QByteArray>
#include <QPointer>

#include <span>

class QTcpSocket;

namespace Meshdeck::Net {

// Writes a server's WebSocket text frames (RFC 6455 §5.2: final, unmasked) straight onto the TCP
// socket under a QWebSocket, for fan-out: one sendmsg() per batch of messages, the payloads
// referenced where they are (a message posted to ten thousand sessions is one buffer). QWebSocket
// would convert each message to a QString and back, copy it, and write it through QTcpSocket's
// buffer and a write notifier (two epoll changes and a bytesWritten signal per message).
//
// The stream stays in order with what QWebSocket writes on the same socket (pings, close): while
// QTcpSocket's buffer holds unsent bytes, frames join that buffer too, and what the kernel does not
// take of a batch joins it as well; QTcpSocket's write notifier sends it when the peer reads. Over
// TLS (a QSslSocket) every frame goes through the socket, which encrypts it.
class WebSocketWriter
{
public:
    explicit WebSocketWriter(QTcpSocket *transport);

    // Sends `payloads` (UTF-8 text), each as one frame, in order. Nothing is written once the
    // transport has closed or is gone.
    void writeText(std::span<const QByteArray> payloads);
    void writeText(const QByteArray &payload) { writeText(std::span(&payload, 1)); }
    // Bytes accepted but not yet taken by the kernel (QTcpSocket's buffer).
    qint64 bytesToWrite() const;
    // How many batches went to the descriptor itself (whatever the kernel took of them).
    quint64 directBatches() const { return m_directBatches; }

    // The header of a final, unmasked frame with `opcode` and `length` payload bytes, written to
    // `out` (MaxHeaderSize bytes); answers its size.
    static constexpr int MaxHeaderSize = 10;
    static int frameHeader(char *out, quint8 opcode, quint64 length);

private:
    void writeBuffered(std::span<const QByteArray> payloads);

    QPointer<QTcpSocket> m_transport;
    bool m_direct; // plain TCP: frames go to the descriptor when nothing waits in QTcpSocket's buffer
    quint64 m_directBatches = 0;
};

} // namespace Meshdeck::Net
