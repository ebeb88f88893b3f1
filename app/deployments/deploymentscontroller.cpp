#include "deploymentscontroller.h"

#include "api/apiclient.h"
#include "api/realtimeclient.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcDeployments, "meshdeck.console.deployments")

namespace Meshdeck::Console {

namespace {
const QString EventsChannel = QStringLiteral("events.deployments");
constexpr int LogPageLines = 10000;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

DeploymentsController::DeploymentsController(ApiClient *api, RealtimeClient *realtime, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_realtime(realtime)
{
    connect(m_realtime, &RealtimeClient::event, this, &DeploymentsController::onEvent);
    connect(m_realtime, &RealtimeClient::message, this, &DeploymentsController::onMessage);
    connect(m_realtime, &RealtimeClient::problem, this,
            [this](const QString &channel, const QString &reason) {
                if (channel == EventsChannel)
                    m_deployments.setError(reason);
                else if (!m_followed.isEmpty() && channel == m_followed)
                    setLogError(reason);
            });
    // Subscribed again after a reconnect: lines written while the socket was down are read by
    // pages (a build that ended meanwhile sends no later line that would reveal the gap).
    connect(m_realtime, &RealtimeClient::subscribed, this, [this](const QString &channel) {
        if (m_followed.isEmpty() || channel != m_followed || m_deployment.isEmpty())
            return;
        if (m_logLoading)
            m_resumeWanted = true;
        else
            QCoro::connect(loadLog(m_deployment, m_log.lineCount() + 1), this, [] {});
    });
    // A gap in the live lines (a reconnect): the log from the first missing line, by pages.
    connect(&m_log, &BuildLogModel::resumeNeeded, this, [this](qint64 fromLine) {
        if (m_deployment.isEmpty())
            return;
        if (m_logLoading)
            m_resumeWanted = true; // the pages being read may not reach it: loadLog reads on
        else
            QCoro::connect(loadLog(m_deployment, fromLine), this, [] {});
    });
}

DeploymentsController::~DeploymentsController()
{
    if (!m_followed.isEmpty())
        m_realtime->unsubscribe(m_followed);
}

void DeploymentsController::start()
{
    if (m_started)
        return;
    m_started = true;
    m_realtime->subscribe(EventsChannel);
    refresh();
}

void DeploymentsController::reset()
{
    ++m_attachment;
    setSelectedDeployment({});
    m_site.clear();
    Q_EMIT selectedSiteChanged();
    Q_EMIT liveDeploymentChanged();
    for (JsonListModel *model : std::initializer_list<JsonListModel *>{&m_sites, &m_deployments, &m_variables,
                                                                       &m_queue, &m_workers}) {
        model->setRows(QList<QJsonObject>());
        model->setLoading(false);
    }
}

void DeploymentsController::refresh()
{
    QCoro::connect(loadSites(), this, [] {});
    QCoro::connect(loadQueue(), this, [] {});
    if (!m_site.isEmpty()) {
        QCoro::connect(loadDeployments(), this, [] {});
        QCoro::connect(loadVariables(), this, [] {});
    }
}

void DeploymentsController::setSelectedSite(const QString &siteId)
{
    if (siteId == m_site)
        return;
    m_site = siteId;
    setSelectedDeployment({});
    m_deployments.setRows(QList<QJsonObject>());
    m_variables.setRows(QList<QJsonObject>());
    Q_EMIT selectedSiteChanged();
    Q_EMIT liveDeploymentChanged();
    if (!m_site.isEmpty()) {
        QCoro::connect(loadDeployments(), this, [] {});
        QCoro::connect(loadVariables(), this, [] {});
    }
}

void DeploymentsController::setSelectedDeployment(const QString &deploymentId)
{
    if (deploymentId == m_deployment)
        return;
    m_deployment = deploymentId;
    Q_EMIT selectedDeploymentChanged();
    followDeployment(deploymentId);
}

QString DeploymentsController::liveDeployment() const
{
    return str(m_sites.site(m_site), "liveDeploymentId");
}

QString DeploymentsController::channelOf(const QString &deploymentId) const
{
    return QStringLiteral("sites.%1.deployments.%2").arg(m_site, deploymentId);
}

void DeploymentsController::setLogError(const QString &error)
{
    if (error == m_logError)
        return;
    m_logError = error;
    Q_EMIT logErrorChanged();
}

void DeploymentsController::followDeployment(const QString &deploymentId)
{
    if (!m_followed.isEmpty()) {
        m_realtime->unsubscribe(m_followed);
        m_followed.clear();
    }
    setLogError({});
    m_logLoading = false;
    if (deploymentId.isEmpty()) {
        m_log.setSource({});
        return;
    }
    // The log is cached in a file of its own, so BuildLogModel reads it from disk like a local one.
    if (!m_logDir)
        m_logDir = std::make_unique<QTemporaryDir>();
    const QString path = m_logDir->filePath(deploymentId + QStringLiteral(".log"));
    QFile::remove(path);
    QFile created(path);
    if (!m_logDir->isValid() || !created.open(QIODevice::WriteOnly)) {
        setLogError(tr("Cannot keep the log on disk: %1").arg(created.errorString()));
        return;
    }
    created.close();
    m_log.setSource(QUrl::fromLocalFile(path));
    // Live lines first, then the pages from line 1: appendLines() skips what it already has, so
    // the two meet with no gap and no duplicate.
    m_followed = channelOf(deploymentId);
    m_realtime->subscribe(m_followed);
    QCoro::connect(loadLog(deploymentId, 1), this, [] {});
}

void DeploymentsController::onEvent(const QString &channel, const QJsonObject &event)
{
    if (channel != EventsChannel)
        return;
    const QJsonObject data = event.value(QStringLiteral("data")).toObject();
    const QString siteId = str(data, "siteId");
    if (str(data, "status") == QLatin1String("failed")) {
        const QString siteName = str(m_sites.site(siteId), "name");
        Q_EMIT buildFailed(siteName.isEmpty() ? siteId : siteName, str(data, "deploymentId"),
                           str(data, "reason"));
    }
    QCoro::connect(loadQueue(), this, [] {});
    if (!m_site.isEmpty() && (siteId.isEmpty() || siteId == m_site))
        QCoro::connect(loadDeployments(), this, [] {});
}

void DeploymentsController::onMessage(const QString &channel, const QJsonObject &message)
{
    if (m_followed.isEmpty() || channel != m_followed)
        return;
    const QString type = str(message, "type");
    if (type == QLatin1String("log")) {
        m_log.appendLines(message.value(QStringLiteral("line")).toInteger(),
                          QStringList{str(message, "text")});
    } else if (type == QLatin1String("status")) {
        m_deployments.applyStatus(str(message, "deploymentId"), str(message, "status"),
                                  str(message, "reason"));
    }
}

QCoro::Task<void> DeploymentsController::loadSites()
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    m_sites.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/sites"));
    if (!self || attachment != m_attachment)
        co_return;
    m_sites.setLoading(false);
    if (!reply.ok()) {
        m_sites.fail(tr("Could not load the sites: %1").arg(reply.error));
        co_return;
    }
    m_sites.setRows(reply.json.object().value(QStringLiteral("sites")).toArray());
    Q_EMIT liveDeploymentChanged();
}

QCoro::Task<void> DeploymentsController::loadDeployments()
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    const QString site = m_site;
    m_deployments.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/sites/%1/deployments").arg(site));
    if (!self || attachment != m_attachment || site != m_site)
        co_return;
    m_deployments.setLoading(false);
    if (!reply.ok()) {
        m_deployments.fail(tr("Could not load the deployments: %1").arg(reply.error));
        co_return;
    }
    m_deployments.setRows(reply.json.object().value(QStringLiteral("deployments")).toArray());
}

QCoro::Task<void> DeploymentsController::loadVariables()
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    const QString site = m_site;
    m_variables.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/sites/%1/variables").arg(site));
    if (!self || attachment != m_attachment || site != m_site)
        co_return;
    m_variables.setLoading(false);
    if (!reply.ok()) {
        m_variables.fail(tr("Could not load the variables: %1").arg(reply.error));
        co_return;
    }
    m_variables.setRows(reply.json.object().value(QStringLiteral("variables")).toArray());
}

