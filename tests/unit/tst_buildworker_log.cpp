// The build log as the queue receives it: numbering, masking, the byte budget and its one marker.
#include "build/buildlog.h"

#include <QTest>

using namespace Meshdeck;
using namespace Meshdeck::Build;

namespace {
QList<QByteArray> texts(const QList<BuildLogLine> &lines)
{
    QList<QByteArray> out;
    for (const BuildLogLine &line : lines)
        out.append(line.text);
    return out;
}
} // namespace

class TestBuildLog : public QObject
{
    Q_OBJECT

private slots:
    void splitsAndNumbersAcrossChunks()
    {
        BuildLog log({}, 1 << 20, 5);
        log.addOutput("one\ntw");
        log.addOutput("o\r\nthree");
        log.note(QStringLiteral("step"));
        log.addOutput("\n\x1b[31mred\x1b[0m\npartial");
        log.endOutput();
        const QList<BuildLogLine> lines = log.takeLines();
        QCOMPARE(texts(lines), (QList<QByteArray>{"one", "two", "[meshdeck] step", "three",
                                                  "\x1b[31mred\x1b[0m", "partial"}));
        for (int i = 0; i < lines.size(); ++i)
            QCOMPARE(lines[i].number, 5 + i);
        QCOMPARE(log.nextNumber(), 11);
        QVERIFY(log.takeLines().isEmpty());
    }

    void masksEverySecret()
    {
        const QList<BuildVariable> variables{
            {QStringLiteral("TOKEN"), QStringLiteral("s3cr3t"), true},
            {QStringLiteral("LONG"), QStringLiteral("s3cr3t-and-more"), true},
            {QStringLiteral("PLAIN"), QStringLiteral("visible"), false},
        };
        BuildLog log(variables, 1 << 20);
        log.addOutput("a s3cr3t b s3cr3t-and-more c visible\n");
        log.note(QStringLiteral("cloning with s3cr3t"));
        const QList<QByteArray> lines = texts(log.takeLines());
        QCOMPARE(
            lines[0],
            QByteArray("a \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 b "
                       "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 c visible"));
        QVERIFY(!lines[1].contains("s3cr3t"));
    }

    // A multi-line secret (a PEM key) reaches the log one line at a time: every line of it is
    // masked, however the build prints it (as is, indented, with CRLF), and a value with one
    // non-empty line is masked whatever its length.
    void masksEveryLineOfAMultiLineSecret()
    {
        const QByteArray body1 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        const QByteArray body2 = "q0VhTRs2Xr1Ff9bTz+3kGx1tMwUq8sFk2nYc0pH5vLz9aJ7e1Ww";
        const QByteArray pem =
            "-----BEGIN PRIVATE KEY-----\n" + body1 + "\n" + body2 + "\nAb==\n-----END PRIVATE KEY-----\n";
        const QList<BuildVariable> variables{
            {QStringLiteral("KEY"), QString::fromLatin1(pem), true},
            {QStringLiteral("SHORT"), QStringLiteral("\nxyz\n"), true},
            {QStringLiteral("CERT"), QStringLiteral("not-secret\nvisible-line"), false},
        };
        BuildLog log(variables, 1 << 20);
        log.addOutput(pem);                                         // printed as is
        log.addOutput("  " + body1 + "\r\n\t" + body2 + " tail\n"); // indented, CRLF, and mid-line
        log.addOutput("short xyz here\nnot-secret\nvisible-line\nAb== stays\n");
        const QList<QByteArray> lines = texts(log.takeLines());
        QCOMPARE(lines.size(), 11);
        for (const QByteArray &line : lines) {
            QVERIFY2(!line.contains(body1) && !line.contains(body2), line.constData());
            QVERIFY2(!line.contains("PRIVATE KEY"), line.constData());
            QVERIFY2(!line.contains("xyz"), line.constData());
        }
        QVERIFY(lines[1].startsWith("\xe2\x80\xa2")); // masked, not dropped: the line is still there
        QCOMPARE(lines[6].right(5), QByteArray(" tail"));
        QVERIFY(lines.contains("not-secret")); // a variable that is not secret is shown
        QVERIFY(lines.contains("visible-line"));
        QVERIFY(lines.contains("Ab== stays")); // a line under the minimum is not masked on its own
    }

    void cutsAFloodWithOneMarker()
    {
        BuildLog log({}, 100);
        for (int i = 0; i < 1000; ++i)
            log.addOutput("0123456789\n");
        log.note(QStringLiteral("build finished"));
        const QList<QByteArray> lines = texts(log.takeLines());
        // 9 lines of 11 bytes fit in 100; then the marker, then only the worker's own note.
        QCOMPARE(lines.size(), 11);
        QCOMPARE(lines.count(BuildLog::limitMarker(100)), 1);
        QCOMPARE(lines[9], BuildLog::limitMarker(100));
        QCOMPARE(lines[10], QByteArray("[meshdeck] build finished"));
        QVERIFY(log.capped());
        QVERIFY(log.keptBytes() <= 100);
    }

    void cutsAnEndlessLine()
    {
        BuildLog log({}, 1 << 30);
        const QByteArray chunk(1000, 'x');
        for (int i = 0; i < 200; ++i)
            log.addOutput(chunk);
        const QList<BuildLogLine> lines = log.takeLines();
        QCOMPARE(lines.size(), 200 * 1000 / BuildLog::maxLineBytes);
        QCOMPARE(lines[0].text.size(), BuildLog::maxLineBytes);
    }
};

QTEST_GUILESS_MAIN(TestBuildLog)
#include "tst_buildworker_log.moc"
