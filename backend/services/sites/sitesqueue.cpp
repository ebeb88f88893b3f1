// SitesService as the BuildQueue: claim, renew, log and finish under a lease and a fencing token;
// the sweep of expired leases; retention; the events and channel messages of every status change.
#include "buildlogfile.h"
#include "deploymentsstore.h"
#include "sitesservice.h"
#include "sitesstore.h"

#include "storage/database.h"

#include <QDir>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPromise>

Q_DECLARE_LOGGING_CATEGORY(lcSites)

namespace Meshdeck::Sites {

namespace {
// A future that resolves with what the task returns (the seam speaks QFuture; the service, tasks).
template<typename T> QFuture<T> futureOf(QCoro::Task<T> task)
{
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    task.then([promise](T value) {
        promise->addResult(std::move(value));
        promise->finish();
    });
    return future;
}

Error leaseLost(const QString &deploymentId)
{
    return Error::conflict(
        QStringLiteral("lease lost: build %1 is no longer yours (its lease expired, it was "
                       "requeued, canceled or deleted); stop and write nothing more.")
            .arg(deploymentId),
        "lease-lost");
}

struct Claimed {
    DeploymentsStore::Claim claim;
    std::optional<BuildJob> job;
};

BuildJob jobFor(const Deployment &d, const Site &site, const QList<Variable> &variables,
                const SecretBox &secrets, const QString &deploymentDir)
{
    BuildJob job;
    job.deploymentId = d.id;
    job.siteId = d.siteId;
    job.fencingToken = d.fencingToken;
    job.workerId = d.worker;
    job.sourceKind = d.source.kind;
    job.sourcePath = d.source.kind == BuildSourceKind::Directory
                         ? d.source.path
                         : deploymentDir + QStringLiteral("/source.tar.gz");
    job.gitUrl = d.source.gitUrl;
    job.gitBranch = d.source.gitBranch;
    job.framework = site.spec.framework;
    job.installCommand = site.spec.installCommand;
    job.buildCommand = site.spec.buildCommand;
    job.outputDirectory = site.spec.outputDirectory;
    job.network = site.spec.network;
    job.timeoutSeconds = site.spec.buildTimeoutSeconds;
    job.limits = site.spec.limits;
    job.deploymentDir = deploymentDir + QLatin1Char('/');
    for (const Variable &v : variables) {
        const std::optional<QByteArray> value = secrets.open(v.sealedValue);
        if (!value) {
            qCWarning(lcSites).noquote()
                << "variable" << v.name << "of site" << site.id
                << "does not open with this node's secret key; left out of the build";
            continue;
        }
        job.variables.append({v.name, QString::fromUtf8(*value), v.secret});
    }
    return job;
}
} // namespace

QFuture<Result<std::optional<BuildJob>>> SitesService::claim(QString workerId, std::chrono::seconds lease)
{
    return futureOf(claimBuild(std::move(workerId), qint64(lease.count()) * 1000));
}

QFuture<Result<LeaseState>> SitesService::renew(QString deploymentId, qint64 fencingToken,
                                                std::chrono::seconds lease)
{
    return futureOf(renewLease(std::move(deploymentId), fencingToken, qint64(lease.count()) * 1000));
}

QFuture<Result<void>> SitesService::appendLog(QString deploymentId, qint64 fencingToken,
                                              QList<BuildLogLine> lines)
{
    return futureOf(appendLines(std::move(deploymentId), fencingToken, std::move(lines)));
}

QFuture<Result<void>> SitesService::finish(QString deploymentId, qint64 fencingToken, BuildOutcome outcome)
{
    return futureOf(finishBuild(std::move(deploymentId), fencingToken, std::move(outcome)));
}

QCoro::Task<Result<std::optional<BuildJob>>> SitesService::claimBuild(QString workerId, qint64 leaseMs,
                                                                      bool remote)
{
    if (workerId.isEmpty() || leaseMs <= 0)
        co_return Error::invalid(QStringLiteral("workerId"),
                                 QStringLiteral("A claim names its worker and a lease."));
    const qint64 now = m_settings.clock->nowMs();
    const int maxAttempts = m_settings.maxAttempts;
    const SecretBox secrets = m_secrets;
    const QString root = m_settings.sitesDir + QLatin1Char('/');
    QCoro::Task<Result<Claimed>> claiming =
        m_database->attempt([workerId, now, leaseMs, maxAttempts, secrets, root, remote](QSqlDatabase &db) {
            Claimed result{DeploymentsStore::claim(db, workerId, now, leaseMs, maxAttempts, !remote),
                           std::nullopt};
            if (const std::optional<Deployment> &d = result.claim.claimed) {
                const std::optional<Site> site = SitesStore::site(db, d->siteId);
                if (!site) {
                    // Its site was deleted as it was queued: the build has nothing to build. Throwing
                    // here would leave it the oldest queued row and stop every later claim.
                    DeploymentsStore::remove(db, d->siteId, d->id);
                    result.claim.claimed.reset();
                    if (!result.claim.changes.isEmpty())
                        result.claim.changes.removeLast(); // the claim's own; the sweep's stand
                    return result;
                }
                result.job = jobFor(*d, *site, SitesStore::variables(db, d->siteId), secrets,
                                    root + d->siteId + QStringLiteral("/deployments/") + d->id);
            }
            return result;
        });
    const Result<Claimed> claimed = co_await claiming;
    if (!claimed)
        co_return claimed.error();
    published(claimed->claim.changes);
    co_return claimed->job;
}

QCoro::Task<Result<LeaseState>> SitesService::renewLease(QString deploymentId, qint64 fencingToken,
                                                         qint64 leaseMs)
{
    const qint64 now = m_settings.clock->nowMs();
    QCoro::Task<Result<std::optional<bool>>> renewing =
        m_database->attempt([deploymentId, fencingToken, now, leaseMs](QSqlDatabase &db) {
            return DeploymentsStore::renew(db, deploymentId, fencingToken, now, leaseMs);
        });
    const Result<std::optional<bool>> renewed = co_await renewing;
    if (!renewed)
        co_return renewed.error();
    if (!renewed->has_value())
        co_return leaseLost(deploymentId);
    co_return LeaseState{**renewed};
}

QCoro::Task<Result<Deployment>> SitesService::heldBuild(QString deploymentId, qint64 fencingToken)
{
    const qint64 now = m_settings.clock->nowMs();
    QCoro::Task<Result<std::optional<Deployment>>> reading =
        m_database->attempt([deploymentId, fencingToken, now](QSqlDatabase &db) {
            return DeploymentsStore::holding(db, deploymentId, fencingToken, now);
        });
    const Result<std::optional<Deployment>> held = co_await reading;
    if (!held)
        co_return held.error();
    if (!held->has_value())
        co_return leaseLost(deploymentId);
    co_return **held;
}

QCoro::Task<Result<void>> SitesService::appendLines(QString deploymentId, qint64 fencingToken,
                                                    QList<BuildLogLine> lines)
{
    const qint64 now = m_settings.clock->nowMs();
    SitesChannel *channel = &m_channel;
    const QString root = m_settings.sitesDir + QLatin1Char('/');
    QCoro::Task<Result<DeploymentsStore::LogAppend>> appending =
        m_database->attempt([deploymentId, fencingToken, lines, now, channel, root](QSqlDatabase &db) {
            const std::optional<Deployment> d = DeploymentsStore::deployment(db, deploymentId);
            if (!d)
                return DeploymentsStore::LogAppend{DeploymentsStore::LogAppend::LeaseLost, {}, 0, {}};
            const QString path =
                root + d->siteId + QStringLiteral("/deployments/") + d->id + QStringLiteral("/build.log");
            // From the file write to the post: a subscriber replaying the file sees each line once.
            std::lock_guard lock(channel->logMutex());
            DeploymentsStore::LogAppend appended =
                DeploymentsStore::appendLog(db, deploymentId, fencingToken, lines, now,
                                            [path](const QList<LogLine> &stored, qint64 committed,
                                                   QList<std::pair<qint64, qint64>> *marks) {
                                                return BuildLogFile::append(path, stored, committed, marks);
                                            });
            if (appended.kind == DeploymentsStore::LogAppend::Ok)
                channel->postLogLocked(d->siteId, d->id, appended.stored);
            appended.siteId = d->siteId;
            return appended;
        });
    const Result<DeploymentsStore::LogAppend> appended = co_await appending;
    if (!appended)
        co_return appended.error();
    switch (appended->kind) {
    case DeploymentsStore::LogAppend::LeaseLost:
        co_return leaseLost(deploymentId);
    case DeploymentsStore::LogAppend::Gap:
        co_return Error::invalid(QStringLiteral("lines"),
                                 QStringLiteral("The log of build %1 continues with line %2; send the lines "
                                                "from there, with no gap.")
                                     .arg(deploymentId)
                                     .arg(appended->expected),
                                 "log-gap");
    case DeploymentsStore::LogAppend::Ok:
        break;
    }
    if (!m_settings.localStack && !appended->stored.isEmpty())
        announce(appended->siteId, deploymentId);
    co_return Result<void>();
}

QCoro::Task<Result<void>> SitesService::finishBuild(QString deploymentId, qint64 fencingToken,
                                                    BuildOutcome outcome)
{
    const qint64 now = m_settings.clock->nowMs();
    const DeploymentStatus end = outcome.end == BuildEnd::Ready    ? DeploymentStatus::Ready
                                 : outcome.end == BuildEnd::Failed ? DeploymentStatus::Failed
                                                                   : DeploymentStatus::Canceled;
    QString reason = outcome.reason;
    if (reason.isEmpty())
        reason = end == DeploymentStatus::Ready ? QStringLiteral("built") : statusName(end);
    const qint64 bytes = outcome.artifactBytes;
    QCoro::Task<Result<std::optional<Transition>>> finishing =
        m_database->attempt([deploymentId, fencingToken, end, reason, bytes, now](QSqlDatabase &db) {
            return DeploymentsStore::finish(db, deploymentId, fencingToken, end, reason, bytes, now);
        });
    const Result<std::optional<Transition>> finished = co_await finishing;
    if (!finished)
        co_return finished.error();
    if (!finished->has_value())
        co_return leaseLost(deploymentId);
    published({**finished});
    co_return Result<void>();
}

QCoro::Task<Result<int>> SitesService::sweep()
{
    const qint64 now = m_settings.clock->nowMs();
    const int maxAttempts = m_settings.maxAttempts;
    QCoro::Task<Result<QList<Transition>>> sweeping = m_database->attempt(
        [now, maxAttempts](QSqlDatabase &db) { return DeploymentsStore::sweep(db, now, maxAttempts); });
    const Result<QList<Transition>> swept = co_await sweeping;
    if (!swept)
        co_return swept.error();
    published(*swept);
    co_return int(swept->size());
}

void SitesService::onSweepTimer()
{
    if (!m_settings.localStack) { // another node may have activated a deployment: serve what it serves
        QCoro::connect(refreshDirectory(), this, [] {});
        catchUpAll(); // and built, logged or finished a deployment followed here
    }
    if (m_sweeping)
        return;
    m_sweeping = true;
    QCoro::connect(sweep(), this, [this](const Result<int> &swept) {
        m_sweeping = false;
        if (!swept)
            qCWarning(lcSites).noquote()
                << "the sweep of expired build leases failed:" << swept.error().reason;
    });
}

void SitesService::published(const QList<Transition> &changes)
{
    const qint64 now = m_settings.clock->nowMs();
    QStringList ended;
    for (const Transition &change : changes) {
        const Deployment &d = change.deployment;
        if (m_settings.localStack) {
            m_channel.postStatus(change, now);
        } else { // every node's subscribers read the change from the database, in order
            catchUp(d.siteId, d.id);
            announce(d.siteId, d.id);
        }
        if (m_events) {
            const QJsonObject data{{QStringLiteral("deploymentId"), d.id},
                                   {QStringLiteral("siteId"), d.siteId},
                                   {QStringLiteral("status"), statusName(d.status)},
                                   {QStringLiteral("from"), statusName(change.from)},
                                   {QStringLiteral("reason"), d.reason},
                                   {QStringLiteral("worker"), d.worker},
                                   {QStringLiteral("at"), isoTime(now)}};
            m_events->publishEvents(QString::fromLatin1(Topic),
                                    {EventInput{QStringLiteral("deployment.status_changed"),
                                                d.id,
                                                QJsonDocument(data).toJson(QJsonDocument::Compact),
                                                {}}},
                                    {});
        }
        if (d.status == DeploymentStatus::Queued && change.from == DeploymentStatus::Building)
            Q_EMIT buildQueued(); // requeued after a lost worker
        if (isFinal(d.status) && !ended.contains(d.siteId))
            ended.append(d.siteId);
    }
    for (const QString &siteId : std::as_const(ended))
        QCoro::connect(applyRetention(siteId), this, [] {});
}

QCoro::Task<void> SitesService::applyRetention(QString siteId)
{
    const int keep = m_settings.retention;
    QCoro::Task<Result<QStringList>> pruning = m_database->attempt(
        [siteId, keep](QSqlDatabase &db) { return DeploymentsStore::prune(db, siteId, keep); });
    const Result<QStringList> pruned = co_await pruning;
    if (!pruned) {
        qCWarning(lcSites).noquote() << "retention of site" << siteId << "failed:" << pruned.error().reason;
        co_return;
    }
    for (const QString &id : *pruned)
        QDir(deploymentDir(siteId, id)).removeRecursively();
}

} // namespace Meshdeck::Sites
