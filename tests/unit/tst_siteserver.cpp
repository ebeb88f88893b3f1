// The gateway serving sites' live deployments (services/gateway/siteserver.h): which requests are a
// site's, files with their types and validators, the single-page-app fallback, nothing outside the
// deployment's tree, large files streamed, and each refusal with its reason.
#include "http/bodypipe.h"
#include "services/gateway/siteserver.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <mutex>

using namespace Meshdeck;
using namespace Meshdeck::Gateway;

namespace {

class FakeSites : public SiteDirectory
{
public:
    LiveSitePtr siteById(QStringView siteId) const override
    {
        std::lock_guard lock(m_mutex);
        for (const LiveSitePtr &s : m_sites) {
            if (s->siteId == siteId)
                return s;
        }
        return nullptr;
    }
    LiveSitePtr siteByName(QStringView name) const override
    {
        std::lock_guard lock(m_mutex);
        for (const LiveSitePtr &s : m_sites) {
            if (s->name == name)
                return s;
        }
        return nullptr;
    }
    void set(QList<LiveSitePtr> sites)
    {
        std::lock_guard lock(m_mutex);
        m_sites = std::move(sites);
    }

private:
    mutable std::mutex m_mutex;
    QList<LiveSitePtr> m_sites;
};

Http::Request get(const QByteArray &path, const QByteArray &host = "gw.test",
                  const QByteArray &method = "GET")
{
    Http::Request r;
    r.method = method;
    const qsizetype q = path.indexOf('?');
    r.path = q < 0 ? path : path.left(q);
    r.query = q < 0 ? QByteArray() : path.mid(q + 1);
    r.target = path;
    r.requestId = "req-1";
    r.headers.append({"host", host});
    return r;
}

QByteArray header(const Http::Response &r, QByteArrayView name)
{
    for (const auto &[n, v] : r.headers) {
        if (n == name)
            return v;
    }
    return {};
}

QString problemCode(const Http::Response &r)
{
    return QJsonDocument::fromJson(r.body).object().value(QStringLiteral("type")).toString();
}

bool write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Reads a streamed body to its end, as the engine would.
QByteArray drain(Http::BodySource &source)
{
    QByteArray all;
    Http::BodyPipe &pipe = source.pipe();
    for (int guard = 0; guard < 100000; ++guard) {
        if (!pipe.readable())
            return all + "<stalled>";
        Http::BodyChunk chunk = pipe.take();
        if (chunk.failed())
            return all + "<failed>";
        if (chunk.end)
            return all;
        all += chunk.bytes;
    }
    return all + "<endless>";
}

} // namespace

class TestSiteServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.path() + QStringLiteral("/dep-1/site");
        QVERIFY(write(m_root + QStringLiteral("/index.html"), "<h1>one</h1>"));
        QVERIFY(write(m_root + QStringLiteral("/app.js"), "console.log(1)"));
        QVERIFY(write(m_root + QStringLiteral("/docs/index.html"), "<p>docs</p>"));
        QVERIFY(write(m_dir.path() + QStringLiteral("/secret.txt"), "secret"));
        QVERIFY(
            QFile::link(m_dir.path() + QStringLiteral("/secret.txt"), m_root + QStringLiteral("/leak.txt")));
        m_site = std::make_shared<LiveSite>(LiveSite{QStringLiteral("site-1"), QStringLiteral("docs"),
                                                     QStringLiteral("dep-1"), m_root, false});
    }

    void init() { m_sites.set({m_site}); } // each test starts with site-1 live on dep-1

    void servesTheLiveDeploymentByIdAndByName()
    {
        SiteServer server(&m_sites);
        const std::optional<Http::Response> byId = server.serve(get("/sites/site-1/"));
        QVERIFY(byId);
        QCOMPARE(byId->status, 200);
        QCOMPARE(byId->body, QByteArray("<h1>one</h1>"));
        QCOMPARE(byId->contentType, QByteArray("text/html; charset=utf-8"));
        QCOMPARE(header(*byId, "cache-control"), QByteArray("no-cache"));
        QCOMPARE(header(*byId, "x-meshdeck-deployment"), QByteArray("dep-1"));
        QVERIFY(!header(*byId, "etag").isEmpty());

        const std::optional<Http::Response> byName = server.serve(get("/app.js", "docs.localhost:8443"));
        QVERIFY(byName);
        QCOMPARE(byName->status, 200);
        QCOMPARE(byName->body, QByteArray("console.log(1)"));
        QCOMPARE(byName->contentType, QByteArray("text/javascript; charset=utf-8"));

        const std::optional<Http::Response> directory = server.serve(get("/docs/", "DOCS.localhost"));
        QVERIFY(directory);
        QCOMPARE(directory->body, QByteArray("<p>docs</p>"));
    }

    void otherRequestsAreTheGatewaysToRoute()
    {
        SiteServer server(&m_sites);
        QVERIFY(!server.serve(get("/api/x", "gw.test")));
        QVERIFY(!server.serve(get("/", "localhost")));
        QVERIFY(!server.serve(get("/", "a.b.localhost.example")));
        QVERIFY(!server.serve(get("/sitesx/site-1/")));
        SiteServer none(nullptr);
        QVERIFY(!none.serve(get("/sites/site-1/")));
    }

    void theSiteRootGetsItsSlash()
    {
        SiteServer server(&m_sites);
        const std::optional<Http::Response> r = server.serve(get("/sites/site-1?x=1"));
        QVERIFY(r);
        QCOMPARE(r->status, 308);
        QCOMPARE(header(*r, "location"), QByteArray("/sites/site-1/?x=1"));
    }

    void refusalsSayWhy()
    {
        SiteServer server(&m_sites);
        std::optional<Http::Response> r = server.serve(get("/sites/nope/"));
        QCOMPARE(r->status, 404);
        QVERIFY(problemCode(*r).endsWith(QStringLiteral("no-site")));
        QVERIFY(!server.serve(get("/", "nope.localhost"))); // not a site's name: the routes' host
        r = server.serve(get("/sites/site-1/missing.css"));
        QCOMPARE(r->status, 404);
        QVERIFY(problemCode(*r).endsWith(QStringLiteral("no-file")));
        r = server.serve(get("/sites/site-1/", "gw.test", "POST"));
        QCOMPARE(r->status, 405);
        QCOMPARE(header(*r, "allow"), QByteArray("GET, HEAD"));

        m_sites.set({std::make_shared<LiveSite>(
            LiveSite{QStringLiteral("site-1"), QStringLiteral("docs"), QString(), QString(), false})});
        r = server.serve(get("/sites/site-1/"));
        QCOMPARE(r->status, 404);
        QVERIFY(problemCode(*r).endsWith(QStringLiteral("no-live-deployment")));
    }

    void nothingOutsideTheTreeIsServed()
    {
        SiteServer server(&m_sites);
        // Proved readable through a link inside the tree first: the refusal is the check's doing.
        QVERIFY(QFile::exists(m_root + QStringLiteral("/leak.txt")));
        std::optional<Http::Response> r = server.serve(get("/sites/site-1/leak.txt"));
        QCOMPARE(r->status, 404);
        QVERIFY(!r->body.contains("secret"));
        for (const QByteArray &path :
             {QByteArray("/sites/site-1/../secret.txt"), QByteArray("/sites/site-1/%2e%2e/secret.txt"),
              QByteArray("/sites/site-1/docs/%2E%2E/%2e%2e/secret.txt")}) {
            r = server.serve(get(path));
            QVERIFY2(r, path.constData());
            QVERIFY2(r->status == 404 || r->status == 400, path.constData());
            QVERIFY2(!r->body.contains("secret\""), path.constData());
            QVERIFY2(r->body != "secret", path.constData());
        }
        r = server.serve(get("/sites/site-1/a%00b"));
        QCOMPARE(r->status, 400);
    }

    void validatorsAnswerNotModified()
    {
        SiteServer server(&m_sites);
        const std::optional<Http::Response> first = server.serve(get("/sites/site-1/app.js"));
        const QByteArray tag = header(*first, "etag");
        QVERIFY(tag.startsWith("\"dep-1-"));
        for (const QByteArray &condition : {tag, "W/" + tag, "\"other\", " + tag, QByteArray("*")}) {
            Http::Request request = get("/sites/site-1/app.js");
            request.headers.append({"if-none-match", condition});
            const std::optional<Http::Response> again = server.serve(request);
            QCOMPARE(again->status, 304);
            QVERIFY(again->body.isEmpty());
            QCOMPARE(header(*again, "etag"), tag);
        }
        Http::Request other = get("/sites/site-1/app.js");
        other.headers.append({QByteArray("if-none-match"), QByteArray("\"dep-0-e-1\"")});
        QCOMPARE(server.serve(other)->status, 200);
    }

    void singlePageAppsFallBackToTheirIndex()
    {
        SiteServer server(&m_sites);
        QCOMPARE(server.serve(get("/sites/site-1/settings/profile"))->status, 404);
        m_sites.set({std::make_shared<LiveSite>(LiveSite{QStringLiteral("site-1"), QStringLiteral("docs"),
                                                         QStringLiteral("dep-1"), m_root, true})});
        const std::optional<Http::Response> r = server.serve(get("/sites/site-1/settings/profile"));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, QByteArray("<h1>one</h1>"));
        // An asset that is not there stays a 404: a page must not get HTML for its missing script.
        QCOMPARE(server.serve(get("/sites/site-1/missing.js"))->status, 404);
    }

    void largeFilesAreStreamedAndHeadAnnouncesTheLength()
    {
        QByteArray big(SiteServer::WholeFileLimit * 3 + 123, Qt::Uninitialized);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = char('a' + i % 26);
        QVERIFY(write(m_root + QStringLiteral("/big.bin"), big));
        SiteServer server(&m_sites);
        std::optional<Http::Response> r = server.serve(get("/sites/site-1/big.bin"));
        QCOMPARE(r->status, 200);
        QVERIFY(r->body.isEmpty());
        QVERIFY(r->bodySource);
        QCOMPARE(r->bodySource->length(), big.size());
        QCOMPARE(r->contentType, QByteArray("application/octet-stream"));
        const QByteArray streamed = drain(*r->bodySource);
        QCOMPARE(streamed.size(), big.size());
        QVERIFY(streamed == big);

        r = server.serve(get("/sites/site-1/big.bin", "gw.test", "HEAD"));
        QCOMPARE(r->status, 200);
        QVERIFY(r->body.isEmpty());
        QVERIFY(!r->bodySource);
        QCOMPARE(r->declaredLength, big.size());
    }

    void contentTypes()
    {
        QCOMPARE(SiteServer::contentTypeOf(QStringLiteral("a.CSS")), QByteArray("text/css; charset=utf-8"));
        QCOMPARE(SiteServer::contentTypeOf(QStringLiteral("a.svg")), QByteArray("image/svg+xml"));
        QCOMPARE(SiteServer::contentTypeOf(QStringLiteral("a.woff2")), QByteArray("font/woff2"));
        QCOMPARE(SiteServer::contentTypeOf(QStringLiteral("a.wasm")), QByteArray("application/wasm"));
        QCOMPARE(SiteServer::contentTypeOf(QStringLiteral("LICENSE")),
                 QByteArray("application/octet-stream"));
    }

private:
    QTemporaryDir m_dir;
    QString m_root;
    LiveSitePtr m_site;
    FakeSites m_sites;
};

QTEST_GUILESS_MAIN(TestSiteServer)
#include "tst_siteserver.moc"
