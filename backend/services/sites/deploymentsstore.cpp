#include "deploymentsstore.h"

#include "storage/store.h"

#include <QSqlQuery>
#include <QVariant>

namespace Meshdeck::Sites::DeploymentsStore {

using Storage::exec;

namespace {
constexpr auto Columns = "id, site_id, status, source_kind, source_path, git_url, git_branch, upload_name, "
                         "upload_bytes, created_by, created_at_ms, started_at_ms, finished_at_ms, "
                         "artifact_bytes, reason, worker, fencing_token, lease_expires_ms, cancel_requested, "
                         "attempts, log_lines, log_bytes, log_base, pruned";

// A null QString binds as NULL; the columns are NOT NULL text.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

Deployment readDeployment(const QSqlQuery &q)
{
    Deployment d;
    d.id = q.value(0).toString();
    d.siteId = q.value(1).toString();
    d.status = statusFromName(q.value(2).toString()).value_or(DeploymentStatus::Failed);
    d.source.kind = sourceKindFromName(q.value(3).toString()).value_or(BuildSourceKind::Archive);
    d.source.path = q.value(4).toString();
    d.source.gitUrl = q.value(5).toString();
    d.source.gitBranch = q.value(6).toString();
    d.source.uploadName = q.value(7).toString();
    d.source.uploadBytes = q.value(8).toLongLong();
    d.createdBy = q.value(9).toString();
    d.createdAtMs = q.value(10).toLongLong();
    d.startedAtMs = q.value(11).toLongLong();
    d.finishedAtMs = q.value(12).toLongLong();
    d.artifactBytes = q.value(13).toLongLong();
    d.reason = q.value(14).toString();
    d.worker = q.value(15).toString();
    d.fencingToken = q.value(16).toLongLong();
    d.leaseExpiresMs = q.value(17).toLongLong();
    d.cancelRequested = q.value(18).toInt() != 0;
    d.attempts = q.value(19).toInt();
    d.logLines = q.value(20).toLongLong();
    d.logBytes = q.value(21).toLongLong();
    d.logBase = q.value(22).toLongLong();
    d.pruned = q.value(23).toInt() != 0;
    return d;
}

// PostgreSQL locks the rows a transaction is about to change, so another node's claim or sweep
// waits (or, with SKIP LOCKED, passes by); SQLite has one writer at a time anyway.
QString forUpdate(const QSqlDatabase &db, bool skipLocked = false)
{
    if (Storage::dialect(db) != Storage::Dialect::Postgres)
        return {};
    return skipLocked ? QStringLiteral(" FOR UPDATE SKIP LOCKED") : QStringLiteral(" FOR UPDATE");
}

std::optional<Deployment> lockedDeployment(QSqlDatabase &db, const QString &where,
                                           std::initializer_list<QVariant> values)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM site_deployments WHERE %2%3")
                           .arg(QLatin1String(Columns), where, forUpdate(db)),
                       values);
    if (!q.next())
        return std::nullopt;
    return readDeployment(q);
}

void addHistory(QSqlDatabase &db, const QString &id, DeploymentStatus status, qint64 atMs,
                const QString &reason)
{
    exec(
        db,
        QStringLiteral(
            "INSERT INTO site_deployment_history (deployment_id, status, at_ms, reason) VALUES (?, ?, ?, ?)"),
        {id, statusName(status), atMs, text(reason)});
}

// Moves a deployment to `to` (guarded by its current status and token) and records the change.
Transition move(QSqlDatabase &db, Deployment d, DeploymentStatus to, const QString &reason, qint64 nowMs)
{
    const DeploymentStatus from = d.status;
    d.status = to;
    d.reason = reason;
    if (isFinal(to)) {
        d.finishedAtMs = nowMs;
        d.leaseExpiresMs = 0;
    }
    if (to == DeploymentStatus::Queued) {
        d.worker.clear();
        d.leaseExpiresMs = 0;
    }
    QSqlQuery q =
        exec(db,
             QStringLiteral("UPDATE site_deployments SET status = ?, reason = ?, finished_at_ms = ?, "
                            "lease_expires_ms = ?, worker = ?, artifact_bytes = ? "
                            "WHERE id = ? AND status = ? AND fencing_token = ?"),
             {statusName(to), text(reason), d.finishedAtMs, d.leaseExpiresMs, text(d.worker), d.artifactBytes,
              d.id, statusName(from), d.fencingToken});
    if (q.numRowsAffected() != 1)
        throw Storage::StoreError("the deployment changed while it was being updated");
    addHistory(db, d.id, to, nowMs, reason);
    return Transition{d, from};
}

