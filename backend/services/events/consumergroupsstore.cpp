#include "consumergroupsstore.h"

#include "platform/clock.h"

#include "eventsstore.h"
#include "storesupport.h"

#include "storage/store.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlQuery>

namespace Meshdeck::Events {

using Request = ConsumerGroupsStore::PollRequest;

namespace {

// Where a group is in its topic.
struct Position {
    qint64 committed = 0;
    qint64 next = 0;
};

// The group's position, created at the oldest kept event on its first poll. Retention may have
// removed events the group never read: it continues at the oldest one kept. The group's row stays
// locked until the transaction ends (PostgreSQL), so polls and commits of one group on several
// nodes take turns: no two of them hand out the same in-flight event.
Position loadOrCreatePosition(QSqlDatabase &db, const Request &r, const TopicInfo &topic)
{
    Position p{topic.firstOffset, topic.firstOffset};
    Storage::exec(db,
                  QStringLiteral("INSERT INTO consumer_groups (topic, name, committed_offset, next_offset,"
                                 " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (topic, name) DO NOTHING"),
                  {r.topic, r.group, p.committed, p.next, isoTime(r.nowMs)});
    QSqlQuery q = Storage::exec(db,
                                QStringLiteral("SELECT committed_offset, next_offset FROM consumer_groups"
                                               " WHERE topic = ? AND name = ?") +
                                    StoreSupport::forUpdate(db),
                                {r.topic, r.group});
    if (!q.next())
        throw Storage::StoreError("the consumer group vanished while it was polled");
    p.committed = qMax(q.value(0).toLongLong(), topic.firstOffset);
    p.next = qMax(q.value(1).toLongLong(), topic.firstOffset);
    return p;
}

// The event as it goes to the dead-letter topic: the same type, key and data, and headers that say
// where it came from and why.
EventInput deadLetterInput(const StoredEvent &e, const Request &r, int attempts)
{
    QJsonObject headers = QJsonDocument::fromJson(e.headers).object();
    headers.insert(
        QStringLiteral("meshdeck-dlq-reason"),
        QStringLiteral("not committed by group '%1' after %2 deliveries").arg(r.group).arg(attempts));
    headers.insert(QStringLiteral("meshdeck-original-topic"), r.topic);
    headers.insert(QStringLiteral("meshdeck-original-offset"), QString::number(e.offset));
    headers.insert(QStringLiteral("meshdeck-original-id"), e.id);
    return EventInput{e.type, e.key, e.data, QJsonDocument(headers).toJson(QJsonDocument::Compact)};
}

StoredEventPtr eventAt(QSqlDatabase &db, const QString &topic, qint64 offset)
{
    const auto one = EventsStore::read(db, topic, offset, -1, 1);
    if (!one || one->events.isEmpty() || one->events.first()->offset != offset)
        return nullptr; // removed by retention meanwhile
    return one->events.first();
}

// Events whose visibility timeout passed: delivered again, or, after maxDeliveries, taken out of
// flight and returned as dead letters.
QList<EventInput> redeliverExpired(QSqlDatabase &db, const Request &r, QList<GroupDelivery> &deliveries)
{
    QSqlQuery expired = Storage::exec(
        db,
        QStringLiteral("SELECT event_offset, attempts FROM group_inflight WHERE topic = ? AND name = ?"
                       " AND deadline_ms <= ? ORDER BY event_offset LIMIT ?"),
        {r.topic, r.group, r.nowMs, r.max});
    QList<std::pair<qint64, int>> due;
    while (expired.next())
        due.append({expired.value(0).toLongLong(), expired.value(1).toInt()});
    expired.finish();

    QList<EventInput> deadLetters;
    for (const auto &[offset, attempts] : due) {
        const StoredEventPtr event = eventAt(db, r.topic, offset);
        if (!event || attempts >= r.maxDeliveries) {
            Storage::exec(db,
                          QStringLiteral(
                              "DELETE FROM group_inflight WHERE topic = ? AND name = ? AND event_offset = ?"),
                          {r.topic, r.group, offset});
            if (event)
                deadLetters << deadLetterInput(*event, r, attempts);
            continue;
        }
        Storage::exec(db,
                      QStringLiteral("UPDATE group_inflight SET deadline_ms = ?, attempts = attempts + 1"
                                     " WHERE topic = ? AND name = ? AND event_offset = ?"),
                      {r.nowMs + r.visibilityMs, r.topic, r.group, offset});
        deliveries.append(GroupDelivery{event, attempts + 1});
    }
    return deadLetters;
}

// New events after the group's position, up to `max` deliveries in all, put in flight.
void deliverNew(QSqlDatabase &db, const Request &r, Position &position, QList<GroupDelivery> &deliveries)
{
    const int remaining = r.max - int(deliveries.size());
    if (remaining <= 0)
        return;
    const auto page = EventsStore::read(db, r.topic, position.next, -1, remaining);
    if (!page || page->events.isEmpty())
        return;
    QSqlQuery inflight = Storage::prepare(
        db, QStringLiteral("INSERT INTO group_inflight (topic, name, event_offset, deadline_ms, attempts)"
                           " VALUES (?, ?, ?, ?, 1)"));
    for (const StoredEventPtr &e : page->events) {
        inflight.bindValue(0, r.topic);
        inflight.bindValue(1, r.group);
        inflight.bindValue(2, e->offset);
        inflight.bindValue(3, r.nowMs + r.visibilityMs);
        Storage::exec(inflight, "cannot put an event in flight");
        deliveries.append(GroupDelivery{e, 1});
    }
    position.next = page->nextOffset;
}

// Dead letters go to the source's dead-letter topic, created on first use with a valid name and
// the source's retention: it keeps what it holds as long as the source would have.
QList<StoredEventPtr> deadLetter(QSqlDatabase &db, const TopicInfo &source, const QList<EventInput> &events,
                                 qint64 nowMs, QString *topicOut)
{
    const QString dlq = deadLetterTopicName(source.name);
    EventsStore::createTopic(db, dlq, source.retention, nowMs);
    auto stored = EventsStore::appendInTransaction(db, {EventsStore::Batch{dlq, events, {}}}, nowMs);
    if (!stored.front())
        throw Storage::StoreError("the dead-letter topic vanished while it was written");
    *topicOut = dlq;
    return stored.front().value();
}

void recordLag(QSqlDatabase &db, const QString &topic, const QString &group, qint64 nowMs, qint64 lag)
{
    Storage::exec(db, QStringLiteral("INSERT INTO group_lag (topic, name, time_ms, lag) VALUES (?, ?, ?, ?)"),
                  {topic, group, nowMs, lag});
}

} // namespace

std::optional<PollOutcome> ConsumerGroupsStore::poll(QSqlDatabase &db, const PollRequest &r)
{
    const auto info = EventsStore::topic(db, r.topic);
    if (!info)
        return std::nullopt;
    Storage::Transaction transaction(db);
    Position position = loadOrCreatePosition(db, r, *info);
    PollOutcome outcome;
    const QList<EventInput> deadLetters = redeliverExpired(db, r, outcome.deliveries);
    deliverNew(db, r, position, outcome.deliveries);
    Storage::exec(db,
                  QStringLiteral("UPDATE consumer_groups SET committed_offset = ?, next_offset = ?"
                                 " WHERE topic = ? AND name = ?"),
                  {position.committed, position.next, r.topic, r.group});
    if (!deadLetters.isEmpty())
        outcome.deadLettered = deadLetter(db, *info, deadLetters, r.nowMs, &outcome.deadLetterTopic);
    transaction.commit();
    outcome.committedOffset = position.committed;
    outcome.lag = info->nextOffset - position.committed;
    return outcome;
}

Result<CommitOutcome> ConsumerGroupsStore::commit(QSqlDatabase &db, const QString &topicName,
                                                  const QString &group, qint64 offset, qint64 nowMs)
{
    const auto info = EventsStore::topic(db, topicName);
    if (!info)
        return Error::notFound(QStringLiteral("There is no topic '%1'.").arg(topicName), "topic-not-found");
    // The group's row is locked (PostgreSQL) until the commit ends: a poll or commit on another node
    // waits, so the committed offset never moves back.
    Storage::Transaction transaction(db);
    QSqlQuery q = Storage::exec(db,
                                QStringLiteral("SELECT committed_offset, next_offset FROM consumer_groups"
                                               " WHERE topic = ? AND name = ?") +
                                    StoreSupport::forUpdate(db),
                                {topicName, group});
    if (!q.next())
        return Error::notFound(
            QStringLiteral("The group '%1' has not polled topic '%2' yet; poll first.").arg(group, topicName),
            "group-not-found");
    CommitOutcome outcome{q.value(0).toLongLong(), 0};
    const qint64 next = q.value(1).toLongLong();
    q.finish();
    if (offset > next)
        return Error::conflict(
            QStringLiteral("Offset %1 was never delivered to group '%2'; the next undelivered offset is %3.")
                .arg(offset)
                .arg(group)
                .arg(next),
            "offset-not-delivered");
    if (offset > outcome.committedOffset) {
        Storage::exec(
            db,
            QStringLiteral("DELETE FROM group_inflight WHERE topic = ? AND name = ? AND event_offset < ?"),
            {topicName, group, offset});
        Storage::exec(
            db,
            QStringLiteral("UPDATE consumer_groups SET committed_offset = ? WHERE topic = ? AND name = ?"),
            {offset, topicName, group});
        outcome.committedOffset = offset;
    }
    outcome.lag = info->nextOffset - outcome.committedOffset;
    recordLag(db, topicName, group, nowMs, outcome.lag);
    transaction.commit();
    return outcome;
}

std::optional<QList<GroupInfo>> ConsumerGroupsStore::groups(QSqlDatabase &db, const QString &topicName)
{
    const auto info = EventsStore::topic(db, topicName);
    if (!info)
        return std::nullopt;
    QList<GroupInfo> out;
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral("SELECT g.name, g.committed_offset, g.next_offset, g.created_at,"
                       " (SELECT COUNT(*) FROM group_inflight i WHERE i.topic = g.topic AND i.name = g.name)"
                       " FROM consumer_groups g WHERE g.topic = ? ORDER BY g.name"),
        {topicName});
    while (q.next()) {
        GroupInfo g;
        g.name = q.value(0).toString();
        g.committedOffset = q.value(1).toLongLong();
        g.nextOffset = q.value(2).toLongLong();
        g.createdAt = q.value(3).toString();
        g.inFlight = q.value(4).toLongLong();
        g.lag = qMax<qint64>(0, info->nextOffset - g.committedOffset);
        out << g;
    }
    return out;
}

