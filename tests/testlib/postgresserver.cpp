#include "postgresserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>
#include <QThread>

#include <csignal>
#include <unistd.h>

namespace Meshdeck::Testing {

namespace {
const QString BinDir = QStringLiteral("/usr/lib/postgresql/15/bin");

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
} // namespace

PostgresServer::PostgresServer() = default;

PostgresServer::~PostgresServer()
{
    if (isRunning()) {
        m_process.kill();
        m_process.waitForFinished(10'000);
    }
}

QStringList PostgresServer::asServerUser(const QString &program, const QStringList &args) const
{
    if (::geteuid() != 0)
        return QStringList{program} + args;
    // setpriv execs in place (runuser forks): signals and kills reach the server itself.
    return QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=nobody"),
                       QStringLiteral("--regid=nogroup"), QStringLiteral("--clear-groups"), program} +
           args;
}

bool PostgresServer::runTool(const QString &tool, const QStringList &args, QString *output)
{
    const QStringList command = asServerUser(BinDir + QLatin1Char('/') + tool, args);
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_dir->path());
    p.start(command.first(), command.mid(1));
    const bool finished = p.waitForFinished(120'000);
    *output = QString::fromLocal8Bit(p.readAll());
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool PostgresServer::start(int timeoutMs)
{
    if (!QFile::exists(BinDir + QStringLiteral("/postgres"))) {
        m_error = QStringLiteral("PostgreSQL 15 is not installed (%1/postgres): run installer/setup-deps.sh")
                      .arg(BinDir);
        return false;
    }
    if (!m_dir) {
        m_dir = std::make_unique<QTemporaryDir>();
        m_dataDir = m_dir->filePath(QStringLiteral("data"));
        if (::geteuid() == 0) {
            // The server's user must own its directory and reach it.
            QProcess::execute(QStringLiteral("chown"), {QStringLiteral("nobody:nogroup"), m_dir->path()});
            QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                     QFile::ReadOther | QFile::ExeOther);
        }
        QString output;
        if (!runTool(QStringLiteral("initdb"),
                     {QStringLiteral("-D"), m_dataDir, QStringLiteral("-U"), QStringLiteral("meshdeck"),
                      QStringLiteral("--auth=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                      QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                     &output)) {
            m_error = QStringLiteral("initdb failed: %1").arg(output);
            return false;
        }
        m_port = freePort();
    }
    const QStringList command = asServerUser(
        BinDir + QStringLiteral("/postgres"),
        {QStringLiteral("-D"), m_dataDir, QStringLiteral("-p"), QString::number(m_port), QStringLiteral("-c"),
         QStringLiteral("listen_addresses=127.0.0.1"), QStringLiteral("-c"),
         QStringLiteral("unix_socket_directories=%1").arg(m_dir->path()), QStringLiteral("-c"),
         QStringLiteral("max_connections=200"), QStringLiteral("-c"), QStringLiteral("fsync=off"),
         QStringLiteral("-c"), QStringLiteral("full_page_writes=off")});
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(command.first(), command.mid(1));
    if (!m_process.waitForStarted(10'000)) {
        m_error = QStringLiteral("cannot start postgres: %1").arg(m_process.errorString());
        return false;
    }
    // Ready when it accepts a connection (bounded; a dead server ends the wait at once).
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QString output;
        if (runTool(QStringLiteral("pg_isready"),
                    {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                     QString::number(m_port), QStringLiteral("-U"), QStringLiteral("meshdeck"),
                     QStringLiteral("-d"), QStringLiteral("postgres"), QStringLiteral("-t"),
                     QStringLiteral("2")},
                    &output))
            return true;
        if (m_process.state() != QProcess::Running || m_process.waitForFinished(100)) {
            m_error = QStringLiteral("postgres exited: %1").arg(QString::fromLocal8Bit(log()));
            return false;
        }
    }
    m_error = QStringLiteral("postgres did not accept connections within %1 ms: %2")
                  .arg(timeoutMs)
                  .arg(QString::fromLocal8Bit(log()));
    return false;
}

void PostgresServer::kill()
{
    m_process.kill();
    m_process.waitForFinished(10'000);
}

void PostgresServer::stop()
{
    if (!isRunning())
        return;
    ::kill(pid_t(m_process.processId()), SIGINT);
    if (!m_process.waitForFinished(30'000))
        kill();
}

QByteArray PostgresServer::log()
{
    m_log += m_process.readAll();
    return m_log;
}

QString PostgresServer::url(const QString &database) const
{
    return QStringLiteral("postgres://meshdeck@127.0.0.1:%1/%2").arg(m_port).arg(database);
}

QSqlDatabase PostgresServer::connect(const QString &connectionName, const QString &database) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(QStringLiteral("127.0.0.1"));
    db.setPort(m_port);
    db.setUserName(QStringLiteral("meshdeck"));
    db.setDatabaseName(database);
    if (db.open()) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("SET TIME ZONE 'UTC'"));
    }
    return db;
}

QString PostgresServer::createDatabase(const QString &name)
{
    const QString connection = QStringLiteral("pg-admin-%1").arg(name);
    {
        QSqlDatabase admin = connect(connection, QStringLiteral("postgres"));
        QSqlQuery q(admin);
        if (!admin.isOpen() || !q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(name)))
            qWarning() << "cannot create database" << name << admin.lastError().text()
                       << q.lastError().text();
        q.finish();
        admin.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return url(name);
}

TestDatabases::TestDatabases()
    : m_postgres(qEnvironmentVariable("MESHDECK_TEST_DIALECT") == QLatin1String("postgres"))
{}

TestDatabases::~TestDatabases() = default;

QString TestDatabases::freshLocation(const QString &label)
{
    QString name = QStringLiteral("t%1_%2").arg(++m_count).arg(label).toLower();
    name.replace(QRegularExpression(QStringLiteral("[^a-z0-9_]")), QStringLiteral("_"));
    if (!m_postgres)
        return m_dir.filePath(name + QStringLiteral(".db"));
    if (!m_server) {
        m_server = std::make_unique<PostgresServer>();
        if (!m_server->start()) {
            m_error = m_server->errorString();
            qCritical().noquote() << "PostgreSQL did not start:" << m_error;
            return {};
        }
    }
    return m_server->createDatabase(name.left(60));
}

bool waitForProcessExit(qint64 pid, int timeoutMs)
{
    const QString stat = QStringLiteral("/proc/%1/stat").arg(pid);
    return QTest::qWaitFor(
        [&] {
            QFile file(stat);
            if (!file.open(QIODevice::ReadOnly))
                return true; // gone
            // "pid (comm) S ...": the state follows the command's closing parenthesis.
            const QByteArray text = file.readAll();
            const qsizetype close = text.lastIndexOf(')');
            return close < 0 || text.mid(close + 2, 1) == "Z";
        },
        timeoutMs);
}

QSqlDatabase TestDatabases::fresh(const QString &connectionName, const QString &label)
{
    const QString location = freshLocation(label);
    if (!m_postgres) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(location);
        db.open();
        return db;
    }
    if (location.isEmpty())
        return {};
    return m_server->connect(connectionName, location.section(QLatin1Char('/'), -1));
}

} // namespace Meshdeck::Testing
