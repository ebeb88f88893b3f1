#include "postgresserver.h"
#include "testing.h"

#include "services/auth/teamsroutes.h"
#include "services/auth/teamsservice.h"
#include "services/auth/teamsstore.h"
#include "storage/database.h"

#include "http/router.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace Meshdeck;
using namespace Meshdeck::Auth;
using namespace Meshdeck::Testing;

namespace {
template<typename T> T waitFuture(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10'000))
        qFatal("the database did not answer within 10 s");
    if constexpr (!std::is_void_v<T>)
        return future.result();
}

// The auth store's users table, as far as this store reads it (the auth component owns it).
std::vector<Storage::Migration> usersTable()
{
    const QString users =
        QStringLiteral("CREATE TABLE auth_users (id TEXT PRIMARY KEY, email TEXT NOT NULL,"
                       " email_key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,"
                       " status TEXT NOT NULL)");
    return {{1, QStringLiteral("users (test stand-in)"), {users}, {users}}};
}

// Records what the service publishes.
class RecordingPublisher : public EventPublisher
{
public:
    QFuture<Result<void>> ensureSystemTopic(QString topic, QByteArray) override
    {
        topics << topic;
        return QtFuture::makeReadyFuture(Result<void>());
    }
    QFuture<Result<QList<qint64>>> publishEvents(QString topic, QList<EventInput> batch, QString) override
    {
        for (const EventInput &e : batch)
            events << qMakePair(topic, e);
        return QtFuture::makeReadyFuture(Result<QList<qint64>>(QList<qint64>{0}));
    }
    QStringList types() const
    {
        QStringList out;
        for (const auto &[topic, e] : events)
            out << topic + QLatin1Char('/') + e.type;
        return out;
    }
    QStringList topics;
    QList<QPair<QString, EventInput>> events;
};

QStringList roles(std::initializer_list<const char *> names)
{
    QStringList out;
    for (const char *n : names)
        out << QString::fromLatin1(n);
    return out;
}
} // namespace

// The teams store and service rules on the run's dialect (unit/teams and _pg).
class TestTeams : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<RecordingPublisher> m_events;
    std::unique_ptr<TeamsService> m_service;

    void addUser(const QString &id, const QString &email, const QString &role)
    {
        waitFuture(m_db->run([id, email, role](QSqlDatabase &db) {
            Storage::exec(db,
                          QStringLiteral("INSERT INTO auth_users (id, email, email_key, name, role, status) "
                                         "VALUES (?, ?, ?, ?, ?, 'active')"),
                          {id, email, email.toLower(), QStringLiteral("Name of ") + id, role});
        }));
    }

    // The principal the authenticator would build: the user with their teams from the service.
    Principal user(const QString &id, Role role)
    {
        Principal p;
        p.kind = Principal::Kind::User;
        p.userId = id;
        p.name = id + QStringLiteral("@example.com");
        p.role = role;
        p.teams = m_service->membershipsOf(id);
        return p;
    }

    // Calls the route the router matches, as the dispatcher would once it authorised `principal`.
    Http::Response call(const Http::Router &router, const char *method, const QString &path,
                        const Principal &principal, const QJsonObject &body = {})
    {
        const Http::Router::Match m = router.match(method, path.toUtf8());
        if (!m.route)
            qFatal("no route for %s %s", method, qPrintable(path));
        Http::Request request;
        request.method = method;
        request.path = path.toUtf8();
        request.pathParams = m.params;
        request.principal = std::make_shared<const Principal>(principal);
        if (!body.isEmpty())
            request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        return waitForTask(std::get<Http::AsyncHandler>(m.route->handler)(std::move(request)));
    }

    template<typename T> T ok(QCoro::Task<Result<T>> task)
    {
        Result<T> r = waitForTask(std::move(task));
        if (!r)
            qFatal("unexpected error: %s (%s)", qPrintable(r.error().reason), r.error().code.constData());
        return std::move(*r);
    }

    template<typename T> QByteArray refusal(QCoro::Task<Result<T>> task)
    {
        const Result<T> r = waitForTask(std::move(task));
        return r ? QByteArrayLiteral("(accepted)") : r.error().code;
    }

    QList<QVariantList> rawRows(const QString &table)
    {
        return waitFuture(m_db->run([table](QSqlDatabase &db) {
            QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT * FROM ") + table);
            QList<QVariantList> out;
            while (q.next()) {
                QVariantList row;
                for (int i = 0; i < q.record().count(); ++i)
                    row << q.value(i);
                out << row;
            }
            return out;
        }));
    }

