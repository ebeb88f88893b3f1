#pragma once

#include "common/statefullistmodel.h"

namespace Meshdeck::Console {

// Status changes of instances, newest first: the Overview's latest changes across the registry,
// or one instance's history on the Services page. Times are formatted here, in local time.
class StatusChangesModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.registry.recentChanges or Console.registry.history")
public:
    enum Role {
        TimeRole = Qt::UserRole + 1, // ms since epoch
        TimeTextRole,                // "10:04:05"
        DateTimeTextRole,            // "2026-11-21 10:04:05"
        ServiceRole,
        InstanceIdRole,
        EndpointRole,
        SubjectRole, // "web 10.0.0.7:8080"
        FromRole,
        ToRole,
        ReasonRole,
    };
    Q_ENUM(Role)

    struct Change {
        qint64 time = 0;
        QString service;
        QString instanceId;
        QString endpoint;
        QString from;
        QString to;
        QString reason;
    };

    explicit StatusChangesModel(int capacity = -1, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Newest first; replaces every row and clears the error.
    void setChanges(const QList<Change> &changes);
    // A new change at the top; the oldest goes beyond the capacity.
    void prepend(const Change &change);
    void clear();
    const QList<Change> &changes() const { return m_changes; }

private:
    QList<Change> m_changes;
    int m_capacity;
};

} // namespace Meshdeck::Console
