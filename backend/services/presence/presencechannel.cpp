#include "presencechannel.h"

#include "platform/clock.h"

#include <QJsonArray>

#include <algorithm>

namespace Meshdeck::Presence {

QJsonObject PresenceChannel::json(const UserPresence &p)
{
    return QJsonObject{{QStringLiteral("userId"), p.userId},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("email"), p.email},
                       {QStringLiteral("status"), p.status},
                       {QStringLiteral("lastSeenAt"),
                        p.lastSeenMs > 0 ? QJsonValue(isoTime(p.lastSeenMs)) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("sessions"), p.sessions}};
}

QString PresenceChannel::open(Realtime::SubscriptionPtr subscription)
{
    if (subscription->channel != prefix())
        return QStringLiteral("The presence channel is called 'presence'.");
    if (QString refused = Realtime::authorizeSubscription(*subscription, "presence.read"); !refused.isEmpty())
        return refused;
    std::lock_guard lock(m_mutex);
    QList<UserPresence> everyone = m_known.values();
    std::sort(everyone.begin(), everyone.end(),
              [](const UserPresence &a, const UserPresence &b) { return a.userId < b.userId; });
    QJsonArray items;
    for (const UserPresence &p : std::as_const(everyone))
        items.append(json(p));
    subscription->mailbox->post(Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("subscribed")},
                                                    {QStringLiteral("channel"), prefix()},
                                                    {QStringLiteral("items"), items}}));
    m_subscribers.insert(subscription->id, std::move(subscription));
    return {};
}

void PresenceChannel::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_subscribers.constFind(subscription->id);
    if (it != m_subscribers.cend() && *it == subscription)
        m_subscribers.erase(it);
}

void PresenceChannel::update(const QList<UserPresence> &everyone)
{
    std::lock_guard lock(m_mutex);
    for (const UserPresence &p : everyone) {
        const auto it = m_known.constFind(p.userId);
        if (it != m_known.cend() && *it == p)
            continue;
        m_known.insert(p.userId, p);
        if (m_subscribers.isEmpty())
            continue;
        QJsonObject message = json(p);
        message.insert(QStringLiteral("type"), QStringLiteral("presence"));
        message.insert(QStringLiteral("channel"), prefix());
        const QByteArray text = Realtime::jsonText(message);
        for (const Realtime::SubscriptionPtr &s : std::as_const(m_subscribers))
            s->mailbox->post(text);
    }
}

} // namespace Meshdeck::Presence
