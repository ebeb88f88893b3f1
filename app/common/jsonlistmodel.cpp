#include "jsonlistmodel.h"

namespace Meshdeck::Console {

int JsonListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

void JsonListModel::setRows(const QList<QJsonObject> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
    setError({});
}

void JsonListModel::setRows(const QJsonArray &rows)
{
    QList<QJsonObject> objects;
    objects.reserve(rows.size());
    for (const QJsonValue &v : rows)
        objects << v.toObject();
    setRows(objects);
}

void JsonListModel::fail(const QString &error)
{
    if (!m_rows.isEmpty()) {
        beginResetModel();
        m_rows.clear();
        endResetModel();
    }
    setError(error);
}

void JsonListModel::replaceRow(int row, const QJsonObject &object)
{
    if (row < 0 || row >= m_rows.size())
        return;
    m_rows[row] = object;
    Q_EMIT dataChanged(index(row), index(row));
}

void JsonListModel::appendRow(const QJsonObject &object)
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(object);
    endInsertRows();
}

const QJsonObject *JsonListModel::rowAt(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return nullptr;
    return &m_rows.at(index.row());
}

} // namespace Meshdeck::Console
