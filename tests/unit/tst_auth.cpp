// The auth service against a real database (SQLite, and PostgreSQL as unit/auth_pg): users,
// sessions and refresh-token families, API keys, throttling, the simulator, and what is stored.
#include "postgresserver.h"
#include "testing.h"

#include "core/admintoken.h"
#include "platform/access.h"
#include "services/auth/authservice.h"
#include "services/auth/authstore.h"
#include "storage/database.h"

#include <QSqlQuery>
#include <QSqlRecord>

using namespace Meshdeck;
using namespace Meshdeck::Auth;
using namespace Meshdeck::Testing;

namespace {
class FixedKeys : public KeySource
{
public:
    explicit FixedKeys(qint64 nowMs)
        : m_key(generateSigningKey(nowMs))
    {}
    std::optional<SigningKey> signingKey() const override { return m_key; }
    std::vector<SigningKey> verificationKeys() const override { return {m_key}; }
    void replace(SigningKey key) { m_key = std::move(key); } // the old key no longer verifies

private:
    SigningKey m_key;
};

const QString Password = QStringLiteral("correct horse battery staple");
} // namespace

class TestAuth : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QString m_location;
    ManualClock m_clock;
    std::unique_ptr<FixedKeys> m_keys;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<AuthService> m_auth;

    void open(AuthSettings settings = defaultSettings())
    {
        m_auth.reset();
        m_db = std::make_unique<Storage::Database>();
        const auto opened =
            waitForTask(m_db->open(m_location, {{QStringLiteral("auth"), AuthStore::migrations()}}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        m_auth =
            std::make_unique<AuthService>(settings, m_db.get(), nullptr, nullptr, m_keys.get(), &m_clock);
        QCOMPARE(waitForTask(m_auth->start()), QString());
    }
    static AuthSettings defaultSettings()
    {
        AuthSettings s;
        s.passwordCost = PasswordCost::minimum();
        return s;
    }
    User createUser(const QString &email, Role role)
    {
        const Result<User> created =
            waitForTask(m_auth->createUser(NewUser{email, QStringLiteral("Someone"), Password, role}));
        if (!created)
            qWarning() << created.error().reason;
        return created ? *created : User{};
    }
    SignedIn signIn(const QString &email, const QString &password = Password)
    {
        const Result<SignedIn> s =
            waitForTask(m_auth->signIn(email, password, QStringLiteral("127.0.0.1"), {}));
        if (!s)
            qWarning() << s.error().reason;
        return s ? *s : SignedIn{};
    }
    PrincipalPtr principalOf(const QByteArray &credential)
    {
        return m_auth->authenticate(credential, "127.0.0.1").principal;
    }

private Q_SLOTS:
    void init()
    {
        m_clock.set(1'800'000'000'000);
        m_keys = std::make_unique<FixedKeys>(m_clock.nowMs());
        m_location = m_databases.freshLocation(QStringLiteral("auth"));
        open();
    }
    void cleanup()
    {
        m_auth.reset();
        if (m_db)
            waitForTask(m_db->close());
        m_db.reset();
    }

    void emailsAreUniqueWhateverTheirCase()
    {
        QVERIFY(!createUser(QStringLiteral("Ada@Example.test"), Role::Developer).id.isEmpty());
        const Result<User> again = waitForTask(m_auth->createUser(
            NewUser{QStringLiteral(" ada@example.TEST"), QStringLiteral("Ada"), Password, Role::User}));
        QVERIFY(!again);
        QCOMPARE(again.error().code, QByteArray("email-taken"));
        QVERIFY(signIn(QStringLiteral("ADA@example.test")).accessToken.size() >
                0); // signs in whatever the case
    }

    void aWeakPasswordIsRefusedWithTheReason()
    {
        const Result<User> weak = waitForTask(m_auth->createUser(NewUser{
            QStringLiteral("bo@example.test"), QStringLiteral("Bo"), QStringLiteral("short"), Role::User}));
        QVERIFY(!weak);
        QCOMPARE(weak.error().field, QStringLiteral("password"));
        QVERIFY2(weak.error().reason.contains(QStringLiteral("at least 10")),
                 qPrintable(weak.error().reason));
        const Result<User> common =
            waitForTask(m_auth->createUser(NewUser{QStringLiteral("bo@example.test"), QStringLiteral("Bo"),
                                                   QStringLiteral("password123"), Role::User}));
        QVERIFY(!common);
        QVERIFY(common.error().reason.contains(QStringLiteral("common")));
    }

    void anAccessTokenAuthenticatesAsTheUserWithTheirCurrentRole()
    {
        const User user = createUser(QStringLiteral("dev@example.test"), Role::Developer);
        const SignedIn s = signIn(user.email);
        QCOMPARE(s.expiresInSeconds, 900);
        const PrincipalPtr p = principalOf(s.accessToken);
        QVERIFY(p);
        QCOMPARE(p->kind, Principal::Kind::User);
        QCOMPARE(p->userId, user.id);
        QCOMPARE(p->role, Role::Developer);
        QCOMPARE(p->sessionId, s.session.id);
        // The role is read from the account, not trusted from the token: a demotion applies at once.
        QVERIFY(waitForTask(m_auth->updateUser(user.id, std::nullopt, Role::Support, std::nullopt)));
        QCOMPARE(principalOf(s.accessToken)->role, Role::Support);
        // The refresh token is not a bearer credential.
        QVERIFY(!principalOf(s.refreshToken));
    }

    void aWrongPasswordAndAnUnknownAccountGetTheSameAnswer()
    {
        createUser(QStringLiteral("cy@example.test"), Role::User);
        const Result<SignedIn> wrong = waitForTask(
            m_auth->signIn(QStringLiteral("cy@example.test"), QStringLiteral("not the password"), {}, {}));
        const Result<SignedIn> unknown = waitForTask(m_auth->signIn(
            QStringLiteral("nobody@example.test"), QStringLiteral("not the password"), {}, {}));
        QVERIFY(!wrong && !unknown);
        QCOMPARE(wrong.error().kind, ErrorKind::Unauthenticated);
        QCOMPARE(unknown.error().kind, ErrorKind::Unauthenticated);
        QCOMPARE(wrong.error().reason, unknown.error().reason);
        QCOMPARE(wrong.error().code, unknown.error().code);
    }

    void refreshRotatesAndAReplayEndsTheWholeSession()
    {
        const User user = createUser(QStringLiteral("di@example.test"), Role::User);
        const SignedIn first = signIn(user.email);
        const Result<SignedIn> second = waitForTask(m_auth->refresh(first.refreshToken, {}));
        QVERIFY(second);
        QVERIFY(second->refreshToken != first.refreshToken);
        QCOMPARE(second->session.id, first.session.id);
        QVERIFY(principalOf(second->accessToken));
        // The first refresh token was rotated: presenting it again is a replay.
        const Result<SignedIn> replay = waitForTask(m_auth->refresh(first.refreshToken, {}));
        QVERIFY(!replay);
        QCOMPARE(replay.error().code, QByteArray("refresh-reused"));
        // The family is gone: the live refresh token and the access tokens stop working too.
        const Result<SignedIn> afterReplay = waitForTask(m_auth->refresh(second->refreshToken, {}));
        QVERIFY(!afterReplay);
        QCOMPARE(afterReplay.error().code, QByteArray("revoked-session"));
        const Authentication access = m_auth->authenticate(second->accessToken, {});
        QVERIFY(!access);
        QCOMPARE(access.code, QByteArray("revoked-session"));
    }

    void signingOutEndsOnlyThatSession()
    {
        const User user = createUser(QStringLiteral("ed@example.test"), Role::User);
        const SignedIn laptop = signIn(user.email);
        const SignedIn phone = signIn(user.email);
        const PrincipalPtr p = principalOf(laptop.accessToken);
        // Someone else cannot end it, and trying changes nothing.
        const User other = createUser(QStringLiteral("eve@example.test"), Role::User);
        const PrincipalPtr eve = principalOf(signIn(other.email).accessToken);
        const Result<Session> refused =
            waitForTask(m_auth->endSession(eve, laptop.session.id, QStringLiteral("x")));
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, ErrorKind::NotFound);
        QCOMPARE(waitForTask(m_auth->sessions(user.id))->size(), 2); // as stored, not only as cached
        QVERIFY(principalOf(laptop.accessToken));
        QVERIFY(waitForTask(m_auth->endSession(p, laptop.session.id, QStringLiteral("signed-out"))));
        QVERIFY(!principalOf(laptop.accessToken));
        QVERIFY(principalOf(phone.accessToken));
        const Result<QList<Session>> live = waitForTask(m_auth->sessions(user.id));
        QVERIFY(live);
        QCOMPARE(live->size(), 1);
        QCOMPARE(live->first().id, phone.session.id);
    }

    // Verified tokens are remembered (the signature check is the costly part), but never past what
    // the backend knows now: a token of a key that no longer verifies is refused at once.
    void aRememberedTokenStillFollowsTheSigningKeys()
    {
        const User user = createUser(QStringLiteral("cache@example.test"), Role::User);
        const SignedIn s = signIn(user.email);
        QVERIFY(principalOf(s.accessToken));
        QVERIFY(principalOf(s.accessToken)); // the second use is answered from memory
        m_keys->replace(generateSigningKey(m_clock.nowMs()));
        const Authentication refused = m_auth->authenticate(s.accessToken, {});
        QVERIFY(!refused);
        QCOMPARE(refused.code, QByteArray("invalid-token"));
        // And a remembered token still expires.
        const SignedIn fresh = signIn(user.email);
        QVERIFY(principalOf(fresh.accessToken));
        m_clock.advance(15 * 60 * 1000 + 31'000);
        QCOMPARE(m_auth->authenticate(fresh.accessToken, {}).code, QByteArray("expired-token"));
    }

    // The principal a remembered token or key stands for follows the user's teams (document
    // permissions by team rest on them) without waiting for the credential to expire.
    void aRememberedCredentialFollowsTeamChanges()
    {
        const User user = createUser(QStringLiteral("teams@example.test"), Role::User);
        auto memberships = std::make_shared<QList<TeamMembership>>();
        m_auth->setTeamsLookup([memberships](const QString &) { return *memberships; });
        const SignedIn s = signIn(user.email);
        const Result<CreatedKey> key = waitForTask(m_auth->createKey(
            principalOf(s.accessToken), NewKey{QStringLiteral("k"), {QStringLiteral("events.read")}, 0}));
        QVERIFY(key);
        for (const QByteArray &credential : {s.accessToken, key->key}) {
            QVERIFY(principalOf(credential)->teams.isEmpty());
            QVERIFY(principalOf(credential)->teams.isEmpty()); // remembered now
        }
        *memberships = {TeamMembership{QStringLiteral("ops"), {QStringLiteral("member")}}};
        for (const QByteArray &credential : {s.accessToken, key->key}) {
            const PrincipalPtr p = principalOf(credential);
            QCOMPARE(p->teams.size(), 1);
            QVERIFY(p->documentRoles().contains(QStringLiteral("team:ops")));
        }
    }

    // Two snapshots can carry one revision (on PostgreSQL a reload may read a revocation committed
    // after the revision it read). What was remembered from the older one must not outlive it.
    void aRememberedTokenFollowsANewerSnapshotOfTheSameRevision()
    {
        const User user = createUser(QStringLiteral("race@example.test"), Role::User);
        const SignedIn s = signIn(user.email);
        QVERIFY(principalOf(s.accessToken));
        QVERIFY(principalOf(s.accessToken)); // remembered
        const qint64 revision = m_auth->snapshot()->revision;
        // The revocation lands without its revision bump, as such a reload would see it.
        QVERIFY(waitForTask(m_db->attempt([id = s.session.id](QSqlDatabase &db) {
                    QSqlQuery q(db);
                    q.prepare(QStringLiteral("UPDATE auth_sessions SET revoked_at_ms = 1, revoked_reason = "
                                             "'signed-out' WHERE id = ?"));
                    q.addBindValue(id);
                    return q.exec();
                })).value());
        waitForTask(m_auth->sync()); // local mode reloads whatever the revision says
        QCOMPARE(m_auth->snapshot()->revision, revision);
        QCOMPARE(m_auth->authenticate(s.accessToken, {}).code, QByteArray("revoked-session"));
    }

    void anAccessTokenExpires()
    {
        const User user = createUser(QStringLiteral("fi@example.test"), Role::User);
        const SignedIn s = signIn(user.email);
        QVERIFY(principalOf(s.accessToken));
        m_clock.advance(15 * 60 * 1000 + 31'000); // past exp and the 30 s leeway
        const Authentication expired = m_auth->authenticate(s.accessToken, {});
        QVERIFY(!expired);
        QCOMPARE(expired.code, QByteArray("expired-token"));
        // The refresh token still gives a new one.
        const Result<SignedIn> renewed = waitForTask(m_auth->refresh(s.refreshToken, {}));
        QVERIFY(renewed);
        QVERIFY(principalOf(renewed->accessToken));
    }

    void disablingAUserEndsTheirSessionsAndKeys()
    {
        const User user = createUser(QStringLiteral("gu@example.test"), Role::Developer);
        const SignedIn s = signIn(user.email);
        const Result<CreatedKey> key = waitForTask(m_auth->createKey(
            principalOf(s.accessToken), NewKey{QStringLiteral("ci"), {QStringLiteral("registry.read")}, 0}));
        QVERIFY(key);
        QVERIFY(principalOf(key->key));
        QVERIFY(waitForTask(m_auth->updateUser(user.id, std::nullopt, std::nullopt, true)));
        QCOMPARE(m_auth->authenticate(s.accessToken, {}).code, QByteArray("account-disabled"));
        QCOMPARE(m_auth->authenticate(key->key, {}).code, QByteArray("account-disabled"));
        const Result<SignedIn> again = waitForTask(m_auth->signIn(user.email, Password, {}, {}));
        QVERIFY(!again);
        QCOMPARE(again.error().code, QByteArray("account-disabled"));
        QCOMPARE(waitForTask(m_auth->refresh(s.refreshToken, {})).error().code,
                 QByteArray("revoked-session"));
    }

    void anApiKeyIsNeverWiderThanItsCreator()
    {
        const User support = createUser(QStringLiteral("help@example.test"), Role::Support);
        const PrincipalPtr p = principalOf(signIn(support.email).accessToken);
        const Result<CreatedKey> wide = waitForTask(
            m_auth->createKey(p, NewKey{QStringLiteral("wide"), {QStringLiteral("registry.write")}, 0}));
        QVERIFY(!wide);
        QCOMPARE(wide.error().code, QByteArray("scope-not-held"));
        const Result<CreatedKey> narrow = waitForTask(
            m_auth->createKey(p, NewKey{QStringLiteral("reader"), {QStringLiteral("registry.read")}, 0}));
        QVERIFY(narrow);
        QVERIFY(narrow->key.startsWith("mdk_"));
        QVERIFY(narrow->key.startsWith(narrow->apiKey.prefix.toLatin1()));
        const PrincipalPtr keyPrincipal = principalOf(narrow->key);
        QVERIFY(keyPrincipal);
        QCOMPARE(keyPrincipal->kind, Principal::Kind::ApiKey);
        QVERIFY(Access::authorize(*keyPrincipal, "registry.read").allowed);
        const Access::Decision events =
            Access::authorize(*keyPrincipal, "events.read"); // support holds it, the key not
        QVERIFY(!events.allowed);
        QCOMPARE(events.reasons.last().rule, QStringLiteral("scope"));
        // A key's key cannot make a wider key either.
        const Result<CreatedKey> fromKey = waitForTask(m_auth->createKey(
            keyPrincipal, NewKey{QStringLiteral("k2"), {QStringLiteral("events.read")}, 0}));
        QVERIFY(!fromKey);
        QVERIFY(waitForTask(m_auth->revokeKey(p, narrow->apiKey.id)));
        QVERIFY(!principalOf(narrow->key));
    }

    // A key seen before answers from the cache, ahead of the admin token (which also starts with
    // "mdk_"): the admin token still answers as itself, and every use of the key, cached or not,
    // is recorded with where it came from.
    void theAdminTokenAndACachedKeyEachAnswerAsThemselves()
    {
        AuthSettings settings = defaultSettings();
        settings.keyUseFlushMs = 20;
        open(settings);
        const QByteArray adminToken = newAdminToken();
        const AdminTokenAuthenticator admin(adminToken);
        m_auth->setAdminToken(&admin);
        const User user = createUser(QStringLiteral("ka@example.test"), Role::Developer);
        const PrincipalPtr p = principalOf(signIn(user.email).accessToken);
        const Result<CreatedKey> key = waitForTask(
            m_auth->createKey(p, NewKey{QStringLiteral("ci"), {QStringLiteral("registry.read")}, 0}));
        QVERIFY(key);
        QCOMPARE(m_auth->authenticate(adminToken, "10.0.0.1").principal->kind, Principal::Kind::AdminToken);
        const PrincipalPtr first = m_auth->authenticate(key->key, "10.0.0.2").principal;
        QVERIFY(first);
        QCOMPARE(first->kind, Principal::Kind::ApiKey);
        m_clock.advance(1000);
        const PrincipalPtr second = m_auth->authenticate(key->key, "10.0.0.3").principal;
        QCOMPARE(second, first); // from the cache
        QCOMPARE(m_auth->authenticate(adminToken, "10.0.0.1").principal->kind, Principal::Kind::AdminToken);
        QVERIFY(!m_auth->authenticate(adminToken.chopped(1) + 'x', "10.0.0.1"));
        const auto lastUse = [&] {
            const Result<QList<ApiKey>> keys = waitForTask(m_auth->keys(p));
            return keys && keys->size() == 1
                       ? std::pair(keys->first().lastUsedAtMs, keys->first().lastUsedFrom)
                       : std::pair(qint64(-1), QString());
        };
        QTRY_COMPARE(lastUse(), std::pair(m_clock.nowMs(), QStringLiteral("10.0.0.3")));
        m_auth->setAdminToken(nullptr);
    }

    void anExpiredKeyIsRefusedAndSomeoneElsesKeyIsNotFound()
    {
        const User a = createUser(QStringLiteral("ha@example.test"), Role::Developer);
        const User b = createUser(QStringLiteral("hb@example.test"), Role::Developer);
        const PrincipalPtr pa = principalOf(signIn(a.email).accessToken);
        const PrincipalPtr pb = principalOf(signIn(b.email).accessToken);
        const Result<CreatedKey> key = waitForTask(m_auth->createKey(
            pa, NewKey{QStringLiteral("short"), {QStringLiteral("events.read")}, m_clock.nowMs() + 60'000}));
        QVERIFY(key);
        QVERIFY(principalOf(key->key));
        const Result<ApiKey> notYours = waitForTask(m_auth->revokeKey(pb, key->apiKey.id));
        QVERIFY(!notYours);
        QCOMPARE(notYours.error().kind, ErrorKind::NotFound);
        QCOMPARE(waitForTask(m_auth->keys(pb))->size(), 0);
        QCOMPARE(waitForTask(m_auth->keys(pa))->size(), 1);
        m_clock.advance(60'001);
        QCOMPARE(m_auth->authenticate(key->key, {}).code, QByteArray("expired-token"));
    }

    void failedSignInsAreThrottledPerAccount()
    {
        createUser(QStringLiteral("io@example.test"), Role::User);
        for (int i = 0; i < 5; ++i) {
            const Result<SignedIn> r = waitForTask(m_auth->signIn(QStringLiteral("io@example.test"),
                                                                  QStringLiteral("wrong password!"),
                                                                  QStringLiteral("10.0.0.1"), {}));
            QCOMPARE(r.error().kind, ErrorKind::Unauthenticated);
        }
        // Even the right password waits now: the attacker cannot tell.
        const Result<SignedIn> throttled = waitForTask(
            m_auth->signIn(QStringLiteral("io@example.test"), Password, QStringLiteral("10.0.0.2"), {}));
        QVERIFY(!throttled);
        QCOMPARE(throttled.error().kind, ErrorKind::RateLimited);
        QVERIFY(throttled.error().retryAfterSeconds >= 1);
        m_clock.advance(qint64(throttled.error().retryAfterSeconds) * 1000);
        QVERIFY(waitForTask(
            m_auth->signIn(QStringLiteral("io@example.test"), Password, QStringLiteral("10.0.0.2"), {})));
    }

    // Two nodes on one database count failed sign-ins together: spreading guesses over the nodes
    // of a cluster buys no more of them. Concurrent failures all count.
    void failedSignInsCountAcrossNodes()
    {
        createUser(QStringLiteral("spread@example.test"), Role::User);
        AuthService other(defaultSettings(), m_db.get(), nullptr, nullptr, m_keys.get(), &m_clock);
        QCOMPARE(waitForTask(other.start()), QString());
        std::vector<QCoro::Task<Result<SignedIn>>> guesses;
        for (int i = 0; i < 8; ++i) {
            AuthService &node = i % 2 == 0 ? *m_auth : other;
            guesses.push_back(node.signIn(QStringLiteral("spread@example.test"),
                                          QStringLiteral("guess %1").arg(i),
                                          QStringLiteral("10.1.0.%1").arg(i), {}));
        }
        // All eight at once: five are verified (and wrong), the rest wait, whichever node they reached.
        int verified = 0, waited = 0;
        for (QCoro::Task<Result<SignedIn>> &guess : guesses) {
            const ErrorKind kind = waitForTask(std::move(guess)).error().kind;
            verified += kind == ErrorKind::Unauthenticated;
            waited += kind == ErrorKind::RateLimited;
        }
        QCOMPARE(verified, 5);
        QCOMPARE(waited, 3);
        // Each node verified at most three, under the threshold of five: only a shared count stops this.
        for (AuthService *node : {m_auth.get(), &other}) {
            const Result<SignedIn> throttled = waitForTask(node->signIn(
                QStringLiteral("spread@example.test"), Password, QStringLiteral("10.1.1.1"), {}));
            QVERIFY(!throttled);
            QCOMPARE(throttled.error().kind, ErrorKind::RateLimited);
        }
        waitForTask(other.stop());
    }

    // An office behind one address: its people signing in successfully are not counted against it.
    void successfulSignInsFromOneAddressAreNotThrottled()
    {
        for (int i = 0; i < 25; ++i) {
            const User u = createUser(QStringLiteral("office%1@example.test").arg(i), Role::User);
            const Result<SignedIn> s =
                waitForTask(m_auth->signIn(u.email, Password, QStringLiteral("10.9.9.9"), {}));
            QVERIFY2(
                s, qPrintable(QStringLiteral("sign-in %1: %2").arg(i).arg(s ? QString() : s.error().reason)));
        }
    }

    // Changing one's own password ends every other session of the account (whoever stole one is
    // out) and keeps the one that changed it; guessing the current password is throttled like a
    // sign-in, even through a valid access token.
    void changingOnesPasswordEndsTheOtherSessionsAndGuessesAreThrottled()
    {
        const User user = createUser(QStringLiteral("pw@example.test"), Role::Developer);
        const SignedIn mine = signIn(user.email);
        const SignedIn stolen = signIn(user.email);
        const PrincipalPtr me = principalOf(mine.accessToken);
        QVERIFY(me && principalOf(stolen.accessToken));
        const QString attacker = QStringLiteral("10.0.0.9");
        for (int i = 0; i < 5; ++i) {
            const Result<void> wrong = waitForTask(m_auth->changeOwnPassword(
                me, QStringLiteral("not the password"), QStringLiteral("a new long passphrase"), attacker));
            QCOMPARE(wrong.error().code, QByteArray("wrong-password"));
        }
        // The sixth guess, even the right one, waits: the guesser cannot tell.
        const Result<void> throttled = waitForTask(
            m_auth->changeOwnPassword(me, Password, QStringLiteral("a new long passphrase"), attacker));
        QVERIFY(!throttled);
        QCOMPARE(throttled.error().kind, ErrorKind::RateLimited);
        QVERIFY(principalOf(stolen.accessToken)); // nothing changed yet
        m_clock.advance(qint64(throttled.error().retryAfterSeconds) * 1000);
        QVERIFY(waitForTask(m_auth->changeOwnPassword(me, Password, QStringLiteral("a new long passphrase"),
                                                      QStringLiteral("127.0.0.1"))));
        QVERIFY(principalOf(mine.accessToken));
        const Authentication cut = m_auth->authenticate(stolen.accessToken, {});
        QCOMPARE(cut.code, QByteArray("revoked-session"));
        QVERIFY2(cut.reason.contains(QStringLiteral("password was changed")), qPrintable(cut.reason));
        QCOMPARE(waitForTask(m_auth->refresh(stolen.refreshToken, {})).error().code,
                 QByteArray("revoked-session"));
        const Result<QList<Session>> live = waitForTask(m_auth->sessions(user.id));
        QCOMPARE(live->size(), 1);
        QCOMPARE(live->first().id, mine.session.id);
        QVERIFY(!waitForTask(m_auth->signIn(user.email, Password, {}, {})));
        QVERIFY(waitForTask(m_auth->signIn(user.email, QStringLiteral("a new long passphrase"), {}, {})));
    }

    // A key made with a key never outlives it: a leaked short-lived key cannot buy a permanent one.
    void aKeyMadeWithAKeyNeverOutlivesIt()
    {
        const User user = createUser(QStringLiteral("kk@example.test"), Role::Developer);
        const PrincipalPtr p = principalOf(signIn(user.email).accessToken);
        const qint64 parentEnd = m_clock.nowMs() + 3'600'000;
        const Result<CreatedKey> parent = waitForTask(
            m_auth->createKey(p, NewKey{QStringLiteral("parent"),
                                        {QStringLiteral("auth.keys.write"), QStringLiteral("registry.read")},
                                        parentEnd}));
        QVERIFY(parent);
        const PrincipalPtr keyPrincipal = principalOf(parent->key);
        QVERIFY(keyPrincipal);
        const Result<CreatedKey> capped = waitForTask(m_auth->createKey(
            keyPrincipal, NewKey{QStringLiteral("child"), {QStringLiteral("registry.read")}, 0}));
        QVERIFY(capped);
        QCOMPARE(capped->apiKey.expiresAtMs, parentEnd);
        const Result<CreatedKey> later = waitForTask(m_auth->createKey(
            keyPrincipal, NewKey{QStringLiteral("later"), {QStringLiteral("registry.read")}, parentEnd + 1}));
        QVERIFY(!later);
        QCOMPARE(later.error().code, QByteArray("outlives-parent-key"));
        // A user's own key may live as long as they choose: the cap is about keys.
        QVERIFY(waitForTask(
            m_auth->createKey(p, NewKey{QStringLiteral("mine"), {QStringLiteral("registry.read")}, 0})));
        m_clock.advance(3'600'001);
        QCOMPARE(m_auth->authenticate(capped->key, {}).code, QByteArray("expired-token"));
    }

    // Before the dummy hash exists an unknown account would be answered faster than a known one:
    // sign-in waits for start().
    void signInBeforeStartIsRefusedNotAnsweredFast()
    {
        const User user = createUser(QStringLiteral("early@example.test"), Role::User);
        AuthService early(defaultSettings(), m_db.get(), nullptr, nullptr, m_keys.get(), &m_clock);
        for (const QString &email : {user.email, QStringLiteral("nobody@example.test")}) {
            const Result<SignedIn> r = waitForTask(early.signIn(email, Password, {}, {}));
            QVERIFY(!r);
            QCOMPARE(r.error().kind, ErrorKind::Unavailable);
        }
        QCOMPARE(waitForTask(early.start()), QString());
        QVERIFY(waitForTask(early.signIn(user.email, Password, {}, {})));
        waitForTask(early.stop());
    }

    void aHashOfAnotherCostIsUpgradedAtSignIn()
    {
        const User user = createUser(QStringLiteral("jo@example.test"), Role::User);
        auto storedHash = [this, &user] {
            return waitForTask(m_db->attempt([id = user.id](QSqlDatabase &db) {
                       return AuthStore::credentialsById(db, id)->passwordHash;
                   }))
                .value();
        };
        const QByteArray cheap = storedHash();
        QVERIFY2(cheap.startsWith("$argon2id$"), cheap.constData());
        AuthSettings stronger = defaultSettings();
        stronger.passwordCost = PasswordCost::interactive();
        open(stronger);
        QVERIFY(needsRehash(cheap, stronger.passwordCost));
        QVERIFY(signIn(user.email).accessToken.size() > 0);
        const QByteArray upgraded = storedHash();
        QVERIFY(upgraded != cheap);
        QVERIFY(upgraded.startsWith("$argon2id$"));
        QVERIFY(!needsRehash(upgraded, stronger.passwordCost));
        QVERIFY(signIn(user.email).accessToken.size() > 0); // the same password still works
    }

    void theSimulatorExplainsEachDecision()
    {
        const User support = createUser(QStringLiteral("ka@example.test"), Role::Support);
        Result<Access::Decision> d =
            waitForTask(m_auth->simulate(PrincipalSpec{support.id, {}, false}, "registry.write", {}));
        QVERIFY(d);
        QVERIFY(!d->allowed);
        QCOMPARE(d->reasons.last().rule, QStringLiteral("role"));
        QVERIFY(d->reasons.last().detail.contains(QStringLiteral("support")));
        d = waitForTask(m_auth->simulate(PrincipalSpec{support.id, {}, false}, "registry.read", {}));
        QVERIFY(d && d->allowed);
        QVERIFY(waitForTask(m_auth->updateUser(support.id, std::nullopt, std::nullopt, true)));
        d = waitForTask(m_auth->simulate(PrincipalSpec{support.id, {}, false}, "registry.read", {}));
        QVERIFY(d && !d->allowed);
        QCOMPARE(d->reasons.first().rule, QStringLiteral("account"));
        d = waitForTask(m_auth->simulate(PrincipalSpec{{}, {}, true}, "auth.users.write", {}));
        QVERIFY(d && d->allowed);
        QVERIFY(!waitForTask(m_auth->simulate(PrincipalSpec{{}, {}, true}, "no.such.permission", {})));
    }

    void theDatabaseHoldsNoSecretInARecoverableForm()
    {
        const User user = createUser(QStringLiteral("lu@example.test"), Role::Admin);
        const SignedIn s = signIn(user.email);
        const Result<SignedIn> refreshed = waitForTask(m_auth->refresh(s.refreshToken, {}));
        QVERIFY(refreshed);
        const Result<CreatedKey> key = waitForTask(m_auth->createKey(
            principalOf(s.accessToken), NewKey{QStringLiteral("dump"), {QStringLiteral("events.read")}, 0}));
        QVERIFY(key);
        // Every value of every table, as a dump would hold it.
        const QByteArray dump = waitForTask(m_db->attempt([](QSqlDatabase &db) {
                                    QByteArray all;
                                    for (const QString &table : db.tables()) {
                                        QSqlQuery q(db);
                                        q.exec(QStringLiteral("SELECT * FROM ") + table);
                                        while (q.next())
                                            for (int i = 0; i < q.record().count(); ++i)
                                                all += q.value(i).toString().toUtf8() + '\n';
                                    }
                                    return all;
                                })).value();
        QVERIFY(dump.contains(user.email.toUtf8())); // the dump is real
        for (const QByteArray &secret : {Password.toUtf8(), s.refreshToken, refreshed->refreshToken, key->key,
                                         key->key.mid(4), s.refreshToken.mid(4)})
            QVERIFY2(!dump.contains(secret), secret.constData());
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
