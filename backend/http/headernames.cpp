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

} // namespace Meshdeck::Http
