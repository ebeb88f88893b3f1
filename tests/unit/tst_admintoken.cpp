#include "core/admintoken.h"
#include "http/dispatcher.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Meshdeck;

class TestAdminToken : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createsAPrivateRandomTokenAndReusesIt()
    {
        QTemporaryDir dir;
        QString error;
        const auto first = ensureAdminToken(dir.path(), &error);
        QVERIFY2(first, qPrintable(error));
        QVERIFY(first->token.size() >= 40);
        struct stat st {
        };
        QCOMPARE(::stat(QFile::encodeName(first->path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        const auto second = ensureAdminToken(dir.path(), &error);
        QCOMPARE(second->token, first->token);

        QTemporaryDir other;
        QVERIFY2(ensureAdminToken(other.path(), &error)->token != first->token,
                 "each data directory gets its own token");
    }

    void tightensALooseFileMode()
    {
        QTemporaryDir dir;
        QString error;
        const auto token = ensureAdminToken(dir.path(), &error);
        ::chmod(QFile::encodeName(token->path).constData(), 0644);
        QVERIFY(ensureAdminToken(dir.path(), &error));
        struct stat st {
        };
        ::stat(QFile::encodeName(token->path).constData(), &st);
        QCOMPARE(st.st_mode & 0777, 0600u);
    }

    void authenticatesOnlyTheExactBearerToken_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("exact") << QByteArray("Bearer mdk_secret_token_value") << true;
        QTest::newRow("scheme case") << QByteArray("bearer mdk_secret_token_value") << true;
        QTest::newRow("missing") << QByteArray() << false;
        QTest::newRow("wrong") << QByteArray("Bearer mdk_secret_token_valuX") << false;
        QTest::newRow("prefix") << QByteArray("Bearer mdk_secret") << false;
        QTest::newRow("basic scheme") << QByteArray("Basic mdk_secret_token_value") << false;
        QTest::newRow("empty bearer") << QByteArray("Bearer ") << false;
    }

    void authenticatesOnlyTheExactBearerToken()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(bool, accepted);
        AdminTokenAuthenticator auth("mdk_secret_token_value");
        Http::Request r;
        if (!authorization.isEmpty())
            r.headers.emplace_back("authorization", authorization);
        const Authentication outcome = auth.authenticate(Http::bearerCredential(r), "127.0.0.1");
        QCOMPARE(bool(outcome), accepted);
        if (accepted)
            QCOMPARE(outcome.principal->role, Role::Admin);
        else
            QVERIFY(!outcome.reason.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAdminToken)
#include "tst_admintoken.moc"
