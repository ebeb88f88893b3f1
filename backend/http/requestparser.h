#pragma once

#include "httptypes.h"
#include "repeatedheads.h"

#include <functional>
#include <utility>

namespace Meshdeck::Http {

// An incremental HTTP/1.1 request parser (RFC 9112). It owns no socket: feed() it bytes as they
// arrive and take a request once it is complete. Strict where leniency enables request smuggling:
// CRLF line endings only, no obs-fold, no whitespace before the colon, one Host, one
// Content-Length, never Content-Length together with Transfer-Encoding.
class RequestParser
{
public:
    enum class State {
        RequestLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Complete,
        Error
    };

    explicit RequestParser(const Limits &limits);

    // Called once the head is complete, to learn the body limit of the matched route.
    void setBodyLimitResolver(std::function<qint64(const Request &)> resolver);
    // Asked before body bytes are accepted (the whole Content-Length, or each chunk's size) whether
    // the server has room for them; a refusal fails the request with 503.
    void setBodyAdmission(std::function<bool(qint64 bytes)> admission);

    // Streaming mode (a data plane's connection): the body is not admitted whole at the head but
    // byte by byte as it arrives, and the caller may take the head before the body is complete
    // (takeHead) and then the body as it comes (takeBody), until isComplete().
    void setStreaming(bool streaming) { m_streaming = streaming; }
    // Asked once a request's head is complete (when the connection does not stream every body):
    // whether this request's body streams, as in streaming mode (a route that opted in).
    void setStreamingResolver(std::function<bool(const Request &)> resolver)
    {
        m_streamingResolver = std::move(resolver);
    }
    // Whether the body of the request being received streams (streaming mode, or its route asked).
    bool streamingBody() const { return m_streamingNow; }
    bool headComplete() const
    {
        return m_state == State::Body || m_state == State::ChunkSize || m_state == State::ChunkData ||
               m_state == State::ChunkDataEnd || m_state == State::Trailers;
    }
    // The declared Content-Length of the body being received, or -1 (chunked).
    qint64 declaredLength() const { return m_chunked ? -1 : m_declaredLength; }
    Request takeHead()
    {
        m_repeated.lend(m_request.headers);
        return std::move(m_request);
    }
    QByteArray takeBody() { return std::exchange(m_request.body, QByteArray()); }

    // Consumes bytes until a request is complete, an error is found, or data runs out.
    // Returns how many bytes were consumed; bytes after a complete request are left to the caller.
    qsizetype feed(QByteArrayView data);

    State state() const { return m_state; }
    bool isComplete() const { return m_state == State::Complete; }
    bool hasError() const { return m_state == State::Error; }
    // True once any byte of the next request (other than leading blank lines) has arrived.
    bool inProgress() const { return m_started && m_state != State::Complete && m_state != State::Error; }
    // True when the head is complete and the client asked for "Expect: 100-continue".
    bool wantsContinue() const
    {
        return m_expectContinue && (m_state == State::Body || m_state == State::ChunkSize);
    }
    void continueSent() { m_expectContinue = false; }

    int errorStatus() const { return m_errorStatus; }
    const QString &errorReason() const { return m_errorReason; }
    // After an error, whatever of the request could be read (method and path at least, if parsed).
    const Request &partialRequest() const { return m_request; }

    Request takeRequest();
    void reset();

private:
    // Refusals are the rare path: cold, so that the compiler keeps their message building out of the
    // parsing code's way (another section, not between the lines a request runs through).
    Q_DECL_COLD_FUNCTION bool fail(int status, QString reason);
    bool processLine(QByteArrayView line);
    bool processRequestLine(QByteArrayView line);
    bool processHeaderLine(QByteArrayView line);
    bool finishHead();
    bool startBody(int lengthCount, const QByteArray &contentLength, const QByteArray &transferEncoding);
    bool processChunkSize(QByteArrayView line);
    bool admitBody(qint64 bytes);
    qsizetype allowedLineBytes() const;

    Limits m_limits;
    std::function<qint64(const Request &)> m_bodyLimitResolver;
    std::function<bool(qint64)> m_bodyAdmission;
    State m_state = State::RequestLine;
    Request m_request;
    RepeatedHeads m_repeated;
    // The last request's target, path and query: shared by the next if the same.
    QByteArray m_lastTarget;
    QByteArray m_lastPath;
    QByteArray m_lastQuery;
    QByteArray m_line;
    qsizetype m_headerBytes = 0;
    int m_headerCount = 0;
    qint64 m_bodyLimit = 0;
    qint64 m_remaining = 0;
    qint64 m_received = 0;       // body bytes so far (after de-chunking)
    qint64 m_declaredLength = 0; // Content-Length
    bool m_streaming = false;
    bool m_streamingNow = false; // this request's body streams
    std::function<bool(const Request &)> m_streamingResolver;
    bool m_started = false;
    bool m_expectContinue = false;
    bool m_chunked = false;
    int m_errorStatus = 0;
    QString m_errorReason;
};

} // namespace Meshdeck::Http
