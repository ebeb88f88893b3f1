#include "eventtailmodel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Meshdeck::Console {

EventTailModel::EventTailModel(int capacity, QObject *parent)
    : StatefulListModel(parent)
    , m_capacity(qMax(1, capacity))
{
    m_flushTimer.setInterval(50);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &EventTailModel::flush);
}

int EventTailModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

QVariant EventTailModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = *m_visible[size_t(index.row())];
    switch (role) {
    case OffsetRole:
        return row.offset;
    case TimeRole:
        return QDateTime::fromString(row.time, Qt::ISODateWithMs)
            .toLocalTime()
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case TypeRole:
        return row.type;
    case KeyRole:
        return row.key;
    case Qt::DisplayRole:
    case PreviewRole:
        return row.preview;
    case JsonRole:
        return QString::fromUtf8(QJsonDocument(row.event).toJson(QJsonDocument::Indented));
    default:
        return {};
    }
}

QHash<int, QByteArray> EventTailModel::roleNames() const
{
    return {{OffsetRole, "offset"}, {TimeRole, "time"},       {TypeRole, "type"},
            {KeyRole, "key"},       {PreviewRole, "preview"}, {JsonRole, "json"}};
}

EventTailModel::Row EventTailModel::makeRow(const QJsonObject &event)
{
    const QJsonValue data = event.value(QStringLiteral("data"));
    QString preview =
        data.isObject()  ? QString::fromUtf8(QJsonDocument(data.toObject()).toJson(QJsonDocument::Compact))
        : data.isArray() ? QString::fromUtf8(QJsonDocument(data.toArray()).toJson(QJsonDocument::Compact))
                         : data.toVariant().toString();
    if (preview.size() > 240)
        preview = preview.left(240) + QStringLiteral("…");
    // Time formatting and the pretty JSON are made when a row is shown, not for every arrival.
    return Row{event.value(QStringLiteral("offset")).toInteger(),
               event.value(QStringLiteral("time")).toString(),
               event.value(QStringLiteral("type")).toString(),
               event.value(QStringLiteral("key")).toString(),
               preview,
               event};
}

void EventTailModel::append(const QJsonObject &event)
{
    ++m_received;
    m_pending.push_back(makeRow(event));
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

int EventTailModel::prepend(const QList<QJsonObject> &older)
{
    flush();
    const qsizetype room = qMax<qsizetype>(0, m_capacity - qsizetype(m_all.size()));
    const qsizetype take = qMin(room, older.size());
    if (take == 0)
        return 0;
    // The newest of the older events, so they join the rows already held without a gap.
    std::vector<const Row *> visible;
    for (qsizetype i = older.size() - 1; i >= older.size() - take; --i) {
        m_all.push_front(makeRow(older[i]));
        if (matches(m_all.front()))
            visible.insert(visible.begin(), &m_all.front());
    }
    if (!visible.empty()) {
        beginInsertRows({}, 0, int(visible.size()) - 1);
        m_visible.insert(m_visible.begin(), visible.begin(), visible.end());
        endInsertRows();
    }
    Q_EMIT countChanged();
    return int(take);
}

qint64 EventTailModel::firstOffset() const
{
    return m_all.empty() ? -1 : m_all.front().offset;
}

void EventTailModel::flush()
{
    if (m_pending.empty())
        return;
    std::vector<Row> incoming;
    incoming.swap(m_pending);
    if (incoming.size() > size_t(m_capacity))
        incoming.erase(incoming.begin(), incoming.end() - m_capacity);
    // Make room: the oldest rows go, in one removal.
    const size_t overflow = m_all.size() + incoming.size() > size_t(m_capacity)
                                ? m_all.size() + incoming.size() - size_t(m_capacity)
                                : 0;
    if (overflow > 0) {
        size_t visibleGone = 0;
        for (size_t i = 0; i < overflow; ++i) {
            if (visibleGone < m_visible.size() && m_visible[visibleGone] == &m_all[i])
                ++visibleGone;
        }
        if (visibleGone > 0) {
            beginRemoveRows({}, 0, int(visibleGone) - 1);
            m_visible.erase(m_visible.begin(), m_visible.begin() + long(visibleGone));
            m_all.erase(m_all.begin(), m_all.begin() + long(overflow));
            endRemoveRows();
        } else {
            m_all.erase(m_all.begin(), m_all.begin() + long(overflow));
        }
    }
    std::vector<const Row *> added;
    for (Row &row : incoming) {
        m_all.push_back(std::move(row));
        if (matches(m_all.back()))
            added.push_back(&m_all.back());
    }
    if (!added.empty()) {
        const int first = int(m_visible.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_visible.insert(m_visible.end(), added.begin(), added.end());
        endInsertRows();
    }
    Q_EMIT countChanged();
}

bool EventTailModel::matches(const Row &row) const
{
    if (m_filter.isEmpty())
        return true;
    if (m_field) {
        QJsonValue v = row.event;
        for (const QString &part : m_field->path)
            v = v.toObject().value(part);
        return (v == m_field->value) == m_field->equals;
    }
    return row.type.contains(m_filter, Qt::CaseInsensitive) ||
           row.key.contains(m_filter, Qt::CaseInsensitive) ||
           QString::fromUtf8(QJsonDocument(row.event).toJson(QJsonDocument::Compact))
               .contains(m_filter, Qt::CaseInsensitive);
}

void EventTailModel::rebuild()
{
    beginResetModel();
    m_visible.clear();
    for (const Row &row : m_all) {
        if (matches(row))
            m_visible.push_back(&row);
    }
    endResetModel();
    Q_EMIT countChanged();
}

void EventTailModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    m_filter = text;
    // "a.b.c == value": a field comparison; the value is JSON (42, "x", true, null) or a bare word.
    static const QRegularExpression expression(
        QStringLiteral("^\\s*([A-Za-z_][\\w]*(?:\\.[\\w]+)*)\\s*(==|!=)\\s*(.+?)\\s*$"));
    const QRegularExpressionMatch m = expression.match(text);
    m_field.reset();
    if (m.hasMatch()) {
        const QJsonDocument parsed = QJsonDocument::fromJson("[" + m.captured(3).toUtf8() + "]");
        const QJsonValue value =
            parsed.isArray() && !parsed.array().isEmpty() ? parsed.array().at(0) : QJsonValue(m.captured(3));
        m_field =
            FieldFilter{m.captured(1).split(QLatin1Char('.')), m.captured(2) == QLatin1String("=="), value};
    }
    Q_EMIT filterTextChanged();
    rebuild();
}

void EventTailModel::clear()
{
    m_pending.clear();
    beginResetModel();
    m_visible.clear();
    m_all.clear();
    endResetModel();
    m_received = 0;
    Q_EMIT countChanged();
}

} // namespace Meshdeck::Console
