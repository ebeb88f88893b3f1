#include "services/auth/jwt.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <sodium.h>

#include <cmath>

namespace Meshdeck::Auth {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(Meshdeck::Auth::Jwt)
};

constexpr qsizetype maxTokenBytes = 8 * 1024;
constexpr double maxSafeInteger = 9007199254740991.0; // 2^53 - 1: exact in a JSON number

bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

QByteArray base64Url(QByteArrayView bytes)
{
    return QByteArray(bytes.data(), bytes.size())
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// Strict base64url without padding: only the url-safe alphabet, no padding, no whitespace, and the
// unused low bits of the last character zero, so one value has exactly one encoding.
std::optional<QByteArray> fromBase64Url(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    QByteArray out(text.size() * 3 / 4 + 3, Qt::Uninitialized);
    size_t length = 0;
    const char *end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()), text.data(),
                          size_t(text.size()), nullptr, &length, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(qsizetype(length));
    return out;
}

std::optional<QJsonObject> jsonObject(const QByteArray &bytes)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

bool validKid(const QString &kid)
{
    if (kid.isEmpty() || kid.size() > 64)
        return false;
    for (const QChar c : kid) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                        u == '_' || u == '-';
        if (!ok)
            return false;
    }
    return true;
}

// A NumericDate: an integral JSON number (seconds). Absent is allowed only when !required.
bool readSeconds(const QJsonObject &payload, QLatin1StringView name, bool required, qint64 *out)
{
    const QJsonValue value = payload.value(name);
    if (value.isUndefined())
        return !required;
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > maxSafeInteger)
        return false;
    *out = qint64(d);
    return true;
}

bool readString(const QJsonObject &payload, QLatin1StringView name, bool required, QString *out)
{
    const QJsonValue value = payload.value(name);
    if (value.isUndefined())
        return !required;
    if (!value.isString())
        return false;
    *out = value.toString();
    return true;
}

Verified failed(JwtError error)
{
    return Verified{std::nullopt, error};
}

// The header: a JSON object naming exactly EdDSA and one of our keys, and nothing that would make
// a verifier fetch or accept a key from elsewhere.
std::optional<JwtError> checkHeader(const QJsonObject &header, const std::vector<SigningKey> &keys,
                                    const SigningKey **key)
{
    static const QLatin1StringView foreignKeyHeaders[] = {
        QLatin1StringView("jku"), QLatin1StringView("jwk"), QLatin1StringView("x5u"),
        QLatin1StringView("x5c"), QLatin1StringView("x5t"), QLatin1StringView("x5t#S256")};
    if (header.contains(QLatin1StringView("crit")))
        return JwtError::Algorithm;
    const QJsonValue alg = header.value(QLatin1StringView("alg"));
    if (!alg.isString() || alg.toString() != QLatin1StringView("EdDSA"))
        return JwtError::Algorithm;
    for (const QLatin1StringView name : foreignKeyHeaders) {
        if (header.contains(name))
            return JwtError::UnknownKey;
    }
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() != QLatin1StringView("alg") && it.key() != QLatin1StringView("kid") &&
            it.key() != QLatin1StringView("typ"))
            return JwtError::Malformed;
    }
    const QJsonValue typ = header.value(QLatin1StringView("typ"));
    if (!typ.isUndefined() && (!typ.isString() || typ.toString() != QLatin1StringView("JWT")))
        return JwtError::Malformed;
    const QJsonValue kidValue = header.value(QLatin1StringView("kid"));
    if (!kidValue.isString() || !validKid(kidValue.toString()))
        return JwtError::UnknownKey;
    const QString kid = kidValue.toString();
    for (const SigningKey &candidate : keys) {
        if (candidate.kid == kid) {
            *key = &candidate;
            return std::nullopt;
        }
    }
    return JwtError::UnknownKey;
}

std::optional<JwtError> readClaims(const QJsonObject &payload, const VerifyOptions &options, Claims *claims)
{
    if (!readSeconds(payload, QLatin1StringView("exp"), true, &claims->expiresAt) ||
        !readSeconds(payload, QLatin1StringView("iat"), true, &claims->issuedAt) ||
        !readSeconds(payload, QLatin1StringView("nbf"), false, &claims->notBefore) ||
        !readString(payload, QLatin1StringView("iss"), true, &claims->issuer) ||
        !readString(payload, QLatin1StringView("sub"), true, &claims->subject) ||
        !readString(payload, QLatin1StringView("sid"), false, &claims->sessionId) ||
        !readString(payload, QLatin1StringView("role"), false, &claims->role) ||
        !readString(payload, QLatin1StringView("jti"), false, &claims->tokenId))
        return JwtError::Malformed;
    const QJsonValue aud = payload.value(QLatin1StringView("aud"));
    QStringList audiences;
    if (aud.isString()) {
        audiences.append(aud.toString());
    } else if (aud.isArray()) {
        for (const QJsonValue &entry : aud.toArray()) {
            if (!entry.isString())
                return JwtError::Malformed;
            audiences.append(entry.toString());
        }
    } else {
        return JwtError::Malformed;
    }

    const qint64 leeway = qMax<qint64>(0, options.leewaySeconds);
    const qint64 now = options.nowSeconds;
    if (claims->expiresAt + leeway <= now)
        return JwtError::Expired;
    if (payload.contains(QLatin1StringView("nbf")) && claims->notBefore - leeway > now)
        return JwtError::NotYetValid;
    if (claims->issuedAt - leeway > now)
        return JwtError::NotYetValid;
    if (claims->issuer != options.issuer)
        return JwtError::Issuer;
    if (options.audience.isEmpty() || !audiences.contains(options.audience))
        return JwtError::Audience;
    claims->audience = options.audience;
    return std::nullopt;
}

} // namespace

