#pragma once

#include "common/statefullistmodel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QQmlEngine>

namespace Meshdeck::Console {

// The selected route's upstream instances with their circuit breakers: address, state, requests in
// flight (from the overview), consecutive failures and the trip history (GET /v1/gateway/breakers);
// state changes arrive on the gateway.metrics channel. Holds every route's breakers and shows those
// of `routeId`.
class BreakersModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.gateway.breakers")
    Q_PROPERTY(QString routeId READ routeId NOTIFY routeIdChanged)
public:
    enum Role {
        InstanceIdRole = Qt::UserRole + 1,
        RouteIdRole,
        EndpointRole,
        StateRole,
        StateTextRole,
        InFlightRole,
        OpenedAtRole,
        ConsecutiveFailuresRole,
        TripsRole,
        LastTripRole,
    };
    Q_ENUM(Role)

    using StatefulListModel::StatefulListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString routeId() const { return m_routeId; }
    void setRouteId(const QString &routeId);
    // The overview's routes with their instances ({id, address, port, breaker, inFlight, openedAt}).
    // An instance the overview no longer lists for a route goes.
    void setFromOverview(const QJsonArray &overviewRoutes);
    // GET /v1/gateway/breakers's entries, or a reset's answer, or the channel's changed breakers
    // ({routeId, instanceId, address, port, state, consecutiveFailures, openedAt, trips}).
    void merge(const QJsonArray &breakers);
    void clear();
    // One breaker, as merged; empty when unknown.
    QJsonObject breaker(const QString &routeId, const QString &instanceId) const;

    static QString stateText(const QString &state);

Q_SIGNALS:
    void routeIdChanged();

private:
    static QString keyOf(const QString &routeId, const QString &instanceId)
    {
        return routeId + QLatin1Char('/') + instanceId;
    }
    void rebuild();

    QHash<QString, QJsonObject> m_all; // "route/instance" -> merged breaker
    QList<QString> m_visible;          // keys of the rows shown, by endpoint
    QString m_routeId;
};

} // namespace Meshdeck::Console
