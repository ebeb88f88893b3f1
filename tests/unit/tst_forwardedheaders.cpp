#include "http/headernames.h"
#include "services/gateway/proxyheaders.h"
#include "services/gateway/trustedproxies.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Meshdeck;
using namespace Meshdeck::Gateway;

namespace {

Http::Request requestFrom(const QByteArray &peer, const Http::Headers &headers)
{
    Http::Request r;
    r.method = "GET";
    r.target = "/x";
    r.path = "/x";
    r.peer = peer;
    r.requestId = "req-1";
    r.headers = headers;
    r.headers.append(std::pair<QByteArray, QByteArray>("host", "gw.test"));
    return r;
}

// Every value of a header the upstream gets, in order.
QList<QByteArray> sent(const Http::Headers &headers, QByteArrayView name)
{
    QList<QByteArray> values;
    for (const auto &[n, v] : headers) {
        if (n == name)
            values.append(v);
    }
    return values;
}

// The header lines the upstream gets, as pairs; each line must be "name: value" and end in CRLF.
Http::Headers linesOf(const QByteArray &lines)
{
    Http::Headers headers;
    qsizetype start = 0;
    while (start < lines.size()) {
        const qsizetype end = lines.indexOf("\r\n", start);
        const qsizetype colon = lines.indexOf(": ", start);
        if (end < 0 || colon < 0 || colon > end)
            qFatal("not a header line at %lld: %s", qlonglong(start), lines.constData());
        headers.append({lines.sliced(start, colon - start), lines.sliced(colon + 2, end - colon - 2)});
        start = end + 2;
    }
    return headers;
}

// The headers the upstream gets: the identity's, checked by the upstream client, then the lines.
Http::Headers upstreamHeaders(const Http::Request &request, const Principal *principal,
                              bool credentialChecked, QByteArrayView proto, const TrustedProxies *trusted)
{
    const QByteArray lines = ProxyHeaders::upstreamHeaderLines(request, credentialChecked, proto, trusted);
    QString error;
    if (!Http::wellFramedHeaderLines(lines, &error))
        qFatal("%s: %s", qPrintable(error), lines.constData());
    return ProxyHeaders::identityHeaders(principal) + linesOf(lines);
}

TrustedProxies proxies(const QString &text)
{
    QString error;
    const std::optional<TrustedProxies> parsed = TrustedProxies::parse(text, &error);
    if (!parsed)
        qFatal("%s", qPrintable(error));
    return *parsed;
}

} // namespace

