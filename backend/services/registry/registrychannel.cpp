#include "registrychannel.h"

#include <QJsonArray>

namespace Meshdeck::Registry {

RegistryChannel::RegistryChannel(std::mutex &stateMutex, const QHash<QString, Instance> &instances)
    : m_stateMutex(stateMutex)
    , m_instances(instances)
{}

QString RegistryChannel::open(Realtime::SubscriptionPtr subscription)
{
    if (subscription->channel != prefix())
        return QStringLiteral("The registry channel is called 'registry'.");
    // Authorised like the REST read it mirrors.
    if (QString refused = Realtime::authorizeSubscription(*subscription, "registry.read"); !refused.isEmpty())
        return refused;
    std::lock_guard lock(m_stateMutex);
    QJsonArray all;
    for (const Instance &i : m_instances)
        all.append(i.toJson(false));
    subscription->mailbox->post(Realtime::jsonText(
        {{QStringLiteral("type"), QStringLiteral("subscribed")}, {QStringLiteral("channel"), prefix()}}));
    subscription->mailbox->post(Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("snapshot")},
                                                    {QStringLiteral("channel"), prefix()},
                                                    {QStringLiteral("instances"), all}}));
    m_subscribers.insert(subscription->id, std::move(subscription));
    return {};
}

void RegistryChannel::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_stateMutex);
    // Only this subscription: another session's may have been handed the same id by a careless caller.
    const auto it = m_subscribers.constFind(subscription->id);
    if (it != m_subscribers.cend() && *it == subscription)
        m_subscribers.erase(it);
}

void RegistryChannel::sendChange(const QString &eventType, const QJsonObject &data, qint64 nowMs)
{
    if (m_subscribers.isEmpty())
        return;
    QJsonObject message = data;
    message.insert(QStringLiteral("type"), QStringLiteral("change"));
    message.insert(QStringLiteral("channel"), prefix());
    message.insert(QStringLiteral("change"), eventType);
    message.insert(QStringLiteral("time"), isoTimeOrEmpty(nowMs));
    broadcast(Realtime::jsonText(message));
}

void RegistryChannel::sendChecks(const QSet<QString> &ids)
{
    if (m_subscribers.isEmpty() || ids.isEmpty())
        return;
    QJsonArray checks;
    for (const QString &id : ids) {
        const auto it = m_instances.constFind(id);
        if (it == m_instances.cend())
            continue;
        QJsonObject c{{QStringLiteral("id"), id},
                      {QStringLiteral("status"), statusName(it->status())},
                      {QStringLiteral("lastCheckAt"), isoTimeOrEmpty(it->lastCheckMs)},
                      {QStringLiteral("lastHeartbeatAt"), isoTimeOrEmpty(it->lastHeartbeatMs)},
                      {QStringLiteral("lastPassAt"), isoTimeOrEmpty(it->lastPassMs)},
                      {QStringLiteral("lastOutput"), it->lastOutput},
                      {QStringLiteral("lastLatencyMs"), it->lastLatencyMs}};
        if (it->inFlight >= 0)
            c.insert(QStringLiteral("inFlight"), it->inFlight);
        checks.append(c);
    }
    broadcast(Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("checks")},
                                  {QStringLiteral("channel"), prefix()},
                                  {QStringLiteral("checks"), checks}}));
}

void RegistryChannel::broadcast(const QByteArray &text)
{
    for (const Realtime::SubscriptionPtr &s : std::as_const(m_subscribers))
        s->mailbox->post(text);
}

} // namespace Meshdeck::Registry
