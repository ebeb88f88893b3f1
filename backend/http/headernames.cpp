#include "headernames.h"

#include <array>
#include <vector>

namespace Meshdeck::Http {

namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

bool equalsLower(QByteArrayView name, const QByteArray &known)
{
    if (name.size() != known.size())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (lower(name[i]) != known[i])
            return false;
    }
    return true;
}

} // namespace

QByteArray lowerHeaderName(QByteArrayView name)
{
    static const std::array<QByteArray, 36> common = {
        QByteArrayLiteral("host"),
        QByteArrayLiteral("user-agent"),
        QByteArrayLiteral("accept"),
        QByteArrayLiteral("accept-encoding"),
        QByteArrayLiteral("accept-language"),
        QByteArrayLiteral("accept-ranges"),
        QByteArrayLiteral("authorization"),
        QByteArrayLiteral("cache-control"),
        QByteArrayLiteral("connection"),
        QByteArrayLiteral("content-encoding"),
        QByteArrayLiteral("content-length"),
        QByteArrayLiteral("content-type"),
        QByteArrayLiteral("cookie"),
        QByteArrayLiteral("date"),
        QByteArrayLiteral("etag"),
        QByteArrayLiteral("expect"),
        QByteArrayLiteral("forwarded"),
        QByteArrayLiteral("if-modified-since"),
        QByteArrayLiteral("if-none-match"),
        QByteArrayLiteral("keep-alive"),
        QByteArrayLiteral("last-modified"),
        QByteArrayLiteral("location"),
        QByteArrayLiteral("origin"),
        QByteArrayLiteral("pragma"),
        QByteArrayLiteral("referer"),
        QByteArrayLiteral("server"),
        QByteArrayLiteral("set-cookie"),
        QByteArrayLiteral("traceparent"),
        QByteArrayLiteral("tracestate"),
        QByteArrayLiteral("transfer-encoding"),
        QByteArrayLiteral("upgrade"),
        QByteArrayLiteral("vary"),
        QByteArrayLiteral("x-forwarded-for"),
        QByteArrayLiteral("x-forwarded-host"),
        QByteArrayLiteral("x-forwarded-proto"),
        QByteArrayLiteral("x-request-id"),
    };
    // The known names by length: a name is compared with the few of its own length only.
    static const auto byLength = [] {
        std::array<std::vector<const QByteArray *>, 64> index;
        for (const QByteArray &known : common) {
            Q_ASSERT(known.size() < qsizetype(index.size()));
            index[size_t(known.size())].push_back(&known);
        }
        return index;
    }();
    if (name.size() < qsizetype(byLength.size())) {
        for (const QByteArray *known : byLength[size_t(name.size())]) {
            if (equalsLower(name, *known))
                return *known; // shares the literal: no allocation
        }
    }
    QByteArray out(name.size(), Qt::Uninitialized);
    char *data = out.data();
    for (qsizetype i = 0; i < name.size(); ++i)
        data[i] = lower(name[i]);
    return out;
}

namespace {

// Whether the header `name` is `lower` (a lower-case name) in any case: the length first.
bool nameIs(QByteArrayView name, QByteArrayView lower)
{
    return name.size() == lower.size() && name.compare(lower, Qt::CaseInsensitive) == 0;
}

} // namespace

bool isTheClientsToSay(QByteArrayView name)
{
    switch (name.size()) {
    case 4:
        return nameIs(name, "host");
    case 10:
        return nameIs(name, "connection");
    case 14:
        return nameIs(name, "content-length");
    case 17:
        return nameIs(name, "transfer-encoding");
    default:
        return false;
    }
}

bool wellFramedHeaderLines(QByteArrayView lines, QString *error)
{
    const auto refuse = [error](QString why) {
        if (error)
            *error = std::move(why);
        return false;
    };
    qsizetype start = 0;
    while (start < lines.size()) {
        const qsizetype lf = findByte(lines, '\n', start);
        if (lf < 0)
            return refuse(QStringLiteral("The request's header lines do not end with a line break."));
        if (lf == start || lines[lf - 1] != '\r')
            return refuse(QStringLiteral("A request header line ends in a bare line feed."));
        const QByteArrayView line = lines.sliced(start, lf - 1 - start);
        const qsizetype colon = findByte(line, ':');
        // A token before the colon: no empty line (it would end the head), no fold (a line starting
        // with white space), no space before the colon, no request line.
        if (colon <= 0 || !isToken(line.first(colon)))
            return refuse(QStringLiteral("A request header line has no valid name before a colon."));
        if (isTheClientsToSay(line.first(colon)))
            return refuse(QStringLiteral("A request header line sets %1, which the client writes itself.")
                              .arg(QString::fromLatin1(line.first(colon))));
        for (const char c : line.sliced(colon + 1)) {
            if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f)
                return refuse(QStringLiteral("A request header value contains a control character."));
        }
        start = lf + 1;
    }
    return true;
}

} // namespace Meshdeck::Http
