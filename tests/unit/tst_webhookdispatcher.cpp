#include "postgresserver.h"
#include "testing.h"

#include "platform/clock.h"
#include "platform/secretbox.h"
#include "services/events/eventsschema.h"
#include "services/events/webhookdispatcher.h"
#include "storage/database.h"
#include "storage/documentpermissions.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace Meshdeck;
using namespace Meshdeck::Events;
using namespace Meshdeck::Testing;

// The dispatcher's deliveries outlive neither a stop nor the dispatcher itself.
class TestWebhookDispatcherLifetime : public QObject
{
    Q_OBJECT
private:
    Meshdeck::Testing::TestDatabases m_databases;
    ManualClock m_clock;
    SecretBox m_box = SecretBox::ephemeral();
    std::unique_ptr<Storage::Database> m_db;

    Webhook webhookTo(const QString &url) const
    {
        Webhook w;
        w.id = QStringLiteral("w1");
        w.url = url;
        w.topics = {QStringLiteral("orders")};
        w.sealedSecret = m_box.seal("whsec_test");
        return w;
    }
    std::unique_ptr<WebhookDispatcher> dispatcher()
    {
        WebhookSettings settings;
        settings.allowPrivateTargets = true;
        return std::make_unique<WebhookDispatcher>(settings, m_db.get(), m_box, m_clock);
    }

private Q_SLOTS:
    void init()
    {
        m_db = std::make_unique<Storage::Database>();
        const auto opened = waitForTask(m_db->open(
            m_databases.freshLocation(QString::fromLatin1(QTest::currentTestFunction())),
            {{QStringLiteral("events"), Events::schema()}, Storage::DocumentPermissions::schema()}));
        QVERIFY2(opened.ok, qPrintable(opened.error));
    }
    void cleanup()
    {
        waitForTask(m_db->close());
        m_db.reset();
    }

    // Defect 7: the address lookup answered into a dispatcher that no longer existed.
    void destroyedWhileResolvingAHostName()
    {
        auto d = dispatcher();
        QCoro::Task<DeliveryRecord> sending =
            d->send(webhookTo(QStringLiteral("http://localhost:9/hook")), QStringLiteral("orders"), "{}",
                    QStringLiteral("e1"), 0, 1);
        d.reset(); // the lookup is still under way
        const DeliveryRecord r = waitForTask(std::move(sending));
        QVERIFY2(r.error.contains(QStringLiteral("abandoned")), qPrintable(r.error));
        QVERIFY(!r.succeeded);
    }

    void destroyedWhileADeliveryIsInFlight()
    {
        QTcpServer receiver; // takes the request and never answers
        QVERIFY(receiver.listen(QHostAddress::LocalHost, 0));
        auto d = dispatcher();
        QCoro::Task<DeliveryRecord> sending =
            d->send(webhookTo(QStringLiteral("http://127.0.0.1:%1/hook").arg(receiver.serverPort())),
                    QStringLiteral("orders"), "{}", QStringLiteral("e1"), 0, 1);
        QVERIFY(QTest::qWaitFor([&] { return receiver.hasPendingConnections(); }, 5000));
        QTcpSocket *connection = receiver.nextPendingConnection();
        QVERIFY(QTest::qWaitFor([&] { return connection->bytesAvailable() > 0; }, 5000));
        d.reset();
        const DeliveryRecord r = waitForTask(std::move(sending));
        QVERIFY2(r.error.contains(QStringLiteral("abandoned")), qPrintable(r.error));
    }

    void stoppedWhileADeliveryIsInFlight()
    {
        QTcpServer receiver;
        QVERIFY(receiver.listen(QHostAddress::LocalHost, 0));
        auto d = dispatcher();
        d->start();
        QCoro::Task<DeliveryRecord> sending =
            d->send(webhookTo(QStringLiteral("http://127.0.0.1:%1/hook").arg(receiver.serverPort())),
                    QStringLiteral("orders"), "{}", QStringLiteral("e1"), 0, 1);
        QVERIFY(QTest::qWaitFor([&] { return receiver.hasPendingConnections(); }, 5000));
        d->stop();
        const DeliveryRecord r = waitForTask(std::move(sending));
        QVERIFY2(r.error.contains(QStringLiteral("abandoned")), qPrintable(r.error));
        d.reset();
    }
};

QTEST_GUILESS_MAIN(TestWebhookDispatcherLifetime)
#include "tst_webhookdispatcher.moc"
