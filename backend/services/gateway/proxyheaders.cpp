#include "proxyheaders.h"

#include "http/headernames.h"

#include <QRandomGenerator>

#include <array>
#include <random>

#include <cstring>

namespace Meshdeck::Gateway::ProxyHeaders {

using Http::isNamed;

namespace {

bool isLowerHex(QByteArrayView text)
{
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

bool allZero(QByteArrayView text)
{
    for (char c : text) {
        if (c != '0')
            return false;
    }
    return true;
}

// Whether `name` is one of the comma-separated tokens of a Connection header value.
bool namedIn(QByteArrayView connection, QByteArrayView name)
{
    qsizetype start = 0;
    while (start <= connection.size()) {
        qsizetype end = Http::findByte(connection, ',', start);
        if (end < 0)
            end = connection.size();
        const QByteArrayView element = connection.sliced(start, end - start).trimmed();
        if (element.size() == name.size() && element.compare(name, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

// Writes `bytes` random bytes as lower-case hex at `out`. Trace ids need to be unique, not secret: a
// per-thread generator seeded from the system's keeps the system's source off the request path.
char *appendRandomHex(char *out, int bytes)
{
    // Seeded with 256 bits: two threads anywhere that drew the same seed would hand out the same
    // trace ids. std::mt19937_64 is inline, where QRandomGenerator64 called out for every number.
    static thread_local std::mt19937_64 generator = [] {
        std::array<quint32, 8> seed{};
        QRandomGenerator::system()->fillRange(seed.data(), qsizetype(seed.size()));
        std::seed_seq sequence(seed.begin(), seed.end());
        return std::mt19937_64(sequence);
    }();
    // Every byte's two digits, so a byte is one copy.
    static constexpr std::array<char, 512> pairs = [] {
        constexpr char digits[] = "0123456789abcdef";
        std::array<char, 512> table{};
        for (int b = 0; b < 256; ++b) {
            table[size_t(2 * b)] = digits[b >> 4];
            table[size_t(2 * b + 1)] = digits[b & 0xf];
        }
        return table;
    }();
    quint64 word = 0;
    for (int i = 0; i < bytes; ++i) {
        if (i % 8 == 0)
            word = generator();
        std::memcpy(out, &pairs[size_t(2 * (word & 0xff))], 2);
        out += 2;
        word >>= 8;
    }
    return out;
}

bool listed(const QStringList &list, QByteArrayView value)
{
    for (const QString &item : list) {
        if (item.compare(QLatin1StringView(value.data(), value.size()), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Whether a Connection value is just "keep-alive", in any case.
bool isKeepAlive(QByteArrayView connection)
{
    return connection.size() == 10 && connection.compare("keep-alive", Qt::CaseInsensitive) == 0;
}

// Every Connection field's options as one list (a message may carry several fields, RFC 9110
// 7.6.1). A field of just "keep-alive", the usual, names only a header that is dropped anyway.
QByteArray connectionOptions(const Http::Headers &headers)
{
    QByteArray options;
    for (const auto &[name, value] : headers) {
        if (isNamed(name, "connection") && !isKeepAlive(value))
            options = options.isEmpty() ? value : options + ',' + value;
    }
    return options;
}

} // namespace

bool isHopByHop(QByteArrayView n)
{
    return isNamed(n, "connection") || isNamed(n, "keep-alive") || isNamed(n, "proxy-connection") ||
           isNamed(n, "te") || isNamed(n, "trailer") || isNamed(n, "transfer-encoding") ||
           isNamed(n, "upgrade") || isNamed(n, "proxy-authorization") || isNamed(n, "proxy-authenticate");
}

bool isValidTraceparent(QByteArrayView v)
{
    // version "-" trace-id "-" parent-id "-" flags: 2-32-16-2 lower-case hex (W3C Trace Context).
    if (v.size() != 55 || v[2] != '-' || v[35] != '-' || v[52] != '-')
        return false;
    const QByteArrayView version = v.first(2);
    const QByteArrayView traceId = v.sliced(3, 32);
    const QByteArrayView parentId = v.sliced(36, 16);
    const QByteArrayView flags = v.sliced(53, 2);
    return isLowerHex(version) && version != "ff" && isLowerHex(traceId) && !allZero(traceId) &&
           isLowerHex(parentId) && !allZero(parentId) && isLowerHex(flags);
}

QByteArray newTraceparent()
{
    // "00-" trace-id(32 hex) "-" parent-id(16 hex) "-01": one allocation.
    QByteArray out(55, Qt::Uninitialized);
    char *p = out.data();
    *p++ = '0';
    *p++ = '0';
    *p++ = '-';
    p = appendRandomHex(p, 16);
    *p++ = '-';
    p = appendRandomHex(p, 8);
    std::memcpy(p, "-01", 3);
    return out;
}

QString unsafePathReason(QByteArrayView path)
{
    qsizetype start = 0;
    while (start < path.size()) {
        qsizetype end = Http::findByte(path, '/', start + 1);
        if (end < 0)
            end = path.size();
        const QByteArrayView segment = path.sliced(start + 1, std::max<qsizetype>(0, end - start - 1));
        if (isNamed(segment, ".") || isNamed(segment, ".."))
            return QStringLiteral("The path has a '%1' segment; send the path it stands for.")
                .arg(QString::fromLatin1(segment.toByteArray()));
        start = end;
    }
    for (qsizetype i = 0; i + 2 < path.size(); ++i) {
        if (path[i] != '%')
            continue;
        const QByteArrayView code = path.sliced(i + 1, 2);
        if (code.compare("2f", Qt::CaseInsensitive) == 0 || code.compare("5c", Qt::CaseInsensitive) == 0 ||
            code.compare("2e", Qt::CaseInsensitive) == 0)
            return QStringLiteral(
                       "The path has an encoded '/', '\\' or '.' (%%1), which an upstream may read as "
                       "another path; send it unencoded.")
                .arg(QString::fromLatin1(code.toByteArray()));
    }
    return {};
}

namespace {

// One Forwarded element naming `address` (RFC 7239: an IPv6 address quoted in brackets).
QByteArray forwardedElement(const QByteArray &address)
{
    return address.contains(':') ? "for=\"[" + address + "]\"" : "for=" + address;
}

} // namespace

Http::Headers upstreamHeaders(const Http::Request &request, const Principal *principal,
                              bool credentialChecked, QByteArrayView proto, const TrustedProxies *trusted)
{
    Http::Headers out;
    out.reserve(request.headers.size() + 10);
    const QByteArray connection = connectionOptions(request.headers);
    const bool fromProxy = trusted && trusted->contains(request.peer);
    QByteArray forwardedFor;
    QByteArray forwarded;
    bool sawForwarded = false;
    QByteArray traceparent;
    QByteArray tracestate;
    for (const auto &[name, value] : request.headers) {
        if (isHopByHop(name) || isNamed(name, "host") || name.startsWith(IdentityPrefix) ||
            isNamed(name, "x-request-id") || (credentialChecked && isNamed(name, "authorization")) ||
            isNamed(name, "x-forwarded-proto") || isNamed(name, "x-forwarded-host") ||
            (!connection.isEmpty() && namedIn(connection, name)))
            continue;
        if (isNamed(name, "x-forwarded-for")) {
            if (fromProxy)
                forwardedFor += (forwardedFor.isEmpty() ? "" : ", ") + value;
            continue;
        }
        if (!fromProxy && (isNamed(name, "x-real-ip") || isNamed(name, "true-client-ip") ||
                           isNamed(name, "cf-connecting-ip")))
            continue; // other proxies' names for the client: only a trusted proxy may say who it is
        if (isNamed(name, "forwarded")) {
            sawForwarded = true;
            if (fromProxy)
                forwarded += (forwarded.isEmpty() ? "" : ", ") + value;
            continue;
        }
        if (isNamed(name, "traceparent")) {
            traceparent = value;
            continue;
        }
        if (isNamed(name, "tracestate")) {
            tracestate = value;
            continue;
        }
        out.append({name, value});
    }
    const QByteArray &peer = request.peer;
    out.append(
        {QByteArrayLiteral("x-forwarded-for"), forwardedFor.isEmpty() ? peer : forwardedFor + ", " + peer});
    if (sawForwarded)
        out.append({QByteArrayLiteral("forwarded"), forwarded.isEmpty()
                                                        ? forwardedElement(peer)
                                                        : forwarded + ", " + forwardedElement(peer)});
    out.append({QByteArrayLiteral("x-forwarded-proto"), isNamed(proto, "https")  ? QByteArrayLiteral("https")
                                                        : isNamed(proto, "http") ? QByteArrayLiteral("http")
                                                                                 : proto.toByteArray()});
    const QByteArray host = request.header("host");
    if (!host.isEmpty())
        out.append({QByteArrayLiteral("x-forwarded-host"), host});
    out.append({QByteArrayLiteral("x-request-id"), request.requestId});
    if (isValidTraceparent(traceparent)) {
        out.append({QByteArrayLiteral("traceparent"), traceparent});
        if (!tracestate.isEmpty())
            out.append({QByteArrayLiteral("tracestate"), tracestate});
    } else {
        out.append({QByteArrayLiteral("traceparent"),
                    newTraceparent()}); // a tracestate without its parent is dropped
    }
    if (principal && principal->isAuthenticated()) {
        out.append({QByteArrayLiteral("x-meshdeck-principal"), principal->actor().toUtf8()});
        out.append({QByteArrayLiteral("x-meshdeck-role"), roleName(principal->role).toUtf8()});
        if (!principal->userId.isEmpty())
            out.append({QByteArrayLiteral("x-meshdeck-user-id"), principal->userId.toUtf8()});
        if (principal->kind == Principal::Kind::User)
            out.append({QByteArrayLiteral("x-meshdeck-user-email"), principal->name.toUtf8()});
        if (!principal->keyId.isEmpty())
            out.append({QByteArrayLiteral("x-meshdeck-key-id"), principal->keyId.toUtf8()});
    }
    return out;
}

void copyResponseHeaders(const Http::Headers &upstream, const RouteSpec &route, Http::Response *response)
{
    const QByteArray connection = connectionOptions(upstream);
    for (const auto &[name, value] : upstream) {
        if (isNamed(name, "content-type")) {
            response->contentType = value;
            continue;
        }
        if (isHopByHop(name) || isNamed(name, "content-length") || isNamed(name, "date") ||
            isNamed(name, "x-request-id") || (!connection.isEmpty() && namedIn(connection, name)))
            continue;
        if ((route.cors && name.startsWith("access-control-")) ||
            (route.rateLimit && (isNamed(name, "ratelimit") || isNamed(name, "ratelimit-policy"))))
            continue;
        response->headers.append({name, value});
    }
}

namespace {

// One X-Forwarded-For hop as an address: quotes, brackets and a port taken off
// ("[2001:db8::1]:443" -> "2001:db8::1", "192.0.2.1:5678" -> "192.0.2.1").
QByteArray hopAddress(QByteArray hop)
{
    hop = hop.trimmed();
    if (hop.size() >= 2 && hop.startsWith('"') && hop.endsWith('"'))
        hop = hop.sliced(1, hop.size() - 2).trimmed();
    if (hop.startsWith('[')) {
        const qsizetype close = hop.indexOf(']');
        return close > 1 ? hop.sliced(1, close - 1) : QByteArray();
    }
    if (hop.count(':') == 1)
        return hop.left(hop.indexOf(':'));
    return hop;
}

} // namespace

QByteArray clientAddress(const Http::Request &request, const TrustedProxies *trusted)
{
    if (!trusted || trusted->isEmpty() || !trusted->contains(request.peer))
        return request.peer;
    QList<QByteArray> hops;
    for (const auto &[name, value] : request.headers) {
        if (isNamed(name, "x-forwarded-for"))
            hops += value.split(',');
    }
    QByteArray leftmost;
    for (auto hop = hops.crbegin(); hop != hops.crend(); ++hop) {
        const QByteArray address = hopAddress(*hop);
        if (address.isEmpty())
            continue;
        if (!trusted->contains(address))
            return address;
        leftmost = address;
    }
    return leftmost.isEmpty() ? request.peer : leftmost;
}

QByteArray consumerOf(LimitBy by, const Principal *principal, const QByteArray &client)
{
    if (principal && by == LimitBy::Key && !principal->keyId.isEmpty())
        return "key:" + principal->keyId.toUtf8();
    if (principal && by != LimitBy::Ip && !principal->userId.isEmpty())
        return "user:" + principal->userId.toUtf8();
    if (principal && by != LimitBy::Ip && principal->kind == Principal::Kind::AdminToken)
        return "admin-token";
    return "ip:" + client;
}

Cors evaluateCors(const RouteSpec &route, const Http::Request &request)
{
    Cors out;
    const QByteArray origin = request.header("origin");
    const QByteArray askedMethod = request.header("access-control-request-method");
    out.preflight = isNamed(request.method, "OPTIONS") && !origin.isEmpty() && !askedMethod.isEmpty();
    if (origin.isEmpty() || !route.cors) {
        if (out.preflight)
            out.refusal =
                QStringLiteral("This route allows no cross-origin requests (it has no CORS policy).");
        return out;
    }
    const CorsPolicy &cors = *route.cors;
    // "null" (sandboxed frames, file: pages) is never trusted; "*" only without credentials.
    const bool wildcard = !cors.credentials && cors.origins.contains(QStringLiteral("*"));
    out.originAllowed = origin != "null" && (wildcard || listed(cors.origins, origin));
    if (!out.originAllowed) {
        if (out.preflight)
            out.refusal = QStringLiteral("The origin %1 is not on this route's CORS allowlist.")
                              .arg(QString::fromLatin1(origin));
        return out;
    }
    out.headers.append(
        {QByteArrayLiteral("access-control-allow-origin"), wildcard ? QByteArray("*") : origin});
    if (!wildcard)
        out.headers.append({QByteArrayLiteral("vary"), QByteArrayLiteral("Origin")});
    if (cors.credentials)
        out.headers.append(
            {QByteArrayLiteral("access-control-allow-credentials"), QByteArrayLiteral("true")});
    if (!out.preflight) {
        if (!cors.exposeHeaders.isEmpty())
            out.headers.append({QByteArrayLiteral("access-control-expose-headers"),
                                cors.exposeHeaders.join(u", ").toLatin1()});
        return out;
    }
    const QStringList methods =
        !cors.methods.isEmpty() ? cors.methods
        : !route.methods.isEmpty()
            ? route.methods
            : QStringList{QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("POST")};
    if (!listed(methods, askedMethod)) {
        out.originAllowed = false;
        out.headers.clear();
        out.refusal = QStringLiteral("This route's CORS policy allows %1, not %2.")
                          .arg(methods.join(u", "), QString::fromLatin1(askedMethod));
        return out;
    }
    // Each header the page wants to send must be allowed (the CORS-safelisted ones always are).
    for (const QByteArray &asked : request.header("access-control-request-headers").split(',')) {
        const QByteArray h = asked.trimmed().toLower();
        if (h.isEmpty() || isNamed(h, "accept") || isNamed(h, "accept-language") ||
            isNamed(h, "content-language") || isNamed(h, "content-type") || listed(cors.headers, h))
            continue;
        out.originAllowed = false;
        out.headers.clear();
        out.refusal = QStringLiteral("This route's CORS policy does not allow the request header %1.")
                          .arg(QString::fromLatin1(h));
        return out;
    }
    out.headers.append({QByteArrayLiteral("access-control-allow-methods"), methods.join(u", ").toLatin1()});
    if (!cors.headers.isEmpty())
        out.headers.append(
            {QByteArrayLiteral("access-control-allow-headers"), cors.headers.join(u", ").toLatin1()});
    out.headers.append({QByteArrayLiteral("access-control-max-age"), QByteArray::number(cors.maxAgeSeconds)});
    return out;
}

} // namespace Meshdeck::Gateway::ProxyHeaders