QCoro::Task<void> DeploymentsController::loadQueue()
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    m_queue.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/builds"));
    if (!self || attachment != m_attachment)
        co_return;
    m_queue.setLoading(false);
    if (!reply.ok()) {
        m_queue.fail(tr("Could not load the build queue: %1").arg(reply.error));
        co_return;
    }
    m_queue.setRows(reply.json.object().value(QStringLiteral("builds")).toArray());
    m_workers.setQueue(m_queue.rows());
    QCoro::connect(loadWorkers(), this, [] {});
}

// The workers come from the registry; 404 there means no worker has registered.
QCoro::Task<void> DeploymentsController::loadWorkers()
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    m_workers.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/registry/services/build-worker/instances"));
    if (!self || attachment != m_attachment)
        co_return;
    m_workers.setLoading(false);
    if (reply.status == 404) {
        m_workers.setRows(QList<QJsonObject>());
        co_return;
    }
    if (!reply.ok()) {
        m_workers.fail(tr("Could not load the build workers: %1").arg(reply.error));
        co_return;
    }
    m_workers.setRows(reply.json.object().value(QStringLiteral("instances")).toArray());
}

QCoro::Task<void> DeploymentsController::loadLog(QString deploymentId, qint64 fromLine)
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    const QString site = m_site;
    m_logLoading = true;
    m_resumeWanted = false;
    m_log.setLoading(true);
    qint64 next = fromLine;
    for (;;) {
        const ApiReply reply =
            co_await m_api->get(QStringLiteral("/v1/sites/%1/deployments/%2/log?fromLine=%3&limit=%4")
                                    .arg(site, deploymentId)
                                    .arg(next)
                                    .arg(LogPageLines));
        if (!self || attachment != m_attachment || deploymentId != m_deployment || site != m_site)
            co_return;
        if (!reply.ok()) {
            m_logLoading = false;
            m_log.setLoading(false);
            setLogError(tr("Could not load the build log: %1").arg(reply.error));
            co_return;
        }
        const QJsonObject page = reply.json.object();
        const QJsonArray lines = page.value(QStringLiteral("lines")).toArray();
        qint64 expected = next;
        if (!lines.isEmpty()) {
            QStringList texts;
            texts.reserve(lines.size());
            for (const QJsonValue &l : lines)
                texts << str(l.toObject(), "text");
            expected =
                m_log.appendLines(lines.first().toObject().value(QStringLiteral("line")).toInteger(), texts);
        }
        const qint64 after = page.value(QStringLiteral("nextLine")).toInteger();
        const bool more = !lines.isEmpty() && after > next &&
                          !page.value(QStringLiteral("complete")).toBool() &&
                          after <= page.value(QStringLiteral("total")).toInteger();
        if (more) {
            next = after;
            continue;
        }
        // A live line refused while the pages were read (it came before the lines it follows):
        // read on from the line the log expects, or it would stay missing once the build is quiet.
        if (m_resumeWanted && !lines.isEmpty()) {
            m_resumeWanted = false;
            next = expected;
            continue;
        }
        break;
    }
    m_logLoading = false;
    m_log.setLoading(false);
}

