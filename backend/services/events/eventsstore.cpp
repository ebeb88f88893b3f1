#include "eventsstore.h"

#include "storage/sqlite.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <sqlite3.h>

namespace Meshdeck::Events {

namespace {

TopicInfo topicFromQuery(const QSqlQuery &q)
{
    TopicInfo t;
    t.name = q.value(0).toString();
    t.retention.maxAgeSeconds = q.value(1).toLongLong();
    t.retention.maxBytes = q.value(2).toLongLong();
    t.firstOffset = q.value(3).toLongLong();
    t.nextOffset = q.value(4).toLongLong();
    t.eventCount = q.value(5).toLongLong();
    t.totalBytes = q.value(6).toLongLong();
    t.createdAt = q.value(7).toString();
    return t;
}

const QString TopicColumns = QStringLiteral(
    "name, max_age_seconds, max_bytes, first_offset, next_offset, event_count, total_bytes, created_at");

// A random (version 4) UUID from the seeded generator: unique, and no system call per event.
QString newEventId()
{
    quint8 b[16];
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(b), 4);
    b[6] = quint8((b[6] & 0x0f) | 0x40); // version 4
    b[8] = quint8((b[8] & 0x3f) | 0x80); // RFC 4122 variant
    const quint32 l = quint32(b[0]) << 24 | quint32(b[1]) << 16 | quint32(b[2]) << 8 | b[3];
    return QUuid(l, quint16(b[4] << 8 | b[5]), quint16(b[6] << 8 | b[7]), b[8], b[9], b[10], b[11], b[12],
                 b[13], b[14], b[15])
        .toString(QUuid::WithoutBraces);
}

// A prepared statement that finalizes itself.
struct Statement {
    sqlite3_stmt *stmt = nullptr;
    ~Statement() { sqlite3_finalize(stmt); }
};

void bindText(sqlite3_stmt *stmt, int index, const QByteArray &utf8)
{
    sqlite3_bind_text(stmt, index, utf8.isNull() ? "" : utf8.constData(), int(utf8.size()), SQLITE_STATIC);
}

// A batch row's body: per event six length-prefixed fields (id, type, key, data, headers, request id).
void putField(QByteArray &out, QByteArrayView field)
{
    const quint32 n = quint32(field.size());
    const char length[4] = {char(n & 0xff), char((n >> 8) & 0xff), char((n >> 16) & 0xff), char(n >> 24)};
    out.append(length, 4);
    out.append(field.data(), field.size());
}

bool takeField(QByteArrayView &in, QByteArrayView *field)
{
    if (in.size() < 4)
        return false;
    const auto *p = reinterpret_cast<const uchar *>(in.data());
    const qsizetype n =
        qsizetype(quint32(p[0]) | quint32(p[1]) << 8 | quint32(p[2]) << 16 | quint32(p[3]) << 24);
    if (in.size() - 4 < n)
        return false;
    *field = in.sliced(4, n);
    in = in.sliced(4 + n);
    return true;
}

qint64 eventSize(const EventInput &e)
{
    return e.data.size() + e.headers.size() + e.type.size() + e.key.size();
}

} // namespace

