#pragma once

#include "common/jsonlistmodel.h"

#include <QQmlEngine>

namespace Meshdeck::Console {

// The sites (GET /v1/sites), each with its live deployment.
class SitesModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.deployments.sites")
public:
    enum Role { SiteIdRole = Qt::UserRole + 1, NameRole, FrameworkRole, LiveDeploymentIdRole, NetworkRole };
    Q_ENUM(Role)
    using JsonListModel::JsonListModel;

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    Q_INVOKABLE int rowOf(const QString &siteId) const;
    QJsonObject site(const QString &siteId) const;
};

// One site's deployments (GET /v1/sites/{id}/deployments), newest first, formatted for the table.
class DeploymentsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.deployments.deployments")
public:
    enum Role {
        DeploymentIdRole = Qt::UserRole + 1,
        StatusRole,
        ReasonRole,
        SourceTextRole,
        DurationTextRole,
        SizeTextRole,
        CreatedByRole,
        CreatedAtRole,
        LiveRole,
        FinalRole,
        PrunedRole,
        CancelRequestedRole,
    };
    Q_ENUM(Role)
    using JsonListModel::JsonListModel;

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    Q_INVOKABLE int rowOf(const QString &deploymentId) const;
    QJsonObject deployment(const QString &deploymentId) const;
    // A status message of a deployment's channel: its row changes in place.
    void applyStatus(const QString &deploymentId, const QString &status, const QString &reason);

    static bool isFinal(const QString &status);
    // "archive site.tar.gz (2.1 MB)", "git https://… (main)", "directory /srv/docs".
    static QString describeSource(const QJsonObject &source);
    static QString formatDuration(qint64 ms);
    static QString formatBytes(qint64 bytes);
};

// A site's variables (GET /v1/sites/{id}/variables). The API never returns a secret's value; the
// model shows it masked, never empty.
class VariablesModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.deployments.variables")
public:
    enum Role { VariableIdRole = Qt::UserRole + 1, NameRole, SecretRole, ValueTextRole };
    Q_ENUM(Role)
    using JsonListModel::JsonListModel;

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
};

// The build queue (GET /v1/builds): queued and building deployments, with the worker of each.
class BuildQueueModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.deployments.queue")
public:
    enum Role {
        DeploymentIdRole = Qt::UserRole + 1,
        SiteIdRole,
        SiteNameRole,
        StatusRole,
        WorkerRole,
        SourceTextRole
    };
    Q_ENUM(Role)
    using JsonListModel::JsonListModel;

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
};

// The build workers (GET /v1/registry/services/build-worker/instances): each node's in-process
// worker and every `meshdeckd --role build-worker` process, with its health, its concurrency and
// what it is building now (the queue's building deployments whose worker it is: "site id, …").
class BuildWorkersModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.deployments.workers")
public:
    enum Role {
        WorkerIdRole = Qt::UserRole + 1,
        WhereRole,
        StatusRole,
        ConcurrencyRole,
        BuildingRole,
        BuildingCountRole
    };
    Q_ENUM(Role)
    using JsonListModel::JsonListModel;

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    // The queue's rows: which deployments each worker builds (by worker id).
    void setQueue(const QList<QJsonObject> &builds);

private:
    QHash<QString, QStringList> m_building;
};

} // namespace Meshdeck::Console
