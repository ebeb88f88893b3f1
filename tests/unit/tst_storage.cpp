#include "postgresserver.h"
#include "testing.h"

#include "storage/database.h"
#include "storage/migrations.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

using namespace Meshdeck::Storage;
using namespace Meshdeck::Testing;

namespace {
std::vector<ComponentSchema> schemaV(int versions)
{
    ComponentSchema s{QStringLiteral("things"), {}};
    for (int v = 1; v <= versions; ++v) {
        const QString sql = QStringLiteral("CREATE TABLE t%1 (id INTEGER PRIMARY KEY)").arg(v);
        s.migrations.push_back({v, QStringLiteral("v%1").arg(v), {sql}, {sql}});
    }
    return {s};
}

// One fresh database of the run's dialect, as a plain connection.
struct TestFile {
    QSqlDatabase db;
    TestFile(TestDatabases &databases, const QString &name) { db = databases.fresh(name, name); }
    ~TestFile()
    {
        const QString name = db.connectionName();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    bool tableExists(const QString &table) { return db.tables().contains(table); }
};

template<typename T> T waitFuture(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10'000))
        throw std::runtime_error("the database did not answer within 10 s");
    return future.result();
}
} // namespace

class TestStorage : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;

private Q_SLOTS:
    void initTestCase() { qInfo() << "dialect:" << m_databases.dialectName(); }

