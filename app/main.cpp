#include "api/httpapiclient.h"
#include "shell/console.h"
#include "shell/startupprobe.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;

int main(int argc, char *argv[])
{
    QElapsedTimer sinceLaunch;
    sinceLaunch.start();
    // Qt Charts (later pages) needs a QApplication, not only a QGuiApplication.
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Meshdeck"));
    QApplication::setApplicationName(QStringLiteral("meshdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Meshdeck"));
    QApplication::setApplicationVersion(QStringLiteral(MESHDECK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("dev.meshdeck.Console"));
    QQuickStyle::setStyle(QStringLiteral("Material"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Meshdeck admin console."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption backend(
        QStringLiteral("backend"),
        QApplication::translate("main", "The meshdeckd to start for the local stack."),
        QStringLiteral("path"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QApplication::translate("main", "The local stack's data directory."),
                                     QStringLiteral("dir"));
    const QCommandLineOption attach(
        QStringLiteral("attach"),
        QApplication::translate("main", "Attach to a running backend instead of starting one."),
        QStringLiteral("url"));
    const QCommandLineOption tokenFile(
        QStringLiteral("token-file"),
        QApplication::translate("main", "File holding the bearer token for --attach."),
        QStringLiteral("file"));
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QApplication::translate("main", "light or dark, for this run."),
                                   QStringLiteral("theme"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QApplication::translate("main", "en or de, for this run."),
                                      QStringLiteral("code"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main",
                                                                "Once connected, save a screenshot, print "
                                                                "start-up figures as JSON and quit."),
                                        QStringLiteral("png"));
    const QCommandLineOption probeTimeout(
        QStringLiteral("probe-timeout-ms"),
        QApplication::translate("main", "How long --screenshot waits to connect."), QStringLiteral("ms"),
        QStringLiteral("20000"));
    const QCommandLineOption page(QStringLiteral("page"),
                                  QApplication::translate("main",
                                                          "The page to open: overview, services, gateway, "
                                                          "events, deployments, chat, access, localstack, "
                                                          "settings."),
                                  QStringLiteral("page"));
    const QCommandLineOption eventsTopic(
        QStringLiteral("events-topic"),
        QApplication::translate("main", "The topic the Events page tails first."), QStringLiteral("topic"));
    const QCommandLineOption waitText(QStringLiteral("probe-wait-text"),
                                      QApplication::translate("main",
                                                              "With --screenshot: wait until this text is on "
                                                              "screen."),
                                      QStringLiteral("text"));
    const QCommandLineOption notifications(
        QStringLiteral("notifications"),
        QApplication::translate("main", "When a service going critical notifies the desktop: background, "
                                        "always or off, for this run."),
        QStringLiteral("when"));
    parser.addOptions({backend, dataDir, attach, tokenFile, theme, language, page, eventsTopic, screenshot,
                       waitText, probeTimeout, notifications});
    parser.process(app);

    Console::Options options;
    options.backendProgram = parser.value(backend);
    options.dataDir = parser.value(dataDir);
    if (parser.isSet(attach)) {
        options.attachUrl = QUrl(parser.value(attach));
        QFile token(parser.value(tokenFile));
        if (!options.attachUrl.isValid() || !parser.isSet(tokenFile) || !token.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "meshdeck: --attach needs a valid URL and a readable --token-file\n");
            return 2;
        }
        options.attachToken = token.readAll().trimmed();
    }

    HttpApiClient api;
    Console console(options, &api);
    Console::setInstance(&console);
    if (parser.isSet(theme))
        console.settings()->overrideTheme(parser.value(theme));
    if (parser.isSet(language))
        console.settings()->overrideLanguage(parser.value(language));
    if (parser.isSet(notifications))
        console.settings()->overrideNotifications(parser.value(notifications));
    if (parser.isSet(eventsTopic))
        console.events()->setPreferredTopic(parser.value(eventsTopic));
    if (parser.isSet(page)) {
        if (console.navigation()->indexOf(parser.value(page)) < 0) {
            std::fprintf(stderr, "meshdeck: unknown page '%s'\n", qPrintable(parser.value(page)));
            return 2;
        }
        console.navigation()->setCurrentPage(parser.value(page));
    }

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    console.applyLanguage(&engine);
    QObject::connect(console.settings(), &AppSettings::languageChanged, &engine,
                     [&console, &engine] { console.applyLanguage(&engine); });
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Meshdeck/App/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (parser.isSet(screenshot) && window)
        new StartupProbe(&console, window, parser.value(screenshot), parser.value(probeTimeout).toInt(),
                         sinceLaunch, parser.value(waitText), &app);
    console.startUp();
    return app.exec();
}
