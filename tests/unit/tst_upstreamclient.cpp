#include "testing.h"

#include "http/dispatcher.h"
#include "http/httpserver.h"
#include "http/responseparser.h"
#include "http/upstreamclient.h"

#include <QCoroTimer>
#include <QElapsedTimer>
#include <QPointer>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <vector>

using namespace Meshdeck::Http;
using namespace Meshdeck::Testing;
using namespace std::chrono_literals;

namespace {

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

QCoro::Task<Response> echoHandler(Request request)
{
    co_return Response::text(200, request.body, "application/octet-stream");
}

QCoro::Task<Response> slowHandler(Request request)
{
    co_await QCoro::sleepFor(
        std::chrono::milliseconds(request.pathParams.value(QStringLiteral("ms")).toInt()));
    co_return Response::text(200, "slow");
}

// The project's own HTTP engine as the upstream, on its worker threads.
struct Engine {
    HttpMetrics metrics;
    Router router{&metrics};
    AllowAll auth;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<HttpServer> server;

    Engine()
    {
        router.add("GET", "/hello", SyncHandler([](const Request &r) {
                       return Response::text(200, "hello " + r.header("x-name"));
                   }),
                   publicRoute());
        router.add("POST", "/echo", AsyncHandler(echoHandler), publicRoute());
        router.add("GET", "/slow/{ms}", AsyncHandler(slowHandler), publicRoute());
        router.add("POST", "/small", AsyncHandler(echoHandler), RouteOptions{Access::Public, 16, {}, {}});
        dispatcher = std::make_unique<Dispatcher>(router, &auth, &metrics);
        server = std::make_unique<HttpServer>(Limits{}, *dispatcher, 2);
        if (!server->listen(QHostAddress::LocalHost, 0))
            qFatal("listen failed");
    }
    UpstreamTarget target() const { return {"127.0.0.1", server->port()}; }
};

// A hand-scripted upstream on this thread: it frames requests (head plus Content-Length body) and
// lets the test answer each one with whatever bytes it likes, or none.
class ScriptServer
{
public:
    struct Connection {
        int index = 0;
        QTcpSocket *socket = nullptr;
        QByteArray buffer;
        int requests = 0; // on this connection
    };
    // (connection, its request index, the request's bytes)
    using Script = std::function<void(Connection &, int, const QByteArray &)>;

    explicit ScriptServer(Script script, const QHostAddress &address = QHostAddress::LocalHost)
        : m_script(std::move(script))
    {
        if (!m_server.listen(address, 0))
            qFatal("listen failed");
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto connection = std::make_shared<Connection>();
                connection->index = m_accepted++;
                connection->socket = socket;
                m_connections.push_back(connection);
                QObject::connect(socket, &QTcpSocket::readyRead, socket,
                                 [this, connection] { onData(*connection); });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, [this] { ++m_closedByClient; });
            }
        });
    }

    UpstreamTarget target() const { return {"127.0.0.1", m_server.serverPort()}; }
    int accepted() const { return m_accepted; }
    int closedByClient() const { return m_closedByClient; }
    const QList<QByteArray> &requests() const { return m_requests; }
    std::vector<std::shared_ptr<Connection>> &connections() { return m_connections; }

private:
    void onData(Connection &connection)
    {
        connection.buffer += connection.socket->readAll();
        for (;;) {
            const qsizetype end = connection.buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            qsizetype length = 0;
            for (const QByteArray &line : connection.buffer.first(end).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (connection.buffer.size() < end + 4 + length)
                return;
            const QByteArray request = connection.buffer.first(end + 4 + length);
            connection.buffer.remove(0, request.size());
            m_requests.append(request);
            m_script(connection, connection.requests++, request);
            if (connection.socket->state() != QAbstractSocket::ConnectedState)
                return;
        }
    }

    QTcpServer m_server;
    Script m_script;
    int m_accepted = 0;
    int m_closedByClient = 0;
    QList<QByteArray> m_requests;
    std::vector<std::shared_ptr<Connection>> m_connections;
};

QByteArray ok(const QByteArray &body = "ok")
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

UpstreamRequest get(const QByteArray &target, Headers headers = {})
{
    return UpstreamRequest{"GET", target, std::move(headers), {}, {}};
}

