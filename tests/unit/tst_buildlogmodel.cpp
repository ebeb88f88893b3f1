#include "testing.h"

#include "deployments/ansi.h"
#include "deployments/buildlogmodel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Meshdeck::Console;

namespace {
const auto Mode = QAbstractItemModelTester::FailureReportingMode::QtTest;

using Segments = QList<Ansi::Segment>;

Ansi::Segment seg(const char *text, const QString &color = {}, bool bold = false,
                  const QString &background = {})
{
    return Ansi::Segment{QString::fromUtf8(text), color, background, bold};
}

QString segmentsToString(const Segments &segments)
{
    QStringList parts;
    for (const Ansi::Segment &s : segments)
        parts << QStringLiteral("[%1|%2|%3|%4]")
                     .arg(s.text, s.color, s.background, s.bold ? QStringLiteral("b") : QString());
    return parts.join(QString());
}

// The segments written back as escape sequences, for the round trip.
QByteArray encode(const Segments &segments)
{
    QByteArray out;
    auto rgb = [](const QString &color) {
        const int r = color.mid(1, 2).toInt(nullptr, 16);
        const int g = color.mid(3, 2).toInt(nullptr, 16);
        const int b = color.mid(5, 2).toInt(nullptr, 16);
        return QByteArray::number(r) + ';' + QByteArray::number(g) + ';' + QByteArray::number(b);
    };
    for (const Ansi::Segment &s : segments) {
        out += "\x1b[0m";
        if (s.bold)
            out += "\x1b[1m";
        if (!s.color.isEmpty())
            out += "\x1b[38;2;" + rgb(s.color) + 'm';
        if (!s.background.isEmpty())
            out += "\x1b[48;2;" + rgb(s.background) + 'm';
        out += s.text.toUtf8();
    }
    return out;
}

QVariant role(const QAbstractItemModel &model, int row, int role)
{
    return model.data(model.index(row, 0), role);
}

QStringList texts(const BuildLogModel &model)
{
    QStringList lines;
    for (int row = 0; row < model.rowCount(); ++row)
        lines << role(model, row, BuildLogModel::TextRole).toString();
    return lines;
}

void writeFile(const QString &path, const QByteArray &bytes, QIODevice::OpenMode mode = QIODevice::WriteOnly)
{
    QFile file(path);
    QVERIFY2(file.open(mode), qPrintable(file.errorString()));
    QCOMPARE(file.write(bytes), bytes.size());
}

} // namespace

class TestBuildLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ansiTable_data();
    void ansiTable();
    void ansiStyledText();
    void ansiPalette();
    void errorLines_data();
    void errorLines();
    void ansiFuzz();

    void loadsFile();
    void missingFileIsAnError();
    void filters();
    void filterMatchesLineByLine_data();
    void filterMatchesLineByLine();
    void invalidRegexIsAnError();
    void filtersNonAsciiAndInvalidUtf8_data();
    void filtersNonAsciiAndInvalidUtf8();
    void filterAgreesWithLineByLineRegex_data();
    void filterAgreesWithLineByLineRegex();
    void changingFilterCancelsTheRunningOne();
    void appendResumesWithNoGap();
    void appendWhileFiltered();
    void appendedLinesOutliveTheModel();
    void followsAGrowingFile();
    void pausedFollowCountsNewLines();
    void insertsInBatches();
    void copyAndSave();
    void longLineIsCutVisibly();
};

