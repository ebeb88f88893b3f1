// The epoll event dispatcher of the HTTP engine's threads (http/epolldispatcher.h): socket
// notifiers, timers of each kind started, stopped and re-armed, posted events, deleteLater,
// wake-ups from other threads, moving an object with a running timer, and QCoro awaiting on it.
#include "http/epolldispatcher.h"

#include <QCoroSignal>
#include <QCoroTask>
#include <QCoroTimer>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>

#include <sys/socket.h>
#include <unistd.h>

using Meshdeck::Http::DirectSocketNotifier;
using Meshdeck::Http::EpollDispatcher;
using namespace std::chrono_literals;

namespace {

// A thread running its event loop on an EpollDispatcher, with a context object living there.
class DispatcherThread
{
public:
    DispatcherThread()
    {
        m_thread.setEventDispatcher(new EpollDispatcher);
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
        m_thread.start();
    }
    ~DispatcherThread()
    {
        m_thread.quit();
        m_thread.wait();
    }
    // Runs work on the thread and waits for it.
    void run(const std::function<void()> &work)
    {
        QMetaObject::invokeMethod(m_context, work, Qt::BlockingQueuedConnection);
    }
    // Queues work on the thread (a posted event: the thread may be blocked in epoll_wait).
    void post(const std::function<void()> &work)
    {
        QMetaObject::invokeMethod(m_context, work, Qt::QueuedConnection);
    }
    QObject *context() const { return m_context; }
    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
    QObject *m_context = nullptr;
};

struct SocketPair {
    int fds[2] = {-1, -1};
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds); }
    ~SocketPair()
    {
        ::close(fds[0]);
        ::close(fds[1]);
    }
    bool send(const char *bytes) const { return ::write(fds[1], bytes, std::strlen(bytes)) > 0; }
};

QCoro::Task<int> sleepThenWaitForSignal(QTimer *trigger)
{
    co_await QCoro::sleepFor(5ms);
    trigger->start(1);
    co_await qCoro(trigger, &QTimer::timeout);
    co_return 42;
}

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void isTheThreadsDispatcher();
    void readNotifierIsLevelTriggered();
    void directNotifierIsCalledWithoutASignalHereAndThroughItElsewhere();
    void disabledNotifierStaysQuietUntilEnabled();
    void writeNotifierFiresWhenWritableAndStopsWhenDisabled();
    void notifierDeletedByAnotherHandlerInTheSameWakeUp();
    void timersOfEachKindFire();
    void restartedTimerFiresOnceAtItsNewTime();
    void restartedRepeatingTimerWaitsForItsNewInterval();
    void manyTimersStartedAndStoppedLeaveTheRestWorking();
    void zeroTimerDoesNotStarvePostedEvents();
    void remainingTimeAndRegisteredTimers();
    void objectWithRunningTimerMovesToAnotherThread();
    void postedEventsFromTwoThreadsAllArrive();
    void deleteLaterDeletes();
    void qcoroAwaitsTimersAndSignals();
};

void TestEpollDispatcher::isTheThreadsDispatcher()
{
    DispatcherThread t;
    bool epoll = false;
    t.run([&] { epoll = qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance()) != nullptr; });
    QVERIFY(epoll);
}

void TestEpollDispatcher::readNotifierIsLevelTriggered()
{
    DispatcherThread t;
    SocketPair pair;
    std::atomic<int> activations{0};
    QSocketNotifier *notifier = nullptr;
    t.run([&] {
        notifier = new QSocketNotifier(pair.fds[0], QSocketNotifier::Read);
        QObject::connect(notifier, &QSocketNotifier::activated, notifier, [&] {
            char byte;
            if (::read(pair.fds[0], &byte, 1) == 1) // one byte per activation: the rest stays readable
                ++activations;
        });
    });
    QVERIFY(pair.send("abc"));
    QTRY_COMPARE(activations.load(), 3);
    QVERIFY(pair.send("de"));
    QTRY_COMPARE(activations.load(), 5);
    t.run([&] { delete notifier; });
}

namespace {
// Reads one byte per call, as the engine's connections are called by their DirectSocketNotifier.
class ByteReader : public QObject
{
public:
    ByteReader(int fd, std::atomic<int> *calls)
        : m_fd(fd)
        , m_calls(calls)
    {}
    void onReadable()
    {
        char byte;
        if (::read(m_fd, &byte, 1) == 1)
            ++*m_calls;
    }

private:
    int m_fd;
    std::atomic<int> *m_calls;
};
} // namespace

