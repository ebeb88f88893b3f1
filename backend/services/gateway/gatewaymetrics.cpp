#include "services/gateway/gatewaymetrics.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace Meshdeck::Gateway {

namespace Histogram {

int bucketOf(qint64 micros)
{
    if (micros < Sub)
        return int(std::max<qint64>(micros, 0));
    const int exponent = 63 - std::countl_zero(quint64(micros)); // floor(log2), >= SubBits
    if (exponent > MaxExponent)
        return Buckets - 1;
    const int mantissa = int(micros >> (exponent - SubBits)) - Sub; // 0..Sub-1
    return Sub + (exponent - SubBits) * Sub + mantissa;
}

qint64 bucketLow(int index)
{
    if (index < Sub)
        return index;
    const int exponent = (index - Sub) / Sub + SubBits;
    const int mantissa = (index - Sub) % Sub;
    return qint64(Sub + mantissa) << (exponent - SubBits);
}

qint64 bucketHigh(int index)
{
    if (index < Sub)
        return index + 1;
    const int exponent = (index - Sub) / Sub + SubBits;
    return bucketLow(index) + (qint64(1) << (exponent - SubBits));
}

double bucketValue(int index)
{
    return double(bucketLow(index) + bucketHigh(index) - 1) / 2.0;
}

} // namespace Histogram

QString rejectionName(Rejection cause)
{
    switch (cause) {
    case Rejection::None:
        return QStringLiteral("none");
    case Rejection::RateLimit:
        return QStringLiteral("rateLimit");
    case Rejection::Auth:
        return QStringLiteral("auth");
    case Rejection::Breaker:
        return QStringLiteral("breaker");
    case Rejection::NoInstance:
        return QStringLiteral("noInstance");
    case Rejection::Cors:
        return QStringLiteral("cors");
    case Rejection::TooLarge:
        return QStringLiteral("tooLarge");
    }
    return QStringLiteral("none");
}

quint64 SparseHistogram::count() const
{
    quint64 n = 0;
    for (const Bucket &b : buckets)
        n += b.count;
    return n;
}

void SparseHistogram::addTo(DenseCounts &dense) const
{
    for (const Bucket &b : buckets)
        dense[b.index] += b.count;
}

SparseHistogram SparseHistogram::fromDense(const DenseCounts &dense)
{
    SparseHistogram out;
    for (int i = 0; i < Histogram::Buckets; ++i) {
        if (dense[size_t(i)] != 0) {
            // A bucket of one minute of one route cannot reach 2^32 (70 million requests a second).
            out.buckets.push_back({quint16(i), quint32(std::min<quint64>(
                                                   dense[size_t(i)], std::numeric_limits<quint32>::max()))});
        }
    }
    return out;
}

double percentileMicros(const DenseCounts &counts, double quantile)
{
    quint64 total = 0;
    for (quint64 c : counts)
        total += c;
    if (total == 0)
        return 0;
    const quint64 rank = std::max<quint64>(1, quint64(std::ceil(quantile * double(total))));
    quint64 seen = 0;
    for (int i = 0; i < Histogram::Buckets; ++i) {
        seen += counts[size_t(i)];
        if (seen >= rank)
            return Histogram::bucketValue(i);
    }
    return Histogram::bucketValue(Histogram::Buckets - 1);
}

PointCounters &PointCounters::operator+=(const PointCounters &other)
{
    requests += other.requests;
    for (size_t i = 0; i < status.size(); ++i)
        status[i] += other.status[i];
    bytesIn += other.bytesIn;
    bytesOut += other.bytesOut;
    for (size_t i = 0; i < rejected.size(); ++i)
        rejected[i] += other.rejected[i];
    return *this;
}

void MinuteData::merge(const MinuteData &other)
{
    counters += other.counters;
    DenseCounts dense{};
    total.addTo(dense);
    other.total.addTo(dense);
    total = SparseHistogram::fromDense(dense);
    dense.fill(0);
    gateway.addTo(dense);
    other.gateway.addTo(dense);
    gateway = SparseHistogram::fromDense(dense);
}

RouteSeries::RouteSeries()
    : seconds(size_t(GatewayMetrics::SecondsKept))
    , minutes(size_t(GatewayMetrics::MinutesKept))
{}

