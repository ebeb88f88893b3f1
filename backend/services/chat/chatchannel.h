#pragma once

#include "chattypes.h"

#include "platform/channel.h"

#include <QHash>
#include <QSet>

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
// Snapshots carry the order they were read in (snapshotSeq): one older than the one held is ignored,
// so a slow snapshot taken before a removal cannot re-admit the removed user.
// A subscriber that loses read gets "unsubscribed" and nothing more: removed from the room, the
// room deleted, or (a Full grant that is not a participant, subscribed without a recorded reason)
// the room turned private.
//
// The local stack posts message changes as they commit (postChange). In cluster mode every change,
// this node's too, is read back from the database (catchUp: the room's changes after the last one
// posted here, in change order), so changes committed on other nodes arrive in order and none is lost.
class ChatChannel : public Realtime::ChannelProvider
{
public:
    struct RoomInfo {
        bool isPrivate = false;
        QHash<QString, ParticipantRole> participants; // by user id
        qint64 messageSeq = 0;
        qint64 changeSeq = 0;
        qint64 snapshotSeq = 0; // when the snapshot was read (Room::readSeq): larger is newer
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

    // The room's access facts; subscribers who may no longer read are unsubscribed. A snapshot
    // older (snapshotSeq) than the one held changes nothing but the message counters: false.
    bool setRoom(const QString &roomId, RoomInfo info);
    // The room is gone: every subscriber is unsubscribed.
    // The room was found gone by the database work numbered `goneSeq` (ChatStore::nextReadSeq): a
    // snapshot read before that is not installed again; a room re-created later is.
    void removeRoom(const QString &roomId, qint64 goneSeq);
    std::optional<RoomInfo> room(const QString &roomId) const;
    QStringList roomIds() const;

    // A change committed on this node (the local stack).
    void postChange(const Message &message, const QString &event);
    // Cluster mode: rooms with subscribers here, and the last change posted to them.
    QStringList watchedRooms() const;
    std::optional<qint64> postedChange(const QString &roomId) const;
    // Cluster mode: the room's changes read from the database; those after the last posted are posted.
    void catchUp(const QString &roomId, const QList<Message> &changes);
    // Typing, read marks, participants: posted to every subscriber as they are.
    void postEphemeral(const QString &roomId, const QJsonObject &message);

    static QJsonObject messageEvent(const QString &roomId, const Message &message, const QString &event);
    static QString eventOf(const Message &message);

private:
    struct Subscriber {
        Realtime::SubscriptionPtr subscription;
        bool fullGrant = false;      // chat.read Full: may read without being a participant
        bool reasonRecorded = false; // subscribed to the (private) room with a reason, recorded
    };
    bool mayReadLocked(const Subscriber &s, const RoomInfo &info) const;

    mutable std::mutex m_mutex;
    QHash<QString, RoomInfo> m_rooms; // by room id
    QHash<QString, qint64> m_deleted; // rooms found gone, and when: a late snapshot does not bring one back
    QHash<QString, QHash<quint64, Subscriber>> m_subscribers; // by room id, then subscription id
    QHash<QString, qint64> m_posted; // rooms with subscribers: the last change posted to them
    SupportSubscribe m_supportSubscribe;
};

} // namespace Meshdeck::Chat
