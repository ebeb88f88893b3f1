// Chat fan-out: N sessions subscribed to one chat room of a running meshdeckd; messages are sent
// through the API and the send-to-receive latency is measured at every session: first ONE_BY_ONE
// messages each sent once every session has the one before, then MESSAGES sent 20 ms apart (a
// stream). The peer is Redis pub/sub: the same number of subscribers on one Redis channel, the
// same client threads, payloads as long as meshdeckd's events, the same two phases, in the same
// run. Prints one JSON object. Used by chat-fanout.sh.
//
// The receiving client must cost far less than the server it measures, so it has no Qt per socket:
// T threads, each with its own epoll instance over its share of non-blocking TCP sockets. A
// meshdeckd session is a plain HTTP/1.1 upgrade and a small RFC 6455 frame reader (no extensions
// offered, so frames are never compressed); a Redis subscriber is a plain SUBSCRIBE. Received bytes
// are scanned for the marker "m=<n>;" every sent message carries, by a byte state machine that
// lives on between reads, so a marker split across reads is found exactly once. Every (session,
// message) pair must arrive exactly once; misses and duplicates are counted and fail the run. The
// client threads' own CPU time (RUSAGE_THREAD) per delivery is reported next to the latencies.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <cerrno>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;

qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 threadCpuUs()
{
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return qint64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000 + usage.ru_utime.tv_usec +
           usage.ru_stime.tv_usec;
}

// The CPU time (user + system) of process `pid` so far, or -1 (no pid, or it is gone).
qint64 processCpuUs(qint64 pid)
{
    if (pid <= 0)
        return -1;
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    FILE *file = std::fopen(path.c_str(), "re");
    if (!file)
        return -1;
    char stat[1024] = {};
    const size_t got = std::fread(stat, 1, sizeof stat - 1, file);
    std::fclose(file);
    // The command name in parentheses may hold anything; the fields after the last ')' are plain.
    const char *after = std::strrchr(stat, ')');
    unsigned long long user = 0, system = 0;
    if (got == 0 || !after ||
        std::sscanf(after + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user, &system) != 2)
        return -1;
    return qint64(user + system) * 1'000'000 / sysconf(_SC_CLK_TCK);
}

enum class Peer { Meshdeckd, Redis };

// What the main thread and the client threads of one peer's run share.
struct Shared {
    Peer peer;
    int sessions;
    int messages;
    int threads = 1;
    sockaddr_storage address{};
    socklen_t addressLength = 0;
    std::string upgradeRequest; // meshdeckd: the HTTP/1.1 upgrade, the same for every session
    std::string subscribeFrame; // meshdeckd: the masked subscribe text frame
    std::vector<std::atomic<qint64>> sentAtUs;
    int oneByOne = 0;                   // the first messages: each sent once every session has the one before
    std::atomic<qint64> wakeAt{0};      // the main thread is told when this many deliveries arrived
    std::atomic<bool> streaming{false}; // the one-by-one phase is over: client threads note their CPU time
    std::atomic<qint64> bytes{0};       // received while measuring (frames or replies, headers included)
    std::atomic<int> subscribed{0};
    std::atomic<qint64> deliveries{0};
    std::atomic<int> failures{0};
    std::atomic<bool> measuring{false};
    std::atomic<int> counting{0}; // client threads that noted their CPU time since `measuring`
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable changed;

    Shared(Peer p, int sessionCount, int messageCount)
        : peer(p)
        , sessions(sessionCount)
        , messages(messageCount)
        , sentAtUs(size_t(messageCount))
        , wakeAt(qint64(sessionCount) * messageCount)
    {}
    void notify()
    {
        std::lock_guard lock(mutex);
        changed.notify_all();
    }
    template<class Done> bool waitFor(Done done, std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, done);
    }
};

// Finds "m=<digits>;" in a byte stream fed in pieces; each marker is reported once.
struct MarkerScan {
    quint8 state = 0; // 0 nothing, 1 after 'm', 2 after "m=", 3 in the digits
    quint8 digits = 0;
    quint32 value = 0;

    template<class Found> void feed(const char *p, size_t n, Found found)
    {
        const char *end = p + n;
        while (p < end) {
            if (state == 0) {
                p = static_cast<const char *>(std::memchr(p, 'm', size_t(end - p)));
                if (!p)
                    return;
                state = 1;
                ++p;
                continue;
            }
            const char c = *p++;
            if (state == 1) {
                state = c == '=' ? 2 : c == 'm' ? 1 : 0;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 9) {
                value = value * 10 + quint32(c - '0');
                ++digits;
                state = 3;
            } else if (c == ';' && state == 3) {
                found(value);
                state = 0;
            } else {
                state = c == 'm' ? 1 : 0;
            }
        }
    }
};

