#include "authstore.h"

#include "storage/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace Meshdeck::Auth::AuthStore {

namespace {
const QString UserColumns = QStringLiteral(
    "id, email, name, role, disabled, created_at_ms, updated_at_ms, last_sign_in_at_ms, password_hash");
const QString SessionColumns = QStringLiteral("id, user_id, created_at_ms, last_used_at_ms, expires_at_ms, "
                                              "address, user_agent, revoked_at_ms, revoked_reason");
const QString KeyColumns = QStringLiteral("id, user_id, name, prefix, scopes, created_at_ms, expires_at_ms, "
                                          "last_used_at_ms, last_used_from, revoked_at_ms, key_digest");

QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

User readUser(const QSqlQuery &q)
{
    User u;
    u.id = q.value(0).toString();
    u.email = q.value(1).toString();
    u.name = q.value(2).toString();
    u.role = roleFromName(q.value(3).toString()).value_or(Role::User);
    u.disabled = q.value(4).toLongLong() != 0;
    u.createdAtMs = q.value(5).toLongLong();
    u.updatedAtMs = q.value(6).toLongLong();
    u.lastSignInAtMs = q.value(7).toLongLong();
    return u;
}

Session readSession(const QSqlQuery &q)
{
    Session s;
    s.id = q.value(0).toString();
    s.userId = q.value(1).toString();
    s.createdAtMs = q.value(2).toLongLong();
    s.lastUsedAtMs = q.value(3).toLongLong();
    s.expiresAtMs = q.value(4).toLongLong();
    s.address = q.value(5).toString();
    s.userAgent = q.value(6).toString();
    s.revokedAtMs = q.value(7).toLongLong();
    s.revokedReason = q.value(8).toString();
    return s;
}

ApiKey readKey(const QSqlQuery &q)
{
    ApiKey k;
    k.id = q.value(0).toString();
    k.userId = q.value(1).toString();
    k.name = q.value(2).toString();
    k.prefix = q.value(3).toString();
    for (const QJsonValue &v : QJsonDocument::fromJson(q.value(4).toByteArray()).array())
        k.scopes.append(v.toString());
    k.createdAtMs = q.value(5).toLongLong();
    k.expiresAtMs = q.value(6).toLongLong();
    k.lastUsedAtMs = q.value(7).toLongLong();
    k.lastUsedFrom = q.value(8).toString();
    k.revokedAtMs = q.value(9).toLongLong();
    return k;
}

void bumpRevision(QSqlDatabase &db)
{
    Storage::exec(db, QStringLiteral("UPDATE auth_state SET revision = revision + 1 WHERE id = 1"));
}

QString forUpdate(const QSqlDatabase &db)
{
    return Storage::dialect(db) == Storage::Dialect::Postgres ? QStringLiteral(" FOR UPDATE") : QString();
}
} // namespace

