#pragma once

#include "healthprobe.h"
#include "registrytypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace Meshdeck::Registry {

// Runs the active (HTTP and TCP) checks on its own thread. Each instance gets a random phase
// within its interval and every next run a little jitter, so a thousand checks registered at once
// do not fire in one burst; one timer tracks the earliest due check. A check never overlaps the
// previous one of the same instance.
class CheckScheduler : public QObject
{
    Q_OBJECT
public:
    using ResultHandler =
        std::function<void(const QString &id, quint64 generation, const HealthProbe::Result &)>;
    explicit CheckScheduler(ResultHandler onResult, QObject *parent = nullptr);

    // On the scheduler's thread (callers use QMetaObject::invokeMethod).
    void schedule(const QString &id, quint64 generation, const QString &address, int port,
                  const CheckSpec &spec);
    void unschedule(const QString &id);
    void clear();

    struct Stats {
        int scheduled = 0;        // instances with an active check
        qint64 checksStarted = 0; // since start
        double lagP50Ms = 0;      // how late checks start against their due time
        double lagP99Ms = 0;
        double lagMaxMs = 0;
        int samples = 0;
    };
    Stats stats() const; // any thread

private:
    struct Task {
        quint64 generation = 0;
        QString address;
        int port = 0;
        CheckSpec spec;
        qint64 due = 0;
        bool running = false;
    };
    void arm();
    void fire();
    void run(const QString &id, Task &task, qint64 now);
    qint64 jittered(int intervalMs) const;

    ResultHandler m_onResult;
    QHash<QString, Task> m_tasks;
    std::multimap<qint64, QString> m_queue; // due -> id; stale entries are skipped
    QTimer m_timer;
    QElapsedTimer m_clock;

    mutable std::mutex m_statsMutex;
    std::vector<qint64> m_lags; // a ring of the latest lags
    size_t m_lagNext = 0;
    qint64 m_started = 0;
    int m_scheduled = 0;
};

} // namespace Meshdeck::Registry
