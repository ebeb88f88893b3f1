#include "systemstore.h"

#include "storage/store.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QUuid>

namespace Meshdeck::System::SystemStore {

namespace {
// The database's clock in milliseconds since the epoch: one clock for every node. PostgreSQL's now()
// is the transaction's start, so one statement sees one time (clock_timestamp() moved within it).
QString nowMs(const QSqlDatabase &db)
{
    return Storage::dialect(db) == Storage::Dialect::Postgres
               ? QStringLiteral("CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)")
               : QStringLiteral("CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)");
}
// A null QString binds as SQL NULL: the columns are NOT NULL, an unknown value is empty.
QString orEmpty(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}
} // namespace

std::vector<Storage::Migration> migrations()
{
    const QString node = QStringLiteral("CREATE TABLE node (id TEXT PRIMARY KEY, created_at TEXT NOT NULL)");
    const QString clusterNodes =
        QStringLiteral("CREATE TABLE cluster_nodes (node_id TEXT PRIMARY KEY, advertise_url TEXT NOT NULL,"
                       " version TEXT NOT NULL, state TEXT NOT NULL, started_ms BIGINT NOT NULL,"
                       " last_seen_ms BIGINT NOT NULL, open_connections INTEGER NOT NULL, load_avg DOUBLE "
                       "PRECISION NOT NULL)");
    const QString bootstrap =
        QStringLiteral("CREATE TABLE cluster_bootstrap (id INTEGER PRIMARY KEY CHECK (id = 1),"
                       " admin_token_hash TEXT NOT NULL, created_ms BIGINT NOT NULL)");
    return {
        {1, QStringLiteral("node identity"), {node}, {node}},
        {2,
         QStringLiteral("cluster membership and bootstrap"),
         {clusterNodes, bootstrap},
         {clusterNodes, bootstrap}},
    };
}

QString loadOrCreateNodeId(QSqlDatabase &db)
{
    Storage::Transaction tx(db); // read and create as one step
    QSqlQuery existing = Storage::exec(db, QStringLiteral("SELECT id FROM node LIMIT 1"));
    if (existing.next())
        return existing.value(0).toString();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    Storage::exec(db, QStringLiteral("INSERT INTO node (id, created_at) VALUES (?, ?)"),
                  {id, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)});
    tx.commit();
    return id;
}

bool claimBootstrap(QSqlDatabase &db, const QString &adminTokenHash)
{
    // One row at most (id = 1): of nodes started together, exactly one insert takes effect.
    QSqlQuery q =
        Storage::exec(db,
                      QStringLiteral("INSERT INTO cluster_bootstrap (id, admin_token_hash, created_ms) "
                                     "VALUES (1, ?, %1) ON CONFLICT (id) DO NOTHING")
                          .arg(nowMs(db)),
                      {adminTokenHash});
    return q.numRowsAffected() == 1;
}

std::optional<QString> adminTokenHash(QSqlDatabase &db)
{
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT admin_token_hash FROM cluster_bootstrap WHERE id = 1"));
    if (!q.next())
        return std::nullopt;
    return q.value(0).toString();
}

QList<ClusterMember> heartbeat(QSqlDatabase &db, const ClusterMember &self, bool restarted,
                               qint64 goneAfterMs)
{
    const QString now = nowMs(db);
    Storage::exec(
        db,
        QStringLiteral("INSERT INTO cluster_nodes (node_id, advertise_url, version, state, started_ms, "
                       "last_seen_ms, open_connections, load_avg) VALUES (?, ?, ?, ?, %1, %1, ?, ?) "
                       "ON CONFLICT (node_id) DO UPDATE SET advertise_url = excluded.advertise_url, "
                       "version = excluded.version, state = excluded.state, %2"
                       "last_seen_ms = excluded.last_seen_ms, open_connections = "
                       "excluded.open_connections, load_avg = excluded.load_avg")
            .arg(now, restarted ? QStringLiteral("started_ms = excluded.started_ms, ") : QString()),
        {self.nodeId, orEmpty(self.advertiseUrl), orEmpty(self.version), self.state, self.openConnections,
         self.load});
    if (restarted) // a joining node forgets members gone for a day (the list would only grow)
        Storage::exec(db, QStringLiteral("DELETE FROM cluster_nodes WHERE last_seen_ms < %1 - ?").arg(now),
                      {ForgetGoneAfterMs});
    return members(db, goneAfterMs);
}

QList<ClusterMember> members(QSqlDatabase &db, qint64 goneAfterMs)
{
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT node_id, advertise_url, version, state, started_ms, last_seen_ms, "
                           "open_connections, load_avg, %1 FROM cluster_nodes ORDER BY node_id")
                .arg(nowMs(db)));
    QList<ClusterMember> out;
    while (q.next()) {
        ClusterMember m{q.value(0).toString(), q.value(1).toString(),   q.value(2).toString(),
                        q.value(3).toString(), q.value(4).toLongLong(), q.value(5).toLongLong(),
                        q.value(6).toInt(),    q.value(7).toDouble()};
        if (q.value(8).toLongLong() - m.lastSeenMs > goneAfterMs)
            m.state = QStringLiteral("gone");
        out << m;
    }
    return out;
}

} // namespace Meshdeck::System::SystemStore