void TestBuildLogModel::ansiTable_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Segments>("expected");
    const QString red = QStringLiteral("#cd3131");
    const QString green = QStringLiteral("#0dbc79");
    QTest::newRow("plain") << QByteArray("npm ci") << Segments{seg("npm ci")};
    QTest::newRow("empty") << QByteArray() << Segments{};
    QTest::newRow("red then reset") << QByteArray("\x1b[31mred\x1b[0m plain")
                                    << Segments{seg("red", red), seg(" plain")};
    QTest::newRow("bold green") << QByteArray("\x1b[1;32mok") << Segments{seg("ok", green, true)};
    QTest::newRow("empty params reset")
        << QByteArray("\x1b[31ma\x1b[mb") << Segments{seg("a", red), seg("b")};
    QTest::newRow("bold off") << QByteArray("\x1b[1mA\x1b[22mB") << Segments{seg("A", {}, true), seg("B")};
    QTest::newRow("default colour") << QByteArray("\x1b[31mA\x1b[39mB") << Segments{seg("A", red), seg("B")};
    QTest::newRow("bright") << QByteArray("\x1b[91mx") << Segments{seg("x", QStringLiteral("#f14c4c"))};
    QTest::newRow("256") << QByteArray("\x1b[38;5;196mx") << Segments{seg("x", QStringLiteral("#ff0000"))};
    QTest::newRow("256 gray") << QByteArray("\x1b[38;5;232mx")
                              << Segments{seg("x", QStringLiteral("#080808"))};
    QTest::newRow("truecolor") << QByteArray("\x1b[38;2;1;2;254mx")
                               << Segments{seg("x", QStringLiteral("#0102fe"))};
    QTest::newRow("colon form") << QByteArray("\x1b[38:5:21mx")
                                << Segments{seg("x", QStringLiteral("#0000ff"))};
    QTest::newRow("background") << QByteArray("\x1b[41mx\x1b[49my")
                                << Segments{seg("x", {}, false, red), seg("y")};
    QTest::newRow("background 256") << QByteArray("\x1b[48;5;21mx")
                                    << Segments{seg("x", {}, false, QStringLiteral("#0000ff"))};
    QTest::newRow("same style merges") << QByteArray("\x1b[31ma\x1b[31mb") << Segments{seg("ab", red)};
    QTest::newRow("colour then more")
        << QByteArray("\x1b[38;5;196;1mx") << Segments{seg("x", QStringLiteral("#ff0000"), true)};
    // Malformed and foreign sequences.
    QTest::newRow("cut at the end") << QByteArray("a\x1b[31") << Segments{seg("a")};
    QTest::newRow("lone escape at the end") << QByteArray("a\x1b") << Segments{seg("a")};
    QTest::newRow("broken by an escape")
        << QByteArray("a\x1b[31\x1b[32mb") << Segments{seg("a"), seg("b", green)};
    QTest::newRow("broken by a high byte") << QByteArray("a\x1b[31\xc3\xa9") << Segments{seg("a\xc3\xa9")};
    QTest::newRow("256 without index") << QByteArray("\x1b[38;5mx") << Segments{seg("x")};
    QTest::newRow("256 out of range") << QByteArray("\x1b[38;5;300mx") << Segments{seg("x")};
    QTest::newRow("truecolor out of range") << QByteArray("\x1b[38;2;1;2;999mx") << Segments{seg("x")};
    QTest::newRow("huge number") << QByteArray("\x1b[99999999999999999999mx") << Segments{seg("x")};
    QTest::newRow("private mode") << QByteArray("\x1b[?25lx\x1b[?25h") << Segments{seg("x")};
    QTest::newRow("cursor movement") << QByteArray("a\x1b[2Kb\x1b[1Gc") << Segments{seg("abc")};
    QTest::newRow("osc title bel") << QByteArray("x\x1b]0;title\x07y") << Segments{seg("xy")};
    QTest::newRow("osc hyperlink st")
        << QByteArray("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") << Segments{seg("link")};
    QTest::newRow("osc cut") << QByteArray("x\x1b]0;title") << Segments{seg("x")};
    QTest::newRow("charset") << QByteArray("x\x1b(By") << Segments{seg("xy")};
    QTest::newRow("two-byte escape") << QByteArray("x\x1b"
                                                   "7y")
                                     << Segments{seg("xy")};
    QTest::newRow("escape before a control") << QByteArray("x\x1b\x01y") << Segments{seg("xy")};
    // Control characters.
    QTest::newRow("progress bar") << QByteArray("\x1b[32mprogress 10%\rprogress 100%")
                                  << Segments{seg("progress 100%", green)};
    QTest::newRow("crlf") << QByteArray("line\r") << Segments{seg("line")};
    QTest::newRow("tab kept, bell dropped") << QByteArray("a\tb\x07") << Segments{seg("a\tb")};
    QTest::newRow("utf-8") << QByteArray("h\xc3\xa9llo \xe2\x9c\x93")
                           << Segments{seg("h\xc3\xa9llo \xe2\x9c\x93")};
    QTest::newRow("invalid utf-8") << QByteArray("a\xff") << Segments{seg("a\xef\xbf\xbd")};
    // Found by ansiFuzz: parse() decoded spans apart, strip() the bytes joined (U+076C).
    QTest::newRow("utf-8 cut by an escape")
        << QByteArray("\xdd\x1b[31m\xac") << Segments{seg("\xef\xbf\xbd"), seg("\xef\xbf\xbd", red)};
    QTest::newRow("html is text") << QByteArray("<b>&amp;</b>") << Segments{seg("<b>&amp;</b>")};
}

void TestBuildLogModel::ansiTable()
{
    QFETCH(QByteArray, input);
    QFETCH(Segments, expected);
    const Segments got = Ansi::parse(input);
    QCOMPARE(segmentsToString(got), segmentsToString(expected));
    QString plain;
    for (const Ansi::Segment &s : expected)
        plain += s.text;
    QCOMPARE(Ansi::strip(input), plain);
}

