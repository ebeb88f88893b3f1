#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <array>
#include <cstring>
#include <string_view>

namespace Meshdeck::Http {

// A header field name in lower case. The names most requests and responses carry come back as
// shared literals, so parsing them allocates nothing; any other name is copied, lower-cased.
QByteArray lowerHeaderName(QByteArrayView name);

// RFC 9110's tchar as a table: every byte of every header name is checked.
inline constexpr std::array<bool, 256> TokenChars = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[size_t(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
        table[uchar(c)] = true;
    return table;
}();

// A token (RFC 9110 5.6.2): one or more tchars.
inline bool isToken(QByteArrayView v)
{
    if (v.isEmpty())
        return false;
    for (const char c : v) {
        if (!TokenChars[uchar(c)])
            return false;
    }
    return true;
}

// Whether `name` is exactly `literal` (a header name, method or token, compared byte for byte):
// the sizes first, so a name of another length costs one comparison of two integers. QByteArray's
// own == with a string literal counts the literal and compares the bytes whatever the sizes, and
// every header of every request is compared with a dozen names.
template<qsizetype N> inline bool isNamed(QByteArrayView name, const char (&literal)[N])
{
    return name.size() == N - 1 && std::memcmp(name.data(), literal, N - 1) == 0;
}

// The index of the first `c` in `v` at or after `from`, or -1. QByteArrayView::indexOf(char) runs
// Qt's general substring search (some forty instructions before it gets to memchr); the parsers and
// the gateway look for single bytes in every request line, header list and path.
inline qsizetype findByte(QByteArrayView v, char c, qsizetype from = 0)
{
    if (from >= v.size())
        return -1;
    const void *at = std::memchr(v.data() + from, c, size_t(v.size() - from));
    return at ? qsizetype(static_cast<const char *>(at) - v.data()) : -1;
}

// The index of the last `c` in `v`, or -1.
inline qsizetype findLastByte(QByteArrayView v, char c)
{
    const void *at = v.isEmpty() ? nullptr : memrchr(v.data(), c, size_t(v.size()));
    return at ? qsizetype(static_cast<const char *>(at) - v.data()) : -1;
}

// Copies `bytes` to `at` and moves `at` past them: for writing a head whose size was counted first.
inline void putBytes(char *&at, QByteArrayView bytes)
{
    if (!bytes.isEmpty())
        std::memcpy(at, bytes.data(), size_t(bytes.size()));
    at += bytes.size();
}

// The headers whose say is an HTTP client's own, never a caller's (any case): Host, Connection,
// Content-Length and Transfer-Encoding, the framing and the connection's fate.
bool isTheClientsToSay(QByteArrayView name);

// Whether `lines` are header lines and nothing else, as Http::UpstreamRequest::headerLines must be:
// each "name: value" ending in CRLF, the name a token, the value without control characters but
// tab (so no CR, LF or NUL: nothing ends the line or the head early), and none of them one of the
// isTheClientsToSay() names. Otherwise false, with what is wrong in `error`.
bool wellFramedHeaderLines(QByteArrayView lines, QString *error = nullptr);

} // namespace Meshdeck::Http
