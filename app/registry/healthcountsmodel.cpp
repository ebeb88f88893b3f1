#include "healthcountsmodel.h"

namespace Meshdeck::Console {

namespace {
const char *const StatusNames[HealthCountsModel::Statuses] = {"passing", "warning", "critical", "draining"};
} // namespace

int HealthCountsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : Statuses;
}

QVariant HealthCountsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    switch (role) {
    case StatusRole:
        return QString::fromLatin1(StatusNames[index.row()]);
    case Qt::DisplayRole:
    case CountRole:
        return m_counts.at(size_t(index.row()));
    default:
        return {};
    }
}

QHash<int, QByteArray> HealthCountsModel::roleNames() const
{
    return {{StatusRole, "status"}, {CountRole, "count"}};
}

bool HealthCountsModel::setCounts(const std::array<int, Statuses> &counts)
{
    if (counts == m_counts)
        return false;
    m_counts = counts;
    Q_EMIT dataChanged(index(0), index(Statuses - 1), {CountRole, Qt::DisplayRole});
    return true;
}

} // namespace Meshdeck::Console
