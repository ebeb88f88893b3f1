// AuthService: sign-in, refresh, sessions and users.
#include "authservice.h"

#include "authstore.h"

#include "storage/database.h"
#include "storage/store.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <QCoroFuture>

#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcAuthAccounts, "meshdeck.backend.auth.accounts")

namespace Meshdeck::Auth {

namespace {
Error throttled(qint64 waitMs)
{
    const int seconds = int(std::ceil(double(waitMs) / 1000.0));
    return Error::rateLimited(
        QStringLiteral("Too many failed sign-ins for this account or from this address; wait %1 s and try "
                       "again.")
            .arg(seconds),
        seconds, "sign-in-throttled");
}

Result<void> validEmail(const QString &email)
{
    static const QRegularExpression shape(QStringLiteral(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)"));
    if (email.size() > 254 || !shape.match(email).hasMatch())
        return Error::invalid(
            QStringLiteral("email"),
            QStringLiteral("'%1' is not an email address (name@example.com).").arg(email.left(80)));
    return {};
}

Result<void> validName(const QString &name)
{
    if (name.trimmed().isEmpty() || name.size() > 200)
        return Error::invalid(QStringLiteral("name"),
                              QStringLiteral("A name of 1 to 200 characters is needed."));
    return {};
}

QJsonObject sessionEvent(const Session &s)
{
    return {{QStringLiteral("sessionId"), s.id},
            {QStringLiteral("userId"), s.userId},
            {QStringLiteral("address"), s.address},
            {QStringLiteral("reason"), s.revokedReason}};
}
} // namespace

QByteArray AuthService::accessToken(const User &user, const Session &session, qint64 nowMs) const
{
    const std::optional<SigningKey> key = m_keys ? m_keys->signingKey() : std::nullopt;
    if (!key)
        return {};
    Claims c;
    c.issuer = m_settings.issuer;
    c.audience = m_settings.audience;
    c.subject = user.id;
    c.sessionId = session.id;
    c.role = roleName(user.role);
    c.issuedAt = nowMs / 1000;
    c.notBefore = c.issuedAt;
    // Never past the session's own end: an access token does not outlive its session.
    c.expiresAt = std::min(c.issuedAt + m_settings.accessTokenMs / 1000, session.expiresAtMs / 1000);
    c.tokenId = newId();
    return signJwt(c, *key);
}

QCoro::Task<Result<SignedIn>> AuthService::issue(User user, QString address, QString userAgent)
{
    const qint64 now = m_clock->nowMs();
    Session session;
    session.id = newId();
    session.userId = user.id;
    session.createdAtMs = now;
    session.lastUsedAtMs = now;
    session.expiresAtMs = now + m_settings.sessionMs;
    session.address = address;
    session.userAgent = userAgent.left(300);
    const QByteArray refreshToken = newSecret("mdr_");
    const QByteArray access = accessToken(user, session, now);
    if (access.isEmpty())
        co_return Error::unavailable(QStringLiteral("The node has no signing key yet; retry in a moment."),
                                     "no-signing-key");
    QCoro::Task<Result<void>> storing = m_database->attempt(
        [session, digest = digestHex(refreshToken), userId = user.id, now](QSqlDatabase &db) {
            AuthStore::createSession(db, session, digest);
            AuthStore::recordSignIn(db, userId, now);
        });
    if (const Result<void> stored = co_await storing; !stored)
        co_return stored.error();
    QCoro::Task<bool> reloading = reload();
    co_await reloading;
    user.lastSignInAtMs = now;
    publish(QStringLiteral("auth.session.created"), user.id, sessionEvent(session));
    co_return SignedIn{access, refreshToken, m_settings.accessTokenMs / 1000, session, user};
}

QCoro::Task<Result<void>> AuthService::forgiveAttempt(QString account, QString address)
{
    QCoro::Task<Result<void>> forgiving = m_database->attempt(
        [account, address](QSqlDatabase &db) { AuthStore::signInSucceeded(db, account, address); });
    co_return co_await forgiving;
}

QCoro::Task<Result<SignedIn>> AuthService::signIn(QString email, QString password, QString address,
                                                  QString userAgent)
{
    if (!m_started.load(std::memory_order_acquire)) // no dummy hash yet: unknown accounts would answer faster
        co_return Error::unavailable(QStringLiteral("Sign-in is starting up; retry in a moment."),
                                     "auth-starting");
    const QString account = emailKey(email);
    const qint64 now = m_clock->nowMs();
    struct Looked {
        std::optional<qint64> waitMs;
        std::optional<AuthStore::Credentials> credentials;
    };
    // The attempt is counted as a failure before the password is verified (and forgiven when it
    // matches): concurrent guesses on any node all count, none slips in while others verify.
    QCoro::Task<Result<Looked>> looking =
        m_database->attempt([this, account, address, now](QSqlDatabase &db) {
            Looked out;
            out.waitMs = AuthStore::reserveSignIn(db, account, address, now, m_throttle);
            if (!out.waitMs)
                out.credentials = AuthStore::credentialsByEmail(db, account);
            return out;
        });
    const Result<Looked> looked = co_await looking;
    if (!looked)
        co_return looked.error();
    if (looked->waitMs)
        co_return throttled(*looked->waitMs);
    const Result<std::optional<AuthStore::Credentials>> found = looked->credentials;
    // An unknown account is verified against a dummy hash: the same work, the same answer.
    const QByteArray hash = found->has_value() ? (*found)->passwordHash : m_dummyHash;
    QFuture<bool> verifying = offLoop<bool>([hash, password] { return verifyPassword(hash, password); });
    const bool matches = co_await verifying;
    if (!found->has_value() || !matches) {
        const bool burst = m_throttle.noteFailure(m_clock->nowMs());
        publish(QStringLiteral("auth.signin.failed"), account,
                {{QStringLiteral("email"), account}, {QStringLiteral("address"), address}});
        if (burst) {
            qCWarning(lcAuthAccounts).noquote() << "a burst of failed sign-ins; the latest from" << address;
            publish(QStringLiteral("auth.suspicious"), address,
                    {{QStringLiteral("reason"), QStringLiteral("a burst of failed sign-ins")},
                     {QStringLiteral("address"), address},
                     {QStringLiteral("threshold"), m_settings.throttle.burstFailures},
                     {QStringLiteral("windowSeconds"), m_settings.throttle.burstWindowMs / 1000}});
        }
        co_return Error::unauthenticated(QStringLiteral("The email address or the password is wrong."),
                                         "invalid-credentials");
    }
    const AuthStore::Credentials &credentials = **found;
    if (credentials.user.disabled)
        co_return Error::forbidden(
            QStringLiteral("The account %1 is disabled; ask an administrator to enable it.")
                .arg(credentials.user.email),
            "account-disabled");
    QCoro::Task<Result<void>> forgiving = forgiveAttempt(account, address);
    co_await forgiving; // a failure to forgive only keeps the account slowed a while
    if (needsRehash(hash, m_settings.passwordCost)) {
        // The cost parameters changed since this hash was made: upgrade it now that we have the password.
        QFuture<QByteArray> hashing = offLoop<QByteArray>(
            [password, cost = m_settings.passwordCost] { return hashPassword(password, cost); });
        const QByteArray upgraded = co_await hashing;
        QCoro::Task<Result<bool>> storing =
            m_database->attempt([id = credentials.user.id, upgraded, now](QSqlDatabase &db) {
                return AuthStore::setPasswordHash(db, id, upgraded, now, false);
            });
        if (const Result<bool> stored = co_await storing; !stored)
            qCWarning(lcAuthAccounts).noquote()
                << "cannot store a rehashed password:" << stored.error().reason;
    }
    QCoro::Task<Result<SignedIn>> issuing = issue(credentials.user, address, userAgent);
    co_return co_await issuing;
}

QCoro::Task<Result<SignedIn>> AuthService::refresh(QByteArray refreshToken, QString address)
{
    const QByteArray next = newSecret("mdr_");
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<AuthStore::Refreshed>> rotating = m_database->attempt(
        [presented = digestHex(refreshToken), nextDigest = digestHex(next), now](QSqlDatabase &db) {
            return AuthStore::rotateRefresh(db, presented, nextDigest, now);
        });
    const Result<AuthStore::Refreshed> rotated = co_await rotating;
    if (!rotated)
        co_return rotated.error();
    switch (rotated->outcome) {
    case AuthStore::Refreshed::Unknown:
        co_return Error::unauthenticated(QStringLiteral("The refresh token is not valid; sign in again."),
                                         "invalid-refresh-token");
    case AuthStore::Refreshed::Ended:
        co_return Error::unauthenticated(QStringLiteral("The session has ended (%1); sign in again.")
                                             .arg(rotated->session.revokedAtMs != 0
                                                      ? rotated->session.revokedReason
                                                      : QStringLiteral("expired")),
                                         "revoked-session");
    case AuthStore::Refreshed::Reused: {
        QCoro::Task<bool> reloading = reload();
        co_await reloading;
        publish(QStringLiteral("auth.session.revoked"), rotated->session.userId,
                sessionEvent(rotated->session));
        publish(QStringLiteral("auth.suspicious"), address,
                {{QStringLiteral("reason"), QStringLiteral("a rotated refresh token was used again")},
                 {QStringLiteral("sessionId"), rotated->session.id},
                 {QStringLiteral("address"), address}});
        co_return Error::unauthenticated(
            QStringLiteral(
                "This refresh token was already used once. Someone may have copied it, so the whole "
                "session was ended; sign in again."),
            "refresh-reused");
    }
    case AuthStore::Refreshed::Rotated:
        break;
    }
    std::optional<User> user;
    {
        const SnapshotPtr s = snapshot();
        if (s->users.contains(rotated->session.userId))
            user = s->users.value(rotated->session.userId);
    }
    if (!user) {
        QCoro::Task<Result<std::optional<User>>> reading = m_database->attempt(
            [id = rotated->session.userId](QSqlDatabase &db) { return AuthStore::user(db, id); });
        const Result<std::optional<User>> read = co_await reading;
        if (!read)
            co_return read.error();
        user = *read;
    }
    if (!user)
        co_return Error::unauthenticated(QStringLiteral("The account no longer exists."),
                                         "invalid-refresh-token");
    if (user->disabled)
        co_return Error::forbidden(QStringLiteral("The account %1 is disabled.").arg(user->email),
                                   "account-disabled");
    const QByteArray access = accessToken(*user, rotated->session, now);
    if (access.isEmpty())
        co_return Error::unavailable(QStringLiteral("The node has no signing key yet; retry in a moment."),
                                     "no-signing-key");
    co_return SignedIn{access, next, m_settings.accessTokenMs / 1000, rotated->session, *user};
}

QCoro::Task<Result<Session>> AuthService::endSession(PrincipalPtr caller, QString sessionId, QString reason)
{
    // Whose it is, checked before anything is written: someone else's session is not there for a
    // caller without auth.users.write (the same answer as one that does not exist).
    const bool mayEndAnyones =
        !caller || caller->userId.isEmpty() || Access::authorize(*caller, "auth.users.write").allowed;
    const QString owner = mayEndAnyones ? QString() : caller->userId;
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<std::optional<Session>>> ending =
        m_database->attempt([sessionId, reason, now, owner](QSqlDatabase &db) -> std::optional<Session> {
            const std::optional<Session> found = AuthStore::session(db, sessionId);
            if (!found || (!owner.isEmpty() && found->userId != owner))
                return std::nullopt;
            return AuthStore::revokeSession(db, sessionId, reason, now);
        });
    const Result<std::optional<Session>> ended = co_await ending;
    if (!ended)
        co_return ended.error();
    if (!ended->has_value())
        co_return Error::notFound(QStringLiteral("There is no session %1.").arg(sessionId),
                                  "session-not-found");
    QCoro::Task<bool> reloading = reload();
    co_await reloading;
    publish(QStringLiteral("auth.session.revoked"), (*ended)->userId, sessionEvent(**ended));
    co_return **ended;
}

QCoro::Task<Result<int>> AuthService::endUserSessions(QString userId, QString reason)
{
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<int>> ending = m_database->attempt([userId, reason, now](QSqlDatabase &db) {
        Storage::Transaction tx(db); // the revocation and the revision that announces it, together
        const int ended = AuthStore::revokeUserSessions(db, userId, reason, now);
        tx.commit();
        return ended;
    });
    const Result<int> ended = co_await ending;
    if (ended && *ended > 0) {
        QCoro::Task<bool> reloading = reload();
        co_await reloading;
        publish(QStringLiteral("auth.session.revoked"), userId,
                {{QStringLiteral("userId"), userId},
                 {QStringLiteral("reason"), reason},
                 {QStringLiteral("count"), *ended}});
    }
    co_return ended;
}

QCoro::Task<Result<QList<Session>>> AuthService::sessions(QString userId)
{
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<QList<Session>>> reading =
        m_database->attempt([userId, now](QSqlDatabase &db) { return AuthStore::sessions(db, userId, now); });
    co_return co_await reading;
}

QCoro::Task<Result<User>> AuthService::createUser(NewUser input)
{
    input.email = input.email.trimmed();
    if (Result<void> ok = validEmail(input.email); !ok)
        co_return ok.error();
    if (Result<void> ok = validName(input.name); !ok)
        co_return ok.error();
    if (const QString problem = passwordProblem(input.password, input.email); !problem.isEmpty())
        co_return Error::invalid(QStringLiteral("password"), problem, "weak-password");
    QFuture<QByteArray> hashing = offLoop<QByteArray>(
        [password = input.password, cost = m_settings.passwordCost] { return hashPassword(password, cost); });
    const QByteArray hash = co_await hashing;
    const qint64 now = m_clock->nowMs();
    User user;
    user.id = newId();
    user.email = input.email;
    user.name = input.name.trimmed();
    user.role = input.role;
    user.createdAtMs = now;
    user.updatedAtMs = now;
    QCoro::Task<Result<AuthStore::Created>> inserting =
        m_database->attempt([user, hash](QSqlDatabase &db) { return AuthStore::insertUser(db, user, hash); });
    const Result<AuthStore::Created> inserted = co_await inserting;
    if (!inserted)
        co_return inserted.error();
    if (*inserted == AuthStore::Created::EmailTaken)
        co_return Error::conflict(
            QStringLiteral("A user with the email address %1 exists already.").arg(user.email),
            "email-taken");
    QCoro::Task<bool> reloading = reload();
    co_await reloading;
    publish(QStringLiteral("auth.user.created"), user.id, toJson(user));
    co_return user;
}

QCoro::Task<Result<User>> AuthService::user(QString id)
{
    QCoro::Task<Result<std::optional<User>>> reading =
        m_database->attempt([id](QSqlDatabase &db) { return AuthStore::user(db, id); });
    const Result<std::optional<User>> read = co_await reading;
    if (!read)
        co_return read.error();
    if (!read->has_value())
        co_return Error::notFound(QStringLiteral("There is no user %1.").arg(id), "user-not-found");
    co_return **read;
}

QCoro::Task<Result<QList<User>>> AuthService::users(QString text, std::optional<Role> role,
                                                    std::optional<bool> disabled)
{
    QCoro::Task<Result<QList<User>>> reading =
        m_database->attempt([filter = AuthStore::UserFilter{text, role, disabled}](QSqlDatabase &db) {
            return AuthStore::users(db, filter);
        });
    co_return co_await reading;
}

QCoro::Task<Result<std::pair<User, User>>> AuthService::updateUser(QString id, std::optional<QString> name,
                                                                   std::optional<Role> role,
                                                                   std::optional<bool> disabled)
{
    if (name) {
        if (Result<void> ok = validName(*name); !ok)
            co_return ok.error();
        name = name->trimmed();
    }
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<std::optional<AuthStore::Changed>>> updating =
        m_database->attempt([id, change = AuthStore::UserChange{name, role, disabled},
                             now](QSqlDatabase &db) { return AuthStore::updateUser(db, id, change, now); });
    const Result<std::optional<AuthStore::Changed>> updated = co_await updating;
    if (!updated)
        co_return updated.error();
    if (!updated->has_value())
        co_return Error::notFound(QStringLiteral("There is no user %1.").arg(id), "user-not-found");
    QCoro::Task<bool> reloading = reload();
    co_await reloading;
    publish(QStringLiteral("auth.user.updated"), id,
            {{QStringLiteral("before"), toJson((*updated)->before)},
             {QStringLiteral("after"), toJson((*updated)->after)}});
    co_return std::pair{(*updated)->before, (*updated)->after};
}

QCoro::Task<Result<void>> AuthService::setPassword(QString userId, QString password, bool endSessions,
                                                   QString keepSession)
{
    QCoro::Task<Result<User>> reading = user(userId);
    const Result<User> existing = co_await reading;
    if (!existing)
        co_return existing.error();
    if (const QString problem = passwordProblem(password, existing->email); !problem.isEmpty())
        co_return Error::invalid(QStringLiteral("password"), problem, "weak-password");
    QFuture<QByteArray> hashing = offLoop<QByteArray>(
        [password, cost = m_settings.passwordCost] { return hashPassword(password, cost); });
    const QByteArray hash = co_await hashing;
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<bool>> storing =
        m_database->attempt([userId, hash, now, endSessions, keepSession](QSqlDatabase &db) {
            return AuthStore::setPasswordHash(db, userId, hash, now, endSessions, keepSession);
        });
    const Result<bool> stored = co_await storing;
    if (!stored)
        co_return stored.error();
    if (!*stored)
        co_return Error::notFound(QStringLiteral("There is no user %1.").arg(userId), "user-not-found");
    QCoro::Task<bool> reloading = reload();
    co_await reloading;
    co_return {};
}

QCoro::Task<Result<void>> AuthService::changeOwnPassword(PrincipalPtr caller, QString current,
                                                         QString password, QString address)
{
    if (!caller || caller->kind != Principal::Kind::User)
        co_return Error::forbidden(QStringLiteral("Only a signed-in user has a password to change."),
                                   "not-a-user");
    QCoro::Task<Result<std::optional<AuthStore::Credentials>>> reading = m_database->attempt(
        [id = caller->userId](QSqlDatabase &db) { return AuthStore::credentialsById(db, id); });
    const Result<std::optional<AuthStore::Credentials>> found = co_await reading;
    if (!found)
        co_return found.error();
    if (!found->has_value())
        co_return Error::notFound(QStringLiteral("The account no longer exists."), "user-not-found");
    // Guessing the current password through a stolen access token is guessing a sign-in: the same
    // throttle, per account and per address.
    const QString account = emailKey((*found)->user.email);
    QCoro::Task<Result<std::optional<qint64>>> reserving =
        m_database->attempt([this, account, address, now = m_clock->nowMs()](QSqlDatabase &db) {
            return AuthStore::reserveSignIn(db, account, address, now, m_throttle);
        });
    const Result<std::optional<qint64>> wait = co_await reserving;
    if (!wait)
        co_return wait.error();
    if (*wait)
        co_return throttled(**wait);
    QFuture<bool> verifying =
        offLoop<bool>([hash = (*found)->passwordHash, current] { return verifyPassword(hash, current); });
    if (!co_await verifying) {
        publish(QStringLiteral("auth.password.change-failed"), caller->userId,
                {{QStringLiteral("userId"), caller->userId}, {QStringLiteral("address"), address}});
        co_return Error::invalid(QStringLiteral("currentPassword"),
                                 QStringLiteral("The current password is wrong."), "wrong-password");
    }
    QCoro::Task<Result<void>> forgiving = forgiveAttempt(account, address);
    co_await forgiving;
    // Whoever else holds a session of this account (a thief, a forgotten laptop) is out now.
    QCoro::Task<Result<void>> setting = setPassword(caller->userId, password, true, caller->sessionId);
    co_return co_await setting;
}

} // namespace Meshdeck::Auth