void TestEpollDispatcher::directNotifierIsCalledWithoutASignalHereAndThroughItElsewhere()
{
    // On the epoll dispatcher the handler is called directly: activated() is never emitted.
    // On Qt's own dispatcher (MESHDECK_HTTP_DISPATCHER=qt) the same notifier works through it.
    for (const bool epoll : {true, false}) {
        QThread plain;
        std::optional<DispatcherThread> epollThread;
        QObject *context = nullptr;
        if (epoll) {
            epollThread.emplace();
            context = epollThread->context();
        } else {
            context = new QObject;
            context->moveToThread(&plain);
            QObject::connect(&plain, &QThread::finished, context, &QObject::deleteLater);
            plain.start();
        }
        const auto run = [&](const std::function<void()> &work) {
            QMetaObject::invokeMethod(context, work, Qt::BlockingQueuedConnection);
        };
        SocketPair pair;
        std::atomic<int> calls{0};
        std::atomic<int> emitted{0};
        ByteReader *reader = nullptr;
        run([&] {
            reader = new ByteReader(pair.fds[0], &calls);
            auto *notifier =
                new DirectSocketNotifier(pair.fds[0], QSocketNotifier::Read, reader,
                                         &DirectSocketNotifier::call<ByteReader, &ByteReader::onReadable>);
            QObject::connect(notifier, &QSocketNotifier::activated, notifier, [&] { ++emitted; });
        });
        QVERIFY(pair.send("abc"));
        QTRY_COMPARE(calls.load(), 3);
        QCOMPARE(emitted.load(), epoll ? 0 : 3);
        run([&] { delete reader; }); // deletes its notifier: nothing is called afterwards
        QVERIFY(pair.send("d"));
        run([] {}); // one more turn of the loop with the byte waiting
        QCOMPARE(calls.load(), 3);
        if (!epoll) {
            plain.quit();
            plain.wait();
        }
    }
}

void TestEpollDispatcher::disabledNotifierStaysQuietUntilEnabled()
{
    DispatcherThread t;
    SocketPair quiet, witness;
    std::atomic<int> quietSeen{0}, witnessSeen{0};
    QSocketNotifier *a = nullptr;
    QSocketNotifier *b = nullptr;
    t.run([&] {
        a = new QSocketNotifier(quiet.fds[0], QSocketNotifier::Read);
        QObject::connect(a, &QSocketNotifier::activated, a, [&] {
            char buffer[8];
            while (::read(quiet.fds[0], buffer, sizeof buffer) > 0) {
            }
            ++quietSeen;
        });
        a->setEnabled(false);
        b = new QSocketNotifier(witness.fds[0], QSocketNotifier::Read);
        QObject::connect(b, &QSocketNotifier::activated, b, [&] {
            char buffer[8];
            while (::read(witness.fds[0], buffer, sizeof buffer) > 0) {
            }
            ++witnessSeen;
        });
    });
    QVERIFY(quiet.send("x"));
    QVERIFY(witness.send("y"));
    // The witness's wake-up proves the loop ran while the quiet socket was readable.
    QTRY_COMPARE(witnessSeen.load(), 1);
    t.run([] {}); // and one more full iteration
    QCOMPARE(quietSeen.load(), 0);
    t.run([&] { a->setEnabled(true); });
    QTRY_COMPARE(quietSeen.load(), 1);
    // Disabled and enabled again in one go: still watched.
    t.run([&] {
        a->setEnabled(false);
        a->setEnabled(true);
    });
    QVERIFY(quiet.send("z"));
    QTRY_COMPARE(quietSeen.load(), 2);
    t.run([&] {
        delete a;
        delete b;
    });
}

void TestEpollDispatcher::writeNotifierFiresWhenWritableAndStopsWhenDisabled()
{
    DispatcherThread t;
    SocketPair pair;
    std::atomic<int> writable{0}, readable{0};
    QSocketNotifier *writer = nullptr;
    QSocketNotifier *reader = nullptr;
    t.run([&] {
        reader = new QSocketNotifier(pair.fds[0], QSocketNotifier::Read);
        QObject::connect(reader, &QSocketNotifier::activated, reader, [&] {
            char buffer[8];
            while (::read(pair.fds[0], buffer, sizeof buffer) > 0) {
            }
            ++readable;
        });
        writer = new QSocketNotifier(pair.fds[0], QSocketNotifier::Write);
        QObject::connect(writer, &QSocketNotifier::activated, writer, [&] {
            ++writable;
            writer->setEnabled(false); // as a connection does once its output is sent
        });
    });
    QTRY_COMPARE(writable.load(), 1);
    // The read side of the same descriptor still works after the write side went quiet, and the
    // write side did not fire again meanwhile.
    QVERIFY(pair.send("r"));
    QTRY_COMPARE(readable.load(), 1);
    QCOMPARE(writable.load(), 1);
    t.run([&] { writer->setEnabled(true); });
    QTRY_COMPARE(writable.load(), 2);
    t.run([&] {
        delete writer;
        delete reader;
    });
}