// ---- recording (event-loop threads) ----

RouteMetrics::RouteMetrics(QString id)
    : m_id(std::move(id))
{}

RouteMetrics::~RouteMetrics() = default;

void RouteMetrics::AtomicHistogram::record(qint64 micros)
{
    counts[size_t(Histogram::bucketOf(micros))].fetch_add(1, std::memory_order_relaxed);
    sumMicros.fetch_add(quint64(std::max<qint64>(micros, 0)), std::memory_order_relaxed);
}

void RouteMetrics::AtomicHistogram::addTo(DenseCounts &out) const
{
    for (size_t i = 0; i < out.size(); ++i)
        out[i] += counts[i].load(std::memory_order_relaxed);
}

size_t RouteMetrics::shardOfThisThread()
{
    static std::atomic<size_t> threads{0};
    thread_local const size_t shard = threads.fetch_add(1, std::memory_order_relaxed) % Shards;
    return shard;
}

quint64 RouteMetrics::Instance::count(size_t statusClass) const
{
    quint64 sum = 0;
    for (const ClassCounts &shard : byClass)
        sum += shard.n[statusClass].load(std::memory_order_relaxed);
    return sum;
}

std::array<quint64, 6> RouteMetrics::byClass() const
{
    std::array<quint64, 6> sum{};
    for (const Shard &shard : m_shards) {
        for (size_t i = 0; i < sum.size(); ++i)
            sum[i] += shard.byClass[i].load(std::memory_order_acquire);
    }
    return sum;
}

quint64 RouteMetrics::bytesIn() const
{
    quint64 sum = 0;
    for (const Shard &shard : m_shards)
        sum += shard.bytesIn.load(std::memory_order_relaxed);
    return sum;
}

quint64 RouteMetrics::bytesOut() const
{
    quint64 sum = 0;
    for (const Shard &shard : m_shards)
        sum += shard.bytesOut.load(std::memory_order_relaxed);
    return sum;
}

quint64 RouteMetrics::rejected(size_t cause) const
{
    quint64 sum = 0;
    for (const Shard &shard : m_shards)
        sum += shard.rejected[cause].load(std::memory_order_relaxed);
    return sum;
}

void RouteMetrics::totalSnapshot(DenseCounts &out) const
{
    out.fill(0);
    for (const Shard &shard : m_shards)
        shard.total.addTo(out);
}

void RouteMetrics::gatewaySnapshot(DenseCounts &out) const
{
    out.fill(0);
    for (const Shard &shard : m_shards)
        shard.gateway.addTo(out);
}

quint64 RouteMetrics::totalSumMicros() const
{
    quint64 sum = 0;
    for (const Shard &shard : m_shards)
        sum += shard.total.sumMicros.load(std::memory_order_relaxed);
    return sum;
}

quint64 RouteMetrics::gatewaySumMicros() const
{
    quint64 sum = 0;
    for (const Shard &shard : m_shards)
        sum += shard.gateway.sumMicros.load(std::memory_order_relaxed);
    return sum;
}

RouteMetrics::Instance *RouteMetrics::instance(QByteArrayView id)
{
    if (id.isEmpty())
        return &m_direct;
    // Published slots never change: scan them without a lock (a route has few instances).
    int known = m_instanceCount.load(std::memory_order_acquire);
    for (int i = 0; i < known; ++i) {
        Instance *slot = m_instances[size_t(i)].load(std::memory_order_acquire);
        if (QByteArrayView(slot->id) == id)
            return slot;
    }
    std::lock_guard lock(m_instanceMutex);
    known = m_instanceCount.load(std::memory_order_acquire);
    for (int i = 0; i < known; ++i) {
        Instance *slot = m_instances[size_t(i)].load(std::memory_order_acquire);
        if (QByteArrayView(slot->id) == id)
            return slot;
    }
    if (known >= MaxInstances)
        return &m_otherInstances;
    Instance &added = m_instanceStore.emplace_back();
    added.id = id.toByteArray();
    m_instances[size_t(known)].store(&added, std::memory_order_release);
    m_instanceCount.store(known + 1, std::memory_order_release);
    return &added;
}

