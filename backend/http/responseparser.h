#pragma once

#include "httptypes.h"
#include "repeatedheads.h"

#include <QByteArray>
#include <QString>

namespace Meshdeck::Http {

// An incremental HTTP/1.x response parser (RFC 9112) for the upstream client. It owns no socket:
// feed() it bytes as they arrive, tell it when the connection ended, and take the response once it
// is complete. Whatever an upstream sends, the outcome is a response or an error with a reason,
// never a crash: the gateway puts untrusted servers behind it.
//
// Strict where leniency would let a response desynchronise a kept-alive connection: CRLF line
// endings only, no obs-fold, header names are tokens, Content-Length and Transfer-Encoding
// together are refused, and so are Content-Length values that differ. Interim 1xx responses are
// skipped; a 101 is refused (the client never asks to switch protocols).
struct ResponseLimits {
    qsizetype maxHeaderBytes = 64 * 1024; // the status line and field lines with their CRLFs
    int maxHeaderCount = 100;
    qint64 maxBodyBytes = 64LL * 1024 * 1024; // the body after de-chunking
};

class ResponseParser
{
public:
    using Limits = ResponseLimits;

    enum class State {
        StatusLine,
        Headers,
        Body, // a Content-Length body
        ChunkSize,
        ChunkData,
        ChunkDataEnd, // the CRLF after a chunk's data
        Trailers,
        UntilClose, // a body delimited by the connection's end
        Complete,
        Error
    };
    enum class Error { None, Malformed, TooLarge };

    static constexpr qsizetype MaxChunkSizeLine = 1024;
    static constexpr int MaxInterimResponses = 16;

    explicit ResponseParser(Limits limits = {});

    // Prepares for the response to the next request. After a HEAD request the response has no
    // body whatever its headers say.
    // In streaming mode the body has no size limit: the caller takes it as it comes (takeBody()
    // after each feed) instead of letting it pile up.
    void reset(bool headRequest = false, bool streaming = false);

    // Consumes bytes until the response is complete, an error is found, or the data runs out.
    // Returns how many bytes were consumed; bytes after a complete response are left to the caller.
    qsizetype feed(QByteArrayView data);
    // The connection ended: completes a body delimited by the close. Returns whether the response
    // is complete; when it is not, the response was cut short (the parser's state says where).
    bool endOfInput();

    State state() const { return m_state; }
    bool isComplete() const { return m_state == State::Complete; }
    bool hasError() const { return m_state == State::Error; }
    Error error() const { return m_error; }
    const QString &errorReason() const { return m_errorReason; }
    // Whether any byte of a response (an interim one included) has arrived since reset().
    bool hasStarted() const { return m_started; }
    // Once complete: whether the connection may carry another request (HTTP/1.1, no
    // "Connection: close", a body with a known end).
    bool keepAlive() const { return m_keepAlive; }
    // Whether the final response's head is complete (its body may still be coming).
    bool headComplete() const { return m_headDone; }
    // The body's length from Content-Length, or -1 (chunked, until the close, or not known yet).
    qint64 bodyLength() const { return m_bodyLength; }

    int status() const { return m_status; }
    int versionMinor() const { return m_versionMinor; }
    const Headers &headers() const { return m_headers; }
    const QByteArray &body() const { return m_body; }
    Headers takeHeaders()
    {
        m_repeated.lend(m_headers);
        return std::move(m_headers);
    }
    QByteArray takeBody() { return std::move(m_body); }

private:
    Q_DECL_COLD_FUNCTION bool fail(Error error, QString reason); // the rare path (RequestParser::fail)
    bool processLine(QByteArrayView line);
    bool processStatusLine(QByteArrayView line);
    bool processHeaderLine(QByteArrayView line);
    bool finishHead();
    bool startBody(QByteArrayView contentLength, bool hasLength, const QByteArray &transferEncoding);
    bool processChunkSize(QByteArrayView line);
    bool appendBody(QByteArrayView bytes);
    qsizetype allowedLineBytes() const;
    void startHead();

    Limits m_limits;
    State m_state = State::StatusLine;
    Error m_error = Error::None;
    QString m_errorReason;
    QByteArray m_line;
    Headers m_headers;
    RepeatedHeads m_repeated;
    QByteArray m_body;
    qsizetype m_headerBytes = 0;
    int m_headerCount = 0;
    int m_interimCount = 0;
    qint64 m_remaining = 0;
    qint64 m_bodyLength = -1;
    int m_status = 0;
    int m_versionMinor = 1;
    bool m_headRequest = false;
    bool m_streaming = false;
    bool m_headDone = false;
    bool m_started = false;
    bool m_keepAlive = false;
};

} // namespace Meshdeck::Http
