#include "postgresserver.h"

#include "services/events/consumergroupsstore.h"
#include "services/events/eventsschema.h"
#include "services/events/eventsstore.h"
#include "services/events/retentionstore.h"
#include "services/events/storesupport.h"
#include "services/events/webhooksstore.h"
#include "storage/documentpermissions.h"

#include "storage/migrations.h"
#include "storage/store.h"

#include <QElapsedTimer>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>
#include <barrier>
#include <functional>
#include <map>
#include <mutex>

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
    Testing::TestDatabases m_databases;
    QSqlDatabase m_db;

    // Runs `work` on `count` threads at once, each with its own connection to the test's database
    // (on PostgreSQL each thread is a node of a cluster); returns the errors they met.
    QStringList onNodes(int count, const std::function<void(QSqlDatabase &, int)> &work)
    {
        QStringList errors;
        std::mutex lock;
        std::vector<std::unique_ptr<QThread>> threads;
        const QString database = m_db.databaseName();
        for (int node = 0; node < count; ++node) {
            threads.emplace_back(QThread::create([&, node] {
                const QString name = QStringLiteral("node%1").arg(node);
                {
                    QSqlDatabase db = m_databases.server()->connect(name, database);
                    try {
                        if (!db.isOpen())
                            throw Storage::StoreError(db.lastError().text().toStdString());
                        work(db, node);
                    } catch (const std::exception &e) {
                        const std::lock_guard<std::mutex> guard(lock);
                        errors << QStringLiteral("node %1: %2").arg(node).arg(QString::fromUtf8(e.what()));
                    }
                    db.close();
                }
                QSqlDatabase::removeDatabase(name);
            }));
            threads.back()->start();
        }
        for (auto &thread : threads)
            thread->wait();
        return errors;
    }

    // A second connection to the test's database, in this thread (PostgreSQL only).
    QSqlDatabase second(const QString &name)
    {
        return m_databases.server()->connect(name, m_db.databaseName());
    }

