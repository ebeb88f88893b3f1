#pragma once

#include <QAbstractEventDispatcher>
#include <QSocketNotifier>

#include <atomic>
#include <vector>

namespace Meshdeck::Http {

// An event dispatcher on epoll, for the HTTP engine's threads (install it with
// QThread::setEventDispatcher before the thread starts). Qt's own QEventDispatcherUNIX rebuilds a
// ppoll() set of every descriptor on each iteration and keeps its timers in a sorted list; here a
// socket notifier is one level-triggered epoll registration changed only when a notifier is
// enabled or disabled (so QSocketNotifier's semantics hold), a timer is a hash entry plus a
// lazily pruned min-heap entry (starting and stopping one is cheap: the upstream client arms one
// per exchange), and posted events and wakeUp() go through an eventfd written at most once per
// wake-up (never from the dispatcher's own thread, which looks at the flag before it blocks).
// A socket notifier that EpollDispatcher activates by calling its handler directly, without an
// event and a signal emission (the engine's connections are woken twice per proxied request). On
// any other dispatcher (MESHDECK_HTTP_DISPATCHER=qt) it is an ordinary QSocketNotifier whose
// activated() signal calls the same handler.
class DirectSocketNotifier : public QSocketNotifier
{
public:
    using Handler = void (*)(QObject *receiver);
    DirectSocketNotifier(qintptr socket, Type type, QObject *receiver, Handler handler);
    void deliver() { m_handler(m_receiver); }

    // The handler that calls `Member` of T: DirectSocketNotifier(fd, Read, this, &call<T, &T::onReadable>).
    template<typename T, void (T::*Member)()> static void call(QObject *receiver)
    {
        (static_cast<T *>(receiver)->*Member)();
    }

private:
    QObject *m_receiver;
    Handler m_handler;
};

class EpollDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollDispatcher(QObject *parent = nullptr);
    ~EpollDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Descriptor {
        QSocketNotifier *notifiers[3] = {nullptr, nullptr, nullptr};   // Read, Write, Exception
        DirectSocketNotifier *direct[3] = {nullptr, nullptr, nullptr}; // the same, when called directly
        quint32 generation = 0; // in each registration's data: events of an earlier one are ignored
        quint32 applied = 0;    // the epoll events registered now (0: not registered)
    };
    struct Timer {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        qint64 deadlineNs = 0;
        quint64 arm = 0; // matches the heap entry that is current
        Qt::TimerType type = Qt::CoarseTimer;
        bool firing = false; // not fired again from a nested loop inside its own handler
    };
    struct Due {
        qint64 deadlineNs;
        quint64 arm;
        int id;
    };

    void apply(int fd, Descriptor &descriptor);
    Descriptor *find(int fd);
    void activate(quint64 data, quint32 events);
    int activateTimers();
    void schedule(int id, Timer &timer, qint64 deadlineNs);
    void dropStale();
    Timer *timer(int id);
    bool current(const Due &entry);
    void nextTimeout(qint64 &timeoutNs);
    static qint64 nowNs();

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<int> m_wakeUps{0};
    std::atomic<bool> m_interrupt{false};
    std::vector<Descriptor> m_descriptors; // by descriptor number; unwatched ones have applied 0
    quint32 m_generation = 0;
    std::vector<Timer> m_timers; // by timer id; a free slot has no object
    std::vector<Due> m_heap;     // min-heap on deadline; entries whose arm is outdated are stale
    qsizetype m_stale = 0;
    quint64 m_arms = 0;
};

} // namespace Meshdeck::Http
