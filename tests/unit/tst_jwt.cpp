#include "services/auth/jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTest>

#include <sodium.h>

using namespace Meshdeck::Auth;

Q_DECLARE_METATYPE(Meshdeck::Auth::JwtError)

namespace {
constexpr qint64 now = 1'800'000'000;
const QString issuer = QStringLiteral("https://meshdeck.test");
const QString audience = QStringLiteral("meshdeck-api");

QByteArray b64(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject header(const QString &kid, const QString &alg = QStringLiteral("EdDSA"))
{
    return QJsonObject{{QStringLiteral("alg"), alg},
                       {QStringLiteral("typ"), QStringLiteral("JWT")},
                       {QStringLiteral("kid"), kid}};
}

QJsonObject payload(qint64 iat = now, qint64 exp = now + 900)
{
    return QJsonObject{{QStringLiteral("iss"), issuer},
                       {QStringLiteral("aud"), audience},
                       {QStringLiteral("sub"), QStringLiteral("user-1")},
                       {QStringLiteral("sid"), QStringLiteral("session-1")},
                       {QStringLiteral("iat"), iat},
                       {QStringLiteral("nbf"), iat},
                       {QStringLiteral("exp"), exp}};
}

// A token whose header and payload are exactly these objects, signed with `key` over those bytes:
// lets a test reach the checks after the signature with claims signJwt() would never write.
QByteArray signRaw(const QJsonObject &h, const QJsonObject &p, const SigningKey &key)
{
    const QByteArray input = b64(json(h)) + '.' + b64(json(p));
    QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char *>(input.constData()), quint64(input.size()),
                         reinterpret_cast<const unsigned char *>(key.secretKey.constData()));
    return input + '.' + b64(signature);
}

Claims claims(qint64 iat = now, qint64 exp = now + 900)
{
    Claims c;
    c.issuer = issuer;
    c.audience = audience;
    c.subject = QStringLiteral("user-1");
    c.sessionId = QStringLiteral("session-1");
    c.role = QStringLiteral("developer");
    c.issuedAt = iat;
    c.notBefore = iat;
    c.expiresAt = exp;
    c.tokenId = QStringLiteral("token-1");
    return c;
}

VerifyOptions options(qint64 at = now)
{
    VerifyOptions o;
    o.issuer = issuer;
    o.audience = audience;
    o.nowSeconds = at;
    o.leewaySeconds = 30;
    return o;
}

SigningKey verifyOnly(SigningKey key)
{
    key.secretKey.clear();
    return key;
}
} // namespace

class TestJwt : public QObject
{
    Q_OBJECT
private:
    SigningKey m_key;
    SigningKey m_other;
    std::vector<SigningKey> m_keys;

    JwtError refusal(const QByteArray &token, const VerifyOptions &o = options())
    {
        const Verified v = verifyJwt(token, m_keys, o);
        if (v.claims)
            return JwtError(-1);
        return v.error;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(sodium_init() >= 0);
        m_key = generateSigningKey(now * 1000);
        m_other = generateSigningKey(now * 1000);
        QCOMPARE(m_key.secretKey.size(), 64);
        QVERIFY(m_key.kid != m_other.kid);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{1,64}$")).match(m_key.kid).hasMatch());
        // The verifier holds public keys only, as a node that did not create them would.
        m_keys = {verifyOnly(m_key)};
    }