// Finds one fixed string in a byte stream fed in pieces. The string's first character must not occur
// in it again (then falling back to the start on a mismatch is exact).
struct LiteralScan {
    std::string_view literal;
    size_t matched = 0;

    int feed(const char *p, size_t n)
    {
        int found = 0;
        for (const char *end = p + n; p < end; ++p) {
            if (*p == literal[matched]) {
                if (++matched == literal.size()) {
                    ++found;
                    matched = 0;
                }
            } else {
                matched = *p == literal[0] ? 1 : 0;
            }
        }
        return found;
    }
};

constexpr std::string_view RedisConfirmation = "$9\r\nsubscribe\r\n";
constexpr size_t MaxHandshakeBytes = 8192;  // the 101 response, and what is printed of a refusal
constexpr size_t MaxKeptTextBytes = 4096;   // of a text message, kept to tell its "type"
constexpr quint64 MaxFrameBytes = 64 << 20; // a longer frame is a broken stream
constexpr int MaxInFlight = 128;            // handshakes under way per client thread
constexpr int MaxReportedFailures = 10;     // per client thread; the rest are only counted

// The client side of one RFC 6455 frame: FIN, opcode, masked with a fixed key.
std::string clientFrame(quint8 opcode, std::string_view payload)
{
    static constexpr quint8 Mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    std::string frame;
    frame.push_back(char(0x80 | opcode));
    if (payload.size() < 126) {
        frame.push_back(char(0x80 | payload.size()));
    } else {
        frame.push_back(char(0x80 | 126));
        frame.push_back(char((payload.size() >> 8) & 0xff));
        frame.push_back(char(payload.size() & 0xff));
    }
    frame.append(reinterpret_cast<const char *>(Mask), 4);
    for (size_t i = 0; i < payload.size(); ++i)
        frame.push_back(char(quint8(payload[i]) ^ Mask[i % 4]));
    return frame;
}

struct Session {
    enum Stage : quint8 { Idle, Connecting, Upgrading, Welcome, Subscribing, Subscribed, Dead };
    int fd = -1;
    Stage stage = Idle;
    // The frame being read (meshdeckd).
    bool inHeader = true;
    bool inMessage = false; // a data message whose final frame has not arrived yet
    bool fin = false;
    quint8 headerLength = 0;
    quint8 headerNeeded = 2;
    quint8 opcode = 0;
    quint8 header[10] = {};
    quint64 payloadLeft = 0;
    std::string text;           // the 101 response; then the first bytes of the current text message
    bool carriedMarker = false; // the current message is a delivery: its text need not be kept
    std::string control;        // the payload of the current control frame (at most 125 bytes)
    std::string out;            // bytes not yet written
    MarkerScan markers;
    LiteralScan confirmations{RedisConfirmation};
};

// One client thread: its own epoll instance over its share of the sockets.
class Client
{
public:
    Client(Shared *shared, int first, int count)
        : m_shared(shared)
        , m_first(first)
        , m_sessions(size_t(count))
        , m_seen(size_t(count) * size_t(shared->messages), 0)
    {
        m_latenciesUs[1].reserve(m_seen.size());
    }
    ~Client()
    {
        for (Session &s : m_sessions) {
            if (s.fd >= 0)
                ::close(s.fd);
        }
        if (m_epoll >= 0)
            ::close(m_epoll);
    }

    void run()
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll < 0) {
            std::perror("epoll_create1");
            m_shared->failures.fetch_add(1);
            m_shared->notify();
            return;
        }
        epoll_event events[256];
        size_t next = 0;
        bool counting = false;
        while (!m_shared->stop.load(std::memory_order_acquire)) {
            while (next < m_sessions.size() && m_inFlight < MaxInFlight)
                open(next++);
            if (!counting && m_shared->measuring.load(std::memory_order_acquire)) {
                counting = true;
                m_counting = true;
                m_cpuStartUs = threadCpuUs();
                if (m_shared->counting.fetch_add(1) + 1 == m_shared->threads)
                    m_shared->notify();
            }
            if (counting && m_cpuBoundaryUs < 0 && m_shared->streaming.load(std::memory_order_acquire))
                m_cpuBoundaryUs = threadCpuUs();
            const int ready = epoll_wait(m_epoll, events, 256, 5);
            if (ready < 0 && errno != EINTR) {
                std::perror("epoll_wait");
                m_shared->failures.fetch_add(1);
                m_shared->notify();
                break;
            }
            qint64 delivered = 0;
            int subscribed = 0;
            for (int i = 0; i < ready; ++i) {
                Session &s = m_sessions[events[i].data.u32];
                if (s.stage == Session::Dead)
                    continue;
                const quint32 flags = events[i].events;
                if ((flags & EPOLLOUT) && !writable(s))
                    continue;
                if (flags & (EPOLLIN | EPOLLERR | EPOLLHUP))
                    readable(s, delivered, subscribed);
            }
            if (delivered)
                addDeliveries(delivered);
            if (subscribed)
                addSubscribed(subscribed);
        }
        if (counting) {
            const qint64 end = threadCpuUs();
            const qint64 boundary = m_cpuBoundaryUs < 0 ? end : m_cpuBoundaryUs;
            cpuUs[0] = boundary - m_cpuStartUs;
            cpuUs[1] = end - boundary;
        }
        m_shared->bytes.fetch_add(m_bytes);
    }

    // After run(): what arrived, of the messages sent one by one (0) and of the stream (1).
    const std::vector<qint64> &latenciesUs(int phase) const { return m_latenciesUs[phase]; }
    qint64 duplicates = 0;
    qint64 unexpected = 0;
    qint64 cpuUs[2] = {}; // this thread's CPU time in the one-by-one phase and in the stream
    qint64 misses() const
    {
        qint64 missing = 0;
        const size_t messages = size_t(m_shared->messages);
        for (size_t n = 0; n < messages; ++n) {
            if (m_shared->sentAtUs[n].load() == 0)
                continue; // never sent (the run stopped early)
            for (size_t s = 0; s < m_sessions.size(); ++s)
                missing += m_seen[s * messages + n] == 0 ? 1 : 0;
        }
        return missing;
    }

