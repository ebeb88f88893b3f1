#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QThread>
#include <QTimerEvent>
#include <QVarLengthArray>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcEpoll, "meshdeck.backend.http.epoll")

namespace Meshdeck::Http {

namespace {
constexpr quint64 WakeTag = ~quint64(0);
constexpr int MaxEvents = 128;
// The dispatcher whose processEvents() runs on this thread: its own wakeUp() needs no syscall.
thread_local const EpollDispatcher *t_running = nullptr;

bool heapLater(const auto &a, const auto &b)
{
    return a.deadlineNs > b.deadlineNs;
}

template<typename Descriptor> quint32 wanted(const Descriptor &descriptor)
{
    const auto &notifiers = descriptor.notifiers;
    return (notifiers[0] ? quint32(EPOLLIN) : 0u) | (notifiers[1] ? quint32(EPOLLOUT) : 0u) |
           (notifiers[2] ? quint32(EPOLLPRI) : 0u);
}
} // namespace

DirectSocketNotifier::DirectSocketNotifier(qintptr socket, Type type, QObject *receiver, Handler handler)
    : QSocketNotifier(socket, type, receiver)
    , m_receiver(receiver)
    , m_handler(handler)
{
    // QSocketNotifier's constructor registered a plain notifier: register this one, now whole.
    setEnabled(false);
    setEnabled(true);
    connect(this, &QSocketNotifier::activated, receiver, [this] { deliver(); });
}

EpollDispatcher::EpollDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("epoll dispatcher: cannot create its descriptors: %s", std::strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = WakeTag;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) < 0)
        qFatal("epoll dispatcher: cannot watch its eventfd: %s", std::strerror(errno));
}

EpollDispatcher::~EpollDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

qint64 EpollDispatcher::nowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// ---- posted events, wake-ups, the loop ----

void EpollDispatcher::wakeUp()
{
    if (t_running == this) {
        // Our own thread: it looks at the flag before it blocks.
        m_wakeUps.store(1);
        return;
    }
    if (m_wakeUps.exchange(1) == 0) {
        const eventfd_t one = 1;
        [[maybe_unused]] const int n = ::eventfd_write(m_wakeFd, one);
    }
}

void EpollDispatcher::interrupt()
{
    m_interrupt.store(true);
    if (m_wakeUps.exchange(1) == 0) {
        const eventfd_t one = 1;
        [[maybe_unused]] const int n = ::eventfd_write(m_wakeFd, one);
    }
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    const EpollDispatcher *outer = t_running;
    t_running = this;
    struct Restore {
        const EpollDispatcher *outer;
        ~Restore() { t_running = outer; }
    } restore{outer};

    m_interrupt.store(false);
    emit awake();
    // Cleared before the posted events are sent: whatever is posted from now on sets it again.
    m_wakeUps.store(0);
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait =
        (flags & QEventLoop::WaitForMoreEvents) && !m_interrupt.load() && m_wakeUps.load() == 0;
    if (canWait)
        emit aboutToBlock();
    if (m_interrupt.load())
        return false;

    qint64 timeoutNs = 0;
    if (canWait && m_wakeUps.load() == 0) {
        timeoutNs = -1;
        if (includeTimers)
            nextTimeout(timeoutNs);
    }

    int activated = 0;
    if (!includeNotifiers) {
        // Only the wake-up descriptor: the sockets' readiness stays for a later iteration.
        pollfd wake{m_wakeFd, POLLIN, 0};
        const timespec spec{time_t(timeoutNs / 1000000000), long(timeoutNs % 1000000000)};
        if (::ppoll(&wake, 1, timeoutNs < 0 ? nullptr : &spec, nullptr) > 0) {
            eventfd_t value = 0;
            [[maybe_unused]] const int n = ::eventfd_read(m_wakeFd, &value);
            ++activated;
        }
    } else {
        epoll_event events[MaxEvents];
        int n = 0;
        if (timeoutNs < 0) {
            n = ::epoll_wait(m_epoll, events, MaxEvents, -1);
        } else {
            // epoll_pwait2 (nanoseconds) where the kernel (5.11+) and any seccomp filter allow it;
            // else, for good, epoll_wait in milliseconds rounded up.
            static std::atomic<bool> noPwait2{false};
            if (!noPwait2.load(std::memory_order_relaxed)) {
                const timespec spec{time_t(timeoutNs / 1000000000), long(timeoutNs % 1000000000)};
                n = ::epoll_pwait2(m_epoll, events, MaxEvents, &spec, nullptr);
                if (n < 0 && errno != EINTR) {
                    qCInfo(lcEpoll) << "epoll_pwait2 unavailable (" << std::strerror(errno)
                                    << "); using epoll_wait";
                    noPwait2.store(true, std::memory_order_relaxed);
                }
            }
            if (noPwait2.load(std::memory_order_relaxed))
                n = ::epoll_wait(m_epoll, events, MaxEvents, int((timeoutNs + 999999) / 1000000));
        }
        if (n < 0 && errno != EINTR)
            qCWarning(lcEpoll) << "epoll_wait failed:" << std::strerror(errno);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u64 == WakeTag) {
                eventfd_t value = 0;
                [[maybe_unused]] const int r = ::eventfd_read(m_wakeFd, &value);
                ++activated;
                continue;
            }
            activate(events[i].data.u64, events[i].events);
            ++activated;
        }
    }
    if (includeTimers)
        activated += activateTimers();
    return activated > 0;
}

