// The gateway metrics' answers: series and live points as the API's JSON, the overview's numbers,
// the stored minute's payload and the Prometheus text. Recording and the tick are in
// gatewaymetrics.cpp.
#include "services/gateway/gatewaymetrics.h"

#include "platform/clock.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <functional>

namespace Meshdeck::Gateway {

namespace {

const char *const StatusClassNames[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

double millis(double micros)
{
    return std::round(micros) / 1000.0;
}

// A Point's fields without "t". Percentiles of an empty point are 0, so a chart draws idle time.
QJsonObject pointJson(const PointCounters &c, double p50Us, double p95Us, double p99Us, double gatewayP99Us)
{
    QJsonObject status;
    for (size_t i = 0; i < c.status.size(); ++i)
        status.insert(QLatin1String(StatusClassNames[i]), double(c.status[i]));
    QJsonObject rejected;
    for (size_t i = 0; i < c.rejected.size(); ++i)
        rejected.insert(rejectionName(Rejection(i + 1)), double(c.rejected[i]));
    return QJsonObject{{QStringLiteral("requests"), double(c.requests)},
                       {QStringLiteral("errors"), double(c.errors())},
                       {QStringLiteral("status"), status},
                       {QStringLiteral("bytesIn"), double(c.bytesIn)},
                       {QStringLiteral("bytesOut"), double(c.bytesOut)},
                       {QStringLiteral("rejected"), rejected},
                       {QStringLiteral("p50Ms"), millis(p50Us)},
                       {QStringLiteral("p95Ms"), millis(p95Us)},
                       {QStringLiteral("p99Ms"), millis(p99Us)},
                       {QStringLiteral("gatewayP99Ms"), millis(gatewayP99Us)}};
}

QJsonObject pointJson(const PointCounters &c, const DenseCounts &total, const DenseCounts &gateway)
{
    return pointJson(c, percentileMicros(total, 0.50), percentileMicros(total, 0.95),
                     percentileMicros(total, 0.99), percentileMicros(gateway, 0.99));
}

QJsonObject withTime(QJsonObject point, qint64 ms)
{
    point.insert(QStringLiteral("t"), isoTime(ms));
    return point;
}

int pointsOf(Range range)
{
    switch (range) {
    case Range::FiveMinutes:
        return 300;
    case Range::OneHour:
        return 60;
    case Range::OneDay:
        return 1440;
    }
    return 0;
}

// A minute series of `count` points ending at the last complete minute before `nowMs`.
QJsonObject minuteSeries(Range range, const QJsonValue &routeJson, qint64 nowMs, int count,
                         const std::function<const MinuteData *(qint64)> &minuteAt)
{
    const qint64 last = nowMs - nowMs % 60'000 - 60'000;
    QJsonArray points;
    PointCounters totals;
    DenseCounts total{};
    DenseCounts gateway{};
    DenseCounts pointTotal{};
    DenseCounts pointGateway{};
    for (qint64 t = last - qint64(count - 1) * 60'000; t <= last; t += 60'000) {
        const MinuteData *minute = minuteAt(t);
        if (!minute) {
            points.append(withTime(pointJson(PointCounters{}, 0, 0, 0, 0), t));
            continue;
        }
        pointTotal.fill(0);
        pointGateway.fill(0);
        minute->total.addTo(pointTotal);
        minute->gateway.addTo(pointGateway);
        points.append(withTime(pointJson(minute->counters, pointTotal, pointGateway), t));
        totals += minute->counters;
        minute->total.addTo(total);
        minute->gateway.addTo(gateway);
    }
    return QJsonObject{{QStringLiteral("range"), rangeName(range)},
                       {QStringLiteral("resolutionSeconds"), 60},
                       {QStringLiteral("route"), routeJson},
                       {QStringLiteral("points"), points},
                       {QStringLiteral("totals"), pointJson(totals, total, gateway)}};
}

QJsonArray countsJson(const auto &values)
{
    QJsonArray out;
    for (quint64 v : values)
        out.append(double(v));
    return out;
}

QJsonArray sparseJson(const SparseHistogram &h)
{
    QJsonArray out;
    for (const SparseHistogram::Bucket &b : h.buckets) {
        out.append(int(b.index));
        out.append(double(b.count));
    }
    return out;
}

template<size_t N> bool readCounts(const QJsonValue &value, std::array<quint64, N> &out)
{
    const QJsonArray array = value.toArray();
    if (array.size() != qsizetype(N))
        return false;
    for (size_t i = 0; i < N; ++i) {
        const double v = array[qsizetype(i)].toDouble(-1);
        if (v < 0)
            return false;
        out[i] = quint64(v);
    }
    return true;
}

std::optional<SparseHistogram> readSparse(const QJsonValue &value)
{
    const QJsonArray array = value.toArray();
    if (!value.isArray() || array.size() % 2 != 0)
        return std::nullopt;
    SparseHistogram out;
    int previous = -1;
    for (qsizetype i = 0; i < array.size(); i += 2) {
        const int index = array[i].toInt(-1);
        const double count = array[i + 1].toDouble(-1);
        if (index <= previous || index >= Histogram::Buckets || count < 1 || count > 4294967295.0)
            return std::nullopt;
        out.buckets.push_back({quint16(index), quint32(count)});
        previous = index;
    }
    return out;
}

void appendEscaped(QByteArray &out, const QString &value)
{
    for (char c : value.toUtf8()) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

QByteArray routeLabel(const RouteMetrics &route, const QString &name)
{
    QByteArray out = "route=\"";
    appendEscaped(out, route.id().isEmpty() ? QStringLiteral("(unmatched)") : name);
    out += '"';
    return out;
}

void appendFamily(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

// Prometheus buckets at powers of two microseconds: exact edges of the histogram's buckets.
constexpr int FirstBoundExponent = 4; // 16 µs
// 2^25 µs = 33.6 s: the last histogram bucket also holds the values it clamps, so it is +Inf's.
constexpr int LastBoundExponent = Histogram::MaxExponent;

// Whole microseconds in seconds, without trailing zeros ("0.000016", "4.194304", "1").
QByteArray seconds(qint64 micros)
{
    QByteArray out = QByteArray::number(micros / 1'000'000);
    if (micros % 1'000'000 == 0)
        return out;
    QByteArray fraction = QByteArray::number(micros % 1'000'000).rightJustified(6, '0');
    while (fraction.endsWith('0'))
        fraction.chop(1);
    return out + '.' + fraction;
}

void appendHistogram(QByteArray &out, const char *name, const QByteArray &labels, const DenseCounts &counts,
                     quint64 sumMicros)
{
    quint64 cumulative = 0;
    int index = 0;
    for (int exponent = FirstBoundExponent; exponent <= LastBoundExponent; ++exponent) {
        const qint64 bound = qint64(1) << exponent;
        while (index < Histogram::Buckets && Histogram::bucketHigh(index) <= bound)
            cumulative += counts[size_t(index++)];
        out += QByteArray(name) + "_bucket{" + labels + ",le=\"" + seconds(bound) + "\"} " +
               QByteArray::number(cumulative) + '\n';
    }
    while (index < Histogram::Buckets)
        cumulative += counts[size_t(index++)];
    out += QByteArray(name) + "_bucket{" + labels + ",le=\"+Inf\"} " + QByteArray::number(cumulative) + '\n';
    out += QByteArray(name) + "_sum{" + labels + "} " + QByteArray::number(double(sumMicros) / 1e6, 'f', 6) +
           '\n';
    out += QByteArray(name) + "_count{" + labels + "} " + QByteArray::number(cumulative) + '\n';
}

} // namespace

std::optional<Range> parseRange(QStringView text)
{
    if (text == u"5m")
        return Range::FiveMinutes;
    if (text == u"1h")
        return Range::OneHour;
    if (text == u"24h")
        return Range::OneDay;
    return std::nullopt;
}

QString rangeName(Range range)
{
    switch (range) {
    case Range::FiveMinutes:
        return QStringLiteral("5m");
    case Range::OneHour:
        return QStringLiteral("1h");
    case Range::OneDay:
        return QStringLiteral("24h");
    }
    return {};
}

QByteArray encodeMinute(const MinuteData &minute)
{
    const PointCounters &c = minute.counters;
    const QJsonObject json{{QStringLiteral("v"), 1},
                           {QStringLiteral("requests"), double(c.requests)},
                           {QStringLiteral("status"), countsJson(c.status)},
                           {QStringLiteral("bytesIn"), double(c.bytesIn)},
                           {QStringLiteral("bytesOut"), double(c.bytesOut)},
                           {QStringLiteral("rejected"), countsJson(c.rejected)},
                           {QStringLiteral("total"), sparseJson(minute.total)},
                           {QStringLiteral("gateway"), sparseJson(minute.gateway)}};
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

std::optional<MinuteData> decodeMinute(const QByteArray &payload)
{
    const QJsonObject json = QJsonDocument::fromJson(payload).object();
    if (json.value(QStringLiteral("v")).toInt() != 1)
        return std::nullopt;
    MinuteData out;
    PointCounters &c = out.counters;
    const double requests = json.value(QStringLiteral("requests")).toDouble(-1);
    const double bytesIn = json.value(QStringLiteral("bytesIn")).toDouble(-1);
    const double bytesOut = json.value(QStringLiteral("bytesOut")).toDouble(-1);
    if (requests < 0 || bytesIn < 0 || bytesOut < 0)
        return std::nullopt;
    c.requests = quint64(requests);
    c.bytesIn = quint64(bytesIn);
    c.bytesOut = quint64(bytesOut);
    if (!readCounts(json.value(QStringLiteral("status")), c.status) ||
        !readCounts(json.value(QStringLiteral("rejected")), c.rejected))
        return std::nullopt;
    std::optional<SparseHistogram> total = readSparse(json.value(QStringLiteral("total")));
    std::optional<SparseHistogram> gateway = readSparse(json.value(QStringLiteral("gateway")));
    if (!total || !gateway)
        return std::nullopt;
    out.total = std::move(*total);
    out.gateway = std::move(*gateway);
    return out;
}

QJsonObject GatewayMetrics::series(const std::optional<QString> &route, Range range, qint64 nowMs) const
{
    const RouteSeries *series = m_all.get();
    QJsonValue routeJson = QJsonValue::Null;
    std::unique_lock routesLock(m_routesMutex);
    const RouteMetrics *found = route ? findRoute(*route) : nullptr;
    if (route)
        routeJson = found ? found->id() : *route;
    routesLock.unlock();

    std::lock_guard lock(m_seriesMutex);
    if (route)
        series = found ? found->m_series.get() : nullptr;
    if (range != Range::FiveMinutes) {
        return minuteSeries(
            range, routeJson, nowMs, pointsOf(range), [series](qint64 t) -> const MinuteData * {
                if (!series)
                    return nullptr;
                const RouteSeries::MinuteSlot &slot = series->minutes[size_t((t / 60'000) % MinutesKept)];
                return slot.t == t ? &slot.data : nullptr;
            });
    }
    // The last second closed, unless the tick is late by more than a second: then the missing
    // seconds show as zero rather than the chart standing still.
    qint64 last = nowMs - nowMs % 1000 - 1000;
    if (last > m_lastClosedSecond && last - m_lastClosedSecond <= 2000 && m_lastClosedSecond >= 0)
        last = m_lastClosedSecond;
    QJsonArray points;
    PointCounters totals;
    DenseCounts total{};
    DenseCounts gateway{};
    for (qint64 t = last - 299'000; t <= last; t += 1000) {
        const RouteSeries::SecondSlot *slot =
            series ? &series->seconds[size_t((t / 1000) % SecondsKept)] : nullptr;
        if (!slot || slot->t != t) {
            points.append(withTime(pointJson(PointCounters{}, 0, 0, 0, 0), t));
            continue;
        }
        points.append(withTime(pointJson(slot->counters, slot->p50Micros, slot->p95Micros, slot->p99Micros,
                                         slot->gatewayP99Micros),
                               t));
        totals += slot->counters;
        slot->total.addTo(total);
        slot->gateway.addTo(gateway);
    }
    return QJsonObject{{QStringLiteral("range"), rangeName(range)},
                       {QStringLiteral("resolutionSeconds"), 1},
                       {QStringLiteral("route"), routeJson},
                       {QStringLiteral("points"), points},
                       {QStringLiteral("totals"), pointJson(totals, total, gateway)}};
}

QJsonObject GatewayMetrics::mergedSeries(const std::vector<MinuteRow> &rows,
                                         const std::optional<QString> &route, Range range, qint64 nowMs)
{
    const int count = pointsOf(range) / (range == Range::FiveMinutes ? 60 : 1);
    const qint64 last = nowMs - nowMs % 60'000 - 60'000;
    const qint64 first = last - qint64(count - 1) * 60'000;
    QHash<qint64, MinuteData> merged;
    for (const MinuteRow &row : rows) {
        if ((route && row.routeId != *route) || row.minuteMs < first || row.minuteMs > last)
            continue;
        if (const std::optional<MinuteData> data = decodeMinute(row.payload))
            merged[row.minuteMs].merge(*data);
    }
    return minuteSeries(range, route ? QJsonValue(*route) : QJsonValue(QJsonValue::Null), nowMs, count,
                        [&merged](qint64 t) -> const MinuteData * {
                            const auto it = merged.constFind(t);
                            return it == merged.constEnd() ? nullptr : &it.value();
                        });
}

QJsonObject GatewayMetrics::live() const
{
    std::vector<std::pair<const RouteMetrics *, QString>> routes;
    {
        std::lock_guard lock(m_routesMutex);
        for (const auto &route : m_routes)
            routes.emplace_back(route.get(), route->m_name);
    }
    std::sort(routes.begin(), routes.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
    std::lock_guard lock(m_seriesMutex);
    const qint64 t = m_lastClosedSecond;
    QJsonArray out;
    for (const auto &[route, name] : routes) {
        const RouteSeries *series = route->m_series.get();
        const RouteSeries::SecondSlot *slot =
            series && t >= 0 ? &series->seconds[size_t((t / 1000) % SecondsKept)] : nullptr;
        QJsonObject point = slot && slot->t == t ? pointJson(slot->counters, slot->p50Micros, slot->p95Micros,
                                                             slot->p99Micros, slot->gatewayP99Micros)
                                                 : pointJson(PointCounters{}, 0, 0, 0, 0);
        point.insert(QStringLiteral("id"), route->id());
        point.insert(QStringLiteral("name"), name);
        out.append(point);
    }
    return QJsonObject{{QStringLiteral("t"), t >= 0 ? QJsonValue(isoTime(t)) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("routes"), out}};
}

OverviewNumbers GatewayMetrics::overviewNumbers(const std::optional<QString> &route) const
{
    const RouteSeries *series = m_all.get();
    std::unique_lock routesLock(m_routesMutex);
    const RouteMetrics *found = route ? findRoute(*route) : nullptr;
    routesLock.unlock();
    std::lock_guard lock(m_seriesMutex);
    if (route)
        series = found ? found->m_series.get() : nullptr;
    OverviewNumbers out;
    if (!series || m_lastClosedSecond < 0)
        return out;
    PointCounters last10;
    PointCounters last60;
    DenseCounts total{};
    DenseCounts gateway{};
    for (int ago = 0; ago < SecondHistogramsKept; ++ago) {
        const qint64 t = m_lastClosedSecond - qint64(ago) * 1000;
        const RouteSeries::SecondSlot &slot = series->seconds[size_t((t / 1000) % SecondsKept)];
        if (slot.t != t)
            continue;
        out.rateLimited5m += slot.counters.rejected[size_t(Rejection::RateLimit) - 1];
        if (ago < 10)
            last10 += slot.counters;
        if (ago < 60) {
            last60 += slot.counters;
            slot.total.addTo(total);
            slot.gateway.addTo(gateway);
        }
    }
    out.ratePerSecond = double(last10.requests) / 10.0;
    out.errorPercent = last60.requests ? 100.0 * double(last60.errors()) / double(last60.requests) : 0.0;
    out.p50Ms = millis(percentileMicros(total, 0.50));
    out.p95Ms = millis(percentileMicros(total, 0.95));
    out.p99Ms = millis(percentileMicros(total, 0.99));
    out.gatewayP99Ms = millis(percentileMicros(gateway, 0.99));
    return out;
}

void RouteMetrics::appendRequests(QByteArray &out, const QByteArray &routeLabel) const
{
    const auto appendInstance = [&out, &routeLabel](const QByteArray &instance, const Instance &counts) {
        for (size_t i = 0; i < 6; ++i) {
            const quint64 n = counts.count(i);
            if (n == 0)
                continue;
            out += "meshdeck_gateway_requests_total{" + routeLabel + ",instance=\"" + instance +
                   "\",code_class=\"" + (i == 0 ? QByteArray("none") : QByteArray(StatusClassNames[i - 1])) +
                   "\"} " + QByteArray::number(n) + '\n';
        }
    };
    appendInstance(QByteArray(), m_direct);
    const int known = m_instanceCount.load(std::memory_order_acquire);
    for (int i = 0; i < known; ++i) {
        const Instance *instance = m_instances[size_t(i)].load(std::memory_order_acquire);
        QByteArray escaped;
        appendEscaped(escaped, QString::fromUtf8(instance->id));
        appendInstance(escaped, *instance);
    }
    appendInstance("(other)", m_otherInstances);
}

QByteArray GatewayMetrics::prometheusText(const std::vector<BreakerGauge> &breakers) const
{
    std::vector<std::pair<const RouteMetrics *, QByteArray>> routes;
    {
        std::lock_guard lock(m_routesMutex);
        for (const auto &route : m_routes)
            routes.emplace_back(route.get(), routeLabel(*route, route->m_name));
        routes.emplace_back(&m_unmatched, routeLabel(m_unmatched, QString()));
    }
    QByteArray out;
    out.reserve(4096 + int(routes.size()) * 8192);

    appendFamily(
        out, "meshdeck_gateway_requests_total", "counter",
        "Requests through the gateway by route, upstream instance and status class (none: no answer).");
    for (const auto &[route, label] : routes)
        route->appendRequests(out, label);

    appendFamily(out, "meshdeck_gateway_bytes_received_total", "counter",
                 "Request bytes received from clients, by route.");
    for (const auto &[route, label] : routes)
        out += "meshdeck_gateway_bytes_received_total{" + label + "} " +
               QByteArray::number(route->bytesIn()) + '\n';
    appendFamily(out, "meshdeck_gateway_bytes_sent_total", "counter",
                 "Response bytes sent to clients, by route.");
    for (const auto &[route, label] : routes)
        out += "meshdeck_gateway_bytes_sent_total{" + label + "} " + QByteArray::number(route->bytesOut()) +
               '\n';

    appendFamily(out, "meshdeck_gateway_rejections_total", "counter",
                 "Requests the gateway refused itself, by route and cause.");
    for (const auto &[route, label] : routes) {
        for (size_t i = 0; i < size_t(RejectionCauses); ++i)
            out += "meshdeck_gateway_rejections_total{" + label + ",cause=\"" +
                   rejectionName(Rejection(i + 1)).toUtf8() + "\"} " +
                   QByteArray::number(route->rejected(i)) + '\n';
    }

    DenseCounts counts{};
    appendFamily(out, "meshdeck_gateway_request_duration_seconds", "histogram",
                 "Time from a complete request to the last byte of its answer, requests not refused by the "
                 "gateway.");
    for (const auto &[route, label] : routes) {
        route->totalSnapshot(counts);
        appendHistogram(out, "meshdeck_gateway_request_duration_seconds", label, counts,
                        route->totalSumMicros());
    }
    appendFamily(
        out, "meshdeck_gateway_added_duration_seconds", "histogram",
        "The gateway's own part of a request's time (the total less the time waiting on upstreams).");
    for (const auto &[route, label] : routes) {
        route->gatewaySnapshot(counts);
        appendHistogram(out, "meshdeck_gateway_added_duration_seconds", label, counts,
                        route->gatewaySumMicros());
    }

    appendFamily(out, "meshdeck_gateway_breaker_state", "gauge",
                 "Circuit breaker per route and upstream instance: 0 closed, 1 half-open, 2 open.");
    for (const BreakerGauge &breaker : breakers) {
        out += "meshdeck_gateway_breaker_state{route=\"";
        appendEscaped(out, breaker.route);
        out += "\",instance=\"";
        appendEscaped(out, breaker.instance);
        out += "\"} " + QByteArray::number(breaker.state) + '\n';
    }
    return out;
}

} // namespace Meshdeck::Gateway