private:
    int number(const Session &s) const { return m_first + int(&s - m_sessions.data()); }

    void fail(Session &s, const char *what, std::string_view detail = {})
    {
        if (m_reported++ < MaxReportedFailures) {
            const std::string said(detail);
            std::fprintf(stderr, "%s session %d: %s%s%s\n",
                         m_shared->peer == Peer::Redis ? "Redis" : "meshdeckd", number(s), what,
                         said.empty() ? "" : ": ", said.c_str());
        }
        if (s.stage != Session::Subscribed)
            --m_inFlight;
        ::close(s.fd);
        s.fd = -1;
        s.stage = Session::Dead;
        s.out.clear();
        s.text.clear();
        m_shared->failures.fetch_add(1);
        m_shared->notify();
    }

    void open(size_t index)
    {
        Session &s = m_sessions[index];
        ++m_inFlight;
        s.fd = ::socket(m_shared->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s.fd < 0) {
            fail(s, "socket()", std::strerror(errno));
            return;
        }
        const int one = 1;
        setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        s.stage = Session::Connecting;
        if (::connect(s.fd, reinterpret_cast<const sockaddr *>(&m_shared->address), m_shared->addressLength) <
                0 &&
            errno != EINPROGRESS) {
            fail(s, "connect()", std::strerror(errno));
            return;
        }
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.u32 = quint32(index);
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, s.fd, &event) < 0)
            fail(s, "epoll_ctl()", std::strerror(errno));
    }

    void watchOutput(Session &s, bool on)
    {
        epoll_event event{};
        event.events = on ? quint32(EPOLLIN | EPOLLOUT) : quint32(EPOLLIN);
        event.data.u32 = quint32(&s - m_sessions.data());
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, s.fd, &event);
    }

    // Writes what it can of `bytes` (after anything still queued); returns false if the session failed.
    bool send(Session &s, std::string_view bytes)
    {
        const bool wasQueued = !s.out.empty();
        s.out.append(bytes);
        while (!s.out.empty()) {
            const ssize_t written = ::send(s.fd, s.out.data(), s.out.size(), MSG_NOSIGNAL);
            if (written < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                fail(s, "send()", std::strerror(errno));
                return false;
            }
            s.out.erase(0, size_t(written));
        }
        if (wasQueued != !s.out.empty() && s.stage != Session::Connecting)
            watchOutput(s, !s.out.empty());
        return true;
    }

    bool writable(Session &s)
    {
        if (s.stage == Session::Connecting) {
            int error = 0;
            socklen_t length = sizeof error;
            getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0) {
                fail(s, "connect()", std::strerror(error));
                return false;
            }
            const bool redis = m_shared->peer == Peer::Redis;
            s.stage = redis ? Session::Subscribing : Session::Upgrading;
            watchOutput(s, false);
            return send(s, redis ? std::string_view("SUBSCRIBE bench\r\n") : m_shared->upgradeRequest);
        }
        return send(s, {});
    }

    void readable(Session &s, qint64 &delivered, int &subscribed)
    {
        const ssize_t got = ::read(s.fd, m_buffer, sizeof m_buffer);
        if (got < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                fail(s, "read()", std::strerror(errno));
            return;
        }
        if (got == 0) {
            fail(s, "the server closed the connection (EOF)");
            return;
        }
        if (m_counting)
            m_bytes += got;
        const qint64 now = nowUs();
        const char *p = m_buffer;
        size_t n = size_t(got);
        auto found = [&](quint32 marker) {
            delivered += record(s, marker, now);
        };
        if (m_shared->peer == Peer::Redis) {
            if (s.stage == Session::Subscribing && s.confirmations.matched == 0 && p[0] == '-') {
                fail(s, "Redis refused", std::string_view(p, std::min<size_t>(n, 200)));
                return;
            }
            if (s.confirmations.feed(p, n) > 0 && s.stage == Session::Subscribing) {
                s.stage = Session::Subscribed;
                --m_inFlight;
                ++subscribed;
            }
            s.markers.feed(p, n, found);
            return;
        }
        if (s.stage == Session::Upgrading) {
            const size_t searchFrom = s.text.size() < 3 ? 0 : s.text.size() - 3;
            const size_t take = std::min(n, MaxHandshakeBytes - s.text.size());
            s.text.append(p, take);
            const size_t end = s.text.find("\r\n\r\n", searchFrom);
            if (end == std::string::npos) {
                if (s.text.size() >= MaxHandshakeBytes)
                    fail(s, "no end of the upgrade response in 8 KiB", s.text);
                return;
            }
            if (s.text.compare(0, 13, "HTTP/1.1 101 ") != 0) {
                fail(s, "the upgrade was refused", s.text);
                return;
            }
            const size_t used = end + 4 - (s.text.size() - take); // of this read
            s.text.clear();
            s.stage = Session::Welcome;
            p += used;
            n -= used;
        }
        frames(s, p, n, found, subscribed);
    }

    // Reads RFC 6455 server frames from the bytes of one read.
    template<class Found> void frames(Session &s, const char *p, size_t n, Found &found, int &subscribed)
    {
        while (n > 0 && s.stage != Session::Dead) {
            if (s.inHeader) {
                const size_t take = std::min<size_t>(n, s.headerNeeded - s.headerLength);
                std::memcpy(s.header + s.headerLength, p, take);
                s.headerLength = quint8(s.headerLength + take);
                p += take;
                n -= take;
                if (s.headerLength < s.headerNeeded)
                    return;
                const quint8 length7 = s.header[1] & 0x7f;
                if (s.headerNeeded == 2) {
                    if (s.header[1] & 0x80) {
                        fail(s, "the server sent a masked frame");
                        return;
                    }
                    if (s.header[0] & 0x70) {
                        fail(s, "the server set RSV bits (no extension was negotiated)");
                        return;
                    }
                    s.headerNeeded = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
                    if (s.headerNeeded > 2)
                        continue;
                }
                quint64 length = length7;
                if (length7 >= 126) {
                    length = 0;
                    for (quint8 i = 2; i < s.headerNeeded; ++i)
                        length = (length << 8) | s.header[i];
                }
                s.opcode = s.header[0] & 0x0f;
                s.fin = (s.header[0] & 0x80) != 0;
                s.inHeader = false;
                s.headerLength = 0;
                s.headerNeeded = 2;
                s.payloadLeft = length;
                if (length > MaxFrameBytes) {
                    fail(s, "a frame longer than 64 MiB");
                    return;
                }
                if (s.opcode >= 0x8) {
                    if (!s.fin || length > 125 || s.opcode > 0xA) {
                        fail(s, "a malformed control frame");
                        return;
                    }
                    s.control.clear();
                } else if (s.opcode == 0x0) {
                    if (!s.inMessage) {
                        fail(s, "a continuation frame without a message");
                        return;
                    }
                } else if (s.opcode == 0x1 || s.opcode == 0x2) {
                    if (s.inMessage) {
                        fail(s, "a new message inside a fragmented one");
                        return;
                    }
                    s.inMessage = true;
                    s.text.clear();
                    s.markers = {};
                    s.carriedMarker = false;
                } else {
                    fail(s, "a frame with a reserved opcode");
                    return;
                }
                if (length == 0)
                    frameDone(s, subscribed);
                continue;
            }
            const size_t take = size_t(std::min<quint64>(n, s.payloadLeft));
            if (s.opcode >= 0x8) {
                s.control.append(p, take);
            } else {
                s.markers.feed(p, take, [&](quint32 marker) {
                    s.carriedMarker = true;
                    found(marker);
                });
                if (!s.carriedMarker && s.text.size() < MaxKeptTextBytes)
                    s.text.append(p, std::min(take, MaxKeptTextBytes - s.text.size()));
            }
            p += take;
            n -= take;
            s.payloadLeft -= take;
            if (s.payloadLeft == 0)
                frameDone(s, subscribed);
        }
    }

    void frameDone(Session &s, int &subscribed)
    {
        s.inHeader = true;
        switch (s.opcode) {
        case 0x8: {
            const int code = s.control.size() >= 2 ? (quint8(s.control[0]) << 8) | quint8(s.control[1]) : 0;
            const std::string what = "a close frame (code " + std::to_string(code) + ")";
            fail(s, what.c_str(), std::string_view(s.control).substr(std::min<size_t>(2, s.control.size())));
            return;
        }
        case 0x9:
            send(s, clientFrame(0xA, s.control));
            return;
        case 0xA:
            return;
        default:
            break;
        }
        if (!s.fin)
            return;
        s.inMessage = false;
        if (s.carriedMarker)
            return; // a delivery, not a message about the session
        const std::string_view text = s.text;
        auto has = [&text](std::string_view what) {
            return text.find(what) != std::string_view::npos;
        };
        if (s.stage == Session::Welcome && has("\"type\":\"welcome\"")) {
            s.stage = Session::Subscribing;
            send(s, m_shared->subscribeFrame);
        } else if (s.stage == Session::Subscribing && has("\"type\":\"subscribed\"")) {
            s.stage = Session::Subscribed;
            --m_inFlight;
            ++subscribed;
        } else if (has("\"type\":\"error\"") || has("\"type\":\"unsubscribed\"") ||
                   has("\"type\":\"session-ended\"")) {
            fail(s, "the server said", text);
        }
    }

    // 1 for the first arrival of `marker` at this session, 0 otherwise (counted as a duplicate or
    // as unexpected).
    int record(const Session &s, quint32 marker, qint64 now)
    {
        const size_t messages = size_t(m_shared->messages);
        const qint64 sent =
            marker < messages ? m_shared->sentAtUs[marker].load(std::memory_order_acquire) : 0;
        if (sent == 0) {
            ++unexpected;
            return 0;
        }
        quint8 &seen = m_seen[size_t(&s - m_sessions.data()) * messages + marker];
        if (seen != 0) {
            ++duplicates;
            return 0;
        }
        seen = 1;
        m_latenciesUs[int(marker) < m_shared->oneByOne ? 0 : 1].push_back(now - sent);
        return 1;
    }

    void addDeliveries(qint64 delivered)
    {
        // Sequentially consistent with the main thread's store of wakeAt and load of deliveries:
        // one of the two sides sees the other, so the last wake-up is never lost.
        const qint64 total = m_shared->deliveries.fetch_add(delivered) + delivered;
        if (total >= m_shared->wakeAt.load())
            m_shared->notify();
    }

    void addSubscribed(int subscribed)
    {
        if (m_shared->subscribed.fetch_add(subscribed) + subscribed >= m_shared->sessions)
            m_shared->notify();
    }

    Shared *m_shared;
    int m_first;
    int m_epoll = -1;
    int m_inFlight = 0;
    int m_reported = 0;
    qint64 m_cpuStartUs = 0;
    qint64 m_cpuBoundaryUs = -1;
    std::vector<Session> m_sessions;
    std::vector<quint8> m_seen; // per (session, message): arrived
    std::vector<qint64> m_latenciesUs[2];
    bool m_counting = false;
    qint64 m_bytes = 0;
    char m_buffer[64 * 1024];
};

