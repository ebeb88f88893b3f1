#pragma once

#include "common/statefullistmodel.h"

#include <QQmlEngine>

namespace Meshdeck::Console {

// The sidebar's pages. `available` is false for pages whose backend service does not exist yet:
// the page says so instead of showing anything invented.
class NavigationModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.navigation")
    Q_PROPERTY(QString currentPage READ currentPage WRITE setCurrentPage NOTIFY currentPageChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentPageChanged)
    Q_PROPERTY(QString currentService READ currentService NOTIFY currentPageChanged)
public:
    enum Role { PageIdRole = Qt::UserRole + 1, TitleRole, AvailableRole, ServiceRole };
    Q_ENUM(Role)

    explicit NavigationModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int indexOf(const QString &pageId) const;
    Q_INVOKABLE QString titleOf(const QString &pageId) const;
    Q_INVOKABLE QString serviceOf(const QString &pageId) const;
    // Titles are translated when read; call after the language changes.
    void retranslate();

    QString currentPage() const { return m_current; }
    void setCurrentPage(const QString &pageId);
    QString currentTitle() const { return titleOf(m_current); }
    QString currentService() const { return serviceOf(m_current); }

Q_SIGNALS:
    void currentPageChanged();

private:
    struct Page {
        QString id;
        const char *title;
        bool available;
        QString service; // the backend service the page needs
    };
    std::vector<Page> m_pages;
    QString m_current = QStringLiteral("overview");
};

} // namespace Meshdeck::Console
