#include "services/events/consumergroupsstore.h"
#include "services/events/eventsschema.h"
#include "services/events/eventsstore.h"
#include "services/events/retentionstore.h"

#include "storage/migrations.h"
#include "storage/store.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Meshdeck::Events;
using namespace Meshdeck;

namespace {
EventInput makeEvent(const QString &type, const QByteArray &data = "{}")
{
    return EventInput{type, {}, data, {}};
}

QList<EventInput> events(int n, const QString &type = QStringLiteral("t"))
{
    QList<EventInput> out;
    for (int i = 0; i < n; ++i)
        out << makeEvent(type, QByteArray::number(i));
    return out;
}
} // namespace

class TestEventsStore : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QSqlDatabase m_db;

private Q_SLOTS:
    void init()
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("events"));
        m_db.setDatabaseName(
            m_dir.filePath(QStringLiteral("%1.db").arg(QString::fromLatin1(QTest::currentTestFunction()))));
        QVERIFY(m_db.open());
        QVERIFY(Storage::migrate(m_db, {{QStringLiteral("events"), Events::schema()}}).ok);
    }
    void cleanup()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("events"));
    }

    void createsListsAndDeletesTopics()
    {
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("orders"), {60, 1000}, 1000));
        QVERIFY(!EventsStore::createTopic(m_db, QStringLiteral("orders"), {}, 1000)); // exists
        const auto t = EventsStore::topic(m_db, QStringLiteral("orders"));
        QVERIFY(t);
        QCOMPARE(t->retention.maxAgeSeconds, 60);
        QCOMPARE(t->retention.maxBytes, 1000);
        QCOMPARE(EventsStore::listTopics(m_db).size(), 1);
        EventsStore::appendGroup(m_db, {{QStringLiteral("orders"), events(3), {}}}, 1000);
        QVERIFY(EventsStore::deleteTopic(m_db, QStringLiteral("orders")));
        QVERIFY(!EventsStore::deleteTopic(m_db, QStringLiteral("orders")));
        QVERIFY(!EventsStore::topic(m_db, QStringLiteral("orders")));
        QSqlQuery q(m_db);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM event_batches")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void aGroupCommitGivesContiguousOffsetsPerTopic()
    {
        EventsStore::createTopic(m_db, QStringLiteral("a"), {}, 0);
        EventsStore::createTopic(m_db, QStringLiteral("b"), {}, 0);
        const auto results =
            EventsStore::appendGroup(m_db,
                                     {{QStringLiteral("a"), events(3), QStringLiteral("r1")},
                                      {QStringLiteral("missing"), events(2), QStringLiteral("r2")},
                                      {QStringLiteral("b"), events(2), QStringLiteral("r3")},
                                      {QStringLiteral("a"), events(2), QStringLiteral("r4")}},
                                     5000);
        QCOMPARE(results.size(), size_t(4));
        QVERIFY(results[0].ok());
        QCOMPARE(results[1].error().kind, ErrorKind::NotFound); // only its own batch fails
        QVERIFY(results[2].ok());
        QVERIFY(results[3].ok());
        QCOMPARE(results[0]->first()->offset, 0);
        QCOMPARE(results[0]->last()->offset, 2);
        QCOMPARE(results[3]->first()->offset, 3);
        QCOMPARE(results[3]->last()->offset, 4);
        QCOMPARE(results[2]->first()->offset, 0);
        QCOMPARE(results[3]->first()->requestId, QStringLiteral("r4"));
        const auto a = EventsStore::topic(m_db, QStringLiteral("a"));
        QCOMPARE(a->nextOffset, 5);
        QCOMPARE(a->eventCount, 5);
    }

    void readsByOffsetAndByTimeInOrder()
    {
        EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0);
        EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(5), {}}}, 1000);
        EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(5), {}}}, 2000);
        auto r = EventsStore::read(m_db, QStringLiteral("t"), 3, -1, 4);
        QVERIFY(r);
        QCOMPARE(r->events.size(), 4);
        QCOMPARE(r->events.first()->offset, 3);
        QCOMPARE(r->nextOffset, 7);
        QCOMPARE(r->events[1]->data, QByteArray("4")); // the payload published at offset 4
        r = EventsStore::read(m_db, QStringLiteral("t"), 0, 2000, 100);
        QCOMPARE(r->events.size(), 5);
        QCOMPARE(r->events.first()->offset, 5);
        QCOMPARE(r->nextOffset, 10);
        r = EventsStore::read(m_db, QStringLiteral("t"), 10, -1, 100);
        QCOMPARE(r->events.size(), 0);
        QCOMPARE(r->nextOffset, 10);
        QVERIFY(!EventsStore::read(m_db, QStringLiteral("nope"), 0, -1, 10));
    }

    void retentionRemovesOnlyAnExpiredPrefix()
    {
        EventsStore::createTopic(m_db, QStringLiteral("aged"), {10, 0}, 0);
        EventsStore::appendGroup(m_db, {{QStringLiteral("aged"), events(4), {}}}, 1'000);
        EventsStore::appendGroup(m_db, {{QStringLiteral("aged"), events(3), {}}}, 20'000);
        QCOMPARE(RetentionStore::expireEvents(m_db, 25'000, 1000), 4); // older than 10 s at t=25 s
        auto t = EventsStore::topic(m_db, QStringLiteral("aged"));
        QCOMPARE(t->firstOffset, 4);
        QCOMPARE(t->eventCount, 3);
        const auto r = EventsStore::read(m_db, QStringLiteral("aged"), 0, -1, 100);
        QCOMPARE(r->events.first()->offset, 4); // reading from an expired offset starts at the oldest kept
        // A new event still gets the next offset: offsets are never reused.
        const auto appended =
            EventsStore::appendGroup(m_db, {{QStringLiteral("aged"), events(1), {}}}, 26'000);
        QCOMPARE(appended[0]->first()->offset, 7);
    }

    void retentionBySizeKeepsTheTopicUnderItsLimit()
    {
        EventsStore::createTopic(m_db, QStringLiteral("sized"), {0, 100}, 0);
        // Ten batches of one 20-byte event each (retention removes whole batches).
        for (int i = 0; i < 10; ++i)
            EventsStore::appendGroup(
                m_db, {{QStringLiteral("sized"), {makeEvent(QStringLiteral("x"), QByteArray(19, 'a'))}, {}}},
                1000);
        QVERIFY(RetentionStore::expireEvents(m_db, 1000, 1000) > 0);
        const auto t = EventsStore::topic(m_db, QStringLiteral("sized"));
        QVERIFY2(t->totalBytes <= 100, qPrintable(QString::number(t->totalBytes)));
        QCOMPARE(t->totalBytes, 100);
        QCOMPARE(t->firstOffset, 5);
        QCOMPARE(t->nextOffset, 10);
    }

    void aStorageFailureAcknowledgesNothingAndLeavesNoTrace()
    {
        EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0);
        EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(2), {}}}, 1000);
        // Make the second batch of the next group fail: a row already holds its offset.
        QSqlQuery q(m_db);
        QVERIFY(q.exec(
            QStringLiteral("INSERT INTO event_batches (topic, first_offset, last_offset, time_ms, size, body)"
                           " VALUES ('t', 3, 3, 0, 1, x'')")));
        QVERIFY_THROWS_EXCEPTION(
            Storage::StoreError,
            EventsStore::appendGroup(
                m_db, {{QStringLiteral("t"), events(1), {}}, {QStringLiteral("t"), events(1), {}}}, 2000));
        const auto t = EventsStore::topic(m_db, QStringLiteral("t"));
        QCOMPARE(t->nextOffset, 2); // the head did not move
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM event_batches WHERE last_offset = 2")) &&
                q.next());
        QCOMPARE(q.value(0).toInt(), 0); // the first batch of the failed group left nothing behind
    }

    void validatesTopicNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("simple") << "orders" << true;
        QTest::newRow("dotted") << "shop.orders_v2-x" << true;
        QTest::newRow("digit first") << "1abc" << true;
        QTest::newRow("124 chars") << QString(124, QLatin1Char('a')) << true;
        QTest::newRow("125 chars: no room for .dlq") << QString(125, QLatin1Char('a')) << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("upper case") << "Orders" << false;
        QTest::newRow("leading dot") << ".orders" << false;
        QTest::newRow("slash") << "a/b" << false;
        QTest::newRow("space") << "a b" << false;
    }
    void validatesTopicNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidTopicName(name), valid);
    }

    // Defect 9: dead letters went to "<topic>.dlq" unchecked (131 characters for a 127-character
    // topic) and with unlimited retention.
    void deadLettersGoToAValidTopicWithTheSourcesRetention_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::newRow("short") << QStringLiteral("orders");
        QTest::newRow("the longest new name") << QString(124, QLatin1Char('a'));
        QTest::newRow("a 128-character name of an older database") << QString(128, QLatin1Char('b'));
        QTest::newRow("a dead-letter topic's own") << QString(124, QLatin1Char('c')) + QStringLiteral(".dlq");
    }
    void deadLettersGoToAValidTopicWithTheSourcesRetention()
    {
        QFETCH(QString, topic);
        QVERIFY(EventsStore::createTopic(m_db, topic, {60, 1000}, 0));
        EventsStore::appendGroup(m_db, {{topic, events(1), {}}}, 1000);
        ConsumerGroupsStore::PollRequest request{topic, QStringLiteral("g"), 10, 10, 1, 1000};
        const auto first = ConsumerGroupsStore::poll(m_db, request);
        QVERIFY(first);
        QCOMPARE(first->deliveries.size(), 1);
        request.nowMs = 2000; // past the visibility timeout, and one delivery is the limit
        const auto second = ConsumerGroupsStore::poll(m_db, request);
        QVERIFY(second);
        QCOMPARE(second->deadLettered.size(), 1);
        const QString dlq = second->deadLetterTopic;
        QVERIFY2(isValidName(dlq), qPrintable(dlq));
        QVERIFY2(dlq.endsWith(QStringLiteral(".dlq")), qPrintable(dlq));
        const auto info = EventsStore::topic(m_db, dlq);
        QVERIFY(info);
        QCOMPARE(info->retention.maxAgeSeconds, 60);
        QCOMPARE(info->retention.maxBytes, 1000);
        QCOMPARE(info->eventCount, 1);
        if (topic.size() <= 124)
            QCOMPARE(dlq, topic + QStringLiteral(".dlq"));
    }

    void shortenedDeadLetterNamesDoNotCollide()
    {
        const QString a = QString(127, QLatin1Char('a')) + QLatin1Char('x');
        const QString b = QString(127, QLatin1Char('a')) + QLatin1Char('y');
        QVERIFY(deadLetterTopicName(a) != deadLetterTopicName(b));
        QCOMPARE(deadLetterTopicName(a).size(), 128);
        QCOMPARE(deadLetterTopicName(a), deadLetterTopicName(a)); // stable across polls and restarts
    }

    void deadLetterTopicsOfAnOlderDatabaseGetTheirSourcesRetention()
    {
        const QString name = QStringLiteral("older");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_dir.filePath(QStringLiteral("older.db")));
            QVERIFY(db.open());
            std::vector<Storage::Migration> upToThree = Events::schema();
            upToThree.resize(3);
            QVERIFY(Storage::migrate(db, {{QStringLiteral("events"), upToThree}}).ok);
            QSqlQuery q(db);
            for (const char *sql : {"INSERT INTO topics (name, max_age_seconds, max_bytes, created_at) "
                                    "VALUES ('orders', 60, 1000, '')",
                                    "INSERT INTO topics (name, max_age_seconds, max_bytes, created_at) "
                                    "VALUES ('orders.dlq', 0, 0, '')",
                                    "INSERT INTO topics (name, max_age_seconds, max_bytes, created_at) "
                                    "VALUES ('kept.dlq', 0, 0, '')"})
                QVERIFY2(q.exec(QString::fromLatin1(sql)), sql);
            QVERIFY(Storage::migrate(db, {{QStringLiteral("events"), Events::schema()}}).ok);
            const auto dlq = EventsStore::topic(db, QStringLiteral("orders.dlq"));
            QCOMPARE(dlq->retention.maxAgeSeconds, 60);
            QCOMPARE(dlq->retention.maxBytes, 1000);
            // A topic named like a dead-letter topic, without a source, is left as it was.
            QCOMPARE(EventsStore::topic(db, QStringLiteral("kept.dlq"))->retention.maxAgeSeconds, 0);
        }
        QSqlDatabase::removeDatabase(name);
    }
};

QTEST_GUILESS_MAIN(TestEventsStore)
#include "tst_eventsstore.moc"
