#pragma once

#include "eventtypes.h"

#include "storage/migrations.h"

#include <QHash>
#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace Meshdeck::Events {

// The only code of the events service that sees SQL. Every function runs on the database thread
// with its connection; the service schedules them through Storage::Database::run().
class EventsStore
{
public:
    static std::vector<Storage::Migration> migrations();

    enum class CreateOutcome { Created, Exists, Failed };
    static CreateOutcome createTopic(QSqlDatabase &db, const QString &name, Retention retention,
                                     QString *error);
    static QList<TopicInfo> listTopics(QSqlDatabase &db);
    static std::optional<TopicInfo> topic(QSqlDatabase &db, const QString &name);
    static bool deleteTopic(QSqlDatabase &db, const QString &name, QString *error);

    // One batch of a group commit.
    struct Batch {
        QString topic;
        QList<EventInput> events;
        QString requestId;
    };
    struct BatchResult {
        int status = 0; // 201, 404 (no such topic) or 503 (storage failure)
        QString error;
        QList<StoredEventPtr> stored;
    };
    // Appends every batch in ONE transaction (group commit), with synchronous=FULL: when this
    // returns with status 201 the events are on disk. A storage failure fails every batch and
    // leaves nothing behind; a missing topic fails only its own batch.
    static std::vector<BatchResult> appendGroup(QSqlDatabase &db, const std::vector<Batch> &batches,
                                                qint64 nowMs);
    // The same inside a transaction the caller owns; returns a storage error (then roll back).
    static QString appendInTransaction(QSqlDatabase &db, const std::vector<Batch> &batches, qint64 nowMs,
                                       std::vector<BatchResult> *results);

    struct ReadResult {
        bool topicExists = false;
        QList<StoredEventPtr> events;
        qint64 nextOffset = 0; // where the next read continues
    };
    static ReadResult read(QSqlDatabase &db, const QString &topic, qint64 fromOffset, qint64 fromTimeMs,
                           int limit);

    // Consumer groups: a group reads a topic from its committed offset. Polled events are in
    // flight until committed; one not committed within its visibility timeout is delivered again,
    // and after `maxDeliveries` deliveries it moves to "<topic>.dlq" with the reason.
    struct Delivery {
        StoredEventPtr event;
        int attempt = 1;
    };
    struct PollResult {
        bool topicExists = false;
        QString error; // storage failure
        QList<Delivery> deliveries;
        QList<StoredEventPtr> deadLettered; // as stored in the .dlq topic
        qint64 committedOffset = 0;
        qint64 lag = 0;
    };
    static PollResult poll(QSqlDatabase &db, const QString &topic, const QString &group, int max,
                           qint64 visibilityMs, int maxDeliveries, qint64 nowMs);

    enum class CommitStatus { Committed, NoTopic, NoGroup, NotDelivered, Failed };
    struct CommitResult {
        CommitStatus status = CommitStatus::Failed;
        qint64 committedOffset = 0;
        qint64 nextOffset = 0;
        qint64 lag = 0;
        QString error;
    };
    static CommitResult commit(QSqlDatabase &db, const QString &topic, const QString &group, qint64 offset,
                               qint64 nowMs);

    struct GroupInfo {
        QString name;
        qint64 committedOffset = 0;
        qint64 nextOffset = 0;
        qint64 inFlight = 0;
        qint64 lag = 0;
        QString createdAt;
    };
    static QList<GroupInfo> groups(QSqlDatabase &db, const QString &topic);
    // (time ms, lag) points of one group since `sinceMs`, oldest first.
    static QList<std::pair<qint64, qint64>> lagHistory(QSqlDatabase &db, const QString &topic,
                                                       const QString &group, qint64 sinceMs);
    // Records every group's lag now and forgets points older than `keepMs`.
    static void sampleLag(QSqlDatabase &db, qint64 nowMs, qint64 keepMs);

    // Deletes at most `maxRows` expired events (by age or by size) in one short transaction and
    // returns how many went; call again while it returns maxRows.
    static int applyRetention(QSqlDatabase &db, qint64 nowMs, int maxRows);
};

} // namespace Meshdeck::Events
