// The build log viewer's model at a million lines: time to index the file, a regex filter over all
// of it, the memory it takes, and the longest stall of the GUI thread's event loop (a 1 ms timer)
// while it loads and while it follows a live log at 50 000 lines a second — both ways a log grows:
// lines from the realtime channel (appendLines) and a file another process writes. A stand-in for
// the view reads the last rows after every insert, as a ListView at the end would.
// Prints one JSON object; tests/bench/logviewer.sh formats it with the targets.
// Usage: bench_logviewer [--lines N] [--seconds S] [--rate LINES_PER_S]
#include "deployments/buildlogmodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <functional>
#include <thread>

using Meshdeck::Console::BuildLogModel;

namespace {

double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

qint64 rssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

QByteArray logLine(qint64 i)
{
    switch (i % 50) {
    case 0:
        return "\x1b[1;32m[build]\x1b[0m step " + QByteArray::number(i) + " compiled 42 modules in 318 ms";
    case 7:
        return "\x1b[33mwarning\x1b[0m: src/components/Widget" + QByteArray::number(i) +
               ".tsx: React Hook useEffect has a missing dependency";
    case 13:
        if (i % 1000 == 13)
            return "\x1b[31merror\x1b[0m TS2304: Cannot find name 'fetchUser" + QByteArray::number(i) + "'";
        [[fallthrough]];
    default:
        return "  transforming node_modules/some-package/dist/module-" + QByteArray::number(i) +
               ".js (1.2 kB, gzip 0.6 kB)";
    }
}

// Times every event the GUI thread handles: the longest one is the longest the model (or the
// feeder standing in for the realtime channel) kept the event loop busy, apart from the time the
// OS gave the thread to others (this machine's cores are shared).
class TimedApp : public QCoreApplication
{
public:
    using QCoreApplication::QCoreApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        QElapsedTimer t;
        t.start();
        const double cpuBefore = threadCpuMs();
        const bool handled = QCoreApplication::notify(receiver, event);
        const qint64 ns = t.nsecsElapsed();
        longestCpuMs = qMax(longestCpuMs, threadCpuMs() - cpuBefore);
        if (ns > longestNs) {
            longestNs = ns;
            longestWhat = QByteArray(receiver->metaObject()->className()) + " event " +
                          QByteArray::number(int(event->type()));
        }
        return handled;
    }
    qint64 longestNs = 0;
    double longestCpuMs = 0; // the CPU the GUI thread spent in it (without preemption)
    QByteArray longestWhat;
};

// The longest gap between two ticks of a 1 ms timer (the GUI thread's event loop latency), and
// the longest single event handled meanwhile.
struct StallProbe {
    QTimer timer;
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 worstNs = 0;
    StallProbe()
    {
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(1);
        QObject::connect(&timer, &QTimer::timeout, [this] {
            const qint64 now = clock.nsecsElapsed();
            worstNs = qMax(worstNs, now - last);
            last = now;
        });
    }
    void start()
    {
        static_cast<TimedApp *>(QCoreApplication::instance())->longestNs = 0;
        static_cast<TimedApp *>(QCoreApplication::instance())->longestCpuMs = 0;
        worstNs = 0;
        clock.start();
        last = 0;
        timer.start();
    }
    double stop()
    {
        timer.stop();
        longestHandlerMs = double(static_cast<TimedApp *>(QCoreApplication::instance())->longestNs) / 1e6;
        longestHandlerCpuMs = static_cast<TimedApp *>(QCoreApplication::instance())->longestCpuMs;
        if (qEnvironmentVariableIsSet("BENCH_WHAT"))
            std::fprintf(stderr, "longest: %.1f ms in %s\n", longestHandlerMs,
                         static_cast<TimedApp *>(QCoreApplication::instance())->longestWhat.constData());
        return double(worstNs) / 1e6;
    }
    double longestHandlerMs = 0;
    double longestHandlerCpuMs = 0;
};

// Runs the event loop until `done()` or the deadline; returns whether done.
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

// What a ListView following the end asks for after rows are inserted.
void attachView(BuildLogModel &model)
{
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, &model, [&model] {
        const int rows = model.rowCount();
        for (int row = qMax(0, rows - 40); row < rows; ++row) {
            const QModelIndex index = model.index(row, 0);
            model.data(index, BuildLogModel::LineNumberRole);
            model.data(index, BuildLogModel::RichTextRole);
            model.data(index, BuildLogModel::IsErrorRole);
        }
    });
}

} // namespace

