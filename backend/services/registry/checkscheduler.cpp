#include "checkscheduler.h"

#include <QRandomGenerator>

#include <algorithm>

namespace Meshdeck::Registry {

namespace {
constexpr size_t LagSamples = 8192;
}

CheckScheduler::CheckScheduler(ResultHandler onResult, QObject *parent)
    : QObject(parent)
    , m_onResult(std::move(onResult))
{
    m_clock.start();
    m_timer.setParent(this); // moves to the check thread with its owner
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &CheckScheduler::fire);
    m_lags.reserve(LagSamples);
}

qint64 CheckScheduler::jittered(int intervalMs) const
{
    // ±5 % of the interval, so instances that started together drift apart.
    const int spread = std::max(1, intervalMs / 20);
    return intervalMs + QRandomGenerator::global()->bounded(-spread, spread + 1);
}

void CheckScheduler::schedule(const QString &id, quint64 generation, const QString &address, int port,
                              const CheckSpec &spec)
{
    Task &task = m_tasks[id];
    const bool wasRunning = task.running && task.generation == generation;
    task.generation = generation;
    task.address = address;
    task.port = port;
    task.spec = spec;
    task.running = wasRunning;
    // A random phase spreads registrations made in one burst; within two seconds at most, so a new
    // instance (critical until proven) is checked soon even on a long interval.
    task.due = m_clock.elapsed() + QRandomGenerator::global()->bounded(std::clamp(spec.intervalMs, 1, 2000));
    m_queue.emplace(task.due, id);
    {
        std::lock_guard lock(m_statsMutex);
        m_scheduled = int(m_tasks.size());
    }
    arm();
}

void CheckScheduler::unschedule(const QString &id)
{
    m_tasks.remove(id);
    std::lock_guard lock(m_statsMutex);
    m_scheduled = int(m_tasks.size());
}

void CheckScheduler::clear()
{
    m_tasks.clear();
    m_queue.clear();
    m_timer.stop();
    std::lock_guard lock(m_statsMutex);
    m_scheduled = 0;
}

void CheckScheduler::arm()
{
    while (!m_queue.empty()) {
        const auto first = m_queue.begin();
        const auto task = m_tasks.constFind(first->second);
        if (task == m_tasks.cend() || task->due != first->first) {
            m_queue.erase(first); // unscheduled or rescheduled since
            continue;
        }
        m_timer.start(int(std::max<qint64>(0, first->first - m_clock.elapsed())));
        return;
    }
    m_timer.stop();
}

void CheckScheduler::fire()
{
    const qint64 now = m_clock.elapsed();
    while (!m_queue.empty() && m_queue.begin()->first <= now) {
        const auto [due, id] = *m_queue.begin();
        m_queue.erase(m_queue.begin());
        const auto it = m_tasks.find(id);
        if (it == m_tasks.end() || it->due != due)
            continue;
        {
            std::lock_guard lock(m_statsMutex);
            const qint64 lag = now - due;
            if (m_lags.size() < LagSamples)
                m_lags.push_back(lag);
            else
                m_lags[m_lagNext] = lag;
            m_lagNext = (m_lagNext + 1) % LagSamples;
            ++m_started;
        }
        run(id, *it, now);
    }
    arm();
}

void CheckScheduler::run(const QString &id, Task &task, qint64 now)
{
    const quint64 generation = task.generation;
    // The next run is due one interval after this one was; if the check outlasts that, the
    // result handler reschedules it right after it finishes.
    task.due = task.due + jittered(task.spec.intervalMs);
    if (task.due < now)
        task.due = now + jittered(task.spec.intervalMs);
    if (task.running) {
        m_queue.emplace(task.due, id); // still waiting for the previous check: skip this turn
        return;
    }
    task.running = true;
    m_queue.emplace(task.due, id);
    const QString path = task.spec.kind == CheckSpec::Kind::Http ? task.spec.httpPath : QString();
    HealthProbe::start(
        task.address, task.port, path, task.spec.timeoutMs,
        [this, id, generation](const HealthProbe::Result &result) {
            const auto it = m_tasks.find(id);
            if (it != m_tasks.end() && it->generation == generation)
                it->running = false;
            m_onResult(id, generation, result);
        },
        this);
}

CheckScheduler::Stats CheckScheduler::stats() const
{
    std::lock_guard lock(m_statsMutex);
    Stats s;
    s.scheduled = m_scheduled;
    s.checksStarted = m_started;
    s.samples = int(m_lags.size());
    if (m_lags.empty())
        return s;
    std::vector<qint64> sorted = m_lags;
    std::sort(sorted.begin(), sorted.end());
    auto at = [&sorted](double q) {
        return double(sorted[std::min(sorted.size() - 1, size_t(q * double(sorted.size())))]);
    };
    s.lagP50Ms = at(0.50);
    s.lagP99Ms = at(0.99);
    s.lagMaxMs = double(sorted.back());
    return s;
}

} // namespace Meshdeck::Registry
