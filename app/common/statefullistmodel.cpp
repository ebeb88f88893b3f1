#include "statefullistmodel.h"

namespace Meshdeck::Console {

StatefulListModel::StatefulListModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &StatefulListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &StatefulListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &StatefulListModel::countChanged);
}

QVariant StatefulListModel::valueAt(int row, const QString &role) const
{
    const int key = roleNames().key(role.toUtf8(), -1);
    if (key < 0 || row < 0 || row >= rowCount())
        return {};
    return data(index(row, 0), key);
}

void StatefulListModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged();
}

void StatefulListModel::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

} // namespace Meshdeck::Console