QList<Transition> sweepInTransaction(QSqlDatabase &db, qint64 nowMs, int maxAttempts)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM site_deployments WHERE status = 'building' AND "
                                      "lease_expires_ms < ?%2")
                           .arg(QLatin1String(Columns), forUpdate(db, true)),
                       {nowMs});
    QList<Deployment> expired;
    while (q.next())
        expired.append(readDeployment(q));
    QList<Transition> changes;
    for (const Deployment &d : std::as_const(expired)) {
        if (d.cancelRequested)
            changes.append(move(db, d, DeploymentStatus::Canceled,
                                d.reason + QStringLiteral(" (the worker stopped answering)"), nowMs));
        else if (d.attempts < maxAttempts)
            changes.append(move(db, d, DeploymentStatus::Queued,
                                QStringLiteral("worker %1 lost (its lease expired); requeued").arg(d.worker),
                                nowMs));
        else
            changes.append(move(db, d, DeploymentStatus::Failed, QStringLiteral("worker lost"), nowMs));
    }
    return changes;
}

// The holder's deployment, locked, while its lease holds.
std::optional<Deployment> held(QSqlDatabase &db, const QString &id, qint64 token, qint64 nowMs)
{
    return lockedDeployment(
        db, QStringLiteral("id = ? AND fencing_token = ? AND status = 'building' AND lease_expires_ms >= ?"),
        {id, token, nowMs});
}
} // namespace

void insert(QSqlDatabase &db, const Deployment &d, const QString &reason)
{
    Storage::Transaction t(db);
    exec(db,
         QStringLiteral(
             "INSERT INTO site_deployments (%1, queued_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
             "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
             .arg(QLatin1String(Columns)),
         {d.id,
          d.siteId,
          statusName(d.status),
          sourceKindName(d.source.kind),
          text(d.source.path),
          text(d.source.gitUrl),
          text(d.source.gitBranch),
          text(d.source.uploadName),
          d.source.uploadBytes,
          text(d.createdBy),
          d.createdAtMs,
          d.startedAtMs,
          d.finishedAtMs,
          d.artifactBytes,
          text(d.reason),
          text(d.worker),
          d.fencingToken,
          d.leaseExpiresMs,
          d.cancelRequested ? 1 : 0,
          d.attempts,
          d.logLines,
          d.logBytes,
          d.logBase,
          d.pruned ? 1 : 0,
          d.createdAtMs});
    addHistory(db, d.id, d.status, d.createdAtMs, reason);
    t.commit();
}

std::optional<Deployment> deployment(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q = exec(
        db, QStringLiteral("SELECT %1 FROM site_deployments WHERE id = ?").arg(QLatin1String(Columns)), {id});
    if (!q.next())
        return std::nullopt;
    return readDeployment(q);
}

QList<Deployment> ofSite(QSqlDatabase &db, const QString &siteId, int limit)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM site_deployments WHERE site_id = ? "
                                      "ORDER BY created_at_ms DESC, id DESC LIMIT ?")
                           .arg(QLatin1String(Columns)),
                       {siteId, limit});
    QList<Deployment> all;
    while (q.next())
        all.append(readDeployment(q));
    return all;
}

QList<StatusChange> history(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT status, at_ms, reason FROM site_deployment_history "
                                      "WHERE deployment_id = ? ORDER BY seq"),
                       {id});
    QList<StatusChange> all;
    while (q.next())
        all.append({statusFromName(q.value(0).toString()).value_or(DeploymentStatus::Failed),
                    q.value(1).toLongLong(), q.value(2).toString()});
    return all;
}

QList<Deployment> queue(QSqlDatabase &db)
{
    QSqlQuery q =
        exec(db, QStringLiteral("SELECT %1 FROM site_deployments WHERE status IN ('queued', 'building') "
                                "ORDER BY queued_at_ms, id")
                     .arg(QLatin1String(Columns)));
    QList<Deployment> all;
    while (q.next())
        all.append(readDeployment(q));
    return all;
}

QList<Transition> sweep(QSqlDatabase &db, qint64 nowMs, int maxAttempts)
{
    Storage::Transaction t(db);
    QList<Transition> changes = sweepInTransaction(db, nowMs, maxAttempts);
    t.commit();
    return changes;
}

