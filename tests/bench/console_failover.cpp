// Console failover (bench/console_failover): three real meshdeckd nodes on one PostgreSQL 15 and
// one Redis; the console (the app's Console class with the real HTTP client, offscreen) attached
// to a profile of the three, tailing a topic. Each round kills the attached node with SIGKILL,
// publishes one event on another node at once, and times until the console's tail receives it:
// the live view is live again. The node is restarted on its port before the next round. The peer,
// in the same run: the console switched to a profile whose first node is alive, timed the same
// way (from the switch to a freshly published event in the tail). Prints p50/max of both, the
// ratio between them and the ratio to the target (< 2 s). Fails when something is broken
// (a node does not start, the tail misses or repeats an offset); stops by itself within --budget.
// Usage: bench_console_failover [--kills N] [--budget SECONDS]
#include "clusternodes.h"
#include "testing.h"

#include "api/httpapiclient.h"
#include "api/realtimeclient.h"
#include "clusters/secretstore.h"
#include "shell/console.h"

#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <stdexcept>

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {

constexpr double TargetMs = 2000.0;

// A failure ends the run through main(), so the nodes, Redis and PostgreSQL are stopped by their
// owners' destructors on the way out.
[[noreturn]] void die(const QString &why)
{
    throw std::runtime_error(why.toStdString());
}

qint64 publish(ClusterNodes &nodes, int node, int n)
{
    const QByteArray body =
        "{\"events\":[{\"type\":\"bench.probe\",\"data\":{\"n\":" + QByteArray::number(n) + "}}]}";
    return firstPublishedOffset(apiCall(nodes.node(node), "POST", "/v1/events/topics/orders/events", body));
}

double percentile(QList<double> values, double p)
{
    std::sort(values.begin(), values.end());
    if (values.isEmpty())
        return 0;
    const qsizetype index = qsizetype(p * double(values.size() - 1) + 0.5);
    return values.at(qBound<qsizetype>(0, index, values.size() - 1));
}

class Bench
{
public:
    Bench(int kills, QDeadlineTimer deadline)
        : m_kills(kills)
        , m_deadline(deadline)
    {}

    int run()
    {
        if (!m_nodes.start(3, {QStringLiteral("orders")}))
            die(m_nodes.error());
        Console::Options options;
        options.backendProgram = binary(QStringLiteral("meshdeckd"));
        options.dataDir = m_dir.filePath(QStringLiteral("local-stack")); // never started here
        options.secrets = &m_secrets;
        options.profilesFile = m_dir.filePath(QStringLiteral("profiles.ini"));
        options.summaryIntervalMs = 3'600'000;
        m_console = std::make_unique<Console>(options, &m_api);
        QObject::connect(m_console->realtime(), &RealtimeClient::event, m_console.get(),
                         [this](const QString &channel, const QJsonObject &e) {
                             if (channel == QLatin1String("events.orders"))
                                 m_received << e.value(QStringLiteral("offset")).toInteger();
                         });
        const QList<QUrl> urls = m_nodes.urls();
        const QString profile = addProfile(QStringLiteral("bench"), urls);
        m_console->events()->setPreferredTopic(QStringLiteral("orders"));
        m_console->attachProfile(profile);
        waitFor(
            [&] { return connected() && m_console->events()->selectedTopic() == QLatin1String("orders"); },
            20'000, QStringLiteral("the console did not attach"));
        const QList<double> failovers = killRounds();
        const QList<double> attaches = attachRounds(profile, urls);
        report(failovers, attaches);
        return 0;
    }

private:
    QString addProfile(const QString &name, const QList<QUrl> &urls)
    {
        QStringList texts;
        for (const QUrl &url : urls)
            texts << url.toString();
        QSignalSpy saved(m_console->profiles(), &ProfilesModel::saved);
        const QString problem =
            m_console->profiles()->save({{QStringLiteral("name"), name},
                                         {QStringLiteral("urls"), texts.join(QLatin1Char('\n'))},
                                         {QStringLiteral("colour"), QStringLiteral("#2e86de")},
                                         {QStringLiteral("trust"), QStringLiteral("system")},
                                         {QStringLiteral("credential"), QStringLiteral("adminToken")}},
                                        QString::fromLatin1(m_nodes.token()));
        if (!problem.isEmpty())
            die(problem);
        waitFor([&] { return saved.size() == 1; }, 5000, QStringLiteral("the profile was not saved"));
        return saved.at(0).at(0).toString();
    }

    bool connected() const
    {
        return m_console->connection()->state() == BackendConnection::State::Connected &&
               m_console->realtime()->isConnected();
    }

    // Spins the event loop until `done`, at most `timeoutMs` and never past the run's budget.
    void waitFor(const std::function<bool()> &done, int timeoutMs, const QString &what)
    {
        const int bounded = int(qMin<qint64>(timeoutMs, m_deadline.remainingTime()));
        if (!QTest::qWaitFor(done, qMax(1, bounded)))
            die(m_deadline.hasExpired() ? what + QStringLiteral(" (the run's time budget is spent)") : what);
    }

    // Waits until the tail has delivered `offset`; the time it took since `clock` started.
    double timeUntilReceived(qint64 offset, const QElapsedTimer &clock, const QString &what)
    {
        waitFor([&] { return m_received.contains(offset); }, 30'000, what);
        return double(clock.nsecsElapsed()) / 1e6;
    }

    QList<double> killRounds()
    {
        QList<double> times;
        int n = 0;
        for (int round = 0; round < m_kills; ++round) {
            const int attached = m_nodes.indexOf(m_console->connection()->url());
            if (attached < 0)
                die(QStringLiteral("attached to an unknown URL"));
            const int survivor = (attached + 1) % m_nodes.size();
            // Live before the kill: an event published now arrives.
            const qint64 before = publish(m_nodes, survivor, n++);
            waitFor([&] { return m_received.contains(before); }, 30'000,
                    QStringLiteral("the tail is not live before round %1").arg(round));
            QElapsedTimer clock;
            clock.start();
            m_nodes.kill9(attached);
            const qint64 probe = publish(m_nodes, survivor, n++);
            if (probe < 0)
                die(QStringLiteral("node %1 refused a publish").arg(survivor));
            times << timeUntilReceived(probe, clock,
                                       QStringLiteral("round %1: the tail did not come back").arg(round));
            if (m_nodes.indexOf(m_console->connection()->url()) == attached)
                die(QStringLiteral("round %1: the console did not move off the killed node").arg(round));
            std::printf("  kill %d: node %d killed, live again on node %d after %.0f ms\n", round + 1,
                        attached, m_nodes.indexOf(m_console->connection()->url()), times.last());
            std::fflush(stdout);
            if (!m_nodes.restart(attached))
                die(m_nodes.error());
        }
        // Every offset once, in order: the failovers lost nothing and repeated nothing.
        QList<qint64> expected;
        for (qint64 i = 0; i < m_received.size(); ++i)
            expected << i;
        if (m_received != expected || m_received.size() != n)
            die(QStringLiteral("the tail has a gap or a duplicate: %1 events delivered for %2 published")
                    .arg(m_received.size())
                    .arg(n));
        return times;
    }

    // The peer: switching to another profile of the same live nodes (its first URL alive), timed
    // from the switch to a freshly published event in the tail.
    QList<double> attachRounds(const QString &first, const QList<QUrl> &urls)
    {
        const QString second =
            addProfile(QStringLiteral("bench-rotated"), QList<QUrl>{urls.at(1), urls.at(2), urls.at(0)});
        QList<double> times;
        for (int round = 0; round < m_kills; ++round) {
            QElapsedTimer clock;
            clock.start();
            m_received.clear();
            m_console->attachProfile(round % 2 ? first : second);
            const qint64 probe = publish(m_nodes, 0, 1000 + round);
            if (probe < 0)
                die(QStringLiteral("node 0 refused a publish"));
            times << timeUntilReceived(probe, clock,
                                       QStringLiteral("switch %1: the tail did not come").arg(round));
        }
        return times;
    }

    void report(const QList<double> &failovers, const QList<double> &attaches) const
    {
        const double p50 = percentile(failovers, 0.5);
        const double max = percentile(failovers, 1.0);
        const double attachP50 = percentile(attaches, 0.5);
        std::printf(
            "benchmark: console failover, 3 meshdeckd nodes on PostgreSQL 15 + Redis, the console tailing a "
            "topic, all on this machine\n");
        std::printf(
            "  kill -9 of the attached node -> tail live again: p50 %.0f ms, max %.0f ms over %lld kills\n",
            p50, max, qint64(failovers.size()));
        std::printf("  switch to a live node (peer, same run): p50 %.0f ms, max %.0f ms over %lld switches\n",
                    attachP50, percentile(attaches, 1.0), qint64(attaches.size()));
        std::printf("  ratio failover/switch p50: %.2fx\n", attachP50 > 0 ? p50 / attachP50 : 0.0);
        std::printf("  ratio to the target (< %.0f ms): p50 %.2f, max %.2f (%s)\n", TargetMs, p50 / TargetMs,
                    max / TargetMs, max < TargetMs ? "met" : "NOT met");
        std::fflush(stdout);
    }

    int m_kills;
    QDeadlineTimer m_deadline;
    ClusterNodes m_nodes;
    QTemporaryDir m_dir;
    FakeSecretStore m_secrets;
    HttpApiClient m_api;
    std::unique_ptr<Console> m_console;
    QList<qint64> m_received;
};

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption kills(QStringLiteral("kills"), QStringLiteral("Nodes killed, one per round."),
                                   QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption budget(QStringLiteral("budget"),
                                    QStringLiteral("Seconds after which the run stops, failed."),
                                    QStringLiteral("SECONDS"), QStringLiteral("240"));
    parser.addOptions({kills, budget});
    parser.process(app);
    const int rounds = qBound(1, parser.value(kills).toInt(), 50);
    try {
        Bench bench(rounds, QDeadlineTimer(qint64(parser.value(budget).toInt()) * 1000));
        return bench.run();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