void TestBuildLogModel::ansiStyledText()
{
    const QString html = Ansi::toStyledText(Ansi::parse("\x1b[1;31m<error> & more\x1b[0m  x"));
    QCOMPARE(html, QStringLiteral("<font color=\"#cd3131\"><b>&lt;error&gt; &amp; more</b></font> &nbsp;x"));
    const QVariantList list = Ansi::toVariantList(Ansi::parse("\x1b[32mok"));
    QCOMPARE(list.size(), 1);
    const QVariantMap first = list.first().toMap();
    QCOMPARE(first.value(QStringLiteral("text")).toString(), QStringLiteral("ok"));
    QCOMPARE(first.value(QStringLiteral("color")).toString(), QStringLiteral("#0dbc79"));
    QCOMPARE(first.value(QStringLiteral("bold")).toBool(), false);
    QVERIFY(first.contains(QStringLiteral("background")));
}

void TestBuildLogModel::ansiPalette()
{
    QCOMPARE(Ansi::paletteColor(1), QStringLiteral("#cd3131"));
    QCOMPARE(Ansi::paletteColor(16), QStringLiteral("#000000"));
    QCOMPARE(Ansi::paletteColor(21), QStringLiteral("#0000ff"));
    QCOMPARE(Ansi::paletteColor(231), QStringLiteral("#ffffff"));
    QCOMPARE(Ansi::paletteColor(255), QStringLiteral("#eeeeee"));
    QCOMPARE(Ansi::paletteColor(256), QString());
}

void TestBuildLogModel::errorLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("error");
    QTest::newRow("error:") << QByteArray("src/main.ts:3:1 - error TS2304: Cannot find name") << true;
    QTest::newRow("Error") << QByteArray("Error: Cannot find module 'vite'") << true;
    QTest::newRow("ERROR") << QByteArray("[ERROR] build failed") << true;
    QTest::newRow("TypeError") << QByteArray("TypeError: x is undefined") << true;
    QTest::newRow("npm ERR!") << QByteArray("npm ERR! code ELIFECYCLE") << true;
    QTest::newRow("failed") << QByteArray("Build failed with 2 errors") << true;
    QTest::newRow("FAILED") << QByteArray("FAILED tests/test_app.py::test_x") << true;
    QTest::newRow("fatal") << QByteArray("fatal: repository not found") << true;
    QTest::newRow("panic") << QByteArray("panic: runtime error") << true;
    QTest::newRow("exit code") << QByteArray("Process exited with code 1") << true;
    QTest::newRow("exit status") << QByteArray("make: *** [all] exit status 2") << true;
    QTest::newRow("exit code:") << QByteArray("command failed, exit code: 127") << true;
    QTest::newRow("coloured") << QByteArray("\x1b[31merror\x1b[0m: missing") << true;
    QTest::newRow("exit code 0") << QByteArray("Process exited with code 0") << false;
    QTest::newRow("0 errors") << QByteArray("Compiled with 0 errors") << false;
    QTest::newRow("errors: 0") << QByteArray("errors: 0, warnings: 2") << false;
    QTest::newRow("0 failed") << QByteArray("Tests: 0 failed, 12 passed") << false;
    QTest::newRow("stderr") << QByteArray("redirecting stderr") << false;
    QTest::newRow("terror") << QByteArray("terrorist") << false;
    QTest::newRow("plain") << QByteArray("added 120 packages in 3s") << false;
    QTest::newRow("err lower") << QByteArray("npm err! lowercase is not npm") << false;
}

void TestBuildLogModel::errorLines()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, error);
    QCOMPARE(Ansi::isErrorLine(line), error);
}

// Random bytes, heavy in the bytes escape sequences are made of: the parser never crashes, the
// plain text is the segments' text, styles alternate, and writing the segments back as escape
// sequences parses to the same segments.
void TestBuildLogModel::ansiFuzz()
{
    // MESHDECK_FUZZ_SEED=N replays a failure.
    const quint32 seed = qEnvironmentVariableIsSet("MESHDECK_FUZZ_SEED")
                             ? qgetenv("MESHDECK_FUZZ_SEED").toUInt()
                             : QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    QRandomGenerator random(seed);
    static const char Alphabet[] = "\x1b\x1b\x1b[[[;;;:mmm0123456789\r\n\t\x07]\\?( aZ\xc3\xa9\xff";
    for (int round = 0; round < 20'000; ++round) {
        QByteArray input;
        const int length = int(random.bounded(120));
        for (int i = 0; i < length; ++i) {
            input += random.bounded(4) == 0 ? char(random.bounded(256))
                                            : Alphabet[random.bounded(int(sizeof(Alphabet) - 1))];
        }
        const Segments segments = Ansi::parse(input);
        QString joined;
        for (qsizetype i = 0; i < segments.size(); ++i) {
            const Ansi::Segment &s = segments[i];
            QVERIFY2(!s.text.isEmpty(), input.toHex().constData());
            if (i > 0) {
                const Ansi::Segment &p = segments[i - 1];
                QVERIFY2(p.color != s.color || p.background != s.background || p.bold != s.bold,
                         input.toHex().constData());
            }
            for (const QChar c : s.text)
                QVERIFY2(c == QLatin1Char('\t') || (c.unicode() >= 0x20 && c.unicode() != 0x7f),
                         input.toHex().constData());
            joined += s.text;
        }
        QCOMPARE(Ansi::strip(input), joined);
        QCOMPARE(segmentsToString(Ansi::parse(encode(segments))), segmentsToString(segments));
        Ansi::toStyledText(segments);
        Ansi::isErrorLine(input);
    }
}

