#include "accesslogmodel.h"

#include <QDateTime>
#include <QLocale>

namespace Meshdeck::Console {

namespace {
QString timeText(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("HH:mm:ss.zzz")) : iso;
}

QString ms(const QJsonValue &value)
{
    const double v = value.toDouble();
    return QLocale().toString(v, 'f', v < 10 ? 1 : 0);
}
} // namespace

AccessLogModel::AccessLogModel(int capacity, QObject *parent)
    : StatefulListModel(parent)
    , m_capacity(capacity)
{}

int AccessLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

QVariant AccessLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = *m_visible.at(size_t(index.row()));
    const QJsonObject &d = e.data;
    switch (role) {
    case OffsetRole:
        return e.offset;
    case TimeRole:
        return timeText(e.time.isEmpty() ? d.value(QStringLiteral("at")).toString() : e.time);
    case RequestIdRole:
        return d.value(QStringLiteral("requestId")).toString();
    case RouteRole:
        return d.value(QStringLiteral("route")).toString();
    case RouteIdRole:
        return d.value(QStringLiteral("routeId")).toString();
    case MethodRole:
        return d.value(QStringLiteral("method")).toString();
    case PathRole:
        return d.value(QStringLiteral("path")).toString();
    case StatusRole:
        return d.value(QStringLiteral("status")).toInt();
    case DurationRole:
        return d.value(QStringLiteral("durationMs")).toDouble();
    case TimingTextRole:
        return tr("%1 ms (gateway %2 ms, upstream %3 ms)")
            .arg(ms(d.value(QStringLiteral("durationMs"))), ms(d.value(QStringLiteral("gatewayMs"))),
                 ms(d.value(QStringLiteral("upstreamMs"))));
    case InstanceIdRole:
        return d.value(QStringLiteral("instanceId")).toString();
    case ClientRole:
        return d.value(QStringLiteral("client")).toString();
    case ConsumerRole:
        return d.value(QStringLiteral("consumer")).toString();
    case CauseRole:
        return d.value(QStringLiteral("cause")).toString();
    case Qt::DisplayRole:
    case SummaryRole:
        return tr("%1 %2 %3 → %4 in %5 ms")
            .arg(d.value(QStringLiteral("route")).toString(), d.value(QStringLiteral("method")).toString(),
                 d.value(QStringLiteral("path")).toString())
            .arg(d.value(QStringLiteral("status")).toInt())
            .arg(ms(d.value(QStringLiteral("durationMs"))));
    default:
        return {};
    }
}

QHash<int, QByteArray> AccessLogModel::roleNames() const
{
    return {{OffsetRole, "offset"},
            {TimeRole, "time"},
            {RequestIdRole, "requestId"},
            {RouteRole, "route"},
            {RouteIdRole, "routeId"},
            {MethodRole, "method"},
            {PathRole, "path"},
            {StatusRole, "status"},
            {DurationRole, "duration"},
            {TimingTextRole, "timingText"},
            {InstanceIdRole, "instanceId"},
            {ClientRole, "client"},
            {ConsumerRole, "consumer"},
            {CauseRole, "cause"},
            {SummaryRole, "summary"}};
}

bool AccessLogModel::matches(const Entry &entry) const
{
    const QJsonObject &d = entry.data;
    if (!m_route.isEmpty() && d.value(QStringLiteral("route")).toString() != m_route &&
        d.value(QStringLiteral("routeId")).toString() != m_route)
        return false;
    if (!m_requestId.isEmpty() &&
        !d.value(QStringLiteral("requestId")).toString().startsWith(m_requestId, Qt::CaseInsensitive))
        return false;
    if (m_status.isEmpty())
        return true;
    const int status = d.value(QStringLiteral("status")).toInt();
    if (m_status == QLatin1String("errors"))
        return status >= 500 || !d.value(QStringLiteral("cause")).toString().isEmpty();
    if (m_status.size() == 3 && m_status.endsWith(QLatin1String("xx")))
        return status / 100 == m_status.at(0).digitValue();
    return QString::number(status) == m_status;
}

void AccessLogModel::rebuild()
{
    beginResetModel();
    m_visible.clear();
    for (const Entry &e : m_all) {
        if (matches(e))
            m_visible.push_back(&e);
    }
    endResetModel();
}

void AccessLogModel::setEvents(const QList<QJsonObject> &events)
{
    m_all.clear();
    m_lastOffset = -1;
    for (const QJsonObject &event : events) {
        const qint64 offset = event.value(QStringLiteral("offset")).toInteger(-1);
        m_all.push_front({offset, event.value(QStringLiteral("time")).toString(),
                          event.value(QStringLiteral("data")).toObject()});
        m_lastOffset = std::max(m_lastOffset, offset);
    }
    while (m_all.size() > size_t(m_capacity))
        m_all.pop_back();
    rebuild();
    setError({});
}

void AccessLogModel::append(const QJsonObject &event)
{
    const qint64 offset = event.value(QStringLiteral("offset")).toInteger(-1);
    if (offset >= 0 && offset <= m_lastOffset)
        return; // already held
    m_lastOffset = std::max(m_lastOffset, offset);
    if (m_all.size() >= size_t(m_capacity)) {
        // The oldest goes; if it is shown, its row goes first.
        const Entry *oldest = &m_all.back();
        if (!m_visible.empty() && m_visible.back() == oldest) {
            const int row = int(m_visible.size()) - 1;
            beginRemoveRows({}, row, row);
            m_visible.pop_back();
            m_all.pop_back();
            endRemoveRows();
        } else {
            m_all.pop_back();
        }
    }
    m_all.push_front({offset, event.value(QStringLiteral("time")).toString(),
                      event.value(QStringLiteral("data")).toObject()});
    if (matches(m_all.front())) {
        beginInsertRows({}, 0, 0);
        m_visible.insert(m_visible.begin(), &m_all.front());
        endInsertRows();
    } else {
        Q_EMIT countChanged(); // the total moved
    }
}

void AccessLogModel::clear()
{
    m_all.clear();
    m_lastOffset = -1;
    rebuild();
    setError({});
}

void AccessLogModel::setRouteFilter(const QString &route)
{
    if (route == m_route)
        return;
    m_route = route;
    Q_EMIT filterChanged();
    rebuild();
}

void AccessLogModel::setStatusFilter(const QString &status)
{
    if (status == m_status)
        return;
    m_status = status;
    Q_EMIT filterChanged();
    rebuild();
}

void AccessLogModel::setRequestIdFilter(const QString &requestId)
{
    const QString trimmed = requestId.trimmed();
    if (trimmed == m_requestId)
        return;
    m_requestId = trimmed;
    Q_EMIT filterChanged();
    rebuild();
}

} // namespace Meshdeck::Console
