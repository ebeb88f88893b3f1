#include "testing.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <sys/resource.h>

namespace Meshdeck::Testing {

QList<qint64> eventOffsets(const QList<QJsonObject> &messages)
{
    QList<qint64> out;
    for (const QJsonObject &m : messages) {
        if (m.value(QStringLiteral("type")).toString() == QLatin1String("event"))
            out << m.value(QStringLiteral("event")).toObject().value(QStringLiteral("offset")).toInteger();
    }
    return out;
}

QString binary(const QString &name)
{
    return QDir(QStringLiteral(MESHDECK_BIN_DIR)).absoluteFilePath(name);
}

QString testDataPath(const QString &relative)
{
    return QDir(QStringLiteral(MESHDECK_TEST_DATA_DIR)).absoluteFilePath(relative);
}

QByteArray RawResponse::header(QByteArrayView name) const
{
    for (const auto &[n, v] : headers) {
        if (n == name)
            return v;
    }
    return {};
}

bool RawHttp::connectTo(quint16 port, int timeoutMs)
{
    m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs);
}

bool RawHttp::connectEncrypted(quint16 port, const QSslConfiguration &configuration, int timeoutMs)
{
    m_socket.setSslConfiguration(configuration);
    m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    return QTest::qWaitFor(
               [this] {
                   return m_socket.isEncrypted() || m_socket.state() == QAbstractSocket::UnconnectedState;
               },
               timeoutMs) &&
           m_socket.isEncrypted();
}

void RawHttp::send(QByteArrayView bytes)
{
    m_socket.write(bytes.data(), bytes.size());
    m_socket.flush();
}

bool RawHttp::fill(int timeoutMs)
{
    const qsizetype before = m_buffer.size();
    (void)QTest::qWaitFor(
        [this, before] {
            m_buffer += m_socket.readAll();
            return m_buffer.size() > before || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    m_buffer += m_socket.readAll();
    return m_buffer.size() > before;
}

RawResponse RawHttp::read(int timeoutMs, bool head)
{
    RawResponse r;
    QDeadlineTimer deadline(timeoutMs);
    qsizetype headEnd;
    // Skip interim 1xx responses (100 Continue) unless they are all there is.
    while (true) {
        while ((headEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
            if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
                return r;
        }
        if (m_buffer.startsWith("HTTP/1.1 100 ")) {
            m_buffer.remove(0, headEnd + 4);
            continue;
        }
        break;
    }
    const QList<QByteArray> lines = m_buffer.first(headEnd).split('\n');
    r.statusLine = lines.value(0).trimmed();
    r.status = r.statusLine.split(' ').value(1).toInt();
    qint64 length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.first(colon).toLower();
        const QByteArray value = line.sliced(colon + 1).trimmed();
        r.headers.emplace_back(name, value);
        if (name == "content-length" && !head)
            length = value.toLongLong();
    }
    m_buffer.remove(0, headEnd + 4);
    while (m_buffer.size() < length) {
        if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
            return RawResponse{};
    }
    r.body = m_buffer.first(qsizetype(length));
    m_buffer.remove(0, qsizetype(length));
    return r;
}

bool RawHttp::waitClosed(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

qsizetype RawHttp::sendSlowly(const QByteArray &bytes, int intervalMs)
{
    qsizetype sent = 0;
    while (sent < bytes.size() && m_socket.state() == QAbstractSocket::ConnectedState) {
        send(QByteArrayView(bytes).sliced(sent++, 1));
        QTest::qWait(intervalMs); // the pace of the attack, not a wait for the server
    }
    return sent;
}

BackendProcess::BackendProcess(QString dataDir)
{
    if (dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>();
        m_dataDir = m_tempDir->path();
    } else {
        m_dataDir = std::move(dataDir);
    }
}

BackendProcess::~BackendProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool BackendProcess::start(const QStringList &extraArgs, int timeoutMs)
{
    QStringList args{QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:0")};
    args += extraArgs;
    if (m_fileSizeLimit > 0) {
        const rlim_t limit = rlim_t(m_fileSizeLimit);
        m_process.setChildProcessModifier([limit] {
            const rlimit r{limit, limit};
            ::setrlimit(RLIMIT_FSIZE, &r);
        });
    }
    m_process.start(binary(QStringLiteral("meshdeckd")), args);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    QDeadlineTimer deadline(timeoutMs);
    while (!m_process.canReadLine()) {
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
            return false;
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    m_readyLine = m_process.readLine();
    const QJsonObject ready = QJsonDocument::fromJson(m_readyLine).object();
    m_url = QUrl(ready.value(QStringLiteral("url")).toString());
    m_tokenFile = ready.value(QStringLiteral("adminTokenFile")).toString();
    m_nodeId = ready.value(QStringLiteral("nodeId")).toString();
    m_mode = ready.value(QStringLiteral("mode")).toString();
    QFile token(m_tokenFile);
    if (!ready.value(QStringLiteral("ready")).toBool() || !m_url.isValid() ||
        !token.open(QIODevice::ReadOnly))
        return false;
    m_token = token.readAll().trimmed();
    return true;
}

int BackendProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

void BackendProcess::kill()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

QByteArray BackendProcess::stderrText()
{
    m_stderr += m_process.readAllStandardError();
    return m_stderr;
}

RawResponse apiCall(const BackendProcess &backend, const QByteArray &method, const QByteArray &path,
                    const QByteArray &body)
{
    return callAs(backend.port(), backend.token(), method, path, body);
}

RawResponse callAs(quint16 port, const QByteArray &credential, const QByteArray &method,
                   const QByteArray &path, const QByteArray &body)
{
    RawHttp c;
    if (!c.connectTo(port))
        return {};
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: t\r\n";
    if (!credential.isEmpty())
        r += "Authorization: Bearer " + credential + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    c.send(r + "\r\n" + body);
    return c.read(10'000);
}

QJsonObject apiJson(const BackendProcess &backend, const QByteArray &method, const QByteArray &path,
                    const QByteArray &body)
{
    return QJsonDocument::fromJson(apiCall(backend, method, path, body).body).object();
}

qint64 firstPublishedOffset(const RawResponse &response)
{
    if (response.status != 201)
        return -1;
    return QJsonDocument::fromJson(response.body)
        .object()
        .value(QStringLiteral("offsets"))
        .toArray()
        .at(0)
        .toInteger(-1);
}

EchoProcess::~EchoProcess()
{
    kill9();
}

bool EchoProcess::start(const BackendProcess *backend, const QStringList &extraArgs, quint16 port)
{
    QStringList args{QStringLiteral("--role"), QStringLiteral("echo"), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:%1").arg(port)};
    if (backend)
        args << QStringLiteral("--register") << backend->url().toString() << QStringLiteral("--token-file")
             << backend->tokenFile();
    args += extraArgs;
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(binary(QStringLiteral("meshdeckd")), args);
    if (!m_process.waitForStarted(5000))
        return false;
    QDeadlineTimer deadline(10'000);
    while (!m_process.canReadLine()) {
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
            return false;
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    const QJsonObject ready = QJsonDocument::fromJson(m_process.readLine()).object();
    m_port = quint16(QUrl(ready.value(QStringLiteral("url")).toString()).port());
    return ready.value(QStringLiteral("ready")).toBool() && m_port != 0;
}

void EchoProcess::kill9()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(5000);
}

int EchoProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

bool EchoProcess::control(const QByteArray &json)
{
    RawHttp c;
    if (!c.connectTo(m_port))
        return false;
    c.send("POST /control HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(json.size()) + "\r\n\r\n" + json);
    return c.read().status == 200;
}

} // namespace Meshdeck::Testing