// The client threads of one peer's run.
class Clients
{
public:
    Clients(Shared *shared, int threadCount)
        : m_shared(shared)
    {
        shared->threads = threadCount;
        int first = 0;
        for (int t = 0; t < threadCount; ++t) {
            const int count = shared->sessions / threadCount + (t < shared->sessions % threadCount ? 1 : 0);
            m_clients.push_back(std::make_unique<Client>(shared, first, count));
            first += count;
        }
        for (auto &c : m_clients)
            m_threads.emplace_back([client = c.get()] { client->run(); });
    }
    ~Clients() { stop(); }
    void stop()
    {
        m_shared->stop.store(true, std::memory_order_release);
        for (std::thread &t : m_threads) {
            if (t.joinable())
                t.join();
        }
    }
    const std::vector<std::unique_ptr<Client>> &clients() const { return m_clients; }

private:
    Shared *m_shared;
    std::vector<std::unique_ptr<Client>> m_clients;
    std::vector<std::thread> m_threads;
};

// One phase: the latencies of its messages, and the CPU time the client threads and the server
// spent over its window (from its first send to the next phase's first send, or to the end).
struct PhaseFigures {
    qint64 deliveries = 0;
    double p50Ms = -1, p99Ms = -1, maxMs = -1;
    double windowMs = 0;
    double clientCpuMs = 0;
    double clientCpuUsPerDelivery = -1;
    double serverCpuMs = -1;
    double serverCpuUsPerDelivery = -1;
};

