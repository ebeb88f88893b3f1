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

    struct ReadResult {
        bool topicExists = false;
        QList<StoredEventPtr> events;
        qint64 nextOffset = 0; // where the next read continues
    };
    static ReadResult read(QSqlDatabase &db, const QString &topic, qint64 fromOffset, qint64 fromTimeMs,
                           int limit);

    // Deletes at most `maxRows` expired events (by age or by size) in one short transaction and
    // returns how many went; call again while it returns maxRows.
    static int applyRetention(QSqlDatabase &db, qint64 nowMs, int maxRows);
};

} // namespace Meshdeck::Events
