#include "statefullistmodel.h"

namespace Meshdeck::Console {

StatefulListModel::StatefulListModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &StatefulListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &StatefulListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &StatefulListModel::countChanged);
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