void TestEpollDispatcher::notifierDeletedByAnotherHandlerInTheSameWakeUp()
{
    DispatcherThread t;
    SocketPair first, second;
    std::atomic<int> fired{0};
    QSocketNotifier *a = nullptr;
    QSocketNotifier *b = nullptr;
    t.run([&] {
        a = new QSocketNotifier(first.fds[0], QSocketNotifier::Read);
        b = new QSocketNotifier(second.fds[0], QSocketNotifier::Read);
        // Whichever fires first deletes the other; the other must then not be activated.
        QObject::connect(a, &QSocketNotifier::activated, a, [&] {
            ++fired;
            delete b;
            b = nullptr;
            a->setEnabled(false);
        });
        QObject::connect(b, &QSocketNotifier::activated, b, [&] {
            ++fired;
            delete a;
            a = nullptr;
            b->setEnabled(false);
        });
    });
    // Both readable before the thread wakes: one epoll_wait reports both.
    t.run([&] { [[maybe_unused]] const bool sent = first.send("1") && second.send("2"); });
    QTRY_COMPARE(fired.load(), 1);
    t.run([] {});
    QCOMPARE(fired.load(), 1);
    t.run([&] {
        delete a;
        delete b;
    });
}

void TestEpollDispatcher::timersOfEachKindFire()
{
    DispatcherThread t;
    std::atomic<int> precise{0}, coarse{0}, veryCoarse{0}, repeating{0};
    QTimer *repeat = nullptr;
    t.run([&] {
        QTimer::singleShot(5, Qt::PreciseTimer, t.context(), [&] { ++precise; });
        QTimer::singleShot(5, Qt::CoarseTimer, t.context(), [&] { ++coarse; });
        QTimer::singleShot(1000, Qt::VeryCoarseTimer, t.context(), [&] { ++veryCoarse; });
        repeat = new QTimer;
        repeat->setInterval(2);
        QObject::connect(repeat, &QTimer::timeout, repeat, [&] {
            if (++repeating == 5)
                repeat->stop();
        });
        repeat->start();
    });
    QTRY_COMPARE(precise.load(), 1);
    QTRY_COMPARE(coarse.load(), 1);
    QTRY_COMPARE(repeating.load(), 5);
    QTRY_COMPARE(veryCoarse.load(), 1);
    // Stopped at 5: well past another few intervals, still 5 (the very coarse second proves time
    // passed with the loop running).
    QCOMPARE(repeating.load(), 5);
    QCOMPARE(precise.load(), 1);
    t.run([&] { delete repeat; });
}

void TestEpollDispatcher::restartedTimerFiresOnceAtItsNewTime()
{
    DispatcherThread t;
    std::atomic<int> fired{0}, later{0};
    QTimer *timer = nullptr;
    t.run([&] {
        timer = new QTimer;
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, timer, [&] { ++fired; });
        timer->start(60000);
        timer->start(100); // re-armed: the 60 s entry is stale
        timer->start(30);  // and again
    });
    QTRY_COMPARE(fired.load(), 1);
    t.run([&] { QTimer::singleShot(150, t.context(), [&] { ++later; }); });
    QTRY_COMPARE(later.load(), 1); // past the 100 ms arming too
    QCOMPARE(fired.load(), 1);
    t.run([&] { delete timer; });
}

void TestEpollDispatcher::restartedRepeatingTimerWaitsForItsNewInterval()
{
    DispatcherThread t;
    std::atomic<int> fired{0}, witness{0};
    QTimer *timer = nullptr;
    t.run([&] {
        timer = new QTimer;
        QObject::connect(timer, &QTimer::timeout, timer, [&] { ++fired; });
        timer->start(20);
        timer->start(60000); // the 20 ms entry left in the heap must not fire it
        QTimer::singleShot(300, t.context(), [&] { ++witness; });
    });
    QTRY_COMPARE(witness.load(), 1); // the loop ran well past 20 ms
    QCOMPARE(fired.load(), 0);
    t.run([&] { delete timer; });
}

