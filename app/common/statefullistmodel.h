#pragma once

#include <QAbstractListModel>
#include <QQmlEngine>

namespace Meshdeck::Console {

// A list model that says whether it is loading and why it could not load. Pages show `error`
// (with a way to retry) instead of the empty state: an empty list after a failed request is a
// failure, never "nothing here".
// Subclasses name it qualified (`public Meshdeck::Console::StatefulListModel`): Qt 6.4's
// qmltyperegistrar does not resolve an unqualified base in a namespace, and QML would not see
// `loading` and `error`.
class StatefulListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit StatefulListModel(QObject *parent = nullptr);

    bool isLoading() const { return m_loading; }
    QString error() const { return m_error; }
    int count() const { return rowCount(); }

    // One role of one row by the role's name, for keyboard handlers: valueAt(currentIndex, "name").
    Q_INVOKABLE QVariant valueAt(int row, const QString &role) const;

    void setLoading(bool loading);
    // A sentence a person can act on; empty once a request succeeded.
    void setError(const QString &error);

Q_SIGNALS:
    void loadingChanged();
    void errorChanged();
    void countChanged();

private:
    bool m_loading = false;
    QString m_error;
};

} // namespace Meshdeck::Console
