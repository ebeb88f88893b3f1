// Cluster mode: a deployment's log lines and status changes reach the channel subscribers of every
// node. The database (and the log file on storage every node shares) is the source; Redis only
// makes it prompt, and the sweep timer catches up every watched deployment without a word.
#include "sitesservice.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcSites)

namespace Meshdeck::Sites {

namespace {
constexpr int CatchUpLines = 5'000; // lines read at once; a longer gap takes several reads
constexpr int CatchUpRounds = 50;   // then the next word or sweep goes on
} // namespace

void SitesService::setClusterAnnouncer(std::function<void(const QString &, const QString &)> announce)
{
    m_announce = std::move(announce);
}

void SitesService::announce(const QString &siteId, const QString &deploymentId)
{
    if (m_announce)
        m_announce(siteId, deploymentId);
}

void SitesService::catchUp(const QString &siteId, const QString &deploymentId)
{
    if (m_settings.localStack)
        return;
    const QString key = siteId + QLatin1Char('/') + deploymentId;
    if (m_catching.contains(key)) {
        m_catchAgain.insert(key);
        return;
    }
    m_catching.insert(key);
    QCoro::connect(catchUpNow(siteId, deploymentId), this, [this, key, siteId, deploymentId] {
        m_catching.remove(key);
        if (m_catchAgain.remove(key))
            catchUp(siteId, deploymentId);
    });
}

void SitesService::catchUpAll()
{
    if (m_settings.localStack)
        return;
    for (const SitesChannel::Watched &w : m_channel.watched())
        catchUp(w.siteId, w.deploymentId);
}

QCoro::Task<void> SitesService::catchUpNow(QString siteId, QString deploymentId)
{
    for (int round = 0; round < CatchUpRounds; ++round) {
        const std::optional<SitesChannel::Watched> watched = m_channel.watched(siteId, deploymentId);
        if (!watched)
            co_return; // nobody here follows it any more
        // The status first, then the lines: a final status read here comes with every line.
        QCoro::Task<Result<DeploymentDetail>> reading = deployment(siteId, deploymentId);
        const Result<DeploymentDetail> detail = co_await reading;
        if (!detail) {
            if (detail.error().kind != ErrorKind::NotFound)
                qCWarning(lcSites).noquote() << "cannot read deployment" << deploymentId
                                             << "for its subscribers:" << detail.error().reason;
            co_return;
        }
        QList<LogLine> lines;
        if (watched->fromLine <= detail->deployment.logLines) {
            QCoro::Task<Result<LogPage>> paging =
                readLog(siteId, deploymentId, watched->fromLine, CatchUpLines);
            const Result<LogPage> page = co_await paging;
            if (!page) {
                qCWarning(lcSites).noquote() << "cannot read the log of deployment" << deploymentId
                                             << "for its subscribers:" << page.error().reason;
                co_return;
            }
            lines = page->lines;
        }
        const bool settled =
            isFinal(detail->deployment.status) &&
            (lines.isEmpty() ? watched->fromLine : lines.last().line + 1) > detail->deployment.logLines;
        // A status comes after every line before it: while lines remain to read, it waits.
        const bool linesRemain = lines.size() >= CatchUpLines;
        m_channel.catchUp(siteId, deploymentId, lines, linesRemain ? QList<StatusChange>() : detail->history,
                          settled && !linesRemain);
        if (!linesRemain)
            co_return;
    }
}

} // namespace Meshdeck::Sites
