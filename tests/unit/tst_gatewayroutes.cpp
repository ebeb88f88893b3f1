// GCC 12 at -O2 reports a false maybe-uninitialized inside std::variant's move assignment when it
// inlines testing.h's waitForTask<Result<…>> into this (large) file; the path it flags never runs.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "postgresserver.h"
#include "testing.h"

#include "services/gateway/accesslog.h"
#include "services/gateway/gatewayroute.h"
#include "services/gateway/gatewayroutesapi.h"
#include "services/gateway/routescatalog.h"
#include "services/gateway/routesstore.h"
#include "services/gateway/routetable.h"
#include "storage/database.h"

#include "http/dispatcher.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/router.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlQuery>

#include <cstdlib>

// Counts this thread's heap allocations (malloc underlies operator new and Qt's containers alike),
// so a test can show that matching a request allocates nothing: the data plane matches every
// request. glibc lets a program replace malloc and friends this way.
namespace {
thread_local qint64 t_allocations = 0;
}

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);

void *malloc(size_t size)
{
    ++t_allocations;
    return __libc_malloc(size);
}
void *calloc(size_t count, size_t size)
{
    ++t_allocations;
    return __libc_calloc(count, size);
}
void *realloc(void *p, size_t size)
{
    ++t_allocations;
    return __libc_realloc(p, size);
}
void free(void *p)
{
    __libc_free(p);
}
}

using namespace Meshdeck;
using namespace Meshdeck::Gateway;
using namespace Meshdeck::Testing;

namespace {

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (!doc.isObject())
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

// The route of the gateway contract, every field given.
const char *FullRoute = R"({"name":"billing","match":{"pathPrefix":"/billing","host":"api.example.test",
    "methods":["GET","POST"]},"service":"billing","stripPrefix":true,"timeoutMs":5000,"retries":2,
    "auth":"required","rateLimit":{"requests":1000,"perSeconds":60,"by":"key"},
    "cors":{"origins":["https://app.example.test"],"methods":[],"headers":[],"exposeHeaders":[],
    "credentials":false,"maxAgeSeconds":600},"balancer":"least_outstanding","maxBodyBytes":1048576,
    "breaker":{"failures":5,"coolDownMs":30000,"halfOpenProbes":1},"accessLogSample":0.25})";

// Sets `path` ("match.pathPrefix") in `object`; an undefined value removes it.
void setPath(QJsonObject &object, QStringView path, const QJsonValue &value)
{
    const qsizetype dot = path.indexOf(u'.');
    const QString key = (dot < 0 ? path : path.first(dot)).toString();
    if (dot < 0) {
        if (value.isUndefined())
            object.remove(key);
        else
            object.insert(key, value);
        return;
    }
    QJsonObject inner = object.value(key).toObject();
    setPath(inner, path.sliced(dot + 1), value);
    object.insert(key, inner);
}

RouteSpec spec(const QString &name, const QString &prefix, const QString &host = {},
               const QStringList &methods = {})
{
    RouteSpec s;
    s.name = name;
    s.pathPrefix = prefix;
    s.host = host;
    s.methods = methods;
    s.service = QStringLiteral("svc");
    return s;
}

Route route(const RouteSpec &s)
{
    Route r;
    r.id = s.name + QStringLiteral("-id");
    r.version = 1;
    r.spec = s;
    return r;
}

template<typename T> T ok(QCoro::Task<Result<T>> task)
{
    Result<T> r = waitForTask(std::move(task));
    if (!r)
        qFatal("unexpected error: %s (%s)", qPrintable(r.error().reason), r.error().code.constData());
    return std::move(*r);
}

template<typename T> QByteArray refusal(QCoro::Task<Result<T>> task)
{
    const Result<T> r = waitForTask(std::move(task));
    return r ? QByteArrayLiteral("(accepted)") : r.error().code;
}

QString matched(const RouteTablePtr &table, QByteArrayView host, QByteArrayView method, QByteArrayView path)
{
    const Route *r = table->match(host, method, path);
    return r ? r->spec.name : QString();
}

// "developer" may change routes; "support" may only read them.
class TestTokens : public Authenticator
{
public:
    Authentication authenticate(const QByteArray &credential, const QByteArray &) const override
    {
        Principal p;
        p.kind = Principal::Kind::User;
        p.userId = QString::fromLatin1(credential);
        p.name = QString::fromLatin1(credential) + QStringLiteral("@example.test");
        if (credential == "developer")
            p.role = Role::Developer;
        else if (credential == "support")
            p.role = Role::Support;
        else
            return Authentication::refused(QStringLiteral("Not one of this test's tokens."), "invalid-token");
        return {std::make_shared<const Principal>(p), {}, {}};
    }
};

// Sends one request through the dispatcher, as the engine would.
Http::Response send(const Http::Dispatcher &dispatcher, const char *token, QByteArray method,
                    QByteArray target, const QJsonObject &body = {})
{
    Http::Request r;
    r.method = std::move(method);
    r.target = target;
    const qsizetype q = target.indexOf('?');
    r.path = q < 0 ? target : target.first(q);
    r.query = q < 0 ? QByteArray() : target.sliced(q + 1);
    r.requestId = "req-1";
    r.headers.emplace_back("authorization", QByteArray("Bearer ") + token);
    if (!body.isEmpty()) {
        r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        r.headers.emplace_back("content-type", "application/json");
    }
    Http::Dispatcher::Outcome outcome = dispatcher.dispatch(r);
    if (outcome.response)
        return std::move(*outcome.response);
    if (!outcome.task)
        qFatal("the dispatcher gave no answer for %s", r.path.constData());
    return waitForTask(std::move(*outcome.task));
}

QJsonObject bodyOf(const Http::Response &response)
{
    return QJsonDocument::fromJson(response.body).object();
}

} // namespace

// Route types, the compiled table, the store and the catalog, on the run's dialect
// (unit/gatewayroutes and unit/gatewayroutes_pg).
class TestGatewayRoutes : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QString m_location;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<RoutesCatalog> m_catalog;

    std::unique_ptr<Storage::Database> openDatabase()
    {
        auto db = std::make_unique<Storage::Database>();
        const auto opened = waitForTask(
            db->open(m_location, {{QStringLiteral("gateway_routes"), RoutesStore::migrations()}}));
        if (!opened.ok)
            qFatal("cannot open the test database: %s", qPrintable(opened.error));
        return db;
    }

