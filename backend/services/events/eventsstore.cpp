#include "eventsstore.h"

#include "platform/clock.h"

#include "storesupport.h"

#include "storage/sqlite.h"
#include "storage/store.h"

#include <QDateTime>
#include <QHash>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QUuid>

#include <sqlite3.h>

namespace Meshdeck::Events {

using Storage::StoreError;

namespace {

const QString TopicColumns = QStringLiteral("name, max_age_seconds, max_bytes, first_offset, next_offset,"
                                            " event_count, total_bytes, created_at, system");

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
    t.system = q.value(8).toBool();
    return t;
}

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

// The head of a topic while a group is appended to it.
struct Head {
    qint64 next;
    qint64 count;
    qint64 bytes;
};

// Encodes one batch as a log row's body, its events at offsets from `first` on; `size` is what
// they count for in the topic's bytes.
QList<StoredEventPtr> encodeBatch(const EventsStore::Batch &batch, qint64 first, qint64 nowMs,
                                  QByteArray &body, qint64 &size)
{
    QList<StoredEventPtr> stored;
    stored.reserve(batch.events.size());
    body.resize(0);
    size = 0;
    const QByteArray requestUtf8 = batch.requestId.toUtf8();
    for (const EventInput &input : batch.events) {
        auto event = std::make_shared<StoredEvent>();
        event->id = newEventId();
        event->topic = batch.topic;
        event->offset = first + stored.size();
        event->timeMs = nowMs;
        event->type = input.type;
        event->key = input.key;
        event->data = input.data;
        event->headers = input.headers;
        event->requestId = batch.requestId;
        putField(body, event->id.toLatin1());
        putField(body, input.type.toUtf8());
        putField(body, input.key.toUtf8());
        putField(body, input.data);
        putField(body, input.headers);
        putField(body, requestUtf8);
        size += EventsStore::eventSize(input);
        stored << event;
    }
    return stored;
}

// SQLite: the hot insert goes straight to sqlite3, as QSqlQuery's QVariant binding cost more than
// the insert.
class BatchInserter
{
public:
    explicit BatchInserter(QSqlDatabase &db)
        : m_handle(Storage::nativeHandle(db))
    {
        if (!m_handle)
            throw StoreError("the event log needs an SQLite connection");
        if (sqlite3_prepare_v2(
                m_handle,
                "INSERT INTO event_batches (topic, first_offset, last_offset, time_ms, size, body)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                -1, &m_insert.stmt, nullptr) != SQLITE_OK)
            throw StoreError(std::string("cannot prepare the log insert: ") + sqlite3_errmsg(m_handle));
    }

    // Encodes one batch at the head, inserts it as one row and advances the head.
    QList<StoredEventPtr> insert(const EventsStore::Batch &batch, Head &head, qint64 nowMs)
    {
        qint64 size = 0;
        QList<StoredEventPtr> stored = encodeBatch(batch, head.next, nowMs, m_body, size);
        const QByteArray topicUtf8 = batch.topic.toUtf8();
        const qint64 last = head.next + stored.size() - 1;
        bindText(m_insert.stmt, 1, topicUtf8);
        sqlite3_bind_int64(m_insert.stmt, 2, head.next);
        sqlite3_bind_int64(m_insert.stmt, 3, last);
        sqlite3_bind_int64(m_insert.stmt, 4, nowMs);
        sqlite3_bind_int64(m_insert.stmt, 5, size);
        sqlite3_bind_blob(m_insert.stmt, 6, m_body.constData(), int(m_body.size()), SQLITE_STATIC);
        const int rc = sqlite3_step(m_insert.stmt);
        sqlite3_reset(m_insert.stmt);
        if (rc != SQLITE_DONE)
            throw StoreError(std::string("cannot append to the log: ") + sqlite3_errmsg(m_handle));
        head.next = last + 1;
        head.count += stored.size();
        head.bytes += size;
        return stored;
    }

private:
    sqlite3 *m_handle;
    Statement m_insert;
    QByteArray m_body;
};

using Results = std::vector<Result<QList<StoredEventPtr>>>;

Error topicNotFound(const QString &topic)
{
    return Error::notFound(QStringLiteral("There is no topic '%1'; create it first.").arg(topic),
                           "topic-not-found");
}

Results appendSqlite(QSqlDatabase &db, const std::vector<EventsStore::Batch> &batches, qint64 nowMs)
{
    Results results;
    results.reserve(batches.size());
    QHash<QString, Head> heads;
    QSqlQuery headQuery = Storage::prepare(
        db, QStringLiteral("SELECT next_offset, event_count, total_bytes FROM topics WHERE name = ?"));
    BatchInserter inserter(db);
    for (const EventsStore::Batch &batch : batches) {
        if (batch.events.isEmpty()) {
            results.emplace_back(QList<StoredEventPtr>());
            continue;
        }
        auto head = heads.find(batch.topic);
        if (head == heads.end()) {
            headQuery.bindValue(0, batch.topic);
            Storage::exec(headQuery, "cannot read the topic's head");
            if (!headQuery.next()) {
                results.emplace_back(topicNotFound(batch.topic));
                continue;
            }
            head = heads.insert(batch.topic,
                                Head{headQuery.value(0).toLongLong(), headQuery.value(1).toLongLong(),
                                     headQuery.value(2).toLongLong()});
            headQuery.finish();
        }
        results.emplace_back(inserter.insert(batch, *head, nowMs));
    }
    QSqlQuery update = Storage::prepare(
        db,
        QStringLiteral("UPDATE topics SET next_offset = ?, event_count = ?, total_bytes = ? WHERE name = ?"));
    for (auto it = heads.cbegin(); it != heads.cend(); ++it) {
        update.bindValue(0, it->next);
        update.bindValue(1, it->count);
        update.bindValue(2, it->bytes);
        update.bindValue(3, it.key());
        Storage::exec(update, "cannot move the topic's head");
    }
    return results;
}

// PostgreSQL: publishers on several nodes append at once. The group first locks the rows of its
// topics (in byte order of their names, so two groups never wait on each other in a cycle) and
// reads their heads under the lock: another transaction appending to one of them waits until this
// one ends, then reads the head it left. Offsets are thus contiguous and never reused, and a group
// that rolls back leaves the head where it was. Four round trips whatever the group's size: the
// lock, one multi-row INSERT (literals escaped by the driver; QPSQL would run a prepared statement
// as PREPARE + EXECUTE + DEALLOCATE), one UPDATE of every head, and the commit.
Results appendPostgres(QSqlDatabase &db, const std::vector<EventsStore::Batch> &batches, qint64 nowMs)
{
    using StoreSupport::execText;
    using StoreSupport::literal;
    QStringList names;
    for (const EventsStore::Batch &batch : batches)
        if (!batch.events.isEmpty() && !names.contains(batch.topic))
            names << batch.topic;
    QHash<QString, Head> heads;
    QHash<QString, QString> quoted; // a topic's name as a literal
    if (!names.isEmpty()) {
        QStringList literals;
        for (const QString &name : std::as_const(names))
            literals << quoted.insert(name, literal(db, name)).value();
        QSqlQuery lock =
            execText(db,
                     QStringLiteral("SELECT name, next_offset, event_count, total_bytes FROM topics"
                                    " WHERE name IN (%1) ORDER BY name COLLATE \"C\" FOR UPDATE")
                         .arg(literals.join(QLatin1Char(','))),
                     "cannot lock the topics' heads");
        while (lock.next())
            heads.insert(
                lock.value(0).toString(),
                Head{lock.value(1).toLongLong(), lock.value(2).toLongLong(), lock.value(3).toLongLong()});
    }
    Results results;
    results.reserve(batches.size());
    QString insert;
    QByteArray body;
    const QString time = QString::number(nowMs);
    for (const EventsStore::Batch &batch : batches) {
        if (batch.events.isEmpty()) {
            results.emplace_back(QList<StoredEventPtr>());
            continue;
        }
        const auto head = heads.find(batch.topic);
        if (head == heads.end()) {
            results.emplace_back(topicNotFound(batch.topic));
            continue;
        }
        qint64 size = 0;
        QList<StoredEventPtr> stored = encodeBatch(batch, head->next, nowMs, body, size);
        const qint64 last = head->next + stored.size() - 1;
        insert += insert.isEmpty()
                      ? QStringLiteral("INSERT INTO event_batches (topic, first_offset, last_offset,"
                                       " time_ms, size, body) VALUES (")
                      : QStringLiteral(",(");
        insert += quoted.value(batch.topic) + QLatin1Char(',') + QString::number(head->next) +
                  QLatin1Char(',') + QString::number(last) + QLatin1Char(',') + time + QLatin1Char(',') +
                  QString::number(size) + QStringLiteral(",E'\\\\x") + QLatin1StringView(body.toHex()) +
                  QStringLiteral("')");
        head->next = last + 1;
        head->count += stored.size();
        head->bytes += size;
        results.emplace_back(std::move(stored));
    }
    if (insert.isEmpty())
        return results;
    execText(db, insert, "cannot append to the log");
    QStringList rows;
    for (auto it = heads.cbegin(); it != heads.cend(); ++it)
        rows << QLatin1Char('(') + quoted.value(it.key()) + QLatin1Char(',') + QString::number(it->next) +
                    QLatin1Char(',') + QString::number(it->count) + QLatin1Char(',') +
                    QString::number(it->bytes) + QLatin1Char(')');
    execText(db,
             QStringLiteral("UPDATE topics SET next_offset = v.nxt, event_count = v.cnt, total_bytes = v.byt"
                            " FROM (VALUES %1) AS v(name, nxt, cnt, byt) WHERE topics.name = v.name")
                 .arg(rows.join(QLatin1Char(','))),
             "cannot move the topics' heads");
    return results;
}

// Decodes the events of one batch row from `start` on, up to `limit` in `page` in all.
void decodeBatch(const QString &topic, qint64 first, qint64 timeMs, const QByteArray &body, qint64 start,
                 int limit, EventPage &page)
{
    QByteArrayView in(body);
    for (qint64 offset = first; !in.isEmpty() && page.events.size() < limit; ++offset) {
        QByteArrayView id, type, key, data, headers, requestId;
        if (!takeField(in, &id) || !takeField(in, &type) || !takeField(in, &key) || !takeField(in, &data) ||
            !takeField(in, &headers) || !takeField(in, &requestId))
            break; // a damaged row: stop rather than invent events
        if (offset < start)
            continue;
        auto e = std::make_shared<StoredEvent>();
        e->topic = topic;
        e->offset = offset;
        e->id = QString::fromLatin1(id.data(), id.size());
        e->timeMs = timeMs;
        e->type = QString::fromUtf8(type.data(), type.size());
        e->key = QString::fromUtf8(key.data(), key.size());
        e->data = data.toByteArray();
        e->headers = headers.toByteArray();
        e->requestId = QString::fromUtf8(requestId.data(), requestId.size());
        page.nextOffset = offset + 1;
        page.events << e;
    }
}

} // namespace

qint64 EventsStore::eventSize(const EventInput &e)
{
    return e.data.size() + e.headers.size() + e.type.size() + e.key.size();
}

bool EventsStore::createTopic(QSqlDatabase &db, const QString &name, Retention retention, qint64 nowMs,
                              bool system)
{
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral("INSERT INTO topics (name, max_age_seconds, max_bytes, created_at, system)"
                       " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"),
        {name, retention.maxAgeSeconds, retention.maxBytes, isoTime(nowMs), int(system)});
    return q.numRowsAffected() == 1;
}

bool EventsStore::markSystem(QSqlDatabase &db, const QString &name)
{
    return Storage::exec(db, QStringLiteral("UPDATE topics SET system = 1 WHERE name = ?"), {name})
               .numRowsAffected() == 1;
}

QList<TopicInfo> EventsStore::listTopics(QSqlDatabase &db, const Scope &scope)
{
    namespace Permissions = Storage::DocumentPermissions;
    QList<TopicInfo> out;
    // Byte order on both dialects (a PostgreSQL database may have another default collation); the
    // same order in which a group locks its topics, so retention's pass never waits on it in a cycle.
    const Permissions::Clause readable =
        Permissions::clause(ResourceType, QStringLiteral("topics.name"), Action::Read, scope);
    QSqlQuery q = Storage::prepare(
        db, QStringLiteral("SELECT %1 FROM topics WHERE %2 ORDER BY name%3")
                .arg(TopicColumns, readable.sql,
                     StoreSupport::isPostgres(db) ? QStringLiteral(" COLLATE \"C\"") : QString()));
    Permissions::bind(q, readable);
    Storage::exec(q, "cannot list the topics");
    while (q.next())
        out << topicFromQuery(q);
    const QHash<QString, QList<Permission>> permissions = Permissions::loadAll(db, ResourceType);
    for (TopicInfo &t : out)
        t.permissions = Permissions::print(permissions.value(t.name));
    return out;
}

std::optional<TopicInfo> EventsStore::topic(QSqlDatabase &db, const QString &name, const Scope &scope)
{
    namespace Permissions = Storage::DocumentPermissions;
    if (scope.everything) {
        QSqlQuery q = Storage::exec(
            db, QStringLiteral("SELECT %1 FROM topics WHERE name = ?").arg(TopicColumns), {name});
        if (!q.next())
            return std::nullopt;
        return topicFromQuery(q);
    }
    const Permissions::Clause readable =
        Permissions::clause(ResourceType, QStringLiteral("topics.name"), Action::Read, scope);
    QSqlQuery q = Storage::prepare(
        db, QStringLiteral("SELECT %1 FROM topics WHERE name = ? AND %2").arg(TopicColumns, readable.sql),
        {name});
    Permissions::bind(q, readable);
    Storage::exec(q, "cannot read the topic");
    if (!q.next())
        return std::nullopt;
    return topicFromQuery(q);
}

QStringList EventsStore::permissions(QSqlDatabase &db, const QString &name)
{
    return Storage::DocumentPermissions::print(Storage::DocumentPermissions::load(db, ResourceType, name));
}

std::optional<QList<EventsStore::Action>> EventsStore::access(QSqlDatabase &db, const QString &name,
                                                              const Scope &scope)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT 1 FROM topics WHERE name = ?"), {name});
    if (!q.next())
        return std::nullopt;
    return Storage::DocumentPermissions::heldActions(db, ResourceType, name, scope);
}