void TestBuildLogModel::loadsFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    QByteArray bytes;
    for (int i = 1; i <= 5000; ++i) {
        if (i == 1234)
            bytes += "\x1b[31mnpm ERR!\x1b[0m missing script: build\n";
        else if (i % 100 == 0)
            bytes += "\x1b[1;32mstep " + QByteArray::number(i) + "\x1b[0m done\n";
        else
            bytes += "line " + QByteArray::number(i) + '\n';
    }
    bytes += "last line without a newline";
    writeFile(path, bytes);

    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    QSignalSpy loading(&model, &BuildLogModel::loadingChanged);
    model.setSource(QUrl::fromLocalFile(path));
    QVERIFY(model.isLoading());
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.error(), QString());
    QCOMPARE(model.rowCount(), 5001);
    QCOMPARE(model.lineCount(), 5001);
    QCOMPARE(role(model, 0, BuildLogModel::TextRole).toString(), QStringLiteral("line 1"));
    QCOMPARE(role(model, 0, BuildLogModel::LineNumberRole).toLongLong(), 1);
    QCOMPARE(role(model, 99, BuildLogModel::TextRole).toString(), QStringLiteral("step 100 done"));
    QCOMPARE(role(model, 99, BuildLogModel::RichTextRole).toString(),
             QStringLiteral("<font color=\"#0dbc79\"><b>step 100</b></font> done"));
    const QVariantList segments = role(model, 99, BuildLogModel::SegmentsRole).toList();
    QCOMPARE(segments.size(), 2);
    QCOMPARE(segments.at(0).toMap().value(QStringLiteral("bold")).toBool(), true);
    QCOMPARE(role(model, 5000, BuildLogModel::TextRole).toString(),
             QStringLiteral("last line without a newline"));
    QCOMPARE(model.firstErrorRow(), 1233);
    QCOMPARE(role(model, 1233, BuildLogModel::IsErrorRole).toBool(), true);
    QCOMPARE(role(model, 1232, BuildLogModel::IsErrorRole).toBool(), false);
    QCOMPARE(model.nextErrorRow(1233), -1);
    QCOMPARE(model.errorLineCount(), 1);
    QCOMPARE(model.valueAt(4, QStringLiteral("text")).toString(), QStringLiteral("line 5"));
}

void TestBuildLogModel::missingFileIsAnError()
{
    QTemporaryDir dir;
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(dir.filePath(QStringLiteral("nope/build.log"))));
    QVERIFY(model.error().contains(QStringLiteral("could not be read")));
    QVERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.appendLines(1, QStringList{QStringLiteral("x")}), -1);

    // A source that can be read clears the error; so does a retry once the file is there.
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, "one\n");
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.error(), QString());
    const QString later = dir.filePath(QStringLiteral("later.log"));
    model.setSource(QUrl::fromLocalFile(later));
    QVERIFY(!model.error().isEmpty());
    QCOMPARE(model.rowCount(), 0);
    writeFile(later, "two\nthree\n");
    model.reload();
    QCOMPARE(model.error(), QString());
    QTRY_COMPARE(model.rowCount(), 2);
}

void TestBuildLogModel::filters()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    QByteArray bytes;
    for (int i = 1; i <= 3000; ++i)
        bytes += (i % 7 == 0 ? "\x1b[33mWarn\x1b[0m: seven " : "info: line ") + QByteArray::number(i) + '\n';
    bytes += "error: the last one\n";
    writeFile(path, bytes);

    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 3001);

    QSignalSpy filtering(&model, &BuildLogModel::filteringChanged);
    model.setFilterText(QStringLiteral("WARN: SEVEN")); // case-insensitive, escapes stripped
    QTRY_VERIFY(!model.isFiltering());
    QCOMPARE(model.rowCount(), 3000 / 7);
    QCOMPARE(role(model, 0, BuildLogModel::LineNumberRole).toLongLong(), 7);
    QCOMPARE(role(model, 1, BuildLogModel::TextRole).toString(), QStringLiteral("Warn: seven 14"));
    QCOMPARE(model.rowOfLine(14), 1);
    QCOMPARE(model.rowOfLine(15), -1);
    QCOMPARE(model.lineCount(), 3001);
    QCOMPARE(model.firstErrorRow(), -1); // the error line is filtered out

    model.setFilterIsRegex(true);
    model.setFilterText(QStringLiteral("^(info: line 1\\d\\d$|error)"));
    QTRY_VERIFY(!model.isFiltering());
    QStringList expected;
    for (int i = 100; i <= 199; ++i) {
        if (i % 7 != 0)
            expected << QStringLiteral("info: line %1").arg(i);
    }
    expected << QStringLiteral("error: the last one");
    QCOMPARE(texts(model), expected);
    QCOMPARE(model.firstErrorRow(), int(expected.size()) - 1);
    QCOMPARE(model.textOf(0, 1), QStringLiteral("info: line 100\ninfo: line 101"));

    model.setFilterText({});
    QCOMPARE(model.rowCount(), 3001);
    QCOMPARE(model.firstErrorRow(), 3000);
}

