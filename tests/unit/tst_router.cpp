#include "http/dispatcher.h"
#include "http/router.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Meshdeck::Http;

namespace {
Response named(const char *name)
{
    return Response::text(200, name);
}

// "good" is the admin; "support" a support user; anything else is refused.
class AcceptToken : public Meshdeck::Authenticator
{
public:
    Meshdeck::Authentication authenticate(const QByteArray &credential, const QByteArray &) const override
    {
        if (credential == "good")
            return {std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken()), {}, {}};
        if (credential == "support") {
            Meshdeck::Principal p;
            p.kind = Meshdeck::Principal::Kind::User;
            p.userId = QStringLiteral("u1");
            p.name = QStringLiteral("support@example.test");
            p.role = Meshdeck::Role::Support;
            return {std::make_shared<const Meshdeck::Principal>(p), {}, {}};
        }
        return Meshdeck::Authentication::refused(
            QStringLiteral("That token is not one of this test's tokens."), "invalid-token");
    }
};

RouteOptions needs(QByteArray permission)
{
    RouteOptions o;
    o.permission = std::move(permission);
    return o;
}

Request request(QByteArray method, QByteArray path)
{
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    return r;
}
} // namespace

class TestRouter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesLiteralAndParameterRoutes()
    {
        Router router;
        router.add("GET", "/v1/things", SyncHandler([](const Request &) { return named("list"); }));
        router.add("GET", "/v1/things/{id}", SyncHandler([](const Request &) { return named("one"); }));
        router.add("DELETE", "/v1/things/{id}", SyncHandler([](const Request &) { return named("delete"); }));
        router.add("GET", "/v1/things/{id}/parts/{part}",
                   SyncHandler([](const Request &) { return named("part"); }));

        auto m = router.match("GET", "/v1/things");
        QVERIFY(m.route);
        QCOMPARE(m.route->pattern, QByteArray("/v1/things"));

        m = router.match("GET", "/v1/things/");
        QVERIFY2(m.route, "a trailing slash names the same resource");

        m = router.match("GET", "/v1/things/42");
        QCOMPARE(m.route->pattern, QByteArray("/v1/things/{id}"));
        QCOMPARE(m.params.value(QStringLiteral("id")), QStringLiteral("42"));

        m = router.match("GET", "/v1/things/a/parts/b");
        QCOMPARE(m.params.value(QStringLiteral("id")), QStringLiteral("a"));
        QCOMPARE(m.params.value(QStringLiteral("part")), QStringLiteral("b"));

        m = router.match("HEAD", "/v1/things/42");
        QVERIFY2(m.route && m.route->method == "GET", "HEAD is served by GET");

        m = router.match("GET", "/v1/nothing");
        QVERIFY(!m.route);
        QVERIFY(m.allow.isEmpty());
    }

    void routesOnEncodedSegmentsAndDecodesEachValue()
    {
        Router router;
        router.add("GET", "/v1/system/info", SyncHandler([](const Request &) { return named("info"); }));
        router.add("GET", "/v1/topics/{topic}", SyncHandler([](const Request &) { return named("topic"); }));
        router.add("GET", "/v1/topics/{topic}/events",
                   SyncHandler([](const Request &) { return named("events"); }));

        // An encoded '/' stays inside its segment: the value is "a/events", not a deeper route.
        auto m = router.match("GET", "/v1/topics/a%2Fevents");
        QVERIFY(m.route);
        QCOMPARE(m.route->pattern, QByteArray("/v1/topics/{topic}"));
        QCOMPARE(m.params.value(QStringLiteral("topic")), QStringLiteral("a/events"));
        m = router.match("GET", "/v1/topics/a%2fb");
        QCOMPARE(m.params.value(QStringLiteral("topic")), QStringLiteral("a/b"));

        // Each segment is decoded after matching, as UTF-8.
        m = router.match("GET", "/v1/topics/%C3%A9t%C3%A9%20x/events");
        QVERIFY(m.route);
        QCOMPARE(m.route->pattern, QByteArray("/v1/topics/{topic}/events"));
        QCOMPARE(m.params.value(QStringLiteral("topic")), QStringLiteral("\u00e9t\u00e9 x"));

        // An encoded ordinary character names the same resource; an encoded separator does not.
        m = router.match("GET", "/v1/system/%69nfo");
        QVERIFY2(m.route && m.route->pattern == "/v1/system/info", "%69 is 'i'");
        m = router.match("GET", "/v1/system%2Finfo");
        QVERIFY2(!m.route, "/v1/system%2Finfo is one segment, not /v1/system/info");
        QVERIFY(m.allow.isEmpty());
    }

    void reportsAllowedMethods()
    {
        Router router;
        router.add("GET", "/v1/things/{id}", SyncHandler([](const Request &) { return named("one"); }));
        router.add("DELETE", "/v1/things/{id}", SyncHandler([](const Request &) { return named("delete"); }));
        const auto m = router.match("POST", "/v1/things/7");
        QVERIFY(!m.route);
        QCOMPARE(m.allow, QByteArray("GET, HEAD, DELETE"));
    }

    void dispatcherAnswers404_405_401AsProblems_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("allow");
        QTest::newRow("unknown path") << QByteArray("GET") << QByteArray("/v1/none")
                                      << QByteArray("Bearer good") << 404 << QByteArray();
        QTest::newRow("wrong method") << QByteArray("PUT") << QByteArray("/v1/secret")
                                      << QByteArray("Bearer good") << 405 << QByteArray("GET, HEAD, POST");
        QTest::newRow("no token") << QByteArray("GET") << QByteArray("/v1/secret") << QByteArray() << 401
                                  << QByteArray();
        QTest::newRow("wrong token") << QByteArray("GET") << QByteArray("/v1/secret")
                                     << QByteArray("Bearer bad") << 401 << QByteArray();
        QTest::newRow("right token") << QByteArray("GET") << QByteArray("/v1/secret")
                                     << QByteArray("Bearer good") << 200 << QByteArray();
        QTest::newRow("public route")
            << QByteArray("GET") << QByteArray("/open") << QByteArray() << 200 << QByteArray();
        QTest::newRow("handler throws") << QByteArray("GET") << QByteArray("/v1/throws")
                                        << QByteArray("Bearer good") << 500 << QByteArray();
        QTest::newRow("other scheme") << QByteArray("GET") << QByteArray("/v1/secret")
                                      << QByteArray("Basic good") << 401 << QByteArray();
        QTest::newRow("role lacks the permission") << QByteArray("POST") << QByteArray("/v1/secret")
                                                   << QByteArray("Bearer support") << 403 << QByteArray();
        QTest::newRow("role holds the permission") << QByteArray("GET") << QByteArray("/v1/secret")
                                                   << QByteArray("Bearer support") << 200 << QByteArray();
        QTest::newRow("route declares no permission") << QByteArray("GET") << QByteArray("/v1/undeclared")
                                                      << QByteArray("Bearer good") << 403 << QByteArray();
    }

    void dispatcherAnswers404_405_401AsProblems()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);
        QFETCH(QByteArray, allow);

        HttpMetrics metrics;
        Router router(&metrics);
        router.add("GET", "/v1/secret", SyncHandler([](const Request &) { return named("secret"); }),
                   needs("registry.read"));
        router.add("POST", "/v1/secret", SyncHandler([](const Request &) { return named("changed"); }),
                   needs("registry.write"));
        router.add("GET", "/v1/undeclared", SyncHandler([](const Request &) { return named("undeclared"); }));
        router.add("GET", "/v1/throws",
                   SyncHandler([](const Request &) -> Response { throw std::runtime_error("boom"); }),
                   needs("system.read"));
        router.add("GET", "/open", SyncHandler([](const Request &) { return named("open"); }),
                   RouteOptions{Access::Public, -1, {}, {}});
        AcceptToken auth;
        Dispatcher dispatcher(router, &auth, &metrics);

        Request r = request(method, path);
        r.requestId = "req-1";
        if (!authorization.isEmpty())
            r.headers.emplace_back("authorization", authorization);
        auto outcome = dispatcher.dispatch(r);
        QVERIFY(outcome.response.has_value());
        QCOMPARE(outcome.response->status, status);
        if (status >= 400) {
            QCOMPARE(outcome.response->contentType, QByteArray("application/problem+json"));
            const QJsonObject problem = QJsonDocument::fromJson(outcome.response->body).object();
            QCOMPARE(problem.value(QStringLiteral("status")).toInt(), status);
            QVERIFY(problem.value(QStringLiteral("type"))
                        .toString()
                        .startsWith(QStringLiteral("urn:meshdeck:problem:")));
            QVERIFY2(problem.value(QStringLiteral("detail")).toString().size() > 20,
                     "a reason a person can act on");
            QCOMPARE(problem.value(QStringLiteral("instance")).toString(), QString::fromUtf8(path));
            QCOMPARE(problem.value(QStringLiteral("requestId")).toString(), QStringLiteral("req-1"));
        }
        QCOMPARE(outcome.response->headers.isEmpty() ? QByteArray() : [&] {
            for (const auto &[n, v] : outcome.response->headers)
                if (n == "allow")
                    return v;
            return QByteArray();
        }(), allow);
        if (status == 401) {
            bool challenged = false;
            for (const auto &[n, v] : outcome.response->headers)
                challenged |= n == "www-authenticate" && v.startsWith("Bearer");
            QVERIFY2(challenged, "401 carries a Bearer challenge");
        }
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
