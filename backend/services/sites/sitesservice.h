#pragma once

#include "siteschannel.h"
#include "sitestypes.h"

#include "platform/buildqueue.h"
#include "platform/clock.h"
#include "platform/eventpublisher.h"
#include "platform/result.h"
#include "platform/secretbox.h"
#include "platform/service.h"
#include "platform/sitedirectory.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <QCoroTask>

#include <functional>
#include <memory>
#include <mutex>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Sites {

struct SitesSettings {
    QString dataDir;  // the node's data directory (never a deployment's source)
    QString sitesDir; // deployments live in <sitesDir>/<siteId>/deployments/<id>/ (empty: <dataDir>/sites)
    bool localStack = true;              // directory sources are allowed only on the local stack
    int retention = 10;                  // deployments kept per site (never the live one)
    qint64 maxUploadBytes = 512LL << 20; // an uploaded source.tar.gz
    int maxAttempts = 2;                 // claims of one build: a lost worker's build is requeued once
    int sweepIntervalMs = 1'000;         // how often expired leases are looked for
    const Clock *clock = &Clock::system();
};

struct DeploymentDetail {
    Deployment deployment;
    QList<StatusChange> history;
    bool live = false;
};

struct LogPage {
    QList<LogLine> lines;
    qint64 total = 0;      // committed lines so far
    bool complete = false; // the build ended: no more lines will come
};

struct QueuedBuild {
    Deployment deployment;
    QString siteName;
};

// Sites and their immutable deployments, and the build queue the workers take them from. It owns
// the database rows (stores), the files under <sitesDir>/, the events on topic `deployments`
// and the realtime channels sites.<siteId>.deployments.<deploymentId>. It sees no HTTP.
//
// As a BuildQueue it is what a build worker (in process, backend/build/) calls; its answers are
// futures that resolve on this service's thread. Every status change is published.
class SitesService : public QObject, public Service, public BuildQueue, public SiteDirectory
{
    Q_OBJECT
public:
    static constexpr auto Topic = "deployments";

    SitesService(SitesSettings settings, Storage::Database *database, EventPublisher *events,
                 SecretBox secrets, QObject *parent = nullptr);
    ~SitesService() override;

