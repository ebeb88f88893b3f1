#pragma once

#include "common/statefullistmodel.h"

#include <QJsonObject>
#include <QQmlEngine>

#include <deque>
#include <vector>

namespace Meshdeck::Console {

// The gateway's access log: the events of the gateway.access topic (every error and a sample of
// the rest), newest first, at most `capacity` held. Filtered by route, status and request id;
// each entry carries its request id (for the events with that id) and its instance (for the
// Services page).
class AccessLogModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.gateway.accessLog")
    // A route's name; empty: every route.
    Q_PROPERTY(QString routeFilter READ routeFilter WRITE setRouteFilter NOTIFY filterChanged)
    // "" (any), "2xx", "3xx", "4xx", "5xx", "errors" (≥ 500 and every refusal by the gateway) or a
    // status code ("429").
    Q_PROPERTY(QString statusFilter READ statusFilter WRITE setStatusFilter NOTIFY filterChanged)
    // A request id, or the start of one.
    Q_PROPERTY(QString requestIdFilter READ requestIdFilter WRITE setRequestIdFilter NOTIFY filterChanged)
    Q_PROPERTY(int total READ total NOTIFY countChanged)
public:
    enum Role {
        OffsetRole = Qt::UserRole + 1,
        TimeRole,
        RequestIdRole,
        RouteRole,
        RouteIdRole,
        MethodRole,
        PathRole,
        StatusRole,
        DurationRole,
        TimingTextRole,
        InstanceIdRole,
        ClientRole,
        ConsumerRole,
        CauseRole,
        SummaryRole,
    };
    Q_ENUM(Role)

    explicit AccessLogModel(int capacity = 2000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Events oldest first (a page of the topic): replaces what is held; clears the error.
    void setEvents(const QList<QJsonObject> &events);
    // One live event (newer than every row held).
    void append(const QJsonObject &event);
    void clear();
    int total() const { return int(m_all.size()); }

    QString routeFilter() const { return m_route; }
    void setRouteFilter(const QString &route);
    QString statusFilter() const { return m_status; }
    void setStatusFilter(const QString &status);
    QString requestIdFilter() const { return m_requestId; }
    void setRequestIdFilter(const QString &requestId);
    qint64 lastOffset() const { return m_lastOffset; }

Q_SIGNALS:
    void filterChanged();

private:
    struct Entry {
        qint64 offset = -1;
        QString time;
        QJsonObject data;
    };
    bool matches(const Entry &entry) const;
    void rebuild();

    int m_capacity;
    std::deque<Entry> m_all; // newest first
    std::vector<const Entry *> m_visible;
    QString m_route;
    QString m_status;
    QString m_requestId;
    qint64 m_lastOffset = -1;
};

} // namespace Meshdeck::Console