// The filter searches many lines at once; a match must still be a match within one line.
void TestBuildLogModel::filterMatchesLineByLine_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("regex");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("across lines") << QStringLiteral("a\\s+b") << true << QStringList{};
    QTest::newRow("line end") << QStringLiteral("a$") << true
                              << QStringList{QStringLiteral("a"), QStringLiteral("x a")};
    QTest::newRow("line start") << QStringLiteral("^b") << true
                                << QStringList{QStringLiteral("b"), QStringLiteral("b y")};
    QTest::newRow("subject start") << QStringLiteral("\\Aerror") << true
                                   << QStringList{QStringLiteral("error at start")};
    QTest::newRow("subject end") << QStringLiteral("error\\z") << true
                                 << QStringList{QStringLiteral("middle error")};
    QTest::newRow("lookahead past the line") << QStringLiteral("a(?=\\nb)") << true << QStringList{};
    QTest::newRow("lookbehind past the line") << QStringLiteral("(?<=a\\n)b") << true << QStringList{};
    QTest::newRow("greedy across lines")
        << QStringLiteral("[^z]+y") << true << QStringList{QStringLiteral("b y")};
    QTest::newRow("empty match") << QStringLiteral("q*") << true
                                 << QStringList{QStringLiteral("a"),
                                                QStringLiteral("b"),
                                                QStringLiteral("x a"),
                                                QStringLiteral("b y"),
                                                QStringLiteral("error at start"),
                                                QStringLiteral("middle error")};
    QTest::newRow("plain with metacharacters")
        << QStringLiteral("x a") << false << QStringList{QStringLiteral("x a")};
    QTest::newRow("plain case") << QStringLiteral("ERROR") << false
                                << QStringList{QStringLiteral("error at start"),
                                               QStringLiteral("middle error")};
}

void TestBuildLogModel::filterMatchesLineByLine()
{
    QFETCH(QString, pattern);
    QFETCH(bool, regex);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, "a\nb\nx a\nb y\nerror at start\nmiddle error\n");
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY(!model.isLoading());
    model.setFilterIsRegex(regex);
    model.setFilterText(pattern);
    QCOMPARE(model.error(), QString());
    QTRY_VERIFY(!model.isFiltering());
    QCOMPARE(texts(model), expected);
}

void TestBuildLogModel::invalidRegexIsAnError()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, "a(b\nab\n");
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_COMPARE(model.rowCount(), 2);

    model.setFilterIsRegex(true);
    model.setFilterText(QStringLiteral("a("));
    QVERIFY2(model.error().contains(QStringLiteral("not a valid regular expression")),
             qPrintable(model.error()));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.isFiltering());

    // The same text as plain text is fine; so is a valid expression.
    model.setFilterIsRegex(false);
    QCOMPARE(model.error(), QString());
    QTRY_COMPARE(model.rowCount(), 1);
    model.setFilterIsRegex(true);
    QVERIFY(!model.error().isEmpty());
    model.setFilterText(QStringLiteral("a\\("));
    QCOMPARE(model.error(), QString());
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(role(model, 0, BuildLogModel::TextRole).toString(), QStringLiteral("a(b"));
}

