#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Meshdeck::Chat {

// Times are milliseconds since the epoch in the database and ISO strings in answers (isoTime).

enum class ParticipantRole { Owner, Moderator, Member };
QString roleName(ParticipantRole role);
std::optional<ParticipantRole> participantRoleFromName(QStringView name);

struct Participant {
    QString roomId;
    QString userId;
    ParticipantRole role = ParticipantRole::Member;
    qint64 joinedAtMs = 0;
    qint64 lastReadSeq = 0;
    QString lastReadMessageId; // the message at lastReadSeq; empty: nothing read yet
};

struct Room {
    QString id;   // room_…
    QString type; // "group" | "direct"
    QString name;
    QString topic;
    bool isPrivate = false;
    qint64 createdAtMs = 0;
    QString createdBy; // "user:ID" | "admin-token"
    qint64 lastActivityAtMs = 0;
    qint64 messageSeq = 0;   // the newest message's seq (messages ever created)
    qint64 changeSeq = 0;    // the newest message change (create/edit/delete) in this room
    qint64 messageCount = 0; // messages that are not deleted
    qint64 readSeq = 0;      // ChatStore: the order this snapshot was read in (larger: newer)
    bool demo = false;
    QString directKey; // direct rooms: the two user ids sorted and joined by '|'; empty for groups
    QList<Participant> participants;
};

struct MessageReply {
    QString id;
    QString authorId;
    QString authorName;
    QString excerpt; // first 140 characters; empty when deleted
    bool deleted = false;
};

struct Message {
    QString id; // msg_…
    QString roomId;
    qint64 seq = 0;
    QString authorId; // empty for the admin token
    QString authorName;
    QString text; // empty when deleted
    qint64 createdAtMs = 0;
    qint64 editedAtMs = 0; // 0: never edited
    int editCount = 0;
    qint64 deletedAtMs = 0; // 0: not deleted
    QString deletedBy;
    QString replyToId;
    std::optional<MessageReply> replyTo;
    QString idempotencyKey;
    qint64 changeSeq = 0;

    bool deleted() const { return deletedAtMs != 0; }
    QJsonObject toJson() const;
};

struct MessageEdit {
    QString text; // the text before this edit
    qint64 editedAtMs = 0;
};

// A page of a room's messages, oldest → newest.
struct MessagePage {
    QList<Message> items;
    bool hasMore = false;  // older messages exist before items.first()
    qint64 nextBefore = 0; // the cursor to page older: messages with seq < nextBefore (0: none)
};

struct SearchHit {
    Message message;
    QString roomName;
    bool roomPrivate = false;
    QString highlight;
    qint64 rank = 0; // the hit's place in the newest-first order; with message.id, the next cursor
};

struct SearchQuery {
    QString text;
    QStringList terms; // folded words of `text`, each at least 1 character
    QString roomId;    // empty: every readable room
    QString authorId;
    qint64 fromMs = 0; // 0: no lower bound
    qint64 toMs = 0;   // 0: no upper bound
    int limit = 20;
    // Keyset cursor (a hit's rank and id): only hits after it in the newest-first order. The rank
    // is the search index's document number on SQLite and created_at on PostgreSQL.
    qint64 beforeRank = 0;
    QString beforeId;
    // Rooms the caller may read; empty with allRooms false: none.
    bool allRooms = false;
    QString readerId; // user whose rooms (participant) are readable when !allRooms
    // With allRooms: private rooms the reader is not in are left out (a search without a reason:
    // even a hit without its text would tell what a private room's messages say).
    bool skipPrivateOutside = false;
};

struct SupportRead {
    QString id;
    QString actor;
    QString actorName;
    QString roomId;
    QString reason;
    QStringList messageIds;
    qint64 atMs = 0;
    QJsonObject toJson() const;
};

// Folding for search, applied to indexed text and queries alike: lower case, ß→ss, and every
// diacritic removed (ä→a, ö→o, ü→u, é→e).
QString foldForSearch(const QString &text);
// The folded words of a query (letters and digits only), in order, without duplicates.
QStringList searchTerms(const QString &query);
// `text` HTML-escaped, with each word whose folded form starts with one of `terms` wrapped in
// <mark>…</mark>; cut to about `context` characters around the first match.
QString highlight(const QString &text, const QStringList &terms, int context = 80);

QString newRoomId();
QString newMessageId();
// Ids: the prefix and 1..64 of [A-Za-z0-9_-]; anything else in a path or channel name is refused.
bool validRoomId(const QString &id);
bool validMessageId(const QString &id);

} // namespace Meshdeck::Chat
