#include "postgresserver.h"
#include "testing.h"

#include "services/events/eventschannel.h"
#include "services/events/eventsschema.h"
#include "services/events/eventsstore.h"
#include "services/events/retentionstore.h"
#include "storage/database.h"
#include "storage/documentpermissions.h"

#include <QJsonDocument>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Meshdeck;
using namespace Meshdeck::Events;
using namespace Meshdeck::Testing;

// Stands in for a realtime session: drains its mailbox on the test thread and keeps the messages.
class Inbox : public QObject
{
    Q_OBJECT
public:
    explicit Inbox(size_t capacity = 10'000)
        : mailbox(std::make_shared<Realtime::Mailbox>(this, capacity))
    {}
    Q_INVOKABLE void drainMailbox()
    {
        for (const QByteArray &m : mailbox->take())
            messages << QJsonDocument::fromJson(m).object();
    }
    QList<qint64> offsets() const { return Meshdeck::Testing::eventOffsets(messages); }
    QJsonObject first(const QString &type) const
    {
        for (const QJsonObject &m : messages)
            if (m.value(QStringLiteral("type")).toString() == type)
                return m;
        return {};
    }
    std::shared_ptr<Realtime::Mailbox> mailbox;
    QList<QJsonObject> messages;
};

class TestEventsChannel : public QObject
{
    Q_OBJECT
private:
    Meshdeck::Testing::TestDatabases m_databases;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<EventsChannel> m_channel;
    quint64 m_nextId = 1;

