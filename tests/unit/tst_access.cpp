#include "testing.h"

#include "access/accesscontroller.h"
#include "access/accessmodels.h"
#include "access/auditmodels.h"
#include "api/fakeapiclient.h"
#include "api/realtimeclient.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QUrlQuery>

using namespace Meshdeck::Console;

namespace {
ApiReply ok(const QByteArray &json, int status = 200)
{
    return ApiReply{status, QJsonDocument::fromJson(json), {}};
}

ApiReply problem(int status, const QString &detail)
{
    return ApiReply{status, {}, detail};
}

const QByteArray AdminMe =
    R"({"kind":"admin-token","user":null,"role":"admin","permissions":[],"grants":{
    "auth.self":"full","auth.users.read":"full","auth.users.write":"full","auth.keys.read":"full",
    "auth.keys.write":"full","auth.teams.read":"full","auth.teams.write":"full","access.simulate":"full",
    "audit.read":"full","events.read":"full","registry.read":"full"},"scopes":null,"keyId":null,"sessionId":null})";

const QByteArray SupportMe =
    R"({"kind":"user","user":{"id":"u-2","email":"sam@example.com","name":"Sam","role":"support","status":"active"},
    "role":"support","grants":{"auth.self":"full","auth.keys.read":"full","auth.keys.write":"full",
    "events.read":"full","registry.read":"full","audit.read":"full","realtime.subscribe":"full"},
    "scopes":null,"keyId":null,"sessionId":"s-1"})";

const QByteArray Permissions =
    R"({"permissions":[{"name":"events.read","description":"Read topics and events"},
    {"name":"events.write","description":"Publish events"},{"name":"registry.read","description":"Read the registry"},
    {"name":"auth.users.read","description":"List users"}],"roles":{}})";

const QByteArray Users =
    R"({"users":[{"id":"u-1","email":"ada@example.com","name":"Ada","role":"admin","status":"active",
    "createdAt":"2026-11-01T10:00:00.000Z","updatedAt":"2026-11-01T10:00:00.000Z","lastSignInAt":null},
    {"id":"u-2","email":"sam@example.com","name":"Sam","role":"support","status":"active",
    "createdAt":"2026-11-02T10:00:00.000Z","updatedAt":"2026-11-02T10:00:00.000Z",
    "lastSignInAt":"2026-11-29T08:00:00.000Z"}]})";

const QByteArray Keys =
    R"({"keys":[{"id":"k-1","name":"ci","prefix":"mdk_ab12","scopes":["events.read"],"userId":null,
    "createdAt":"2026-11-20T10:00:00.000Z","expiresAt":null,"lastUsedAt":"2026-11-29T09:00:00.000Z",
    "lastUsedFrom":"10.0.0.7","revokedAt":null}]})";

QJsonObject auditRecord(const QString &id, const QString &action,
                        const QString &outcome = QStringLiteral("ok"),
                        const QString &time = QStringLiteral("2026-11-30T04:00:00.000Z"))
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("time"), time},
        {QStringLiteral("actor"), QStringLiteral("admin-token")},
        {QStringLiteral("actorName"), QStringLiteral("admin token")},
        {QStringLiteral("action"), action},
        {QStringLiteral("method"), QStringLiteral("POST")},
        {QStringLiteral("path"), QStringLiteral("/v1/auth/keys")},
        {QStringLiteral("resource"), QStringLiteral("key:k-9")},
        {QStringLiteral("status"), 201},
        {QStringLiteral("outcome"), outcome},
        {QStringLiteral("source"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("requestId"), QStringLiteral("r-") + id},
        {QStringLiteral("before"), QJsonValue::Null},
        {QStringLiteral("after"), QJsonObject{{QStringLiteral("name"), QStringLiteral("ci")}}}};
}

QString usersPath()
{
    return QStringLiteral("/v1/auth/users?q=&status=&role=");
}

QString auditPath(const QString &extra = {})
{
    return QStringLiteral("/v1/audit?") + extra +
           QStringLiteral("limit=%1").arg(AccessController::AuditPageSize);
}

struct Fixture {
    FakeApiClient api;
    RealtimeClient realtime;
    std::unique_ptr<AccessController> access;