struct Figures {
    qint64 deliveries = 0;
    qint64 duplicates = 0;
    qint64 misses = 0;
    qint64 unexpected = 0;
    int failures = 0;
    bool complete = false;
    double bytesPerDelivery = 0;
    PhaseFigures phases[2]; // the messages sent one by one, then the stream
};

// The clock and the server's CPU time (-1: unknown) at the start, at the phases' boundary and at
// the end of the sending.
// When each phase began (one by one, the stream) and ended, and the server's CPU time then.
struct Marks {
    explicit Marks(qint64 serverPid)
        : pid(serverPid)
    {
        mark(0);
    }
    void mark(int phase)
    {
        atUs[phase] = nowUs();
        serverCpuUs[phase] = processCpuUs(pid);
    }
    void end()
    {
        mark(2);
        if (atUs[1] < 0) { // no stream
            atUs[1] = atUs[2];
            serverCpuUs[1] = serverCpuUs[2];
        }
    }
    qint64 pid;
    qint64 atUs[3] = {0, -1, 0};
    qint64 serverCpuUs[3] = {-1, -1, -1};
};

// Stops the client threads and gathers their figures.
Figures collect(Shared &shared, Clients &clients, const Marks &marks)
{
    clients.stop();
    Figures f;
    std::vector<qint64> latencies[2];
    qint64 cpuUs[2] = {};
    for (const auto &c : clients.clients()) {
        for (int phase = 0; phase < 2; ++phase) {
            latencies[phase].insert(latencies[phase].end(), c->latenciesUs(phase).begin(),
                                    c->latenciesUs(phase).end());
            cpuUs[phase] += c->cpuUs[phase];
        }
        f.duplicates += c->duplicates;
        f.unexpected += c->unexpected;
        f.misses += c->misses();
    }
    auto pct = [](const std::vector<qint64> &sorted, double p) {
        return sorted.empty()
                   ? -1.0
                   : double(sorted[std::min(sorted.size() - 1, size_t(p * double(sorted.size())))]) / 1000.0;
    };
    for (int phase = 0; phase < 2; ++phase) {
        std::vector<qint64> &all = latencies[phase];
        std::sort(all.begin(), all.end());
        PhaseFigures &p = f.phases[phase];
        p.deliveries = qint64(all.size());
        p.p50Ms = pct(all, 0.50);
        p.p99Ms = pct(all, 0.99);
        p.maxMs = pct(all, 1.0);
        p.windowMs = double(marks.atUs[phase + 1] - marks.atUs[phase]) / 1000.0;
        p.clientCpuMs = double(cpuUs[phase]) / 1000.0;
        p.clientCpuUsPerDelivery = all.empty() ? -1.0 : double(cpuUs[phase]) / double(all.size());
        if (marks.serverCpuUs[phase] >= 0 && marks.serverCpuUs[phase + 1] >= 0) {
            const qint64 server = marks.serverCpuUs[phase + 1] - marks.serverCpuUs[phase];
            p.serverCpuMs = double(server) / 1000.0;
            p.serverCpuUsPerDelivery = all.empty() ? -1.0 : double(server) / double(all.size());
        }
        f.deliveries += p.deliveries;
    }
    f.failures = shared.failures.load();
    f.complete = f.deliveries == qint64(shared.sessions) * shared.messages && f.duplicates == 0 &&
                 f.misses == 0 && f.unexpected == 0 && f.failures == 0;
    f.bytesPerDelivery = f.deliveries ? double(shared.bytes.load()) / double(f.deliveries) : 0;
    if (f.duplicates || f.misses || f.unexpected)
        std::fprintf(stderr, "%s: %lld duplicate, %lld missing, %lld unexpected deliveries\n",
                     shared.peer == Peer::Redis ? "Redis" : "meshdeckd", static_cast<long long>(f.duplicates),
                     static_cast<long long>(f.misses), static_cast<long long>(f.unexpected));
    return f;
}

