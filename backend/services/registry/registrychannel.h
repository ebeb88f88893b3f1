#pragma once

#include "registrytypes.h"

#include "platform/channel.h"

#include <QHash>
#include <QSet>

#include <mutex>

namespace Meshdeck::Registry {

// The `registry` realtime channel: a snapshot when a session subscribes, then every change as it
// happens and, coalesced, the latest check results. It shares the registry's state mutex, so no
// change can fall between a subscriber's snapshot and its first change. Any number of sessions
// subscribe independently, each under its own subscription id.
class RegistryChannel : public Realtime::ChannelProvider
{
public:
    RegistryChannel(std::mutex &stateMutex, const QHash<QString, Instance> &instances);

    // ChannelProvider (lock the state mutex themselves)
    QString prefix() const override { return QStringLiteral("registry"); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    // Under the state mutex:
    bool hasSubscribers() const { return !m_subscribers.isEmpty(); }
    // {"type":"change","change":<eventType>, …data, "time":…}
    void sendChange(const QString &eventType, const QJsonObject &data, qint64 nowMs);
    // {"type":"checks","checks":[…]}: the check state of these instances (those still registered).
    void sendChecks(const QSet<QString> &ids);
    void clear() { m_subscribers.clear(); }

private:
    void broadcast(const QByteArray &text);

    std::mutex &m_stateMutex;
    const QHash<QString, Instance> &m_instances;
    QHash<quint64, Realtime::SubscriptionPtr> m_subscribers;
};

} // namespace Meshdeck::Registry
