#pragma once

#include <QByteArray>

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace Meshdeck::Http {

// Counters of one route (method + pattern). Lock-free: the event-loop threads increment them.
class RouteStats
{
public:
    static constexpr std::array<double, 14> BucketBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,    0.25,  0.5,    1,     2.5,  5,     10};

    RouteStats(QByteArray method, QByteArray route);
    void record(int status, qint64 micros);

    const QByteArray &method() const { return m_method; }
    const QByteArray &route() const { return m_route; }
    quint64 count(int status) const;
    quint64 total() const;
    void appendPrometheus(QByteArray &out) const;
    template<size_t N> void snapshotBuckets(std::array<quint64, N> &out) const
    {
        static_assert(N == BucketBounds.size() + 1);
        for (size_t i = 0; i < N; ++i)
            out[i] = m_buckets[i].load(std::memory_order_relaxed);
    }
    quint64 sumMicros() const { return m_sumMicros.load(std::memory_order_relaxed); }

private:
    QByteArray m_method;
    QByteArray m_route;
    std::array<std::atomic<quint64>, 500> m_byStatus{}; // index status - 100
    std::array<std::atomic<quint64>, BucketBounds.size() + 1> m_buckets{};
    std::atomic<quint64> m_sumMicros{0};
};

// The registry of every route's counters plus connection gauges; rendered at /metrics.
class HttpMetrics
{
public:
    RouteStats *routeStats(const QByteArray &method, const QByteArray &route);
    RouteStats *unmatched() { return &m_unmatched; }

    std::atomic<int> openConnections{0};
    std::atomic<int> openWebSockets{0};
    std::atomic<quint64> acceptedConnections{0};
    std::atomic<quint64> rejectedConnections{0};

    QByteArray prometheusText() const;
    // Another part's metrics in Prometheus text (the audit log's counters), appended to /metrics.
    void addCollector(std::function<QByteArray()> collector);

private:
    mutable std::mutex m_mutex; // guards the lists only; counters are atomics
    std::vector<std::function<QByteArray()>> m_collectors;
    std::deque<RouteStats> m_routes;
    RouteStats m_unmatched{"ANY", "unmatched"};
};

qint64 processResidentBytes();

} // namespace Meshdeck::Http
