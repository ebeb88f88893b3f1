#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include "principal.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace Meshdeck::Realtime {

class WakeQueue;

// A session's inbox, safe to post to from any thread. Messages queue here; a mailbox that gets
// mail while idle joins its thread's wake queue, and one queued call per batch wakes that thread to
// call drainMailbox() (a Q_INVOKABLE of the session) on every mailbox with mail, so a message
// posted to ten thousand sessions costs each thread one event, not ten thousand. Create it on the
// session's thread. The session detaches on destruction, after which posts are dropped. A full
// inbox means the subscriber is too slow: it is told and disconnected.
class Mailbox : public std::enable_shared_from_this<Mailbox>
{
public:
    Mailbox(QObject *session, size_t capacity);
    // For a session that drains through a plain function (called on its thread, like drainMailbox()).
    using Drain = void (*)(QObject *session);
    Mailbox(QObject *session, size_t capacity, Drain drain);

    // Returns false when the inbox overflowed (the session will disconnect).
    bool post(QByteArray message);
    std::vector<QByteArray> take();
    bool overflowed() const;
    void detach();

private:
    friend class WakeQueue;
    void deliver(); // the session's thread: calls its drainMailbox() unless it detached

    mutable std::mutex m_mutex;
    std::atomic<QObject *> m_session;   // changed under m_mutex; null once detached
    QPointer<QObject> m_alive;          // the session's thread only: null once the session is gone
    std::shared_ptr<WakeQueue> m_wakes; // the session's thread's
    Drain m_drain = nullptr;
    int m_drainMethod = -1; // the session's drainMailbox(), without m_drain
    std::vector<QByteArray> m_queue;
    size_t m_capacity;
    bool m_wakeScheduled = false;
    std::atomic<bool> m_overflowed = false;
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
