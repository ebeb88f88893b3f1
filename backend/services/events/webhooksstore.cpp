#include "webhooksstore.h"

#include "eventsstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
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

const QString Columns = QStringLiteral(
    "id, url, topics, types, secret, local, enabled, disabled_reason, consecutive_failures, created_at");

Webhook fromQuery(const QSqlQuery &q)
{
    Webhook w;
    w.id = q.value(0).toString();
    w.url = q.value(1).toString();
    w.topics = fromJsonList(q.value(2).toString());
    w.types = fromJsonList(q.value(3).toString());
    w.secret = q.value(4).toString().toUtf8();
    w.enabled = q.value(6).toBool();
    w.disabledReason = q.value(7).toString();
    w.consecutiveFailures = q.value(8).toInt();
    w.createdAt = q.value(9).toString();
    return w;
}
} // namespace

Storage::Migration WebhooksStore::migration()
{
    return {
        3,
        QStringLiteral("webhooks"),
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
         QStringLiteral("CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id)")}};
}

QString WebhooksStore::create(QSqlDatabase &db, const Webhook &w, QString *error)
{
    if (!db.transaction()) {
        *error = db.lastError().text();
        return {};
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO webhooks (%1) VALUES (?, ?, ?, ?, ?, ?, ?, '', 0, ?)")
                  .arg(QStringLiteral("id, url, topics, types, secret, local, enabled, disabled_reason, "
                                      "consecutive_failures, created_at")));
    q.addBindValue(w.id);
    q.addBindValue(w.url);
    q.addBindValue(toJsonList(w.topics));
    q.addBindValue(toJsonList(w.types));
    q.addBindValue(QString::fromUtf8(w.secret));
    q.addBindValue(false); // the retired per-webhook "local" flag; private targets are a server setting
    q.addBindValue(true);
    q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    if (!q.exec()) {
        *error = q.lastError().text();
        db.rollback();
        return {};
    }
    for (const QString &topic : w.topics) {
        const auto info = EventsStore::topic(db, topic);
        if (!info) {
            db.rollback();
            return topic;
        }
        QSqlQuery c(db);
        c.prepare(
            QStringLiteral("INSERT INTO webhook_cursors (webhook_id, topic, next_offset) VALUES (?, ?, ?)"));
        c.addBindValue(w.id);
        c.addBindValue(topic);
        c.addBindValue(info->nextOffset);
        if (!c.exec()) {
            *error = c.lastError().text();
            db.rollback();
            return {};
        }
    }
    if (!db.commit())
        *error = db.lastError().text();
    return {};
}

QList<Webhook> WebhooksStore::list(QSqlDatabase &db)
{
    QList<Webhook> out;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SELECT %1 FROM webhooks ORDER BY created_at").arg(Columns))) {
        while (q.next())
            out << fromQuery(q);
    }
    return out;
}

std::optional<Webhook> WebhooksStore::get(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM webhooks WHERE id = ?").arg(Columns));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return fromQuery(q);
}

bool WebhooksStore::remove(QSqlDatabase &db, const QString &id)
{
    bool ok = db.transaction();
    for (const char *sql :
         {"DELETE FROM webhook_cursors WHERE webhook_id = ?",
          "DELETE FROM webhook_deliveries WHERE webhook_id = ?", "DELETE FROM webhooks WHERE id = ?"}) {
        QSqlQuery q(db);
        ok = ok && q.prepare(QString::fromLatin1(sql));
        q.addBindValue(id);
        ok = ok && q.exec();
    }
    if (!ok || !db.commit()) {
        db.rollback();
        return false;
    }
    return true;
}

bool WebhooksStore::setEnabled(QSqlDatabase &db, const QString &id, bool enabled, const QString &reason)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE webhooks SET enabled = ?, disabled_reason = ?, consecutive_failures ="
                             " CASE WHEN ? THEN 0 ELSE consecutive_failures END WHERE id = ?"));
    q.addBindValue(enabled);
    q.addBindValue(enabled ? QStringLiteral("") : reason); // a null QString would bind NULL
    q.addBindValue(enabled);
    q.addBindValue(id);
    if (!q.exec() || q.numRowsAffected() != 1)
        return false;
    if (enabled) {
        // Retry at once, with fresh attempt counts.
        QSqlQuery c(db);
        c.prepare(QStringLiteral(
            "UPDATE webhook_cursors SET attempt = 1, next_attempt_ms = 0 WHERE webhook_id = ?"));
        c.addBindValue(id);
        c.exec();
    }
    return true;
}

