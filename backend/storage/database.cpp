#include "database.h"

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

QSqlDatabase &Database::connectionForWorker()
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    return m_worker->db;
}

QObject *Database::workerObject() const
{
    return m_worker;
}

QCoro::Task<Database::OpenResult> Database::open(QString path, std::vector<ComponentSchema> schemas)
{
    m_path = path;
    // Built outside the coroutine body: GCC 12 mis-destroys lambda captures inside co_await expressions.
    QFuture<OpenResult> future = openOnThread(path, schemas);
    const OpenResult result = co_await future;
    m_open = result.ok;
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
        const MigrationResult migrated = migrate(worker->db, schemas);
        if (!migrated.ok) {
            r.newerThanCode = migrated.newerThanCode;
            r.error = migrated.error;
            worker->db.close();
            return r;
        }
        if (migrated.applied > 0)
            qCInfo(lcStorage) << "applied" << migrated.applied << "migration(s) to" << path;
        r.ok = true;
        return r;
    });
}

QCoro::Task<void> Database::close()
{
    if (!m_open)
        co_return;
    m_open = false;
    Worker *worker = m_worker;
    QFuture<void> done = run([worker](QSqlDatabase &) {
        // Fold the WAL back into the main file so a copied data directory is one self-contained file.
        QSqlQuery q(worker->db);
        q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        q.finish();
        worker->db.close();
    });
    co_await done;
}

} // namespace Meshdeck::Storage