std::vector<Storage::Migration> migrations()
{
    const QStringList tables{
        QStringLiteral(
            "CREATE TABLE auth_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL)"),
        QStringLiteral("INSERT INTO auth_state (id, revision) VALUES (1, 1)"),
        QStringLiteral(
            "CREATE TABLE auth_users (id TEXT PRIMARY KEY, email TEXT NOT NULL, email_key TEXT NOT NULL "
            "UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, "
            "password_hash TEXT NOT NULL, created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL, "
            "last_sign_in_at_ms BIGINT NOT NULL DEFAULT 0)"),
        QStringLiteral(
            "CREATE TABLE auth_sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES "
            "auth_users (id) ON DELETE CASCADE, created_at_ms BIGINT NOT NULL, last_used_at_ms BIGINT "
            "NOT NULL, expires_at_ms BIGINT NOT NULL, address TEXT NOT NULL, user_agent TEXT NOT NULL, "
            "revoked_at_ms BIGINT NOT NULL DEFAULT 0, revoked_reason TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX auth_sessions_user ON auth_sessions (user_id)"),
        // A session's refresh tokens: the current one (rotated_at_ms = 0) and the dead ones, kept
        // to recognise a replay.
        QStringLiteral("CREATE TABLE auth_refresh_tokens (digest TEXT PRIMARY KEY, session_id TEXT NOT NULL "
                       "REFERENCES auth_sessions (id) ON DELETE CASCADE, issued_at_ms BIGINT NOT NULL, "
                       "rotated_at_ms BIGINT NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id)"),
        QStringLiteral(
            "CREATE TABLE auth_api_keys (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, "
            "prefix TEXT NOT NULL, key_digest TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL, "
            "created_at_ms BIGINT NOT NULL, expires_at_ms BIGINT NOT NULL DEFAULT 0, "
            "last_used_at_ms BIGINT NOT NULL DEFAULT 0, last_used_from TEXT NOT NULL DEFAULT '', "
            "revoked_at_ms BIGINT NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE INDEX auth_api_keys_user ON auth_api_keys (user_id)"),
    };
    // Failed sign-ins per account ("a:" + email key) and per address ("n:" + address).
    const QStringList throttle{
        QStringLiteral("CREATE TABLE auth_failed_sign_ins (subject TEXT PRIMARY KEY, failures INTEGER NOT "
                       "NULL, first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL)"),
        QStringLiteral("CREATE INDEX auth_failed_sign_ins_last ON auth_failed_sign_ins (last_ms)"),
    };
    return {{1, QStringLiteral("users, sessions and API keys"), tables, tables},
            {2, QStringLiteral("failed sign-ins, shared by every node"), throttle, throttle}};
}

namespace {
QString accountSubject(const QString &accountKey)
{
    return QStringLiteral("a:") + accountKey;
}
QString addressSubject(const QString &address)
{
    return QStringLiteral("n:") + address;
}
} // namespace

std::optional<qint64> reserveSignIn(QSqlDatabase &db, const QString &accountKey, const QString &address,
                                    qint64 nowMs, const SignInThrottle &rule)
{
    const qint64 windowStart = nowMs - rule.settings().windowMs;
    const QString subjects[] = {accountSubject(accountKey), addressSubject(address)}; // lock order
    std::optional<qint64> wait;
    {
        Storage::Transaction tx(db);
        for (const QString &subject : subjects)
            Storage::exec(
                db,
                QStringLiteral("INSERT INTO auth_failed_sign_ins (subject, failures, first_ms, last_ms) "
                               "VALUES (?, 0, ?, ?) ON CONFLICT (subject) DO NOTHING"),
                {subject, nowMs, nowMs});
        QSqlQuery q =
            Storage::exec(db,
                          QStringLiteral("SELECT subject, failures, first_ms, last_ms FROM "
                                         "auth_failed_sign_ins WHERE subject IN (?, ?) ORDER BY subject%1")
                              .arg(forUpdate(db)),
                          {subjects[0], subjects[1]});
        SignInFailures account, fromAddress;
        while (q.next()) {
            const SignInFailures f{q.value(1).toInt(), q.value(2).toLongLong(), q.value(3).toLongLong()};
            (q.value(0).toString() == subjects[0] ? account : fromAddress) = f;
        }
        wait = rule.waitMs(account, fromAddress, nowMs);
        if (!wait) {
            for (const QString &subject : subjects)
                Storage::exec(
                    db,
                    QStringLiteral("UPDATE auth_failed_sign_ins SET failures = CASE WHEN first_ms < ? "
                                   "THEN 1 ELSE failures + 1 END, first_ms = CASE WHEN first_ms < ? "
                                   "THEN ? ELSE first_ms END, last_ms = ? WHERE subject = ?"),
                    {windowStart, windowStart, nowMs, nowMs, subject});
        }
        tx.commit();
    }
    Storage::exec(db, QStringLiteral("DELETE FROM auth_failed_sign_ins WHERE last_ms < ?"), {windowStart});
    return wait;
}