QJsonObject toJson(const PhaseFigures &p)
{
    return {{QStringLiteral("deliveries"), p.deliveries},
            {QStringLiteral("p50Ms"), p.p50Ms},
            {QStringLiteral("p99Ms"), p.p99Ms},
            {QStringLiteral("maxMs"), p.maxMs},
            {QStringLiteral("windowMs"), p.windowMs},
            {QStringLiteral("serverCpuMs"), p.serverCpuMs},
            {QStringLiteral("serverCpuUsPerDelivery"), p.serverCpuUsPerDelivery},
            {QStringLiteral("clientCpuMs"), p.clientCpuMs},
            {QStringLiteral("clientCpuUsPerDelivery"), p.clientCpuUsPerDelivery}};
}

QJsonObject toJson(const Figures &f)
{
    return {{QStringLiteral("deliveries"), f.deliveries},
            {QStringLiteral("duplicates"), f.duplicates},
            {QStringLiteral("misses"), f.misses},
            {QStringLiteral("unexpected"), f.unexpected},
            {QStringLiteral("failedSessions"), f.failures},
            {QStringLiteral("complete"), f.complete},
            {QStringLiteral("bytesPerDelivery"), f.bytesPerDelivery},
            {QStringLiteral("oneByOne"), toJson(f.phases[0])},
            {QStringLiteral("stream"), toJson(f.phases[1])}};
}

