#include "statuschangesmodel.h"

#include <QDateTime>

namespace Meshdeck::Console {

StatusChangesModel::StatusChangesModel(int capacity, QObject *parent)
    : StatefulListModel(parent)
    , m_capacity(capacity)
{}

int StatusChangesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_changes.size());
}

QVariant StatusChangesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Change &c = m_changes.at(index.row());
    const QDateTime time = c.time > 0 ? QDateTime::fromMSecsSinceEpoch(c.time) : QDateTime();
    switch (role) {
    case TimeRole:
        return double(c.time);
    case TimeTextRole:
        return time.isValid() ? time.toString(QStringLiteral("hh:mm:ss")) : QStringLiteral("–");
    case DateTimeTextRole:
        return time.isValid() ? time.toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")) : QStringLiteral("–");
    case ServiceRole:
        return c.service;
    case InstanceIdRole:
        return c.instanceId;
    case EndpointRole:
        return c.endpoint;
    case Qt::DisplayRole:
    case SubjectRole:
        return c.endpoint.isEmpty() ? c.service : c.service + QLatin1Char(' ') + c.endpoint;
    case FromRole:
        return c.from;
    case ToRole:
        return c.to;
    case ReasonRole:
        return c.reason;
    default:
        return {};
    }
}

QHash<int, QByteArray> StatusChangesModel::roleNames() const
{
    return {{TimeRole, "time"},
            {TimeTextRole, "timeText"},
            {DateTimeTextRole, "dateTimeText"},
            {ServiceRole, "service"},
            {InstanceIdRole, "instanceId"},
            {EndpointRole, "endpoint"},
            {SubjectRole, "subject"},
            {FromRole, "from"},
            {ToRole, "to"},
            {ReasonRole, "reason"}};
}

void StatusChangesModel::setChanges(const QList<Change> &changes)
{
    beginResetModel();
    m_changes = m_capacity >= 0 ? changes.mid(0, m_capacity) : changes;
    endResetModel();
    setError({});
}

void StatusChangesModel::prepend(const Change &change)
{
    if (m_capacity == 0)
        return;
    if (m_capacity > 0 && m_changes.size() >= m_capacity) {
        beginRemoveRows({}, m_capacity - 1, int(m_changes.size()) - 1);
        m_changes.resize(m_capacity - 1);
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_changes.prepend(change);
    endInsertRows();
}

void StatusChangesModel::clear()
{
    if (m_changes.isEmpty())
        return;
    beginResetModel();
    m_changes.clear();
    endResetModel();
}

} // namespace Meshdeck::Console
