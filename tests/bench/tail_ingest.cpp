// The Events page's tail at 20 000 events/s: 1000 events arrive every 50 ms (the model's batch
// interval) for several seconds, with the model at its 10 000-row cap. Prints the time to take in
// and insert one batch; a batch must fit well inside a 16 ms frame for the UI not to stall.
#include "events/eventtailmodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <vector>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Meshdeck::Console::EventTailModel model;
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    const int batches = seconds * 20;
    std::vector<double> batchMs;
    qint64 offset = 0;
    for (int b = 0; b < batches; ++b) {
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 1000; ++i, ++offset) {
            model.append(QJsonObject{
                {QStringLiteral("offset"), offset},
                {QStringLiteral("type"), QStringLiteral("order.created")},
                {QStringLiteral("key"), QStringLiteral("o-%1").arg(offset)},
                {QStringLiteral("time"), QStringLiteral("2026-11-21T10:00:00.000Z")},
                {QStringLiteral("data"), QJsonObject{{QStringLiteral("total"), double(offset)},
                                                     {QStringLiteral("currency"), QStringLiteral("EUR")}}}});
        }
        model.flush();
        batchMs.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(batchMs.begin(), batchMs.end());
    const double median = batchMs[batchMs.size() / 2];
    const double p99 = batchMs[std::min(batchMs.size() - 1, size_t(double(batchMs.size()) * 0.99))];
    std::printf("benchmark: Events tail ingest, 20000 events/s as 1000-event batches every 50 ms, %d s, %d "
                "rows kept\n",
                seconds, model.rowCount());
    std::printf("  per batch: median %.2f ms, p99 %.2f ms, max %.2f ms (a frame is 16 ms; the batch interval "
                "50 ms)\n",
                median, p99, batchMs.back());
    std::printf("  the model alone could take in about %.0f events/s\n", 1000.0 / (median / 1000.0));
    return model.rowCount() == 10'000 ? 0 : 1;
}
