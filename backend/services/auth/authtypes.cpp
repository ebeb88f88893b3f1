#include "authtypes.h"

#include "platform/clock.h"

#include <QDateTime>
#include <QJsonArray>

#include <sodium.h>

namespace Meshdeck::Auth {

QJsonValue isoOrNull(qint64 ms)
{
    return ms == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(isoTime(ms));
}

QJsonObject toJson(const User &user)
{
    return {{QStringLiteral("id"), user.id},
            {QStringLiteral("email"), user.email},
            {QStringLiteral("name"), user.name},
            {QStringLiteral("role"), roleName(user.role)},
            {QStringLiteral("status"), user.disabled ? QStringLiteral("disabled") : QStringLiteral("active")},
            {QStringLiteral("createdAt"), isoTime(user.createdAtMs)},
            {QStringLiteral("updatedAt"), isoTime(user.updatedAtMs)},
            {QStringLiteral("lastSignInAt"), isoOrNull(user.lastSignInAtMs)}};
}

QJsonObject toJson(const Session &session, const QString &currentSessionId)
{
    return {{QStringLiteral("id"), session.id},
            {QStringLiteral("userId"), session.userId},
            {QStringLiteral("createdAt"), isoTime(session.createdAtMs)},
            {QStringLiteral("lastUsedAt"), isoTime(session.lastUsedAtMs)},
            {QStringLiteral("expiresAt"), isoTime(session.expiresAtMs)},
            {QStringLiteral("address"), session.address},
            {QStringLiteral("userAgent"), session.userAgent},
            {QStringLiteral("current"), !currentSessionId.isEmpty() && session.id == currentSessionId}};
}

QJsonObject toJson(const ApiKey &key)
{
    return {{QStringLiteral("id"), key.id},
            {QStringLiteral("name"), key.name},
            {QStringLiteral("prefix"), key.prefix},
            {QStringLiteral("scopes"), QJsonArray::fromStringList(key.scopes)},
            {QStringLiteral("userId"),
             key.userId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(key.userId)},
            {QStringLiteral("createdAt"), isoTime(key.createdAtMs)},
            {QStringLiteral("expiresAt"), isoOrNull(key.expiresAtMs)},
            {QStringLiteral("lastUsedAt"), isoOrNull(key.lastUsedAtMs)},
            {QStringLiteral("lastUsedFrom"),
             key.lastUsedFrom.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(key.lastUsedFrom)},
            {QStringLiteral("revokedAt"), isoOrNull(key.revokedAtMs)}};
}

QString emailKey(const QString &email)
{
    return email.trimmed().toCaseFolded();
}

namespace {
QByteArray randomUrlSafe(size_t bytes)
{
    QByteArray raw(qsizetype(bytes), Qt::Uninitialized);
    randombytes_buf(raw.data(), bytes);
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}
} // namespace

QString newId()
{
    return QString::fromLatin1(randomUrlSafe(16));
}

QByteArray newSecret(QByteArrayView prefix)
{
    return prefix.toByteArray() + randomUrlSafe(32);
}

QByteArray digestHex(QByteArrayView secret)
{
    // The secrets are 256 random bits: a fast digest cannot be brute-forced, and a database dump
    // holds nothing that works as a credential.
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char *>(secret.data()),
                       size_t(secret.size()), nullptr, 0);
    return QByteArray(reinterpret_cast<const char *>(out), sizeof out).toHex();
}

} // namespace Meshdeck::Auth
