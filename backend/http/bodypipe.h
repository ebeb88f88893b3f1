#pragma once

#include "bodybudget.h"

#include <QByteArray>
#include <QString>

#include <coroutine>
#include <deque>
#include <functional>
#include <memory>

namespace Meshdeck::Http {

// Why a streamed body did not end cleanly.
enum class BodyError {
    None,
    ClientGone,     // the client closed or reset its connection before the whole body came
    TooLarge,       // the body grew over the route's limit (a chunked request body)
    Timeout,        // the body stopped moving for longer than the engine's timeout
    UpstreamFailed, // the upstream closed, reset or garbled the body
    Invalid,        // the body's framing is invalid (a bad chunk), or the server had no room for it
    Abandoned,      // the reader stopped reading
};

// One pull from a body: bytes, or its end, or why it ended short.
struct BodyChunk {
    QByteArray bytes;
    bool end = false;
    BodyError error = BodyError::None;
    QString reason;
    bool failed() const { return error != BodyError::None; }
};

// A bounded buffer between the one side that produces a body (a connection reading it) and the
// one side that consumes it (a connection writing it, or a handler): the producer pushes and holds
// back once HighWater bytes wait; the consumer takes and so lets the producer go on. Single
// thread: both sides live on one event loop. Each side registers at most one wake-up (a callback,
// called once and forgotten) for when the other side did something; connections queue their
// work from it, coroutines resume from it.
class BodyPipe
{
public:
    static constexpr qint64 HighWater = 256 * 1024;

    // `length`: the body's size when the producer knows it (Content-Length), else -1.
    explicit BodyPipe(qint64 length = -1)
        : m_length(length)
    {}
    BodyPipe(const BodyPipe &) = delete;
    BodyPipe &operator=(const BodyPipe &) = delete;

    qint64 length() const { return m_length; }

    // Producer side.
    void push(QByteArray bytes);
    void end();
    void fail(BodyError error, QString reason);
    bool writable() const { return !m_abandoned && m_buffered < HighWater; }
    bool abandoned() const { return m_abandoned; }
    bool terminal() const { return m_ended || m_error != BodyError::None; }
    bool producerEnded() const { return m_ended; } // the whole body was pushed
    bool failed() const { return m_error != BodyError::None; }
    // Called once the buffer drained below HighWater or the consumer abandoned.
    void onWritable(std::function<void()> wake);
    // The buffered bytes count against the server's request-body budget (request bodies only).
    BodyLease &lease() { return m_lease; }

    // Consumer side.
    bool readable() const { return !m_chunks.empty() || terminal() || m_abandoned; }
    BodyChunk take(); // what readable() promised: the oldest bytes, or the end, or the failure
    void onReadable(std::function<void()> wake);
    // The consumer will not read any more: the buffer is dropped and the producer told.
    void abandon();

    qint64 buffered() const { return m_buffered; }
    qint64 taken() const { return m_taken; } // bytes the consumer has taken so far
    bool endedCleanly() const { return m_endTaken; }

    // Called once, when the consumer took the end or a failure, or abandoned: the body's outcome.
    struct Outcome {
        bool complete = false;
        BodyError error = BodyError::None;
        QString reason;
        qint64 bytes = 0;
    };
    void onDone(std::function<void(const Outcome &)> observer) { m_observer = std::move(observer); }

private:
    void wakeConsumer();
    void wakeProducer();
    void done(Outcome outcome);

    std::deque<QByteArray> m_chunks;
    qint64 m_length;
    qint64 m_buffered = 0;
    qint64 m_taken = 0;
    BodyError m_error = BodyError::None;
    QString m_reason;
    bool m_ended = false;
    bool m_endTaken = false;
    bool m_abandoned = false;
    bool m_done = false;
    std::function<void()> m_consumerWake;
    std::function<void()> m_producerWake;
    std::function<void(const Outcome &)> m_observer;
    BodyLease m_lease;
};

// The reading end of a body that is not held whole: on Request (a request body still arriving)
// and on Response (a body still to come from its producer). Dropping the last reference abandons
// the body, which tells its producer to stop (and close its connection).
class BodySource
{
public:
    explicit BodySource(std::shared_ptr<BodyPipe> pipe)
        : m_pipe(std::move(pipe))
    {}
    ~BodySource() { m_pipe->abandon(); }
    BodySource(const BodySource &) = delete;
    BodySource &operator=(const BodySource &) = delete;

    qint64 length() const { return m_pipe->length(); } // -1 when not known
    qint64 taken() const { return m_pipe->taken(); }
    BodyPipe &pipe() { return *m_pipe; }

    // co_await source.next(): the next bytes, the end, or the failure.
    struct NextAwaiter {
        BodyPipe &pipe;
        bool await_ready() const noexcept { return pipe.readable(); }
        void await_suspend(std::coroutine_handle<> handle)
        {
            pipe.onReadable([handle] { handle.resume(); });
        }
        BodyChunk await_resume() { return pipe.take(); }
    };
    NextAwaiter next() { return NextAwaiter{*m_pipe}; }

private:
    std::shared_ptr<BodyPipe> m_pipe;
};

using BodySourcePtr = std::shared_ptr<BodySource>;

QString bodyErrorName(BodyError error); // "client-gone", "too-large", ...

} // namespace Meshdeck::Http
