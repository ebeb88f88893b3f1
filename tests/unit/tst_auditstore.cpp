#include "postgresserver.h"
#include "testing.h"

#include "services/audit/auditservice.h"
#include "services/audit/auditstore.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QThread>

#include <memory>

using namespace Meshdeck;
using namespace Meshdeck::Audit;
using namespace Meshdeck::Testing;

namespace {
constexpr qint64 Day = 24LL * 3600 * 1000;
constexpr qint64 Now = 1'800'000'000'000;

// Stands in for a realtime session on the audit channel.
class Inbox : public QObject
{
    Q_OBJECT
public:
    Inbox()
        : mailbox(std::make_shared<Realtime::Mailbox>(this, 10'000))
    {}
    Q_INVOKABLE void drainMailbox()
    {
        for (const QByteArray &m : mailbox->take())
            messages << QJsonDocument::fromJson(m).object();
    }
    QList<QJsonObject> records() const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages)
            if (m.value(QStringLiteral("type")).toString() == QLatin1String("record"))
                out << m.value(QStringLiteral("record")).toObject();
        return out;
    }
    std::shared_ptr<Realtime::Mailbox> mailbox;
    QList<QJsonObject> messages;
};

AuditEntry entry(const char *actor, const char *action, const char *resource, const char *outcome,
                 qint64 timeMs)
{
    AuditEntry e;
    e.actor = QString::fromUtf8(actor);
    e.actorName =
        e.actor == QLatin1String("admin-token") ? QStringLiteral("admin token") : QStringLiteral("someone");
    e.action = QString::fromUtf8(action);
    e.method = "POST";
    e.path = "/v1/x";
    e.route = "/v1/x";
    e.resource = QString::fromUtf8(resource);
    e.outcome = QString::fromUtf8(outcome);
    e.status = e.outcome == QLatin1String("ok") ? 200 : e.outcome == QLatin1String("denied") ? 401 : 500;
    e.source = "127.0.0.1";
    e.requestId = "r";
    e.timeMs = timeMs;
    return e;
}

Realtime::SubscriptionPtr subscription(Inbox &inbox, quint64 id, PrincipalPtr principal)
{
    auto s = std::make_shared<Realtime::Subscription>();
    s->channel = QStringLiteral("audit");
    s->mailbox = inbox.mailbox;
    s->id = id;
    s->principal = std::move(principal);
    return s;
}

PrincipalPtr userWithRole(Role role)
{
    auto p = std::make_shared<Principal>();
    p->kind = Principal::Kind::User;
    p->userId = QStringLiteral("u1");
    p->name = QStringLiteral("dev@example.com");
    p->role = role;
    return p;
}

// An AuditFilter built field by field (designated initializers warn about the fields left out).
struct Filter {
    AuditFilter f;
    Filter &actor(const char *v)
    {
        f.actor = QString::fromUtf8(v);
        return *this;
    }
    Filter &action(const char *v)
    {
        f.action = QString::fromUtf8(v);
        return *this;
    }
    Filter &resource(const char *v)
    {
        f.resource = QString::fromUtf8(v);
        return *this;
    }
    Filter &outcome(const char *v)
    {
        f.outcome = QString::fromUtf8(v);
        return *this;
    }
    Filter &from(qint64 ms)
    {
        f.fromMs = ms;
        return *this;
    }
    Filter &to(qint64 ms)
    {
        f.toMs = ms;
        return *this;
    }
    Filter &before(std::optional<qint64> id)
    {
        f.beforeId = id;
        return *this;
    }
    Filter &limit(int n)
    {
        f.limit = n;
        return *this;
    }
    operator AuditFilter() const { return f; }
};

AuditSettings settings(int queueCapacity = 10'000, int writeBatch = 500)
{
    AuditSettings s;
    s.queueCapacity = size_t(queueCapacity);
    s.writeBatch = writeBatch;
    return s;
}

QList<qint64> idsOf(const QList<AuditRecord> &records)
{
    QList<qint64> out;
    for (const AuditRecord &r : records)
        out << r.id;
    return out;
}
} // namespace

// The audit log's store and service on the run's dialect (unit/auditstore and _pg).
class TestAuditStore : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    std::unique_ptr<Storage::Database> m_db;
    QString m_location;