bool EventsStore::updateTopic(QSqlDatabase &db, const QString &name,
                              const std::optional<Retention> &retention,
                              const std::optional<QList<Permission>> &permissions)
{
    Storage::Transaction transaction(db);
    const bool exists =
        Storage::exec(
            db, QStringLiteral("SELECT 1 FROM topics WHERE name = ?%1").arg(StoreSupport::forUpdate(db)),
            {name})
            .next();
    if (!exists)
        return false;
    if (retention)
        Storage::exec(db,
                      QStringLiteral("UPDATE topics SET max_age_seconds = ?, max_bytes = ? WHERE name = ?"),
                      {retention->maxAgeSeconds, retention->maxBytes, name});
    if (permissions)
        Storage::DocumentPermissions::replaceInTransaction(db, ResourceType, name, *permissions);
    transaction.commit();
    return true;
}

void EventsStore::setPermissions(QSqlDatabase &db, const QString &name, const QList<Permission> &permissions)
{
    Storage::DocumentPermissions::replaceInTransaction(db, ResourceType, name, permissions);
}

bool EventsStore::deleteTopic(QSqlDatabase &db, const QString &name)
{
    Storage::Transaction transaction(db);
    for (const char *sql :
         {"DELETE FROM event_batches WHERE topic = ?", "DELETE FROM consumer_groups WHERE topic = ?",
          "DELETE FROM group_inflight WHERE topic = ?", "DELETE FROM group_lag WHERE topic = ?"})
        Storage::exec(db, QString::fromLatin1(sql), {name});
    Storage::DocumentPermissions::remove(db, ResourceType, name);
    const bool existed =
        Storage::exec(db, QStringLiteral("DELETE FROM topics WHERE name = ?"), {name}).numRowsAffected() == 1;
    if (!existed)
        return false; // the transaction rolls back: nothing changed
    transaction.commit();
    return true;
}

