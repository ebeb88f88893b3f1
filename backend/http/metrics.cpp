#include "metrics.h"

#include <QFile>

#include <unistd.h>

namespace Meshdeck::Http {

namespace {
void appendLabels(QByteArray &out, const QByteArray &method, const QByteArray &route)
{
    out += "method=\"";
    out += method;
    out += "\",route=\"";
    // Route patterns are ours ([A-Za-z0-9/{}._-]); escape anyway so the format can never break.
    for (char c : route) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c == '\n' ? 'n' : c;
    }
    out += '"';
}
} // namespace

RouteStats::RouteStats(QByteArray method, QByteArray route)
    : m_method(std::move(method))
    , m_route(std::move(route))
{}

void RouteStats::record(int status, qint64 micros)
{
    if (status >= 100 && status < 600)
        m_byStatus[size_t(status - 100)].fetch_add(1, std::memory_order_relaxed);
    const double seconds = double(micros) / 1e6;
    size_t bucket = 0;
    while (bucket < BucketBounds.size() && seconds > BucketBounds[bucket])
        ++bucket;
    m_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(quint64(qMax<qint64>(micros, 0)), std::memory_order_relaxed);
}

quint64 RouteStats::count(int status) const
{
    return status >= 100 && status < 600 ? m_byStatus[size_t(status - 100)].load(std::memory_order_relaxed)
                                         : 0;
}

quint64 RouteStats::total() const
{
    quint64 sum = 0;
    for (const auto &b : m_buckets)
        sum += b.load(std::memory_order_relaxed);
    return sum;
}

void RouteStats::appendPrometheus(QByteArray &out) const
{
    for (size_t i = 0; i < m_byStatus.size(); ++i) {
        const quint64 n = m_byStatus[i].load(std::memory_order_relaxed);
        if (n == 0)
            continue;
        out += "meshdeck_http_requests_total{";
        appendLabels(out, m_method, m_route);
        out += ",status=\"" + QByteArray::number(int(i) + 100) + "\"} " + QByteArray::number(n) + '\n';
    }
}

RouteStats *HttpMetrics::routeStats(const QByteArray &method, const QByteArray &route)
{
    std::lock_guard lock(m_mutex);
    return &m_routes.emplace_back(method, route);
}

void HttpMetrics::addCollector(std::function<QByteArray()> collector)
{
    std::lock_guard lock(m_mutex);
    m_collectors.push_back(std::move(collector));
}

QByteArray HttpMetrics::prometheusText() const
{
    QByteArray out;
    out.reserve(8192);
    std::lock_guard lock(m_mutex);
    out +=
        "# HELP meshdeck_http_requests_total HTTP requests answered, by method, route pattern and status.\n"
        "# TYPE meshdeck_http_requests_total counter\n";
    for (const auto &r : m_routes)
        r.appendPrometheus(out);
    m_unmatched.appendPrometheus(out);

    out += "# HELP meshdeck_http_request_duration_seconds Time from a complete request to its response.\n"
           "# TYPE meshdeck_http_request_duration_seconds histogram\n";
    auto histogram = [&out](const RouteStats &r, const auto &buckets, quint64 sumMicros) {
        quint64 cumulative = 0;
        for (size_t i = 0; i < buckets.size(); ++i) {
            cumulative += buckets[i];
            out += "meshdeck_http_request_duration_seconds_bucket{";
            appendLabels(out, r.method(), r.route());
            out += ",le=\"";
            out += i < RouteStats::BucketBounds.size() ? QByteArray::number(RouteStats::BucketBounds[i])
                                                       : "+Inf";
            out += "\"} " + QByteArray::number(cumulative) + '\n';
        }
        out += "meshdeck_http_request_duration_seconds_sum{";
        appendLabels(out, r.method(), r.route());
        out += "} " + QByteArray::number(double(sumMicros) / 1e6, 'f', 6) + '\n';
        out += "meshdeck_http_request_duration_seconds_count{";
        appendLabels(out, r.method(), r.route());
        out += "} " + QByteArray::number(cumulative) + '\n';
    };
    for (const RouteStats *r : [this] {
             std::vector<const RouteStats *> all;
             for (const auto &s : m_routes)
                 all.push_back(&s);
             all.push_back(&m_unmatched);
             return all;
         }()) {
        if (r->total() == 0)
            continue;
        std::array<quint64, RouteStats::BucketBounds.size() + 1> buckets{};
        r->snapshotBuckets(buckets);
        histogram(*r, buckets, r->sumMicros());
    }

    out += "# HELP meshdeck_http_open_connections HTTP connections open now.\n"
           "# TYPE meshdeck_http_open_connections gauge\n"
           "meshdeck_http_open_connections " +
           QByteArray::number(openConnections.load()) + '\n';
    out += "# HELP meshdeck_websockets_open WebSocket connections open now (realtime).\n"
           "# TYPE meshdeck_websockets_open gauge\n"
           "meshdeck_websockets_open " +
           QByteArray::number(openWebSockets.load()) + '\n';
    out += "# HELP meshdeck_http_connections_accepted_total Connections accepted.\n"
           "# TYPE meshdeck_http_connections_accepted_total counter\n"
           "meshdeck_http_connections_accepted_total " +
           QByteArray::number(acceptedConnections.load()) + '\n';
    out += "# HELP meshdeck_http_connections_rejected_total Connections refused with 503 because the cap was "
           "reached.\n"
           "# TYPE meshdeck_http_connections_rejected_total counter\n"
           "meshdeck_http_connections_rejected_total " +
           QByteArray::number(rejectedConnections.load()) + '\n';
    out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
           "# TYPE process_resident_memory_bytes gauge\n"
           "process_resident_memory_bytes " +
           QByteArray::number(processResidentBytes()) + '\n';
    for (const auto &collector : m_collectors)
        out += collector();
    return out;
}

qint64 processResidentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

} // namespace Meshdeck::Http