    template<typename Work> auto run(Work work)
    {
        auto result = waitForTask(m_db->attempt(std::move(work)));
        if (!result)
            qFatal("store call failed: %s", qPrintable(result.error().reason));
        if constexpr (!std::is_void_v<std::invoke_result_t<Work, QSqlDatabase &>>)
            return *result;
    }
    void insert(std::vector<AuditEntry> entries)
    {
        run([entries](QSqlDatabase &db) { AuditStore::insert(db, entries); });
    }
    QList<AuditRecord> search(const AuditFilter &filter)
    {
        return run([filter](QSqlDatabase &db) { return AuditStore::search(db, filter); });
    }

private Q_SLOTS:
    void init()
    {
        m_location = m_databases.freshLocation(QStringLiteral("audit"));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
        m_db = std::make_unique<Storage::Database>();
        const auto opened =
            waitForTask(m_db->open(m_location, {{QStringLiteral("audit"), AuditStore::migrations()}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
    }
    void cleanup()
    {
        waitForTask(m_db->close());
        m_db.reset();
    }

    void storesEveryFieldAndTheStateBeforeAndAfter()
    {
        AuditEntry e = entry("user:7", "drainInstance", "instance:abc", "ok", Now);
        e.before = QJsonObject{{QStringLiteral("weight"), 5},
                               {QStringLiteral("tags"), QJsonArray{QStringLiteral("a")}}};
        e.after = QJsonObject{{QStringLiteral("weight"), 0}};
        e.detail = QStringLiteral("why");
        AuditEntry bare = entry("anonymous", "createTopic", nullptr, "denied", Now + 1);
        bare.after = QJsonValue(QStringLiteral("a string is a JSON value too"));
        insert({e, bare});
        const QList<AuditRecord> all = search({});
        QCOMPARE(all.size(), 2);
        const QJsonObject newest = AuditService::recordJson(all[0]);
        QCOMPARE(newest.value(QStringLiteral("actor")).toString(), QStringLiteral("anonymous"));
        QVERIFY(newest.value(QStringLiteral("resource")).isNull());
        QVERIFY(newest.value(QStringLiteral("before")).isNull());
        QVERIFY(newest.value(QStringLiteral("detail")).isNull());
        QCOMPARE(newest.value(QStringLiteral("after")).toString(),
                 QStringLiteral("a string is a JSON value too"));
        const QJsonObject older = AuditService::recordJson(all[1]);
        QCOMPARE(older.value(QStringLiteral("id")).toString(), QString::number(all[1].id));
        QVERIFY(all[1].id < all[0].id);
        QCOMPARE(older.value(QStringLiteral("time")).toString(), isoTime(Now));
        QCOMPARE(older.value(QStringLiteral("actorName")).toString(), QStringLiteral("someone"));
        QCOMPARE(older.value(QStringLiteral("action")).toString(), QStringLiteral("drainInstance"));
        QCOMPARE(older.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(older.value(QStringLiteral("status")).toInt(), 200);
        QCOMPARE(older.value(QStringLiteral("outcome")).toString(), QStringLiteral("ok"));
        QCOMPARE(older.value(QStringLiteral("source")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(older.value(QStringLiteral("resource")).toString(), QStringLiteral("instance:abc"));
        QCOMPARE(older.value(QStringLiteral("before")).toObject(), e.before.toObject());
        QCOMPARE(older.value(QStringLiteral("after")).toObject(), e.after.toObject());
        QCOMPARE(older.value(QStringLiteral("detail")).toString(), QStringLiteral("why"));
    }

    // A service's own record (an API key's use) has no method, path, route, address or request id:
    // it is stored, and so is what comes after it (a refused row used to stall the queue for good).
    void aRecordWithoutARequestIsStored()
    {
        AuditEntry e;
        e.actor = QStringLiteral("key:k1");
        e.action = QStringLiteral("auth.key.used");
        e.outcome = QStringLiteral("ok");
        e.timeMs = Now;
        insert({e, entry("user:7", "createTopic", "topic:t", "ok", Now + 1)});
        const QList<AuditRecord> all = search({});
        QCOMPARE(all.size(), 2);
        QCOMPARE(AuditService::recordJson(all[1]).value(QStringLiteral("action")).toString(),
                 QStringLiteral("auth.key.used"));
    }

    void filtersByActorActionResourceOutcomeAndTime()
    {
        insert({entry("admin-token", "createTopic", "topic:orders", "ok", Now),
                entry("user:1", "createTopic", "topic:orders-eu", "ok", Now + 10),
                entry("user:1", "deleteTopic", "topic:orders", "denied", Now + 20),
                entry("user:2", "drainInstance", "instance:topic:x", "failed", Now + 30),
                entry("user:2", "createWebhook", "webhook:1", "ok", Now + 40),
                entry("user:2", "createWebhook", "topic%", "ok", Now + 50)});
        const auto count = [this](AuditFilter f) {
            return search(f).size();
        };
        QCOMPARE(count({}), 6);
        QCOMPARE(count(Filter().actor("user:1")), 2);
        QCOMPARE(count(Filter().action("createTopic")), 2);
        QCOMPARE(count(Filter().resource("topic:orders")), 2); // exact: not orders-eu
        QCOMPARE(count(Filter().resource("topic:")), 3);       // prefix
        QCOMPARE(count(Filter().resource("topic%")), 1);       // no wildcards
        QCOMPARE(count(Filter().outcome("denied")), 1);
        QCOMPARE(count(Filter().from(Now + 20)), 4);
        QCOMPARE(count(Filter().to(Now + 20)), 2);
        QCOMPARE(count(Filter().from(Now + 10).to(Now + 40)), 3);
        QCOMPARE(count(Filter().actor("user:2").action("createWebhook").resource("webhook:")), 1);
        QCOMPARE(count(Filter().limit(2)), 2);
        // Newest first.
        const QList<AuditRecord> all = search({});
        for (qsizetype i = 1; i < all.size(); ++i)
            QVERIFY(all[i - 1].id > all[i].id);
    }

    void cursorPagesHaveNoGapOrDuplicateWhileRowsArrive()
    {
        std::vector<AuditEntry> first;
        for (int i = 0; i < 250; ++i)
            first.push_back(entry("admin-token", "createTopic", "topic:t", "ok", Now + i));
        insert(first);
        const QList<qint64> expected = idsOf(search(Filter().limit(1000)));
        QCOMPARE(expected.size(), 250);
        QList<qint64> seen;
        std::optional<qint64> cursor;
        int pages = 0;
        for (;;) {
            const QList<AuditRecord> page = search(Filter().before(cursor).limit(100));
            seen += idsOf(page);
            ++pages;
            // New records keep arriving between pages: they are newer, and not in this walk.
            insert({entry("admin-token", "createTopic", "topic:t", "ok", Now + 1000 + pages)});
            if (page.size() < 100)
                break;
            cursor = page.last().id;
        }
        QCOMPARE(pages, 3);
        QCOMPARE(seen, expected);
        // The newest page now starts with what arrived meanwhile.
        QCOMPARE(search(Filter().limit(3)).size(), 3);
        QVERIFY(search(Filter().limit(1)).first().id > expected.first());
    }

    void retentionDeletesOldRecordsInBoundedBatches()
    {
        std::vector<AuditEntry> entries;
        for (int i = 0; i < 5; ++i)
            entries.push_back(entry("admin-token", "old", nullptr, "ok", Now - 40 * Day + i));
        for (int i = 0; i < 3; ++i)
            entries.push_back(entry("admin-token", "new", nullptr, "ok", Now - Day + i));
        insert(entries);
        const qint64 cutoff = Now - 30 * Day;
        bool skipped = true;
        QCOMPARE(
            run([cutoff, &skipped](QSqlDatabase &db) { return AuditStore::expire(db, cutoff, 2, &skipped); }),
            2);
        QVERIFY(!skipped);
        QCOMPARE(search({}).size(), 6);
        QCOMPARE(run([cutoff](QSqlDatabase &db) { return AuditStore::expire(db, cutoff, 2); }), 2);
        QCOMPARE(run([cutoff](QSqlDatabase &db) { return AuditStore::expire(db, cutoff, 2); }), 1);
        QCOMPARE(run([cutoff](QSqlDatabase &db) { return AuditStore::expire(db, cutoff, 2); }), 0);
        const QList<AuditRecord> left = search({});
        QCOMPARE(left.size(), 3);
        for (const AuditRecord &r : left)
            QCOMPARE(r.entry.action, QStringLiteral("new"));
        // Ids keep growing even once retention has emptied the table (cursors stay valid).
        const qint64 highest = left.first().id;
        QCOMPARE(run([](QSqlDatabase &db) { return AuditStore::expire(db, Now + Day, 100); }), 3);
        insert({entry("admin-token", "later", nullptr, "ok", Now)});
        QVERIFY(search({}).first().id > highest);
    }

    void theServiceSweepsByItsRetentionDays()
    {
        ManualClock clock(Now);
        AuditSettings thirtyDays = settings();
        thirtyDays.retentionDays = 30;
        thirtyDays.sweepBatch = 2;
        thirtyDays.clock = &clock;
        AuditService service(thirtyDays, m_db.get());
        std::vector<AuditEntry> entries;
        for (int i = 0; i < 5; ++i)
            entries.push_back(entry("admin-token", "old", nullptr, "ok", Now - 31 * Day));
        entries.push_back(entry("admin-token", "new", nullptr, "ok", Now - 29 * Day));
        insert(entries);
        // A node sweeps as it starts (one that restarts often still sweeps), in batches of two.
        QCOMPARE(waitForTask(service.start()), QString());
        QTRY_COMPARE(search({}).size(), 1);
        QTRY_VERIFY(service.prometheusText().contains("meshdeck_audit_records_expired_total 5\n"));
        // And when asked (the hourly timer), by the service's clock.
        insert({entry("admin-token", "old", nullptr, "ok", Now - 31 * Day)});
        clock.advance(2 * Day);
        const Result<int> swept = waitForTask(service.sweep());
        QVERIFY(swept);
        QCOMPARE(*swept, 2); // the new old one, and the one that turned 31 days old
        QCOMPARE(search({}).size(), 0);
        QVERIFY(service.prometheusText().contains("meshdeck_audit_records_expired_total 7\n"));
        waitForTask(service.stop());
    }

    void parsesTheQuery_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("field"); // empty: accepted
        QTest::newRow("outcome") << "outcome"
                                 << "ok"
                                 << "";
        QTest::newRow("bad outcome") << "outcome"
                                     << "maybe"
                                     << "outcome";
        QTest::newRow("iso time") << "from"
                                  << "2026-01-31T12:00:00Z"
                                  << "";
        QTest::newRow("offset time") << "to"
                                     << "2026-01-31T12:00:00.5+02:00"
                                     << "";
        QTest::newRow("ms time") << "to"
                                 << "1800000000000"
                                 << "";
        QTest::newRow("local time") << "from"
                                    << "2026-01-31T12:00:00"
                                    << "from";
        QTest::newRow("bad time") << "to"
                                  << "yesterday"
                                  << "to";
        QTest::newRow("cursor") << "cursor"
                                << "42"
                                << "";
        QTest::newRow("bad cursor") << "cursor"
                                    << "abc"
                                    << "cursor";
        QTest::newRow("zero cursor") << "cursor"
                                     << "0"
                                     << "cursor";
        QTest::newRow("limit") << "limit"
                               << "1000"
                               << "";
        QTest::newRow("limit too big") << "limit"
                                       << "1001"
                                       << "limit";
        QTest::newRow("limit zero") << "limit"
                                    << "0"
                                    << "limit";
    }
    void parsesTheQuery()
    {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, field);
        const Result<AuditFilter> f =
            parseFilter([&](const QString &n) { return n == name ? value : QString(); });
        QCOMPARE(bool(f), field.isEmpty());
        if (!f)
            QCOMPARE(f.error().field, field);
        QCOMPARE(parseTime(QStringLiteral("2026-01-31T12:00:00.5+02:00")),
                 std::optional<qint64>(
                     QDateTime(QDate(2026, 1, 31), QTime(10, 0, 0, 500), Qt::UTC).toMSecsSinceEpoch()));
    }

    void recordsFromManyThreadsAreAllStoredInBatches()
    {
        AuditService service(settings(10'000, 50), m_db.get());
        QCOMPARE(waitForTask(service.start()), QString());
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back(QThread::create([&service, t] {
                const QByteArray actor = "user:" + QByteArray::number(t);
                for (int i = 0; i < 100; ++i)
                    service.record(entry(actor.constData(), "x", nullptr, "ok", Now + i));
            }));
            threads.back()->start();
        }
        for (auto &t : threads)
            QVERIFY(t->wait(10'000));
        waitForTask(service.flush());
        QCOMPARE(search(Filter().limit(1000)).size(), 400);
        QCOMPARE(search(Filter().actor("user:3").limit(1000)).size(), 100);
        QCOMPARE(service.dropped(), 0);
        QCOMPARE(service.status().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        waitForTask(service.stop());
    }

    void aFullQueueCountsWhatItDropsAndSaysSo()
    {
        AuditService service(settings(3), m_db.get());
        QCOMPARE(waitForTask(service.start()), QString());
        QCOMPARE(service.status().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QVERIFY(service.prometheusText().contains("meshdeck_audit_records_dropped_total 0\n"));
        // No event loop runs in between: the writer cannot take any yet.
        for (int i = 0; i < 10; ++i)
            service.record(entry("admin-token", "x", nullptr, "ok", Now + i));
        QCOMPARE(service.dropped(), 7);
        const QJsonObject status = service.status();
        QCOMPARE(status.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        QCOMPARE(status.value(QStringLiteral("dropped")).toInteger(), 7);
        QVERIFY(status.contains(QStringLiteral("lastDropAt")));
        QVERIFY(service.prometheusText().contains("meshdeck_audit_records_dropped_total 7\n"));
        waitForTask(service.flush());
        QCOMPARE(search({}).size(), 3);
        waitForTask(service.stop());
    }

    void stopWritesWhatIsStillQueued()
    {
        auto service = std::make_unique<AuditService>(AuditSettings{}, m_db.get());
        QCOMPARE(waitForTask(service->start()), QString());
        for (int i = 0; i < 5; ++i)
            service->record(entry("admin-token", "x", nullptr, "ok", Now + i));
        waitForTask(service->stop());
        service.reset();
        QCOMPARE(search({}).size(), 5);
    }

    void theChannelDeliversEachStoredRecordToEverySubscriber()
    {
        AuditService service({}, m_db.get());
        insert({entry("admin-token", "before-anyone-listened", nullptr, "ok", Now)});
        QCOMPARE(waitForTask(service.start()), QString());
        Inbox first, second;
        QCOMPARE(service.open(subscription(first, 1, std::make_shared<Principal>(Principal::adminToken()))),
                 QString());
        QCOMPARE(service.open(subscription(second, 2, userWithRole(Role::Support))), QString());
        QTRY_COMPARE(first.messages.size(), 1);
        QCOMPARE(first.messages[0].value(QStringLiteral("type")).toString(), QStringLiteral("subscribed"));
        AuditEntry e = entry("admin-token", "drainInstance", "instance:i1", "ok", Now + 1);
        e.after = QJsonObject{{QStringLiteral("weight"), 0}};
        service.record(e);
        service.record(entry("user:9", "createTopic", "topic:t", "denied", Now + 2));
        QTRY_COMPARE(first.records().size(), 2);
        QTRY_COMPARE(second.records().size(), 2);
        QCOMPARE(first.records(), second.records());
        QCOMPARE(first.records()[0].value(QStringLiteral("action")).toString(),
                 QStringLiteral("drainInstance"));
        QCOMPARE(first.records()[0]
                     .value(QStringLiteral("after"))
                     .toObject()
                     .value(QStringLiteral("weight"))
                     .toInt(),
                 0);
        QCOMPARE(first.records()[1].value(QStringLiteral("outcome")).toString(), QStringLiteral("denied"));
        // A closed subscription gets nothing more; the other still does.
        service.close(subscription(second, 2, {})); // another subscription object with the same id: ignored
        const auto secondSub = subscription(second, 3, std::make_shared<Principal>(Principal::adminToken()));
        QCOMPARE(service.open(secondSub), QString());
        service.close(secondSub);
        service.record(entry("admin-token", "third", nullptr, "ok", Now + 3));
        QTRY_COMPARE(first.records().size(), 3);
        QTRY_COMPARE(second.records().size(), 3); // id 2 is still open
        waitForTask(service.stop());
    }

    void recordsStoredByAnotherNodeReachThisNodesSubscribers()
    {
        // Two nodes on one database; this one follows the log by polling it (cluster mode).
        Storage::Database otherDatabase;
        const auto opened = waitForTask(
            otherDatabase.open(m_location, {{QStringLiteral("audit"), AuditStore::migrations()}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        AuditSettings polling = settings();
        polling.pollIntervalMs = 50;
        AuditService here(polling, m_db.get());
        AuditService there(settings(), &otherDatabase);
        QCOMPARE(waitForTask(here.start()), QString());
        QCOMPARE(waitForTask(there.start()), QString());
        Inbox inbox;
        QCOMPARE(here.open(subscription(inbox, 1, std::make_shared<Principal>(Principal::adminToken()))),
                 QString());
        there.record(entry("user:1", "elsewhere", nullptr, "ok", Now));
        here.record(entry("user:2", "here", nullptr, "ok", Now + 1));
        QTRY_COMPARE(inbox.records().size(), 2);
        // Later polls deliver what is new, and nothing twice.
        there.record(entry("user:1", "elsewhere-again", nullptr, "ok", Now + 2));
        QTRY_COMPARE(inbox.records().size(), 3);
        QSet<QString> ids;
        QStringList actions;
        for (const QJsonObject &r : inbox.records()) {
            ids << r.value(QStringLiteral("id")).toString();
            actions << r.value(QStringLiteral("action")).toString();
        }
        QCOMPARE(ids.size(), 3);
        QVERIFY(actions.contains(QStringLiteral("elsewhere")));
        QVERIFY(actions.contains(QStringLiteral("here")));
        QCOMPARE(actions.last(), QStringLiteral("elsewhere-again"));
        waitForTask(there.stop());
        waitForTask(here.stop());
        waitForTask(otherDatabase.close());
    }

    void theChannelRefusesWhoMayNotReadTheAuditLog()
    {
        AuditService service({}, m_db.get());
        QCOMPARE(waitForTask(service.start()), QString());
        Inbox inbox;
        const QString anonymous = service.open(subscription(inbox, 1, {}));
        QVERIFY2(anonymous.contains(QLatin1String("audit.read")), qPrintable(anonymous));
        const QString developer = service.open(subscription(inbox, 2, userWithRole(Role::Developer)));
        QVERIFY2(developer.contains(QLatin1String("audit.read")), qPrintable(developer));
        // Proof that the inbox would have seen records: an allowed subscriber on the same inbox.
        QCOMPARE(service.open(subscription(inbox, 3, userWithRole(Role::Admin))), QString());
        service.record(entry("admin-token", "x", nullptr, "ok", Now));
        QTRY_COMPARE(inbox.records().size(), 1); // once: the refused subscriptions were not kept
        QTest::qWait(0);
        waitForTask(service.stop());
        QCOMPARE(inbox.records().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestAuditStore)
#include "tst_auditstore.moc"
