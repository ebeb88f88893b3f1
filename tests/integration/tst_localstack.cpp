#include "testing.h"

#include "localstack/localstack.h"
#include "localstack/logmodel.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <csignal>

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

// The console's local stack with the real meshdeckd: start, restart, stop.
class TestLocalStack : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void localStackStartsTheRealBackendAndStopsIt()
    {
        QTemporaryDir dir;
        LocalStack stack({binary(QStringLiteral("meshdeckd")), dir.filePath(QStringLiteral("data"))});
        QSignalSpy ready(&stack, &LocalStack::ready);
        stack.start();
        QTRY_COMPARE_WITH_TIMEOUT(stack.state(), LocalStack::State::Running, 10000);
        QCOMPARE(ready.count(), 1);
        QVERIFY(stack.url().port() > 0);
        QVERIFY(stack.token().startsWith("mdk_"));
        const qint64 pid = stack.pid();
        QVERIFY(pid > 0);
        QTRY_VERIFY(stack.log()->rowCount() > 1); // meshdeckd's own log lines arrived

        // A developer's webhook receiver beside the local stack is on loopback: the local stack
        // allows private targets (a shared server does not, see tst_webhooks).
        RawHttp http;
        QVERIFY(http.connectTo(quint16(stack.url().port())));
        const QByteArray body = "{\"url\":\"http://127.0.0.1:9/hook\",\"topics\":[\"system\"]}";
        http.send("POST /v1/events/webhooks HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                  stack.token() + "\r\nContent-Type: application/json\r\nContent-Length: " +
                  QByteArray::number(body.size()) + "\r\n\r\n" + body);
        const RawResponse created = http.read();
        QVERIFY2(created.status == 201, created.body.constData());

        stack.restart();
        QTRY_COMPARE_WITH_TIMEOUT(stack.state(), LocalStack::State::Running, 10000);
        QVERIFY(stack.pid() != pid);
        QCOMPARE(ready.count(), 2);

        const qint64 second = stack.pid();
        stack.stop();
        QTRY_COMPARE_WITH_TIMEOUT(stack.state(), LocalStack::State::Stopped, 10000);
        QVERIFY2(::kill(pid_t(second), 0) != 0, "the backend process is gone");
    }
};

QTEST_GUILESS_MAIN(TestLocalStack)
#include "tst_localstack.moc"
