#include "services/auth/signingkeys.h"

#include "storage/database.h"
#include "storage/store.h"

#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSqlQuery>

#include <algorithm>
#include <cstring>

Q_LOGGING_CATEGORY(lcSigningKeys, "meshdeck.backend.auth.keys")

namespace Meshdeck::Auth {

namespace {

// One row of auth_signing_keys. The secret is the SecretBox-sealed text, never the key itself.
struct KeyRow {
    QString kid;
    QString publicKey; // base64
    QString sealedSecret;
    qint64 createdAtMs = 0;
    qint64 activatesAtMs = 0;
    qint64 retiredAtMs = 0; // 0: not retired
    bool current = false;
};

// Store functions (database thread; they throw Storage::StoreError).
namespace KeyStore {

std::vector<KeyRow> load(QSqlDatabase &db)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT kid, public_key, sealed_secret, created_at_ms, "
                                                   "activates_at_ms, retired_at_ms, is_current "
                                                   "FROM auth_signing_keys ORDER BY activates_at_ms, kid"));
    std::vector<KeyRow> rows;
    while (q.next()) {
        rows.push_back(KeyRow{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                              q.value(3).toLongLong(), q.value(4).toLongLong(),
                              q.value(5).isNull() ? 0 : q.value(5).toLongLong(), !q.value(6).isNull()});
    }
    return rows;
}

// Inserts `row` as the current key unless there is one: of inserts racing on one database, the
// unique is_current column lets exactly one take effect.
bool insertCurrent(QSqlDatabase &db, const KeyRow &row)
{
    return Storage::exec(db,
                         QStringLiteral("INSERT INTO auth_signing_keys (kid, public_key, sealed_secret, "
                                        "created_at_ms, activates_at_ms, retired_at_ms, is_current) "
                                        "VALUES (?, ?, ?, ?, ?, NULL, 1) ON CONFLICT DO NOTHING"),
                         {row.kid, row.publicKey, row.sealedSecret, row.createdAtMs, row.activatesAtMs})
               .numRowsAffected() == 1;
}

// Retires the current key (only if it is `expectedKid`, when given) as of the successor's
// activation, and makes `row` current. False when another writer replaced it first.
bool replaceCurrent(QSqlDatabase &db, const KeyRow &row, const std::optional<QString> &expectedKid)
{
    Storage::Transaction tx(db);
    QSqlQuery retire =
        expectedKid ? Storage::exec(db,
                                    QStringLiteral("UPDATE auth_signing_keys SET is_current = NULL, "
                                                   "retired_at_ms = ? WHERE is_current = 1 AND kid = ?"),
                                    {row.activatesAtMs, *expectedKid})
                    : Storage::exec(db,
                                    QStringLiteral("UPDATE auth_signing_keys SET is_current = NULL, "
                                                   "retired_at_ms = ? WHERE is_current = 1"),
                                    {row.activatesAtMs});
    if (expectedKid && retire.numRowsAffected() != 1)
        return false;
    if (!insertCurrent(db, row))
        return false;
    tx.commit();
    return true;
}

// Deletes the retired keys whose last token expired (plus leeway) at or before `expiredBeforeMs`.
int prune(QSqlDatabase &db, qint64 retiredAtOrBeforeMs)
{
    return Storage::exec(db,
                         QStringLiteral("DELETE FROM auth_signing_keys WHERE is_current IS NULL "
                                        "AND retired_at_ms IS NOT NULL AND retired_at_ms <= ?"),
                         {retiredAtOrBeforeMs})
        .numRowsAffected();
}

} // namespace KeyStore

KeyRow sealedRow(const SigningKey &key, qint64 activatesAtMs, const SecretBox &secrets)
{
    const QByteArray publicKey(reinterpret_cast<const char *>(key.publicKey.data()),
                               qsizetype(key.publicKey.size()));
    return KeyRow{key.kid,
                  QString::fromLatin1(publicKey.toBase64()),
                  QString::fromLatin1(secrets.seal(key.secretKey)),
                  key.createdAtMs,
                  activatesAtMs,
                  0,
                  true};
}

