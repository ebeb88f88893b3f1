#include "gatewayroutesmodel.h"

#include <QHash>
#include <QLocale>

#include <algorithm>

namespace Meshdeck::Console {

namespace {
QHash<QString, QJsonObject> byId(const QJsonArray &entries)
{
    QHash<QString, QJsonObject> out;
    for (const QJsonValue &v : entries) {
        const QJsonObject o = v.toObject();
        out.insert(o.value(QStringLiteral("id")).toString(), o);
    }
    return out;
}

QList<QJsonObject> objects(const QJsonValue &array)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : array.toArray())
        out << v.toObject();
    return out;
}
} // namespace

int GatewayRoutesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString GatewayRoutesModel::formatMs(double ms)
{
    if (ms < 10)
        return tr("%1 ms").arg(QLocale().toString(ms, 'f', 1));
    return tr("%1 ms").arg(QLocale().toString(ms, 'f', 0));
}

QVariant GatewayRoutesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case RouteIdRole:
        return r.id;
    case Qt::DisplayRole:
    case NameRole:
        return r.name;
    case MatchRole:
        return r.match;
    case ServiceRole:
        return r.service;
    case VersionRole:
        return r.version;
    case HasLiveRole:
        return r.hasLive;
    case RateRole:
        return r.rate;
    case RateTextRole:
        return r.hasLive ? tr("%1/s").arg(QLocale().toString(r.rate, 'f', r.rate < 10 ? 1 : 0)) : tr("—");
    case ErrorPercentRole:
        return r.errorPercent;
    case ErrorTextRole:
        return r.hasLive ? tr("%1 %").arg(QLocale().toString(r.errorPercent, 'f', 1)) : tr("—");
    case P50Role:
        return r.p50;
    case P95Role:
        return r.p95;
    case P99Role:
        return r.p99;
    case GatewayP99Role:
        return r.gatewayP99;
    case LatencyTextRole:
        return r.hasLive ? tr("%1 / %2 / %3").arg(formatMs(r.p50), formatMs(r.p95), formatMs(r.p99))
                         : tr("—");
    case GatewayP99TextRole:
        return r.hasLive ? formatMs(r.gatewayP99) : tr("—");
    case RateLimitedRole:
        return r.rateLimited;
    case BusiestConsumerRole:
        if (r.busiest.isEmpty())
            return QString();
        return tr("%1: %2 of %3 left")
            .arg(r.busiest.value(QStringLiteral("consumer")).toString())
            .arg(r.busiest.value(QStringLiteral("remaining")).toInteger())
            .arg(r.busiest.value(QStringLiteral("limit")).toInteger());
    case BreakersRole: {
        int closed = 0, open = 0, halfOpen = 0;
        for (const QJsonObject &i : r.instances) {
            const QString state = i.value(QStringLiteral("breaker")).toString();
            if (state == QLatin1String("open"))
                ++open;
            else if (state == QLatin1String("half_open"))
                ++halfOpen;
            else
                ++closed;
        }
        if (r.instances.isEmpty())
            return r.hasLive ? tr("no instance") : QString();
        QStringList parts;
        if (open > 0)
            parts << tr("%n open", nullptr, open);
        if (halfOpen > 0)
            parts << tr("%n half-open", nullptr, halfOpen);
        if (closed > 0)
            parts << tr("%n closed", nullptr, closed);
        return parts.join(QStringLiteral(", "));
    }
    case OpenBreakersRole:
        return int(std::count_if(r.instances.cbegin(), r.instances.cend(), [](const QJsonObject &i) {
            return i.value(QStringLiteral("breaker")).toString() != QLatin1String("closed");
        }));
    case InstanceCountRole:
        return int(r.instances.size());
    default:
        return {};
    }
}

QHash<int, QByteArray> GatewayRoutesModel::roleNames() const
{
    return {{RouteIdRole, "routeId"},
            {NameRole, "name"},
            {MatchRole, "match"},
            {ServiceRole, "service"},
            {VersionRole, "version"},
            {HasLiveRole, "hasLive"},
            {RateRole, "rate"},
            {RateTextRole, "rateText"},
            {ErrorPercentRole, "errorPercent"},
            {ErrorTextRole, "errorText"},
            {P50Role, "p50"},
            {P95Role, "p95"},
            {P99Role, "p99"},
            {GatewayP99Role, "gatewayP99"},
            {LatencyTextRole, "latencyText"},
            {GatewayP99TextRole, "gatewayP99Text"},
            {RateLimitedRole, "rateLimited"},
            {BusiestConsumerRole, "busiestConsumer"},
            {BreakersRole, "breakers"},
            {OpenBreakersRole, "openBreakers"},
            {InstanceCountRole, "instanceCount"}};
}