void RouteMetrics::record(const RequestSample &sample)
{
    const size_t statusClass = sample.status >= 100 && sample.status < 600 ? size_t(sample.status / 100) : 0;
    const size_t shardIndex = shardOfThisThread();
    Shard &shard = m_shards[shardIndex];
    // Latency describes the requests the gateway passed on: its own refusals answer in
    // microseconds and would pull every percentile down; requests without an answer have none.
    if (sample.rejection == Rejection::None && statusClass != 0) {
        shard.total.record(sample.totalMicros);
        shard.gateway.record(sample.gatewayMicros);
    }
    if (sample.rejection != Rejection::None)
        shard.rejected[size_t(sample.rejection) - 1].fetch_add(1, std::memory_order_relaxed);
    shard.bytesIn.fetch_add(quint64(std::max<qint64>(sample.bytesIn, 0)), std::memory_order_relaxed);
    shard.bytesOut.fetch_add(quint64(std::max<qint64>(sample.bytesOut, 0)), std::memory_order_relaxed);
    instance(sample.instanceId)->byClass[shardIndex].n[statusClass].fetch_add(1, std::memory_order_relaxed);
    // Last: the tick takes a change of these as "new requests arrived" (see closeSecond).
    shard.byClass[statusClass].fetch_add(1, std::memory_order_release);
}

GatewayMetrics::GatewayMetrics()
    : m_all(std::make_unique<RouteSeries>())
{}

GatewayMetrics::~GatewayMetrics() = default;

RouteMetrics *GatewayMetrics::forRoute(const QString &routeId, const QString &name)
{
    std::lock_guard lock(m_routesMutex);
    if (RouteMetrics *known = m_byId.value(routeId)) {
        known->m_name = name;
        return known;
    }
    RouteMetrics *added = m_routes.emplace_back(std::make_unique<RouteMetrics>(routeId)).get();
    added->m_name = name;
    m_byId.insert(routeId, added);
    return added;
}

void GatewayMetrics::record(const RequestSample &sample)
{
    (sample.route ? sample.route : &m_unmatched)->record(sample);
}

std::vector<RouteMetrics *> GatewayMetrics::routesSnapshot() const
{
    std::lock_guard lock(m_routesMutex);
    std::vector<RouteMetrics *> out;
    out.reserve(m_routes.size() + 1);
    for (const auto &route : m_routes)
        out.push_back(route.get());
    out.push_back(const_cast<RouteMetrics *>(&m_unmatched));
    return out;
}

const RouteMetrics *GatewayMetrics::findRoute(const QString &idOrName) const
{
    if (const RouteMetrics *byId = m_byId.value(idOrName))
        return byId;
    for (const auto &route : m_routes) {
        if (route->m_name == idOrName)
            return route.get();
    }
    return nullptr;
}

// ---- the tick (owner's thread) ----

