#pragma once

#include "common/statefullistmodel.h"

namespace Meshdeck::Console {

// The number of instances in each health status, in a fixed order (passing, warning, critical,
// draining): the Overview's tiles.
class HealthCountsModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.registry.counts")
public:
    enum Role { StatusRole = Qt::UserRole + 1, CountRole };
    Q_ENUM(Role)

    static constexpr int Statuses = 4;

    using StatefulListModel::StatefulListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Counts in the order passing, warning, critical, draining; returns whether any changed.
    bool setCounts(const std::array<int, Statuses> &counts);
    int count(int status) const { return m_counts.at(size_t(status)); }

private:
    std::array<int, Statuses> m_counts{};
};

} // namespace Meshdeck::Console
