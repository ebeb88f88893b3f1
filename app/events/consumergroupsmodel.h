#pragma once

#include "common/jsonlistmodel.h"

namespace Meshdeck::Console {

// The consumer groups reading the selected topic, with their committed offset, lag and in-flight
// count.
class ConsumerGroupsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events.groups")
public:
    enum Role { NameRole = Qt::UserRole + 1, CommittedOffsetRole, LagRole, InFlightRole, SummaryRole };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool contains(const QString &group) const;
};

} // namespace Meshdeck::Console