void signInSucceeded(QSqlDatabase &db, const QString &accountKey, const QString &address)
{
    Storage::Transaction tx(db);
    Storage::exec(db, QStringLiteral("DELETE FROM auth_failed_sign_ins WHERE subject = ?"),
                  {accountSubject(accountKey)});
    Storage::exec(
        db,
        QStringLiteral("UPDATE auth_failed_sign_ins SET failures = failures - 1 WHERE subject = ? AND "
                       "failures > 0"),
        {addressSubject(address)});
    tx.commit();
}

qint64 revision(QSqlDatabase &db)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT revision FROM auth_state WHERE id = 1"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

Snapshot loadSnapshot(QSqlDatabase &db, qint64 nowMs)
{
    Snapshot s;
    // One transaction: the revision and the rows it describes are read together.
    Storage::Transaction tx(db);
    s.revision = revision(db);
    QSqlQuery users = Storage::exec(db, QStringLiteral("SELECT %1 FROM auth_users").arg(UserColumns));
    while (users.next()) {
        User u = readUser(users);
        s.users.insert(u.id, std::move(u));
    }
    QSqlQuery sessions = Storage::exec(
        db, QStringLiteral("SELECT %1 FROM auth_sessions WHERE expires_at_ms > ?").arg(SessionColumns),
        {nowMs});
    while (sessions.next()) {
        Session session = readSession(sessions);
        s.sessions.insert(session.id, std::move(session));
    }
    QSqlQuery keys = Storage::exec(db,
                                   QStringLiteral("SELECT %1 FROM auth_api_keys WHERE revoked_at_ms = 0 AND "
                                                  "(expires_at_ms = 0 OR expires_at_ms > ?)")
                                       .arg(KeyColumns),
                                   {nowMs});
    while (keys.next()) {
        ApiKey k = readKey(keys);
        const QByteArray digest = keys.value(10).toByteArray();
        s.keyDigests.insert(k.id, digest);
        s.keysByDigest.insert(digest, std::move(k));
    }
    tx.commit();
    return s;
}

Created insertUser(QSqlDatabase &db, const User &user, const QByteArray &passwordHash)
{
    Storage::Transaction tx(db);
    QSqlQuery taken = Storage::exec(db, QStringLiteral("SELECT 1 FROM auth_users WHERE email_key = ?"),
                                    {emailKey(user.email)});
    if (taken.next())
        return Created::EmailTaken;
    Storage::exec(
        db,
        QStringLiteral("INSERT INTO auth_users (id, email, email_key, name, role, disabled, password_hash, "
                       "created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (email_key) DO NOTHING"),
        {user.id, user.email, emailKey(user.email), text(user.name), roleName(user.role),
         user.disabled ? 1 : 0, QString::fromLatin1(passwordHash), user.createdAtMs, user.updatedAtMs});
    // Two nodes creating one address together: the unique key lets one in.
    QSqlQuery mine = Storage::exec(db, QStringLiteral("SELECT id FROM auth_users WHERE email_key = ?"),
                                   {emailKey(user.email)});
    if (!mine.next() || mine.value(0).toString() != user.id)
        return Created::EmailTaken;
    bumpRevision(db);
    tx.commit();
    return Created::Ok;
}

namespace {
std::optional<Credentials> credentialsWhere(QSqlDatabase &db, const QString &column, const QString &value)
{
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT %1 FROM auth_users WHERE %2 = ?").arg(UserColumns, column), {value});
    if (!q.next())
        return std::nullopt;
    return Credentials{readUser(q), q.value(8).toByteArray()};
}
} // namespace

std::optional<Credentials> credentialsByEmail(QSqlDatabase &db, const QString &key)
{
    return credentialsWhere(db, QStringLiteral("email_key"), key);
}

std::optional<Credentials> credentialsById(QSqlDatabase &db, const QString &userId)
{
    return credentialsWhere(db, QStringLiteral("id"), userId);
}

