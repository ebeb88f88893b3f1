// Sites and deployments end to end, as a user runs them: the real meshdeckd with its in-process
// build workers, real builds in a real bubblewrap sandbox, and the result served on the gateway's
// listener — from a tarball, a directory and a git repository; activate and rollback under
// concurrent requests with no mixed answer; cancel and timeout that leave no process behind;
// secrets masked in the log and absent from the database.
#include "testing.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <atomic>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

bool run(const QString &program, const QStringList &args, const QString &dir = {}, QByteArray *out = nullptr)
{
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.start(program, args);
    const bool ok = p.waitForFinished(30'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (out)
        *out = p.readAllStandardOutput();
    if (!ok)
        qWarning() << program << args << p.readAllStandardError();
    return ok;
}

// Whether a process whose command line contains `pattern` runs (pgrep -f).
bool processRunning(const QString &pattern)
{
    QProcess p;
    p.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), pattern});
    return p.waitForFinished(10'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// A source tree whose files say which version they are: index.html and app.js.
void writeSite(const QString &dir, const QByteArray &version)
{
    writeFile(dir + QStringLiteral("/index.html"), "<h1>version " + version + "</h1>\n");
    writeFile(dir + QStringLiteral("/app.js"), "var version = '" + version + "';\n");
}

QByteArray tarballOf(const QString &dir)
{
    QByteArray out;
    if (!run(QStringLiteral("tar"),
             {QStringLiteral("-czf"), QStringLiteral("-"), QStringLiteral("-C"), dir, QStringLiteral(".")},
             {}, &out))
        return {};
    return out;
}

quint16 gatewayPort(const BackendProcess &backend)
{
    const QJsonObject ready = QJsonDocument::fromJson(backend.readyLine()).object();
    return quint16(QUrl(ready.value(QStringLiteral("gatewayUrl")).toString()).port());
}

RawResponse uploadTo(const BackendProcess &backend, const QByteArray &siteId, const QByteArray &bytes)
{
    RawHttp c;
    if (!c.connectTo(backend.port()))
        return {};
    c.send("POST /v1/sites/" + siteId + "/deployments HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
           backend.token() +
           "\r\nContent-Type: application/gzip\r\nX-Filename: site.tar.gz\r\nContent-Length: " +
           QByteArray::number(bytes.size()) + "\r\n\r\n" + bytes);
    return c.read(30'000);
}

// GET on the gateway's listener.
RawResponse fetch(quint16 port, const QByteArray &path, const QByteArray &host = "gw.test")
{
    RawHttp c;
    if (!c.connectTo(port))
        return {};
    c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    return c.read(10'000);
}

// A GET from a plain thread (no event loop): a blocking socket, Connection: close, read to the end.
struct PlainAnswer {
    int status = 0;
    QByteArray deployment; // X-Meshdeck-Deployment
    QByteArray body;
};

PlainAnswer fetchBlocking(quint16 port, const QByteArray &path)
{
    PlainAnswer answer;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return answer;
    }
    const QByteArray request = "GET " + path + " HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) != request.size()) {
        ::close(fd);
        return answer;
    }
    QByteArray all;
    char buffer[16384];
    while (true) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        all.append(buffer, n);
    }
    ::close(fd);
    const qsizetype headEnd = all.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return answer;
    const QList<QByteArray> lines = all.left(headEnd).split('\n');
    answer.status = lines.value(0).split(' ').value(1).toInt();
    for (const QByteArray &line : lines) {
        if (line.toLower().startsWith("x-meshdeck-deployment:"))
            answer.deployment = line.mid(line.indexOf(':') + 1).trimmed();
    }
    answer.body = all.mid(headEnd + 4);
    return answer;
}

} // namespace

class TestDeployments : public QObject
{
    Q_OBJECT
    BackendProcess m_backend;
    quint16 m_gateway = 0;
    QTemporaryDir m_work;

    QByteArray createSite(const QByteArray &body)
    {
        const RawResponse r = apiCall(m_backend, "POST", "/v1/sites", body);
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString().toUtf8();
    }

