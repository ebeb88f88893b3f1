#include "proxyheaders.h"

#include "http/headernames.h"

#include <QRandomGenerator>
#include <QVarLengthArray>

#include <array>
#include <random>

#include <cstring>

namespace Meshdeck::Gateway::ProxyHeaders {

using Http::isNamed;
using Http::putBytes;

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

// Writes 16 random lower-case hex digits at `out` per `words`. Trace ids need to be unique, not
// secret: a per-thread generator seeded from the system's keeps the system's source off the request
// path. Each 64-bit number becomes its 16 digits a nibble per byte at once (which nibble lands
// where does not matter for random bits), not a table lookup per byte.
void appendRandomHex(char *out, int words)
{
    // Seeded with 256 bits: two threads anywhere that drew the same seed would hand out the same
    // trace ids. std::mt19937_64 is inline, where QRandomGenerator64 called out for every number.
    static thread_local std::mt19937_64 generator = [] {
        std::array<quint32, 8> seed{};
        QRandomGenerator::system()->fillRange(seed.data(), qsizetype(seed.size()));
        std::seed_seq sequence(seed.begin(), seed.end());
        return std::mt19937_64(sequence);
    }();
    constexpr quint64 Nibbles = 0x0f0f0f0f0f0f0f0fULL;
    constexpr quint64 Ones = 0x0101010101010101ULL;
    for (int w = 0; w < words; ++w) {
        const quint64 word = generator();
        for (const quint64 half : {word & 0xffffffffULL, word >> 32}) {
            // Spread the 32 bits to one nibble in each of 8 bytes.
            quint64 v = (half | (half << 16)) & 0x0000ffff0000ffffULL;
            v = (v | (v << 8)) & 0x00ff00ff00ff00ffULL;
            v = (v | (v << 4)) & Nibbles;
            // A nibble of 10 or more has bit 4 set after adding 6: it becomes a letter.
            const quint64 letters = ((v + 6 * Ones) >> 4) & Ones;
            v += '0' * Ones + letters * ('a' - '0' - 10);
            std::memcpy(out, &v, 8);
            out += 8;
        }
    }
}

// A new traceparent, "00-" trace-id(32 hex) "-" parent-id(16 hex) "-01", in the 55 bytes at `out`.
void writeTraceparent(char *out)
{
    char digits[48];
    appendRandomHex(digits, 3);
    std::memcpy(out, "00-", 3);
    std::memcpy(out + 3, digits, 32);
    out[35] = '-';
    std::memcpy(out + 36, digits + 32, 16);
    std::memcpy(out + 52, "-01", 3);
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

} // namespace

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

// What the gateway does with a client's request header on its way upstream.
enum class Fate : quint8 {
    Keep,
    Drop,         // hop-by-hop, written by the gateway or the upstream client, an identity copy
    Credential,   // Authorization: dropped when the gateway checked it
    ForwardedFor, // X-Forwarded-For: a trusted proxy's kept
    ClientClaim,  // X-Real-IP and the like: a trusted proxy's kept
    Forwarded,    // Forwarded: a trusted proxy's kept
    Traceparent,
    Tracestate,
    Connection, // hop-by-hop, and its options name more
};

// By length first: a header is compared with the one or two names of its length, not with all
// (an X-Meshdeck-* copy, of any length, before). The nine hop-by-hop names (RFC 9110 7.6.1) are
// here and in backOf() alike; tst_forwardedheaders sends all of them both ways.
Fate fateOf(QByteArrayView name)
{
    if (name.size() >= IdentityPrefix.size() && name[0] == 'x' && name.startsWith(IdentityPrefix))
        return Fate::Drop;
    switch (name.size()) {
    case 2:
        return isNamed(name, "te") ? Fate::Drop : Fate::Keep;
    case 4:
        return isNamed(name, "host") ? Fate::Drop : Fate::Keep;
    case 7:
        return isNamed(name, "trailer") || isNamed(name, "upgrade") ? Fate::Drop : Fate::Keep;
    case 9:
        return isNamed(name, "forwarded")   ? Fate::Forwarded
               : isNamed(name, "x-real-ip") ? Fate::ClientClaim
                                            : Fate::Keep;
    case 10:
        return isNamed(name, "connection")   ? Fate::Connection
               : isNamed(name, "keep-alive") ? Fate::Drop
               : isNamed(name, "tracestate") ? Fate::Tracestate
                                             : Fate::Keep;
    case 11:
        return isNamed(name, "traceparent") ? Fate::Traceparent : Fate::Keep;
    case 12:
        return isNamed(name, "x-request-id") ? Fate::Drop : Fate::Keep;
    case 13:
        return isNamed(name, "authorization") ? Fate::Credential : Fate::Keep;
    case 14:
        return isNamed(name, "content-length")   ? Fate::Drop
               : isNamed(name, "true-client-ip") ? Fate::ClientClaim
                                                 : Fate::Keep;
    case 15:
        return isNamed(name, "x-forwarded-for") ? Fate::ForwardedFor : Fate::Keep;
    case 16:
        return isNamed(name, "proxy-connection") || isNamed(name, "x-forwarded-host") ? Fate::Drop
               : isNamed(name, "cf-connecting-ip")                                    ? Fate::ClientClaim
                                                                                      : Fate::Keep;
    case 17:
        return isNamed(name, "transfer-encoding") || isNamed(name, "x-forwarded-proto") ? Fate::Drop
                                                                                        : Fate::Keep;
    case 18:
        return isNamed(name, "proxy-authenticate") ? Fate::Drop : Fate::Keep;
    case 19:
        return isNamed(name, "proxy-authorization") ? Fate::Drop : Fate::Keep;
    default:
        return Fate::Keep;
    }
}

} // namespace