Claim claim(QSqlDatabase &db, const QString &workerId, qint64 nowMs, qint64 leaseMs, int maxAttempts,
            bool allowDirectory)
{
    Storage::Transaction t(db);
    Claim result;
    result.changes = sweepInTransaction(db, nowMs, maxAttempts);
    // One statement picks and takes the oldest queued build; on PostgreSQL a build another node is
    // taking right now is locked and skipped, never taken twice.
    QSqlQuery q =
        exec(db,
             QStringLiteral(
                 "UPDATE site_deployments SET status = 'building', worker = ?, lease_expires_ms = ?, "
                 "fencing_token = fencing_token + 1, attempts = attempts + 1, log_base = log_lines, "
                 "started_at_ms = CASE WHEN started_at_ms = 0 THEN ? ELSE started_at_ms END, reason = ? "
                 "WHERE id = (SELECT id FROM site_deployments WHERE status = 'queued'%2 "
                 "ORDER BY queued_at_ms, id LIMIT 1%1) AND status = 'queued' RETURNING id")
                 .arg(forUpdate(db, true),
                      allowDirectory ? QString() : QStringLiteral(" AND source_kind <> 'directory'")),
             {workerId, nowMs + leaseMs, nowMs, QStringLiteral("building on %1").arg(workerId)});
    if (!q.next()) {
        t.commit();
        return result;
    }
    const QString id = q.value(0).toString();
    q.finish();
    std::optional<Deployment> d = deployment(db, id);
    if (!d)
        throw Storage::StoreError("the claimed deployment vanished");
    addHistory(db, id, DeploymentStatus::Building, nowMs, d->reason);
    t.commit();
    result.claimed = d;
    result.changes.append(Transition{*d, DeploymentStatus::Queued});
    return result;
}

std::optional<Deployment> holding(QSqlDatabase &db, const QString &id, qint64 token, qint64 nowMs)
{
    Storage::Transaction t(db);
    std::optional<Deployment> d = held(db, id, token, nowMs);
    t.commit();
    return d;
}

std::optional<bool> renew(QSqlDatabase &db, const QString &id, qint64 token, qint64 nowMs, qint64 leaseMs)
{
    Storage::Transaction t(db);
    const std::optional<Deployment> d = held(db, id, token, nowMs);
    if (!d)
        return std::nullopt;
    exec(
        db,
        QStringLiteral("UPDATE site_deployments SET lease_expires_ms = ? WHERE id = ? AND fencing_token = ?"),
        {nowMs + leaseMs, id, token});
    t.commit();
    return d->cancelRequested;
}

std::optional<Transition> finish(QSqlDatabase &db, const QString &id, qint64 token, DeploymentStatus end,
                                 const QString &reason, qint64 artifactBytes, qint64 nowMs)
{
    Storage::Transaction t(db);
    std::optional<Deployment> d = held(db, id, token, nowMs);
    if (!d)
        return std::nullopt;
    if (d->cancelRequested) {
        end = DeploymentStatus::Canceled;
    } else if (end == DeploymentStatus::Ready) {
        d->artifactBytes = artifactBytes;
    }
    const QString why = d->cancelRequested ? d->reason : reason;
    Transition change = move(db, *d, end, why, nowMs);
    t.commit();
    return change;
}

Cancel cancel(QSqlDatabase &db, const QString &siteId, const QString &id, const QString &reason, qint64 nowMs)
{
    Storage::Transaction t(db);
    Cancel result;
    const std::optional<Deployment> d =
        lockedDeployment(db, QStringLiteral("id = ? AND site_id = ?"), {id, siteId});
    if (!d)
        return result;
    result.deployment = *d;
    if (d->status == DeploymentStatus::Queued) {
        result.kind = Cancel::Canceled;
        result.change = move(db, *d, DeploymentStatus::Canceled, reason, nowMs);
        result.deployment = result.change->deployment;
    } else if (d->status == DeploymentStatus::Building) {
        result.kind = Cancel::Requested;
        exec(db, QStringLiteral("UPDATE site_deployments SET cancel_requested = 1, reason = ? WHERE id = ?"),
             {reason, id});
        result.deployment.cancelRequested = true;
        result.deployment.reason = reason;
    } else {
        result.kind = Cancel::AlreadyEnded;
        return result;
    }
    t.commit();
    return result;
}

Activation activate(QSqlDatabase &db, const QString &siteId, const QString &id, qint64 nowMs)
{
    Storage::Transaction t(db);
    Activation result;
    QSqlQuery site =
        exec(db, QStringLiteral("SELECT live_deployment_id FROM sites WHERE id = ?%1").arg(forUpdate(db)),
             {siteId});
    if (!site.next())
        return result;
    result.previousLive = site.value(0).toString();
    const std::optional<Deployment> d = deployment(db, id);
    if (!d || d->siteId != siteId)
        return result;
    result.deployment = *d;
    if (d->pruned) {
        result.kind = Activation::Pruned;
        return result;
    }
    if (d->status != DeploymentStatus::Ready) {
        result.kind = Activation::NotReady;
        return result;
    }
    exec(db, QStringLiteral("UPDATE sites SET live_deployment_id = ?, updated_at_ms = ? WHERE id = ?"),
         {id, nowMs, siteId});
    t.commit();
    result.kind = Activation::Ok;
    return result;
}

