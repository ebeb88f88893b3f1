#include "appsettings.h"

namespace Meshdeck::Console {

AppSettings::AppSettings(QObject *parent)
    : QObject(parent)
    , m_languageChoices({{QString(), QT_TRANSLATE_NOOP("Meshdeck::Console::AppSettings", "System language"),
                          "Meshdeck::Console::AppSettings"},
                         {QStringLiteral("en"), "English"},
                         {QStringLiteral("de"), "Deutsch"}})
    , m_notificationChoices(
          {{QStringLiteral("background"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::AppSettings",
                              "Notify while the console is in the background"),
            "Meshdeck::Console::AppSettings"},
           {QStringLiteral("always"), QT_TRANSLATE_NOOP("Meshdeck::Console::AppSettings", "Always notify"),
            "Meshdeck::Console::AppSettings"},
           {QStringLiteral("off"), QT_TRANSLATE_NOOP("Meshdeck::Console::AppSettings", "Never notify"),
            "Meshdeck::Console::AppSettings"}})
{
    m_theme = m_settings.value(QStringLiteral("appearance/theme"), QStringLiteral("light")).toString();
    if (m_theme != QLatin1String("dark"))
        m_theme = QStringLiteral("light");
    m_language = m_settings.value(QStringLiteral("appearance/language")).toString();
    if (!m_language.isEmpty() && !availableLanguages().contains(m_language))
        m_language.clear();
    overrideNotifications(m_settings.value(QStringLiteral("notifications/when")).toString());
}

void AppSettings::retranslate()
{
    m_languageChoices.retranslate();
    m_notificationChoices.retranslate();
}

void AppSettings::setNotifications(const QString &when)
{
    overrideNotifications(when);
    m_settings.setValue(QStringLiteral("notifications/when"), m_notifications);
}

void AppSettings::overrideNotifications(const QString &when)
{
    const QString value =
        when == QLatin1String("always") || when == QLatin1String("off") ? when : QStringLiteral("background");
    if (value == m_notifications)
        return;
    m_notifications = value;
    Q_EMIT notificationsChanged();
}

void AppSettings::setTheme(const QString &theme)
{
    const QString value = theme == QLatin1String("dark") ? theme : QStringLiteral("light");
    m_settings.setValue(QStringLiteral("appearance/theme"), value);
    overrideTheme(value);
}

void AppSettings::overrideTheme(const QString &theme)
{
    const QString value = theme == QLatin1String("dark") ? theme : QStringLiteral("light");
    if (value == m_theme)
        return;
    m_theme = value;
    Q_EMIT themeChanged();
}

void AppSettings::setLanguage(const QString &language)
{
    m_settings.setValue(QStringLiteral("appearance/language"), language);
    overrideLanguage(language);
}

void AppSettings::overrideLanguage(const QString &language)
{
    const QString value = availableLanguages().contains(language) ? language : QString();
    if (value == m_language)
        return;
    m_language = value;
    Q_EMIT languageChanged();
}

QStringList AppSettings::availableLanguages() const
{
    return {QStringLiteral("en"), QStringLiteral("de")};
}

} // namespace Meshdeck::Console