QByteArray upstreamHeaderLines(const Http::Request &request, bool credentialChecked, QByteArrayView proto,
                               const TrustedProxies *trusted)
{
    // The lines as views of what they say (the request's bytes, or the locals below), counted, then
    // copied once into a block of that size. What they say is what the request parser took (token
    // names, values without CR, LF or NUL) or the gateway's own.
    struct Line {
        QByteArrayView name;
        QByteArrayView value;
    };
    QVarLengthArray<Line, 24> lines;
    const bool fromProxy = trusted && trusted->contains(request.peer);
    QByteArray connection; // every Connection field's options
    QByteArray forwardedFor;
    QByteArray forwarded;
    bool sawForwarded = false;
    QByteArrayView traceparent;
    QByteArrayView tracestate;
    QByteArrayView host;
    bool sawHost = false;
    bool anyNamedByConnection = false;
    for (const auto &[name, value] : request.headers) {
        switch (fateOf(name)) {
        case Fate::Keep:
            lines.append({name, value});
            break;
        case Fate::Drop:
            if (name.size() == 4 && !sawHost) { // Host: its first value
                host = value;
                sawHost = true;
            }
            break;
        case Fate::Credential:
            if (!credentialChecked)
                lines.append({name, value});
            break;
        case Fate::ForwardedFor:
            if (fromProxy)
                forwardedFor += (forwardedFor.isEmpty() ? "" : ", ") + value;
            break;
        case Fate::ClientClaim:
            if (fromProxy) // other proxies' names for the client: only a trusted proxy may say who it is
                lines.append({name, value});
            break;
        case Fate::Forwarded:
            sawForwarded = true;
            if (fromProxy)
                forwarded += (forwarded.isEmpty() ? "" : ", ") + value;
            break;
        case Fate::Traceparent:
            traceparent = value;
            break;
        case Fate::Tracestate:
            tracestate = value;
            break;
        case Fate::Connection:
            if (!isKeepAlive(value)) {
                connection = connection.isEmpty() ? value : connection + ',' + value;
                anyNamedByConnection = true;
            }
            break;
        }
    }
    if (anyNamedByConnection) { // the headers a Connection field names stay on this hop: as if not sent
        lines.removeIf([&](const Line &line) { return namedIn(connection, line.name); });
        if (namedIn(connection, "x-forwarded-for"))
            forwardedFor.clear();
        if (namedIn(connection, "forwarded")) {
            sawForwarded = false;
            forwarded.clear();
        }
        if (namedIn(connection, "traceparent"))
            traceparent = {};
        if (namedIn(connection, "tracestate"))
            tracestate = {};
    }

    const QByteArray &peer = request.peer;
    if (!forwardedFor.isEmpty())
        forwardedFor += ", " + peer;
    lines.append(
        {"x-forwarded-for", forwardedFor.isEmpty() ? QByteArrayView(peer) : QByteArrayView(forwardedFor)});
    if (sawForwarded) {
        forwarded += (forwarded.isEmpty() ? "" : ", ") + forwardedElement(peer);
        lines.append({"forwarded", forwarded});
    }
    lines.append(
        {"x-forwarded-proto", isNamed(proto, "https") ? QByteArrayView("https") : QByteArrayView("http")});
    if (!host.isEmpty())
        lines.append({"x-forwarded-host", host});
    lines.append({"x-request-id", request.requestId});
    char newParent[55];
    if (isValidTraceparent(traceparent)) {
        lines.append({"traceparent", traceparent});
        if (!tracestate.isEmpty())
            lines.append({"tracestate", tracestate});
    } else { // a tracestate without its parent is dropped
        writeTraceparent(newParent);
        lines.append({"traceparent", QByteArrayView(newParent, sizeof newParent)});
    }
    qsizetype size = 0;
    for (const Line &line : lines)
        size += line.name.size() + 2 + line.value.size() + 2;
    QByteArray out(size, Qt::Uninitialized);
    char *at = out.data();
    for (const Line &line : lines) {
        putBytes(at, line.name);
        putBytes(at, ": ");
        putBytes(at, line.value);
        putBytes(at, "\r\n");
    }
    Q_ASSERT(at == out.constData() + size);
    return out;
}