QString GatewayRoutesModel::describeMatch(const QJsonObject &match)
{
    const QString host = match.value(QStringLiteral("host")).toString();
    const QString prefix = match.value(QStringLiteral("pathPrefix")).toString();
    QStringList methods;
    for (const QJsonValue &m : match.value(QStringLiteral("methods")).toArray())
        methods << m.toString();
    QString text = host + (prefix.isEmpty() ? QStringLiteral("/") : prefix);
    if (!methods.isEmpty())
        text += QStringLiteral(" · ") + methods.join(QStringLiteral(", "));
    return text;
}

void GatewayRoutesModel::takeOverview(Row &row, const QJsonObject &entry)
{
    row.hasLive = true;
    row.rate = entry.value(QStringLiteral("ratePerSecond")).toDouble();
    row.errorPercent = entry.value(QStringLiteral("errorPercent")).toDouble();
    row.p50 = entry.value(QStringLiteral("p50Ms")).toDouble();
    row.p95 = entry.value(QStringLiteral("p95Ms")).toDouble();
    row.p99 = entry.value(QStringLiteral("p99Ms")).toDouble();
    row.gatewayP99 = entry.value(QStringLiteral("gatewayP99Ms")).toDouble();
    row.rateLimited = entry.value(QStringLiteral("rateLimited5m")).toInteger();
    row.busiest = entry.value(QStringLiteral("busiestConsumer")).toObject();
    row.instances = objects(entry.value(QStringLiteral("instances")));
    if (row.service.isEmpty())
        row.service = entry.value(QStringLiteral("service")).toString();
    if (row.name.isEmpty())
        row.name = entry.value(QStringLiteral("name")).toString();
}

void GatewayRoutesModel::setRoutes(const QJsonArray &routes, const QJsonArray &overviewRoutes)
{
    QHash<QString, QJsonObject> live = byId(overviewRoutes);
    QList<Row> rows;
    for (const QJsonValue &v : routes) {
        const QJsonObject spec = v.toObject();
        Row row;
        row.id = spec.value(QStringLiteral("id")).toString();
        row.name = spec.value(QStringLiteral("name")).toString();
        row.service = spec.value(QStringLiteral("service")).toString();
        row.match = describeMatch(spec.value(QStringLiteral("match")).toObject());
        row.version = spec.value(QStringLiteral("version")).toInteger();
        row.spec = spec;
        const auto entry = live.constFind(row.id);
        if (entry != live.cend()) {
            takeOverview(row, *entry);
            live.erase(entry);
        }
        rows << row;
    }
    // A route the overview counts but the list did not have yet (created in between).
    for (const QJsonObject &entry : std::as_const(live)) {
        Row row;
        row.id = entry.value(QStringLiteral("id")).toString();
        takeOverview(row, entry);
        rows << row;
    }
    beginResetModel();
    m_rows = rows;
    std::stable_sort(m_rows.begin(), m_rows.end(),
                     [this](const Row &a, const Row &b) { return lessThan(a, b); });
    endResetModel();
    setError({});
}

void GatewayRoutesModel::applyOverview(const QJsonArray &overviewRoutes)
{
    const QHash<QString, QJsonObject> live = byId(overviewRoutes);
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const auto entry = live.constFind(m_rows[i].id);
        if (entry == live.cend())
            continue;
        takeOverview(m_rows[i], *entry);
        Q_EMIT dataChanged(index(int(i)), index(int(i)));
    }
    resort();
}

void GatewayRoutesModel::applyLive(const QJsonArray &routes)
{
    const QHash<QString, QJsonObject> live = byId(routes);
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        Row &row = m_rows[i];
        const auto entry = live.constFind(row.id);
        const double requests =
            entry == live.cend() ? 0 : entry->value(QStringLiteral("requests")).toDouble();
        const double errors = entry == live.cend() ? 0 : entry->value(QStringLiteral("errors")).toDouble();
        row.hasLive = true;
        row.rate = requests;
        row.errorPercent = requests > 0 ? errors * 100.0 / requests : 0;
        if (requests > 0) { // latencies of a quiet second are unknown: the last ones stay
            row.p50 = entry->value(QStringLiteral("p50Ms")).toDouble();
            row.p95 = entry->value(QStringLiteral("p95Ms")).toDouble();
            row.p99 = entry->value(QStringLiteral("p99Ms")).toDouble();
            row.gatewayP99 = entry->value(QStringLiteral("gatewayP99Ms")).toDouble();
        }
    }
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
    resort();
}

