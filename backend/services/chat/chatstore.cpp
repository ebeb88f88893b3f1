#include "chatstore.h"

#include "storage/store.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>

namespace Meshdeck::Chat::ChatStore {

using Storage::exec;

std::vector<Storage::Migration> migrations()
{
    const auto common = [](const char *bigint) {
        const QString b = QLatin1String(bigint);
        return QStringList{
            QStringLiteral("CREATE TABLE chat_rooms ("
                           " id TEXT PRIMARY KEY,"
                           " type TEXT NOT NULL,"
                           " name TEXT NOT NULL,"
                           " topic TEXT NOT NULL,"
                           " private INTEGER NOT NULL,"
                           " created_at %1 NOT NULL,"
                           " created_by TEXT NOT NULL,"
                           " last_activity_at %1 NOT NULL,"
                           " message_seq %1 NOT NULL,"
                           " change_seq %1 NOT NULL,"
                           " demo INTEGER NOT NULL,"
                           " direct_key TEXT UNIQUE)")
                .arg(b),
            QStringLiteral("CREATE INDEX chat_rooms_by_activity ON chat_rooms (last_activity_at, id)"),
            QStringLiteral("CREATE TABLE chat_participants ("
                           " room_id TEXT NOT NULL,"
                           " user_id TEXT NOT NULL,"
                           " role TEXT NOT NULL,"
                           " joined_at %1 NOT NULL,"
                           " last_read_seq %1 NOT NULL,"
                           " PRIMARY KEY (room_id, user_id))")
                .arg(b),
            QStringLiteral("CREATE INDEX chat_participants_by_user ON chat_participants (user_id)"),
            QStringLiteral("CREATE TABLE chat_message_edits ("
                           " message_id TEXT NOT NULL,"
                           " text TEXT NOT NULL,"
                           " edited_at %1 NOT NULL)")
                .arg(b),
            QStringLiteral("CREATE INDEX chat_message_edits_by_message ON chat_message_edits (message_id, "
                           "edited_at)"),
            QStringLiteral("CREATE TABLE chat_support_reads ("
                           " id TEXT PRIMARY KEY,"
                           " actor TEXT NOT NULL,"
                           " actor_name TEXT NOT NULL,"
                           " room_id TEXT NOT NULL,"
                           " reason TEXT NOT NULL,"
                           " message_ids TEXT NOT NULL,"
                           " at %1 NOT NULL)")
                .arg(b),
            QStringLiteral("CREATE INDEX chat_support_reads_by_room ON chat_support_reads (room_id, at)"),
        };
    };
    const QString messageColumns = QStringLiteral(" id TEXT PRIMARY KEY,"
                                                  " room_id TEXT NOT NULL,"
                                                  " seq %1 NOT NULL,"
                                                  " author_id TEXT NOT NULL,"
                                                  " author_name TEXT NOT NULL,"
                                                  " text TEXT NOT NULL,"
                                                  " search_text TEXT NOT NULL,"
                                                  " created_at %1 NOT NULL,"
                                                  " edited_at %1,"
                                                  " edit_count INTEGER NOT NULL,"
                                                  " deleted_at %1,"
                                                  " deleted_by TEXT,"
                                                  " reply_to TEXT,"
                                                  " idempotency_key TEXT,"
                                                  " change_seq %1 NOT NULL,"
                                                  " UNIQUE (room_id, seq),"
                                                  " UNIQUE (room_id, author_id, idempotency_key)");
    QStringList sqlite = common("INTEGER");
    sqlite << QStringLiteral("CREATE TABLE chat_messages (%1)")
                  .arg(messageColumns.arg(QStringLiteral("INTEGER"))
                           .replace(QStringLiteral(" UNIQUE (room_id, seq)"),
                                    QStringLiteral(" doc_id INTEGER NOT NULL UNIQUE, UNIQUE (room_id, seq)")))
           << QStringLiteral("CREATE INDEX chat_messages_changes ON chat_messages (room_id, change_seq)")
           // The index holds search_text (the folded copy); the tokenizer folds diacritics as well.
           << QStringLiteral("CREATE VIRTUAL TABLE chat_messages_fts USING fts5(search_text, "
                             "content='chat_messages', content_rowid='doc_id', "
                             "tokenize='unicode61 remove_diacritics 2')")
           << QStringLiteral("CREATE TRIGGER chat_messages_fts_insert AFTER INSERT ON chat_messages BEGIN "
                             "INSERT INTO chat_messages_fts (rowid, search_text) "
                             "VALUES (new.doc_id, new.search_text); END")
           << QStringLiteral("CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages BEGIN "
                             "INSERT INTO chat_messages_fts (chat_messages_fts, rowid, search_text) "
                             "VALUES ('delete', old.doc_id, old.search_text); END")
           << QStringLiteral("CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF search_text ON "
                             "chat_messages BEGIN "
                             "INSERT INTO chat_messages_fts (chat_messages_fts, rowid, search_text) "
                             "VALUES ('delete', old.doc_id, old.search_text); "
                             "INSERT INTO chat_messages_fts (rowid, search_text) "
                             "VALUES (new.doc_id, new.search_text); END");
    QStringList postgres = common("BIGINT");
    postgres << QStringLiteral("CREATE TABLE chat_messages (%1, search_tsv tsvector GENERATED ALWAYS AS "
                               "(to_tsvector('simple', search_text)) STORED)")
                    .arg(messageColumns.arg(QStringLiteral("BIGINT")))
             << QStringLiteral("CREATE INDEX chat_messages_changes ON chat_messages (room_id, change_seq)")
             << QStringLiteral("CREATE INDEX chat_messages_search ON chat_messages USING GIN (search_tsv)");
    // Search walks the messages newest first and stops at a page. On SQLite the full-text index is
    // walked in document order; it also indexes room and author, so that a search in one room (or
    // in a user's rooms) stops as early as one across all of them. On PostgreSQL an index on time
    // serves common words (the GIN index rare ones).
    const QStringList sqliteV2{
        QStringLiteral("DROP TRIGGER chat_messages_fts_insert"),
        QStringLiteral("DROP TRIGGER chat_messages_fts_delete"),
        QStringLiteral("DROP TRIGGER chat_messages_fts_update"),
        QStringLiteral("DROP TABLE chat_messages_fts"),
        QStringLiteral("CREATE VIRTUAL TABLE chat_messages_fts USING fts5(search_text, room_id, author_id, "
                       "content='chat_messages', content_rowid='doc_id', "
                       "tokenize='unicode61 remove_diacritics 2')"),
        QStringLiteral("INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('rebuild')"),
        QStringLiteral("CREATE TRIGGER chat_messages_fts_insert AFTER INSERT ON chat_messages BEGIN "
                       "INSERT INTO chat_messages_fts (rowid, search_text, room_id, author_id) "
                       "VALUES (new.doc_id, new.search_text, new.room_id, new.author_id); END"),
        QStringLiteral(
            "CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages BEGIN "
            "INSERT INTO chat_messages_fts (chat_messages_fts, rowid, search_text, room_id, author_id) "
            "VALUES ('delete', old.doc_id, old.search_text, old.room_id, old.author_id); END"),
        QStringLiteral(
            "CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF search_text, room_id, author_id ON "
            "chat_messages "
            "BEGIN "
            "INSERT INTO chat_messages_fts (chat_messages_fts, rowid, search_text, room_id, author_id) "
            "VALUES ('delete', old.doc_id, old.search_text, old.room_id, old.author_id); "
            "INSERT INTO chat_messages_fts (rowid, search_text, room_id, author_id) "
            "VALUES (new.doc_id, new.search_text, new.room_id, new.author_id); END"),
    };
    const QStringList postgresV2{
        QStringLiteral("CREATE INDEX chat_messages_by_time ON chat_messages (created_at, id COLLATE \"C\")"),
        QStringLiteral(
            "CREATE INDEX chat_messages_room_time ON chat_messages (room_id, created_at, id COLLATE \"C\")")};
    return {{1, QStringLiteral("chat rooms, participants, messages and search"), sqlite, postgres},
            {2, QStringLiteral("chat search newest first, by room and author"), sqliteV2, postgresV2}};
}

namespace {
bool isPostgres(const QSqlDatabase &db)
{
    return Storage::dialect(db) == Storage::Dialect::Postgres;
}

// Byte order for ids in keysets (SQLite compares text bytewise already).
QString c(const QSqlDatabase &db, QString sql)
{
    return sql.replace(QStringLiteral("%C"), isPostgres(db) ? QStringLiteral(" COLLATE \"C\"") : QString());
}

QString forUpdate(const QSqlDatabase &db)
{
    return isPostgres(db) ? QStringLiteral(" FOR UPDATE") : QString();
}

// A null QString binds as NULL; NOT NULL text columns get "".
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QVariant nullableText(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

constexpr auto RoomColumns = "id, type, name, topic, private, created_at, created_by, last_activity_at, "
                             "message_seq, change_seq, demo, direct_key";

// Every room read gets the next number: the database runs on one thread, one piece of work after
// the other, so a room read later (with its participants) has a larger readSeq and is newer.
std::atomic<qint64> s_readSeq{0};

} // namespace

qint64 nextReadSeq()
{
    return ++s_readSeq;
}

namespace {

Room readRoom(const QSqlQuery &q)
{
    Room r;
    r.readSeq = nextReadSeq();
    r.id = q.value(0).toString();
    r.type = q.value(1).toString();
    r.name = q.value(2).toString();
    r.topic = q.value(3).toString();
    r.isPrivate = q.value(4).toInt() != 0;
    r.createdAtMs = q.value(5).toLongLong();
    r.createdBy = q.value(6).toString();
    r.lastActivityAtMs = q.value(7).toLongLong();
    r.messageSeq = q.value(8).toLongLong();
    r.changeSeq = q.value(9).toLongLong();
    r.demo = q.value(10).toInt() != 0;
    r.directKey = q.value(11).toString();
    return r;
}

// Messages with the message they reply to (r.*), in one query.
QString messageSelect()
{
    return QStringLiteral(
        "SELECT m.id, m.room_id, m.seq, m.author_id, m.author_name, m.text, m.created_at, m.edited_at, "
        "m.edit_count, m.deleted_at, m.deleted_by, m.reply_to, m.idempotency_key, m.change_seq, "
        "r.id, r.author_id, r.author_name, r.text, r.deleted_at "
        "FROM chat_messages m LEFT JOIN chat_messages r ON r.id = m.reply_to ");
}

Message readMessage(const QSqlQuery &q, int at = 0)
{
    Message m;
    m.id = q.value(at + 0).toString();
    m.roomId = q.value(at + 1).toString();
    m.seq = q.value(at + 2).toLongLong();
    m.authorId = q.value(at + 3).toString();
    m.authorName = q.value(at + 4).toString();
    m.text = q.value(at + 5).toString();
    m.createdAtMs = q.value(at + 6).toLongLong();
    m.editedAtMs = q.value(at + 7).isNull() ? 0 : q.value(at + 7).toLongLong();
    m.editCount = q.value(at + 8).toInt();
    m.deletedAtMs = q.value(at + 9).isNull() ? 0 : q.value(at + 9).toLongLong();
    m.deletedBy = q.value(at + 10).toString();
    m.replyToId = q.value(at + 11).toString();
    m.idempotencyKey = q.value(at + 12).toString();
    m.changeSeq = q.value(at + 13).toLongLong();
    if (!m.replyToId.isEmpty() && !q.value(at + 14).isNull()) {
        MessageReply r;
        r.id = q.value(at + 14).toString();
        r.authorId = q.value(at + 15).toString();
        r.authorName = q.value(at + 16).toString();
        r.deleted = !q.value(at + 18).isNull();
        r.excerpt = r.deleted ? QString() : q.value(at + 17).toString().left(140);
        m.replyTo = r;
    }
    return m;
}

QList<Message> readMessages(QSqlQuery &q)
{
    QList<Message> all;
    while (q.next())
        all.append(readMessage(q));
    return all;
}

Participant readParticipant(const QSqlQuery &q)
{
    Participant p;
    p.roomId = q.value(0).toString();
    p.userId = q.value(1).toString();
    p.role = participantRoleFromName(q.value(2).toString()).value_or(ParticipantRole::Member);
    p.joinedAtMs = q.value(3).toLongLong();
    p.lastReadSeq = q.value(4).toLongLong();
    p.lastReadMessageId = q.value(5).toString();
    return p;
}

QString participantSelect()
{
    return QStringLiteral("SELECT p.room_id, p.user_id, p.role, p.joined_at, p.last_read_seq, m.id "
                          "FROM chat_participants p LEFT JOIN chat_messages m ON m.room_id = p.room_id "
                          "AND m.seq = p.last_read_seq ");
}

// The room's row, locked against writers on other nodes (PostgreSQL); nullopt: no such room.
std::optional<Room> lockedRoom(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM chat_rooms WHERE id = ?%2")
                           .arg(QLatin1String(RoomColumns), forUpdate(db)),
                       {id});
    if (!q.next())
        return std::nullopt;
    return readRoom(q);
}

// Takes the room's next change number (the room's row is locked by the UPDATE until commit).
qint64 nextChange(QSqlDatabase &db, const QString &roomId, qint64 atMs, bool newMessage)
{
    exec(db,
         QStringLiteral("UPDATE chat_rooms SET change_seq = change_seq + 1%1, last_activity_at = "
                        "CASE WHEN last_activity_at < CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE "
                        "last_activity_at END WHERE id = ?")
             .arg(newMessage ? QStringLiteral(", message_seq = message_seq + 1") : QString()),
         {atMs, atMs, roomId});
    QSqlQuery q =
        exec(db, QStringLiteral("SELECT change_seq, message_seq FROM chat_rooms WHERE id = ?"), {roomId});
    q.next();
    return q.value(0).toLongLong();
}

void insertParticipantRow(QSqlDatabase &db, const Participant &p, qint64 lastRead)
{
    exec(db,
         QStringLiteral("INSERT INTO chat_participants (room_id, user_id, role, joined_at, last_read_seq) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
         {p.roomId, p.userId, roleName(p.role), p.joinedAtMs, lastRead});
}
} // namespace

Write insertRoom(QSqlDatabase &db, const Room &room, QString *existingId)
{
    Storage::Transaction t(db);
    if (!room.directKey.isEmpty()) {
        if (const auto existing = directRoom(db, room.directKey)) {
            if (existingId)
                *existingId = *existing;
            return Write::Exists;
        }
    }
    QSqlQuery q =
        exec(db,
             QStringLiteral("INSERT INTO chat_rooms (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?) "
                            "ON CONFLICT DO NOTHING")
                 .arg(QLatin1String(RoomColumns)),
             {room.id, room.type, text(room.name), text(room.topic), room.isPrivate ? 1 : 0, room.createdAtMs,
              text(room.createdBy), room.lastActivityAtMs, room.demo ? 1 : 0, nullableText(room.directKey)});
    if (q.numRowsAffected() != 1) {
        // Another node made the pair's room (or the id exists) meanwhile.
        if (const auto existing =
                room.directKey.isEmpty() ? std::optional<QString>(room.id) : directRoom(db, room.directKey)) {
            if (existingId)
                *existingId = *existing;
        }
        return Write::Exists;
    }
    for (Participant p : room.participants) {
        p.roomId = room.id;
        insertParticipantRow(db, p, 0);
    }
    t.commit();
    return Write::Ok;
}

std::optional<Room> room(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q = exec(
        db, QStringLiteral("SELECT %1 FROM chat_rooms WHERE id = ?").arg(QLatin1String(RoomColumns)), {id});
    if (!q.next())
        return std::nullopt;
    Room r = readRoom(q);
    r.participants = participants(db, id);
    QSqlQuery count = exec(
        db, QStringLiteral("SELECT COUNT(*) FROM chat_messages WHERE room_id = ? AND deleted_at IS NULL"),
        {id});
    count.next();
    r.messageCount = count.value(0).toLongLong();
    return r;
}

std::optional<QString> directRoom(QSqlDatabase &db, const QString &directKey)
{
    QSqlQuery q = exec(db, QStringLiteral("SELECT id FROM chat_rooms WHERE direct_key = ?"), {directKey});
    if (!q.next())
        return std::nullopt;
    return q.value(0).toString();
}

bool updateRoom(QSqlDatabase &db, const QString &id, const QString &name, const QString &topic,
                bool isPrivate)
{
    QSqlQuery q =
        exec(db, QStringLiteral("UPDATE chat_rooms SET name = ?, topic = ?, private = ? WHERE id = ?"),
             {text(name), text(topic), isPrivate ? 1 : 0, id});
    return q.numRowsAffected() == 1;
}

bool removeRoom(QSqlDatabase &db, const QString &id)
{
    Storage::Transaction t(db);
    exec(db,
         QStringLiteral("DELETE FROM chat_message_edits WHERE message_id IN "
                        "(SELECT id FROM chat_messages WHERE room_id = ?)"),
         {id});
    exec(db, QStringLiteral("DELETE FROM chat_messages WHERE room_id = ?"), {id});
    exec(db, QStringLiteral("DELETE FROM chat_participants WHERE room_id = ?"), {id});
    QSqlQuery q = exec(db, QStringLiteral("DELETE FROM chat_rooms WHERE id = ?"), {id});
    if (q.numRowsAffected() != 1)
        return false;
    t.commit();
    return true;
}

QList<Room> rooms(QSqlDatabase &db, bool all, const QString &userId, const QString &text, int limit,
                  qint64 beforeActivity, const QString &beforeId)
{
    QStringList where;
    QVariantList values;
    if (!all) {
        where << QStringLiteral("(id IN (SELECT room_id FROM chat_participants WHERE user_id = ?) OR "
                                "(type = 'group' AND private = 0))");
        values << userId;
    }
    if (!text.isEmpty()) {
        where << QStringLiteral("LOWER(name) LIKE ?");
        QString pattern = text.toLower();
        pattern.remove(QLatin1Char('%')).remove(QLatin1Char('_'));
        values << QStringLiteral("%") + pattern + QStringLiteral("%");
    }
    if (!beforeId.isEmpty()) {
        where << QStringLiteral("(last_activity_at < CAST(? AS BIGINT) OR (last_activity_at = CAST(? AS "
                                "BIGINT) AND id%C < ?))");
        values << beforeActivity << beforeActivity << beforeId;
    }
    QSqlQuery q(db);
    const QString sql =
        QStringLiteral("SELECT %1 FROM chat_rooms%2 ORDER BY last_activity_at DESC, id%C DESC LIMIT %3")
            .arg(QLatin1String(RoomColumns),
                 where.isEmpty() ? QString()
                                 : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")))
            .arg(limit);
    if (!q.prepare(c(db, sql)))
        throw Storage::StoreError("chat rooms: " + q.lastError().text().toStdString());
    for (const QVariant &v : values)
        q.addBindValue(v);
    Storage::exec(q, "chat rooms");
    QList<Room> found;
    while (q.next())
        found.append(readRoom(q));
    for (Room &r : found) {
        r.participants = participants(db, r.id);
        QSqlQuery count = exec(
            db, QStringLiteral("SELECT COUNT(*) FROM chat_messages WHERE room_id = ? AND deleted_at IS NULL"),
            {r.id});
        count.next();
        r.messageCount = count.value(0).toLongLong();
    }
    return found;
}

QList<Participant> participants(QSqlDatabase &db, const QString &roomId)
{
    QSqlQuery q = exec(db,
                       c(db, participantSelect() + QStringLiteral("WHERE p.room_id = ? ORDER BY p.joined_at, "
                                                                  "p.user_id%C")),
                       {roomId});
    QList<Participant> all;
    while (q.next())
        all.append(readParticipant(q));
    return all;
}

std::optional<Participant> participant(QSqlDatabase &db, const QString &roomId, const QString &userId)
{
    QSqlQuery q = exec(db, participantSelect() + QStringLiteral("WHERE p.room_id = ? AND p.user_id = ?"),
                       {roomId, userId});
    if (!q.next())
        return std::nullopt;
    return readParticipant(q);
}

bool addParticipant(QSqlDatabase &db, const Participant &p)
{
    Storage::Transaction t(db);
    const std::optional<Room> r = lockedRoom(db, p.roomId);
    if (!r)
        return false;
    if (participant(db, p.roomId, p.userId))
        return false;
    insertParticipantRow(db, p, r->messageSeq);
    t.commit();
    return true;
}

bool setParticipantRole(QSqlDatabase &db, const QString &roomId, const QString &userId, ParticipantRole role)
{
    QSqlQuery q =
        exec(db, QStringLiteral("UPDATE chat_participants SET role = ? WHERE room_id = ? AND user_id = ?"),
             {roleName(role), roomId, userId});
    return q.numRowsAffected() == 1;
}

bool removeParticipant(QSqlDatabase &db, const QString &roomId, const QString &userId)
{
    QSqlQuery q = exec(db, QStringLiteral("DELETE FROM chat_participants WHERE room_id = ? AND user_id = ?"),
                       {roomId, userId});
    return q.numRowsAffected() == 1;
}

std::optional<qint64> markRead(QSqlDatabase &db, const QString &roomId, const QString &userId, qint64 seq)
{
    Storage::Transaction t(db);
    exec(
        db,
        QStringLiteral("UPDATE chat_participants SET last_read_seq = CAST(? AS BIGINT) WHERE room_id = ? AND "
                       "user_id = ? AND last_read_seq < CAST(? AS BIGINT)"),
        {seq, roomId, userId, seq});
    QSqlQuery q = exec(
        db, QStringLiteral("SELECT last_read_seq FROM chat_participants WHERE room_id = ? AND user_id = ?"),
        {roomId, userId});
    if (!q.next())
        return std::nullopt;
    const qint64 after = q.value(0).toLongLong();
    t.commit();
    return after;
}

qint64 unreadCount(QSqlDatabase &db, const QString &roomId, const QString &userId)
{
    QSqlQuery q =
        exec(db,
             QStringLiteral("SELECT COUNT(*) FROM chat_messages m JOIN chat_participants p ON "
                            "p.room_id = m.room_id AND p.user_id = ? WHERE m.room_id = ? AND m.seq > "
                            "p.last_read_seq AND m.deleted_at IS NULL AND m.author_id <> ?"),
             {userId, roomId, userId});
    q.next();
    return q.value(0).toLongLong();
}

std::optional<Sent> insertMessage(QSqlDatabase &db, Message m)
{
    const auto existing = [&]() -> std::optional<Message> {
        if (m.idempotencyKey.isEmpty())
            return std::nullopt;
        QSqlQuery q = exec(db,
                           messageSelect() + QStringLiteral("WHERE m.room_id = ? AND m.author_id = ? AND "
                                                            "m.idempotency_key = ?"),
                           {m.roomId, text(m.authorId), m.idempotencyKey});
        if (!q.next())
            return std::nullopt;
        return readMessage(q);
    };
    {
        Storage::Transaction t(db);
        if (!lockedRoom(db, m.roomId))
            return std::nullopt;
        m.changeSeq = nextChange(db, m.roomId, m.createdAtMs, true);
        QSqlQuery seq =
            exec(db, QStringLiteral("SELECT message_seq FROM chat_rooms WHERE id = ?"), {m.roomId});
        seq.next();
        m.seq = seq.value(0).toLongLong();
        // The unique (room, author, key) decides a retry, also one racing this insert on another
        // connection: it inserts nothing, and this transaction (with its seq) is rolled back.
        const QString columns = QStringLiteral(
            "id, room_id, seq, author_id, author_name, text, search_text, created_at, edited_at, edit_count, "
            "deleted_at, deleted_by, reply_to, idempotency_key, change_seq");
        QSqlQuery q(db);
        const QString sql =
            isPostgres(db)
                ? QStringLiteral(
                      "INSERT INTO chat_messages (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL, "
                      "NULL, ?, ?, ?) ON CONFLICT DO NOTHING")
                      .arg(columns)
                : QStringLiteral(
                      "INSERT INTO chat_messages (%1, doc_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, "
                      "NULL, NULL, ?, ?, ?, (SELECT COALESCE(MAX(doc_id), 0) + 1 FROM chat_messages)) "
                      "ON CONFLICT DO NOTHING")
                      .arg(columns);
        QSqlQuery inserted =
            exec(db, sql,
                 {m.id, m.roomId, m.seq, text(m.authorId), text(m.authorName), m.text, foldForSearch(m.text),
                  m.createdAtMs, nullableText(m.replyToId), nullableText(m.idempotencyKey), m.changeSeq});
        if (inserted.numRowsAffected() == 1) {
            t.commit();
            return Sent{*message(db, m.roomId, m.id), true};
        }
    }
    // Rolled back: the key's message is the answer.
    if (std::optional<Message> found = existing())
        return Sent{*found, false};
    throw Storage::StoreError("chat message: the insert conflicted, but no message has its idempotency key");
}

std::optional<Message> message(QSqlDatabase &db, const QString &roomId, const QString &id)
{
    QSqlQuery q =
        exec(db, messageSelect() + QStringLiteral("WHERE m.room_id = ? AND m.id = ?"), {roomId, id});
    if (!q.next())
        return std::nullopt;
    return readMessage(q);
}

std::optional<Message> editMessage(QSqlDatabase &db, const QString &roomId, const QString &id,
                                   const QString &newText, qint64 atMs)
{
    Storage::Transaction t(db);
    if (!lockedRoom(db, roomId))
        return std::nullopt;
    const std::optional<Message> before = message(db, roomId, id);
    if (!before || before->deleted())
        return before;
    const qint64 change = nextChange(db, roomId, 0, false);
    exec(db, QStringLiteral("INSERT INTO chat_message_edits (message_id, text, edited_at) VALUES (?, ?, ?)"),
         {id, before->text, atMs});
    exec(db,
         QStringLiteral("UPDATE chat_messages SET text = ?, search_text = ?, edited_at = ?, edit_count = "
                        "edit_count + 1, change_seq = ? WHERE id = ?"),
         {newText, foldForSearch(newText), atMs, change, id});
    t.commit();
    return message(db, roomId, id);
}

std::optional<Message> deleteMessage(QSqlDatabase &db, const QString &roomId, const QString &id,
                                     const QString &by, qint64 atMs)
{
    Storage::Transaction t(db);
    if (!lockedRoom(db, roomId))
        return std::nullopt;
    const std::optional<Message> before = message(db, roomId, id);
    if (!before || before->deleted())
        return before;
    const qint64 change = nextChange(db, roomId, 0, false);
    exec(db,
         QStringLiteral(
             "UPDATE chat_messages SET text = '', search_text = '', deleted_at = ?, deleted_by = ?, "
             "change_seq = ? WHERE id = ?"),
         {atMs, text(by), change, id});
    // The history would keep what the deletion removed.
    exec(db, QStringLiteral("DELETE FROM chat_message_edits WHERE message_id = ?"), {id});
    t.commit();
    return message(db, roomId, id);
}

QList<MessageEdit> edits(QSqlDatabase &db, const QString &messageId)
{
    QSqlQuery q =
        exec(db,
             QStringLiteral("SELECT text, edited_at FROM chat_message_edits WHERE message_id = ? ORDER BY "
                            "edited_at"),
             {messageId});
    QList<MessageEdit> all;
    while (q.next())
        all.append({q.value(0).toString(), q.value(1).toLongLong()});
    return all;
}

MessagePage page(QSqlDatabase &db, const QString &roomId, qint64 before, int limit)
{
    QSqlQuery q =
        before > 0
            ? exec(db,
                   messageSelect() + QStringLiteral("WHERE m.room_id = ? AND m.seq < CAST(? AS BIGINT) "
                                                    "ORDER BY m.seq DESC LIMIT %1")
                                         .arg(limit + 1),
                   {roomId, before})
            : exec(db,
                   messageSelect() +
                       QStringLiteral("WHERE m.room_id = ? ORDER BY m.seq DESC LIMIT %1").arg(limit + 1),
                   {roomId});
    MessagePage p;
    p.items = readMessages(q);
    p.hasMore = p.items.size() > limit;
    if (p.hasMore)
        p.items.removeLast();
    std::reverse(p.items.begin(), p.items.end());
    p.nextBefore = p.hasMore && !p.items.isEmpty() ? p.items.first().seq : 0;
    return p;
}

QList<Message> around(QSqlDatabase &db, const QString &roomId, qint64 seq, int before, int after)
{
    QSqlQuery older =
        exec(db,
             messageSelect() + QStringLiteral("WHERE m.room_id = ? AND m.seq < CAST(? AS BIGINT) ORDER "
                                              "BY m.seq DESC LIMIT %1")
                                   .arg(before),
             {roomId, seq});
    QList<Message> all = readMessages(older);
    std::reverse(all.begin(), all.end());
    QSqlQuery newer =
        exec(db,
             messageSelect() + QStringLiteral("WHERE m.room_id = ? AND m.seq >= CAST(? AS BIGINT) "
                                              "ORDER BY m.seq LIMIT %1")
                                   .arg(after + 1),
             {roomId, seq});
    all.append(readMessages(newer));
    return all;
}

QList<Message> changesSince(QSqlDatabase &db, const QString &roomId, qint64 changeSeq, int limit)
{
    QSqlQuery q =
        exec(db,
             messageSelect() + QStringLiteral("WHERE m.room_id = ? AND m.change_seq > CAST(? AS BIGINT) "
                                              "ORDER BY m.change_seq LIMIT %1")
                                   .arg(limit),
             {roomId, changeSeq});
    return readMessages(q);
}

std::optional<Message> messageAtSeq(QSqlDatabase &db, const QString &roomId, qint64 seq)
{
    QSqlQuery q =
        exec(db, messageSelect() + QStringLiteral("WHERE m.room_id = ? AND m.seq = CAST(? AS BIGINT)"),
             {roomId, seq});
    if (!q.next())
        return std::nullopt;
    return readMessage(q);
}

namespace {

// How many of the newest messages PostgreSQL's search looks through first (see search()).
constexpr int SearchWindow = 20'000;

} // namespace

QList<SearchHit> search(QSqlDatabase &db, const SearchQuery &query)
{
    if (query.terms.isEmpty())
        return {};
    const bool postgres = isPostgres(db);
    // The conditions besides the words; they decide (the index conditions below only narrow).
    QStringList filters{QStringLiteral("m.deleted_at IS NULL")};
    QVariantList filterValues;
    if (!query.allRooms) {
        filters << QStringLiteral("m.room_id IN (SELECT room_id FROM chat_participants WHERE user_id = ?)");
        filterValues << query.readerId;
    }
    if (query.allRooms && query.skipPrivateOutside) {
        filters << QStringLiteral(
            "m.room_id NOT IN (SELECT id FROM chat_rooms WHERE private = 1 AND id NOT IN "
            "(SELECT room_id FROM chat_participants WHERE user_id = ?))");
        filterValues << query.readerId;
    }
    if (!query.roomId.isEmpty()) {
        filters << QStringLiteral("m.room_id = ?");
        filterValues << query.roomId;
    }
    if (!query.authorId.isEmpty()) {
        filters << QStringLiteral("m.author_id = ?");
        filterValues << query.authorId;
    }
    if (query.fromMs > 0) {
        filters << QStringLiteral("m.created_at >= CAST(? AS BIGINT)");
        filterValues << query.fromMs;
    }
    if (query.toMs > 0) {
        filters << QStringLiteral("m.created_at < CAST(? AS BIGINT)");
        filterValues << query.toMs;
    }
    if (!query.beforeId.isEmpty() && postgres) {
        filters << QStringLiteral(
            "(m.created_at < CAST(? AS BIGINT) OR (m.created_at = CAST(? AS BIGINT) AND "
            "m.id COLLATE \"C\" < ?))");
        filterValues << query.beforeRank << query.beforeRank << query.beforeId;
    }

    QList<SearchHit> hits;
    QList<std::pair<QString, QString>> ids;
    const auto collect = [&](const QString &sql, const QVariantList &values) {
        QSqlQuery q(db);
        if (!q.prepare(sql))
            throw Storage::StoreError("chat search: " + q.lastError().text().toStdString());
        for (const QVariant &v : values)
            q.addBindValue(v);
        Storage::exec(q, "chat search");
        hits.clear();
        ids.clear();
        while (q.next()) {
            SearchHit h;
            h.roomName = q.value(2).toString();
            h.roomPrivate = q.value(3).toInt() != 0;
            h.rank = q.value(4).toLongLong();
            hits.append(h);
            ids.append({q.value(1).toString(), q.value(0).toString()});
        }
    };

    if (postgres) {
        // Terms are letters and digits only (searchTerms), so they cannot form tsquery syntax.
        // The window serves searches across every room or in one room (an index walks either); a
        // reader's few rooms or one author could make "the newest 20 000 of theirs" a walk through
        // most of the table, so those go to the GIN index at once.
        const bool windowed = (query.allRooms || !query.roomId.isEmpty()) && query.authorId.isEmpty();
        QStringList parts;
        for (const QString &term : query.terms)
            parts << term + QStringLiteral(":*");
        const QString tsquery = parts.join(QStringLiteral(" & "));
        const QString order = QStringLiteral("m.created_at DESC, m.id COLLATE \"C\" DESC");
        // First the newest SearchWindow messages (walked through chat_messages_by_time, or
        // chat_messages_room_time in one room): a page of a common word is there, at once, where
        // the planner would otherwise gather every match through the GIN index and sort them.
        if (windowed)
            collect(
                QStringLiteral("SELECT m.id, m.room_id, r.name, r.private, m.created_at FROM (SELECT * FROM "
                               "chat_messages m WHERE %1 ORDER BY %2 LIMIT %3) m JOIN chat_rooms r ON r.id = "
                               "m.room_id WHERE m.search_tsv @@ to_tsquery('simple', ?) ORDER BY %2 LIMIT %4")
                    .arg(filters.join(QStringLiteral(" AND ")), order)
                    .arg(SearchWindow)
                    .arg(query.limit),
                filterValues + QVariantList{tsquery});
        if (!windowed || hits.size() < query.limit) {
            // The words are rare among the newest: the GIN index finds their few matches (`+ 0`
            // keeps the planner from walking the time index through the whole table instead).
            collect(
                QStringLiteral("SELECT m.id, m.room_id, r.name, r.private, m.created_at FROM chat_messages m "
                               "JOIN chat_rooms r ON r.id = m.room_id WHERE m.search_tsv @@ "
                               "to_tsquery('simple', ?) AND %1 ORDER BY m.created_at + 0 DESC, m.id "
                               "COLLATE \"C\" DESC LIMIT %2")
                    .arg(filters.join(QStringLiteral(" AND ")))
                    .arg(query.limit),
                QVariantList{tsquery} + filterValues);
        }
    } else {
        // An FTS5 string: quotes doubled; the tokenizer splits ids into their words as it did when
        // indexing, so an id matches as a phrase.
        const auto quoted = [](QString value) {
            return QLatin1Char('"') + value.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
                   QLatin1Char('"');
        };
        QStringList parts;
        for (const QString &term : query.terms)
            parts << quoted(term) + QLatin1Char('*');
        QString match = QStringLiteral("search_text : (%1)").arg(parts.join(QLatin1Char(' ')));
        // Room and author are in the index too, so the walk below skips other rooms' documents
        // inside the index.
        if (!query.roomId.isEmpty())
            match += QStringLiteral(" AND room_id : ") + quoted(query.roomId);
        // An id without a letter or digit tokenizes to nothing and would match nothing: then only
        // the WHERE clause filters by author.
        if (std::any_of(query.authorId.cbegin(), query.authorId.cend(),
                        [](QChar c) { return c.isLetterOrNumber(); }))
            match += QStringLiteral(" AND author_id : ") + quoted(query.authorId);
        if (!query.allRooms && query.roomId.isEmpty()) {
            QSqlQuery rooms =
                exec(db, QStringLiteral("SELECT room_id FROM chat_participants WHERE user_id = ?"),
                     {query.readerId});
            QStringList readable;
            while (rooms.next())
                readable << quoted(rooms.value(0).toString());
            if (readable.isEmpty())
                return {};
            if (readable.size() <= 200)
                match += QStringLiteral(" AND room_id : (%1)").arg(readable.join(QStringLiteral(" OR ")));
        }
        QStringList where{QStringLiteral("chat_messages_fts MATCH ?")};
        QVariantList values{match};
        if (!query.beforeId.isEmpty()) {
            where << QStringLiteral("f.rowid < ?");
            values << query.beforeRank;
        }
        // The index is walked newest document first (documents are numbered in insert order) and
        // the walk stops after `limit` hits: a common word costs as little as a rare one, where an
        // ORDER BY created_at would sort every match. CROSS JOIN keeps the index the outer loop.
        collect(QStringLiteral(
                    "SELECT m.id, m.room_id, r.name, r.private, f.rowid FROM chat_messages_fts f "
                    "CROSS JOIN chat_messages m ON m.doc_id = f.rowid CROSS JOIN chat_rooms r ON r.id = "
                    "m.room_id WHERE %1 AND %2 ORDER BY f.rowid DESC LIMIT %3")
                    .arg(where.join(QStringLiteral(" AND ")), filters.join(QStringLiteral(" AND ")))
                    .arg(query.limit),
                values + filterValues);
    }
    for (qsizetype i = 0; i < hits.size(); ++i) {
        hits[i].message = *message(db, ids[i].first, ids[i].second);
        hits[i].highlight = highlight(hits[i].message.text, query.terms);
    }
    return hits;
}

void insertSupportRead(QSqlDatabase &db, const SupportRead &read)
{
    exec(db,
         QStringLiteral(
             "INSERT INTO chat_support_reads (id, actor, actor_name, room_id, reason, message_ids, at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)"),
         {read.id, text(read.actor), text(read.actorName), read.roomId, text(read.reason),
          QString::fromUtf8(
              QJsonDocument(QJsonArray::fromStringList(read.messageIds)).toJson(QJsonDocument::Compact)),
          read.atMs});
}

QList<SupportRead> supportReads(QSqlDatabase &db, const QString &roomId, int limit)
{
    QSqlQuery q =
        exec(db,
             c(db, QStringLiteral("SELECT id, actor, actor_name, room_id, reason, message_ids, at FROM "
                                  "chat_support_reads WHERE room_id = ? ORDER BY at DESC, id%C DESC "
                                  "LIMIT %1")
                       .arg(limit)),
             {roomId});
    QList<SupportRead> all;
    while (q.next()) {
        SupportRead r;
        r.id = q.value(0).toString();
        r.actor = q.value(1).toString();
        r.actorName = q.value(2).toString();
        r.roomId = q.value(3).toString();
        r.reason = q.value(4).toString();
        for (const QJsonValue v : QJsonDocument::fromJson(q.value(5).toByteArray()).array())
            r.messageIds.append(v.toString());
        r.atMs = q.value(6).toLongLong();
        all.append(r);
    }
    return all;
}

} // namespace Meshdeck::Chat::ChatStore
