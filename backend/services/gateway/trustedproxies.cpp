#include "trustedproxies.h"

#include <QStringList>

namespace Meshdeck::Gateway {

namespace {

// ::ffff:a.b.c.d as a.b.c.d (a dual-stack listener reports IPv4 peers so); other addresses as they are.
QHostAddress unmapped(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address;
    const Q_IPV6ADDR a = address.toIPv6Address();
    for (int i = 0; i < 10; ++i) {
        if (a[i] != 0)
            return address;
    }
    if (a[10] != 0xff || a[11] != 0xff)
        return address;
    return QHostAddress(quint32(a[12]) << 24 | quint32(a[13]) << 16 | quint32(a[14]) << 8 | quint32(a[15]));
}

} // namespace

std::optional<TrustedProxies> TrustedProxies::parse(const QString &text, QString *error)
{
    TrustedProxies proxies;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString entry = part.trimmed();
        if (entry.isEmpty())
            continue;
        QPair<QHostAddress, int> block;
        if (entry.contains(QLatin1Char('/'))) {
            block = QHostAddress::parseSubnet(entry);
        } else if (QHostAddress address; address.setAddress(entry)) {
            block = {address, address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128};
        }
        if (block.first.isNull() || block.second < 0) {
            *error = QStringLiteral("--gateway-trusted-proxies expects CIDR blocks or addresses separated "
                                    "by commas, e.g. 10.0.0.0/8,fd00::/8; '%1' is neither")
                         .arg(entry);
            return std::nullopt;
        }
        block.first = unmapped(block.first);
        if (block.first.protocol() == QAbstractSocket::IPv4Protocol && block.second > 32)
            block.second -= 96; // ::ffff:10.0.0.0/104 is 10.0.0.0/8
        proxies.m_blocks.append(block);
    }
    return proxies;
}

bool TrustedProxies::contains(QByteArrayView address) const
{
    if (m_blocks.isEmpty())
        return false;
    QHostAddress parsed;
    if (!parsed.setAddress(QString::fromLatin1(address.trimmed())))
        return false;
    parsed = unmapped(parsed);
    for (const auto &block : m_blocks) {
        if (parsed.isInSubnet(block))
            return true;
    }
    return false;
}

} // namespace Meshdeck::Gateway
