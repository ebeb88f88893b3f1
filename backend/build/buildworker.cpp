#include "buildworker.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSysInfo>

#include <QCoroFuture>

Q_LOGGING_CATEGORY(lcWorker, "meshdeck.backend.build.worker")

namespace Meshdeck::Build {

BuildWorker::BuildWorker(BuildQueue *queue, WorkerOptions options, QObject *parent)
    : QObject(parent)
    , m_queue(queue)
    , m_options(std::move(options))
{
    if (m_options.workerId.isEmpty())
        m_options.workerId =
            QStringLiteral("%1:%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
    m_options.concurrency = std::max(1, m_options.concurrency);
    m_poll.setInterval(m_options.pollInterval);
    connect(&m_poll, &QTimer::timeout, this, &BuildWorker::wake);
}

BuildWorker::~BuildWorker()
{
    stop();
}

void BuildWorker::start()
{
    m_running = true;
    m_poll.start();
    wake();
}

void BuildWorker::stop()
{
    m_running = false;
    m_poll.stop();
    const auto runners = m_slots;
    m_slots.clear();
    for (const QPointer<BuildRunner> &runner : runners) {
        if (runner) {
            runner->disconnect(this);
            runner->abandon();
            runner->deleteLater();
        }
    }
}

void BuildWorker::wake()
{
    if (!m_running || freeSlot() < 0)
        return;
    if (m_claiming) {
        m_again = true; // a build queued while a claim was under way: claim once more after it
        return;
    }
    QCoro::connect(claimWhileFree(), this, [] {});
}

QStringList BuildWorker::runningDeployments() const
{
    QStringList ids;
    for (const QPointer<BuildRunner> &runner : m_slots) {
        if (runner)
            ids.append(runner->job().deploymentId);
    }
    return ids;
}

int BuildWorker::freeSlot() const
{
    for (int slot = 0; slot < m_options.concurrency; ++slot) {
        if (!m_slots.contains(slot))
            return slot;
    }
    return -1;
}

QCoro::Task<void> BuildWorker::claimWhileFree()
{
    QPointer<BuildWorker> self(this);
    m_claiming = true;
    for (;;) {
        m_again = false;
        const int slot = freeSlot();
        if (!m_running || slot < 0)
            break;
        const Result<std::optional<BuildJob>> claimed =
            co_await m_queue->claim(m_options.workerId, m_options.lease);
        if (!self)
            co_return;
        if (!claimed) {
            qCWarning(lcWorker) << "cannot claim a build:" << claimed.error().reason;
            break;
        }
        if (!claimed->has_value()) {
            if (m_again)
                continue;
            break;
        }
        BuildJob job = std::move(**claimed);
        if (!m_running) {
            break; // stopped while claiming: the lease runs out and the queue hands the build on
        }
        RunnerOptions runnerOptions;
        runnerOptions.lease = m_options.lease;
        runnerOptions.logFlushInterval = m_options.logFlushInterval;
        runnerOptions.logFlushLines = m_options.logFlushLines;
        runnerOptions.uid = buildUid(slot, m_options.firstBuildUid);
        runnerOptions.sourceLimits = m_options.sourceLimits;
        const QString deploymentId = job.deploymentId;
        qCInfo(lcWorker) << "building deployment" << deploymentId << "in slot" << slot;
        auto *runner = new BuildRunner(m_queue, std::move(job), runnerOptions, this);
        m_slots.insert(slot, runner);
        connect(
            runner, &BuildRunner::finished, this,
            [this, slot](const QString &id, std::optional<BuildEnd> end) { runnerFinished(slot, id, end); });
        runner->start();
        emit buildStarted(deploymentId);
    }
    m_claiming = false;
}

void BuildWorker::runnerFinished(int slot, const QString &deploymentId, std::optional<BuildEnd> end)
{
    const QPointer<BuildRunner> runner = m_slots.take(slot);
    if (runner)
        runner->deleteLater();
    qCInfo(lcWorker) << "deployment" << deploymentId << "done in slot" << slot;
    emit buildFinished(deploymentId, end);
    wake();
}

} // namespace Meshdeck::Build