std::vector<Storage::Migration> EventsStore::migrations()
{
    return {
        {1,
         QStringLiteral("topics and the event log"),
         {QStringLiteral(
              "CREATE TABLE topics (name TEXT PRIMARY KEY, max_age_seconds INTEGER NOT NULL DEFAULT 0,"
              " max_bytes INTEGER NOT NULL DEFAULT 0, first_offset INTEGER NOT NULL DEFAULT 0,"
              " next_offset INTEGER NOT NULL DEFAULT 0, event_count INTEGER NOT NULL DEFAULT 0,"
              " total_bytes INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)"),
          // The log is stored a published batch per row, as Kafka stores record batches: one B-tree
          // insert per batch rather than per event (per-event rows cost ~25k instructions each).
          // Offsets first_offset..last_offset are contiguous within a row and across rows.
          QStringLiteral(
              "CREATE TABLE event_batches (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL,"
              " first_offset INTEGER NOT NULL, last_offset INTEGER NOT NULL, time_ms INTEGER NOT NULL,"
              " size INTEGER NOT NULL, body BLOB NOT NULL)"),
          QStringLiteral("CREATE UNIQUE INDEX event_batches_by_offset ON event_batches (topic, last_offset)"),
          QStringLiteral("CREATE INDEX event_batches_by_time ON event_batches (topic, time_ms)")}},
        {2,
         QStringLiteral("consumer groups"),
         {QStringLiteral(
              "CREATE TABLE consumer_groups (topic TEXT NOT NULL, name TEXT NOT NULL,"
              " committed_offset INTEGER NOT NULL, next_offset INTEGER NOT NULL, created_at TEXT NOT NULL,"
              " PRIMARY KEY (topic, name))"),
          QStringLiteral(
              "CREATE TABLE group_inflight (topic TEXT NOT NULL, name TEXT NOT NULL,"
              " event_offset INTEGER NOT NULL, deadline_ms INTEGER NOT NULL, attempts INTEGER NOT NULL,"
              " PRIMARY KEY (topic, name, event_offset))"),
          QStringLiteral(
              "CREATE TABLE group_lag (topic TEXT NOT NULL, name TEXT NOT NULL, time_ms INTEGER NOT NULL,"
              " lag INTEGER NOT NULL)"),
          QStringLiteral("CREATE INDEX group_lag_by_group ON group_lag (topic, name, time_ms)")}},
    };
}

EventsStore::CreateOutcome EventsStore::createTopic(QSqlDatabase &db, const QString &name,
                                                    Retention retention, QString *error)
{
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("INSERT INTO topics (name, max_age_seconds, max_bytes, created_at) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (name) DO NOTHING"));
    q.addBindValue(name);
    q.addBindValue(retention.maxAgeSeconds);
    q.addBindValue(retention.maxBytes);
    q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    if (!q.exec()) {
        *error = q.lastError().text();
        return CreateOutcome::Failed;
    }
    return q.numRowsAffected() == 1 ? CreateOutcome::Created : CreateOutcome::Exists;
}

QList<TopicInfo> EventsStore::listTopics(QSqlDatabase &db)
{
    QList<TopicInfo> out;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT %1 FROM topics ORDER BY name").arg(TopicColumns)))
        return out;
    while (q.next())
        out << topicFromQuery(q);
    return out;
}

std::optional<TopicInfo> EventsStore::topic(QSqlDatabase &db, const QString &name)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM topics WHERE name = ?").arg(TopicColumns));
    q.addBindValue(name);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return topicFromQuery(q);
}

