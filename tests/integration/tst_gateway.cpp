#include "testing.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

using namespace Meshdeck::Testing;

namespace {

const QStringList FastChecks{QStringLiteral("--check-interval-ms"),   QStringLiteral("200"),
                             QStringLiteral("--check-timeout-ms"),    QStringLiteral("500"),
                             QStringLiteral("--healthy-threshold"),   QStringLiteral("1"),
                             QStringLiteral("--unhealthy-threshold"), QStringLiteral("1"),
                             QStringLiteral("--heartbeat-ms"),        QStringLiteral("200")};

QStringList echoArgs(const QString &service, const QStringList &more = {})
{
    return FastChecks + QStringList{QStringLiteral("--service"), service} + more;
}

quint16 gatewayPort(const BackendProcess &backend)
{
    const QJsonObject ready = QJsonDocument::fromJson(backend.readyLine()).object();
    return quint16(QUrl(ready.value(QStringLiteral("gatewayUrl")).toString()).port());
}

// One request through the gateway on a fresh connection; `headers` are extra lines ("Name: v\r\n").
RawResponse through(quint16 port, const QByteArray &method, const QByteArray &target,
                    const QByteArray &headers = {}, const QByteArray &body = {})
{
    RawHttp c;
    if (!c.connectTo(port))
        return {};
    QByteArray r = method + ' ' + target + " HTTP/1.1\r\nHost: gw.test\r\n" + headers;
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    c.send(r + "\r\n" + body);
    return c.read(15'000, method == "HEAD");
}

QJsonObject bodyOf(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// Registers a test's own server as an instance of `service`, checked by TCP every 200 ms and
// passing after one good check.
bool registerTcpChecked(const BackendProcess &backend, const QByteArray &service, quint16 port)
{
    const QByteArray registration =
        QJsonDocument(
            QJsonObject{{QStringLiteral("address"), QStringLiteral("127.0.0.1")},
                        {QStringLiteral("port"), port},
                        {QStringLiteral("check"), QJsonObject{{QStringLiteral("tcp"), true},
                                                              {QStringLiteral("intervalMs"), 200},
                                                              {QStringLiteral("timeoutMs"), 500},
                                                              {QStringLiteral("healthyThreshold"), 1},
                                                              {QStringLiteral("unhealthyThreshold"), 1}}}})
            .toJson(QJsonDocument::Compact);
    return apiCall(backend, "POST", "/v1/registry/services/" + service + "/instances", registration).status ==
           201;
}

int passingInstances(const BackendProcess &backend, const QByteArray &service)
{
    const QJsonArray all = apiJson(backend, "GET", "/v1/registry/services/" + service + "/instances")
                               .value(QStringLiteral("instances"))
                               .toArray();
    int passing = 0;
    for (const QJsonValue &i : all)
        passing += i.toObject().value(QStringLiteral("status")).toString() == QLatin1String("passing");
    return passing;
}

QString createRoute(const BackendProcess &backend, const QJsonObject &route)
{
    const RawResponse created =
        apiCall(backend, "POST", "/v1/gateway/routes", QJsonDocument(route).toJson(QJsonDocument::Compact));
    if (created.status != 201) {
        qWarning().noquote() << "route not created:" << created.status << created.body;
        return {};
    }
    return bodyOf(created).value(QStringLiteral("id")).toString();
}

QJsonObject simpleRoute(const QString &name, const QString &prefix, const QString &service, bool strip = true)
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("match"), QJsonObject{{QStringLiteral("pathPrefix"), prefix}}},
                       {QStringLiteral("service"), service},
                       {QStringLiteral("stripPrefix"), strip},
                       {QStringLiteral("rateLimit"), QJsonValue::Null}};
}

// A realtime session that keeps every message it receives.
struct Session {
    QWebSocket socket;
    QList<QJsonObject> messages;
    bool open(quint16 port, const QByteArray &credential)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(port)));
        request.setRawHeader("Authorization", "Bearer " + credential);
        socket.open(request);
        return QTest::qWaitFor([this] { return count(QStringLiteral("welcome")) > 0; }, 5000);
    }
    void subscribe(const QString &channel)
    {
        socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                                        {QStringLiteral("channel"), channel}})
                                  .toJson(QJsonDocument::Compact)));
    }
    int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == type;
        }));
    }
};

QString instanceOf(const RawResponse &r)
{
    return QString::fromLatin1(r.header("x-echo-instance"));
}

// Peak resident memory of a process so far (VmHWM), in bytes.
qint64 peakRss(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

// A blocking socket for bodies too large to hold in the test: they are written and read in pieces,
// counted and hashed as they go.
class StreamClient
{
public:
    ~StreamClient() { close(); }
    bool connectTo(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval timeout{60, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    }
    bool send(QByteArrayView bytes)
    {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.data() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            sent += n;
        }
        return true;
    }
    // The response's status line and header lines (lower-cased), or an empty head.
    QByteArray readHead()
    {
        while (true) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end >= 0) {
                QByteArray head = m_buffer.left(end).toLower();
                m_buffer.remove(0, end + 4);
                return head;
            }
            if (!fill())
                return {};
        }
    }
    static int statusOf(const QByteArray &head) { return head.mid(9, 3).toInt(); }
    static QByteArray headerOf(const QByteArray &head, const QByteArray &name)
    {
        for (const QByteArray &line : head.split('\n')) {
            if (line.startsWith(name + ':'))
                return line.mid(name.size() + 1).trimmed();
        }
        return {};
    }
    struct Body {
        qint64 bytes = 0;
        QByteArray sha256;
        bool complete = false; // the framing ended the body (not a close before its end)
    };
    // Reads the body as the head frames it; `pause` runs after every `pauseEvery` bytes (a slow reader).
    Body readBody(const QByteArray &head, const std::function<void(qint64)> &pause = {},
                  qint64 pauseEvery = 0)
    {
        Body body;
        QCryptographicHash hash(QCryptographicHash::Sha256);
        qint64 nextPause = pauseEvery;
        const auto take = [&](qint64 n) {
            hash.addData(QByteArrayView(m_buffer).first(n));
            m_buffer.remove(0, n);
            body.bytes += n;
            if (pause && pauseEvery > 0 && body.bytes >= nextPause) {
                pause(body.bytes);
                nextPause += pauseEvery;
            }
        };
        if (headerOf(head, "transfer-encoding") == "chunked") {
            while (true) {
                qsizetype eol;
                while ((eol = m_buffer.indexOf("\r\n")) < 0) {
                    if (!fill())
                        return body;
                }
                const qint64 size = m_buffer.left(eol).toLongLong(nullptr, 16);
                m_buffer.remove(0, eol + 2);
                qint64 left = size;
                while (left > 0) {
                    if (m_buffer.isEmpty() && !fill())
                        return body;
                    const qint64 n = qMin<qint64>(left, m_buffer.size());
                    take(n);
                    left -= n;
                }
                while (m_buffer.size() < 2) {
                    if (!fill())
                        return body;
                }
                m_buffer.remove(0, 2);
                if (size == 0) {
                    body.complete = true;
                    break;
                }
            }
        } else {
            qint64 left = headerOf(head, "content-length").toLongLong();
            while (left > 0) {
                if (m_buffer.isEmpty() && !fill())
                    return body;
                const qint64 n = qMin<qint64>(left, m_buffer.size());
                take(n);
                left -= n;
            }
            body.complete = true;
        }
        body.sha256 = hash.result().toHex();
        return body;
    }
    // A small body whole (a JSON answer).
    QByteArray readSmall(const QByteArray &head)
    {
        const qint64 length = headerOf(head, "content-length").toLongLong();
        while (m_buffer.size() < length) {
            if (!fill())
                break;
        }
        return m_buffer.left(length);
    }
    // Gone without a goodbye: a reset, as a crashed client's kernel sends.
    void vanish()
    {
        linger hard{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        close();
    }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    bool fill()
    {
        char chunk[64 * 1024];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        m_buffer.append(chunk, n);
        return true;
    }
    int m_fd = -1;
    QByteArray m_buffer;
};

