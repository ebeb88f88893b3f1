#include "presencestore.h"

#include "storage/store.h"

#include <QHash>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace Meshdeck::Presence::PresenceStore {

using Storage::exec;

namespace {
// The database's clock in milliseconds: one clock for every node, the one cluster_nodes uses.
QString nowMs(const QSqlDatabase &db)
{
    return Storage::dialect(db) == Storage::Dialect::Postgres
               ? QStringLiteral("CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)")
               : QStringLiteral("CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)");
}

bool postgres(const QSqlDatabase &db)
{
    return Storage::dialect(db) == Storage::Dialect::Postgres;
}
} // namespace

std::vector<Storage::Migration> migrations()
{
    const QString table = QStringLiteral("CREATE TABLE presence_sessions ("
                                         " node_id TEXT NOT NULL,"
                                         " user_id TEXT NOT NULL,"
                                         " name TEXT NOT NULL,"
                                         " sessions INTEGER NOT NULL,"
                                         " status TEXT NOT NULL,"
                                         " updated_at BIGINT NOT NULL,"
                                         " PRIMARY KEY (node_id, user_id))");
    const QString byUser =
        QStringLiteral("CREATE INDEX presence_sessions_user ON presence_sessions (user_id)");
    return {{1, QStringLiteral("presence sessions per node"), {table, byUser}, {table, byUser}}};
}

void writeCounts(QSqlDatabase &db, const QString &nodeId, const QList<NodeCount> &counts)
{
    if (counts.isEmpty())
        return;
    const QString now = nowMs(db);
    Storage::Transaction tx(db);
    for (const NodeCount &c : counts) {
        // Another node may retire this row (this node looked gone): lock it while deciding.
        QSqlQuery mine = exec(db,
                              QStringLiteral("SELECT sessions, status, name FROM presence_sessions WHERE "
                                             "node_id = ? AND user_id = ?%1")
                                  .arg(postgres(db) ? QStringLiteral(" FOR UPDATE") : QString()),
                              {nodeId, c.userId});
        const bool exists = mine.next();
        const int before = exists ? mine.value(0).toInt() : 0;
        QString status = exists ? mine.value(1).toString() : QStringLiteral("online");
        // A null QString binds as SQL NULL: an unknown name is empty (an API key's session).
        QString name = c.name.isEmpty() && exists ? mine.value(2).toString() : c.name;
        if (name.isNull())
            name = QStringLiteral("");
        if (exists && before == c.sessions && name == mine.value(2).toString())
            continue;
        if (c.sessions > 0 && before == 0) {
            // Connected again: as the user's other sessions are, or online.
            QSqlQuery others =
                exec(db,
                     QStringLiteral("SELECT status FROM presence_sessions WHERE user_id = ? "
                                    "AND node_id <> ? AND sessions > 0 ORDER BY updated_at DESC"),
                     {c.userId, nodeId});
            status = others.next() ? others.value(0).toString() : QStringLiteral("online");
        }
        const bool changed = !exists || before != c.sessions;
        exec(db,
             QStringLiteral(
                 "INSERT INTO presence_sessions (node_id, user_id, name, sessions, status, "
                 "updated_at) VALUES (?, ?, ?, ?, ?, %1) ON CONFLICT (node_id, user_id) DO UPDATE "
                 "SET name = excluded.name, sessions = excluded.sessions, status = excluded.status%2")
                 .arg(now, changed ? QStringLiteral(", updated_at = excluded.updated_at") : QString()),
             {nodeId, c.userId, name, c.sessions, status});
    }
    tx.commit();
}

QStringList clearNode(QSqlDatabase &db, const QString &nodeId)
{
    Storage::Transaction tx(db);
    QSqlQuery users =
        exec(db, QStringLiteral("SELECT user_id FROM presence_sessions WHERE node_id = ? AND sessions > 0"),
             {nodeId});
    QStringList cleared;
    while (users.next())
        cleared << users.value(0).toString();
    exec(db,
         QStringLiteral("UPDATE presence_sessions SET sessions = 0, updated_at = %1 WHERE node_id = ? AND "
                        "sessions > 0")
             .arg(nowMs(db)),
         {nodeId});
    tx.commit();
    return cleared;
}

