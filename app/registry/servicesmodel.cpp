#include "servicesmodel.h"

#include <QMap>

namespace Meshdeck::Console {

int ServicesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_services.size());
}

QVariant ServicesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Service &s = m_services[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return s.name;
    case TotalRole:
        return s.total();
    case PassingRole:
        return s.passing;
    case WarningRole:
        return s.warning;
    case CriticalRole:
        return s.critical;
    case DrainingRole:
        return s.draining;
    case VersionsRole:
        return s.versions.join(QStringLiteral(", "));
    case BuiltinRole:
        return s.builtin;
    default:
        return {};
    }
}

QHash<int, QByteArray> ServicesModel::roleNames() const
{
    return {{NameRole, "name"},         {TotalRole, "total"},       {PassingRole, "passing"},
            {WarningRole, "warning"},   {CriticalRole, "critical"}, {DrainingRole, "draining"},
            {VersionsRole, "versions"}, {BuiltinRole, "builtin"}};
}

void ServicesModel::rebuild(const QHash<QString, QJsonObject> &instances)
{
    QMap<QString, Service> byName;
    for (const QJsonObject &i : instances) {
        const QString name = i.value(QStringLiteral("service")).toString();
        Service &s = byName[name];
        s.name = name;
        const QString status = i.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("passing"))
            ++s.passing;
        else if (status == QLatin1String("warning"))
            ++s.warning;
        else if (status == QLatin1String("draining"))
            ++s.draining;
        else
            ++s.critical;
        const QString version = i.value(QStringLiteral("version")).toString();
        if (!version.isEmpty() && !s.versions.contains(version))
            s.versions << version;
        s.builtin = s.builtin && i.value(QStringLiteral("builtin")).toBool();
    }
    QList<Service> next;
    for (Service &s : byName) {
        s.versions.sort();
        next << s;
    }
    // User services first, then the platform's own.
    std::stable_sort(next.begin(), next.end(),
                     [](const Service &a, const Service &b) { return !a.builtin && b.builtin; });
    if (next == m_services)
        return;
    bool sameNames = next.size() == m_services.size();
    for (qsizetype i = 0; sameNames && i < next.size(); ++i)
        sameNames = next[i].name == m_services[i].name;
    if (sameNames) {
        m_services = next;
        Q_EMIT dataChanged(index(0), index(int(m_services.size()) - 1));
        return;
    }
    beginResetModel();
    m_services = next;
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace Meshdeck::Console
