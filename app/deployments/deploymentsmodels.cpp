#include "deploymentsmodels.h"

#include <QLocale>

namespace Meshdeck::Console {

namespace {
QString text(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

QVariant SitesModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *row = rowAt(index);
    if (!row)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return text(*row, "name");
    case SiteIdRole:
        return text(*row, "id");
    case FrameworkRole:
        return text(*row, "framework");
    case LiveDeploymentIdRole:
        return text(*row, "liveDeploymentId");
    case NetworkRole:
        return row->value(QLatin1String("network")).toBool();
    }
    return {};
}

QHash<int, QByteArray> SitesModel::roleNames() const
{
    return {{SiteIdRole, "siteId"},
            {NameRole, "name"},
            {FrameworkRole, "framework"},
            {LiveDeploymentIdRole, "liveDeploymentId"},
            {NetworkRole, "network"}};
}

int SitesModel::rowOf(const QString &siteId) const
{
    for (int i = 0; i < rows().size(); ++i)
        if (text(rows().at(i), "id") == siteId)
            return i;
    return -1;
}

QJsonObject SitesModel::site(const QString &siteId) const
{
    const int row = rowOf(siteId);
    return row < 0 ? QJsonObject() : rows().at(row);
}

bool DeploymentsModel::isFinal(const QString &status)
{
    return status == QLatin1String("ready") || status == QLatin1String("failed") ||
           status == QLatin1String("canceled");
}

QString DeploymentsModel::formatBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString DeploymentsModel::formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    const qint64 seconds = ms / 1000;
    if (seconds < 60)
        return tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
}

QString DeploymentsModel::describeSource(const QJsonObject &source)
{
    const QString kind = text(source, "kind");
    if (kind == QLatin1String("git"))
        return tr("git %1 (%2)").arg(text(source, "url"), text(source, "branch"));
    if (kind == QLatin1String("directory"))
        return tr("directory %1").arg(text(source, "path"));
    if (kind == QLatin1String("archive"))
        return tr("archive %1 (%2)")
            .arg(text(source, "uploadName"),
                 formatBytes(source.value(QLatin1String("uploadBytes")).toInteger()));
    return kind;
}

QVariant DeploymentsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *row = rowAt(index);
    if (!row)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case DeploymentIdRole:
        return text(*row, "id");
    case StatusRole:
        return text(*row, "status");
    case ReasonRole:
        return text(*row, "reason");
    case SourceTextRole:
        return describeSource(row->value(QLatin1String("source")).toObject());
    case DurationTextRole: {
        const QJsonValue ms = row->value(QLatin1String("durationMs"));
        return ms.isDouble() ? formatDuration(ms.toInteger()) : QString();
    }
    case SizeTextRole: {
        const qint64 bytes = row->value(QLatin1String("artifactBytes")).toInteger();
        return bytes > 0 ? formatBytes(bytes) : QString();
    }
    case CreatedByRole:
        return text(*row, "createdBy");
    case CreatedAtRole:
        return text(*row, "createdAt");
    case LiveRole:
        return row->value(QLatin1String("live")).toBool();
    case FinalRole:
        return isFinal(text(*row, "status"));
    case PrunedRole:
        return row->value(QLatin1String("pruned")).toBool();
    case CancelRequestedRole:
        return row->value(QLatin1String("cancelRequested")).toBool();
    }
    return {};
}

QHash<int, QByteArray> DeploymentsModel::roleNames() const
{
    return {{DeploymentIdRole, "deploymentId"},
            {StatusRole, "status"},
            {ReasonRole, "reason"},
            {SourceTextRole, "sourceText"},
            {DurationTextRole, "durationText"},
            {SizeTextRole, "sizeText"},
            {CreatedByRole, "createdBy"},
            {CreatedAtRole, "createdAt"},
            {LiveRole, "live"},
            {FinalRole, "isFinal"},
            {PrunedRole, "pruned"},
            {CancelRequestedRole, "cancelRequested"}};
}