void GatewayRoutesModel::applyBreakers(const QJsonArray &breakers)
{
    for (const QJsonValue &v : breakers) {
        const QJsonObject b = v.toObject();
        const int row = rowOf(b.value(QStringLiteral("routeId")).toString());
        if (row < 0)
            continue;
        const QString instanceId = b.value(QStringLiteral("instanceId")).toString();
        QList<QJsonObject> &instances = m_rows[row].instances;
        auto it = std::find_if(instances.begin(), instances.end(), [&](const QJsonObject &i) {
            return i.value(QStringLiteral("id")).toString() == instanceId;
        });
        if (it == instances.end()) {
            instances.append(QJsonObject{{QStringLiteral("id"), instanceId},
                                         {QStringLiteral("address"), b.value(QStringLiteral("address"))},
                                         {QStringLiteral("port"), b.value(QStringLiteral("port"))}});
            it = instances.end() - 1;
        }
        it->insert(QStringLiteral("breaker"), b.value(QStringLiteral("state")));
        it->insert(QStringLiteral("openedAt"), b.value(QStringLiteral("openedAt")));
        Q_EMIT dataChanged(index(row), index(row), {BreakersRole, OpenBreakersRole, InstanceCountRole});
    }
}

void GatewayRoutesModel::fail(const QString &error)
{
    clear();
    setError(error);
}

void GatewayRoutesModel::clear()
{
    if (!m_rows.isEmpty()) {
        beginResetModel();
        m_rows.clear();
        endResetModel();
    }
}

void GatewayRoutesModel::sortBy(const QString &key)
{
    static const QStringList keys{
        QStringLiteral("name"),         QStringLiteral("service"),    QStringLiteral("rate"),
        QStringLiteral("errorPercent"), QStringLiteral("p50"),        QStringLiteral("p95"),
        QStringLiteral("p99"),          QStringLiteral("gatewayP99"), QStringLiteral("rateLimited")};
    if (!keys.contains(key))
        return;
    if (key == m_sortKey) {
        m_ascending = !m_ascending;
    } else {
        m_sortKey = key;
        // Names read A to Z; numbers are looked at for the worst first.
        m_ascending = key == QLatin1String("name") || key == QLatin1String("service");
    }
    Q_EMIT sortChanged();
    resort();
}

bool GatewayRoutesModel::lessThan(const Row &a, const Row &b) const
{
    const auto number = [this](const Row &r) -> double {
        if (m_sortKey == QLatin1String("rate"))
            return r.rate;
        if (m_sortKey == QLatin1String("errorPercent"))
            return r.errorPercent;
        if (m_sortKey == QLatin1String("p50"))
            return r.p50;
        if (m_sortKey == QLatin1String("p95"))
            return r.p95;
        if (m_sortKey == QLatin1String("p99"))
            return r.p99;
        if (m_sortKey == QLatin1String("gatewayP99"))
            return r.gatewayP99;
        return double(r.rateLimited);
    };
    int order = 0;
    if (m_sortKey == QLatin1String("name")) {
        order = a.name.compare(b.name, Qt::CaseInsensitive);
    } else if (m_sortKey == QLatin1String("service")) {
        order = a.service.compare(b.service, Qt::CaseInsensitive);
    } else {
        const double x = number(a), y = number(b);
        order = x < y ? -1 : (x > y ? 1 : 0);
    }
    if (order == 0) // ties keep a stable, readable order
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    return m_ascending ? order < 0 : order > 0;
}

void GatewayRoutesModel::resort()
{
    QList<Row> sorted = m_rows;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [this](const Row &a, const Row &b) { return lessThan(a, b); });
    bool same = true;
    for (qsizetype i = 0; same && i < sorted.size(); ++i)
        same = sorted[i].id == m_rows[i].id;
    if (same)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex &old : before) {
        const QString id = m_rows.at(old.row()).id;
        const auto it =
            std::find_if(sorted.cbegin(), sorted.cend(), [&](const Row &r) { return r.id == id; });
        after << index(int(it - sorted.cbegin()), old.column());
    }
    m_rows = sorted;
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

int GatewayRoutesModel::rowOf(const QString &routeId) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == routeId)
            return int(i);
    }
    return -1;
}

const GatewayRoutesModel::Row *GatewayRoutesModel::route(const QString &routeId) const
{
    const int row = rowOf(routeId);
    return row < 0 ? nullptr : &m_rows.at(row);
}

} // namespace Meshdeck::Console
