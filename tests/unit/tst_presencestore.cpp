#include "postgresserver.h"
#include "testing.h"

#include "services/presence/presencestore.h"
#include "services/system/systemstore.h"
#include "storage/database.h"
#include "storage/store.h"

#include <QSqlQuery>

using namespace Meshdeck;
using namespace Meshdeck::Presence;
using namespace Meshdeck::Testing;

namespace {
constexpr qint64 GoneAfterMs = 5000;

System::ClusterMember member(const QString &id)
{
    return System::ClusterMember{id,
                                 QStringLiteral("http://127.0.0.1:1/") + id,
                                 QStringLiteral("1.0"),
                                 QStringLiteral("serving"),
                                 0,
                                 0,
                                 0,
                                 0.0};
}

UserPresence find(const QList<UserPresence> &all, const QString &userId)
{
    for (const UserPresence &p : all)
        if (p.userId == userId)
            return p;
    return UserPresence{};
}
} // namespace

// The presence store on the run's dialect (unit/presencestore and _pg): each node's counts, their
// union over live nodes, and a dead node's sessions ending at its last heartbeat.
class TestPresenceStore : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    std::unique_ptr<Storage::Database> m_db;

    template<typename Work> auto run(Work work)
    {
        auto result = waitForTask(m_db->attempt(std::move(work)));
        if (!result)
            qFatal("store call failed: %s", qPrintable(result.error().reason));
        if constexpr (!std::is_void_v<std::invoke_result_t<Work, QSqlDatabase &>>)
            return *result;
    }
    void count(const QString &node, const QString &user, int sessions)
    {
        run([node, user, sessions](QSqlDatabase &db) {
            PresenceStore::writeCounts(db, node,
                                       {NodeCount{user, user + QStringLiteral("@example.test"), sessions}});
        });
    }
    QList<UserPresence> everyone()
    {
        return run([](QSqlDatabase &db) { return PresenceStore::read(db, true, GoneAfterMs); });
    }
    void beat(const QString &node)
    {
        run([node](QSqlDatabase &db) {
            System::SystemStore::heartbeat(db, member(node), false, GoneAfterMs);
        });
    }
    qint64 lastHeartbeat(const QString &node)
    {
        return run([node](QSqlDatabase &db) {
            QSqlQuery q = Storage::exec(
                db, QStringLiteral("SELECT last_seen_ms FROM cluster_nodes WHERE node_id = ?"), {node});
            return q.next() ? q.value(0).toLongLong() : qint64(-1);
        });
    }