    QString name() const override { return QStringLiteral("sites"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    Realtime::ChannelProvider *channel() { return &m_channel; }
    const SitesSettings &settings() const { return m_settings; }
    BuildQueue *buildQueue() { return this; }

    // Sites.
    QCoro::Task<Result<Site>> createSite(QJsonObject json);
    QCoro::Task<Result<Site>> site(QString id);
    QCoro::Task<Result<QList<Site>>> sites();
    // Answers the site before and after.
    QCoro::Task<Result<std::pair<Site, Site>>> updateSite(QString id, QJsonObject json);
    // Removes the site, its deployments (rows and files) and its variables.
    QCoro::Task<Result<Site>> deleteSite(QString id);

    // Deployments.
    QString siteDir(const QString &siteId) const;
    QString deploymentDir(const QString &siteId, const QString &deploymentId) const;
    QString logPath(const QString &siteId, const QString &deploymentId) const;
    // A new deployment, queued. For an archive, the upload is already at
    // deploymentDir(siteId, id)/source.tar.gz (the id chosen by the caller with newId()).
    QCoro::Task<Result<Deployment>> createDeployment(QString siteId, QString id, DeploymentSource source,
                                                     QString createdBy);
    QCoro::Task<Result<QList<Deployment>>> deployments(QString siteId, int limit);
    QCoro::Task<Result<DeploymentDetail>> deployment(QString siteId, QString id);
    QCoro::Task<Result<Deployment>> cancel(QString siteId, QString id, QString actor);
    QCoro::Task<Result<Deployment>> redeploy(QString siteId, QString id, QString createdBy);
    // The site after the switch; rollback is an activate of an earlier ready deployment.
    QCoro::Task<Result<Site>> activate(QString siteId, QString id);
    QCoro::Task<Result<Deployment>> deleteDeployment(QString siteId, QString id);
    QCoro::Task<Result<LogPage>> readLog(QString siteId, QString id, qint64 fromLine, int limit);
    QCoro::Task<Result<QList<QueuedBuild>>> builds();

    // Variables: values sealed with the secret box; a secret's value is never answered.
    QCoro::Task<Result<QList<Variable>>> variables(QString siteId);
    QCoro::Task<Result<Variable>> createVariable(QString siteId, QJsonObject json);
    QCoro::Task<Result<std::pair<Variable, Variable>>> updateVariable(QString siteId, QString id,
                                                                      QJsonObject json);
    QCoro::Task<Result<Variable>> deleteVariable(QString siteId, QString id);
    // The plain value of a variable that is not secret (for answers); nullopt for a secret.
    std::optional<QString> plainValue(const Variable &variable) const;

    // Fails or requeues builds whose lease expired now (the timer does this every sweepIntervalMs).
    QCoro::Task<Result<int>> sweep();

    // BuildQueue.
    QFuture<Result<std::optional<BuildJob>>> claim(QString workerId, std::chrono::seconds lease) override;
    QFuture<Result<LeaseState>> renew(QString deploymentId, qint64 fencingToken,
                                      std::chrono::seconds lease) override;
    QFuture<Result<void>> appendLog(QString deploymentId, qint64 fencingToken,
                                    QList<BuildLogLine> lines) override;
    QFuture<Result<void>> finish(QString deploymentId, qint64 fencingToken, BuildOutcome outcome) override;

    // The same queue for a worker in another process (the /v1/builds/… worker routes). A remote
    // claim never takes a build from a local directory (local stack only).
    QCoro::Task<Result<std::optional<BuildJob>>> claimBuild(QString workerId, qint64 leaseMs,
                                                            bool remote = false);
    QCoro::Task<Result<LeaseState>> renewLease(QString deploymentId, qint64 fencingToken, qint64 leaseMs);
    QCoro::Task<Result<void>> appendLines(QString deploymentId, qint64 fencingToken,
                                          QList<BuildLogLine> lines);
    QCoro::Task<Result<void>> finishBuild(QString deploymentId, qint64 fencingToken, BuildOutcome outcome);
    // The build while `fencingToken` holds its lease; Conflict "lease-lost" otherwise.
    QCoro::Task<Result<Deployment>> heldBuild(QString deploymentId, qint64 fencingToken);

    // SiteDirectory: what the gateway serves, from a snapshot replaced whole after every change of a
    // site or of its live deployment (and, in cluster mode, on each sweep: another node may have
    // activated), so one request sees one deployment.
    LiveSitePtr siteById(QStringView siteId) const override;
    LiveSitePtr siteByName(QStringView name) const override;

    // Cluster mode: builds, logs and status changes happen on every node, and each node's channel
    // subscribers get them from the database. `announce` tells the other nodes at once that a
    // deployment changed here (through Redis); without a word, the sweep timer reads every
    // watched deployment again.
    void
    setClusterAnnouncer(std::function<void(const QString &siteId, const QString &deploymentId)> announce);
    // Reads what the database committed for a deployment with subscribers on this node, and sends
    // each of them what it lacks, in order. Does nothing on the local stack.
    void catchUp(const QString &siteId, const QString &deploymentId);
    void catchUpAll();

Q_SIGNALS:
    // A build was queued: an idle worker may claim it now (connect to the worker's wake()).
    void buildQueued();

private:
    QCoro::Task<void> applyRetention(QString siteId);
    QCoro::Task<Result<Deployment>> queueDeployment(Deployment deployment, QString reason);
    // Events and channel messages for status changes that were just committed.
    void published(const QList<Transition> &changes);
    void onSweepTimer();
    QCoro::Task<void> refreshDirectory();
    QCoro::Task<void> catchUpNow(QString siteId, QString deploymentId);
    void announce(const QString &siteId, const QString &deploymentId);

    struct Directory {
        QHash<QString, LiveSitePtr> byId;
        QHash<QString, LiveSitePtr> byName;
    };
    mutable std::mutex m_directoryMutex;
    std::shared_ptr<const Directory> m_directory = std::make_shared<Directory>();
    quint64 m_directoryReads = 0;     // refreshes started (service thread)
    quint64 m_directoryInstalled = 0; // the newest refresh whose snapshot is in m_directory

    SitesSettings m_settings;
    Storage::Database *m_database;
    EventPublisher *m_events;
    SecretBox m_secrets;
    SitesChannel m_channel;
    QTimer m_sweepTimer;
    bool m_sweeping = false;
    std::function<void(const QString &, const QString &)> m_announce;
    QSet<QString> m_catching;   // deployments being caught up ("siteId/deploymentId")
    QSet<QString> m_catchAgain; // ... and asked again meanwhile
};

} // namespace Meshdeck::Sites
