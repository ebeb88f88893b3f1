#include "choicesmodel.h"

#include <QCoreApplication>

namespace Meshdeck::Console {

ChoicesModel::ChoicesModel(QList<Choice> choices, QObject *parent)
    : StatefulListModel(parent)
    , m_choices(std::move(choices))
{}

int ChoicesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_choices.size());
}

QVariant ChoicesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Choice &c = m_choices.at(index.row());
    switch (role) {
    case ValueRole:
        return c.value;
    case Qt::DisplayRole:
    case LabelRole:
        return c.context ? QCoreApplication::translate(c.context, c.label) : QString::fromUtf8(c.label);
    default:
        return {};
    }
}

QHash<int, QByteArray> ChoicesModel::roleNames() const
{
    return {{ValueRole, "value"}, {LabelRole, "label"}};
}

int ChoicesModel::indexOf(const QString &value) const
{
    for (qsizetype i = 0; i < m_choices.size(); ++i) {
        if (m_choices.at(i).value == value)
            return int(i);
    }
    return -1;
}

void ChoicesModel::retranslate()
{
    if (!m_choices.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_choices.size()) - 1), {LabelRole, Qt::DisplayRole});
}

} // namespace Meshdeck::Console