std::optional<User> user(QSqlDatabase &db, const QString &id)
{
    if (auto c = credentialsById(db, id))
        return c->user;
    return std::nullopt;
}

QList<User> users(QSqlDatabase &db, const UserFilter &filter)
{
    QString sql = QStringLiteral("SELECT %1 FROM auth_users WHERE 1 = 1").arg(UserColumns);
    QVariantList values;
    if (!filter.text.isEmpty()) {
        sql += QStringLiteral(" AND (email_key LIKE ? ESCAPE '\\' OR LOWER(name) LIKE ? ESCAPE '\\')");
        QString pattern = filter.text.toLower();
        pattern.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('%'), QStringLiteral("\\%"))
            .replace(QLatin1Char('_'), QStringLiteral("\\_"));
        pattern = QLatin1Char('%') + pattern + QLatin1Char('%');
        values << pattern << pattern;
    }
    if (filter.role) {
        sql += QStringLiteral(" AND role = ?");
        values << roleName(*filter.role);
    }
    if (filter.disabled) {
        sql += QStringLiteral(" AND disabled = ?");
        values << (*filter.disabled ? 1 : 0);
    }
    sql += QStringLiteral(" ORDER BY email_key");
    QSqlQuery q = Storage::prepare(db, sql);
    for (const QVariant &v : std::as_const(values))
        q.addBindValue(v);
    Storage::exec(q, "list users");
    QList<User> out;
    while (q.next())
        out.append(readUser(q));
    return out;
}

std::optional<Changed> updateUser(QSqlDatabase &db, const QString &id, const UserChange &change, qint64 nowMs)
{
    Storage::Transaction tx(db);
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT %1 FROM auth_users WHERE id = ?%2").arg(UserColumns, forUpdate(db)), {id});
    if (!q.next())
        return std::nullopt;
    Changed c{readUser(q), {}};
    c.after = c.before;
    if (change.name)
        c.after.name = *change.name;
    if (change.role)
        c.after.role = *change.role;
    if (change.disabled)
        c.after.disabled = *change.disabled;
    c.after.updatedAtMs = nowMs;
    Storage::exec(
        db,
        QStringLiteral(
            "UPDATE auth_users SET name = ?, role = ?, disabled = ?, updated_at_ms = ? WHERE id = ?"),
        {text(c.after.name), roleName(c.after.role), c.after.disabled ? 1 : 0, nowMs, id});
    if (c.after.disabled && !c.before.disabled)
        revokeUserSessions(db, id, QStringLiteral("account-disabled"), nowMs);
    bumpRevision(db);
    tx.commit();
    return c;
}

bool setPasswordHash(QSqlDatabase &db, const QString &userId, const QByteArray &hash, qint64 nowMs,
                     bool endSessions, const QString &keepSession)
{
    Storage::Transaction tx(db);
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("UPDATE auth_users SET password_hash = ?, updated_at_ms = ? WHERE id = ?"),
        {QString::fromLatin1(hash), nowMs, userId});
    if (q.numRowsAffected() != 1)
        return false;
    if (endSessions)
        revokeUserSessions(db, userId,
                           keepSession.isEmpty() ? QStringLiteral("password-reset")
                                                 : QStringLiteral("password-changed"),
                           nowMs, keepSession);
    bumpRevision(db);
    tx.commit();
    return true;
}

void recordSignIn(QSqlDatabase &db, const QString &userId, qint64 nowMs)
{
    Storage::exec(db, QStringLiteral("UPDATE auth_users SET last_sign_in_at_ms = ? WHERE id = ?"),
                  {nowMs, userId});
}

