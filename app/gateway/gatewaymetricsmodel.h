#pragma once

#include "common/statefullistmodel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QQmlEngine>

namespace Meshdeck::Console {

// One route's time series for the Gateway page's charts (GET /v1/gateway/metrics?route=&range=):
// requests per second, error percentage, p50/p95/p99 and the gateway's own p99. The 5-minute range
// follows live: each gateway.metrics message adds a second and the oldest beyond 5 minutes go.
// The chart's axes are worked out here.
class GatewayMetricsModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.gateway.metrics")
    Q_PROPERTY(QString routeId READ routeId NOTIFY pointsChanged)
    Q_PROPERTY(QString range READ range NOTIFY pointsChanged)
    Q_PROPERTY(QDateTime axisStart READ axisStart NOTIFY pointsChanged)
    Q_PROPERTY(QDateTime axisEnd READ axisEnd NOTIFY pointsChanged)
    Q_PROPERTY(double axisMaxRate READ axisMaxRate NOTIFY pointsChanged)
    Q_PROPERTY(double axisMaxErrorPercent READ axisMaxErrorPercent NOTIFY pointsChanged)
    Q_PROPERTY(double axisMaxLatency READ axisMaxLatency NOTIFY pointsChanged)
    Q_PROPERTY(QString timeFormat READ timeFormat NOTIFY pointsChanged)
public:
    enum Role {
        TimeRole = Qt::UserRole + 1,
        RequestsRole,
        RateRole,
        ErrorPercentRole,
        P50Role,
        P95Role,
        P99Role,
        GatewayP99Role,
    };
    Q_ENUM(Role)

    struct Point {
        qint64 time = 0; // ms since epoch
        double requests = 0;
        double errors = 0;
        double p50 = 0;
        double p95 = 0;
        double p99 = 0;
        double gatewayP99 = 0;
    };

    using StatefulListModel::StatefulListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString routeId() const { return m_routeId; }
    QString range() const { return m_range; }
    int resolutionSeconds() const { return m_resolution; }
    QDateTime axisStart() const;
    QDateTime axisEnd() const;
    double axisMaxRate() const;
    double axisMaxErrorPercent() const;
    double axisMaxLatency() const;
    QString timeFormat() const;
    // One value of a row for the chart's series: "time", "rate", "errorPercent", "p50", "p95",
    // "p99", "gatewayP99".
    Q_INVOKABLE qreal valueAt(int row, const QString &series) const;

    // A request began for this route and range: no points until it answers.
    void begin(const QString &routeId, const QString &range);
    // GET /v1/gateway/metrics's answer; clears the error.
    void setSeries(const QString &routeId, const QString &range, const QJsonObject &answer);
    void fail(const QString &routeId, const QString &range, const QString &error);
    // One second of the channel for this route (5m only; other ranges keep their minutes).
    void appendLive(qint64 timeMs, const QJsonObject &point);
    void clear();

    static Point parsePoint(qint64 timeMs, const QJsonObject &p);
    static qint64 rangeMs(const QString &range);

Q_SIGNALS:
    // The whole series changed (a load, a failure, a clear).
    void pointsChanged();
    // A live second was added at the end (and perhaps old ones removed at the start).
    void pointAppended();

private:
    void replace(const QString &routeId, const QString &range, QList<Point> points, int resolution);

    QString m_routeId;
    QString m_range = QStringLiteral("5m");
    int m_resolution = 1;
    QList<Point> m_points;
};

} // namespace Meshdeck::Console
