#include "gatewaychannel.h"

namespace Meshdeck::Gateway {

QString GatewayChannel::open(Realtime::SubscriptionPtr subscription)
{
    if (subscription->channel != prefix())
        return QStringLiteral("The gateway's channel is called 'gateway.metrics'.");
    if (QString refused = Realtime::authorizeSubscription(*subscription, "gateway.read"); !refused.isEmpty())
        return refused;
    subscription->mailbox->post(Realtime::jsonText(
        {{QStringLiteral("type"), QStringLiteral("subscribed")}, {QStringLiteral("channel"), prefix()}}));
    std::lock_guard lock(m_mutex);
    m_subscribers.insert(subscription->id, std::move(subscription));
    return {};
}

void GatewayChannel::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_subscribers.constFind(subscription->id);
    if (it != m_subscribers.cend() && *it == subscription)
        m_subscribers.erase(it);
}

bool GatewayChannel::hasSubscribers() const
{
    std::lock_guard lock(m_mutex);
    return !m_subscribers.isEmpty();
}

void GatewayChannel::broadcast(const QJsonObject &message)
{
    QJsonObject m = message;
    m.insert(QStringLiteral("channel"), prefix());
    const QByteArray text = Realtime::jsonText(m);
    std::lock_guard lock(m_mutex);
    for (const Realtime::SubscriptionPtr &s : std::as_const(m_subscribers))
        s->mailbox->post(text);
}

} // namespace Meshdeck::Gateway