    void roundTrip()
    {
        const QByteArray token = signJwt(claims(), m_key);
        QCOMPARE(token.count('.'), 2);
        const Verified v = verifyJwt(token, m_keys, options());
        QVERIFY(v.claims);
        QCOMPARE(v.claims->subject, QStringLiteral("user-1"));
        QCOMPARE(v.claims->sessionId, QStringLiteral("session-1"));
        QCOMPARE(v.claims->role, QStringLiteral("developer"));
        QCOMPARE(v.claims->tokenId, QStringLiteral("token-1"));
        QCOMPARE(v.claims->expiresAt, now + 900);
        QCOMPARE(v.claims->issuer, issuer);
        QCOMPARE(v.claims->audience, audience);
        const QJsonObject h = QJsonDocument::fromJson(QByteArray::fromBase64(token.first(token.indexOf('.')),
                                                                             QByteArray::Base64UrlEncoding))
                                  .object();
        QCOMPARE(h.value(QStringLiteral("alg")).toString(), QStringLiteral("EdDSA"));
        QCOMPARE(h.value(QStringLiteral("kid")).toString(), m_key.kid);
        // Within the leeway on both ends.
        QVERIFY(verifyJwt(token, m_keys, options(now + 900 + 29)).claims);
        QVERIFY(verifyJwt(signJwt(claims(now + 29), m_key), m_keys, options()).claims);
        // An audience array that contains ours.
        QJsonObject p = payload();
        p.insert(QStringLiteral("aud"), QJsonArray{QStringLiteral("elsewhere"), audience});
        QVERIFY(verifyJwt(signRaw(header(m_key.kid), p, m_key), m_keys, options()).claims);
        // A key with no secret does not sign.
        QVERIFY(signJwt(claims(), verifyOnly(m_key)).isEmpty());
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<JwtError>("expected");
        const QByteArray valid = signJwt(claims(), m_key);
        const QByteArray validPayload =
            valid.sliced(valid.indexOf('.') + 1).first(valid.lastIndexOf('.') - valid.indexOf('.') - 1);

        // alg none: an unsigned token, with an empty or a real-looking signature part.
        const QByteArray noneInput =
            b64(json(header(m_key.kid, QStringLiteral("none")))) + '.' + validPayload;
        QTest::newRow("alg none, empty signature") << QByteArray(noneInput + '.') << JwtError::Malformed;
        QTest::newRow("alg none, signature kept")
            << QByteArray(noneInput + valid.sliced(valid.lastIndexOf('.'))) << JwtError::Algorithm;
        for (const char *alg :
             {"None", "NONE", "eddsa", "EDDSA", "EdDSA ", "ES256", "RS256", "HS256", "Ed25519"}) {
            QTest::addRow("alg %s", alg)
                << signRaw(header(m_key.kid, QString::fromLatin1(alg)), payload(), m_key)
                << JwtError::Algorithm;
        }
        QJsonObject algArray = header(m_key.kid);
        algArray.insert(QStringLiteral("alg"), QJsonArray{QStringLiteral("EdDSA")});
        QTest::newRow("alg as an array") << signRaw(algArray, payload(), m_key) << JwtError::Algorithm;
        QJsonObject noAlg = header(m_key.kid);
        noAlg.remove(QStringLiteral("alg"));
        QTest::newRow("alg missing") << signRaw(noAlg, payload(), m_key) << JwtError::Algorithm;

        // HS/EdDSA confusion: HS256 with the public key bytes as the HMAC secret.
        const QByteArray hsInput = b64(json(header(m_key.kid, QStringLiteral("HS256")))) + '.' + validPayload;
        const QByteArray publicKey(reinterpret_cast<const char *>(m_key.publicKey.data()), 32);
        const QByteArray mac =
            QMessageAuthenticationCode::hash(hsInput, publicKey, QCryptographicHash::Sha256);
        QTest::newRow("HS256 with the public key as secret")
            << QByteArray(hsInput + '.' + b64(mac)) << JwtError::Algorithm;
        // The same MAC under an EdDSA header: a 32-byte "signature" does not verify.
        const QByteArray edInput = b64(json(header(m_key.kid))) + '.' + validPayload;
        const QByteArray edMac =
            QMessageAuthenticationCode::hash(edInput, publicKey, QCryptographicHash::Sha256);
        QTest::newRow("HMAC under an EdDSA header")
            << QByteArray(edInput + '.' + b64(edMac)) << JwtError::Signature;

        // A signature from another key, under our kid.
        SigningKey impostor = m_other;
        impostor.kid = m_key.kid;
        QTest::newRow("another key's signature") << signJwt(claims(), impostor) << JwtError::Signature;

        // A tampered payload: the claims change, the signature stays.
        Claims admin = claims();
        admin.role = QStringLiteral("admin");
        const QByteArray forged = signJwt(admin, m_other);
        const QByteArray forgedPayload =
            forged.sliced(forged.indexOf('.') + 1).first(forged.lastIndexOf('.') - forged.indexOf('.') - 1);
        QByteArray tampered = valid;
        tampered.replace(validPayload, forgedPayload);
        QTest::newRow("tampered payload") << tampered << JwtError::Signature;
        QByteArray flipped = valid;
        flipped[flipped.lastIndexOf('.') - 3] = flipped[flipped.lastIndexOf('.') - 3] == 'A' ? 'B' : 'A';
        QTest::newRow("one payload character changed") << flipped << JwtError::Signature;
        QByteArray sigFlipped = valid;
        sigFlipped[sigFlipped.size() - 5] = sigFlipped[sigFlipped.size() - 5] == 'A' ? 'B' : 'A';
        QTest::newRow("one signature character changed") << sigFlipped << JwtError::Signature;

        // Time.
        QTest::newRow("expired") << signJwt(claims(now - 2000, now - 31), m_key) << JwtError::Expired;
        QTest::newRow("expired at the leeway's edge")
            << signJwt(claims(now - 900, now - 30), m_key) << JwtError::Expired;
        Claims early = claims();
        early.notBefore = now + 31;
        QTest::newRow("not yet valid (nbf)") << signJwt(early, m_key) << JwtError::NotYetValid;
        QTest::newRow("issued in the future (iat)")
            << signJwt(claims(now + 31, now + 1000), m_key) << JwtError::NotYetValid;

        // Issuer and audience.
        Claims otherIssuer = claims();
        otherIssuer.issuer = QStringLiteral("https://evil.test");
        QTest::newRow("wrong iss") << signJwt(otherIssuer, m_key) << JwtError::Issuer;
        Claims otherAudience = claims();
        otherAudience.audience = QStringLiteral("another-api");
        QTest::newRow("wrong aud") << signJwt(otherAudience, m_key) << JwtError::Audience;
        QJsonObject audArray = payload();
        audArray.insert(QStringLiteral("aud"),
                        QJsonArray{QStringLiteral("another-api"), QStringLiteral("third")});
        QTest::newRow("wrong aud array") << signRaw(header(m_key.kid), audArray, m_key) << JwtError::Audience;
        audArray.insert(QStringLiteral("aud"), QJsonArray{});
        QTest::newRow("empty aud array") << signRaw(header(m_key.kid), audArray, m_key) << JwtError::Audience;
        audArray.insert(QStringLiteral("aud"), QJsonArray{audience, 5});
        QTest::newRow("aud array with a number")
            << signRaw(header(m_key.kid), audArray, m_key) << JwtError::Malformed;

        // Keys: unknown, malformed, or named by a path or URL.
        QTest::newRow("unknown kid") << signJwt(claims(), m_other) << JwtError::UnknownKey;
        QJsonObject noKid = header(m_key.kid);
        noKid.remove(QStringLiteral("kid"));
        QTest::newRow("kid missing") << signRaw(noKid, payload(), m_key) << JwtError::UnknownKey;
        for (const char *kid :
             {"../../dev/null", "/etc/passwd", "a/b", "https://evil.test/key.json", "", "a b", "kid\\x",
              "0123456789012345678901234567890123456789012345678901234567890123X"}) {
            QTest::addRow("kid '%s'", kid)
                << signRaw(header(QString::fromLatin1(kid)), payload(), m_key) << JwtError::UnknownKey;
        }
        QJsonObject kidNumber = header(m_key.kid);
        kidNumber.insert(QStringLiteral("kid"), 1);
        QTest::newRow("kid a number") << signRaw(kidNumber, payload(), m_key) << JwtError::UnknownKey;
        for (const char *name : {"jku", "jwk", "x5u", "x5c"}) {
            QJsonObject h = header(m_key.kid);
            h.insert(QString::fromLatin1(name), QStringLiteral("https://evil.test/keys"));
            QTest::addRow("%s header", name) << signRaw(h, payload(), m_key) << JwtError::UnknownKey;
        }
        QJsonObject crit = header(m_key.kid);
        crit.insert(QStringLiteral("crit"), QJsonArray{QStringLiteral("exp")});
        QTest::newRow("crit header") << signRaw(crit, payload(), m_key) << JwtError::Algorithm;

        // Shape.
        QTest::newRow("empty") << QByteArray() << JwtError::Malformed;
        QTest::newRow("two parts") << valid.first(valid.lastIndexOf('.')) << JwtError::Malformed;
        QTest::newRow("four parts") << QByteArray(valid + ".AAAA") << JwtError::Malformed;
        QTest::newRow("padding") << QByteArray(valid + "=") << JwtError::Malformed;
        QTest::newRow("standard base64 alphabet")
            << QByteArray(b64(json(header(m_key.kid))) + "+/" + valid.sliced(valid.indexOf('.')))
            << JwtError::Malformed;
        QTest::newRow("empty header object")
            << signRaw(QJsonObject(), payload(), m_key) << JwtError::Algorithm;
        QTest::newRow("header an array")
            << QByteArray(b64("[\"EdDSA\"]") + valid.sliced(valid.indexOf('.'))) << JwtError::Malformed;
        QTest::newRow("header not JSON")
            << QByteArray(b64("not json") + valid.sliced(valid.indexOf('.'))) << JwtError::Malformed;
        QJsonObject noExp = payload();
        noExp.remove(QStringLiteral("exp"));
        QTest::newRow("exp missing") << signRaw(header(m_key.kid), noExp, m_key) << JwtError::Malformed;
        QJsonObject textExp = payload();
        textExp.insert(QStringLiteral("exp"), QString::number(now + 900));
        QTest::newRow("exp a string") << signRaw(header(m_key.kid), textExp, m_key) << JwtError::Malformed;
        QJsonObject fractionExp = payload();
        fractionExp.insert(QStringLiteral("exp"), double(now) + 900.5);
        QTest::newRow("exp a fraction")
            << signRaw(header(m_key.kid), fractionExp, m_key) << JwtError::Malformed;
        QJsonObject hugeExp = payload();
        hugeExp.insert(QStringLiteral("exp"), 1e300);
        QTest::newRow("exp out of range")
            << signRaw(header(m_key.kid), hugeExp, m_key) << JwtError::Malformed;
        QJsonObject noSub = payload();
        noSub.remove(QStringLiteral("sub"));
        QTest::newRow("sub missing") << signRaw(header(m_key.kid), noSub, m_key) << JwtError::Malformed;

        // Over the size cap, though validly signed.
        Claims big = claims();
        big.tokenId = QString(8 * 1024, QLatin1Char('x'));
        QTest::newRow("over 8 KiB") << signJwt(big, m_key) << JwtError::Malformed;
    }

