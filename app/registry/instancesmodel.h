#pragma once

#include "common/statefullistmodel.h"

#include <QHash>
#include <QJsonObject>
#include <QQmlEngine>

namespace Meshdeck::Console {

// An instance's address and port as people write them: "10.0.0.7:8080", "[::1]:8080".
QString endpointOf(const QJsonObject &instance);
// A time the registry reports (ISO 8601) in ms since the epoch; 0 when there is none.
qint64 msSinceEpoch(const QString &iso);

// Every registered instance, as the registry channel reports them, with the rows shown filtered
// by service, status and a search text (address, port, version, tag, id).
class InstancesModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.registry.instances")
    Q_PROPERTY(int total READ total NOTIFY countChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        ServiceRole,
        AddressRole,
        EndpointRole,
        VersionRole,
        WeightRole,
        StatusRole,
        TagsRole,
        CheckRole,
        LastOutputRole,
        LastLatencyRole,
        LastSeenRole, // ms since epoch: the last heartbeat or check, whichever is newer; 0: never
        StatusSinceRole,
        RegisteredAtRole,
        BuiltinRole,
    };
    Q_ENUM(Role)

    using StatefulListModel::StatefulListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The whole set (a snapshot), one instance added or changed, one removed, check results.
    void reset(const QList<QJsonObject> &instances);
    void upsert(const QJsonObject &instance);
    void remove(const QString &id);
    void applyChecks(const QList<QJsonObject> &checks);

    void setFilter(const QString &service, const QString &status, const QString &text);
    int total() const { return int(m_all.size()); }
    const QHash<QString, QJsonObject> &all() const { return m_all; }
    QJsonObject instance(const QString &id) const { return m_all.value(id); }
    Q_INVOKABLE int rowOf(const QString &id) const { return int(m_rows.indexOf(id)); }

private:
    bool matches(const QJsonObject &instance) const;
    QStringList visibleIds() const;
    // Updates the rows in place when the visible set is unchanged, else resets.
    void refreshRows(const QStringList &changed);

    QHash<QString, QJsonObject> m_all;
    QStringList m_rows;
    QString m_service;
    QString m_status;
    QString m_text;
};

} // namespace Meshdeck::Console
