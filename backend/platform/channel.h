#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include "principal.h"

#include <deque>
#include <memory>
#include <mutex>

namespace Meshdeck::Realtime {

// A session's inbox, safe to post to from any thread: messages queue here and one queued call
// wakes the session's thread to send them all. The session detaches on destruction, after which
// posts are dropped. A full inbox means the subscriber is too slow: it is told and disconnected.
class Mailbox
{
public:
    Mailbox(QObject *session, size_t capacity);

    // Returns false when the inbox overflowed (the session will disconnect).
    bool post(QByteArray message);
    std::deque<QByteArray> take();
    bool overflowed() const;
    void detach();

private:
    mutable std::mutex m_mutex;
    QObject *m_session;
    std::deque<QByteArray> m_queue;
    size_t m_capacity;
    bool m_wakeScheduled = false;
    bool m_overflowed = false;
};

// One subscription of one session to one channel, handed to the channel's provider.
struct Subscription {
    QString channel;
    QJsonObject request; // the subscribe message (options such as fromOffset)
    std::shared_ptr<Mailbox> mailbox;
    quint64 id = 0; // unique among all subscriptions of the process, whatever the session
    // Who subscribed: providers authorise the subscription like the REST read it mirrors
    // (Access::authorize, and document permissions for resources that carry them).
    PrincipalPtr principal;
};
using SubscriptionPtr = std::shared_ptr<Subscription>;

// A family of channels a service offers ("events." for events.<topic>). Services register their
// providers with the realtime service; providers push messages into the subscription's mailbox.
class ChannelProvider
{
public:
    virtual ~ChannelProvider() = default;
    virtual QString prefix() const = 0;
    // Starts delivery; returns an error a person can act on, or an empty string.
    // The provider posts its own "subscribed" message, so it can include what it knows (head offset).
    virtual QString open(SubscriptionPtr subscription) = 0;
    virtual void close(const SubscriptionPtr &subscription) = 0;
};

QByteArray jsonText(const QJsonObject &object);

// For a provider's open(): empty when the subscription's principal holds `permission`
// (Access::authorize), otherwise why not, in words a person can act on.
QString authorizeSubscription(const Subscription &subscription, QByteArrayView permission);

} // namespace Meshdeck::Realtime
