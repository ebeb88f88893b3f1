#include "registrystore.h"

#include "storage/store.h"

#include <QJsonArray>
#include <QJsonDocument>
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

Storage::Migration migration()
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
    return {
        1,
        QStringLiteral("registry"),
        {instances("INTEGER"), history("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"), byInstance, byTime},
        {instances("BIGINT"), history("BIGSERIAL PRIMARY KEY", "BIGINT"), byInstance, byTime}};
}

void save(QSqlDatabase &db, const Instance &i, const HistoryEntry *change)
{
    Storage::Transaction tx(db);
    QSqlQuery q = Storage::prepare(
        db,
        QStringLiteral(
            "INSERT INTO registry_instances (id, service, address, port, version, weight, tags, metadata, "
            "check_spec, builtin, status, draining, drain_deadline_ms, registered_at_ms, status_since_ms) "
            "VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "version = excluded.version, weight = excluded.weight, tags = excluded.tags, metadata = "
            "excluded.metadata, check_spec = excluded.check_spec, status = excluded.status, draining = "
            "excluded.draining, drain_deadline_ms = excluded.drain_deadline_ms, status_since_ms = "
            "excluded.status_since_ms"));
    q.addBindValue(i.id);
    q.addBindValue(i.reg.service);
    q.addBindValue(i.reg.address);
    q.addBindValue(i.reg.port);
    q.addBindValue(i.reg.version.isNull() ? QStringLiteral("") : i.reg.version);
    q.addBindValue(i.reg.weight);
    q.addBindValue(QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(i.reg.tags)).toJson(QJsonDocument::Compact)));
    q.addBindValue(compact(i.reg.metadata));
    q.addBindValue(compact(i.reg.check.toJson()));
    q.addBindValue(i.builtin ? 1 : 0);
    q.addBindValue(statusName(i.status()));
    q.addBindValue(i.draining ? 1 : 0);
    q.addBindValue(i.drainDeadlineMs);
    q.addBindValue(i.registeredAtMs);
    q.addBindValue(i.statusSinceMs);
    Storage::exec(q, "cannot store the instance");
    if (change)
        insertHistory(db, i.id, i.reg.service, *change);
    tx.commit();
}

void remove(QSqlDatabase &db, const QString &id)
{
    // The history stays (pruned by age): the latest changes may still name the instance.
    Storage::exec(db, QStringLiteral("DELETE FROM registry_instances WHERE id = ?"), {id});
}

QList<Instance> loadAll(QSqlDatabase &db)
{
    QList<Instance> out;
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT id, service, address, port, version, weight, tags, metadata, check_spec, "
                           "builtin, status, draining, drain_deadline_ms, registered_at_ms, status_since_ms "
                           "FROM registry_instances ORDER BY service, address, port"));
    while (q.next()) {
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
        const auto spec =
            CheckSpec::fromJson(QJsonDocument::fromJson(q.value(8).toByteArray()).object(), &error);
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
        out << i;
    }
    QSqlQuery h = Storage::prepare(db, QStringLiteral("SELECT time_ms, from_status, to_status, reason FROM "
                                                      "registry_history WHERE instance_id = ? ORDER BY seq "
                                                      "DESC LIMIT ?"));
    for (Instance &i : out) {
        h.bindValue(0, i.id);
        h.bindValue(1, Instance::HistoryKept);
        Storage::exec(h, "cannot read the status history");
        while (h.next()) {
            i.history.prepend(HistoryEntry{
                h.value(0).toLongLong(), statusFromName(h.value(1).toString()).value_or(Status::Critical),
                statusFromName(h.value(2).toString()).value_or(Status::Critical), h.value(3).toString()});
        }
    }
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
