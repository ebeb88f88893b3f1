#include "navigationmodel.h"

namespace Meshdeck::Console {

NavigationModel::NavigationModel(QObject *parent)
    : StatefulListModel(parent)
    , m_pages{
          {QStringLiteral("overview"), QT_TR_NOOP("Overview"), true, QStringLiteral("system")},
          {QStringLiteral("services"), QT_TR_NOOP("Services"), true, QStringLiteral("registry")},
          {QStringLiteral("gateway"), QT_TR_NOOP("Gateway"), true, QStringLiteral("gateway")},
          {QStringLiteral("events"), QT_TR_NOOP("Events"), true, QStringLiteral("events")},
          {QStringLiteral("deployments"), QT_TR_NOOP("Deployments"), true, QStringLiteral("sites")},
          {QStringLiteral("chat"), QT_TR_NOOP("Chat"), true, QStringLiteral("chat")},
          {QStringLiteral("access"), QT_TR_NOOP("Access"), true, QStringLiteral("auth")},
          {QStringLiteral("localstack"), QT_TR_NOOP("Local stack"), true, {}},
          {QStringLiteral("settings"), QT_TR_NOOP("Settings"), true, {}},
      }
{}

int NavigationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_pages.size());
}

QVariant NavigationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Page &page = m_pages[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return tr(page.title);
    case PageIdRole:
        return page.id;
    case AvailableRole:
        return page.available;
    case ServiceRole:
        return page.service;
    default:
        return {};
    }
}

QHash<int, QByteArray> NavigationModel::roleNames() const
{
    return {
        {PageIdRole, "pageId"}, {TitleRole, "title"}, {AvailableRole, "available"}, {ServiceRole, "service"}};
}

int NavigationModel::indexOf(const QString &pageId) const
{
    for (size_t i = 0; i < m_pages.size(); ++i) {
        if (m_pages[i].id == pageId)
            return int(i);
    }
    return -1;
}

QString NavigationModel::titleOf(const QString &pageId) const
{
    const int row = indexOf(pageId);
    return row < 0 ? QString() : tr(m_pages[size_t(row)].title);
}

QString NavigationModel::serviceOf(const QString &pageId) const
{
    const int row = indexOf(pageId);
    return row < 0 ? QString() : m_pages[size_t(row)].service;
}

void NavigationModel::setCurrentPage(const QString &pageId)
{
    if (pageId == m_current || indexOf(pageId) < 0)
        return;
    m_current = pageId;
    Q_EMIT currentPageChanged();
}

void NavigationModel::retranslate()
{
    Q_EMIT currentPageChanged(); // the current title is translated too
    if (!m_pages.empty())
        Q_EMIT dataChanged(index(0), index(int(m_pages.size()) - 1), {TitleRole, Qt::DisplayRole});
}

} // namespace Meshdeck::Console
