#include "services/gateway/routetable.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace Meshdeck::Gateway {

namespace {

constexpr std::array<QByteArrayView, 8> Methods = {"GET",    "HEAD",  "POST",    "PUT",
                                                   "DELETE", "PATCH", "OPTIONS", "TRACE"};
constexpr qsizetype MaxHostLength = 255;

// The request's method as a bit; 0 for a method no route names (only any-method routes take it).
quint32 methodBit(QByteArrayView method)
{
    for (size_t i = 0; i < Methods.size(); ++i) {
        if (method == Methods[i])
            return 1u << i;
    }
    return 0;
}

quint32 methodMask(const QStringList &methods)
{
    quint32 mask = 0;
    for (const QString &m : methods)
        mask |= methodBit(m.toLatin1());
    return mask;
}

// `path` lies under `prefix` on a segment boundary.
bool isUnder(const QString &path, const QString &prefix)
{
    if (prefix == QLatin1String("/") || path == prefix)
        return true;
    return path.startsWith(prefix) && path.at(prefix.size()) == QLatin1Char('/');
}

} // namespace

RouteTable::RouteTable(QList<Route> routes)
    : m_routes(std::move(routes))
{
    std::sort(m_routes.begin(), m_routes.end(), [](const Route &a, const Route &b) {
        return a.spec.name != b.spec.name ? a.spec.name < b.spec.name : a.id < b.id;
    });
    for (const Route &route : std::as_const(m_routes)) {
        if (route.spec.host.isEmpty())
            add(m_anyHost, &route);
        else
            add(m_byHost[route.spec.host.toLower().toUtf8()], &route);
    }
}

void RouteTable::add(Bucket &bucket, const Route *route)
{
    const QByteArray prefix = route->spec.pathPrefix.toUtf8();
    std::vector<Entry> &entries = bucket.byPrefix[prefix];
    const Entry entry{route, methodMask(route->spec.methods)};
    // Restricted before any-method; among equals, the name order of m_routes (stable).
    const auto at = std::find_if(entries.begin(), entries.end(),
                                 [&entry](const Entry &e) { return entry.methods != 0 && e.methods == 0; });
    entries.insert(at, entry);
    bucket.longestPrefix = std::max(bucket.longestPrefix, prefix.size());
}

const Route *RouteTable::matchIn(const Bucket &bucket, quint32 bit, QByteArrayView path)
{
    if (bucket.byPrefix.isEmpty())
        return nullptr;
    const auto lookup = [&](QByteArrayView candidate) -> const Route * {
        const auto it =
            bucket.byPrefix.constFind(QByteArray::fromRawData(candidate.data(), candidate.size()));
        if (it == bucket.byPrefix.cend())
            return nullptr;
        for (const Entry &e : *it) {
            if (e.methods == 0 || (e.methods & bit) != 0)
                return e.route;
        }
        return nullptr;
    };
    // Candidates, longest first: the whole path, then the path cut before each '/' after the first.
    // A prefix never ends in '/' (except "/" itself), so "/billing/" is found as "/billing".
    if (path.size() <= bucket.longestPrefix) {
        if (const Route *r = lookup(path))
            return r;
    }
    for (qsizetype i = std::min(path.size(), bucket.longestPrefix + 1) - 1; i > 0; --i) {
        if (path[i] != '/')
            continue;
        if (const Route *r = lookup(path.first(i)))
            return r;
    }
    if (path != "/")
        return lookup("/");
    return nullptr;
}

const Route *RouteTable::match(QByteArrayView host, QByteArrayView method, QByteArrayView path) const
{
    if (path.isEmpty() || path[0] != '/')
        return nullptr; // "*" (OPTIONS *) and absolute forms take no route
    const quint32 bit = methodBit(method);
    const QByteArrayView name = hostOf(host);
    if (!m_byHost.isEmpty() && !name.isEmpty() && name.size() <= MaxHostLength) {
        char lower[MaxHostLength];
        for (qsizetype i = 0; i < name.size(); ++i) {
            const char c = name[i];
            lower[i] = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
        }
        const auto it = m_byHost.constFind(QByteArray::fromRawData(lower, name.size()));
        if (it != m_byHost.cend()) {
            if (const Route *r = matchIn(*it, bit, path))
                return r;
        }
    }
    return matchIn(m_anyHost, bit, path);
}

const Route *RouteTable::find(QStringView id) const
{
    for (const Route &route : m_routes) {
        if (route.id == id)
            return &route;
    }
    return nullptr;
}

QByteArrayView RouteTable::hostOf(QByteArrayView header)
{
    QByteArrayView h = header.trimmed();
    if (h.startsWith('[')) {
        const qsizetype close = h.indexOf(']');
        return close < 0 ? QByteArrayView() : h.sliced(1, close - 1);
    }
    // memchr and memrchr: QByteArrayView's indexOf and lastIndexOf run a general substring search.
    if (h.isEmpty())
        return h; // no Host (HTTP/1.0): memchr must not see its null data
    const auto *colon = static_cast<const char *>(std::memchr(h.data(), ':', size_t(h.size())));
    if (colon && memrchr(h.data(), ':', size_t(h.size())) == colon)
        h = h.first(colon - h.data());
    if (h.endsWith('.'))
        h.chop(1); // "example.test." names "example.test"
    return h;
}

QByteArray strippedPath(const Route &route, const QByteArray &path)
{
    const QString &prefix = route.spec.pathPrefix;
    if (!route.spec.stripPrefix || prefix == QLatin1String("/"))
        return path;
    // The prefix is ASCII (parseRouteSpec refuses anything else): its length in bytes is its size.
    const qsizetype n = prefix.size();
    if (path.size() <= n || (path.size() == n + 1 && path.back() == '/'))
        return QByteArrayLiteral("/");
    return path.sliced(n);
}

Overlap overlap(const RouteSpec &a, const RouteSpec &b)
{
    if (!a.host.isEmpty() && !b.host.isEmpty() && a.host.compare(b.host, Qt::CaseInsensitive) != 0)
        return Overlap::None;
    if (!isUnder(a.pathPrefix, b.pathPrefix) && !isUnder(b.pathPrefix, a.pathPrefix))
        return Overlap::None;
    const bool methodsMeet = a.methods.isEmpty() || b.methods.isEmpty() ||
                             std::any_of(a.methods.cbegin(), a.methods.cend(),
                                         [&b](const QString &m) { return b.methods.contains(m); });
    if (!methodsMeet)
        return Overlap::None;
    const auto rank = [](const RouteSpec &s) {
        return std::make_tuple(!s.host.isEmpty(), s.pathPrefix.size(), !s.methods.isEmpty());
    };
    if (rank(a) == rank(b))
        return Overlap::SameMatch; // same host class, same prefix (nested and as long), methods meet
    return rank(a) > rank(b) ? Overlap::Shadows : Overlap::ShadowedBy;
}

QString overlapName(Overlap overlap)
{
    switch (overlap) {
    case Overlap::SameMatch:
        return QStringLiteral("same-match");
    case Overlap::Shadows:
        return QStringLiteral("shadows");
    case Overlap::ShadowedBy:
        return QStringLiteral("shadowed-by");
    case Overlap::None:
        break;
    }
    return {};
}

} // namespace Meshdeck::Gateway
