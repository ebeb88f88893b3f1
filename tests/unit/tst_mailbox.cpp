#include "platform/channel.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace Meshdeck::Realtime;

namespace {

// Stands in for a realtime session: counts its wake-ups and keeps what it drained.
class Inbox : public QObject
{
    Q_OBJECT
public:
    explicit Inbox(size_t capacity = 100'000)
        : mailbox(std::make_shared<Mailbox>(this, capacity))
    {}
    Q_INVOKABLE void drainMailbox()
    {
        ++wakeUps;
        for (QByteArray &m : mailbox->take())
            messages.push_back(std::move(m));
    }
    std::shared_ptr<Mailbox> mailbox;
    std::vector<QByteArray> messages;
    std::atomic<int> wakeUps{0}; // read from the test thread while a session thread drains
};

std::atomic<int> g_callsOnDeadInboxes{0};

class DyingInbox : public QObject
{
    Q_OBJECT
public:
    DyingInbox()
        : mailbox(std::make_shared<Mailbox>(this, 10))
    {}
    Q_INVOKABLE void drainMailbox() { g_callsOnDeadInboxes.fetch_add(1); }
    std::shared_ptr<Mailbox> mailbox;
};

} // namespace

class TestMailbox : public QObject
{
    Q_OBJECT
private slots:
    // Many writers, many sessions: every session gets every message of each writer, in that
    // writer's order, exactly once.
    void everySessionGetsEveryMessageInOrder()
    {
        constexpr int Sessions = 300; // more than one slice of a wake queue's drain
        constexpr int Writers = 3;
        constexpr int PerWriter = 400;
        std::vector<std::unique_ptr<Inbox>> inboxes;
        for (int i = 0; i < Sessions; ++i)
            inboxes.push_back(std::make_unique<Inbox>());
        std::vector<std::thread> writers;
        std::atomic<int> refused{0};
        for (int w = 0; w < Writers; ++w) {
            writers.emplace_back([&inboxes, &refused, w] {
                for (int n = 0; n < PerWriter; ++n) {
                    const QByteArray text = QByteArray::number(w) + ':' + QByteArray::number(n);
                    for (const auto &inbox : inboxes)
                        refused += inbox->mailbox->post(text) ? 0 : 1;
                }
            });
        }
        for (std::thread &t : writers)
            t.join();
        QCOMPARE(refused.load(), 0);
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (const auto &inbox : inboxes)
                    if (inbox->messages.size() < size_t(Writers * PerWriter))
                        return false;
                return true;
            },
            10'000));
        for (const auto &inbox : inboxes) {
            QCOMPARE(inbox->messages.size(), size_t(Writers * PerWriter));
            int next[Writers] = {};
            for (const QByteArray &m : inbox->messages) {
                const int w = m.left(m.indexOf(':')).toInt();
                QCOMPARE(m.mid(m.indexOf(':') + 1).toInt(), next[w]++);
            }
            // Batched: far fewer wake-ups than messages (one per batch that arrived while idle).
            QVERIFY2(inbox->wakeUps.load() < Writers * PerWriter, QByteArray::number(inbox->wakeUps.load()));
        }
    }

    // A message posted to an idle session wakes it once; a second one before it drained rides along.
    void oneWakeUpPerBatch()
    {
        Inbox inbox;
        QVERIFY(inbox.mailbox->post("a"));
        QVERIFY(inbox.mailbox->post("b"));
        QVERIFY(QTest::qWaitFor([&] { return inbox.messages.size() == 2; }, 5000));
        QCOMPARE(inbox.wakeUps.load(), 1);
        QVERIFY(inbox.mailbox->post("c"));
        QVERIFY(QTest::qWaitFor([&] { return inbox.messages.size() == 3; }, 5000));
        QCOMPARE(inbox.wakeUps.load(), 2);
    }

    // A session destroyed with mail waiting, detached or not, is never called: the wake-up is
    // queued on its thread, not on the session, so Qt does not drop it with the session.
    void aSessionGoneBeforeItsWakeUpIsNotCalled()
    {
        g_callsOnDeadInboxes = 0;
        Inbox witness; // woken after the dying ones: once it drained, their turn has passed
        auto detached = std::make_unique<DyingInbox>();
        auto undetached = std::make_unique<DyingInbox>();
        QVERIFY(detached->mailbox->post("x"));
        QVERIFY(undetached->mailbox->post("y"));
        QVERIFY(witness.mailbox->post("z"));
        const std::shared_ptr<Mailbox> kept = undetached->mailbox; // a provider still holds it
        detached->mailbox->detach();
        detached.reset();
        undetached.reset();
        QVERIFY(QTest::qWaitFor([&] { return witness.messages.size() == 1; }, 5000));
        QCOMPARE(g_callsOnDeadInboxes.load(), 0);
        // Later mail to the mailbox a provider kept wakes nobody either.
        kept->post("later");
        QVERIFY(witness.mailbox->post("z2"));
        QVERIFY(QTest::qWaitFor([&] { return witness.messages.size() == 2; }, 5000));
        QCOMPARE(g_callsOnDeadInboxes.load(), 0);
    }

    // A session's thread that ended (a server's worker at shutdown) takes no more wake-ups; posting
    // to its mailbox is accepted and dropped, without touching what the thread left behind.
    void aThreadThatEndedTakesNoMore()
    {
        QThread thread;
        auto *context = new QObject;
        context->moveToThread(&thread);
        connect(&thread, &QThread::finished, context, &QObject::deleteLater);
        thread.start();
        std::unique_ptr<Inbox> inbox;
        QSemaphore made;
        QMetaObject::invokeMethod(
            context,
            [&] {
                inbox = std::make_unique<Inbox>();
                made.release();
            },
            Qt::QueuedConnection);
        QVERIFY(made.tryAcquire(1, 5000));
        QVERIFY(inbox->mailbox->post("one"));
        QTRY_COMPARE_WITH_TIMEOUT(inbox->wakeUps.load(), 1, 5000);
        thread.quit();
        QVERIFY(thread.wait(5000));
        QVERIFY(inbox->mailbox->post("two"));
        inbox.reset();
    }
};

QTEST_GUILESS_MAIN(TestMailbox)
#include "tst_mailbox.moc"
