#include "settings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QThread>

namespace Meshdeck {

namespace {
bool positiveInt(const QString &text, int *out)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v <= 0)
        return false;
    *out = v;
    return true;
}
} // namespace

bool parseCommandLine(const QStringList &arguments, BackendSettings *settings, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "meshdeckd", "The Meshdeck platform backend. Prints one JSON line on stdout when it is ready."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QCoreApplication::translate("meshdeckd", "Data directory (default: %1).")
            .arg(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                 QStringLiteral("/meshdeckd")),
        QStringLiteral("dir"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QCoreApplication::translate("meshdeckd",
                                                                "Address to serve on; port 0 picks a "
                                                                "free port (default: 127.0.0.1:7700)."),
                                    QStringLiteral("host:port"), QStringLiteral("127.0.0.1:7700"));
    const QCommandLineOption logLevel(
        QStringLiteral("log-level"),
        QCoreApplication::translate("meshdeckd", "debug, info, warning or error (default: info)."),
        QStringLiteral("level"), QStringLiteral("info"));
    const QCommandLineOption threads(
        QStringLiteral("threads"),
        QCoreApplication::translate("meshdeckd", "Event-loop threads (default: one per core)."),
        QStringLiteral("n"));
    const QCommandLineOption headerTimeout(QStringLiteral("header-timeout-ms"),
                                           QCoreApplication::translate("meshdeckd",
                                                                       "Time a client has to send a "
                                                                       "request head (default: 10000)."),
                                           QStringLiteral("ms"));
    const QCommandLineOption idleTimeout(
        QStringLiteral("idle-timeout-ms"),
        QCoreApplication::translate("meshdeckd", "Keep-alive idle timeout (default: 60000)."),
        QStringLiteral("ms"));
    const QCommandLineOption maxConnections(
        QStringLiteral("max-connections"),
        QCoreApplication::translate("meshdeckd", "Connection cap (default: 10000)."), QStringLiteral("n"));
    const QCommandLineOption shutdownTimeout(
        QStringLiteral("shutdown-timeout-ms"),
        QCoreApplication::translate("meshdeckd", "How long in-flight requests may "
                                                 "finish on SIGTERM (default: 10000)."),
        QStringLiteral("ms"));
    const QCommandLineOption allowedOrigin(
        QStringLiteral("allowed-origin"),
        QCoreApplication::translate("meshdeckd",
                                    "A browser origin (e.g. http://localhost:5173) allowed to open realtime "
                                    "WebSockets; repeat for more. Native clients send no origin."),
        QStringLiteral("origin"));
    const QCommandLineOption webhookRetryBase(
        QStringLiteral("webhook-retry-base-ms"),
        QCoreApplication::translate("meshdeckd",
                                    "First webhook retry delay; doubles per attempt (default: 1000)."),
        QStringLiteral("ms"));
    const QCommandLineOption webhookMaxFailures(
        QStringLiteral("webhook-max-failures"),
        QCoreApplication::translate("meshdeckd",
                                    "Failed deliveries in a row before a webhook is disabled (default: 10)."),
        QStringLiteral("n"));
    const QCommandLineOption allowPrivateTargets(
        QStringLiteral("allow-private-targets"),
        QCoreApplication::translate("meshdeckd", "Let webhooks reach loopback, private and link-local "
                                                 "addresses (a local stack; never on a shared server)."));
    const QCommandLineOption deregisterCritical(
        QStringLiteral("deregister-critical-after-ms"),
        QCoreApplication::translate("meshdeckd", "Registry: deregister an instance critical for this long, "
                                                 "unless its check says otherwise (default: 600000)."),
        QStringLiteral("ms"));
    parser.addOptions({dataDir, listen, logLevel, threads, headerTimeout, idleTimeout, maxConnections,
                       shutdownTimeout, allowedOrigin, webhookRetryBase, webhookMaxFailures,
                       deregisterCritical, allowPrivateTargets});
    parser.process(arguments); // exits for --help, --version and unknown options

    settings->dataDir = parser.isSet(dataDir)
                            ? parser.value(dataDir)
                            : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                                  QStringLiteral("/meshdeckd");

    const QString listenValue = parser.value(listen);
    const qsizetype colon = listenValue.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon < 0 ? 0 : listenValue.sliced(colon + 1).toUInt(&portOk);
    QString host = colon < 0 ? QString() : listenValue.first(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.sliced(1, host.size() - 2);
    if (colon < 0 || !portOk || port > 65535 || !settings->host.setAddress(host)) {
        *error = QStringLiteral("--listen expects HOST:PORT with a numeric address, e.g. 127.0.0.1:7700 or "
                                "[::1]:0; got '%1'")
                     .arg(listenValue);
        return false;
    }
    settings->port = quint16(port);

    settings->allowedOrigins = parser.values(allowedOrigin);
    settings->allowPrivateTargets = parser.isSet(allowPrivateTargets);
    settings->logLevel = parser.value(logLevel);
    if (!QStringList{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                     QStringLiteral("error")}
             .contains(settings->logLevel)) {
        *error = QStringLiteral("--log-level must be debug, info, warning or error; got '%1'")
                     .arg(settings->logLevel);
        return false;
    }
    struct IntOption {
        const QCommandLineOption &option;
        int *target;
    };
    for (const IntOption &o :
         {IntOption{threads, &settings->threads}, IntOption{headerTimeout, &settings->limits.headerTimeoutMs},
          IntOption{idleTimeout, &settings->limits.idleTimeoutMs},
          IntOption{maxConnections, &settings->limits.maxConnections},
          IntOption{shutdownTimeout, &settings->shutdownTimeoutMs},
          IntOption{webhookRetryBase, &settings->webhookRetryBaseMs},
          IntOption{webhookMaxFailures, &settings->webhookMaxFailures}}) {
        if (parser.isSet(o.option) && !positiveInt(parser.value(o.option), o.target)) {
            *error = QStringLiteral("--%1 expects a positive whole number; got '%2'")
                         .arg(o.option.names().constFirst(), parser.value(o.option));
            return false;
        }
    }
    if (parser.isSet(deregisterCritical)) {
        int ms = 0;
        if (!positiveInt(parser.value(deregisterCritical), &ms) || ms < 1000) {
            *error = QStringLiteral("--deregister-critical-after-ms expects milliseconds ≥ 1000; got '%1'")
                         .arg(parser.value(deregisterCritical));
            return false;
        }
        settings->deregisterCriticalAfterMs = ms;
    }
    if (settings->threads == 0)
        settings->threads = qMax(1, QThread::idealThreadCount());
    return true;
}

void applyLogLevel(const QString &level)
{
    QString rules = QStringLiteral("meshdeck.*.debug=false\n");
    if (level == QLatin1String("debug"))
        rules = QStringLiteral("meshdeck.*.debug=true\n");
    else if (level == QLatin1String("warning"))
        rules += QStringLiteral("meshdeck.*.info=false\n");
    else if (level == QLatin1String("error"))
        rules += QStringLiteral("meshdeck.*.info=false\nmeshdeck.*.warning=false\n");
    QLoggingCategory::setFilterRules(rules); // QT_LOGGING_RULES still takes precedence
}

} // namespace Meshdeck
