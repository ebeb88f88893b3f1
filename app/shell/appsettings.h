#pragma once

#include "common/choicesmodel.h"

#include <QObject>
#include <QQmlEngine>
#include <QSettings>

namespace Meshdeck::Console {

// The console's preferences, kept with QSettings in the XDG config location.
class AppSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.settings")
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)
    Q_PROPERTY(bool dark READ isDark NOTIFY themeChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(QStringList availableLanguages READ availableLanguages CONSTANT)
    Q_PROPERTY(QString notifications READ notifications WRITE setNotifications NOTIFY notificationsChanged)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *languageChoices READ languageChoices CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *notificationChoices READ notificationChoices CONSTANT)
public:
    explicit AppSettings(QObject *parent = nullptr);

    QString theme() const { return m_theme; } // "light" or "dark"
    void setTheme(const QString &theme);
    bool isDark() const { return m_theme == QLatin1String("dark"); }

    QString language() const { return m_language; } // "" follows the system locale
    void setLanguage(const QString &language);
    QStringList availableLanguages() const;

    // When a service going critical raises a desktop notification: "background" (default),
    // "always" or "off".
    QString notifications() const { return m_notifications; }
    void setNotifications(const QString &when);

    // What the Settings page offers (value, label).
    ChoicesModel *languageChoices() { return &m_languageChoices; }
    ChoicesModel *notificationChoices() { return &m_notificationChoices; }
    void retranslate();

    // Command-line overrides for this run only; not saved.
    void overrideNotifications(const QString &when);
    void overrideTheme(const QString &theme);
    void overrideLanguage(const QString &language);

Q_SIGNALS:
    void themeChanged();
    void languageChanged();
    void notificationsChanged();

private:
    QSettings m_settings;
    QString m_theme;
    QString m_language;
    QString m_notifications;
    ChoicesModel m_languageChoices;
    ChoicesModel m_notificationChoices;
};

} // namespace Meshdeck::Console