// ---- socket notifiers ----

EpollDispatcher::Descriptor *EpollDispatcher::find(int fd)
{
    return fd >= 0 && size_t(fd) < m_descriptors.size() ? &m_descriptors[size_t(fd)] : nullptr;
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    if (fd < 0 || type < 0 || type > 2)
        return;
    if (size_t(fd) >= m_descriptors.size())
        m_descriptors.resize(std::max(size_t(fd) + 1, m_descriptors.size() * 2));
    Descriptor &descriptor = m_descriptors[size_t(fd)];
    if (descriptor.applied == 0)
        descriptor.generation = ++m_generation; // a new registration: earlier events are not its own
    if (descriptor.notifiers[type] && descriptor.notifiers[type] != notifier)
        qCWarning(lcEpoll) << "several socket notifiers of one type on descriptor" << fd;
    descriptor.notifiers[type] = notifier;
    // Null while a DirectSocketNotifier is still in QSocketNotifier's constructor: it registers
    // again once it is whole.
    descriptor.direct[type] = dynamic_cast<DirectSocketNotifier *>(notifier);
    apply(fd, descriptor);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    Descriptor *descriptor = find(fd);
    if (!descriptor || type < 0 || type > 2 || descriptor->notifiers[type] != notifier)
        return;
    descriptor->notifiers[type] = nullptr;
    descriptor->direct[type] = nullptr;
    apply(fd, *descriptor);
}

// Changes the registration to what the notifiers want; a descriptor nobody watches is removed at
// once (its owner closes it next, and a registration must not outlive the descriptor's number).
void EpollDispatcher::apply(int fd, Descriptor &descriptor)
{
    const quint32 want = wanted(descriptor);
    if (want == descriptor.applied && want != 0)
        return;
    if (want == 0) {
        if (descriptor.applied != 0)
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        descriptor.applied = 0;
        return;
    }
    epoll_event event{};
    event.events = want;
    event.data.u64 = (quint64(quint32(fd)) << 32) | descriptor.generation;
    int op = descriptor.applied ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    int result = ::epoll_ctl(m_epoll, op, fd, &event);
    if (result < 0 && errno == ENOENT) // the kernel dropped it when the descriptor was closed
        result = ::epoll_ctl(m_epoll, op = EPOLL_CTL_ADD, fd, &event);
    else if (result < 0 && errno == EEXIST)
        result = ::epoll_ctl(m_epoll, op = EPOLL_CTL_MOD, fd, &event);
    if (result < 0) {
        qCWarning(lcEpoll) << "epoll_ctl on descriptor" << fd << "failed:" << std::strerror(errno);
        descriptor.applied = 0;
        return;
    }
    descriptor.applied = want;
}

void EpollDispatcher::activate(quint64 data, quint32 events)
{
    const int fd = int(data >> 32);
    const quint32 generation = quint32(data);
    static constexpr quint32 Flags[3] = {EPOLLIN | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLHUP | EPOLLERR,
                                         EPOLLPRI | EPOLLHUP | EPOLLERR};
    for (int type = 0; type < 3; ++type) {
        if (!(events & Flags[type]))
            continue;
        // Looked up afresh each time: the handler before may have disabled or deleted this one.
        const Descriptor *descriptor = find(fd);
        if (!descriptor || descriptor->applied == 0 || descriptor->generation != generation)
            return;
        if (DirectSocketNotifier *direct = descriptor->direct[type]) {
            direct->deliver();
        } else if (QSocketNotifier *notifier = descriptor->notifiers[type]) {
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &event);
        }
    }
}

// ---- timers ----