int retireGoneNodes(QSqlDatabase &db, qint64 goneAfterMs)
{
    const QString now = nowMs(db);
    Storage::Transaction tx(db);
    // A node that heartbeats no more: its sessions ended at its last heartbeat.
    QSqlQuery gone = exec(
        db,
        QStringLiteral("UPDATE presence_sessions SET sessions = 0, updated_at = (SELECT n.last_seen_ms FROM "
                       "cluster_nodes n WHERE n.node_id = presence_sessions.node_id) WHERE sessions > 0 AND "
                       "node_id IN (SELECT node_id FROM cluster_nodes WHERE state = 'gone' OR %1 - "
                       "last_seen_ms > CAST(? AS BIGINT))")
            .arg(now),
        {goneAfterMs});
    int retired = gone.numRowsAffected();
    // A node forgotten altogether (gone for a day): its sessions end, their time kept.
    QSqlQuery forgotten =
        exec(db, QStringLiteral("UPDATE presence_sessions SET sessions = 0 WHERE sessions > 0 "
                                "AND node_id NOT IN (SELECT node_id FROM cluster_nodes)"));
    retired += forgotten.numRowsAffected();
    tx.commit();
    return retired;
}

bool setStatus(QSqlDatabase &db, const QString &userId, const QString &status)
{
    QSqlQuery q =
        exec(db, QStringLiteral("UPDATE presence_sessions SET status = ? WHERE user_id = ? AND sessions > 0"),
             {status, userId});
    return q.numRowsAffected() > 0;
}

QList<UserPresence> read(QSqlDatabase &db, bool cluster, qint64 goneAfterMs)
{
    QSqlQuery q =
        exec(db, QStringLiteral("SELECT p.user_id, p.name, p.sessions, p.status, p.updated_at, "
                                "n.last_seen_ms, n.state, %1 FROM presence_sessions p LEFT JOIN "
                                "cluster_nodes n ON n.node_id = p.node_id ORDER BY p.user_id%2, p.updated_at")
                     .arg(nowMs(db), postgres(db) ? QStringLiteral(" COLLATE \"C\"") : QString()));
    QList<UserPresence> out;
    QHash<QString, qsizetype> index;
    QHash<QString, bool> anyOnline; // among live sessions, one is "online" (not away)
    QHash<QString, qint64> nameAt;
    while (q.next()) {
        const QString userId = q.value(0).toString();
        const QString name = q.value(1).toString();
        const int sessions = q.value(2).toInt();
        const QString status = q.value(3).toString();
        const qint64 updated = q.value(4).toLongLong();
        const bool known = !q.value(5).isNull();
        const qint64 heartbeat = q.value(5).toLongLong();
        const qint64 now = q.value(7).toLongLong();
        const bool live = !cluster || (known && q.value(6).toString() != QLatin1String("gone") &&
                                       now - heartbeat <= goneAfterMs);
        auto it = index.constFind(userId);
        if (it == index.cend()) {
            it = index.insert(userId, out.size());
            out.append(UserPresence{userId, name, QStringLiteral("offline"), 0, 0, {}});
            nameAt.insert(userId, updated);
        }
        UserPresence &u = out[*it];
        if (!name.isEmpty() && (u.name.isEmpty() || updated >= nameAt.value(userId))) {
            u.name = name;
            nameAt.insert(userId, updated);
        }
        if (sessions > 0 && live) {
            u.sessions += sessions;
            if (status != QLatin1String("away"))
                anyOnline.insert(userId, true);
            else if (!anyOnline.contains(userId))
                anyOnline.insert(userId, false);
            continue;
        }
        // Ended sessions: when the last one ended; a dead node's, at its last heartbeat.
        const qint64 ended = sessions > 0 ? (known ? std::min(heartbeat, now) : updated) : updated;
        u.lastSeenMs = std::max(u.lastSeenMs, ended);
    }
    for (UserPresence &u : out) {
        if (u.sessions > 0) {
            u.status = anyOnline.value(u.userId) ? QStringLiteral("online") : QStringLiteral("away");
            u.lastSeenMs = 0;
        }
    }
    return out;
}

} // namespace Meshdeck::Presence::PresenceStore