QList<LagPoint> ConsumerGroupsStore::lagHistory(QSqlDatabase &db, const QString &topicName,
                                                const QString &group, qint64 sinceMs)
{
    QList<LagPoint> out;
    QSqlQuery q =
        Storage::exec(db,
                      QStringLiteral("SELECT time_ms, lag FROM group_lag WHERE topic = ? AND name = ?"
                                     " AND time_ms >= ? ORDER BY time_ms LIMIT 10000"),
                      {topicName, group, sinceMs});
    while (q.next())
        out.append(LagPoint{q.value(0).toLongLong(), q.value(1).toLongLong()});
    return out;
}

void ConsumerGroupsStore::sampleLag(QSqlDatabase &db, qint64 nowMs, qint64 keepMs)
{
    Storage::Transaction transaction(db);
    Storage::exec(
        db,
        QStringLiteral(
            "INSERT INTO group_lag (topic, name, time_ms, lag) SELECT g.topic, g.name, CAST(? AS BIGINT),"
            " CASE WHEN t.next_offset > g.committed_offset THEN t.next_offset - g.committed_offset ELSE 0 END"
            " FROM consumer_groups g"
            " JOIN topics t ON t.name = g.topic"),
        {nowMs});
    Storage::exec(db, QStringLiteral("DELETE FROM group_lag WHERE time_ms < ?"), {nowMs - keepMs});
    transaction.commit();
}

} // namespace Meshdeck::Events
