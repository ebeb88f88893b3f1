#include "auditstore.h"

#include "storage/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QStringList>

namespace Meshdeck::Audit::AuditStore {

namespace {

// Advisory-lock keys of the audit log (arbitrary but fixed): "mdaudins" serialises inserts across
// nodes, "mdaudret" lets one node sweep at a time.
constexpr qint64 InsertLockKey = 0x6d64617564696e73;
constexpr qint64 RetentionLockKey = 0x6d64617564726574;

constexpr int RowsPerStatement = 100;

const char *const Columns = "time_ms, actor, actor_name, action, method, path, route, resource, status,"
                            " outcome, source, request_id, before_json, after_json, detail";
constexpr int ColumnCount = 15;

bool isPostgres(const QSqlDatabase &db)
{
    return Storage::dialect(db) == Storage::Dialect::Postgres;
}

// A JSON value as text; SQL NULL for null (or undefined): "no state".
QVariant jsonText(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QVariant(QMetaType::fromType<QString>());
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

QJsonValue jsonValue(const QVariant &text)
{
    if (text.isNull())
        return QJsonValue::Null;
    const QJsonArray wrapped = QJsonDocument::fromJson('[' + text.toString().toUtf8() + ']').array();
    return wrapped.isEmpty() ? QJsonValue::Null : wrapped.first();
}

// Empty text is stored as SQL NULL (resource, detail: "none").
QVariant orNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

// NOT NULL text columns: a null QString would bind as SQL NULL.
QString orEmpty(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

QString selectColumns()
{
    return QStringLiteral("SELECT id, ") + QLatin1String(Columns) + QStringLiteral(" FROM audit_log");
}

AuditRecord recordFrom(const QSqlQuery &q)
{
    AuditRecord r;
    r.id = q.value(0).toLongLong();
    AuditEntry &e = r.entry;
    e.timeMs = q.value(1).toLongLong();
    e.actor = q.value(2).toString();
    e.actorName = q.value(3).toString();
    e.action = q.value(4).toString();
    e.method = q.value(5).toString().toLatin1();
    e.path = q.value(6).toString().toUtf8();
    e.route = q.value(7).toString().toUtf8();
    e.resource = q.value(8).toString();
    e.status = q.value(9).toInt();
    e.outcome = q.value(10).toString();
    e.source = q.value(11).toString().toLatin1();
    e.requestId = q.value(12).toString().toLatin1();
    e.before = jsonValue(q.value(13));
    e.after = jsonValue(q.value(14));
    e.detail = q.value(15).toString();
    return r;
}

QList<AuditRecord> records(QSqlQuery &q)
{
    QList<AuditRecord> out;
    while (q.next())
        out.append(recordFrom(q));
    return out;
}

void insertRows(QSqlDatabase &db, const std::vector<AuditEntry> &entries, size_t first, size_t count)
{
    QStringList rows;
    const QString row =
        QLatin1Char('(') + QStringLiteral("?, ").repeated(ColumnCount - 1) + QStringLiteral("?)");
    for (size_t i = 0; i < count; ++i)
        rows << row;
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("INSERT INTO audit_log (") + QLatin1String(Columns) +
                   QStringLiteral(") VALUES ") + rows.join(QStringLiteral(", "))))
        throw Storage::StoreError("cannot prepare the audit insert");
    for (size_t i = first; i < first + count; ++i) {
        const AuditEntry &e = entries[i];
        q.addBindValue(e.timeMs);
        q.addBindValue(orEmpty(e.actor));
        q.addBindValue(orEmpty(e.actorName));
        q.addBindValue(orEmpty(e.action));
        // Records from a service, not a request (a key's use, a failed sign-in's burst) have no
        // method, path, route or request id: empty, never NULL, or the whole queue stalls behind
        // one row the table refuses.
        q.addBindValue(orEmpty(QString::fromLatin1(e.method)));
        q.addBindValue(orEmpty(QString::fromUtf8(e.path)));
        q.addBindValue(orEmpty(QString::fromUtf8(e.route)));
        q.addBindValue(orNull(e.resource));
        q.addBindValue(e.status);
        q.addBindValue(orEmpty(e.outcome));
        q.addBindValue(orEmpty(QString::fromLatin1(e.source)));
        q.addBindValue(orEmpty(QString::fromLatin1(e.requestId)));
        q.addBindValue(jsonText(e.before));
        q.addBindValue(jsonText(e.after));
        q.addBindValue(orNull(e.detail));
    }
    Storage::exec(q, "cannot store audit records");
}

} // namespace

std::vector<Storage::Migration> migrations()
{
    const QString columns =
        QStringLiteral("time_ms BIGINT NOT NULL, actor TEXT NOT NULL, actor_name TEXT NOT NULL,"
                       " action TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, route TEXT NOT NULL,"
                       " resource TEXT, status INTEGER NOT NULL, outcome TEXT NOT NULL, source TEXT NOT NULL,"
                       " request_id TEXT NOT NULL, before_json TEXT, after_json TEXT, detail TEXT)");
    // AUTOINCREMENT: SQLite would otherwise reuse the ids of deleted rows once retention empties
    // the table, and cursors would point into the past.
    const QString sqliteTable =
        QStringLiteral("CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, ") + columns;
    const QString postgresTable =
        QStringLiteral("CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, ") + columns;
    // One index per filter, ending in id: "WHERE actor = ? AND id < ? ORDER BY id DESC" is a range.
    const QStringList indexes{
        QStringLiteral("CREATE INDEX audit_log_time ON audit_log (time_ms)"),
        QStringLiteral("CREATE INDEX audit_log_actor ON audit_log (actor, id)"),
        QStringLiteral("CREATE INDEX audit_log_action ON audit_log (action, id)"),
        QStringLiteral("CREATE INDEX audit_log_resource ON audit_log (resource, id)"),
        QStringLiteral("CREATE INDEX audit_log_outcome ON audit_log (outcome, id)"),
    };
    return {{1, QStringLiteral("the audit log"), QStringList{sqliteTable} + indexes,
             QStringList{postgresTable} + indexes}};
}

void insert(QSqlDatabase &db, const std::vector<AuditEntry> &entries)
{
    if (entries.empty())
        return;
    Storage::Transaction transaction(db);
    if (isPostgres(db)) // released at commit; nodes insert one after the other
        Storage::exec(db, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(InsertLockKey));
    for (size_t first = 0; first < entries.size(); first += RowsPerStatement)
        insertRows(db, entries, first, std::min<size_t>(RowsPerStatement, entries.size() - first));
    transaction.commit();
}

QList<AuditRecord> search(QSqlDatabase &db, const AuditFilter &filter)
{
    QStringList where;
    QVariantList values;
    const auto equal = [&](const char *column, const QString &value) {
        if (value.isEmpty())
            return;
        where << QLatin1String(column) + QStringLiteral(" = ?");
        values << value;
    };
    equal("actor", filter.actor);
    equal("action", filter.action);
    equal("outcome", filter.outcome);
    if (filter.resource.endsWith(QLatin1Char(':'))) {
        // A prefix, compared as text (LIKE would treat '%' and '_' in names as wildcards).
        where << QStringLiteral("substr(resource, 1, %1) = ?").arg(filter.resource.size());
        values << filter.resource;
    } else {
        equal("resource", filter.resource);
    }
    if (filter.fromMs) {
        where << QStringLiteral("time_ms >= CAST(? AS BIGINT)");
        values << *filter.fromMs;
    }
    if (filter.toMs) {
        where << QStringLiteral("time_ms < CAST(? AS BIGINT)");
        values << *filter.toMs;
    }
    if (filter.beforeId) {
        where << QStringLiteral("id < CAST(? AS BIGINT)");
        values << *filter.beforeId;
    }
    QString sql = selectColumns();
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY id DESC LIMIT %1").arg(qMax(1, filter.limit));
    QSqlQuery q(db);
    if (!q.prepare(sql))
        throw Storage::StoreError("cannot prepare the audit search");
    for (const QVariant &v : std::as_const(values))
        q.addBindValue(v);
    Storage::exec(q, "cannot search the audit log");
    return records(q);
}

QList<AuditRecord> after(QSqlDatabase &db, qint64 afterId, int limit)
{
    QSqlQuery q = Storage::exec(
        db, selectColumns() + QStringLiteral(" WHERE id > CAST(? AS BIGINT) ORDER BY id LIMIT %1").arg(limit),
        {afterId});
    return records(q);
}

qint64 lastId(QSqlDatabase &db)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM audit_log"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

int expire(QSqlDatabase &db, qint64 cutoffMs, int limit, bool *skipped)
{
    if (skipped)
        *skipped = false;
    Storage::Transaction transaction(db);
    if (isPostgres(db)) {
        QSqlQuery locked =
            Storage::exec(db, QStringLiteral("SELECT pg_try_advisory_xact_lock(%1)").arg(RetentionLockKey));
        if (!locked.next() || !locked.value(0).toBool()) {
            if (skipped)
                *skipped = true;
            return 0;
        }
    }
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral(
            "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE time_ms < CAST(? AS "
            "BIGINT) ORDER BY id LIMIT %1)")
            .arg(limit),
        {cutoffMs});
    const int deleted = q.numRowsAffected();
    transaction.commit();
    return deleted;
}

} // namespace Meshdeck::Audit::AuditStore
