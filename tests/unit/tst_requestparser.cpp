#include "http/requestparser.h"

#include <QTest>

using namespace Meshdeck::Http;

namespace {
struct Outcome {
    int status = 0; // 0: complete request
    Request request;
    qsizetype consumed = 0;
    bool incomplete = false;
};

Outcome parseWhole(const QByteArray &bytes, Limits limits = {})
{
    RequestParser parser(limits);
    Outcome o;
    o.consumed = parser.feed(bytes);
    if (parser.hasError())
        o.status = parser.errorStatus();
    else if (parser.isComplete())
        o.request = parser.takeRequest();
    else
        o.incomplete = true;
    return o;
}

Outcome parseByteByByte(const QByteArray &bytes, Limits limits = {})
{
    RequestParser parser(limits);
    Outcome o;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        o.consumed += parser.feed(QByteArrayView(bytes).sliced(i, 1));
        if (parser.hasError()) {
            o.status = parser.errorStatus();
            return o;
        }
        if (parser.isComplete()) {
            o.request = parser.takeRequest();
            return o;
        }
    }
    o.incomplete = true;
    return o;
}

QByteArray requestLineOfLength(int length)
{
    // "GET /aaa HTTP/1.1" is 13 bytes plus the path.
    return "GET /" + QByteArray(length - 14, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

QByteArray headersOfTotalBytes(int total)
{
    // "Host: x\r\n" is 9 bytes; "X: <k bytes>\r\n" is k + 5.
    return "GET / HTTP/1.1\r\nHost: x\r\nX: " + QByteArray(total - 9 - 5, 'a') + "\r\n\r\n";
}

QByteArray headersOfCount(int count)
{
    QByteArray r = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 1; i < count; ++i)
        r += "X-" + QByteArray::number(i) + ": v\r\n";
    return r + "\r\n";
}

QByteArray bodyOfLength(qint64 length, bool sendBody)
{
    QByteArray r =
        "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(length) + "\r\n\r\n";
    if (sendBody)
        r += QByteArray(qsizetype(length), 'b');
    return r;
}

QByteArray chunkedOfLength(qint64 length)
{
    QByteArray r = "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    qint64 left = length;
    while (left > 0) {
        const qint64 n = qMin<qint64>(left, 100'000);
        r += QByteArray::number(n, 16) + "\r\n" + QByteArray(qsizetype(n), 'c') + "\r\n";
        left -= n;
    }
    return r + "0\r\n\r\n";
}
} // namespace

class TestRequestParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void limitsAndMalformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");

        QTest::newRow("request line 8191") << requestLineOfLength(8191) << 0;
        QTest::newRow("request line 8192") << requestLineOfLength(8192) << 0;
        QTest::newRow("request line 8193") << requestLineOfLength(8193) << 414;
        QTest::newRow("header bytes 32767") << headersOfTotalBytes(32767) << 0;
        QTest::newRow("header bytes 32768") << headersOfTotalBytes(32768) << 0;
        QTest::newRow("header bytes 32769") << headersOfTotalBytes(32769) << 431;
        QTest::newRow("header count 99") << headersOfCount(99) << 0;
        QTest::newRow("header count 100") << headersOfCount(100) << 0;
        QTest::newRow("header count 101") << headersOfCount(101) << 431;
        QTest::newRow("body 1MiB-1") << bodyOfLength(1024 * 1024 - 1, true) << 0;
        QTest::newRow("body 1MiB") << bodyOfLength(1024 * 1024, true) << 0;
        QTest::newRow("body 1MiB+1 refused before the body") << bodyOfLength(1024 * 1024 + 1, false) << 413;
        QTest::newRow("chunked 1MiB") << chunkedOfLength(1024 * 1024) << 0;
        QTest::newRow("chunked 1MiB+1") << chunkedOfLength(1024 * 1024 + 1) << 413;

        // Request smuggling and framing ambiguities: refuse, never guess.
        QTest::newRow("CL and TE") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                                 "4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                   << 400;
        QTest::newRow("TE and CL") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                                 "chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n")
                                   << 400;
        QTest::newRow("two CL, equal")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na")
            << 400;
        QTest::newRow("two CL, different")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
            << 400;
        QTest::newRow("CL list") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\na")
                                 << 400;
        QTest::newRow("CL signed") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na")
                                   << 400;
        QTest::newRow("CL huge")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n")
            << 400;
        QTest::newRow("TE chunked twice")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n")
            << 400;
        QTest::newRow("TE chunked not last")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") << 400;
        QTest::newRow("TE unknown coding")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << 501;
        QTest::newRow("TE in HTTP/1.0")
            << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 400;
        QTest::newRow("space before colon")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 1\r\n\r\na") << 400;
        QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << 400;
        QTest::newRow("stray CR") << QByteArray("GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n") << 400;
        // A CR or NUL anywhere in the request line or a header name (their own checks refuse it).
        QTest::newRow("CR in method") << QByteArray("G\rT / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("NUL in target")
            << (QByteArray("GET /a") + '\0' + "b HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("CR in version") << QByteArray("GET / HTTP/1.\r\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("NUL in version")
            << (QByteArray("GET / HTTP/") + '\0' + ".1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("CR in a name") << QByteArray("GET / HTTP/1.1\r\nHo\rst: x\r\n\r\n") << 400;
        QTest::newRow("NUL in a name")
            << (QByteArray("GET / HTTP/1.1\r\nHo") + '\0' + "st: x\r\n\r\n") << 400;
        QTest::newRow("letters for digits") << QByteArray("GET / HTTP/a.b\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("NUL in value")
            << (QByteArray("GET / HTTP/1.1\r\nHost: x\r\nX: a") + '\0' + "b\r\n\r\n") << 400;
        QTest::newRow("no Host in 1.1") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two Hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
        QTest::newRow("bad version") << QByteArray("GET / HTTX/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("double space") << QByteArray("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("relative target") << QByteArray("GET foo HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("encoded NUL in path") << QByteArray("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("bad chunk size")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400;
        QTest::newRow("chunk longer than declared")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n")
            << 400;
        QTest::newRow("unsupported Expect")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 0\r\n\r\n") << 417;
    }

    void limitsAndMalformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        const Outcome whole = parseWhole(bytes);
        QVERIFY2(!whole.incomplete, "the parser must decide on a whole message");
        QCOMPARE(whole.status, status);
        // Delivered a byte at a time (as a slow client does) the verdict is the same.
        const Outcome slow = parseByteByByte(bytes);
        QCOMPARE(slow.status, status);
    }

    void parsesAFullRequest()
    {
        const Outcome o = parseWhole("POST /v1/x%20y?a=1&b=two HTTP/1.1\r\nHost: h\r\nX-Thing:  padded \t\r\n"
                                     "Content-Length: 5\r\n\r\nhello");
        QCOMPARE(o.status, 0);
        QCOMPARE(o.request.method, QByteArray("POST"));
        QCOMPARE(o.request.path, QByteArray("/v1/x%20y")); // as sent: the router decodes per segment
        QCOMPARE(o.request.query, QByteArray("a=1&b=two"));
        QCOMPARE(o.request.queryItem(QStringLiteral("b")), QStringLiteral("two"));
        QCOMPARE(o.request.header("x-thing"), QByteArray("padded"));
        QCOMPARE(o.request.body, QByteArray("hello"));
        QVERIFY(o.request.keepAlive);
    }

    void lowerCasesEveryHeaderName()
    {
        // Common names come back as shared literals, others as copies: both in lower case, the
        // values as sent.
        const Outcome o = parseWhole("GET / HTTP/1.1\r\nHoSt: h\r\nCONTENT-length: 0\r\nX-Custom-THING: V\r\n"
                                     "Accept-Encodinx: almost\r\nTraceParent: t\r\n\r\n");
        QCOMPARE(o.status, 0);
        QList<QByteArray> names;
        for (const auto &[name, value] : o.request.headers)
            names.append(name);
        QCOMPARE(names, (QList<QByteArray>{"host", "content-length", "x-custom-thing", "accept-encodinx",
                                           "traceparent"}));
        QCOMPARE(o.request.header("x-custom-thing"), QByteArray("V"));
        QCOMPARE(o.request.header("accept-encodinx"), QByteArray("almost"));
    }

    void decodesChunkedBodiesWithExtensionsAndTrailers()
    {
        const Outcome o = parseWhole("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
                                     "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        QCOMPARE(o.status, 0);
        QCOMPARE(o.request.body, QByteArray("hello world"));
    }

    void connectionSemantics_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("keepAlive");
        QTest::newRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << true;
        QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                   << false;
        QTest::newRow("1.1 Close, mixed case and list")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, Close\r\n\r\n") << false;
        QTest::newRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
        QTest::newRow("1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << true;
    }

    void connectionSemantics()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, keepAlive);
        const Outcome o = parseWhole(bytes);
        QCOMPARE(o.status, 0);
        QCOMPARE(o.request.keepAlive, keepAlive);
    }

    void stopsAtTheEndOfEachPipelinedRequest()
    {
        const QByteArray first = "GET /one HTTP/1.1\r\nHost: x\r\n\r\n";
        const QByteArray second = "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
        const QByteArray third = "GET /three HTTP/1.1\r\nHost: x\r\n\r\n";
        const QByteArray all = first + second + third;
        RequestParser parser{Limits{}};
        qsizetype pos = 0;
        QList<QByteArray> paths;
        while (pos < all.size()) {
            pos += parser.feed(QByteArrayView(all).sliced(pos));
            QVERIFY(parser.isComplete());
            paths << parser.takeRequest().path;
        }
        QCOMPARE(paths, (QList<QByteArray>{"/one", "/two", "/three"}));
    }

    // Keep-alive requests that repeat a header share its bytes with the one before; what differs,
    // and every request still held by whoever took it, is as it was sent.
    void repeatedHeadersAreSharedAndNothingHeldChanges()
    {
        RequestParser parser{Limits{}};
        const auto parse = [&parser](const QByteArray &bytes) {
            parser.feed(bytes);
            return parser.isComplete() ? parser.takeRequest() : Request{};
        };
        const Request first = parse("GET /a?x=1 HTTP/1.1\r\nHost: api.test\r\nUser-Agent: ua/1\r\n"
                                    "Accept: */*\r\n\r\n");
        // `first` is still held: the next request must not reuse (and clear) its header list.
        const Request second = parse("GET /a?x=1 HTTP/1.1\r\nHost: api.test\r\nUser-Agent: ua/2\r\n"
                                     "Accept: */*\r\nX-Extra: 1\r\n\r\n");
        QCOMPARE(first.headers, (Headers{{"host", "api.test"}, {"user-agent", "ua/1"}, {"accept", "*/*"}}));
        QCOMPARE(
            second.headers,
            (Headers{{"host", "api.test"}, {"user-agent", "ua/2"}, {"accept", "*/*"}, {"x-extra", "1"}}));
        QCOMPARE(first.target, "/a?x=1");
        QCOMPARE(first.path, "/a");
        QCOMPARE(first.query, "x=1");
        // The same bytes at the same place: one copy.
        QCOMPARE(second.headers[0].second.constData(), first.headers[0].second.constData());
        QCOMPARE(second.headers[2].second.constData(), first.headers[2].second.constData());
        QVERIFY(second.headers[1].second.constData() != first.headers[1].second.constData());
        QCOMPARE(second.target.constData(), first.target.constData());
        QCOMPARE(second.query.constData(), first.query.constData());
        // A header at another position, or another target, is its own copy with its own bytes.
        const Request third = parse("GET /b HTTP/1.1\r\nAccept: */*\r\nHost: api.test\r\n\r\n");
        QCOMPARE(third.headers, (Headers{{"accept", "*/*"}, {"host", "api.test"}}));
        QCOMPARE(third.target, "/b");
        QCOMPARE(third.path, "/b");
        QVERIFY(third.query.isEmpty());
        // The same name spelled otherwise is lower-cased again.
        const Request fourth = parse("GET /b HTTP/1.1\r\nACCEPT: */*\r\nhost: api.test\r\n\r\n");
        QCOMPARE(fourth.headers, (Headers{{"accept", "*/*"}, {"host", "api.test"}}));
        QCOMPARE(first.headers.size(), 3);
        QCOMPARE(second.headers.size(), 4);
        // Only what repeats byte for byte skips the checks: a control character or a name that is
        // no token, of the same length as the good one before it at its place, is still refused.
        RequestParser strict{Limits{}};
        strict.feed("GET / HTTP/1.1\r\nHost: a\r\nX-A: ok\r\n\r\n");
        QVERIFY(strict.isComplete());
        strict.takeRequest();
        strict.feed(QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX-A: o\x01\r\n\r\n"));
        QCOMPARE(strict.errorStatus(), 400);
        RequestParser names{Limits{}};
        names.feed("GET / HTTP/1.1\r\nHost: a\r\nX-A: ok\r\n\r\n");
        names.takeRequest();
        names.feed("GET / HTTP/1.1\r\nHost: a\r\nX A: ok\r\n\r\n");
        QCOMPARE(names.errorStatus(), 400);

        // Once the last request is let go, the next one's header list is filled in its storage.
        RequestParser reuse{Limits{}};
        reuse.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        const void *storage = nullptr;
        {
            const Request gone = reuse.takeRequest();
            storage = gone.headers.constData();
        }
        reuse.feed("GET / HTTP/1.1\r\nHost: b\r\n\r\n");
        const Request next = reuse.takeRequest();
        QCOMPARE(static_cast<const void *>(next.headers.constData()), storage);
        QCOMPARE(next.headers, (Headers{{"host", "b"}}));

        // A value longer than what is kept is its own copy each time, and read right.
        const QByteArray longValue(RepeatedHeads::MaxKept + 1, 'v');
        RequestParser longOnes{Limits{}};
        longOnes.feed("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + longValue + "\r\n\r\n");
        const Request longFirst = longOnes.takeRequest();
        longOnes.feed("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + longValue + "\r\n\r\n");
        const Request longSecond = longOnes.takeRequest();
        QCOMPARE(longSecond.headers.at(1).second, longValue);
        QVERIFY(longSecond.headers.at(1).second.constData() != longFirst.headers.at(1).second.constData());
    }

    void ignoresBlankLinesBeforeARequest()
    {
        const Outcome o = parseWhole("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(o.status, 0);
        QCOMPARE(o.request.path, QByteArray("/"));
    }

    void usesTheRouteBodyLimit()
    {
        RequestParser parser{Limits{}};
        parser.setBodyLimitResolver([](const Request &r) { return r.path == "/small" ? 4 : 100; });
        parser.feed("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");
        QCOMPARE(parser.errorStatus(), 413);
        parser.reset();
        parser.feed("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde");
        QVERIFY(parser.isComplete());
    }

    void reportsProgressForTimeouts()
    {
        RequestParser parser{Limits{}};
        QVERIFY(!parser.inProgress());
        parser.feed("\r\n");
        QVERIFY2(!parser.inProgress(), "blank lines before a request are not a request");
        parser.feed("GE");
        QVERIFY(parser.inProgress());
    }

    void asksForContinueOnlyWhenABodyFollows()
    {
        RequestParser parser{Limits{}};
        parser.feed("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        QVERIFY(parser.wantsContinue());
        parser.continueSent();
        parser.feed("abc");
        QVERIFY(parser.isComplete());
    }
};

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