// The filter searches valid UTF-8 as bytes and decodes the rest: both agree with what the rows show
// (non-ASCII letters match case-insensitively; an invalid byte is U+FFFD, as in the row's text).
void TestBuildLogModel::filtersNonAsciiAndInvalidUtf8_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("regex");
    QTest::addColumn<QList<int>>("lines");
    const QByteArray valid = "\xc3\x89"
                             "chec: \xc3\xa9tape 1\n" // Échec: étape 1
                             "\xc3\xa9"
                             "chec: \xc3\xa9tape 2\n" // échec: étape 2
                             "\x1b[31m\xc3\x89"
                             "CHEC\x1b[0m colour\n" // ÉCHEC, red
                             "plain ascii line\n"
                             "\xe2\x9c\x93 done in 2s\n"                   // ✓ done
                             "last line without newline \xf0\x9f\x9a\x80"; // 🚀
    QByteArray invalid = valid;
    invalid.replace("plain ascii line", "bad \xff byte a\xff"
                                        "b");
    invalid += "\ncut short \xe2\x82\n"
               "overlong \xc0\xaf and surrogate \xed\xa0\x80\n";
    for (const auto &[name, log] : {std::pair{"valid UTF-8", valid}, std::pair{"invalid UTF-8", invalid}}) {
        const auto row = [&](const char *what) -> QTestData & {
            return QTest::newRow(
                qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(name), QLatin1String(what))));
        };
        row("plain non-ASCII, other case")
            << log << QStringLiteral("\u00c9CHEC") << false << QList<int>{1, 2, 3};
        row("regex non-ASCII class") << log << QStringLiteral("^[\u00e9\u00c9]chec: \u00e9tape \\d$") << true
                                     << QList<int>{1, 2};
        row("regex one character is a code point")
            << log << QStringLiteral("^.chec") << true << QList<int>{1, 2, 3};
        row("emoji at the end, no newline") << log << QStringLiteral("\U0001F680$") << true << QList<int>{6};
        row("check mark") << log << QStringLiteral("\u2713 DONE") << false << QList<int>{5};
        row("ascii") << log << QStringLiteral("line") << false
                     << (log == valid ? QList<int>{4, 6} : QList<int>{6});
    }
    QTest::newRow("an invalid byte is U+FFFD") << invalid << QStringLiteral("a.b$") << true << QList<int>{4};
    QTest::newRow("U+FFFD found where bytes were invalid")
        << invalid << QStringLiteral("\\x{FFFD}") << true << QList<int>{4, 7, 8};
    QTest::newRow("text around an invalid byte")
        << invalid << QStringLiteral("BYTE A") << false << QList<int>{4};
    QTest::newRow("no U+FFFD in valid UTF-8") << valid << QStringLiteral("\\x{FFFD}") << true << QList<int>{};
}

void TestBuildLogModel::filtersNonAsciiAndInvalidUtf8()
{
    QFETCH(QByteArray, log);
    QFETCH(QString, pattern);
    QFETCH(bool, regex);
    QFETCH(QList<int>, lines);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, log);
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY(!model.isLoading());
    model.setFilterIsRegex(regex);
    model.setFilterText(pattern);
    QCOMPARE(model.error(), QString());
    QTRY_VERIFY(!model.isFiltering());
    QList<int> got;
    for (int row = 0; row < model.rowCount(); ++row)
        got << role(model, row, BuildLogModel::LineNumberRole).toInt();
    QCOMPARE(got, lines);
}

// Over a log of many kinds of lines, the filter's rows are exactly the lines whose shown text a
// QRegularExpression (case-insensitive) matches on its own.
void TestBuildLogModel::filterAgreesWithLineByLineRegex_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("withInvalidBytes");
    const QStringList patterns{QStringLiteral("error\\s+TS\\d+|cannot find"),
                               QStringLiteral("^step 1\\d*7 "),
                               QStringLiteral("\\d{3}$"),
                               QStringLiteral("\u00e9t\u00e9"),
                               QStringLiteral("[^a-z ]+$"),
                               QStringLiteral("\\bWARN\\b"),
                               QStringLiteral("x*"),
                               QStringLiteral("(?<=step )\\d+5"),
                               QStringLiteral("\\s\\s+\\S"),
                               QStringLiteral("^$"),
                               QStringLiteral("^plain line \\d+ done$"),
                               QStringLiteral("progress|title|\\[$|^plain line \\d+$")};
    for (const bool invalid : {false, true}) {
        for (const QString &pattern : patterns)
            QTest::newRow(qPrintable(pattern + (invalid ? QStringLiteral(" (invalid bytes)") : QString())))
                << pattern << invalid;
    }
}

