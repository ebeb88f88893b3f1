#pragma once

#include "common/statefullistmodel.h"

#include <QJsonObject>
#include <QQmlEngine>

namespace Meshdeck::Console {

// Services as the instances make them up: instance counts by status and the versions running.
class ServicesModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.registry.services")
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        TotalRole,
        PassingRole,
        WarningRole,
        CriticalRole,
        DrainingRole,
        VersionsRole,
        BuiltinRole,
    };
    Q_ENUM(Role)

    struct Service {
        QString name;
        int passing = 0;
        int warning = 0;
        int critical = 0;
        int draining = 0;
        QStringList versions;
        bool builtin = true;
        int total() const { return passing + warning + critical + draining; }
        bool operator==(const Service &) const = default;
    };

    using StatefulListModel::StatefulListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void rebuild(const QHash<QString, QJsonObject> &instances);
    const QList<Service> &services() const { return m_services; }

private:
    QList<Service> m_services;
};

} // namespace Meshdeck::Console
