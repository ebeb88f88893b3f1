#include "chatchannel.h"

#include "platform/access.h"

#include <QJsonArray>

namespace Meshdeck::Chat {

QString ChatChannel::channelName(const QString &roomId)
{
    return QStringLiteral("chat.rooms.") + roomId;
}

void ChatChannel::setSupportSubscribeListener(SupportSubscribe listener)
{
    std::lock_guard lock(m_mutex);
    m_supportSubscribe = std::move(listener);
}

// A participant, or a Full grant on a public room, or on a private one followed with a recorded reason.
bool ChatChannel::mayReadLocked(const Subscriber &s, const RoomInfo &info) const
{
    const Principal *p = s.subscription->principal.get();
    if (p && !p->userId.isEmpty() && info.participants.contains(p->userId))
        return true;
    return s.fullGrant && (!info.isPrivate || s.reasonRecorded);
}

QString ChatChannel::open(Realtime::SubscriptionPtr subscription)
{
    const QString roomId = subscription->channel.mid(prefix().size());
    if (!validRoomId(roomId))
        return QStringLiteral("A chat room's channel is chat.rooms.<roomId>.");
    if (QString refused = Realtime::authorizeSubscription(*subscription, "chat.read"); !refused.isEmpty())
        return refused;
    const Principal &principal = *subscription->principal;
    const bool full = Access::authorize(principal, "chat.read").grant == Access::Grant::Full;
    SupportSubscribe supportSubscribe;
    QString reason;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_rooms.constFind(roomId);
        if (it == m_rooms.cend())
            return QStringLiteral("There is no chat room %1.").arg(roomId);
        const bool participant = !principal.userId.isEmpty() && it->participants.contains(principal.userId);
        if (!participant && !full)
            return QStringLiteral("You may not subscribe to '%1': you are not a participant of the room.")
                .arg(subscription->channel);
        if (!participant && it->isPrivate) {
            reason = subscription->request.value(QStringLiteral("reason")).toString().trimmed();
            if (reason.isEmpty())
                return QStringLiteral(
                    "Following a private room you are not in needs a reason (\"reason\" in the "
                    "subscribe message); it is recorded.");
            supportSubscribe = m_supportSubscribe;
        }
        subscription->mailbox->post(
            Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("subscribed")},
                                {QStringLiteral("channel"), subscription->channel},
                                {QStringLiteral("lastSeq"), it->messageSeq}}));
        m_subscribers[roomId].insert(subscription->id, {subscription, full, bool(supportSubscribe)});
        qint64 &posted = m_posted[roomId];
        posted = std::max(posted, it->changeSeq);
    }
    if (supportSubscribe)
        supportSubscribe(principal, roomId, reason);
    return {};
}

void ChatChannel::close(const Realtime::SubscriptionPtr &subscription)
{
    const QString roomId = subscription->channel.mid(prefix().size());
    std::lock_guard lock(m_mutex);
    auto it = m_subscribers.find(roomId);
    if (it == m_subscribers.end())
        return;
    const auto one = it->constFind(subscription->id);
    if (one != it->cend() && one->subscription == subscription)
        it->erase(one);
    if (it->isEmpty()) {
        m_subscribers.erase(it);
        m_posted.remove(roomId);
    }
}

bool ChatChannel::setRoom(const QString &roomId, RoomInfo info)
{
    std::lock_guard lock(m_mutex);
    if (const auto gone = m_deleted.constFind(roomId); gone != m_deleted.cend()) {
        if (info.snapshotSeq <= *gone)
            return false;      // read before the room was found gone
        m_deleted.erase(gone); // created again since
    }
    const auto held = m_rooms.find(roomId);
    if (held != m_rooms.end() && info.snapshotSeq < held->snapshotSeq) {
        // Read before a change already installed: only its message counters may be news.
        held->messageSeq = std::max(info.messageSeq, held->messageSeq);
        held->changeSeq = std::max(info.changeSeq, held->changeSeq);
        return false;
    }
    RoomInfo &stored = held != m_rooms.end() ? *held : m_rooms[roomId];
    info.messageSeq = std::max(info.messageSeq, stored.messageSeq);
    info.changeSeq = std::max(info.changeSeq, stored.changeSeq);
    stored = std::move(info);
    auto subs = m_subscribers.find(roomId);
    if (subs == m_subscribers.end())
        return true;
    for (auto it = subs->begin(); it != subs->end();) {
        if (mayReadLocked(*it, stored)) {
            ++it;
            continue;
        }
        // A Full grant that may not read any more follows a private room without a reason (it
        // turned private, or they were a participant and are not any more).
        const QString why =
            it->fullGrant ? QStringLiteral("This room is private and you are not in it: follow it again "
                                           "with a reason (the read is recorded).")
                          : QStringLiteral("You were removed from this room.");
        it->subscription->mailbox->post(
            Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("unsubscribed")},
                                {QStringLiteral("channel"), it->subscription->channel},
                                {QStringLiteral("reason"), why}}));
        it = subs->erase(it);
    }
    if (subs->isEmpty()) {
        m_subscribers.erase(subs);
        m_posted.remove(roomId);
    }
    return true;
}

