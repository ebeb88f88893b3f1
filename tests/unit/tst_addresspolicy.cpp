#include "net/addresspolicy.h"

#include <QTest>

using namespace Meshdeck::Net;

class TestAddressPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusesEverythingButPublicAddresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("refused");
        for (const char *a : {"127.0.0.1",
                              "127.255.0.9",
                              "10.1.2.3",
                              "172.16.0.1",
                              "172.31.255.255",
                              "192.168.1.1",
                              "169.254.169.254",
                              "100.64.0.1",
                              "0.0.0.0",
                              "224.0.0.1",
                              "255.255.255.255",
                              "::1",
                              "::",
                              "fd00::1",
                              "fe80::1",
                              "64:ff9b::a00:1",
                              "2002:a00:1::1",
                              "::ffff:127.0.0.1",
                              "::ffff:10.0.0.1",
                              "::ffff:169.254.169.254",
                              "ff02::1"})
            QTest::newRow(a) << QString::fromLatin1(a) << true;
        for (const char *a :
             {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"})
            QTest::newRow(a) << QString::fromLatin1(a) << false;
    }
    void refusesEverythingButPublicAddresses()
    {
        QFETCH(QString, address);
        QFETCH(bool, refused);
        const QString why = whyRefused(QHostAddress(address));
        QCOMPARE(!why.isEmpty(), refused);
        if (refused)
            QVERIFY2(why.contains(QLatin1String(" is ")), qPrintable(why));
    }

    // Every refused range, each at its first and last address and with the reason given, and the
    // public neighbours just outside it.
    void refusesEveryReservedRange_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("reason"); // empty: public
        const struct {
            const char *address;
            const char *reason;
        } rows[] = {
            {"0.0.0.0", "'this network'"},
            {"0.255.255.255", "'this network'"},
            {"10.0.0.0", "private"},
            {"10.255.255.255", "private"},
            {"11.0.0.0", ""},
            {"100.64.0.0", "carrier-grade NAT"},
            {"100.127.255.255", "carrier-grade NAT"},
            {"100.63.255.255", ""},
            {"127.0.0.1", "loopback"},
            {"127.255.255.255", "loopback"},
            {"169.254.0.0", "link-local"},
            {"169.254.169.254", "metadata"},
            {"169.254.255.255", "link-local"},
            {"169.255.0.0", ""},
            {"172.16.0.0", "private"},
            {"172.31.255.255", "private"},
            {"172.15.255.255", ""},
            {"192.0.0.8", "IETF protocol"},
            {"192.0.2.1", "documentation"},
            {"192.88.99.1", "6to4 relay"},
            {"192.168.0.0", "private"},
            {"192.168.255.255", "private"},
            {"192.169.0.0", ""},
            {"198.18.0.0", "benchmarking"},
            {"198.19.255.255", "benchmarking"},
            {"198.20.0.0", ""},
            {"198.51.100.7", "documentation"},
            {"203.0.113.7", "documentation"},
            {"224.0.0.1", "multicast"},
            {"239.255.255.250", "multicast"},
            {"240.0.0.1", "reserved"},
            {"255.255.255.255", "broadcast"},
            {"223.255.255.255", ""},
            {"::", "unspecified"},
            {"::1", "loopback"},
            {"::a00:1", "IPv4-compatible"},
            {"::ffff:127.0.0.1", "loopback"},
            {"::ffff:10.0.0.1", "private"},
            {"::ffff:169.254.169.254", "metadata"},
            {"::ffff:100.64.0.1", "carrier-grade NAT"},
            {"::ffff:8.8.8.8", ""},
            {"64:ff9b::a00:1", "NAT64"},
            {"64:ff9b::808:808", "NAT64"}, // even a public IPv4 inside: the translator decides
            {"64:ff9b:1::1", "local-use NAT64"},
            {"100::", "discard-only"},
            {"100::ffff:ffff:ffff:ffff", "discard-only"},
            {"100:0:0:1::", ""},
            {"2001::", "Teredo"},
            {"2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "Teredo"},
            {"2001:2::1", "benchmarking"},
            {"2001:10::1", "ORCHID"},
            {"2001:20::1", "ORCHIDv2"},
            {"2001:db8::", "documentation"},
            {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation"},
            {"2001:db9::1", ""},
            {"2002::", "6to4"},
            {"2002:a00:1::1", "6to4"},
            {"2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "6to4"},
            {"2003::1", ""},
            {"3fff::1", "documentation"},
            {"fc00::", "unique-local"},
            {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique-local"},
            {"fe80::", "link-local"},
            {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local"},
            {"fec0::1", ""},
            {"ff00::", "multicast"},
            {"ff02::1", "multicast"},
            {"2606:4700::1111", ""},
            {"2a00:1450:4001::1", ""},
            {"8.8.8.8", ""},
            {"1.1.1.1", ""},
        };
        for (const auto &row : rows)
            QTest::newRow(row.address) << QString::fromLatin1(row.address) << QString::fromUtf8(row.reason);
    }
    void refusesEveryReservedRange()
    {
        QFETCH(QString, address);
        QFETCH(QString, reason);
        const QString why = whyRefused(QHostAddress(address));
        if (reason.isEmpty()) {
            QVERIFY2(why.isEmpty(), qPrintable(why));
        } else {
            QVERIFY2(why.contains(reason), qPrintable(address + QStringLiteral(": ") + why));
        }
    }
};

QTEST_GUILESS_MAIN(TestAddressPolicy)
#include "tst_addresspolicy.moc"