// The SHA-256 of `block` repeated `times` times, as hex.
QByteArray repeatedDigest(const QByteArray &block, int times)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (int i = 0; i < times; ++i)
        hash.addData(block);
    return hash.result().toHex();
}

QByteArray patternBlock()
{
    QByteArray block(1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < block.size(); ++i)
        block[i] = char((i * 7 + i / 251) & 0xff);
    return block;
}

} // namespace

// The data plane end to end: the real meshdeckd with --gateway-listen, routes made through the
// admin API, and real `meshdeckd --role echo` upstreams registered with it.
class TestGateway : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_backend.start({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0"),
                                  QStringLiteral("--gateway-access-log-sample"), QStringLiteral("0")}),
                 m_backend.stderrText().constData());
        m_port = gatewayPort(m_backend);
        QVERIFY2(m_port > 0, m_backend.readyLine().constData());
    }

    void anUnmatchedRequestIsAProblemNamingTheCause()
    {
        const RawResponse r = through(m_port, "GET", "/nowhere");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
        QVERIFY2(bodyOf(r).value(QStringLiteral("type")).toString().endsWith(QLatin1String("no-route")),
                 r.body.constData());
        QVERIFY(!r.header("x-request-id").isEmpty());
    }

    void routesStripThePrefixOrNotAndForwardWhoAsked()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("billing"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "billing"), 1, 10'000);
        QVERIFY(!createRoute(m_backend, simpleRoute(QStringLiteral("billing"), QStringLiteral("/billing"),
                                                    QStringLiteral("billing")))
                     .isEmpty());
        QVERIFY(!createRoute(m_backend, simpleRoute(QStringLiteral("billing-raw"), QStringLiteral("/raw"),
                                                    QStringLiteral("billing"), false))
                     .isEmpty());

        const RawResponse stripped =
            through(m_port, "GET", "/billing/invoices/7?page=2",
                    "X-Request-Id: trace-me-1\r\nX-Meshdeck-User-Id: spoofed\r\nX-Forwarded-For: 10.9.9.9\r\n"
                    "Forwarded: for=10.9.9.9\r\n"
                    "Connection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: no\r\n");
        QCOMPARE(stripped.status, 200);
        const QJsonObject seen = bodyOf(stripped);
        QCOMPARE(seen.value(QStringLiteral("path")).toString(), QStringLiteral("/invoices/7"));
        QCOMPARE(seen.value(QStringLiteral("query")).toString(), QStringLiteral("page=2"));
        const QJsonObject headers = seen.value(QStringLiteral("headers")).toObject();
        QCOMPARE(headers.value(QStringLiteral("x-request-id")).toString(), QStringLiteral("trace-me-1"));
        QCOMPARE(stripped.header("x-request-id"), QByteArray("trace-me-1"));
        // Identity headers a client sends are never believed; the gateway adds them only itself.
        QVERIFY2(!headers.contains(QStringLiteral("x-meshdeck-user-id")), stripped.body.constData());
        QVERIFY(!headers.contains(QStringLiteral("x-secret-hop"))); // named by Connection: hop-by-hop
        // No trusted proxies: a direct client's forwarding headers are replaced by its address.
        QCOMPARE(headers.value(QStringLiteral("x-forwarded-for")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(headers.value(QStringLiteral("forwarded")).toString(), QStringLiteral("for=127.0.0.1"));
        QCOMPARE(headers.value(QStringLiteral("x-forwarded-host")).toString(), QStringLiteral("gw.test"));
        QCOMPARE(headers.value(QStringLiteral("x-forwarded-proto")).toString(), QStringLiteral("http"));
        const QString traceparent = headers.value(QStringLiteral("traceparent")).toString();
        QVERIFY2(QRegularExpression(QStringLiteral("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$"))
                     .match(traceparent)
                     .hasMatch(),
                 qPrintable(traceparent));
        QVERIFY(stripped.header("server-timing").contains("upstream;dur="));

        // A valid traceparent travels on unchanged.
        const QByteArray trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const RawResponse kept = through(m_port, "GET", "/raw/x", "traceparent: " + trace + "\r\n");
        QCOMPARE(kept.status, 200);
        QCOMPARE(bodyOf(kept).value(QStringLiteral("path")).toString(), QStringLiteral("/raw/x"));
        QCOMPARE(bodyOf(kept)
                     .value(QStringLiteral("headers"))
                     .toObject()
                     .value(QStringLiteral("traceparent"))
                     .toString(),
                 QString::fromLatin1(trace));
        // Segment boundaries: /billingx is not /billing.
        QCOMPARE(through(m_port, "GET", "/billingx").status, 404);
        // A dot segment, or an encoding an upstream may decode into one, never leaves the gateway:
        // /raw/../billing must not reach what another route (with its own auth) guards.
        for (const QByteArray &sneaky : {QByteArray("/raw/../admin"), QByteArray("/raw/./x"),
                                         QByteArray("/raw/%2e%2e/admin"), QByteArray("/raw/a%2Fb")}) {
            const RawResponse refused = through(m_port, "GET", sneaky);
            QVERIFY2(refused.status == 400, (sneaky + ' ' + refused.body).constData());
            QVERIFY2(bodyOf(refused)
                         .value(QStringLiteral("type"))
                         .toString()
                         .endsWith(QLatin1String("unsafe-path")),
                     refused.body.constData());
        }
        // A body goes through whole.
        const QByteArray payload(200'000, 'p');
        const RawResponse posted = through(m_port, "POST", "/billing/upload", {}, payload);
        QCOMPARE(posted.status, 200);
        QCOMPARE(bodyOf(posted).value(QStringLiteral("bodyBytes")).toInt(), payload.size());
    }

    void eachBalancerSpreadsRequestsItsWay()
    {
        std::vector<std::unique_ptr<EchoProcess>> echoes;
        for (int weight : {300, 100, 100}) {
            echoes.push_back(std::make_unique<EchoProcess>());
            QVERIFY(echoes.back()->start(
                &m_backend,
                echoArgs(QStringLiteral("spread"), {QStringLiteral("--weight"), QString::number(weight)})));
        }
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "spread"), 3, 10'000);
        const QString heavy = QStringLiteral("127.0.0.1:%1").arg(echoes[0]->port());

        QJsonObject rr =
            simpleRoute(QStringLiteral("spread-rr"), QStringLiteral("/rr"), QStringLiteral("spread"));
        QVERIFY(!createRoute(m_backend, rr).isEmpty());
        QHash<QString, int> counts;
        for (int i = 0; i < 30; ++i)
            ++counts[instanceOf(through(m_port, "GET", "/rr/x"))];
        QCOMPARE(counts.size(), 3);
        for (int n : std::as_const(counts))
            QCOMPARE(n, 10);

        QJsonObject weighted =
            simpleRoute(QStringLiteral("spread-w"), QStringLiteral("/w"), QStringLiteral("spread"));
        weighted.insert(QStringLiteral("balancer"), QStringLiteral("weighted"));
        QVERIFY(!createRoute(m_backend, weighted).isEmpty());
        counts.clear();
        for (int i = 0; i < 50; ++i)
            ++counts[instanceOf(through(m_port, "GET", "/w/x"))];
        QCOMPARE(counts.value(heavy), 30); // 300 of 500 weight
        QCOMPARE(counts.size(), 3);

        // Least outstanding: while two slow requests hold two instances, the next goes to the third.
        QJsonObject least =
            simpleRoute(QStringLiteral("spread-lo"), QStringLiteral("/lo"), QStringLiteral("spread"));
        least.insert(QStringLiteral("balancer"), QStringLiteral("least_outstanding"));
        QVERIFY(!createRoute(m_backend, least).isEmpty());
        RawHttp slow1;
        RawHttp slow2;
        QVERIFY(slow1.connectTo(m_port));
        QVERIFY(slow2.connectTo(m_port));
        // One after the other, each in flight at the gateway before the next is sent (its own count
        // says so): two requests arriving at once on two engine threads may both find every
        // instance idle and pick the same one, as with any least-request balancer that does not
        // serialise its picks (Envoy's neither).
        slow1.send("GET /lo/a?delayMs=1500 HTTP/1.1\r\nHost: gw.test\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(gatewayInFlight(QStringLiteral("spread-lo")), 1, 5000);
        slow2.send("GET /lo/b?delayMs=1500 HTTP/1.1\r\nHost: gw.test\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(gatewayInFlight(QStringLiteral("spread-lo")), 2, 5000);
        const QString third = instanceOf(through(m_port, "GET", "/lo/c"));
        const QString first = instanceOf(slow1.read(5000));
        const QString second = instanceOf(slow2.read(5000));
        QVERIFY(first != second);
        QVERIFY2(third != first && third != second, qPrintable(first + u' ' + second + u' ' + third));
    }

    void aKilledInstanceOpensItsBreakerAndRequestsGoElsewhere()
    {
        EchoProcess a;
        EchoProcess b;
        QVERIFY(
            a.start(&m_backend, echoArgs(QStringLiteral("fragile"),
                                         {QStringLiteral("--check-interval-ms"), QStringLiteral("60000")})));
        QVERIFY(
            b.start(&m_backend, echoArgs(QStringLiteral("fragile"),
                                         {QStringLiteral("--check-interval-ms"), QStringLiteral("60000")})));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "fragile"), 2, 10'000);
        QJsonObject route =
            simpleRoute(QStringLiteral("fragile"), QStringLiteral("/fragile"), QStringLiteral("fragile"));
        route.insert(QStringLiteral("retries"), 1);
        route.insert(QStringLiteral("breaker"), QJsonObject{{QStringLiteral("failures"), 3},
                                                            {QStringLiteral("coolDownMs"), 60'000},
                                                            {QStringLiteral("halfOpenProbes"), 1}});
        const QString routeId = createRoute(m_backend, route);
        QVERIFY(!routeId.isEmpty());
        QCOMPARE(through(m_port, "GET", "/fragile/warm").status, 200);
        const QString dead = QStringLiteral("127.0.0.1:%1").arg(a.port());
        a.kill9(); // the registry still lists it as passing: its next check is a minute away

        // Every idempotent request still succeeds: a refused connection is retried on b.
        int failures = 0;
        for (int i = 0; i < 20; ++i) {
            const RawResponse r = through(m_port, "GET", "/fragile/x");
            failures += r.status != 200;
            QCOMPARE(instanceOf(r), QStringLiteral("127.0.0.1:%1").arg(b.port()));
        }
        QCOMPARE(failures, 0);
        // The breaker of the dead instance opened after 3 failures, and says why.
        const QJsonArray breakers =
            apiJson(m_backend, "GET", "/v1/gateway/breakers").value(QStringLiteral("breakers")).toArray();
        QJsonObject deadBreaker;
        for (const QJsonValue &v : breakers) {
            const QJsonObject o = v.toObject();
            if (o.value(QStringLiteral("routeId")).toString() == routeId &&
                QStringLiteral("%1:%2")
                        .arg(o.value(QStringLiteral("address")).toString())
                        .arg(o.value(QStringLiteral("port")).toInt()) == dead)
                deadBreaker = o;
        }
        QCOMPARE(deadBreaker.value(QStringLiteral("state")).toString(), QStringLiteral("open"));
        QVERIFY(!deadBreaker.value(QStringLiteral("trips")).toArray().isEmpty());
        // And the transition is an event on the gateway topic.
        const QJsonArray events = apiJson(m_backend, "GET", "/v1/events/topics/gateway/events?fromOffset=0")
                                      .value(QStringLiteral("events"))
                                      .toArray();
        bool opened = false;
        for (const QJsonValue &e : events) {
            const QJsonObject data = e.toObject().value(QStringLiteral("data")).toObject();
            opened |=
                e.toObject().value(QStringLiteral("type")).toString() == QLatin1String("gateway.breaker") &&
                data.value(QStringLiteral("to")).toString() == QLatin1String("open") &&
                data.value(QStringLiteral("routeId")).toString() == routeId;
        }
        QVERIFY2(opened, QJsonDocument(events).toJson().constData());

        // A reset closes it (and the next failures open it again).
        const QString instanceId = deadBreaker.value(QStringLiteral("instanceId")).toString();
        const RawResponse reset =
            apiCall(m_backend, "POST",
                    "/v1/gateway/breakers/" + routeId.toUtf8() + '/' + instanceId.toUtf8() + "/reset");
        QCOMPARE(reset.status, 200);
        QCOMPARE(bodyOf(reset).value(QStringLiteral("state")).toString(), QStringLiteral("closed"));

        // Deregistered, the dead instance's breaker goes from the list (instance ids change with
        // every deployment: the list would grow for ever); the living one's stays until its route
        // is deleted.
        const auto breakersOf = [this, &routeId] {
            QStringList ids;
            const QJsonArray all =
                apiJson(m_backend, "GET", "/v1/gateway/breakers").value(QStringLiteral("breakers")).toArray();
            for (const QJsonValue &v : all) {
                if (v.toObject().value(QStringLiteral("routeId")).toString() == routeId)
                    ids.append(v.toObject().value(QStringLiteral("instanceId")).toString());
            }
            return ids;
        };
        QCOMPARE(breakersOf().size(), 2);
        QCOMPARE(apiCall(m_backend, "DELETE", "/v1/registry/instances/" + instanceId.toUtf8()).status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(breakersOf().size(), 1, 5000);
        QVERIFY(!breakersOf().contains(instanceId));
        QCOMPARE(apiCall(m_backend, "DELETE", "/v1/gateway/routes/" + routeId.toUtf8()).status, 204);
        QTRY_VERIFY_WITH_TIMEOUT(breakersOf().isEmpty(), 5000);
    }

    void aSlowInstanceIsA504AtTheRouteTimeout()
    {
        EchoProcess slow;
        QVERIFY(slow.start(&m_backend, echoArgs(QStringLiteral("slow"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "slow"), 1, 10'000);
        QJsonObject route =
            simpleRoute(QStringLiteral("slow"), QStringLiteral("/slow"), QStringLiteral("slow"));
        route.insert(QStringLiteral("timeoutMs"), 400);
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        QElapsedTimer clock;
        clock.start();
        const RawResponse r = through(m_port, "GET", "/slow/x?delayMs=5000");
        const qint64 took = clock.elapsed();
        QCOMPARE(r.status, 504);
        QVERIFY2(
            bodyOf(r).value(QStringLiteral("type")).toString().endsWith(QLatin1String("upstream-timeout")),
            r.body.constData());
        QVERIFY2(took >= 400 && took < 4000, qPrintable(QString::number(took)));
        QCOMPARE(through(m_port, "GET", "/slow/x?delayMs=10").status, 200);
    }

    void rateLimitsCountExactlyAndSayHowMuchIsLeft()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("limited"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "limited"), 1, 10'000);
        QJsonObject route =
            simpleRoute(QStringLiteral("limited"), QStringLiteral("/limited"), QStringLiteral("limited"));
        route.insert(QStringLiteral("rateLimit"), QJsonObject{{QStringLiteral("requests"), 5},
                                                              {QStringLiteral("perSeconds"), 3600},
                                                              {QStringLiteral("by"), QStringLiteral("ip")}});
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        for (int i = 0; i < 5; ++i) {
            const RawResponse r = through(m_port, "GET", "/limited/x");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("ratelimit-policy"), QByteArray("\"default\";q=5;w=3600"));
            QVERIFY2(r.header("ratelimit").startsWith("\"default\";r=" + QByteArray::number(4 - i) + ";t="),
                     r.header("ratelimit").constData());
        }
        const RawResponse refused = through(m_port, "GET", "/limited/x");
        QCOMPARE(refused.status, 429);
        QVERIFY(refused.header("retry-after").toInt() >= 1);
        QVERIFY(refused.header("ratelimit").startsWith("\"default\";r=0;"));
        QVERIFY2(
            bodyOf(refused).value(QStringLiteral("type")).toString().endsWith(QLatin1String("rate-limited")),
            refused.body.constData());
    }

    void edgeAuthChecksTheCredentialAndForwardsTheIdentity()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("private"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "private"), 1, 10'000);
        QJsonObject route =
            simpleRoute(QStringLiteral("private"), QStringLiteral("/private"), QStringLiteral("private"));
        route.insert(QStringLiteral("auth"), QStringLiteral("required"));
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        const RawResponse none = through(m_port, "GET", "/private/x");
        QCOMPARE(none.status, 401);
        QCOMPARE(none.header("www-authenticate"), QByteArray("Bearer"));
        QCOMPARE(through(m_port, "GET", "/private/x", "Authorization: Bearer nonsense\r\n").status, 401);
        const RawResponse ok =
            through(m_port, "GET", "/private/x",
                    "Authorization: Bearer " + m_backend.token() +
                        "\r\nX-Meshdeck-Principal: user:forged\r\nX-Meshdeck-Role: admin\r\n");
        QCOMPARE(ok.status, 200);
        const QJsonObject headers = bodyOf(ok).value(QStringLiteral("headers")).toObject();
        QCOMPARE(headers.value(QStringLiteral("x-meshdeck-principal")).toString(),
                 QStringLiteral("admin-token"));
        QCOMPARE(headers.value(QStringLiteral("x-meshdeck-role")).toString(), QStringLiteral("admin"));
        // The credential was for the gateway: an upstream never sees it (it could replay it).
        QVERIFY2(!headers.contains(QStringLiteral("authorization")), ok.body.constData());
    }

    void corsAllowsOnlyTheListedOrigins()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("browser"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "browser"), 1, 10'000);
        QJsonObject route =
            simpleRoute(QStringLiteral("browser"), QStringLiteral("/browser"), QStringLiteral("browser"));
        route.insert(
            QStringLiteral("cors"),
            QJsonObject{{QStringLiteral("origins"), QJsonArray{QStringLiteral("https://app.example.test")}},
                        {QStringLiteral("credentials"), true},
                        {QStringLiteral("headers"), QJsonArray{QStringLiteral("X-Custom")}}});
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        const RawResponse preflight =
            through(m_port, "OPTIONS", "/browser/x",
                    "Origin: https://app.example.test\r\nAccess-Control-Request-Method: GET\r\n"
                    "Access-Control-Request-Headers: x-custom\r\n");
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.header("access-control-allow-origin"), QByteArray("https://app.example.test"));
        QCOMPARE(preflight.header("access-control-allow-credentials"), QByteArray("true"));
        for (const QByteArray &origin : {QByteArray("https://evil.example.test"), QByteArray("null")}) {
            const RawResponse refused =
                through(m_port, "OPTIONS", "/browser/x",
                        "Origin: " + origin + "\r\nAccess-Control-Request-Method: GET\r\n");
            QCOMPARE(refused.status, 403);
            QVERIFY(refused.header("access-control-allow-origin").isEmpty());
        }
        const RawResponse simple =
            through(m_port, "GET", "/browser/x", "Origin: https://app.example.test\r\n");
        QCOMPARE(simple.status, 200);
        QCOMPARE(simple.header("access-control-allow-origin"), QByteArray("https://app.example.test"));
        const RawResponse foreign =
            through(m_port, "GET", "/browser/x", "Origin: https://evil.example.test\r\n");
        QVERIFY(foreign.header("access-control-allow-origin").isEmpty());
        // HEAD goes wherever GET goes.
        QCOMPARE(through(m_port, "HEAD", "/browser/x").status, 200);
    }

    void aBodyOverTheRouteLimitIsRefusedBeforeItIsRead()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("small"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "small"), 1, 10'000);
        QJsonObject route =
            simpleRoute(QStringLiteral("small"), QStringLiteral("/small"), QStringLiteral("small"));
        route.insert(QStringLiteral("maxBodyBytes"), 100);
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        QCOMPARE(through(m_port, "POST", "/small/x", {}, QByteArray(100, 'a')).status, 200);
        QCOMPARE(through(m_port, "POST", "/small/x", {}, QByteArray(101, 'a')).status, 413);
    }

    void upstreamGarbageIsA502AndNeverACrash()
    {
        QTcpServer garbage;
        QVERIFY(garbage.listen(QHostAddress::LocalHost));
        connect(&garbage, &QTcpServer::newConnection, &garbage, [&garbage] {
            while (QTcpSocket *s = garbage.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    s->readAll();
                    s->write("HTTP/1.1 2OO NOT A STATUS\r\nContent-Length: banana\r\n\r\n");
                    s->disconnectFromHost();
                });
            }
        });
        QVERIFY(registerTcpChecked(m_backend, "garbage", garbage.serverPort()));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "garbage"), 1, 10'000);
        QVERIFY(!createRoute(m_backend, simpleRoute(QStringLiteral("garbage"), QStringLiteral("/garbage"),
                                                    QStringLiteral("garbage")))
                     .isEmpty());
        RawResponse r;
        // The test's own server answers on this thread: read while spinning the event loop.
        QTRY_VERIFY_WITH_TIMEOUT((r = through(m_port, "GET", "/garbage/x")).valid(), 10'000);
        QCOMPARE(r.status, 502);
        QVERIFY2(
            bodyOf(r).value(QStringLiteral("type")).toString().endsWith(QLatin1String("upstream-failed")),
            r.body.constData());
        QCOMPARE(m_backend.process().state(), QProcess::Running);
    }

    void aClientThatVanishesMidRequestLeavesNothingInFlight()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("vanish"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "vanish"), 1, 10'000);
        QVERIFY(!createRoute(m_backend, simpleRoute(QStringLiteral("vanish"), QStringLiteral("/vanish"),
                                                    QStringLiteral("vanish")))
                     .isEmpty());
        {
            RawHttp gone;
            QVERIFY(gone.connectTo(m_port));
            gone.send("GET /vanish/x?delayMs=800 HTTP/1.1\r\nHost: gw.test\r\n\r\n");
            QTRY_COMPARE_WITH_TIMEOUT(gatewayInFlight(QStringLiteral("vanish")), 1, 5000);
        } // closed while the upstream is still working
        QTRY_COMPARE_WITH_TIMEOUT(gatewayInFlight(QStringLiteral("vanish")), 0, 5000);
        QCOMPARE(through(m_port, "GET", "/vanish/y").status, 200);
    }

    void metricsCountWhatWentThrough()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("counted"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "counted"), 1, 10'000);
        QVERIFY(!createRoute(m_backend, simpleRoute(QStringLiteral("counted"), QStringLiteral("/counted"),
                                                    QStringLiteral("counted")))
                     .isEmpty());
        for (int i = 0; i < 7; ++i)
            QCOMPARE(through(m_port, "GET", "/counted/x").status, 200);
        QCOMPARE(through(m_port, "GET", "/counted/x?status=503").status, 503);
        // The second closes once a second: the series has all 8 within two ticks.
        QTRY_COMPARE_WITH_TIMEOUT(apiJson(m_backend, "GET", "/v1/gateway/metrics?route=counted&range=5m")
                                      .value(QStringLiteral("totals"))
                                      .toObject()
                                      .value(QStringLiteral("requests"))
                                      .toInt(),
                                  8, 5000);
        const QJsonObject series = apiJson(m_backend, "GET", "/v1/gateway/metrics?route=counted&range=5m");
        QCOMPARE(series.value(QStringLiteral("points")).toArray().size(), 300);
        const QJsonObject totals = series.value(QStringLiteral("totals")).toObject();
        QCOMPARE(totals.value(QStringLiteral("errors")).toInt(), 1);
        QCOMPARE(totals.value(QStringLiteral("status")).toObject().value(QStringLiteral("2xx")).toInt(), 7);
        QVERIFY(totals.value(QStringLiteral("p99Ms")).toDouble() > 0);
        const QByteArray prometheus = callAs(m_backend.port(), m_backend.token(), "GET", "/metrics").body;
        QVERIFY2(prometheus.contains("meshdeck_gateway_requests_total{route=\"counted\""),
                 prometheus.left(2000).constData());
        QCOMPARE(apiCall(m_backend, "GET", "/v1/gateway/metrics?range=7d").status, 400);
        QCOMPARE(apiCall(m_backend, "GET", "/v1/gateway/metrics?route=nope").status, 404);
    }

    void theMetricsChannelServesEverySessionThatMayReadIt()
    {
        Session first;
        Session second;
        QVERIFY(first.open(m_backend.port(), m_backend.token()));
        QVERIFY(second.open(m_backend.port(), m_backend.token()));
        first.subscribe(QStringLiteral("gateway.metrics"));
        second.subscribe(QStringLiteral("gateway.metrics"));
        QTRY_VERIFY_WITH_TIMEOUT(first.count(QStringLiteral("gateway.metrics")) > 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(second.count(QStringLiteral("gateway.metrics")) > 0, 5000);
        const QJsonObject tick = second.messages.constLast();
        QVERIFY(tick.value(QStringLiteral("routes")).isArray());
        QVERIFY(tick.value(QStringLiteral("breakers")).isArray());
        // One session leaves; the other keeps its seconds coming.
        first.socket.close();
        QTRY_VERIFY_WITH_TIMEOUT(first.socket.state() == QAbstractSocket::UnconnectedState, 5000);
        const int before = second.count(QStringLiteral("gateway.metrics"));
        QTRY_VERIFY_WITH_TIMEOUT(second.count(QStringLiteral("gateway.metrics")) >= before + 2, 5000);

        // Someone without gateway.read (a platform end user) is refused, with the reason.
        QCOMPARE(apiCall(m_backend, "POST", "/v1/auth/users",
                         "{\"email\":\"end.user@example.test\",\"name\":\"End User\","
                         "\"password\":\"a long enough passphrase\",\"role\":\"user\"}")
                     .status,
                 201);
        const RawResponse signedIn =
            callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                   "{\"email\":\"end.user@example.test\",\"password\":\"a long enough passphrase\"}");
        QCOMPARE(signedIn.status, 201);
        Session stranger;
        QVERIFY(stranger.open(m_backend.port(),
                              bodyOf(signedIn).value(QStringLiteral("accessToken")).toString().toUtf8()));
        stranger.subscribe(QStringLiteral("gateway.metrics"));
        QTRY_VERIFY_WITH_TIMEOUT(stranger.count(QStringLiteral("error")) > 0, 5000);
        QVERIFY2(QJsonDocument(stranger.messages.constLast()).toJson().contains("gateway.read"),
                 QJsonDocument(stranger.messages.constLast()).toJson().constData());
        QCOMPARE(stranger.count(QStringLiteral("gateway.metrics")), 0);
    }

    // Behind a trusted proxy (--gateway-trusted-proxies) the forwarding headers are kept and the
    // `by: ip` limit counts the client the proxy names; an untrusted peer's are replaced (above).
    void aTrustedProxysClientIsBelievedAndLimitedByItsAddress()
    {
        BackendProcess behind;
        QVERIFY2(
            behind.start({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--gateway-trusted-proxies"), QStringLiteral("127.0.0.0/8,::1")}),
            behind.stderrText().constData());
        const quint16 port = gatewayPort(behind);
        EchoProcess echo;
        QVERIFY(echo.start(&behind, echoArgs(QStringLiteral("proxied"))));
        QJsonObject route =
            simpleRoute(QStringLiteral("proxied"), QStringLiteral("/proxied"), QStringLiteral("proxied"));
        route.insert(QStringLiteral("rateLimit"), QJsonObject{{QStringLiteral("requests"), 2},
                                                              {QStringLiteral("perSeconds"), 3600},
                                                              {QStringLiteral("by"), QStringLiteral("ip")}});
        QVERIFY(!createRoute(behind, route).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(behind, "proxied"), 1, 10'000);

        const RawResponse kept = through(port, "GET", "/proxied/x",
                                         "X-Forwarded-For: 203.0.113.5\r\nForwarded: for=203.0.113.5\r\n");
        QCOMPARE(kept.status, 200);
        const QJsonObject headers = bodyOf(kept).value(QStringLiteral("headers")).toObject();
        QCOMPARE(headers.value(QStringLiteral("x-forwarded-for")).toString(),
                 QStringLiteral("203.0.113.5, 127.0.0.1"));
        QCOMPARE(headers.value(QStringLiteral("forwarded")).toString(),
                 QStringLiteral("for=203.0.113.5, for=127.0.0.1"));
        // 203.0.113.5 has one request left of two; another client has its own two.
        QCOMPARE(through(port, "GET", "/proxied/x", "X-Forwarded-For: 203.0.113.5\r\n").status, 200);
        QCOMPARE(through(port, "GET", "/proxied/x", "X-Forwarded-For: 203.0.113.5\r\n").status, 429);
        // The refusal is in the access log under the client the proxy named, not the proxy.
        QTRY_VERIFY_WITH_TIMEOUT(
            apiCall(behind, "GET", "/v1/events/topics/gateway.access/events?fromOffset=0&limit=1000")
                .body.contains("\"client\":\"203.0.113.5\""),
            5000);
        QCOMPARE(through(port, "GET", "/proxied/x", "X-Forwarded-For: 198.51.100.7\r\n").status, 200);
        // A spoofed hop further left does not make a new client: the proxy's own entry counts.
        QCOMPARE(through(port, "GET", "/proxied/x", "X-Forwarded-For: 192.0.2.1, 198.51.100.7\r\n").status,
                 200);
        QCOMPARE(through(port, "GET", "/proxied/x", "X-Forwarded-For: 192.0.2.2, 198.51.100.7\r\n").status,
                 429);
        QCOMPARE(behind.terminate(), 0);
    }

    void bigBodiesStreamThroughInBoundedMemory()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("big"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "big"), 1, 10'000);
        QJsonObject route = simpleRoute(QStringLiteral("big"), QStringLiteral("/big"), QStringLiteral("big"));
        route.insert(QStringLiteral("maxBodyBytes"), double(1LL << 30));
        route.insert(QStringLiteral("timeoutMs"), 60'000);
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        const qint64 pid = m_backend.process().processId();
        const qint64 before = peakRss(pid);
        QVERIFY(before > 0);
        constexpr int MiBs = 300;
        constexpr qint64 Total = qint64(MiBs) << 20;
        const QByteArray block = patternBlock();
        const QByteArray uploaded = repeatedDigest(block, MiBs);
        for (const bool chunked : {false, true}) {
            StreamClient c;
            QVERIFY(c.connectTo(m_port));
            QByteArray head = "POST /big/up?digest=1 HTTP/1.1\r\nHost: gw.test\r\n";
            head += chunked ? QByteArray("Transfer-Encoding: chunked\r\n\r\n")
                            : "Content-Length: " + QByteArray::number(Total) + "\r\n\r\n";
            QVERIFY(c.send(head));
            const QByteArray frame = QByteArray::number(block.size(), 16) + "\r\n";
            for (int i = 0; i < MiBs; ++i) {
                if (chunked)
                    QVERIFY(c.send(frame));
                QVERIFY(c.send(block));
                if (chunked)
                    QVERIFY(c.send("\r\n"));
            }
            if (chunked)
                QVERIFY(c.send("0\r\n\r\n"));
            const QByteArray answer = c.readHead();
            QCOMPARE(StreamClient::statusOf(answer), 200);
            const QJsonObject digest = QJsonDocument::fromJson(c.readSmall(answer)).object();
            QCOMPARE(qint64(digest.value(QStringLiteral("bytes")).toDouble()), Total);
            QCOMPARE(digest.value(QStringLiteral("sha256")).toString().toLatin1(), uploaded);
        }
        const QByteArray downloaded = repeatedDigest(QByteArray(1024 * 1024, 'x'), MiBs);
        for (const bool chunked : {false, true}) {
            StreamClient c;
            QVERIFY(c.connectTo(m_port));
            QVERIFY(c.send("GET /big/down?bytes=" + QByteArray::number(Total) +
                           (chunked ? "&chunked=1" : "") + " HTTP/1.1\r\nHost: gw.test\r\n\r\n"));
            const QByteArray head = c.readHead();
            QCOMPARE(StreamClient::statusOf(head), 200);
            if (chunked)
                QCOMPARE(StreamClient::headerOf(head, "transfer-encoding"), QByteArray("chunked"));
            else
                QCOMPARE(StreamClient::headerOf(head, "content-length").toLongLong(), Total);
            const StreamClient::Body body = c.readBody(head);
            QVERIFY(body.complete);
            QCOMPARE(body.bytes, Total);
            QCOMPARE(body.sha256, downloaded);
        }
        const qint64 after = peakRss(pid);
        qInfo().noquote() << QStringLiteral(
                                 "meshdeckd peak RSS %1 MiB before, %2 MiB after 2 x 300 MiB up and "
                                 "2 x 300 MiB down")
                                 .arg(before >> 20)
                                 .arg(after >> 20);
        QVERIFY2(after - before < 64LL << 20,
                 qPrintable(QStringLiteral("grew by %1 MiB").arg((after - before) >> 20)));
        // The streamed bytes are counted both ways.
        QTRY_VERIFY_WITH_TIMEOUT(apiJson(m_backend, "GET", "/v1/gateway/metrics?route=big&range=5m")
                                         .value(QStringLiteral("totals"))
                                         .toObject()
                                         .value(QStringLiteral("bytesOut"))
                                         .toDouble() >= double(2 * Total),
                                 5000);
        const QJsonObject totals = apiJson(m_backend, "GET", "/v1/gateway/metrics?route=big&range=5m")
                                       .value(QStringLiteral("totals"))
                                       .toObject();
        QVERIFY(totals.value(QStringLiteral("bytesIn")).toDouble() >= double(2 * Total));
    }

    void aSlowReaderHoldsTheUpstreamBack()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("slow-reader"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "slow-reader"), 1, 10'000);
        QJsonObject route = simpleRoute(QStringLiteral("slow-reader"), QStringLiteral("/slowread"),
                                        QStringLiteral("slow-reader"));
        route.insert(QStringLiteral("timeoutMs"), 60'000);
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        const qint64 pid = m_backend.process().processId();
        const qint64 before = peakRss(pid);
        constexpr qint64 Total = 256LL << 20;
        StreamClient c;
        QVERIFY(c.connectTo(m_port));
        QVERIFY(c.send("GET /slowread/x?bytes=" + QByteArray::number(Total) +
                       " HTTP/1.1\r\nHost: gw.test\r\n\r\n"));
        const QByteArray head = c.readHead();
        QCOMPARE(StreamClient::statusOf(head), 200);
        // The client stops reading for a while every 32 MiB (a stalled reader, not a wait for
        // anything): a gateway without back-pressure would take the whole body from the local
        // echo meanwhile and hold it.
        qint64 worst = 0;
        const StreamClient::Body body = c.readBody(
            head,
            [&](qint64) {
                std::this_thread::sleep_for(std::chrono::milliseconds(400));
                worst = qMax(worst, peakRss(pid) - before);
            },
            32LL << 20);
        QVERIFY(body.complete);
        QCOMPARE(body.bytes, Total);
        qInfo().noquote()
            << QStringLiteral("slow reader: meshdeckd peak RSS grew by %1 MiB").arg(worst >> 20);
        QVERIFY2(worst < 64LL << 20, qPrintable(QStringLiteral("grew by %1 MiB").arg(worst >> 20)));
    }

    void aClientThatVanishesMidStreamAbortsTheUpstreamExchange()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("vanish-stream"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "vanish-stream"), 1, 10'000);
        QJsonObject route = simpleRoute(QStringLiteral("vanish-stream"), QStringLiteral("/vstream"),
                                        QStringLiteral("vanish-stream"));
        route.insert(QStringLiteral("maxBodyBytes"), double(1LL << 30));
        route.insert(QStringLiteral("timeoutMs"), 60'000);
        QVERIFY(!createRoute(m_backend, route).isEmpty());
        const auto echoControl = [&echo] {
            return QJsonDocument::fromJson(through(echo.port(), "GET", "/control").body).object();
        };
        QCOMPARE(echoControl().value(QStringLiteral("abortedUploads")).toInt(), 0);
        QCOMPARE(echoControl().value(QStringLiteral("abortedDownloads")).toInt(), 0);
        {
            // Mid-upload: 8 MiB of a declared 200 MiB, then a reset.
            StreamClient c;
            QVERIFY(c.connectTo(m_port));
            QVERIFY(c.send("POST /vstream/up?digest=1 HTTP/1.1\r\nHost: gw.test\r\nContent-Length: " +
                           QByteArray::number(200LL << 20) + "\r\n\r\n"));
            const QByteArray block = patternBlock();
            for (int i = 0; i < 8; ++i)
                QVERIFY(c.send(block));
            QTRY_COMPARE_WITH_TIMEOUT(gatewayInFlight(QStringLiteral("vanish-stream")), 1, 5000);
            c.vanish();
        }
        // The echo saw its upload end short: the gateway closed the upstream exchange.
        QTRY_COMPARE_WITH_TIMEOUT(echoControl().value(QStringLiteral("abortedUploads")).toInt(), 1, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(gatewayInFlight(QStringLiteral("vanish-stream")), 0, 5000);
        {
            // Mid-download: 4 MiB of 1 GiB read, then a reset.
            StreamClient c;
            QVERIFY(c.connectTo(m_port));
            QVERIFY(c.send("GET /vstream/down?bytes=" + QByteArray::number(1LL << 30) +
                           " HTTP/1.1\r\nHost: gw.test\r\n\r\n"));
            const QByteArray head = c.readHead();
            QCOMPARE(StreamClient::statusOf(head), 200);
            bool stop = false;
            qint64 read = 0;
            while (!stop) {
                // readBody with a pause that resets the connection after 4 MiB.
                const StreamClient::Body partial = c.readBody(
                    head,
                    [&](qint64 bytes) {
                        read = bytes;
                        c.vanish();
                    },
                    4LL << 20);
                stop = true;
                QVERIFY(!partial.complete);
            }
            QVERIFY(read >= 4LL << 20);
        }
        QTRY_COMPARE_WITH_TIMEOUT(echoControl().value(QStringLiteral("abortedDownloads")).toInt(), 1, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(gatewayInFlight(QStringLiteral("vanish-stream")), 0, 5000);
        // The route still works, and both exchanges are errors in the access log.
        QCOMPARE(through(m_port, "GET", "/vstream/y").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(
            apiCall(m_backend, "GET", "/v1/events/topics/gateway.access/events?fromOffset=0&limit=1000")
                    .body.count("client-gone") >= 2,
            5000);
    }

    void anUpstreamThatDiesMidBodyGivesATruncatedResponse()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("dies"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "dies"), 1, 10'000);
        QVERIFY(!createRoute(m_backend, simpleRoute(QStringLiteral("dies"), QStringLiteral("/dies"),
                                                    QStringLiteral("dies")))
                     .isEmpty());
        constexpr qint64 Total = 32LL << 20;
        for (const bool chunked : {false, true}) {
            StreamClient c;
            QVERIFY(c.connectTo(m_port));
            QVERIFY(c.send("GET /dies/x?bytes=" + QByteArray::number(Total) +
                           "&dieAfter=" + QByteArray::number(5LL << 20) + (chunked ? "&chunked=1" : "") +
                           " HTTP/1.1\r\nHost: gw.test\r\n\r\n"));
            const QByteArray head = c.readHead();
            QCOMPARE(StreamClient::statusOf(head), 200);
            const StreamClient::Body body = c.readBody(head);
            QVERIFY2(!body.complete, chunked ? "chunked" : "content-length");
            QVERIFY(body.bytes <= 5LL << 20);
        }
        // The same download whole, to show the test reads a complete body as complete.
        {
            StreamClient c;
            QVERIFY(c.connectTo(m_port));
            QVERIFY(c.send("GET /dies/x?bytes=" + QByteArray::number(Total) +
                           "&chunked=1 HTTP/1.1\r\nHost: gw.test\r\n\r\n"));
            const QByteArray head = c.readHead();
            const StreamClient::Body body = c.readBody(head);
            QVERIFY(body.complete);
            QCOMPARE(body.bytes, Total);
        }
        // Both are upstream errors (502) in the metrics.
        QTRY_COMPARE_WITH_TIMEOUT(apiJson(m_backend, "GET", "/v1/gateway/metrics?route=dies&range=5m")
                                      .value(QStringLiteral("totals"))
                                      .toObject()
                                      .value(QStringLiteral("errors"))
                                      .toInt(),
                                  2, 5000);
    }

    void headAnswersTheLengthAGetWouldHave()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("heads"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "heads"), 1, 10'000);
        QVERIFY(!createRoute(m_backend, simpleRoute(QStringLiteral("heads"), QStringLiteral("/heads"),
                                                    QStringLiteral("heads")))
                     .isEmpty());
        for (const qint64 size : {1000LL, 5LL << 20}) {
            const RawResponse r = through(m_port, "HEAD", "/heads/x?bytes=" + QByteArray::number(size));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("content-length").toLongLong(), size);
            QVERIFY(r.body.isEmpty());
        }
    }

    void bodiesOverTheLimitAre413AndCountedAsTooLarge()
    {
        // An upstream that counts what reaches it (its health check only connects).
        QTcpServer counting;
        QVERIFY(counting.listen(QHostAddress::LocalHost));
        qint64 received = 0;
        connect(&counting, &QTcpServer::newConnection, &counting, [&counting, &received] {
            while (QTcpSocket *s = counting.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [s, &received] {
                    received += s->readAll().size();
                    s->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                });
            }
        });
        QVERIFY(registerTcpChecked(m_backend, "too-large", counting.serverPort()));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "too-large"), 1, 10'000);
        QJsonObject route = simpleRoute(QStringLiteral("too-large"), QStringLiteral("/toolarge"),
                                        QStringLiteral("too-large"));
        route.insert(QStringLiteral("maxBodyBytes"), 1024 * 1024);
        QVERIFY(!createRoute(m_backend, route).isEmpty());

        // Content-Length over the limit: refused from the head (the client waits for 100
        // Continue, so none of the body is in flight), nothing reaches the upstream.
        RawResponse r;
        {
            RawHttp waiting;
            QVERIFY(waiting.connectTo(m_port));
            waiting.send("POST /toolarge/x HTTP/1.1\r\nHost: gw.test\r\nExpect: 100-continue\r\n"
                         "Content-Length: 1048577\r\n\r\n");
            r = waiting.read(15'000);
        }
        QCOMPARE(r.status, 413);
        QCOMPARE(received, 0);
        // What does reach it is seen.
        QTRY_VERIFY_WITH_TIMEOUT(
            (r = through(m_port, "POST", "/toolarge/x", {}, QByteArray(1000, 'a'))).valid(), 10'000);
        QCOMPARE(r.status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(received > 1000, 5000);

        // A chunked body that grows over the limit mid-stream (to an upstream that answers only
        // once it has the whole body): the upstream exchange is aborted and the client gets 413.
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("limited-echo"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "limited-echo"), 1, 10'000);
        QJsonObject echoRoute = simpleRoute(QStringLiteral("limited-echo"), QStringLiteral("/limecho"),
                                            QStringLiteral("limited-echo"));
        echoRoute.insert(QStringLiteral("maxBodyBytes"), 1024 * 1024);
        QVERIFY(!createRoute(m_backend, echoRoute).isEmpty());
        RawHttp c;
        QVERIFY(c.connectTo(m_port));
        c.send("POST /limecho/x?digest=1 HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray chunk =
            QByteArray::number(256 * 1024, 16) + "\r\n" + QByteArray(256 * 1024, 'b') + "\r\n";
        for (int i = 0; i < 5; ++i)
            c.send(chunk);
        r = c.read(15'000);
        QCOMPARE(r.status, 413);
        QTRY_COMPARE_WITH_TIMEOUT(QJsonDocument::fromJson(through(echo.port(), "GET", "/control").body)
                                      .object()
                                      .value(QStringLiteral("abortedUploads"))
                                      .toInt(),
                                  1, 10'000);

        // Both are their route's tooLarge rejections, and in the access log.
        for (const char *name : {"too-large", "limited-echo"}) {
            QTRY_COMPARE_WITH_TIMEOUT(
                apiJson(m_backend, "GET", QByteArray("/v1/gateway/metrics?range=5m&route=") + name)
                    .value(QStringLiteral("totals"))
                    .toObject()
                    .value(QStringLiteral("rejected"))
                    .toObject()
                    .value(QStringLiteral("tooLarge"))
                    .toInt(),
                1, 5000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            apiCall(m_backend, "GET", "/v1/events/topics/gateway.access/events?fromOffset=0&limit=1000")
                    .body.count("tooLarge") >= 2,
            5000);
    }

    // This server samples none of the answers (--gateway-access-log-sample 0); a route's own share
    // wins, and a route that samples none still logs its errors.
    void aRoutesOwnAccessLogSampleWinsOverTheServers()
    {
        EchoProcess echo;
        QVERIFY(echo.start(&m_backend, echoArgs(QStringLiteral("sampled"))));
        QTRY_COMPARE_WITH_TIMEOUT(passingInstances(m_backend, "sampled"), 1, 10'000);
        QJsonObject all =
            simpleRoute(QStringLiteral("log-all"), QStringLiteral("/logall"), QStringLiteral("sampled"));
        all.insert(QStringLiteral("accessLogSample"), 1);
        QJsonObject none =
            simpleRoute(QStringLiteral("log-none"), QStringLiteral("/lognone"), QStringLiteral("sampled"));
        none.insert(QStringLiteral("accessLogSample"), 0);
        QVERIFY(!createRoute(m_backend, all).isEmpty());
        QVERIFY(!createRoute(m_backend, none).isEmpty());
        // The log publishes in order: the unlogged answers go first, so that once the later ones
        // are in the log, the earlier ones had their chance to be.
        QList<QByteArray> unlogged;
        for (int i = 0; i < 5; ++i) {
            const RawResponse r = through(m_port, "GET", "/lognone/ok");
            QCOMPARE(r.status, 200);
            unlogged << r.header("x-request-id");
        }
        const RawResponse failed = through(m_port, "GET", "/lognone/fail?status=503");
        QCOMPARE(failed.status, 503);
        QList<QByteArray> logged{failed.header("x-request-id")};
        for (int i = 0; i < 5; ++i) {
            const RawResponse r = through(m_port, "GET", "/logall/ok");
            QCOMPARE(r.status, 200);
            logged << r.header("x-request-id");
        }
        const auto log = [this] {
            return apiCall(m_backend, "GET",
                           "/v1/events/topics/gateway.access/events?fromOffset=0&limit=1000")
                .body;
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(logged.cbegin(), logged.cend(),
                        [text = log()](const QByteArray &id) { return !id.isEmpty() && text.contains(id); }),
            5000);
        const QByteArray text = log();
        for (const QByteArray &id : unlogged) {
            QVERIFY(!id.isEmpty());
            QVERIFY2(!text.contains(id), id.constData());
        }
        // The share is part of the route as the API answers it.
        const QJsonArray routes =
            apiJson(m_backend, "GET", "/v1/gateway/routes").value(QStringLiteral("routes")).toArray();
        QStringList shares;
        for (const QJsonValue &route : routes) {
            const QJsonObject o = route.toObject();
            if (o.value(QStringLiteral("name")).toString().startsWith(QStringLiteral("log-")))
                shares << o.value(QStringLiteral("name")).toString() + u'=' +
                              QString::number(o.value(QStringLiteral("accessLogSample")).toDouble(-1));
        }
        shares.sort();
        QCOMPARE(shares, (QStringList{QStringLiteral("log-all=1"), QStringLiteral("log-none=0")}));
    }

    void cleanupTestCase() { QCOMPARE(m_backend.terminate(), 0); }

private:
    int gatewayInFlight(const QString &routeName)
    {
        const QJsonArray routes =
            apiJson(m_backend, "GET", "/v1/gateway/overview").value(QStringLiteral("routes")).toArray();
        for (const QJsonValue &r : routes) {
            if (r.toObject().value(QStringLiteral("name")).toString() != routeName)
                continue;
            int total = 0;
            for (const QJsonValue &i : r.toObject().value(QStringLiteral("instances")).toArray())
                total += i.toObject().value(QStringLiteral("inFlight")).toInt();
            return total;
        }
        return -1;
    }

    BackendProcess m_backend;
    quint16 m_port = 0;
};

QTEST_MAIN(TestGateway)
#include "tst_gateway.moc"
