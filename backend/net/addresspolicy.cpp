#include "addresspolicy.h"

#include <array>
#include <vector>

namespace Meshdeck::Net {

namespace {
struct Range {
    const char *network;
    int prefix;
    const char *why;
};

constexpr std::array<Range, 13> V4 = {{
    {"0.0.0.0", 8, "a 'this network' address"},
    {"10.0.0.0", 8, "a private address"},
    {"100.64.0.0", 10, "a carrier-grade NAT address"},
    {"127.0.0.0", 8, "a loopback address"},
    {"169.254.0.0", 16, "a link-local address (the cloud metadata service lives here)"},
    {"172.16.0.0", 12, "a private address"},
    {"192.0.0.0", 24, "an IETF protocol assignment"},
    {"192.0.2.0", 24, "a documentation address"},
    {"192.168.0.0", 16, "a private address"},
    {"198.18.0.0", 15, "a benchmarking address"},
    {"198.51.100.0", 24, "a documentation address"},
    {"203.0.113.0", 24, "a documentation address"},
    {"224.0.0.0", 3, "a multicast or reserved address"},
}};

constexpr std::array<Range, 7> V6 = {{
    {"::", 128, "the unspecified address"},
    {"::1", 128, "a loopback address"},
    {"fc00::", 7, "a unique-local (private) address"},
    {"fe80::", 10, "a link-local address"},
    {"64:ff9b::", 96, "a NAT64 address"},
    {"2002::", 16, "a 6to4 address"},
    {"ff00::", 8, "a multicast address"},
}};
} // namespace

QString whyRefused(const QHostAddress &address)
{
    if (address.isNull())
        return QStringLiteral("not an address");
    QHostAddress a = address;
    bool mapped = false;
    const quint32 v4 = a.toIPv4Address(&mapped);
    if (a.protocol() == QAbstractSocket::IPv6Protocol && mapped)
        a = QHostAddress(v4); // ::ffff:10.0.0.1 is 10.0.0.1
    const auto &ranges = a.protocol() == QAbstractSocket::IPv4Protocol
                             ? std::vector<Range>(V4.begin(), V4.end())
                             : std::vector<Range>(V6.begin(), V6.end());
    for (const Range &r : ranges) {
        if (a.isInSubnet(QHostAddress(QString::fromLatin1(r.network)), r.prefix))
            return QStringLiteral("%1 is %2").arg(a.toString(), QString::fromLatin1(r.why));
    }
    return {};
}

} // namespace Meshdeck::Net
