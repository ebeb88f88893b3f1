#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <array>
#include <optional>
#include <vector>

namespace Meshdeck::Auth {

// An Ed25519 signing key (libsodium crypto_sign). `kid` names it in a token's header; a key signs
// only EdDSA, so a token's `alg` must be exactly "EdDSA".
struct SigningKey {
    QString kid; // random, url-safe: [A-Za-z0-9_-]{1,64}
    std::array<unsigned char, 32> publicKey{};
    QByteArray secretKey; // 64 bytes (libsodium's seed+public form); empty: verify only
    qint64 createdAtMs = 0;
    qint64 retiredAtMs = 0; // 0: the current key; otherwise verifies until tokens expire
};

SigningKey generateSigningKey(qint64 nowMs);

// What an access token says (RFC 7519 registered claims plus ours).
struct Claims {
    QString issuer;       // iss
    QString audience;     // aud
    QString subject;      // sub: the user id
    QString sessionId;    // sid
    QString role;         // role, informational: the backend re-reads the user's role
    qint64 issuedAt = 0;  // iat, seconds
    qint64 notBefore = 0; // nbf, seconds
    qint64 expiresAt = 0; // exp, seconds
    QString tokenId;      // jti
};

// header.payload.signature, base64url without padding; header {"alg":"EdDSA","typ":"JWT","kid":…}.
QByteArray signJwt(const Claims &claims, const SigningKey &key);

struct VerifyOptions {
    QString issuer;
    QString audience;
    qint64 nowSeconds = 0;
    qint64 leewaySeconds = 30; // clock skew tolerated on exp and nbf
};

enum class JwtError {
    Malformed,   // not three base64url parts, bad JSON, missing or mistyped claims, too long
    Algorithm,   // alg is not exactly EdDSA (none, HS256, RS256, ...), or a crit header
    UnknownKey,  // kid absent, malformed or not one of ours
    Signature,   // the signature does not verify with that key
    Expired,     // exp + leeway <= now
    NotYetValid, // nbf - leeway > now, or iat in the future beyond the leeway
    Issuer,      // iss differs
    Audience,    // aud (a string, or an array) does not contain ours
};
QString describe(JwtError error); // a sentence for the 401's detail
QByteArray code(JwtError error);  // "expired-token", "invalid-token"

struct Verified {
    std::optional<Claims> claims;
    JwtError error = JwtError::Malformed;
};
// Looks the key up by kid among `keys` (never by a path or URL the token names), checks the
// signature over exactly the received header.payload bytes, then the claims. Tokens over 8 KiB are
// Malformed. Never throws; safe on any input (fuzzed).
Verified verifyJwt(QByteArrayView token, const std::vector<SigningKey> &keys, const VerifyOptions &options);

} // namespace Meshdeck::Auth
