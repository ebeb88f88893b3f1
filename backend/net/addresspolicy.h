#pragma once

#include <QHostAddress>
#include <QString>

namespace Meshdeck::Net {

// Server-side request forgery guard for outgoing requests (webhooks, later upstreams): refuses
// loopback, private, link-local (169.254.0.0/16, the cloud metadata address), CGNAT, benchmarking,
// documentation, multicast, broadcast and reserved IPv4; and IPv6 unspecified, loopback, unique-local,
// link-local, multicast, discard-only, documentation, and every range that carries IPv4 inside it
// (NAT64, 6to4, Teredo, IPv4-compatible). IPv4 addresses mapped into IPv6 are checked as IPv4.
// Returns why an address is refused, or an empty string when it is public.
QString whyRefused(const QHostAddress &address);

} // namespace Meshdeck::Net