std::optional<SigningKeyRing::StoredKey> openRow(const KeyRow &row, const SecretBox &secrets)
{
    const QByteArray publicKey = QByteArray::fromBase64(row.publicKey.toLatin1());
    SigningKeyRing::StoredKey stored;
    if (publicKey.size() != qsizetype(stored.key.publicKey.size())) {
        qCWarning(lcSigningKeys) << "signing key" << row.kid << "has a malformed public key; ignored";
        return std::nullopt;
    }
    stored.key.kid = row.kid;
    std::memcpy(stored.key.publicKey.data(), publicKey.constData(), stored.key.publicKey.size());
    stored.key.createdAtMs = row.createdAtMs;
    stored.key.retiredAtMs = row.retiredAtMs;
    stored.activatesAtMs = row.activatesAtMs;
    stored.current = row.current;
    // The secret must open and belong to the public key (libsodium's secret key ends with it).
    const std::optional<QByteArray> secret = secrets.open(row.sealedSecret.toLatin1());
    if (secret && secret->size() == 64 && secret->sliced(32) == publicKey)
        stored.key.secretKey = *secret;
    else
        qCWarning(lcSigningKeys) << "signing key" << row.kid
                                 << "does not open with this node's secret key file; it only verifies";
    return stored;
}

} // namespace

SigningKeyRing::SigningKeyRing(Storage::Database *db, const SecretBox &secrets, SigningKeySettings settings,
                               const Clock &clock)
    : m_db(db)
    , m_secrets(secrets)
    , m_settings(settings)
    , m_clock(clock)
    , m_keys(std::make_shared<const std::vector<StoredKey>>())
{}

std::vector<Storage::Migration> SigningKeyRing::migrations()
{
    // is_current is 1 for the current key and NULL otherwise; UNIQUE admits many NULLs and one 1,
    // in both dialects, so racing creators cannot leave two current keys.
    const QString sqlite = QStringLiteral(
        "CREATE TABLE auth_signing_keys (kid TEXT PRIMARY KEY, public_key TEXT NOT NULL,"
        " sealed_secret TEXT NOT NULL, created_at_ms INTEGER NOT NULL, activates_at_ms INTEGER NOT NULL,"
        " retired_at_ms INTEGER, is_current INTEGER UNIQUE CHECK (is_current = 1))");
    const QString postgres = QStringLiteral(
        "CREATE TABLE auth_signing_keys (kid TEXT PRIMARY KEY, public_key TEXT NOT NULL,"
        " sealed_secret TEXT NOT NULL, created_at_ms BIGINT NOT NULL, activates_at_ms BIGINT NOT NULL,"
        " retired_at_ms BIGINT, is_current SMALLINT UNIQUE CHECK (is_current = 1))");
    return {{1, QStringLiteral("access-token signing keys"), {sqlite}, {postgres}}};
}

// Tasks are named and awaited in a statement of their own: GCC 12 destroys temporaries of a
// co_await full-expression twice (the house pattern, as in registryservice.cpp).
QCoro::Task<Result<void>> SigningKeyRing::start()
{
    auto loading = reload();
    const Result<void> loaded = co_await loading;
    if (!loaded)
        co_return loaded;
    auto creating = createIfNone();
    co_return co_await creating;
}

QCoro::Task<Result<void>> SigningKeyRing::refresh()
{
    auto loading = reload();
    const Result<void> loaded = co_await loading;
    if (!loaded)
        co_return loaded;
    auto creating = createIfNone();
    const Result<void> created = co_await creating;
    if (!created)
        co_return created;
    const qint64 now = m_clock.nowMs();
    std::optional<QString> stale;
    const auto keys = snapshot();
    for (const StoredKey &stored : *keys) {
        if (stored.current && stored.key.createdAtMs + m_settings.rotateAfterMs <= now)
            stale = stored.key.kid;
    }
    if (stale) {
        auto rotating = replaceCurrent(stale);
        const Result<QString> rotated = co_await rotating;
        if (!rotated)
            co_return rotated.error();
        qCInfo(lcSigningKeys) << "signing key" << *stale << "reached its age limit; the current key is now"
                              << *rotated;
    }
    const qint64 cutoff = now - expiresAfterRetirementMs();
    auto pruning = m_db->attempt([cutoff](QSqlDatabase &db) { return KeyStore::prune(db, cutoff); });
    const Result<int> pruned = co_await pruning;
    if (!pruned)
        co_return pruned.error();
    if (*pruned > 0) {
        qCInfo(lcSigningKeys) << "deleted" << *pruned << "retired signing keys whose tokens have expired";
        auto reloading = reload();
        co_return co_await reloading;
    }
    co_return Result<void>();
}