private Q_SLOTS:
    void init()
    {
        const QString location = m_databases.freshLocation(QStringLiteral("presence"));
        QVERIFY2(!location.isEmpty(), qPrintable(m_databases.error()));
        m_db = std::make_unique<Storage::Database>();
        const auto opened =
            waitForTask(m_db->open(location, {{QStringLiteral("system"), System::SystemStore::migrations()},
                                              {QStringLiteral("presence"), PresenceStore::migrations()}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        beat(QStringLiteral("a"));
        beat(QStringLiteral("b"));
    }
    void cleanup()
    {
        waitForTask(m_db->close());
        m_db.reset();
    }

    void sessionsOnTwoNodesAddUpUntilBothEnd()
    {
        count(QStringLiteral("a"), QStringLiteral("u1"), 1);
        count(QStringLiteral("b"), QStringLiteral("u1"), 2);
        UserPresence u = find(everyone(), QStringLiteral("u1"));
        QCOMPARE(u.status, QStringLiteral("online"));
        QCOMPARE(u.sessions, 3);
        QCOMPARE(u.lastSeenMs, qint64(0));
        QCOMPARE(u.name, QStringLiteral("u1@example.test"));

        count(QStringLiteral("b"), QStringLiteral("u1"), 0);
        u = find(everyone(), QStringLiteral("u1"));
        QCOMPARE(u.status, QStringLiteral("online"));
        QCOMPARE(u.sessions, 1);

        count(QStringLiteral("a"), QStringLiteral("u1"), 0);
        u = find(everyone(), QStringLiteral("u1"));
        QCOMPARE(u.status, QStringLiteral("offline"));
        QCOMPARE(u.sessions, 0);
        QVERIFY(u.lastSeenMs > 0);

        // Writing the same count again keeps the last-seen time.
        count(QStringLiteral("a"), QStringLiteral("u1"), 0);
        QCOMPARE(find(everyone(), QStringLiteral("u1")).lastSeenMs, u.lastSeenMs);
    }

    void awayHoldsWhileConnectedAndANewSessionTakesIt()
    {
        QVERIFY(!run([](QSqlDatabase &db) {
            return PresenceStore::setStatus(db, QStringLiteral("u2"), QStringLiteral("away"));
        }));
        count(QStringLiteral("a"), QStringLiteral("u2"), 1);
        QVERIFY(run([](QSqlDatabase &db) {
            return PresenceStore::setStatus(db, QStringLiteral("u2"), QStringLiteral("away"));
        }));
        QCOMPARE(find(everyone(), QStringLiteral("u2")).status, QStringLiteral("away"));
        count(QStringLiteral("b"), QStringLiteral("u2"), 1); // another console: as the others are
        QCOMPARE(find(everyone(), QStringLiteral("u2")).status, QStringLiteral("away"));

        // Gone and back: online again.
        count(QStringLiteral("a"), QStringLiteral("u2"), 0);
        count(QStringLiteral("b"), QStringLiteral("u2"), 0);
        QCOMPARE(find(everyone(), QStringLiteral("u2")).status, QStringLiteral("offline"));
        count(QStringLiteral("a"), QStringLiteral("u2"), 1);
        QCOMPARE(find(everyone(), QStringLiteral("u2")).status, QStringLiteral("online"));
    }

    void aGoneNodeStopsCountingAndItsSessionsEndAtItsLastHeartbeat()
    {
        count(QStringLiteral("a"), QStringLiteral("both"), 1);
        count(QStringLiteral("b"), QStringLiteral("both"), 1);
        count(QStringLiteral("b"), QStringLiteral("onlyB"), 1);
        QCOMPARE(run([](QSqlDatabase &db) { return PresenceStore::retireGoneNodes(db, GoneAfterMs); }), 0);

        // b's last heartbeat was 6 s ago by the database's clock: past the 5 s bound.
        run([](QSqlDatabase &db) {
            Storage::exec(db, QStringLiteral("UPDATE cluster_nodes SET last_seen_ms = last_seen_ms - 6000 "
                                             "WHERE node_id = 'b'"));
        });
        const qint64 bSeen = lastHeartbeat(QStringLiteral("b"));
        QList<UserPresence> all = everyone();
        QCOMPARE(find(all, QStringLiteral("both")).status, QStringLiteral("online"));
        QCOMPARE(find(all, QStringLiteral("both")).sessions, 1);
        QCOMPARE(find(all, QStringLiteral("onlyB")).status, QStringLiteral("offline"));
        QCOMPARE(find(all, QStringLiteral("onlyB")).lastSeenMs, bSeen);

        // Retired: the same answer, and it stays when b's row is forgotten.
        QCOMPARE(run([](QSqlDatabase &db) { return PresenceStore::retireGoneNodes(db, GoneAfterMs); }), 2);
        run([](QSqlDatabase &db) {
            Storage::exec(db, QStringLiteral("DELETE FROM cluster_nodes WHERE node_id = 'b'"));
        });
        all = everyone();
        QCOMPARE(find(all, QStringLiteral("onlyB")).status, QStringLiteral("offline"));
        QCOMPARE(find(all, QStringLiteral("onlyB")).lastSeenMs, bSeen);
        QCOMPARE(find(all, QStringLiteral("both")).sessions, 1);
    }

    void aNodeThatStartsAgainEndsItsOldSessions()
    {
        count(QStringLiteral("a"), QStringLiteral("u3"), 2);
        const QStringList cleared =
            run([](QSqlDatabase &db) { return PresenceStore::clearNode(db, QStringLiteral("a")); });
        QCOMPARE(cleared, QStringList{QStringLiteral("u3")});
        const UserPresence u = find(everyone(), QStringLiteral("u3"));
        QCOMPARE(u.status, QStringLiteral("offline"));
        QVERIFY(u.lastSeenMs > 0);
    }

    void theLocalStackCountsItsOnlyNodeWithoutHeartbeats()
    {
        run([](QSqlDatabase &db) {
            PresenceStore::writeCounts(db, QStringLiteral("local"),
                                       {NodeCount{QStringLiteral("u4"), QString(), 1}});
        });
        const QList<UserPresence> all =
            run([](QSqlDatabase &db) { return PresenceStore::read(db, false, GoneAfterMs); });
        QCOMPARE(find(all, QStringLiteral("u4")).status, QStringLiteral("online"));
        // In a cluster, a node with no heartbeat does not count.
        QCOMPARE(find(everyone(), QStringLiteral("u4")).status, QStringLiteral("offline"));
    }
};

QTEST_MAIN(TestPresenceStore)
#include "tst_presencestore.moc"