    void refused()
    {
        QFETCH(QByteArray, token);
        QFETCH(JwtError, expected);
        QCOMPARE(int(refusal(token)), int(expected));
    }

    void codesAndDescriptions()
    {
        QCOMPARE(code(JwtError::Expired), QByteArray("expired-token"));
        QCOMPARE(code(JwtError::Signature), QByteArray("invalid-token"));
        for (JwtError e :
             {JwtError::Malformed, JwtError::Algorithm, JwtError::UnknownKey, JwtError::Signature,
              JwtError::Expired, JwtError::NotYetValid, JwtError::Issuer, JwtError::Audience})
            QVERIFY(!describe(e).isEmpty());
    }

    // A rotated key still verifies the tokens it signed; removing it from the list ends them.
    void severalKeys()
    {
        const std::vector<SigningKey> both = {verifyOnly(m_other), verifyOnly(m_key)};
        QVERIFY(verifyJwt(signJwt(claims(), m_key), both, options()).claims);
        QVERIFY(verifyJwt(signJwt(claims(), m_other), both, options()).claims);
        const Verified gone = verifyJwt(signJwt(claims(), m_other), m_keys, options());
        QVERIFY(!gone.claims);
        QCOMPARE(int(gone.error), int(JwtError::UnknownKey));
    }
};

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