void TestBuildLogModel::filterAgreesWithLineByLineRegex()
{
    QFETCH(QString, pattern);
    QFETCH(bool, withInvalidBytes);
    QByteArray log;
    for (int i = 1; i <= 20'000; ++i) {
        switch (i % 9) {
        case 0:
            log += "src/app.ts(" + QByteArray::number(i) + ",4): error TS2304: Cannot find name 'x'\n";
            break;
        case 1:
            log += "\x1b[32mstep " + QByteArray::number(i) + " \x1b[0mok\n";
            break;
        case 2:
            log += "WARN deprecated package " + QByteArray::number(i) + "\n";
            break;
        case 3:
            log += "\xc3\xa9t\xc3\xa9 " + QByteArray::number(i) + " caf\xc3\xa9\n";
            break;
        case 4:
            log += "\n";
            break;
        case 5:
            log += "  indented   line " + QByteArray::number(i) + "\n";
            break;
        case 6:
            log += (withInvalidBytes && i % 1000 == 6 ? "broken \xff\xfe step " : "step ") +
                   QByteArray::number(i) + " \xe2\x9c\x93\n";
            break;
        default:
            // Now and then what only Ansi's full reading strips: a carriage return, an OSC title, an
            // escape that is not CSI, a sequence cut short at the end of the line.
            if (i % 5 == 0)
                log += "progress 10%\rplain line \x1b]0;title\x07" + QByteArray::number(i) +
                       " \x1b(Bdone\x1b[\n";
            else if (i % 5 == 2)
                log += "\x1b[1;32mplain\x1b[0m line " + QByteArray::number(i) + "\r\n";
            else
                log += "plain line " + QByteArray::number(i) + "\n";
            break;
        }
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, log);
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY(!model.isLoading());
    QTRY_COMPARE(model.rowCount(), 20'000);
    QList<int> expected;
    const QRegularExpression reference(pattern, QRegularExpression::CaseInsensitiveOption);
    QVERIFY(reference.isValid());
    for (int row = 0; row < model.rowCount(); ++row) {
        if (reference.match(role(model, row, BuildLogModel::TextRole).toString()).hasMatch())
            expected << row + 1;
    }
    QVERIFY2(!expected.isEmpty() || pattern == QLatin1String("^$"),
             "a pattern that matches nothing proves little");
    model.setFilterIsRegex(true);
    model.setFilterText(pattern);
    QTRY_VERIFY(!model.isFiltering());
    QList<int> got;
    for (int row = 0; row < model.rowCount(); ++row)
        got << role(model, row, BuildLogModel::LineNumberRole).toInt();
    QCOMPARE(got.size(), expected.size());
    QCOMPARE(got, expected);
}

void TestBuildLogModel::changingFilterCancelsTheRunningOne()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    QByteArray bytes;
    for (int i = 0; i < 300'000; ++i)
        bytes += (i % 2 ? "odd " : "even ") + QByteArray::number(i) + '\n';
    writeFile(path, bytes);
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 300'000);

    model.setFilterText(QStringLiteral("odd"));
    QVERIFY(model.isFiltering());
    model.setFilterText(QStringLiteral("even 123456")); // while the first one runs
    QTRY_VERIFY(!model.isFiltering());
    QCOMPARE(texts(model), QStringList{QStringLiteral("even 123456")});
}

void TestBuildLogModel::appendResumesWithNoGap()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, QByteArray());
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    QSignalSpy resume(&model, &BuildLogModel::resumeNeeded);
    model.setSource(QUrl::fromLocalFile(path));
    // Lines that arrive before the file is read wait for it.
    QCOMPARE(model.appendLines(1, QStringList{QStringLiteral("a"), QStringLiteral("b")}), 3);
    QTRY_VERIFY(!model.isLoading());
    QTRY_COMPARE(model.lineCount(), 2);

    QCOMPARE(model.appendLines(2, QStringList{QStringLiteral("b"), QStringLiteral("c")}), 4); // overlap
    QCOMPARE(model.appendLines(1, QStringList{QStringLiteral("a")}), 4);                      // all seen
    QCOMPARE(resume.count(), 0);
    QCOMPARE(model.appendLines(6, QStringList{QStringLiteral("f")}), 4); // a gap: refused
    QCOMPARE(resume.count(), 1);
    QCOMPARE(resume.first().first().toLongLong(), 4);
    QCOMPARE(model.appendLines(4, QStringList{QStringLiteral("d"), QStringLiteral("e"), QStringLiteral("f")}),
             7);
    QTRY_COMPARE(model.lineCount(), 6);
    QCOMPARE(texts(model), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                        QStringLiteral("d"), QStringLiteral("e"), QStringLiteral("f")}));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("a\nb\nc\nd\ne\nf\n"));

    // Reopened, the log resumes after its last line.
    BuildLogModel again;
    again.setSource(QUrl::fromLocalFile(path));
    QCOMPARE(again.appendLines(7, QStringList{QStringLiteral("g")}), 8);
    QTRY_COMPARE(again.lineCount(), 7);
    QCOMPARE(again.appendLines(9, QStringList{QStringLiteral("i")}), 8);
}

void TestBuildLogModel::appendWhileFiltered()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, "keep 1\ndrop 2\n");
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    model.setFilterText(QStringLiteral("keep"));
    QTRY_COMPARE(model.rowCount(), 1);
    model.appendLines(
        3, QStringList{QStringLiteral("keep 3"), QStringLiteral("drop 4"), QStringLiteral("keep 5")});
    QTRY_COMPARE(model.rowCount(), 3);
    QTRY_VERIFY(!model.isFiltering());
    QCOMPARE(model.lineCount(), 5);
    QCOMPARE(texts(model),
             (QStringList{QStringLiteral("keep 1"), QStringLiteral("keep 3"), QStringLiteral("keep 5")}));
}

// Lines are written by a worker; those still waiting when the model goes are written too.
void TestBuildLogModel::appendedLinesOutliveTheModel()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, QByteArray());
    QByteArray expected;
    {
        BuildLogModel model;
        model.setSource(QUrl::fromLocalFile(path));
        QTRY_VERIFY(!model.isLoading());
        for (int i = 1; i <= 500; ++i) {
            const QByteArray line = "line " + QByteArray::number(i);
            model.appendLines(i, QByteArrayList{line});
            expected += line + '\n';
        }
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), expected);
}

