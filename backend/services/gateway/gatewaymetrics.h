#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringView>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

// The gateway's metrics: counters and latency histograms recorded by the event-loop threads without
// locks or allocation, closed into 1-second points by a tick the owner drives once a second, kept
// as 15 minutes of seconds and 24 hours of minutes, and answered as the API's series, the realtime
// channel's live points, the overview's numbers and Prometheus text.
namespace Meshdeck::Gateway {

// Why the gateway answered a request itself instead of an upstream (None: it did not refuse it).
enum class Rejection : quint8 { None, RateLimit, Auth, Breaker, NoInstance, Cors, TooLarge };
inline constexpr int RejectionCauses = 6; // the causes without None, in the enum's order
QString rejectionName(Rejection cause);   // the API's names: "rateLimit", "auth", ... ("none" for None)

// A log-linear histogram of microseconds (HdrHistogram's layout): values below 32 µs have a bucket
// each; above, every power of two is split into 32 equal buckets, so a bucket is at most 1/32 of
// its lower bound wide and its midpoint is within 1.6% of any value in it. Values from 2^26 µs
// (67 s) on count in the last bucket.
namespace Histogram {
inline constexpr int SubBits = 5;
inline constexpr int Sub = 1 << SubBits;
inline constexpr int MaxExponent = 25;
inline constexpr int Buckets = Sub + (MaxExponent - SubBits + 1) * Sub; // 704
int bucketOf(qint64 micros);
qint64 bucketLow(int index);   // the smallest value of the bucket
qint64 bucketHigh(int index);  // one past its largest value
double bucketValue(int index); // the value a percentile in this bucket reports (its midpoint)
} // namespace Histogram

using DenseCounts = std::array<quint64, Histogram::Buckets>;

// A histogram's nonzero buckets in ascending order: what a closed second or minute keeps.
struct SparseHistogram {
    struct Bucket {
        quint16 index;
        quint32 count;
    };
    std::vector<Bucket> buckets;
    quint64 count() const;
    void addTo(DenseCounts &dense) const;
    static SparseHistogram fromDense(const DenseCounts &dense);
};

// The value (in µs) below which `quantile` (0..1) of the counted values lie; 0 when empty.
double percentileMicros(const DenseCounts &counts, double quantile);

// What one point of a series counts. requests: every request the route saw, refused or not;
// status: by the answer's status class (the gateway's own refusals and 502/503/504 included;
// requests that got no answer, status 0, are in requests only); errors: the 5xx answers;
// rejected: the gateway's refusals by cause (also counted in status: 429, 401, 503, 403, 413).
struct PointCounters {
    quint64 requests = 0;
    std::array<quint64, 5> status{}; // 1xx..5xx
    quint64 bytesIn = 0;             // request bytes received from clients
    quint64 bytesOut = 0;            // response bytes sent to clients
    std::array<quint64, RejectionCauses> rejected{};
    quint64 errors() const { return status[4]; }
    PointCounters &operator+=(const PointCounters &other);
    bool isZero() const { return requests == 0; }
};

// One closed minute of a route: its counters and both latency histograms (sparse), so minutes of
// several nodes merge exactly.
struct MinuteData {
    PointCounters counters;
    SparseHistogram total;   // whole request time, µs
    SparseHistogram gateway; // the gateway's own added time, µs
    void merge(const MinuteData &other);
};

// A minute as stored (gateway_metrics_minutes): payload is compact JSON, see encodeMinute.
struct MinuteRow {
    QString nodeId;
    QString routeId; // "" for requests that matched no route
    qint64 minuteMs = 0;
    QByteArray payload;
};
QByteArray encodeMinute(const MinuteData &minute);
std::optional<MinuteData> decodeMinute(const QByteArray &payload); // nullopt: not a payload we wrote

enum class Range { FiveMinutes, OneHour, OneDay };
std::optional<Range> parseRange(QStringView text); // "5m", "1h", "24h"
QString rangeName(Range range);

// One request as the proxy saw it, handed to GatewayMetrics::record.
struct RequestSample {
    class RouteMetrics *route = nullptr; // from GatewayMetrics::forRoute; null: the request matched no route
    QByteArrayView instanceId;           // the upstream instance that answered; empty: none did
    int status = 0;                      // the status sent to the client; 0 when none was
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 totalMicros = 0;   // from the complete request head to the last response byte
    qint64 gatewayMicros = 0; // the gateway's own part: total minus the time spent waiting on upstreams
    Rejection rejection = Rejection::None;
};

// The overview's numbers for a route (or all routes).
struct OverviewNumbers {
    double ratePerSecond = 0; // requests a second over the last 10 closed seconds
    double errorPercent = 0;  // 5xx answers over the last 60 s, percent of requests
    double p50Ms = 0;         // over the last 60 s
    double p95Ms = 0;
    double p99Ms = 0;
    double gatewayP99Ms = 0;
    quint64 rateLimited5m = 0; // rate-limit refusals over the last 300 s
};

// A breaker's state for /metrics (the breakers are the policy part's; the owner passes them).
struct BreakerGauge {
    QString route; // the route's name
    QString instance;
    int state = 0; // 0 closed, 1 half-open, 2 open
};

// The tick's state of one route (or of all routes together): the cumulative counts seen at the
// last tick, 900 second slots and 1440 minute slots (rings indexed by time), the minute being
// filled. Allocated at a route's first request, so idle routes cost only their counters.
struct RouteSeries {
    struct SecondSlot {
        qint64 t = -1; // the second's start, ms; a slot of another second reads as zero
        PointCounters counters;
        float p50Micros = 0, p95Micros = 0, p99Micros = 0, gatewayP99Micros = 0;
        SparseHistogram total, gateway; // kept for the last SecondHistogramsKept seconds only
    };
    struct MinuteSlot {
        qint64 t = -1;
        MinuteData data;
        bool unsaved = false; // closed (or changed) since takeFinishedMinutes last took it
    };
    RouteSeries();

