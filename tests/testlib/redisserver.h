#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace Meshdeck::Testing {

// A real redis-server on a free loopback port, in a temporary directory, with no persistence.
// start() returns once it answers PING; stop() and start() again keep the port, as a restarted
// Redis does for the nodes pointing at it. The destructor kills it.
class RedisServer
{
public:
    RedisServer() = default;
    ~RedisServer();
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    static QString executable(); // empty when redis-server is not installed

    // extraArgs: redis-server options such as {"--requirepass", "secret"}; kept for restarts.
    bool start(const QStringList &extraArgs = {}, int timeoutMs = 10'000);
    // SIGTERM; true once it exited.
    bool stop(int timeoutMs = 10'000);
    void kill();
    // SIGSTOP / SIGCONT: a server that keeps its connections open and answers nothing.
    void pause();
    void resume();
    bool running() const { return m_process.state() != QProcess::NotRunning; }

    quint16 port() const { return m_port; }
    // redis://[:password@]127.0.0.1:PORT[/db]
    QUrl url(const QString &password = {}, int db = 0) const;
    // Sends one inline command (e.g. "CLIENT KILL TYPE pubsub") and answers the first line of
    // the reply, or an empty array when there was none within the timeout.
    QByteArray command(const QByteArray &line, int timeoutMs = 5000);
    // What redis-server printed (its log goes to stdout), for a failure message.
    QByteArray output();

private:
    bool launch(int timeoutMs);
    bool answersPing(int timeoutMs);

    QTemporaryDir m_dir;
    QProcess m_process;
    QStringList m_extraArgs;
    QByteArray m_output;
    quint16 m_port = 0;
};

} // namespace Meshdeck::Testing