private Q_SLOTS:
    void init()
    {
        m_location = m_databases.freshLocation(QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
        m_db = openDatabase();
        m_clock = std::make_unique<ManualClock>();
        m_catalog = std::make_unique<RoutesCatalog>(m_db.get(), false, 1000, m_clock.get());
        QCOMPARE(waitForTask(m_catalog->start()), QString());
    }
    void cleanup()
    {
        m_catalog.reset();
        waitForTask(m_db->close());
        m_db.reset();
    }

    // ---------------------------------------------------------------------------------------------
    // Validation and JSON.

    void refusesInvalidSpecs_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("field");
        const auto row = [](const char *tag, const char *path, const QJsonValue &value, const char *field) {
            QTest::newRow(tag) << QString::fromLatin1(path) << value << QString::fromLatin1(field);
        };
        const QJsonValue absent(QJsonValue::Undefined);
        row("name missing", "name", absent, "name");
        row("name upper case", "name", QStringLiteral("Billing"), "name");
        row("name empty", "name", QString(), "name");
        row("name a number", "name", 7, "name");
        row("unknown field", "priority", 1, "priority");
        row("match missing", "match", absent, "match");
        row("match not an object", "match", QStringLiteral("/billing"), "match");
        row("unknown match field", "match.query", QStringLiteral("a"), "match.query");
        row("prefix missing", "match.pathPrefix", absent, "match.pathPrefix");
        row("prefix relative", "match.pathPrefix", QStringLiteral("billing"), "match.pathPrefix");
        row("prefix query", "match.pathPrefix", QStringLiteral("/a?b=1"), "match.pathPrefix");
        row("prefix fragment", "match.pathPrefix", QStringLiteral("/a#b"), "match.pathPrefix");
        row("prefix dot-dot", "match.pathPrefix", QStringLiteral("/a/../b"), "match.pathPrefix");
        row("prefix empty segment", "match.pathPrefix", QStringLiteral("/a//b"), "match.pathPrefix");
        row("prefix trailing slash", "match.pathPrefix", QStringLiteral("/billing/"), "match.pathPrefix");
        row("prefix too long", "match.pathPrefix", QString(u'/' + QString(256, u'a')), "match.pathPrefix");
        row("prefix space", "match.pathPrefix", QStringLiteral("/a b"), "match.pathPrefix");
        row("prefix not ASCII", "match.pathPrefix", QStringLiteral("/caf\u00e9"), "match.pathPrefix");
        row("prefix bad percent", "match.pathPrefix", QStringLiteral("/a%2"), "match.pathPrefix");
        row("prefix of the sites", "match.pathPrefix", QStringLiteral("/sites"), "match.pathPrefix");
        row("prefix under the sites", "match.pathPrefix", QStringLiteral("/Sites/x"), "match.pathPrefix");
        row("host with port", "match.host", QStringLiteral("api.example.test:8443"), "match.host");
        row("host with scheme", "match.host", QStringLiteral("https://api.example.test"), "match.host");
        row("host underscore", "match.host", QStringLiteral("api_x.example.test"), "match.host");
        row("host label dash", "match.host", QStringLiteral("-api.example.test"), "match.host");
        row("host number", "match.host", 5, "match.host");
        row("methods not a list", "match.methods", QStringLiteral("GET"), "match.methods");
        row("method lower case", "match.methods", QJsonArray{QStringLiteral("get")}, "match.methods[0]");
        row("method unknown", "match.methods", QJsonArray{QStringLiteral("GET"), QStringLiteral("CONNECT")},
            "match.methods[1]");
        row("method twice", "match.methods", QJsonArray{QStringLiteral("GET"), QStringLiteral("GET")},
            "match.methods[1]");
        row("service missing", "service", absent, "service");
        row("service bad", "service", QStringLiteral("Billing Service"), "service");
        row("stripPrefix not bool", "stripPrefix", QStringLiteral("yes"), "stripPrefix");
        row("timeout zero", "timeoutMs", 0, "timeoutMs");
        row("timeout too long", "timeoutMs", 300'001, "timeoutMs");
        row("timeout fraction", "timeoutMs", 1.5, "timeoutMs");
        row("timeout string", "timeoutMs", QStringLiteral("5000"), "timeoutMs");
        row("retries negative", "retries", -1, "retries");
        row("retries too many", "retries", 6, "retries");
        row("auth unknown", "auth", QStringLiteral("maybe"), "auth");
        row("rate limit not an object", "rateLimit", 5, "rateLimit");
        row("rate requests zero", "rateLimit.requests", 0, "rateLimit.requests");
        row("rate requests too many", "rateLimit.requests", 1e9 + 1, "rateLimit.requests");
        row("rate per zero", "rateLimit.perSeconds", 0, "rateLimit.perSeconds");
        row("rate per over a day", "rateLimit.perSeconds", 86'401, "rateLimit.perSeconds");
        row("rate by unknown", "rateLimit.by", QStringLiteral("team"), "rateLimit.by");
        row("rate unknown field", "rateLimit.burst", 5, "rateLimit.burst");
        row("cors origin null", "cors.origins", QJsonArray{QStringLiteral("null")}, "cors.origins[0]");
        row("cors origin path", "cors.origins", QJsonArray{QStringLiteral("https://a.test/")},
            "cors.origins[0]");
        row("cors origin scheme", "cors.origins", QJsonArray{QStringLiteral("ftp://a.test")},
            "cors.origins[0]");
        row("cors origin upper", "cors.origins", QJsonArray{QStringLiteral("https://A.test")},
            "cors.origins[0]");
        row("cors origin default port", "cors.origins", QJsonArray{QStringLiteral("https://a.test:443")},
            "cors.origins[0]");
        row("cors star among others", "cors.origins",
            QJsonArray{QStringLiteral("https://a.test"), QStringLiteral("*")}, "cors.origins[1]");
        row("cors origins empty", "cors.origins", QJsonArray{}, "cors.origins");
        row("cors origin twice", "cors.origins",
            QJsonArray{QStringLiteral("https://a.test"), QStringLiteral("https://a.test")},
            "cors.origins[1]");
        row("cors method", "cors.methods", QJsonArray{QStringLiteral("FETCH")}, "cors.methods[0]");
        row("cors header", "cors.headers", QJsonArray{QStringLiteral("x bad")}, "cors.headers[0]");
        row("cors expose header", "cors.exposeHeaders", QJsonArray{QStringLiteral("a:b")},
            "cors.exposeHeaders[0]");
        row("cors credentials", "cors.credentials", 1, "cors.credentials");
        row("cors max age", "cors.maxAgeSeconds", -1, "cors.maxAgeSeconds");
        row("balancer unknown", "balancer", QStringLiteral("random"), "balancer");
        row("body negative", "maxBodyBytes", -1, "maxBodyBytes");
        row("body over 16 GiB", "maxBodyBytes", 16.0 * 1024 * 1024 * 1024 + 1, "maxBodyBytes");
        row("breaker failures zero", "breaker.failures", 0, "breaker.failures");
        row("breaker failures many", "breaker.failures", 1001, "breaker.failures");
        row("breaker cool-down short", "breaker.coolDownMs", 99, "breaker.coolDownMs");
        row("breaker cool-down long", "breaker.coolDownMs", 3'600'001, "breaker.coolDownMs");
        row("breaker probes zero", "breaker.halfOpenProbes", 0, "breaker.halfOpenProbes");
        row("breaker probes many", "breaker.halfOpenProbes", 101, "breaker.halfOpenProbes");
        row("breaker unknown field", "breaker.window", 1, "breaker.window");
        row("sample over 1", "accessLogSample", 1.5, "accessLogSample");
        row("sample negative", "accessLogSample", -0.01, "accessLogSample");
        row("sample as percent text", "accessLogSample", QStringLiteral("1%"), "accessLogSample");
    }
    void refusesInvalidSpecs()
    {
        QFETCH(QString, path);
        QFETCH(QJsonValue, value);
        QFETCH(QString, field);
        QJsonObject json = parse(FullRoute);
        QVERIFY(parseRouteSpec(json).ok()); // the refusal below is this change's alone
        setPath(json, path, value);
        const Result<RouteSpec> parsed = parseRouteSpec(json);
        QVERIFY2(!parsed.ok(), "refused");
        QCOMPARE(parsed.error().kind, ErrorKind::Invalid);
        QCOMPARE(parsed.error().field, field);
        QVERIFY2(parsed.error().reason.size() > 15, qPrintable(parsed.error().reason));
    }

    void refusesRateLimitByCallerWithoutAuth()
    {
        for (const char *by : {"key", "user"}) {
            QJsonObject json = parse(FullRoute);
            setPath(json, u"rateLimit.by", QString::fromLatin1(by));
            QVERIFY(parseRouteSpec(json).ok());
            json.insert(QStringLiteral("auth"), QStringLiteral("none"));
            const Result<RouteSpec> parsed = parseRouteSpec(json);
            QVERIFY(!parsed.ok());
            QCOMPARE(parsed.error().field, QStringLiteral("rateLimit.by"));
            QVERIFY(parsed.error().reason.contains(QStringLiteral("\"auth\"")));
        }
    }

    void refusesStarOriginWithCredentials()
    {
        QJsonObject json = parse(FullRoute);
        setPath(json, u"cors.origins", QJsonArray{QStringLiteral("*")});
        QVERIFY(parseRouteSpec(json).ok());
        setPath(json, u"cors.credentials", true);
        const Result<RouteSpec> parsed = parseRouteSpec(json);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().field, QStringLiteral("cors.origins[0]"));
    }

    void acceptsAndNormalises()
    {
        QJsonObject json = parse(FullRoute);
        setPath(json, u"match.host", QStringLiteral("API.Example.TEST"));
        QCOMPARE(parseRouteSpec(json)->host, QStringLiteral("api.example.test"));
        setPath(json, u"match.host", QStringLiteral("[::1]"));
        QCOMPARE(parseRouteSpec(json)->host, QStringLiteral("::1"));
        setPath(json, u"match.host", QStringLiteral("10.0.0.1"));
        QCOMPARE(parseRouteSpec(json)->host, QStringLiteral("10.0.0.1"));
        setPath(json, u"match.host", QJsonValue(QJsonValue::Null));
        QCOMPARE(parseRouteSpec(json)->host, QString());
        setPath(json, u"match.pathPrefix", QStringLiteral("/"));
        QVERIFY(parseRouteSpec(json).ok());
        setPath(json, u"match.pathPrefix", QStringLiteral("/a%20b/c~d"));
        QVERIFY(parseRouteSpec(json).ok());
        json.insert(QStringLiteral("rateLimit"), QJsonValue(QJsonValue::Null));
        QVERIFY(!parseRouteSpec(json)->rateLimit.has_value());
        json.insert(QStringLiteral("cors"), QJsonValue(QJsonValue::Null));
        QVERIFY(!parseRouteSpec(json)->cors.has_value());
        setPath(json, u"maxBodyBytes", 64.0 * 1024 * 1024);
        QCOMPARE(parseRouteSpec(json)->maxBodyBytes, 64LL * 1024 * 1024);
        // A route's own access-log share, the ends included; null is the server's.
        for (const double share : {0.0, 0.005, 1.0}) {
            setPath(json, u"accessLogSample", share);
            QCOMPARE(parseRouteSpec(json)->accessLogSample, std::optional<double>(share));
            QCOMPARE(toJson(*parseRouteSpec(json)).value(QStringLiteral("accessLogSample")).toDouble(-1),
                     share);
        }
        setPath(json, u"accessLogSample", QJsonValue(QJsonValue::Null));
        QVERIFY(!parseRouteSpec(json)->accessLogSample.has_value());
    }

    void roundTripsJson()
    {
        const QJsonObject full = parse(FullRoute);
        const Result<RouteSpec> parsed = parseRouteSpec(full);
        QVERIFY(parsed.ok());
        QCOMPARE(toJson(*parsed), full);
        QCOMPARE(parsed->balancer, Balancer::LeastOutstanding);
        QCOMPARE(parsed->rateLimit->by, LimitBy::Key);
        QCOMPARE(parsed->auth, EdgeAuth::Required);

        // Omitted fields take the defaults, and the defaults are written out in full.
        const Result<RouteSpec> minimal =
            parseRouteSpec(parse(R"({"name":"a","match":{"pathPrefix":"/a"},"service":"s"})"));
        QVERIFY(minimal.ok());
        const QJsonObject out = toJson(*minimal);
        QCOMPARE(out, parse(R"({"name":"a","match":{"pathPrefix":"/a","host":null,"methods":[]},"service":"s",
            "stripPrefix":false,"timeoutMs":15000,"retries":1,"auth":"none",
            "rateLimit":{"requests":1000,"perSeconds":60,"by":"ip"},"cors":null,"balancer":"round_robin",
            "maxBodyBytes":1048576,"breaker":{"failures":5,"coolDownMs":30000,"halfOpenProbes":1},
            "accessLogSample":null})"));
        QCOMPARE(toJson(*parseRouteSpec(out)), out);

        Route r;
        r.id = QStringLiteral("r1");
        r.version = 3;
        r.spec = *parsed;
        r.createdAtMs = QDateTime(QDate(2026, 11, 30), QTime(9, 0, 1, 5), Qt::UTC).toMSecsSinceEpoch();
        r.updatedAtMs = r.createdAtMs + 1000;
        r.updatedBy = QStringLiteral("ann@example.test");
        const QJsonObject routeJson = toJson(r);
        QCOMPARE(routeJson.value(QStringLiteral("createdAt")).toString(),
                 QStringLiteral("2026-11-30T09:00:01.005Z"));
        QCOMPARE(routeJson.value(QStringLiteral("updatedAt")).toString(),
                 QStringLiteral("2026-11-30T09:00:02.005Z"));
        QCOMPARE(routeJson.value(QStringLiteral("version")).toInt(), 3);
        QCOMPARE(routeJson.value(QStringLiteral("id")).toString(), QStringLiteral("r1"));
        QCOMPARE(routeJson.value(QStringLiteral("updatedBy")).toString(), r.updatedBy);
        QCOMPARE(routeJson.value(QStringLiteral("match")), full.value(QStringLiteral("match")));
    }

    void namesAndIdempotence()
    {
        QCOMPARE(balancerName(Balancer::RoundRobin), QStringLiteral("round_robin"));
        QCOMPARE(balancerName(Balancer::Weighted), QStringLiteral("weighted"));
        QCOMPARE(balancerName(Balancer::LeastOutstanding), QStringLiteral("least_outstanding"));
        QCOMPARE(limitByName(LimitBy::Key), QStringLiteral("key"));
        QCOMPARE(limitByName(LimitBy::User), QStringLiteral("user"));
        QCOMPARE(limitByName(LimitBy::Ip), QStringLiteral("ip"));
        for (const char *m : {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
            QVERIFY2(isIdempotent(m), m);
        for (const char *m : {"POST", "PATCH", "CONNECT", "get", ""})
            QVERIFY2(!isIdempotent(m), m);
    }

    // ---------------------------------------------------------------------------------------------
    // The compiled table.

    void matchesMostSpecificFirst_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("route");
        const auto row = [](const char *tag, const char *host, const char *method, const char *path,
                            const char *route) {
            QTest::newRow(tag) << QByteArray(host) << QByteArray(method) << QByteArray(path)
                               << QString::fromLatin1(route);
        };
        row("restricted before any-method", "", "GET", "/billing", "billing-get");
        row("any-method for another method", "", "POST", "/billing", "billing");
        row("trailing slash", "", "POST", "/billing/", "billing");
        row("under the prefix", "", "GET", "/billing/x/y", "billing-get");
        row("no segment boundary", "", "GET", "/billingx", "root");
        row("longer prefix first", "", "POST", "/billing/v2", "billing-v2");
        row("longer prefix, deeper", "", "GET", "/billing/v2/z", "billing-v2");
        row("longer prefix, no boundary", "", "GET", "/billing/v2x", "billing-get");
        row("root", "", "GET", "/", "root");
        row("unknown method: any-method only", "", "PROPFIND", "/billing", "billing");
        row("host before any-host", "api.example.test", "GET", "/billing/x", "api-billing");
        row("host with port", "api.example.test:8443", "DELETE", "/billing", "api-billing");
        row("host case-insensitive", "API.Example.TEST", "GET", "/billing", "api-billing");
        row("host with trailing dot", "api.example.test.", "GET", "/billing", "api-billing");
        row("host route on its method", "api.example.test", "POST", "/other", "api-post");
        row("host route falls back to any-host", "api.example.test", "GET", "/other", "root");
        row("host-specific root before any-host prefix", "api.example.test", "POST", "/billing/v2",
            "api-billing");
        row("other host", "www.example.test", "GET", "/billing", "billing-get");
        row("IPv6 host with port", "[::1]:8080", "GET", "/six/x", "six");
        row("IPv6 host without port", "[::1]", "GET", "/six", "six");
        row("IPv6 host route for that host only", "localhost", "GET", "/six", "root");
        row("percent-encoded as sent", "", "GET", "/a%20b/c", "encoded");
        row("percent-encoding differs", "", "GET", "/a%2Fb", "root");
        row("asterisk form", "", "OPTIONS", "*", "");
        row("empty path", "", "GET", "", "");
    }
    void matchesMostSpecificFirst()
    {
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QString, route);
        const QList<Route> routes = {
            ::route(spec(QStringLiteral("root"), QStringLiteral("/"))),
            ::route(spec(QStringLiteral("billing"), QStringLiteral("/billing"))),
            ::route(
                spec(QStringLiteral("billing-get"), QStringLiteral("/billing"), {}, {QStringLiteral("GET")})),
            ::route(spec(QStringLiteral("billing-v2"), QStringLiteral("/billing/v2"))),
            ::route(spec(QStringLiteral("api-billing"), QStringLiteral("/billing"),
                         QStringLiteral("api.example.test"))),
            ::route(spec(QStringLiteral("api-post"), QStringLiteral("/"), QStringLiteral("api.example.test"),
                         {QStringLiteral("POST")})),
            ::route(spec(QStringLiteral("six"), QStringLiteral("/six"), QStringLiteral("::1"))),
            ::route(spec(QStringLiteral("encoded"), QStringLiteral("/a%20b"))),
        };
        const auto table = std::make_shared<const RouteTable>(routes);
        QCOMPARE(matched(table, host, method, path), route);
    }

    void matchingAllocatesNothing()
    {
        QList<Route> routes;
        for (int i = 0; i < 200; ++i) {
            routes << route(spec(QStringLiteral("r%1").arg(i), QStringLiteral("/svc%1/api").arg(i)));
            routes << route(spec(QStringLiteral("h%1").arg(i), QStringLiteral("/svc%1").arg(i),
                                 QStringLiteral("host%1.example.test").arg(i), {QStringLiteral("GET")}));
        }
        const RouteTable table(routes);
        const Route *any = table.match("", "GET", "/svc7/api/x");
        QVERIFY(any);
        QCOMPARE(any->spec.name, QStringLiteral("r7"));
        // The counter sees an allocation where there is one (a stripped path is a new QByteArray;
        // a path kept as it came is shared).
        Route stripping = *any;
        stripping.spec.stripPrefix = true;
        const QByteArray longPath("/svc7/api/x/y/z/long/enough/to/need/the/heap");
        qint64 before = t_allocations;
        QCOMPARE(strippedPath(stripping, longPath), QByteArray("/x/y/z/long/enough/to/need/the/heap"));
        QVERIFY(t_allocations > before);
        const QByteArray prefixOnly("/svc7/api/");
        before = t_allocations;
        const QByteArray kept = strippedPath(*any, longPath);
        const QByteArray root = strippedPath(stripping, prefixOnly);
        QCOMPARE(t_allocations, before);
        QCOMPARE(kept.constData(), longPath.constData());
        QCOMPARE(root, QByteArrayView("/"));

        before = t_allocations;
        int found = 0;
        for (int i = 0; i < 1000; ++i) {
            found += table.match("HOST7.example.test:8080", "GET", "/svc7/api/deeper/still") != nullptr;
            found += table.match("other.example.test", "POST", "/svc199/api") != nullptr;
            found += table.match("[::1]:80", "GET", "/nothing/here/at/all") != nullptr;
        }
        QCOMPARE(t_allocations, before);
        QCOMPARE(found, 2000);
        QCOMPARE(table.match("HOST7.example.test:8080", "GET", "/svc7/api/deeper")->spec.name,
                 QStringLiteral("h7"));
    }

    void matchesNothingWithoutRoot()
    {
        QVERIFY(!RouteTable().match("", "GET", "/"));
        const RouteTable table({route(spec(QStringLiteral("b"), QStringLiteral("/billing")))});
        QVERIFY(table.match("", "GET", "/billing/1")); // the table does take a matching path
        QVERIFY(!table.match("", "GET", "/other"));
        QVERIFY(!table.match("", "GET", "/billin"));
        QVERIFY(!table.match("", "GET", "/"));
        QCOMPARE(table.size(), 1);
        QVERIFY(table.find(QStringLiteral("b-id")));
        QVERIFY(!table.find(QStringLiteral("nope")));
    }

    void hostOfHeader()
    {
        QCOMPARE(RouteTable::hostOf("api.example.test:80"), QByteArrayView("api.example.test"));
        QCOMPARE(RouteTable::hostOf(" api.example.test "), QByteArrayView("api.example.test"));
        QCOMPARE(RouteTable::hostOf("[::1]:80"), QByteArrayView("::1"));
        QCOMPARE(RouteTable::hostOf("[::1"), QByteArrayView());
        QCOMPARE(RouteTable::hostOf("10.0.0.1:1"), QByteArrayView("10.0.0.1"));
        QCOMPARE(RouteTable::hostOf(""), QByteArrayView());
    }

    void stripsPrefix_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<bool>("strip");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("upstream");
        QTest::newRow("strip, below")
            << QStringLiteral("/billing") << true << QByteArray("/billing/x/y") << QByteArray("/x/y");
        QTest::newRow("strip, the prefix itself")
            << QStringLiteral("/billing") << true << QByteArray("/billing") << QByteArray("/");
        QTest::newRow("strip, trailing slash")
            << QStringLiteral("/billing") << true << QByteArray("/billing/") << QByteArray("/");
        QTest::newRow("strip root") << QStringLiteral("/") << true << QByteArray("/x") << QByteArray("/x");
        QTest::newRow("keep") << QStringLiteral("/billing") << false << QByteArray("/billing/x")
                              << QByteArray("/billing/x");
        QTest::newRow("strip encoded")
            << QStringLiteral("/a%20b") << true << QByteArray("/a%20b/c%2Fd") << QByteArray("/c%2Fd");
    }
    void stripsPrefix()
    {
        QFETCH(QString, prefix);
        QFETCH(bool, strip);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, upstream);
        Route r = route(spec(QStringLiteral("r"), prefix));
        r.spec.stripPrefix = strip;
        QCOMPARE(strippedPath(r, path), upstream);
    }

    void overlapRelations()
    {
        const RouteSpec billing = spec(QStringLiteral("a"), QStringLiteral("/billing"));
        QCOMPARE(overlap(billing, spec(QStringLiteral("b"), QStringLiteral("/billing"))), Overlap::SameMatch);
        QCOMPARE(overlap(billing, spec(QStringLiteral("b"), QStringLiteral("/billing/v2"))),
                 Overlap::ShadowedBy);
        QCOMPARE(overlap(billing, spec(QStringLiteral("b"), QStringLiteral("/"))), Overlap::Shadows);
        QCOMPARE(overlap(billing, spec(QStringLiteral("b"), QStringLiteral("/billingx"))), Overlap::None);
        QCOMPARE(
            overlap(billing, spec(QStringLiteral("b"), QStringLiteral("/billing"), QStringLiteral("h.test"))),
            Overlap::ShadowedBy);
        QCOMPARE(overlap(spec(QStringLiteral("a"), QStringLiteral("/"), QStringLiteral("a.test")),
                         spec(QStringLiteral("b"), QStringLiteral("/"), QStringLiteral("b.test"))),
                 Overlap::None);
        const RouteSpec get =
            spec(QStringLiteral("g"), QStringLiteral("/billing"), {}, {QStringLiteral("GET")});
        QCOMPARE(overlap(get, billing), Overlap::Shadows); // restricted before any-method, not a conflict
        QCOMPARE(
            overlap(get, spec(QStringLiteral("p"), QStringLiteral("/billing"), {}, {QStringLiteral("POST")})),
            Overlap::None);
        QCOMPARE(overlap(get, spec(QStringLiteral("p"), QStringLiteral("/billing"), {},
                                   {QStringLiteral("POST"), QStringLiteral("GET")})),
                 Overlap::SameMatch);
        QCOMPARE(overlapName(Overlap::SameMatch), QStringLiteral("same-match"));
        QCOMPARE(overlapName(Overlap::Shadows), QStringLiteral("shadows"));
        QCOMPARE(overlapName(Overlap::ShadowedBy), QStringLiteral("shadowed-by"));
    }

    // ---------------------------------------------------------------------------------------------
    // Store and catalog.

    void createReadUpdateDelete()
    {
        QSignalSpy changed(m_catalog.get(), &RoutesCatalog::changed);
        const quint64 generation = m_catalog->generation();
        const Route created = ok(m_catalog->create(
            spec(QStringLiteral("billing"), QStringLiteral("/billing")), QStringLiteral("ann@example.test")));
        QCOMPARE(created.version, 1);
        QCOMPARE(created.createdAtMs, m_clock->nowMs());
        QCOMPARE(created.updatedAtMs, created.createdAtMs);
        QCOMPARE(created.updatedBy, QStringLiteral("ann@example.test"));
        QVERIFY(!created.id.isEmpty());
        // The table has it when the call answers.
        QCOMPARE(matched(m_catalog->table(), "", "GET", "/billing/1"), QStringLiteral("billing"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(m_catalog->generation(), generation + 1);

        const Route read = ok(m_catalog->route(created.id));
        QCOMPARE(toJson(read), toJson(created));
        QCOMPARE(ok(m_catalog->routes()).size(), 1);
        QCOMPARE(refusal(m_catalog->route(QStringLiteral("nope"))), QByteArray("route-not-found"));

        m_clock->advance(1000);
        RouteSpec edited = created.spec;
        edited.pathPrefix = QStringLiteral("/bills");
        const RouteChange change = ok(m_catalog->update(created.id, edited, 1, QStringLiteral("bob")));
        QCOMPARE(change.before->version, 1);
        QCOMPARE(change.after->version, 2);
        QCOMPARE(change.after->updatedAtMs, created.createdAtMs + 1000);
        QCOMPARE(change.after->createdAtMs, created.createdAtMs);
        QCOMPARE(change.after->updatedBy, QStringLiteral("bob"));
        QCOMPARE(matched(m_catalog->table(), "", "GET", "/bills"), QStringLiteral("billing"));
        QCOMPARE(matched(m_catalog->table(), "", "GET", "/billing"), QString());
        QCOMPARE(changed.size(), 2);

        QCOMPARE(refusal(m_catalog->update(QStringLiteral("nope"), edited, 1, QStringLiteral("bob"))),
                 QByteArray("route-not-found"));
        QCOMPARE(refusal(m_catalog->remove(created.id, 1, QStringLiteral("bob"))),
                 QByteArray("version-conflict"));
        QCOMPARE(changed.size(), 2); // refusals install nothing
        const RouteChange removed = ok(m_catalog->remove(created.id, 2, QStringLiteral("cat")));
        QCOMPARE(removed.before->version, 2);
        QVERIFY(!removed.after);
        QVERIFY(m_catalog->table()->isEmpty());
        QCOMPARE(refusal(m_catalog->route(created.id)), QByteArray("route-not-found"));
        QCOMPARE(refusal(m_catalog->remove(created.id, -1, QStringLiteral("cat"))),
                 QByteArray("route-not-found"));
        QCOMPARE(ok(m_catalog->routes()).size(), 0);

        // The name and match are free again after the deletion.
        ok(m_catalog->create(edited, QStringLiteral("dan")));
        QCOMPARE(ok(m_catalog->routes()).size(), 1);
    }

    // A route without its own access-log share is stored without the field, so that a node of the
    // release before it (which refuses fields it does not know) still loads every route.
    void aStoredSpecCarriesTheAccessLogSampleOnlyWhenSet()
    {
        const Route plain = ok(m_catalog->create(spec(QStringLiteral("plain"), QStringLiteral("/plain")),
                                                 QStringLiteral("ann@example.test")));
        RouteSpec sampledSpec = spec(QStringLiteral("sampled"), QStringLiteral("/sampled"));
        sampledSpec.accessLogSample = 0.25;
        const Route sampled = ok(m_catalog->create(sampledSpec, QStringLiteral("ann@example.test")));
        // The spec column as stored (empty if the read did not finish within 10 s).
        const auto stored = [this](const QString &id) {
            QFuture<QString> read = m_db->run([id](QSqlDatabase &db) {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("SELECT spec FROM gateway_routes WHERE id = ?"));
                q.addBindValue(id);
                return q.exec() && q.next() ? q.value(0).toString() : QString();
            });
            return QTest::qWaitFor([&] { return read.isFinished(); }, 10'000) ? read.result() : QString();
        };
        const QString plainText = stored(plain.id);
        QVERIFY(plainText.contains(QStringLiteral("\"maxBodyBytes\"")));
        QVERIFY2(!plainText.contains(QStringLiteral("accessLogSample")), qPrintable(plainText));
        QVERIFY(stored(sampled.id).contains(QStringLiteral("\"accessLogSample\":0.25")));
        // Both read back as they were given; the API writes the unset one as null.
        QVERIFY(!ok(m_catalog->route(plain.id)).spec.accessLogSample.has_value());
        QCOMPARE(ok(m_catalog->route(sampled.id)).spec.accessLogSample, std::optional<double>(0.25));
        QVERIFY(toJson(ok(m_catalog->route(plain.id))).value(QStringLiteral("accessLogSample")).isNull());
    }

    // A route's own share wins over the server's either way; 5xx answers and refusals are logged
    // whatever the shares.
    void aRoutesAccessLogSampleWinsOverTheServers()
    {
        const AccessLog everything(nullptr, 1.0);
        const AccessLog nothing(nullptr, 0.0);
        QVERIFY(everything.wants(200, false));
        QVERIFY(!everything.wants(200, false, 0.0));
        QVERIFY(!everything.wants(404, false, 0.0));
        QVERIFY(!nothing.wants(200, false));
        QVERIFY(nothing.wants(200, false, 1.0));
        QVERIFY(nothing.wants(503, false, 0.0));
        QVERIFY(nothing.wants(429, true, 0.0));
    }

    void refusesNameAndSameMatch()
    {
        const Route a =
            ok(m_catalog->create(spec(QStringLiteral("a"), QStringLiteral("/a"), {}, {QStringLiteral("GET")}),
                                 QStringLiteral("x")));
        QCOMPARE(refusal(m_catalog->create(spec(QStringLiteral("a"), QStringLiteral("/other")),
                                           QStringLiteral("x"))),
                 QByteArray("route-exists"));
        QCOMPARE(refusal(m_catalog->create(spec(QStringLiteral("b"), QStringLiteral("/a"), {},
                                                {QStringLiteral("POST"), QStringLiteral("GET")}),
                                           QStringLiteral("x"))),
                 QByteArray("route-conflict"));
        // Another method, an any-method route, or another host: not the same match.
        ok(m_catalog->create(spec(QStringLiteral("b"), QStringLiteral("/a"), {}, {QStringLiteral("POST")}),
                             QStringLiteral("x")));
        ok(m_catalog->create(spec(QStringLiteral("c"), QStringLiteral("/a")), QStringLiteral("x")));
        const Route d = ok(m_catalog->create(
            spec(QStringLiteral("d"), QStringLiteral("/a"), QStringLiteral("h.test")), QStringLiteral("x")));
        // An update is checked the same way, against the other routes only.
        QCOMPARE(refusal(m_catalog->update(d.id, spec(QStringLiteral("a"), QStringLiteral("/d")), 1,
                                           QStringLiteral("x"))),
                 QByteArray("route-exists"));
        QCOMPARE(refusal(m_catalog->update(d.id, spec(QStringLiteral("d"), QStringLiteral("/a")), 1,
                                           QStringLiteral("x"))),
                 QByteArray("route-conflict"));
        ok(m_catalog->update(d.id, spec(QStringLiteral("d"), QStringLiteral("/a"), QStringLiteral("h2.test")),
                             1, QStringLiteral("x")));
        ok(m_catalog->update(a.id,
                             spec(QStringLiteral("a"), QStringLiteral("/a"), {}, {QStringLiteral("GET")}), 1,
                             QStringLiteral("x")));
        QCOMPARE(m_catalog->table()->size(), 4);
    }

    void versionsAndRestore()
    {
        const Route created =
            ok(m_catalog->create(spec(QStringLiteral("r"), QStringLiteral("/v1")), QStringLiteral("ann")));
        m_clock->advance(10);
        ok(m_catalog->update(created.id, spec(QStringLiteral("r"), QStringLiteral("/v2")), 1,
                             QStringLiteral("bob")));
        m_clock->advance(10);
        ok(m_catalog->remove(created.id, -1, QStringLiteral("cat")));

        QList<RouteVersion> versions = ok(m_catalog->versions(created.id));
        QCOMPARE(versions.size(), 3);
        QCOMPARE(versions[0].version, 3);
        QCOMPARE(versions[0].action, QStringLiteral("deleted"));
        QVERIFY(!versions[0].spec);
        QCOMPARE(versions[0].by, QStringLiteral("cat"));
        QCOMPARE(versions[1].action, QStringLiteral("updated"));
        QCOMPARE(versions[1].spec->pathPrefix, QStringLiteral("/v2"));
        QCOMPARE(versions[2].action, QStringLiteral("created"));
        QCOMPARE(versions[2].atMs, created.createdAtMs);
        QCOMPARE(versions[2].by, QStringLiteral("ann"));
        QCOMPARE(refusal(m_catalog->versions(QStringLiteral("nope"))), QByteArray("route-not-found"));

        // Restoring the deletion, or a version that never was, is refused.
        QCOMPARE(refusal(m_catalog->restore(created.id, 3, QStringLiteral("dan"))),
                 QByteArray("version-is-deletion"));
        QCOMPARE(refusal(m_catalog->restore(created.id, 9, QStringLiteral("dan"))),
                 QByteArray("route-version-not-found"));
        QCOMPARE(refusal(m_catalog->restore(QStringLiteral("nope"), 1, QStringLiteral("dan"))),
                 QByteArray("route-not-found"));

        // Restoring version 1 undeletes the route as a new version with that spec.
        const RouteChange restored = ok(m_catalog->restore(created.id, 1, QStringLiteral("dan")));
        QVERIFY(!restored.before);
        QCOMPARE(restored.after->version, 4);
        QCOMPARE(restored.after->spec.pathPrefix, QStringLiteral("/v1"));
        QCOMPARE(restored.after->updatedBy, QStringLiteral("dan"));
        QCOMPARE(matched(m_catalog->table(), "", "GET", "/v1/x"), QStringLiteral("r"));
        QCOMPARE(ok(m_catalog->route(created.id)).version, 4);

        // Restoring a live route is an ordinary new version.
        const RouteChange again = ok(m_catalog->restore(created.id, 2, QStringLiteral("eve")));
        QCOMPARE(again.before->version, 4);
        QCOMPARE(again.after->version, 5);
        QCOMPARE(again.after->spec.pathPrefix, QStringLiteral("/v2"));
        versions = ok(m_catalog->versions(created.id));
        QCOMPARE(versions.size(), 5);
        QCOMPARE(versions[0].action, QStringLiteral("restored"));
        QCOMPARE(versions[1].action, QStringLiteral("restored"));

        // A restore whose name another route took meanwhile is refused.
        ok(m_catalog->remove(created.id, 5, QStringLiteral("eve")));
        ok(m_catalog->create(spec(QStringLiteral("r"), QStringLiteral("/other")), QStringLiteral("fay")));
        QCOMPARE(refusal(m_catalog->restore(created.id, 1, QStringLiteral("eve"))),
                 QByteArray("route-exists"));
    }

    void previewsAChange()
    {
        m_catalog->setServiceLookup([](const QString &name) -> std::optional<ServiceHealth> {
            if (name == QLatin1String("billing"))
                return ServiceHealth{name, 3, 2};
            return std::nullopt;
        });
        const Route root =
            ok(m_catalog->create(spec(QStringLiteral("root"), QStringLiteral("/")), QStringLiteral("x")));
        RouteSpec billingSpec = spec(QStringLiteral("billing"), QStringLiteral("/billing"));
        billingSpec.service = QStringLiteral("billing");
        const Route billing = ok(m_catalog->create(billingSpec, QStringLiteral("x")));

        QJsonObject edit = toJson(billing.spec);
        setPath(edit, u"timeoutMs", 2000);
        setPath(edit, u"rateLimit.requests", 10);
        QJsonObject p = ok(m_catalog->preview(edit, billing.id));
        QCOMPARE(p.value(QStringLiteral("valid")).toBool(), true);
        QCOMPARE(p.value(QStringLiteral("errors")).toArray().size(), 0);
        QCOMPARE(p.value(QStringLiteral("changes")).toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("field"), QStringLiteral("rateLimit.requests")},
                                         {QStringLiteral("before"), 1000},
                                         {QStringLiteral("after"), 10}},
                             QJsonObject{{QStringLiteral("field"), QStringLiteral("timeoutMs")},
                                         {QStringLiteral("before"), 15000},
                                         {QStringLiteral("after"), 2000}}}));
        QCOMPARE(p.value(QStringLiteral("overlaps")).toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("id"), root.id},
                                         {QStringLiteral("name"), QStringLiteral("root")},
                                         {QStringLiteral("relation"), QStringLiteral("shadows")}}}));
        QCOMPARE(p.value(QStringLiteral("service")).toObject(),
                 (QJsonObject{{QStringLiteral("name"), QStringLiteral("billing")},
                              {QStringLiteral("instances"), 3},
                              {QStringLiteral("passing"), 2}}));

        // A new route with the same match and name: not valid, and says why.
        p = ok(m_catalog->preview(toJson(billing.spec), QString()));
        QCOMPARE(p.value(QStringLiteral("valid")).toBool(), false);
        const QJsonArray errors = p.value(QStringLiteral("errors")).toArray();
        QCOMPARE(errors.size(), 2);
        QCOMPARE(errors[0].toObject().value(QStringLiteral("field")).toString(), QStringLiteral("name"));
        QCOMPARE(errors[1].toObject().value(QStringLiteral("field")).toString(), QStringLiteral("match"));
        QCOMPARE(p.value(QStringLiteral("changes")).toArray().size(), 0);

        // An invalid spec names the field; an unknown service has no health.
        setPath(edit, u"retries", 9);
        setPath(edit, u"service", QStringLiteral("nobody"));
        p = ok(m_catalog->preview(edit, billing.id));
        QCOMPARE(p.value(QStringLiteral("valid")).toBool(), false);
        QCOMPARE(p.value(QStringLiteral("errors"))
                     .toArray()[0]
                     .toObject()
                     .value(QStringLiteral("field"))
                     .toString(),
                 QStringLiteral("retries"));
        setPath(edit, u"retries", 1);
        p = ok(m_catalog->preview(edit, billing.id));
        QVERIFY(p.value(QStringLiteral("service")).isNull());
        QCOMPARE(refusal(m_catalog->preview(edit, QStringLiteral("nope"))), QByteArray("route-not-found"));
        QCOMPARE(ok(m_catalog->routes()).size(), 2); // a preview changes nothing
    }

    void concurrentEditsOfOneVersion()
    {
        // Two nodes (two connections) edit version N of one route at once, round after round:
        // exactly one wins each time; the other is told the version moved.
        auto otherDb = openDatabase();
        RoutesCatalog other(otherDb.get(), true, 1000, m_clock.get());
        QCOMPARE(waitForTask(other.start()), QString());
        const Route r =
            ok(m_catalog->create(spec(QStringLiteral("r"), QStringLiteral("/r")), QStringLiteral("x")));
        for (qint64 version = 1; version <= 10; ++version) {
            auto first = m_catalog->update(r.id, spec(QStringLiteral("r"), QStringLiteral("/first")), version,
                                           QStringLiteral("first"));
            auto second = other.update(r.id, spec(QStringLiteral("r"), QStringLiteral("/second")), version,
                                       QStringLiteral("second"));
            const Result<RouteChange> a = waitForTask(std::move(first));
            const Result<RouteChange> b = waitForTask(std::move(second));
            QVERIFY2(a.ok() != b.ok(), "exactly one writer wins");
            const Result<RouteChange> &lost = a.ok() ? b : a;
            QCOMPARE(lost.error().code, QByteArray("version-conflict"));
            QVERIFY(lost.error().reason.contains(QStringLiteral("version %1").arg(version + 1)));
        }
        QCOMPARE(ok(m_catalog->route(r.id)).version, 11);
        QCOMPARE(ok(m_catalog->versions(r.id)).size(), 11);
        other.stop();
        waitForTask(otherDb->close());
    }

    void concurrentCreatorsOfOneName()
    {
        auto otherDb = openDatabase();
        RoutesCatalog other(otherDb.get(), true, 1000, m_clock.get());
        QCOMPARE(waitForTask(other.start()), QString());
        for (int round = 0; round < 10; ++round) {
            const QString name = QStringLiteral("n%1").arg(round);
            auto first =
                m_catalog->create(spec(name, QStringLiteral("/a%1").arg(round)), QStringLiteral("first"));
            auto second =
                other.create(spec(name, QStringLiteral("/b%1").arg(round)), QStringLiteral("second"));
            const Result<Route> a = waitForTask(std::move(first));
            const Result<Route> b = waitForTask(std::move(second));
            QVERIFY2(a.ok() != b.ok(), "exactly one creator wins");
            QCOMPARE((a.ok() ? b : a).error().code, QByteArray("route-exists"));
            // The same match under two names: one wins too.
            auto third = m_catalog->create(
                spec(name + QStringLiteral("x"), QStringLiteral("/m%1").arg(round)), QStringLiteral("first"));
            auto fourth = other.create(spec(name + QStringLiteral("y"), QStringLiteral("/m%1").arg(round)),
                                       QStringLiteral("second"));
            const Result<Route> c = waitForTask(std::move(third));
            const Result<Route> d = waitForTask(std::move(fourth));
            QVERIFY2(c.ok() != d.ok(), "exactly one of two routes with the same match");
            QCOMPARE((c.ok() ? d : c).error().code, QByteArray("route-conflict"));
        }
        QCOMPARE(ok(m_catalog->routes()).size(), 20);
        other.stop();
        waitForTask(otherDb->close());
    }

    void httpRoundTrip()
    {
        Http::HttpMetrics metrics;
        Http::Router router(&metrics);
        RoutesApi::install(router, m_catalog.get()); // the schemas parse, or this stops the process
        TestTokens tokens;
        Http::Dispatcher dispatcher(router, &tokens, &metrics);

        QJsonObject spec = parse(FullRoute);
        Http::Response r = send(dispatcher, "developer", "POST", "/v1/gateway/routes", spec);
        QCOMPARE(r.status, 201);
        const QJsonObject created = bodyOf(r);
        const QString id = created.value(QStringLiteral("id")).toString();
        QCOMPARE(created.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(created.value(QStringLiteral("updatedBy")).toString(),
                 QStringLiteral("developer@example.test"));
        QCOMPARE(r.audit->resource, QStringLiteral("route:") + id);
        QVERIFY(r.audit->before.isNull());
        QCOMPARE(r.audit->after.toObject(), created);
        QCOMPARE(matched(m_catalog->table(), "api.example.test", "GET", "/billing/1"),
                 QStringLiteral("billing"));

        // Support reads but may not write.
        QCOMPARE(send(dispatcher, "support", "GET", "/v1/gateway/routes/" + id.toUtf8()).status, 200);
        QCOMPARE(send(dispatcher, "support", "POST", "/v1/gateway/routes", spec).status, 403);

        // The same name again; a validation refusal names its field.
        r = send(dispatcher, "developer", "POST", "/v1/gateway/routes", spec);
        QCOMPARE(r.status, 409);
        QCOMPARE(bodyOf(r).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:route-exists"));
        setPath(spec, u"match.pathPrefix", QStringLiteral("billing"));
        r = send(dispatcher, "developer", "POST", "/v1/gateway/routes", spec);
        QCOMPARE(r.status, 400);
        QCOMPARE(bodyOf(r).value(QStringLiteral("field")).toString(), QStringLiteral("match.pathPrefix"));

        // An update sends back what it read, with the version; a second edit of version 1 conflicts.
        QJsonObject edit = created;
        edit.insert(QStringLiteral("timeoutMs"), 2000);
        r = send(dispatcher, "developer", "PUT", "/v1/gateway/routes/" + id.toUtf8(), edit);
        QCOMPARE(r.status, 200);
        QCOMPARE(bodyOf(r).value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(bodyOf(r).value(QStringLiteral("timeoutMs")).toInt(), 2000);
        QCOMPARE(r.audit->before.toObject(), created);
        QCOMPARE(r.audit->after.toObject(), bodyOf(r));
        r = send(dispatcher, "developer", "PUT", "/v1/gateway/routes/" + id.toUtf8(), edit);
        QCOMPARE(r.status, 409);
        QCOMPARE(bodyOf(r).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:version-conflict"));
        QVERIFY(bodyOf(r).value(QStringLiteral("detail")).toString().contains(QStringLiteral("version 2")));
        edit.remove(QStringLiteral("version"));
        r = send(dispatcher, "developer", "PUT", "/v1/gateway/routes/" + id.toUtf8(), edit);
        QCOMPARE(r.status, 400);
        QCOMPARE(bodyOf(r).value(QStringLiteral("field")).toString(), QStringLiteral("version"));

        // Preview, versions, delete at a version, restore.
        QJsonObject previewBody = created;
        previewBody.remove(QStringLiteral("version"));
        for (const char *k : {"createdAt", "updatedAt", "updatedBy"})
            previewBody.remove(QLatin1String(k));
        r = send(dispatcher, "support", "POST", "/v1/gateway/routes/preview", previewBody);
        QCOMPARE(r.status, 200);
        QCOMPARE(bodyOf(r).value(QStringLiteral("changes")).toArray().size(), 1); // timeoutMs back
        QCOMPARE(send(dispatcher, "developer", "DELETE", "/v1/gateway/routes/" + id.toUtf8() + "?version=1")
                     .status,
                 409);
        QCOMPARE(send(dispatcher, "developer", "DELETE", "/v1/gateway/routes/" + id.toUtf8() + "?version=x")
                     .status,
                 400);
        r = send(dispatcher, "developer", "DELETE", "/v1/gateway/routes/" + id.toUtf8() + "?version=2");
        QCOMPARE(r.status, 204);
        QVERIFY(r.audit->after.isNull());
        QCOMPARE(send(dispatcher, "developer", "GET", "/v1/gateway/routes/" + id.toUtf8()).status, 404);
        r = send(dispatcher, "support", "GET", "/v1/gateway/routes/" + id.toUtf8() + "/versions");
        QCOMPARE(r.status, 200);
        const QJsonArray versions = bodyOf(r).value(QStringLiteral("versions")).toArray();
        QCOMPARE(versions.size(), 3);
        QVERIFY(versions[0].toObject().value(QStringLiteral("route")).isNull());
        QCOMPARE(versions[2].toObject().value(QStringLiteral("route")).toObject(), parse(FullRoute));
        r = send(dispatcher, "developer", "POST",
                 "/v1/gateway/routes/" + id.toUtf8() + "/versions/1/restore");
        QCOMPARE(r.status, 200);
        QCOMPARE(bodyOf(r).value(QStringLiteral("version")).toInt(), 4);
        QCOMPARE(bodyOf(r).value(QStringLiteral("timeoutMs")).toInt(), 5000);
        QVERIFY(r.audit->before.isNull());
        r = send(dispatcher, "developer", "GET", "/v1/gateway/routes");
        QCOMPARE(bodyOf(r).value(QStringLiteral("routes")).toArray().size(), 1);

        // The document lists every operation with its permission.
        const QJsonObject doc = Http::openApiDocument(router, QStringLiteral("test"));
        const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
        for (const char *path :
             {"/v1/gateway/routes", "/v1/gateway/routes/preview", "/v1/gateway/routes/{id}",
              "/v1/gateway/routes/{id}/versions", "/v1/gateway/routes/{id}/versions/{version}/restore"})
            QVERIFY2(paths.contains(QLatin1String(path)), path);
        const QJsonObject schemas =
            doc.value(QStringLiteral("components")).toObject().value(QStringLiteral("schemas")).toObject();
        for (const char *name : {"GatewayRoute", "GatewayRouteSpec", "GatewayRouteInput"})
            QVERIFY2(schemas.contains(QLatin1String(name)), name);
        const QJsonArray required = schemas.value(QStringLiteral("GatewayRoute"))
                                        .toObject()
                                        .value(QStringLiteral("required"))
                                        .toArray();
        for (const QString &key : created.keys())
            QVERIFY2(required.contains(key), qPrintable(key)); // every field an answer has is declared
    }

    void clusterNodesSeeEachOthersEdits()
    {
        auto db2 = openDatabase();
        RoutesCatalog first(m_db.get(), true, 50, m_clock.get());
        RoutesCatalog second(db2.get(), true, 50, m_clock.get());
        QCOMPARE(waitForTask(first.start()), QString());
        QCOMPARE(waitForTask(second.start()), QString());
        QSignalSpy changed(&second, &RoutesCatalog::changed);

        const Route r =
            ok(first.create(spec(QStringLiteral("r"), QStringLiteral("/one")), QStringLiteral("x")));
        QTRY_COMPARE_WITH_TIMEOUT(matched(second.table(), "", "GET", "/one"), QStringLiteral("r"), 10'000);
        QCOMPARE(second.revision(), first.revision());
        ok(first.update(r.id, spec(QStringLiteral("r"), QStringLiteral("/two")), 1, QStringLiteral("x")));
        QTRY_COMPARE_WITH_TIMEOUT(matched(second.table(), "", "GET", "/two"), QStringLiteral("r"), 10'000);
        QCOMPARE(matched(second.table(), "", "GET", "/one"), QString());
        ok(second.remove(r.id, 2, QStringLiteral("y")));
        QTRY_VERIFY_WITH_TIMEOUT(first.table()->isEmpty(), 10'000);
        QVERIFY(changed.size() >= 3);
        // A sync that finds the revision where it was installs nothing (the ones above did).
        const int before = changed.size();
        waitForTask(second.sync());
        QCOMPARE(changed.size(), before);
        first.stop();
        second.stop();
        waitForTask(db2->close());
    }
};

QTEST_GUILESS_MAIN(TestGatewayRoutes)
#include "tst_gatewayroutes.moc"
