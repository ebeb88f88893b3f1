#pragma once

#include "services/gateway/gatewayroute.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>

#include <memory>
#include <vector>

namespace Meshdeck::Gateway {

// The routes compiled for matching: immutable once built, so any number of event-loop threads
// read one table without locks while the catalog builds the next one.
//
// Precedence, most specific first: a route for the request's host before an any-host route; then
// the longer path prefix; then a route restricted to methods before an any-method one. A prefix
// matches on segment boundaries: "/billing" takes "/billing", "/billing/" and "/billing/x", never
// "/billingx"; "/" takes every path.
//
// match() does no allocation and no QString conversion. It looks the host up in a hash (the host
// lower-cased into a stack buffer), then walks the path's '/' boundaries from the longest candidate
// prefix to "/", one hash lookup each: O(h + d·k) for a host of length h, a path of depth d (no
// deeper than the longest prefix the table holds) and k routes on one prefix (a handful: routes
// on one prefix differ by method), independent of the number of routes. Twice that when the
// host has its own routes and none matched.
class RouteTable
{
public:
    explicit RouteTable(QList<Route> routes = {});
    // Entries point into m_routes: a table stays where it was built (shared through RouteTablePtr).
    RouteTable(const RouteTable &) = delete;
    RouteTable &operator=(const RouteTable &) = delete;

    // `host`: the Host header as sent ("api.example.test:8443", "[::1]:80"; empty: none), compared
    // without its port and case-insensitively; `path`: the request's path as sent (percent-encoded,
    // no query), compared byte for byte. nullptr: no route takes the request.
    const Route *match(QByteArrayView host, QByteArrayView method, QByteArrayView path) const;

    // Every route, sorted by name.
    const QList<Route> &routes() const { return m_routes; }
    const Route *find(QStringView id) const;
    qsizetype size() const { return m_routes.size(); }
    bool isEmpty() const { return m_routes.isEmpty(); }

    // The host part of a Host header: the port and IPv6 brackets removed, not lower-cased.
    static QByteArrayView hostOf(QByteArrayView hostHeader);

private:
    struct Entry {
        const Route *route = nullptr;
        quint32 methods = 0; // a bit per known method; 0: any method
    };
    struct Bucket {
        QHash<QByteArray, std::vector<Entry>> byPrefix; // each vector: method-restricted first
        qsizetype longestPrefix = 0;
    };
    void add(Bucket &bucket, const Route *route);
    static const Route *matchIn(const Bucket &bucket, quint32 methodBit, QByteArrayView path);

    QList<Route> m_routes;              // never changes after construction: entries point into it
    QHash<QByteArray, Bucket> m_byHost; // lower-case host -> its routes
    Bucket m_anyHost;
};

using RouteTablePtr = std::shared_ptr<const RouteTable>;

// The path the upstream gets: without the route's prefix when it strips it ("/billing/x" ->
// "/x"; "/billing" -> "/"), else `path` unchanged (shared, not copied). Never empty.
QByteArray strippedPath(const Route &route, const QByteArray &path);

// How route `a`'s match relates to route `b`'s, as the table would order them.
enum class Overlap {
    None,       // no request can match both
    SameMatch,  // same host, same prefix, and the same methods (both any, or lists sharing one)
    Shadows,    // some requests match both and `a` takes them
    ShadowedBy, // some requests match both and `b` takes them
};
Overlap overlap(const RouteSpec &a, const RouteSpec &b);
QString overlapName(Overlap overlap); // "same-match", "shadows", "shadowed-by"; empty for None

} // namespace Meshdeck::Gateway
