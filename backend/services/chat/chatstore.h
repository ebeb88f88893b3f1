#pragma once

#include "chattypes.h"

#include "storage/migrations.h"

#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace Meshdeck::Chat {

// Rooms, participants, messages (with their edit history and search index) and support reads,
// following the store contract (storage/store.h): functions run on the database thread, a database
// failure is a thrown Storage::StoreError, multi-statement writes are one Storage::Transaction.
// Both SQLite and PostgreSQL.
//
// Schema (component "chat"); times are BIGINT milliseconds since the epoch, booleans INTEGER 0/1:
//   chat_rooms(id TEXT PK, type, name, topic, private, created_at, created_by, last_activity_at,
//              message_seq: the newest message's seq, change_seq: the newest message change,
//              demo, direct_key: "<userA>|<userB>" sorted for direct rooms, NULL for groups, UNIQUE)
//   chat_participants(room_id, user_id, role, joined_at, last_read_seq, PK(room_id, user_id))
//   chat_messages(id TEXT PK, room_id, seq, author_id ('' for the admin token), author_name, text,
//                 search_text: foldForSearch(text), created_at, edited_at NULL, edit_count,
//                 deleted_at NULL, deleted_by NULL, reply_to NULL, idempotency_key NULL,
//                 change_seq: the room's change_seq when this message last changed,
//                 UNIQUE(room_id, seq), UNIQUE(room_id, author_id, idempotency_key))
//     SQLite: doc_id INTEGER UNIQUE (the FTS rowid) and chat_messages_fts, an FTS5
//             external-content table over search_text kept by triggers.
//     PostgreSQL: search_tsv, a generated tsvector ('simple') over search_text, GIN-indexed.
//   chat_message_edits(message_id, text: the text before the edit, edited_at)
//   chat_support_reads(id TEXT PK, actor, actor_name, room_id, reason, message_ids: JSON array, at)
namespace ChatStore {

std::vector<Storage::Migration> migrations();

// Rooms.
enum class Write { Ok, NotFound, Exists };
// Inserts the room and its participants. A direct room whose pair exists already: Exists, and
// `existingId` names it.
Write insertRoom(QSqlDatabase &db, const Room &room, QString *existingId = nullptr);
// The next number of the order rooms are read in (Room::readSeq): taken in a piece of database work
// that finds a room gone, so that the channel can tell a late snapshot from a re-created room.
qint64 nextReadSeq();
// With participants. Room::readSeq orders the rooms read in this process: one with a larger
// readSeq was read later (the database runs its work on one thread), so it is the newer snapshot.
std::optional<Room> room(QSqlDatabase &db, const QString &id);
std::optional<QString> directRoom(QSqlDatabase &db, const QString &directKey);
bool updateRoom(QSqlDatabase &db, const QString &id, const QString &name, const QString &topic,
                bool isPrivate);
bool removeRoom(QSqlDatabase &db, const QString &id); // with its participants, messages and history

// The rooms a reader may list, newest activity first. `all`: every room; otherwise rooms where
// `userId` is a participant and public group rooms. Keyset on (last_activity_at, id) below
// `beforeActivity`/`beforeId` (0/empty: from the newest). `text`: name contains (case-insensitive).
QList<Room> rooms(QSqlDatabase &db, bool all, const QString &userId, const QString &text, int limit,
                  qint64 beforeActivity, const QString &beforeId);

// Participants.
QList<Participant> participants(QSqlDatabase &db, const QString &roomId);
std::optional<Participant> participant(QSqlDatabase &db, const QString &roomId, const QString &userId);
// Adds (or keeps: false) a participant; last_read_seq starts at the room's newest message.
bool addParticipant(QSqlDatabase &db, const Participant &p);
bool setParticipantRole(QSqlDatabase &db, const QString &roomId, const QString &userId, ParticipantRole role);
bool removeParticipant(QSqlDatabase &db, const QString &roomId, const QString &userId);
// Moves the participant's read mark forward (never back) to `seq`; answers the mark after.
std::optional<qint64> markRead(QSqlDatabase &db, const QString &roomId, const QString &userId, qint64 seq);
// Messages after the participant's read mark, not deleted, not their own.
qint64 unreadCount(QSqlDatabase &db, const QString &roomId, const QString &userId);

// Messages.
struct Sent {
    Message message;
    bool created = false; // false: the idempotency key named an existing message
};
// Gives the message the room's next seq and change_seq (the room's row is locked first, so sends
// to one room are serialised); the unique (room, author, key) constraint settles retries, also
// concurrent ones. nullopt: no such room.
std::optional<Sent> insertMessage(QSqlDatabase &db, Message message);
std::optional<Message> message(QSqlDatabase &db, const QString &roomId, const QString &id);
// Keeps the old text in chat_message_edits. nullopt: no such message.
std::optional<Message> editMessage(QSqlDatabase &db, const QString &roomId, const QString &id,
                                   const QString &text, qint64 atMs);
// Tombstone: text emptied, deleted_at/by kept. Deleting again answers the tombstone unchanged.
std::optional<Message> deleteMessage(QSqlDatabase &db, const QString &roomId, const QString &id,
                                     const QString &by, qint64 atMs);
QList<MessageEdit> edits(QSqlDatabase &db, const QString &messageId);
// Newest `limit` messages with seq < before (0: the newest), oldest first.
MessagePage page(QSqlDatabase &db, const QString &roomId, qint64 before, int limit);
// `before` messages before and `after` after the message with `seq`, and it (oldest first).
QList<Message> around(QSqlDatabase &db, const QString &roomId, qint64 seq, int before, int after);
// Messages changed (created, edited, deleted) after `changeSeq`, in change order.
QList<Message> changesSince(QSqlDatabase &db, const QString &roomId, qint64 changeSeq, int limit);
std::optional<Message> messageAtSeq(QSqlDatabase &db, const QString &roomId, qint64 seq);

// Search. Terms are folded words (searchTerms); every term must match (prefix match).
QList<SearchHit> search(QSqlDatabase &db, const SearchQuery &query);

// Support reads.
void insertSupportRead(QSqlDatabase &db, const SupportRead &read);
QList<SupportRead> supportReads(QSqlDatabase &db, const QString &roomId, int limit);

} // namespace ChatStore

} // namespace Meshdeck::Chat