    QJsonObject deployment(const QByteArray &siteId, const QByteArray &id)
    {
        return apiJson(m_backend, "GET", "/v1/sites/" + siteId + "/deployments/" + id);
    }

    // Waits until the deployment reached a final status; returns it.
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

    QString logText(const QByteArray &siteId, const QByteArray &id)
    {
        const QJsonObject page =
            apiJson(m_backend, "GET", "/v1/sites/" + siteId + "/deployments/" + id + "/log?fromLine=1");
        QString text;
        for (const QJsonValue &line : page.value(QStringLiteral("lines")).toArray())
            text += line.toObject().value(QStringLiteral("text")).toString() + QLatin1Char('\n');
        return text;
    }

    bool activate(const QByteArray &siteId, const QByteArray &id)
    {
        const RawResponse r =
            apiCall(m_backend, "PATCH", "/v1/sites/" + siteId + "/deployments/" + id + "/activate", "{}");
        if (r.status != 200)
            qWarning() << r.status << r.body;
        return r.status == 200;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        QVERIFY2(m_backend.start({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0")}),
                 m_backend.stderrText().constData());
        m_gateway = gatewayPort(m_backend);
        QVERIFY(m_gateway != 0);
    }

    void aTarballIsBuiltActivatedAndServed()
    {
        const QByteArray siteId = createSite(
            R"({"name":"hello","framework":"static","installCommand":"","buildCommand":"","outputDirectory":""})");
        QVERIFY(!siteId.isEmpty());
        const QString src = m_work.filePath(QStringLiteral("hello-v1"));
        writeSite(src, "1");
        const RawResponse created = uploadTo(m_backend, siteId, tarballOf(src));
        QCOMPARE(created.status, 201);
        const QByteArray id = json(created).value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(waitFinal(siteId, id), QStringLiteral("ready"));
        // Nothing is live before an activation.
        QCOMPARE(fetch(m_gateway, "/sites/" + siteId + "/").status, 404);
        QVERIFY(activate(siteId, id));
        RawResponse page = fetch(m_gateway, "/sites/" + siteId + "/");
        QCOMPARE(page.status, 200);
        QCOMPARE(page.body, QByteArray("<h1>version 1</h1>\n"));
        page = fetch(m_gateway, "/app.js", "hello.localhost");
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("version = '1'"));
    }

    void aBuildCommandRunsInTheSandboxAndItsLogIsNumbered()
    {
        const QByteArray siteId = createSite(
            R"({"name":"built","framework":"static","installCommand":"echo installing",)"
            R"("buildCommand":"mkdir -p dist && printf '\\033[32mgreen\\033[0m\\n' && echo built-$(cat VERSION) > dist/index.html && cat /etc/shadow; echo shadow=$?",)"
            R"("outputDirectory":"dist"})");
        QVERIFY(!siteId.isEmpty());
        const QString src = m_work.filePath(QStringLiteral("built"));
        writeFile(src + QStringLiteral("/VERSION"), "7");
        const RawResponse created = uploadTo(m_backend, siteId, tarballOf(src));
        QCOMPARE(created.status, 201);
        const QByteArray id = json(created).value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(waitFinal(siteId, id), QStringLiteral("ready"));
        const QString log = logText(siteId, id);
        QVERIFY2(log.contains(QStringLiteral("installing")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("\x1b[32mgreen\x1b[0m")), qPrintable(log)); // colours kept
        QVERIFY2(log.contains(QStringLiteral("shadow=1")),
                 qPrintable(log)); // the host's shadow is not readable
        QVERIFY(activate(siteId, id));
        QCOMPARE(fetch(m_gateway, "/sites/" + siteId + "/").body, QByteArray("built-7\n"));
    }

    void directoryAndGitSources()
    {
        const QByteArray siteId = createSite(
            R"({"name":"sources","framework":"static","installCommand":"","buildCommand":"","outputDirectory":""})");
        const QString dir = m_work.filePath(QStringLiteral("from-dir"));
        writeSite(dir, "dir");
        RawResponse created =
            apiCall(m_backend, "POST", "/v1/sites/" + siteId + "/deployments",
                    QJsonDocument(QJsonObject{{QStringLiteral("source"), QStringLiteral("directory")},
                                              {QStringLiteral("path"), dir}})
                        .toJson(QJsonDocument::Compact));
        QCOMPARE(created.status, 201);
        QByteArray id = json(created).value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(waitFinal(siteId, id), QStringLiteral("ready"));
        QVERIFY(activate(siteId, id));
        QCOMPARE(fetch(m_gateway, "/sites/" + siteId + "/").body, QByteArray("<h1>version dir</h1>\n"));

        const QString repo = m_work.filePath(QStringLiteral("repo"));
        writeSite(repo, "git-main");
        QVERIFY(
            run(QStringLiteral("git"),
                {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main")},
                repo));
        QVERIFY(run(QStringLiteral("git"), {QStringLiteral("add"), QStringLiteral(".")}, repo));
        QVERIFY(run(QStringLiteral("git"),
                    {QStringLiteral("-c"), QStringLiteral("user.email=t@example.test"), QStringLiteral("-c"),
                     QStringLiteral("user.name=t"), QStringLiteral("commit"), QStringLiteral("-qm"),
                     QStringLiteral("v")},
                    repo));
        created = apiCall(m_backend, "POST", "/v1/sites/" + siteId + "/deployments",
                          QJsonDocument(QJsonObject{{QStringLiteral("source"), QStringLiteral("git")},
                                                    {QStringLiteral("url"), repo},
                                                    {QStringLiteral("branch"), QStringLiteral("main")}})
                              .toJson(QJsonDocument::Compact));
        QCOMPARE(created.status, 201);
        id = json(created).value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(waitFinal(siteId, id), QStringLiteral("ready"));
        QVERIFY(activate(siteId, id));
        QCOMPARE(fetch(m_gateway, "/sites/" + siteId + "/").body, QByteArray("<h1>version git-main</h1>\n"));
    }

    void activateAndRollbackNeverServeAMix()
    {
        const QByteArray siteId = createSite(
            R"({"name":"flip","framework":"static","installCommand":"","buildCommand":"","outputDirectory":""})");
        QByteArray ids[2];
        for (int v = 0; v < 2; ++v) {
            const QString src = m_work.filePath(QStringLiteral("flip-%1").arg(v));
            writeSite(src, QByteArray::number(v));
            const RawResponse created = uploadTo(m_backend, siteId, tarballOf(src));
            QCOMPARE(created.status, 201);
            ids[v] = json(created).value(QStringLiteral("id")).toString().toUtf8();
            QCOMPARE(waitFinal(siteId, ids[v]), QStringLiteral("ready"));
        }
        QVERIFY(activate(siteId, ids[0]));
        // Four clients fetch while the live deployment flips: each answer is wholly one
        // deployment's (its header names the deployment whose version its body carries).
        std::atomic<bool> stop{false};
        std::atomic<int> answers{0}, mixed{0}, failed{0};
        std::atomic<int> seen[2] = {0, 0};
        std::vector<std::thread> clients;
        struct Join { // the clients stop and are joined however this test leaves
            std::atomic<bool> &stop;
            std::vector<std::thread> &threads;
            ~Join()
            {
                stop = true;
                for (std::thread &t : threads)
                    t.join();
            }
        } join{stop, clients};
        for (int c = 0; c < 4; ++c) {
            clients.emplace_back([&, c] {
                while (!stop) {
                    const PlainAnswer r =
                        fetchBlocking(m_gateway, "/sites/" + siteId + (c % 2 ? "/app.js" : "/"));
                    if (r.status != 200) {
                        ++failed;
                        continue;
                    }
                    const QByteArray &deployment = r.deployment;
                    const int v = deployment == ids[0] ? 0 : deployment == ids[1] ? 1 : -1;
                    const bool matches = v >= 0 && (r.body.contains("version " + QByteArray::number(v)) ||
                                                    r.body.contains("version = '" + QByteArray::number(v)));
                    if (!matches)
                        ++mixed;
                    else
                        ++seen[v];
                    ++answers;
                }
            });
        }
        for (int flip = 1; flip <= 20; ++flip) {
            QVERIFY(activate(siteId, ids[flip % 2]));
            const int before = answers;
            QTRY_VERIFY(answers >= before + 4); // every flip is seen by requests
        }
        stop = true;
        for (std::thread &t : clients)
            t.join();
        clients.clear();
        QCOMPARE(mixed.load(), 0);
        QCOMPARE(failed.load(), 0);
        QVERIFY(seen[0] > 0 && seen[1] > 0); // both deployments were served: the check had a chance
        // A rollback is an activation of the older one: no new deployment, no rebuild.
        const int count = apiJson(m_backend, "GET", "/v1/sites/" + siteId + "/deployments")
                              .value(QStringLiteral("deployments"))
                              .toArray()
                              .size();
        QCOMPARE(count, 2);
    }

    void cancelAndTimeoutLeaveNoProcess()
    {
        const QByteArray siteId = createSite(
            R"({"name":"slow","framework":"static","installCommand":"","buildCommand":"sleep 987651 & sleep 987652; wait",)"
            R"("outputDirectory":"","buildTimeoutSeconds":10})");
        const QString src = m_work.filePath(QStringLiteral("slow"));
        writeSite(src, "slow");
        RawResponse created = uploadTo(m_backend, siteId, tarballOf(src));
        QByteArray id = json(created).value(QStringLiteral("id")).toString().toUtf8();
        QTRY_COMPARE_WITH_TIMEOUT(deployment(siteId, id).value(QStringLiteral("status")).toString(),
                                  QStringLiteral("building"), 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(processRunning(QStringLiteral("sleep 987652")), 30'000);
        QCOMPARE(
            apiCall(m_backend, "POST", "/v1/sites/" + siteId + "/deployments/" + id + "/cancel", "{}").status,
            200);
        QCOMPARE(waitFinal(siteId, id, 30'000), QStringLiteral("canceled"));
        QTRY_VERIFY_WITH_TIMEOUT(!processRunning(QStringLiteral("sleep 98765")), 10'000);

        created = uploadTo(m_backend, siteId, tarballOf(src));
        id = json(created).value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(waitFinal(siteId, id, 60'000), QStringLiteral("failed"));
        QVERIFY2(deployment(siteId, id)
                     .value(QStringLiteral("reason"))
                     .toString()
                     .contains(QStringLiteral("10 s")),
                 qPrintable(deployment(siteId, id).value(QStringLiteral("reason")).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!processRunning(QStringLiteral("sleep 98765")), 10'000);
    }

    void secretsAreMaskedAndNeverStoredPlain()
    {
        const QByteArray secret = "s3cr3t-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const QByteArray siteId = createSite(
            R"({"name":"secret","framework":"static","installCommand":"","buildCommand":"echo token=$API_TOKEN",)"
            R"("outputDirectory":""})");
        QCOMPARE(apiCall(m_backend, "POST", "/v1/sites/" + siteId + "/variables",
                         R"({"name":"API_TOKEN","value":")" + secret + R"(","secret":true})")
                     .status,
                 201);
        const QString src = m_work.filePath(QStringLiteral("secret"));
        writeSite(src, "s");
        const RawResponse created = uploadTo(m_backend, siteId, tarballOf(src));
        const QByteArray id = json(created).value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(waitFinal(siteId, id), QStringLiteral("ready"));
        const QString log = logText(siteId, id);
        QVERIFY2(log.contains(QStringLiteral("token=")), qPrintable(log));     // the line is there...
        QVERIFY2(!log.contains(QString::fromLatin1(secret)), qPrintable(log)); // ...masked
        // Neither the database nor any file of the data directory holds the value.
        QDirIterator it(m_backend.dataDir(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains(secret), qPrintable(f.fileName()));
        }
    }
};

QTEST_GUILESS_MAIN(TestDeployments)
#include "tst_deployments.moc"