bool EventsStore::deleteTopic(QSqlDatabase &db, const QString &name, QString *error)
{
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    bool ok = q.prepare(QStringLiteral("DELETE FROM event_batches WHERE topic = ?"));
    q.addBindValue(name);
    ok = ok && q.exec();
    for (const char *table : {"consumer_groups", "group_inflight", "group_lag"}) {
        QSqlQuery g(db);
        ok = ok && g.prepare(QStringLiteral("DELETE FROM %1 WHERE topic = ?").arg(QLatin1String(table)));
        g.addBindValue(name);
        ok = ok && g.exec();
    }
    QSqlQuery t(db);
    ok = ok && t.prepare(QStringLiteral("DELETE FROM topics WHERE name = ?"));
    t.addBindValue(name);
    ok = ok && t.exec();
    if (!ok || !db.commit()) {
        *error = q.lastError().isValid() ? q.lastError().text() : t.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

QString EventsStore::appendInTransaction(QSqlDatabase &db, const std::vector<Batch> &batches, qint64 nowMs,
                                         std::vector<BatchResult> *resultsOut)
{
    std::vector<BatchResult> &results = *resultsOut;
    results.assign(batches.size(), BatchResult{});

    struct Head {
        qint64 next;
        qint64 count;
        qint64 bytes;
    };
    QHash<QString, Head> heads;
    QSqlQuery headQuery(db);
    headQuery.prepare(
        QStringLiteral("SELECT next_offset, event_count, total_bytes FROM topics WHERE name = ?"));
    // The hot insert goes straight to sqlite3: QSqlQuery's QVariant binding cost more than the insert.
    sqlite3 *handle = Storage::nativeHandle(db);
    Statement insert;
    if (!handle ||
        sqlite3_prepare_v2(handle,
                           "INSERT INTO event_batches (topic, first_offset, last_offset, time_ms, size, body)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           -1, &insert.stmt, nullptr) != SQLITE_OK)
        return handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QStringLiteral("no SQLite handle");

    QByteArray body;
    for (size_t i = 0; i < batches.size(); ++i) {
        const Batch &batch = batches[i];
        if (batch.events.isEmpty()) {
            results[i].status = 201;
            continue;
        }
        auto head = heads.find(batch.topic);
        if (head == heads.end()) {
            headQuery.bindValue(0, batch.topic);
            if (!headQuery.exec())
                return headQuery.lastError().text();
            if (!headQuery.next()) {
                results[i].status = 404;
                results[i].error = batch.topic;
                continue;
            }
            head = heads.insert(batch.topic,
                                Head{headQuery.value(0).toLongLong(), headQuery.value(1).toLongLong(),
                                     headQuery.value(2).toLongLong()});
            headQuery.finish();
        }
        BatchResult &result = results[i];
        result.stored.reserve(batch.events.size());
        body.resize(0);
        qint64 size = 0;
        const QByteArray requestUtf8 = batch.requestId.toUtf8();
        for (const EventInput &input : batch.events) {
            auto stored = std::make_shared<StoredEvent>();
            stored->id = newEventId();
            stored->topic = batch.topic;
            stored->offset = head->next + result.stored.size();
            stored->timeMs = nowMs;
            stored->type = input.type;
            stored->key = input.key;
            stored->data = input.data;
            stored->headers = input.headers;
            stored->requestId = batch.requestId;
            putField(body, stored->id.toLatin1());
            putField(body, input.type.toUtf8());
            putField(body, input.key.toUtf8());
            putField(body, input.data);
            putField(body, input.headers);
            putField(body, requestUtf8);
            size += eventSize(input);
            result.stored << stored;
        }
        const QByteArray topicUtf8 = batch.topic.toUtf8();
        const qint64 first = head->next;
        const qint64 last = head->next + result.stored.size() - 1;
        bindText(insert.stmt, 1, topicUtf8);
        sqlite3_bind_int64(insert.stmt, 2, first);
        sqlite3_bind_int64(insert.stmt, 3, last);
        sqlite3_bind_int64(insert.stmt, 4, nowMs);
        sqlite3_bind_int64(insert.stmt, 5, size);
        sqlite3_bind_blob(insert.stmt, 6, body.constData(), int(body.size()), SQLITE_STATIC);
        const int rc = sqlite3_step(insert.stmt);
        sqlite3_reset(insert.stmt);
        if (rc != SQLITE_DONE)
            return QString::fromUtf8(sqlite3_errmsg(handle));
        head->next = last + 1;
        head->count += result.stored.size();
        head->bytes += size;
        result.status = 201;
    }

    QSqlQuery update(db);
    update.prepare(
        QStringLiteral("UPDATE topics SET next_offset = ?, event_count = ?, total_bytes = ? WHERE name = ?"));
    for (auto it = heads.cbegin(); it != heads.cend(); ++it) {
        update.bindValue(0, it->next);
        update.bindValue(1, it->count);
        update.bindValue(2, it->bytes);
        update.bindValue(3, it.key());
        if (!update.exec())
            return update.lastError().text();
    }
    return {};
}

std::vector<EventsStore::BatchResult>
EventsStore::appendGroup(QSqlDatabase &db, const std::vector<Batch> &batches, qint64 nowMs)
{
    std::vector<BatchResult> results;
    auto failAll = [&results, &batches](const QString &reason) {
        results.resize(batches.size());
        for (BatchResult &r : results) {
            if (r.status == 201 || r.status == 0) {
                r.status = 503;
                r.error = reason;
                r.stored.clear();
            }
        }
        return results;
    };
    if (!db.transaction())
        return failAll(db.lastError().text());
    if (const QString error = appendInTransaction(db, batches, nowMs, &results); !error.isEmpty()) {
        db.rollback();
        return failAll(error);
    }
    // With synchronous=FULL the commit returns only once the WAL is on disk: the durability point.
    if (!db.commit()) {
        const QString reason = db.lastError().text();
        db.rollback();
        return failAll(reason);
    }
    return results;
}

EventsStore::ReadResult EventsStore::read(QSqlDatabase &db, const QString &topicName, qint64 fromOffset,
                                          qint64 fromTimeMs, int limit)
{
    ReadResult result;
    const auto info = topic(db, topicName);
    if (!info)
        return result;
    result.topicExists = true;
    const qint64 start =
        fromTimeMs >= 0 ? info->firstOffset : qBound(info->firstOffset, fromOffset, info->nextOffset);
    result.nextOffset = fromTimeMs >= 0 ? info->nextOffset : start;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (fromTimeMs >= 0) {
        q.prepare(QStringLiteral(
            "SELECT first_offset, time_ms, body FROM event_batches WHERE topic = ? AND time_ms >= ?"
            " ORDER BY last_offset"));
        q.addBindValue(topicName);
        q.addBindValue(fromTimeMs);
    } else {
        q.prepare(QStringLiteral(
            "SELECT first_offset, time_ms, body FROM event_batches WHERE topic = ? AND last_offset >= ?"
            " ORDER BY last_offset"));
        q.addBindValue(topicName);
        q.addBindValue(start);
    }
    if (!q.exec())
        return result;
    while (result.events.size() < limit && q.next()) {
        const qint64 first = q.value(0).toLongLong();
        const qint64 timeMs = q.value(1).toLongLong();
        const QByteArray body = q.value(2).toByteArray();
        QByteArrayView in(body);
        for (qint64 offset = first; !in.isEmpty() && result.events.size() < limit; ++offset) {
            QByteArrayView id, type, key, data, headers, requestId;
            if (!takeField(in, &id) || !takeField(in, &type) || !takeField(in, &key) ||
                !takeField(in, &data) || !takeField(in, &headers) || !takeField(in, &requestId))
                break; // a damaged row: stop rather than invent events
            if (offset < start)
                continue;
            auto e = std::make_shared<StoredEvent>();
            e->topic = topicName;
            e->offset = offset;
            e->id = QString::fromLatin1(id.data(), id.size());
            e->timeMs = timeMs;
            e->type = QString::fromUtf8(type.data(), type.size());
            e->key = QString::fromUtf8(key.data(), key.size());
            e->data = data.toByteArray();
            e->headers = headers.toByteArray();
            e->requestId = QString::fromUtf8(requestId.data(), requestId.size());
            result.nextOffset = offset + 1;
            result.events << e;
        }
    }
    return result;
}

int EventsStore::applyRetention(QSqlDatabase &db, qint64 nowMs, int maxRows)
{
    int deleted = 0;
    const QList<TopicInfo> topics = listTopics(db);
    for (const TopicInfo &t : topics) {
        if (deleted >= maxRows)
            break;
        const bool byAge = t.retention.maxAgeSeconds > 0;
        const bool bySize = t.retention.maxBytes > 0 && t.totalBytes > t.retention.maxBytes;
        if (!byAge && !bySize)
            continue;
        const qint64 cutoff = nowMs - t.retention.maxAgeSeconds * 1000;
        // Whole batches, oldest first: only a prefix of the log goes, so the offsets that remain
        // stay contiguous. A batch is kept while any of it may be kept.
        QSqlQuery oldest(db);
        oldest.prepare(QStringLiteral(
            "SELECT first_offset, last_offset, time_ms, size FROM event_batches WHERE topic = ?"
            " ORDER BY last_offset LIMIT 1000"));
        oldest.addBindValue(t.name);
        if (!oldest.exec())
            continue;
        qint64 lastOffset = -1;
        qint64 bytes = 0;
        qint64 count = 0;
        while (oldest.next()) {
            const qint64 events = oldest.value(1).toLongLong() - oldest.value(0).toLongLong() + 1;
            if (count > 0 && deleted + count + events > maxRows)
                break;
            const bool expired = byAge && oldest.value(2).toLongLong() < cutoff;
            const bool oversize = t.retention.maxBytes > 0 && t.totalBytes - bytes > t.retention.maxBytes;
            if (!expired && !oversize)
                break;
            lastOffset = oldest.value(1).toLongLong();
            bytes += oldest.value(3).toLongLong();
            count += events;
        }
        oldest.finish();
        if (count == 0)
            continue;
        if (!db.transaction())
            return deleted;
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM event_batches WHERE topic = ? AND last_offset <= ?"));
        del.addBindValue(t.name);
        del.addBindValue(lastOffset);
        QSqlQuery upd(db);
        upd.prepare(QStringLiteral("UPDATE topics SET first_offset = ?, event_count = event_count - ?,"
                                   " total_bytes = total_bytes - ? WHERE name = ?"));
        upd.addBindValue(lastOffset + 1);
        upd.addBindValue(count);
        upd.addBindValue(bytes);
        upd.addBindValue(t.name);
        if (!del.exec() || !upd.exec() || !db.commit()) {
            db.rollback();
            return deleted;
        }
        deleted += int(count);
    }
    return deleted;
}

namespace {

bool exec(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    *error = q.lastError().text();
    return false;
}

qint64 headOf(QSqlDatabase &db, const QString &topic)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT next_offset FROM topics WHERE name = ?"));
    q.addBindValue(topic);
    return q.exec() && q.next() ? q.value(0).toLongLong() : 0;
}

bool recordLag(QSqlDatabase &db, const QString &topic, const QString &group, qint64 nowMs, qint64 lag,
               QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO group_lag (topic, name, time_ms, lag) VALUES (?, ?, ?, ?)"));
    q.addBindValue(topic);
    q.addBindValue(group);
    q.addBindValue(nowMs);
    q.addBindValue(lag);
    return exec(q, error);
}

} // namespace

EventsStore::PollResult EventsStore::poll(QSqlDatabase &db, const QString &topicName, const QString &group,
                                          int max, qint64 visibilityMs, int maxDeliveries, qint64 nowMs)
{
    PollResult result;
    const auto info = topic(db, topicName);
    if (!info)
        return result;
    result.topicExists = true;
    if (!db.transaction()) {
        result.error = db.lastError().text();
        return result;
    }
    auto fail = [&db, &result](const QString &error) {
        db.rollback();
        result.error = error;
        result.deliveries.clear();
        result.deadLettered.clear();
        return result;
    };
    QString error;

    qint64 committed = info->firstOffset;
    qint64 next = info->firstOffset;
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "SELECT committed_offset, next_offset FROM consumer_groups WHERE topic = ? AND name = ?"));
        q.addBindValue(topicName);
        q.addBindValue(group);
        if (!exec(q, &error))
            return fail(error);
        if (q.next()) {
            committed = q.value(0).toLongLong();
            next = q.value(1).toLongLong();
        } else {
            // A new group starts at the oldest event still kept.
            QSqlQuery insert(db);
            insert.prepare(
                QStringLiteral("INSERT INTO consumer_groups (topic, name, committed_offset, next_offset,"
                               " created_at) VALUES (?, ?, ?, ?, ?)"));
            insert.addBindValue(topicName);
            insert.addBindValue(group);
            insert.addBindValue(committed);
            insert.addBindValue(next);
            insert.addBindValue(QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).toString(Qt::ISODateWithMs));
            if (!exec(insert, &error))
                return fail(error);
        }
    }
    // Retention may have removed events the group never read.
    committed = qMax(committed, info->firstOffset);
    next = qMax(next, info->firstOffset);

    // First, events whose visibility timeout passed: deliver again, or dead-letter them.
    QList<EventInput> deadLetters;
    {
        QSqlQuery expired(db);
        expired.prepare(
            QStringLiteral("SELECT event_offset, attempts FROM group_inflight WHERE topic = ? AND name = ?"
                           " AND deadline_ms <= ? ORDER BY event_offset LIMIT ?"));
        expired.addBindValue(topicName);
        expired.addBindValue(group);
        expired.addBindValue(nowMs);
        expired.addBindValue(max);
        if (!exec(expired, &error))
            return fail(error);
        QList<std::pair<qint64, int>> due;
        while (expired.next())
            due.append({expired.value(0).toLongLong(), expired.value(1).toInt()});
        expired.finish();
        for (const auto &[offset, attempts] : due) {
            const ReadResult one = read(db, topicName, offset, -1, 1);
            const bool exists = !one.events.isEmpty() && one.events.first()->offset == offset;
            QSqlQuery change(db);
            if (!exists || attempts >= maxDeliveries) {
                change.prepare(QStringLiteral(
                    "DELETE FROM group_inflight WHERE topic = ? AND name = ? AND event_offset = ?"));
                change.addBindValue(topicName);
                change.addBindValue(group);
                change.addBindValue(offset);
                if (exists) {
                    const StoredEvent &e = *one.events.first();
                    QJsonObject headers = QJsonDocument::fromJson(e.headers).object();
                    headers.insert(QStringLiteral("meshdeck-dlq-reason"),
                                   QStringLiteral("not committed by group '%1' after %2 deliveries")
                                       .arg(group)
                                       .arg(attempts));
                    headers.insert(QStringLiteral("meshdeck-original-topic"), topicName);
                    headers.insert(QStringLiteral("meshdeck-original-offset"), QString::number(offset));
                    headers.insert(QStringLiteral("meshdeck-original-id"), e.id);
                    deadLetters.append(EventInput{e.type, e.key, e.data,
                                                  QJsonDocument(headers).toJson(QJsonDocument::Compact)});
                }
            } else {
                change.prepare(
                    QStringLiteral("UPDATE group_inflight SET deadline_ms = ?, attempts = attempts + 1"
                                   " WHERE topic = ? AND name = ? AND event_offset = ?"));
                change.addBindValue(nowMs + visibilityMs);
                change.addBindValue(topicName);
                change.addBindValue(group);
                change.addBindValue(offset);
                result.deliveries.append(Delivery{one.events.first(), attempts + 1});
            }
            if (!exec(change, &error))
                return fail(error);
        }
    }

    // Then new events, up to `max` in all.
    const int remaining = max - int(result.deliveries.size());
    if (remaining > 0) {
        const ReadResult page = read(db, topicName, next, -1, remaining);
        QSqlQuery inflight(db);
        inflight.prepare(
            QStringLiteral("INSERT INTO group_inflight (topic, name, event_offset, deadline_ms, attempts)"
                           " VALUES (?, ?, ?, ?, 1)"));
        for (const StoredEventPtr &e : page.events) {
            inflight.bindValue(0, topicName);
            inflight.bindValue(1, group);
            inflight.bindValue(2, e->offset);
            inflight.bindValue(3, nowMs + visibilityMs);
            if (!exec(inflight, &error))
                return fail(error);
            result.deliveries.append(Delivery{e, 1});
        }
        if (!page.events.isEmpty())
            next = page.nextOffset;
    }
    QSqlQuery update(db);
    update.prepare(QStringLiteral(
        "UPDATE consumer_groups SET committed_offset = ?, next_offset = ? WHERE topic = ? AND name = ?"));
    update.addBindValue(committed);
    update.addBindValue(next);
    update.addBindValue(topicName);
    update.addBindValue(group);
    if (!exec(update, &error))
        return fail(error);

    if (!deadLetters.isEmpty()) {
        const QString dlq = topicName + QStringLiteral(".dlq");
        if (createTopic(db, dlq, {}, &error) == CreateOutcome::Failed)
            return fail(error);
        std::vector<BatchResult> stored;
        error = appendInTransaction(db, {Batch{dlq, deadLetters, {}}}, nowMs, &stored);
        if (!error.isEmpty())
            return fail(error);
        result.deadLettered = stored.front().stored;
    }
    if (!db.commit())
        return fail(db.lastError().text());
    result.committedOffset = committed;
    result.lag = info->nextOffset - committed;
    return result;
}

