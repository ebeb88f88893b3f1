#pragma once

#include "platform/channel.h"

#include <QHash>

#include <mutex>

namespace Meshdeck::Gateway {

// The `gateway.metrics` realtime channel: each second's per-route point, and the breakers that
// changed, to subscribers who may read the gateway (gateway.read).
class GatewayChannel : public Realtime::ChannelProvider
{
public:
    QString prefix() const override { return QStringLiteral("gateway.metrics"); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    bool hasSubscribers() const;
    void broadcast(const QJsonObject &message);

private:
    mutable std::mutex m_mutex;
    QHash<quint64, Realtime::SubscriptionPtr> m_subscribers;
};

} // namespace Meshdeck::Gateway