UpstreamResult call(UpstreamPool &pool, const UpstreamTarget &target, UpstreamRequest request,
                    std::chrono::milliseconds timeout = 5s)
{
    return waitForTask(pool.send(target, std::move(request), timeout), 15'000);
}

UpstreamResult streamCall(UpstreamPool &pool, const UpstreamTarget &target, UpstreamRequest request,
                          std::chrono::milliseconds timeout = 5s)
{
    return waitForTask(pool.stream(target, std::move(request), timeout), 15'000);
}

QCoro::Task<BodyChunk> nextOf(BodySourcePtr source)
{
    co_return co_await source->next();
}

BodyChunk pull(const BodySourcePtr &source)
{
    return waitForTask(nextOf(source), 15'000);
}

// A request body given through a pipe in pieces (already all there), with or without its length.
BodySourcePtr pipedBody(const QList<QByteArray> &pieces, bool withLength)
{
    qint64 length = 0;
    for (const QByteArray &p : pieces)
        length += p.size();
    auto pipe = std::make_shared<BodyPipe>(withLength ? length : -1);
    for (const QByteArray &p : pieces)
        pipe->push(p);
    pipe->end();
    return std::make_shared<BodySource>(pipe);
}

// What a gateway handler does: one request after another from a coroutine, each started from
// inside the event that answered the one before.
QCoro::Task<int> sequentialRequests(UpstreamPool *pool, UpstreamTarget target, int count)
{
    int reused = 0;
    for (int i = 0; i < count; ++i) {
        // A named request, not `send(target, UpstreamRequest{...}, ...)`: GCC 12.2 destroys a
        // braced aggregate temporary inside a co_await expression twice (a double free).
        UpstreamRequest request{"GET", "/hello", {}, {}, {}};
        const UpstreamResult r = co_await pool->send(target, std::move(request), 5s);
        if (r.failure != UpstreamFailure::None || r.response->body != "hello ")
            co_return -1;
        reused += r.reused ? 1 : 0;
    }
    co_return reused;
}

UpstreamResult answeredWith(const QByteArray &response, UpstreamPool::Options options = {},
                            const QByteArray &method = "GET")
{
    ScriptServer server([response](ScriptServer::Connection &c, int, const QByteArray &) {
        c.socket->write(response);
        c.socket->flush();
    });
    UpstreamPool pool(options);
    return call(pool, server.target(), UpstreamRequest{method, "/", {}, {}, {}});
}

QByteArray headerOf(const UpstreamResponse &response, QByteArrayView name)
{
    for (const auto &[n, v] : response.headers) {
        if (n == name)
            return v;
    }
    return {};
}

// Feeds `bytes` one byte at a time, then the end of input.
ResponseParser parseByteByByte(const QByteArray &bytes, bool head = false, ResponseParser::Limits limits = {})
{
    ResponseParser parser(limits);
    parser.reset(head);
    for (qsizetype i = 0; i < bytes.size() && !parser.isComplete() && !parser.hasError(); ++i) {
        if (parser.feed(QByteArrayView(bytes).sliced(i, 1)) != 1)
            break;
    }
    if (!parser.isComplete() && !parser.hasError())
        parser.endOfInput();
    return parser;
}

} // namespace

class TestUpstreamClient : public QObject
{
    Q_OBJECT

private slots:
    // ---- the response parser, fed byte by byte ----

    void parserAcceptsValidResponses_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("head");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("keepAlive");
        QTest::newRow("content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello") << false << 200
            << QByteArray("hello") << true;
        QTest::newRow("no reason phrase") << QByteArray("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n") << false
                                          << 404 << QByteArray() << true;
        QTest::newRow("chunked with extensions and trailers")
            << QByteArray("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;name=value\r\nhello\r\n00006 ; x\r\n world\r\n0\r\nTrailer-A: 1\r\n\r\n")
            << false << 201 << QByteArray("hello world") << true;
        QTest::newRow("close-delimited") << QByteArray("HTTP/1.1 200 OK\r\n\r\nuntil the end") << false << 200
                                         << QByteArray("until the end") << false;
        QTest::newRow("connection close") << QByteArray("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n"
                                                        "Content-Length: 2\r\n\r\nhi")
                                          << false << 200 << QByteArray("hi") << false;
        QTest::newRow("HTTP/1.0 never kept") << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
                                                           "Content-Length: 2\r\n\r\nhi")
                                             << false << 200 << QByteArray("hi") << false;
        QTest::newRow("HEAD has no body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
                                          << true << 200 << QByteArray() << true;
        QTest::newRow("HEAD chunked has no body")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") << true << 200
            << QByteArray() << true;
        QTest::newRow("204") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << 204 << QByteArray()
                             << true;
        QTest::newRow("304") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n") << false
                             << 304 << QByteArray() << true;
        QTest::newRow("interim responses skipped")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            << false << 200 << QByteArray("ok") << true;
        QTest::newRow("same content-length twice") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                                                 "Content-Length: 2, 2\r\n\r\nok")
                                                   << false << 200 << QByteArray("ok") << true;
    }

    void parserAcceptsValidResponses()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, head);
        const ResponseParser parser = parseByteByByte(bytes, head);
        QVERIFY2(parser.isComplete(), qPrintable(parser.errorReason()));
        QTEST(parser.status(), "status");
        QTEST(parser.body(), "body");
        QTEST(parser.keepAlive(), "keepAlive");
    }

    void parserKeepsHeadersLowerCased()
    {
        const ResponseParser parser =
            parseByteByByte("HTTP/1.1 200 OK\r\nX-Thing: a b\t\r\nSet-Cookie: 1\r\nSet-Cookie: 2\r\n"
                            "Content-Length: 0\r\n\r\n");
        QVERIFY(parser.isComplete());
        const Headers expected{
            {"x-thing", "a b"}, {"set-cookie", "1"}, {"set-cookie", "2"}, {"content-length", "0"}};
        QVERIFY(parser.headers() == expected);
    }

    // Responses on one connection that repeat a header share its bytes; headers still held by
    // whoever took them are never touched by the next response.
    void parserSharesRepeatedHeadersAndChangesNothingHeld()
    {
        ResponseParser parser;
        const auto parse = [&parser](const QByteArray &bytes) {
            parser.reset();
            parser.feed(bytes);
            return parser.isComplete() ? parser.takeHeaders() : Headers{{"incomplete", ""}};
        };
        const Headers first =
            parse("HTTP/1.1 200 OK\r\nServer: up\r\nDate: one\r\nContent-Length: 2\r\n\r\nok");
        const Headers second =
            parse("HTTP/1.1 200 OK\r\nServer: up\r\nDate: two\r\nContent-Length: 2\r\n\r\nok");
        QCOMPARE(first, (Headers{{"server", "up"}, {"date", "one"}, {"content-length", "2"}}));
        QCOMPARE(second, (Headers{{"server", "up"}, {"date", "two"}, {"content-length", "2"}}));
        QCOMPARE(second[0].second.constData(), first[0].second.constData());
        QVERIFY(second[1].second.constData() != first[1].second.constData());
        const Headers third = parse("HTTP/1.1 204 No Content\r\nDate: two\r\n\r\n");
        QCOMPARE(third, (Headers{{"date", "two"}}));
        QCOMPARE(first.size(), 3);
        QCOMPARE(second.size(), 3);
        // Only what repeats byte for byte skips the checks.
        parser.reset();
        parser.feed("HTTP/1.1 204 No Content\r\nDate: t\x01o\r\n\r\n");
        QVERIFY(parser.hasError());
        parser.reset();
        parser.feed("HTTP/1.1 204 No Content\r\nDate: two\r\n\r\n");
        QVERIFY(parser.isComplete());
        parser.takeHeaders();
        parser.reset();
        parser.feed("HTTP/1.1 204 No Content\r\nDa e: two\r\n\r\n");
        QVERIFY(parser.hasError());
    }

    void parserRefusesInvalidResponses_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("error"); // ResponseParser::Error
        const int malformed = int(ResponseParser::Error::Malformed);
        const int tooLarge = int(ResponseParser::Error::TooLarge);
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n") << malformed;
        QTest::newRow("HTTP/2") << QByteArray("HTTP/2.0 200 OK\r\n\r\n") << malformed;
        QTest::newRow("two-digit status") << QByteArray("HTTP/1.1 20 OK\r\n\r\n") << malformed;
        QTest::newRow("four-digit status") << QByteArray("HTTP/1.1 2000 OK\r\n\r\n") << malformed;
        QTest::newRow("status 600") << QByteArray("HTTP/1.1 600 X\r\n\r\n") << malformed;
        QTest::newRow("bare LF") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 0\n\n") << malformed;
        QTest::newRow("obs-fold") << QByteArray("HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\n\r\n") << malformed;
        QTest::newRow("space before colon") << QByteArray("HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n") << malformed;
        QTest::newRow("no colon") << QByteArray("HTTP/1.1 200 OK\r\nX-A\r\n\r\n") << malformed;
        QTest::newRow("control in value")
            << QByteArray("HTTP/1.1 200 OK\r\nX-A: a\x01z\r\n\r\n") << malformed;
        QTest::newRow("differing lengths") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                                         "Content-Length: 6\r\n\r\nhello!")
                                           << malformed;
        QTest::newRow("listed differing lengths")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!") << malformed;
        QTest::newRow("signed length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello") << malformed;
        QTest::newRow("hex length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello")
                                    << malformed;
        QTest::newRow("both framings")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            << malformed;
        QTest::newRow("gzip coding") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")
                                     << malformed;
        QTest::newRow("chunked twice")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") << malformed;
        QTest::newRow("TE in 1.0") << QByteArray("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                                   << malformed;
        QTest::newRow("bad chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n") << malformed;
        QTest::newRow("chunk data too long")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n")
            << malformed;
        QTest::newRow("huge chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n")
            << tooLarge;
        QTest::newRow("101 unasked") << QByteArray("HTTP/1.1 101 Switching Protocols\r\n\r\n") << malformed;
        QTest::newRow("NUL in head") << (QByteArray("HTTP/1.1 200 OK\r\nX-A: a") + '\0' + "b\r\n\r\n")
                                     << malformed;
        QTest::newRow("stray CR in value") << QByteArray("HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n") << malformed;
        QTest::newRow("stray CR in reason") << QByteArray("HTTP/1.1 200 O\rK\r\n\r\n") << malformed;
        QTest::newRow("NUL in name") << (QByteArray("HTTP/1.1 200 OK\r\nX-") + '\0' + "A: b\r\n\r\n")
                                     << malformed;
        QTest::newRow("stray CR in chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\rb\r\nhello\r\n0\r\n\r\n")
            << malformed;
        QTest::newRow("huge content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n") << tooLarge;
    }

    void parserRefusesInvalidResponses()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, error);
        const ResponseParser parser = parseByteByByte(bytes);
        QVERIFY2(parser.hasError(), qPrintable(QString::number(int(parser.state()))));
        QCOMPARE(int(parser.error()), error);
        QVERIFY(!parser.errorReason().isEmpty());
    }

    void parserEnforcesLimits()
    {
        ResponseParser::Limits limits;
        limits.maxHeaderBytes = 64;
        limits.maxHeaderCount = 3;
        limits.maxBodyBytes = 10;
        const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        QVERIFY(parseByteByByte(head, false, limits).isComplete()); // within every limit
        auto tooLarge = [&](const QByteArray &bytes) {
            const ResponseParser p = parseByteByByte(bytes, false, limits);
            return p.hasError() && p.error() == ResponseParser::Error::TooLarge;
        };
        QVERIFY(tooLarge("HTTP/1.1 200 OK\r\nX-Long: " + QByteArray(60, 'a') + "\r\n\r\n"));
        QVERIFY(tooLarge("HTTP/1.1 200 OK\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n"));
        QVERIFY(tooLarge("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"));
        QVERIFY(tooLarge(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n"));
        QVERIFY(tooLarge("HTTP/1.1 200 OK\r\n\r\nhello world"));
        QVERIFY(tooLarge("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 1\r\nC: "
                         "1\r\nD: 1\r\n\r\n"));
        QVERIFY(!tooLarge(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"));
    }

    void parserReportsATruncatedResponse()
    {
        ResponseParser parser;
        parser.reset();
        QVERIFY(!parser.hasStarted());
        parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel");
        QVERIFY(parser.hasStarted());
        QVERIFY(!parser.endOfInput());
        QVERIFY(!parser.isComplete());
        // Bytes after a complete response are left to the caller.
        parser.reset();
        const QByteArray two = ok("a") + ok("b");
        const qsizetype consumed = parser.feed(two);
        QVERIFY(parser.isComplete());
        QCOMPARE(consumed, ok("a").size());
    }

    // ---- the client against the project's own engine ----

    void getsFromTheEngine()
    {
        Engine engine;
        UpstreamPool pool({});
        const UpstreamResult r = call(pool, engine.target(), get("/hello", {{"x-name", "world"}}));
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(r.response->status, 200);
        QCOMPARE(r.response->body, QByteArray("hello world"));
        QCOMPARE(headerOf(*r.response, "content-type"), QByteArray("text/plain; charset=utf-8"));
        QVERIFY(r.sent);
        QVERIFY(!r.reused);
        QVERIFY(r.durationNs > 0);
        QVERIFY(r.reason.isEmpty());
    }

    void postsABody()
    {
        Engine engine;
        UpstreamPool pool({});
        QByteArray body(900 * 1024, Qt::Uninitialized); // more than one send() takes
        for (qsizetype i = 0; i < body.size(); ++i)
            body[i] = char('a' + i % 26);
        const UpstreamResult r = call(pool, engine.target(), UpstreamRequest{"POST", "/echo", {}, body, {}});
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(r.response->status, 200);
        QCOMPARE(r.response->body.size(), body.size());
        QVERIFY(r.response->body == body);
        const UpstreamResult empty =
            call(pool, engine.target(), UpstreamRequest{"POST", "/echo", {}, {}, {}});
        QCOMPARE(empty.response->status, 200);
        QVERIFY(empty.response->body.isEmpty());
        QVERIFY(empty.reused);
    }

    void takesAnAnswerThatCameBeforeTheWholeBodyWasSent()
    {
        // The engine refuses the body from its Content-Length alone and answers at once, while the
        // client is still sending megabytes of it.
        Engine engine;
        UpstreamPool pool({});
        const QByteArray body(16 * 1024 * 1024, 'x');
        const UpstreamResult r = call(pool, engine.target(), UpstreamRequest{"POST", "/small", {}, body, {}});
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(r.response->status, 413);
        QVERIFY(r.sent);
        QCOMPARE(pool.openConnections(), 0); // the rest of the body was never sent: out of step
        const UpstreamResult next = call(pool, engine.target(), get("/hello"));
        QVERIFY2(next.failure == UpstreamFailure::None, qPrintable(next.reason));
        QVERIFY(!next.reused);
    }

    void reusesOneConnectionForSequentialRequests()
    {
        Engine engine;
        UpstreamPool pool({});
        for (int i = 0; i < 100; ++i) {
            const UpstreamResult r = call(pool, engine.target(), get("/hello"));
            QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
            QCOMPARE(r.reused, i > 0);
        }
        QCOMPARE(pool.openConnections(), 1);
        QCOMPARE(pool.idleConnections(engine.target()), 1);
        QCOMPARE(engine.metrics.openConnections.load(), 1);

        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); });
        for (int i = 0; i < 100; ++i)
            QCOMPARE(call(pool, server.target(), get("/")).response->body, QByteArray("ok"));
        QCOMPARE(server.accepted(), 1);
        QCOMPARE(server.requests().size(), 100);
    }

    void concurrentRequestsOpenSeveralConnections()
    {
        // The server answers only once all five requests are in: five at once, or none.
        constexpr int Parallel = 5;
        std::vector<ScriptServer::Connection *> waiting;
        ScriptServer server([&waiting](ScriptServer::Connection &c, int, const QByteArray &) {
            waiting.push_back(&c);
            if (waiting.size() == Parallel) {
                for (ScriptServer::Connection *w : waiting)
                    w->socket->write(ok(QByteArray::number(w->index)));
            }
        });
        UpstreamPool::Options options;
        options.maxIdlePerTarget = 3;
        UpstreamPool pool(options);
        std::vector<QCoro::Task<UpstreamResult>> tasks;
        for (int i = 0; i < Parallel; ++i)
            tasks.push_back(pool.send(server.target(), get("/"), 5s));
        QCOMPARE(pool.openConnections(), Parallel);
        QSet<QByteArray> bodies;
        for (auto &task : tasks) {
            const UpstreamResult r = waitForTask(std::move(task));
            QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
            bodies.insert(r.response->body);
        }
        QCOMPARE(bodies.size(), Parallel);
        QCOMPARE(server.accepted(), Parallel);
        // Idle connections beyond the cap are closed.
        QCOMPARE(pool.idleConnections(server.target()), 3);
        QCOMPARE(pool.openConnections(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(server.closedByClient(), 2, 5000);
    }

    void reusesTheMostRecentlyReturnedConnectionFirst()
    {
        // Each answer names its connection; the first two requests are answered only when the test says.
        ScriptServer server([](ScriptServer::Connection &c, int request, const QByteArray &) {
            if (c.index >= 2 || request > 0)
                c.socket->write(ok(QByteArray::number(c.index)));
        });
        UpstreamPool pool({});
        auto first = pool.send(server.target(), get("/"), 5s);
        auto second = pool.send(server.target(), get("/"), 5s);
        QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 2, 5000);
        // Connection 1 answers and goes idle first, connection 0 after it.
        server.connections()[1]->socket->write(ok("1"));
        QCOMPARE(waitForTask(std::move(second)).response->body, QByteArray("1"));
        server.connections()[0]->socket->write(ok("0"));
        QCOMPARE(waitForTask(std::move(first)).response->body, QByteArray("0"));
        QCOMPARE(pool.idleConnections(server.target()), 2);
        // Last in, first out: the warm connection is used and the other one can age out.
        QCOMPARE(call(pool, server.target(), get("/")).response->body, QByteArray("0"));
        QCOMPARE(call(pool, server.target(), get("/")).response->body, QByteArray("0"));
        QCOMPARE(server.accepted(), 2);
    }

    void replacesAnIdleConnectionTheServerClosed()
    {
        // The server closes each connection right after its first response (without saying so).
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write(ok());
            c.socket->flush();
            c.socket->disconnectFromHost();
        });
        UpstreamPool pool({});
        QVERIFY(call(pool, server.target(), get("/")).failure == UpstreamFailure::None);
        QCOMPARE(pool.idleConnections(server.target()), 1);
        // Taken straight away: the close may not have been noticed yet.
        const UpstreamResult second = call(pool, server.target(), get("/"));
        QVERIFY2(second.failure == UpstreamFailure::None, qPrintable(second.reason));
        QCOMPARE(server.accepted(), 2);
        // Left idle: the pool notices the close on its own and drops the connection.
        QCOMPARE(pool.idleConnections(server.target()), 1);
        QTRY_COMPARE_WITH_TIMEOUT(pool.idleConnections(server.target()), 0, 5000);
        QCOMPARE(pool.openConnections(), 0);
        const UpstreamResult third = call(pool, server.target(), get("/"));
        QVERIFY(third.failure == UpstreamFailure::None);
        QVERIFY(!third.reused);
        QCOMPARE(server.accepted(), 3);
    }

    void closesIdleConnectionsAfterTheIdleTimeout()
    {
        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); });
        UpstreamPool::Options options;
        options.idleTimeoutMs = 200;
        UpstreamPool pool(options);
        QVERIFY(call(pool, server.target(), get("/")).failure == UpstreamFailure::None);
        QCOMPARE(pool.idleConnections(server.target()), 1);
        QCOMPARE(server.closedByClient(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(server.closedByClient(), 1, 5000);
        QCOMPARE(pool.idleConnections(server.target()), 0);
        QCOMPARE(pool.openConnections(), 0);
    }

    void streamsAResponseAndPoolsTheConnectionOnlyAtItsEnd()
    {
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        });
        UpstreamPool pool({});
        UpstreamResult r = streamCall(pool, server.target(), get("/"));
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(r.response->status, 200);
        const BodySourcePtr source = r.response->bodySource;
        QVERIFY(source);
        QCOMPARE(source->length(), -1);
        QCOMPARE(pull(source).bytes, QByteArray("hello"));
        QCOMPARE(pool.openConnections(), 1);
        QCOMPARE(pool.idleConnections(server.target()), 0); // busy while its body is unread
        server.connections()[0]->socket->write("6\r\n world\r\n0\r\n\r\n");
        QCOMPARE(pull(source).bytes, QByteArray(" world"));
        QVERIFY(pull(source).end);
        QCOMPARE(pool.idleConnections(server.target()), 1);
        // A whole small response comes in one piece, without a source.
        ScriptServer small(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); });
        const UpstreamResult whole = streamCall(pool, small.target(), get("/"));
        QVERIFY(!whole.response->bodySource);
        QCOMPARE(whole.response->body, QByteArray("ok"));
    }

    void aStreamedBodyHasNoSizeLimit()
    {
        // Over maxResponseBytes: send() refuses it, stream() passes it on.
        const QByteArray big(4096, 'z');
        ScriptServer server([&big](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(big.size()) +
                            "\r\n\r\n");
            c.socket->flush();
            c.socket->write(big);
        });
        UpstreamPool::Options options;
        options.maxResponseBytes = 1024;
        UpstreamPool pool(options);
        QCOMPARE(call(pool, server.target(), get("/")).failure, UpstreamFailure::TooLarge);
        const UpstreamResult r = streamCall(pool, server.target(), get("/"));
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QByteArray got = r.response->body;
        if (const BodySourcePtr source = r.response->bodySource) {
            QCOMPARE(source->length(), big.size());
            for (BodyChunk c = pull(source); !c.end; c = pull(source)) {
                QVERIFY(!c.failed());
                got += c.bytes;
            }
        }
        QCOMPARE(got, big);
    }

    void droppingAStreamedBodyClosesItsConnection()
    {
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst");
        });
        UpstreamPool pool({});
        {
            UpstreamResult r = streamCall(pool, server.target(), get("/"));
            QVERIFY(r.response->bodySource);
            QCOMPARE(pool.openConnections(), 1);
        } // the reader leaves mid-body
        QTRY_COMPARE_WITH_TIMEOUT(pool.openConnections(), 0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(server.closedByClient(), 1, 5000);
        QCOMPARE(pool.idleConnections(server.target()), 0); // never back in the pool half-read
    }

    void anUpstreamThatDiesMidBodyFailsTheSource()
    {
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this");
            c.socket->flush();
        });
        UpstreamPool pool({});
        const UpstreamResult r = streamCall(pool, server.target(), get("/"));
        const BodySourcePtr source = r.response->bodySource;
        QVERIFY(source);
        QCOMPARE(pull(source).bytes, QByteArray("only this"));
        server.connections()[0]->socket->disconnectFromHost();
        const BodyChunk failed = pull(source);
        QCOMPARE(failed.error, BodyError::UpstreamFailed);
        QVERIFY(!failed.end);
        QCOMPARE(pool.openConnections(), 0);
    }

    void streamsARequestBodyWithOrWithoutItsLength()
    {
        Engine engine;
        UpstreamPool pool({});
        for (const bool withLength : {true, false}) {
            UpstreamRequest request{"POST", "/echo", {}, {}, {}};
            request.bodySource = pipedBody({"abc", QByteArray(300 * 1024, 'd'), "end"}, withLength);
            const UpstreamResult r = streamCall(pool, engine.target(), request);
            QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
            QCOMPARE(r.response->status, 200);
            QByteArray got = r.response->body;
            if (const BodySourcePtr source = r.response->bodySource) {
                for (BodyChunk c = pull(source); !c.end; c = pull(source))
                    got += c.bytes;
            }
            QCOMPARE(got, "abc" + QByteArray(300 * 1024, 'd') + "end");
        }
        // What went on the wire: Content-Length when known, else chunked.
        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); });
        UpstreamRequest chunked{"POST", "/", {}, {}, {}};
        chunked.bodySource = pipedBody({"ab", "c"}, false);
        QCOMPARE(streamCall(pool, server.target(), chunked).response->status, 200);
        QVERIFY2(server.requests().value(0).contains("transfer-encoding: chunked\r\n"),
                 server.requests().value(0).constData());
    }

    void aRequestBodyThatFailsAbortsTheExchange()
    {
        ScriptServer server([](ScriptServer::Connection &, int, const QByteArray &) {});
        UpstreamPool pool({});
        auto pipe = std::make_shared<BodyPipe>(-1);
        pipe->push("part of it");
        pipe->fail(BodyError::TooLarge, QStringLiteral("over the limit"));
        UpstreamRequest request{"POST", "/", {}, {}, {}};
        request.bodySource = std::make_shared<BodySource>(pipe);
        const UpstreamResult r = streamCall(pool, server.target(), request);
        QCOMPARE(r.failure, UpstreamFailure::RequestBody);
        QCOMPARE(r.bodyError, BodyError::TooLarge);
        QCOMPARE(r.reason, QStringLiteral("over the limit"));
        QCOMPARE(pool.openConnections(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(server.closedByClient(), 1, 5000);
    }

    void serializesTheRequest()
    {
        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); });
        UpstreamPool pool({});
        const UpstreamTarget target = server.target();
        const QByteArray port = QByteArray::number(target.port);
        call(pool, target,
             get("/a?b=c", {{"x-one", "1"},
                            {"connection", "close"},
                            {"content-length", "7"},
                            {"transfer-encoding", "chunked"}}));
        call(pool, target, UpstreamRequest{"POST", "/p", {{"host", "api.example.test"}}, {}, {}});
        call(pool, target, UpstreamRequest{"PUT", "/q", {}, "body", {}});
        call(pool, target, UpstreamRequest{"DELETE", "/d", {}, {}, {}});
        QCOMPARE(server.requests().size(), 4);
        QCOMPARE(server.requests()[0],
                 "GET /a?b=c HTTP/1.1\r\nhost: 127.0.0.1:" + port + "\r\nx-one: 1\r\n\r\n");
        QCOMPARE(server.requests()[1],
                 QByteArray("POST /p HTTP/1.1\r\nhost: api.example.test\r\ncontent-length: 0\r\n\r\n"));
        QCOMPARE(server.requests()[2],
                 "PUT /q HTTP/1.1\r\nhost: 127.0.0.1:" + port + "\r\ncontent-length: 4\r\n\r\nbody");
        QCOMPARE(server.requests()[3], "DELETE /d HTTP/1.1\r\nhost: 127.0.0.1:" + port + "\r\n\r\n");
        QCOMPARE(server.accepted(), 1);

        // A value that would smuggle a second request is not sent.
        const UpstreamResult smuggle = call(pool, target, get("/", {{"x-a", "1\r\nGET /admin HTTP/1.1"}}));
        QCOMPARE(smuggle.failure, UpstreamFailure::Malformed);
        QVERIFY(!smuggle.sent);
        // So would a lone CR or LF, a NUL, in a short or a long value, and a name that is no token.
        const QByteArray longValue(200, 'v');
        const QList<std::pair<QByteArray, QByteArray>> refused = {
            {"x-a", "1\nb"},
            {"x-a", "1\rb"},
            {"x-a", QByteArray("1\0b", 3)},
            {"x-a", longValue + "\n"},
            {"x-a", longValue + QByteArray("\0", 1)},
            {"x a", "1"},
            {"x:a", "1"},
        };
        for (const auto &[name, value] : refused) {
            const UpstreamResult r = call(pool, target, get("/", {{name, value}}));
            QVERIFY2(r.failure == UpstreamFailure::Malformed, name.constData());
            QVERIFY(!r.sent);
        }
        // A CR, LF or NUL anywhere in a value, in its eight-byte words or in its tail, is refused;
        // a tab, the other control bytes below them and bytes like 0x8d (CR with the high bit) are not.
        for (const char bad : {'\r', '\n', '\0'}) {
            for (int at = 0; at < 19; ++at) {
                QByteArray value(19, 'v');
                value[at] = bad;
                const UpstreamResult r = call(pool, target, get("/", {{"x-a", value}}));
                QVERIFY2(r.failure == UpstreamFailure::Malformed && !r.sent, qPrintable(QString::number(at)));
            }
        }
        const QByteArray fine =
            QByteArray("a\tb\x0e\x1f") + char(0x8d) + char(0x8a) + char(0x80) + "cdefghijk";
        const UpstreamResult sent = call(pool, target, get("/", {{"x-a", fine}}));
        QVERIFY2(sent.failure == UpstreamFailure::None, qPrintable(sent.reason));
        QVERIFY(server.requests().constLast().contains("\r\nx-a: " + fine + "\r\n"));
        // A name with every tchar that is not a letter or digit, and a long value, are sent.
        const UpstreamResult odd = call(pool, target, get("/", {{"x!#$%&'*+-.^_`|~9", longValue}}));
        QVERIFY2(odd.failure == UpstreamFailure::None, qPrintable(odd.reason));
        QCOMPARE(server.requests().size(), 6);
        QVERIFY(server.requests()[5].contains("\r\nx!#$%&'*+-.^_`|~9: " + longValue + "\r\n"));
    }

    // Ready-made header lines go out as they are, after the listed headers. What may be given as
    // such is header lines and nothing else: nothing that ends a line or the head, folds a line or
    // sets what the client writes itself.
    void readyMadeHeaderLines_data()
    {
        QTest::addColumn<QByteArray>("lines");
        QTest::addColumn<bool>("framed");
        QTest::newRow("none") << QByteArray() << true;
        QTest::newRow("two lines") << QByteArray("x-a: 1\r\nx-b: two words\r\n") << true;
        QTest::newRow("an empty value") << QByteArray("x-a:\r\n") << true;
        QTest::newRow("a name like one of the client's")
            << QByteArray("hosts: a\r\ncontent-type: b\r\n") << true;
        QTest::newRow("no line break at the end") << QByteArray("x-a: 1") << false;
        QTest::newRow("bare LF at the end") << QByteArray("x-a: 1\n") << false;
        QTest::newRow("bare LF inside") << QByteArray("x-a: 1\nGET /admin HTTP/1.1\r\n") << false;
        QTest::newRow("bare CR inside") << QByteArray("x-a: 1\rb\r\n") << false;
        QTest::newRow("CR before CRLF") << QByteArray("x-a: 1\r\r\n") << false;
        QTest::newRow("NUL") << QByteArray("x-a: 1\0b\r\n", 10) << false;
        QTest::newRow("another control byte") << QByteArray("x-a: 1\x01\r\n") << false;
        QTest::newRow("DEL") << QByteArray("x-a: 1\x7f\r\n") << false;
        QTest::newRow("a tab and bytes over 0x7f in a value") << QByteArray("x-a: a\tb\x80\xff\r\n") << true;
        QTest::newRow("an empty line: the head would end")
            << QByteArray("x-a: 1\r\n\r\nGET / HTTP/1.1\r\n") << false;
        QTest::newRow("only a line break") << QByteArray("\r\n") << false;
        QTest::newRow("a folded line") << QByteArray("x-a: 1\r\n more: x\r\n") << false;
        QTest::newRow("a tab-folded line") << QByteArray("x-a: 1\r\n\tmore: x\r\n") << false;
        QTest::newRow("a space in a name") << QByteArray("x y: 1\r\n") << false;
        QTest::newRow("a request line with a colon") << QByteArray("GET /a:b HTTP/1.1\r\n") << false;
        QTest::newRow("no colon") << QByteArray("x-a 1\r\n") << false;
        QTest::newRow("no name") << QByteArray(": 1\r\n") << false;
        QTest::newRow("Host") << QByteArray("x-a: 1\r\nHost: evil.test\r\n") << false;
        QTest::newRow("Content-Length") << QByteArray("content-length: 5\r\n") << false;
        QTest::newRow("Content-Length with a space") << QByteArray("content-length : 5\r\n") << false;
        QTest::newRow("Transfer-Encoding") << QByteArray("TRANSFER-ENCODING: chunked\r\n") << false;
        QTest::newRow("Connection") << QByteArray("connection: close\r\n") << false;
        QTest::newRow("a tab in a name like Connection") << QByteArray("connection\t: close\r\n") << false;
    }
    void readyMadeHeaderLines()
    {
        QFETCH(QByteArray, lines);
        QFETCH(bool, framed);
        QString error;
        QCOMPARE(wellFramedHeaderLines(lines, &error), framed);
        QCOMPARE(error.isEmpty(), framed);
        if (!framed)
            return;
        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); });
        UpstreamPool pool({});
        UpstreamRequest request = get("/l", {{"x-listed", "1"}});
        request.headerLines = lines;
        const UpstreamResult r = call(pool, server.target(), request);
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(server.requests().size(), 1);
        QCOMPARE(server.requests()[0],
                 "GET /l HTTP/1.1\r\nhost: 127.0.0.1:" + QByteArray::number(server.target().port) +
                     "\r\nx-listed: 1\r\n" + lines + "\r\n");
    }

    void readsAChunkedResponseInPieces()
    {
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &) {
            const QByteArray whole = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
            // Written in three segments a few milliseconds apart: the client sees partial reads.
            c.socket->write(whole.first(20));
            c.socket->flush();
            QTimer::singleShot(5, c.socket, [s = c.socket, whole] {
                s->write(whole.sliced(20, 30));
                s->flush();
                QTimer::singleShot(5, s, [s, whole] { s->write(whole.sliced(50)); });
            });
        });
        UpstreamPool pool({});
        for (int i = 0; i < 2; ++i) {
            const UpstreamResult r = call(pool, server.target(), get("/"));
            QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
            QCOMPARE(r.response->body, QByteArray("hello world"));
        }
        QCOMPARE(server.accepted(), 1);
    }

    void readsABodyDelimitedByTheClose()
    {
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
            c.socket->disconnectFromHost();
        });
        UpstreamPool pool({});
        const UpstreamResult r = call(pool, server.target(), get("/"));
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(r.response->body, QByteArray("all of it"));
        QCOMPARE(pool.openConnections(), 0);
    }

    void neverReusesHttp10OrConnectionClose()
    {
        int n = 0;
        ScriptServer server([&n](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write(n++ % 2 == 0
                                ? "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"
                                : "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        });
        UpstreamPool pool({});
        for (int i = 0; i < 4; ++i) {
            const UpstreamResult r = call(pool, server.target(), get("/"));
            QCOMPARE(r.response->body, QByteArray("ok"));
            QVERIFY(!r.reused);
            QCOMPARE(pool.openConnections(), 0);
        }
        QCOMPARE(server.accepted(), 4);
    }

    void headNoContentAndNotModifiedHaveNoBody()
    {
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &request) {
            if (request.startsWith("HEAD"))
                c.socket->write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            else if (request.startsWith("GET /204"))
                c.socket->write("HTTP/1.1 204 No Content\r\n\r\n");
            else
                c.socket->write("HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n");
        });
        UpstreamPool pool({});
        const UpstreamResult head = call(pool, server.target(), UpstreamRequest{"HEAD", "/", {}, {}, {}});
        QVERIFY2(head.failure == UpstreamFailure::None, qPrintable(head.reason));
        QCOMPARE(headerOf(*head.response, "content-length"), QByteArray("1000"));
        QVERIFY(head.response->body.isEmpty());
        QCOMPARE(call(pool, server.target(), get("/204")).response->status, 204);
        QCOMPARE(call(pool, server.target(), get("/304")).response->status, 304);
        // Each ended with its head, so the one connection stayed in step.
        QCOMPARE(server.accepted(), 1);
        QCOMPARE(pool.idleConnections(server.target()), 1);
    }

    void skipsInterimResponses()
    {
        const UpstreamResult r = answeredWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                                              "Content-Length: 4\r\n\r\ndone",
                                              {}, "POST");
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(r.response->status, 201);
        QCOMPARE(r.response->body, QByteArray("done"));
    }

    void refusesResponsesOverTheLimits()
    {
        UpstreamPool::Options options;
        options.maxHeaderBytes = 256;
        options.maxHeaderCount = 5;
        options.maxResponseBytes = 1000;
        QCOMPARE(answeredWith(ok(QByteArray(1000, 'x')), options).failure,
                 UpstreamFailure::None); // at the limits
        UpstreamResult r = answeredWith(ok(QByteArray(1001, 'x')), options);
        QCOMPARE(r.failure, UpstreamFailure::TooLarge);
        QVERIFY2(r.reason.contains(QLatin1String("1000")), qPrintable(r.reason));
        r = answeredWith(
            "HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(300, 'a') + "\r\nContent-Length: 0\r\n\r\n", options);
        QCOMPARE(r.failure, UpstreamFailure::TooLarge);
        r = answeredWith(
            "HTTP/1.1 200 OK\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\nContent-Length: 0\r\n\r\n",
            options);
        QCOMPARE(r.failure, UpstreamFailure::TooLarge);
        r = answeredWith("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" +
                             QByteArray(1000, 'x') + "\r\n1\r\nx\r\n0\r\n\r\n",
                         options);
        QCOMPARE(r.failure, UpstreamFailure::TooLarge);
    }

    void refusesGarbage()
    {
        UpstreamResult r = answeredWith("SSH-2.0-OpenSSH_9.2p1\r\n");
        QCOMPARE(r.failure, UpstreamFailure::Malformed);
        QVERIFY2(r.reason.contains(QLatin1String("127.0.0.1")), qPrintable(r.reason));
        QVERIFY(r.sent);
        QVERIFY(!r.response);
        r = answeredWith("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc");
        QCOMPARE(r.failure, UpstreamFailure::Malformed);
        r = answeredWith(QByteArray::fromHex("00010203fffe20676172626167650d0a"));
        QCOMPARE(r.failure, UpstreamFailure::Malformed);
    }

    void timesOutAtTheDeadline()
    {
        ScriptServer server([](ScriptServer::Connection &, int, const QByteArray &) {}); // never answers
        UpstreamPool pool({});
        QElapsedTimer clock;
        clock.start();
        const UpstreamResult r = call(pool, server.target(), get("/"), 300ms);
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(r.failure, UpstreamFailure::Timeout);
        QVERIFY2(elapsed >= 300 && elapsed < 2000, qPrintable(QString::number(elapsed)));
        QVERIFY(r.durationNs >= 300'000'000);
        QVERIFY2(r.reason.contains(QLatin1String("300 ms")), qPrintable(r.reason));
        QVERIFY(r.sent);
        QCOMPARE(server.requests().size(), 1);
        // The connection is closed, never reused.
        QCOMPARE(pool.openConnections(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(server.closedByClient(), 1, 5000);
    }

    void timesOutOnASlowEngineRoute()
    {
        Engine engine;
        UpstreamPool pool({});
        QElapsedTimer clock;
        clock.start();
        const UpstreamResult r = call(pool, engine.target(), get("/slow/1500"), 200ms);
        QCOMPARE(r.failure, UpstreamFailure::Timeout);
        QVERIFY2(clock.elapsed() >= 200 && clock.elapsed() < 2000,
                 qPrintable(QString::number(clock.elapsed())));
        const UpstreamResult fast = call(pool, engine.target(), get("/slow/1"), 5s);
        QVERIFY2(fast.failure == UpstreamFailure::None, qPrintable(fast.reason));
        QVERIFY(!fast.reused);
    }

    void reportsARefusedConnection()
    {
        quint16 port;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        UpstreamPool pool({});
        const UpstreamResult r = call(pool, UpstreamTarget{"127.0.0.1", port}, get("/"));
        QCOMPARE(r.failure, UpstreamFailure::Connect);
        QVERIFY2(r.reason.contains(QLatin1String("127.0.0.1:") + QString::number(port)),
                 qPrintable(r.reason));
        QVERIFY(!r.sent);
        QCOMPARE(pool.openConnections(), 0);
        const UpstreamResult name = call(pool, UpstreamTarget{"upstream.example.test", 80}, get("/"));
        QCOMPARE(name.failure, UpstreamFailure::Connect);
    }

    void reportsAResetMidBody()
    {
        ScriptServer server([](ScriptServer::Connection &c, int, const QByteArray &) {
            c.socket->write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..");
            c.socket->disconnectFromHost();
        });
        UpstreamPool pool({});
        const UpstreamResult reset = call(pool, server.target(), get("/"));
        QCOMPARE(reset.failure, UpstreamFailure::Reset);
        QVERIFY(reset.sent);
        QVERIFY(!reset.response);
        QVERIFY2(reset.reason.contains(QLatin1String("127.0.0.1")), qPrintable(reset.reason));
        QCOMPARE(pool.openConnections(), 0);
        // A failed request on a fresh connection is not retried.
        QCOMPARE(server.accepted(), 1);
    }

    void retriesAnIdempotentRequestOnceWhenAReusedConnectionFails()
    {
        // Each connection answers its first request and drops the second without answering: the
        // race of a keep-alive close with a new request.
        ScriptServer server([](ScriptServer::Connection &c, int request, const QByteArray &) {
            if (request == 0)
                c.socket->write(ok(QByteArray::number(c.index)));
            else
                c.socket->abort();
        });
        UpstreamPool pool({});
        QCOMPARE(call(pool, server.target(), get("/")).response->body, QByteArray("0"));
        const UpstreamResult r = call(pool, server.target(), get("/"));
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(r.response->body, QByteArray("1")); // answered on a second connection
        QVERIFY(r.sent);
        QCOMPARE(server.accepted(), 2);
        QCOMPARE(server.requests().size(), 3);
    }

    void doesNotRetryANonIdempotentRequest()
    {
        ScriptServer server([](ScriptServer::Connection &c, int request, const QByteArray &) {
            if (request == 0)
                c.socket->write(ok(QByteArray::number(c.index)));
            else
                c.socket->abort();
        });
        UpstreamPool pool({});
        QCOMPARE(call(pool, server.target(), UpstreamRequest{"POST", "/", {}, "a", {}}).response->body,
                 QByteArray("0"));
        const UpstreamResult r = call(pool, server.target(), UpstreamRequest{"POST", "/", {}, "b", {}});
        QCOMPARE(r.failure, UpstreamFailure::Reset);
        QVERIFY(r.sent);
        QVERIFY(r.reused);
        QCOMPARE(server.accepted(), 1); // no second connection: the upstream may have acted on it
        QCOMPARE(server.requests().size(), 2);
    }

    void reusesTheConnectionAcrossACoroutinesRequests()
    {
        Engine engine;
        UpstreamPool pool({});
        QCOMPARE(waitForTask(sequentialRequests(&pool, engine.target(), 200)), 199);
        QCOMPARE(pool.openConnections(), 1);
        QCOMPARE(engine.metrics.openConnections.load(), 1);
    }

    void sharesThePoolBetweenManyCoroutines()
    {
        Engine engine;
        UpstreamPool pool({});
        constexpr int Coroutines = 20;
        constexpr int Each = 50;
        std::vector<QCoro::Task<int>> tasks;
        for (int i = 0; i < Coroutines; ++i)
            tasks.push_back(sequentialRequests(&pool, engine.target(), Each));
        int reused = 0;
        for (auto &task : tasks) {
            const int n = waitForTask(std::move(task), 30'000);
            QVERIFY(n >= 0); // every request answered
            reused += n;
        }
        // At most one connection per coroutine; every other request went over a kept-alive one.
        QVERIFY2(pool.openConnections() <= Coroutines, qPrintable(QString::number(pool.openConnections())));
        QCOMPARE(reused, Coroutines * Each - pool.openConnections());
        QCOMPARE(pool.idleConnections(engine.target()), pool.openConnections());
    }

    void dropsAConnectionWithBytesAfterTheResponse()
    {
        // Two bytes more than the response declared: the connection is out of step.
        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok() + "xx"); });
        UpstreamPool pool({});
        for (int i = 0; i < 2; ++i) {
            const UpstreamResult r = call(pool, server.target(), get("/"));
            QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
            QCOMPARE(r.response->body, QByteArray("ok"));
            QVERIFY(!r.reused);
        }
        QCOMPARE(server.accepted(), 2);
        QCOMPARE(pool.openConnections(), 0);
    }

    void survivesThePoolDestroyedByTheAnswersContinuation()
    {
        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); });
        auto *pool = new UpstreamPool(UpstreamPool::Options{});
        QPointer<UpstreamPool> guard(pool);
        bool answered = false;
        // The continuation runs inside the connection's read handler, which then unwinds.
        pool->send(server.target(), get("/"), 5s).then([&answered, pool](const UpstreamResult &r) {
            answered = r.failure == UpstreamFailure::None;
            delete pool;
        });
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 5000);
        QVERIFY(answered);
        QTRY_COMPARE_WITH_TIMEOUT(server.closedByClient(), 1, 5000);
    }

    void sendsToAnIpv6Address()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHostIPv6, 0))
            QSKIP("no IPv6 loopback here");
        probe.close();
        ScriptServer server(
            [](ScriptServer::Connection &c, int, const QByteArray &) { c.socket->write(ok()); },
            QHostAddress::LocalHostIPv6);
        UpstreamPool pool({});
        const UpstreamTarget target{"::1", server.target().port};
        const UpstreamResult r = call(pool, target, get("/"));
        QVERIFY2(r.failure == UpstreamFailure::None, qPrintable(r.reason));
        QCOMPARE(server.requests().value(0),
                 "GET / HTTP/1.1\r\nhost: [::1]:" + QByteArray::number(target.port) + "\r\n\r\n");
    }

    void givesUpOnAConnectThatDoesNotFinish()
    {
        // A listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs.
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QVERIFY(listener >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        QVERIFY(::bind(listener, reinterpret_cast<sockaddr *>(&address), length) == 0);
        QVERIFY(::listen(listener, 0) == 0);
        QVERIFY(::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) == 0);
        const UpstreamTarget target{"127.0.0.1", ntohs(address.sin_port)};
        // Loopback handshakes complete within connect(): these take the queue before the client comes.
        std::vector<int> fillers;
        for (int i = 0; i < 4; ++i) {
            fillers.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
            ::connect(fillers.back(), reinterpret_cast<sockaddr *>(&address), length);
        }
        const auto cleanup = qScopeGuard([&] {
            ::close(listener);
            for (int fd : fillers)
                ::close(fd);
        });
        UpstreamPool::Options options;
        options.connectTimeoutMs = 200;
        UpstreamPool pool(options);
        QElapsedTimer clock;
        clock.start();
        const UpstreamResult r = call(pool, target, get("/"), 5s);
        qint64 elapsed = clock.elapsed();
        if (r.failure == UpstreamFailure::Timeout || r.failure == UpstreamFailure::Reset ||
            (r.failure == UpstreamFailure::Connect && elapsed < 150))
            QSKIP("this kernel completed or refused the connect to a full queue");
        // The connect timeout ran out first: the upstream is unreachable.
        QCOMPARE(r.failure, UpstreamFailure::Connect);
        QVERIFY2(elapsed >= 200 && elapsed < 2000, qPrintable(QString::number(elapsed)));
        QVERIFY2(r.reason.contains(QLatin1String("200 ms")), qPrintable(r.reason));
        QVERIFY(!r.sent);
        QCOMPARE(pool.openConnections(), 0);

        // The exchange's deadline ran out first, while connecting: that is the exchange's timeout.
        options.connectTimeoutMs = 5000;
        UpstreamPool patient(options);
        clock.restart();
        const UpstreamResult late = call(patient, target, get("/"), 300ms);
        elapsed = clock.elapsed();
        QCOMPARE(late.failure, UpstreamFailure::Timeout);
        QVERIFY2(elapsed >= 300 && elapsed < 2000, qPrintable(QString::number(elapsed)));
        QVERIFY2(late.reason.contains(QLatin1String("300 ms")), qPrintable(late.reason));
        QVERIFY(!late.sent);
        QCOMPARE(patient.openConnections(), 0);
    }

    void answersAWaitingRequestWhenThePoolIsDestroyed()
    {
        ScriptServer server([](ScriptServer::Connection &, int, const QByteArray &) {});
        auto pool = std::make_unique<UpstreamPool>(UpstreamPool::Options{});
        auto task = pool->send(server.target(), get("/"), 10s);
        QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 1, 5000); // it is waiting for the answer
        pool.reset();
        const UpstreamResult r = waitForTask(std::move(task), 2000);
        QCOMPARE(r.failure, UpstreamFailure::Reset);
        QVERIFY(!r.reason.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(server.closedByClient(), 1, 5000);
    }

    void keepsOnePoolPerThread()
    {
        UpstreamPool *main = UpstreamPool::forThisThread();
        QVERIFY(main);
        QCOMPARE(UpstreamPool::forThisThread(), main);
        QPointer<UpstreamPool> other;
        UpstreamPool *otherRaw = nullptr;
        QThread thread;
        QObject::connect(&thread, &QThread::started, [&] {
            otherRaw = UpstreamPool::forThisThread();
            other = otherRaw;
            if (UpstreamPool::forThisThread() != otherRaw)
                otherRaw = nullptr;
            QThread::currentThread()->quit();
        });
        thread.start();
        QVERIFY(thread.wait(5000));
        QVERIFY(otherRaw);
        QVERIFY(otherRaw != main);
        QVERIFY(other.isNull()); // destroyed when its thread ended
    }
};

QTEST_GUILESS_MAIN(TestUpstreamClient)
#include "tst_upstreamclient.moc"