private Q_SLOTS:
    void initTestCase() { qInfo() << "dialect:" << m_databases.dialectName(); }

    void init()
    {
        m_db = m_databases.fresh(QStringLiteral("events"), QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY2(m_db.isOpen(), qPrintable(m_databases.error()));
        QVERIFY(Storage::migrate(m_db, {{QStringLiteral("events"), Events::schema()},
                                        Storage::DocumentPermissions::schema()})
                    .ok);
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
        QVERIFY(q.prepare(
            QStringLiteral("INSERT INTO event_batches (topic, first_offset, last_offset, time_ms, size, body)"
                           " VALUES ('t', 3, 3, 0, 1, ?)")));
        q.addBindValue(QByteArray("x"));
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
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
            QSqlDatabase db = m_databases.fresh(name, name);
            QVERIFY(db.isOpen());
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
    // Every statement of the groups' and webhooks' stores, on the run's dialect.
    void groupsCommitsAndLagOnEitherDialect()
    {
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0));
        EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(5), {}}}, 1000);
        const auto polled =
            ConsumerGroupsStore::poll(m_db, {QStringLiteral("t"), QStringLiteral("g"), 3, 1000, 5, 1000});
        QCOMPARE(polled->deliveries.size(), 3);
        QCOMPARE(
            ConsumerGroupsStore::commit(m_db, QStringLiteral("t"), QStringLiteral("g"), 9, 1100).error().kind,
            ErrorKind::Conflict);
        QCOMPARE(
            ConsumerGroupsStore::commit(m_db, QStringLiteral("t"), QStringLiteral("h"), 1, 1100).error().kind,
            ErrorKind::NotFound);
        const auto committed =
            ConsumerGroupsStore::commit(m_db, QStringLiteral("t"), QStringLiteral("g"), 2, 1100);
        QVERIFY(committed.ok());
        QCOMPARE(committed->committedOffset, 2);
        QCOMPARE(committed->lag, 3);
        const auto groups = ConsumerGroupsStore::groups(m_db, QStringLiteral("t"));
        QCOMPARE(groups->size(), 1);
        QCOMPARE(groups->first().inFlight, 1); // offset 2 is still in flight
        QCOMPARE(groups->first().nextOffset, 3);
        ConsumerGroupsStore::sampleLag(m_db, 2000, 10'000);
        const auto lag = ConsumerGroupsStore::lagHistory(m_db, QStringLiteral("t"), QStringLiteral("g"), 0);
        QCOMPARE(lag.size(), 2); // the commit's point and the sample
        QCOMPARE(lag.last().timeMs, 2000);
        QCOMPARE(lag.last().lag, 3);
        ConsumerGroupsStore::sampleLag(m_db, 20'000, 10'000); // forgets the older points
        QCOMPARE(ConsumerGroupsStore::lagHistory(m_db, QStringLiteral("t"), QStringLiteral("g"), 0).size(),
                 1);
    }

    void webhooksAndTheirLogOnEitherDialect()
    {
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0));
        Webhook w;
        w.id = QStringLiteral("w1");
        w.url = QStringLiteral("http://127.0.0.1:1/hook");
        w.topics = {QStringLiteral("t")};
        w.types = {QStringLiteral("wanted")};
        w.sealedSecret = "sb1:old";
        QVERIFY(WebhooksStore::create(m_db, w, 0).ok());
        w.id = QStringLiteral("w2");
        w.topics = {QStringLiteral("missing")};
        QCOMPARE(WebhooksStore::create(m_db, w, 0).error().kind, ErrorKind::NotFound);
        QCOMPARE(WebhooksStore::list(m_db).size(), 1);
        EventsStore::appendGroup(m_db,
                                 {{QStringLiteral("t"), events(2, QStringLiteral("other")), {}},
                                  {QStringLiteral("t"), events(1, QStringLiteral("wanted")), {}}},
                                 1000);
        auto due = WebhooksStore::due(m_db, 1000);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().event->offset, 2); // the unwanted types were skipped
        DeliveryRecord r;
        r.webhookId = QStringLiteral("w1");
        r.topic = QStringLiteral("t");
        r.offset = 2;
        r.eventId = due.first().event->id;
        r.responseStatus = 500;
        r.timeMs = 1000;
        for (int attempt = 1; attempt <= 2; ++attempt) {
            r.attempt = attempt;
            QVERIFY(WebhooksStore::recordAttempt(m_db, r, 0, 2));
        }
        auto stored = WebhooksStore::get(m_db, QStringLiteral("w1"));
        QVERIFY(!stored->enabled); // two failures in a row were the limit
        QVERIFY2(stored->disabledReason.contains(QStringLiteral("HTTP 500")),
                 qPrintable(stored->disabledReason));
        QCOMPARE(WebhooksStore::due(m_db, 2000).size(), 0);
        stored = WebhooksStore::setEnabled(m_db, QStringLiteral("w1"), true, {});
        QVERIFY(stored->enabled);
        QCOMPARE(stored->consecutiveFailures, 0);
        due = WebhooksStore::due(m_db, 2000);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().attempt, 1);
        r.succeeded = true;
        r.responseStatus = 200;
        r.timeMs = 3000;
        QVERIFY(WebhooksStore::recordAttempt(m_db, r, 0, 2));
        QCOMPARE(WebhooksStore::due(m_db, 3000).size(), 0); // delivered: the cursor moved on
        DeliveryRecord test;
        test.webhookId = QStringLiteral("w1");
        test.succeeded = true;
        test.timeMs = 4000;
        QVERIFY(WebhooksStore::recordTest(m_db, test));
        auto log = WebhooksStore::deliveries(m_db, QStringLiteral("w1"), 10);
        QCOMPARE(log->size(), 4);
        QCOMPARE(log->first().offset, -1); // newest first
        QVERIFY(log->at(1).succeeded);
        QCOMPARE(WebhooksStore::pruneDeliveries(m_db, 2, 1500), 2); // keeps the newest two
        QCOMPARE(WebhooksStore::deliveries(m_db, QStringLiteral("w1"), 10)->size(), 2);
        WebhooksStore::replaceSecrets(m_db, {{QStringLiteral("w1"), QByteArray("sb1:new")}});
        QCOMPARE(WebhooksStore::storedSecrets(m_db).first().second, QByteArray("sb1:new"));
        QVERIFY(WebhooksStore::remove(m_db, QStringLiteral("w1")));
        QVERIFY(!WebhooksStore::remove(m_db, QStringLiteral("w1")));
        QVERIFY(!WebhooksStore::deliveries(m_db, QStringLiteral("w1"), 10));
    }

    // Not an assertion: the append rate of 1000-event groups (1000 one-event publishes, as the
    // publish queue groups them), printed for comparing the dialects. SQLite as meshdeckd runs it.
    void printsTheAppendRate()
    {
        if (!m_databases.postgres()) {
            QSqlQuery q(m_db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode=WAL")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA synchronous=FULL")));
        }
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("rate"), {}, 0));
        constexpr int Groups = 20;
        std::vector<EventsStore::Batch> group;
        for (int i = 0; i < 1000; ++i)
            group.push_back({QStringLiteral("rate"),
                             {makeEvent(QStringLiteral("order.created"), QByteArray(100, 'x'))},
                             QStringLiteral("req")});
        QElapsedTimer timer;
        timer.start();
        for (int g = 0; g < Groups; ++g)
            EventsStore::appendGroup(m_db, group, 1000);
        const qint64 ms = qMax<qint64>(1, timer.elapsed());
        qInfo().noquote()
            << QStringLiteral("append rate (%1): %2 events/s (%3 groups of 1000 one-event batches in %4 ms)")
                   .arg(m_databases.dialectName())
                   .arg(qint64(Groups) * 1000 * 1000 / ms)
                   .arg(Groups)
                   .arg(ms);
        QCOMPARE(EventsStore::topic(m_db, QStringLiteral("rate"))->nextOffset, Groups * 1000);
    }

    // ---- Several nodes on one PostgreSQL database: each thread below has its own connection.

    void offsetsStayContiguousWithFourNodesPublishing()
    {
        if (!m_databases.postgres())
            QSKIP("several connections appending at once is the PostgreSQL case; SQLite has one writer");
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0));
        constexpr int Nodes = 4;
        constexpr int Groups = 40;
        std::mutex lock;
        std::map<qint64, QByteArray> acknowledged; // offset -> the data acknowledged there
        int duplicates = 0;
        const QStringList errors = onNodes(Nodes, [&](QSqlDatabase &db, int node) {
            for (int g = 0; g < Groups; ++g) {
                std::vector<EventsStore::Batch> batches;
                for (int b = 0; b < 3; ++b) {
                    QList<EventInput> in;
                    for (int i = 0; i < 1 + (g + b) % 4; ++i)
                        in << makeEvent(
                            QStringLiteral("t"),
                            QStringLiteral("%1:%2:%3:%4").arg(node).arg(g).arg(b).arg(i).toUtf8());
                    batches.push_back({QStringLiteral("t"), in, {}});
                }
                const auto results = EventsStore::appendGroup(db, batches, 1000 + g);
                const std::lock_guard<std::mutex> guard(lock);
                for (const auto &result : results)
                    for (const StoredEventPtr &e : result.value())
                        duplicates += acknowledged.emplace(e->offset, e->data).second ? 0 : 1;
            }
        });
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(duplicates, 0);
        const qint64 n = qint64(acknowledged.size());
        QVERIFY(n > Nodes * Groups * 3);
        QCOMPARE(acknowledged.begin()->first, 0);
        QCOMPARE(acknowledged.rbegin()->first, n - 1); // n distinct offsets from 0 to n-1: no gap
        const auto t = EventsStore::topic(m_db, QStringLiteral("t"));
        QCOMPARE(t->nextOffset, n);
        QCOMPARE(t->eventCount, n);
        const auto log = EventsStore::read(m_db, QStringLiteral("t"), 0, -1, int(n) + 10);
        QCOMPARE(log->events.size(), n);
        for (const StoredEventPtr &e : log->events)
            QCOMPARE(e->data, acknowledged.at(e->offset)); // each acknowledged event is at its offset
    }

    void aGroupThatFailsHalfWayLeavesNoGap()
    {
        if (!m_databases.postgres())
            QSKIP("killing another node's connection mid-group is the PostgreSQL case");
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0));
        EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(2), {}}}, 1000);
        {
            QSqlDatabase node = second(QStringLiteral("dying"));
            QVERIFY(node.isOpen());
            QSqlQuery pid(node);
            QVERIFY(pid.exec(QStringLiteral("SELECT pg_backend_pid()")) && pid.next());
            const qint64 backend = pid.value(0).toLongLong();
            pid.finish();
            {
                Storage::Transaction transaction(node);
                const auto held = EventsStore::appendInTransaction(
                    node, {{QStringLiteral("t"), events(3, QStringLiteral("lost")), {}}}, 2000);
                QCOMPARE(held[0]->first()->offset, 2); // offsets 2..4 taken under the topic's lock
                // The node dies between its insert and its commit.
                QSqlQuery kill(m_db);
                QVERIFY(kill.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(backend)) &&
                        kill.next());
                QVERIFY(kill.value(0).toBool());
                QVERIFY_THROWS_EXCEPTION(Storage::StoreError, transaction.commit());
            }
            node.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("dying"));
        // A group rolled back by its own node leaves nothing either.
        {
            Storage::Transaction transaction(m_db);
            EventsStore::appendInTransaction(
                m_db, {{QStringLiteral("t"), events(4, QStringLiteral("lost")), {}}}, 2500);
        }
        const auto next = EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(2), {}}}, 3000);
        QCOMPARE(next[0]->first()->offset, 2); // continues where the last commit left the head
        const auto log = EventsStore::read(m_db, QStringLiteral("t"), 0, -1, 100);
        QCOMPARE(log->events.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(log->events[i]->offset, i);
            QCOMPARE(log->events[i]->type, QStringLiteral("t"));
        }
    }

    void twoNodesPollingOneGroupNeverShareAnInFlightEvent()
    {
        if (!m_databases.postgres())
            QSKIP("polls on several connections at once are the PostgreSQL case");
        constexpr int Events = 300;
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0));
        for (int i = 0; i < Events; i += 10)
            EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(10), {}}}, 1000);
        // Each round: both nodes poll until nothing is left to hand out; every event must come out
        // exactly once (round 1: new; round 2, past the visibility timeout: redelivered).
        for (const auto &[now, attempt] : {std::pair<qint64, int>{1000, 1}, {1000 + 60'001, 2}}) {
            std::mutex lock;
            QList<qint64> delivered;
            int wrongAttempt = 0;
            const QStringList errors = onNodes(2, [&](QSqlDatabase &db, int) {
                for (;;) {
                    const auto outcome = ConsumerGroupsStore::poll(
                        db, {QStringLiteral("t"), QStringLiteral("g"), 7, 60'000, 5, now});
                    if (!outcome || outcome->deliveries.isEmpty())
                        return;
                    const std::lock_guard<std::mutex> guard(lock);
                    for (const GroupDelivery &d : outcome->deliveries) {
                        delivered << d.event->offset;
                        wrongAttempt += d.attempt == attempt ? 0 : 1;
                    }
                }
            });
            QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
            QCOMPARE(wrongAttempt, 0);
            QCOMPARE(delivered.size(), Events); // each once, and all of them
            QCOMPARE(QSet<qint64>(delivered.cbegin(), delivered.cend()).size(), Events);
        }
    }

    void retentionRunsOnOneNodeAtATime()
    {
        if (!m_databases.postgres())
            QSKIP("the retention lock is for several nodes on one PostgreSQL database");
        EventsStore::createTopic(m_db, QStringLiteral("aged"), {10, 0}, 0);
        EventsStore::appendGroup(m_db, {{QStringLiteral("aged"), events(4), {}}}, 1'000);
        QSqlDatabase other = second(QStringLiteral("other"));
        {
            QVERIFY(other.transaction()); // another node is in the middle of a pass
            QSqlQuery held(other);
            QVERIFY(held.exec(
                QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(StoreSupport::RetentionLockKey)));
            bool skipped = false;
            QCOMPARE(RetentionStore::expireEvents(m_db, 25'000, 1000, &skipped), 0);
            QVERIFY(skipped);
            QCOMPARE(EventsStore::topic(m_db, QStringLiteral("aged"))->eventCount, 4);
            QVERIFY(other.commit());
        }
        other.close();
        other = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        bool skipped = true;
        QCOMPARE(RetentionStore::expireEvents(m_db, 25'000, 1000, &skipped),
                 4); // its turn once the lock is free
        QVERIFY(!skipped);
        // Both at once: one of the two passes removes the events, and none fails.
        EventsStore::appendGroup(m_db, {{QStringLiteral("aged"), events(4), {}}}, 30'000);
        std::atomic<int> removed = 0;
        const QStringList errors = onNodes(
            2, [&](QSqlDatabase &db, int) { removed += RetentionStore::expireEvents(db, 60'000, 1000); });
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(removed.load(), 4);
        QCOMPARE(EventsStore::topic(m_db, QStringLiteral("aged"))->eventCount, 0);
    }

    void eachWebhookIsClaimedByOneNode()
    {
        if (!m_databases.postgres())
            QSKIP("webhook claims are for several nodes on one PostgreSQL database");
        QVERIFY(EventsStore::createTopic(m_db, QStringLiteral("t"), {}, 0));
        constexpr int Hooks = 20;
        for (int i = 0; i < Hooks; ++i) {
            Webhook w;
            w.id = QStringLiteral("w%1").arg(i);
            w.url = QStringLiteral("http://127.0.0.1:1/hook");
            w.topics = {QStringLiteral("t")};
            w.sealedSecret = "sb1:test";
            QVERIFY(WebhooksStore::create(m_db, w, 0).ok());
        }
        EventsStore::appendGroup(m_db, {{QStringLiteral("t"), events(1), {}}}, 1000);
        QSqlDatabase other = second(QStringLiteral("other"));
        QCOMPARE(WebhooksStore::due(m_db, 1000, QStringLiteral("a"), 10'000).size(), Hooks); // all due, A's
        QCOMPARE(WebhooksStore::due(other, 1000, QStringLiteral("b"), 10'000).size(), 0);
        QCOMPARE(WebhooksStore::due(other, 10'999, QStringLiteral("b"), 10'000).size(), 0); // A's lease holds
        QCOMPARE(WebhooksStore::due(m_db, 7000, QStringLiteral("a"), 10'000).size(), Hooks); // renewed: 17 s
        QCOMPARE(WebhooksStore::due(other, 16'999, QStringLiteral("b"), 10'000).size(), 0);
        QCOMPARE(WebhooksStore::due(other, 17'000, QStringLiteral("b"), 10'000).size(), Hooks); // lapsed: B's
        QCOMPARE(WebhooksStore::due(m_db, 17'001, QStringLiteral("a"), 10'000).size(), 0);
        other.close();
        other = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        // Both nodes at once, round after round, each round after every claim lapsed.
        constexpr int Rounds = 30;
        std::barrier start(2);
        std::vector<QSet<QString>> taken[2] = {std::vector<QSet<QString>>(Rounds),
                                               std::vector<QSet<QString>>(Rounds)};
        const QStringList errors = onNodes(2, [&](QSqlDatabase &db, int node) {
            for (int round = 0; round < Rounds; ++round) {
                start.arrive_and_wait();
                taken[node][size_t(round)] =
                    *WebhooksStore::claim(db, 100'000 + round * 1000, QStringLiteral("n%1").arg(node), 500);
            }
        });
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        for (int round = 0; round < Rounds; ++round) {
            const QSet<QString> &a = taken[0][size_t(round)];
            const QSet<QString> &b = taken[1][size_t(round)];
            QVERIFY2(!a.intersects(b), qPrintable(QStringLiteral("round %1").arg(round)));
            QCOMPARE(a.size() + b.size(), Hooks); // every webhook went to one of them
        }
    }
};

QTEST_GUILESS_MAIN(TestEventsStore)
#include "tst_eventsstore.moc"
