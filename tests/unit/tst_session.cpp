#include "testing.h"

#include "api/fakeapiclient.h"
#include "api/httpapiclient.h"
#include "api/realtimeclient.h"
#include "clusters/secretstore.h"
#include "shell/console.h"
#include "shell/permission.h"
#include "shell/session.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Meshdeck::Console;

namespace {
const QString kEmail = QStringLiteral("sam@example.test");
const QString kPassword = QStringLiteral("correct horse battery staple");

ApiReply json(int status, const QJsonObject &body)
{
    return ApiReply{status, QJsonDocument(body), {}};
}

// What POST /v1/auth/sessions and …/refresh answer (the contract's shape).
ApiReply signedIn(const QString &access, const QString &refresh, int expiresIn = 900)
{
    return json(201, {{QStringLiteral("accessToken"), access},
                      {QStringLiteral("refreshToken"), refresh},
                      {QStringLiteral("expiresIn"), expiresIn},
                      {QStringLiteral("tokenType"), QStringLiteral("Bearer")},
                      {QStringLiteral("session"), QJsonObject{{QStringLiteral("id"), QStringLiteral("s-1")}}},
                      {QStringLiteral("user"), QJsonObject{{QStringLiteral("email"), kEmail}}}});
}

// GET /v1/auth/me for a user of `role` holding `grants`.
ApiReply me(const QString &kind, const QString &role, const QJsonObject &grants, const QString &name = {})
{
    QJsonArray permissions;
    for (auto it = grants.begin(); it != grants.end(); ++it)
        permissions.append(it.key());
    QJsonObject body{{QStringLiteral("kind"), kind},
                     {QStringLiteral("role"), role},
                     {QStringLiteral("permissions"), permissions},
                     {QStringLiteral("grants"), grants},
                     {QStringLiteral("scopes"), QJsonValue::Null},
                     {QStringLiteral("keyId"), QJsonValue::Null},
                     {QStringLiteral("sessionId"), QStringLiteral("s-1")},
                     {QStringLiteral("expiresAt"), QJsonValue::Null}};
    body.insert(QStringLiteral("user"), kind == QLatin1String("user")
                                            ? QJsonValue(QJsonObject{{QStringLiteral("email"), kEmail},
                                                                     {QStringLiteral("name"), name},
                                                                     {QStringLiteral("role"), role}})
                                            : QJsonValue(QJsonValue::Null));
    return json(200, body);
}

QJsonObject supportGrants()
{
    QJsonObject g;
    for (const char *p :
         {"system.read", "events.read", "webhooks.read", "registry.read", "realtime.subscribe", "auth.self",
          "auth.keys.read", "auth.keys.write", "audit.read"})
        g.insert(QString::fromLatin1(p), QStringLiteral("full"));
    return g;
}

// Records, for every write, the bearer token the API client used at that moment.
class OrderingStore : public FakeSecretStore
{
public:
    explicit OrderingStore(ApiClient **api)
        : m_api(api)
    {}
    QCoro::Task<SecretResult> write(QString key, QByteArray secret) override
    {
        tokenAtWrite.append({secret, *m_api ? (*m_api)->token() : QByteArray()});
        return FakeSecretStore::write(key, secret);
    }
    QList<std::pair<QByteArray, QByteArray>> tokenAtWrite; // (refresh token written, access token in use)

private:
    ApiClient **m_api;
};

// A console on the fake backend with one password profile.
struct Fixture {
    QTemporaryDir dir;
    FakeApiClient api;
    ApiClient *apiPointer = &api;
    OrderingStore secrets{&apiPointer};
    std::unique_ptr<Console> console;
    QString id;

