#include "testing.h"

#include "http/dispatcher.h"
#include "http/httpserver.h"
#include "http/problem.h"
#include "net/websocketwriter.h"

#include <QCoroTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QWebSocket>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Meshdeck::Http;
using namespace Meshdeck::Testing;
using Meshdeck::Net::WebSocketWriter;

namespace {

// How many slow handlers started and finished: tests wait on these instead of guessing how long
// a request takes to reach its handler.
std::atomic<int> slowStarted{0};
std::atomic<int> slowFinished{0};

QCoro::Task<Response> slowHandler(Request request)
{
    ++slowStarted;
    const int ms = request.pathParams.value(QStringLiteral("ms")).toInt();
    co_await QCoro::sleepFor(std::chrono::milliseconds(ms)); // the handler's work, not a wait
    ++slowFinished;
    co_return Response::text(200, QByteArray::number(ms));
}

QCoro::Task<Response> echoHandler(Request request)
{
    co_return Response::text(200, request.body, "application/octet-stream");
}

QCoro::Task<Response> throwingHandler(Request)
{
    co_await QCoro::sleepFor(std::chrono::milliseconds(1));
    throw std::runtime_error("handler failure");
}

// The engine's tests are about the engine: every credential is the admin, and routes are public
// unless a test says otherwise.
class AllowAll : public Meshdeck::Authenticator
{
public:
    Meshdeck::Authentication authenticate(const QByteArray &, const QByteArray &) const override
    {
        return {std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken()), {}, {}};
    }
};

RouteOptions publicRoute()
{
    return RouteOptions{Access::Public, -1, {}, {}};
}

struct Engine {
    HttpMetrics metrics;
    Router router{&metrics};
    AllowAll auth;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<HttpServer> server;

    // `more` adds a test's own routes before the server starts.
    explicit Engine(Limits limits = {}, const std::function<void(Router &)> &more = {})
    {
        slowStarted = 0;
        slowFinished = 0;
        router.add("GET", "/fast", SyncHandler([](const Request &r) {
                       Response resp = Response::text(200, "fast:" + r.path);
                       return resp;
                   }),
                   publicRoute());
        router.add("GET", "/slow/{ms}", AsyncHandler(slowHandler), publicRoute());
        router.add("POST", "/echo", AsyncHandler(echoHandler), publicRoute());
        router.add("POST", "/small", AsyncHandler(echoHandler), RouteOptions{Access::Public, 16, {}, {}});
        router.add("GET", "/throws", AsyncHandler(throwingHandler), publicRoute());
        router.addWebSocket(
            "/ws",
            [](QWebSocket *socket, QTcpSocket *, const Request &) {
                QObject::connect(
                    socket, &QWebSocket::textMessageReceived, socket,
                    [socket](const QString &m) { socket->sendTextMessage(QStringLiteral("echo:") + m); });
                QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            },
            publicRoute());
        if (more)
            more(router);
        dispatcher = std::make_unique<Dispatcher>(router, &auth, &metrics);
        server = std::make_unique<HttpServer>(limits, *dispatcher, 2);
        if (!server->listen(QHostAddress::LocalHost, 0))
            qFatal("listen failed");
    }
};

QByteArray get(const QByteArray &path, const QByteArray &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

QCoro::Task<Response> requestIdHandler(Request request)
{
    co_await QCoro::sleepFor(std::chrono::milliseconds(1)); // really suspends: the async path
    co_return Response::text(200, request.requestId);
}

QCoro::Task<Response> sixteenBytesHandler(Request)
{
    co_await QCoro::sleepFor(std::chrono::milliseconds(1));
    co_return Response::text(200, "0123456789abcdef");
}

// The bytes of a connection exactly as the server sent them, consumed piece by piece.
class ByteStream
{
public:
    explicit ByteStream(QTcpSocket &socket)
        : m_socket(socket)
    {}
    // The next response head, through its blank line; empty if none arrives in time.
    QByteArray takeHead(int timeoutMs = 5000)
    {
        if (!QTest::qWaitFor([&] { return pull().contains("\r\n\r\n"); }, timeoutMs))
            return {};
        const qsizetype end = m_buffer.indexOf("\r\n\r\n") + 4;
        const QByteArray head = m_buffer.first(end);
        m_buffer.remove(0, end);
        return head;
    }
    QByteArray take(qsizetype n, int timeoutMs = 5000)
    {
        if (!QTest::qWaitFor([&] { return pull().size() >= n; }, timeoutMs))
            return {};
        const QByteArray bytes = m_buffer.first(n);
        m_buffer.remove(0, n);
        return bytes;
    }

private:
    const QByteArray &pull()
    {
        m_buffer += m_socket.readAll();
        return m_buffer;
    }
    QTcpSocket &m_socket;
    QByteArray m_buffer;
};

QByteArray headerOf(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed();
    }
    return {};
}

