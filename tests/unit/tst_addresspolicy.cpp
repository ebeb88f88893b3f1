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
};

QTEST_GUILESS_MAIN(TestAddressPolicy)
#include "tst_addresspolicy.moc"