    Fixture()
    {
        api.setReply(QStringLiteral("/v1/system/info"),
                     json(200, {{QStringLiteral("version"), QStringLiteral("9.8.7")},
                                {QStringLiteral("mode"), QStringLiteral("cluster")}}));
        api.setReply(QStringLiteral("/healthz"), ApiReply{200, {}, {}});
        api.setReply(QStringLiteral("/v1/auth/me"), me(QStringLiteral("user"), QStringLiteral("support"),
                                                       supportGrants(), QStringLiteral("Sam Support")));
        api.setReply(QStringLiteral("POST /v1/auth/sessions"),
                     signedIn(QStringLiteral("access-1"), QStringLiteral("refresh-1")));
        Console::Options options;
        options.attachUrl = QUrl(QStringLiteral("http://fixture.invalid:7700"));
        options.secrets = &secrets;
        options.profilesFile = dir.filePath(QStringLiteral("profiles.ini"));
        options.connection.heartbeatMs = 60'000;
        console = std::make_unique<Console>(options, &api);
        Console::setInstance(console.get());
        const QString problem = console->profiles()->save(
            {{QStringLiteral("name"), QStringLiteral("Production")},
             {QStringLiteral("urls"), QStringLiteral("http://node1.invalid:7700\nhttp://node2.invalid:7700")},
             {QStringLiteral("trust"), QStringLiteral("system")},
             {QStringLiteral("credential"), QStringLiteral("password")},
             {QStringLiteral("email"), kEmail}},
            QString());
        if (problem.isEmpty() && console->profiles()->rowCount() == 1)
            id = console->profiles()->profiles().constFirst().id;
    }
    ~Fixture() { Console::setInstance(nullptr); }

    Session *session() { return console->session(); }
    QString key() const { return QStringLiteral("profile/") + id; }
    QByteArray settingsText() const
    {
        QFile f(dir.filePath(QStringLiteral("profiles.ini")));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    int postsTo(const QString &path) const
    {
        const auto posted = api.posted();
        return int(
            std::count_if(posted.cbegin(), posted.cend(), [&](const auto &p) { return p.first == path; }));
    }
    QByteArray lastBodyTo(const QString &path) const
    {
        const auto posted = api.posted();
        for (auto it = posted.crbegin(); it != posted.crend(); ++it) {
            if (it->first == path)
                return it->second;
        }
        return {};
    }
};
} // namespace

class TestSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void aPasswordProfileStoresNoSecretUntilItSignsIn()
    {
        Fixture f;
        QVERIFY(!f.id.isEmpty());
        QVERIFY(f.secrets.secrets().isEmpty());
        QVERIFY(f.settingsText().contains("credential=password"));
        QVERIFY(f.settingsText().contains(kEmail.toUtf8()));
        // The email is required; a token profile switched to password loses its token.
        QVariantMap fields = f.console->profiles()->get(f.id);
        fields.insert(QStringLiteral("email"), QString());
        QVERIFY(!f.console->profiles()->validate(fields).isEmpty());

        QVariantMap token{{QStringLiteral("name"), QStringLiteral("Staging")},
                          {QStringLiteral("urls"), QStringLiteral("http://staging.invalid:7700")},
                          {QStringLiteral("credential"), QStringLiteral("adminToken")}};
        QCOMPARE(f.console->profiles()->save(token, QStringLiteral("admin-secret")), QString());
        QTRY_COMPARE(f.console->profiles()->rowCount(), 2);
        const QString staging = f.console->profiles()->profiles().at(1).id;
        QCOMPARE(f.secrets.secrets().value(QStringLiteral("profile/") + staging), QByteArray("admin-secret"));
        token.insert(QStringLiteral("id"), staging);
        token.insert(QStringLiteral("credential"), QStringLiteral("password"));
        token.insert(QStringLiteral("email"), kEmail);
        QCOMPARE(f.console->profiles()->save(token, QString()), QString());
        QTRY_VERIFY(!f.secrets.secrets().contains(QStringLiteral("profile/") + staging));
        // And back: a token profile needs its token again.
        token.insert(QStringLiteral("credential"), QStringLiteral("adminToken"));
        QVERIFY(!f.console->profiles()->save(token, QString()).isEmpty());
    }