void EpollDispatcher::schedule(int id, Timer &timer, qint64 deadlineNs)
{
    timer.deadlineNs = deadlineNs;
    timer.arm = ++m_arms;
    m_heap.push_back(Due{deadlineNs, timer.arm, id});
    std::push_heap(m_heap.begin(), m_heap.end(), heapLater<Due, Due>);
}

EpollDispatcher::Timer *EpollDispatcher::timer(int id)
{
    if (id < 1 || size_t(id) >= m_timers.size() || !m_timers[size_t(id)].object)
        return nullptr;
    return &m_timers[size_t(id)];
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object)
        return;
    // Qt's timer ids come from one free list, reused lowest-first: a table by id stays small.
    if (size_t(timerId) >= m_timers.size())
        m_timers.resize(std::max(size_t(timerId) + 1, m_timers.size() * 2));
    Timer &timer = m_timers[size_t(timerId)];
    if (timer.object)
        ++m_stale;
    timer.object = object;
    timer.intervalMs = interval;
    timer.type = timerType;
    timer.firing = false;
    schedule(timerId, timer, nowNs() + interval * 1000000);
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    Timer *found = timer(timerId);
    if (!found)
        return false;
    found->object = nullptr;
    ++m_stale;
    dropStale();
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    bool found = false;
    for (Timer &timer : m_timers) {
        if (timer.object == object) {
            timer.object = nullptr;
            ++m_stale;
            found = true;
        }
    }
    dropStale();
    return found;
}

// Stopped timers leave their heap entry behind; once they are most of it, it is rebuilt.
void EpollDispatcher::dropStale()
{
    if (m_stale < 256 || m_stale * 2 < qsizetype(m_heap.size()))
        return;
    m_heap.clear();
    for (size_t id = 1; id < m_timers.size(); ++id) {
        if (m_timers[id].object)
            m_heap.push_back(Due{m_timers[id].deadlineNs, m_timers[id].arm, int(id)});
    }
    std::make_heap(m_heap.begin(), m_heap.end(), heapLater<Due, Due>);
    m_stale = 0;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (size_t id = 1; id < m_timers.size(); ++id) {
        const Timer &timer = m_timers[id];
        if (timer.object && timer.object == object)
            list.append(TimerInfo(int(id), int(timer.intervalMs), timer.type));
    }
    return list;
}

int EpollDispatcher::remainingTime(int timerId)
{
    const Timer *found = timer(timerId);
    if (!found)
        return -1;
    const qint64 left = found->deadlineNs - nowNs();
    return left <= 0 ? 0 : int((left + 999999) / 1000000);
}

bool EpollDispatcher::current(const Due &entry)
{
    const Timer *found = timer(entry.id);
    return found && found->arm == entry.arm;
}

// The time until the earliest live timer (stale entries on top are dropped on the way).
void EpollDispatcher::nextTimeout(qint64 &timeoutNs)
{
    while (!m_heap.empty()) {
        const Due &top = m_heap.front();
        if (current(top)) {
            timeoutNs = qMax<qint64>(0, top.deadlineNs - nowNs());
            return;
        }
        std::pop_heap(m_heap.begin(), m_heap.end(), heapLater<Due, Due>);
        m_heap.pop_back();
        --m_stale;
    }
}

int EpollDispatcher::activateTimers()
{
    if (m_heap.empty())
        return 0;
    const qint64 now = nowNs();
    // Those due now are taken first: a timer started (or re-armed at 0 ms) by a handler waits for
    // the next iteration, as with Qt's dispatcher.
    QVarLengthArray<Due, 32> due;
    while (!m_heap.empty() && m_heap.front().deadlineNs <= now) {
        const Due entry = m_heap.front();
        std::pop_heap(m_heap.begin(), m_heap.end(), heapLater<Due, Due>);
        m_heap.pop_back();
        if (current(entry))
            due.append(entry);
        else
            --m_stale;
    }
    int fired = 0;
    for (const Due &entry : due) {
        if (!current(entry))
            continue; // stopped (or restarted) by an earlier handler of this pass
        Timer &armed = m_timers[size_t(entry.id)];
        qint64 next = armed.deadlineNs + armed.intervalMs * 1000000;
        if (next <= now)
            next = now + armed.intervalMs * 1000000;
        schedule(entry.id, armed, next);
        if (armed.firing)
            continue;
        armed.firing = true;
        QObject *object = armed.object;
        QTimerEvent event(entry.id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        if (Timer *after = timer(entry.id)) // the handler may have stopped it, or started others
            after->firing = false;
    }
    return fired;
}

} // namespace Meshdeck::Http
