#include "buildworkerrole.h"
#include "registrar.h"

#include "build/buildworker.h"
#include "build/remotebuildqueue.h"
#include "core/settings.h"
#include "core/unixsignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTcpServer>
#include <QTimer>

#include <cstdio>

Q_LOGGING_CATEGORY(lcBuildWorkerRole, "meshdeck.buildworker")

namespace Meshdeck::Roles {

namespace {

constexpr int MaxConcurrency = 64;

struct Options {
    QUrl server;
    QByteArray token;
    int concurrency = 1;
    int leaseSeconds = 30;
    QString dataDir;
    QString workerId;
};

struct Flags {
    const QCommandLineOption role{QStringLiteral("role"), QStringLiteral("build-worker (this role)."),
                                  QStringLiteral("role")};
    const QCommandLineOption registerAt{
        QStringLiteral("register"),
        QStringLiteral(
            "meshdeckd to take builds from and register with, e.g. http://127.0.0.1:7700 (required)."),
        QStringLiteral("url")};
    const QCommandLineOption tokenFile{
        QStringLiteral("token-file"),
        QStringLiteral(
            "File with the admin token (default: meshdeckd's data directory; or set MESHDECK_TOKEN). "
            "Builds need the builds.work permission, which only an admin holds."),
        QStringLiteral("file")};
    const QCommandLineOption concurrency{QStringLiteral("build-concurrency"),
                                         QStringLiteral("Builds run at once, 1–64 (default 1)."),
                                         QStringLiteral("n"), QStringLiteral("1")};
    const QCommandLineOption dataDir{
        QStringLiteral("data-dir"),
        QStringLiteral("Scratch directory of the builds (default: meshdeckd/builds under the XDG cache "
                       "directory); each build's files are removed when it ends."),
        QStringLiteral("dir")};
    const QCommandLineOption workerId{
        QStringLiteral("worker-id"),
        QStringLiteral("This worker's name in the build queue (default host:pid)."), QStringLiteral("id")};
    const QCommandLineOption lease{
        QStringLiteral("lease-seconds"),
        QStringLiteral("Lease of each claimed build, renewed every third of it, 3–600 (default 30). When "
                       "this worker dies, its builds are requeued (once, then failed \"worker lost\") "
                       "after at most this long."),
        QStringLiteral("s"), QStringLiteral("30")};

    QList<QCommandLineOption> all() const
    {
        return {role, registerAt, tokenFile, concurrency, dataDir, workerId, lease};
    }
};

bool number(const QCommandLineParser &parser, const QCommandLineOption &option, int min, int max, int *target,
            QString *error)
{
    bool ok = false;
    const int v = parser.value(option).toInt(&ok);
    if (!ok || v < min || v > max) {
        *error = QStringLiteral("--%1 expects a whole number from %2 to %3; got '%4'")
                     .arg(option.names().constFirst())
                     .arg(min)
                     .arg(max)
                     .arg(parser.value(option));
        return false;
    }
    *target = v;
    return true;
}

bool readToken(const QCommandLineParser &parser, const Flags &f, Options *o, QString *error)
{
    o->token = qgetenv("MESHDECK_TOKEN").trimmed();
    if (!o->token.isEmpty() && !parser.isSet(f.tokenFile))
        return true;
    const QString file = parser.isSet(f.tokenFile)
                             ? parser.value(f.tokenFile)
                             : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                                   QStringLiteral("/meshdeckd/admin.token");
    QFile tokenFile(file);
    if (!tokenFile.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("cannot read the admin token from %1: %2 (use --token-file or MESHDECK_TOKEN)")
                .arg(file, tokenFile.errorString());
        return false;
    }
    o->token = tokenFile.readAll().trimmed();
    if (o->token.isEmpty()) {
        *error = QStringLiteral("the token file %1 is empty").arg(file);
        return false;
    }
    return true;
}

bool parse(const QStringList &arguments, Options *o, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "meshdeckd --role build-worker: takes builds from meshdeckd's queue and runs them in the bubblewrap "
        "sandbox, registered in the registry as service build-worker. SIGTERM stops claiming, deregisters "
        "and lets the leases of unfinished builds lapse: meshdeckd requeues them for another worker."));
    parser.addHelpOption();
    const Flags f;
    parser.addOptions(f.all());
    parser.process(arguments); // exits for --help and unknown options

