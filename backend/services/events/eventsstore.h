#pragma once

#include "eventtypes.h"

#include "storage/documentpermissions.h"

#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace Meshdeck::Events {

// Topics and the append-only log: the only code of the events service that sees their SQL.
// Follows the store contract (storage/store.h): database thread only, domain outcomes returned,
// every database failure thrown as Storage::StoreError.
//
// Topics carry document permissions (resource type "topic", id: the name). Functions that take a
// Scope apply it IN their query: a topic the scope may not read is not listed, not found and not
// read, exactly as if it did not exist. Scope::all() (the default) is the platform and full grants.
class EventsStore
{
public:
    using Scope = Storage::DocumentPermissions::Scope;
    using Permission = Storage::DocumentPermissions::Permission;
    using Action = Storage::DocumentPermissions::Action;
    static inline const QString ResourceType = QStringLiteral("topic");

    // False when a topic of that name exists already (it is left as it is).
    static bool createTopic(QSqlDatabase &db, const QString &name, Retention retention, qint64 nowMs,
                            bool system = false);
    // Marks an existing topic as the platform's own; false when there is no such topic.
    static bool markSystem(QSqlDatabase &db, const QString &name);
    // The topics `scope` may read, with their permissions.
    static QList<TopicInfo> listTopics(QSqlDatabase &db, const Scope &scope = Scope::all());
    // Without its permissions (see permissions()); nullopt when there is none `scope` may read.
    static std::optional<TopicInfo> topic(QSqlDatabase &db, const QString &name,
                                          const Scope &scope = Scope::all());
    static QStringList permissions(QSqlDatabase &db, const QString &name);
    // What `scope` may do with the topic (every action for Scope::all()); nullopt when there is no
    // such topic.
    static std::optional<QList<Action>> access(QSqlDatabase &db, const QString &name, const Scope &scope);
    // Changes retention and/or permissions in one transaction; false when there is no such topic.
    static bool updateTopic(QSqlDatabase &db, const QString &name, const std::optional<Retention> &retention,
                            const std::optional<QList<Permission>> &permissions);
    // Sets a new topic's permissions (inside the caller's transaction when it has one).
    static void setPermissions(QSqlDatabase &db, const QString &name, const QList<Permission> &permissions);
    // Removes the topic, its events, its consumer groups and its permissions; false when there is
    // no such topic.
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
    // nullopt when there is no such topic `scope` may read.
    static std::optional<EventPage> read(QSqlDatabase &db, const QString &topic, qint64 fromOffset,
                                         qint64 fromTimeMs, int limit, const Scope &scope = Scope::all());
};

} // namespace Meshdeck::Events
