// Document permissions: the strict parser and printer, the SQL clause a store appends, and the
// events store applying it to topics (unit/documentpermissions and _pg). Non-admin principals are
// built directly (Principal struct): the users service is not there yet.
#include "postgresserver.h"
#include "testing.h"

#include "services/events/eventsschema.h"
#include "services/events/eventsstore.h"
#include "storage/documentpermissions.h"
#include "storage/store.h"

#include <QSqlQuery>

using namespace Meshdeck;
using namespace Meshdeck::Testing;
namespace Permissions = Meshdeck::Storage::DocumentPermissions;
using Permissions::Action;
using Permissions::Permission;
using Permissions::Scope;

namespace {
Principal user(const QString &id, QList<TeamMembership> teams = {})
{
    Principal p;
    p.kind = Principal::Kind::User;
    p.userId = id;
    p.name = id + QStringLiteral("@example.com");
    p.role = Role::User;
    p.teams = std::move(teams);
    return p;
}

QStringList names(const QList<Events::TopicInfo> &topics)
{
    QStringList out;
    for (const Events::TopicInfo &t : topics)
        out << t.name;
    return out;
}
} // namespace

class TestDocumentPermissions : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QSqlDatabase m_db;
    int m_run = 0;

    QList<Permission> parsed(const QStringList &texts)
    {
        const Result<QList<Permission>> list = Permissions::parseList(texts);
        if (!list)
            qWarning() << list.error().reason;
        return list ? list.value() : QList<Permission>();
    }

