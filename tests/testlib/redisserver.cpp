#include "redisserver.h"

#include <QDeadlineTimer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <csignal>

namespace Meshdeck::Testing {

namespace {

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

RedisServer::~RedisServer()
{
    kill();
}

QString RedisServer::executable()
{
    return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
}

bool RedisServer::start(const QStringList &extraArgs, int timeoutMs)
{
    if (running())
        return true;
    if (!extraArgs.isEmpty() || m_port == 0)
        m_extraArgs = extraArgs;
    if (m_port != 0)
        return launch(timeoutMs); // a restart keeps its port
    // Another process may take the probed port before Redis binds it: try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freeLoopbackPort();
        if (launch(timeoutMs))
            return true;
        if (!m_output.contains("Address already in use"))
            break;
    }
    return false;
}

bool RedisServer::launch(int timeoutMs)
{
    if (!m_dir.isValid() || m_port == 0 || executable().isEmpty())
        return false;
    QStringList args{QStringLiteral("--port"),       QString::number(m_port),
                     QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
                     QStringLiteral("--dir"),        m_dir.path(),
                     QStringLiteral("--save"),       QString(),
                     QStringLiteral("--appendonly"), QStringLiteral("no"),
                     QStringLiteral("--daemonize"),  QStringLiteral("no"),
                     QStringLiteral("--logfile"),    QString()};
    args += m_extraArgs;
    m_output.clear();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(executable(), args);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    // Redis logs "Ready to accept connections" once it listens; then a PING proves it answers.
    QDeadlineTimer deadline(timeoutMs);
    while (!m_output.contains("Ready to accept connections")) {
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning) {
            output();
            kill();
            return false;
        }
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        m_output += m_process.readAll();
    }
    return answersPing(int(qMax<qint64>(1, deadline.remainingTime())));
}

bool RedisServer::answersPing(int timeoutMs)
{
    const QByteArray reply = command("PING", timeoutMs);
    // With --requirepass it answers NOAUTH: it answers all the same.
    return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
}

QByteArray RedisServer::command(const QByteArray &line, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(int(qMax<qint64>(1, deadline.remainingTime()))))
        return {};
    socket.write(line + "\r\n");
    QByteArray reply;
    while (!reply.contains("\r\n")) {
        if (deadline.hasExpired() || !socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            return {};
        reply += socket.readAll();
    }
    return reply.left(reply.indexOf("\r\n"));
}

bool RedisServer::stop(int timeoutMs)
{
    if (!running())
        return true;
    resume(); // a paused server cannot handle SIGTERM
    ::kill(pid_t(m_process.processId()), SIGTERM);
    const bool exited = m_process.waitForFinished(timeoutMs);
    output();
    return exited;
}

void RedisServer::kill()
{
    if (!running())
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

void RedisServer::pause()
{
    if (running())
        ::kill(pid_t(m_process.processId()), SIGSTOP);
}

void RedisServer::resume()
{
    if (running())
        ::kill(pid_t(m_process.processId()), SIGCONT);
}

QUrl RedisServer::url(const QString &password, int db) const
{
    QUrl url;
    url.setScheme(QStringLiteral("redis"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    if (!password.isEmpty())
        url.setPassword(password);
    if (db != 0)
        url.setPath(QLatin1Char('/') + QString::number(db));
    return url;
}

QByteArray RedisServer::output()
{
    m_output += m_process.readAll();
    return m_output;
}

} // namespace Meshdeck::Testing
