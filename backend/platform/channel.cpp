#include "channel.h"

#include "access.h"

#include <QJsonDocument>
#include <QMetaMethod>
#include <QThread>

#include <algorithm>
#include <utility>

namespace Meshdeck::Realtime {

QByteArray jsonText(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The mailboxes of one thread that have mail and no wake-up yet. The first one to join posts one
// call to the thread's anchor object; that call drains every mailbox that joined meanwhile.
class WakeQueue
{
public:
    // The calling thread's queue, made on first use; its anchor is deleted when the thread ends.
    static std::shared_ptr<WakeQueue> ofCurrentThread();

    // Any thread.
    void add(std::shared_ptr<Mailbox> mailbox)
    {
        std::lock_guard lock(m_mutex);
        if (!m_anchor)
            return; // the thread has ended: nobody will read this mailbox
        m_ready.push_back(std::move(mailbox));
        if (m_wakePosted)
            return;
        m_wakePosted = true;
        // The anchor lives until the thread ends (retire()); a call posted to it is dropped then.
        QMetaObject::invokeMethod(
            m_anchor, [this] { drain(); }, Qt::QueuedConnection);
    }

private:
    // A slice of the mailboxes at a time, then the thread's other events (a request, a session's
    // own messages) before the next slice: a message to ten thousand sessions does not hold the
    // thread for tens of milliseconds, and a session whose turn comes later sends what arrived
    // meanwhile in the same write.
    void drain()
    {
        if (m_inDrain) // a session ran a nested event loop: the running drain() goes on after it
            return;
        m_inDrain = true;
        if (m_next == m_draining.size()) {
            m_draining.clear(); // keeps its capacity for the next batch
            m_next = 0;
            std::lock_guard lock(m_mutex);
            m_draining.swap(m_ready);
        }
        const size_t end = std::min(m_draining.size(), m_next + Slice);
        while (m_next < end)
            m_draining[m_next++]->deliver();
        m_inDrain = false;
        bool more = m_next < m_draining.size();
        if (!more) {
            std::lock_guard lock(m_mutex);
            more = !m_ready.empty();
            m_wakePosted = more; // else the next add() posts a new call
        }
        if (more)
            QMetaObject::invokeMethod(
                m_anchor, [this] { drain(); }, Qt::QueuedConnection);
    }

    void retire()
    {
        QObject *anchor;
        {
            std::lock_guard lock(m_mutex);
            anchor = std::exchange(m_anchor, nullptr);
            m_ready.clear();
        }
        delete anchor;
    }

    std::mutex m_mutex;
    QObject *m_anchor = new QObject; // lives in the thread that made the queue
    std::vector<std::shared_ptr<Mailbox>> m_ready;
    std::vector<std::shared_ptr<Mailbox>> m_draining; // the thread's own, delivered up to m_next
    size_t m_next = 0;
    bool m_inDrain = false;
    bool m_wakePosted = false; // a call to drain() is queued, or the one running queues the next
    static constexpr size_t Slice = 256;
};

std::shared_ptr<WakeQueue> WakeQueue::ofCurrentThread()
{
    struct Holder {
        std::shared_ptr<WakeQueue> queue = std::make_shared<WakeQueue>();
        ~Holder() { queue->retire(); }
    };
    thread_local Holder holder;
    return holder.queue;
}

Mailbox::Mailbox(QObject *session, size_t capacity)
    : Mailbox(session, capacity, nullptr)
{
    m_drainMethod = session->metaObject()->indexOfMethod("drainMailbox()");
    Q_ASSERT_X(m_drainMethod >= 0, "Mailbox", "the session has no Q_INVOKABLE drainMailbox()");
}

Mailbox::Mailbox(QObject *session, size_t capacity, Drain drain)
    : m_session(session)
    , m_alive(session)
    , m_wakes(WakeQueue::ofCurrentThread())
    , m_drain(drain)
    , m_capacity(capacity)
{
    Q_ASSERT_X(session->thread() == QThread::currentThread(), "Mailbox",
               "made on another thread than its session's");
}

bool Mailbox::post(QByteArray message)
{
    std::lock_guard lock(m_mutex);
    if (!m_session.load(std::memory_order_relaxed) || m_overflowed.load(std::memory_order_relaxed))
        return false;
    if (m_queue.size() >= m_capacity)
        m_overflowed.store(true, std::memory_order_relaxed);
    else
        m_queue.push_back(std::move(message));
    if (!m_wakeScheduled) {
        m_wakeScheduled = true;
        m_wakes->add(shared_from_this());
    }
    return !m_overflowed.load(std::memory_order_relaxed);
}

void Mailbox::deliver()
{
    // Detaching and destruction happen on this same thread, so a session seen attached and alive
    // here outlives this call. A session destroyed without detaching is skipped too (the wake-up
    // is queued on the thread, not on the session, so Qt does not drop it with the session).
    QObject *session = m_session.load(std::memory_order_acquire);
    if (!session || !m_alive)
        return;
    if (m_drain)
        m_drain(session);
    else
        session->metaObject()->method(m_drainMethod).invoke(session, Qt::DirectConnection);
}

std::vector<QByteArray> Mailbox::take()
{
    std::lock_guard lock(m_mutex);
    m_wakeScheduled = false;
    std::vector<QByteArray> out;
    out.swap(m_queue);
    return out;
}

bool Mailbox::overflowed() const
{
    return m_overflowed.load(std::memory_order_relaxed);
}

void Mailbox::detach()
{
    std::lock_guard lock(m_mutex);
    m_session.store(nullptr, std::memory_order_release);
    m_queue.clear();
}

} // namespace Meshdeck::Realtime

namespace Meshdeck::Realtime {

QString authorizeSubscription(const Subscription &subscription, QByteArrayView permission)
{
    if (!subscription.principal)
        return QStringLiteral("Authenticate before subscribing.");
    const Access::Decision decision = Access::authorize(*subscription.principal, permission);
    if (decision.allowed)
        return {};
    return QStringLiteral("You may not subscribe to '%1': %2").arg(subscription.channel, decision.summary());
}

} // namespace Meshdeck::Realtime
