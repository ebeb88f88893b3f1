#pragma once

#include "common/statefullistmodel.h"

#include <QJsonArray>
#include <QQmlEngine>

namespace Meshdeck::Console {

// The topics of the attached backend with their size, head offset and publish rate.
class TopicsModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events.topics")
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        EventsRole,
        BytesRole,
        RateRole,
        HeadOffsetRole,
        RetentionRole,
        SystemRole,
        SummaryRole, // "42 events · 2 kB · 0.5/s · kept 90 day(s)"
    };
    Q_ENUM(Role)

    using StatefulListModel::StatefulListModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setTopics(const QJsonArray &topics);
    Q_INVOKABLE int indexOf(const QString &name) const;
    qint64 headOffset(const QString &name) const;

private:
    QJsonArray m_topics;
};

} // namespace Meshdeck::Console
