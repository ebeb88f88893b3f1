#pragma once

#include "chattypes.h"

#include "platform/channel.h"

#include <QHash>

#include <functional>
#include <mutex>
#include <optional>

namespace Meshdeck::Chat {

// The realtime channels chat.rooms.<roomId>, authorised like GET …/messages: a participant, or a
// Full chat.read grant (support, admin, developer); a private room the caller is not in also
// needs "reason" in the subscribe request, and that subscription is recorded like a support read.
//
// The channel also holds what the authorisation needs without I/O: each room's privacy and
// participants, kept by the chat service (setRoom after every change, also other nodes' changes).
// A subscriber that loses read (removed, room deleted) gets "unsubscribed" and nothing more.
//
// Message changes committed on this node are posted as they commit (the local stack). Cluster mode
// (other nodes' changes read from the database) is not there yet.
class ChatChannel : public Realtime::ChannelProvider
{
public:
    struct RoomInfo {
        bool isPrivate = false;
        QHash<QString, ParticipantRole> participants; // by user id
        qint64 messageSeq = 0;
        qint64 changeSeq = 0;
    };
    // Called for a Full-grant subscription to a private room the caller is not in (with its reason).
    using SupportSubscribe =
        std::function<void(const Principal &, const QString &roomId, const QString &reason)>;

    ChatChannel() = default;

    QString prefix() const override { return QStringLiteral("chat.rooms."); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    static QString channelName(const QString &roomId);

    void setSupportSubscribeListener(SupportSubscribe listener);

    // The room's access facts; subscribers who may no longer read are unsubscribed with `reason`.
    void setRoom(const QString &roomId, RoomInfo info);
    // The room is gone: every subscriber is unsubscribed.
    void removeRoom(const QString &roomId);
    std::optional<RoomInfo> room(const QString &roomId) const;
    QStringList roomIds() const;

    // A change committed on this node.
    void postChange(const Message &message, const QString &event);
    // Typing, read marks, participants: posted to every subscriber as they are.
    void postEphemeral(const QString &roomId, const QJsonObject &message);

    static QJsonObject messageEvent(const QString &roomId, const Message &message, const QString &event);
    static QString eventOf(const Message &message);

private:
    struct Subscriber {
        Realtime::SubscriptionPtr subscription;
        bool fullGrant = false; // reads without being a participant
    };
    bool mayReadLocked(const Subscriber &s, const RoomInfo &info) const;

    mutable std::mutex m_mutex;
    QHash<QString, RoomInfo> m_rooms;                         // by room id
    QHash<QString, QHash<quint64, Subscriber>> m_subscribers; // by room id, then subscription id
    SupportSubscribe m_supportSubscribe;
};

} // namespace Meshdeck::Chat