QString DeploymentsController::describeAction(const QString &action, const QString &deploymentId) const
{
    const QString site = str(m_sites.site(m_site), "name");
    const QString live = liveDeployment();
    if (action == QLatin1String("activate")) {
        if (live.isEmpty())
            return tr("Activate deployment %1: site %2 will serve it.").arg(deploymentId, site);
        const bool older = m_deployments.rowOf(deploymentId) > m_deployments.rowOf(live);
        return (older
                    ? tr("Roll back to deployment %1: site %2 will serve it instead of %3, with no rebuild.")
                    : tr("Activate deployment %1: site %2 will serve it instead of %3."))
            .arg(deploymentId, site, live);
    }
    if (action == QLatin1String("cancel"))
        return tr("Cancel deployment %1: its build stops and it will not be served.").arg(deploymentId);
    if (action == QLatin1String("redeploy"))
        return tr("Redeploy %1: the same source is built again as a new deployment; the live one stays until "
                  "you "
                  "activate the new one.")
            .arg(deploymentId);
    if (action == QLatin1String("delete"))
        return tr("Delete deployment %1: its source, build and log are removed; it cannot be activated "
                  "again.")
            .arg(deploymentId);
    return {};
}

void DeploymentsController::createSite(const QString &name, const QString &framework,
                                       const QString &buildCommand, const QString &outputDirectory)
{
    QJsonObject body{{QStringLiteral("name"), name}};
    if (!framework.isEmpty())
        body.insert(QStringLiteral("framework"), framework);
    if (!buildCommand.isEmpty())
        body.insert(QStringLiteral("buildCommand"), buildCommand);
    if (!outputDirectory.isEmpty())
        body.insert(QStringLiteral("outputDirectory"), outputDirectory);
    QCoro::connect(act("POST", QStringLiteral("/v1/sites"), compact(body), tr("Site %1 created.").arg(name)),
                   this, [] {});
}

void DeploymentsController::deployArchive(const QUrl &file)
{
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    QCoro::connect(uploadArchive(QStringLiteral("/v1/sites/%1/deployments").arg(m_site), path,
                                 tr("Deployment of %1 queued.").arg(QFileInfo(path).fileName())),
                   this, [] {});
}

