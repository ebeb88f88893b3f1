#include "sitesservice.h"

#include "buildlogfile.h"
#include "deploymentsstore.h"
#include "sitesstore.h"

#include "storage/database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcSites, "meshdeck.backend.sites")

namespace Meshdeck::Sites {

SitesService::SitesService(SitesSettings settings, Storage::Database *database, EventPublisher *events,
                           SecretBox secrets, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_database(database)
    , m_events(events)
    , m_secrets(std::move(secrets))
    , m_channel([this](const QString &siteId, const QString &deploymentId) {
        return logPath(siteId, deploymentId);
    })
{
    if (m_settings.sitesDir.isEmpty())
        m_settings.sitesDir = QDir(m_settings.dataDir).absoluteFilePath(QStringLiteral("sites"));
    m_sweepTimer.setInterval(m_settings.sweepIntervalMs);
    connect(&m_sweepTimer, &QTimer::timeout, this, &SitesService::onSweepTimer);
    if (!m_settings.localStack) // another node may be building it: read what it committed so far
        m_channel.setOpenedListener([this](const QString &siteId, const QString &deploymentId) {
            QMetaObject::invokeMethod(
                this, [this, siteId, deploymentId] { catchUp(siteId, deploymentId); }, Qt::QueuedConnection);
        });
}

SitesService::~SitesService() = default;

QCoro::Task<QString> SitesService::start()
{
    if (!QDir().mkpath(m_settings.sitesDir))
        co_return QStringLiteral("cannot create the sites directory %1").arg(m_settings.sitesDir);
    if (m_events) {
        QFuture<Result<void>> topic = m_events->ensureSystemTopic(QString::fromLatin1(Topic), "sites.read");
        const Result<void> made = co_await topic;
        if (!made)
            co_return QStringLiteral("cannot create the deployments topic: %1").arg(made.error().reason);
    }
    QCoro::Task<void> serving = refreshDirectory();
    co_await serving;
    m_sweepTimer.start();
    co_return QString();
}

QCoro::Task<void> SitesService::stop()
{
    m_sweepTimer.stop();
    co_return;
}

// ---- sites ----

QCoro::Task<Result<Site>> SitesService::createSite(QJsonObject json)
{
    Result<SiteSpec> spec = siteSpecFromJson(json, nullptr);
    if (!spec)
        co_return spec.error();
    Site site;
    site.id = newId();
    site.spec = *spec;
    site.createdAtMs = site.updatedAtMs = m_settings.clock->nowMs();
    QCoro::Task<Result<SitesStore::Write>> writing =
        m_database->attempt([site](QSqlDatabase &db) { return SitesStore::insertSite(db, site); });
    const Result<SitesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (*written == SitesStore::Write::NameTaken)
        co_return Error::conflict(
            QStringLiteral("A site named '%1' exists already; choose another name.").arg(site.spec.name),
            "site-name-taken");
    QCoro::Task<void> serving = refreshDirectory();
    co_await serving;
    co_return site;
}

QCoro::Task<Result<Site>> SitesService::site(QString id)
{
    QCoro::Task<Result<std::optional<Site>>> reading =
        m_database->attempt([id](QSqlDatabase &db) { return SitesStore::site(db, id); });
    const Result<std::optional<Site>> found = co_await reading;
    if (!found)
        co_return found.error();
    if (!found->has_value())
        co_return Error::notFound(QStringLiteral("There is no site %1.").arg(id), "site-not-found");
    co_return **found;
}

QCoro::Task<Result<QList<Site>>> SitesService::sites()
{
    QCoro::Task<Result<QList<Site>>> reading =
        m_database->attempt([](QSqlDatabase &db) { return SitesStore::sites(db); });
    co_return co_await reading;
}

QCoro::Task<Result<std::pair<Site, Site>>> SitesService::updateSite(QString id, QJsonObject json)
{
    QCoro::Task<Result<Site>> reading = site(id);
    const Result<Site> before = co_await reading;
    if (!before)
        co_return before.error();
    Result<SiteSpec> spec = siteSpecFromJson(json, &before->spec);
    if (!spec)
        co_return spec.error();
    Site after = *before;
    after.spec = *spec;
    after.updatedAtMs = m_settings.clock->nowMs();
    QCoro::Task<Result<SitesStore::Write>> writing =
        m_database->attempt([after](QSqlDatabase &db) { return SitesStore::updateSite(db, after); });
    const Result<SitesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (*written == SitesStore::Write::NameTaken)
        co_return Error::conflict(
            QStringLiteral("A site named '%1' exists already; choose another name.").arg(after.spec.name),
            "site-name-taken");
    if (*written == SitesStore::Write::NotFound)
        co_return Error::notFound(QStringLiteral("There is no site %1.").arg(id), "site-not-found");
    QCoro::Task<void> serving = refreshDirectory(); // a new name, or the fallback switched
    co_await serving;
    co_return std::pair<Site, Site>{*before, after};
}

QCoro::Task<Result<Site>> SitesService::deleteSite(QString id)
{
    QCoro::Task<Result<Site>> reading = site(id);
    const Result<Site> existing = co_await reading;
    if (!existing)
        co_return existing.error();
    QCoro::Task<Result<bool>> removing =
        m_database->attempt([id](QSqlDatabase &db) { return SitesStore::removeSite(db, id); });
    const Result<bool> removed = co_await removing;
    if (!removed)
        co_return removed.error();
    if (!*removed)
        co_return Error::notFound(QStringLiteral("There is no site %1.").arg(id), "site-not-found");
    QCoro::Task<void> serving = refreshDirectory(); // no longer served before its files go
    co_await serving;
    // A worker still building one of its deployments finds it gone (lease lost) and stops.
    QDir(siteDir(id)).removeRecursively();
    co_return *existing;
}

// ---- deployments ----

QString SitesService::siteDir(const QString &siteId) const
{
    return QDir(m_settings.sitesDir).absoluteFilePath(siteId);
}

QString SitesService::deploymentDir(const QString &siteId, const QString &deploymentId) const
{
    return siteDir(siteId) + QStringLiteral("/deployments/") + deploymentId;
}

QString SitesService::logPath(const QString &siteId, const QString &deploymentId) const
{
    return deploymentDir(siteId, deploymentId) + QStringLiteral("/build.log");
}

namespace {
// Whether `path` is `root` or inside it, after resolving links in both.
bool within(const QString &path, const QString &root)
{
    const QString p = QFileInfo(path).canonicalFilePath();
    const QString r = QFileInfo(root).canonicalFilePath();
    return !p.isEmpty() && !r.isEmpty() && (p == r || p.startsWith(r + QLatin1Char('/')));
}

// `dataDir`: the node's data directory and the sites directory, which no source may be or hold.
std::optional<Error> checkSource(const DeploymentSource &source, bool localStack, const QStringList &dataDirs)
{
    const auto touches = [&dataDirs](const QString &path) {
        return std::any_of(dataDirs.cbegin(), dataDirs.cend(), [&path](const QString &dataDir) {
            return within(path, dataDir) || within(dataDir, path);
        });
    };
    switch (source.kind) {
    case BuildSourceKind::Archive:
        return std::nullopt;
    case BuildSourceKind::Directory: {
        if (!localStack)
            return Error::invalid(QStringLiteral("source"),
                                  QStringLiteral("Deploying from a directory works on the local stack only; "
                                                 "upload a .tar.gz or name a git repository."),
                                  "directory-source-local-only");
        const QFileInfo dir(source.path);
        if (!dir.isAbsolute() || !dir.isDir())
            return Error::invalid(
                QStringLiteral("path"),
                QStringLiteral("'%1' is not an absolute path of an existing directory.").arg(source.path));
        // The data directory holds the admin token, the secret key and every site's files: a site
        // built from it would publish them.
        if (touches(source.path))
            return Error::invalid(QStringLiteral("path"),
                                  QStringLiteral("'%1' is or holds the backend's data directory; deploy a "
                                                 "project's own directory.")
                                      .arg(source.path),
                                  "directory-source-data-dir");
        return std::nullopt;
    }
    case BuildSourceKind::Git: {
        if (source.gitUrl.isEmpty() || source.gitUrl.size() > 2048 ||
            source.gitUrl.startsWith(QLatin1Char('-')))
            return Error::invalid(QStringLiteral("url"),
                                  QStringLiteral("url names the repository (https://…, git@…, or a local "
                                                 "path); it may not start with '-'."));
        // A credential in the URL would be stored, answered and logged with it.
        static const QRegularExpression userinfo(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*@"));
        if (userinfo.match(source.gitUrl).hasMatch() &&
            !source.gitUrl.startsWith(QStringLiteral("ssh://git@")))
            return Error::invalid(
                QStringLiteral("url"),
                QStringLiteral("Leave the credentials out of the repository URL (they would "
                               "be stored and shown with the deployment); the "
                               "repository must be readable without them for now."),
                "git-url-credentials");
        const bool local =
            source.gitUrl.startsWith(QLatin1Char('/')) || source.gitUrl.startsWith(QStringLiteral("file:"));
        if (local && !localStack)
            return Error::invalid(
                QStringLiteral("url"),
                QStringLiteral("A repository on this machine's disk works on the local stack "
                               "only; name a repository the nodes can reach over the network."),
                "git-local-path-local-only");
        if (local && touches(source.gitUrl.startsWith(QStringLiteral("file://")) ? source.gitUrl.mid(7)
                                                                                 : source.gitUrl))
            return Error::invalid(QStringLiteral("url"),
                                  QStringLiteral("The repository is inside the backend's data directory."),
                                  "git-source-data-dir");
        static const QRegularExpression branchRe(QStringLiteral("^[A-Za-z0-9._/+-]{1,255}$"));
        if (!branchRe.match(source.gitBranch).hasMatch() || source.gitBranch.startsWith(QLatin1Char('-')) ||
            source.gitBranch.contains(QStringLiteral("..")))
            return Error::invalid(QStringLiteral("branch"),
                                  QStringLiteral("branch is a branch name (letters, digits, '.', '_', '/', "
                                                 "'+', '-'; not starting with '-', no '..')."));
        return std::nullopt;
    }
    }
    return std::nullopt;
}
} // namespace

QCoro::Task<Result<Deployment>> SitesService::createDeployment(QString siteId, QString id,
                                                               DeploymentSource source, QString createdBy)
{
    if (std::optional<Error> wrong =
            checkSource(source, m_settings.localStack, {m_settings.dataDir, m_settings.sitesDir}))
        co_return *wrong;
    QCoro::Task<Result<Site>> reading = site(siteId);
    const Result<Site> existing = co_await reading;
    if (!existing)
        co_return existing.error();
    Deployment d;
    d.id = id;
    d.siteId = siteId;
    d.source = std::move(source);
    d.createdBy = std::move(createdBy);
    d.createdAtMs = m_settings.clock->nowMs();
    if (!QDir().mkpath(deploymentDir(siteId, id)))
        co_return Error::unavailable(
            QStringLiteral("Cannot create the deployment's directory; is the disk full?"));
    QCoro::Task<Result<Deployment>> queueing =
        queueDeployment(d, QStringLiteral("queued by %1").arg(d.createdBy));
    co_return co_await queueing;
}

QCoro::Task<Result<Deployment>> SitesService::queueDeployment(Deployment deployment, QString reason)
{
    deployment.reason = reason;
    QCoro::Task<Result<void>> writing = m_database->attempt(
        [deployment, reason](QSqlDatabase &db) { DeploymentsStore::insert(db, deployment, reason); });
    const Result<void> written = co_await writing;
    if (!written) {
        QDir(deploymentDir(deployment.siteId, deployment.id)).removeRecursively();
        co_return written.error();
    }
    published({Transition{deployment, DeploymentStatus::Queued}});
    Q_EMIT buildQueued();
    co_return deployment;
}

QCoro::Task<Result<QList<Deployment>>> SitesService::deployments(QString siteId, int limit)
{
    QCoro::Task<Result<Site>> reading = site(siteId);
    const Result<Site> existing = co_await reading;
    if (!existing)
        co_return existing.error();
    QCoro::Task<Result<QList<Deployment>>> listing = m_database->attempt(
        [siteId, limit](QSqlDatabase &db) { return DeploymentsStore::ofSite(db, siteId, limit); });
    co_return co_await listing;
}

namespace {
Error deploymentNotFound(const QString &siteId, const QString &id)
{
    return Error::notFound(QStringLiteral("Site %1 has no deployment %2.").arg(siteId, id),
                           "deployment-not-found");
}
} // namespace

QCoro::Task<Result<DeploymentDetail>> SitesService::deployment(QString siteId, QString id)
{
    QCoro::Task<Result<std::optional<DeploymentDetail>>> reading =
        m_database->attempt([siteId, id](QSqlDatabase &db) -> std::optional<DeploymentDetail> {
            const std::optional<Site> site = SitesStore::site(db, siteId);
            std::optional<Deployment> d = DeploymentsStore::deployment(db, id);
            if (!site || !d || d->siteId != siteId)
                return std::nullopt;
            return DeploymentDetail{*d, DeploymentsStore::history(db, id), site->liveDeploymentId == id};
        });
    const Result<std::optional<DeploymentDetail>> found = co_await reading;
    if (!found)
        co_return found.error();
    if (!found->has_value())
        co_return deploymentNotFound(siteId, id);
    co_return **found;
}

QCoro::Task<Result<Deployment>> SitesService::cancel(QString siteId, QString id, QString actor)
{
    const qint64 now = m_settings.clock->nowMs();
    const QString reason = QStringLiteral("canceled by %1").arg(actor);
    QCoro::Task<Result<DeploymentsStore::Cancel>> canceling =
        m_database->attempt([siteId, id, reason, now](QSqlDatabase &db) {
            return DeploymentsStore::cancel(db, siteId, id, reason, now);
        });
    const Result<DeploymentsStore::Cancel> done = co_await canceling;
    if (!done)
        co_return done.error();
    switch (done->kind) {
    case DeploymentsStore::Cancel::NotFound:
        co_return deploymentNotFound(siteId, id);
    case DeploymentsStore::Cancel::AlreadyEnded:
        co_return Error::conflict(
            QStringLiteral("Deployment %1 has ended already (%2); there is nothing to cancel.")
                .arg(id, statusName(done->deployment.status)),
            "deployment-ended");
    case DeploymentsStore::Cancel::Canceled:
        published({*done->change});
        break;
    case DeploymentsStore::Cancel::Requested:
        break; // the worker learns it on its next renew and ends the build as canceled
    }
    co_return done->deployment;
}

QCoro::Task<Result<Deployment>> SitesService::redeploy(QString siteId, QString id, QString createdBy)
{
    QCoro::Task<Result<DeploymentDetail>> reading = deployment(siteId, id);
    const Result<DeploymentDetail> original = co_await reading;
    if (!original)
        co_return original.error();
    const Deployment &from = original->deployment;
    Deployment d;
    d.id = newId();
    d.siteId = siteId;
    d.source = from.source;
    d.createdBy = createdBy;
    d.createdAtMs = m_settings.clock->nowMs();
    const QString dir = deploymentDir(siteId, d.id);
    if (!QDir().mkpath(dir))
        co_return Error::unavailable(
            QStringLiteral("Cannot create the deployment's directory; is the disk full?"));
    if (from.source.kind == BuildSourceKind::Archive) {
        const QString source = deploymentDir(siteId, id) + QStringLiteral("/source.tar.gz");
        const QString copy = dir + QStringLiteral("/source.tar.gz");
        if (from.pruned || !QFileInfo::exists(source)) {
            QDir(dir).removeRecursively();
            co_return Error::conflict(
                QStringLiteral("Deployment %1's uploaded source was deleted by retention; upload it again.")
                    .arg(id),
                "source-pruned");
        }
        // A hard link: deployments are immutable, so both may share the bytes.
        if (::link(QFile::encodeName(source).constData(), QFile::encodeName(copy).constData()) != 0 &&
            !QFile::copy(source, copy)) {
            QDir(dir).removeRecursively();
            co_return Error::unavailable(QStringLiteral("Cannot copy the source of deployment %1.").arg(id));
        }
    }
    QCoro::Task<Result<Deployment>> queueing =
        queueDeployment(d, QStringLiteral("redeploy of %1 by %2").arg(id, createdBy));
    co_return co_await queueing;
}

QCoro::Task<Result<Site>> SitesService::activate(QString siteId, QString id)
{
    const qint64 now = m_settings.clock->nowMs();
    QCoro::Task<Result<DeploymentsStore::Activation>> switching = m_database->attempt(
        [siteId, id, now](QSqlDatabase &db) { return DeploymentsStore::activate(db, siteId, id, now); });
    const Result<DeploymentsStore::Activation> done = co_await switching;
    if (!done)
        co_return done.error();
    switch (done->kind) {
    case DeploymentsStore::Activation::NotFound:
        co_return deploymentNotFound(siteId, id);
    case DeploymentsStore::Activation::Pruned:
        co_return Error::conflict(
            QStringLiteral("Deployment %1 was pruned by retention (only the last %2 are "
                           "kept); its files are gone. Redeploy its source instead.")
                .arg(id)
                .arg(m_settings.retention),
            "deployment-pruned");
    case DeploymentsStore::Activation::NotReady:
        co_return Error::conflict(QStringLiteral("Deployment %1 is %2; only a ready deployment can go live.")
                                      .arg(id, statusName(done->deployment.status)),
                                  "deployment-not-ready");
    case DeploymentsStore::Activation::Ok:
        break;
    }
    // Served from the moment the answer goes: the snapshot is swapped first.
    QCoro::Task<void> serving = refreshDirectory();
    co_await serving;
    QCoro::Task<Result<Site>> reading = site(siteId);
    co_return co_await reading;
}

QCoro::Task<Result<Deployment>> SitesService::deleteDeployment(QString siteId, QString id)
{
    QCoro::Task<Result<DeploymentDetail>> reading = deployment(siteId, id);
    const Result<DeploymentDetail> existing = co_await reading;
    if (!existing)
        co_return existing.error();
    if (existing->live)
        co_return Error::conflict(
            QStringLiteral("Deployment %1 is live; activate another one before deleting it.").arg(id),
            "deployment-live");
    if (!isFinal(existing->deployment.status))
        co_return Error::conflict(QStringLiteral("Deployment %1 is %2; cancel it first.")
                                      .arg(id, statusName(existing->deployment.status)),
                                  "deployment-active");
    QCoro::Task<Result<bool>> removing = m_database->attempt(
        [siteId, id](QSqlDatabase &db) { return DeploymentsStore::remove(db, siteId, id); });
    const Result<bool> removed = co_await removing;
    if (!removed)
        co_return removed.error();
    if (!*removed)
        co_return deploymentNotFound(siteId, id);
    QDir(deploymentDir(siteId, id)).removeRecursively();
    co_return existing->deployment;
}

QCoro::Task<Result<LogPage>> SitesService::readLog(QString siteId, QString id, qint64 fromLine, int limit)
{
    const QString path = logPath(siteId, id);
    QCoro::Task<Result<std::optional<LogPage>>> reading =
        m_database->attempt([siteId, id, fromLine, limit, path](QSqlDatabase &db) -> std::optional<LogPage> {
            const std::optional<Deployment> d = DeploymentsStore::deployment(db, id);
            if (!d || d->siteId != siteId)
                return std::nullopt;
            LogPage page;
            page.total = d->logLines;
            page.complete = isFinal(d->status);
            if (fromLine <= d->logLines) {
                const auto [markLine, offset] = DeploymentsStore::logMark(db, id, fromLine);
                page.lines = BuildLogFile::read(path, fromLine, markLine, offset, d->logBytes, limit);
            }
            return page;
        });
    const Result<std::optional<LogPage>> page = co_await reading;
    if (!page)
        co_return page.error();
    if (!page->has_value())
        co_return deploymentNotFound(siteId, id);
    co_return **page;
}

QCoro::Task<Result<QList<QueuedBuild>>> SitesService::builds()
{
    QCoro::Task<Result<QList<QueuedBuild>>> reading = m_database->attempt([](QSqlDatabase &db) {
        QHash<QString, QString> names;
        for (const Site &s : SitesStore::sites(db))
            names.insert(s.id, s.spec.name);
        QList<QueuedBuild> all;
        for (const Deployment &d : DeploymentsStore::queue(db))
            all.append({d, names.value(d.siteId)});
        return all;
    });
    co_return co_await reading;
}

} // namespace Meshdeck::Sites
