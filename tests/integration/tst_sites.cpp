#include "testing.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {

// A realtime client (a console) that records every message it receives.
class Console
{
public:
    Console()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
    }
    bool open(const BackendProcess &backend)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(backend.port())));
        request.setRawHeader("Authorization", "Bearer " + backend.token());
        m_socket.open(request);
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; },
                               5000) &&
               QTest::qWaitFor([this] { return !ofType(QStringLiteral("welcome")).isEmpty(); }, 5000);
    }
    void subscribe(const QString &channel)
    {
        m_socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                                        {QStringLiteral("channel"), channel}})
                                  .toJson(QJsonDocument::Compact)));
    }
    QList<QJsonObject> ofType(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == type)
                out << m;
        }
        return out;
    }
    QStringList statuses() const
    {
        QStringList out;
        for (const QJsonObject &m : ofType(QStringLiteral("status")))
            out << m.value(QStringLiteral("status")).toString();
        return out;
    }
    QList<QJsonObject> messages;

private:
    QWebSocket m_socket;
};

RawResponse upload(const BackendProcess &backend, const QByteArray &siteId, const QByteArray &bytes,
                   const QByteArray &contentType = "application/gzip")
{
    RawHttp c;
    if (!c.connectTo(backend.port()))
        return {};
    c.send("POST /v1/sites/" + siteId + "/deployments HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
           backend.token() + "\r\nContent-Type: " + contentType +
           "\r\nX-Filename: site.tar.gz\r\nContent-Length: " + QByteArray::number(bytes.size()) + "\r\n\r\n" +
           bytes);
    return c.read(10'000);
}

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// A real .tar.gz of a small static site.
QByteArray tarball()
{
    QTemporaryDir dir;
    QFile index(dir.filePath(QStringLiteral("index.html")));
    if (!index.open(QIODevice::WriteOnly) || index.write("<h1>hello</h1>\n") < 0)
        return {};
    index.close();
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-czf"), QStringLiteral("-"), QStringLiteral("-C"),
                                      dir.path(), QStringLiteral(".")});
    if (!tar.waitForFinished(10'000) || tar.exitCode() != 0)
        return {};
    return tar.readAllStandardOutput();
}

} // namespace

class TestSites : public QObject
{
    Q_OBJECT
    BackendProcess m_backend;
    QByteArray m_siteId;

    QByteArray createSite(const QByteArray &name)
    {
        const RawResponse r = apiCall(m_backend, "POST", "/v1/sites",
                                      "{\"name\":\"" + name +
                                          "\",\"framework\":\"static\",\"installCommand\":\"npm ci\","
                                          "\"buildCommand\":\"npm run build\",\"outputDirectory\":\"dist\","
                                          "\"buildTimeoutSeconds\":900,\"network\":false}");
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString().toUtf8();
    }

private Q_SLOTS:
    void initTestCase()
    {
        // No build worker: the queue's states (queued, cancel while queued) stay where these tests put
        // them; tst_deployments builds with the real worker.
        QVERIFY(m_backend.start({QStringLiteral("--site-upload-limit-mb"), QStringLiteral("1"),
                                 QStringLiteral("--build-concurrency"), QStringLiteral("0")}));
        m_siteId = createSite("docs");
        QVERIFY(!m_siteId.isEmpty());
    }

    void aSiteIsCreatedListedAndChanged()
    {
        const QJsonObject site = apiJson(m_backend, "GET", "/v1/sites/" + m_siteId);
        QCOMPARE(site.value(QStringLiteral("name")).toString(), QStringLiteral("docs"));
        QCOMPARE(site.value(QStringLiteral("buildTimeoutSeconds")).toInt(), 900);
        QVERIFY(site.value(QStringLiteral("liveDeploymentId")).isNull());
        const QJsonArray all =
            apiJson(m_backend, "GET", "/v1/sites").value(QStringLiteral("sites")).toArray();
        QCOMPARE(all.size(), 1);
        const RawResponse changed =
            apiCall(m_backend, "PATCH", "/v1/sites/" + m_siteId, "{\"network\":true}");
        QCOMPARE(changed.status, 200);
        QCOMPARE(json(changed).value(QStringLiteral("network")).toBool(), true);
        QCOMPARE(apiCall(m_backend, "PATCH", "/v1/sites/" + m_siteId, "{\"network\":false}").status, 200);
    }