Http::Headers identityHeaders(const Principal *principal)
{
    Http::Headers out;
    if (!principal || !principal->isAuthenticated())
        return out;
    out.append({QByteArrayLiteral("x-meshdeck-principal"), principal->actor().toUtf8()});
    out.append({QByteArrayLiteral("x-meshdeck-role"), roleName(principal->role).toUtf8()});
    if (!principal->userId.isEmpty())
        out.append({QByteArrayLiteral("x-meshdeck-user-id"), principal->userId.toUtf8()});
    if (principal->kind == Principal::Kind::User)
        out.append({QByteArrayLiteral("x-meshdeck-user-email"), principal->name.toUtf8()});
    if (!principal->keyId.isEmpty())
        out.append({QByteArrayLiteral("x-meshdeck-key-id"), principal->keyId.toUtf8()});
    return out;
}

namespace {

// What the gateway does with an upstream's response header on its way to the client.
enum class Back : quint8 {
    Keep,
    Drop,        // hop-by-hop, or written by the engine (Content-Length, Date, X-Request-Id)
    ContentType, // Response::contentType
    Connection,  // hop-by-hop, and its options name more
    Cors,        // Access-Control-*: the route's own win when it sets CORS
    RateLimit,   // RateLimit, RateLimit-Policy: the route's own win when it limits
};

// By length first, as fateOf() for the request's.
Back backOf(QByteArrayView name)
{
    constexpr QByteArrayView CorsPrefix = "access-control-";
    if (name.size() >= CorsPrefix.size() && name[0] == 'a' && name.startsWith(CorsPrefix))
        return Back::Cors;
    switch (name.size()) {
    case 2:
        return isNamed(name, "te") ? Back::Drop : Back::Keep;
    case 4:
        return isNamed(name, "date") ? Back::Drop : Back::Keep;
    case 7:
        return isNamed(name, "trailer") || isNamed(name, "upgrade") ? Back::Drop : Back::Keep;
    case 9:
        return isNamed(name, "ratelimit") ? Back::RateLimit : Back::Keep;
    case 10:
        return isNamed(name, "connection")   ? Back::Connection
               : isNamed(name, "keep-alive") ? Back::Drop
                                             : Back::Keep;
    case 12:
        return isNamed(name, "content-type")   ? Back::ContentType
               : isNamed(name, "x-request-id") ? Back::Drop
                                               : Back::Keep;
    case 14:
        return isNamed(name, "content-length") ? Back::Drop : Back::Keep;
    case 16:
        return isNamed(name, "proxy-connection")   ? Back::Drop
               : isNamed(name, "ratelimit-policy") ? Back::RateLimit
                                                   : Back::Keep;
    case 17:
        return isNamed(name, "transfer-encoding") ? Back::Drop : Back::Keep;
    case 18:
        return isNamed(name, "proxy-authenticate") ? Back::Drop : Back::Keep;
    case 19:
        return isNamed(name, "proxy-authorization") ? Back::Drop : Back::Keep;
    default:
        return Back::Keep;
    }
}

} // namespace

void copyResponseHeaders(const Http::Headers &upstream, const RouteSpec &route, Http::Response *response)
{
    // Room for what the gateway adds after (CORS, rate limit, Server-Timing): one allocation.
    response->headers.reserve(response->headers.size() + upstream.size() + 4);
    const qsizetype first = response->headers.size();
    QByteArray connection; // every Connection field's options
    for (const auto &[name, value] : upstream) {
        switch (backOf(name)) {
        case Back::Keep:
            response->headers.append({name, value});
            break;
        case Back::Drop:
            break;
        case Back::ContentType:
            response->contentType = value;
            break;
        case Back::Connection:
            if (!isKeepAlive(value))
                connection = connection.isEmpty() ? value : connection + ',' + value;
            break;
        case Back::Cors:
            if (!route.cors)
                response->headers.append({name, value});
            break;
        case Back::RateLimit:
            if (!route.rateLimit)
                response->headers.append({name, value});
            break;
        }
    }
    if (!connection.isEmpty()) { // the headers a Connection field names stay on that hop
        response->headers.erase(
            std::remove_if(response->headers.begin() + first, response->headers.end(),
                           [&](const auto &header) { return namedIn(connection, header.first); }),
            response->headers.end());
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