    std::array<quint64, 6> prevByClass{};
    quint64 prevBytesIn = 0;
    quint64 prevBytesOut = 0;
    std::array<quint64, RejectionCauses> prevRejected{};
    DenseCounts prevTotal{};
    DenseCounts prevGateway{};

    std::vector<SecondSlot> seconds;
    std::vector<MinuteSlot> minutes;

    qint64 minuteT = -1; // the minute being filled, -1: none
    PointCounters minuteCounters;
    DenseCounts minuteTotal{};
    DenseCounts minuteGateway{};
};

// The cumulative counters of one route. Lock-free: the event-loop threads add to them.
class RouteMetrics
{
public:
    explicit RouteMetrics(QString id);
    ~RouteMetrics();
    RouteMetrics(const RouteMetrics &) = delete;
    RouteMetrics &operator=(const RouteMetrics &) = delete;

    const QString &id() const { return m_id; }
    void record(const RequestSample &sample);

    static constexpr int MaxInstances = 64; // more instances than that count together as "other"
    // Each recording thread adds to one of this many copies of the counters (its own while there
    // are no more threads than copies), so two event loops do not fight over one cache line.
    static constexpr int Shards = 4;

private:
    friend class GatewayMetrics;
    struct AtomicHistogram {
        std::array<std::atomic<quint64>, Histogram::Buckets> counts{};
        std::atomic<quint64> sumMicros{0};
        void record(qint64 micros);
        void addTo(DenseCounts &out) const;
    };
    struct alignas(64) Shard {
        std::array<std::atomic<quint64>, 6> byClass{}; // [0] no answer, [1..5] 1xx..5xx
        std::atomic<quint64> bytesIn{0};
        std::atomic<quint64> bytesOut{0};
        std::array<std::atomic<quint64>, RejectionCauses> rejected{};
        AtomicHistogram total;
        AtomicHistogram gateway;
    };
    struct alignas(64) ClassCounts {
        std::array<std::atomic<quint64>, 6> n{};
    };
    struct Instance {
        QByteArray id;
        std::array<ClassCounts, Shards> byClass; // per shard, [0] no answer, [1..5] 1xx..5xx
        quint64 count(size_t statusClass) const;
    };
    Instance *instance(QByteArrayView id);
    static size_t shardOfThisThread();
    // Its meshdeck_gateway_requests_total samples (per instance and status class).
    void appendRequests(QByteArray &out, const QByteArray &routeLabel) const;

    // Sums over the shards, for the tick and /metrics.
    std::array<quint64, 6> byClass() const;
    quint64 bytesIn() const;
    quint64 bytesOut() const;
    quint64 rejected(size_t cause) const;
    void totalSnapshot(DenseCounts &out) const;
    void gatewaySnapshot(DenseCounts &out) const;
    quint64 totalSumMicros() const;
    quint64 gatewaySumMicros() const;

