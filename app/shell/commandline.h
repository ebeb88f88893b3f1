#pragma once

#include "console.h"

#include <QCoreApplication>

#include <optional>

namespace Meshdeck::Console {

// The console's command line. It is parsed with a QCoreApplication, before the QApplication
// exists, so `--help`, `--version` and a bad command line print and exit without a display.
struct CommandLine {
    Console::Options options;
    QString theme;
    QString language;
    QString notifications;
    QString page;
    QString eventsTopic;
    QString screenshot; // set: run the start-up probe
    QString probeWaitText;
    int probeTimeoutMs = 20'000;

    // Prints help, the version or the error and exits the process as QCommandLineParser does;
    // returns nullopt (after saying why on stderr) for values that are wrong.
    static std::optional<CommandLine> parse(const QCoreApplication &app);
};

} // namespace Meshdeck::Console