int DeploymentsModel::rowOf(const QString &deploymentId) const
{
    for (int i = 0; i < rows().size(); ++i)
        if (text(rows().at(i), "id") == deploymentId)
            return i;
    return -1;
}

QJsonObject DeploymentsModel::deployment(const QString &deploymentId) const
{
    const int row = rowOf(deploymentId);
    return row < 0 ? QJsonObject() : rows().at(row);
}

void DeploymentsModel::applyStatus(const QString &deploymentId, const QString &status, const QString &reason)
{
    const int row = rowOf(deploymentId);
    if (row < 0)
        return;
    QJsonObject changed = rows().at(row);
    changed.insert(QStringLiteral("status"), status);
    changed.insert(QStringLiteral("reason"), reason);
    replaceRow(row, changed);
}

QVariant VariablesModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *row = rowAt(index);
    if (!row)
        return {};
    const bool secret = row->value(QLatin1String("secret")).toBool();
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return text(*row, "name");
    case VariableIdRole:
        return text(*row, "id");
    case SecretRole:
        return secret;
    case ValueTextRole:
        // The API never returns a secret's value: the page shows that one is set, not what it is.
        return secret ? QStringLiteral("••••••••") : text(*row, "value");
    }
    return {};
}

QHash<int, QByteArray> VariablesModel::roleNames() const
{
    return {{VariableIdRole, "variableId"},
            {NameRole, "name"},
            {SecretRole, "secret"},
            {ValueTextRole, "valueText"}};
}

QVariant BuildQueueModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *row = rowAt(index);
    if (!row)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case DeploymentIdRole:
        return text(*row, "id");
    case SiteIdRole:
        return text(*row, "siteId");
    case SiteNameRole:
        return text(*row, "siteName");
    case StatusRole:
        return text(*row, "status");
    case WorkerRole:
        return text(*row, "worker");
    case SourceTextRole:
        return DeploymentsModel::describeSource(row->value(QLatin1String("source")).toObject());
    }
    return {};
}

QHash<int, QByteArray> BuildQueueModel::roleNames() const
{
    return {{DeploymentIdRole, "deploymentId"},
            {SiteIdRole, "siteId"},
            {SiteNameRole, "siteName"},
            {StatusRole, "status"},
            {WorkerRole, "worker"},
            {SourceTextRole, "sourceText"}};
}

QVariant BuildWorkersModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *row = rowAt(index);
    if (!row)
        return {};
    const QJsonObject metadata = row->value(QLatin1String("metadata")).toObject();
    const QString workerId = text(metadata, "workerId");
    switch (role) {
    case Qt::DisplayRole:
    case WorkerIdRole:
        return workerId;
    case WhereRole:
        if (row->value(QLatin1String("builtin")).toBool())
            return tr("in process on node %1").arg(text(metadata, "nodeId"));
        return tr("separate process at %1:%2")
            .arg(text(*row, "address"))
            .arg(row->value(QLatin1String("port")).toInt());
    case StatusRole:
        return text(*row, "status");
    case ConcurrencyRole:
        return text(metadata, "concurrency").toInt();
    case BuildingRole:
        return m_building.value(workerId).join(QStringLiteral(", "));
    case BuildingCountRole:
        return int(m_building.value(workerId).size());
    }
    return {};
}

QHash<int, QByteArray> BuildWorkersModel::roleNames() const
{
    return {{WorkerIdRole, "workerId"}, {WhereRole, "where"},
            {StatusRole, "status"},     {ConcurrencyRole, "concurrency"},
            {BuildingRole, "building"}, {BuildingCountRole, "buildingCount"}};
}

void BuildWorkersModel::setQueue(const QList<QJsonObject> &builds)
{
    QHash<QString, QStringList> building;
    for (const QJsonObject &b : builds) {
        if (text(b, "status") == QLatin1String("building") && !text(b, "worker").isEmpty())
            building[text(b, "worker")].append(text(b, "siteName") + QLatin1Char(' ') + text(b, "id"));
    }
    if (building == m_building)
        return;
    m_building = building;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), {BuildingRole, BuildingCountRole});
}

} // namespace Meshdeck::Console
