#pragma once

#include "platform/principal.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Meshdeck::Auth {

struct User {
    QString id;
    QString email;
    QString name;
    Role role = Role::User;
    bool disabled = false;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    qint64 lastSignInAtMs = 0; // 0: never
};

// A signed-in device: one refresh-token family.
struct Session {
    QString id;
    QString userId;
    qint64 createdAtMs = 0;
    qint64 lastUsedAtMs = 0;
    qint64 expiresAtMs = 0; // the refresh token's absolute end
    QString address;
    QString userAgent;
    qint64 revokedAtMs = 0;
    QString revokedReason;
};

struct ApiKey {
    QString id;
    QString userId; // the owner; empty for a key the admin token made
    QString name;
    QString prefix; // the first characters of the key, for recognising it
    QStringList scopes;
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0; // 0: never
    qint64 lastUsedAtMs = 0;
    QString lastUsedFrom;
    qint64 revokedAtMs = 0;
};

// What every event-loop thread authenticates against: the users, live sessions and API keys,
// without their secrets (password hashes are never in memory; keys and refresh tokens are kept as
// digests). Replaced whole after every change (and in a cluster when another node changed it).
struct Snapshot {
    qint64 revision = 0;
    // This process's count of installed snapshots: two snapshots may carry one revision (a read
    // that saw a later write), so what was built from a snapshot is keyed on this, not on revision.
    quint64 generation = 0;
    QHash<QString, User> users;             // by id
    QHash<QString, Session> sessions;       // live and revoked-but-unexpired, by id
    QHash<QByteArray, ApiKey> keysByDigest; // hex digest of the key
    QHash<QString, QByteArray> keyDigests;  // key id -> digest
};
using SnapshotPtr = std::shared_ptr<const Snapshot>;

QJsonObject toJson(const User &user);
QJsonObject toJson(const Session &session, const QString &currentSessionId);
QJsonObject toJson(const ApiKey &key);
QJsonValue isoOrNull(qint64 ms); // null for 0

// The lower-cased, trimmed form emails are unique by.
QString emailKey(const QString &email);
// A random url-safe identifier (128 bits) and a secret (256 bits), and a secret's stored digest.
QString newId();
QByteArray newSecret(QByteArrayView prefix);
QByteArray digestHex(QByteArrayView secret);

} // namespace Meshdeck::Auth
