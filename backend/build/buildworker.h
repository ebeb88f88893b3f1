#pragma once

#include "buildrunner.h"
#include "platform/buildqueue.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <QCoroTask>

#include <chrono>

namespace Meshdeck::Build {

struct WorkerOptions {
    QString workerId;                            // empty: "<host>:<pid>"
    int concurrency = 1;                         // builds at once
    std::chrono::seconds lease{30};              // claimed and renewed for this long
    std::chrono::milliseconds pollInterval{200}; // claim() while a slot is free (pickup p99 < 1 s)
    std::chrono::milliseconds logFlushInterval{100};
    int logFlushLines = 500;
    uint firstBuildUid = defaultFirstBuildUid; // as root, slot i builds as firstBuildUid + i
    ExtractLimits sourceLimits;
};

// Takes builds from a BuildQueue and runs up to `concurrency` of them at once, each in its own
// sandbox under its own uid (as root). Polls claim() while a slot is free; wake() claims at once
// (the sites service calls it when it queues a build on the same node).
class BuildWorker : public QObject
{
    Q_OBJECT
public:
    BuildWorker(BuildQueue *queue, WorkerOptions options, QObject *parent = nullptr);
    ~BuildWorker() override; // running builds are abandoned: their leases expire

    void start();
    void stop(); // stops claiming and abandons running builds
    void wake();

    QString workerId() const { return m_options.workerId; }
    int concurrency() const { return m_options.concurrency; }
    int runningBuilds() const { return int(m_slots.size()); }
    QStringList runningDeployments() const;

signals:
    void buildStarted(const QString &deploymentId);
    void buildFinished(const QString &deploymentId, std::optional<Meshdeck::BuildEnd> end);

private:
    QCoro::Task<void> claimWhileFree();
    int freeSlot() const;
    void runnerFinished(int slot, const QString &deploymentId, std::optional<BuildEnd> end);

    BuildQueue *m_queue;
    WorkerOptions m_options;
    QTimer m_poll;
    QHash<int, QPointer<BuildRunner>> m_slots;
    bool m_claiming = false;
    bool m_again = false;
    bool m_running = false;
};

} // namespace Meshdeck::Build
