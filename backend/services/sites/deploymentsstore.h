#pragma once

#include "sitestypes.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace Meshdeck::Sites {

// Deployments, their status history, the build queue and the build log's index, following the
// store contract (storage/store.h). The queue lives in these rows: a claim takes the oldest queued
// deployment in one statement (FOR UPDATE SKIP LOCKED on PostgreSQL, so nodes sharing the database
// never take the same build) and gives it a lease and the next fencing token. Every later write of
// the holder (renew, log, finish) names its token and applies only while the deployment is still
// building under that token and the lease has not run out: a presumed-dead worker changes nothing.
namespace DeploymentsStore {

void insert(QSqlDatabase &db, const Deployment &deployment, const QString &reason);
std::optional<Deployment> deployment(QSqlDatabase &db, const QString &id);
// Newest first.
QList<Deployment> ofSite(QSqlDatabase &db, const QString &siteId, int limit);
QList<StatusChange> history(QSqlDatabase &db, const QString &id);
// Queued and building deployments of every site, oldest first.
QList<Deployment> queue(QSqlDatabase &db);

// Builds whose lease ran out: requeued while attempts remain (below maxAttempts), otherwise
// failed with "worker lost"; one that was asked to cancel ends canceled. Never left building.
QList<Transition> sweep(QSqlDatabase &db, qint64 nowMs, int maxAttempts);

struct Claim {
    std::optional<Deployment> claimed;
    QList<Transition> changes; // what the sweep before the claim did, then the claim itself
};
// allowDirectory false (a remote worker): a build from a local directory is never taken; it waits
// for a worker of the local stack.
Claim claim(QSqlDatabase &db, const QString &workerId, qint64 nowMs, qint64 leaseMs, int maxAttempts,
            bool allowDirectory = true);

// The build while the holder of `token` still holds its lease; nullopt: the lease is lost.
std::optional<Deployment> holding(QSqlDatabase &db, const QString &id, qint64 token, qint64 nowMs);

// nullopt: the lease is lost. Otherwise whether a cancel was asked for.
std::optional<bool> renew(QSqlDatabase &db, const QString &id, qint64 token, qint64 nowMs, qint64 leaseMs);

// Ends a build. nullopt: the lease is lost. A build asked to cancel ends canceled whatever the
// worker says.
std::optional<Transition> finish(QSqlDatabase &db, const QString &id, qint64 token, DeploymentStatus end,
                                 const QString &reason, qint64 artifactBytes, qint64 nowMs);

struct Cancel {
    enum Kind { NotFound, AlreadyEnded, Canceled, Requested } kind = NotFound;
    Deployment deployment;
    std::optional<Transition> change; // Canceled
};
// Queued: canceled now. Building: the worker is told on its next renew.
Cancel cancel(QSqlDatabase &db, const QString &siteId, const QString &id, const QString &reason,
              qint64 nowMs);

struct Activation {
    enum Kind { Ok, NotFound, NotReady, Pruned } kind = NotFound;
    Deployment deployment;
    QString previousLive;
};
// Switches the site's live deployment in one statement: readers see the old one or the new one.
Activation activate(QSqlDatabase &db, const QString &siteId, const QString &id, qint64 nowMs);

// Retention: marks pruned every deployment of the site beyond the newest `keep`, except the live
// one and builds in flight; answers their ids (the service deletes their files).
QStringList prune(QSqlDatabase &db, const QString &siteId, int keep);
bool remove(QSqlDatabase &db, const QString &siteId, const QString &id);

// The log. Lines of the holder are numbered from 1 in each claim; they are stored after the lines
// of earlier claims (logBase), so the log of a requeued build continues with no gap. Lines already
// stored are skipped (a retried batch); a gap refuses the batch.
struct LogAppend {
    enum Kind { Ok, LeaseLost, Gap } kind = Ok;
    QList<LogLine> stored; // with their numbers in the log
    qint64 expected = 0;   // Gap: the number the next line must have (the holder's numbering)
    QString siteId;        // the deployment's site
};
// `write(lines, committedBytes)` appends the lines to the file after its first committedBytes
// (dropping anything an earlier failed append left) and answers the new size and, for each line
// whose number is 1 mod 1000, its byte offset; it throws StoreError when the disk refuses.
using LogWriter = std::function<qint64(const QList<LogLine> &lines, qint64 committedBytes,
                                       QList<std::pair<qint64, qint64>> *marks)>;
LogAppend appendLog(QSqlDatabase &db, const QString &id, qint64 token, const QList<BuildLogLine> &lines,
                    qint64 nowMs, const LogWriter &write);
// The last mark at or before `line`: (its line, its byte offset); (1, 0) when none.
std::pair<qint64, qint64> logMark(QSqlDatabase &db, const QString &id, qint64 line);

} // namespace DeploymentsStore

} // namespace Meshdeck::Sites
