#include "authservice.h"

#include "authstore.h"

#include "platform/eventpublisher.h"
#include "storage/database.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPromise>
#include <QRegularExpression>

#include <QCoroFuture>
#include <QCoroTimer>

#include <sodium.h>

Q_LOGGING_CATEGORY(lcAuth, "meshdeck.backend.auth.service")

namespace Meshdeck::Auth {

namespace {
constexpr auto Topic = "auth";

QString describeSessionEnd(const QString &reason)
{
    if (reason == QLatin1String("account-disabled"))
        return QStringLiteral("the account was disabled");
    if (reason == QLatin1String("password-reset"))
        return QStringLiteral("the password was reset");
    if (reason == QLatin1String("password-changed"))
        return QStringLiteral("the password was changed in another session");
    if (reason == QLatin1String("refresh-reused"))
        return QStringLiteral("a refresh token was used twice");
    if (reason == QLatin1String("signed-out"))
        return QStringLiteral("it signed out");
    return QStringLiteral("it was revoked");
}
} // namespace

AuthService::AuthService(AuthSettings settings, Storage::Database *database, EventPublisher *events,
                         const Authenticator *adminToken, const KeySource *keys, const Clock *clock)
    : m_settings(std::move(settings))
    , m_database(database)
    , m_events(events)
    , m_adminToken(adminToken)
    , m_keys(keys)
    , m_clock(clock)
    , m_throttle(m_settings.throttle)
    , m_snapshot(std::make_shared<const Snapshot>())
{
    if (sodium_init() < 0)
        qFatal("libsodium cannot initialise");
    randombytes_buf(m_cacheSecret.data(), m_cacheSecret.size());
    // One hashing thread: a burst of sign-ins queues here while the event loops keep serving.
    m_hashing.setMaxThreadCount(1);
    m_hashing.setExpiryTimeout(-1);
    m_syncTimer.setInterval(m_settings.cluster ? m_settings.syncIntervalMs : 60'000);
    connect(&m_syncTimer, &QTimer::timeout, this, [this] { sync(); });
    m_keyUseTimer.setInterval(m_settings.keyUseFlushMs);
    connect(&m_keyUseTimer, &QTimer::timeout, this, [this] { flushKeyUse(); });
}

AuthService::~AuthService()
{
    *m_alive = false;
    m_hashing.waitForDone();
}

QCoro::Task<QString> AuthService::start()
{
    // The dummy hash costs what a real one does, so an unknown account answers in the same time.
    QFuture<QByteArray> dummy = offLoop<QByteArray>([cost = m_settings.passwordCost] {
        return hashPassword(QStringLiteral("no account has this password"), cost);
    });
    m_dummyHash = co_await dummy;
    m_started.store(true, std::memory_order_release);
    if (m_events) {
        QFuture<Result<void>> ensuring =
            m_events->ensureSystemTopic(QString::fromLatin1(Topic), QByteArrayLiteral("auth.users.read"));
        const Result<void> topic = co_await ensuring;
        if (!topic)
            co_return QStringLiteral("cannot create the auth topic: ") + topic.error().reason;
    }
    QCoro::Task<bool> loading = reload(false);
    if (!co_await loading)
        co_return QStringLiteral("cannot read the users and sessions from the database");
    m_syncTimer.start();
    m_keyUseTimer.start();
    co_return QString();
}

QCoro::Task<void> AuthService::stop()
{
    m_syncTimer.stop();
    m_keyUseTimer.stop();
    QCoro::Task<void> flushing = flushKeyUse();
    co_await flushing;
}

SnapshotPtr AuthService::snapshot() const
{
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

void AuthService::setTeamsLookup(std::function<QList<TeamMembership>(const QString &)> lookup)
{
    std::lock_guard lock(m_mutex);
    m_teams = std::move(lookup);
}

void AuthService::addResourceCheck(const QString &type, ResourceCheck check)
{
    std::lock_guard lock(m_mutex);
    m_resourceChecks.insert(type, std::move(check));
}

QCoro::Task<bool> AuthService::reload(bool fromHere)
{
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<Snapshot>> loading =
        m_database->attempt([now](QSqlDatabase &db) { return AuthStore::loadSnapshot(db, now); });
    const Result<Snapshot> loaded = co_await loading;
    if (!loaded) {
        qCWarning(lcAuth).noquote() << "cannot reload users and sessions:" << loaded.error().reason;
        co_return false;
    }
    bool changed = false;
    {
        std::lock_guard lock(m_mutex);
        // Reloads finish on several threads in any order: one that read before a revocation must
        // not replace the snapshot that has it.
        if (loaded->revision < m_snapshot->revision)
            co_return true;
        changed = m_snapshot->revision != loaded->revision;
        auto next = std::make_shared<Snapshot>(*loaded);
        next->generation = ++m_generation;
        m_snapshot = std::move(next);
    }
    if (changed) {
        Q_EMIT principalsChanged();
        if (fromHere)
            Q_EMIT changedHere();
    }
    co_return true;
}

QCoro::Task<void> AuthService::sync()
{
    const std::shared_ptr<bool> alive = m_alive;
    QCoro::Task<Result<qint64>> reading =
        m_database->attempt([](QSqlDatabase &db) { return AuthStore::revision(db); });
    const Result<qint64> stored = co_await reading;
    if (!*alive || !stored)
        co_return;
    // Local mode reloads too, now and then: sessions that expired leave the snapshot.
    if (*stored != snapshot()->revision || !m_settings.cluster) {
        QCoro::Task<bool> reloading = reload(false);
        co_await reloading;
    }
}

QCoro::Task<void> AuthService::flushKeyUse()
{
    const std::shared_ptr<bool> alive = m_alive;
    QHash<QString, KeyUse> pending;
    {
        std::lock_guard lock(m_keyUseMutex);
        pending.swap(m_keyUse);
    }
    if (pending.isEmpty())
        co_return;
    QList<AuthStore::KeyUse> uses;
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        uses.append({it.key(), it->atMs, QString::fromLatin1(it->from)});
    QCoro::Task<Result<void>> writing =
        m_database->attempt([uses](QSqlDatabase &db) { AuthStore::recordKeyUse(db, uses); });
    const Result<void> written = co_await writing;
    if (!*alive)
        co_return;
    if (!written)
        qCWarning(lcAuth).noquote() << "cannot record API keys' last use:" << written.error().reason;
    for (const AuthStore::KeyUse &use : std::as_const(uses))
        auditEvent(QStringLiteral("auth.key.used"), QStringLiteral("key:") + use.keyId,
                   QStringLiteral("key:") + use.keyId, QStringLiteral("ok"),
                   QStringLiteral("The API key was used (the last use of this interval is recorded)."),
                   use.from);
}

// ---------------------------------------------------------------------------------------------
// Authentication: every event-loop thread, no I/O.

Authentication AuthService::authenticate(const QByteArray &credential, const QByteArray &peer) const
{
    const SnapshotPtr s = snapshot();
    const bool key = credential.startsWith("mdk_");
    // An API key seen before answers from the cache: the admin token (never cached, and never
    // an API key) is asked only about credentials that are not there. The gateway's edge auth
    // pays for one keyed hash per request, not two hashes.
    if (key) {
        if (PrincipalPtr known = knownKey(credential, peer, *s))
            return Authentication{std::move(known), {}, {}};
    }
    if (m_adminToken) {
        if (Authentication admin = m_adminToken->authenticate(credential, peer))
            return admin;
    }
    if (key)
        return authenticateKey(credential, peer, *s);
    if (credential.count('.') == 2)
        return authenticateJwt(credential, *s);
    return Authentication::refused(
        QStringLiteral("The bearer token is not an access token, an API key or this "
                       "backend's admin token. Sign in with POST /v1/auth/sessions, or for the local "
                       "stack use the token in the data directory's admin.token file."),
        "invalid-token");
}

std::optional<Principal> AuthService::principalForUser(const QString &userId) const
{
    const SnapshotPtr s = snapshot();
    const auto it = s->users.constFind(userId);
    if (it == s->users.cend())
        return std::nullopt;
    Principal p;
    p.kind = Principal::Kind::User;
    p.userId = it->id;
    p.name = it->email;
    p.role = it->role;
    p.disabled = it->disabled;
    p.teams = teamsOf(userId);
    return p;
}

QList<TeamMembership> AuthService::teamsOf(const QString &userId) const
{
    std::function<QList<TeamMembership>(const QString &)> teams;
    {
        std::lock_guard lock(m_mutex);
        teams = m_teams;
    }
    return teams ? teams(userId) : QList<TeamMembership>{};
}

PrincipalPtr AuthService::knownKey(const QByteArray &credential, const QByteArray &peer,
                                   const Snapshot &s) const
{
    const qint64 now = m_clock->nowMs();
    PrincipalPtr known = stillCurrent(remembered(credential), s);
    if (!known || (known->expiresAtMs != 0 && known->expiresAtMs <= now))
        return nullptr;
    std::lock_guard lock(m_keyUseMutex);
    m_keyUse.insert(known->keyId, KeyUse{now, peer});
    return known;
}

Authentication AuthService::authenticateKey(const QByteArray &credential, const QByteArray &peer,
                                            const Snapshot &s) const
{
    const qint64 now = m_clock->nowMs();
    const auto it = s.keysByDigest.constFind(digestHex(credential));
    if (it == s.keysByDigest.cend())
        return Authentication::refused(
            QStringLiteral("The API key is not valid: it was revoked, it expired, or it never existed."),
            "invalid-token");
    const ApiKey &key = *it;
    if (key.expiresAtMs != 0 && key.expiresAtMs <= now)
        return Authentication::refused(QStringLiteral("The API key '%1' expired at %2; create a new one.")
                                           .arg(key.name, isoTime(key.expiresAtMs)),
                                       "expired-token");
    Principal p;
    if (key.userId.isEmpty()) {
        p.role = Role::Admin; // made with the admin token
    } else {
        std::optional<Principal> owner = principalForUser(key.userId);
        if (!owner)
            return Authentication::refused(QStringLiteral("The API key's owner no longer exists."),
                                           "invalid-token");
        if (owner->disabled)
            return Authentication::refused(
                QStringLiteral("The API key belongs to %1, whose account is disabled.").arg(owner->name),
                "account-disabled");
        p = std::move(*owner);
    }
    p.kind = Principal::Kind::ApiKey;
    p.userId = key.userId;
    p.name = key.name;
    p.keyId = key.id;
    p.scopes = key.scopes;
    p.expiresAtMs = key.expiresAtMs;
    {
        std::lock_guard lock(m_keyUseMutex);
        m_keyUse.insert(key.id, KeyUse{now, peer});
    }
    auto principal = std::make_shared<const Principal>(std::move(p));
    remember(credential, Remembered{{}, 0, principal, s.generation}, now);
    return Authentication{std::move(principal), {}, {}};
}

namespace {
// Which signing keys verify tokens now: a cached verification holds only while they stay the same.
size_t keysStamp(const std::vector<SigningKey> &keys)
{
    size_t stamp = keys.size();
    for (const SigningKey &k : keys)
        stamp = qHashMulti(stamp, k.kid, k.retiredAtMs);
    return stamp;
}
} // namespace

QByteArray AuthService::cacheKey(const QByteArray &credential) const
{
    static_assert(std::tuple_size_v<decltype(m_cacheSecret)> == crypto_shorthash_siphashx24_KEYBYTES);
    unsigned char digest[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(digest, reinterpret_cast<const unsigned char *>(credential.constData()),
                                quint64(credential.size()), m_cacheSecret.data());
    return QByteArray(reinterpret_cast<const char *>(digest), sizeof digest);
}

std::optional<AuthService::Remembered> AuthService::remembered(const QByteArray &credential) const
{
    const QByteArray key = cacheKey(credential);
    std::shared_lock lock(m_rememberedMutex);
    const auto it = m_remembered.constFind(key);
    if (it == m_remembered.cend())
        return std::nullopt;
    return *it;
}

void AuthService::remember(const QByteArray &credential, Remembered entry, qint64 nowMs) const
{
    std::unique_lock lock(m_rememberedMutex);
    if (m_remembered.size() >= MaxRemembered) {
        m_remembered.removeIf([nowMs](const auto &e) {
            const qint64 end = e.value().principal ? e.value().principal->expiresAtMs : 0;
            return end != 0 && end + VerifyLeewaySeconds * 1000 <= nowMs;
        });
        if (m_remembered.size() >= MaxRemembered)
            m_remembered.clear(); // a flood of distinct valid credentials: start again rather than grow
    }
    m_remembered.insert(cacheKey(credential), std::move(entry));
}

PrincipalPtr AuthService::stillCurrent(const std::optional<Remembered> &entry, const Snapshot &s) const
{
    if (!entry || !entry->principal || entry->generation != s.generation)
        return nullptr;
    const QList<TeamMembership> teams = teamsOf(entry->principal->userId);
    const QList<TeamMembership> &had = entry->principal->teams;
    const bool same =
        teams.size() == had.size() && std::equal(teams.cbegin(), teams.cend(), had.cbegin(),
                                                 [](const TeamMembership &a, const TeamMembership &b) {
                                                     return a.teamId == b.teamId && a.roles == b.roles;
                                                 });
    return same ? entry->principal : nullptr;
}

Authentication AuthService::authenticateJwt(const QByteArray &credential, const Snapshot &s) const
{
    const qint64 now = m_clock->nowMs();
    const std::vector<SigningKey> keys = m_keys ? m_keys->verificationKeys() : std::vector<SigningKey>{};
    const size_t stamp = keysStamp(keys);
    const std::optional<Remembered> entry = remembered(credential);
    std::optional<Claims> known;
    if (entry && entry->keysStamp == stamp && entry->claims.expiresAt + VerifyLeewaySeconds > now / 1000) {
        if (PrincipalPtr principal = stillCurrent(entry, s))
            return Authentication{std::move(principal), {}, {}};
        known = entry->claims;
    } else {
        const Verified verified =
            verifyJwt(credential, keys,
                      VerifyOptions{m_settings.issuer, m_settings.audience, now / 1000, VerifyLeewaySeconds});
        if (!verified.claims)
            return Authentication::refused(describe(verified.error), code(verified.error));
        known = verified.claims;
    }
    const Claims &claims = *known;
    const auto session = s.sessions.constFind(claims.sessionId);
    // A session this node has not loaded yet was created on another node moments ago (a revoked
    // one stays listed until it expires): the signature vouches for it until the next sync.
    if (session != s.sessions.cend() && session->revokedAtMs != 0)
        return Authentication::refused(QStringLiteral("The session ended: %1. Sign in again.")
                                           .arg(describeSessionEnd(session->revokedReason)),
                                       session->revokedReason == QLatin1String("account-disabled")
                                           ? QByteArrayLiteral("account-disabled")
                                           : QByteArrayLiteral("revoked-session"));
    std::optional<Principal> p = principalForUser(claims.subject);
    if (!p) {
        const std::optional<Role> role = roleFromName(claims.role);
        if (!role || session != s.sessions.cend())
            return Authentication::refused(QStringLiteral("The account no longer exists."), "invalid-token");
        p = Principal{};
        p->kind = Principal::Kind::User;
        p->userId = claims.subject;
        p->role = *role; // a user created on another node moments ago
    }
    if (p->disabled)
        return Authentication::refused(
            QStringLiteral("The account %1 is disabled; an admin can enable it.").arg(p->name),
            "account-disabled");
    p->sessionId = claims.sessionId;
    p->expiresAtMs = claims.expiresAt * 1000;
    auto principal = std::make_shared<const Principal>(std::move(*p));
    remember(credential, Remembered{claims, stamp, principal, s.generation}, now);
    return Authentication{std::move(principal), {}, {}};
}

Authentication AuthService::revalidate(const Principal &principal) const
{
    const qint64 now = m_clock->nowMs();
    if (principal.expiresAtMs != 0 && principal.expiresAtMs <= now)
        return Authentication::refused(
            QStringLiteral("The credential expired; authenticate again with a fresh one."), "expired-token");
    const SnapshotPtr s = snapshot();
    switch (principal.kind) {
    case Principal::Kind::AdminToken:
        return Authentication{std::make_shared<const Principal>(principal), {}, {}};
    case Principal::Kind::Anonymous:
        return Authentication::refused(QStringLiteral("No credential was presented."), "unauthenticated");
    case Principal::Kind::ApiKey: {
        const QByteArray digest = s->keyDigests.value(principal.keyId);
        if (digest.isEmpty())
            return Authentication::refused(QStringLiteral("The API key was revoked."), "revoked-session");
        break;
    }
    case Principal::Kind::User: {
        const auto session = s->sessions.constFind(principal.sessionId);
        if (session != s->sessions.cend() && session->revokedAtMs != 0)
            return Authentication::refused(
                QStringLiteral("The session ended: %1.").arg(describeSessionEnd(session->revokedReason)),
                "revoked-session");
        break;
    }
    }
    std::optional<Principal> current = principal.userId.isEmpty()
                                           ? std::optional<Principal>(Principal::adminToken())
                                           : principalForUser(principal.userId);
    if (!current)
        return Authentication::refused(QStringLiteral("The account no longer exists."), "invalid-token");
    if (current->disabled)
        return Authentication::refused(QStringLiteral("The account %1 was disabled.").arg(current->name),
                                       "account-disabled");
    Principal updated = principal; // the same credential, with the account's current role and teams
    updated.role = current->role;
    updated.teams = current->teams;
    return Authentication{std::make_shared<const Principal>(std::move(updated)), {}, {}};
}

void AuthService::publish(const QString &type, const QString &key, const QJsonObject &data)
{
    if (!m_events)
        return;
    m_events->publishEvents(QString::fromLatin1(Topic),
                            {EventInput{type, key, QJsonDocument(data).toJson(QJsonDocument::Compact), {}}},
                            {});
}

void AuthService::auditEvent(const QString &action, const QString &actor, const QString &resource,
                             const QString &outcome, const QString &detail, const QString &address)
{
    if (!m_audit)
        return;
    AuditEntry e;
    e.actor = actor;
    e.action = action;
    e.outcome = outcome;
    e.resource = resource;
    e.detail = detail;
    e.source = address.toLatin1();
    e.timeMs = m_clock->nowMs();
    m_audit->record(std::move(e));
}

} // namespace Meshdeck::Auth
