#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace Meshdeck::Gateway {

// The proxies in front of the gateway whose X-Forwarded-For it believes (--gateway-trusted-proxies):
// CIDR blocks, none by default. A direct client could write anything there; only a request whose
// peer is in a block keeps the header (appended to), and only then is the client's address read
// from it.
class TrustedProxies
{
public:
    TrustedProxies() = default;
    // "10.0.0.0/8,fd00::/8,192.0.2.7" (a bare address is a block of one); nullopt and *error when an
    // entry is not an address or a block.
    static std::optional<TrustedProxies> parse(const QString &text, QString *error);

    bool isEmpty() const { return m_blocks.isEmpty(); }
    // Whether the address (text, as in Http::Request::peer; an IPv4-mapped IPv6 address counts as
    // its IPv4 address) is in one of the blocks. Anything that is not an address is not trusted.
    bool contains(QByteArrayView address) const;

private:
    QList<QPair<QHostAddress, int>> m_blocks;
};

} // namespace Meshdeck::Gateway