    explicit Fixture(const QByteArray &me = AdminMe)
    {
        api.setReply(QStringLiteral("/v1/auth/me"), ok(me));
        api.setReply(QStringLiteral("/v1/access/permissions"), ok(Permissions));
        api.setReply(usersPath(), ok(Users));
        api.setReply(QStringLiteral("/v1/auth/keys"), ok(Keys));
        api.setReply(QStringLiteral("/v1/auth/teams"), ok(R"({"teams":[]})"));
        api.setReply(auditPath(), ok(R"({"records":[],"nextCursor":null})"));
        access = std::make_unique<AccessController>(&api, &realtime);
    }
};
} // namespace

class TestAccess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void offersOnlyWhatTheMeDocumentGrants()
    {
        Fixture f(SupportMe);
        const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
        QAbstractItemModelTester usersTester(f.access->users(), mode);
        QAbstractItemModelTester keysTester(f.access->keys(), mode);
        QAbstractItemModelTester permissionsTester(f.access->permissions(), mode);
        QVERIFY(f.access->keys()->isLoading()); // nothing is known before the Me document
        f.access->start();
        QTRY_VERIFY(f.access->isMeLoaded());
        QCOMPARE(f.access->principalRole(), QStringLiteral("support"));
        QCOMPARE(f.access->principalName(), QStringLiteral("sam@example.com"));
        QVERIFY(f.access->can(QStringLiteral("auth.keys.write")));
        QVERIFY(!f.access->can(QStringLiteral("auth.users.read")));
        QVERIFY(!f.access->can(QStringLiteral("access.simulate")));
        QTRY_COMPARE(f.access->keys()->rowCount(), 1);
        QTRY_COMPARE(f.access->permissions()->rowCount(), 4);
        // The keys were asked for (so asking is seen), the users were not: support may not read them.
        QVERIFY(f.api.requestedPaths().contains(QStringLiteral("/v1/auth/keys")));
        QVERIFY(!f.api.requestedPaths().contains(usersPath()));
        QVERIFY(!f.access->users()->isLoading());
        QCOMPARE(f.access->users()->error(), QString());
        // Scopes: only what the principal holds can be picked.
        PermissionsModel *p = f.access->permissions();
        const int held = p->indexOf(QStringLiteral("events.read"));
        const int notHeld = p->indexOf(QStringLiteral("events.write"));
        QCOMPARE(p->data(p->index(held), PermissionsModel::HeldRole).toBool(), true);
        QCOMPARE(p->data(p->index(notHeld), PermissionsModel::HeldRole).toBool(), false);
        p->setSelected(held, true);
        p->setSelected(notHeld, true);
        QCOMPARE(p->selectedNames(), QStringList{QStringLiteral("events.read")});
    }

    void aFailedMeDocumentIsAFailureNeverAnEmptyList()
    {
        Fixture f;
        f.api.setReply(QStringLiteral("/v1/auth/me"), problem(503, QStringLiteral("The node is draining.")));
        f.access->start();
        QTRY_VERIFY(!f.access->meError().isEmpty());
        QVERIFY(f.access->meError().contains(QStringLiteral("The node is draining.")));
        for (StatefulListModel *m : std::initializer_list<StatefulListModel *>{
                 f.access->users(), f.access->keys(), f.access->teams(), f.access->audit()}) {
            QVERIFY(!m->isLoading());
            QVERIFY2(m->error().contains(QStringLiteral("The node is draining.")), qPrintable(m->error()));
        }
        QVERIFY(!f.access->can(QStringLiteral("auth.keys.read")));
    }

    void aListThatFailsSaysWhy()
    {
        Fixture f;
        f.api.setReply(QStringLiteral("/v1/auth/keys"), problem(500, QStringLiteral("database is locked")));
        f.access->start();
        QTRY_VERIFY(!f.access->keys()->error().isEmpty());
        QCOMPARE(f.access->keys()->error(),
                 QStringLiteral("Could not load the API keys: database is locked"));
        QCOMPARE(f.access->keys()->rowCount(), 0);
        QTRY_COMPARE(f.access->users()->rowCount(), 2); // the others loaded
    }

    void aNewKeyIsHandedOutOnceAndTheListHoldsOnlyItsPrefix()
    {
        Fixture f;
        QAbstractItemModelTester tester(f.access->keys(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.access->start();
        QTRY_COMPARE(f.access->keys()->rowCount(), 1);
        QTRY_COMPARE(f.access->permissions()->rowCount(), 4);
        const QByteArray secret = "mdk_cd34_5f1b2a9c0d7e6f3a8b4c1d2e9f0a7b6c";
        f.api.setReply(QStringLiteral("/v1/auth/keys"),
                       ok(R"({"key":")" + secret +
                              R"(","apiKey":{"id":"k-2","name":"deploy bot","prefix":"mdk_cd34",
                              "scopes":["events.read","registry.read"],"userId":null,
                              "createdAt":"2026-11-30T04:00:00.000Z","expiresAt":"2026-12-30T04:00:00.000Z",
                              "lastUsedAt":null,"lastUsedFrom":null,"revokedAt":null}})",
                          201));
        PermissionsModel *p = f.access->permissions();
        p->setSelected(p->indexOf(QStringLiteral("registry.read")), true);
        p->setSelected(p->indexOf(QStringLiteral("events.read")), true);
        QSignalSpy created(f.access.get(), &AccessController::keyCreated);
        f.access->createKey(QStringLiteral(" deploy bot "), 30);
        QTRY_COMPARE(created.size(), 1);
        QCOMPARE(created.at(0).at(0).toString(), QString::fromLatin1(secret));
        QCOMPARE(created.at(0).at(2).toString(), QStringLiteral("mdk_cd34"));

        const auto [path, body] = f.api.posted().constLast();
        QCOMPARE(path, QStringLiteral("/v1/auth/keys"));
        const QJsonObject sent = QJsonDocument::fromJson(body).object();
        QCOMPARE(sent.value(QStringLiteral("name")).toString(), QStringLiteral("deploy bot"));
        QCOMPARE(
            sent.value(QStringLiteral("scopes")).toArray(),
            (QJsonArray{QStringLiteral("events.read"), QStringLiteral("registry.read")})); // catalogue order
        const QDateTime expires =
            QDateTime::fromString(sent.value(QStringLiteral("expiresAt")).toString(), Qt::ISODateWithMs);
        QVERIFY(expires.isValid());
        QVERIFY(qAbs(expires.secsTo(QDateTime::currentDateTimeUtc().addDays(30))) < 60);

        // The list shows the new key first, by its prefix; no role of any row holds the key.
        ApiKeysModel *keys = f.access->keys();
        QCOMPARE(keys->rowCount(), 2);
        QCOMPARE(keys->data(keys->index(0), ApiKeysModel::PrefixRole).toString(), QStringLiteral("mdk_cd34"));
        QCOMPARE(keys->data(keys->index(0), ApiKeysModel::LastUsedRole).toString(),
                 QStringLiteral("Never used"));
        int seen = 0;
        for (int row = 0; row < keys->rowCount(); ++row) {
            for (int role : keys->roleNames().keys()) {
                const QString value = keys->data(keys->index(row), role).toString();
                QVERIFY2(!value.contains(QString::fromLatin1(secret)), qPrintable(value));
                seen += value.isEmpty() ? 0 : 1;
            }
        }
        QVERIFY(seen > 10);              // the sweep read real values
        QCOMPARE(p->selectedCount(), 0); // the picker starts over for the next key
    }

    void aKeyNeedsANameAndAScope()
    {
        Fixture f;
        f.access->start();
        QTRY_COMPARE(f.access->permissions()->rowCount(), 4);
        QSignalSpy finished(f.access.get(), &AccessController::actionFinished);
        f.access->createKey(QStringLiteral("ci"), 0);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("scope")));
        f.access->permissions()->setSelected(0, true);
        f.access->createKey(QStringLiteral("  "), 0);
        QCOMPARE(finished.size(), 2);
        QVERIFY(finished.at(1).at(1).toString().contains(QStringLiteral("name")));
        QVERIFY(std::none_of(f.api.posted().cbegin(), f.api.posted().cend(),
                             [](const auto &p) { return p.first == QLatin1String("/v1/auth/keys"); }));
    }

    void revokingAKeyReloadsTheList()
    {
        Fixture f;
        f.access->start();
        QTRY_COMPARE(f.access->keys()->rowCount(), 1);
        f.api.setReply(QStringLiteral("/v1/auth/keys/k-1"), ApiReply{204, {}, {}});
        QByteArray revoked = Keys;
        revoked.replace("\"revokedAt\":null", "\"revokedAt\":\"2026-11-30T04:10:00.000Z\"");
        f.api.setReply(QStringLiteral("/v1/auth/keys"), ok(revoked));
        QSignalSpy finished(f.access.get(), &AccessController::actionFinished);
        f.access->revokeKey(QStringLiteral("k-1"));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("Revoked the key ci."));
        QCOMPARE(f.api.posted().constLast().first, QStringLiteral("DELETE /v1/auth/keys/k-1"));
        QTRY_VERIFY(f.access->keys()->data(f.access->keys()->index(0), ApiKeysModel::RevokedRole).toBool());
        QVERIFY(f.access->keys()
                    ->data(f.access->keys()->index(0), ApiKeysModel::StateRole)
                    .toString()
                    .startsWith(QStringLiteral("Revoked ")));
    }

    void theBackendsPasswordPolicyIsShownAsIs()
    {
        Fixture f;
        f.access->start();
        QTRY_COMPARE(f.access->users()->rowCount(), 2);
        const QString policy = QStringLiteral(
            "The password needs at least 12 characters and may not contain the email address.");
        f.api.setReply(QStringLiteral("/v1/auth/users"), problem(422, policy));
        QSignalSpy finished(f.access.get(), &AccessController::actionFinished);
        f.access->createUser(QStringLiteral("new@example.com"), QStringLiteral("New"),
                             QStringLiteral("short"), QStringLiteral("developer"));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(finished.at(0).at(1).toString(), policy);
        const QJsonObject sent = QJsonDocument::fromJson(f.api.posted().constLast().second).object();
        QCOMPARE(sent.value(QStringLiteral("role")).toString(), QStringLiteral("developer"));
        QCOMPARE(sent.value(QStringLiteral("password")).toString(), QStringLiteral("short"));
    }

    void usersAreFilteredByTheBackendAndChangedInPlace()
    {
        Fixture f;
        QAbstractItemModelTester tester(f.access->users(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.access->start();
        QTRY_COMPARE(f.access->users()->rowCount(), 2);
        const QString filtered = QStringLiteral("/v1/auth/users?q=sam%2Bx&status=active&role=support");
        f.api.setReply(filtered, ok(R"({"users":[]})"));
        f.access->setUserRoleFilter(QStringLiteral("support"));
        f.access->setUserStatusFilter(QStringLiteral("active"));
        f.access->setUserSearch(QStringLiteral("sam+x"));
        QTRY_COMPARE(f.access->users()->rowCount(), 0);
        QCOMPARE(f.api.requestedPaths().constLast(), filtered);
        QCOMPARE(f.access->users()->error(), QString());

        f.access->setUserSearch({});
        f.access->setUserRoleFilter({});
        f.access->setUserStatusFilter({});
        QTRY_COMPARE(f.access->users()->rowCount(), 2);
        f.api.setReply(
            QStringLiteral("/v1/auth/users/u-2"),
            ok(R"({"id":"u-2","email":"sam@example.com","name":"Sam","role":"support","status":"disabled"})"));
        QSignalSpy finished(f.access.get(), &AccessController::actionFinished);
        f.access->setUserStatus(QStringLiteral("u-2"), false);
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(f.api.posted().constLast().first, QStringLiteral("PATCH /v1/auth/users/u-2"));
        QCOMPARE(f.api.posted().constLast().second, QByteArray(R"({"status":"disabled"})"));
        UsersModel *users = f.access->users();
        QCOMPARE(
            users->data(users->index(users->indexOf(QStringLiteral("u-2"))), UsersModel::ActiveRole).toBool(),
            false);
        QCOMPARE(users->data(users->index(0), UsersModel::LastSignInRole).toString(),
                 QStringLiteral("Never signed in"));
    }

    void sessionsOfTheSelectedUserAndTheirRevocation()
    {
        Fixture f;
        QAbstractItemModelTester tester(f.access->sessions(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.access->start();
        QTRY_COMPARE(f.access->users()->rowCount(), 2);
        f.api.setReply(
            QStringLiteral("/v1/auth/users/u-2/sessions"),
            ok(R"({"sessions":[{"id":"s-1","userId":"u-2","address":"10.1.1.1","userAgent":"meshdeck/1.0",
                          "createdAt":"2026-11-30T01:00:00.000Z","lastUsedAt":"2026-11-30T03:00:00.000Z",
                          "expiresAt":"2026-12-30T01:00:00.000Z","current":false}]})"));
        f.access->selectUser(QStringLiteral("u-2"));
        QTRY_COMPARE(f.access->sessions()->rowCount(), 1);
        f.api.setReply(QStringLiteral("/v1/auth/users/u-2/sessions/s-1"), ApiReply{204, {}, {}});
        QSignalSpy finished(f.access.get(), &AccessController::actionFinished);
        f.access->revokeSession(QStringLiteral("s-1"));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(f.api.posted().constLast().first, QStringLiteral("DELETE /v1/auth/users/u-2/sessions/s-1"));
    }

    void teamsMembersAndAnInvitationTokenShownOnce()
    {
        Fixture f;
        QAbstractItemModelTester tester(f.access->memberships(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.api.setReply(
            QStringLiteral("/v1/auth/teams"),
            ok(R"({"teams":[{"id":"t-1","name":"payments","createdAt":"2026-11-01T00:00:00.000Z","memberCount":1}]})"));
        f.api.setReply(
            QStringLiteral("/v1/auth/teams/t-1/memberships"),
            ok(R"({"memberships":[{"id":"m-1","teamId":"t-1","userId":"u-1","email":"ada@example.com",
                          "name":"Ada","roles":["owner"],"joinedAt":"2026-11-01T00:00:00.000Z"}]})"));
        f.access->start();
        QTRY_COMPARE(f.access->teams()->rowCount(), 1);
        f.access->selectTeam(QStringLiteral("t-1"));
        QTRY_COMPARE(f.access->memberships()->rowCount(), 1);
        QCOMPARE(
            f.access->memberships()->data(f.access->memberships()->index(0), MembershipsModel::RolesRole),
            QVariant(QStringLiteral("owner")));

        f.api.setReply(
            QStringLiteral("/v1/auth/teams/t-1/invitations"),
            ok(R"({"token":"inv_7f3a","invitation":{"id":"i-1","teamId":"t-1","email":"bo@example.com"}})",
               201));
        QSignalSpy invited(f.access.get(), &AccessController::invitationCreated);
        f.access->invite(QStringLiteral("bo@example.com"), QStringLiteral("member, deployer"));
        QTRY_COMPARE(invited.size(), 1);
        QCOMPARE(invited.at(0).at(0).toString(), QStringLiteral("inv_7f3a"));
        QCOMPARE(QJsonDocument::fromJson(f.api.posted().constLast().second)
                     .object()
                     .value(QStringLiteral("roles")),
                 QJsonValue(QJsonArray{QStringLiteral("member"), QStringLiteral("deployer")}));

        f.api.setReply(QStringLiteral("/v1/auth/teams/t-1/memberships/m-1"), ApiReply{204, {}, {}});
        QSignalSpy finished(f.access.get(), &AccessController::actionFinished);
        f.access->removeMember(QStringLiteral("m-1"));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(f.api.posted().constLast().first,
                 QStringLiteral("DELETE /v1/auth/teams/t-1/memberships/m-1"));
    }

    void theSimulatorShowsTheVerdictAndEachReason()
    {
        Fixture f;
        QAbstractItemModelTester tester(f.access->reasons(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester principalsTester(f.access->principals(),
                                                  QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.access->start();
        QTRY_COMPARE(f.access->users()->rowCount(), 2);
        QTRY_COMPARE(f.access->keys()->rowCount(), 1);
        // The admin token, two users and the key.
        QCOMPARE(f.access->principals()->rowCount(), 4);
        QCOMPARE(f.access->principals()->valueAt(3, QStringLiteral("value")).toString(),
                 QStringLiteral("key:k-1"));
        f.api.setReply(QStringLiteral("/v1/access/simulate"),
                       ok(R"({"allowed":false,"grant":"none","reasons":[
                          {"rule":"account","passed":true,"detail":"the account is active"},
                          {"rule":"role","passed":false,"detail":"support may not write events"}]})"));
        f.access->simulate(QStringLiteral("user:u-2"), QStringLiteral("events.write"),
                           QStringLiteral("topic:orders"));
        QTRY_COMPARE(f.access->verdict(), QStringLiteral("denied"));
        QCOMPARE(f.access->reasons()->rowCount(), 2);
        QCOMPARE(f.access->reasons()->valueAt(1, QStringLiteral("detail")).toString(),
                 QStringLiteral("support may not write events"));
        QCOMPARE(f.access->reasons()->valueAt(1, QStringLiteral("passed")).toBool(), false);
        QCOMPARE(QJsonDocument::fromJson(f.api.posted().constLast().second).object(),
                 (QJsonObject{{QStringLiteral("principal"),
                               QJsonObject{{QStringLiteral("userId"), QStringLiteral("u-2")}}},
                              {QStringLiteral("action"), QStringLiteral("events.write")},
                              {QStringLiteral("resource"), QStringLiteral("topic:orders")}}));
        // A failure is said as one, not as a verdict.
        f.api.setReply(QStringLiteral("/v1/access/simulate"), problem(403, QStringLiteral("forbidden")));
        f.access->simulate(QStringLiteral("admin-token"), QStringLiteral("events.read"), {});
        QTRY_VERIFY(!f.access->simulateError().isEmpty());
        QCOMPARE(f.access->verdict(), QString());
        QCOMPARE(f.access->reasons()->rowCount(), 0);
    }

    void auditSearchPagesAndFollowsLive()
    {
        Fixture f;
        QAbstractItemModelTester tester(f.access->audit(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester diffTester(f.access->auditDiff(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.access->start();
        QTRY_VERIFY(!f.access->audit()->isLoading());
        QCOMPARE(f.access->audit()->rowCount(), 0);
        QCOMPARE(f.access->audit()->error(), QString());

        const QString first = auditPath(QStringLiteral("action=auth.key&outcome=ok&"));
        const QString second = auditPath(QStringLiteral("action=auth.key&outcome=ok&cursor=c%2B2&"));
        f.api.setReply(
            first,
            ok(QJsonDocument(
                   QJsonObject{
                       {QStringLiteral("records"),
                        QJsonArray{auditRecord(QStringLiteral("a-3"), QStringLiteral("auth.key.created")),
                                   auditRecord(QStringLiteral("a-2"), QStringLiteral("auth.key.created"))}},
                       {QStringLiteral("nextCursor"), QStringLiteral("c+2")}})
                   .toJson()));
        f.api.setReply(
            second,
            ok(QJsonDocument(
                   QJsonObject{
                       {QStringLiteral("records"),
                        QJsonArray{auditRecord(QStringLiteral("a-2"), QStringLiteral("auth.key.created")),
                                   auditRecord(QStringLiteral("a-1"), QStringLiteral("auth.key.revoked"))}},
                       {QStringLiteral("nextCursor"), QJsonValue::Null}})
                   .toJson()));
        f.access->searchAudit({}, QStringLiteral("auth.key"), {}, QStringLiteral("ok"), {}, {});
        QTRY_COMPARE(f.access->audit()->rowCount(), 2);
        QVERIFY(f.access->auditHasMore());
        f.access->loadMoreAudit();
        QTRY_COMPARE(f.access->audit()->rowCount(), 3); // a-2 came twice and is held once
        QVERIFY(!f.access->auditHasMore());
        QCOMPARE(f.api.requestedPaths().constLast(), second);

        // Live: a record matching the filters goes on top, one that does not is left out, and a
        // duplicate is not added twice.
        const auto live = [&f](const QJsonObject &record) {
            Q_EMIT f.realtime.message(QStringLiteral("audit"),
                                      QJsonObject{{QStringLiteral("type"), QStringLiteral("record")},
                                                  {QStringLiteral("record"), record}});
        };
        live(auditRecord(QStringLiteral("a-4"), QStringLiteral("auth.key.created")));
        QCOMPARE(f.access->audit()->rowCount(), 4);
        QCOMPARE(f.access->audit()->valueAt(0, QStringLiteral("recordId")).toString(), QStringLiteral("a-4"));
        live(auditRecord(QStringLiteral("a-5"), QStringLiteral("events.topic.created")));
        live(
            auditRecord(QStringLiteral("a-6"), QStringLiteral("auth.key.created"), QStringLiteral("denied")));
        live(auditRecord(QStringLiteral("a-4"), QStringLiteral("auth.key.created")));
        QCOMPARE(f.access->audit()->rowCount(), 4);
        // Not following: nothing is added.
        f.access->setFollowAudit(false);
        live(auditRecord(QStringLiteral("a-7"), QStringLiteral("auth.key.created")));
        QCOMPARE(f.access->audit()->rowCount(), 4);

        // The diff of the selected record.
        f.access->selectAuditRecord(QStringLiteral("a-4"));
        QCOMPARE(f.access->auditDiff()->rowCount(), 1);
        QCOMPARE(f.access->auditDiff()
                     ->data(f.access->auditDiff()->index(0), AuditDiffModel::ChangeRole)
                     .toString(),
                 QStringLiteral("added"));
        QCOMPARE(f.access->auditRecord().value(QStringLiteral("requestId")).toString(),
                 QStringLiteral("r-a-4"));
    }

    void anAuditTimeThatIsNoTimeSaysSo()
    {
        Fixture f;
        f.access->start();
        QTRY_VERIFY(!f.access->audit()->isLoading());
        const int asked = int(f.api.requestedPaths().size());
        f.access->searchAudit({}, {}, {}, {}, QStringLiteral("yesterday"), {});
        QVERIFY(f.access->audit()->error().contains(QStringLiteral("\"yesterday\" is not a time")));
        QCOMPARE(f.api.requestedPaths().size(), asked);
        QCOMPARE(AccessController::isoFromLocal(QStringLiteral("2026-11-30 14:05")),
                 QDateTime(QDate(2026, 11, 30), QTime(14, 5)).toUTC().toString(Qt::ISODateWithMs));
    }

    void theDiffComparesFieldByField()
    {
        const QJsonObject before{{QStringLiteral("name"), QStringLiteral("ci")},
                                 {QStringLiteral("scopes"), QJsonArray{QStringLiteral("events.read")}},
                                 {QStringLiteral("limits"), QJsonObject{{QStringLiteral("rate"), 10}}},
                                 {QStringLiteral("gone"), true}};
        const QJsonObject after{{QStringLiteral("name"), QStringLiteral("ci")},
                                {QStringLiteral("scopes"),
                                 QJsonArray{QStringLiteral("events.read"), QStringLiteral("events.write")}},
                                {QStringLiteral("limits"), QJsonObject{{QStringLiteral("rate"), 20}}},
                                {QStringLiteral("revokedAt"), QStringLiteral("2026-11-30T04:00:00.000Z")}};
        const QList<AuditDiffModel::Line> lines = AuditDiffModel::compare(before, after);
        const QList<AuditDiffModel::Line> expected{
            {QStringLiteral("gone"), QStringLiteral("true"), {}, QStringLiteral("removed")},
            {QStringLiteral("limits.rate"), QStringLiteral("10"), QStringLiteral("20"),
             QStringLiteral("changed")},
            {QStringLiteral("name"), QStringLiteral("ci"), QStringLiteral("ci"), QStringLiteral("same")},
            {QStringLiteral("revokedAt"),
             {},
             QStringLiteral("2026-11-30T04:00:00.000Z"),
             QStringLiteral("added")},
            {QStringLiteral("scopes"), QStringLiteral("[\"events.read\"]"),
             QStringLiteral("[\"events.read\",\"events.write\"]"), QStringLiteral("changed")},
        };
        for (int i = 0; i < qMin(lines.size(), expected.size()); ++i) {
            const AuditDiffModel::Line &l = lines.at(i);
            QVERIFY2(l == expected.at(i), qPrintable(l.path + QLatin1Char('|') + l.before + QLatin1Char('|') +
                                                     l.after + QLatin1Char('|') + l.change));
        }
        QCOMPARE(lines.size(), expected.size());
        // Deleted: each field of the before is removed.
        const QList<AuditDiffModel::Line> deleted =
            AuditDiffModel::compare(QJsonValue(before), QJsonValue::Undefined);
        QCOMPARE(deleted.size(), 4);
        QVERIFY(std::all_of(deleted.cbegin(), deleted.cend(), [](const AuditDiffModel::Line &l) {
            return l.change == QLatin1String("removed");
        }));
    }

    void anotherBackendClearsEverythingAndDropsLateReplies()
    {
        Fixture f;
        f.access->start();
        QTRY_COMPARE(f.access->keys()->rowCount(), 1);
        f.access->selectUser(QStringLiteral("u-1"));
        f.access->reset();
        QVERIFY(!f.access->isMeLoaded());
        QVERIFY(f.access->grants().isEmpty());
        QCOMPARE(f.access->keys()->rowCount(), 0);
        QCOMPARE(f.access->users()->rowCount(), 0);
        QCOMPARE(f.access->principals()->rowCount(), 0);
        QCOMPARE(f.access->selectedUser(), QString());
        QVERIFY(f.access->keys()->isLoading()); // until the new backend's Me document
        f.access->start();
        QTRY_COMPARE(f.access->keys()->rowCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestAccess)
#include "tst_access.moc"
