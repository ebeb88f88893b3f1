#include "balancer.h"

#include <QRandomGenerator>

#include <algorithm>
#include <array>
#include <atomic>
#include <random>

namespace Meshdeck::Gateway {

namespace {

bool isExcluded(const Candidate &candidate, std::span<const QString> excluded)
{
    return std::find(excluded.begin(), excluded.end(), candidate.instanceId) != excluded.end();
}

bool eligible(const Candidate &candidate, std::span<const QString> excluded, bool warningTier)
{
    return candidate.warning == warningTier && !isExcluded(candidate, excluded);
}

std::atomic<quint64> nextOwnerId{1};

// A counter a thread used lately. The id is held, so its data stays where it is: the same data
// pointer and size mean the same id without hashing its 36 characters. Counters live as long as
// their InFlight, and an owner's id is never used again.
struct RecentCounter {
    quint64 owner = 0;
    QString instanceId;
    InFlight::Counter *counter = nullptr;
};
thread_local std::array<RecentCounter, 64> recentCounters;

RecentCounter &recentSlot(const QString &instanceId)
{
    return recentCounters[(quintptr(instanceId.constData()) >> 4) % recentCounters.size()];
}

// Per thread, so the event-loop threads never share (or lock) a generator.
std::minstd_rand &randomEngine()
{
    thread_local std::minstd_rand engine(QRandomGenerator::global()->generate());
    return engine;
}

} // namespace

// InFlight

InFlight::InFlight()
    : m_id(nextOwnerId.fetch_add(1, std::memory_order_relaxed))
{}

InFlight::Counter *InFlight::recentCounter(const QString &instanceId) const
{
    const RecentCounter &recent = recentSlot(instanceId);
    if (recent.owner == m_id && recent.instanceId.constData() == instanceId.constData() &&
        recent.instanceId.size() == instanceId.size())
        return recent.counter;
    return nullptr;
}

InFlight::Counter *InFlight::counterFor(const QString &instanceId)
{
    if (Counter *counter = recentCounter(instanceId))
        return counter;
    Counter *counter = nullptr;
    {
        const std::shared_lock lock(m_mutex);
        if (auto it = m_counters.find(instanceId); it != m_counters.end())
            counter = it->second.get();
    }
    if (!counter) {
        const std::unique_lock lock(m_mutex);
        auto &slot = m_counters[instanceId];
        if (!slot) {
            slot = std::make_unique<Counter>();
            slot->instanceId = instanceId;
        }
        counter = slot.get();
    }
    recentSlot(instanceId) = RecentCounter{m_id, instanceId, counter};
    return counter;
}

InFlight::Guard InFlight::acquire(const QString &instanceId)
{
    Counter *counter = counterFor(instanceId);
    counter->count.add(1);
    return Guard(counter);
}

void InFlight::Guard::release()
{
    if (Counter *counter = std::exchange(m_counter, nullptr))
        counter->count.add(-1);
}

int InFlight::count(const QString &instanceId) const
{
    if (const Counter *counter = recentCounter(instanceId))
        return counter->count.sum();
    const std::shared_lock lock(m_mutex);
    auto it = m_counters.find(instanceId);
    return it == m_counters.end() ? 0 : it->second->count.sum();
}

int InFlight::drainCount(const QString &instanceId) const
{
    const Counter *counter = recentCounter(instanceId);
    std::shared_lock<std::shared_mutex> lock;
    if (!counter) {
        lock = std::shared_lock(m_mutex);
        auto it = m_counters.find(instanceId);
        if (it == m_counters.end())
            return 0;
        counter = it->second.get();
    }
    // Requests still coming and going all the while: busy, as far as a drain can tell.
    return counter->count.settledSum().value_or(std::max(1, counter->count.sum()));
}

int InFlight::total() const
{
    const std::shared_lock lock(m_mutex);
    int sum = 0;
    for (const auto &[id, counter] : m_counters)
        sum += counter->count.sum();
    return sum;
}

// RouteBalancer

int RouteBalancer::pick(Balancer kind, std::span<const Candidate> candidates,
                        std::span<const QString> excluded, const InFlight *inFlight)
{
    for (const bool warningTier : {false, true}) {
        int index = -1;
        switch (kind) {
        case Balancer::RoundRobin:
            index = pickRoundRobin(candidates, excluded, warningTier);
            break;
        case Balancer::Weighted:
            index = pickWeighted(candidates, excluded, warningTier);
            break;
        case Balancer::LeastOutstanding:
            index = pickLeastOutstanding(candidates, excluded, warningTier, inFlight);
            break;
        }
        if (index >= 0)
            return index;
    }
    return -1;
}

int RouteBalancer::pickRoundRobin(std::span<const Candidate> candidates, std::span<const QString> excluded,
                                  bool warningTier)
{
    qsizetype count = 0;
    for (const Candidate &candidate : candidates)
        count += eligible(candidate, excluded, warningTier) ? 1 : 0;
    if (count == 0)
        return -1;
    qsizetype turn = qsizetype(m_cursor.fetch_add(1, std::memory_order_relaxed) % quint64(count));
    for (size_t i = 0; i < candidates.size(); ++i) {
        if (eligible(candidates[i], excluded, warningTier) && turn-- == 0)
            return int(i);
    }
    return -1;
}

int RouteBalancer::pickWeighted(std::span<const Candidate> candidates, std::span<const QString> excluded,
                                bool warningTier)
{
    const std::lock_guard lock(m_weightedMutex);
    // The scores follow the candidate list; rebuilt (keeping known instances' scores) only when
    // the list changed, so a steady list costs no allocation.
    bool aligned = m_scores.size() == candidates.size();
    for (size_t i = 0; aligned && i < candidates.size(); ++i)
        aligned = m_scores[i].first == candidates[i].instanceId;
    if (!aligned) {
        std::vector<std::pair<QString, qint64>> next;
        next.reserve(candidates.size());
        for (const Candidate &candidate : candidates) {
            auto known = std::find_if(m_scores.begin(), m_scores.end(), [&candidate](const auto &entry) {
                return entry.first == candidate.instanceId;
            });
            next.emplace_back(candidate.instanceId, known == m_scores.end() ? 0 : known->second);
        }
        m_scores = std::move(next);
    }

    bool anyWeight = false;
    for (const Candidate &candidate : candidates)
        anyWeight = anyWeight || (candidate.weight > 0 && eligible(candidate, excluded, warningTier));
    int best = -1;
    qint64 total = 0;
    for (size_t i = 0; i < candidates.size(); ++i) {
        const Candidate &candidate = candidates[i];
        if (!eligible(candidate, excluded, warningTier))
            continue;
        // Weight 0 takes no share, unless every eligible candidate has 0: then they share equally.
        const qint64 weight = anyWeight ? std::max(candidate.weight, 0) : 1;
        if (weight == 0)
            continue;
        m_scores[i].second += weight;
        total += weight;
        if (best < 0 || m_scores[i].second > m_scores[size_t(best)].second)
            best = int(i);
    }
    if (best >= 0)
        m_scores[size_t(best)].second -= total;
    return best;
}

int RouteBalancer::pickLeastOutstanding(std::span<const Candidate> candidates,
                                        std::span<const QString> excluded, bool warningTier,
                                        const InFlight *inFlight)
{
    int best = -1;
    int bestLoad = 0;
    int ties = 0;
    for (size_t i = 0; i < candidates.size(); ++i) {
        const Candidate &candidate = candidates[i];
        if (!eligible(candidate, excluded, warningTier))
            continue;
        const int load = inFlight ? inFlight->count(candidate.instanceId) : candidate.inFlight;
        if (best < 0 || load < bestLoad) {
            best = int(i);
            bestLoad = load;
            ties = 1;
        } else if (load == bestLoad) {
            // Reservoir sampling: each of the equally loaded candidates ends up chosen with equal odds.
            ++ties;
            if (std::uniform_int_distribution<int>(0, ties - 1)(randomEngine()) == 0)
                best = int(i);
        }
    }
    return best;
}

} // namespace Meshdeck::Gateway
