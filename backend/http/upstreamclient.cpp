#include "upstreamclient.h"

#include "headernames.h"
#include "upstreamconnection.h"

#include <QCoreApplication>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <optional>

namespace Meshdeck::Http {

namespace {

bool isIdempotent(QByteArrayView method)
{
    return isNamed(method, "GET") || isNamed(method, "HEAD") || isNamed(method, "OPTIONS") ||
           isNamed(method, "PUT") || isNamed(method, "DELETE") || isNamed(method, "TRACE");
}

// Whether a header value holds a CR, LF or NUL (which would end the head or the line early). Eight
// bytes at a time: a word with no byte below 0x0e has none of them (the usual case, a handful of
// instructions per word); a word with one is looked at byte by byte.
bool breaksTheLine(QByteArrayView value)
{
    constexpr quint64 Ones = 0x0101010101010101ULL;
    constexpr quint64 Highs = 0x8080808080808080ULL;
    const auto breaks = [](char c) {
        return c == '\r' || c == '\n' || c == '\0';
    };
    const char *p = value.data();
    qsizetype left = value.size();
    for (; left >= 8; p += 8, left -= 8) {
        quint64 word;
        std::memcpy(&word, p, 8);
        // Non-zero when some byte is below 0x0e (Bit Twiddling Hacks' "hasless"; a byte of 0x80 or
        // more never counts, and no byte below 0x0e is missed).
        if (((word - Ones * 0x0e) & ~word & Highs) != 0 && std::any_of(p, p + 8, breaks))
            return true;
    }
    return std::any_of(p, p + left, breaks);
}

// Only literal addresses (and "localhost"): the registry holds addresses, and a resolver call
// would block the event loop.
bool toSocketAddress(const UpstreamTarget &target, UpstreamAddress *out)
{
    const QByteArray host =
        isNamed(target.address, "localhost") ? QByteArrayLiteral("127.0.0.1") : target.address;
    auto *v4 = reinterpret_cast<sockaddr_in *>(&out->storage);
    if (::inet_pton(AF_INET, host.constData(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(target.port);
        out->length = sizeof(sockaddr_in);
        return true;
    }
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&out->storage);
    if (::inet_pton(AF_INET6, host.constData(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(target.port);
        out->length = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

// Appends ":<port>" without a temporary.
void appendPort(QByteArray *out, quint16 port)
{
    char digits[8];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, port);
    out->append(':').append(digits, ec == std::errc() ? end - digits : 0);
}

QByteArray poolKey(const UpstreamTarget &target)
{
    QByteArray key;
    key.reserve(target.address.size() + 6);
    key.append(target.address);
    appendPort(&key, target.port);
    return key;
}

// The socket address and the pool's key for a target: both the same for every request to an
// instance, and making them took inet_pton() and an allocation per request. The last few targets
// of this thread are kept (a route's instances, taken in turn). False: not an IP address.
bool addressOf(const UpstreamTarget &target, UpstreamAddress *address, QByteArray *key)
{
    struct Entry {
        UpstreamTarget target;
        UpstreamAddress address;
        QByteArray key;
    };
    static thread_local std::array<std::optional<Entry>, 8> recent;
    static thread_local size_t next = 0;
    for (const std::optional<Entry> &entry : recent) {
        if (entry && entry->target.port == target.port && entry->target.address == target.address) {
            *address = entry->address;
            *key = entry->key;
            return true;
        }
    }
    if (!toSocketAddress(target, address))
        return false;
    *key = poolKey(target);
    recent[next++ % recent.size()] = Entry{target, *address, *key};
    return true;
}

// The request as it goes on the wire. False (with a reason) when the caller's request cannot be
// sent as it is: a value with a line break would let it smuggle a second request. The head's size
// is counted first and the bytes copied into it once: appending piece by piece cost a growth
// check per piece, some forty a request.
bool serializeRequest(const UpstreamTarget &target, const UpstreamRequest &request, QByteArray *out,
                      QString *error)
{
    if (!isToken(request.method)) {
        *error = QStringLiteral("The request method is not a valid token.");
        return false;
    }
    if (request.target.isEmpty() || std::any_of(request.target.begin(), request.target.end(), [](char c) {
            return uchar(c) <= 0x20 || uchar(c) == 0x7f;
        })) {
        *error = QStringLiteral("The request target is empty or contains a space or control character.");
        return false;
    }
    const QByteArray *host = nullptr;
    qsizetype headers = 0; // the bytes of the header lines sent as given
    for (const auto &[name, value] : request.headers) {
        if (!isToken(name)) {
            *error = QStringLiteral("A request header name is not a valid token.");
            return false;
        }
        if (breaksTheLine(value)) {
            *error = QStringLiteral("The request header %1 contains a line break or NUL byte.")
                         .arg(QString::fromLatin1(name));
            return false;
        }
        if (isTheClientsToSay(name)) {
            if (!host && name.size() == 4)
                host = &value;
            continue;
        }
        headers += name.size() + 2 + value.size() + 2;
    }
    Q_ASSERT_X(wellFramedHeaderLines(request.headerLines), "serializeRequest",
               "UpstreamRequest::headerLines are not framed as header lines");
    headers += request.headerLines.size();
    // Host: the caller's, or the target's address and port.
    char portDigits[8];
    const auto port = std::to_chars(portDigits, portDigits + sizeof portDigits, target.port);
    const bool v6 = !host && target.address.contains(':');
    const qsizetype hostSize =
        host ? host->size() : target.address.size() + (v6 ? 2 : 0) + 1 + (port.ptr - portDigits);
    // Framing: a streamed body of unknown length is chunked; any other length is said.
    const bool streamed = request.bodySource != nullptr;
    const bool chunked = streamed && request.bodySource->length() < 0;
    const bool sayLength =
        !chunked && (streamed || !request.body.isEmpty() || isNamed(request.method, "POST") ||
                     isNamed(request.method, "PUT") || isNamed(request.method, "PATCH"));
    char lengthDigits[24];
    const auto length = std::to_chars(lengthDigits, lengthDigits + sizeof lengthDigits,
                                      streamed ? request.bodySource->length() : qint64(request.body.size()));
    constexpr QByteArrayView Version = " HTTP/1.1\r\nhost: ";
    constexpr QByteArrayView Chunked = "transfer-encoding: chunked\r\n";
    constexpr QByteArrayView ContentLength = "content-length: ";
    const qsizetype total = request.method.size() + 1 + request.target.size() + Version.size() + hostSize +
                            2 + headers + (chunked ? Chunked.size() : 0) +
                            (sayLength ? ContentLength.size() + (length.ptr - lengthDigits) + 2 : 0) + 2 +
                            request.body.size();
    QByteArray bytes(total, Qt::Uninitialized);
    char *at = bytes.data();
    putBytes(at, request.method);
    putBytes(at, " ");
    putBytes(at, request.target);
    putBytes(at, Version);
    if (host) {
        putBytes(at, *host);
    } else {
        if (v6)
            putBytes(at, "[");
        putBytes(at, target.address);
        if (v6)
            putBytes(at, "]");
        putBytes(at, ":");
        putBytes(at, QByteArrayView(portDigits, port.ptr - portDigits));
    }
    putBytes(at, "\r\n");
    for (const auto &[name, value] : request.headers) {
        if (isTheClientsToSay(name))
            continue;
        putBytes(at, name);
        putBytes(at, ": ");
        putBytes(at, value);
        putBytes(at, "\r\n");
    }
    putBytes(at, request.headerLines);
    if (chunked)
        putBytes(at, Chunked);
    if (sayLength) {
        putBytes(at, ContentLength);
        putBytes(at, QByteArrayView(lengthDigits, length.ptr - lengthDigits));
        putBytes(at, "\r\n");
    }
    putBytes(at, "\r\n");
    putBytes(at, request.body);
    Q_ASSERT(at == bytes.constData() + total);
    *out = std::move(bytes);
    return true;
}

} // namespace

struct UpstreamPool::State : UpstreamPoolCore {
};

UpstreamPool::UpstreamPool(Options options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_state(std::make_unique<State>())
{
    m_state->options = options;
    m_state->limits = {options.maxHeaderBytes, options.maxHeaderCount, options.maxResponseBytes};
}

UpstreamPool::~UpstreamPool()
{
    *m_state->alive = false;
    std::vector<std::coroutine_handle<>> waiters;
    const std::unordered_set<UpstreamConnection *> open = std::exchange(m_state->open, {});
    m_state->idle.clear();
    for (UpstreamConnection *connection : open) {
        if (const auto waiter = connection->abandon())
            waiters.push_back(waiter);
        // A connection whose handler is on the stack (its answer destroyed the pool) goes later.
        if (connection->inHandler())
            connection->deleteLater();
        else
            delete connection;
    }
    // The coroutines see the pool is gone and answer without touching it.
    for (const auto waiter : waiters)
        waiter.resume();
}

namespace {

thread_local UpstreamPool *t_pool = nullptr;

void destroyThreadPool()
{
    delete std::exchange(t_pool, nullptr);
}

// Threads that were not started by QThread (and any pool left behind) end here.
struct ThreadPoolReaper {
    ~ThreadPoolReaper() { delete std::exchange(t_pool, nullptr); }
};
thread_local ThreadPoolReaper t_reaper;

} // namespace

UpstreamPool *UpstreamPool::forThisThread()
{
    if (t_pool)
        return t_pool;
    (void)&t_reaper; // instantiates the thread's reaper
    t_pool = new UpstreamPool(Options{});
    QCoreApplication *app = QCoreApplication::instance();
    if (app && QThread::currentThread() == app->thread()) {
        // While the application still has its event dispatcher.
        qAddPostRoutine(destroyThreadPool);
    } else {
        // finished() is emitted on the thread itself, before its event dispatcher goes.
        connect(QThread::currentThread(), &QThread::finished, t_pool, &destroyThreadPool,
                Qt::DirectConnection);
    }
    return t_pool;
}

QCoro::Task<UpstreamResult> UpstreamPool::send(UpstreamTarget target, UpstreamRequest request,
                                               std::chrono::milliseconds timeout)
{
    return exchange(std::move(target), std::move(request), timeout, false);
}

QCoro::Task<UpstreamResult> UpstreamPool::stream(UpstreamTarget target, UpstreamRequest request,
                                                 std::chrono::milliseconds timeout)
{
    return exchange(std::move(target), std::move(request), timeout, true);
}

QCoro::Task<UpstreamResult> UpstreamPool::exchange(UpstreamTarget target, UpstreamRequest request,
                                                   std::chrono::milliseconds timeout, bool streaming)
{
    Q_ASSERT_X(QThread::currentThread() == thread(), "UpstreamPool::send", "called from another thread");
    const qint64 startNs = upstreamNowNs();
    const qint64 deadlineNs = startNs + std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
    UpstreamResult result;
    QByteArray bytes;
    QString error;
    if (!serializeRequest(target, request, &bytes, &error)) {
        result.failure = UpstreamFailure::Malformed;
        result.reason =
            QStringLiteral("The request to %1 cannot be sent: %2").arg(describeTarget(target), error);
        co_return result;
    }
    UpstreamAddress address;
    QByteArray key;
    if (!addressOf(target, &address, &key)) {
        result.failure = UpstreamFailure::Connect;
        result.reason = QStringLiteral("%1 is not an IP address").arg(describeTarget(target));
        co_return result;
    }
    const bool headRequest = isNamed(request.method, "HEAD");
    const bool idempotent = isIdempotent(request.method);
    const std::shared_ptr<bool> alive = m_state->alive;
    bool anySent = false;
    for (int attempt = 0;; ++attempt) {
        UpstreamExchange exchange;
        UpstreamConnection *connection = attempt == 0 ? m_state->takeIdle(key, !idempotent) : nullptr;
        const bool reused = connection != nullptr;
        if (!connection) {
            connection = new UpstreamConnection(m_state.get(), key, target);
            if (!connection->open(address, &error)) {
                delete connection;
                result.failure = UpstreamFailure::Connect;
                result.reason = error;
                break;
            }
            m_state->open.insert(connection);
        }
        UpstreamConnection::Start start{bytes,
                                        request.bodySource,
                                        headRequest,
                                        streaming,
                                        deadlineNs,
                                        std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count(),
                                        m_options.connectTimeoutMs};
        connection->start(&exchange, start);
        if (!exchange.done)
            co_await UpstreamExchangeAwaiter{exchange};
        if (!*alive) {
            result = std::move(exchange.result);
            result.sent = result.sent || anySent;
            result.reused = reused;
            result.durationNs = upstreamNowNs() - startNs;
            co_return result; // the pool is gone: touch nothing of it
        }
        anySent = anySent || exchange.result.sent;
        // A kept-alive connection the upstream closed just as the request went out: nothing of an
        // answer came, so the request is sent once more on a new connection if that is safe.
        // A streamed body can be sent again only if none of it was taken yet.
        const bool bodyIntact = !request.bodySource || request.bodySource->taken() == 0;
        const bool retry = attempt == 0 && reused && exchange.result.failure == UpstreamFailure::Reset &&
                           !exchange.responseStarted && (idempotent || !exchange.result.sent) && bodyIntact &&
                           upstreamNowNs() < deadlineNs;
        if (retry) {
            qCDebug(lcUpstream).noquote() << "retrying" << request.method << "to" << key
                                          << "on a new connection:" << exchange.result.reason;
            continue;
        }
        result = std::move(exchange.result);
        result.reused = reused;
        break;
    }
    result.sent = result.sent || anySent;
    if (result.failure == UpstreamFailure::Timeout)
        result.reason =
            QStringLiteral("%1 did not answer within %2 ms").arg(describeTarget(target)).arg(timeout.count());
    result.durationNs = upstreamNowNs() - startNs;
    co_return result;
}

int UpstreamPool::idleConnections(const UpstreamTarget &target) const
{
    const auto it = m_state->idle.constFind(poolKey(target));
    return it == m_state->idle.constEnd() ? 0 : int(it->size());
}

int UpstreamPool::openConnections() const
{
    return int(m_state->open.size());
}

} // namespace Meshdeck::Http
