#pragma once

#include "common/statefullistmodel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QQmlEngine>

namespace Meshdeck::Console {

// The gateway's routes as the Gateway page's table shows them: each route's configuration
// (GET /v1/gateway/routes) merged with its live numbers (GET /v1/gateway/overview, then the
// `gateway.metrics` channel's one-second deltas). Sorted by `sortKey`; a live update that changes
// the order moves rows (a layout change), it does not reset the list.
class GatewayRoutesModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.gateway.routes")
    Q_PROPERTY(QString sortKey READ sortKey NOTIFY sortChanged)
    Q_PROPERTY(bool sortAscending READ sortAscending NOTIFY sortChanged)
public:
    enum Role {
        RouteIdRole = Qt::UserRole + 1,
        NameRole,
        MatchRole,
        ServiceRole,
        VersionRole,
        HasLiveRole,
        RateRole,
        RateTextRole,
        ErrorPercentRole,
        ErrorTextRole,
        P50Role,
        P95Role,
        P99Role,
        GatewayP99Role,
        LatencyTextRole,
        GatewayP99TextRole,
        RateLimitedRole,
        BusiestConsumerRole,
        BreakersRole,
        OpenBreakersRole,
        InstanceCountRole,
    };
    Q_ENUM(Role)

    struct Row {
        QString id;
        QString name;
        QString service;
        QString match;
        qint64 version = 0;
        QJsonObject spec; // the route as GET /v1/gateway/routes gave it
        bool hasLive = false;
        double rate = 0;
        double errorPercent = 0;
        double p50 = 0;
        double p95 = 0;
        double p99 = 0;
        double gatewayP99 = 0;
        qint64 rateLimited = 0;
        QJsonObject busiest;          // {consumer, remaining, limit}; empty: none
        QList<QJsonObject> instances; // {id, address, port, breaker, inFlight, openedAt}
    };

    using StatefulListModel::StatefulListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Both answers of a load: the routes' configuration and the overview's numbers per route.
    // Clears the error.
    void setRoutes(const QJsonArray &routes, const QJsonArray &overviewRoutes);
    // A later overview (the periodic refresh): numbers and instances only.
    void applyOverview(const QJsonArray &overviewRoutes);
    // One message of the gateway.metrics channel: each route's requests in the last second.
    // A route the message does not list had no traffic in that second.
    void applyLive(const QJsonArray &routes);
    // Breakers whose state changed ({routeId, instanceId, state, openedAt}).
    void applyBreakers(const QJsonArray &breakers);
    void fail(const QString &error);
    void clear();

    // Sorts by a role name ("name", "service", "rate", "errorPercent", "p50", "p95", "p99",
    // "gatewayP99", "rateLimited"); the same key again turns the order around.
    Q_INVOKABLE void sortBy(const QString &key);
    QString sortKey() const { return m_sortKey; }
    bool sortAscending() const { return m_ascending; }

    Q_INVOKABLE int rowOf(const QString &routeId) const;
    const Row *route(const QString &routeId) const;
    const QList<Row> &all() const { return m_rows; }

    // How a route's match reads: "api.example.test/billing · GET, POST".
    static QString describeMatch(const QJsonObject &match);
    static QString formatMs(double ms);

Q_SIGNALS:
    void sortChanged();

private:
    static void takeOverview(Row &row, const QJsonObject &entry);
    void resort();
    bool lessThan(const Row &a, const Row &b) const;

    QList<Row> m_rows;
    QString m_sortKey = QStringLiteral("name");
    bool m_ascending = true;
};

} // namespace Meshdeck::Console
