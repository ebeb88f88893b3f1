#include "postgresserver.h"
#include "testing.h"

#include "services/auth/signingkeys.h"
#include "storage/database.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>

using namespace Meshdeck;
using namespace Meshdeck::Auth;
using namespace Meshdeck::Testing;

namespace {
template<typename T> T waitFuture(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10'000))
        qFatal("the database did not answer within 10 s");
    return future.result();
}

constexpr qint64 minute = 60 * 1000;

SigningKeySettings settings(qint64 activationDelayMs = 0)
{
    SigningKeySettings s;
    s.rotateAfterMs = 30LL * 24 * 60 * minute;
    s.tokenLifetimeMs = 15 * minute;
    s.activationDelayMs = activationDelayMs;
    s.leewayMs = 30 * 1000;
    return s;
}

Claims claimsAt(qint64 nowMs)
{
    Claims c;
    c.issuer = QStringLiteral("meshdeck");
    c.audience = QStringLiteral("meshdeck-api");
    c.subject = QStringLiteral("user-1");
    c.issuedAt = nowMs / 1000;
    c.notBefore = nowMs / 1000;
    c.expiresAt = nowMs / 1000 + 15 * 60;
    return c;
}

bool verifies(const QByteArray &token, const std::vector<SigningKey> &keys, qint64 nowMs)
{
    VerifyOptions o;
    o.issuer = QStringLiteral("meshdeck");
    o.audience = QStringLiteral("meshdeck-api");
    o.nowSeconds = nowMs / 1000;
    return verifyJwt(token, keys, o).claims.has_value();
}

QString kidOf(const QByteArray &token)
{
    const QByteArray header =
        QByteArray::fromBase64(token.first(token.indexOf('.')), QByteArray::Base64UrlEncoding);
    return QJsonDocument::fromJson(header).object().value(QLatin1StringView("kid")).toString();
}

bool contains(const std::vector<SigningKey> &keys, const QString &kid)
{
    return std::any_of(keys.begin(), keys.end(), [&kid](const SigningKey &k) { return k.kid == kid; });
}
} // namespace

// The signing key ring on the run's dialect (unit/signingkeys and _pg).
class TestSigningKeys : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QString m_location;
    std::vector<std::unique_ptr<Storage::Database>> m_nodes;
    SecretBox m_secrets = SecretBox::ephemeral();

    // A node's database connection: on PostgreSQL each node opens its own; an SQLite file belongs
    // to one meshdeckd, so there the nodes share one Database.
    Storage::Database *node(size_t i)
    {
        while (m_nodes.size() <= i && (m_databases.postgres() || m_nodes.empty())) {
            auto db = std::make_unique<Storage::Database>();
            const auto opened = waitForTask(
                db->open(m_location, {{QStringLiteral("signing_keys"), SigningKeyRing::migrations()}}));
            if (!opened.ok)
                qFatal("open failed: %s", qPrintable(opened.error));
            m_nodes.push_back(std::move(db));
        }
        return m_nodes[std::min(i, m_nodes.size() - 1)].get();
    }

    QList<QVariantList> rows()
    {
        return waitFuture(node(0)->run([](QSqlDatabase &db) {
            QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT * FROM auth_signing_keys"));
            QList<QVariantList> out;
            while (q.next()) {
                QVariantList row;
                for (int i = 0; i < q.record().count(); ++i)
                    row << q.value(i);
                out << row;
            }
            return out;
        }));
    }