EventsStore::CommitResult EventsStore::commit(QSqlDatabase &db, const QString &topicName,
                                              const QString &group, qint64 offset, qint64 nowMs)
{
    CommitResult result;
    const auto info = topic(db, topicName);
    if (!info) {
        result.status = CommitStatus::NoTopic;
        return result;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "SELECT committed_offset, next_offset FROM consumer_groups WHERE topic = ? AND name = ?"));
    q.addBindValue(topicName);
    q.addBindValue(group);
    if (!exec(q, &result.error))
        return result;
    if (!q.next()) {
        result.status = CommitStatus::NoGroup;
        return result;
    }
    result.committedOffset = q.value(0).toLongLong();
    result.nextOffset = q.value(1).toLongLong();
    q.finish();
    if (offset > result.nextOffset) {
        result.status = CommitStatus::NotDelivered;
        return result;
    }
    if (!db.transaction()) {
        result.error = db.lastError().text();
        return result;
    }
    if (offset > result.committedOffset) {
        // Committing offset N acknowledges every event before N, like a Kafka consumer's commit.
        QSqlQuery done(db);
        done.prepare(
            QStringLiteral("DELETE FROM group_inflight WHERE topic = ? AND name = ? AND event_offset < ?"));
        done.addBindValue(topicName);
        done.addBindValue(group);
        done.addBindValue(offset);
        QSqlQuery update(db);
        update.prepare(
            QStringLiteral("UPDATE consumer_groups SET committed_offset = ? WHERE topic = ? AND name = ?"));
        update.addBindValue(offset);
        update.addBindValue(topicName);
        update.addBindValue(group);
        if (!exec(done, &result.error) || !exec(update, &result.error)) {
            db.rollback();
            return result;
        }
        result.committedOffset = offset;
    }
    result.lag = info->nextOffset - result.committedOffset;
    if (!recordLag(db, topicName, group, nowMs, result.lag, &result.error) || !db.commit()) {
        if (result.error.isEmpty())
            result.error = db.lastError().text();
        db.rollback();
        return result;
    }
    result.status = CommitStatus::Committed;
    return result;
}

