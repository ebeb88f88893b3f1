#pragma once

#include "statefullistmodel.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Meshdeck::Console {

// A StatefulListModel over JSON objects as the backend sent them; subclasses map roles to fields
// and do the formatting, so the pages only place what they are given.
class JsonListModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ANONYMOUS
public:
    using StatefulListModel::StatefulListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    // Replaces the rows and clears the error: the request behind them succeeded.
    void setRows(const QList<QJsonObject> &rows);
    void setRows(const QJsonArray &rows);
    // A failed request: no rows, and the reason.
    void fail(const QString &error);
    const QList<QJsonObject> &rows() const { return m_rows; }

protected:
    // The row of a valid index, or nullptr.
    const QJsonObject *rowAt(const QModelIndex &index) const;
    // One row changed in place (its delegates update, the rest stay), or a row added at the end.
    void replaceRow(int row, const QJsonObject &object);
    void appendRow(const QJsonObject &object);

private:
    QList<QJsonObject> m_rows;
};

} // namespace Meshdeck::Console