    if (!parser.isSet(f.registerAt)) {
        *error = QStringLiteral("--register is required: meshdeckd's URL, e.g. http://127.0.0.1:7700");
        return false;
    }
    o->server = QUrl(parser.value(f.registerAt), QUrl::StrictMode);
    const QString scheme = o->server.scheme();
    if (!o->server.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        o->server.host().isEmpty()) {
        *error = QStringLiteral("--register expects meshdeckd's URL, e.g. http://127.0.0.1:7700; got '%1'")
                     .arg(parser.value(f.registerAt));
        return false;
    }
    // The token and the builds' secret variables travel on this connection: in clear only on loopback.
    const QHostAddress host(o->server.host());
    if (scheme == QLatin1String("http") && !host.isLoopback() &&
        o->server.host() != QLatin1String("localhost")) {
        *error = QStringLiteral("--register %1 would send the token and the builds' secrets unencrypted; use "
                                "https:// (or a loopback address)")
                     .arg(parser.value(f.registerAt));
        return false;
    }
    if (!number(parser, f.concurrency, 1, MaxConcurrency, &o->concurrency, error) ||
        !number(parser, f.lease, 3, 600, &o->leaseSeconds, error))
        return false;
    o->workerId = parser.value(f.workerId);
    if (parser.isSet(f.workerId) && (o->workerId.isEmpty() || o->workerId.size() > 200)) {
        *error = QStringLiteral("--worker-id expects 1–200 characters; got '%1'").arg(o->workerId);
        return false;
    }
    if (o->workerId.isEmpty())
        o->workerId =
            QStringLiteral("%1:%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
    o->dataDir = parser.isSet(f.dataDir)
                     ? parser.value(f.dataDir)
                     : QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
                           QStringLiteral("/meshdeckd/builds");
    if (o->dataDir.isEmpty() || !QDir().mkpath(o->dataDir) || !QFileInfo(o->dataDir).isWritable()) {
        *error = QStringLiteral("--data-dir %1 cannot be created or is not writable").arg(o->dataDir);
        return false;
    }
    return readToken(parser, f, o, error);
}

Registration registrationOf(const Options &o, quint16 port)
{
    Registration r;
    r.registry = o.server;
    r.token = o.token;
    r.service = QStringLiteral("build-worker");
    r.logName = "build-worker";
    r.heartbeatMs = 3'000;
    r.body =
        QJsonObject{{QStringLiteral("address"), QStringLiteral("127.0.0.1")},
                    {QStringLiteral("port"), port},
                    {QStringLiteral("version"), QStringLiteral(MESHDECK_VERSION)},
                    {QStringLiteral("metadata"),
                     QJsonObject{{QStringLiteral("pid"), QString::number(QCoreApplication::applicationPid())},
                                 {QStringLiteral("role"), QStringLiteral("build-worker")},
                                 {QStringLiteral("workerId"), o.workerId.left(256)},
                                 {QStringLiteral("concurrency"), QString::number(o.concurrency)}}},
                    {QStringLiteral("check"), QJsonObject{{QStringLiteral("ttlMs"), 10'000}}}};
    return r;
}

QJsonObject heartbeatOf(const Build::BuildWorker &worker)
{
    const QStringList building = worker.runningDeployments();
    const QString output = building.isEmpty() ? QStringLiteral("idle (0/%1 builds)").arg(worker.concurrency())
                                              : QStringLiteral("building %1/%2: %3")
                                                    .arg(building.size())
                                                    .arg(worker.concurrency())
                                                    .arg(building.join(QStringLiteral(", ")));
    return QJsonObject{{QStringLiteral("status"), QStringLiteral("passing")},
                       {QStringLiteral("output"), output.left(1024)},
                       {QStringLiteral("inFlight"), building.size()}};
}

} // namespace

int runBuildWorker(const QStringList &arguments)
{
    Options options;
    QString error;
    if (!parse(arguments, &options, &error)) {
        std::fprintf(stderr, "meshdeckd --role build-worker: %s\n", qPrintable(error));
        return ExitUsage;
    }
    applyLogLevel(QStringLiteral("info"));

    // Holds a port of its own so that the registry tells two workers on one host apart; nothing is
    // served there (the registration is kept alive by heartbeats).
    QTcpServer placeholder;
    if (!placeholder.listen(QHostAddress::LocalHost, 0)) {
        std::fprintf(stderr, "meshdeckd --role build-worker: cannot take a port: %s\n",
                     qPrintable(placeholder.errorString()));
        return ExitStartupFailed;
    }
    placeholder.pauseAccepting();

    Build::RemoteBuildQueue queue(options.server, options.token, options.dataDir);
    queue.clearScratch(); // nothing of an earlier run is still building
    Build::WorkerOptions workerOptions;
    workerOptions.workerId = options.workerId;
    workerOptions.concurrency = options.concurrency;
    workerOptions.lease = std::chrono::seconds(options.leaseSeconds);
    workerOptions.pollInterval = std::chrono::milliseconds(300);
    Build::BuildWorker worker(&queue, workerOptions);
    Registrar registrar(registrationOf(options, placeholder.serverPort()),
                        [&worker] { return std::optional<QJsonObject>(heartbeatOf(worker)); });
    QObject::connect(&worker, &Build::BuildWorker::buildStarted, &registrar, [&registrar](const QString &id) {
        qCInfo(lcBuildWorkerRole).noquote() << "building" << id;
        registrar.heartbeat();
    });
    QObject::connect(&worker, &Build::BuildWorker::buildFinished, &registrar,
                     [&registrar, &queue](const QString &id, std::optional<BuildEnd> end) {
                         qCInfo(lcBuildWorkerRole).noquote()
                             << "build" << id << (end ? "finished" : "given up (lease lost or stopped)");
                         queue.abandoned(id); // a finished claim's own folder went at its finish
                         registrar.heartbeat();
                     });

    const QByteArray line =
        QJsonDocument(QJsonObject{{QStringLiteral("ready"), true},
                                  {QStringLiteral("role"), QStringLiteral("build-worker")},
                                  {QStringLiteral("workerId"), options.workerId},
                                  {QStringLiteral("concurrency"), options.concurrency}})
            .toJson(QJsonDocument::Compact) +
        '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);

    QTimer::singleShot(0, &registrar, [&registrar, &worker] {
        registrar.registerNow();
        worker.start();
    });
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, qApp, [&registrar, &worker] {
        worker.stop(); // no more claims; running builds are abandoned and their leases lapse
        registrar.deregisterAndExit();
    });
    return QCoreApplication::exec();
}

} // namespace Meshdeck::Roles