void createSession(QSqlDatabase &db, const Session &session, const QByteArray &refreshDigest)
{
    Storage::Transaction tx(db);
    Storage::exec(db,
                  QStringLiteral("INSERT INTO auth_sessions (id, user_id, created_at_ms, last_used_at_ms, "
                                 "expires_at_ms, address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                  {session.id, session.userId, session.createdAtMs, session.lastUsedAtMs, session.expiresAtMs,
                   text(session.address), text(session.userAgent)});
    Storage::exec(
        db,
        QStringLiteral("INSERT INTO auth_refresh_tokens (digest, session_id, issued_at_ms) VALUES (?, ?, ?)"),
        {QString::fromLatin1(refreshDigest), session.id, session.createdAtMs});
    bumpRevision(db);
    tx.commit();
}

Refreshed rotateRefresh(QSqlDatabase &db, const QByteArray &presentedDigest, const QByteArray &nextDigest,
                        qint64 nowMs)
{
    Storage::Transaction tx(db);
    QSqlQuery token = Storage::exec(
        db,
        QStringLiteral("SELECT session_id, rotated_at_ms FROM auth_refresh_tokens WHERE digest = ?%1")
            .arg(forUpdate(db)),
        {QString::fromLatin1(presentedDigest)});
    if (!token.next())
        return {};
    const QString sessionId = token.value(0).toString();
    const bool alreadyRotated = token.value(1).toLongLong() != 0;
    QSqlQuery s = Storage::exec(
        db, QStringLiteral("SELECT %1 FROM auth_sessions WHERE id = ?%2").arg(SessionColumns, forUpdate(db)),
        {sessionId});
    if (!s.next())
        return {};
    Refreshed out{Refreshed::Ended, readSession(s)};
    if (out.session.revokedAtMs != 0 || out.session.expiresAtMs <= nowMs)
        return out;
    if (alreadyRotated) {
        // A replayed token: whoever holds the family's live token may be the thief. End it all.
        Storage::exec(
            db, QStringLiteral("UPDATE auth_sessions SET revoked_at_ms = ?, revoked_reason = ? WHERE id = ?"),
            {nowMs, QStringLiteral("refresh-reused"), sessionId});
        bumpRevision(db);
        tx.commit();
        out.outcome = Refreshed::Reused;
        out.session.revokedAtMs = nowMs;
        out.session.revokedReason = QStringLiteral("refresh-reused");
        return out;
    }
    Storage::exec(db, QStringLiteral("UPDATE auth_refresh_tokens SET rotated_at_ms = ? WHERE digest = ?"),
                  {nowMs, QString::fromLatin1(presentedDigest)});
    Storage::exec(
        db,
        QStringLiteral("INSERT INTO auth_refresh_tokens (digest, session_id, issued_at_ms) VALUES (?, ?, ?)"),
        {QString::fromLatin1(nextDigest), sessionId, nowMs});
    Storage::exec(db, QStringLiteral("UPDATE auth_sessions SET last_used_at_ms = ? WHERE id = ?"),
                  {nowMs, sessionId});
    tx.commit();
    out.outcome = Refreshed::Rotated;
    out.session.lastUsedAtMs = nowMs;
    return out;
}

std::optional<Session> revokeSession(QSqlDatabase &db, const QString &sessionId, const QString &reason,
                                     qint64 nowMs)
{
    Storage::Transaction tx(db);
    QSqlQuery s = Storage::exec(
        db, QStringLiteral("SELECT %1 FROM auth_sessions WHERE id = ?%2").arg(SessionColumns, forUpdate(db)),
        {sessionId});
    if (!s.next())
        return std::nullopt;
    Session session = readSession(s);
    if (session.revokedAtMs == 0) {
        Storage::exec(
            db, QStringLiteral("UPDATE auth_sessions SET revoked_at_ms = ?, revoked_reason = ? WHERE id = ?"),
            {nowMs, reason, sessionId});
        session.revokedAtMs = nowMs;
        session.revokedReason = reason;
        bumpRevision(db);
    }
    tx.commit();
    return session;
}

