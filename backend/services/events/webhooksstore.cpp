#include "webhooksstore.h"

#include "platform/clock.h"

#include "eventsstore.h"
#include "storesupport.h"

#include "storage/store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace Meshdeck::Events {

namespace {
QString toJsonList(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList fromJsonList(const QString &text)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
        out << v.toString();
    return out;
}

// `local` (retired) is not read: whether webhooks may reach private addresses is a server setting.
const QString Columns = QStringLiteral(
    "id, url, topics, types, secret, enabled, disabled_reason, consecutive_failures, created_at");

Webhook fromQuery(const QSqlQuery &q)
{
    Webhook w;
    w.id = q.value(0).toString();
    w.url = q.value(1).toString();
    w.topics = fromJsonList(q.value(2).toString());
    w.types = fromJsonList(q.value(3).toString());
    w.sealedSecret = q.value(4).toString().toUtf8();
    w.enabled = q.value(5).toBool();
    w.disabledReason = q.value(6).toString();
    w.consecutiveFailures = q.value(7).toInt();
    w.createdAt = q.value(8).toString();
    return w;
}

QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s; // a null QString would bind NULL
}

// The first event at or after `offset` that the webhook wants, skipping (a bounded number of)
// the others; `offset` ends where the skipping stopped.
StoredEventPtr nextWanted(QSqlDatabase &db, const Webhook &w, const QString &topic, qint64 &offset)
{
    for (int guard = 0; guard < 50; ++guard) {
        const auto page = EventsStore::read(db, topic, offset, -1, 200);
        if (!page || page->events.isEmpty())
            return nullptr;
        for (const StoredEventPtr &e : page->events) {
            if (w.types.isEmpty() || w.types.contains(e->type))
                return e;
            offset = e->offset + 1;
        }
    }
    return nullptr;
}

void insertLogEntry(QSqlDatabase &db, const DeliveryRecord &r)
{
    Storage::exec(
        db,
        QStringLiteral("INSERT INTO webhook_deliveries (webhook_id, topic, event_offset, event_id, attempt,"
                       " succeeded, response_status, latency_ms, response_excerpt, error, time_ms)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {r.webhookId, text(r.topic), r.offset, text(r.eventId), r.attempt, int(r.succeeded), r.responseStatus,
         r.latencyMs, text(r.responseExcerpt), text(r.error), r.timeMs});
}

bool exists(QSqlDatabase &db, const QString &id)
{
    return Storage::exec(db, QStringLiteral("SELECT 1 FROM webhooks WHERE id = ?"), {id}).next();
}

void moveCursor(QSqlDatabase &db, const DeliveryRecord &r, qint64 retryAtMs)
{
    if (r.succeeded)
        Storage::exec(
            db,
            QStringLiteral("UPDATE webhook_cursors SET next_offset = ?, attempt = 1, next_attempt_ms = 0"
                           " WHERE webhook_id = ? AND topic = ?"),
            {r.offset + 1, r.webhookId, r.topic});
    else
        Storage::exec(db,
                      QStringLiteral("UPDATE webhook_cursors SET attempt = attempt + 1, next_attempt_ms = ?"
                                     " WHERE webhook_id = ? AND topic = ?"),
                      {retryAtMs, r.webhookId, r.topic});
}

void countOutcome(QSqlDatabase &db, const DeliveryRecord &r, int maxFailures)
{
    if (r.succeeded) {
        Storage::exec(db, QStringLiteral("UPDATE webhooks SET consecutive_failures = 0 WHERE id = ?"),
                      {r.webhookId});
        return;
    }
    const QString reason =
        QStringLiteral(
            "Disabled after %1 failed deliveries in a row; the last: %2. Fix the receiver, then enable "
            "the webhook again.")
            .arg(maxFailures)
            .arg(r.error.isEmpty() ? QStringLiteral("HTTP %1").arg(r.responseStatus) : r.error);
    Storage::exec(db,
                  QStringLiteral("UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,"
                                 " enabled = CASE WHEN consecutive_failures + 1 >= ? THEN 0 ELSE enabled END,"
                                 " disabled_reason = CASE WHEN consecutive_failures + 1 >= ? THEN ? ELSE"
                                 " disabled_reason END WHERE id = ?"),
                  {maxFailures, maxFailures, reason, r.webhookId});
}
} // namespace

Result<Webhook> WebhooksStore::create(QSqlDatabase &db, const Webhook &w, qint64 nowMs)
{
    Storage::Transaction transaction(db);
    Storage::exec(db,
                  QStringLiteral(
                      "INSERT INTO webhooks (id, url, topics, types, secret, local, enabled, disabled_reason,"
                      " consecutive_failures, created_at) VALUES (?, ?, ?, ?, ?, 0, 1, '', 0, ?)"),
                  {w.id, w.url, toJsonList(w.topics), toJsonList(w.types), QString::fromUtf8(w.sealedSecret),
                   isoTime(nowMs)});
    QSqlQuery cursor = Storage::prepare(
        db, QStringLiteral("INSERT INTO webhook_cursors (webhook_id, topic, next_offset) VALUES (?, ?, ?)"));
    for (const QString &topic : w.topics) {
        const auto info = EventsStore::topic(db, topic);
        if (!info)
            return Error::notFound(QStringLiteral("There is no topic '%1' to deliver from.").arg(topic),
                                   "topic-not-found");
        cursor.bindValue(0, w.id);
        cursor.bindValue(1, topic);
        cursor.bindValue(2, info->nextOffset);
        Storage::exec(cursor, "cannot create the webhook's cursor");
    }
    std::optional<Webhook> stored = get(db, w.id);
    transaction.commit();
    return *stored;
}

