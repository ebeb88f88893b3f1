#pragma once

#include "eventtypes.h"

#include <QSqlDatabase>

#include <optional>

namespace Meshdeck::Events {

// Consumer groups: a group reads a topic from its committed offset. Polled events are in flight
// until committed; one not committed within its visibility timeout is delivered again, and after
// `maxDeliveries` deliveries it moves to the topic's dead-letter topic with the reason. The only
// code that sees the groups' SQL; follows the store contract (storage/store.h).
class ConsumerGroupsStore
{
public:
    struct PollRequest {
        QString topic;
        QString group;
        int max = 100;
        qint64 visibilityMs = 30'000;
        int maxDeliveries = 5;
        qint64 nowMs = 0;
    };
    // nullopt when there is no such topic. A group polls for the first time from the oldest event kept.
    static std::optional<PollOutcome> poll(QSqlDatabase &db, const PollRequest &request);
    // Committing offset N acknowledges every event before N. NotFound for a missing topic or a
    // group that never polled; Conflict for an offset never delivered.
    static Result<CommitOutcome> commit(QSqlDatabase &db, const QString &topic, const QString &group,
                                        qint64 offset, qint64 nowMs);
    // nullopt when there is no such topic.
    static std::optional<QList<GroupInfo>> groups(QSqlDatabase &db, const QString &topic);
    // One group's lag since `sinceMs`, oldest first.
    static QList<LagPoint> lagHistory(QSqlDatabase &db, const QString &topic, const QString &group,
                                      qint64 sinceMs);
    // Records every group's lag now and forgets points older than `keepMs`.
    static void sampleLag(QSqlDatabase &db, qint64 nowMs, qint64 keepMs);
};

} // namespace Meshdeck::Events