std::atomic<bool> g_releaseHeld{false};

// Answers only once the test releases it, holding its request (and body) meanwhile.
QCoro::Task<Response> holdUntilReleased(Request request)
{
    while (!g_releaseHeld.load())
        co_await QCoro::sleepFor(std::chrono::milliseconds(5));
    co_return Response::text(200, QByteArray::number(request.body.size()));
}

QByteArray post(const QByteArray &path, const QByteArray &body)
{
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\n\r\n" + body;
}

// The same request with a chunked body of one chunk.
QByteArray postChunked(const QByteArray &path, const QByteArray &body)
{
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
           QByteArray::number(body.size(), 16) + "\r\n" + body + "\r\n0\r\n\r\n";
}

// A data plane as the gateway is one: it counts the heads it got, pulls a streamed body and
// answers how many bytes came, or why they stopped.
QCoro::Task<Response> countBody(Request request)
{
    qint64 bytes = request.body.size();
    const bool streamed = request.bodySource != nullptr;
    if (const BodySourcePtr source = std::exchange(request.bodySource, nullptr)) {
        while (true) {
            const BodyChunk chunk = co_await source->next();
            if (chunk.end)
                break;
            if (chunk.failed())
                co_return Response::text(chunk.error == BodyError::TooLarge ? 413 : 400,
                                         chunk.reason.toUtf8());
            bytes += chunk.bytes.size();
        }
    }
    co_return Response::text(200, (streamed ? "streamed " : "whole ") + QByteArray::number(bytes));
}

// A route that streams its bodies (RouteOptions::streamBody): counts the heads it got.
std::atomic<int> g_streamedHeads{0};
QCoro::Task<Response> countStreamedBody(Request request)
{
    ++g_streamedHeads;
    return countBody(std::move(request));
}

class CountingFrontend : public Frontend
{
public:
    qint64 bodyLimit(const Request &request) const override
    {
        return request.path == "/small" ? 1000 : (1LL << 30);
    }
    Answer handle(Request &request) override
    {
        ++heads;
        Answer answer;
        answer.task = countBody(std::move(request));
        return answer;
    }
    void engineRefused(const Request &request, const Response &response) override
    {
        if (request.path == "/small" && response.status == 413)
            ++refused;
    }
    std::atomic<int> heads{0};
    std::atomic<int> refused{0};
};

struct FrontendEngine {
    HttpMetrics metrics;
    Router router{&metrics};
    AllowAll auth;
    CountingFrontend frontend;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<HttpServer> server;
    FrontendEngine()
    {
        dispatcher = std::make_unique<Dispatcher>(router, &auth, &metrics);
        dispatcher->setFrontend(&frontend);
        server = std::make_unique<HttpServer>(Limits{}, *dispatcher, 1);
        if (!server->listen(QHostAddress::LocalHost, 0))
            qFatal("listen failed");
    }
};

} // namespace

class TestHttpEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aFrontendGetsTheHeadFirstAndPullsTheBody()
    {
        FrontendEngine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        // The head alone reaches the data plane; the body follows as it comes.
        c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
        QTRY_COMPARE_WITH_TIMEOUT(engine.frontend.heads.load(), 1, 5000);
        c.send("defghij");
        RawResponse r = c.read();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("streamed 10"));
        // A body that came with its head is handed over whole, on the same connection.
        c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz");
        QCOMPARE(c.read().body, QByteArray("whole 3"));
        // Expect: 100-continue still gets its interim answer before the body is sent.
        c.send("POST /big HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return c.socket().bytesAvailable() > 0; }, 3000));
        QVERIFY(c.socket().peek(25).startsWith("HTTP/1.1 100 Continue"));
        c.send("wxyz");
        QCOMPARE(c.read().body, QByteArray("streamed 4"));
    }

    void aRouteThatOptsInPullsItsBodyAsItComes()
    {
        Engine engine({}, [](Router &router) {
            RouteOptions o = publicRoute();
            o.maxBody = 1 << 20;
            o.streamBody = true;
            router.add("POST", "/upload", AsyncHandler(countStreamedBody), o);
        });
        g_streamedHeads = 0;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\nabc");
        // The handler runs before the body is all there, and pulls the rest.
        QTRY_COMPARE_WITH_TIMEOUT(g_streamedHeads.load(), 1, 5000);
        c.send(QByteArray(4997, 'x'));
        RawResponse r = c.read();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("streamed 5000"));
        // A body that came with its head is handed over whole, on the same connection.
        c.send(post("/upload", "xyz"));
        QCOMPARE(c.read().body, QByteArray("whole 3"));
        // Over the route's limit while chunked: the handler learns it from the body and says 413.
        c.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
               "chunked\r\n\r\n10\r\n0123456789abcdef\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(g_streamedHeads.load(), 3, 5000);
        c.send("100001\r\n" + QByteArray(1024, 'z'));
        QCOMPARE(c.read().status, 413);
        // Other routes still get their bodies whole.
        RawHttp d;
        QVERIFY(d.connectTo(engine.server->port()));
        d.send(post("/echo", "abcdef"));
        const RawResponse echoed = d.read();
        QCOMPARE(echoed.status, 200);
        QCOMPARE(echoed.body, QByteArray("abcdef"));
        QCOMPARE(g_streamedHeads.load(), 3);
    }

    void aFrontendLearnsOfAChunkedBodyOverItsLimit()
    {
        FrontendEngine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
               QByteArray(600, 'a') + "\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(engine.frontend.heads.load(), 1, 5000);
        c.send("258\r\n" + QByteArray(600, 'b') + "\r\n");
        const RawResponse r = c.read();
        QCOMPARE(r.status, 413); // the data plane's answer, from the body's failure
        QVERIFY(c.waitClosed());
        QCOMPARE(engine.frontend.refused.load(), 0);
        // Over the limit from Content-Length: the engine refuses it and tells the data plane.
        RawHttp d;
        QVERIFY(d.connectTo(engine.server->port()));
        d.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n");
        QCOMPARE(d.read().status, 413);
        QCOMPARE(engine.frontend.heads.load(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(engine.frontend.refused.load(), 1, 5000);
    }

    void answersPipelinedRequestsInOrder()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        // The first handler finishes last; the responses must still come in request order.
        c.send(get("/slow/300") + get("/slow/10") + get("/fast") +
               "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
        QCOMPARE(c.read().body, QByteArray("300"));
        QCOMPARE(c.read().body, QByteArray("10"));
        QCOMPARE(c.read().body, QByteArray("fast:/fast"));
        QCOMPARE(c.read().body, QByteArray("abc"));
        // and the connection stays usable
        c.send(get("/fast"));
        QCOMPARE(c.read().status, 200);
    }

    void honoursConnectionClose()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/fast", "Connection: close\r\n") + get("/fast"));
        const RawResponse r = c.read();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY2(c.waitClosed(), "the server closes after a Connection: close response");
        QVERIFY2(!c.read(200).valid(), "nothing is answered after the close");
    }

    void honoursHttp10()
    {
        Engine engine;
        RawHttp plain;
        QVERIFY(plain.connectTo(engine.server->port()));
        plain.send("GET /fast HTTP/1.0\r\n\r\n");
        QCOMPARE(plain.read().status, 200);
        QVERIFY2(plain.waitClosed(), "HTTP/1.0 closes by default");

        RawHttp keepAlive;
        QVERIFY(keepAlive.connectTo(engine.server->port()));
        keepAlive.send("GET /fast HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const RawResponse r = keepAlive.read();
        QCOMPARE(r.header("connection"), QByteArray("keep-alive"));
        keepAlive.send("GET /fast HTTP/1.0\r\n\r\n");
        QCOMPARE(keepAlive.read().status, 200);
    }

    void acceptsChunkedBodiesAndExpectContinue()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
               "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        QCOMPARE(c.read().body, QByteArray("abcde"));

        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return c.socket().bytesAvailable() > 0; }, 3000));
        QVERIFY(c.socket().peek(25).startsWith("HTTP/1.1 100 Continue"));
        c.send("wxyz");
        QCOMPARE(c.read().body, QByteArray("wxyz"));
    }

    void rejectsOverLimitRequestsWithTheRightStatusAndCloses_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::newRow("414") << ("GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n") << 414;
        QTest::newRow("431 bytes") << get("/fast", "X: " + QByteArray(40'000, 'a') + "\r\n") << 431;
        QTest::newRow("route body limit 413")
            << QByteArray("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n") << 413;
        QTest::newRow("smuggling 400") << QByteArray("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: "
                                                     "3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                       << 400;
    }

    void rejectsOverLimitRequestsWithTheRightStatusAndCloses()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/fast")); // an accepted request before the bad one is still answered
        QCOMPARE(c.read().status, 200);
        c.send(bytes);
        const RawResponse r = c.read();
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(
            !QJsonDocument::fromJson(r.body).object().value(QStringLiteral("detail")).toString().isEmpty());
        QVERIFY(c.waitClosed());
    }

    void slowlorisIsCutOffAtTheHeaderTimeout()
    {
        Limits limits;
        limits.headerTimeoutMs = 400;
        Engine engine(limits);
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        const QByteArray head = get("/fast", "X-Slow: " + QByteArray(40, 'z') + "\r\n");
        // One byte every 50 ms: the whole head would take well over 2 s.
        const qsizetype sent = c.sendSlowly(head, 50);
        QVERIFY2(sent < head.size(), "the server must close before the slow head is complete");
        QVERIFY(c.waitClosed(2000));
    }

    void answers408WhenTheHeadNeverCompletes()
    {
        Limits limits;
        limits.headerTimeoutMs = 300;
        Engine engine(limits);
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send("GET /fast HTTP/1.1\r\nHost");
        const RawResponse r = c.read(3000);
        QCOMPARE(r.status, 408);
        QVERIFY(c.waitClosed());
    }

    // A client that stops taking its response (a zero window) is closed after the idle timeout,
    // not held with its buffers for ever; one that keeps reading, however slowly, is not.
    void closesAClientThatStopsReadingItsResponse()
    {
        Limits limits;
        limits.idleTimeoutMs = 300;
        const QByteArray huge(64 * 1024 * 1024, 'h'); // far over what the kernels' buffers take
        Engine engine(limits, [&huge](Router &router) {
            router.add("GET", "/huge", SyncHandler([&huge](const Request &) {
                           return Response::text(200, huge, "application/octet-stream");
                       }),
                       publicRoute());
        });
        // A plain socket with a small receive buffer, outside the event loop: nothing reads it.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        const auto closeFd = qScopeGuard([fd] { ::close(fd); });
        const int small = 4096;
        QCOMPARE(::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(engine.server->port());
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<const sockaddr *>(&to), sizeof to), 0);
        const QByteArray request = get("/huge");
        QCOMPARE(::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL),
                 ssize_t(request.size()));
        QTRY_COMPARE_WITH_TIMEOUT(engine.metrics.openConnections.load(), 1, 5000);
        // Never read: the server gives up on the connection.
        QTRY_COMPARE_WITH_TIMEOUT(engine.metrics.openConnections.load(), 0, 10'000);
        // What came before the close is short of the body: the client can tell.
        qint64 received = 0;
        char buffer[65536];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
            received += n;
        QVERIFY2(received < huge.size(), QByteArray::number(received).constData());
    }

    void closesIdleKeepAliveConnections()
    {
        Limits limits;
        limits.idleTimeoutMs = 300;
        Engine engine(limits);
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/fast"));
        QCOMPARE(c.read().status, 200);
        QVERIFY(c.waitClosed(3000));
    }

    void shedsConnectionsOverTheCap()
    {
        Limits limits;
        limits.maxConnections = 2;
        Engine engine(limits);
        RawHttp a, b, c;
        for (RawHttp *client : {&a, &b}) {
            QVERIFY(client->connectTo(engine.server->port()));
            client->send(get("/fast"));
            QCOMPARE(client->read().status, 200);
        }
        QVERIFY(c.connectTo(engine.server->port()));
        const RawResponse r = c.read();
        QCOMPARE(r.status, 503);
        QCOMPARE(r.header("retry-after"), QByteArray("1"));
        QVERIFY(c.waitClosed());
        // the admitted connections keep working
        a.send(get("/fast"));
        QCOMPARE(a.read().status, 200);
    }

    void survivesClientsVanishingMidRequest()
    {
        Engine engine;
        for (int i = 0; i < 20; ++i) {
            RawHttp c;
            QVERIFY(c.connectTo(engine.server->port()));
            const int started = slowStarted;
            c.send(get("/slow/50") + get("/slow/20"));
            QVERIFY(QTest::qWaitFor([&] { return slowStarted > started; }, 5000)); // mid-request
            c.socket().abort();
        }
        // The abandoned handlers finish with nobody to answer.
        QVERIFY(QTest::qWaitFor([&] { return slowFinished >= 20 && slowFinished == slowStarted; }, 5000));
        RawHttp after;
        QVERIFY(after.connectTo(engine.server->port()));
        after.send(get("/fast"));
        QCOMPARE(after.read().status, 200);
        QVERIFY(QTest::qWaitFor([&] { return engine.metrics.openConnections.load() == 1; }, 2000));
    }

    void aThrowingHandlerIsA500AndTheConnectionLives()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/throws"));
        const RawResponse r = c.read();
        QCOMPARE(r.status, 500);
        QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
        c.send(get("/fast"));
        QCOMPARE(c.read().status, 200);
    }

    void propagatesOrAssignsRequestIds()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/fast", "X-Request-Id: abc-123\r\n"));
        QCOMPARE(c.read().header("x-request-id"), QByteArray("abc-123"));
        c.send(get("/fast", "X-Request-Id: bad id with spaces\r\n"));
        const QByteArray assigned = c.read().header("x-request-id");
        QVERIFY(!assigned.isEmpty());
        QVERIFY(assigned != "bad id with spaces");
        c.send(get("/nope"));
        QVERIFY(!c.read().header("x-request-id").isEmpty());
    }

    void headAnswersWithoutABody()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send("HEAD /fast HTTP/1.1\r\nHost: t\r\n\r\n" + get("/fast"));
        // The HEAD response announces the length but carries no body; the next response follows it.
        // Everything both answers would hold, plus a wrongly sent HEAD body, ends with the GET's body.
        QByteArray raw;
        QVERIFY(QTest::qWaitFor(
            [&] {
                raw += c.socket().readAll();
                return raw.count("HTTP/1.1 200 OK") == 2 && raw.endsWith("fast:/fast");
            },
            3000));
        QCOMPARE(raw.count("HTTP/1.1 200 OK"), 2);
        const qsizetype firstEnd = raw.indexOf("\r\n\r\n") + 4;
        QVERIFY(raw.sliced(firstEnd).startsWith("HTTP/1.1 200 OK"));
        QVERIFY(raw.first(firstEnd).contains("Content-Length: 10"));
    }

    void asyncRoutesAnswerWithTheRequestId()
    {
        Engine engine({}, [](Router &router) {
            router.add("GET", "/async/id", AsyncHandler(requestIdHandler), publicRoute());
        });
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        // Assigned by the server: the header names the id the handler saw.
        c.send(get("/async/id"));
        RawResponse r = c.read();
        QCOMPARE(r.status, 200);
        QVERIFY2(!r.body.isEmpty(), "the handler saw an assigned request id");
        QCOMPARE(r.header("x-request-id"), r.body);
        // Sent by the client: echoed.
        c.send(get("/async/id", "X-Request-Id: client-42\r\n"));
        r = c.read();
        QCOMPARE(r.body, QByteArray("client-42"));
        QCOMPARE(r.header("x-request-id"), QByteArray("client-42"));
    }

    void headOnAnAsyncGetSendsNoBodyAndKeepsThePipelineInStep()
    {
        Engine engine({}, [](Router &router) {
            router.add("GET", "/async/sixteen", AsyncHandler(sixteenBytesHandler), publicRoute());
        });
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send("HEAD /async/sixteen HTTP/1.1\r\nHost: t\r\n\r\n" + get("/async/sixteen") + get("/fast"));
        ByteStream in(c.socket());
        const QByteArray head = in.takeHead();
        QVERIFY2(head.startsWith("HTTP/1.1 200 OK\r\n"), head.constData());
        QCOMPARE(headerOf(head, "content-length"), QByteArray("16"));
        QVERIFY(!headerOf(head, "x-request-id").isEmpty());
        // No body bytes: the next byte on the wire starts the GET's response.
        const QByteArray get1 = in.takeHead();
        QVERIFY2(get1.startsWith("HTTP/1.1 200 OK\r\n"), get1.constData());
        QCOMPARE(headerOf(get1, "content-length"), QByteArray("16"));
        QCOMPARE(in.take(16), QByteArray("0123456789abcdef"));
        const QByteArray get2 = in.takeHead();
        QVERIFY2(get2.startsWith("HTTP/1.1 200 OK\r\n"), get2.constData());
        QCOMPARE(in.take(headerOf(get2, "content-length").toInt()), QByteArray("fast:/fast"));
    }

    void anEncodedSlashStaysInsideItsPathSegment()
    {
        Engine engine({}, [](Router &router) {
            router.add("GET", "/things/{id}", SyncHandler([](const Request &r) {
                           return Response::text(200, "thing:" +
                                                          r.pathParams.value(QStringLiteral("id")).toUtf8());
                       }),
                       publicRoute());
            router.add("GET", "/things/{id}/parts", SyncHandler([](const Request &r) {
                           return Response::text(200, "parts:" +
                                                          r.pathParams.value(QStringLiteral("id")).toUtf8());
                       }),
                       publicRoute());
        });
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/things/a/parts")); // the deeper route exists and answers
        QCOMPARE(c.read().body, QByteArray("parts:a"));
        c.send(get("/things/a%2Fparts"));
        QCOMPARE(c.read().body, QByteArray("thing:a/parts"));
        c.send(get("/things%2Fa"));
        const RawResponse r = c.read();
        QCOMPARE(r.status, 404);
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("instance")).toString(),
                 QStringLiteral("/things%2Fa"));
    }

    void aBodyBeyondTheInFlightBudgetIs503AndAcceptedBodiesComplete_data()
    {
        QTest::addColumn<bool>("chunked");
        QTest::newRow("content-length") << false;
        QTest::newRow("chunked") << true;
    }

    void aBodyBeyondTheInFlightBudgetIs503AndAcceptedBodiesComplete()
    {
        QFETCH(bool, chunked);
        Limits limits;
        limits.maxInflightBodyBytes = 1000;
        Engine engine(limits);
        const QByteArray big(800, 'a');
        const QByteArray request = chunked ? postChunked("/echo", big) : post("/echo", big);
        const qsizetype split = request.indexOf(big) + 100; // the head and 100 bytes of the body
        RawHttp a;
        QVERIFY(a.connectTo(engine.server->port()));
        a.send(request.first(split));
        QTRY_COMPARE_WITH_TIMEOUT(engine.server->bodyBytesInFlight(), qint64(800), 5000);

        // Another client's body would exceed the budget: refused, with a time to retry, and closed.
        const QByteArray small(400, 'b');
        RawHttp b;
        QVERIFY(b.connectTo(engine.server->port()));
        b.send(chunked ? postChunked("/echo", small) : post("/echo", small));
        const RawResponse refused = b.read();
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));
        QCOMPARE(refused.header("connection"), QByteArray("close"));
        QCOMPARE(refused.header("content-type"), QByteArray("application/problem+json"));
        QVERIFY(b.waitClosed());

        // The accepted body is not lost.
        a.send(request.sliced(split));
        const RawResponse accepted = a.read();
        QCOMPARE(accepted.status, 200);
        QCOMPARE(accepted.body, big);
        QTRY_COMPARE_WITH_TIMEOUT(engine.server->bodyBytesInFlight(), qint64(0), 5000);

        // With the budget free again the same request is served.
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(chunked ? postChunked("/echo", small) : post("/echo", small));
        QCOMPARE(c.read().body, small);
    }

    void bodiesHeldByHandlersCountAgainstTheInFlightBudget()
    {
        Limits limits;
        limits.maxInflightBodyBytes = 1000;
        Engine engine(limits, [](Router &router) {
            router.add("POST", "/hold", AsyncHandler(holdUntilReleased), publicRoute());
        });
        g_releaseHeld = false;
        RawHttp a;
        QVERIFY(a.connectTo(engine.server->port()));
        a.send(post("/hold", QByteArray(800, 'a'))); // received whole; the handler keeps it
        QTRY_COMPARE_WITH_TIMEOUT(engine.server->bodyBytesInFlight(), qint64(800), 5000);

        RawHttp b;
        QVERIFY(b.connectTo(engine.server->port()));
        b.send(post("/echo", QByteArray(400, 'b')));
        const RawResponse refused = b.read();
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));

        g_releaseHeld = true;
        const RawResponse held = a.read();
        QCOMPARE(held.status, 200);
        QCOMPARE(held.body, QByteArray("800"));
        QTRY_COMPARE_WITH_TIMEOUT(engine.server->bodyBytesInFlight(), qint64(0), 5000);
        a.send(post("/echo", QByteArray(400, 'c')));
        QCOMPARE(a.read().status, 200);
    }

    void closedWebSocketsLeaveTheDrainSet()
    {
        Engine engine;
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(engine.server->port()));
        std::vector<std::unique_ptr<QWebSocket>> sockets;
        for (int i = 0; i < 3; ++i) {
            sockets.push_back(std::make_unique<QWebSocket>());
            sockets.back()->open(url);
        }
        for (const auto &ws : sockets)
            QTRY_COMPARE_WITH_TIMEOUT(ws->state(), QAbstractSocket::ConnectedState, 5000);
        // Seen while open, so the count below can go down for the right reason.
        QTRY_COMPARE_WITH_TIMEOUT(engine.server->trackedWebSockets(), 3, 5000);
        for (const auto &ws : sockets)
            ws->close();
        QTRY_COMPARE_WITH_TIMEOUT(engine.metrics.openWebSockets.load(), 0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(engine.server->trackedWebSockets(), 0, 5000);

        // The set still does its job: a socket open at drain is closed with "going away".
        QWebSocket last;
        last.open(url);
        QTRY_COMPARE_WITH_TIMEOUT(last.state(), QAbstractSocket::ConnectedState, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(engine.server->trackedWebSockets(), 1, 5000);
        auto done = engine.server->shutdown(std::chrono::milliseconds(3000));
        QTRY_COMPARE_WITH_TIMEOUT(last.state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(last.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        QVERIFY(waitForTask(std::move(done), 5000));
    }

    void handsWebSocketUpgradesToQWebSocketServer()
    {
        Engine engine;
        QWebSocket ws;
        QString reply;
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [&](const QString &m) { reply = m; });
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(engine.server->port())));
        QVERIFY(QTest::qWaitFor([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 5000));
        ws.sendTextMessage(QStringLiteral("hello"));
        QVERIFY(QTest::qWaitFor([&] { return !reply.isEmpty(); }, 5000));
        QCOMPARE(reply, QStringLiteral("echo:hello"));
        ws.close();
    }

    void webSocketFrameHeadersUseTheShortestLength_data()
    {
        QTest::addColumn<quint64>("length");
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("empty") << quint64(0) << QByteArray::fromHex("8100");
        QTest::newRow("125") << quint64(125) << QByteArray::fromHex("817d");
        QTest::newRow("126: 16 bits") << quint64(126) << QByteArray::fromHex("817e007e");
        QTest::newRow("65535") << quint64(65535) << QByteArray::fromHex("817effff");
        QTest::newRow("65536: 64 bits") << quint64(65536) << QByteArray::fromHex("817f0000000000010000");
        QTest::newRow("4 GiB") << (quint64(1) << 32) << QByteArray::fromHex("817f0000000100000000");
    }

    void webSocketFrameHeadersUseTheShortestLength()
    {
        QFETCH(quint64, length);
        QFETCH(QByteArray, header);
        char out[WebSocketWriter::MaxHeaderSize];
        const int size = WebSocketWriter::frameHeader(out, 0x1, length);
        QCOMPARE(QByteArray(out, size), header);
    }

    // Frames written straight to the socket and frames QWebSocket writes (its own messages, pings)
    // reach the client in the order they were made, whole, also once the kernel's buffer is full
    // and the rest waits in QTcpSocket's.
    void directFramesKeepTheirOrderWithQWebSocketsOwn()
    {
        constexpr int Frames = 192;
        constexpr qsizetype Size = 96 * 1024; // 18 MiB in all: more than loopback buffers take at once
        std::atomic<bool> hadTransport = false;
        std::atomic<qint64> mostBuffered = 0; // bytes the kernel did not take at once
        std::atomic<quint64> directBatches = 0;
        std::mutex pongMutex;
        QList<QByteArray> pongs; // the client's answers to the server's pings, as the server got them
        Engine engine({}, [&](Router &router) {
            router.addWebSocket(
                "/burst",
                [&](QWebSocket *socket, QTcpSocket *transport, const Request &) {
                    hadTransport = transport != nullptr;
                    QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
                    QObject::connect(socket, &QWebSocket::pong, socket,
                                     [&](quint64, const QByteArray &payload) {
                                         std::lock_guard lock(pongMutex);
                                         pongs << payload;
                                     });
                    if (!transport)
                        return;
                    auto writer = std::make_shared<WebSocketWriter>(transport);
                    QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                                     [socket, writer, &mostBuffered, &directBatches] {
                                         for (int i = 0; i < Frames; ++i) {
                                             QByteArray text = "w:" + QByteArray::number(i) + ':';
                                             text += QByteArray(Size - text.size(), char('a' + i % 26));
                                             // One at a time and in pairs: both batch shapes cross the buffer
                                             // edge.
                                             if (i % 3 == 0) {
                                                 const QByteArray pair[2] = {
                                                     text, "w:" + QByteArray::number(i) + ":small"};
                                                 writer->writeText(std::span(pair));
                                             } else {
                                                 writer->writeText(text);
                                             }
                                             if (i % 8 == 7) {
                                                 socket->sendTextMessage(QStringLiteral("q:%1").arg(i));
                                                 socket->ping(QByteArray::number(i));
                                             }
                                         }
                                         writer->writeText(QByteArrayLiteral("end"));
                                         mostBuffered = writer->bytesToWrite();
                                         directBatches = writer->directBatches();
                                     });
                },
                publicRoute());
        });
        QWebSocket ws;
        QStringList received;
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [&](const QString &m) {
            if (m.size() < 64) {
                received << m;
                return;
            }
            // A large frame: its number and size, and whether its filler is whole and its own.
            const QString prefix = m.left(m.indexOf(QLatin1Char(':'), 2) + 1);
            const QChar fill = QChar(u'a' + prefix.sliced(2).chopped(1).toInt() % 26);
            const bool whole =
                std::all_of(m.cbegin() + prefix.size(), m.cend(), [fill](QChar c) { return c == fill; });
            received << prefix + QString::number(m.size()) +
                            (whole ? QStringLiteral(":") : QStringLiteral(":torn"));
        });
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/burst").arg(engine.server->port())));
        QVERIFY(QTest::qWaitFor([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 5000));
        QVERIFY(hadTransport);
        ws.sendTextMessage(QStringLiteral("go"));
        QVERIFY(QTest::qWaitFor(
            [&] { return !received.isEmpty() && received.back() == QStringLiteral("end"); }, 30'000));
        // The burst crossed the edge: most of it waited in QTcpSocket's buffer behind a full kernel one.
        QVERIFY2(mostBuffered > 4 * 1024 * 1024, QByteArray::number(mostBuffered.load()));
        QVERIFY(directBatches > 0); // and the start of it went to the descriptor itself
        QStringList expected;
        QList<QByteArray> expectedPongs;
        for (int i = 0; i < Frames; ++i) {
            expected << QStringLiteral("w:%1:%2:").arg(i).arg(Size);
            if (i % 3 == 0)
                expected << QStringLiteral("w:%1:small").arg(i);
            if (i % 8 == 7) {
                expected << QStringLiteral("q:%1").arg(i);
                expectedPongs << QByteArray::number(i);
            }
        }
        expected << QStringLiteral("end");
        QCOMPARE(received, expected);
        // Each ping reached the client whole, among the direct frames: it answered every one.
        auto pongsSoFar = [&] {
            std::lock_guard lock(pongMutex);
            return pongs;
        };
        QVERIFY(QTest::qWaitFor([&] { return pongsSoFar().size() >= expectedPongs.size(); }, 5000));
        QCOMPARE(pongsSoFar(), expectedPongs);
        ws.close();
    }

    // Clients upgrading at once each get the socket under their own WebSocket: what a route writes
    // on it reaches that client and no other.
    void eachWebSocketGetsItsOwnTransport()
    {
        Engine engine({}, [](Router &router) {
            router.addWebSocket(
                "/whoami",
                [](QWebSocket *socket, QTcpSocket *transport, const Request &) {
                    QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
                    if (transport)
                        WebSocketWriter(transport).writeText("port:" +
                                                             QByteArray::number(transport->peerPort()));
                },
                publicRoute());
        });
        constexpr int Clients = 6;
        std::vector<std::unique_ptr<QWebSocket>> sockets;
        std::vector<QString> said(Clients);
        for (int i = 0; i < Clients; ++i) {
            sockets.push_back(std::make_unique<QWebSocket>());
            QObject::connect(sockets.back().get(), &QWebSocket::textMessageReceived, sockets.back().get(),
                             [&said, i](const QString &m) { said[size_t(i)] = m; });
            sockets.back()->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/whoami").arg(engine.server->port())));
        }
        for (int i = 0; i < Clients; ++i) {
            QVERIFY(QTest::qWaitFor([&] { return !said[size_t(i)].isEmpty(); }, 5000));
            QCOMPARE(said[size_t(i)], QStringLiteral("port:%1").arg(sockets[size_t(i)]->localPort()));
        }
    }

    // Nothing follows a close frame: a route that writes after closing writes nothing.
    void nothingIsWrittenAfterTheCloseFrame()
    {
        Engine engine({}, [](Router &router) {
            router.addWebSocket(
                "/closer",
                [](QWebSocket *socket, QTcpSocket *transport, const Request &) {
                    QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
                    auto writer = std::make_shared<WebSocketWriter>(transport);
                    QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [socket, writer] {
                        writer->writeText(QByteArrayLiteral("before"));
                        socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("done"));
                        writer->writeText(QByteArrayLiteral("after"));
                    });
                },
                publicRoute());
        });
        QWebSocket ws;
        QStringList received;
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws,
                         [&](const QString &m) { received << m; });
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/closer").arg(engine.server->port())));
        QVERIFY(QTest::qWaitFor([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 5000));
        ws.sendTextMessage(QStringLiteral("close, please"));
        QVERIFY(QTest::qWaitFor([&] { return ws.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeNormal);
        QCOMPARE(received, QStringList{QStringLiteral("before")});
    }

    void aWebSocketRouteWithoutUpgradeSays426()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/ws"));
        QCOMPARE(c.read().status, 426);
    }

    void shutdownFinishesInFlightRequests()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/slow/200"));
        QVERIFY(QTest::qWaitFor([&] { return slowStarted == 1; }, 5000)); // in flight
        auto done = engine.server->shutdown(std::chrono::milliseconds(3000));
        const RawResponse r = c.read(3000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(waitForTask(std::move(done), 5000));
    }

    void countsRequestsPerRouteAndStatus()
    {
        Engine engine;
        RawHttp c;
        QVERIFY(c.connectTo(engine.server->port()));
        c.send(get("/fast") + get("/fast") + get("/missing"));
        for (int i = 0; i < 3; ++i)
            QVERIFY(c.read().valid());
        const QByteArray text = engine.metrics.prometheusText();
        QVERIFY2(
            text.contains("meshdeck_http_requests_total{method=\"GET\",route=\"/fast\",status=\"200\"} 2"),
            text.constData());
        QVERIFY(text.contains(
            "meshdeck_http_requests_total{method=\"ANY\",route=\"unmatched\",status=\"404\"} 1"));
        QVERIFY(text.contains("meshdeck_http_open_connections 1"));
    }
};

QTEST_GUILESS_MAIN(TestHttpEngine)
#include "tst_httpengine.moc"
