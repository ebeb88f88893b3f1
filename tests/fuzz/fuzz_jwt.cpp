// libFuzzer target for the JWT verifier. The first input byte chooses what the rest is:
//   0: a whole token, verified as received (the shape, base64url and header checks);
//   1: a payload, signed with the fuzzer's key under a valid header (the claim checks, which an
//      unsigned input never reaches);
//   2: a header, signed with a valid payload (the alg/kid/crit checks after a real signature).
// Invariants that must hold for any input abort the run when broken.
#include "services/auth/jwt.h"

#include <sodium.h>

#include <cstdint>
#include <cstdlib>

using namespace Meshdeck::Auth;

namespace {
constexpr qint64 now = 1'800'000'000;

struct Fixture {
    SigningKey key;
    std::vector<SigningKey> keys;
    VerifyOptions options;
    Fixture()
    {
        if (sodium_init() < 0)
            std::abort();
        unsigned char seed[crypto_sign_SEEDBYTES] = {7};
        key.kid = QStringLiteral("fuzz-key");
        key.secretKey.resize(crypto_sign_SECRETKEYBYTES);
        crypto_sign_seed_keypair(key.publicKey.data(),
                                 reinterpret_cast<unsigned char *>(key.secretKey.data()), seed);
        SigningKey verifier = key;
        verifier.secretKey.clear();
        keys = {verifier};
        options.issuer = QStringLiteral("iss");
        options.audience = QStringLiteral("aud");
        options.nowSeconds = now;
    }
};

QByteArray b64(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray sign(const Fixture &f, const QByteArray &input)
{
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char *>(input.constData()),
                         quint64(input.size()),
                         reinterpret_cast<const unsigned char *>(f.key.secretKey.constData()));
    return input + '.' + b64(QByteArrayView(reinterpret_cast<const char *>(signature), sizeof signature));
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const Fixture f;
    if (size == 0)
        return 0;
    const QByteArrayView rest(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    QByteArray token;
    switch (data[0] % 3) {
    case 0:
        token = rest.toByteArray();
        break;
    case 1:
        token = sign(f, b64(QByteArrayView("{\"alg\":\"EdDSA\",\"kid\":\"fuzz-key\"}")) + '.' + b64(rest));
        break;
    default:
        token = sign(f, b64(rest) + '.' +
                            b64(QByteArrayView("{\"iss\":\"iss\",\"aud\":\"aud\",\"sub\":\"s\","
                                               "\"iat\":1800000000,\"exp\":1800000900}")));
        break;
    }
    const Verified verified = verifyJwt(token, f.keys, f.options);
    if (verified.claims) {
        const Claims &c = *verified.claims;
        // Accepted means: signed by our key, in time, ours to read.
        if (c.issuer != f.options.issuer || c.audience != f.options.audience)
            std::abort();
        if (c.expiresAt + f.options.leewaySeconds <= now || c.issuedAt - f.options.leewaySeconds > now)
            std::abort();
        if (token.size() > 8 * 1024 || token.count('.') != 2)
            std::abort();
        // What was accepted re-signs and verifies again (unless re-encoding grew it past the cap).
        const Verified again = verifyJwt(signJwt(c, f.key), f.keys, f.options);
        if (!again.claims && again.error != JwtError::Malformed)
            std::abort();
    } else if (code(verified.error).isEmpty() || describe(verified.error).isEmpty()) {
        std::abort();
    }
    return 0;
}
