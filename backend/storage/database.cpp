#include "database.h"

#include "postgres.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

Q_LOGGING_CATEGORY(lcStorage, "meshdeck.backend.storage")

namespace Meshdeck::Storage {

class Database::Worker : public QObject
{
public:
    QSqlDatabase db;
    std::optional<PostgresTarget> postgres;
    QElapsedTimer sinceFailedConnect; // invalid: the last attempt (if any) succeeded
    QString connectionName = QStringLiteral("meshdeck-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
};

Database::Database(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new Worker)
{
    m_thread->setObjectName(QStringLiteral("database"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

Database::~Database()
{
    if (m_thread->isRunning()) {
        QMetaObject::invokeMethod(
            m_worker,
            [worker = m_worker] {
                const QString name = worker->connectionName;
                worker->db.close();
                worker->db = QSqlDatabase();
                QSqlDatabase::removeDatabase(name);
            },
            Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
    }
}

namespace {
// Migrates a freshly opened connection; closes it when the schema is refused or fails.
Database::OpenResult migrateOpened(QSqlDatabase &db, const std::vector<ComponentSchema> &schemas,
                                   const QString &where)
{
    Database::OpenResult r;
    const MigrationResult migrated = migrate(db, schemas);
    if (!migrated.ok) {
        r.newerThanCode = migrated.newerThanCode;
        r.error = migrated.error;
        db.close();
        return r;
    }
    if (migrated.applied > 0)
        qCInfo(lcStorage).noquote() << "applied" << migrated.applied << "migration(s) to" << where;
    r.ok = true;
    return r;
}
} // namespace

QSqlDatabase &Database::connectionForWorker()
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    Worker *w = m_worker;
    // A server that just refused is not asked again for every queued piece of work (each attempt
    // can block this thread for connect_timeout): the work fails fast on the closed connection.
    constexpr qint64 ReconnectBackoffMs = 1000;
    if (w->postgres && !w->db.isOpen() &&
        (!w->sinceFailedConnect.isValid() || w->sinceFailedConnect.elapsed() >= ReconnectBackoffMs)) {
        QString error;
        if (openPostgres(w->db, *w->postgres, &error)) {
            w->sinceFailedConnect.invalidate();
            m_connected = true;
            qCInfo(lcStorage).noquote() << "reconnected to" << w->postgres->redacted();
        } else {
            w->sinceFailedConnect.start();
            m_connected = false;
            qCWarning(lcStorage).noquote() << error; // the work fails with the closed connection's error
        }
    }
    return w->db;
}

void Database::checkConnectionAfterFailure()
{
    Worker *w = m_worker;
    if (!w->postgres)
        return;
    if (!w->db.isOpen()) {
        // The driver closed it itself (it saw the server go), or a reconnect failed: lost all the same.
        m_connected = false;
        return;
    }
    // A failed statement may be a lost server: find out, and reconnect before the next work.
    QSqlQuery probe(w->db);
    if (!probe.exec(QStringLiteral("SELECT 1"))) {
        qCWarning(lcStorage).noquote()
            << "lost the connection to" << w->postgres->redacted() << "-" << probe.lastError().text();
        probe = QSqlQuery();
        w->db.close();
        m_connected = false;
    }
}

QObject *Database::workerObject() const
{
    return m_worker;
}

QCoro::Task<Database::OpenResult> Database::open(QString path, std::vector<ComponentSchema> schemas)
{
    if (isPostgresUrl(path)) {
        m_path = QStringLiteral("postgres://…"); // never the password, even when the URL is refused
        QString error;
        const std::optional<PostgresTarget> target = parsePostgresUrl(path, &error);
        if (!target)
            co_return OpenResult{false, false, error};
        m_path = target->redacted();
        m_dialect = Dialect::Postgres;
        QFuture<OpenResult> opening = openPostgresOnThread(*target, schemas);
        const OpenResult result = co_await opening;
        m_open = result.ok;
        m_connected = result.ok;
        co_return result;
    }
    m_path = path;
    // Built outside the coroutine body: GCC 12 mis-destroys lambda captures inside co_await expressions.
    QFuture<OpenResult> future = openOnThread(path, schemas);
    const OpenResult result = co_await future;
    m_open = result.ok;
    m_connected = result.ok;
    co_return result;
}

QFuture<Database::OpenResult> Database::openOnThread(const QString &path,
                                                     const std::vector<ComponentSchema> &schemas)
{
    Worker *worker = m_worker;
    return run([worker, path, schemas](QSqlDatabase &) {
        OpenResult r;
        worker->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), worker->connectionName);
        worker->db.setDatabaseName(path);
        worker->db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!worker->db.open()) {
            r.error = QStringLiteral("cannot open %1: %2").arg(path, worker->db.lastError().text());
            return r;
        }
        QSqlQuery q(worker->db);
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next() ||
            q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
            r.error = QStringLiteral("cannot switch %1 to WAL mode: %2").arg(path, q.lastError().text());
            return r;
        }
        // FULL: a commit is on disk before we acknowledge it (NORMAL may lose the last ones).
        for (const auto *pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
            if (!q.exec(QString::fromLatin1(pragma))) {
                r.error =
                    QStringLiteral("%1 failed: %2").arg(QString::fromLatin1(pragma), q.lastError().text());
                return r;
            }
        }
        return migrateOpened(worker->db, schemas, path);
    });
}

QFuture<Database::OpenResult> Database::openPostgresOnThread(const PostgresTarget &target,
                                                             const std::vector<ComponentSchema> &schemas)
{
    Worker *worker = m_worker;
    return run([worker, target, schemas](QSqlDatabase &) {
        OpenResult r;
        worker->db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), worker->connectionName);
        if (!worker->db.isValid()) {
            r.error =
                QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed: install libqt6sql6-psql");
            return r;
        }
        if (!openPostgres(worker->db, target, &r.error))
            return r;
        r = migrateOpened(worker->db, schemas, target.redacted());
        if (r.ok)
            worker->postgres = target; // from now on, a lost connection is opened again
        return r;
    });
}

QCoro::Task<void> Database::close()
{
    if (!m_open)
        co_return;
    m_open = false;
    m_connected = false;
    Worker *worker = m_worker;
    const bool postgres = m_dialect == Dialect::Postgres;
    QFuture<void> done = run([worker, postgres](QSqlDatabase &) {
        if (postgres) {
            worker->postgres.reset(); // closed on purpose: no reconnecting
            worker->db.close();
            return;
        }
        // Fold the WAL back into the main file so a copied data directory is one self-contained file.
        QSqlQuery q(worker->db);
        q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        q.finish();
        worker->db.close();
    });
    co_await done;
}

} // namespace Meshdeck::Storage