private Q_SLOTS:
    void init()
    {
        m_location = m_databases.freshLocation(QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
    }
    void cleanup()
    {
        for (auto &db : m_nodes)
            waitForTask(db->close());
        m_nodes.clear();
    }

    // Two nodes start together on an empty database: one key between them, which both sign with.
    void firstKeyCreatedOnce()
    {
        ManualClock clock;
        SigningKeyRing a(node(0), m_secrets, settings(), clock);
        SigningKeyRing b(node(1), m_secrets, settings(), clock);
        QCoro::Task<Result<void>> startA = a.start();
        QCoro::Task<Result<void>> startB = b.start();
        QVERIFY(waitForTask(std::move(startA)).ok());
        QVERIFY(waitForTask(std::move(startB)).ok());
        QCOMPARE(rows().size(), 1);
        QVERIFY(a.signingKey());
        QVERIFY(b.signingKey());
        QCOMPARE(a.signingKey()->kid, b.signingKey()->kid);
        QCOMPARE(a.signingKey()->secretKey.size(), 64);
        // A node started later loads that key instead of making another.
        SigningKeyRing c(node(2), m_secrets, settings(), clock);
        QVERIFY(waitForTask(c.start()).ok());
        QCOMPARE(c.signingKey()->kid, a.signingKey()->kid);
        QCOMPARE(rows().size(), 1);
        // Verification keys carry no secret.
        QCOMPARE(a.verificationKeys().size(), size_t(1));
        QVERIFY(a.verificationKeys().front().secretKey.isEmpty());
    }

    // A rotation stores the new key ahead of its activation: every node loads it before any signs
    // with it, and tokens signed with the old key keep verifying everywhere until they expire.
    void rotationKeepsOldTokensVerifying()
    {
        ManualClock clock;
        const qint64 delay = 10 * 1000;
        SigningKeyRing a(node(0), m_secrets, settings(delay), clock);
        SigningKeyRing b(node(1), m_secrets, settings(delay), clock);
        QVERIFY(waitForTask(a.start()).ok());
        QVERIFY(waitForTask(b.start()).ok());
        const QString oldKid = a.signingKey()->kid;
        const QByteArray oldToken = signJwt(claimsAt(clock.nowMs()), *a.signingKey());
        QCOMPARE(kidOf(oldToken), oldKid);

        const Result<QString> rotated = waitForTask(a.rotate());
        QVERIFY(rotated.ok());
        const QString newKid = *rotated;
        QVERIFY(newKid != oldKid);
        // Not active yet: a keeps signing with the old key while b has not polled.
        QCOMPARE(a.signingKey()->kid, oldKid);
        QVERIFY(contains(a.verificationKeys(), newKid));
        QVERIFY(!contains(b.verificationKeys(), newKid));
        QVERIFY(waitForTask(b.refresh()).ok()); // b's poll
        QVERIFY(contains(b.verificationKeys(), newKid));
        QCOMPARE(b.signingKey()->kid, oldKid);

        clock.advance(delay);
        QCOMPARE(a.signingKey()->kid, newKid);
        QCOMPARE(b.signingKey()->kid, newKid);
        const QByteArray newToken = signJwt(claimsAt(clock.nowMs()), *a.signingKey());
        QCOMPARE(kidOf(newToken), newKid);
        for (SigningKeyRing *ring : {&a, &b}) {
            QVERIFY(verifies(oldToken, ring->verificationKeys(), clock.nowMs()));
            QVERIFY(verifies(newToken, ring->verificationKeys(), clock.nowMs()));
        }
        QCOMPARE(rows().size(), 2);
    }

    // Retired keys go once every token they signed has expired (plus leeway), not before.
    void prunesAfterExpiry()
    {
        ManualClock clock;
        const SigningKeySettings s = settings();
        SigningKeyRing ring(node(0), m_secrets, s, clock);
        QVERIFY(waitForTask(ring.start()).ok());
        const QString oldKid = ring.signingKey()->kid;
        clock.advance(5 * minute);
        // The last token of the old key, signed just before the rotation.
        const QByteArray lastToken = signJwt(claimsAt(clock.nowMs()), *ring.signingKey());
        QVERIFY(waitForTask(ring.rotate()).ok());
        const qint64 retiredAt = clock.nowMs();

        clock.set(retiredAt + s.tokenLifetimeMs + s.leewayMs - 1000);
        QVERIFY(waitForTask(ring.refresh()).ok());
        QCOMPARE(rows().size(), 2);
        QVERIFY(contains(ring.verificationKeys(), oldKid));
        QVERIFY(verifies(lastToken, ring.verificationKeys(), clock.nowMs()));

        clock.set(retiredAt + s.tokenLifetimeMs + s.leewayMs);
        QVERIFY(!verifies(lastToken, ring.verificationKeys(), clock.nowMs())); // expired anyway
        QVERIFY(!contains(ring.verificationKeys(), oldKid));
        QVERIFY(waitForTask(ring.refresh()).ok());
        QCOMPARE(rows().size(), 1);
        QVERIFY(ring.signingKey()->kid != oldKid);
    }

    // refresh() replaces a key that reached its age, once, even with two nodes polling.
    void rotatesByAge()
    {
        ManualClock clock;
        const SigningKeySettings s = settings();
        SigningKeyRing a(node(0), m_secrets, s, clock);
        SigningKeyRing b(node(1), m_secrets, s, clock);
        QVERIFY(waitForTask(a.start()).ok());
        QVERIFY(waitForTask(b.start()).ok());
        const QString first = a.signingKey()->kid;
        clock.advance(s.rotateAfterMs - 1);
        QVERIFY(waitForTask(a.refresh()).ok());
        QCOMPARE(a.signingKey()->kid, first);
        clock.advance(1);
        QCoro::Task<Result<void>> refreshA = a.refresh();
        QCoro::Task<Result<void>> refreshB = b.refresh();
        QVERIFY(waitForTask(std::move(refreshA)).ok());
        QVERIFY(waitForTask(std::move(refreshB)).ok());
        QVERIFY(waitForTask(a.refresh()).ok());
        QVERIFY(a.signingKey()->kid != first);
        QCOMPARE(b.signingKey()->kid, a.signingKey()->kid);
        QCOMPARE(rows().size(), 2); // the first key, retired, and exactly one successor
    }

    // The table holds the public key and a sealed secret: the 64-byte secret key (or its seed)
    // appears in no form, and another secret key file cannot sign with it.
    void noSecretKeyInClear()
    {
        ManualClock clock;
        SigningKeyRing ring(node(0), m_secrets, settings(), clock);
        QVERIFY(waitForTask(ring.start()).ok());
        QVERIFY(waitForTask(ring.rotate()).ok());
        QVERIFY(waitForTask(ring.refresh()).ok());
        const SigningKey key = *ring.signingKey();
        QCOMPARE(key.secretKey.size(), 64);
        QByteArray dump;
        for (const QVariantList &row : rows()) {
            for (const QVariant &value : row)
                dump += value.toByteArray() + '\n';
        }
        const QByteArray publicKey(reinterpret_cast<const char *>(key.publicKey.data()), 32);
        // The check can see a key: the public half is there, in base64.
        QVERIFY(dump.contains(publicKey.toBase64()));
        const QByteArray seed = key.secretKey.first(32);
        for (const QByteArray &secret : {key.secretKey, seed}) {
            for (const QByteArray &form :
                 {secret, secret.toBase64(), secret.toHex(),
                  secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)})
                QVERIFY(!dump.contains(form));
        }
        // A node with another secret key file verifies but cannot sign.
        SigningKeyRing stranger(node(1), SecretBox::ephemeral(), settings(), clock);
        QVERIFY(waitForTask(stranger.start()).ok());
        QVERIFY(!stranger.signingKey());
        QVERIFY(contains(stranger.verificationKeys(), key.kid));
    }
};

QTEST_GUILESS_MAIN(TestSigningKeys)
#include "tst_signingkeys.moc"