    void signingInKeepsOnlyTheRefreshTokenAndOnlyInTheKeychain()
    {
        Fixture f;
        f.console->attachProfile(f.id);
        QVERIFY(f.session()->loginRequired());
        QCOMPARE(f.session()->loginEmail(), kEmail);
        QCOMPARE(f.console->connection()->state(), BackendConnection::State::Detached);
        QVERIFY(!f.session()->can(QStringLiteral("registry.read")));

        f.session()->signIn(kEmail, kPassword);
        QTRY_COMPARE(f.console->connection()->state(), BackendConnection::State::Connected);
        QVERIFY(!f.session()->loginRequired());
        QCOMPARE(f.api.token(), QByteArray("access-1"));
        // The sign-in went to the first node with no token, the rest carry the access token.
        QCOMPARE(f.api.tokensSent().constFirst(), QByteArray());
        QCOMPARE(f.secrets.secrets(), (QHash<QString, QByteArray>{{f.key(), "refresh-1"}}));
        QVERIFY(!f.settingsText().contains("refresh-1"));
        QVERIFY(!f.settingsText().contains(kPassword.toUtf8()));
        QVERIFY(!f.settingsText().contains("access-1"));

        // The principal: support reads, and changes no configuration.
        QTRY_VERIFY(f.session()->isKnown());
        QCOMPARE(f.session()->role(), QStringLiteral("support"));
        QCOMPARE(f.session()->displayName(), QStringLiteral("Sam Support"));
        QVERIFY(f.session()->can(QStringLiteral("registry.read")));
        QVERIFY(!f.session()->can(QStringLiteral("registry.write")));
        QVERIFY(!f.session()->can(QStringLiteral("events.write")));
        QVERIFY(!f.session()->can(QStringLiteral("webhooks.write")));
        QVERIFY(
            f.session()->whyNot(QStringLiteral("registry.write")).contains(QStringLiteral("registry.write")));
        QVERIFY(f.session()->whyNot(QStringLiteral("registry.write")).contains(QStringLiteral("support")));
        QCOMPARE(f.session()->whyNot(QStringLiteral("registry.read")), QString());
    }

