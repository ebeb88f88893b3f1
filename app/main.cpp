#include "api/httpapiclient.h"
#include "probe/startupprobe.h"
#include "shell/commandline.h"
#include "shell/console.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>

#include <optional>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;

int main(int argc, char *argv[])
{
    QElapsedTimer sinceLaunch;
    sinceLaunch.start();
    QCoreApplication::setOrganizationName(QStringLiteral("Meshdeck"));
    QCoreApplication::setApplicationName(QStringLiteral("meshdeck"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MESHDECK_VERSION));

    // --help, --version and a wrong command line need no display: they are answered before the
    // QApplication (which connects to one) exists.
    std::optional<CommandLine> line;
    {
        const QCoreApplication parsing(argc, argv);
        line = CommandLine::parse(parsing);
    }
    if (!line)
        return 2;

    // Qt Charts (the Events page's lag chart) needs a QApplication, not only a QGuiApplication.
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Meshdeck"));
    QApplication::setDesktopFileName(QStringLiteral("dev.meshdeck.Console"));
    QIcon icon(QStringLiteral(":/meshdeck/icons/meshdeck.svg"));
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/meshdeck/icons/hicolor/%1x%1/meshdeck.png").arg(size),
                     QSize(size, size));
    QApplication::setWindowIcon(icon);
    QQuickStyle::setStyle(QStringLiteral("Material"));

    HttpApiClient api;
    Console console(line->options, &api);
    Console::setInstance(&console);
    if (!line->theme.isEmpty())
        console.settings()->overrideTheme(line->theme);
    if (!line->language.isEmpty())
        console.settings()->overrideLanguage(line->language);
    if (!line->notifications.isEmpty())
        console.settings()->overrideNotifications(line->notifications);
    if (!line->eventsTopic.isEmpty())
        console.events()->setPreferredTopic(line->eventsTopic);
    if (!line->page.isEmpty())
        console.navigation()->setCurrentPage(line->page);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    console.applyLanguage(&engine);
    QObject::connect(console.settings(), &AppSettings::languageChanged, &engine,
                     [&console, &engine] { console.applyLanguage(&engine); });
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Meshdeck/App/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!line->screenshot.isEmpty() && window)
        new StartupProbe(&console, window, line->screenshot, line->probeTimeoutMs, sinceLaunch,
                         line->probeWaitText, &app);
    console.startUp();
    return app.exec();
}
