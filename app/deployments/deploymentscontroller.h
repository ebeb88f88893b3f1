#pragma once

#include "buildlogmodel.h"
#include "deploymentsmodels.h"

#include <QObject>
#include <QQmlEngine>
#include <QTemporaryDir>

#include <QCoroTask>

#include <memory>

namespace Meshdeck::Console {

class ApiClient;
class RealtimeClient;

// The Deployments page: the sites, the selected site's deployments and variables, the build queue,
// and the selected deployment's log. Every change of any deployment (whichever console or worker
// made it) is an event on the `deployments` topic; on each the lists are fetched again, so several
// consoles agree and a deployment another console started shows up. The selected deployment's own
// channel (sites.<siteId>.deployments.<id>) brings its status at once and its log lines.
class DeploymentsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.deployments")
    Q_PROPERTY(Meshdeck::Console::SitesModel *sites READ sites CONSTANT)
    Q_PROPERTY(Meshdeck::Console::DeploymentsModel *deployments READ deployments CONSTANT)
    Q_PROPERTY(Meshdeck::Console::VariablesModel *variables READ variables CONSTANT)
    Q_PROPERTY(Meshdeck::Console::BuildQueueModel *queue READ queue CONSTANT)
    Q_PROPERTY(Meshdeck::Console::BuildWorkersModel *workers READ workers CONSTANT)
    Q_PROPERTY(Meshdeck::Console::BuildLogModel *log READ log CONSTANT)
    Q_PROPERTY(QString selectedSite READ selectedSite WRITE setSelectedSite NOTIFY selectedSiteChanged)
    Q_PROPERTY(QString selectedDeployment READ selectedDeployment WRITE setSelectedDeployment NOTIFY
                   selectedDeploymentChanged)
    Q_PROPERTY(QString liveDeployment READ liveDeployment NOTIFY liveDeploymentChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    // The log of the selected deployment could not be fetched (its reason), else empty.
    Q_PROPERTY(QString logError READ logError NOTIFY logErrorChanged)
public:
    DeploymentsController(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);
    ~DeploymentsController() override;

    SitesModel *sites() { return &m_sites; }
    DeploymentsModel *deployments() { return &m_deployments; }
    VariablesModel *variables() { return &m_variables; }
    BuildQueueModel *queue() { return &m_queue; }
    BuildWorkersModel *workers() { return &m_workers; }
    BuildLogModel *log() { return &m_log; }
    QString selectedSite() const { return m_site; }
    void setSelectedSite(const QString &siteId);
    QString selectedDeployment() const { return m_deployment; }
    void setSelectedDeployment(const QString &deploymentId);
    QString liveDeployment() const;
    bool isBusy() const { return m_busy > 0; }
    QString logError() const { return m_logError; }

    // Follows the deployments topic and loads the sites and the queue; called once connected.
    void start();
    // Another backend: everything of the previous one goes, replies in flight from it are dropped.
    void reset();
    // F5: everything again.
    Q_INVOKABLE void refresh();

    // The actions; each reports through actionFinished (a failure as the problem's detail).
    Q_INVOKABLE void createSite(const QString &name, const QString &framework, const QString &buildCommand,
                                const QString &outputDirectory);
    Q_INVOKABLE void deployArchive(const QUrl &file);
    Q_INVOKABLE void deployGit(const QString &url, const QString &branch);
    Q_INVOKABLE void deployDirectory(const QUrl &directory);
    // Activate makes a ready deployment live; a rollback is an activate of an older ready one.
    Q_INVOKABLE void activate(const QString &deploymentId);
    Q_INVOKABLE void cancel(const QString &deploymentId);
    Q_INVOKABLE void redeploy(const QString &deploymentId);
    Q_INVOKABLE void deleteDeployment(const QString &deploymentId);
    Q_INVOKABLE void setVariable(const QString &name, const QString &value, bool secret);
    Q_INVOKABLE void deleteVariable(const QString &variableId);
    // What an action will do, as its confirmation says it.
    Q_INVOKABLE QString describeAction(const QString &action, const QString &deploymentId) const;

Q_SIGNALS:
    void selectedSiteChanged();
    void selectedDeploymentChanged();
    void liveDeploymentChanged();
    void busyChanged();
    void logErrorChanged();
    void actionFinished(bool ok, const QString &message);
    // A build of a site failed (for the desktop notification).
    void buildFailed(const QString &siteName, const QString &deploymentId, const QString &reason);

private:
    void onEvent(const QString &channel, const QJsonObject &event);
    void onMessage(const QString &channel, const QJsonObject &message);
    void followDeployment(const QString &deploymentId);
    void setLogError(const QString &error);
    QString channelOf(const QString &deploymentId) const;
    QCoro::Task<void> loadSites();
    QCoro::Task<void> loadDeployments();
    QCoro::Task<void> loadVariables();
    QCoro::Task<void> loadQueue();
    QCoro::Task<void> loadWorkers();
    QCoro::Task<void> loadLog(QString deploymentId, qint64 fromLine);
    QCoro::Task<void> act(QByteArray method, QString path, QByteArray body, QString doneMessage);
    QCoro::Task<void> uploadArchive(QString path, QString file, QString doneMessage);

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    SitesModel m_sites;
    DeploymentsModel m_deployments;
    VariablesModel m_variables;
    BuildQueueModel m_queue;
    BuildWorkersModel m_workers;
    BuildLogModel m_log;
    QString m_site;
    QString m_deployment;
    QString m_followed; // the channel of the deployment whose log is shown
    QString m_logError;
    std::unique_ptr<QTemporaryDir> m_logDir; // the remote log, cached on disk for BuildLogModel
    bool m_started = false;
    bool m_logLoading = false;
    bool m_resumeWanted = false; // a gap was seen while pages were being read
    int m_busy = 0;
    quint64 m_attachment = 0;
};

} // namespace Meshdeck::Console