QStringList prune(QSqlDatabase &db, const QString &siteId, int keep)
{
    Storage::Transaction t(db);
    QSqlQuery site =
        exec(db, QStringLiteral("SELECT live_deployment_id FROM sites WHERE id = ?%1").arg(forUpdate(db)),
             {siteId}); // locked as activate() locks it: the live one is never pruned
    const QString live = site.next() ? site.value(0).toString() : QString();
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT id, status, pruned FROM site_deployments WHERE site_id = ? "
                                      "ORDER BY created_at_ms DESC, id DESC"),
                       {siteId});
    QStringList pruned;
    int seen = 0;
    while (q.next()) {
        if (++seen <= keep)
            continue;
        const QString id = q.value(0).toString();
        const auto status = statusFromName(q.value(1).toString()).value_or(DeploymentStatus::Failed);
        if (id == live || !isFinal(status) || q.value(2).toInt() != 0)
            continue;
        pruned.append(id);
    }
    for (const QString &id : std::as_const(pruned))
        exec(db, QStringLiteral("UPDATE site_deployments SET pruned = 1 WHERE id = ?"), {id});
    t.commit();
    return pruned;
}

bool remove(QSqlDatabase &db, const QString &siteId, const QString &id)
{
    Storage::Transaction t(db);
    // The site's row is locked as activate() locks it: an activation racing this removal either
    // came first (and the deployment, live now, stays) or finds the deployment gone.
    QSqlQuery site =
        exec(db, QStringLiteral("SELECT live_deployment_id FROM sites WHERE id = ?%1").arg(forUpdate(db)),
             {siteId});
    if (site.next() && site.value(0).toString() == id)
        return false;
    QSqlQuery q =
        exec(db, QStringLiteral("DELETE FROM site_deployments WHERE id = ? AND site_id = ?"), {id, siteId});
    if (q.numRowsAffected() != 1)
        return false;
    exec(db, QStringLiteral("DELETE FROM site_deployment_history WHERE deployment_id = ?"), {id});
    exec(db, QStringLiteral("DELETE FROM site_log_marks WHERE deployment_id = ?"), {id});
    t.commit();
    return true;
}

LogAppend appendLog(QSqlDatabase &db, const QString &id, qint64 token, const QList<BuildLogLine> &lines,
                    qint64 nowMs, const LogWriter &write)
{
    Storage::Transaction t(db);
    LogAppend result;
    const std::optional<Deployment> d = held(db, id, token, nowMs);
    if (!d) {
        result.kind = LogAppend::LeaseLost;
        return result;
    }
    qint64 next = d->logLines + 1;
    for (const BuildLogLine &line : lines) {
        const qint64 number = d->logBase + line.number;
        if (number < next)
            continue; // stored by an earlier try of the same batch
        if (number != next) {
            result.kind = LogAppend::Gap;
            result.expected = next - d->logBase;
            return result;
        }
        result.stored.append({number, line.text});
        ++next;
    }
    if (result.stored.isEmpty())
        return result;
    QList<std::pair<qint64, qint64>> marks;
    const qint64 bytes = write(result.stored, d->logBytes, &marks);
    for (const auto &[line, offset] : std::as_const(marks))
        exec(db,
             QStringLiteral("INSERT INTO site_log_marks (deployment_id, line, byte_offset) VALUES (?, ?, ?)"),
             {id, line, offset});
    exec(db, QStringLiteral("UPDATE site_deployments SET log_lines = ?, log_bytes = ? WHERE id = ?"),
         {next - 1, bytes, id});
    t.commit();
    return result;
}

std::pair<qint64, qint64> logMark(QSqlDatabase &db, const QString &id, qint64 line)
{
    QSqlQuery q =
        exec(db,
             QStringLiteral("SELECT line, byte_offset FROM site_log_marks WHERE deployment_id = ? AND "
                            "line <= ? ORDER BY line DESC LIMIT 1"),
             {id, line});
    if (!q.next())
        return {1, 0};
    return {q.value(0).toLongLong(), q.value(1).toLongLong()};
}

} // namespace Meshdeck::Sites::DeploymentsStore