    void aStoredSessionSignsInSilentlyAndRotatesTheRefreshToken()
    {
        Fixture f;
        QVERIFY(waitForWrite(f, "refresh-0"));
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions/refresh"),
                       signedIn(QStringLiteral("access-2"), QStringLiteral("refresh-2")));
        f.console->attachProfile(f.id);
        QTRY_COMPARE(f.console->connection()->state(), BackendConnection::State::Connected);
        QVERIFY(!f.session()->loginRequired());
        QCOMPARE(f.postsTo(QStringLiteral("/v1/auth/sessions")), 0); // no password asked or sent
        QCOMPARE(QJsonDocument::fromJson(f.lastBodyTo(QStringLiteral("/v1/auth/sessions/refresh")))
                     .object()
                     .value(QStringLiteral("refreshToken"))
                     .toString(),
                 QStringLiteral("refresh-0"));
        QCOMPARE(f.secrets.secrets().value(f.key()), QByteArray("refresh-2"));
        QCOMPARE(f.api.token(), QByteArray("access-2"));
    }

    void theAccessTokenIsRefreshedAheadOfItsExpiryAndTheNewRefreshTokenStoredFirst()
    {
        QCOMPARE(Session::refreshDelayMs(900), 840'000);
        QCOMPARE(Session::refreshDelayMs(1), 800);

        Fixture f;
        // A one-second token: the refresh is due 0.8 s after signing in.
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions"),
                       signedIn(QStringLiteral("access-1"), QStringLiteral("refresh-1"), 1));
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions/refresh"),
                       signedIn(QStringLiteral("access-2"), QStringLiteral("refresh-2")));
        f.console->attachProfile(f.id);
        f.session()->signIn(kEmail, kPassword);
        QTRY_COMPARE(f.console->connection()->state(), BackendConnection::State::Connected);
        QCOMPARE(f.api.token(), QByteArray("access-1"));
        QTRY_COMPARE_WITH_TIMEOUT(f.api.token(), QByteArray("access-2"), 5000);
        QCOMPARE(QJsonDocument::fromJson(f.lastBodyTo(QStringLiteral("/v1/auth/sessions/refresh")))
                     .object()
                     .value(QStringLiteral("refreshToken"))
                     .toString(),
                 QStringLiteral("refresh-1"));
        // refresh-2 was in the keychain while access-1 was still the token in use.
        QCOMPARE(f.secrets.tokenAtWrite.size(), 2);
        QCOMPARE(f.secrets.tokenAtWrite.at(1).first, QByteArray("refresh-2"));
        QCOMPARE(f.secrets.tokenAtWrite.at(1).second, QByteArray("access-1"));
        QCOMPARE(f.secrets.secrets().value(f.key()), QByteArray("refresh-2"));
        QVERIFY(!f.session()->loginRequired());
    }

    void anExpiredAccessTokenIsRefreshedWithoutAskingAnything()
    {
        Fixture f;
        signIn(f);
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions/refresh"),
                       signedIn(QStringLiteral("access-2"), QStringLiteral("refresh-2")));
        f.api.setReply(
            QStringLiteral("/v1/events/topics"),
            FakeApiClient::problem(401, QStringLiteral("expired-token"), QStringLiteral("expired")));
        f.console->events()->refreshTopics();
        QTRY_COMPARE(f.api.token(), QByteArray("access-2"));
        QVERIFY(!f.session()->loginRequired());
        QCOMPARE(f.secrets.secrets().value(f.key()), QByteArray("refresh-2"));
    }

    void anEndedSessionAsksToSignInAgainWithTheReasonAndKeepsThePage_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("throughRealtime");
        QTest::addColumn<QString>("reasonFragment");
        QTest::newRow("revoked, REST") << "revoked-session" << false << "ended";
        QTest::newRow("reused, REST") << "refresh-reused" << false << "used twice";
        QTest::newRow("disabled, REST") << "account-disabled" << false << "disabled";
        QTest::newRow("revoked, realtime") << "revoked-session" << true << "ended";
        // Expired, and the refresh token is refused too: the session is over.
        QTest::newRow("expired, refresh refused") << "expired-token" << false << "expired";
        QTest::newRow("expired, realtime, refresh refused") << "expired-token" << true << "expired";
    }

    void anEndedSessionAsksToSignInAgainWithTheReasonAndKeepsThePage()
    {
        QFETCH(QString, code);
        QFETCH(bool, throughRealtime);
        QFETCH(QString, reasonFragment);
        Fixture f;
        signIn(f);
        f.console->navigation()->setCurrentPage(QStringLiteral("services"));
        f.api.setReply(QStringLiteral("/v1/registry/instances/i-7"),
                       json(200, {{QStringLiteral("id"), QStringLiteral("i-7")},
                                  {QStringLiteral("service"), QStringLiteral("echo")},
                                  {QStringLiteral("status"), QStringLiteral("passing")}}));
        f.console->registry()->selectInstance(QStringLiteral("i-7"));
        QCOMPARE(f.console->registry()->selectedInstance(), QStringLiteral("i-7"));
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions/refresh"),
                       FakeApiClient::problem(401, QStringLiteral("invalid-refresh-token"),
                                              QStringLiteral("The refresh token has expired.")));

        if (throughRealtime) {
            Q_EMIT f.console->realtime()->sessionEnded(code, QStringLiteral("server says"));
        } else {
            f.api.setReply(QStringLiteral("/v1/events/topics"),
                           FakeApiClient::problem(401, code, QStringLiteral("server says")));
            f.console->events()->refreshTopics();
        }
        QTRY_VERIFY(f.session()->loginRequired());
        QVERIFY2(f.session()->loginReason().contains(reasonFragment), qPrintable(f.session()->loginReason()));
        QVERIFY(!f.session()->can(QStringLiteral("registry.read")));
        // The dead refresh token is gone (a disabled account's is kept: enabling it again revives it).
        QCOMPARE(f.secrets.secrets().contains(f.key()), code == QLatin1String("account-disabled"));
        // Where the person was stays.
        QCOMPARE(f.console->navigation()->currentPage(), QStringLiteral("services"));
        QCOMPARE(f.console->registry()->selectedInstance(), QStringLiteral("i-7"));
        QCOMPARE(f.console->target(), f.id);

        // Signing in again resumes there, with the new token everywhere.
        f.api.setReply(QStringLiteral("/v1/events/topics"),
                       json(200, {{QStringLiteral("topics"), QJsonArray()}}));
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions"),
                       signedIn(QStringLiteral("access-3"), QStringLiteral("refresh-3")));
        f.session()->signIn(kEmail, kPassword);
        QTRY_VERIFY(!f.session()->loginRequired());
        QTRY_VERIFY(f.session()->isKnown());
        QCOMPARE(f.api.token(), QByteArray("access-3"));
        QCOMPARE(f.secrets.secrets().value(f.key()), QByteArray("refresh-3"));
        QCOMPARE(f.console->navigation()->currentPage(), QStringLiteral("services"));
        QCOMPARE(f.console->registry()->selectedInstance(), QStringLiteral("i-7"));
        QCOMPARE(f.console->target(), f.id);
        QCOMPARE(f.console->connection()->state(), BackendConnection::State::Connected);
    }

    // A refusal that arrives after a new sign-in, for a request sent with the earlier token, must
    // not end the new session.
    void aRefusalOfAnEarlierTokenDoesNotEndTheSessionInUse()
    {
        Fixture f;
        signIn(f);
        Q_EMIT f.api.unauthorized(QStringLiteral("revoked-session"), QStringLiteral("old"), "access-0");
        QVERIFY(!f.session()->loginRequired());
        Q_EMIT f.api.unauthorized(QStringLiteral("revoked-session"), QStringLiteral("now"), "access-1");
        QVERIFY(f.session()->loginRequired()); // the same refusal of the token in use does
    }

    void aRateLimitedSignInShowsTheWaitAndHoldsFurtherAttempts()
    {
        Fixture f;
        ApiReply throttled = FakeApiClient::problem(429, QStringLiteral("too-many-attempts"),
                                                    QStringLiteral("Too many sign-in attempts."));
        throttled.retryAfterSeconds = 2;
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions"), throttled);
        f.console->attachProfile(f.id);
        QSignalSpy countdown(f.session(), &Session::retryAfterChanged);
        f.session()->signIn(kEmail, kPassword);
        QCOMPARE(f.postsTo(QStringLiteral("/v1/auth/sessions")), 1);
        QCOMPARE(f.session()->retryAfterSeconds(), 2);
        QVERIFY(!f.session()->error().isEmpty());
        f.session()->signIn(kEmail, kPassword); // held while the wait runs
        QCOMPARE(f.postsTo(QStringLiteral("/v1/auth/sessions")), 1);
        QTRY_COMPARE_WITH_TIMEOUT(f.session()->retryAfterSeconds(), 0, 5000);
        QCOMPARE(countdown.size(), 3); // 2, 1, 0
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions"),
                       signedIn(QStringLiteral("access-1"), QStringLiteral("refresh-1")));
        f.session()->signIn(kEmail, kPassword);
        QCOMPARE(f.postsTo(QStringLiteral("/v1/auth/sessions")), 2);
        QTRY_VERIFY(!f.session()->loginRequired());
    }

    void wrongCredentialsSayWhatIsWrong()
    {
        Fixture f;
        f.api.setReply(QStringLiteral("POST /v1/auth/sessions"),
                       FakeApiClient::problem(401, QStringLiteral("invalid-credentials"),
                                              QStringLiteral("The email address or password is wrong.")));
        f.console->attachProfile(f.id);
        f.session()->signIn(kEmail, QStringLiteral("wrong"));
        QVERIFY(f.session()->loginRequired());
        QVERIFY(f.session()->error().contains(QStringLiteral("wrong")));
        QVERIFY(f.secrets.secrets().isEmpty());
    }

    void signingOutEndsTheSessionAndForgetsTheRefreshToken()
    {
        Fixture f;
        signIn(f);
        f.console->navigation()->setCurrentPage(QStringLiteral("events"));
        f.api.setReply(QStringLiteral("DELETE /v1/auth/sessions/current"), ApiReply{204, {}, {}});
        f.session()->signOut();
        QTRY_VERIFY(f.session()->loginRequired());
        QCOMPARE(f.postsTo(QStringLiteral("DELETE /v1/auth/sessions/current")), 1);
        QCOMPARE(f.api.tokensSent().constLast(), QByteArray("access-1"));
        QVERIFY(f.secrets.secrets().isEmpty());
        QVERIFY(f.session()->loginReason().contains(QStringLiteral("signed out")));
        QCOMPARE(f.console->navigation()->currentPage(), QStringLiteral("events"));
    }

    void canFollowsTheGrantsOfTheRoleAndDocuments()
    {
        Fixture f;
        // A user holds events.* only on the documents shared with them: still offered.
        f.api.setReply(QStringLiteral("/v1/auth/me"),
                       me(QStringLiteral("user"), QStringLiteral("user"),
                          {{QStringLiteral("events.read"), QStringLiteral("documents")},
                           {QStringLiteral("events.write"), QStringLiteral("documents")},
                           {QStringLiteral("auth.self"), QStringLiteral("full")}}));
        signIn(f);
        QTRY_VERIFY(f.session()->isKnown());
        QVERIFY(f.session()->can(QStringLiteral("events.write")));
        QVERIFY(!f.session()->can(QStringLiteral("registry.read")));

        Permission permission;
        permission.setName(QStringLiteral("registry.write"));
        QVERIFY(!permission.isAllowed());
        QVERIFY(permission.reason().contains(QStringLiteral("registry.write")));
        QSignalSpy changed(&permission, &Permission::changed);
        f.api.setReply(QStringLiteral("/v1/auth/me"),
                       me(QStringLiteral("user"), QStringLiteral("developer"),
                          {{QStringLiteral("registry.write"), QStringLiteral("full")}}));
        f.session()->loadPrincipal();
        QTRY_VERIFY(permission.isAllowed());
        QVERIFY(changed.size() > 0);
        QCOMPARE(permission.reason(), QString());
    }

    void theLocalStacksAdminTokenIsAnAdminAndAnOldBackendOpensEverything()
    {
        FakeApiClient api;
        api.setReply(QStringLiteral("/v1/system/info"),
                     json(200, {{QStringLiteral("version"), QStringLiteral("1")}}));
        FakeSecretStore secrets;
        QTemporaryDir dir;
        Console::Options options; // local mode: the admin token
        options.secrets = &secrets;
        options.profilesFile = dir.filePath(QStringLiteral("p.ini"));
        Console console(options, &api);
        QVERIFY(console.session()->can(QStringLiteral("registry.write"))); // before /me answered
        api.setReply(QStringLiteral("/v1/auth/me"),
                     me(QStringLiteral("admin-token"), QStringLiteral("admin"),
                        {{QStringLiteral("registry.write"), QStringLiteral("full")}}));
        console.connection()->attach(QUrl(QStringLiteral("http://127.0.0.1:1")), "admin-token");
        QTRY_VERIFY(console.session()->isKnown());
        QCOMPARE(console.session()->kind(), QStringLiteral("admin-token"));
        QCOMPARE(console.session()->role(), QStringLiteral("admin"));
        QVERIFY(console.session()->can(QStringLiteral("registry.write")));
        QVERIFY(!console.session()->can(QStringLiteral("events.write"))); // what /me says counts

        // --attach with a backend that has no /v1/auth/me: its one token did everything, still does.
        Console::Options attach = options;
        attach.attachUrl = QUrl(QStringLiteral("http://127.0.0.1:2"));
        FakeApiClient old;
        old.setReply(QStringLiteral("/v1/system/info"),
                     json(200, {{QStringLiteral("version"), QStringLiteral("1")}}));
        Console legacy(attach, &old);
        QVERIFY(!legacy.session()->can(QStringLiteral("events.write"))); // unknown credential: not yet
        legacy.connection()->attach(attach.attachUrl, "token");
        QTRY_VERIFY(legacy.session()->isKnown());
        QVERIFY(legacy.session()->can(QStringLiteral("events.write")));
    }

    void aForbiddenActionShowsTheProblemsDetail()
    {
        Fixture f;
        signIn(f);
        const QString detail =
            QStringLiteral("drainInstance needs the permission registry.write. The role support "
                           "does not grant registry.write.");
        f.api.setReply(QStringLiteral("POST /v1/registry/instances/i-1/drain"),
                       FakeApiClient::problem(403, QStringLiteral("forbidden"), detail));
        QSignalSpy finished(f.console->registry(), &RegistryController::actionFinished);
        f.console->registry()->drain(QStringLiteral("i-1"), 30'000);
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(finished.at(0).at(1).toString(), detail);
        QVERIFY(!f.session()->loginRequired()); // a 403 is no ended session
    }

    void theHttpClientReadsTheProblemCodeAndRetryAfter()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QByteArray response;
        connect(&server, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *socket = server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [socket, &response] {
                if (!socket->readAll().contains("\r\n\r\n"))
                    return;
                socket->write(response);
                socket->flush();
            });
        });
        HttpApiClient api;
        api.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort())), "t");
        QSignalSpy unauthorized(&api, &ApiClient::unauthorized);
        auto answer = [](const QByteArray &status, const QByteArray &extraHeaders, const QByteArray &body) {
            return "HTTP/1.1 " + status + "\r\nContent-Type: application/problem+json\r\n" + extraHeaders +
                   "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        };
        response =
            answer("429 Too Many Requests", "Retry-After: 7\r\n",
                   R"({"type":"urn:meshdeck:problem:too-many-attempts","status":429,"detail":"Slow down."})");
        ApiReply reply = Meshdeck::Testing::waitForTask(api.post(QStringLiteral("/v1/auth/sessions"), "{}"));
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.retryAfterSeconds, 7);
        QCOMPARE(reply.problemCode, QStringLiteral("too-many-attempts"));
        QCOMPARE(reply.error, QStringLiteral("Slow down."));
        QCOMPARE(unauthorized.size(), 0);

        response =
            answer("401 Unauthorized", {},
                   R"({"type":"urn:meshdeck:problem:revoked-session","status":401,"detail":"Revoked."})");
        reply = Meshdeck::Testing::waitForTask(api.get(QStringLiteral("/v1/events/topics")));
        QCOMPARE(reply.status, 401);
        QCOMPARE(unauthorized.size(), 1);
        QCOMPARE(unauthorized.at(0).at(0).toString(), QStringLiteral("revoked-session"));
        QCOMPARE(unauthorized.at(0).at(1).toString(), QStringLiteral("Revoked."));
        QCOMPARE(unauthorized.at(0).at(2).toByteArray(), QByteArray("t")); // the token the request carried
    }

    void theRealtimeClientSendsRefreshedTokensAndWaitsForOneAfterTheSessionEnded()
    {
        QWebSocketServer server(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QList<QWebSocket *> sockets;
        QList<QByteArray> headers;
        QStringList received;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *socket = server.nextPendingConnection();
            sockets << socket;
            headers << socket->request().rawHeader("Authorization");
            connect(socket, &QWebSocket::textMessageReceived, this,
                    [&](const QString &text) { received << text; });
            socket->sendTextMessage(QStringLiteral(R"({"type":"welcome"})"));
        });
        RealtimeClient realtime;
        QSignalSpy ended(&realtime, &RealtimeClient::sessionEnded);
        realtime.subscribe(QStringLiteral("registry"));
        realtime.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort())), "token-1");
        QTRY_VERIFY(realtime.isConnected());
        QCOMPARE(headers, (QList<QByteArray>{"Bearer token-1"}));

        // A refreshed token goes over the live connection; no reconnect.
        realtime.setToken("token-2");
        QTRY_VERIFY(received.contains(QStringLiteral(R"({"token":"token-2","type":"auth"})")));
        QCOMPARE(sockets.size(), 1);

        // A dropped connection comes back (so a missing reconnect below would be seen) …
        sockets.last()->abort();
        QTRY_COMPARE(sockets.size(), 2);
        QTRY_VERIFY(realtime.isConnected());
        QCOMPARE(headers.last(), QByteArray("Bearer token-2"));

        // … but after session-ended it waits for a new token instead of retrying the dead one.
        sockets.last()->sendTextMessage(QStringLiteral(
            R"({"type":"session-ended","code":"revoked-session","reason":"Revoked by an admin."})"));
        sockets.last()->close(QWebSocketProtocol::CloseCode(4001));
        QTRY_COMPARE(ended.size(), 1);
        QCOMPARE(ended.at(0).at(0).toString(), QStringLiteral("revoked-session"));
        QTRY_VERIFY(!realtime.isConnected());
        QVERIFY(!QTest::qWaitFor([&] { return sockets.size() > 2; }, 2000));

        realtime.setToken("token-3");
        QTRY_COMPARE(sockets.size(), 3);
        QCOMPARE(headers.last(), QByteArray("Bearer token-3"));
        QTRY_VERIFY(realtime.isConnected());
        // Subscriptions carry over to the new connection.
        QTRY_COMPARE(std::count_if(received.cbegin(), received.cend(),
                                   [](const QString &m) {
                                       return m.contains(QStringLiteral("\"subscribe\"")) &&
                                              m.contains(QStringLiteral("registry"));
                                   }),
                     3);
        qDeleteAll(sockets);
    }

private:
    static bool waitForWrite(Fixture &f, const QByteArray &refreshToken)
    {
        // A session stored by an earlier run of the console.
        Meshdeck::Testing::waitForTask(f.secrets.FakeSecretStore::write(f.key(), refreshToken));
        return f.secrets.secrets().value(f.key()) == refreshToken;
    }

    static void signIn(Fixture &f)
    {
        f.console->attachProfile(f.id);
        f.session()->signIn(kEmail, kPassword);
        QTRY_COMPARE(f.console->connection()->state(), BackendConnection::State::Connected);
        QTRY_VERIFY(f.session()->isKnown());
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