namespace {

qint64 minuteOf(qint64 ms)
{
    return ms - ms % 60'000;
}

size_t secondSlot(qint64 secondMs)
{
    return size_t((secondMs / 1000) % GatewayMetrics::SecondsKept);
}

size_t minuteSlot(qint64 minuteMs)
{
    return size_t((minuteMs / 60'000) % GatewayMetrics::MinutesKept);
}

// Puts the filled minute into its slot (merged with a minute restored from the store).
void closeMinute(RouteSeries &series)
{
    if (series.minuteT < 0)
        return;
    MinuteData data;
    data.counters = series.minuteCounters;
    data.total = SparseHistogram::fromDense(series.minuteTotal);
    data.gateway = SparseHistogram::fromDense(series.minuteGateway);
    RouteSeries::MinuteSlot &slot = series.minutes[minuteSlot(series.minuteT)];
    if (slot.t == series.minuteT) {
        slot.data.merge(data);
    } else {
        slot.t = series.minuteT;
        slot.data = std::move(data);
    }
    slot.unsaved = true;
    series.minuteT = -1;
    series.minuteCounters = {};
    series.minuteTotal.fill(0);
    series.minuteGateway.fill(0);
}

// Writes one closed second of a series and adds it to the series' minute.
void addSecond(RouteSeries &series, qint64 secondMs, const PointCounters &counters, const DenseCounts &total,
               const DenseCounts &gateway)
{
    if (series.minuteT >= 0 && series.minuteT != minuteOf(secondMs))
        closeMinute(series);
    RouteSeries::SecondSlot &slot = series.seconds[secondSlot(secondMs)];
    slot.t = secondMs;
    slot.counters = counters;
    slot.p50Micros = float(percentileMicros(total, 0.50));
    slot.p95Micros = float(percentileMicros(total, 0.95));
    slot.p99Micros = float(percentileMicros(total, 0.99));
    slot.gatewayP99Micros = float(percentileMicros(gateway, 0.99));
    slot.total = SparseHistogram::fromDense(total);
    slot.gateway = SparseHistogram::fromDense(gateway);

    series.minuteT = minuteOf(secondMs);
    series.minuteCounters += counters;
    for (size_t i = 0; i < total.size(); ++i) {
        series.minuteTotal[i] += total[i];
        series.minuteGateway[i] += gateway[i];
    }
}

// After second `secondMs` closed: a minute that ended closes, and the histograms of seconds that
// left the 5-minute window are dropped.
void settle(RouteSeries &series, qint64 secondMs)
{
    if (series.minuteT >= 0 && (series.minuteT < minuteOf(secondMs) || (secondMs + 1000) % 60'000 == 0))
        closeMinute(series);
    const qint64 expired = secondMs - qint64(GatewayMetrics::SecondHistogramsKept) * 1000;
    RouteSeries::SecondSlot &old = series.seconds[secondSlot(expired + GatewayMetrics::SecondsKept * 1000)];
    if (old.t <= expired && !old.total.buckets.empty()) {
        old.total = {};
        old.gateway = {};
    }
}

} // namespace

void GatewayMetrics::tick(qint64 nowMs)
{
    const qint64 closing = nowMs - nowMs % 1000 - 1000;
    std::lock_guard lock(m_seriesMutex);
    if (closing < 0)
        return;
    if (closing <= m_lastClosedSecond) {
        // A tick early in the same second, or the wall clock stepped back a little: wait for it.
        if (m_lastClosedSecond - closing < RewindAfterMs)
            return;
        rewind(closing);
    }
    closeSecond(closing);
    m_lastClosedSecond = closing;
}

// The wall clock went back by more than RewindAfterMs: the points after it belong to a time line
// that did not happen, and their slots would later show as the new time line's.
void GatewayMetrics::rewind(qint64 closingMs)
{
    const qint64 minute = minuteOf(closingMs);
    const auto forget = [closingMs, minute](RouteSeries &series) {
        for (RouteSeries::SecondSlot &slot : series.seconds) {
            if (slot.t >= closingMs)
                slot = {};
        }
        for (RouteSeries::MinuteSlot &slot : series.minutes) {
            if (slot.t >= minute)
                slot = {};
        }
        if (series.minuteT >= minute) {
            series.minuteT = -1;
            series.minuteCounters = {};
            series.minuteTotal.fill(0);
            series.minuteGateway.fill(0);
        }
    };
    forget(*m_all);
    for (RouteMetrics *route : routesSnapshot()) {
        if (route->m_series)
            forget(*route->m_series);
    }
    m_lastClosedSecond = closingMs - 1000;
}

qint64 GatewayMetrics::lastClosedSecondMs() const
{
    std::lock_guard lock(m_seriesMutex);
    return m_lastClosedSecond;
}

void GatewayMetrics::closeSecond(qint64 secondMs)
{
    PointCounters all;
    DenseCounts allTotal{};
    DenseCounts allGateway{};
    DenseCounts now{};
    DenseCounts delta{};
    DenseCounts gatewayDelta{};
    for (RouteMetrics *route : routesSnapshot()) {
        const std::array<quint64, 6> byClass = route->byClass();
        quint64 requests = 0;
        for (quint64 n : byClass)
            requests += n;
        RouteSeries *series = route->m_series.get();
        quint64 before = 0;
        if (series) {
            for (quint64 c : series->prevByClass)
                before += c;
        }
        if (requests == before) {
            if (series)
                settle(*series, secondMs);
            continue; // nothing new (a sample's other counters show at the tick after its class)
        }
        if (!series) {
            route->m_series = std::make_unique<RouteSeries>();
            series = route->m_series.get();
        }
        PointCounters counters;
        counters.requests = requests - before;
        for (size_t i = 1; i < byClass.size(); ++i)
            counters.status[i - 1] = byClass[i] - series->prevByClass[i];
        series->prevByClass = byClass;
        const quint64 bytesIn = route->bytesIn();
        const quint64 bytesOut = route->bytesOut();
        counters.bytesIn = bytesIn - series->prevBytesIn;
        counters.bytesOut = bytesOut - series->prevBytesOut;
        series->prevBytesIn = bytesIn;
        series->prevBytesOut = bytesOut;
        for (size_t i = 0; i < counters.rejected.size(); ++i) {
            const quint64 rejected = route->rejected(i);
            counters.rejected[i] = rejected - series->prevRejected[i];
            series->prevRejected[i] = rejected;
        }
        route->totalSnapshot(now);
        for (size_t i = 0; i < now.size(); ++i) {
            delta[i] = now[i] - series->prevTotal[i];
            allTotal[i] += delta[i];
        }
        series->prevTotal = now;
        route->gatewaySnapshot(now);
        for (size_t i = 0; i < now.size(); ++i) {
            gatewayDelta[i] = now[i] - series->prevGateway[i];
            allGateway[i] += gatewayDelta[i];
        }
        series->prevGateway = now;
        addSecond(*series, secondMs, counters, delta, gatewayDelta);
        settle(*series, secondMs);
        all += counters;
    }
    if (!all.isZero())
        addSecond(*m_all, secondMs, all, allTotal, allGateway);
    settle(*m_all, secondMs);
}

std::vector<MinuteRow> GatewayMetrics::takeFinishedMinutes(const QString &nodeId, Take take)
{
    const std::vector<RouteMetrics *> routes = routesSnapshot();
    std::lock_guard lock(m_seriesMutex);
    if (take == Take::IncludeCurrent) {
        closeMinute(*m_all);
        for (RouteMetrics *route : routes) {
            if (route->m_series)
                closeMinute(*route->m_series);
        }
    }
    std::vector<MinuteRow> rows;
    for (RouteMetrics *route : routes) {
        if (!route->m_series)
            continue;
        for (RouteSeries::MinuteSlot &slot : route->m_series->minutes) {
            if (!slot.unsaved)
                continue;
            slot.unsaved = false;
            rows.push_back({nodeId, route->id(), slot.t, encodeMinute(slot.data)});
        }
    }
    std::sort(rows.begin(), rows.end(), [](const MinuteRow &a, const MinuteRow &b) {
        return std::tie(a.minuteMs, a.routeId) < std::tie(b.minuteMs, b.routeId);
    });
    return rows;
}

namespace {
void restoreMinute(RouteSeries &series, qint64 minuteMs, const MinuteData &data)
{
    RouteSeries::MinuteSlot &slot = series.minutes[minuteSlot(minuteMs)];
    if (slot.t == minuteMs) {
        slot.data.merge(data);
    } else if (slot.t < minuteMs) {
        slot.t = minuteMs;
        slot.data = data;
    }
}
} // namespace

void GatewayMetrics::loadMinutes(const std::vector<MinuteRow> &rows)
{
    for (const MinuteRow &row : rows) {
        const std::optional<MinuteData> data = decodeMinute(row.payload);
        if (!data || row.minuteMs < 0 || row.minuteMs % 60'000 != 0)
            continue;
        RouteMetrics *route = &m_unmatched;
        if (!row.routeId.isEmpty()) {
            std::lock_guard lock(m_routesMutex);
            route = m_byId.value(row.routeId);
            if (!route) {
                // Named by its id until the proxy looks it up with its name.
                route = m_routes.emplace_back(std::make_unique<RouteMetrics>(row.routeId)).get();
                route->m_name = row.routeId;
                m_byId.insert(row.routeId, route);
            }
        }
        std::lock_guard lock(m_seriesMutex);
        if (!route->m_series)
            route->m_series = std::make_unique<RouteSeries>();
        restoreMinute(*route->m_series, row.minuteMs, *data);
        restoreMinute(*m_all, row.minuteMs, *data);
    }
}

} // namespace Meshdeck::Gateway
