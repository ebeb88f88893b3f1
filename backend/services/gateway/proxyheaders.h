#pragma once

#include "gatewayroute.h"
#include "trustedproxies.h"

#include "http/httptypes.h"
#include "platform/principal.h"

namespace Meshdeck::Gateway::ProxyHeaders {

// The identity the gateway forwards after checking a credential at the edge. A client's own
// copies of these headers are removed first: an upstream can believe them.
inline constexpr QByteArrayView IdentityPrefix = "x-meshdeck-";

// The headers sent upstream, as header lines ("name: value\r\n" each) for
// Http::UpstreamRequest::headerLines: the client's without hop-by-hop ones (RFC 9110 7.6.1) and
// those its Connection header names (as if not sent), without Host (the client sets the upstream's),
// Content-Length (the upstream client writes the framing) and any X-Meshdeck-* copy; then
// X-Forwarded-For/Proto/Host, X-Request-Id and a valid or new W3C traceparent. A credential the
// gateway checked (`credentialChecked`) is consumed at the edge: the Authorization header never
// reaches the upstream, which could replay it.
// X-Forwarded-For and Forwarded: from a `trusted` proxy kept and appended to (the peer added);
// from anyone else replaced by the peer's address, so that a client cannot pose as another.
// Every name and value is one the request parser took (a token, a value without CR, LF or NUL)
// or the gateway's own, so the lines are framed as header lines (Http::wellFramedHeaderLines) for
// any request the parser takes. `proto`: "https" for a TLS listener, anything else is "http".
QByteArray upstreamHeaderLines(const Http::Request &request, bool credentialChecked, QByteArrayView proto,
                               const TrustedProxies *trusted = nullptr);

// The identity the gateway vouches for, when `principal` is an authenticated one: its actor,
// role, user id, user email and key id. Sent as Http::UpstreamRequest::headers, which the
// upstream client checks: an account's fields are not the request parser's.
Http::Headers identityHeaders(const Principal *principal);

// The client's address: the peer, or, when the peer is a `trusted` proxy, the first address from
// the right of X-Forwarded-For that is not a trusted proxy (the leftmost when all are).
QByteArray clientAddress(const Http::Request &request, const TrustedProxies *trusted);

// A path the gateway refuses before matching: a "." or ".." segment, or an encoded '/', '\' or
// '.' that an upstream may decode into one (a route for /api/public must not reach /api/admin
// through /api/public/../admin). Empty when the path is fine; otherwise why not.
QString unsafePathReason(QByteArrayView path);

// A W3C trace context traceparent header that may be propagated as it is.
bool isValidTraceparent(QByteArrayView value);

// The upstream's response headers the client gets: without hop-by-hop ones and the ones the
// engine writes itself (Content-Length, Date, X-Request-Id); Content-Type goes to contentType.
// The route's own CORS and rate-limit fields win: an upstream's copies are dropped when the route
// sets them (a reflected Access-Control-Allow-Origin would undo the allowlist).
void copyResponseHeaders(const Http::Headers &upstream, const RouteSpec &route, Http::Response *response);

// The rate-limit consumer of a request: "key:ID", "user:ID" or "ip:ADDRESS" (ADDRESS as
// clientAddress() answers it). A key or user policy on a request without that identity falls
// back to the address.
QByteArray consumerOf(LimitBy by, const Principal *principal, const QByteArray &client);

// CORS for one request against the route's policy.
struct Cors {
    bool preflight = false;     // OPTIONS with Access-Control-Request-Method: answer it here
    bool originAllowed = false; // the Origin is on the allowlist
    Http::Headers headers;      // what to add to the response when allowed
    QString refusal;            // a preflight that is refused: why
};
Cors evaluateCors(const RouteSpec &route, const Http::Request &request);

} // namespace Meshdeck::Gateway::ProxyHeaders
