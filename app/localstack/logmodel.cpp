#include "logmodel.h"

namespace Meshdeck::Console {

namespace {
QString levelOf(const QString &line)
{
    // meshdeckd lines read "<time> <level> <category>: <message>".
    const qsizetype first = line.indexOf(QLatin1Char(' '));
    const qsizetype second = first < 0 ? -1 : line.indexOf(QLatin1Char(' '), first + 1);
    if (second < 0)
        return QStringLiteral("info");
    const QString level = line.sliced(first + 1, second - first - 1);
    for (const char *known : {"debug", "info", "warning", "error", "fatal"}) {
        if (level == QLatin1String(known))
            return level;
    }
    return QStringLiteral("info");
}
} // namespace

LogModel::LogModel(int capacity, QObject *parent)
    : StatefulListModel(parent)
    , m_capacity(qMax(1, capacity))
{}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &line = m_lines[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return line.text;
    case LevelRole:
        return line.level;
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    return {{TextRole, "line"}, {LevelRole, "level"}};
}

void LogModel::appendLines(const QStringList &lines)
{
    if (lines.isEmpty())
        return;
    const int incoming = int(qMin<qsizetype>(lines.size(), m_capacity));
    const int overflow = int(m_lines.size()) + incoming - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_lines.erase(m_lines.begin(), m_lines.begin() + overflow);
        endRemoveRows();
    }
    const int first = int(m_lines.size());
    beginInsertRows({}, first, first + incoming - 1);
    for (qsizetype i = lines.size() - incoming; i < lines.size(); ++i)
        m_lines.push_back({lines[i], levelOf(lines[i])});
    endInsertRows();
    Q_EMIT countChanged();
}

void LogModel::clear()
{
    if (m_lines.empty())
        return;
    beginResetModel();
    m_lines.clear();
    endResetModel();
    Q_EMIT countChanged();
}

QString LogModel::tail(int n) const
{
    QStringList out;
    const size_t start = m_lines.size() > size_t(n) ? m_lines.size() - size_t(n) : 0;
    for (size_t i = start; i < m_lines.size(); ++i)
        out << m_lines[i].text;
    return out.join(QLatin1Char('\n'));
}

} // namespace Meshdeck::Console