    // Appends on the database thread and notifies the channel, as the events service does.
    QFuture<void> commit(int count)
    {
        EventsChannel *channel = m_channel.get();
        return m_db->run([channel, count](QSqlDatabase &db) {
            QList<EventInput> events;
            for (int i = 0; i < count; ++i)
                events << EventInput{QStringLiteral("t"), {}, "{}", {}};
            const auto results = EventsStore::appendGroup(db, {{QStringLiteral("orders"), events, {}}}, 1000);
            channel->onCommitted(results[0].value());
        });
    }
    // Appends on the database thread WITHOUT telling the channel: what another node's commit is
    // to this node until it hears of it.
    QFuture<void> commitElsewhere(int count)
    {
        return m_db->run([count](QSqlDatabase &db) {
            QList<EventInput> events;
            for (int i = 0; i < count; ++i)
                events << EventInput{QStringLiteral("t"), {}, "{}", {}};
            EventsStore::appendGroup(db, {{QStringLiteral("orders"), events, {}}}, 1000);
        });
    }
    Realtime::SubscriptionPtr subscription(Inbox &inbox, qint64 fromOffset)
    {
        QJsonObject request{{QStringLiteral("type"), QStringLiteral("subscribe")}};
        if (fromOffset >= 0)
            request.insert(QStringLiteral("fromOffset"), fromOffset);
        return std::make_shared<Realtime::Subscription>(Realtime::Subscription{
            QStringLiteral("events.orders"), request, inbox.mailbox, m_nextId++,
            std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken())});
    }
    void settle()
    {
        QFuture<void> barrier = m_db->run([](QSqlDatabase &) {});
        QVERIFY(QTest::qWaitFor([&] { return barrier.isFinished(); }, 5000));
        // Every post happened before the barrier; each posted its wake-up before returning.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<Storage::Database>();
        const auto opened = waitForTask(m_db->open(
            m_databases.freshLocation(QString::fromLatin1(QTest::currentTestFunction())),
            {{QStringLiteral("events"), Events::schema()}, Storage::DocumentPermissions::schema()}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        m_channel = std::make_unique<EventsChannel>(m_db.get());
        QFuture<void> created = m_db->run(
            [](QSqlDatabase &db) { EventsStore::createTopic(db, QStringLiteral("orders"), {}, 0); });
        QVERIFY(QTest::qWaitFor([&] { return created.isFinished(); }, 5000));
        for (int i = 0; i < 5; ++i)
            commit(1); // offsets 0..4, a batch each (retention removes whole batches)
        settle();
    }
    void cleanup()
    {
        m_channel.reset();
        m_db.reset();
    }

    void aCommitBetweenSubscribeAndBacklogIsDeliveredOnceInOrder()
    {
        Inbox inbox;
        // Hold the database thread so the next commit is queued before the backlog read but runs
        // after the subscription is registered: the window a naive implementation gets wrong.
        QSemaphore gate;
        m_db->run([&gate](QSqlDatabase &) { gate.acquire(); });
        commit(1); // offset 5, notified while the subscription is not live yet
        QCOMPARE(m_channel->open(subscription(inbox, 2)), QString());
        gate.release();
        settle();
        QCOMPARE(inbox.offsets(), (QList<qint64>{2, 3, 4, 5}));
        commit(2); // live from here on
        settle();
        QCOMPARE(inbox.offsets(), (QList<qint64>{2, 3, 4, 5, 6, 7}));
        QCOMPARE(inbox.first(QStringLiteral("subscribed")).value(QStringLiteral("headOffset")).toInt(), 6);
    }

    // Cluster: events another node committed reach this node's subscribers on a wake-up, in
    // offset order, and a local commit that arrives past them waits for the gap to be read.
    void eventsCommittedElsewhereArriveOnAWakeUpWithNoGap()
    {
        Inbox a;
        Inbox b;
        QCOMPARE(m_channel->open(subscription(a, 0)), QString());
        QCOMPARE(m_channel->open(subscription(b, -1)), QString());
        settle();
        QCOMPARE(a.offsets(), (QList<qint64>{0, 1, 2, 3, 4}));
        QCOMPARE(m_channel->followedTopics(), QStringList{QStringLiteral("orders")});

        commitElsewhere(2); // offsets 5, 6: not seen here yet
        settle();
        QCOMPARE(a.offsets(), (QList<qint64>{0, 1, 2, 3, 4})); // nothing without a wake-up
        commit(1);                                             // offset 7, committed here: past a gap
        settle();
        settle(); // the gap read the commit scheduled
        QCOMPARE(a.offsets(), (QList<qint64>{0, 1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(b.offsets(), (QList<qint64>{5, 6, 7}));

        commitElsewhere(3); // 8, 9, 10
        settle();
        QCOMPARE(b.offsets(), (QList<qint64>{5, 6, 7})); // proves the next check can fail
        m_channel->wake(QStringLiteral("orders"));
        settle();
        QCOMPARE(b.offsets(), (QList<qint64>{5, 6, 7, 8, 9, 10}));
        // A second wake-up (Redis delivers twice, or the poll runs too) duplicates nothing.
        m_channel->pollAll();
        settle();
        QCOMPARE(a.offsets(), (QList<qint64>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        QCOMPARE(b.offsets(), (QList<qint64>{5, 6, 7, 8, 9, 10}));
    }

    // Cluster: the database is briefly lost. A catch-up read that fails is retried (it used to end
    // the subscription), delivery resumes where it stopped, and the failure, although the channel
    // handles it itself, makes the database notice the loss (readiness reports it).
    void aLostDatabaseDelaysCatchUpAndEndsNothing()
    {
        if (!m_databases.postgres())
            QSKIP("a lost database server is a PostgreSQL matter");
        PostgresServer *server = m_databases.server();
        const auto restart = qScopeGuard([server] {
            if (!server->isRunning())
                server->start(); // for the tests after this one, whatever happens here
        });
        Inbox live; // caught up before the loss: its next read is a wake-up's
        QCOMPARE(m_channel->open(subscription(live, 0)), QString());
        settle();
        QCOMPARE(live.offsets(), (QList<qint64>{0, 1, 2, 3, 4}));
        QFuture<qint64> backend = m_db->run([](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("SELECT pg_backend_pid()"));
            return q.next() ? q.value(0).toLongLong() : qint64(0);
        });
        QVERIFY(QTest::qWaitFor([&] { return backend.isFinished(); }, 5000));
        QVERIFY(backend.result() > 0);

        {
            // The database thread waits while the server dies, so the reads below surely fail. (The
            // semaphore outlives this block: the thread may still be inside acquire() after it.)
            auto gate = std::make_shared<QSemaphore>();
            m_db->run([gate](QSqlDatabase &) { gate->acquire(); });
            server->kill();
            const bool exited = waitForProcessExit(backend.result());
            gate->release();
            QVERIFY(exited);
        }
        QVERIFY(m_db->isConnected()); // nothing has run into the loss yet
        Inbox late;
        QCOMPARE(m_channel->open(subscription(late, 1)), QString());
        m_channel->wake(QStringLiteral("orders"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_db->isConnected(), 5000);
        QVERIFY(late.offsets().isEmpty());

        QVERIFY2(server->start(), qPrintable(server->errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(late.offsets(), (QList<qint64>{1, 2, 3, 4}), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_db->isConnected(), 5000);
        commitElsewhere(2); // 5, 6
        m_channel->wake(QStringLiteral("orders"));
        QTRY_COMPARE_WITH_TIMEOUT(late.offsets(), (QList<qint64>{1, 2, 3, 4, 5, 6}), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(live.offsets(), (QList<qint64>{0, 1, 2, 3, 4, 5, 6}), 10'000);
        QCOMPARE(late.first(QStringLiteral("error")), QJsonObject());
        QCOMPARE(live.first(QStringLiteral("error")), QJsonObject());
        QCOMPARE(late.first(QStringLiteral("subscribed")).value(QStringLiteral("fromOffset")).toInt(), 1);
    }

    // A read that fails while the database answers is not an outage to wait out: after a few
    // tries the subscriber is told why (an endless silent retry leaves it waiting for ever).
    void aReadThatKeepsFailingOnAnAnsweringDatabaseEndsWithTheReason()
    {
        QFuture<bool> broken = m_db->run([](QSqlDatabase &db) {
            return QSqlQuery(db).exec(
                QStringLiteral("ALTER TABLE event_batches RENAME TO batches_elsewhere"));
        });
        QVERIFY(QTest::qWaitFor([&] { return broken.isFinished(); }, 5000));
        QVERIFY(broken.result());
        Inbox inbox;
        QCOMPARE(m_channel->open(subscription(inbox, 0)), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!inbox.first(QStringLiteral("error")).isEmpty(), 10'000);
        QVERIFY2(inbox.first(QStringLiteral("error"))
                     .value(QStringLiteral("reason"))
                     .toString()
                     .contains(QStringLiteral("cannot be read")),
                 qPrintable(inbox.first(QStringLiteral("error")).value(QStringLiteral("reason")).toString()));
        QVERIFY(m_db->isConnected());
        QVERIFY(inbox.offsets().isEmpty());
    }

    void latestStartsAtTheHead()
    {
        Inbox inbox;
        QCOMPARE(m_channel->open(subscription(inbox, -1)), QString());
        settle();
        QVERIFY(inbox.offsets().isEmpty());
        commit(1);
        settle();
        QCOMPARE(inbox.offsets(), (QList<qint64>{5}));
    }

    void anExpiredOffsetStartsAtTheOldestKeptAndSaysSo()
    {
        QFuture<int> expired = m_db->run([](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("UPDATE topics SET max_bytes = 1"));
            return RetentionStore::expireEvents(db, 1000, 3); // drops offsets 0..2
        });
        QVERIFY(QTest::qWaitFor([&] { return expired.isFinished(); }, 5000));
        QCOMPARE(expired.result(), 3);
        Inbox inbox;
        m_channel->open(subscription(inbox, 0));
        settle();
        QCOMPARE(inbox.first(QStringLiteral("subscribed")).value(QStringLiteral("fromOffset")).toInt(), 3);
        QCOMPARE(inbox.offsets(), (QList<qint64>{3, 4}));
    }

    void aFullMailboxEndsTheSubscription()
    {
        Inbox inbox(3);
        Inbox control; // receives the same commits, proving they were delivered
        m_channel->open(subscription(inbox, 0));
        m_channel->open(subscription(control, -1));
        settle();
        QVERIFY(inbox.mailbox->overflowed());
        inbox.messages.clear();
        commit(3);
        settle();
        QCOMPARE(control.offsets(), (QList<qint64>{5, 6, 7}));
        QVERIFY2(inbox.offsets().isEmpty(), "nothing more is queued for an overflowed subscriber");
    }

    void unsubscribingStopsDelivery()
    {
        Inbox inbox;
        Inbox control; // still subscribed: receives the commits the closed one must not
        auto sub = subscription(inbox, -1);
        m_channel->open(sub);
        m_channel->open(subscription(control, -1));
        settle();
        m_channel->close(sub);
        commit(2);
        settle();
        QCOMPARE(control.offsets(), (QList<qint64>{5, 6}));
        QVERIFY(inbox.offsets().isEmpty());
    }

    void refusesBadOptions()
    {
        Inbox inbox;
        auto sub = subscription(inbox, -1);
        sub->request.insert(QStringLiteral("fromOffset"), -4);
        QVERIFY(m_channel->open(sub).contains(QStringLiteral("fromOffset")));
        auto bad = subscription(inbox, -1);
        bad->channel = QStringLiteral("events.Not Valid");
        QVERIFY(m_channel->open(bad).contains(QStringLiteral("not a valid topic")));
    }
};

QTEST_GUILESS_MAIN(TestEventsChannel)
#include "tst_eventschannel.moc"