QList<WebhookWork> WebhooksStore::due(QSqlDatabase &db, qint64 nowMs)
{
    QList<WebhookWork> out;
    for (const Webhook &w : list(db)) {
        if (!w.enabled)
            continue;
        QSqlQuery c(db);
        c.prepare(
            QStringLiteral("SELECT c.topic, c.next_offset, c.attempt FROM webhook_cursors c JOIN topics t"
                           " ON t.name = c.topic WHERE c.webhook_id = ? AND c.next_attempt_ms <= ?"
                           " AND c.next_offset < t.next_offset ORDER BY c.topic"));
        c.addBindValue(w.id);
        c.addBindValue(nowMs);
        if (!c.exec())
            continue;
        while (c.next()) {
            const QString topic = c.value(0).toString();
            qint64 offset = c.value(1).toLongLong();
            const int attempt = c.value(2).toInt();
            // Skip what the webhook does not want, then stop at the first event it does.
            StoredEventPtr wanted;
            for (int guard = 0; guard < 50 && !wanted; ++guard) {
                const EventsStore::ReadResult page = EventsStore::read(db, topic, offset, -1, 200);
                if (page.events.isEmpty())
                    break;
                for (const StoredEventPtr &e : page.events) {
                    if (w.types.isEmpty() || w.types.contains(e->type)) {
                        wanted = e;
                        break;
                    }
                    offset = e->offset + 1;
                }
            }
            QSqlQuery skip(db);
            skip.prepare(QStringLiteral(
                "UPDATE webhook_cursors SET next_offset = ? WHERE webhook_id = ? AND topic = ?"));
            skip.addBindValue(wanted ? wanted->offset : offset);
            skip.addBindValue(w.id);
            skip.addBindValue(topic);
            skip.exec();
            if (wanted) {
                out << WebhookWork{w, topic, wanted, attempt};
                break; // one delivery in flight per webhook keeps them in order
            }
        }
    }
    return out;
}

void WebhooksStore::recordAttempt(QSqlDatabase &db, const DeliveryRecord &r, qint64 retryAtMs,
                                  int maxFailures)
{
    if (!db.transaction())
        return;
    QSqlQuery log(db);
    log.prepare(
        QStringLiteral("INSERT INTO webhook_deliveries (webhook_id, topic, event_offset, event_id, attempt,"
                       " succeeded, response_status, latency_ms, response_excerpt, error, time_ms)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &v :
         {QVariant(r.webhookId), QVariant(r.topic), QVariant(r.offset), QVariant(r.eventId),
          QVariant(r.attempt), QVariant(r.succeeded), QVariant(r.responseStatus), QVariant(r.latencyMs),
          QVariant(r.responseExcerpt.isNull() ? QStringLiteral("") : r.responseExcerpt),
          QVariant(r.error.isNull() ? QStringLiteral("") : r.error), QVariant(r.timeMs)})
        log.addBindValue(v);
    bool ok = log.exec();
    if (r.offset >= 0) { // a real delivery moves the cursor; a test delivery does not
        QSqlQuery cursor(db);
        if (r.succeeded) {
            cursor.prepare(
                QStringLiteral("UPDATE webhook_cursors SET next_offset = ?, attempt = 1, next_attempt_ms = 0"
                               " WHERE webhook_id = ? AND topic = ?"));
            cursor.addBindValue(r.offset + 1);
        } else {
            cursor.prepare(
                QStringLiteral("UPDATE webhook_cursors SET attempt = attempt + 1, next_attempt_ms = ?"
                               " WHERE webhook_id = ? AND topic = ?"));
            cursor.addBindValue(retryAtMs);
        }
        cursor.addBindValue(r.webhookId);
        cursor.addBindValue(r.topic);
        ok = ok && cursor.exec();
        QSqlQuery hook(db);
        if (r.succeeded) {
            hook.prepare(QStringLiteral("UPDATE webhooks SET consecutive_failures = 0 WHERE id = ?"));
            hook.addBindValue(r.webhookId);
        } else {
            hook.prepare(
                QStringLiteral("UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,"
                               " enabled = CASE WHEN consecutive_failures + 1 >= ? THEN 0 ELSE enabled END,"
                               " disabled_reason = CASE WHEN consecutive_failures + 1 >= ? THEN ? ELSE "
                               "disabled_reason END WHERE id = ?"));
            hook.addBindValue(maxFailures);
            hook.addBindValue(maxFailures);
            hook.addBindValue(
                QStringLiteral(
                    "Disabled after %1 failed deliveries in a row; the last: %2. Fix the receiver, "
                    "then enable the webhook again.")
                    .arg(maxFailures)
                    .arg(r.error.isEmpty() ? QStringLiteral("HTTP %1").arg(r.responseStatus) : r.error));
            hook.addBindValue(r.webhookId);
        }
        ok = ok && hook.exec();
    }
    if (!ok || !db.commit())
        db.rollback();
}

QList<DeliveryRecord> WebhooksStore::deliveries(QSqlDatabase &db, const QString &webhookId, int limit)
{
    QList<DeliveryRecord> out;
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "SELECT id, topic, event_offset, event_id, attempt, succeeded, response_status, latency_ms,"
        " response_excerpt, error, time_ms FROM webhook_deliveries WHERE webhook_id = ?"
        " ORDER BY id DESC LIMIT ?"));
    q.addBindValue(webhookId);
    q.addBindValue(limit);
    if (!q.exec())
        return out;
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

} // namespace Meshdeck::Events
