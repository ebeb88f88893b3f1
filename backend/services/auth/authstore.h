#pragma once

#include "authtypes.h"
#include "signinthrottle.h"

#include "storage/migrations.h"

#include <QSqlDatabase>

#include <optional>
#include <vector>

// The auth service's store: users, sessions with their refresh-token families, API keys. The only
// code of the service that sees SQL (storage/store.h's contract). Secrets are stored as digests
// (refresh tokens, API keys) or argon2id strings (passwords), never in a recoverable form. Every
// write bumps auth_state.revision in its transaction, so other nodes know to reload.
namespace Meshdeck::Auth::AuthStore {

std::vector<Storage::Migration> migrations();

qint64 revision(QSqlDatabase &db);
// Users, sessions that have not ended, and keys that are neither revoked nor expired.
Snapshot loadSnapshot(QSqlDatabase &db, qint64 nowMs);

enum class Created { Ok, EmailTaken };
Created insertUser(QSqlDatabase &db, const User &user, const QByteArray &passwordHash);
struct Credentials {
    User user;
    QByteArray passwordHash;
};
std::optional<Credentials> credentialsByEmail(QSqlDatabase &db, const QString &emailKey);
std::optional<Credentials> credentialsById(QSqlDatabase &db, const QString &userId);

// Failed sign-ins, shared by every node of a cluster (`rule` holds the thresholds and backoff).
// Before a password is verified, the attempt is reserved: counted as a failure for the account and
// the address unless `rule` says to wait (then nothing is counted and the wait is answered). The
// rows are locked while they are read and counted, so concurrent attempts on every node queue and
// each sees the ones before. Forgets what left the window.
std::optional<qint64> reserveSignIn(QSqlDatabase &db, const QString &accountKey, const QString &address,
                                    qint64 nowMs, const SignInThrottle &rule);
// The password matched: the account's failures are forgiven, and the address's reserved attempt
// (not its other failures: one right password among many guesses from one place clears nothing).
void signInSucceeded(QSqlDatabase &db, const QString &accountKey, const QString &address);
std::optional<User> user(QSqlDatabase &db, const QString &id);
struct UserFilter {
    QString text; // in email or name
    std::optional<Role> role;
    std::optional<bool> disabled;
};
QList<User> users(QSqlDatabase &db, const UserFilter &filter);

struct UserChange {
    std::optional<QString> name;
    std::optional<Role> role;
    std::optional<bool> disabled;
};
struct Changed {
    User before;
    User after;
};
// Also ends the user's sessions when they are disabled (revokedReason "account-disabled").
std::optional<Changed> updateUser(QSqlDatabase &db, const QString &id, const UserChange &change,
                                  qint64 nowMs);
// A new hash (a reset, a change or a rehash); `endSessions` ends every session of the user but
// `keepSession` (the one changing its own password), in the same transaction.
bool setPasswordHash(QSqlDatabase &db, const QString &userId, const QByteArray &hash, qint64 nowMs,
                     bool endSessions, const QString &keepSession = {});
void recordSignIn(QSqlDatabase &db, const QString &userId, qint64 nowMs);

void createSession(QSqlDatabase &db, const Session &session, const QByteArray &refreshDigest);
struct Refreshed {
    enum Outcome { Rotated, Reused, Unknown, Ended } outcome = Unknown;
    Session session;
};
// Rotates a refresh token: the presented one dies and `nextDigest` becomes the session's. A token
// that was already rotated is a stolen one being replayed (or the thief's twin): the whole family
// (the session) is revoked.
Refreshed rotateRefresh(QSqlDatabase &db, const QByteArray &presentedDigest, const QByteArray &nextDigest,
                        qint64 nowMs);
std::optional<Session> revokeSession(QSqlDatabase &db, const QString &sessionId, const QString &reason,
                                     qint64 nowMs);
// Ends the user's live sessions but `keepSession`; answers how many.
int revokeUserSessions(QSqlDatabase &db, const QString &userId, const QString &reason, qint64 nowMs,
                       const QString &keepSession = {});
QList<Session> sessions(QSqlDatabase &db, const QString &userId, qint64 nowMs);
std::optional<Session> session(QSqlDatabase &db, const QString &sessionId);

void createKey(QSqlDatabase &db, const ApiKey &key, const QByteArray &digest);
// `userId` empty: every key (an admin's list).
QList<ApiKey> keys(QSqlDatabase &db, const std::optional<QString> &userId);
std::optional<ApiKey> key(QSqlDatabase &db, const QString &id);
std::optional<ApiKey> revokeKey(QSqlDatabase &db, const QString &id, qint64 nowMs);
struct KeyUse {
    QString keyId;
    qint64 atMs = 0;
    QString from;
};
// Last-use times are advisory: written in batches, and do not bump the revision.
void recordKeyUse(QSqlDatabase &db, const QList<KeyUse> &uses);

} // namespace Meshdeck::Auth::AuthStore
