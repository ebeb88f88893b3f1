#include "core/backend.h"
#include "core/unixsignals.h"
#include "echo/echorole.h"
#include "roles/buildworkerrole.h"

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

#include <csignal>
#include <sys/resource.h>

using namespace Meshdeck;

int main(int argc, char *argv[])
{
    // The server needs no GLib integration; Qt's own UNIX event dispatcher is leaner per wake-up.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("meshdeckd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MESHDECK_VERSION));
    qSetMessagePattern(
        QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}"
                       "%{if-warning}warning%{endif}%{if-critical}error%{endif}%{if-fatal}fatal%{endif} "
                       "%{category}: %{message}"));

    // The connection cap (10 000 by default) is meaningless under the usual soft limit of 1024
    // descriptors: take what the hard limit allows.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }

    // A write past a file-size limit must fail with an error the storage layer reports (and the
    // publisher sees), not kill the process.
    ::signal(SIGXFSZ, SIG_IGN);

    // Other roles share the binary: `--role echo` is a small service that registers itself.
    const QString role = roleOf(app.arguments());
    if (role == QLatin1String("echo"))
        return Echo::run(app.arguments());
    if (role == QLatin1String("build-worker"))
        return Roles::runBuildWorker(app.arguments());
    if (role != QLatin1String("platform")) {
        std::fprintf(
            stderr,
            "meshdeckd: --role must be platform, echo or build-worker; got '%s' (see meshdeckd --help)\n",
            qPrintable(role));
        return ExitUsage;
    }

    BackendSettings settings;
    QString error;
    if (!parseCommandLine(app.arguments(), &settings, &error)) {
        std::fprintf(stderr, "meshdeckd: %s\n", qPrintable(error));
        return ExitUsage;
    }
    applyLogLevel(settings.logLevel);

    const bool tls = settings.tls != nullptr;
    const bool seedOnly = settings.seedDemo; // the backend seeds, stops and the process exits
    Backend backend(std::move(settings));
    UnixSignalWatcher signalWatcher;
    if (tls)
        signalWatcher
            .watchHangup(); // reloads the certificate; without TLS, SIGHUP ends the process as before
    QObject::connect(&signalWatcher, &UnixSignalWatcher::hangup, &backend, &Backend::reloadTls);
    bool stopping = false;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &app, [&] {
        if (stopping)
            return;
        stopping = true;
        QCoro::connect(backend.stop(), &app, [] { QCoreApplication::exit(ExitOk); });
    });
    QTimer::singleShot(0, &app, [&] {
        QCoro::connect(backend.start(), &app, [seedOnly](int code) {
            if (code != ExitOk || seedOnly)
                QCoreApplication::exit(code);
        });
    });
    return app.exec();
}