void ChatChannel::removeRoom(const QString &roomId, qint64 goneSeq)
{
    std::lock_guard lock(m_mutex);
    const auto held = m_rooms.constFind(roomId);
    if (held != m_rooms.cend() && held->snapshotSeq > goneSeq)
        return; // a snapshot read after it was found gone: the room exists again
    if (held != m_rooms.cend()) {
        m_rooms.erase(held);
        qint64 &gone = m_deleted[roomId];
        gone = std::max(gone, goneSeq);
    }
    const QHash<quint64, Subscriber> subs = m_subscribers.take(roomId);
    m_posted.remove(roomId);
    for (const Subscriber &s : subs)
        s.subscription->mailbox->post(
            Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("unsubscribed")},
                                {QStringLiteral("channel"), s.subscription->channel},
                                {QStringLiteral("reason"), QStringLiteral("The room was deleted.")}}));
}

std::optional<ChatChannel::RoomInfo> ChatChannel::room(const QString &roomId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_rooms.constFind(roomId);
    if (it == m_rooms.cend())
        return std::nullopt;
    return *it;
}

QStringList ChatChannel::roomIds() const
{
    std::lock_guard lock(m_mutex);
    return m_rooms.keys();
}

QString ChatChannel::eventOf(const Message &message)
{
    if (message.deleted())
        return QStringLiteral("deleted");
    return message.editCount > 0 ? QStringLiteral("edited") : QStringLiteral("created");
}

QJsonObject ChatChannel::messageEvent(const QString &roomId, const Message &message, const QString &event)
{
    return {{QStringLiteral("type"), QStringLiteral("message")},
            {QStringLiteral("channel"), channelName(roomId)},
            {QStringLiteral("event"), event},
            {QStringLiteral("message"), message.toJson()}};
}

void ChatChannel::postChange(const Message &message, const QString &event)
{
    std::lock_guard lock(m_mutex);
    auto room = m_rooms.find(message.roomId);
    if (room != m_rooms.end()) {
        room->messageSeq = std::max(room->messageSeq, message.seq);
        room->changeSeq = std::max(room->changeSeq, message.changeSeq);
    }
    const auto subs = m_subscribers.constFind(message.roomId);
    if (subs == m_subscribers.cend())
        return;
    const QByteArray text = Realtime::jsonText(messageEvent(message.roomId, message, event));
    for (const Subscriber &s : *subs)
        s.subscription->mailbox->post(text);
}

QStringList ChatChannel::watchedRooms() const
{
    std::lock_guard lock(m_mutex);
    return m_subscribers.keys();
}

std::optional<qint64> ChatChannel::postedChange(const QString &roomId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_posted.constFind(roomId);
    if (it == m_posted.cend())
        return std::nullopt;
    return *it;
}

void ChatChannel::catchUp(const QString &roomId, const QList<Message> &changes)
{
    std::lock_guard lock(m_mutex);
    auto room = m_rooms.find(roomId);
    const auto subs = m_subscribers.constFind(roomId);
    auto posted = m_posted.find(roomId);
    for (const Message &m : changes) {
        if (room != m_rooms.end()) {
            room->messageSeq = std::max(room->messageSeq, m.seq);
            room->changeSeq = std::max(room->changeSeq, m.changeSeq);
        }
        if (subs == m_subscribers.cend() || posted == m_posted.end() || m.changeSeq <= *posted)
            continue;
        const QByteArray text = Realtime::jsonText(messageEvent(roomId, m, eventOf(m)));
        for (const Subscriber &s : *subs)
            s.subscription->mailbox->post(text);
        *posted = m.changeSeq;
    }
}

void ChatChannel::postEphemeral(const QString &roomId, const QJsonObject &message)
{
    QJsonObject m = message;
    m.insert(QStringLiteral("channel"), channelName(roomId));
    const QByteArray text = Realtime::jsonText(m);
    std::lock_guard lock(m_mutex);
    const auto subs = m_subscribers.constFind(roomId);
    if (subs == m_subscribers.cend())
        return;
    for (const Subscriber &s : *subs)
        s.subscription->mailbox->post(text);
}

} // namespace Meshdeck::Chat
