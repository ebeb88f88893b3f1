#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QVariantList>

namespace Meshdeck::Console::Ansi {

// One run of text in one style. Colours are "#rrggbb", empty for the view's default.
struct Segment {
    QString text;
    QString color;
    QString background;
    bool bold = false;

    bool operator==(const Segment &other) const = default;
};

// The style that carries from one escape sequence to the next.
struct Style {
    QString color;
    QString background;
    bool bold = false;

    bool operator==(const Style &other) const = default;
};

// Parses one log line (no newline) as a terminal would show it: SGR sequences (ESC [ … m) set
// the style — reset, bold, the 16 colours, 256 colours (38;5;n) and truecolor (38;2;r;g;b), for
// the foreground and the background; every other escape sequence (other CSI, OSC up to BEL or
// ESC \, two-byte escapes) is dropped; a malformed or cut sequence is dropped up to the byte that
// breaks it, which is kept as text. A carriage return inside the line starts it over (progress
// bars), a trailing one (CRLF) is dropped; other control characters except tab are dropped.
// Bytes are UTF-8 (invalid sequences become U+FFFD). `initial` is the style the line starts in.
QList<Segment> parse(QByteArrayView line, Style initial = {});

// The plain text of a line: parse() without the styles.
QString strip(QByteArrayView line);
// The same, as UTF-8 bytes appended to `out` (no decoding: invalid UTF-8 stays as it is).
void appendStripped(QByteArrayView line, QByteArray &out);

// The segments as QML reads them: a list of {text, color, background, bold} maps.
QVariantList toVariantList(const QList<Segment> &segments);

// The segments as Text.StyledText: <font color> and <b>, with &, < and > escaped (the background
// is not part of StyledText; the segments role carries it).
QString toStyledText(const QList<Segment> &segments);

// Whether a build log line reports an error: the word "error" (any case, also "TypeError:"),
// npm's "ERR!", the word "failed" or "fatal" (any case), "panic:", and a non-zero
// "exit code N", "exit status N" or "exited with code N". "0 errors" and "errors: 0" do not count.
// Escape sequences in `line` are skipped (the bytes need not be stripped first).
bool isErrorLine(QByteArrayView line);

// The colour of a 256-colour palette entry (0-15 the 16 colours).
QString paletteColor(int index);

} // namespace Meshdeck::Console::Ansi
