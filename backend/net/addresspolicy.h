#pragma once

#include <QHostAddress>
#include <QString>

namespace Meshdeck::Net {

// Server-side request forgery guard for outgoing requests (webhooks, later upstreams): refuses
// loopback, private, link-local (169.254.0.0/16, the cloud metadata address), CGNAT, NAT64, 6to4,
// IPv6 unique-local and link-local, multicast and reserved ranges, including IPv4 addresses mapped
// into IPv6. Returns why an address is refused, or an empty string when it is public.
QString whyRefused(const QHostAddress &address);

} // namespace Meshdeck::Net