int revokeUserSessions(QSqlDatabase &db, const QString &userId, const QString &reason, qint64 nowMs,
                       const QString &keepSession)
{
    const QString update = QStringLiteral("UPDATE auth_sessions SET revoked_at_ms = ?, revoked_reason = ? "
                                          "WHERE user_id = ? AND revoked_at_ms = 0 AND expires_at_ms > ?");
    QSqlQuery q = keepSession.isEmpty() ? Storage::exec(db, update, {nowMs, reason, userId, nowMs})
                                        : Storage::exec(db, update + QStringLiteral(" AND id <> ?"),
                                                        {nowMs, reason, userId, nowMs, keepSession});
    const int ended = q.numRowsAffected();
    if (ended > 0)
        bumpRevision(db);
    return ended;
}

QList<Session> sessions(QSqlDatabase &db, const QString &userId, qint64 nowMs)
{
    QSqlQuery q =
        Storage::exec(db,
                      QStringLiteral("SELECT %1 FROM auth_sessions WHERE user_id = ? AND revoked_at_ms = 0 "
                                     "AND expires_at_ms > ? ORDER BY last_used_at_ms DESC")
                          .arg(SessionColumns),
                      {userId, nowMs});
    QList<Session> out;
    while (q.next())
        out.append(readSession(q));
    return out;
}

std::optional<Session> session(QSqlDatabase &db, const QString &sessionId)
{
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT %1 FROM auth_sessions WHERE id = ?").arg(SessionColumns), {sessionId});
    if (!q.next())
        return std::nullopt;
    return readSession(q);
}

void createKey(QSqlDatabase &db, const ApiKey &key, const QByteArray &digest)
{
    Storage::Transaction tx(db);
    Storage::exec(db,
                  QStringLiteral("INSERT INTO auth_api_keys (id, user_id, name, prefix, key_digest, scopes, "
                                 "created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                  {key.id, text(key.userId), key.name, key.prefix, QString::fromLatin1(digest),
                   QString::fromUtf8(
                       QJsonDocument(QJsonArray::fromStringList(key.scopes)).toJson(QJsonDocument::Compact)),
                   key.createdAtMs, key.expiresAtMs});
    bumpRevision(db);
    tx.commit();
}

QList<ApiKey> keys(QSqlDatabase &db, const std::optional<QString> &userId)
{
    QSqlQuery q =
        userId
            ? Storage::exec(db,
                            QStringLiteral("SELECT %1 FROM auth_api_keys WHERE user_id = ? ORDER BY "
                                           "created_at_ms DESC, id")
                                .arg(KeyColumns),
                            {text(*userId)})
            : Storage::exec(db, QStringLiteral("SELECT %1 FROM auth_api_keys ORDER BY created_at_ms DESC, id")
                                    .arg(KeyColumns));
    QList<ApiKey> out;
    while (q.next())
        out.append(readKey(q));
    return out;
}

std::optional<ApiKey> key(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT %1 FROM auth_api_keys WHERE id = ?").arg(KeyColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readKey(q);
}

std::optional<ApiKey> revokeKey(QSqlDatabase &db, const QString &id, qint64 nowMs)
{
    Storage::Transaction tx(db);
    std::optional<ApiKey> before = key(db, id);
    if (!before)
        return std::nullopt;
    if (before->revokedAtMs == 0) {
        Storage::exec(db, QStringLiteral("UPDATE auth_api_keys SET revoked_at_ms = ? WHERE id = ?"),
                      {nowMs, id});
        bumpRevision(db);
    }
    tx.commit();
    return before;
}

void recordKeyUse(QSqlDatabase &db, const QList<KeyUse> &uses)
{
    Storage::Transaction tx(db);
    for (const KeyUse &use : uses) {
        Storage::exec(
            db,
            QStringLiteral("UPDATE auth_api_keys SET last_used_at_ms = ?, last_used_from = ? WHERE id = ? "
                           "AND last_used_at_ms < ?"),
            {use.atMs, text(use.from), use.keyId, use.atMs});
    }
    tx.commit();
}

} // namespace Meshdeck::Auth::AuthStore
