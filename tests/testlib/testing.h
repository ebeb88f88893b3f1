#pragma once

#include <QByteArray>
#include <QEventLoop>
#include <QJsonObject>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <QCoroTask>

#include <memory>
#include <optional>
#include <stdexcept>

namespace Meshdeck::Testing {

// Runs the event loop until the task finishes; throws if it does not within the timeout (so a
// test fails instead of hanging, unlike QCoro::waitFor, which hangs on a throw).
template<typename T> T waitForTask(QCoro::Task<T> task, int timeoutMs = 10'000)
{
    QEventLoop loop;
    auto result = std::make_shared<std::optional<T>>();
    auto alive = std::make_shared<bool>(true);
    task.then([result, alive, &loop](T value) {
        *result = std::move(value);
        if (*alive)
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!result->has_value())
        loop.exec();
    *alive = false;
    if (!result->has_value())
        throw std::runtime_error("coroutine did not finish within the timeout");
    return std::move(**result);
}

inline void waitForTask(QCoro::Task<void> task, int timeoutMs = 10'000)
{
    QEventLoop loop;
    auto done = std::make_shared<bool>(false);
    auto alive = std::make_shared<bool>(true);
    task.then([done, alive, &loop] {
        *done = true;
        if (*alive)
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!*done)
        loop.exec();
    *alive = false;
    if (!*done)
        throw std::runtime_error("coroutine did not finish within the timeout");
}

// The offsets of the {"type":"event"} messages among realtime messages, in order.
QList<qint64> eventOffsets(const QList<QJsonObject> &messages);

// The project's binaries (bin/ of the build tree).
QString binary(const QString &name);
QString testDataPath(const QString &relative);

struct RawResponse {
    int status = 0;
    QByteArray statusLine;
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;
    QByteArray header(QByteArrayView name) const;
    bool valid() const { return status != 0; }
};

// A byte-exact HTTP/1.1 client: sends what a test writes and reads responses one at a time,
// spinning the event loop while it waits (the server under test may share this thread).
class RawHttp
{
public:
    bool connectTo(quint16 port, int timeoutMs = 5000);
    // HTTPS: true once the handshake succeeded with `configuration` (its CA, its protocols).
    bool connectEncrypted(quint16 port, const QSslConfiguration &configuration, int timeoutMs = 5000);
    void send(QByteArrayView bytes);
    // `head`: the answer to a HEAD request, which has no body whatever its Content-Length says.
    RawResponse read(int timeoutMs = 5000, bool head = false);
    // True once the server closed the connection (reads and discards anything else it sent).
    bool waitClosed(int timeoutMs = 5000);
    // Sends one byte at a time, `intervalMs` apart, as a slowloris client does, until everything
    // is sent or the server closes; returns how many bytes went out.
    qsizetype sendSlowly(const QByteArray &bytes, int intervalMs);
    QSslSocket &socket() { return m_socket; }

private:
    bool fill(int timeoutMs);
    QSslSocket m_socket; // unencrypted unless connectEncrypted()
    QByteArray m_buffer;
};

// The real meshdeckd, started on port 0 in a temporary data directory.
class BackendProcess
{
public:
    explicit BackendProcess(QString dataDir = {});
    ~BackendProcess();

    bool start(const QStringList &extraArgs = {}, int timeoutMs = 10'000);
    // Limits the size of any file the backend writes (RLIMIT_FSIZE): a stand-in for a full disk.
    void setFileSizeLimit(qint64 bytes) { m_fileSizeLimit = bytes; }
    // SIGTERM, then the exit code (or -1 on a crash or timeout).
    int terminate(int timeoutMs = 15'000);
    void kill();

    QUrl url() const { return m_url; }
    quint16 port() const { return quint16(m_url.port()); }
    QByteArray token() const { return m_token; }
    QString tokenFile() const { return m_tokenFile; }
    QString dataDir() const { return m_dataDir; }
    QProcess &process() { return m_process; }
    QByteArray readyLine() const { return m_readyLine; }
    // From the ready line: "nodeId" and "mode" ("local" or "cluster").
    QString nodeId() const { return m_nodeId; }
    QString mode() const { return m_mode; }
    QByteArray stderrText();

private:
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dataDir;
    QProcess m_process;
    QUrl m_url;
    QByteArray m_token;
    QString m_tokenFile;
    QByteArray m_readyLine;
    QString m_nodeId;
    QString m_mode;
    QByteArray m_stderr;
    qint64 m_fileSizeLimit = 0;
};

// One authenticated JSON call to a backend over a fresh connection.
RawResponse apiCall(const BackendProcess &backend, const QByteArray &method, const QByteArray &path,
                    const QByteArray &body = {});
QJsonObject apiJson(const BackendProcess &backend, const QByteArray &method, const QByteArray &path,
                    const QByteArray &body = {});
// One JSON call with another credential (empty: none) over a fresh connection.
RawResponse callAs(quint16 port, const QByteArray &credential, const QByteArray &method,
                   const QByteArray &path, const QByteArray &body = {});

// The first offset a publish answered with (201), or -1 when it was not acknowledged.
qint64 firstPublishedOffset(const RawResponse &response);

// `meshdeckd --role echo`, registered with a backend (unless no backend is given).
class EchoProcess
{
public:
    ~EchoProcess();
    // port 0: a free one. Returns once the echo serves (it registers right after).
    bool start(const BackendProcess *backend, const QStringList &extraArgs = {}, quint16 port = 0);
    void kill9();
    int terminate(int timeoutMs = 10'000);
    quint16 port() const { return m_port; }
    // POST /control on the echo: {"fail":true}, {"delayMs":300}, {"heartbeats":false}.
    bool control(const QByteArray &json);
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace Meshdeck::Testing
