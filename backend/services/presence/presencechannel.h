#pragma once

#include "presencestore.h"

#include "platform/channel.h"

#include <QHash>
#include <QJsonObject>

#include <mutex>

namespace Meshdeck::Presence {

// The realtime channel `presence` (authorised like GET /v1/presence: presence.read). On subscribe:
// {"type":"subscribed","channel":"presence","items":[…every known user…]}; then on every change of
// a user's status, last-seen time, name or session count:
// {"type":"presence","channel":"presence","userId","name","status","lastSeenAt","sessions"}.
class PresenceChannel : public Realtime::ChannelProvider
{
public:
    QString prefix() const override { return QStringLiteral("presence"); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    // What the database says now, for everyone with a known presence: each user that differs from
    // what the channel knew goes to the subscribers. Any thread.
    void update(const QList<UserPresence> &everyone);

    static QJsonObject json(const UserPresence &presence);

private:
    std::mutex m_mutex; // guards both: no change falls between a subscriber's list and its first change
    QHash<QString, UserPresence> m_known;
    QHash<quint64, Realtime::SubscriptionPtr> m_subscribers;
};

} // namespace Meshdeck::Presence