QList<Webhook> WebhooksStore::list(QSqlDatabase &db)
{
    QList<Webhook> out;
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT %1 FROM webhooks ORDER BY created_at, id").arg(Columns));
    while (q.next())
        out << fromQuery(q);
    return out;
}

std::optional<Webhook> WebhooksStore::get(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT %1 FROM webhooks WHERE id = ?").arg(Columns), {id});
    if (!q.next())
        return std::nullopt;
    return fromQuery(q);
}

bool WebhooksStore::remove(QSqlDatabase &db, const QString &id)
{
    Storage::Transaction transaction(db);
    Storage::exec(db, QStringLiteral("DELETE FROM webhook_cursors WHERE webhook_id = ?"), {id});
    Storage::exec(db, QStringLiteral("DELETE FROM webhook_deliveries WHERE webhook_id = ?"), {id});
    if (Storage::exec(db, QStringLiteral("DELETE FROM webhooks WHERE id = ?"), {id}).numRowsAffected() != 1)
        return false;
    transaction.commit();
    return true;
}

std::optional<Webhook> WebhooksStore::setEnabled(QSqlDatabase &db, const QString &id, bool enabled,
                                                 const QString &reason)
{
    Storage::Transaction transaction(db);
    const QSqlQuery changed = Storage::exec(
        db,
        QStringLiteral("UPDATE webhooks SET enabled = ?, disabled_reason = ?, consecutive_failures ="
                       " CASE WHEN ? = 1 THEN 0 ELSE consecutive_failures END WHERE id = ?"),
        {int(enabled), enabled ? QStringLiteral("") : text(reason), int(enabled), id});
    if (changed.numRowsAffected() != 1)
        return std::nullopt;
    if (enabled) // retry at once, with fresh attempt counts
        Storage::exec(db,
                      QStringLiteral(
                          "UPDATE webhook_cursors SET attempt = 1, next_attempt_ms = 0 WHERE webhook_id = ?"),
                      {id});
    std::optional<Webhook> stored = get(db, id);
    transaction.commit();
    return stored;
}

QList<WebhookWork> WebhooksStore::due(QSqlDatabase &db, qint64 nowMs, const QString &nodeId, qint64 leaseMs)
{
    QList<WebhookWork> out;
    const std::optional<QSet<QString>> claimed = claim(db, nowMs, nodeId, leaseMs);
    QSqlQuery skip = Storage::prepare(
        db, QStringLiteral("UPDATE webhook_cursors SET next_offset = ? WHERE webhook_id = ? AND topic = ?"));
    for (const Webhook &w : list(db)) {
        if (!w.enabled || (claimed && !claimed->contains(w.id)))
            continue;
        QSqlQuery c = Storage::exec(
            db,
            QStringLiteral("SELECT c.topic, c.next_offset, c.attempt FROM webhook_cursors c JOIN topics t"
                           " ON t.name = c.topic WHERE c.webhook_id = ? AND c.next_attempt_ms <= ?"
                           " AND c.next_offset < t.next_offset ORDER BY c.topic"),
            {w.id, nowMs});
        while (c.next()) {
            const QString topic = c.value(0).toString();
            qint64 offset = c.value(1).toLongLong();
            const StoredEventPtr wanted = nextWanted(db, w, topic, offset);
            skip.bindValue(0, wanted ? wanted->offset : offset);
            skip.bindValue(1, w.id);
            skip.bindValue(2, topic);
            Storage::exec(skip, "cannot move the webhook's cursor");
            if (wanted) {
                out << WebhookWork{w, topic, wanted, c.value(2).toInt()};
                break; // one delivery in flight per webhook keeps them in order
            }
        }
    }
    return out;
}

std::optional<QSet<QString>> WebhooksStore::claim(QSqlDatabase &db, qint64 nowMs, const QString &nodeId,
                                                  qint64 leaseMs)
{
    if (!StoreSupport::isPostgres(db))
        return std::nullopt; // one node, one dispatcher: every webhook is its own
    const QString node = nodeId.isEmpty() ? QStringLiteral("local") : nodeId;
    // Takes the lapsed claims and renews this node's own once half their lease is gone (not at every
    // look: each renewal is a durable write). One statement: a row another node claimed meanwhile is
    // re-checked after that node's transaction ends (READ COMMITTED), so two nodes never both take
    // the same lapsed claim.
    Storage::exec(db,
                  QStringLiteral("UPDATE webhooks SET claimed_by = ?, claimed_until = ? WHERE enabled = 1"
                                 " AND (claimed_until <= ? OR (claimed_by = ? AND claimed_until < ?))"),
                  {node, nowMs + leaseMs, nowMs, node, nowMs + leaseMs / 2});
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral("SELECT id FROM webhooks WHERE enabled = 1 AND claimed_by = ? AND claimed_until > ?"),
        {node, nowMs});
    QSet<QString> ids;
    while (q.next())
        ids.insert(q.value(0).toString());
    return ids;
}