    void appliesMigrationsOnceInOrder()
    {
        TestFile f(m_databases, QStringLiteral("a"));
        MigrationResult r = migrate(f.db, schemaV(2));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.applied, 2);
        QCOMPARE(schemaVersion(f.db, QStringLiteral("things")), 2);
        r = migrate(f.db, schemaV(2));
        QVERIFY(r.ok);
        QCOMPARE(r.applied, 0);
        r = migrate(f.db, schemaV(3));
        QCOMPARE(r.applied, 1);
        QVERIFY(f.tableExists(QStringLiteral("t3")));
    }

    void refusesASchemaNewerThanTheCode()
    {
        TestFile f(m_databases, QStringLiteral("b"));
        QVERIFY(migrate(f.db, schemaV(3)).ok);
        const MigrationResult r = migrate(f.db, schemaV(2));
        QVERIFY(!r.ok);
        QVERIFY(r.newerThanCode);
        QVERIFY2(r.error.contains(QStringLiteral("newer")), qPrintable(r.error));
        QCOMPARE(schemaVersion(f.db, QStringLiteral("things")), 3);
    }

    void refusesAComponentItDoesNotKnowAndTouchesNothing()
    {
        TestFile f(m_databases, QStringLiteral("c"));
        QVERIFY(migrate(f.db, {ComponentSchema{QStringLiteral("future"),
                                               {{1,
                                                 QStringLiteral("x"),
                                                 {QStringLiteral("CREATE TABLE f (a INTEGER)")},
                                                 {QStringLiteral("CREATE TABLE f (a INTEGER)")}}}}})
                    .ok);
        const MigrationResult r = migrate(f.db, schemaV(1));
        QVERIFY(!r.ok);
        QVERIFY(r.newerThanCode);
        QVERIFY2(!f.tableExists(QStringLiteral("t1")), "nothing is applied when the file is refused");
    }

    void aFailingMigrationLeavesThePreviousVersion()
    {
        TestFile f(m_databases, QStringLiteral("d"));
        auto schemas = schemaV(1);
        schemas[0].migrations.push_back(
            {2,
             QStringLiteral("broken"),
             {QStringLiteral("CREATE TABLE half (a INTEGER)"), QStringLiteral("THIS IS NOT SQL")},
             {QStringLiteral("CREATE TABLE half (a INTEGER)"), QStringLiteral("THIS IS NOT SQL")}});
        const MigrationResult r = migrate(f.db, schemas);
        QVERIFY(!r.ok);
        QVERIFY(!r.newerThanCode);
        QVERIFY(r.error.contains(QStringLiteral("broken")));
        QCOMPARE(schemaVersion(f.db, QStringLiteral("things")), 1);
        QVERIFY2(!f.tableExists(QStringLiteral("half")), "the failed migration's transaction is rolled back");
    }

    void databaseRunsQueriesOnItsOwnThreadDurably()
    {
        const QString location = m_databases.freshLocation(QStringLiteral("m"));
        const bool postgres = m_databases.postgres();
        {
            Database db;
            const auto opened = waitForTask(db.open(location, schemaV(1)));
            QVERIFY2(opened.ok, qPrintable(opened.error));
            QCOMPARE(db.dialect(), postgres ? Dialect::Postgres : Dialect::Sqlite);

            QThread *const testThread = QThread::currentThread();
            const QStringList seen = waitFuture(db.run([testThread, postgres](QSqlDatabase &c) {
                QStringList out;
                out << (QThread::currentThread() != testThread ? QStringLiteral("other-thread")
                                                               : QStringLiteral("same-thread"));
                QSqlQuery q(c);
                const auto value = [&q](const char *sql) {
                    q.exec(QString::fromLatin1(sql));
                    q.next();
                    return q.value(0).toString();
                };
                if (postgres) {
                    out << value("SHOW synchronous_commit") << value("SHOW TimeZone");
                } else {
                    out << value("PRAGMA journal_mode") << value("PRAGMA synchronous"); // 2 = FULL
                }
                q.exec(QStringLiteral("INSERT INTO t1 (id) VALUES (7)"));
                return out;
            }));
            const QStringList expected =
                postgres
                    ? QStringList{QStringLiteral("other-thread"), QStringLiteral("on"), QStringLiteral("UTC")}
                    : QStringList{QStringLiteral("other-thread"), QStringLiteral("wal"), QStringLiteral("2")};
            QCOMPARE(seen, expected);
            waitForTask(db.close());
        }

        // Reopen: the row is there and the schema is not re-applied.
        Database again;
        QVERIFY(waitForTask(again.open(location, schemaV(1))).ok);
        const int count = waitFuture(again.run([](QSqlDatabase &c) {
            QSqlQuery q(c);
            q.exec(QStringLiteral("SELECT COUNT(*) FROM t1"));
            q.next();
            return q.value(0).toInt();
        }));
        QCOMPARE(count, 1);
    }

    // Nodes started together against one empty PostgreSQL database: each migration runs once, and
    // every node opens it. (SQLite: one meshdeckd owns its file, so this is PostgreSQL's case.)
    void nodesStartedTogetherMigrateOnce()
    {
        if (!m_databases.postgres())
            QSKIP("PostgreSQL only: an SQLite file belongs to one meshdeckd");
        const QString location = m_databases.freshLocation(QStringLiteral("together"));
        std::vector<std::unique_ptr<Database>> nodes;
        std::vector<QCoro::Task<Database::OpenResult>> opening;
        for (int i = 0; i < 4; ++i) {
            nodes.push_back(std::make_unique<Database>());
            opening.push_back(nodes.back()->open(location, schemaV(5)));
        }
        for (auto &task : opening) {
            const Database::OpenResult r = waitForTask(std::move(task));
            QVERIFY2(r.ok, qPrintable(r.error));
        }
        const int rows = waitFuture(nodes[0]->run([](QSqlDatabase &c) {
            QSqlQuery q(c);
            q.exec(QStringLiteral("SELECT COUNT(*) FROM schema_migrations"));
            q.next();
            return q.value(0).toInt();
        }));
        QCOMPARE(rows, 5);
    }

    // PostgreSQL restarts under a running node: work fails as Unavailable meanwhile (never hangs),
    // and the connection comes back by itself when the server does.
    void aLostPostgresConnectionComesBack()
    {
        if (!m_databases.postgres())
            QSKIP("PostgreSQL only: SQLite has no connection to lose");
        const QString location = m_databases.freshLocation(QStringLiteral("lost"));
        Database db;
        QVERIFY(waitForTask(db.open(location, schemaV(1))).ok);
        const auto insert = [&db](int id) {
            return waitForTask(db.attempt([id](QSqlDatabase &c) {
                Meshdeck::Storage::exec(c, QStringLiteral("INSERT INTO t1 (id) VALUES (?)"), {id});
            }));
        };
        QVERIFY(insert(1).ok());
        m_databases.server()->stop();
        const auto failed = insert(2);
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().kind, Meshdeck::ErrorKind::Unavailable);
        QVERIFY(m_databases.server()->start());
        QVERIFY2(insert(3).ok(), "the connection is opened again");
        const int count = waitFuture(db.run([](QSqlDatabase &c) {
            QSqlQuery q(c);
            q.exec(QStringLiteral("SELECT COUNT(*) FROM t1"));
            q.next();
            return q.value(0).toInt();
        }));
        QCOMPARE(count, 2);
    }

    void aBadOrUnreachableDatabaseUrlIsAClearError()
    {
        Database bad;
        auto opened = waitForTask(bad.open(QStringLiteral("postgres://127.0.0.1/x"), schemaV(1)));
        QVERIFY(!opened.ok);
        QVERIFY2(opened.error.contains(QStringLiteral("no user name")), qPrintable(opened.error));
        opened = waitForTask(bad.open(QStringLiteral("postgres://u@127.0.0.1/x?frobnicate=1"), schemaV(1)));
        QVERIFY2(opened.error.contains(QStringLiteral("frobnicate")), qPrintable(opened.error));

        // A URL QUrl refuses (an unencoded space in the password): the reason never quotes it.
        Database malformed;
        opened = waitForTask(malformed.open(QStringLiteral("postgres://u:hunter 2@127.0.0.1/x"), schemaV(1)));
        QVERIFY(!opened.ok);
        QVERIFY2(opened.error.contains(QStringLiteral("not a valid URL")), qPrintable(opened.error));
        QVERIFY2(!opened.error.contains(QStringLiteral("hunter")), qPrintable(opened.error));
        QVERIFY2(!malformed.path().contains(QStringLiteral("hunter")), qPrintable(malformed.path()));

        // Port 1 on loopback refuses at once; the message names the target but never the password.
        Database unreachable;
        opened =
            waitForTask(unreachable.open(QStringLiteral("postgres://u:hunter2@127.0.0.1:1/x"), schemaV(1)));
        QVERIFY(!opened.ok);
        QVERIFY2(opened.error.contains(QStringLiteral("postgres://u@127.0.0.1:1/x")),
                 qPrintable(opened.error));
        QVERIFY2(!opened.error.contains(QStringLiteral("hunter2")), qPrintable(opened.error));
    }

    void openReportsANewerDatabase()
    {
        const QString location = m_databases.freshLocation(QStringLiteral("n"));
        {
            Database db;
            QVERIFY(waitForTask(db.open(location, schemaV(4))).ok);
            waitForTask(db.close());
        }
        Database older;
        const auto opened = waitForTask(older.open(location, schemaV(2)));
        QVERIFY(!opened.ok);
        QVERIFY(opened.newerThanCode);
        QVERIFY(!older.isOpen());
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
