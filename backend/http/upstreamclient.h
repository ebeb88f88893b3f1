#pragma once

#include "httptypes.h"

#include <QObject>
#include <QString>

#include <QCoroTask>

#include <chrono>
#include <optional>

namespace Meshdeck::Http {

// Where a request goes: an IP address (or "localhost") and a port. Host names other than
// localhost are not resolved here: the registry holds addresses.
struct UpstreamTarget {
    QByteArray address;
    quint16 port = 0;
    bool operator==(const UpstreamTarget &) const = default;
};

struct UpstreamRequest {
    QByteArray method;
    QByteArray target; // origin-form: "/path?query"
    Headers headers;   // sent as given (names lower-case); Content-Length, Transfer-Encoding and
                       // Connection are the client's (any given are dropped); a given Host is
                       // kept, else Host is the target's address:port
    QByteArray body;
    // A body streamed as it comes instead of `body`: with Content-Length when the source knows
    // its length, else chunked. The upstream socket is written only as fast as it takes bytes.
    BodySourcePtr bodySource;
    // More headers, already as header lines ("name: value\r\n" each), sent after `headers` as
    // they are. The caller makes sure they are framed as header lines (wellFramedHeaderLines() in
    // headernames.h; debug builds assert it), building them from names and values checked before
    // (the gateway, from what its request parser took): no list, no second look at every byte.
    QByteArray headerLines{};
};

struct UpstreamResponse {
    int status = 0;
    int versionMinor = 1;
    Headers headers; // lower-case names, as received (hop-by-hop ones included; the caller strips)
    QByteArray body; // de-chunked
    // stream(): the body when it did not all come with the head (`body` is then empty). The
    // connection goes back to the pool once this body ended cleanly; dropping it closes the
    // connection.
    BodySourcePtr bodySource;
};

enum class UpstreamFailure {
    None,
    Connect,     // refused, unreachable, or the connect did not finish within connectTimeoutMs
    Timeout,     // the whole exchange (connecting included) did not finish within the timeout
    Reset,       // the connection closed or failed before a whole response arrived
    Malformed,   // the response is not valid HTTP/1.x (a reason says what)
    TooLarge,    // the response head or body is over the client's limits
    RequestBody, // the request's streamed body failed (bodyError says how) before a response came
};

struct UpstreamResult {
    UpstreamFailure failure = UpstreamFailure::None;
    QString reason; // empty on success; a sentence otherwise ("connection refused by 127.0.0.1:8081")
    std::optional<UpstreamResponse> response;
    // Whether any byte of the request may have reached the upstream: a request that was not sent
    // can be retried whatever its method.
    bool sent = false;
    bool reused = false;                   // it went over a kept-alive connection
    BodyError bodyError = BodyError::None; // with RequestBody
    qint64 durationNs = 0;
};

// The gateway's HTTP/1.1 client: one pool per event-loop thread, keep-alive connections per
// target, non-blocking sockets on the thread's event loop. It never follows redirects, keeps no
// cookies, and every exchange has a deadline. A kept-alive connection that the upstream closed
// while idle is detected and replaced; a request that failed on a reused connection before any
// byte of the response came is sent again once on a new connection when its method is idempotent.
class UpstreamPool : public QObject
{
    Q_OBJECT
public:
    struct Options {
        int maxIdlePerTarget = 64;
        int idleTimeoutMs = 30'000; // a kept-alive connection unused this long is closed
        int connectTimeoutMs = 5'000;
        qsizetype maxHeaderBytes = 64 * 1024;
        int maxHeaderCount = 100;
        qint64 maxResponseBytes = 64LL * 1024 * 1024;
    };

    explicit UpstreamPool(Options options, QObject *parent = nullptr);
    ~UpstreamPool() override;

    // The pool of the calling thread (which must run a Qt event loop), created on first use with
    // default options and destroyed when the thread ends.
    static UpstreamPool *forThisThread();

    // Sends one request and answers its response or why there is none. `timeout` covers connect,
    // send and the whole response.
    QCoro::Task<UpstreamResult> send(UpstreamTarget target, UpstreamRequest request,
                                     std::chrono::milliseconds timeout);
    // Like send(), but answers as soon as the response head arrived: a body still coming is
    // UpstreamResponse::bodySource, of any size (maxResponseBytes limits only send()). `timeout`
    // covers the connect and the response head; while a body streams either way, it is the most
    // the upstream may leave it standing (time spent waiting on the other side does not count).
    QCoro::Task<UpstreamResult> stream(UpstreamTarget target, UpstreamRequest request,
                                       std::chrono::milliseconds timeout);

    int idleConnections(const UpstreamTarget &target) const;
    int openConnections() const; // idle and busy
    const Options &options() const { return m_options; }

private:
    QCoro::Task<UpstreamResult> exchange(UpstreamTarget target, UpstreamRequest request,
                                         std::chrono::milliseconds timeout, bool streaming);
    struct State;
    Options m_options;
    std::unique_ptr<State> m_state;
};

} // namespace Meshdeck::Http
