#include "gatewaymetricsmodel.h"

#include <algorithm>
#include <cmath>

namespace Meshdeck::Console {

namespace {
// A ceiling with 20 % headroom, rounded up to a readable step, never below `floor`.
double ceilingOf(double highest, double floor)
{
    const double target = std::max(floor, highest * 1.2);
    const double step = std::pow(10.0, std::floor(std::log10(target)));
    return std::ceil(target / step) * step;
}
} // namespace

int GatewayMetricsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_points.size());
}

qint64 GatewayMetricsModel::rangeMs(const QString &range)
{
    if (range == QLatin1String("24h"))
        return 24 * 3600 * 1000;
    if (range == QLatin1String("1h"))
        return 3600 * 1000;
    return 5 * 60 * 1000;
}

GatewayMetricsModel::Point GatewayMetricsModel::parsePoint(qint64 timeMs, const QJsonObject &p)
{
    Point point;
    point.time = timeMs;
    point.requests = p.value(QStringLiteral("requests")).toDouble();
    point.errors = p.value(QStringLiteral("errors")).toDouble();
    point.p50 = p.value(QStringLiteral("p50Ms")).toDouble();
    point.p95 = p.value(QStringLiteral("p95Ms")).toDouble();
    point.p99 = p.value(QStringLiteral("p99Ms")).toDouble();
    point.gatewayP99 = p.value(QStringLiteral("gatewayP99Ms")).toDouble();
    return point;
}

qreal GatewayMetricsModel::valueAt(int row, const QString &series) const
{
    if (row < 0 || row >= m_points.size())
        return 0;
    const Point &p = m_points.at(row);
    if (series == QLatin1String("time"))
        return qreal(p.time);
    if (series == QLatin1String("rate"))
        return p.requests / m_resolution;
    if (series == QLatin1String("errorPercent"))
        return p.requests > 0 ? p.errors * 100.0 / p.requests : 0;
    if (series == QLatin1String("p50"))
        return p.p50;
    if (series == QLatin1String("p95"))
        return p.p95;
    if (series == QLatin1String("p99"))
        return p.p99;
    if (series == QLatin1String("gatewayP99"))
        return p.gatewayP99;
    return 0;
}

QVariant GatewayMetricsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    switch (role) {
    case TimeRole:
        return m_points.at(row).time;
    case RequestsRole:
        return m_points.at(row).requests;
    case Qt::DisplayRole:
    case RateRole:
        return valueAt(row, QStringLiteral("rate"));
    case ErrorPercentRole:
        return valueAt(row, QStringLiteral("errorPercent"));
    case P50Role:
        return m_points.at(row).p50;
    case P95Role:
        return m_points.at(row).p95;
    case P99Role:
        return m_points.at(row).p99;
    case GatewayP99Role:
        return m_points.at(row).gatewayP99;
    default:
        return {};
    }
}

QHash<int, QByteArray> GatewayMetricsModel::roleNames() const
{
    return {{TimeRole, "time"}, {RequestsRole, "requests"},
            {RateRole, "rate"}, {ErrorPercentRole, "errorPercent"},
            {P50Role, "p50"},   {P95Role, "p95"},
            {P99Role, "p99"},   {GatewayP99Role, "gatewayP99"}};
}

QDateTime GatewayMetricsModel::axisEnd() const
{
    if (m_points.isEmpty())
        return {};
    return QDateTime::fromMSecsSinceEpoch(m_points.last().time);
}

QDateTime GatewayMetricsModel::axisStart() const
{
    if (m_points.isEmpty())
        return {};
    // The whole range, so a chart of a route that just started is not stretched over a few points.
    return QDateTime::fromMSecsSinceEpoch(m_points.last().time - rangeMs(m_range));
}

double GatewayMetricsModel::axisMaxRate() const
{
    double highest = 0;
    for (int row = 0; row < m_points.size(); ++row)
        highest = std::max(highest, valueAt(row, QStringLiteral("rate")));
    return ceilingOf(highest, 1);
}

double GatewayMetricsModel::axisMaxErrorPercent() const
{
    double highest = 0;
    for (int row = 0; row < m_points.size(); ++row)
        highest = std::max(highest, valueAt(row, QStringLiteral("errorPercent")));
    return std::min(100.0, ceilingOf(highest, 5));
}

double GatewayMetricsModel::axisMaxLatency() const
{
    double highest = 0;
    for (const Point &p : m_points)
        highest = std::max({highest, p.p50, p.p95, p.p99, p.gatewayP99});
    return ceilingOf(highest, 10);
}

QString GatewayMetricsModel::timeFormat() const
{
    return m_range == QLatin1String("5m") ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
}

void GatewayMetricsModel::begin(const QString &routeId, const QString &range)
{
    replace(routeId, range, {}, range == QLatin1String("5m") ? 1 : 60);
    setError({});
    setLoading(true);
}

void GatewayMetricsModel::setSeries(const QString &routeId, const QString &range, const QJsonObject &answer)
{
    QList<Point> points;
    for (const QJsonValue &v : answer.value(QStringLiteral("points")).toArray()) {
        const QJsonObject p = v.toObject();
        const QDateTime t = QDateTime::fromString(p.value(QStringLiteral("t")).toString(), Qt::ISODateWithMs);
        if (t.isValid())
            points << parsePoint(t.toMSecsSinceEpoch(), p);
    }
    std::sort(points.begin(), points.end(), [](const Point &a, const Point &b) { return a.time < b.time; });
    const int resolution = std::max(1, answer.value(QStringLiteral("resolutionSeconds")).toInt(1));
    replace(routeId, range, std::move(points), resolution);
    setLoading(false);
    setError({});
}

void GatewayMetricsModel::fail(const QString &routeId, const QString &range, const QString &error)
{
    replace(routeId, range, {}, m_resolution);
    setLoading(false);
    setError(error);
}

void GatewayMetricsModel::appendLive(qint64 timeMs, const QJsonObject &point)
{
    if (m_range != QLatin1String("5m") || isLoading() || m_routeId.isEmpty())
        return;
    if (!m_points.isEmpty() && timeMs <= m_points.last().time)
        return; // already in the loaded series
    const int row = int(m_points.size());
    beginInsertRows({}, row, row);
    m_points.append(parsePoint(timeMs, point));
    endInsertRows();
    const qint64 oldest = timeMs - rangeMs(m_range);
    const auto firstKept = std::find_if(m_points.cbegin(), m_points.cend(),
                                        [oldest](const Point &p) { return p.time >= oldest; });
    const int drop = int(firstKept - m_points.cbegin());
    if (drop > 0) {
        beginRemoveRows({}, 0, drop - 1);
        m_points.remove(0, drop);
        endRemoveRows();
    }
    Q_EMIT pointsChanged(); // the axes follow the newest second
    Q_EMIT pointAppended();
}

void GatewayMetricsModel::clear()
{
    replace({}, m_range, {}, m_resolution);
    setLoading(false);
    setError({});
}

void GatewayMetricsModel::replace(const QString &routeId, const QString &range, QList<Point> points,
                                  int resolution)
{
    beginResetModel();
    m_routeId = routeId;
    m_range = range;
    m_points = std::move(points);
    m_resolution = resolution;
    endResetModel();
    Q_EMIT pointsChanged();
}

} // namespace Meshdeck::Console
