#include "consumergroupsmodel.h"

namespace Meshdeck::Console {

QVariant ConsumerGroupsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *g = rowAt(index);
    if (!g)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return g->value(QStringLiteral("name")).toString();
    case CommittedOffsetRole:
        return g->value(QStringLiteral("committedOffset")).toInteger();
    case LagRole:
        return g->value(QStringLiteral("lag")).toInteger();
    case InFlightRole:
        return g->value(QStringLiteral("inFlight")).toInteger();
    case SummaryRole:
        return tr("committed %1 · lag %2 · in flight %3")
            .arg(g->value(QStringLiteral("committedOffset")).toInteger())
            .arg(g->value(QStringLiteral("lag")).toInteger())
            .arg(g->value(QStringLiteral("inFlight")).toInteger());
    default:
        return {};
    }
}

QHash<int, QByteArray> ConsumerGroupsModel::roleNames() const
{
    return {{NameRole, "name"},
            {CommittedOffsetRole, "committedOffset"},
            {LagRole, "lag"},
            {InFlightRole, "inFlight"},
            {SummaryRole, "summary"}};
}

bool ConsumerGroupsModel::contains(const QString &group) const
{
    return std::any_of(rows().cbegin(), rows().cend(), [&group](const QJsonObject &g) {
        return g.value(QStringLiteral("name")).toString() == group;
    });
}

} // namespace Meshdeck::Console