    const QString m_id;
    QString m_name; // guarded by GatewayMetrics::m_routesMutex
    std::array<Shard, Shards> m_shards;
    Instance m_direct;         // answers no upstream instance gave (instance "")
    Instance m_otherInstances; // past MaxInstances
    std::array<std::atomic<Instance *>, MaxInstances> m_instances{};
    std::atomic<int> m_instanceCount{0};
    std::mutex m_instanceMutex; // serialises adding an instance only
    std::deque<Instance> m_instanceStore;
    std::unique_ptr<RouteSeries> m_series; // guarded by GatewayMetrics::m_seriesMutex
};

// All routes' metrics. record() runs on any thread without locks; tick() and the queries run on
// the owner's thread (or any, they lock).
class GatewayMetrics
{
public:
    static constexpr int SecondsKept = 900;
    static constexpr int MinutesKept = 1440;
    static constexpr int SecondHistogramsKept = 300; // seconds whose histograms are kept for 5m totals

    GatewayMetrics();
    ~GatewayMetrics();
    GatewayMetrics(const GatewayMetrics &) = delete;
    GatewayMetrics &operator=(const GatewayMetrics &) = delete;

    // The route's counters, created at first use; the pointer stays valid as long as this object,
    // so the proxy looks it up once per route-table version and keeps it. A new name renames it.
    RouteMetrics *forRoute(const QString &routeId, const QString &name);
    // Counts one request. Lock-free, no allocation (except the first time an instance is seen).
    void record(const RequestSample &sample);

    // Closes every second up to the one before `nowMs`'s second into the series. Called once a
    // second; a tick in the same second as the last one does nothing, and the requests of seconds
    // without a tick count in the next closed second (the skipped ones stay zero). When the wall
    // clock steps back by RewindAfterMs or more, the points after the new time are dropped and the
    // series go on from there (a smaller step back: ticks wait until the clock is past it).
    void tick(qint64 nowMs);
    static constexpr qint64 RewindAfterMs = 60'000;
    qint64 lastClosedSecondMs() const; // -1 before the first tick

    // GET /v1/gateway/metrics from this node's memory: 5m is 300 second points ending at the last
    // closed second; 1h and 24h are 60 and 1440 minute points ending at the last complete minute.
    // `route` is a route id (or name); nullopt: all routes together. Gaps are zero points.
    QJsonObject series(const std::optional<QString> &route, Range range, qint64 nowMs) const;
    // The same minute series built from stored rows of any number of nodes, merged exactly.
    static QJsonObject mergedSeries(const std::vector<MinuteRow> &rows, const std::optional<QString> &route,
                                    Range range, qint64 nowMs);
    // The last closed second: {"t", "routes":[{"id","name", Point fields}]} (every known route).
    QJsonObject live() const;
    OverviewNumbers overviewNumbers(const std::optional<QString> &route) const;
    // The meshdeck_gateway_* families; `breakers` become meshdeck_gateway_breaker_state.
    QByteArray prometheusText(const std::vector<BreakerGauge> &breakers = {}) const;

    // The minutes closed (or changed) since the last call, one row per route with traffic, for the
    // store to write (replacing a row of the same minute). The owner calls it once a minute, and at
    // stop with includeCurrent, which closes the minute in progress early (requests after that in
    // the same minute merge into it, and it is taken again).
    enum class Take { Finished, IncludeCurrent };
    std::vector<MinuteRow> takeFinishedMinutes(const QString &nodeId, Take take = Take::Finished);
    // Restores this node's stored minutes after a restart (before the first tick is best; a
    // minute also being filled merges with its stored part).
    void loadMinutes(const std::vector<MinuteRow> &rows);

private:
    std::vector<RouteMetrics *> routesSnapshot() const;
    const RouteMetrics *findRoute(const QString &idOrName) const; // m_routesMutex held
    void closeSecond(qint64 secondMs);
    void rewind(qint64 closingMs);

    mutable std::mutex m_routesMutex; // the route list and names
    std::deque<std::unique_ptr<RouteMetrics>> m_routes;
    QHash<QString, RouteMetrics *> m_byId;
    RouteMetrics m_unmatched{QString()};

    mutable std::mutex m_seriesMutex; // every RouteSeries, m_all and the fields below
    std::unique_ptr<RouteSeries> m_all;
    qint64 m_lastClosedSecond = -1;
};

} // namespace Meshdeck::Gateway
