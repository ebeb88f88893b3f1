#include "addresspolicy.h"

#include <array>

namespace Meshdeck::Net {

namespace {
struct Range {
    const char *network;
    int prefix;
    const char *why;
};

// IANA's IPv4 special-purpose registry, less the globally reachable entries.
constexpr std::array<Range, 14> V4 = {{
    {"0.0.0.0", 8, "a 'this network' address"},
    {"10.0.0.0", 8, "a private address"},
    {"100.64.0.0", 10, "a carrier-grade NAT address"},
    {"127.0.0.0", 8, "a loopback address"},
    {"169.254.0.0", 16, "a link-local address (the cloud metadata service lives here)"},
    {"172.16.0.0", 12, "a private address"},
    {"192.0.0.0", 24, "an IETF protocol assignment"},
    {"192.0.2.0", 24, "a documentation address"},
    {"192.88.99.0", 24, "a 6to4 relay address"},
    {"192.168.0.0", 16, "a private address"},
    {"198.18.0.0", 15, "a benchmarking address"},
    {"198.51.100.0", 24, "a documentation address"},
    {"203.0.113.0", 24, "a documentation address"},
    // 224/4 multicast, 240/4 reserved, and 255.255.255.255 broadcast.
    {"224.0.0.0", 3, "a multicast, reserved or broadcast address"},
}};

// IPv6: the ranges that reach this host or its networks, or that carry IPv4 inside them (a
// tunnel or translator would forward to an IPv4 address this check never saw).
constexpr std::array<Range, 16> V6 = {{
    {"::", 128, "the unspecified address"},
    {"::1", 128, "a loopback address"},
    {"::", 96, "an IPv4-compatible address"},
    {"64:ff9b::", 96, "a NAT64 address"},
    {"64:ff9b:1::", 48, "a local-use NAT64 address"},
    {"100::", 64, "a discard-only address"},
    {"2001::", 32, "a Teredo tunnel address"},
    {"2001:2::", 48, "a benchmarking address"},
    {"2001:10::", 28, "an ORCHID address"},
    {"2001:20::", 28, "an ORCHIDv2 address"},
    {"2001:db8::", 32, "a documentation address"},
    {"2002::", 16, "a 6to4 address"},
    {"3fff::", 20, "a documentation address"},
    {"fc00::", 7, "a unique-local (private) address"},
    {"fe80::", 10, "a link-local address"},
    {"ff00::", 8, "a multicast address"},
}};

template<size_t N> QString check(const QHostAddress &a, const std::array<Range, N> &ranges)
{
    for (const Range &r : ranges) {
        if (a.isInSubnet(QHostAddress(QString::fromLatin1(r.network)), r.prefix))
            return QStringLiteral("%1 is %2").arg(a.toString(), QString::fromLatin1(r.why));
    }
    return {};
}
} // namespace

QString whyRefused(const QHostAddress &address)
{
    if (address.isNull())
        return QStringLiteral("not an address");
    static const QHostAddress mappedPrefix(QStringLiteral("::ffff:0:0"));
    if (address.protocol() == QAbstractSocket::IPv4Protocol || address.isInSubnet(mappedPrefix, 96)) {
        // ::ffff:10.0.0.1 is 10.0.0.1.
        return check(QHostAddress(address.toIPv4Address()), V4);
    }
    return check(address, V6);
}

} // namespace Meshdeck::Net
