#pragma once

#include "authtypes.h"
#include "jwt.h"
#include "passwords.h"
#include "signinthrottle.h"

#include "platform/access.h"
#include "platform/audit.h"
#include "platform/authenticator.h"
#include "platform/clock.h"
#include "platform/result.h"
#include "platform/service.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QThreadPool>
#include <QTimer>

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <shared_mutex>

namespace Meshdeck {
class EventPublisher;
namespace Storage {
class Database;
}
} // namespace Meshdeck

namespace Meshdeck::Auth {

struct AuthSettings {
    QString issuer = QStringLiteral("meshdeckd");
    QString audience = QStringLiteral("meshdeck");
    qint64 accessTokenMs = 15 * 60 * 1000;
    qint64 sessionMs = 30LL * 24 * 3600 * 1000; // a refresh-token family's absolute lifetime
    PasswordCost passwordCost = PasswordCost::interactive();
    bool cluster = false;
    int syncIntervalMs = 1000; // cluster: how often other nodes' changes are picked up
    int keyUseFlushMs = 2000;  // API keys' last-used times are written this often
    SignInThrottle::Settings throttle;
};

// Where the signing keys come from (SigningKeyRing in production, a fixed key in tests).
class KeySource
{
public:
    virtual ~KeySource() = default;
    virtual std::optional<SigningKey> signingKey() const = 0;
    virtual std::vector<SigningKey> verificationKeys() const = 0;
};

struct SignedIn {
    QByteArray accessToken;
    QByteArray refreshToken;
    qint64 expiresInSeconds = 0;
    Session session;
    User user;
};

struct NewUser {
    QString email;
    QString name;
    QString password;
    Role role = Role::User;
};

struct NewKey {
    QString name;
    QStringList scopes;
    qint64 expiresAtMs = 0;
};

struct CreatedKey {
    QByteArray key; // shown once
    ApiKey apiKey;
};

// Who a simulation is about.
struct PrincipalSpec {
    QString userId;
    QString keyId;
    bool adminToken = false;
};

// Answers whether a principal may do `action` on one resource ("orders" of type "topic") through
// its document permissions: the same check the resource's store runs in its queries. It is asked
// for full role grants as well (a resource may need more than the role's grant).
using ResourceCheck = std::function<QCoro::Task<Result<Access::Reason>>(
    PrincipalPtr principal, QByteArray permission, QString resourceId)>;

// Users, sessions and API keys, and the authenticator every request goes through. Authentication
// reads an in-memory snapshot (no I/O on the event-loop threads); every change is written to the
// database first and the snapshot reloaded before the call answers, and in a cluster each node
// reloads when the stored revision moves (every syncIntervalMs).
class AuthService : public QObject, public Service, public Authenticator
{
    Q_OBJECT
public:
    AuthService(AuthSettings settings, Storage::Database *database, EventPublisher *events,
                const Authenticator *adminToken, const KeySource *keys,
                const Clock *clock = &Clock::system());
    ~AuthService() override;

