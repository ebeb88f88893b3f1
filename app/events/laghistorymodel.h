#pragma once

#include "common/statefullistmodel.h"

#include <QDateTime>
#include <QJsonArray>

namespace Meshdeck::Console {

// One consumer group's lag over the last hour, as the backend sampled it, with the chart's axes
// worked out here: the time span (at least a minute) and a lag ceiling with 20 % headroom.
class LagHistoryModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events.lag")
    Q_PROPERTY(QString group READ group NOTIFY pointsChanged)
    Q_PROPERTY(QDateTime axisStart READ axisStart NOTIFY pointsChanged)
    Q_PROPERTY(QDateTime axisEnd READ axisEnd NOTIFY pointsChanged)
    Q_PROPERTY(qint64 axisMaxLag READ axisMaxLag NOTIFY pointsChanged)
public:
    enum Role { TimeRole = Qt::UserRole + 1, LagRole };
    Q_ENUM(Role)

    struct Point {
        qint64 time; // ms since epoch
        qint64 lag;
    };

    using StatefulListModel::StatefulListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString group() const { return m_group; }
    QDateTime axisStart() const;
    QDateTime axisEnd() const;
    qint64 axisMaxLag() const;
    // For the chart's series, which takes points one by one.
    Q_INVOKABLE qreal timeAt(int row) const;
    Q_INVOKABLE qreal lagAt(int row) const;

    // The backend's samples ({time: ISO 8601, lag}) for `group`; clears the error.
    void setPoints(const QString &group, const QJsonArray &points);
    // A failed request for `group`: no points, and the reason.
    void fail(const QString &group, const QString &error);
    void clear();

Q_SIGNALS:
    void pointsChanged();

private:
    void replace(const QString &group, QList<Point> points);

    QString m_group;
    QList<Point> m_points;
};

} // namespace Meshdeck::Console
