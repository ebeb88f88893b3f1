#include "platform/secretbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Meshdeck;

namespace {
// The sealed value with one byte of its ciphertext changed, still valid base64.
QByteArray tampered(const QByteArray &sealed, qsizetype index)
{
    QByteArray raw = QByteArray::fromBase64(sealed.sliced(4));
    raw[index] = char(raw[index] ^ 0x01);
    return sealed.first(4) + raw.toBase64();
}
} // namespace

class TestSecretBox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sealsAndOpens()
    {
        const SecretBox box = SecretBox::ephemeral();
        const QByteArray secret = "whsec_abcdefghijklmnopqrstuvwxyz0123456789";
        const QByteArray sealed = box.seal(secret);
        QVERIFY(SecretBox::isSealed(sealed));
        QVERIFY2(!sealed.contains(secret), sealed.constData());
        QCOMPARE(box.open(sealed), std::optional<QByteArray>(secret));
        // A fresh nonce per seal: the same secret never gives the same text twice.
        QVERIFY(box.seal(secret) != sealed);
        QCOMPARE(box.open(box.seal(QByteArray())), std::optional<QByteArray>(QByteArray()));
    }

    void aChangedValueDoesNotOpen()
    {
        const SecretBox box = SecretBox::ephemeral();
        const QByteArray sealed = box.seal("the secret");
        const qsizetype size = QByteArray::fromBase64(sealed.sliced(4)).size();
        for (qsizetype i : {qsizetype(0), qsizetype(23), qsizetype(24), size - 1})
            QVERIFY2(!box.open(tampered(sealed, i)), qPrintable(QString::number(i)));
        QVERIFY(!box.open(sealed.first(sealed.size() - 4)));
        QVERIFY(!box.open("sb1:"));
        QVERIFY(!box.open("sb1:not base64!"));
        QVERIFY(!box.open("the secret")); // plaintext is not a sealed value
        QVERIFY(!SecretBox::isSealed("whsec_x"));
    }

    void anotherKeyDoesNotOpen()
    {
        const QByteArray sealed = SecretBox::ephemeral().seal("the secret");
        QVERIFY(!SecretBox::ephemeral().open(sealed));
    }

    void createsAPrivateKeyFileAndReadsItBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secret.key"));
        QString error;
        const auto created = SecretBox::fromKeyFile(path, &error);
        QVERIFY2(created, qPrintable(error));
        QCOMPARE(QFileInfo(path).size(), 32);
        QCOMPARE(QFileInfo(path).permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const auto reopened = SecretBox::fromKeyFile(path, &error);
        QVERIFY2(reopened, qPrintable(error));
        QCOMPARE(reopened->open(created->seal("kept")), std::optional<QByteArray>("kept"));
    }

    // Nodes started together against one shared key file that does not exist yet: every creator
    // succeeds and all of them hold the one key that won (creating it first and writing it next
    // made the losers fail, or read a file still empty).
    void concurrentCreatorsAllGetTheSameKey()
    {
        constexpr int Creators = 8;
        for (int round = 0; round < 40; ++round) {
            QTemporaryDir dir;
            const QString path = dir.filePath(QStringLiteral("secret.key"));
            QSemaphore ready;
            QSemaphore go;
            std::vector<std::optional<SecretBox>> boxes(Creators);
            std::vector<QString> errors(Creators);
            std::vector<std::unique_ptr<QThread>> threads;
            for (int i = 0; i < Creators; ++i) {
                threads.emplace_back(QThread::create([&, i] {
                    ready.release();
                    go.acquire();
                    boxes[size_t(i)] = SecretBox::fromKeyFile(path, &errors[size_t(i)]);
                }));
                threads.back()->start();
            }
            ready.acquire(Creators);
            go.release(Creators); // all at once
            for (const auto &thread : threads)
                QVERIFY(thread->wait(10'000));
            const QByteArray sealed = SecretBox::fromKeyFile(path, &errors[0])->seal("shared");
            for (int i = 0; i < Creators; ++i) {
                QVERIFY2(
                    boxes[size_t(i)],
                    qPrintable(
                        QStringLiteral("round %1, creator %2: %3").arg(round).arg(i).arg(errors[size_t(i)])));
                QCOMPARE(boxes[size_t(i)]->open(sealed), std::optional<QByteArray>("shared"));
            }
            // Only the key file is left behind, private.
            QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                     QStringList{QStringLiteral("secret.key")});
            QCOMPARE(QFileInfo(path).size(), 32);
            QCOMPARE(QFileInfo(path).permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
    }

    void refusesAKeyFileOthersMayRead_data()
    {
        QTest::addColumn<int>("extra");
        QTest::newRow("group-readable") << int(QFileDevice::ReadGroup);
        QTest::newRow("other-readable") << int(QFileDevice::ReadOther);
        QTest::newRow("group-writable") << int(QFileDevice::WriteGroup);
    }
    void refusesAKeyFileOthersMayRead()
    {
        QFETCH(int, extra);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secret.key"));
        QString error;
        QVERIFY(SecretBox::fromKeyFile(path, &error));
        // Proves the refusal below is about the mode: the same file opens while it is private.
        QVERIFY(SecretBox::fromKeyFile(path, &error));
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::Permission(extra)));
        QVERIFY(!SecretBox::fromKeyFile(path, &error));
        QVERIFY2(error.contains(QStringLiteral("chmod 600")), qPrintable(error));
    }

    void refusesAKeyOfTheWrongSize()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secret.key"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        file.write(QByteArray(31, 'k'));
        file.close();
        QString error;
        QVERIFY(!SecretBox::fromKeyFile(path, &error));
        QVERIFY2(error.contains(QStringLiteral("32 bytes")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestSecretBox)
#include "tst_secretbox.moc"
