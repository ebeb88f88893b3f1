#include "registrystore.h"

#include "storage/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlQuery>
#include <QVariant>

namespace Meshdeck::Registry::RegistryStore {

namespace {
void insertHistory(QSqlDatabase &db, const QString &id, const QString &service, const HistoryEntry &e)
{
    Storage::exec(db,
                  QStringLiteral("INSERT INTO registry_history (instance_id, service, time_ms, from_status, "
                                 "to_status, reason) VALUES (?, ?, ?, ?, ?, ?)"),
                  {id, service, e.timeMs, statusName(e.from), statusName(e.to),
                   e.reason.isNull() ? QStringLiteral("") : e.reason});
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
} // namespace

RevisionConflict::RevisionConflict()
    : Storage::StoreError("another node changed the instance at the same time")
{}

std::vector<Storage::Migration> migrations()
{
    // The same tables on both dialects; PostgreSQL spells the auto-increment and 64-bit columns.
    const auto instances = [](const char *bigint) {
        return QStringLiteral("CREATE TABLE registry_instances ("
                              " id TEXT PRIMARY KEY,"
                              " service TEXT NOT NULL,"
                              " address TEXT NOT NULL,"
                              " port INTEGER NOT NULL,"
                              " version TEXT NOT NULL,"
                              " weight INTEGER NOT NULL,"
                              " tags TEXT NOT NULL,"
                              " metadata TEXT NOT NULL,"
                              " check_spec TEXT NOT NULL,"
                              " builtin INTEGER NOT NULL,"
                              " status TEXT NOT NULL,"
                              " draining INTEGER NOT NULL,"
                              " drain_deadline_ms %1 NOT NULL,"
                              " registered_at_ms %1 NOT NULL,"
                              " status_since_ms %1 NOT NULL,"
                              " UNIQUE (service, address, port))")
            .arg(QLatin1String(bigint));
    };
    const auto history = [](const char *seq, const char *bigint) {
        return QStringLiteral("CREATE TABLE registry_history ("
                              " seq %1,"
                              " instance_id TEXT NOT NULL,"
                              " service TEXT NOT NULL,"
                              " time_ms %2 NOT NULL,"
                              " from_status TEXT NOT NULL,"
                              " to_status TEXT NOT NULL,"
                              " reason TEXT NOT NULL)")
            .arg(QLatin1String(seq), QLatin1String(bigint));
    };
    const QString byInstance =
        QStringLiteral("CREATE INDEX registry_history_by_instance ON registry_history (instance_id, seq)");
    const QString byTime =
        QStringLiteral("CREATE INDEX registry_history_by_time ON registry_history (time_ms)");
    // Version 2, for clusters: the row's revision (conditional writes), and the last heartbeat and
    // in-flight count, so the node that runs an instance's TTL sees heartbeats sent to any node.
    const QStringList clusterColumns{
        // 1, not 0: 0 means "no row yet" to a conditional write, and rows written before (or by a
        // node of the previous version while the others upgrade) must stay writable.
        QStringLiteral("ALTER TABLE registry_instances ADD COLUMN revision BIGINT NOT NULL DEFAULT 1"),
        QStringLiteral(
            "ALTER TABLE registry_instances ADD COLUMN last_heartbeat_ms BIGINT NOT NULL DEFAULT 0"),
        QStringLiteral("ALTER TABLE registry_instances ADD COLUMN in_flight INTEGER NOT NULL DEFAULT -1")};
    return {
        {1,
         QStringLiteral("registry"),
         {instances("INTEGER"), history("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"), byInstance, byTime},
         {instances("BIGINT"), history("BIGSERIAL PRIMARY KEY", "BIGINT"), byInstance, byTime}},
        {2, QStringLiteral("registry cluster columns"), clusterColumns, clusterColumns}};
}

namespace {
constexpr auto Columns = "id, service, address, port, version, weight, tags, metadata, check_spec, builtin, "
                         "status, draining, drain_deadline_ms, registered_at_ms, status_since_ms, revision, "
                         "last_heartbeat_ms, in_flight";

// The values of Columns, in order, for the instance at `revision`.
QVariantList values(const Instance &i, qint64 revision)
{
    return {i.id,
            i.reg.service,
            i.reg.address,
            i.reg.port,
            i.reg.version.isNull() ? QStringLiteral("") : i.reg.version,
            i.reg.weight,
            QString::fromUtf8(
                QJsonDocument(QJsonArray::fromStringList(i.reg.tags)).toJson(QJsonDocument::Compact)),
            compact(i.reg.metadata),
            compact(i.reg.check.toJson()),
            i.builtin ? 1 : 0,
            statusName(i.status()),
            i.draining ? 1 : 0,
            i.drainDeadlineMs,
            i.registeredAtMs,
            i.statusSinceMs,
            revision,
            i.lastHeartbeatMs,
            i.inFlight};
}

Instance readInstance(const QSqlQuery &q)
{
    Instance i;
    i.id = q.value(0).toString();
    i.reg.service = q.value(1).toString();
    i.reg.address = q.value(2).toString();
    i.reg.port = q.value(3).toInt();
    i.reg.version = q.value(4).toString();
    i.reg.weight = q.value(5).toInt();
    for (const QJsonValue &t : QJsonDocument::fromJson(q.value(6).toByteArray()).array())
        i.reg.tags << t.toString();
    i.reg.metadata = QJsonDocument::fromJson(q.value(7).toByteArray()).object();
    QString error;
    const auto spec = CheckSpec::fromJson(QJsonDocument::fromJson(q.value(8).toByteArray()).object(), &error);
    if (!spec)
        throw Storage::StoreError(
            QStringLiteral("instance %1 has an unreadable check: %2").arg(i.id, error).toStdString());
    i.reg.check = *spec;
    i.builtin = q.value(9).toInt() != 0;
    i.persistedStatus = statusFromName(q.value(10).toString()).value_or(Status::Critical);
    i.draining = q.value(11).toInt() != 0;
    i.drainDeadlineMs = q.value(12).toLongLong();
    i.registeredAtMs = q.value(13).toLongLong();
    i.statusSinceMs = q.value(14).toLongLong();
    i.revision = q.value(15).toLongLong();
    i.stored = true;
    i.lastHeartbeatMs = q.value(16).toLongLong();
    i.inFlight = q.value(17).toInt();
    return i;
}

QSqlQuery execValues(QSqlDatabase &db, const QString &sql, const QVariantList &bound, const char *what)
{
    QSqlQuery q = Storage::prepare(db, sql);
    for (const QVariant &v : bound)
        q.addBindValue(v);
    Storage::exec(q, what);
    return q;
}

void readHistory(QSqlDatabase &db, QList<Instance> &instances)
{
    QSqlQuery h = Storage::prepare(db, QStringLiteral("SELECT time_ms, from_status, to_status, reason FROM "
                                                      "registry_history WHERE instance_id = ? ORDER BY seq "
                                                      "DESC LIMIT ?"));
    for (Instance &i : instances) {
        h.bindValue(0, i.id);
        h.bindValue(1, Instance::HistoryKept);
        Storage::exec(h, "cannot read the status history");
        while (h.next()) {
            i.history.prepend(HistoryEntry{
                h.value(0).toLongLong(), statusFromName(h.value(1).toString()).value_or(Status::Critical),
                statusFromName(h.value(2).toString()).value_or(Status::Critical), h.value(3).toString()});
        }
    }
}
} // namespace

void save(QSqlDatabase &db, const Instance &i, const HistoryEntry *change, qint64 expectedRevision,
          qint64 heartbeatNoLaterThan)
{
    Storage::Transaction tx(db);
    const QString columns = QString::fromLatin1(Columns);
    if (expectedRevision < 0) {
        execValues(db,
                   QStringLiteral(
                       "INSERT INTO registry_instances (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                       "version = excluded.version, weight = excluded.weight, tags = excluded.tags, "
                       "metadata = excluded.metadata, check_spec = excluded.check_spec, status = "
                       "excluded.status, draining = excluded.draining, drain_deadline_ms = "
                       "excluded.drain_deadline_ms, status_since_ms = excluded.status_since_ms, "
                       "revision = excluded.revision, last_heartbeat_ms = excluded.last_heartbeat_ms, "
                       "in_flight = excluded.in_flight")
                       .arg(columns),
                   values(i, i.revision), "cannot store the instance");
    } else if (expectedRevision == 0) {
        // A new row; another node may have registered the same service, address and port.
        QSqlQuery q =
            execValues(db,
                       QStringLiteral("INSERT INTO registry_instances (%1) VALUES (?, ?, ?, ?, ?, ?, ?, "
                                      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                           .arg(columns),
                       values(i, i.revision), "cannot store the instance");
        if (q.numRowsAffected() != 1)
            throw RevisionConflict();
    } else {
        // The heartbeat columns keep the newer of the stored and this node's values: a heartbeat
        // another node stored meanwhile (without a new revision) is not undone.
        QString sql = QStringLiteral(
            "UPDATE registry_instances SET version = ?, weight = ?, tags = ?, metadata = ?, check_spec = ?, "
            "builtin = ?, status = ?, draining = ?, drain_deadline_ms = ?, registered_at_ms = ?, "
            "status_since_ms = ?, revision = ?, "
            "in_flight = CASE WHEN last_heartbeat_ms > ? THEN in_flight ELSE ? END, "
            "last_heartbeat_ms = CASE WHEN last_heartbeat_ms > ? THEN last_heartbeat_ms ELSE ? END "
            "WHERE id = ? AND revision = ?");
        // Both CASEs see the row as it was (SQL evaluates every SET against the old row).
        QVariantList bound = values(i, i.revision).mid(4, 12); // version .. revision
        bound << i.lastHeartbeatMs << i.inFlight << i.lastHeartbeatMs << i.lastHeartbeatMs << i.id
              << expectedRevision;
        if (heartbeatNoLaterThan >= 0) {
            sql += QStringLiteral(" AND last_heartbeat_ms <= ?");
            bound << heartbeatNoLaterThan;
        }
        QSqlQuery q = execValues(db, sql, bound, "cannot store the instance");
        if (q.numRowsAffected() != 1)
            throw RevisionConflict();
    }
    if (change)
        insertHistory(db, i.id, i.reg.service, *change);
    tx.commit();
}

void saveHeartbeat(QSqlDatabase &db, const QString &id, qint64 heartbeatMs, int inFlight)
{
    QSqlQuery q = Storage::exec(
        db,
        QStringLiteral(
            "UPDATE registry_instances SET "
            "in_flight = CASE WHEN last_heartbeat_ms > ? THEN in_flight ELSE ? END, "
            "last_heartbeat_ms = CASE WHEN last_heartbeat_ms > ? THEN last_heartbeat_ms ELSE ? END "
            "WHERE id = ?"),
        {heartbeatMs, inFlight, heartbeatMs, heartbeatMs, id});
    if (q.numRowsAffected() != 1)
        throw RevisionConflict();
}

bool remove(QSqlDatabase &db, const QString &id, qint64 expectedRevision)
{
    // The history stays (pruned by age): the latest changes may still name the instance.
    if (expectedRevision < 0)
        return Storage::exec(db, QStringLiteral("DELETE FROM registry_instances WHERE id = ?"), {id})
                   .numRowsAffected() > 0;
    if (Storage::exec(db, QStringLiteral("DELETE FROM registry_instances WHERE id = ? AND revision = ?"),
                      {id, expectedRevision})
            .numRowsAffected() > 0)
        return true;
    throw RevisionConflict(); // changed by another node since this one decided (or removed already)
}

qint64 newRevision()
{
    qint64 r = 0;
    while (r <= 1) // 0: no row; 1: rows from before revisions
        r = qint64(QRandomGenerator::system()->generate64() >> 1);
    return r;
}

QList<Instance> loadAll(QSqlDatabase &db)
{
    QList<Instance> out;
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT %1 FROM registry_instances ORDER BY service, address, port")
                              .arg(QString::fromLatin1(Columns)));
    while (q.next())
        out << readInstance(q);
    readHistory(db, out);
    return out;
}

Changes changesSince(QSqlDatabase &db, const QHash<QString, Known> &known,
                     const std::optional<QStringList> &only)
{
    Changes out;
    QStringList changedIds;
    QSet<QString> present;
    const auto look = [&](const QSqlQuery &q) {
        const QString id = q.value(0).toString();
        present.insert(id);
        const auto it = known.constFind(id);
        if (it == known.cend() || it->reload || it->revision != q.value(1).toLongLong())
            changedIds << id;
        else if (q.value(2).toLongLong() > it->heartbeatMs)
            out.heartbeats << Heartbeat{id, q.value(2).toLongLong(), q.value(3).toInt()};
    };
    const QString scan =
        QStringLiteral("SELECT id, revision, last_heartbeat_ms, in_flight FROM registry_instances");
    if (only) {
        QSqlQuery q = Storage::prepare(db, scan + QStringLiteral(" WHERE id = ?"));
        for (const QString &id : *only) {
            q.bindValue(0, id);
            Storage::exec(q, "cannot read an instance's revision");
            while (q.next())
                look(q);
        }
    } else {
        QSqlQuery q = Storage::exec(db, scan);
        while (q.next())
            look(q);
    }
    for (auto it = known.cbegin(); it != known.cend(); ++it) {
        if ((!only || only->contains(it.key())) && !present.contains(it.key()))
            out.removed << it.key();
    }
    QSqlQuery q = Storage::prepare(
        db,
        QStringLiteral("SELECT %1 FROM registry_instances WHERE id = ?").arg(QString::fromLatin1(Columns)));
    for (const QString &id : std::as_const(changedIds)) {
        q.bindValue(0, id);
        Storage::exec(q, "cannot read a changed instance");
        if (q.next())
            out.changed << readInstance(q);
    }
    readHistory(db, out.changed);
    return out;
}

QList<Change> recentChanges(QSqlDatabase &db, int limit)
{
    QList<Change> out;
    QSqlQuery q =
        Storage::exec(db,
                      QStringLiteral("SELECT instance_id, service, time_ms, from_status, to_status, "
                                     "reason FROM registry_history ORDER BY seq DESC LIMIT ?"),
                      {limit});
    while (q.next()) {
        out << Change{q.value(0).toString(), q.value(1).toString(),
                      HistoryEntry{q.value(2).toLongLong(),
                                   statusFromName(q.value(3).toString()).value_or(Status::Critical),
                                   statusFromName(q.value(4).toString()).value_or(Status::Critical),
                                   q.value(5).toString()}};
    }
    return out;
}

void pruneHistory(QSqlDatabase &db, qint64 beforeMs)
{
    Storage::exec(db, QStringLiteral("DELETE FROM registry_history WHERE time_ms < ?"), {beforeMs});
}

} // namespace Meshdeck::Registry::RegistryStore