    QString name() const override { return QStringLiteral("auth"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    Authentication authenticate(const QByteArray &credential, const QByteArray &peer) const override;
    // The principal's credential still holds (a realtime session asks after each reload).
    Authentication revalidate(const Principal &principal) const;

    void setAuditSink(AuditSink *sink) { m_audit = sink; }
    // The local stack's (or the cluster's) admin token, asked first; set before serving.
    void setAdminToken(const Authenticator *adminToken) { m_adminToken = adminToken; }
    void setTeamsLookup(std::function<QList<TeamMembership>(const QString &userId)> lookup);
    void addResourceCheck(const QString &type, ResourceCheck check);

    // Sessions.
    QCoro::Task<Result<SignedIn>> signIn(QString email, QString password, QString address, QString userAgent);
    QCoro::Task<Result<SignedIn>> refresh(QByteArray refreshToken, QString address);
    QCoro::Task<Result<Session>> endSession(PrincipalPtr caller, QString sessionId, QString reason);
    QCoro::Task<Result<int>> endUserSessions(QString userId, QString reason);
    QCoro::Task<Result<QList<Session>>> sessions(QString userId);

    // Users.
    QCoro::Task<Result<User>> createUser(NewUser user);
    QCoro::Task<Result<User>> user(QString id);
    QCoro::Task<Result<QList<User>>> users(QString text, std::optional<Role> role,
                                           std::optional<bool> disabled);
    QCoro::Task<Result<std::pair<User, User>>> updateUser(QString id, std::optional<QString> name,
                                                          std::optional<Role> role,
                                                          std::optional<bool> disabled);
    // An admin's reset (`endSessions`: every session of the user ends).
    QCoro::Task<Result<void>> setPassword(QString userId, QString password, bool endSessions,
                                          QString keepSession = {});
    // A user's own change: the current password is checked (and throttled like a sign-in from
    // `address`), and every other session of the user ends; the one changing it stays.
    QCoro::Task<Result<void>> changeOwnPassword(PrincipalPtr caller, QString current, QString password,
                                                QString address);

    // API keys.
    QCoro::Task<Result<CreatedKey>> createKey(PrincipalPtr caller, NewKey key);
    QCoro::Task<Result<QList<ApiKey>>> keys(PrincipalPtr caller);
    QCoro::Task<Result<ApiKey>> revokeKey(PrincipalPtr caller, QString keyId);

    // The permission simulator: the same authorize() and document checks enforcement runs.
    QCoro::Task<Result<Access::Decision>> simulate(PrincipalSpec who, QByteArray action, QString resource);

    // The principal a user signs in as, from the snapshot (teams included).
    std::optional<Principal> principalForUser(const QString &userId) const;
    SnapshotPtr snapshot() const;
    // Reloads when the stored revision moved: another node changed users, sessions or keys. Runs
    // every syncIntervalMs; a cluster's wake-up (Redis) calls it at once.
    QCoro::Task<void> sync();

Q_SIGNALS:
    // The snapshot was reloaded with changes: open realtime sessions re-check their principals.
    void principalsChanged();
    // A change made on this node (a sign-in, a sign-out, a revocation): a cluster tells the others.
    void changedHere();

private:
    // `fromHere`: after a change this node made (changedHere() when the revision moved).
    QCoro::Task<bool> reload(bool fromHere = true);
    // A sign-in (or a password check) that matched: its reserved attempt is forgiven.
    QCoro::Task<Result<void>> forgiveAttempt(QString account, QString address);
    QCoro::Task<void> flushKeyUse();
    // The principal of an API key in the cache while it is current and unexpired (its use noted).
    PrincipalPtr knownKey(const QByteArray &credential, const QByteArray &peer, const Snapshot &s) const;
    Authentication authenticateKey(const QByteArray &credential, const QByteArray &peer,
                                   const Snapshot &s) const;
    Authentication authenticateJwt(const QByteArray &credential, const Snapshot &s) const;
    QCoro::Task<Result<SignedIn>> issue(User user, QString address, QString userAgent);
    QByteArray accessToken(const User &user, const Session &session, qint64 nowMs) const;
    // Runs `work` on the hashing pool; the future resolves on the awaiting thread.
    template<typename T> QFuture<T> offLoop(std::function<T()> work)
    {
        auto promise = std::make_shared<QPromise<T>>();
        QFuture<T> future = promise->future();
        promise->start();
        m_hashing.start([promise, work = std::move(work)] {
            yieldToServing(); // a burst of sign-ins must not slow what the event loops serve
            promise->addResult(work());
            promise->finish();
        });
        return future;
    }
    void publish(const QString &type, const QString &key, const QJsonObject &data);
    void auditEvent(const QString &action, const QString &actor, const QString &resource,
                    const QString &outcome, const QString &detail, const QString &address);

    AuthSettings m_settings;
    Storage::Database *m_database;
    EventPublisher *m_events;
    const Authenticator *m_adminToken;
    const KeySource *m_keys;
    const Clock *m_clock;
    AuditSink *m_audit = nullptr;
    QThreadPool m_hashing;  // argon2id runs here, never on an event-loop thread
    QByteArray m_dummyHash; // verified against for unknown accounts: the same time as a wrong password
    std::atomic<bool> m_started{false}; // m_dummyHash is made: sign-ins are answered
    SignInThrottle m_throttle;

    mutable std::mutex m_mutex; // guards the two below
    SnapshotPtr m_snapshot;
    quint64 m_generation = 0; // snapshots installed so far
    std::function<QList<TeamMembership>(const QString &)> m_teams;
    QHash<QString, ResourceCheck> m_resourceChecks;

    struct KeyUse {
        qint64 atMs = 0;
        QByteArray from;
    };
    // Credentials already checked, until they expire: an Ed25519 check costs more than the rest of
    // a small request, and a console sends the same token for minutes. A token's verified claims
    // hold while the signing keys stay the same; the principal built for a token or a key holds
    // while the snapshot it was built from is the current one (any change to users, sessions or
    // keys installs a new one) and the user's team memberships stay the same.
    struct Remembered {
        Claims claims; // access tokens
        size_t keysStamp = 0;
        PrincipalPtr principal;
        quint64 generation = 0; // of the snapshot the principal was built from (0: none)
    };
    // The cache's key: SipHash-2-4 with a 128-bit output (libsodium's siphashx24) of the credential,
    // keyed with a secret per process, so the cache never holds a bearer secret in the clear and
    // nobody without the secret can make two credentials meet. A pseudorandom function for short
    // inputs, as hash tables use it: about 25 ns for an API key, where a keyed BLAKE2b took 350 ns
    // of every request the gateway authenticates.
    QByteArray cacheKey(const QByteArray &credential) const;
    std::array<unsigned char, 16> m_cacheSecret{}; // crypto_shorthash_siphashx24_KEYBYTES
    static constexpr qsizetype MaxRemembered = 16384;
    static constexpr qint64 VerifyLeewaySeconds = 30; // clock skew tolerated on exp and nbf
    std::optional<Remembered> remembered(const QByteArray &credential) const;
    void remember(const QByteArray &credential, Remembered entry, qint64 nowMs) const;
    // The remembered principal, when nothing it was built from changed since.
    PrincipalPtr stillCurrent(const std::optional<Remembered> &entry, const Snapshot &s) const;
    QList<TeamMembership> teamsOf(const QString &userId) const;
    mutable std::shared_mutex m_rememberedMutex;
    mutable QHash<QByteArray, Remembered> m_remembered;
    mutable std::mutex m_keyUseMutex; // guards m_keyUse: recorded on every thread, written in batches
    mutable QHash<QString, KeyUse> m_keyUse;
    QTimer m_syncTimer;
    QTimer m_keyUseTimer;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace Meshdeck::Auth
