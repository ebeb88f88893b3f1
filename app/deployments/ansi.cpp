#include "ansi.h"

#include <QVariantMap>
#include <QVarLengthArray>

#include <array>
#include <utility>

namespace Meshdeck::Console::Ansi {

namespace {

// The 16 colours (xterm's defaults, the bright ones a little lighter), readable on both themes.
constexpr std::array<const char *, 16> Base16 = {
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"};

QString rgb(int r, int g, int b)
{
    return QStringLiteral("#%1%2%3")
        .arg(r, 2, 16, QLatin1Char('0'))
        .arg(g, 2, 16, QLatin1Char('0'))
        .arg(b, 2, 16, QLatin1Char('0'));
}

bool isControl(char c)
{
    return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
}

// Walks a line the way a terminal reads it and tells the sink about text spans, SGR parameter
// strings and carriage returns. Every byte is either part of a span or dropped.
template<typename Sink> void walk(QByteArrayView line, Sink &sink)
{
    qsizetype n = line.size();
    if (n > 0 && line[n - 1] == '\r')
        --n;
    const char *s = line.data();
    qsizetype i = 0;
    qsizetype spanStart = 0;
    auto endSpan = [&](qsizetype end) {
        if (end > spanStart)
            sink.text(QByteArrayView(s + spanStart, end - spanStart));
    };
    while (i < n) {
        const char c = s[i];
        if (!isControl(c)) {
            ++i;
            continue;
        }
        endSpan(i);
        if (c == '\r') {
            sink.carriageReturn();
            spanStart = ++i;
            continue;
        }
        if (c != 0x1b) { // another control character: dropped
            spanStart = ++i;
            continue;
        }
        if (i + 1 >= n) { // a lone ESC at the end
            spanStart = i = n;
            break;
        }
        const char c2 = s[i + 1];
        if (c2 == '[') {
            qsizetype j = i + 2;
            const qsizetype paramsStart = j;
            while (j < n && s[j] >= 0x30 && s[j] <= 0x3f)
                ++j;
            const qsizetype paramsEnd = j;
            while (j < n && s[j] >= 0x20 && s[j] <= 0x2f)
                ++j;
            if (j >= n) { // cut at the end of the line: dropped
                spanStart = i = n;
                break;
            }
            const char final = s[j];
            if (final >= 0x40 && final <= 0x7e) {
                if (final == 'm' && paramsEnd == j)
                    sink.sgr(QByteArrayView(s + paramsStart, paramsEnd - paramsStart));
                spanStart = i = j + 1;
            } else {
                spanStart = i = j; // malformed: the breaking byte is read again as text
            }
        } else if (c2 == ']') { // OSC, up to BEL or ESC backslash (or the end of the line)
            qsizetype j = i + 2;
            while (j < n) {
                if (s[j] == 0x07) {
                    ++j;
                    break;
                }
                if (s[j] == 0x1b && j + 1 < n && s[j + 1] == '\\') {
                    j += 2;
                    break;
                }
                ++j;
            }
            spanStart = i = j;
        } else if (c2 >= 0x20 && c2 <= 0x2f) { // ESC with intermediates and a final byte: ESC ( B
            qsizetype j = i + 2;
            while (j < n && s[j] >= 0x20 && s[j] <= 0x2f)
                ++j;
            if (j < n)
                ++j;
            spanStart = i = j;
        } else if (c2 >= 0x30 && c2 <= 0x7e) { // a two-byte escape
            spanStart = i = i + 2;
        } else { // ESC before a byte that cannot follow it: only the ESC is dropped
            spanStart = i = i + 1;
        }
    }
    endSpan(n);
}

void applySgr(Style &style, QByteArrayView params)
{
    QVarLengthArray<int, 16> values;
    int current = -1;
    for (const char c : params) {
        if (c >= '0' && c <= '9') {
            current = qMin((current < 0 ? 0 : current) * 10 + (c - '0'), 100'000);
        } else if (c == ';' || c == ':') {
            values.append(current < 0 ? 0 : current);
            current = -1;
        } else {
            return; // private parameters (<, =, >, ?) are not SGR
        }
    }
    values.append(current < 0 ? 0 : current);
    const qsizetype n = values.size();
    for (qsizetype i = 0; i < n; ++i) {
        const int v = values[i];
        if (v == 0) {
            style = {};
        } else if (v == 1) {
            style.bold = true;
        } else if (v == 22) {
            style.bold = false;
        } else if (v >= 30 && v <= 37) {
            style.color = QLatin1String(Base16[size_t(v - 30)]);
        } else if (v >= 90 && v <= 97) {
            style.color = QLatin1String(Base16[size_t(v - 90 + 8)]);
        } else if (v == 39) {
            style.color.clear();
        } else if (v >= 40 && v <= 47) {
            style.background = QLatin1String(Base16[size_t(v - 40)]);
        } else if (v >= 100 && v <= 107) {
            style.background = QLatin1String(Base16[size_t(v - 100 + 8)]);
        } else if (v == 49) {
            style.background.clear();
        } else if (v == 38 || v == 48) {
            QString *target = v == 38 ? &style.color : &style.background;
            if (i + 2 < n && values[i + 1] == 5) {
                if (values[i + 2] <= 255)
                    *target = paletteColor(values[i + 2]);
                i += 2;
            } else if (i + 4 < n && values[i + 1] == 2) {
                if (values[i + 2] <= 255 && values[i + 3] <= 255 && values[i + 4] <= 255)
                    *target = rgb(values[i + 2], values[i + 3], values[i + 4]);
                i += 4;
            } else {
                return; // an extended colour without its values: the rest cannot be read
            }
        }
        // Everything else (dim, italic, underline, blink, inverse, fonts) is not shown.
    }
}

struct SegmentSink {
    QList<Segment> out;
    Style style;
    QString run;

    void flush()
    {
        if (run.isEmpty())
            return;
        QString text = std::exchange(run, {});
        if (!out.isEmpty() && out.last().color == style.color && out.last().background == style.background &&
            out.last().bold == style.bold) {
            out.last().text += text;
        } else {
            out.append(Segment{std::move(text), style.color, style.background, style.bold});
        }
    }
    // Each span is decoded on its own: a UTF-8 sequence cut by an escape sequence is broken, as
    // on a terminal (and strip() reads it the same way).
    void text(QByteArrayView span) { run += QString::fromUtf8(span); }
    void sgr(QByteArrayView params)
    {
        Style next = style;
        applySgr(next, params);
        if (next == style)
            return;
        flush();
        style = std::move(next);
    }
    void carriageReturn()
    {
        run.clear();
        out.clear();
    }
};

struct PlainTextSink {
    QString plain;
    void text(QByteArrayView span) { plain += QString::fromUtf8(span); }
    void sgr(QByteArrayView) {}
    void carriageReturn() { plain.clear(); }
};

// The plain text, appended to `bytes` after what it already holds (from `start`): no buffer of its
// own per line (the filter strips a million lines in one pass).
struct PlainSink {
    QByteArray &bytes;
    qsizetype start = bytes.size();
    void text(QByteArrayView span) { bytes.append(span); }
    void sgr(QByteArrayView) {}
    void carriageReturn() { bytes.truncate(start); }
};

bool needsWalk(QByteArrayView line)
{
    for (const char c : line) {
        if (isControl(c))
            return true;
    }
    return false;
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c + 32) : c;
}
bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Whether `word` (lower case) is at `at`, in any case.
bool matchesAt(QByteArrayView s, qsizetype at, QByteArrayView word)
{
    if (at + word.size() > s.size())
        return false;
    for (qsizetype k = 0; k < word.size(); ++k) {
        if (lower(s[at + k]) != word[k])
            return false;
    }
    return true;
}

// A word on its own: not inside a longer word (a CamelCase join like "TypeError" counts), not
// counted as zero ("0 errors", "0 failed").
bool standsAlone(QByteArrayView s, qsizetype at, qsizetype length)
{
    const char prev = at > 0 ? s[at - 1] : ' ';
    const char next = at + length < s.size() ? s[at + length] : ' ';
    const bool camel = s[at] >= 'A' && s[at] <= 'Z' && prev >= 'a' && prev <= 'z';
    if ((isAlpha(prev) || isDigit(prev)) && !camel)
        return false;
    if (isAlpha(next))
        return false;
    const bool countedZero =
        at >= 2 && s[at - 1] == ' ' && s[at - 2] == '0' && (at < 3 || !isDigit(s[at - 3]));
    return !countedZero;
}

// "exit code N", "exit status N", "exited with code N", "exited with status N", N not zero.
bool nonZeroExit(QByteArrayView s, qsizetype at)
{
    qsizetype j = -1;
    for (const char *form : {"exit code", "exit status", "exited with code", "exited with status"}) {
        const QByteArrayView word(form);
        if (matchesAt(s, at, word)) {
            j = at + word.size();
            break;
        }
    }
    if (j < 0)
        return false;
    while (j < s.size() && (s[j] == ' ' || s[j] == ':' || s[j] == '='))
        ++j;
    for (; j < s.size() && isDigit(s[j]); ++j) {
        if (s[j] != '0')
            return true;
    }
    return false;
}

bool scanForError(QByteArrayView s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        switch (lower(s[i])) {
        case 'e':
            if (s.sliced(i).startsWith("ERR!"))
                return true;
            if (matchesAt(s, i, "error") && standsAlone(s, i, 5))
                return true;
            if (matchesAt(s, i, "exit") && nonZeroExit(s, i))
                return true;
            break;
        case 'f':
            if ((matchesAt(s, i, "failed") && standsAlone(s, i, 6)) ||
                (matchesAt(s, i, "fatal") && standsAlone(s, i, 5)))
                return true;
            break;
        case 'p':
            if (s.sliced(i).startsWith("panic:"))
                return true;
            break;
        default:
            break;
        }
    }
    return false;
}

} // namespace

QString paletteColor(int index)
{
    if (index < 0 || index > 255)
        return {};
    if (index < 16)
        return QLatin1String(Base16[size_t(index)]);
    if (index < 232) {
        static constexpr std::array<int, 6> Levels = {0, 95, 135, 175, 215, 255};
        const int cube = index - 16;
        return rgb(Levels[size_t(cube / 36)], Levels[size_t(cube / 6 % 6)], Levels[size_t(cube % 6)]);
    }
    const int gray = 8 + 10 * (index - 232);
    return rgb(gray, gray, gray);
}

QList<Segment> parse(QByteArrayView line, Style initial)
{
    SegmentSink sink;
    sink.style = std::move(initial);
    walk(line, sink);
    sink.flush();
    return sink.out;
}

QString strip(QByteArrayView line)
{
    if (!needsWalk(line))
        return QString::fromUtf8(line);
    PlainTextSink sink;
    walk(line, sink);
    return sink.plain;
}

void appendStripped(QByteArrayView line, QByteArray &out)
{
    if (!needsWalk(line)) {
        out.append(line);
        return;
    }
    PlainSink sink{out};
    walk(line, sink);
}

QVariantList toVariantList(const QList<Segment> &segments)
{
    QVariantList list;
    list.reserve(segments.size());
    for (const Segment &segment : segments) {
        list.append(QVariantMap{{QStringLiteral("text"), segment.text},
                                {QStringLiteral("color"), segment.color},
                                {QStringLiteral("background"), segment.background},
                                {QStringLiteral("bold"), segment.bold}});
    }
    return list;
}

QString toStyledText(const QList<Segment> &segments)
{
    QString html;
    // Styled text collapses white space like HTML: keep indentation and runs of spaces.
    QChar previous = QLatin1Char(' ');
    for (const Segment &segment : segments) {
        QString text;
        text.reserve(segment.text.size());
        for (const QChar c : segment.text) {
            if (c == QLatin1Char('&'))
                text += QLatin1String("&amp;");
            else if (c == QLatin1Char('<'))
                text += QLatin1String("&lt;");
            else if (c == QLatin1Char('>'))
                text += QLatin1String("&gt;");
            else if (c == QLatin1Char('\t'))
                text += QLatin1String("&nbsp;&nbsp;&nbsp;&nbsp;");
            else if (c == QLatin1Char(' ') && previous == QLatin1Char(' '))
                text += QLatin1String("&nbsp;");
            else
                text += c;
            previous = c;
        }
        if (segment.bold)
            text = QLatin1String("<b>") + text + QLatin1String("</b>");
        if (!segment.color.isEmpty())
            text = QLatin1String("<font color=\"") + segment.color + QLatin1String("\">") + text +
                   QLatin1String("</font>");
        html += text;
    }
    return html;
}

bool isErrorLine(QByteArrayView line)
{
    if (!needsWalk(line))
        return scanForError(line);
    QByteArray plain;
    PlainSink sink{plain};
    walk(line, sink);
    return scanForError(plain);
}

} // namespace Meshdeck::Console::Ansi