    void badInputsAreProblemsWithReasons_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("field");
        QTest::newRow("bad name") << QByteArray("POST") << QByteArray("/v1/sites")
                                  << QByteArray("{\"name\":\"Docs Site\"}") << 400 << QStringLiteral("name");
        QTest::newRow("no name") << QByteArray("POST") << QByteArray("/v1/sites")
                                 << QByteArray("{\"framework\":\"static\"}") << 400 << QStringLiteral("name");
        QTest::newRow("taken name") << QByteArray("POST") << QByteArray("/v1/sites")
                                    << QByteArray("{\"name\":\"docs\"}") << 409 << QString();
        QTest::newRow("escaping output") << QByteArray("POST") << QByteArray("/v1/sites")
                                         << QByteArray("{\"name\":\"x\",\"outputDirectory\":\"../../etc\"}")
                                         << 400 << QStringLiteral("outputDirectory");
        QTest::newRow("timeout type") << QByteArray("POST") << QByteArray("/v1/sites")
                                      << QByteArray("{\"name\":\"x\",\"buildTimeoutSeconds\":\"soon\"}")
                                      << 400 << QStringLiteral("buildTimeoutSeconds");
        QTest::newRow("unknown field")
            << QByteArray("POST") << QByteArray("/v1/sites")
            << QByteArray("{\"name\":\"x\",\"colour\":\"red\"}") << 400 << QStringLiteral("colour");
        QTest::newRow("no such site")
            << QByteArray("GET") << QByteArray("/v1/sites/00000000-0000-0000-0000-000000000000")
            << QByteArray() << 404 << QString();
        QTest::newRow("not an id") << QByteArray("GET") << QByteArray("/v1/sites/..%2F..%2Fetc")
                                   << QByteArray() << 404 << QString();
        QTest::newRow("git branch option")
            << QByteArray("POST") << QByteArray("/v1/sites/SITE/deployments")
            << QByteArray("{\"source\":\"git\",\"url\":\"https://x/y.git\",\"branch\":\"--upload-pack=sh\"}")
            << 400 << QStringLiteral("branch");
        QTest::newRow("missing directory")
            << QByteArray("POST") << QByteArray("/v1/sites/SITE/deployments")
            << QByteArray("{\"source\":\"directory\",\"path\":\"/no/such/dir\"}") << 400
            << QStringLiteral("path");
        QTest::newRow("unknown source")
            << QByteArray("POST") << QByteArray("/v1/sites/SITE/deployments")
            << QByteArray("{\"source\":\"ftp\"}") << 400 << QStringLiteral("source");
        QTest::newRow("bad fromLine")
            << QByteArray("GET")
            << QByteArray("/v1/sites/SITE/deployments/00000000-0000-0000-0000-000000000000/log?fromLine=0")
            << QByteArray() << 400 << QStringLiteral("fromLine");
    }

    void badInputsAreProblemsWithReasons()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, field);
        path.replace("SITE", m_siteId);
        RawHttp c;
        QVERIFY(c.connectTo(m_backend.port()));
        c.send(method + ' ' + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_backend.token() +
               (body.isEmpty() ? QByteArray() : QByteArray("\r\nContent-Type: application/json")) +
               "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        const RawResponse r = c.read(10'000);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), QByteArray("application/problem+json"));
        const QJsonObject problem = json(r);
        QVERIFY2(!problem.value(QStringLiteral("detail")).toString().isEmpty(), r.body.constData());
        if (!field.isEmpty())
            QCOMPARE(problem.value(QStringLiteral("field")).toString(), field);
    }

    void anUploadLandsOnDiskAndIsQueued()
    {
        const QByteArray bytes = tarball();
        QVERIFY(bytes.startsWith("\x1f\x8b"));
        const RawResponse r = upload(m_backend, m_siteId, bytes);
        QCOMPARE(r.status, 201);
        const QJsonObject d = json(r);
        const QString id = d.value(QStringLiteral("id")).toString();
        QCOMPARE(d.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(d.value(QStringLiteral("source"))[QStringLiteral("kind")].toString(),
                 QStringLiteral("archive"));
        QCOMPARE(d.value(QStringLiteral("source"))[QStringLiteral("uploadBytes")].toInt(), bytes.size());
        QCOMPARE(d.value(QStringLiteral("source"))[QStringLiteral("uploadName")].toString(),
                 QStringLiteral("site.tar.gz"));
        QCOMPARE(d.value(QStringLiteral("createdBy")).toString(), QStringLiteral("admin-token"));
        // The bytes are on disk where the worker looks for them.
        QFile stored(QStringLiteral("%1/sites/%2/deployments/%3/source.tar.gz")
                         .arg(m_backend.dataDir(), QString::fromUtf8(m_siteId), id));
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QCOMPARE(stored.readAll(), bytes);
        // Listed, with its history, and in the build queue.
        const QJsonArray list = apiJson(m_backend, "GET", "/v1/sites/" + m_siteId + "/deployments")
                                    .value(QStringLiteral("deployments"))
                                    .toArray();
        QCOMPARE(list.first().toObject().value(QStringLiteral("id")).toString(), id);
        const QJsonObject detail =
            apiJson(m_backend, "GET", "/v1/sites/" + m_siteId + "/deployments/" + id.toUtf8());
        QCOMPARE(
            detail.value(QStringLiteral("history")).toArray().first()[QStringLiteral("status")].toString(),
            QStringLiteral("queued"));
        bool queued = false;
        for (const QJsonValue &b :
             apiJson(m_backend, "GET", "/v1/builds").value(QStringLiteral("builds")).toArray())
            queued = queued || b[QStringLiteral("id")].toString() == id;
        QVERIFY(queued);
        // Nothing built yet: the log is empty and not complete.
        const QJsonObject log =
            apiJson(m_backend, "GET", "/v1/sites/" + m_siteId + "/deployments/" + id.toUtf8() + "/log");
        QCOMPARE(log.value(QStringLiteral("lines")).toArray().size(), 0);
        QCOMPARE(log.value(QStringLiteral("complete")).toBool(), false);
        // Only a ready deployment can go live.
        const RawResponse activate = apiCall(
            m_backend, "PATCH", "/v1/sites/" + m_siteId + "/deployments/" + id.toUtf8() + "/activate");
        QCOMPARE(activate.status, 409);
        QVERIFY(json(activate).value(QStringLiteral("detail")).toString().contains(QStringLiteral("ready")));
    }

    void badUploadsAreRefusedAndLeaveNothing()
    {
        const QString deployments =
            QStringLiteral("%1/sites/%2/deployments").arg(m_backend.dataDir(), QString::fromUtf8(m_siteId));
        const int before = QDir(deployments).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
        // Not gzip.
        QCOMPARE(upload(m_backend, m_siteId, "just some text").status, 400);
        // Another content type.
        const RawResponse zip = upload(m_backend, m_siteId, "PK\x03\x04", "application/zip");
        QCOMPARE(zip.status, 415);
        QVERIFY(json(zip)
                    .value(QStringLiteral("detail"))
                    .toString()
                    .contains(QStringLiteral("application/gzip")));
        // Over the limit by its Content-Length: refused before a byte of it is read.
        RawHttp big;
        QVERIFY(big.connectTo(m_backend.port()));
        big.send("POST /v1/sites/" + m_siteId + "/deployments HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                 m_backend.token() + "\r\nContent-Type: application/gzip\r\nContent-Length: 2000000\r\n\r\n");
        const RawResponse tooBig = big.read(10'000);
        QCOMPARE(tooBig.status, 413);
        QVERIFY(!json(tooBig).value(QStringLiteral("detail")).toString().isEmpty());
        // Over the limit while streaming a chunked body: the upload stops with 413 and a reason.
        RawHttp chunked;
        QVERIFY(chunked.connectTo(m_backend.port()));
        chunked.send("POST /v1/sites/" + m_siteId +
                     "/deployments HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_backend.token() +
                     "\r\nContent-Type: application/gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray piece = "\x1f\x8b" + QByteArray(256 * 1024 - 2, 'x');
        for (int i = 0; i < 5 && chunked.socket().state() == QAbstractSocket::ConnectedState; ++i)
            chunked.send(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
        const RawResponse streamed = chunked.read(10'000);
        QCOMPARE(streamed.status, 413);
        QVERIFY2(json(streamed).value(QStringLiteral("detail")).toString().contains(QStringLiteral("limit")),
                 streamed.body.constData());
        QTRY_COMPARE(QDir(deployments).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), before);
    }

    void twoConsolesSeeTheSameStatusChanges()
    {
        const RawResponse r = upload(m_backend, m_siteId, tarball());
        QCOMPARE(r.status, 201);
        const QByteArray id = json(r).value(QStringLiteral("id")).toString().toUtf8();
        const QString channel =
            QStringLiteral("sites.%1.deployments.%2").arg(QString::fromUtf8(m_siteId), QString::fromUtf8(id));
        Console a;
        Console b;
        QVERIFY(a.open(m_backend));
        QVERIFY(b.open(m_backend));
        a.subscribe(channel);
        b.subscribe(channel);
        QTRY_COMPARE(a.ofType(QStringLiteral("subscribed")).size(), 1);
        QTRY_COMPARE(b.ofType(QStringLiteral("subscribed")).size(), 1);
        QVERIFY(a.statuses().isEmpty()); // what follows comes from the cancel
        const RawResponse canceled =
            apiCall(m_backend, "POST", "/v1/sites/" + m_siteId + "/deployments/" + id + "/cancel");
        QCOMPARE(canceled.status, 200);
        QCOMPARE(json(canceled).value(QStringLiteral("status")).toString(), QStringLiteral("canceled"));
        QTRY_COMPARE(a.statuses(), QStringList{QStringLiteral("canceled")});
        QTRY_COMPARE(b.statuses(), QStringList{QStringLiteral("canceled")});
        QVERIFY(a.ofType(QStringLiteral("status"))
                    .first()
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("admin-token")));
        // Canceling again is a conflict with the reason.
        const RawResponse again =
            apiCall(m_backend, "POST", "/v1/sites/" + m_siteId + "/deployments/" + id + "/cancel");
        QCOMPARE(again.status, 409);
        // The change is an event on the deployments topic too.
        const QJsonObject events =
            apiJson(m_backend, "GET", "/v1/events/topics/deployments/events?fromOffset=0&limit=1000");
        bool seen = false;
        for (const QJsonValue &e : events.value(QStringLiteral("events")).toArray())
            seen = seen || (e[QStringLiteral("key")].toString() == QString::fromUtf8(id) &&
                            e[QStringLiteral("data")][QStringLiteral("status")].toString() ==
                                QLatin1String("canceled"));
        QVERIFY2(seen, QJsonDocument(events).toJson().constData());
        // A redeploy queues the same source again.
        const RawResponse redeploy =
            apiCall(m_backend, "POST", "/v1/sites/" + m_siteId + "/deployments/" + id + "/redeploy");
        QCOMPARE(redeploy.status, 201);
        QCOMPARE(json(redeploy).value(QStringLiteral("source"))[QStringLiteral("kind")].toString(),
                 QStringLiteral("archive"));
        QVERIFY(json(redeploy).value(QStringLiteral("id")).toString() != QString::fromUtf8(id));
    }

    void variablesAreMaskedAndNotStoredInPlainText()
    {
        const QByteArray secret = "s3cr3t-value-that-must-not-leak";
        const RawResponse created =
            apiCall(m_backend, "POST", "/v1/sites/" + m_siteId + "/variables",
                    "{\"name\":\"API_TOKEN\",\"value\":\"" + secret + "\",\"secret\":true}");
        QCOMPARE(created.status, 201);
        QVERIFY(json(created).value(QStringLiteral("value")).isNull());
        QVERIFY(!created.body.contains(secret));
        QCOMPARE(apiCall(m_backend, "POST", "/v1/sites/" + m_siteId + "/variables",
                         "{\"name\":\"NODE_ENV\",\"value\":\"production\"}")
                     .status,
                 201);
        const RawResponse listed = apiCall(m_backend, "GET", "/v1/sites/" + m_siteId + "/variables");
        QCOMPARE(listed.status, 200);
        QVERIFY(!listed.body.contains(secret));
        QVERIFY(listed.body.contains("production"));
        QCOMPARE(apiCall(m_backend, "POST", "/v1/sites/" + m_siteId + "/variables",
                         "{\"name\":\"NODE_ENV\",\"value\":\"x\"}")
                     .status,
                 409);
        QCOMPARE(apiCall(m_backend, "POST", "/v1/sites/" + m_siteId + "/variables",
                         "{\"name\":\"1BAD\",\"value\":\"x\"}")
                     .status,
                 400);
        // Neither the database nor the audit log holds the value.
        QFile db(m_backend.dataDir() + QStringLiteral("/meshdeck.db"));
        QVERIFY(db.open(QIODevice::ReadOnly));
        QByteArray everything = db.readAll();
        QFile wal(m_backend.dataDir() + QStringLiteral("/meshdeck.db-wal"));
        if (wal.open(QIODevice::ReadOnly))
            everything += wal.readAll();
        QVERIFY(everything.contains("API_TOKEN")); // proves the variable's row is in what was read
        QVERIFY(!everything.contains(secret));
    }

    void theOpenApiDocumentDescribesEveryRoute()
    {
        const QJsonObject doc = apiJson(m_backend, "GET", "/v1/openapi.json");
        const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
        for (const char *path :
             {"/v1/sites", "/v1/sites/{siteId}", "/v1/sites/{siteId}/deployments",
              "/v1/sites/{siteId}/deployments/{deploymentId}",
              "/v1/sites/{siteId}/deployments/{deploymentId}/activate",
              "/v1/sites/{siteId}/deployments/{deploymentId}/cancel",
              "/v1/sites/{siteId}/deployments/{deploymentId}/redeploy",
              "/v1/sites/{siteId}/deployments/{deploymentId}/log", "/v1/sites/{siteId}/variables",
              "/v1/sites/{siteId}/variables/{variableId}", "/v1/builds"})
            QVERIFY2(paths.contains(QLatin1String(path)), path);
        const QJsonObject upload =
            paths.value(QStringLiteral("/v1/sites/{siteId}/deployments"))[QStringLiteral("post")].toObject();
        QVERIFY(upload[QStringLiteral("requestBody")][QStringLiteral("content")].toObject().contains(
            QStringLiteral("application/gzip")));
    }

    void deletingASiteRemovesEverything()
    {
        const QByteArray id = createSite("doomed");
        QVERIFY(!id.isEmpty());
        QCOMPARE(upload(m_backend, id, tarball()).status, 201);
        const QString dir = QStringLiteral("%1/sites/%2").arg(m_backend.dataDir(), QString::fromUtf8(id));
        QVERIFY(QFileInfo::exists(dir));
        QCOMPARE(apiCall(m_backend, "DELETE", "/v1/sites/" + id).status, 204);
        QVERIFY(!QFileInfo::exists(dir));
        QCOMPARE(apiCall(m_backend, "GET", "/v1/sites/" + id).status, 404);
        QCOMPARE(apiCall(m_backend, "GET", "/v1/sites/" + id + "/deployments").status, 404);
    }
};

QTEST_MAIN(TestSites)
#include "tst_sites.moc"
