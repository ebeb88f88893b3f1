// The sites service as the gateway's SiteDirectory: the live deployment of each site, by id and by
// name, from one immutable snapshot swapped whole.
#include "sitesservice.h"

#include "sitesstore.h"
#include "storage/database.h"

#include <QLoggingCategory>

namespace Meshdeck::Sites {

Q_LOGGING_CATEGORY(lcSitesDirectory, "meshdeck.sites.directory")

LiveSitePtr SitesService::siteById(QStringView siteId) const
{
    std::shared_ptr<const Directory> directory;
    {
        std::lock_guard lock(m_directoryMutex);
        directory = m_directory;
    }
    return directory->byId.value(siteId.toString());
}

LiveSitePtr SitesService::siteByName(QStringView name) const
{
    std::shared_ptr<const Directory> directory;
    {
        std::lock_guard lock(m_directoryMutex);
        directory = m_directory;
    }
    return directory->byName.value(name.toString());
}

QCoro::Task<void> SitesService::refreshDirectory()
{
    const quint64 generation = ++m_directoryReads;
    QCoro::Task<Result<QList<Site>>> reading = sites();
    const Result<QList<Site>> all = co_await reading;
    if (!all) {
        // The last snapshot stays: the sites go on being served as they were.
        qCWarning(lcSitesDirectory).noquote() << "cannot read the sites to serve:" << all.error().reason;
        co_return;
    }
    auto next = std::make_shared<Directory>();
    for (const Site &site : *all) {
        auto live = std::make_shared<LiveSite>();
        live->siteId = site.id;
        live->name = site.spec.name;
        live->deploymentId = site.liveDeploymentId;
        if (!site.liveDeploymentId.isEmpty())
            live->root = deploymentDir(site.id, site.liveDeploymentId) + QStringLiteral("site");
        live->spaFallback = site.spec.spaFallback;
        next->byId.insert(site.id, live);
        next->byName.insert(site.spec.name, live);
    }
    if (generation < m_directoryInstalled)
        co_return; // a later read already installed a newer snapshot
    m_directoryInstalled = generation;
    std::lock_guard lock(m_directoryMutex);
    m_directory = std::move(next);
}

} // namespace Meshdeck::Sites
