#include "channel.h"

#include "access.h"

#include <QJsonDocument>

namespace Meshdeck::Realtime {

QByteArray jsonText(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Mailbox::Mailbox(QObject *session, size_t capacity)
    : m_session(session)
    , m_capacity(capacity)
{}

bool Mailbox::post(QByteArray message)
{
    std::lock_guard lock(m_mutex);
    if (!m_session || m_overflowed)
        return false;
    if (m_queue.size() >= m_capacity)
        m_overflowed = true;
    else
        m_queue.push_back(std::move(message));
    if (!m_wakeScheduled) {
        m_wakeScheduled = true;
        // Safe while we hold the lock: the session cannot finish detaching meanwhile, and Qt drops
        // events posted to an object that is deleted before they are delivered.
        QMetaObject::invokeMethod(m_session, "drainMailbox", Qt::QueuedConnection);
    }
    return !m_overflowed;
}

std::deque<QByteArray> Mailbox::take()
{
    std::lock_guard lock(m_mutex);
    m_wakeScheduled = false;
    std::deque<QByteArray> out;
    out.swap(m_queue);
    return out;
}

bool Mailbox::overflowed() const
{
    std::lock_guard lock(m_mutex);
    return m_overflowed;
}

void Mailbox::detach()
{
    std::lock_guard lock(m_mutex);
    m_session = nullptr;
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