int main(int argc, char *argv[])
{
    TimedApp app(argc, argv);
    qint64 lines = 1'000'000;
    int seconds = 4;
    int rate = 50'000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--lines"))
            lines = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--seconds"))
            seconds = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--rate"))
            rate = args[i + 1].toInt();
    }
    QTimer::singleShot(55'000, &app, [] {
        std::fprintf(stderr, "bench_logviewer: out of time (55 s)\n");
        std::exit(3);
    });

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    qint64 bytes = 0;
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return 2;
        QByteArray block;
        for (qint64 i = 1; i <= lines; ++i) {
            block += logLine(i);
            block += '\n';
            if (block.size() > (1 << 20) || i == lines) {
                bytes += file.write(block);
                block.clear();
            }
        }
    }
    QJsonObject result{{QStringLiteral("lines"), lines}, {QStringLiteral("bytes"), bytes}};
    const qint64 rssBefore = rssBytes();

    StallProbe probe;
    BuildLogModel model;
    attachView(model);
    QElapsedTimer t;
    probe.start();
    t.start();
    model.setSource(QUrl::fromLocalFile(path));
    if (!spinUntil([&] { return !model.isLoading(); }, 30'000) || model.lineCount() != lines) {
        std::fprintf(stderr, "indexing failed: %d lines, error '%s'\n", model.lineCount(),
                     qPrintable(model.error()));
        return 1;
    }
    result[QStringLiteral("indexMs")] = double(t.nsecsElapsed()) / 1e6;
    result[QStringLiteral("indexStallMs")] = probe.stop();
    result[QStringLiteral("indexHandlerMs")] = probe.longestHandlerMs;
    result[QStringLiteral("indexHandlerCpuMs")] = probe.longestHandlerCpuMs;
    result[QStringLiteral("firstErrorRow")] = model.firstErrorRow();

    // Filter time is measured with the event loop idle (the 1 ms probe would take CPU from the
    // worker on a loaded machine); the process's CPU time says what the filter itself costs.
    auto filterMs = [&](const QString &text, bool regex, const QString &key) {
        model.setFilterText({});
        model.setFilterIsRegex(regex);
        QElapsedTimer ft;
        const double cpuBefore = cpuMs();
        ft.start();
        model.setFilterText(text);
        spinUntil([&] { return !model.isFiltering(); }, 20'000);
        result[key + QStringLiteral("FilterMs")] = double(ft.nsecsElapsed()) / 1e6;
        result[key + QStringLiteral("FilterCpuMs")] = cpuMs() - cpuBefore;
        result[key + QStringLiteral("Matches")] = model.rowCount();
    };
    filterMs(QStringLiteral("error\\s+TS\\d+|cannot find"), true, QStringLiteral("regex"));
    filterMs(QStringLiteral("useEffect"), false, QStringLiteral("plain"));
    probe.start();
    model.setFilterText(QStringLiteral("module-\\d+7\\.js"));
    spinUntil([&] { return !model.isFiltering(); }, 20'000);
    result[QStringLiteral("filterStallMs")] = probe.stop();
    result[QStringLiteral("filterHandlerMs")] = probe.longestHandlerMs;
    result[QStringLiteral("filterHandlerCpuMs")] = probe.longestHandlerCpuMs;
    model.setFilterText({});
    result[QStringLiteral("rssGrowthBytes")] = rssBytes() - rssBefore;

    // Live follow, lines from the realtime channel: a batch every 10 ms.
    const int perTick = qMax(1, rate / 100);
    qint64 next = lines + 1;
    QTimer feeder;
    feeder.setTimerType(Qt::PreciseTimer);
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        QByteArrayList batch;
        batch.reserve(perTick);
        for (int i = 0; i < perTick; ++i)
            batch.append(logLine(next + i));
        next = model.appendLines(next, batch);
    });
    probe.start();
    feeder.start(10);
    t.restart();
    spinUntil([&] { return t.elapsed() >= seconds * 1000; }, seconds * 1000 + 1000);
    feeder.stop();
    const qint64 appended = next - lines - 1;
    const bool caughtUp = spinUntil([&] { return model.lineCount() == next - 1; }, 5000);
    result[QStringLiteral("appendStallMs")] = probe.stop();
    result[QStringLiteral("appendHandlerMs")] = probe.longestHandlerMs;
    result[QStringLiteral("appendHandlerCpuMs")] = probe.longestHandlerCpuMs;
    result[QStringLiteral("appendedLines")] = appended;
    result[QStringLiteral("appendRate")] = double(appended) / seconds;
    if (!caughtUp) {
        std::fprintf(stderr, "follow (appendLines) lost lines: %d of %lld\n", model.lineCount(), next - 1);
        return 1;
    }

    // Live follow, a file another process writes: a writer thread, a batch every 10 ms.
    const qint64 before = model.lineCount();
    std::atomic_bool stop = false;
    std::atomic<qint64> written = 0;
    std::thread writer([&] {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
            return;
        QElapsedTimer wt;
        wt.start();
        qint64 n = 0;
        for (int tick = 1; !stop; ++tick) {
            QByteArray block;
            for (int i = 0; i < perTick; ++i, ++n)
                block += logLine(before + n + 1) + '\n';
            file.write(block);
            file.flush();
            written = n;
            const qint64 due = qint64(tick) * 10;
            if (due > wt.elapsed())
                std::this_thread::sleep_for(std::chrono::milliseconds(due - wt.elapsed()));
        }
    });
    probe.start();
    t.restart();
    spinUntil([&] { return t.elapsed() >= seconds * 1000; }, seconds * 1000 + 1000);
    stop = true;
    writer.join();
    const bool watchedAll = spinUntil([&] { return model.lineCount() == before + written; }, 5000);
    result[QStringLiteral("watchStallMs")] = probe.stop();
    result[QStringLiteral("watchHandlerMs")] = probe.longestHandlerMs;
    result[QStringLiteral("watchHandlerCpuMs")] = probe.longestHandlerCpuMs;
    result[QStringLiteral("watchedLines")] = qint64(written);
    result[QStringLiteral("watchRate")] = double(written) / seconds;
    result[QStringLiteral("rssGrowthAfterFollowBytes")] = rssBytes() - rssBefore;
    if (!watchedAll) {
        std::fprintf(stderr, "follow (file) lost lines: %d of %lld\n", model.lineCount(),
                     before + qint64(written));
        return 1;
    }
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}