// X-Forwarded-For and Forwarded as the upstream sees them, and the address the `by: ip` rate
// limit counts: only a trusted proxy's word about the client is believed.
class TestForwardedHeaders : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newTraceparentsAreValidAndDistinct()
    {
        QSet<QByteArray> seen;
        for (int i = 0; i < 1000; ++i) {
            // A request without a traceparent gets a new one upstream.
            const QList<QByteArray> made =
                sent(upstreamHeaders(requestFrom("198.51.100.9", {}), nullptr, false, "http", nullptr),
                     "traceparent");
            QCOMPARE(made.size(), 1);
            const QByteArray t = made.first();
            QVERIFY2(ProxyHeaders::isValidTraceparent(t), t.constData());
            QVERIFY2(QRegularExpression(QStringLiteral("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$"))
                         .match(QString::fromLatin1(t))
                         .hasMatch(),
                     t.constData());
            seen.insert(t.sliced(3, 32)); // the trace id
        }
        QCOMPARE(seen.size(), 1000);
    }

    void blocksAreParsedAndMatched()
    {
        const TrustedProxies t =
            proxies(QStringLiteral(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8,::ffff:172.16.0.0/108"));
        QVERIFY(t.contains("10.1.2.3"));
        QVERIFY(t.contains("192.0.2.7"));
        QVERIFY(!t.contains("192.0.2.8"));
        QVERIFY(t.contains("fd12::1"));
        QVERIFY(!t.contains("fe80::1"));
        QVERIFY(t.contains("::ffff:10.0.0.1")); // a dual-stack listener's IPv4 peer
        QVERIFY(t.contains("172.16.5.5"));
        QVERIFY(!t.contains("172.32.0.1"));
        QVERIFY(!t.contains("not-an-address"));
        QVERIFY(!t.contains(""));
        QVERIFY(proxies(QString()).isEmpty());
        QVERIFY(!proxies(QString()).contains("127.0.0.1"));
    }

    void badBlocksAreRefusedWithTheEntry_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("prefix too long") << QStringLiteral("10.0.0.0/33");
        QTest::newRow("not an address") << QStringLiteral("10.0.0.0/8,proxy.example");
        QTest::newRow("no prefix") << QStringLiteral("10.0.0.0/");
    }
    void badBlocksAreRefusedWithTheEntry()
    {
        QFETCH(QString, text);
        QString error;
        QVERIFY(!TrustedProxies::parse(text, &error));
        QVERIFY2(error.contains(QStringLiteral("--gateway-trusted-proxies")), qPrintable(error));
    }

    // Everything the upstream gets, in order: the client's end-to-end headers as they came, then
    // the gateway's; nothing of what the hop, the gateway or the upstream client has the say over.
    void theLinesSentUpstream()
    {
        Http::Request r = requestFrom("198.51.100.9", {{"accept", "*/*"},
                                                       {"te", "trailers"},
                                                       {"upgrade", "h2c"},
                                                       {"trailer", "x"},
                                                       {"keep-alive", "timeout=5"},
                                                       {"proxy-connection", "keep-alive"},
                                                       {"proxy-authorization", "Basic eA=="},
                                                       {"proxy-authenticate", "Basic"},
                                                       {"x-meshdeck-", "empty suffix"},
                                                       {"content-length", "0"},
                                                       {"transfer-encoding", "chunked"},
                                                       {"x-request-id", "client-chosen"},
                                                       {"x-forwarded-proto", "https"},
                                                       {"x-forwarded-host", "elsewhere.test"},
                                                       {"x-meshdeck-role", "admin"},
                                                       {"authorization", "Bearer abc"},
                                                       {"tracestate", "k=v"},
                                                       {"x-two", "b, c"}});
        const QByteArray lines = ProxyHeaders::upstreamHeaderLines(r, false, "https", nullptr);
        QVERIFY(Http::wellFramedHeaderLines(lines));
        QVERIFY2(lines.startsWith("accept: */*\r\nauthorization: Bearer abc\r\nx-two: b, c\r\n"
                                  "x-forwarded-for: 198.51.100.9\r\nx-forwarded-proto: https\r\n"
                                  "x-forwarded-host: gw.test\r\nx-request-id: req-1\r\ntraceparent: 00-"),
                 lines.constData());
        QVERIFY2(lines.endsWith("-01\r\n"), lines.constData());
        // No valid traceparent came: a new one, and the tracestate without its parent is dropped.
        const Http::Headers up = linesOf(lines);
        QCOMPARE(up.size(), 8);
        QCOMPARE(up.at(7).first, QByteArray("traceparent"));
        QVERIFY2(ProxyHeaders::isValidTraceparent(up.at(7).second), up.at(7).second.constData());

        // A checked credential stays at the edge; the identity goes in its place. A valid
        // traceparent travels on with its tracestate.
        const QByteArray trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        r.headers.append({"traceparent", trace});
        Principal user;
        user.kind = Principal::Kind::User;
        user.userId = QStringLiteral("u1");
        user.name = QStringLiteral("dev@example.test");
        user.role = Role::Developer;
        const Http::Headers withUser = upstreamHeaders(r, &user, true, "http", nullptr);
        QVERIFY(sent(withUser, "authorization").isEmpty());
        QCOMPARE(sent(withUser, "traceparent"), QList<QByteArray>{trace});
        QCOMPARE(sent(withUser, "tracestate"), QList<QByteArray>{"k=v"});
        QCOMPARE(withUser.first(4).toList(), (Http::Headers{{"x-meshdeck-principal", "user:u1"},
                                                            {"x-meshdeck-role", "developer"},
                                                            {"x-meshdeck-user-id", "u1"},
                                                            {"x-meshdeck-user-email", "dev@example.test"}}));
        Principal key;
        key.kind = Principal::Kind::ApiKey;
        key.userId = QStringLiteral("u1");
        key.keyId = QStringLiteral("k9");
        key.name = QStringLiteral("ci");
        const Http::Headers withKey = upstreamHeaders(r, &key, true, "http", nullptr);
        QCOMPARE(sent(withKey, "x-meshdeck-principal"), QList<QByteArray>{"key:k9"});
        QCOMPARE(sent(withKey, "x-meshdeck-key-id"), QList<QByteArray>{"k9"});
        QVERIFY(sent(withKey, "x-meshdeck-user-email").isEmpty());
        // An anonymous principal adds nothing.
        const Principal anonymous;
        QVERIFY(
            sent(upstreamHeaders(r, &anonymous, false, "http", nullptr), "x-meshdeck-principal").isEmpty());
    }

    // A direct client cannot pose as someone else: what it says is replaced by its address.
    void aDirectClientsForwardingHeadersAreReplacedByItsAddress_data()
    {
        QTest::addColumn<QString>("trusted");
        QTest::newRow("no trusted proxies") << QString();
        QTest::newRow("the client is not one of them") << QStringLiteral("10.0.0.0/8");
    }
    void aDirectClientsForwardingHeadersAreReplacedByItsAddress()
    {
        QFETCH(QString, trusted);
        const TrustedProxies t = proxies(trusted);
        const Http::Request r = requestFrom("198.51.100.9", {{"x-forwarded-for", "10.0.0.5"},
                                                             {"x-forwarded-for", "203.0.113.1"},
                                                             {"forwarded", "for=10.0.0.5;proto=https"},
                                                             {"x-real-ip", "10.0.0.5"},
                                                             {"true-client-ip", "10.0.0.5"},
                                                             {"cf-connecting-ip", "10.0.0.5"}});
        const Http::Headers up = upstreamHeaders(r, nullptr, false, "http", &t);
        QCOMPARE(sent(up, "x-forwarded-for"), QList<QByteArray>{"198.51.100.9"});
        QCOMPARE(sent(up, "forwarded"), QList<QByteArray>{"for=198.51.100.9"});
        QVERIFY(sent(up, "x-real-ip").isEmpty());
        QVERIFY(sent(up, "true-client-ip").isEmpty());
        QVERIFY(sent(up, "cf-connecting-ip").isEmpty());
        QCOMPARE(ProxyHeaders::clientAddress(r, &t), QByteArray("198.51.100.9"));
        QCOMPARE(ProxyHeaders::consumerOf(LimitBy::Ip, nullptr, ProxyHeaders::clientAddress(r, &t)),
                 QByteArray("ip:198.51.100.9"));
    }

    // Headers a Connection field names are the hop's own, in every Connection field of the
    // message, both ways; "keep-alive" alone names none to keep.
    void headersNamedByAnyConnectionFieldStayOnTheirHop()
    {
        const Http::Request r = requestFrom("198.51.100.9", {{"connection", "x-one"},
                                                             {"connection", "keep-alive"},
                                                             {"connection", "X-Two, close"},
                                                             {"x-one", "1"},
                                                             {"x-two", "2"},
                                                             {"x-three", "3"},
                                                             {"keep-alive", "timeout=5"}});
        const Http::Headers up = upstreamHeaders(r, nullptr, false, "http", nullptr);
        QVERIFY(sent(up, "x-one").isEmpty());
        QVERIFY(sent(up, "x-two").isEmpty());
        QVERIFY(sent(up, "connection").isEmpty());
        QVERIFY(sent(up, "keep-alive").isEmpty());
        QCOMPARE(sent(up, "x-three"), QList<QByteArray>{"3"});

        const Http::Headers fromUpstream{{"connection", "x-one"}, {"connection", "keep-alive"},
                                         {"x-one", "1"},          {"x-three", "3"},
                                         {"keep-alive", "max=5"}, {"server", "up"}};
        RouteSpec spec;
        Http::Response out;
        ProxyHeaders::copyResponseHeaders(fromUpstream, spec, &out);
        QCOMPARE(out.headers, (Http::Headers{{"x-three", "3"}, {"server", "up"}}));
    }

    // What the client gets of the upstream's headers: not the hop's, not those the engine writes,
    // and not the CORS or rate-limit fields the route sets itself.
    void theResponseHeadersTheClientGets()
    {
        const Http::Headers fromUpstream{{"server", "up"},
                                         {"date", "Tue, 01 Dec 2026 10:00:00 GMT"},
                                         {"content-type", "text/plain"},
                                         {"content-length", "5"},
                                         {"transfer-encoding", "chunked"},
                                         {"te", "trailers"},
                                         {"trailer", "x-sum"},
                                         {"upgrade", "h2c"},
                                         {"proxy-connection", "keep-alive"},
                                         {"proxy-authenticate", "Basic"},
                                         {"proxy-authorization", "Basic eA=="},
                                         {"keep-alive", "timeout=5"},
                                         {"x-request-id", "upstream-chosen"},
                                         {"connection", "x-hop"},
                                         {"x-hop", "1"},
                                         {"access-control-allow-origin", "*"},
                                         {"ratelimit", "limit=5, remaining=4, reset=1"},
                                         {"ratelimit-policy", "5;w=1"},
                                         {"set-cookie", "a=1"},
                                         {"set-cookie", "b=2"}};
        RouteSpec plain; // the default rate limit, no CORS
        Http::Response out;
        // A header the gateway set before stays, though the upstream's Connection names it.
        out.headers.append(std::pair<QByteArray, QByteArray>("x-hop", "the gateway's own"));
        ProxyHeaders::copyResponseHeaders(fromUpstream, plain, &out);
        QCOMPARE(out.contentType, QByteArray("text/plain"));
        QCOMPARE(out.headers, (Http::Headers{{"x-hop", "the gateway's own"},
                                             {"server", "up"},
                                             {"access-control-allow-origin", "*"},
                                             {"set-cookie", "a=1"},
                                             {"set-cookie", "b=2"}}));
        RouteSpec corsNoLimit;
        corsNoLimit.rateLimit.reset();
        corsNoLimit.cors = CorsPolicy{};
        Http::Response other;
        ProxyHeaders::copyResponseHeaders(fromUpstream, corsNoLimit, &other);
        QCOMPARE(other.headers, (Http::Headers{{"server", "up"},
                                               {"ratelimit", "limit=5, remaining=4, reset=1"},
                                               {"ratelimit-policy", "5;w=1"},
                                               {"set-cookie", "a=1"},
                                               {"set-cookie", "b=2"}}));
    }

    // A header a Connection field names is as if not sent, the ones the gateway reads too: no
    // propagated traceparent or tracestate, no Forwarded, a trusted proxy's X-Forwarded-For not kept.
    void headersTheGatewayReadsAreTheHopsWhenConnectionNamesThem()
    {
        const TrustedProxies t = proxies(QStringLiteral("10.0.0.0/8"));
        const QByteArray trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const Http::Request r =
            requestFrom("10.0.0.2", {{"connection", "traceparent, tracestate, forwarded, x-forwarded-for"},
                                     {"traceparent", trace},
                                     {"tracestate", "k=v"},
                                     {"forwarded", "for=192.0.2.66"},
                                     {"x-forwarded-for", "192.0.2.66"}});
        const Http::Headers up = upstreamHeaders(r, nullptr, false, "http", &t);
        QCOMPARE(sent(up, "x-forwarded-for"), QList<QByteArray>{"10.0.0.2"});
        QVERIFY(sent(up, "forwarded").isEmpty());
        QVERIFY(sent(up, "tracestate").isEmpty());
        QCOMPARE(sent(up, "traceparent").size(), 1);
        QVERIFY(sent(up, "traceparent").first() != trace);
        // Not named, the same headers are kept and appended to.
        Http::Request kept = r;
        kept.headers.removeFirst();
        const Http::Headers up2 = upstreamHeaders(kept, nullptr, false, "http", &t);
        QCOMPARE(sent(up2, "x-forwarded-for"), QList<QByteArray>{"192.0.2.66, 10.0.0.2"});
        QCOMPARE(sent(up2, "forwarded"), QList<QByteArray>{"for=192.0.2.66, for=10.0.0.2"});
        QCOMPARE(sent(up2, "traceparent"), QList<QByteArray>{trace});
        QCOMPARE(sent(up2, "tracestate"), QList<QByteArray>{"k=v"});
    }

    void anIpv6ClientIsQuotedInForwarded()
    {
        const Http::Request r = requestFrom("2001:db8::7", {{"forwarded", "for=unknown"}});
        const Http::Headers up = upstreamHeaders(r, nullptr, false, "http", nullptr);
        QCOMPARE(sent(up, "forwarded"), QList<QByteArray>{"for=\"[2001:db8::7]\""});
        QCOMPARE(sent(up, "x-forwarded-for"), QList<QByteArray>{"2001:db8::7"});
    }

    void withoutAForwardedHeaderNoneIsAdded()
    {
        const Http::Request r = requestFrom("198.51.100.9", {});
        const Http::Headers up = upstreamHeaders(r, nullptr, false, "http", nullptr);
        QVERIFY(sent(up, "forwarded").isEmpty());
        QCOMPARE(sent(up, "x-forwarded-for"), QList<QByteArray>{"198.51.100.9"});
    }

    // A trusted proxy's headers are kept and appended to; the client is the first address from the
    // right that is not a trusted proxy (what a client wrote further left may be a lie).
    void aTrustedProxysHeadersAreKeptAndTheClientReadFromThem()
    {
        const TrustedProxies t = proxies(QStringLiteral("10.0.0.0/8"));
        const Http::Request r = requestFrom("10.0.0.2", {{"x-forwarded-for", "192.0.2.66, 198.51.100.9"},
                                                         {"x-forwarded-for", "10.0.0.3"},
                                                         {"forwarded", "for=192.0.2.66, for=198.51.100.9"}});
        const Http::Headers up = upstreamHeaders(r, nullptr, false, "http", &t);
        QCOMPARE(sent(up, "x-forwarded-for"),
                 QList<QByteArray>{"192.0.2.66, 198.51.100.9, 10.0.0.3, 10.0.0.2"});
        QCOMPARE(sent(up, "forwarded"), QList<QByteArray>{"for=192.0.2.66, for=198.51.100.9, for=10.0.0.2"});
        QCOMPARE(ProxyHeaders::clientAddress(r, &t), QByteArray("198.51.100.9"));
        QCOMPARE(ProxyHeaders::consumerOf(LimitBy::Ip, nullptr, ProxyHeaders::clientAddress(r, &t)),
                 QByteArray("ip:198.51.100.9"));
    }

    void theClientAddressBehindTrustedProxies_data()
    {
        QTest::addColumn<QByteArray>("peer");
        QTest::addColumn<QByteArray>("forwardedFor"); // empty: no header
        QTest::addColumn<QByteArray>("client");
        QTest::newRow("untrusted peer says it is a proxy")
            << QByteArray("198.51.100.9") << QByteArray("10.0.0.1") << QByteArray("198.51.100.9");
        QTest::newRow("trusted peer, no header")
            << QByteArray("10.0.0.2") << QByteArray() << QByteArray("10.0.0.2");
        QTest::newRow("trusted peer, one client")
            << QByteArray("10.0.0.2") << QByteArray("203.0.113.5") << QByteArray("203.0.113.5");
        QTest::newRow("only trusted hops: the leftmost")
            << QByteArray("10.0.0.2") << QByteArray("10.9.9.9, 10.0.0.3") << QByteArray("10.9.9.9");
        QTest::newRow("a spoofed left part is skipped")
            << QByteArray("10.0.0.2") << QByteArray("1.1.1.1, 203.0.113.5, 10.0.0.3")
            << QByteArray("203.0.113.5");
        QTest::newRow("empty entries")
            << QByteArray("10.0.0.2") << QByteArray(" , ") << QByteArray("10.0.0.2");
        QTest::newRow("mapped trusted peer")
            << QByteArray("::ffff:10.0.0.2") << QByteArray("203.0.113.5") << QByteArray("203.0.113.5");
        // A hop written with its port is still the address: one bucket per client, not per
        // connection, and a trusted proxy with a port is still trusted.
        QTest::newRow("a client with its port")
            << QByteArray("10.0.0.2") << QByteArray("203.0.113.5:51234") << QByteArray("203.0.113.5");
        QTest::newRow("a trusted hop with its port")
            << QByteArray("10.0.0.2") << QByteArray("203.0.113.5, 10.0.0.3:8080")
            << QByteArray("203.0.113.5");
        QTest::newRow("a bracketed IPv6 client with its port")
            << QByteArray("10.0.0.2") << QByteArray("[2001:db8::1]:443") << QByteArray("2001:db8::1");
        QTest::newRow("a quoted bare IPv6 client")
            << QByteArray("10.0.0.2") << QByteArray("\"2001:db8::2\"") << QByteArray("2001:db8::2");
    }
    void theClientAddressBehindTrustedProxies()
    {
        QFETCH(QByteArray, peer);
        QFETCH(QByteArray, forwardedFor);
        QFETCH(QByteArray, client);
        const TrustedProxies t = proxies(QStringLiteral("10.0.0.0/8"));
        Http::Headers headers;
        if (!forwardedFor.isEmpty())
            headers.append(std::pair<QByteArray, QByteArray>("x-forwarded-for", forwardedFor));
        QCOMPARE(ProxyHeaders::clientAddress(requestFrom(peer, headers), &t), client);
    }
};

QTEST_GUILESS_MAIN(TestForwardedHeaders)
#include "tst_forwardedheaders.moc"