QList<EventsStore::GroupInfo> EventsStore::groups(QSqlDatabase &db, const QString &topicName)
{
    QList<GroupInfo> out;
    const qint64 head = headOf(db, topicName);
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT g.name, g.committed_offset, g.next_offset, g.created_at,"
                       " (SELECT COUNT(*) FROM group_inflight i WHERE i.topic = g.topic AND i.name = g.name)"
                       " FROM consumer_groups g WHERE g.topic = ? ORDER BY g.name"));
    q.addBindValue(topicName);
    if (!q.exec())
        return out;
    while (q.next()) {
        GroupInfo g;
        g.name = q.value(0).toString();
        g.committedOffset = q.value(1).toLongLong();
        g.nextOffset = q.value(2).toLongLong();
        g.createdAt = q.value(3).toString();
        g.inFlight = q.value(4).toLongLong();
        g.lag = qMax<qint64>(0, head - g.committedOffset);
        out << g;
    }
    return out;
}

QList<std::pair<qint64, qint64>> EventsStore::lagHistory(QSqlDatabase &db, const QString &topicName,
                                                         const QString &group, qint64 sinceMs)
{
    QList<std::pair<qint64, qint64>> out;
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT time_ms, lag FROM group_lag WHERE topic = ? AND name = ? AND time_ms >= ?"
                       " ORDER BY time_ms LIMIT 10000"));
    q.addBindValue(topicName);
    q.addBindValue(group);
    q.addBindValue(sinceMs);
    if (!q.exec())
        return out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toLongLong()});
    return out;
}

void EventsStore::sampleLag(QSqlDatabase &db, qint64 nowMs, qint64 keepMs)
{
    if (!db.transaction())
        return;
    QSqlQuery sample(db);
    sample.prepare(
        QStringLiteral("INSERT INTO group_lag (topic, name, time_ms, lag) SELECT g.topic, g.name, ?,"
                       " MAX(0, t.next_offset - g.committed_offset) FROM consumer_groups g"
                       " JOIN topics t ON t.name = g.topic"));
    sample.addBindValue(nowMs);
    QSqlQuery prune(db);
    prune.prepare(QStringLiteral("DELETE FROM group_lag WHERE time_ms < ?"));
    prune.addBindValue(nowMs - keepMs);
    if (!sample.exec() || !prune.exec() || !db.commit())
        db.rollback();
}

} // namespace Meshdeck::Events
