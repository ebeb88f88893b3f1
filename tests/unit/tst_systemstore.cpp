#include "postgresserver.h"
#include "testing.h"

#include "services/system/clustermembership.h"
#include "services/system/systemstore.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

using namespace Meshdeck;
using namespace Meshdeck::System;
using namespace Meshdeck::Testing;

namespace {
// Stands in for a realtime session on the cluster channel.
class Inbox : public QObject
{
    Q_OBJECT
public:
    Inbox()
        : mailbox(std::make_shared<Realtime::Mailbox>(this, 1'000))
    {}
    Q_INVOKABLE void drainMailbox()
    {
        for (const QByteArray &m : mailbox->take())
            messages << QJsonDocument::fromJson(m).object();
    }
    std::shared_ptr<Realtime::Mailbox> mailbox;
    QList<QJsonObject> messages;
};

ClusterMember member(const QString &id, const QString &state)
{
    return ClusterMember{
        id, QStringLiteral("http://127.0.0.1:1/") + id, QStringLiteral("1.0"), state, 0, 0, 2, 0.5};
}

QString stateOf(const QList<ClusterMember> &members, const QString &id)
{
    for (const ClusterMember &m : members)
        if (m.nodeId == id)
            return m.state;
    return QStringLiteral("missing");
}
} // namespace

// The system store and cluster membership, on the run's dialect (unit/systemstore and _pg).
class TestSystemStore : public QObject
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
        return *result;
    }

private Q_SLOTS:
    void init()
    {
        const QString location = m_databases.freshLocation(QStringLiteral("system"));
        QVERIFY2(!location.isEmpty(), qPrintable(m_databases.error()));
        m_db = std::make_unique<Storage::Database>();
        const auto opened =
            waitForTask(m_db->open(location, {{QStringLiteral("system"), SystemStore::migrations()}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
    }
    void cleanup()
    {
        waitForTask(m_db->close());
        m_db.reset();
    }

    void theNodeIdIsCreatedOnceAndKept()
    {
        const QString first = run(&SystemStore::loadOrCreateNodeId);
        QVERIFY(!first.isEmpty());
        QCOMPARE(run(&SystemStore::loadOrCreateNodeId), first);
    }

    void onlyTheFirstBootstrapIsRecorded()
    {
        QVERIFY(!run([](QSqlDatabase &db) { return SystemStore::adminTokenHash(db); }).has_value());
        QVERIFY(
            run([](QSqlDatabase &db) { return SystemStore::claimBootstrap(db, QStringLiteral("aa11")); }));
        QVERIFY(
            !run([](QSqlDatabase &db) { return SystemStore::claimBootstrap(db, QStringLiteral("bb22")); }));
        QCOMPARE(run([](QSqlDatabase &db) { return SystemStore::adminTokenHash(db); }).value_or(QString()),
                 QStringLiteral("aa11"));
    }

    void heartbeatsListEveryMemberAndASilentOneIsGone()
    {
        run([](QSqlDatabase &db) {
            return SystemStore::heartbeat(db, member(QStringLiteral("a"), QStringLiteral("serving")), true,
                                          5000);
        });
        const QList<ClusterMember> both = run([](QSqlDatabase &db) {
            return SystemStore::heartbeat(db, member(QStringLiteral("b"), QStringLiteral("joining")), true,
                                          5000);
        });
        QCOMPARE(both.size(), 2);
        QCOMPARE(stateOf(both, QStringLiteral("a")), QStringLiteral("serving")); // seen: not gone yet
        QCOMPARE(stateOf(both, QStringLiteral("b")), QStringLiteral("joining"));
        QCOMPARE(both.constFirst().advertiseUrl, QStringLiteral("http://127.0.0.1:1/a"));
        QCOMPARE(both.constFirst().openConnections, 2);
        QVERIFY(both.constFirst().lastSeenMs > 0);
        QCOMPARE(both.constFirst().startedMs, both.constFirst().lastSeenMs);

        // a's last heartbeat was 6 s ago by the database's clock: past the 5 s bound.
        run([](QSqlDatabase &db) {
            Storage::exec(db, QStringLiteral("UPDATE cluster_nodes SET last_seen_ms = last_seen_ms - 6000 "
                                             "WHERE node_id = 'a'"));
            return true;
        });
        const QList<ClusterMember> later =
            run([](QSqlDatabase &db) { return SystemStore::members(db, 5000); });
        QCOMPARE(stateOf(later, QStringLiteral("a")), QStringLiteral("gone"));
        QCOMPARE(stateOf(later, QStringLiteral("b")), QStringLiteral("joining"));
        // With a longer bound it is still a member.
        QCOMPARE(stateOf(run([](QSqlDatabase &db) { return SystemStore::members(db, 60'000); }),
                         QStringLiteral("a")),
                 QStringLiteral("serving"));
        // Its next heartbeat brings it back, keeping its start time.
        const qint64 started = later.constFirst().startedMs;
        const QList<ClusterMember> back = run([](QSqlDatabase &db) {
            return SystemStore::heartbeat(db, member(QStringLiteral("a"), QStringLiteral("serving")), false,
                                          5000);
        });
        QCOMPARE(stateOf(back, QStringLiteral("a")), QStringLiteral("serving"));
        QCOMPARE(back.constFirst().startedMs, started);
    }

    void aJoiningNodeForgetsMembersGoneForADay()
    {
        for (const char *id : {"old", "recent"})
            run([id](QSqlDatabase &db) {
                return SystemStore::heartbeat(db, member(QString::fromLatin1(id), QStringLiteral("serving")),
                                              true, 5000);
            });
        run([](QSqlDatabase &db) {
            Storage::exec(db,
                          QStringLiteral("UPDATE cluster_nodes SET last_seen_ms = last_seen_ms - ? WHERE "
                                         "node_id = 'old'"),
                          {SystemStore::ForgetGoneAfterMs + 60'000});
            Storage::exec(db,
                          QStringLiteral("UPDATE cluster_nodes SET last_seen_ms = last_seen_ms - 60000 WHERE "
                                         "node_id = 'recent'"));
            return true;
        });
        // A heartbeat of a running node forgets nothing: both are listed, gone.
        QList<ClusterMember> listed = run([](QSqlDatabase &db) {
            return SystemStore::heartbeat(db, member(QStringLiteral("new"), QStringLiteral("serving")), false,
                                          5000);
        });
        QCOMPARE(stateOf(listed, QStringLiteral("old")), QStringLiteral("gone"));
        QCOMPARE(stateOf(listed, QStringLiteral("recent")), QStringLiteral("gone"));
        // A joining node forgets the one gone for more than a day.
        listed = run([](QSqlDatabase &db) {
            return SystemStore::heartbeat(db, member(QStringLiteral("new"), QStringLiteral("joining")), true,
                                          5000);
        });
        QCOMPARE(stateOf(listed, QStringLiteral("old")), QStringLiteral("missing"));
        QCOMPARE(stateOf(listed, QStringLiteral("recent")), QStringLiteral("gone"));
        QCOMPARE(listed.size(), 2);
    }

    void theChannelSendsASnapshotThenStateChanges()
    {
        MembershipSettings settings;
        settings.cluster = true;
        settings.nodeId = QStringLiteral("n1");
        settings.version = QStringLiteral("1.0"); // no URL yet: the port is known once listening
        ClusterMembership membership(settings, m_db.get());
        QCOMPARE(waitForTask(membership.join()), QString());
        QCOMPARE(membership.membersJson().size(), 1);
        QCOMPARE(membership.membersJson().at(0)[QStringLiteral("state")].toString(),
                 QStringLiteral("joining"));
        QVERIFY(membership.membersJson().at(0)[QStringLiteral("self")].toBool());
        QCOMPARE(membership.membersJson().at(0)[QStringLiteral("advertiseUrl")].toString(), QString());
        membership.setAdvertiseUrl(QStringLiteral("http://127.0.0.1:7700"));

        Inbox inbox;
        auto sub = std::make_shared<Realtime::Subscription>();
        sub->channel = QStringLiteral("cluster");
        sub->mailbox = inbox.mailbox;
        sub->id = 1;
        sub->principal = std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken());
        QCOMPARE(membership.open(sub), QString());
        QTRY_COMPARE(inbox.messages.size(), 2);
        QCOMPARE(inbox.messages.at(1)[QStringLiteral("type")].toString(), QStringLiteral("snapshot"));
        QCOMPARE(inbox.messages.at(1)[QStringLiteral("mode")].toString(), QStringLiteral("cluster"));
        QCOMPARE(inbox.messages.at(1)[QStringLiteral("members")].toArray().size(), 1);

        waitForTask(membership.setState(QStringLiteral("serving")));
        QTRY_COMPARE(inbox.messages.size(), 3);
        const QJsonObject change = inbox.messages.at(2);
        QCOMPARE(change[QStringLiteral("type")].toString(), QStringLiteral("change"));
        QCOMPARE(change[QStringLiteral("member")][QStringLiteral("state")].toString(),
                 QStringLiteral("serving"));

        // Another node joins: it appears as a change on the next heartbeat (every second).
        run([](QSqlDatabase &db) {
            return SystemStore::heartbeat(db, member(QStringLiteral("n2"), QStringLiteral("serving")), true,
                                          5000);
        });
        QTRY_COMPARE_WITH_TIMEOUT(inbox.messages.size(), 4, 5000);
        QCOMPARE(inbox.messages.at(3)[QStringLiteral("member")][QStringLiteral("nodeId")].toString(),
                 QStringLiteral("n2"));
        QCOMPARE(membership.membersJson().size(), 2);

        membership.close(sub);
        waitForTask(membership.setState(QStringLiteral("gone"))); // a change, as proven above
        QCoreApplication::processEvents();
        QCOMPARE(inbox.messages.size(), 4); // closed: not sent
    }
};

QTEST_GUILESS_MAIN(TestSystemStore)
#include "tst_systemstore.moc"