void TestBuildLogModel::followsAGrowingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, "first\npart");
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_COMPARE(model.rowCount(), 2);
    QCOMPARE(role(model, 1, BuildLogModel::TextRole).toString(), QStringLiteral("part"));

    // Another process writes: the open last line grows in place, then new lines follow.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    writeFile(path, "ial error\nthird\n", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(texts(model), (QStringList{QStringLiteral("first"), QStringLiteral("partial error"),
                                        QStringLiteral("third")}));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.firstErrorRow(), 1);

    // With a filter on, a growing last line that starts to match shows up.
    model.setFilterText(QStringLiteral("fourth line"));
    QTRY_VERIFY(!model.isFiltering());
    QCOMPARE(model.rowCount(), 0);
    writeFile(path, "fourth", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE(model.lineCount(), 4);
    QTRY_VERIFY(!model.isFiltering());
    QCOMPARE(model.rowCount(), 0);
    writeFile(path, " line\n", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.lineCount(), 4);
    QCOMPARE(role(model, 0, BuildLogModel::LineNumberRole).toLongLong(), 4);

    // A file that is replaced by a shorter one is read again.
    writeFile(path, "new\n");
    model.setFilterText({});
    QTRY_COMPARE(texts(model), QStringList{QStringLiteral("new")});
}

void TestBuildLogModel::pausedFollowCountsNewLines()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, "one\n");
    BuildLogModel model;
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY(!model.isLoading());
    QVERIFY(model.following());
    model.appendLines(2, QStringList{QStringLiteral("two")});
    QTRY_COMPARE(model.rowCount(), 2);
    QCOMPARE(model.newLinesWhilePaused(), 0); // following: nothing counted

    QSignalSpy following(&model, &BuildLogModel::followingChanged);
    model.setFollowing(false);
    QCOMPARE(following.count(), 1);
    model.appendLines(3, QStringList{QStringLiteral("three"), QStringLiteral("four")});
    QTRY_COMPARE(model.rowCount(), 4); // rows keep coming while paused
    QCOMPARE(model.newLinesWhilePaused(), 2);
    model.setFollowing(true);
    QCOMPARE(model.newLinesWhilePaused(), 0);
}

// 50 000 lines a second arrive as many small pieces; rows go in at most once per frame.
void TestBuildLogModel::insertsInBatches()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, QByteArray());
    BuildLogModel model;
    QAbstractItemModelTester tester(&model, Mode);
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY(!model.isLoading());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 1; i <= 200; ++i)
        model.appendLines(i, QStringList{QStringLiteral("line %1").arg(i)});
    QTRY_COMPARE(model.rowCount(), 200);
    QVERIFY2(inserted.count() <= 3, qPrintable(QString::number(inserted.count())));
    QCOMPARE(role(model, 199, BuildLogModel::TextRole).toString(), QStringLiteral("line 200"));
}

void TestBuildLogModel::copyAndSave()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, "\x1b[32mok\x1b[0m one\ntwo\r\nthree");
    BuildLogModel model;
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(model.textOf(0, 2), QStringLiteral("ok one\ntwo\nthree"));
    QCOMPARE(model.textOf(-5, 99), QStringLiteral("ok one\ntwo\nthree"));
    QCOMPARE(model.textOf(2, 1), QString());

    QSignalSpy saved(&model, &BuildLogModel::saveFinished);
    const QString target = dir.filePath(QStringLiteral("saved.txt"));
    model.saveTo(QUrl::fromLocalFile(target));
    QTRY_COMPARE(saved.count(), 1);
    QVERIFY2(saved.first().at(0).toBool(), qPrintable(saved.first().at(1).toString()));
    QFile file(target);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("ok one\ntwo\nthree\n"));

    model.saveTo(QUrl::fromLocalFile(dir.filePath(QStringLiteral("missing/dir/saved.txt"))));
    QTRY_COMPARE(saved.count(), 2);
    QCOMPARE(saved.last().at(0).toBool(), false);
    QVERIFY(!saved.last().at(1).toString().isEmpty());
}

void TestBuildLogModel::longLineIsCutVisibly()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    writeFile(path, QByteArray(BuildLogModel::MaxShownLineBytes + 1000, 'x') + "\nnext\n");
    BuildLogModel model;
    model.setSource(QUrl::fromLocalFile(path));
    QTRY_COMPARE(model.rowCount(), 2);
    const QString text = role(model, 0, BuildLogModel::TextRole).toString();
    QVERIFY(text.startsWith(QString(BuildLogModel::MaxShownLineBytes, QLatin1Char('x')) + QLatin1Char(' ')));
    QVERIFY2(text.contains(QStringLiteral("1000 more bytes")), qPrintable(text.right(80)));
    QCOMPARE(role(model, 1, BuildLogModel::TextRole).toString(), QStringLiteral("next"));
}

QTEST_GUILESS_MAIN(TestBuildLogModel)
#include "tst_buildlogmodel.moc"
