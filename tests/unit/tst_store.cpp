// The store contract (storage/store.h) and the platform's domain results, on a real SQLite file
// behind the database thread, as every service's store uses them.
#include "testing.h"

#include "platform/result.h"
#include "storage/database.h"
#include "storage/store.h"

#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Meshdeck;
using namespace Meshdeck::Storage;
using namespace Meshdeck::Testing;

namespace {
std::vector<ComponentSchema> schema()
{
    return {
        {QStringLiteral("things"),
         {{1,
           QStringLiteral("things"),
           {QStringLiteral("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")}}}}};
}

qint64 countThings(QSqlDatabase &db)
{
    QSqlQuery q = exec(db, QStringLiteral("SELECT count(*) FROM things"));
    q.next();
    return q.value(0).toLongLong();
}

// Two inserts in one transaction; the second fails when `name2` is already taken.
void insertPair(QSqlDatabase &db, const QString &name1, const QString &name2)
{
    Transaction tx(db);
    exec(db, QStringLiteral("INSERT INTO things (name) VALUES (?)"), {name1});
    exec(db, QStringLiteral("INSERT INTO things (name) VALUES (?)"), {name2});
    tx.commit();
}

QCoro::Task<Result<qint64>> insertPairThenCount(Database *database, QString a, QString b)
{
    Result<void> inserted = co_await database->attempt([a, b](QSqlDatabase &db) { insertPair(db, a, b); });
    if (!inserted)
        co_return inserted.error();
    co_return co_await database->attempt([](QSqlDatabase &db) { return countThings(db); });
}
} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_database = std::make_unique<Database>();
        const auto opened = waitForTask(
            m_database->open(m_dir.filePath(QStringLiteral("store-%1.db").arg(m_run++)), schema()));
        QVERIFY2(opened.ok, qPrintable(opened.error));
    }
    void cleanup()
    {
        waitForTask(m_database->close());
        m_database.reset();
    }

    void committedTransactionKeepsEveryStatement()
    {
        const Result<qint64> count =
            waitForTask(insertPairThenCount(m_database.get(), QStringLiteral("a"), QStringLiteral("b")));
        QVERIFY(count.ok());
        QCOMPARE(*count, 2);
    }

    void failedStatementRollsBackTheWholeTransaction()
    {
        QVERIFY(waitForTask(insertPairThenCount(m_database.get(), QStringLiteral("a"), QStringLiteral("b")))
                    .ok());
        // "c" goes in first, then "a" collides: the transaction must leave nothing of "c" behind.
        const Result<qint64> failed =
            waitForTask(insertPairThenCount(m_database.get(), QStringLiteral("c"), QStringLiteral("a")));
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().kind, ErrorKind::Unavailable);
        QVERIFY2(failed.error().reason.contains(QLatin1String("UNIQUE"), Qt::CaseInsensitive),
                 qPrintable(failed.error().reason));
        const Result<qint64> count =
            waitForTask(m_database->attempt([](QSqlDatabase &db) { return countThings(db); }));
        QVERIFY(count.ok());
        QCOMPARE(*count, 2);
    }

    void uncommittedTransactionRollsBackOnScopeExit()
    {
        const Result<void> left = waitForTask(m_database->attempt([](QSqlDatabase &db) {
            Transaction tx(db);
            exec(db, QStringLiteral("INSERT INTO things (name) VALUES ('early-return')"));
            // no commit: as a store function that returns early would
        }));
        QVERIFY(left.ok());
        const Result<qint64> count =
            waitForTask(m_database->attempt([](QSqlDatabase &db) { return countThings(db); }));
        QCOMPARE(*count, 0);
        // The connection is usable for a new transaction afterwards.
        QVERIFY(waitForTask(insertPairThenCount(m_database.get(), QStringLiteral("x"), QStringLiteral("y")))
                    .ok());
    }

    void badStatementIsAStoreErrorWithTheDatabasesReason()
    {
        const Result<qint64> r = waitForTask(m_database->attempt([](QSqlDatabase &db) {
            exec(db, QStringLiteral("SELECT * FROM no_such_table"));
            return qint64(1);
        }));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Unavailable);
        QCOMPARE(r.error().code, QByteArrayLiteral("storage-failure"));
        QVERIFY2(r.error().reason.contains(QLatin1String("no_such_table")), qPrintable(r.error().reason));
    }

    void dialectIsSqliteForTheLocalStack()
    {
        const Result<bool> sqlite =
            waitForTask(m_database->attempt([](QSqlDatabase &db) { return dialect(db) == Dialect::Sqlite; }));
        QVERIFY(sqlite.ok());
        QVERIFY(*sqlite);
    }

    void resultCarriesValueOrError()
    {
        Result<QString> value(QStringLiteral("v"));
        QVERIFY(value.ok());
        QCOMPARE(*value, QStringLiteral("v"));
        Result<QString> invalid(
            Error::invalid(QStringLiteral("port"), QStringLiteral("port must be 1-65535")));
        QVERIFY(!invalid);
        QCOMPARE(invalid.error().kind, ErrorKind::Invalid);
        QCOMPARE(invalid.error().field, QStringLiteral("port"));
        const Result<void> busy = Error::busy(QStringLiteral("full"), 2);
        QVERIFY(!busy);
        QCOMPARE(busy.error().retryAfterSeconds, 2);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_database;
    int m_run = 0;
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