private Q_SLOTS:
    void init()
    {
        const QString location = m_databases.freshLocation(QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY2(!location.isEmpty(), qPrintable(m_databases.error()));
        m_db = std::make_unique<Storage::Database>();
        const auto opened =
            waitForTask(m_db->open(location, {{QStringLiteral("test_users"), usersTable()},
                                              {QStringLiteral("teams"), TeamsStore::migrations()}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        m_clock = std::make_unique<ManualClock>();
        m_events = std::make_unique<RecordingPublisher>();
        m_service = std::make_unique<TeamsService>(m_db.get(), m_events.get(), TeamsSettings{}, *m_clock);
        QCOMPARE(waitForTask(m_service->start()), QString());
        QCOMPARE(m_events->topics, QStringList{QStringLiteral("auth")});
        for (const char *id : {"ann", "bob", "cat", "dan"})
            addUser(QString::fromLatin1(id), QString::fromLatin1(id) + QStringLiteral("@example.com"),
                    QStringLiteral("developer"));
    }
    void cleanup()
    {
        m_service.reset();
        waitForTask(m_db->close());
        m_db.reset();
    }

    void creatorBecomesOwner()
    {
        const Team team =
            ok(m_service->createTeam(user(QStringLiteral("ann"), Role::Developer), QStringLiteral(" Ops ")));
        QCOMPARE(team.name, QStringLiteral("Ops"));
        QCOMPARE(team.memberCount, 1);
        const QList<TeamMembership> mine = m_service->membershipsOf(QStringLiteral("ann"));
        QCOMPARE(mine.size(), 1);
        QCOMPARE(mine.front().teamId, team.id);
        QCOMPARE(mine.front().roles, roles({"owner"}));
        const QList<Membership> members = ok(m_service->memberships(Principal::adminToken(), team.id));
        QCOMPARE(members.size(), 1);
        QCOMPARE(members.front().email, QStringLiteral("ann@example.com"));
        QCOMPARE(members.front().name, QStringLiteral("Name of ann"));
        QVERIFY(m_events->types().contains(QStringLiteral("auth/auth.team.created")));
        QVERIFY(m_events->types().contains(QStringLiteral("auth/auth.team.membership.changed")));
        // The admin token is nobody: its team starts without members.
        const Team adminTeam = ok(m_service->createTeam(Principal::adminToken(), QStringLiteral("Platform")));
        QCOMPARE(adminTeam.memberCount, 0);
        QCOMPARE(ok(m_service->teams(Principal::adminToken())).size(), 2);
        QCOMPARE(refusal(m_service->createTeam(Principal::adminToken(), QStringLiteral("  "))),
                 QByteArray("invalid"));
    }

    // Admin manages any team; developers and users only the teams they own; support nothing.
    void onlyOwnersAndAdminsManage()
    {
        const Team team =
            ok(m_service->createTeam(user(QStringLiteral("ann"), Role::Developer), QStringLiteral("Ops")));
        const Principal bob = user(QStringLiteral("bob"), Role::Developer);
        QCOMPARE(refusal(m_service->renameTeam(bob, team.id, QStringLiteral("Mine"))),
                 QByteArray("not-team-owner"));
        QCOMPARE(refusal(m_service->addMembership(bob, team.id, QStringLiteral("bob"), roles({"owner"}))),
                 QByteArray("not-team-owner"));
        QCOMPARE(refusal(m_service->invite(bob, team.id, QStringLiteral("x@example.com"), roles({"member"}))),
                 QByteArray("not-team-owner"));
        QCOMPARE(refusal(m_service->deleteTeam(bob, team.id)), QByteArray("not-team-owner"));
        Principal support = user(QStringLiteral("dan"), Role::Support);
        QCOMPARE(refusal(m_service->renameTeam(support, team.id, QStringLiteral("x"))),
                 QByteArray("forbidden"));
        QCOMPARE(refusal(m_service->createTeam(support, QStringLiteral("x"))), QByteArray("forbidden"));
        QCOMPARE(ok(m_service->teams(support)).size(), 1); // support reads

        // The owner adds bob as a member: bob reads, still manages nothing.
        const Membership added = ok(m_service->addMembership(
            user(QStringLiteral("ann"), Role::Developer), team.id, QStringLiteral("bob"), roles({"member"})));
        QCOMPARE(added.roles, roles({"member"}));
        QCOMPARE(refusal(m_service->renameTeam(user(QStringLiteral("bob"), Role::Developer), team.id,
                                               QStringLiteral("Mine"))),
                 QByteArray("not-team-owner"));
        // A user-role member reads only their own teams (a documents grant, in the query).
        const Principal catUser = user(QStringLiteral("cat"), Role::User);
        QCOMPARE(ok(m_service->teams(catUser)).size(), 0);
        QCOMPARE(refusal(m_service->team(catUser, team.id)), QByteArray("team-not-found"));
        ok(m_service->addMembership(Principal::adminToken(), team.id, QStringLiteral("cat"),
                                    roles({"member"})));
        QCOMPARE(ok(m_service->teams(user(QStringLiteral("cat"), Role::User))).size(), 1);
        QCOMPARE(refusal(m_service->renameTeam(user(QStringLiteral("cat"), Role::User), team.id,
                                               QStringLiteral("x"))),
                 QByteArray("not-team-owner"));

        // Admin (a user with the admin role, or the admin token) manages it without owning it.
        const Change<Team> renamed = ok(m_service->renameTeam(user(QStringLiteral("dan"), Role::Admin),
                                                              team.id, QStringLiteral("Operations")));
        QCOMPARE(renamed.before->name, QStringLiteral("Ops"));
        QCOMPARE(renamed.after->name, QStringLiteral("Operations"));
        // The owner promotes bob; now bob manages.
        ok(m_service->setMembershipRoles(user(QStringLiteral("ann"), Role::Developer), team.id, added.id,
                                         roles({"owner", "member"})));
        ok(m_service->renameTeam(user(QStringLiteral("bob"), Role::Developer), team.id,
                                 QStringLiteral("Bob's")));
        ok(m_service->deleteTeam(user(QStringLiteral("bob"), Role::Developer), team.id));
        QCOMPARE(refusal(m_service->team(Principal::adminToken(), team.id)), QByteArray("team-not-found"));
        QCOMPARE(m_service->membershipsOf(QStringLiteral("bob")).size(), 0);
        QCOMPARE(rawRows(QStringLiteral("team_memberships")).size(), 0);
    }

    void membershipsNeedAUserAndOneEach()
    {
        const Principal admin = Principal::adminToken();
        const Team team = ok(m_service->createTeam(admin, QStringLiteral("Ops")));
        QCOMPARE(
            refusal(m_service->addMembership(admin, team.id, QStringLiteral("nobody"), roles({"member"}))),
            QByteArray("user-not-found"));
        ok(m_service->addMembership(admin, team.id, QStringLiteral("bob"), roles({"member"})));
        QCOMPARE(refusal(m_service->addMembership(admin, team.id, QStringLiteral("bob"), roles({"owner"}))),
                 QByteArray("already-member"));
        QCOMPARE(refusal(m_service->addMembership(admin, QStringLiteral("no-such-team"),
                                                  QStringLiteral("bob"), roles({"member"}))),
                 QByteArray("team-not-found"));
        QVERIFY(!TeamsService::checkRoles(QJsonValue(QJsonArray{QStringLiteral("Owner")})));
        QVERIFY(!TeamsService::checkRoles(QJsonValue(QJsonArray{QStringLiteral("a,b")})));
        QVERIFY(!TeamsService::checkRoles(QJsonValue(QJsonArray{})));
        QCOMPARE(*TeamsService::checkRoles(QJsonValue(QJsonArray{
                     QStringLiteral("owner"), QStringLiteral("on-call"), QStringLiteral("owner")})),
                 roles({"owner", "on-call"}));
    }

    void theLastOwnerStays()
    {
        const Team team =
            ok(m_service->createTeam(user(QStringLiteral("ann"), Role::Developer), QStringLiteral("Ops")));
        const Principal admin = Principal::adminToken();
        const QString annMembership = ok(m_service->memberships(admin, team.id)).front().id;
        QCOMPARE(refusal(m_service->setMembershipRoles(admin, team.id, annMembership, roles({"member"}))),
                 QByteArray("last-owner"));
        QCOMPARE(refusal(m_service->removeMembership(admin, team.id, annMembership)),
                 QByteArray("last-owner"));
        ok(m_service->addMembership(admin, team.id, QStringLiteral("bob"), roles({"owner"})));
        ok(m_service->setMembershipRoles(admin, team.id, annMembership, roles({"member"})));
        const Membership removed = ok(m_service->removeMembership(admin, team.id, annMembership));
        QCOMPARE(removed.userId, QStringLiteral("ann"));
        QCOMPARE(refusal(m_service->removeMembership(admin, team.id, annMembership)),
                 QByteArray("membership-not-found"));
    }

    // Two owners demoted at the same moment: one of them stays owner, whichever goes first.
    void twoOwnersDemotedAtOnceLeaveOneOwner()
    {
        const Team team =
            ok(m_service->createTeam(user(QStringLiteral("ann"), Role::Developer), QStringLiteral("Pair")));
        const Principal admin = Principal::adminToken();
        ok(m_service->addMembership(admin, team.id, QStringLiteral("bob"), roles({"owner"})));
        const QList<Membership> members = ok(m_service->memberships(admin, team.id));
        QCOMPARE(members.size(), 2);
        auto first = m_service->setMembershipRoles(admin, team.id, members[0].id, roles({"member"}));
        auto second = m_service->setMembershipRoles(admin, team.id, members[1].id, roles({"member"}));
        const Result<Change<Membership>> a = waitForTask(std::move(first));
        const Result<Change<Membership>> b = waitForTask(std::move(second));
        QCOMPARE(int(a.ok()) + int(b.ok()), 1);
        QCOMPARE((a.ok() ? b : a).error().code, QByteArray("last-owner"));
        const QList<Membership> after = ok(m_service->memberships(admin, team.id));
        QCOMPARE(std::count_if(after.cbegin(), after.cend(),
                               [](const Membership &m) { return m.roles.contains(QStringLiteral("owner")); }),
                 1);
    }

    void invitationsAreAcceptedOnceByTheirAddress()
    {
        const Team team =
            ok(m_service->createTeam(user(QStringLiteral("ann"), Role::Developer), QStringLiteral("Ops")));
        const CreatedInvitation created =
            ok(m_service->invite(user(QStringLiteral("ann"), Role::Developer), team.id,
                                 QStringLiteral("Bob@Example.com"), roles({"member"})));
        QVERIFY(created.token.startsWith("mdi_"));
        QCOMPARE(created.invitation.expiresAtMs - created.invitation.createdAtMs,
                 TeamsSettings{}.invitationLifetimeMs);
        // Stored hashed: the token appears nowhere; its hash does (the check can see a match).
        QByteArray dump;
        for (const QVariantList &row : rawRows(QStringLiteral("team_invitations")))
            for (const QVariant &v : row)
                dump += v.toByteArray() + '\n';
        QVERIFY(dump.contains(TeamsService::hashToken(created.token)));
        QVERIFY(!dump.contains(created.token));
        QVERIFY(!dump.contains(created.token.sliced(4)));

        QCOMPARE(
            refusal(m_service->acceptInvitation(user(QStringLiteral("cat"), Role::Developer), created.token)),
            QByteArray("invitation-email-mismatch"));
        Principal key = user(QStringLiteral("bob"), Role::Developer);
        key.kind = Principal::Kind::ApiKey;
        QCOMPARE(refusal(m_service->acceptInvitation(key, created.token)),
                 QByteArray("invitation-needs-user"));
        QCOMPARE(
            refusal(m_service->acceptInvitation(user(QStringLiteral("bob"), Role::Developer), "mdi_unknown")),
            QByteArray("invitation-not-found"));
        QVERIFY(m_service->membershipsOf(QStringLiteral("bob")).isEmpty());

        const Membership joined =
            ok(m_service->acceptInvitation(user(QStringLiteral("bob"), Role::Developer), created.token));
        QCOMPARE(joined.userId, QStringLiteral("bob"));
        QCOMPARE(joined.roles, roles({"member"}));
        QCOMPARE(m_service->membershipsOf(QStringLiteral("bob")).size(), 1);
        QCOMPARE(
            refusal(m_service->acceptInvitation(user(QStringLiteral("bob"), Role::Developer), created.token)),
            QByteArray("invitation-used"));
        const QList<Invitation> listed =
            ok(m_service->invitations(user(QStringLiteral("ann"), Role::Developer), team.id));
        QCOMPARE(listed.size(), 1);
        QVERIFY(listed.front().acceptedAtMs > 0);
        QVERIFY(m_events->types().contains(QStringLiteral("auth/auth.team.invitation.accepted")));
    }

    void expiredAndRevokedInvitationsAreRefused()
    {
        const Principal admin = Principal::adminToken();
        const Team team = ok(m_service->createTeam(admin, QStringLiteral("Ops")));
        const CreatedInvitation late =
            ok(m_service->invite(admin, team.id, QStringLiteral("bob@example.com"), roles({"member"})));
        const CreatedInvitation revoked =
            ok(m_service->invite(admin, team.id, QStringLiteral("bob@example.com"), roles({"owner"})));
        const Change<Invitation> change =
            ok(m_service->revokeInvitation(admin, team.id, revoked.invitation.id));
        QCOMPARE(change.before->revokedAtMs, 0);
        QVERIFY(change.after->revokedAtMs > 0);
        QCOMPARE(refusal(m_service->revokeInvitation(admin, team.id, revoked.invitation.id)),
                 QByteArray("invitation-revoked"));
        const Principal bob = user(QStringLiteral("bob"), Role::Developer);
        QCOMPARE(refusal(m_service->acceptInvitation(bob, revoked.token)), QByteArray("invitation-revoked"));
        m_clock->advance(TeamsSettings{}.invitationLifetimeMs);
        QCOMPARE(refusal(m_service->acceptInvitation(bob, late.token)), QByteArray("invitation-expired"));
        QVERIFY(m_service->membershipsOf(QStringLiteral("bob")).isEmpty());
        // The same invitation a moment earlier would have been accepted.
        m_clock->advance(-1);
        QCOMPARE(ok(m_service->acceptInvitation(bob, late.token)).roles, roles({"member"}));
    }

    // The routes answer the contract's shapes and statuses and tell the audit log before and after.
    void routesAnswerPerContract()
    {
        Http::Router router;
        TeamsRoutes::install(router, m_service.get());
        for (const auto &route : router.routes()) {
            QVERIFY(!route->options.operationId.isEmpty());
            QVERIFY(!route->options.responses.empty());
            QVERIFY(route->options.permission.startsWith("auth."));
        }
        const Principal ann = user(QStringLiteral("ann"), Role::Developer);
        Http::Response created = call(router, "POST", QStringLiteral("/v1/auth/teams"), ann,
                                      QJsonObject{{QStringLiteral("name"), QStringLiteral("Ops")}});
        QCOMPARE(created.status, 201);
        const QJsonObject team = QJsonDocument::fromJson(created.body).object();
        const QString teamId = team.value(QStringLiteral("id")).toString();
        QCOMPARE(team.value(QStringLiteral("memberCount")).toInt(), 1);
        QVERIFY(team.value(QStringLiteral("createdAt")).toString().endsWith(QLatin1Char('Z')));
        QVERIFY(created.audit);
        QCOMPARE(created.audit->resource, QStringLiteral("team:") + teamId);
        QVERIFY(created.audit->before.isNull());
        QCOMPARE(created.audit->after.toObject(), team);

        const Http::Response invited =
            call(router, "POST", QStringLiteral("/v1/auth/teams/%1/invitations").arg(teamId),
                 user(QStringLiteral("ann"), Role::Developer),
                 QJsonObject{{QStringLiteral("email"), QStringLiteral("bob@example.com")},
                             {QStringLiteral("roles"), QJsonArray{QStringLiteral("member")}}});
        QCOMPARE(invited.status, 201);
        const QJsonObject invitation = QJsonDocument::fromJson(invited.body).object();
        const QString token = invitation.value(QStringLiteral("token")).toString();
        QVERIFY(token.startsWith(QStringLiteral("mdi_")));
        QVERIFY(invitation.value(QStringLiteral("invitation"))
                    .toObject()
                    .value(QStringLiteral("acceptedAt"))
                    .isNull());
        QVERIFY(!QJsonDocument(invited.audit->after.toObject()).toJson().contains(token.toUtf8()));

        const Http::Response joined =
            call(router, "POST", QStringLiteral("/v1/auth/invitations/accept"),
                 user(QStringLiteral("bob"), Role::Developer), QJsonObject{{QStringLiteral("token"), token}});
        QCOMPARE(joined.status, 200);
        const QJsonObject membership = QJsonDocument::fromJson(joined.body).object();
        QCOMPARE(membership.value(QStringLiteral("email")).toString(), QStringLiteral("bob@example.com"));
        for (const char *key : {"id", "teamId", "userId", "email", "name", "roles", "joinedAt"})
            QVERIFY2(membership.contains(QString::fromLatin1(key)), key);

        const Http::Response listed =
            call(router, "GET", QStringLiteral("/v1/auth/teams/%1/memberships").arg(teamId),
                 Principal::adminToken());
        QCOMPARE(listed.status, 200);
        QCOMPARE(QJsonDocument::fromJson(listed.body)
                     .object()
                     .value(QStringLiteral("memberships"))
                     .toArray()
                     .size(),
                 2);

        const Http::Response refused = call(router, "PATCH", QStringLiteral("/v1/auth/teams/%1").arg(teamId),
                                            user(QStringLiteral("bob"), Role::Developer),
                                            QJsonObject{{QStringLiteral("name"), QStringLiteral("Mine")}});
        QCOMPARE(refused.status, 403);
        const Http::Response badRoles =
            call(router, "POST", QStringLiteral("/v1/auth/teams/%1/memberships").arg(teamId),
                 Principal::adminToken(),
                 QJsonObject{{QStringLiteral("userId"), QStringLiteral("cat")},
                             {QStringLiteral("roles"), QStringLiteral("owner")}});
        QCOMPARE(badRoles.status, 400);
        QCOMPARE(QJsonDocument::fromJson(badRoles.body).object().value(QStringLiteral("field")).toString(),
                 QStringLiteral("roles"));

        const Http::Response deleted = call(router, "DELETE", QStringLiteral("/v1/auth/teams/%1").arg(teamId),
                                            user(QStringLiteral("ann"), Role::Developer));
        QCOMPARE(deleted.status, 204);
        QCOMPARE(deleted.audit->before.toObject().value(QStringLiteral("id")).toString(), teamId);
        QVERIFY(deleted.audit->after.isNull());
        QCOMPARE(call(router, "GET", QStringLiteral("/v1/auth/teams/%1").arg(teamId), Principal::adminToken())
                     .status,
                 404);
    }

    // Another node's change reaches this node's snapshot by refresh(), as the cluster poll does.
    void refreshLoadsOtherNodesChanges()
    {
        const Team team = ok(m_service->createTeam(Principal::adminToken(), QStringLiteral("Ops")));
        TeamsService otherNode(m_db.get(), nullptr, TeamsSettings{}, *m_clock);
        QCOMPARE(waitForTask(otherNode.start()), QString());
        ok(otherNode.addMembership(Principal::adminToken(), team.id, QStringLiteral("cat"),
                                   roles({"member"})));
        QCOMPARE(otherNode.membershipsOf(QStringLiteral("cat")).size(), 1);
        QVERIFY(m_service->membershipsOf(QStringLiteral("cat")).isEmpty());
        QVERIFY(waitForTask(m_service->refresh()).ok());
        QCOMPARE(m_service->membershipsOf(QStringLiteral("cat")).size(), 1);
        QCOMPARE(m_service->membershipsOf(QStringLiteral("cat")).front().teamId, team.id);
    }
};

QTEST_GUILESS_MAIN(TestTeams)
#include "tst_teams.moc"