void DeploymentsController::deployGit(const QString &url, const QString &branch)
{
    const QJsonObject body{{QStringLiteral("source"), QStringLiteral("git")},
                           {QStringLiteral("url"), url},
                           {QStringLiteral("branch"), branch.isEmpty() ? QStringLiteral("main") : branch}};
    QCoro::connect(act("POST", QStringLiteral("/v1/sites/%1/deployments").arg(m_site), compact(body),
                       tr("Deployment of %1 (%2) queued.").arg(url, str(body, "branch"))),
                   this, [] {});
}

void DeploymentsController::deployDirectory(const QUrl &directory)
{
    const QString path = directory.isLocalFile() ? directory.toLocalFile() : directory.toString();
    const QJsonObject body{{QStringLiteral("source"), QStringLiteral("directory")},
                           {QStringLiteral("path"), QDir::cleanPath(path)}};
    QCoro::connect(act("POST", QStringLiteral("/v1/sites/%1/deployments").arg(m_site), compact(body),
                       tr("Deployment of %1 queued.").arg(path)),
                   this, [] {});
}

void DeploymentsController::activate(const QString &deploymentId)
{
    QCoro::connect(act("PATCH",
                       QStringLiteral("/v1/sites/%1/deployments/%2/activate").arg(m_site, deploymentId), {},
                       tr("Deployment %1 is live.").arg(deploymentId)),
                   this, [] {});
}

void DeploymentsController::cancel(const QString &deploymentId)
{
    QCoro::connect(act("POST", QStringLiteral("/v1/sites/%1/deployments/%2/cancel").arg(m_site, deploymentId),
                       {}, tr("Deployment %1 is being canceled.").arg(deploymentId)),
                   this, [] {});
}

void DeploymentsController::redeploy(const QString &deploymentId)
{
    QCoro::connect(act("POST",
                       QStringLiteral("/v1/sites/%1/deployments/%2/redeploy").arg(m_site, deploymentId), {},
                       tr("A new build of %1's source is queued.").arg(deploymentId)),
                   this, [] {});
}

void DeploymentsController::deleteDeployment(const QString &deploymentId)
{
    QCoro::connect(act("DELETE", QStringLiteral("/v1/sites/%1/deployments/%2").arg(m_site, deploymentId), {},
                       tr("Deployment %1 deleted.").arg(deploymentId)),
                   this, [] {});
}

void DeploymentsController::setVariable(const QString &name, const QString &value, bool secret)
{
    const QJsonObject body{
        {QStringLiteral("name"), name}, {QStringLiteral("value"), value}, {QStringLiteral("secret"), secret}};
    QCoro::connect(act("POST", QStringLiteral("/v1/sites/%1/variables").arg(m_site), compact(body),
                       tr("Variable %1 saved.").arg(name)),
                   this, [] {});
}

void DeploymentsController::deleteVariable(const QString &variableId)
{
    QCoro::connect(act("DELETE", QStringLiteral("/v1/sites/%1/variables/%2").arg(m_site, variableId), {},
                       tr("Variable deleted.")),
                   this, [] {});
}

QCoro::Task<void> DeploymentsController::act(QByteArray method, QString path, QByteArray body,
                                             QString doneMessage)
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    ++m_busy;
    Q_EMIT busyChanged();
    const ApiReply reply = co_await m_api->send(method, path, body);
    if (!self)
        co_return;
    --m_busy;
    Q_EMIT busyChanged();
    if (attachment != m_attachment)
        co_return;
    if (!reply.ok())
        qCInfo(lcDeployments) << method << path << "refused:" << reply.error;
    Q_EMIT actionFinished(reply.ok(), reply.ok() ? doneMessage : reply.error);
    if (reply.ok())
        refresh(); // the site's live deployment, the list and the queue as they are now
}

QCoro::Task<void> DeploymentsController::uploadArchive(QString path, QString file, QString doneMessage)
{
    QPointer<DeploymentsController> self(this);
    const quint64 attachment = m_attachment;
    ++m_busy;
    Q_EMIT busyChanged();
    const ApiReply reply = co_await m_api->upload(path, file, QByteArrayLiteral("application/gzip"));
    if (!self)
        co_return;
    --m_busy;
    Q_EMIT busyChanged();
    if (attachment != m_attachment)
        co_return;
    Q_EMIT actionFinished(reply.ok(), reply.ok() ? doneMessage : reply.error);
    if (reply.ok())
        refresh();
}

} // namespace Meshdeck::Console
