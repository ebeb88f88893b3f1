#include "eventsschema.h"

namespace Meshdeck::Events {

std::vector<Storage::Migration> schema()
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
        {3,
         QStringLiteral("webhooks"),
         // `local` is no longer read: whether webhooks may reach private addresses is a server setting.
         {QStringLiteral(
              "CREATE TABLE webhooks (id TEXT PRIMARY KEY, url TEXT NOT NULL, topics TEXT NOT NULL,"
              " types TEXT NOT NULL, secret TEXT NOT NULL, local INTEGER NOT NULL, enabled INTEGER NOT NULL,"
              " disabled_reason TEXT NOT NULL DEFAULT '', consecutive_failures INTEGER NOT NULL DEFAULT 0,"
              " created_at TEXT NOT NULL)"),
          QStringLiteral("CREATE TABLE webhook_cursors (webhook_id TEXT NOT NULL, topic TEXT NOT NULL,"
                         " next_offset INTEGER NOT NULL, attempt INTEGER NOT NULL DEFAULT 1,"
                         " next_attempt_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (webhook_id, topic))"),
          QStringLiteral(
              "CREATE TABLE webhook_deliveries (id INTEGER PRIMARY KEY, webhook_id TEXT NOT NULL,"
              " topic TEXT NOT NULL, event_offset INTEGER NOT NULL, event_id TEXT NOT NULL,"
              " attempt INTEGER NOT NULL, succeeded INTEGER NOT NULL, response_status INTEGER NOT NULL,"
              " latency_ms INTEGER NOT NULL, response_excerpt TEXT NOT NULL, error TEXT NOT NULL,"
              " time_ms INTEGER NOT NULL)"),
          QStringLiteral("CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id)")}},
        {4,
         QStringLiteral("system topics; the delivery log pruned by age; dead-letter topics' retention"),
         // Whether a topic is the platform's own is stored with it, not hard-coded by name. Webhook
         // secrets are sealed by the service at start (it needs the key), not here.
         {QStringLiteral("ALTER TABLE topics ADD COLUMN system INTEGER NOT NULL DEFAULT 0"),
          QStringLiteral("UPDATE topics SET system = 1 WHERE name IN ('audit', 'system')"),
          QStringLiteral("CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (time_ms)"),
          // Dead-letter topics of older versions were created with unlimited retention: give them
          // their source's, as new ones get.
          QStringLiteral(
              "UPDATE topics SET"
              " max_age_seconds = (SELECT s.max_age_seconds FROM topics s WHERE s.name || '.dlq' = "
              "topics.name),"
              " max_bytes = (SELECT s.max_bytes FROM topics s WHERE s.name || '.dlq' = topics.name)"
              " WHERE max_age_seconds = 0 AND max_bytes = 0"
              " AND EXISTS (SELECT 1 FROM topics s WHERE s.name || '.dlq' = topics.name)")}},
    };
}

} // namespace Meshdeck::Events
