#pragma once

#include "services/auth/jwt.h"

#include "platform/clock.h"
#include "platform/result.h"
#include "platform/secretbox.h"
#include "storage/migrations.h"

#include <QMutex>
#include <QString>

#include <QCoroTask>

#include <memory>
#include <optional>
#include <vector>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Auth {

struct SigningKeySettings {
    qint64 rotateAfterMs = 30LL * 24 * 3600 * 1000; // a current key older than this is replaced
    qint64 tokenLifetimeMs = 15 * 60 * 1000;        // how long a signed access token lives
    qint64 activationDelayMs = 0;                   // cluster: 2 × the poll interval
    qint64 leewayMs = 30 * 1000;                    // the verifier's clock-skew leeway
};

// The access-token signing keys, shared by every node through the database (table
// auth_signing_keys; the secret half sealed with the SecretBox, never stored in clear). One key is
// current; a new current key activates activationDelayMs after it is stored, so every node has
// loaded it before any node signs with it, and the key it replaces keeps signing until then and
// verifying until its last token has expired. Readers are thread-safe (every event-loop thread
// verifies); start(), refresh() and rotate() run on the owner's thread.
class SigningKeyRing
{
public:
    SigningKeyRing(Storage::Database *db, const SecretBox &secrets, SigningKeySettings settings = {},
                   const Clock &clock = Clock::system());

    // The schema component "signing_keys" (SQLite and PostgreSQL forms).
    static std::vector<Storage::Migration> migrations();

    // Loads the keys, creating the first one when there is none. Nodes started together against
    // one database end up with one current key between them.
    QCoro::Task<Result<void>> start();
    // Reloads from the database (a cluster calls it every poll), replaces the current key when it
    // is older than rotateAfterMs, and deletes retired keys whose tokens have all expired.
    QCoro::Task<Result<void>> refresh();
    // Stores a new current key now and answers its kid; the keys before it verify until their
    // tokens expire.
    QCoro::Task<Result<QString>> rotate();

    // The key to sign with: the newest activated key whose secret this node can open.
    std::optional<SigningKey> signingKey() const;
    // Every key that may still verify a token (public halves only).
    std::vector<SigningKey> verificationKeys() const;

    // A stored key as loaded (the secret already opened; empty when it does not open).
    struct StoredKey {
        SigningKey key;
        qint64 activatesAtMs = 0;
        bool current = false;
    };

private:
    QCoro::Task<Result<void>> reload();
    QCoro::Task<Result<void>> createIfNone();
    QCoro::Task<Result<QString>> replaceCurrent(std::optional<QString> expectedKid);
    std::shared_ptr<const std::vector<StoredKey>> snapshot() const;
    qint64 expiresAfterRetirementMs() const;

    Storage::Database *m_db;
    SecretBox m_secrets;
    SigningKeySettings m_settings;
    const Clock &m_clock;
    mutable QMutex m_mutex;
    std::shared_ptr<const std::vector<StoredKey>> m_keys;
};

} // namespace Meshdeck::Auth
