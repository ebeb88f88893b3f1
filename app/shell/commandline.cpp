#include "commandline.h"

#include <QCommandLineParser>
#include <QFile>

#include <cstdio>

namespace Meshdeck::Console {

std::optional<CommandLine> CommandLine::parse(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Meshdeck admin console."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption backend(
        QStringLiteral("backend"),
        QCoreApplication::translate("main", "The meshdeckd to start for the local stack."),
        QStringLiteral("path"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QCoreApplication::translate("main", "The local stack's data directory."),
                                     QStringLiteral("dir"));
    const QCommandLineOption attach(
        QStringLiteral("attach"),
        QCoreApplication::translate("main", "Attach to a running backend instead of starting one."),
        QStringLiteral("url"));
    const QCommandLineOption tokenFile(
        QStringLiteral("token-file"),
        QCoreApplication::translate("main", "File holding the bearer token for --attach."),
        QStringLiteral("file"));
    const QCommandLineOption cluster(
        QStringLiteral("cluster"),
        QCoreApplication::translate("main",
                                    "Attach to the cluster profile with this name (its credential comes "
                                    "from the keychain)."),
        QStringLiteral("name"));
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QCoreApplication::translate("main", "light or dark, for this run."),
                                   QStringLiteral("theme"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QCoreApplication::translate("main", "en or de, for this run."),
                                      QStringLiteral("code"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Once connected, save a screenshot, print "
                                            "start-up figures as JSON and quit."),
        QStringLiteral("png"));
    const QCommandLineOption probeTimeout(
        QStringLiteral("probe-timeout-ms"),
        QCoreApplication::translate("main", "How long --screenshot waits to connect."), QStringLiteral("ms"),
        QStringLiteral("20000"));
    const QCommandLineOption page(
        QStringLiteral("page"),
        QCoreApplication::translate("main", "The page to open: overview, services, gateway, "
                                            "events, deployments, chat, access, localstack, "
                                            "settings."),
        QStringLiteral("page"));
    const QCommandLineOption eventsTopic(
        QStringLiteral("events-topic"),
        QCoreApplication::translate("main", "The topic the Events page tails first."),
        QStringLiteral("topic"));
    const QCommandLineOption waitText(
        QStringLiteral("probe-wait-text"),
        QCoreApplication::translate("main", "With --screenshot: wait until this text is on "
                                            "screen."),
        QStringLiteral("text"));
    const QCommandLineOption notifications(
        QStringLiteral("notifications"),
        QCoreApplication::translate("main", "When a service going critical notifies the desktop: background, "
                                            "always or off, for this run."),
        QStringLiteral("when"));
    parser.addOptions({backend, dataDir, attach, tokenFile, cluster, theme, language, page, eventsTopic,
                       screenshot, waitText, probeTimeout, notifications});
    parser.process(app);

    CommandLine line;
    line.options.backendProgram = parser.value(backend);
    line.options.dataDir = parser.value(dataDir);
    if (parser.isSet(attach)) {
        line.options.attachUrl = QUrl(parser.value(attach));
        QFile token(parser.value(tokenFile));
        if (!line.options.attachUrl.isValid() || !parser.isSet(tokenFile) ||
            !token.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "meshdeck: --attach needs a valid URL and a readable --token-file\n");
            return std::nullopt;
        }
        line.options.attachToken = token.readAll().trimmed();
    }
    if (parser.isSet(cluster) && parser.isSet(attach)) {
        std::fprintf(stderr, "meshdeck: --cluster and --attach exclude each other\n");
        return std::nullopt;
    }
    line.options.startProfile = parser.value(cluster);
    if (parser.isSet(page) && NavigationModel().indexOf(parser.value(page)) < 0) {
        std::fprintf(stderr, "meshdeck: unknown page '%s'\n", qPrintable(parser.value(page)));
        return std::nullopt;
    }
    line.theme = parser.value(theme);
    line.language = parser.value(language);
    line.notifications = parser.value(notifications);
    line.page = parser.value(page);
    line.eventsTopic = parser.value(eventsTopic);
    line.screenshot = parser.value(screenshot);
    line.probeWaitText = parser.value(waitText);
    line.probeTimeoutMs = parser.value(probeTimeout).toInt();
    return line;
}

} // namespace Meshdeck::Console
