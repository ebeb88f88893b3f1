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
    for (int v = 1; v <= versions; ++v)
        s.migrations.push_back({v,
                                QStringLiteral("v%1").arg(v),
                                {QStringLiteral("CREATE TABLE t%1 (id INTEGER PRIMARY KEY)").arg(v)}});
    return {s};
}

struct SqliteFile {
    QTemporaryDir dir;
    QSqlDatabase db;
    explicit SqliteFile(const QString &name)
    {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dir.filePath(QStringLiteral("test.db")));
        db.open();
    }
    ~SqliteFile()
    {
        const QString name = db.connectionName();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    bool tableExists(const QString &table)
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?"));
        q.addBindValue(table);
        return q.exec() && q.next();
    }
};
} // namespace

class TestStorage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appliesMigrationsOnceInOrder()
    {
        SqliteFile f(QStringLiteral("a"));
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
        SqliteFile f(QStringLiteral("b"));
        QVERIFY(migrate(f.db, schemaV(3)).ok);
        const MigrationResult r = migrate(f.db, schemaV(2));
        QVERIFY(!r.ok);
        QVERIFY(r.newerThanCode);
        QVERIFY2(r.error.contains(QStringLiteral("newer")), qPrintable(r.error));
        QCOMPARE(schemaVersion(f.db, QStringLiteral("things")), 3);
    }

    void refusesAComponentItDoesNotKnowAndTouchesNothing()
    {
        SqliteFile f(QStringLiteral("c"));
        QVERIFY(migrate(f.db,
                        {ComponentSchema{QStringLiteral("future"),
                                         {{1, QStringLiteral("x"), {QStringLiteral("CREATE TABLE f (a)")}}}}})
                    .ok);
        const MigrationResult r = migrate(f.db, schemaV(1));
        QVERIFY(!r.ok);
        QVERIFY(r.newerThanCode);
        QVERIFY2(!f.tableExists(QStringLiteral("t1")), "nothing is applied when the file is refused");
    }

    void aFailingMigrationLeavesThePreviousVersion()
    {
        SqliteFile f(QStringLiteral("d"));
        auto schemas = schemaV(1);
        schemas[0].migrations.push_back(
            {2,
             QStringLiteral("broken"),
             {QStringLiteral("CREATE TABLE half (a)"), QStringLiteral("THIS IS NOT SQL")}});
        const MigrationResult r = migrate(f.db, schemas);
        QVERIFY(!r.ok);
        QVERIFY(!r.newerThanCode);
        QVERIFY(r.error.contains(QStringLiteral("broken")));
        QCOMPARE(schemaVersion(f.db, QStringLiteral("things")), 1);
        QVERIFY2(!f.tableExists(QStringLiteral("half")), "the failed migration's transaction is rolled back");
    }

    void databaseRunsQueriesOnItsOwnThreadDurably()
    {
        QTemporaryDir dir;
        Database db;
        const auto opened = waitForTask(db.open(dir.filePath(QStringLiteral("m.db")), schemaV(1)));
        QVERIFY2(opened.ok, qPrintable(opened.error));

        QThread *const testThread = QThread::currentThread();
        QFuture<QStringList> future = db.run([testThread](QSqlDatabase &c) {
            QStringList out;
            out << (QThread::currentThread() != testThread ? QStringLiteral("other-thread")
                                                           : QStringLiteral("same-thread"));
            QSqlQuery q(c);
            q.exec(QStringLiteral("PRAGMA journal_mode"));
            q.next();
            out << q.value(0).toString();
            q.exec(QStringLiteral("PRAGMA synchronous"));
            q.next();
            out << q.value(0).toString(); // 2 = FULL
            q.exec(QStringLiteral("INSERT INTO t1 (id) VALUES (7)"));
            return out;
        });
        QVERIFY(QTest::qWaitFor([&] { return future.isFinished(); }, 5000));
        QCOMPARE(future.result(),
                 (QStringList{QStringLiteral("other-thread"), QStringLiteral("wal"), QStringLiteral("2")}));
        waitForTask(db.close());

        // Reopen: the row is there and the schema is not re-applied.
        Database again;
        QVERIFY(waitForTask(again.open(dir.filePath(QStringLiteral("m.db")), schemaV(1))).ok);
        QFuture<int> count = again.run([](QSqlDatabase &c) {
            QSqlQuery q(c);
            q.exec(QStringLiteral("SELECT COUNT(*) FROM t1"));
            q.next();
            return q.value(0).toInt();
        });
        QVERIFY(QTest::qWaitFor([&] { return count.isFinished(); }, 5000));
        QCOMPARE(count.result(), 1);
    }

    void openReportsANewerDatabase()
    {
        QTemporaryDir dir;
        {
            Database db;
            QVERIFY(waitForTask(db.open(dir.filePath(QStringLiteral("n.db")), schemaV(4))).ok);
            waitForTask(db.close());
        }
        Database older;
        const auto opened = waitForTask(older.open(dir.filePath(QStringLiteral("n.db")), schemaV(2)));
        QVERIFY(!opened.ok);
        QVERIFY(opened.newerThanCode);
        QVERIFY(!older.isOpen());
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
