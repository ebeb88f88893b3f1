#include "laghistorymodel.h"

#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace Meshdeck::Console {

int LagHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_points.size());
}

QVariant LagHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Point &p = m_points.at(index.row());
    switch (role) {
    case TimeRole:
        return p.time;
    case Qt::DisplayRole:
    case LagRole:
        return p.lag;
    default:
        return {};
    }
}

QHash<int, QByteArray> LagHistoryModel::roleNames() const
{
    return {{TimeRole, "time"}, {LagRole, "lag"}};
}

QDateTime LagHistoryModel::axisStart() const
{
    return m_points.isEmpty() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(m_points.first().time);
}

QDateTime LagHistoryModel::axisEnd() const
{
    if (m_points.isEmpty())
        return {};
    // At least a minute wide, so a single sample is not a zero-width axis.
    return QDateTime::fromMSecsSinceEpoch(std::max(m_points.last().time, m_points.first().time + 60'000));
}

qint64 LagHistoryModel::axisMaxLag() const
{
    qint64 highest = 0;
    for (const Point &p : m_points)
        highest = std::max(highest, p.lag);
    return std::max<qint64>(10, qint64(std::ceil(double(highest) * 1.2)));
}

qreal LagHistoryModel::timeAt(int row) const
{
    return row >= 0 && row < m_points.size() ? qreal(m_points.at(row).time) : 0;
}

qreal LagHistoryModel::lagAt(int row) const
{
    return row >= 0 && row < m_points.size() ? qreal(m_points.at(row).lag) : 0;
}

void LagHistoryModel::setPoints(const QString &group, const QJsonArray &points)
{
    QList<Point> parsed;
    for (const QJsonValue &v : points) {
        const QJsonObject p = v.toObject();
        const QDateTime time =
            QDateTime::fromString(p.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
        if (time.isValid())
            parsed.append({time.toMSecsSinceEpoch(), p.value(QStringLiteral("lag")).toInteger()});
    }
    std::sort(parsed.begin(), parsed.end(), [](const Point &a, const Point &b) { return a.time < b.time; });
    replace(group, std::move(parsed));
    setError({});
}

void LagHistoryModel::fail(const QString &group, const QString &error)
{
    replace(group, {});
    setError(error);
}

void LagHistoryModel::clear()
{
    replace({}, {});
    setError({});
}

void LagHistoryModel::replace(const QString &group, QList<Point> points)
{
    beginResetModel();
    m_group = group;
    m_points = std::move(points);
    endResetModel();
    Q_EMIT pointsChanged();
}

} // namespace Meshdeck::Console
