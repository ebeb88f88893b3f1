#pragma once

#include "eventtypes.h"

#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace Meshdeck::Events {

// Topics and the append-only log: the only code of the events service that sees their SQL.
// Follows the store contract (storage/store.h): database thread only, domain outcomes returned,
// every database failure thrown as Storage::StoreError.
class EventsStore
{
public:
    // False when a topic of that name exists already (it is left as it is).
    static bool createTopic(QSqlDatabase &db, const QString &name, Retention retention, qint64 nowMs,
                            bool system = false);
    // Marks an existing topic as the platform's own; false when there is no such topic.
    static bool markSystem(QSqlDatabase &db, const QString &name);
    static QList<TopicInfo> listTopics(QSqlDatabase &db);
    static std::optional<TopicInfo> topic(QSqlDatabase &db, const QString &name);
    // Removes the topic, its events and its consumer groups; false when there is no such topic.
    static bool deleteTopic(QSqlDatabase &db, const QString &name);

    // One batch of a group commit.
    struct Batch {
        QString topic;
        QList<EventInput> events;
        QString requestId;
    };
    // Appends every batch in ONE transaction (group commit), with synchronous=FULL: when this
    // returns, the events are on disk. Per batch: its stored events, or NotFound for a missing
    // topic (which fails only its own batch). A storage failure throws and leaves nothing behind.
    static std::vector<Result<QList<StoredEventPtr>>>
    appendGroup(QSqlDatabase &db, const std::vector<Batch> &batches, qint64 nowMs);
    // The same inside a transaction the caller owns.
    static std::vector<Result<QList<StoredEventPtr>>>
    appendInTransaction(QSqlDatabase &db, const std::vector<Batch> &batches, qint64 nowMs);
    // The size an event counts for, in a topic's bytes and in the publish queue.
    static qint64 eventSize(const EventInput &event);

    // Events from `fromOffset`, or from the first at or after `fromTimeMs` when that is ≥ 0;
    // nullopt when there is no such topic.
    static std::optional<EventPage> read(QSqlDatabase &db, const QString &topic, qint64 fromOffset,
                                         qint64 fromTimeMs, int limit);
};

} // namespace Meshdeck::Events