SigningKey generateSigningKey(qint64 nowMs)
{
    SigningKey key;
    if (!sodiumReady())
        return key;
    key.secretKey.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(key.publicKey.data(), reinterpret_cast<unsigned char *>(key.secretKey.data()));
    unsigned char id[16];
    randombytes_buf(id, sizeof id);
    key.kid = QString::fromLatin1(base64Url(QByteArrayView(reinterpret_cast<const char *>(id), sizeof id)));
    key.createdAtMs = nowMs;
    return key;
}

QByteArray signJwt(const Claims &claims, const SigningKey &key)
{
    if (!sodiumReady() || key.secretKey.size() != qsizetype(crypto_sign_SECRETKEYBYTES) || !validKid(key.kid))
        return {};
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("kid"), key.kid}};
    QJsonObject payload{{QStringLiteral("iss"), claims.issuer},    {QStringLiteral("aud"), claims.audience},
                        {QStringLiteral("sub"), claims.subject},   {QStringLiteral("iat"), claims.issuedAt},
                        {QStringLiteral("nbf"), claims.notBefore}, {QStringLiteral("exp"), claims.expiresAt}};
    if (!claims.sessionId.isEmpty())
        payload.insert(QStringLiteral("sid"), claims.sessionId);
    if (!claims.role.isEmpty())
        payload.insert(QStringLiteral("role"), claims.role);
    if (!claims.tokenId.isEmpty())
        payload.insert(QStringLiteral("jti"), claims.tokenId);
    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
                                    base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(
        signature, nullptr, reinterpret_cast<const unsigned char *>(signingInput.constData()),
        quint64(signingInput.size()), reinterpret_cast<const unsigned char *>(key.secretKey.constData()));
    return signingInput + '.' +
           base64Url(QByteArrayView(reinterpret_cast<const char *>(signature), sizeof signature));
}

Verified verifyJwt(QByteArrayView token, const std::vector<SigningKey> &keys, const VerifyOptions &options)
{
    if (!sodiumReady() || token.size() > maxTokenBytes)
        return failed(JwtError::Malformed);
    const qsizetype firstDot = token.indexOf('.');
    if (firstDot <= 0)
        return failed(JwtError::Malformed);
    const qsizetype secondDot = token.indexOf('.', firstDot + 1);
    if (secondDot <= firstDot + 1 || secondDot == token.size() - 1 || token.indexOf('.', secondDot + 1) >= 0)
        return failed(JwtError::Malformed);

    const std::optional<QByteArray> headerBytes = fromBase64Url(token.first(firstDot));
    const std::optional<QByteArray> signature = fromBase64Url(token.sliced(secondDot + 1));
    if (!headerBytes || !signature)
        return failed(JwtError::Malformed);
    const std::optional<QJsonObject> header = jsonObject(*headerBytes);
    if (!header)
        return failed(JwtError::Malformed);
    const SigningKey *key = nullptr;
    if (const std::optional<JwtError> error = checkHeader(*header, keys, &key))
        return failed(*error);

    // Over exactly the bytes received: nothing is re-encoded before the check.
    const QByteArrayView signingInput = token.first(secondDot);
    if (signature->size() != qsizetype(crypto_sign_BYTES) ||
        crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature->constData()),
                                    reinterpret_cast<const unsigned char *>(signingInput.data()),
                                    quint64(signingInput.size()), key->publicKey.data()) != 0)
        return failed(JwtError::Signature);

    const std::optional<QByteArray> payloadBytes =
        fromBase64Url(token.sliced(firstDot + 1, secondDot - firstDot - 1));
    if (!payloadBytes)
        return failed(JwtError::Malformed);
    const std::optional<QJsonObject> payload = jsonObject(*payloadBytes);
    if (!payload)
        return failed(JwtError::Malformed);
    Claims claims;
    if (const std::optional<JwtError> error = readClaims(*payload, options, &claims))
        return failed(*error);
    return Verified{claims, JwtError::Malformed};
}

QString describe(JwtError error)
{
    switch (error) {
    case JwtError::Malformed:
        return Tr::tr("The access token is malformed; sign in again.");
    case JwtError::Algorithm:
        return Tr::tr("The access token uses an algorithm this server does not accept (only EdDSA).");
    case JwtError::UnknownKey:
        return Tr::tr("The access token was signed by a key this server does not know; sign in again.");
    case JwtError::Signature:
        return Tr::tr("The access token's signature does not verify; sign in again.");
    case JwtError::Expired:
        return Tr::tr("The access token has expired; refresh the session or sign in again.");
    case JwtError::NotYetValid:
        return Tr::tr("The access token is not valid yet; check this machine's clock.");
    case JwtError::Issuer:
        return Tr::tr("The access token was issued by another server.");
    case JwtError::Audience:
        return Tr::tr("The access token is meant for another audience.");
    }
    return Tr::tr("The access token is invalid.");
}

QByteArray code(JwtError error)
{
    return error == JwtError::Expired ? QByteArrayLiteral("expired-token")
                                      : QByteArrayLiteral("invalid-token");
}

} // namespace Meshdeck::Auth
