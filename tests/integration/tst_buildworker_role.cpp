// `meshdeckd --role build-worker` as real processes against a real meshdeckd that runs no build worker
// of its own (--build-concurrency 0): a tarball built remotely becomes ready and is served through the
// gateway; the workers are listed in the registry; two workers take two builds at once; a worker
// killed with SIGKILL mid-build has its build requeued and finished by another, and its late calls
// (old fencing token) answer 409 and change nothing served; a bad token answers 401; a build from a
// local directory is never handed to a remote worker.
#include "testing.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <csignal>

using namespace Meshdeck::Testing;

namespace {

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray tarballOf(const QString &dir)
{
    QProcess p;
    p.start(QStringLiteral("tar"),
            {QStringLiteral("-czf"), QStringLiteral("-"), QStringLiteral("-C"), dir, QStringLiteral(".")});
    if (!p.waitForFinished(30'000) || p.exitCode() != 0)
        return {};
    return p.readAllStandardOutput();
}

quint16 gatewayPort(const BackendProcess &backend)
{
    const QJsonObject ready = QJsonDocument::fromJson(backend.readyLine()).object();
    return quint16(QUrl(ready.value(QStringLiteral("gatewayUrl")).toString()).port());
}

// One request with the admin token and any content type, over a fresh connection.
RawResponse send(const BackendProcess &backend, const QByteArray &method, const QByteArray &path,
                 const QByteArray &body = {}, const QByteArray &type = "application/json")
{
    RawHttp c;
    if (!c.connectTo(backend.port()))
        return {};
    c.send(method + ' ' + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + backend.token() +
           "\r\nContent-Type: " + type + "\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\n\r\n" + body);
    return c.read(30'000);
}

RawResponse fetch(quint16 port, const QByteArray &path)
{
    RawHttp c;
    if (!c.connectTo(port))
        return {};
    c.send("GET " + path + " HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
    return c.read(10'000);
}

// A `meshdeckd --role build-worker` process.
class WorkerProcess
{
public:
    ~WorkerProcess() { kill9(); }

    bool start(const BackendProcess &backend, const QString &id, const QString &dataDir, int concurrency = 1,
               const QString &tokenFile = {})
    {
        m_id = id;
        m_process.start(
            binary(QStringLiteral("meshdeckd")),
            {QStringLiteral("--role"), QStringLiteral("build-worker"), QStringLiteral("--register"),
             backend.url().toString(), QStringLiteral("--token-file"),
             tokenFile.isEmpty() ? backend.tokenFile() : tokenFile, QStringLiteral("--worker-id"), id,
             QStringLiteral("--build-concurrency"), QString::number(concurrency),
             QStringLiteral("--lease-seconds"), QStringLiteral("3"), QStringLiteral("--data-dir"), dataDir});
        if (!m_process.waitForStarted(10'000))
            return false;
        QDeadlineTimer deadline(15'000);
        while (!m_process.canReadLine()) {
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        }
        return QJsonDocument::fromJson(m_process.readLine()).object().value(QStringLiteral("ready")).toBool();
    }
    void kill9()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(10'000);
    }
    int terminate()
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitCode();
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(15'000))
            return -1;
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    QString id() const { return m_id; }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QString m_id;
};

} // namespace

class TestBuildWorkerRole : public QObject
{
    Q_OBJECT
    BackendProcess m_backend;
    quint16 m_gateway = 0;
    QTemporaryDir m_work;
    int m_sites = 0;

    QByteArray createSite(const QByteArray &buildCommand, const QByteArray &output = "dist")
    {
        const QByteArray name = "site-" + QByteArray::number(++m_sites);
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(name)},
                                      {QStringLiteral("framework"), QStringLiteral("static")},
                                      {QStringLiteral("installCommand"), QString()},
                                      {QStringLiteral("buildCommand"), QString::fromUtf8(buildCommand)},
                                      {QStringLiteral("outputDirectory"), QString::fromUtf8(output)}})
                .toJson(QJsonDocument::Compact);
        const RawResponse r = apiCall(m_backend, "POST", "/v1/sites", body);
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString().toUtf8();
    }

    // Uploads a source tree with VERSION = version; answers the deployment id.
    QByteArray deploy(const QByteArray &siteId, const QByteArray &version)
    {
        const QString src = m_work.filePath(
            QStringLiteral("src-%1-%2").arg(QString::fromUtf8(siteId), QString::fromUtf8(version)));
        writeFile(src + QStringLiteral("/VERSION"), version);
        writeFile(src + QStringLiteral("/index.html"), "<h1>" + version + "</h1>\n");
        const RawResponse r = send(m_backend, "POST", "/v1/sites/" + siteId + "/deployments", tarballOf(src),
                                   "application/gzip");
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString().toUtf8();
    }

    QJsonObject deployment(const QByteArray &siteId, const QByteArray &id)
    {
        return apiJson(m_backend, "GET", "/v1/sites/" + siteId + "/deployments/" + id);
    }

    QString waitFinal(const QByteArray &siteId, const QByteArray &id, int timeoutMs = 120'000)
    {
        QString status;
        (void)QTest::qWaitFor(
            [&] {
                status = deployment(siteId, id).value(QStringLiteral("status")).toString();
                return status == QLatin1String("ready") || status == QLatin1String("failed") ||
                       status == QLatin1String("canceled");
            },
            timeoutMs);
        return status;
    }

    bool activate(const QByteArray &siteId, const QByteArray &id)
    {
        const RawResponse r =
            apiCall(m_backend, "PATCH", "/v1/sites/" + siteId + "/deployments/" + id + "/activate", "{}");
        if (r.status != 200)
            qWarning() << r.status << r.body;
        return r.status == 200;
    }

    QStringList registeredWorkers()
    {
        QStringList ids;
        const QJsonObject list = apiJson(m_backend, "GET", "/v1/registry/services/build-worker/instances");
        for (const QJsonValue &v : list.value(QStringLiteral("instances")).toArray())
            ids << v.toObject()
                       .value(QStringLiteral("metadata"))
                       .toObject()
                       .value(QStringLiteral("workerId"))
                       .toString();
        return ids;
    }

    QString scratch(const QString &name) { return m_work.filePath(QStringLiteral("scratch-") + name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        QVERIFY2(m_backend.start({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0"),
                                  QStringLiteral("--build-concurrency"), QStringLiteral("0")}),
                 m_backend.stderrText().constData());
        m_gateway = gatewayPort(m_backend);
        QVERIFY(m_gateway != 0);
    }

    void badFlagsAreRefusedWithTheReason()
    {
        QProcess p;
        p.start(binary(QStringLiteral("meshdeckd")),
                {QStringLiteral("--role"), QStringLiteral("build-worker"), QStringLiteral("--register"),
                 m_backend.url().toString(), QStringLiteral("--token-file"), m_backend.tokenFile(),
                 QStringLiteral("--build-concurrency"), QStringLiteral("0")});
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(p.readAllStandardError().contains("--build-concurrency expects a whole number from 1 to 64"),
                 "the reason names the flag");
        p.start(binary(QStringLiteral("meshdeckd")),
                {QStringLiteral("--role"), QStringLiteral("build-worker")});
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("--register is required"));
        p.start(binary(QStringLiteral("meshdeckd")),
                {QStringLiteral("--role"), QStringLiteral("build-worker"), QStringLiteral("--help")});
        QVERIFY(p.waitForFinished(10'000));
        QVERIFY(p.readAllStandardOutput().contains("leases of unfinished builds lapse"));
    }

    void aBadTokenIsRefused()
    {
        // Proof the route answers a good token, then that it refuses a bad one.
        QCOMPARE(
            send(m_backend, "POST", "/v1/builds/claim", R"({"workerId":"probe","leaseSeconds":3})").status,
            204);
        QCOMPARE(callAs(m_backend.port(), "not-a-token", "POST", "/v1/builds/claim",
                        R"({"workerId":"probe","leaseSeconds":3})")
                     .status,
                 401);
        // A worker process with a bad token is refused by the registry and exits.
        const QString bad = m_work.filePath(QStringLiteral("bad.token"));
        QVERIFY(writeFile(bad, "not-a-token\n"));
        WorkerProcess worker;
        QVERIFY(worker.start(m_backend, QStringLiteral("bad"), scratch(QStringLiteral("bad")), 1, bad));
        QVERIFY(worker.process().waitForFinished(15'000));
        QCOMPARE(worker.process().exitCode(), 1);
    }

    void aTarballBuiltByARemoteWorkerIsServed()
    {
        WorkerProcess worker;
        QVERIFY(worker.start(m_backend, QStringLiteral("worker-a"), scratch(QStringLiteral("a"))));
        QTRY_VERIFY_WITH_TIMEOUT(registeredWorkers().contains(QStringLiteral("worker-a")), 15'000);
        // Bytes that are not UTF-8 reach the log on disk as they were written.
        const QByteArray siteId =
            createSite("mkdir -p dist && printf 'raw \\377\\376 bytes\\n' && echo built-$(cat VERSION) > "
                       "dist/index.html");
        QVERIFY(!siteId.isEmpty());
        const QByteArray id = deploy(siteId, "1");
        QVERIFY(!id.isEmpty());
        QCOMPARE(waitFinal(siteId, id), QStringLiteral("ready"));
        QCOMPARE(deployment(siteId, id).value(QStringLiteral("worker")).toString(),
                 QStringLiteral("worker-a"));
        QVERIFY(activate(siteId, id));
        const RawResponse page = fetch(m_gateway, "/sites/" + siteId + "/");
        QCOMPARE(page.status, 200);
        QCOMPARE(page.body, QByteArray("built-1\n"));
        QFile log(m_backend.dataDir() + QStringLiteral("/sites/%1/deployments/%2/build.log")
                                            .arg(QString::fromUtf8(siteId), QString::fromUtf8(id)));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY2(log.readAll().contains("raw \xff\xfe bytes"), "the raw bytes survive");
        // Its scratch directory is cleaned once the build ended.
        QTRY_VERIFY_WITH_TIMEOUT(
            !QDir(scratch(QStringLiteral("a")) + QLatin1Char('/') + QString::fromUtf8(id)).exists(), 10'000);
        // SIGTERM deregisters it.
        QCOMPARE(worker.terminate(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!registeredWorkers().contains(QStringLiteral("worker-a")), 10'000);
    }

    void twoWorkersTakeTwoBuildsAtOnce()
    {
        WorkerProcess a;
        WorkerProcess b;
        QVERIFY(a.start(m_backend, QStringLiteral("worker-a"), scratch(QStringLiteral("a"))));
        QVERIFY(b.start(m_backend, QStringLiteral("worker-b"), scratch(QStringLiteral("b"))));
        QTRY_VERIFY_WITH_TIMEOUT(registeredWorkers().contains(QStringLiteral("worker-a")) &&
                                     registeredWorkers().contains(QStringLiteral("worker-b")),
                                 15'000);
        const QByteArray siteId = createSite("sleep 4 && mkdir -p dist && cat VERSION > dist/index.html");
        const QByteArray first = deploy(siteId, "x");
        const QByteArray second = deploy(siteId, "y");
        // Both building at the same time, one on each worker.
        QSet<QString> workers;
        QTRY_VERIFY_WITH_TIMEOUT(
            ([&] {
                const QJsonObject one = deployment(siteId, first);
                const QJsonObject two = deployment(siteId, second);
                workers = {one.value(QStringLiteral("worker")).toString(),
                           two.value(QStringLiteral("worker")).toString()};
                return one.value(QStringLiteral("status")).toString() == QLatin1String("building") &&
                       two.value(QStringLiteral("status")).toString() == QLatin1String("building");
            }()),
            20'000);
        QCOMPARE(workers, (QSet<QString>{QStringLiteral("worker-a"), QStringLiteral("worker-b")}));
        QCOMPARE(waitFinal(siteId, first), QStringLiteral("ready"));
        QCOMPARE(waitFinal(siteId, second), QStringLiteral("ready"));
    }

    void aKilledWorkersBuildIsFinishedByAnotherAndItsLateCallsChangeNothing()
    {
        WorkerProcess doomed;
        QVERIFY(doomed.start(m_backend, QStringLiteral("worker-doomed"), scratch(QStringLiteral("doomed"))));
        const QByteArray siteId =
            createSite("sleep 3 && mkdir -p dist && echo built-$(cat VERSION) > dist/index.html");
        const QByteArray id = deploy(siteId, "2");
        QTRY_COMPARE_WITH_TIMEOUT(deployment(siteId, id).value(QStringLiteral("worker")).toString(),
                                  QStringLiteral("worker-doomed"), 20'000);
        doomed.kill9();
        WorkerProcess rescuer;
        QVERIFY(
            rescuer.start(m_backend, QStringLiteral("worker-rescuer"), scratch(QStringLiteral("rescuer"))));
        QCOMPARE(waitFinal(siteId, id), QStringLiteral("ready"));
        const QJsonObject done = deployment(siteId, id);
        QCOMPARE(done.value(QStringLiteral("worker")).toString(), QStringLiteral("worker-rescuer"));
        QCOMPARE(done.value(QStringLiteral("attempts")).toInt(), 2); // requeued once
        QVERIFY(activate(siteId, id));
        QCOMPARE(fetch(m_gateway, "/sites/" + siteId + "/").body, QByteArray("built-2\n"));

        // The dead worker's token (the first claim's) is refused everywhere, and nothing served changes.
        const QByteArray base = "/v1/builds/" + id;
        const QString other = m_work.filePath(QStringLiteral("late"));
        QVERIFY(writeFile(other + QStringLiteral("/index.html"), "late write\n"));
        RawResponse late =
            send(m_backend, "PUT", base + "/artifact?fencingToken=1", tarballOf(other), "application/gzip");
        QCOMPARE(late.status, 409);
        QCOMPARE(json(late).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:lease-lost"));
        late = send(m_backend, "POST", base + "/finish",
                    R"({"fencingToken":1,"status":"failed","reason":"late"})");
        QCOMPARE(late.status, 409);
        QCOMPARE(json(late).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:lease-lost"));
        QCOMPARE(
            send(m_backend, "POST", base + "/log", R"({"fencingToken":1,"lines":[{"line":1,"data":"eA=="}]})")
                .status,
            409);
        QCOMPARE(send(m_backend, "POST", base + "/renew", R"({"fencingToken":1})").status, 409);
        QCOMPARE(send(m_backend, "GET", base + "/source?fencingToken=1").status, 409);
        QCOMPARE(deployment(siteId, id).value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
        QCOMPARE(fetch(m_gateway, "/sites/" + siteId + "/").body, QByteArray("built-2\n"));
    }

    void aDirectoryBuildIsNeverHandedToARemoteWorker()
    {
        const QByteArray siteId = createSite("mkdir -p dist && cat VERSION > dist/index.html");
        const QString dir = m_work.filePath(QStringLiteral("from-dir"));
        QVERIFY(writeFile(dir + QStringLiteral("/VERSION"), "dir"));
        const RawResponse created =
            apiCall(m_backend, "POST", "/v1/sites/" + siteId + "/deployments",
                    QJsonDocument(QJsonObject{{QStringLiteral("source"), QStringLiteral("directory")},
                                              {QStringLiteral("path"), dir}})
                        .toJson(QJsonDocument::Compact));
        QCOMPARE(created.status, 201);
        const QByteArray fromDir = json(created).value(QStringLiteral("id")).toString().toUtf8();
        // A claim over HTTP gets nothing while only the directory build is queued.
        QCOMPARE(
            send(m_backend, "POST", "/v1/builds/claim", R"({"workerId":"probe","leaseSeconds":3})").status,
            204);
        // A worker that claims builds queued after it (so it did look) leaves it queued.
        WorkerProcess worker;
        QVERIFY(worker.start(m_backend, QStringLiteral("worker-c"), scratch(QStringLiteral("c"))));
        const QByteArray later = deploy(siteId, "later");
        QCOMPARE(waitFinal(siteId, later), QStringLiteral("ready"));
        QCOMPARE(deployment(siteId, fromDir).value(QStringLiteral("status")).toString(),
                 QStringLiteral("queued"));
        QCOMPARE(
            apiCall(m_backend, "POST", "/v1/sites/" + siteId + "/deployments/" + fromDir + "/cancel", "{}")
                .status,
            200);
    }

    // A worker that gave up waiting and sent its artifact again while the first upload is still
    // being stored is told to wait (503, upload-in-progress): the two never unpack into one folder.
    void aSecondUploadOfAnArtifactWaitsForTheFirst()
    {
        const QByteArray siteId = createSite("mkdir -p dist && echo x > dist/index.html");
        const QByteArray id = deploy(siteId, "9");
        const RawResponse claimed =
            send(m_backend, "POST", "/v1/builds/claim", R"({"workerId":"probe","leaseSeconds":120})");
        QCOMPARE(claimed.status, 200);
        QCOMPARE(json(claimed).value(QStringLiteral("deploymentId")).toString().toUtf8(), id);
        const qint64 token = qint64(json(claimed).value(QStringLiteral("fencingToken")).toDouble());
        const QString out = m_work.filePath(QStringLiteral("upload-out"));
        QVERIFY(writeFile(out + QStringLiteral("/index.html"), "uploaded\n"));
        const QByteArray artifact = tarballOf(out);
        const QByteArray path = "/v1/builds/" + id + "/artifact?fencingToken=" + QByteArray::number(token);

        // The first upload sends half its body and holds; its part file, made once it holds the
        // build's upload, shows it is being stored.
        RawHttp first;
        QVERIFY(first.connectTo(m_backend.port()));
        const qsizetype half = artifact.size() / 2;
        first.send("PUT " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_backend.token() +
                   "\r\nContent-Type: application/gzip\r\nContent-Length: " +
                   QByteArray::number(artifact.size()) + "\r\n\r\n" + artifact.left(half));
        const QString part = m_backend.dataDir() + QStringLiteral("/sites/") + QString::fromUtf8(siteId) +
                             QStringLiteral("/deployments/") + QString::fromUtf8(id) +
                             QStringLiteral("/build-%1.tar.gz.part").arg(token);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(part), 10'000);

        const RawResponse second = send(m_backend, "PUT", path, artifact, "application/gzip");
        QCOMPARE(second.status, 503);
        QCOMPARE(json(second).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:upload-in-progress"));

        first.send(artifact.mid(half));
        QCOMPARE(first.read(30'000).status, 200);
        // Once the first answered, the same upload is taken again.
        QCOMPARE(send(m_backend, "PUT", path, artifact, "application/gzip").status, 200);
        QCOMPARE(send(m_backend, "POST", "/v1/builds/" + id + "/finish",
                      "{\"fencingToken\":" + QByteArray::number(token) +
                          ",\"status\":\"ready\",\"reason\":\"built\"}")
                     .status,
                 204);
        QVERIFY(activate(siteId, id));
        QCOMPARE(fetch(m_gateway, "/sites/" + siteId + "/").body, QByteArray("uploaded\n"));
    }

    // The token and the builds' secrets would cross the network in clear: plain http is for loopback.
    void aPlainHttpRegistrationElsewhereThanLoopbackIsRefused()
    {
        QProcess p;
        p.start(binary(QStringLiteral("meshdeckd")),
                {QStringLiteral("--role"), QStringLiteral("build-worker"), QStringLiteral("--register"),
                 QStringLiteral("http://192.0.2.10:7700"), QStringLiteral("--token-file"),
                 m_backend.tokenFile()});
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(p.readAllStandardError().contains("use https://"), "the reason says what to do");
    }
};

QTEST_GUILESS_MAIN(TestBuildWorkerRole)
#include "tst_buildworker_role.moc"
