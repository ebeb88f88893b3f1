#include "postgresserver.h"
#include "testing.h"

#include "services/chat/chatqr.h"

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>

using namespace Meshdeck;
using namespace Meshdeck::Chat;
using namespace Meshdeck::Testing;

namespace {
// What zbarimg reads from the image file: the QR payload, or an empty string (with the reason
// logged) when it finds no code.
QString decodeWithZbar(const QString &path)
{
    QProcess zbar;
    zbar.start(QStringLiteral("zbarimg"), {QStringLiteral("--quiet"), QStringLiteral("--raw"), path});
    if (!zbar.waitForFinished(30'000)) {
        qWarning() << "zbarimg did not finish" << zbar.errorString();
        return {};
    }
    if (zbar.exitCode() != 0)
        qWarning() << "zbarimg:" << zbar.exitCode() << zbar.readAllStandardError();
    return QString::fromUtf8(zbar.readAllStandardOutput()).trimmed();
}
} // namespace

class TestChatExtras : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QTemporaryDir m_files;

private slots:
    void initTestCase()
    {
        qInfo() << "dialect:" << m_databases.dialectName();
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("zbarimg")).isEmpty(),
                 "zbarimg is missing: run installer/setup-deps.sh (zbar-tools)");
    }

    void qrPngReadsBackAsTheUrl_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("invitation") << QStringLiteral("meshdeck://chat/invite/inv_3q2Xv9dR1c0yKp7sLm4Wfg");
        QTest::newRow("long")
            << QStringLiteral("meshdeck://chat/invite/").append(QString(300, QLatin1Char('x')));
    }
    void qrPngReadsBackAsTheUrl()
    {
        QFETCH(QString, text);
        const QByteArray png = ChatQr::png(text);
        QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n"));
        QImage image;
        QVERIFY2(image.loadFromData(png, "PNG"), "Qt cannot read the PNG");
        QVERIFY(image.width() > 21 * 8);
        const QString path = m_files.filePath(QStringLiteral("qr.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(png);
        file.close();
        QCOMPARE(decodeWithZbar(path), text);
    }

    void qrSvgRendersAndReadsBack()
    {
        const QString url = QStringLiteral("meshdeck://chat/invite/inv_svgRenderedByQtSvg01");
        const QByteArray svg = ChatQr::svg(url);
        QVERIFY(svg.contains("<svg"));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QImage image(400, 400, QImage::Format_RGB32);
        image.fill(Qt::red); // anything the SVG leaves unpainted would break the decode
        {
            QPainter painter(&image);
            renderer.render(&painter);
        }
        QCOMPARE(image.pixelColor(0, 0), QColor(Qt::white));
        const QString path = m_files.filePath(QStringLiteral("qr-svg.png"));
        QVERIFY(image.save(path, "PNG"));
        QCOMPARE(decodeWithZbar(path), url);
    }
};

QTEST_MAIN(TestChatExtras)
#include "tst_chatextras.moc"