void TestEpollDispatcher::manyTimersStartedAndStoppedLeaveTheRestWorking()
{
    DispatcherThread t;
    std::atomic<int> fired{0}, stoppedFired{0};
    QList<QTimer *> timers;
    t.run([&] {
        for (int i = 0; i < 2000; ++i) {
            auto *timer = new QTimer;
            timer->setSingleShot(true);
            QObject::connect(timer, &QTimer::timeout, timer, [&] { ++stoppedFired; });
            timers.append(timer);
        }
        // As the upstream client does: arm per exchange, cancel when the answer comes.
        for (int round = 0; round < 20; ++round) {
            for (QTimer *timer : timers)
                timer->start(30000 + round);
            for (QTimer *timer : timers)
                timer->stop();
        }
        for (int i = 0; i < 10; ++i)
            QTimer::singleShot(1 + i, t.context(), [&] { ++fired; });
    });
    QTRY_COMPARE(fired.load(), 10);
    QCOMPARE(stoppedFired.load(), 0);
    t.run([&] { qDeleteAll(timers); });
}

void TestEpollDispatcher::zeroTimerDoesNotStarvePostedEvents()
{
    DispatcherThread t;
    std::atomic<int> spins{0}, posted{0};
    QTimer *zero = nullptr;
    t.run([&] {
        zero = new QTimer;
        zero->setInterval(0);
        QObject::connect(zero, &QTimer::timeout, zero, [&] { ++spins; });
        zero->start();
    });
    for (int i = 0; i < 100; ++i)
        t.post([&] { ++posted; });
    QTRY_COMPARE(posted.load(), 100);
    QTRY_VERIFY(spins.load() > 10);
    t.run([&] { delete zero; });
}

void TestEpollDispatcher::remainingTimeAndRegisteredTimers()
{
    DispatcherThread t;
    int remaining = -2, stoppedRemaining = -2;
    qsizetype registered = -1, afterStop = -1;
    t.run([&] {
        QObject owner;
        const int id = owner.startTimer(10000ms, Qt::PreciseTimer);
        owner.startTimer(20000ms, Qt::CoarseTimer);
        auto *dispatcher = QAbstractEventDispatcher::instance();
        remaining = dispatcher->remainingTime(id);
        registered = dispatcher->registeredTimers(&owner).size();
        owner.killTimer(id);
        stoppedRemaining = dispatcher->remainingTime(id);
        afterStop = dispatcher->registeredTimers(&owner).size();
    });
    QVERIFY2(remaining > 9000 && remaining <= 10000, qPrintable(QString::number(remaining)));
    QCOMPARE(registered, 2);
    QCOMPARE(stoppedRemaining, -1);
    QCOMPARE(afterStop, 1);
}

void TestEpollDispatcher::objectWithRunningTimerMovesToAnotherThread()
{
    DispatcherThread t;
    std::atomic<int> fired{0};
    QTimer *timer = nullptr;
    t.run([&] {
        timer = new QTimer;
        timer->setInterval(5);
        QObject::connect(timer, &QTimer::timeout, timer, [&] { ++fired; });
        timer->start();
        timer->moveToThread(QCoreApplication::instance()->thread()); // registeredTimers, then ours
    });
    QTRY_VERIFY(fired.load() >= 2);
    QCOMPARE(timer->thread(), QThread::currentThread());
    delete timer;
}

void TestEpollDispatcher::postedEventsFromTwoThreadsAllArrive()
{
    DispatcherThread t;
    std::atomic<int> received{0};
    constexpr int PerThread = 20000;
    QThread *other = QThread::create([&] {
        for (int i = 0; i < PerThread; ++i)
            t.post([&] { ++received; });
    });
    other->start();
    for (int i = 0; i < PerThread; ++i)
        t.post([&] { ++received; });
    QVERIFY(other->wait(30000));
    delete other;
    QTRY_COMPARE(received.load(), 2 * PerThread);
    // And a wake-up of a thread asleep with nothing to do.
    QTest::qWait(20);
    t.post([&] { ++received; });
    QTRY_COMPARE(received.load(), 2 * PerThread + 1);
}

void TestEpollDispatcher::deleteLaterDeletes()
{
    DispatcherThread t;
    std::atomic<bool> destroyed{false};
    t.run([&] {
        auto *object = new QObject;
        QObject::connect(object, &QObject::destroyed, [&] { destroyed = true; });
        object->deleteLater();
    });
    QTRY_VERIFY(destroyed.load());
}

void TestEpollDispatcher::qcoroAwaitsTimersAndSignals()
{
    DispatcherThread t;
    std::atomic<int> result{0};
    QTimer *trigger = nullptr;
    t.run([&] {
        trigger = new QTimer;
        trigger->setSingleShot(true);
        QCoro::connect(sleepThenWaitForSignal(trigger), t.context(), [&](int value) { result = value; });
    });
    QTRY_COMPARE(result.load(), 42);
    t.run([&] { delete trigger; });
}

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "tst_epolldispatcher.moc"
