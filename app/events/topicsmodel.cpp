#include "topicsmodel.h"

#include <QJsonObject>
#include <QLocale>

namespace Meshdeck::Console {

int TopicsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_topics.size());
}

QVariant TopicsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject t = m_topics.at(index.row()).toObject();
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return t.value(QStringLiteral("name")).toString();
    case EventsRole:
        return t.value(QStringLiteral("events")).toInteger();
    case BytesRole:
        return QLocale().formattedDataSize(t.value(QStringLiteral("bytes")).toInteger());
    case RateRole:
        return t.value(QStringLiteral("ratePerSecond")).toDouble();
    case HeadOffsetRole:
        return t.value(QStringLiteral("headOffset")).toInteger();
    case SummaryRole:
        return tr("%1 events · %2 · %3/s · kept %4")
            .arg(data(index, EventsRole).toLongLong())
            .arg(data(index, BytesRole).toString())
            .arg(data(index, RateRole).toDouble(), 0, 'f', 1)
            .arg(data(index, RetentionRole).toString());
    case RetentionRole: {
        const QJsonObject r = t.value(QStringLiteral("retention")).toObject();
        const qint64 age = r.value(QStringLiteral("maxAgeSeconds")).toInteger();
        const qint64 bytes = r.value(QStringLiteral("maxBytes")).toInteger();
        QStringList parts;
        if (age > 0)
            parts << (age % 86400 == 0 ? tr("%n day(s)", nullptr, int(age / 86400))
                                       : tr("%n s", nullptr, int(age)));
        if (bytes > 0)
            parts << QLocale().formattedDataSize(bytes);
        return parts.isEmpty() ? tr("forever") : parts.join(QStringLiteral(", "));
    }
    case SystemRole:
        return t.value(QStringLiteral("system")).toBool();
    default:
        return {};
    }
}

QHash<int, QByteArray> TopicsModel::roleNames() const
{
    return {{NameRole, "name"},     {EventsRole, "events"},         {BytesRole, "size"},
            {RateRole, "rate"},     {HeadOffsetRole, "headOffset"}, {RetentionRole, "retention"},
            {SystemRole, "system"}, {SummaryRole, "summary"}};
}

void TopicsModel::setTopics(const QJsonArray &topics)
{
    beginResetModel();
    m_topics = topics;
    endResetModel();
}

int TopicsModel::indexOf(const QString &name) const
{
    for (qsizetype i = 0; i < m_topics.size(); ++i) {
        if (m_topics.at(i).toObject().value(QStringLiteral("name")).toString() == name)
            return int(i);
    }
    return -1;
}

qint64 TopicsModel::headOffset(const QString &name) const
{
    const int row = indexOf(name);
    return row < 0 ? 0 : m_topics.at(row).toObject().value(QStringLiteral("headOffset")).toInteger();
}

} // namespace Meshdeck::Console