QCoro::Task<Result<QString>> SigningKeyRing::rotate()
{
    auto replacing = replaceCurrent(std::nullopt);
    co_return co_await replacing;
}

QCoro::Task<Result<void>> SigningKeyRing::reload()
{
    auto reading = m_db->attempt([](QSqlDatabase &db) { return KeyStore::load(db); });
    const Result<std::vector<KeyRow>> rows = co_await reading;
    if (!rows)
        co_return rows.error();
    auto keys = std::make_shared<std::vector<StoredKey>>();
    for (const KeyRow &row : *rows) {
        if (std::optional<StoredKey> stored = openRow(row, m_secrets))
            keys->push_back(std::move(*stored));
    }
    QMutexLocker lock(&m_mutex);
    m_keys = std::move(keys);
    co_return Result<void>();
}

QCoro::Task<Result<void>> SigningKeyRing::createIfNone()
{
    const auto keys = snapshot();
    if (std::any_of(keys->begin(), keys->end(), [](const StoredKey &k) { return k.current; }))
        co_return Result<void>();
    // The first key activates at once: no node can have signed with anything before it.
    const qint64 now = m_clock.nowMs();
    const KeyRow row = sealedRow(generateSigningKey(now),
                                 keys->empty() ? now : now + m_settings.activationDelayMs, m_secrets);
    auto inserting = m_db->attempt([row](QSqlDatabase &db) { return KeyStore::insertCurrent(db, row); });
    const Result<bool> inserted = co_await inserting;
    if (!inserted)
        co_return inserted.error();
    if (*inserted)
        qCInfo(lcSigningKeys) << "created signing key" << row.kid;
    auto reloading = reload();
    co_return co_await reloading;
}

QCoro::Task<Result<QString>> SigningKeyRing::replaceCurrent(std::optional<QString> expectedKid)
{
    const qint64 now = m_clock.nowMs();
    const KeyRow row = sealedRow(generateSigningKey(now), now + m_settings.activationDelayMs, m_secrets);
    auto replacing = m_db->attempt(
        [row, expectedKid](QSqlDatabase &db) { return KeyStore::replaceCurrent(db, row, expectedKid); });
    const Result<bool> replaced = co_await replacing;
    if (!replaced)
        co_return replaced.error();
    auto loading = reload();
    const Result<void> loaded = co_await loading;
    if (!loaded)
        co_return loaded.error();
    if (*replaced)
        co_return row.kid;
    // Another node replaced it at the same moment: its key is the current one.
    const auto keys = snapshot();
    for (const StoredKey &stored : *keys) {
        if (stored.current)
            co_return stored.key.kid;
    }
    co_return Error::conflict(QStringLiteral("The signing key changed during the rotation; try again."),
                              "rotation-conflict");
}

std::shared_ptr<const std::vector<SigningKeyRing::StoredKey>> SigningKeyRing::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_keys;
}

qint64 SigningKeyRing::expiresAfterRetirementMs() const
{
    return m_settings.tokenLifetimeMs + m_settings.leewayMs;
}

std::optional<SigningKey> SigningKeyRing::signingKey() const
{
    const qint64 now = m_clock.nowMs();
    const StoredKey *best = nullptr;
    const auto keys = snapshot();
    for (const StoredKey &stored : *keys) {
        const bool usable = stored.activatesAtMs <= now && !stored.key.secretKey.isEmpty() &&
                            (stored.key.retiredAtMs == 0 || stored.key.retiredAtMs > now);
        if (usable && (!best || stored.activatesAtMs > best->activatesAtMs))
            best = &stored;
    }
    if (!best)
        return std::nullopt;
    return best->key;
}

std::vector<SigningKey> SigningKeyRing::verificationKeys() const
{
    const qint64 now = m_clock.nowMs();
    std::vector<SigningKey> keys;
    const auto loaded = snapshot();
    for (const StoredKey &stored : *loaded) {
        if (stored.key.retiredAtMs != 0 && stored.key.retiredAtMs + expiresAfterRetirementMs() <= now)
            continue;
        SigningKey key = stored.key;
        key.secretKey.clear();
        keys.push_back(std::move(key));
    }
    return keys;
}

} // namespace Meshdeck::Auth
