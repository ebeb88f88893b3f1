#include "breakersmodel.h"

#include <QDateTime>
#include <QLocale>
#include <QSet>

#include <algorithm>

namespace Meshdeck::Console {

namespace {
QString endpointOf(const QJsonObject &b)
{
    const QString address = b.value(QStringLiteral("address")).toString();
    const int port = b.value(QStringLiteral("port")).toInt();
    if (address.isEmpty())
        return b.value(QStringLiteral("instanceId")).toString();
    return address.contains(QLatin1Char(':')) ? QStringLiteral("[%1]:%2").arg(address).arg(port)
                                              : QStringLiteral("%1:%2").arg(address).arg(port);
}

QString localTime(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("HH:mm:ss")) : QString();
}
} // namespace

int BreakersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

QString BreakersModel::stateText(const QString &state)
{
    if (state == QLatin1String("open"))
        return tr("open");
    if (state == QLatin1String("half_open"))
        return tr("half-open");
    return tr("closed");
}

QVariant BreakersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject b = m_all.value(m_visible.at(index.row()));
    const QString state = b.value(QStringLiteral("state")).toString();
    const QJsonArray trips = b.value(QStringLiteral("trips")).toArray();
    switch (role) {
    case InstanceIdRole:
        return b.value(QStringLiteral("instanceId")).toString();
    case RouteIdRole:
        return b.value(QStringLiteral("routeId")).toString();
    case Qt::DisplayRole:
    case EndpointRole:
        return endpointOf(b);
    case StateRole:
        return state.isEmpty() ? QStringLiteral("closed") : state;
    case StateTextRole:
        return stateText(state);
    case InFlightRole:
        return b.value(QStringLiteral("inFlight")).toInt();
    case OpenedAtRole:
        return localTime(b.value(QStringLiteral("openedAt")).toString());
    case ConsecutiveFailuresRole:
        return b.value(QStringLiteral("consecutiveFailures")).toInt();
    case TripsRole:
        return int(trips.size());
    case LastTripRole: {
        if (trips.isEmpty())
            return QString();
        // The newest trip: the history is kept oldest first or newest first; take the latest time.
        QJsonObject last;
        for (const QJsonValue &v : trips) {
            const QJsonObject t = v.toObject();
            if (last.isEmpty() ||
                t.value(QStringLiteral("at")).toString() > last.value(QStringLiteral("at")).toString())
                last = t;
        }
        return tr("%1 %2 → %3: %4")
            .arg(localTime(last.value(QStringLiteral("at")).toString()),
                 stateText(last.value(QStringLiteral("from")).toString()),
                 stateText(last.value(QStringLiteral("to")).toString()),
                 last.value(QStringLiteral("reason")).toString());
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> BreakersModel::roleNames() const
{
    return {{InstanceIdRole, "instanceId"}, {RouteIdRole, "routeId"},
            {EndpointRole, "endpoint"},     {StateRole, "state"},
            {StateTextRole, "stateText"},   {InFlightRole, "inFlight"},
            {OpenedAtRole, "openedAt"},     {ConsecutiveFailuresRole, "consecutiveFailures"},
            {TripsRole, "trips"},           {LastTripRole, "lastTrip"}};
}

void BreakersModel::setRouteId(const QString &routeId)
{
    if (routeId == m_routeId)
        return;
    m_routeId = routeId;
    Q_EMIT routeIdChanged();
    rebuild();
}

void BreakersModel::setFromOverview(const QJsonArray &overviewRoutes)
{
    QSet<QString> seen;
    for (const QJsonValue &r : overviewRoutes) {
        const QJsonObject route = r.toObject();
        const QString routeId = route.value(QStringLiteral("id")).toString();
        for (const QJsonValue &i : route.value(QStringLiteral("instances")).toArray()) {
            const QJsonObject instance = i.toObject();
            const QString instanceId = instance.value(QStringLiteral("id")).toString();
            const QString key = keyOf(routeId, instanceId);
            seen.insert(key);
            QJsonObject &b = m_all[key];
            b.insert(QStringLiteral("routeId"), routeId);
            b.insert(QStringLiteral("routeName"), route.value(QStringLiteral("name")));
            b.insert(QStringLiteral("instanceId"), instanceId);
            b.insert(QStringLiteral("address"), instance.value(QStringLiteral("address")));
            b.insert(QStringLiteral("port"), instance.value(QStringLiteral("port")));
            b.insert(QStringLiteral("state"), instance.value(QStringLiteral("breaker")));
            b.insert(QStringLiteral("inFlight"), instance.value(QStringLiteral("inFlight")));
            b.insert(QStringLiteral("openedAt"), instance.value(QStringLiteral("openedAt")));
        }
    }
    m_all.removeIf(
        [&seen](const QHash<QString, QJsonObject>::iterator it) { return !seen.contains(it.key()); });
    rebuild();
    setError({});
}

void BreakersModel::merge(const QJsonArray &breakers)
{
    for (const QJsonValue &v : breakers) {
        const QJsonObject in = v.toObject();
        const QString routeId = in.value(QStringLiteral("routeId")).toString();
        const QString instanceId = in.value(QStringLiteral("instanceId")).toString();
        if (routeId.isEmpty() || instanceId.isEmpty())
            continue;
        QJsonObject &b = m_all[keyOf(routeId, instanceId)];
        for (auto it = in.constBegin(); it != in.constEnd(); ++it)
            b.insert(it.key(), it.value());
    }
    rebuild();
}

void BreakersModel::clear()
{
    m_all.clear();
    rebuild();
    setError({});
}

QJsonObject BreakersModel::breaker(const QString &routeId, const QString &instanceId) const
{
    return m_all.value(keyOf(routeId, instanceId));
}

void BreakersModel::rebuild()
{
    QList<QString> next;
    for (auto it = m_all.cbegin(); it != m_all.cend(); ++it) {
        if (!m_routeId.isEmpty() && it->value(QStringLiteral("routeId")).toString() == m_routeId)
            next << it.key();
    }
    std::sort(next.begin(), next.end(), [this](const QString &a, const QString &b) {
        return endpointOf(m_all.value(a)) < endpointOf(m_all.value(b));
    });
    if (next == m_visible) {
        if (!m_visible.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_visible.size()) - 1));
        return;
    }
    beginResetModel();
    m_visible = next;
    endResetModel();
}

} // namespace Meshdeck::Console