// Waits until every delivery arrived, a session failed, or nothing arrived for 10 s.
void awaitDeliveries(Shared &shared, qint64 expected)
{
    qint64 seen = -1;
    QElapsedTimer quiet;
    quiet.start();
    while (quiet.elapsed() < 10'000) {
        if (shared.waitFor([&] { return shared.deliveries.load() >= expected || shared.failures.load() > 0; },
                           1s))
            return;
        if (const qint64 now = shared.deliveries.load(); now != seen) {
            seen = now;
            quiet.restart();
        }
    }
}

// Sends every message with `sendOne`: the first shared.oneByOne each once every session has the one
// before (how long one message takes to reach a whole room), then the rest 20 ms apart as a busy
// conversation is (a stream: a message may still be fanning out when the next is sent). False when
// a send failed or a message sent one by one did not reach every session within 10 s.
bool sendAll(Shared &shared, const std::function<bool(int n)> &sendOne,
             const std::function<void()> &streamStarts)
{
    for (int n = 0; n < shared.messages; ++n) {
        if (n > 0 && n <= shared.oneByOne) { // the stream too starts once the last one arrived
            const qint64 want = qint64(n) * shared.sessions;
            shared.wakeAt.store(want);
            if (!shared.waitFor(
                    [&] { return shared.deliveries.load() >= want || shared.failures.load() > 0; }, 10s) ||
                shared.failures.load() > 0) {
                std::fprintf(
                    stderr, "message %d did not reach every session within 10 s (%lld of %lld)\n", n - 1,
                    static_cast<long long>(shared.deliveries.load() - qint64(n - 1) * shared.sessions),
                    static_cast<long long>(shared.sessions));
                return false;
            }
            shared.wakeAt.store(qint64(shared.sessions) * shared.messages); // no wake-ups meanwhile
        }
        if (n == shared.oneByOne) {
            shared.streaming.store(true, std::memory_order_release);
            streamStarts();
        }
        shared.sentAtUs[size_t(n)].store(nowUs(), std::memory_order_release);
        if (!sendOne(n))
            return false;
        if (n >= shared.oneByOne)
            std::this_thread::sleep_for(20ms); // spread the sends out, as a conversation is
    }
    return true;
}

