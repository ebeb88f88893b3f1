#pragma once

#include "gatewayroute.h"

#include "platform/threadshard.h"

#include <QByteArray>
#include <QHashFunctions>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace Meshdeck::Gateway {

// One instance a request may go to: the registry's passing and warning instances of the route's
// service (the caller leaves draining and critical ones out).
struct Candidate {
    QString instanceId;
    QByteArray address;
    quint16 port = 0;
    int weight = 100; // the registry's 0..1000; 0 takes no share under `weighted`
    bool warning = false;
    int inFlight = 0; // read by least_outstanding when no InFlight is given to pick()
};

// The gateway's own count of requests in flight per upstream instance: least_outstanding reads
// it, and a drain in the registry completes when an instance's count (polled) reaches 0. Lock-free
// on the hot path once a thread has seen an instance (a shared lock to find its counter, then one
// thread's own slot of it: see ShardedCount); counters are never removed, so a Guard can never
// point at freed memory (one small counter per instance id ever seen). The InFlight must outlive
// its guards.
class InFlight
{
public:
    InFlight();
    InFlight(const InFlight &) = delete;
    InFlight &operator=(const InFlight &) = delete;

    struct Counter {
        QString instanceId;
        ShardedCount count;
    };

    // Counts one request until the guard is destroyed (or release() is called).
    class Guard
    {
    public:
        Guard() = default;
        ~Guard() { release(); }
        Guard(Guard &&other) noexcept
            : m_counter(std::exchange(other.m_counter, nullptr))
        {}
        Guard &operator=(Guard &&other) noexcept
        {
            if (this != &other) {
                release();
                m_counter = std::exchange(other.m_counter, nullptr);
            }
            return *this;
        }
        Guard(const Guard &) = delete;
        Guard &operator=(const Guard &) = delete;
        void release();

    private:
        friend class InFlight;
        explicit Guard(Counter *counter)
            : m_counter(counter)
        {}
        Counter *m_counter = nullptr;
    };

    Guard acquire(const QString &instanceId);
    // For the least-outstanding pick: may read 0 while a request starts on one thread as another
    // ends on another.
    int count(const QString &instanceId) const;
    // For a drain: 0 only if the instance had no request in flight at some instant of the call.
    int drainCount(const QString &instanceId) const;
    int total() const;

private:
    Counter *counterFor(const QString &instanceId);
    // This thread's recent counter for the id, or null (no lock, nothing made).
    Counter *recentCounter(const QString &instanceId) const;
    struct Hash {
        size_t operator()(const QString &id) const noexcept { return qHash(id); }
    };

    const quint64 m_id; // unique in the process: a thread's recent counters (counterFor) are per owner
    mutable std::shared_mutex m_mutex;
    std::unordered_map<QString, std::unique_ptr<Counter>, Hash> m_counters;
};

// Picks an upstream instance for one route. One per route, shared by the event-loop threads.
// Passing candidates first; warning ones only when no passing one is left; `excluded` (instance
// ids already tried by this request) never.
//  - RoundRobin: each eligible candidate in turn.
//  - Weighted: nginx's smooth weighted round robin (each pick adds every eligible candidate's
//    weight to its running score, takes the highest score and subtracts the total from it), so
//    3:1 gives a a b a, not a a a b.
//  - LeastOutstanding: the fewest requests in flight, a random one among equals.
class RouteBalancer
{
public:
    RouteBalancer() = default;
    RouteBalancer(const RouteBalancer &) = delete;
    RouteBalancer &operator=(const RouteBalancer &) = delete;

    // The index into `candidates` of the instance to use, or -1 when none is eligible.
    // `inFlight`, when given, is read for least_outstanding instead of Candidate::inFlight.
    int pick(Balancer kind, std::span<const Candidate> candidates, std::span<const QString> excluded = {},
             const InFlight *inFlight = nullptr);

private:
    int pickRoundRobin(std::span<const Candidate> candidates, std::span<const QString> excluded,
                       bool warningTier);
    int pickWeighted(std::span<const Candidate> candidates, std::span<const QString> excluded,
                     bool warningTier);
    int pickLeastOutstanding(std::span<const Candidate> candidates, std::span<const QString> excluded,
                             bool warningTier, const InFlight *inFlight);

    // Written by every round-robin pick, from every event-loop thread: on a line of its own, so the
    // route's other fields that the threads only read do not travel with it.
    alignas(64) std::atomic<quint64> m_cursor{0};
    alignas(64) std::mutex m_weightedMutex;
    // Smooth weighted round robin's running scores, per instance id (kept across candidate lists
    // that change between requests; entries of vanished instances are dropped when seen).
    std::vector<std::pair<QString, qint64>> m_scores;
};

} // namespace Meshdeck::Gateway