private Q_SLOTS:
    void init()
    {
        m_db = m_databases.fresh(QStringLiteral("perm%1").arg(m_run++),
                                 QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY2(m_db.isOpen(), qPrintable(m_databases.error()));
        QVERIFY(
            Storage::migrate(m_db, {{QStringLiteral("events"), Events::schema()}, Permissions::schema()}).ok);
    }
    void cleanup()
    {
        const QString name = m_db.connectionName();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }

    void parsesEveryRoleForm_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("action");
        QTest::addColumn<QString>("role");
        QTest::newRow("any") << "read(\"any\")" << int(Action::Read) << "any";
        QTest::newRow("users") << "update(\"users\")" << int(Action::Update) << "users";
        QTest::newRow("user") << "delete(\"user:u-1\")" << int(Action::Delete) << "user:u-1";
        QTest::newRow("team") << "read(\"team:ops\")" << int(Action::Read) << "team:ops";
        QTest::newRow("team role") << "read(\"team:ops/owner\")" << int(Action::Read) << "team:ops/owner";
    }
    void parsesEveryRoleForm()
    {
        QFETCH(QString, text);
        QFETCH(int, action);
        QFETCH(QString, role);
        const Permissions::Parsed p = Permissions::parse(text);
        QVERIFY2(p.permission, qPrintable(p.reason));
        QCOMPARE(int(p.permission->action), action);
        QCOMPARE(p.permission->role, role);
        QCOMPARE(Permissions::print(*p.permission), text); // what is stored prints back the same
    }

    void refusesAnythingElseWithAReason_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *bad : {"",
                                "read",
                                "read()",
                                "read(\"\")",
                                "read(any)",
                                "read('any')",
                                "read( \"any\")",
                                "read(\"any\" )",
                                "Read(\"any\")",
                                "write(\"any\")",
                                "read(\"any\")x",
                                "read(\"anyone\")",
                                "read(\"user:\")",
                                "read(\"user\")",
                                "read(\"team:\")",
                                "read(\"team:a/\")",
                                "read(\"team:/r\")",
                                "read(\"team:a/b/c\")",
                                "read(\"user:a b\")",
                                "read(\"user:a\\\"b\")",
                                "read(\"user:' OR 1=1 --\")",
                                "read(\"users\"",
                                "read(\"any\"))",
                                "read\"any\")"})
            QTest::newRow(bad) << QString::fromUtf8(bad);
        QTest::newRow("long id") << QStringLiteral("read(\"user:%1\")").arg(QString(65, QLatin1Char('a')));
    }
    void refusesAnythingElseWithAReason()
    {
        QFETCH(QString, text);
        const Permissions::Parsed p = Permissions::parse(text);
        QVERIFY(!p.permission);
        QVERIFY(!p.reason.isEmpty());
        const Result<QList<Permission>> list =
            Permissions::parseList({QStringLiteral("read(\"any\")"), text});
        QVERIFY(!list);
        QCOMPARE(list.error().field, QStringLiteral("permissions[1]"));
    }

    void theClauseBindsRolesAndNeverWritesThem()
    {
        const Permissions::Clause c =
            Permissions::clause(QStringLiteral("topic"), QStringLiteral("topics.name"), Action::Update,
                                Scope::holding({QStringLiteral("any"), QStringLiteral("user:' OR 1=1 --")}));
        QVERIFY(c.sql.startsWith(QStringLiteral("EXISTS (SELECT 1 FROM document_permissions p")));
        QVERIFY(c.sql.contains(QStringLiteral("p.resource_id = topics.name")));
        QVERIFY(c.sql.contains(QStringLiteral("p.role IN (?, ?)")));
        QVERIFY(!c.sql.contains(QStringLiteral("OR 1=1")));
        QCOMPARE(c.values, (QVariantList{QStringLiteral("topic"), QStringLiteral("update"),
                                         QStringLiteral("any"), QStringLiteral("user:' OR 1=1 --")}));
        QCOMPARE(
            Permissions::clause(QStringLiteral("topic"), QStringLiteral("x"), Action::Read, Scope::all()).sql,
            QStringLiteral("1 = 1"));
    }

    // A user sees exactly the topics granted to a role it holds; update without read lists nothing.
    void aUserSeesOnlyTopicsGrantedToItsRoles()
    {
        const QHash<QString, QStringList> topics{
            {QStringLiteral("t-any"), {QStringLiteral("read(\"any\")")}},
            {QStringLiteral("t-users"), {QStringLiteral("read(\"users\")")}},
            {QStringLiteral("t-alice"), {QStringLiteral("read(\"user:alice\")")}},
            {QStringLiteral("t-bob"), {QStringLiteral("read(\"user:bob\")")}},
            {QStringLiteral("t-team"), {QStringLiteral("read(\"team:ops\")")}},
            {QStringLiteral("t-owner"), {QStringLiteral("read(\"team:ops/owner\")")}},
            {QStringLiteral("t-member"), {QStringLiteral("read(\"team:ops/member\")")}},
            {QStringLiteral("t-other-team"), {QStringLiteral("read(\"team:sales\")")}},
            {QStringLiteral("t-update-only"),
             {QStringLiteral("update(\"user:alice\")"), QStringLiteral("delete(\"user:alice\")")}},
            {QStringLiteral("t-none"), {}},
        };
        for (auto it = topics.cbegin(); it != topics.cend(); ++it) {
            QVERIFY(Events::EventsStore::createTopic(m_db, it.key(), {}, 0));
            Events::EventsStore::setPermissions(m_db, it.key(), parsed(it.value()));
        }
        const Principal alice =
            user(QStringLiteral("alice"), {{QStringLiteral("ops"), {QStringLiteral("owner")}}});
        const Scope aliceReads = Permissions::scopeFor(alice, "events.read");
        QVERIFY(!aliceReads.everything);
        QCOMPARE(names(Events::EventsStore::listTopics(m_db, aliceReads)),
                 (QStringList{QStringLiteral("t-alice"), QStringLiteral("t-any"), QStringLiteral("t-owner"),
                              QStringLiteral("t-team"), QStringLiteral("t-users")}));
        // The same query answers one topic: found when readable, absent (as if missing) when not.
        QVERIFY(Events::EventsStore::topic(m_db, QStringLiteral("t-owner"), aliceReads));
        QVERIFY(!Events::EventsStore::topic(m_db, QStringLiteral("t-bob"), aliceReads));
        QVERIFY(!Events::EventsStore::topic(m_db, QStringLiteral("t-update-only"), aliceReads));
        QVERIFY(!Events::EventsStore::read(m_db, QStringLiteral("t-update-only"), 0, -1, 10, aliceReads));
        QVERIFY(Events::EventsStore::read(m_db, QStringLiteral("t-alice"), 0, -1, 10, aliceReads));
        // update does not imply read, and is held on its own.
        QCOMPARE(*Events::EventsStore::access(m_db, QStringLiteral("t-update-only"), aliceReads),
                 (QList<Action>{Action::Update, Action::Delete}));
        // Anonymous-like principals (no user id) hold only "any".
        QCOMPARE(names(Events::EventsStore::listTopics(m_db, Scope::holding({QStringLiteral("any")}))),
                 QStringList{QStringLiteral("t-any")});
        // A role that is injected text matches nothing.
        QCOMPARE(
            names(Events::EventsStore::listTopics(m_db, Scope::holding({QStringLiteral("' OR 1=1 --")}))),
            QStringList());
        // Full grants see everything.
        Principal developer = user(QStringLiteral("dev"));
        developer.role = Role::Developer;
        QVERIFY(Permissions::scopeFor(developer, "events.read").everything);
        QCOMPARE(
            Events::EventsStore::listTopics(m_db, Permissions::scopeFor(developer, "events.read")).size(),
            topics.size());
    }

    void replacingASetIsAtomicAndDeletingATopicRemovesIt()
    {
        QVERIFY(Events::EventsStore::createTopic(m_db, QStringLiteral("orders"), {}, 0));
        Permissions::replace(
            m_db, QStringLiteral("topic"), QStringLiteral("orders"),
            parsed({QStringLiteral("read(\"users\")"), QStringLiteral("update(\"user:a\")")}));
        QCOMPARE(Events::EventsStore::permissions(m_db, QStringLiteral("orders")),
                 (QStringList{QStringLiteral("read(\"users\")"), QStringLiteral("update(\"user:a\")")}));
        QVERIFY(Events::EventsStore::updateTopic(m_db, QStringLiteral("orders"), std::nullopt,
                                                 parsed({QStringLiteral("delete(\"team:x/y\")")})));
        QCOMPARE(Events::EventsStore::permissions(m_db, QStringLiteral("orders")),
                 QStringList{QStringLiteral("delete(\"team:x/y\")")});
        QVERIFY(Events::EventsStore::deleteTopic(m_db, QStringLiteral("orders")));
        QSqlQuery left = Storage::exec(m_db, QStringLiteral("SELECT COUNT(*) FROM document_permissions"));
        QVERIFY(left.next());
        QCOMPARE(left.value(0).toInt(), 0);
    }

    void nobodyGrantsWhatTheyDoNotHold()
    {
        const Principal alice =
            user(QStringLiteral("alice"), {{QStringLiteral("ops"), {QStringLiteral("member")}}});
        const QList<Action> readUpdate{Action::Read, Action::Update};
        // Roles alice holds, actions she holds on the document: allowed.
        QVERIFY(Permissions::mayGrant(
            alice, "events.write",
            parsed({QStringLiteral("read(\"team:ops\")"), QStringLiteral("update(\"user:alice\")"),
                    QStringLiteral("read(\"any\")")}),
            {}, readUpdate));
        // A role she does not hold.
        const Result<void> otherUser = Permissions::mayGrant(
            alice, "events.write", parsed({QStringLiteral("read(\"user:bob\")")}), {}, readUpdate);
        QVERIFY(!otherUser);
        QCOMPARE(otherUser.error().kind, ErrorKind::Forbidden);
        QVERIFY(!Permissions::mayGrant(alice, "events.write",
                                       parsed({QStringLiteral("read(\"team:ops/owner\")")}), {}, readUpdate));
        // An action she does not hold on the document.
        QVERIFY(!Permissions::mayGrant(alice, "events.write",
                                       parsed({QStringLiteral("delete(\"user:alice\")")}), {}, readUpdate));
        // Keeping someone else's grant is not granting it.
        const QList<Permission> bobs = parsed({QStringLiteral("read(\"user:bob\")")});
        QVERIFY(Permissions::mayGrant(alice, "events.write", bobs, bobs, readUpdate));
        // Full grants may grant anything.
        Principal developer = user(QStringLiteral("dev"));
        developer.role = Role::Developer;
        QVERIFY(Permissions::mayGrant(developer, "events.write",
                                      parsed({QStringLiteral("delete(\"user:bob\")")}), {}, {}));
        // Support holds no events.write at all.
        Principal support = user(QStringLiteral("s"));
        support.role = Role::Support;
        QVERIFY(!Permissions::mayGrant(support, "events.write", {}, {}, {}));
    }
};

QTEST_GUILESS_MAIN(TestDocumentPermissions)
#include "tst_documentpermissions.moc"