bool resolve(const QString &host, quint16 port, Shared &shared)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    const QByteArray name = host.toUtf8();
    const QByteArray service = QByteArray::number(port);
    if (getaddrinfo(name.constData(), service.constData(), &hints, &found) != 0 || !found) {
        std::fprintf(stderr, "cannot resolve %s\n", name.constData());
        return false;
    }
    std::memcpy(&shared.address, found->ai_addr, found->ai_addrlen);
    shared.addressLength = found->ai_addrlen;
    freeaddrinfo(found);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 7) {
        std::fprintf(stderr, "usage: chat_fanout URL TOKEN REDIS_PORT SESSIONS MESSAGES THREADS "
                             "[MESHDECKD_PID REDIS_PID [ONE_BY_ONE]]\n");
        return 2;
    }
    const QUrl base(args[1]);
    const QByteArray token = args[2].toUtf8();
    const auto redisPort = quint16(args[3].toUInt());
    const int sessions = args[4].toInt();
    // ONE_BY_ONE messages sent one at a time, then MESSAGES as a stream.
    const int oneByOne = args.size() > 9 ? std::max(0, args[9].toInt()) : 0;
    const int messages = oneByOne + args[5].toInt();
    const int threadCount = std::max(1, args[6].toInt());
    // With the servers' process ids, their CPU time over the same window is reported too.
    const qint64 meshdeckdPid = args.size() > 7 ? args[7].toLongLong() : 0;
    const qint64 redisPid = args.size() > 8 ? args[8].toLongLong() : 0;
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    QNetworkAccessManager http;
    auto post = [&](const QString &path, const QJsonObject &body, QJsonObject *answer) {
        QUrl url = base;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = http.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
        if (!reply->isFinished()) {
            QEventLoop loop; // waits without spinning: the cores belong to the server under test
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(10'000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (answer)
            *answer = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return status;
    };

    QJsonObject room;
    if (const int status = post(QStringLiteral("/v1/chat/rooms"),
                                {{QStringLiteral("type"), QStringLiteral("group")},
                                 {QStringLiteral("name"), QStringLiteral("bench-fanout")},
                                 {QStringLiteral("private"), false}},
                                &room);
        status != 201) {
        std::fprintf(stderr, "creating the room answered %d: %s\n", status,
                     QJsonDocument(room).toJson(QJsonDocument::Compact).constData());
        return 1;
    }
    const QString roomId = room.value(QStringLiteral("id")).toString();
    const QString channel = QStringLiteral("chat.rooms.") + roomId;
    const qint64 expected = qint64(sessions) * messages;

    // meshdeckd: every session subscribes to the room's channel.
    Shared chat(Peer::Meshdeckd, sessions, messages);
    chat.oneByOne = oneByOne;
    if (!resolve(base.host(), quint16(base.port()), chat))
        return 1;
    chat.upgradeRequest = "GET /v1/realtime HTTP/1.1\r\nHost: " + base.authority().toStdString() +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                          "Authorization: Bearer " +
                          token.toStdString() + "\r\n\r\n";
    const QByteArray subscribe =
        QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                  {QStringLiteral("channel"), channel}})
            .toJson(QJsonDocument::Compact);
    chat.subscribeFrame = clientFrame(0x1, std::string_view(subscribe.constData(), size_t(subscribe.size())));
    Figures chatFigures;
    {
        Clients clients(&chat, threadCount);
        if (!chat.waitFor([&] { return chat.subscribed.load() == sessions || chat.failures.load() > 0; },
                          120s) ||
            chat.failures.load() > 0) {
            std::fprintf(stderr, "only %d of %d sessions subscribed\n", chat.subscribed.load(), sessions);
            return 1;
        }
        chat.measuring.store(true, std::memory_order_release);
        chat.waitFor([&] { return chat.counting.load() == threadCount; }, 10s);
        Marks marks(meshdeckdPid);
        const auto streamStarts = [&] {
            marks.mark(1);
        };
        const bool sent = sendAll(
            chat,
            [&](int n) {
                QJsonObject answer;
                const int status = post(QStringLiteral("/v1/chat/rooms/%1/messages").arg(roomId),
                                        {{QStringLiteral("text"), QStringLiteral("m=%1;").arg(n)}}, &answer);
                if (status != 201)
                    std::fprintf(stderr, "send answered %d\n", status);
                return status == 201;
            },
            streamStarts);
        if (!sent)
            return 1;
        awaitDeliveries(chat, expected);
        marks.end();
        chatFigures = collect(chat, clients, marks);
    }

    // Redis: the same number of subscribers on one channel, the same threads, payloads as long as
    // meshdeckd's events (the marker, then padding; a Redis message reply adds about 35 bytes).
    Shared redis(Peer::Redis, sessions, messages);
    redis.oneByOne = oneByOne;
    const qsizetype redisPadding = qsizetype(chatFigures.bytesPerDelivery) - 35;
    if (!resolve(QStringLiteral("127.0.0.1"), redisPort, redis))
        return 1;
    QTcpSocket publisher;
    publisher.connectToHost(QStringLiteral("127.0.0.1"), redisPort);
    if (!publisher.waitForConnected(10'000)) {
        std::fprintf(stderr, "Redis: cannot connect the publisher\n");
        return 1;
    }
    // One command's reply: an integer, or a NUMSUB array of a name and an integer.
    auto command = [&](const QByteArray &line) {
        publisher.write(line + "\r\n");
        QByteArray reply;
        QElapsedTimer waited;
        waited.start();
        while (!(reply.endsWith("\r\n") && (reply.startsWith(':') || reply.startsWith('-') ||
                                            (reply.startsWith('*') && reply.count("\r\n") >= 4))) &&
               waited.elapsed() < 10'000) {
            publisher.waitForReadyRead(100);
            reply += publisher.readAll();
        }
        return reply;
    };
    Figures redisFigures;
    {
        Clients clients(&redis, threadCount);
        if (!redis.waitFor([&] { return redis.subscribed.load() == sessions || redis.failures.load() > 0; },
                           120s) ||
            redis.failures.load() > 0 ||
            !command("PUBSUB NUMSUB bench").contains(":" + QByteArray::number(sessions) + "\r\n")) {
            std::fprintf(stderr, "Redis: only %d of %d subscribers arrived\n", redis.subscribed.load(),
                         sessions);
            return 1;
        }
        redis.measuring.store(true, std::memory_order_release);
        redis.waitFor([&] { return redis.counting.load() == threadCount; }, 10s);
        Marks marks(redisPid);
        const auto streamStarts = [&] {
            marks.mark(1);
        };
        const bool sent = sendAll(
            redis,
            [&](int n) {
                const QByteArray marker = "m=" + QByteArray::number(n) + ";";
                const QByteArray reply =
                    command("PUBLISH bench " + marker +
                            QByteArray(std::max<qsizetype>(0, redisPadding - marker.size()), 'x'));
                if (!reply.startsWith(':'))
                    std::fprintf(stderr, "Redis: PUBLISH answered %s\n", reply.constData());
                return reply.startsWith(':');
            },
            streamStarts);
        if (!sent)
            return 1;
        awaitDeliveries(redis, expected);
        marks.end();
        redisFigures = collect(redis, clients, marks);
    }

    const QJsonObject out{{QStringLiteral("sessions"), sessions},
                          {QStringLiteral("messages"), messages},
                          {QStringLiteral("threads"), threadCount},
                          {QStringLiteral("meshdeckd"), toJson(chatFigures)},
                          {QStringLiteral("redis"), toJson(redisFigures)}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return chatFigures.complete && redisFigures.complete ? 0 : 1;
}