std::vector<Result<QList<StoredEventPtr>>>
EventsStore::appendInTransaction(QSqlDatabase &db, const std::vector<Batch> &batches, qint64 nowMs)
{
    return StoreSupport::isPostgres(db) ? appendPostgres(db, batches, nowMs)
                                        : appendSqlite(db, batches, nowMs);
}

std::vector<Result<QList<StoredEventPtr>>>
EventsStore::appendGroup(QSqlDatabase &db, const std::vector<Batch> &batches, qint64 nowMs)
{
    Storage::Transaction transaction(db);
    std::vector<Result<QList<StoredEventPtr>>> results = appendInTransaction(db, batches, nowMs);
    // With synchronous=FULL (SQLite) or synchronous_commit on (PostgreSQL) the commit returns only
    // once the log is durable: the point where the publish may be acknowledged.
    transaction.commit();
    return results;
}

std::optional<EventPage> EventsStore::read(QSqlDatabase &db, const QString &topicName, qint64 fromOffset,
                                           qint64 fromTimeMs, int limit, const Scope &scope)
{
    const auto info = topic(db, topicName, scope);
    if (!info)
        return std::nullopt;
    EventPage page;
    const bool byTime = fromTimeMs >= 0;
    const qint64 start = byTime ? info->firstOffset : qBound(info->firstOffset, fromOffset, info->nextOffset);
    page.nextOffset = byTime ? info->nextOffset : start;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    const QString sql = byTime ? QStringLiteral("SELECT first_offset, time_ms, body FROM event_batches"
                                                " WHERE topic = ? AND time_ms >= ? ORDER BY last_offset")
                               : QStringLiteral("SELECT first_offset, time_ms, body FROM event_batches"
                                                " WHERE topic = ? AND last_offset >= ? ORDER BY last_offset");
    if (!q.prepare(sql))
        throw StoreError("cannot prepare the log read");
    q.addBindValue(topicName);
    q.addBindValue(byTime ? fromTimeMs : start);
    Storage::exec(q, "cannot read the log");
    while (page.events.size() < limit && q.next())
        decodeBatch(topicName, q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toByteArray(),
                    start, limit, page);
    return page;
}

} // namespace Meshdeck::Events
