#pragma once

#include <QProcess>
#include <QSqlDatabase>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace Meshdeck::Testing {

// A real PostgreSQL 15 server for one test process: initdb in a temporary directory, the server on
// a free loopback port, stopped (and its files removed) when the object goes. PostgreSQL refuses
// to run as root, so as root it runs as `nobody` (through setpriv); the cluster's superuser is
// `meshdeck`, trusted on loopback only.
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer();

    // Initialises and starts the server; false with errorString() when it cannot.
    bool start(int timeoutMs = 60'000);
    // SIGKILL: the server dies as in a crash (its files stay; start() again recovers them).
    void kill();
    // Fast shutdown (SIGINT), waiting for the exit.
    void stop();
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }
    // A new, empty database on this server; its postgres:// URL.
    QString createDatabase(const QString &name);
    QString url(const QString &database) const;
    // A QSqlDatabase connection (named `connectionName`) to `database`, opened.
    QSqlDatabase connect(const QString &connectionName, const QString &database) const;
    QByteArray log();

private:
    bool runTool(const QString &tool, const QStringList &args, QString *output);
    QStringList asServerUser(const QString &program, const QStringList &args) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dataDir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
    QByteArray m_log;
};

// Waits (at most `timeoutMs`) until the process `pid` (a server backend, from pg_backend_pid()) has
// exited or is a zombie: after kill(), the moment its client's next statement surely fails.
bool waitForProcessExit(qint64 pid, int timeoutMs = 10'000);

// Store tests run once per dialect: ctest registers each twice, the second with
// MESHDECK_TEST_DIALECT=postgres. This opens the connection the current run wants, a fresh
// database (or file) per call, and starts the PostgreSQL server on first use.
class TestDatabases
{
public:
    TestDatabases();
    ~TestDatabases();
    bool postgres() const { return m_postgres; }
    QString dialectName() const { return m_postgres ? QStringLiteral("postgres") : QStringLiteral("sqlite"); }
    // A fresh database's location for Storage::Database::open (a file path or a postgres:// URL).
    QString freshLocation(const QString &label);
    // A fresh database, opened as the QSqlDatabase connection `connectionName`.
    QSqlDatabase fresh(const QString &connectionName, const QString &label);
    PostgresServer *server() { return m_server.get(); }
    QString error() const { return m_error; }

private:
    bool m_postgres = false;
    QTemporaryDir m_dir;
    std::unique_ptr<PostgresServer> m_server;
    int m_count = 0;
    QString m_error;
};

} // namespace Meshdeck::Testing