int WebhooksStore::releaseClaims(QSqlDatabase &db, const QString &nodeId)
{
    if (!StoreSupport::isPostgres(db))
        return 0;
    const QString node = nodeId.isEmpty() ? QStringLiteral("local") : nodeId;
    return Storage::exec(db, QStringLiteral("UPDATE webhooks SET claimed_until = 0 WHERE claimed_by = ?"),
                         {node})
        .numRowsAffected();
}

bool WebhooksStore::recordAttempt(QSqlDatabase &db, const DeliveryRecord &r, qint64 retryAtMs,
                                  int maxFailures)
{
    Storage::Transaction transaction(db);
    if (!exists(db, r.webhookId))
        return false; // deleted while the delivery was in flight
    insertLogEntry(db, r);
    moveCursor(db, r, retryAtMs);
    countOutcome(db, r, maxFailures);
    transaction.commit();
    return true;
}

bool WebhooksStore::recordTest(QSqlDatabase &db, const DeliveryRecord &r)
{
    Storage::Transaction transaction(db);
    if (!exists(db, r.webhookId))
        return false;
    insertLogEntry(db, r);
    transaction.commit();
    return true;
}

std::optional<QList<DeliveryRecord>> WebhooksStore::deliveries(QSqlDatabase &db, const QString &webhookId,
                                                               int limit)
{
    if (!exists(db, webhookId))
        return std::nullopt;
    QList<DeliveryRecord> out;
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral(
            "SELECT id, topic, event_offset, event_id, attempt, succeeded, response_status, latency_ms,"
            " response_excerpt, error, time_ms FROM webhook_deliveries WHERE webhook_id = ?"
            " ORDER BY id DESC LIMIT ?"),
        {webhookId, limit});
    while (q.next()) {
        DeliveryRecord r;
        r.id = q.value(0).toLongLong();
        r.webhookId = webhookId;
        r.topic = q.value(1).toString();
        r.offset = q.value(2).toLongLong();
        r.eventId = q.value(3).toString();
        r.attempt = q.value(4).toInt();
        r.succeeded = q.value(5).toBool();
        r.responseStatus = q.value(6).toInt();
        r.latencyMs = q.value(7).toLongLong();
        r.responseExcerpt = q.value(8).toString();
        r.error = q.value(9).toString();
        r.timeMs = q.value(10).toLongLong();
        out << r;
    }
    return out;
}

int WebhooksStore::pruneDeliveries(QSqlDatabase &db, int keepPerWebhook, qint64 olderThanMs)
{
    Storage::Transaction transaction(db);
    int removed =
        Storage::exec(db, QStringLiteral("DELETE FROM webhook_deliveries WHERE time_ms < ?"), {olderThanMs})
            .numRowsAffected();
    // Per webhook: everything at or below the id of its (keep+1)-th newest entry.
    QSqlQuery over =
        Storage::exec(db,
                      QStringLiteral("SELECT webhook_id FROM webhook_deliveries GROUP BY webhook_id"
                                     " HAVING COUNT(*) > ?"),
                      {keepPerWebhook});
    QStringList ids;
    while (over.next())
        ids << over.value(0).toString();
    for (const QString &id : ids) {
        removed +=
            Storage::exec(
                db,
                QStringLiteral("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND id <= (SELECT id"
                               " FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC"
                               " LIMIT 1 OFFSET ?)"),
                {id, id, keepPerWebhook})
                .numRowsAffected();
    }
    transaction.commit();
    return removed;
}

QList<std::pair<QString, QByteArray>> WebhooksStore::storedSecrets(QSqlDatabase &db)
{
    QList<std::pair<QString, QByteArray>> out;
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT id, secret FROM webhooks ORDER BY id"));
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString().toUtf8()});
    return out;
}

void WebhooksStore::replaceSecrets(QSqlDatabase &db, const QList<std::pair<QString, QByteArray>> &sealed)
{
    if (sealed.isEmpty())
        return;
    const bool sqlite = Storage::dialect(db) == Storage::Dialect::Sqlite;
    // SQLite leaves the bytes of a rewritten value in free space and in the WAL: zero freed space
    // while the plaintext goes, then fold the WAL back so no old page survives.
    if (sqlite)
        Storage::exec(db, QStringLiteral("PRAGMA secure_delete = ON"));
    {
        Storage::Transaction transaction(db);
        for (const auto &[id, secret] : sealed)
            Storage::exec(db, QStringLiteral("UPDATE webhooks SET secret = ? WHERE id = ?"),
                          {QString::fromUtf8(secret), id});
        transaction.commit();
    }
    if (sqlite) {
        Storage::exec(db, QStringLiteral("PRAGMA secure_delete = OFF"));
        Storage::exec(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
}

} // namespace Meshdeck::Events
