#include "services/gateway/balancer.h"
#include "services/gateway/circuitbreaker.h"
#include "services/gateway/ratelimiter.h"
#include "services/gateway/sharedratelimiter.h"

#include "redisserver.h"

#include <QCoroFuture>
#include <QCoroTask>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <vector>

using namespace Meshdeck;
using namespace Meshdeck::Gateway;
using Meshdeck::Testing::RedisServer;

namespace {

constexpr qint64 t0 = 1'800'000'000'000;

RateLimitPolicy perMinute(int requests)
{
    return RateLimitPolicy{requests, 60, LimitBy::Ip};
}

BreakerPolicy breakerPolicy(int failures = 5, int coolDownMs = 30'000, int halfOpenProbes = 1)
{
    return BreakerPolicy{failures, coolDownMs, halfOpenProbes};
}

Candidate candidate(const QString &id, int weight = 100, bool warning = false, int inFlight = 0)
{
    return Candidate{id, "10.0.0.1", 8080, weight, warning, inFlight};
}

// Opens the breaker of (route, instance) with `failures` failed requests at `nowMs`.
void trip(CircuitBreakers &breakers, const QString &route, const QString &instance,
          const BreakerPolicy &policy, qint64 nowMs)
{
    for (int i = 0; i < policy.failures; ++i) {
        BreakerTicket ticket = breakers.admit(route, instance, policy, nowMs);
        QVERIFY(ticket.allowed());
        ticket.fail(nowMs, QStringLiteral("HTTP 502"));
    }
}

// Timing for tests: reconnect quickly once Redis is back.
SharedRateLimiter::Timing fastTiming()
{
    SharedRateLimiter::Timing timing;
    timing.firstRetryMs = 50;
    timing.maxRetryMs = 300;
    timing.healthIntervalMs = 500;
    return timing;
}

std::unique_ptr<SharedRateLimiter> makeNode(const QUrl &url, const QString &id, const Clock &clock,
                                            SharedRateLimiter::Timing timing = fastTiming())
{
    auto node = std::make_unique<SharedRateLimiter>(
        url, id, [] { return 2; }, clock, timing);
    node->start();
    return node;
}

bool allFinished(const QList<QFuture<RateLimitDecision>> &futures)
{
    return std::all_of(futures.begin(), futures.end(), [](const auto &f) { return f.isFinished(); });
}

int allowedCount(const QList<QFuture<RateLimitDecision>> &futures)
{
    return int(
        std::count_if(futures.begin(), futures.end(), [](const auto &f) { return f.result().allowed; }));
}

// `perNode` requests from each node, interleaved, all in flight at once.
QList<QFuture<RateLimitDecision>> interleave(SharedRateLimiter &a, SharedRateLimiter &b, int perNode,
                                             const RateLimitPolicy &policy, QList<bool> *fromA = nullptr)
{
    QList<QFuture<RateLimitDecision>> futures;
    for (int i = 0; i < perNode; ++i) {
        futures.append(a.take("route-1", "key:k1", policy));
        futures.append(b.take("route-1", "key:k1", policy));
        if (fromA)
            *fromA << true << false;
    }
    return futures;
}

// What a gateway worker does: co_awaits its decisions on its own thread.
struct WorkerRun {
    std::atomic<bool> done{false};
    std::atomic<int> allowed{0};
    std::atomic<bool> resumedElsewhere{false};
};

QCoro::Task<> takeOnWorker(SharedRateLimiter *limiter, RateLimitPolicy policy, int count, WorkerRun *run)
{
    QThread *const self = QThread::currentThread();
    for (int i = 0; i < count; ++i) {
        const RateLimitDecision decision = co_await limiter->take("route-w", "ip:10.0.0.1", policy);
        if (QThread::currentThread() != self)
            run->resumedElsewhere = true;
        if (decision.allowed)
            ++run->allowed;
    }
    run->done = true;
}

} // namespace

class TestGatewayPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- rate limits -------------------------------------------------------------------------

    void aBucketAllowsExactlyItsRequestsThenRefusesWithHeaders()
    {
        RateLimiter limiter;
        const RateLimitPolicy policy = perMinute(1000);
        for (int i = 0; i < 1000; ++i) {
            const RateLimitDecision d = limiter.take("route-1", "ip:10.0.0.9", policy, t0);
            QVERIFY2(d.allowed, qPrintable(QStringLiteral("request %1 refused").arg(i + 1)));
            QCOMPARE(d.remaining, 999 - i);
            QCOMPARE(d.limit, 1000);
            if (i == 0) {
                const RateLimitHeaders h = rateLimitHeaders(d);
                QCOMPARE(h.policy, QByteArray("\"default\";q=1000;w=60"));
                QCOMPARE(h.rateLimit, QByteArray("\"default\";r=999;t=1")); // 60 ms until full again
                QVERIFY(h.retryAfter.isEmpty());
            }
        }
        const RateLimitDecision refused = limiter.take("route-1", "ip:10.0.0.9", policy, t0);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.remaining, 0);
        QCOMPARE(refused.retryAfterSeconds, 1); // one token is back in 60 ms
        QCOMPARE(refused.resetSeconds, 60);
        const RateLimitHeaders h = rateLimitHeaders(refused);
        QCOMPARE(h.policy, QByteArray("\"default\";q=1000;w=60"));
        QCOMPARE(h.rateLimit, QByteArray("\"default\";r=0;t=60"));
        QCOMPARE(h.retryAfter, QByteArray("1"));
    }

    void tokensComeBackContinuouslyAndExactly()
    {
        RateLimiter limiter;
        const RateLimitPolicy policy = perMinute(1000); // one token every 60 ms
        for (int i = 0; i < 1000; ++i)
            QVERIFY(limiter.take("r", "key:k", policy, t0).allowed);
        QVERIFY(!limiter.take("r", "key:k", policy, t0 + 59).allowed);
        QVERIFY(limiter.take("r", "key:k", policy, t0 + 60).allowed);
        QVERIFY(!limiter.take("r", "key:k", policy, t0 + 60).allowed);
        // 30 s later: exactly 500 tokens.
        int allowed = 0;
        while (limiter.take("r", "key:k", policy, t0 + 60 + 30'000).allowed)
            ++allowed;
        QCOMPARE(allowed, 500);
        // A full minute fills it, never beyond its capacity.
        allowed = 0;
        while (limiter.take("r", "key:k", policy, t0 + 60 + 30'000 + 3'600'000).allowed)
            ++allowed;
        QCOMPARE(allowed, 1000);
    }

    void retryAfterIsTheWaitForOneToken()
    {
        RateLimiter limiter;
        const RateLimitPolicy policy{10, 3600, LimitBy::Key}; // one token every 6 minutes
        for (int i = 0; i < 10; ++i)
            QVERIFY(limiter.take("r", "key:k", policy, t0).allowed);
        RateLimitDecision d = limiter.take("r", "key:k", policy, t0);
        QVERIFY(!d.allowed);
        QCOMPARE(d.retryAfterSeconds, 360);
        QCOMPARE(d.resetSeconds, 3600);
        d = limiter.take("r", "key:k", policy, t0 + 359'500);
        QVERIFY(!d.allowed);
        QCOMPARE(d.retryAfterSeconds, 1); // never 0 while refused
    }

    void routesAndConsumersHaveTheirOwnBuckets()
    {
        RateLimiter limiter;
        const RateLimitPolicy policy = perMinute(2);
        QVERIFY(limiter.take("a", "ip:1", policy, t0).allowed);
        QVERIFY(limiter.take("a", "ip:1", policy, t0).allowed);
        QVERIFY(!limiter.take("a", "ip:1", policy, t0).allowed);
        QVERIFY(limiter.take("a", "ip:2", policy, t0).allowed);
        QVERIFY(limiter.take("b", "ip:1", policy, t0).allowed);
        // The key is the pair, not a concatenation: ("a", "bc") and ("ab", "c") are two buckets.
        const RateLimitPolicy one = perMinute(1);
        QVERIFY(limiter.take("x", "yz", one, t0).allowed);
        QVERIFY(limiter.take("xy", "z", one, t0).allowed);
        QCOMPARE(limiter.size(), 5);
    }

    void aShareScalesTheBucket()
    {
        RateLimiter limiter;
        const RateLimitPolicy policy = perMinute(1000);
        int allowed = 0;
        RateLimitDecision last;
        while ((last = limiter.take("r", "ip:1", policy, t0, 1.0 / 3)).allowed)
            ++allowed;
        QCOMPARE(allowed, 333); // rounded down: three nodes never pass more than the limit
        QCOMPARE(last.limit, 333);
        QCOMPARE(rateLimitHeaders(last).policy, QByteArray("\"default\";q=333;w=60"));
        // It refills at its share of the rate too: 333 a minute, one every 180.18 ms.
        QVERIFY(!limiter.take("r", "ip:1", policy, t0 + 180, 1.0 / 3).allowed);
        QVERIFY(limiter.take("r", "ip:1", policy, t0 + 181, 1.0 / 3).allowed);

        // A bucket keeps its fill ratio when the share changes: half used stays half used.
        for (int i = 0; i < 500; ++i)
            QVERIFY(limiter.take("r", "ip:2", policy, t0).allowed);
        const RateLimitDecision halved = limiter.take("r", "ip:2", policy, t0, 0.5);
        QVERIFY(halved.allowed);
        QCOMPARE(halved.limit, 500);
        QCOMPARE(halved.remaining, 249);
        // A tiny share still allows one request.
        QVERIFY(limiter.take("r", "ip:3", perMinute(2), t0, 0.01).allowed);
        QVERIFY(!limiter.take("r", "ip:3", perMinute(2), t0, 0.01).allowed);
    }

    void aFloodOfDistinctClientsCannotGrowMemoryWithoutBound()
    {
        // A policy that refills slowly: every bucket of the flood is still draining when the cap
        // is reached, so the least recently used ones must go anyway.
        RateLimiter limiter(1000);
        const RateLimitPolicy slow{1, 86'400, LimitBy::Ip};
        int peak = 0;
        for (int i = 0; i < 50'000; ++i) {
            const QByteArray ip = "ip:10." + QByteArray::number(i / 65536) + '.' +
                                  QByteArray::number((i / 256) % 256) + '.' + QByteArray::number(i % 256);
            QVERIFY(limiter.take("r", ip, slow, t0).allowed);
            if (i % 1000 == 0)
                peak = std::max(peak, limiter.size());
        }
        peak = std::max(peak, limiter.size());
        QVERIFY2(peak <= 1000, qPrintable(QStringLiteral("%1 buckets").arg(peak)));
        QVERIFY(peak > 900); // the cap, not something smaller, is what held it
        QVERIFY(limiter.evictedDraining() > 0);
    }

    void fullBucketsAreEvictedBeforeDrainingOnes()
    {
        RateLimiter limiter(1000);
        const RateLimitPolicy policy = perMinute(1000); // a used token is back within 60 ms
        // A consumer that used its whole budget: its bucket must survive the flood.
        for (int i = 0; i < 1000; ++i)
            QVERIFY(limiter.take("r", "key:heavy", policy, t0).allowed);
        QVERIFY(!limiter.take("r", "key:heavy", policy, t0).allowed);
        // 20 000 distinct clients over 4 s: each bucket is full again 60 ms after its one request,
        // so about 300 are draining at any time, far below the cap (each of the 16 shards holds
        // 62; about 19 draining on average there).
        qint64 now = t0;
        for (int i = 0; i < 20'000; ++i) {
            if (i % 5 == 0)
                ++now;
            QVERIFY(limiter.take("r", "ip:" + QByteArray::number(i), policy, now).allowed);
            QVERIFY(limiter.size() <= 1000);
        }
        QCOMPARE(limiter.evictedDraining(), 0);
        // Still 56 s from being full again: the heavy consumer has about 66 tokens, not 1000.
        const RateLimitDecision heavy = limiter.take("r", "key:heavy", policy, now);
        QVERIFY(heavy.allowed);
        QVERIFY2(heavy.remaining < 100, qPrintable(QString::number(heavy.remaining)));
    }

    void sweepDropsFullBucketsOnly()
    {
        RateLimiter limiter;
        const RateLimitPolicy policy = perMinute(60); // a token a second
        QVERIFY(limiter.take("r", "ip:1", policy, t0).allowed);
        for (int i = 0; i < 30; ++i)
            QVERIFY(limiter.take("r", "ip:2", policy, t0).allowed);
        QCOMPARE(limiter.size(), 2);
        QCOMPARE(limiter.sweep(t0 + 999), 0);
        QCOMPARE(limiter.sweep(t0 + 1000), 1); // ip:1 is full again
        QCOMPARE(limiter.size(), 1);
        QCOMPARE(limiter.sweep(t0 + 30'000), 1);
        QCOMPARE(limiter.size(), 0);
    }

    void twoThreadsOnOneBucketPassExactlyItsRequests()
    {
        // A big bucket keeps both threads taking from it at once for a while (a small one would
        // be empty before the second thread got going); 300 000 tries for 200 000 tokens. A few
        // rounds, as two threads on a busy two-core machine overlap only part of the time.
        const RateLimitPolicy policy = perMinute(200'000);
        QList<QByteArray> others;
        for (int i = 0; i < 64; ++i)
            others.append("ip:" + QByteArray::number(i));
        for (int round = 0; round < 5; ++round) {
            RateLimiter limiter;
            std::atomic<int> allowed{0};
            std::atomic<int> ready{0};
            auto hammer = [&] {
                // Both threads running before either starts: they overlap instead of taking turns.
                ready.fetch_add(1);
                while (ready.load() < 2)
                    QThread::yieldCurrentThread();
                int mine = 0;
                for (int i = 0; i < 150'000; ++i) {
                    if (limiter.take("route", "ip:shared", policy, t0).allowed)
                        ++mine;
                    // Other buckets in the same and other shards at the same time.
                    if (i % 8 == 0)
                        limiter.take("route", others[i % 64], policy, t0);
                }
                allowed.fetch_add(mine);
            };
            std::unique_ptr<QThread> a(QThread::create(hammer));
            std::unique_ptr<QThread> b(QThread::create(hammer));
            a->start();
            b->start();
            QVERIFY(a->wait(120'000));
            QVERIFY(b->wait(120'000));
            QCOMPARE(allowed.load(), 200'000);
            QCOMPARE(limiter.take("route", "ip:shared", policy, t0).remaining, 0);
        }
    }

    void busiestIsTheConsumerWithTheFewestTokens()
    {
        RateLimiter limiter;
        QVERIFY(!limiter.busiest("r", t0).has_value());
        const RateLimitPolicy policy = perMinute(1000);
        for (int i = 0; i < 10; ++i)
            limiter.take("r", "key:a", policy, t0);
        for (int i = 0; i < 30; ++i)
            limiter.take("r", "key:b", policy, t0);
        for (int i = 0; i < 50; ++i)
            limiter.take("other", "key:c", policy, t0);
        const std::optional<BusiestConsumer> busiest = limiter.busiest("r", t0);
        QVERIFY(busiest.has_value());
        QCOMPARE(busiest->consumer, QByteArray("key:b"));
        QCOMPARE(busiest->remaining, 970);
        QCOMPARE(busiest->limit, 1000);
        const auto byRoute = limiter.busiestByRoute(t0);
        QCOMPARE(byRoute.size(), 2);
        QCOMPARE(byRoute.value("r").consumer, QByteArray("key:b"));
        QCOMPARE(byRoute.value("other").remaining, 950);
        limiter.forgetRoute("r");
        QVERIFY(!limiter.busiest("r", t0).has_value());
        QCOMPARE(limiter.size(), 1);
    }

    // --- circuit breakers --------------------------------------------------------------------

    void aBreakerOpensAfterConsecutiveFailuresAndProbesAfterTheCoolDown()
    {
        QList<BreakerTransition> seen;
        CircuitBreakers breakers([&seen](const BreakerTransition &t) { seen.append(t); });
        const BreakerPolicy policy = breakerPolicy(5, 30'000, 1);
        const QString route = QStringLiteral("route-1");
        const QString instance = QStringLiteral("inst-a");

        // A success in between starts the count again.
        for (int i = 0; i < 4; ++i)
            breakers.admit(route, instance, policy, t0).fail(t0, QStringLiteral("HTTP 503"));
        breakers.admit(route, instance, policy, t0).succeed(t0);
        for (int i = 0; i < 4; ++i)
            breakers.admit(route, instance, policy, t0).fail(t0, QStringLiteral("HTTP 503"));
        QCOMPARE(breakers.state(route, instance), BreakerState::Closed);
        QCOMPARE(breakers.snapshot(route, instance)->consecutiveFailures, 4);
        QVERIFY(seen.isEmpty());

        breakers.admit(route, instance, policy, t0 + 5).fail(t0 + 5, QStringLiteral("connection refused"));
        QCOMPARE(breakers.state(route, instance), BreakerState::Open);
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen[0].from, BreakerState::Closed);
        QCOMPARE(seen[0].to, BreakerState::Open);
        QCOMPARE(seen[0].routeId, route);
        QCOMPARE(seen[0].instanceId, instance);
        QCOMPARE(seen[0].atMs, t0 + 5);
        QVERIFY2(seen[0].reason.contains(QStringLiteral("connection refused")), qPrintable(seen[0].reason));
        QCOMPARE(breakers.snapshot(route, instance)->openedAtMs, std::optional<qint64>(t0 + 5));

        // Open: refused until the cool-down has passed, with the time left.
        BreakerTicket refused = breakers.admit(route, instance, policy, t0 + 10'005);
        QVERIFY(!refused.allowed());
        QCOMPARE(refused.state(), BreakerState::Open);
        QCOMPARE(refused.retryAfterMs(), 20'000);
        QVERIFY(!breakers.admit(route, instance, policy, t0 + 30'004).allowed());

        // Half-open: one probe at a time.
        BreakerTicket probe = breakers.admit(route, instance, policy, t0 + 30'005);
        QVERIFY(probe.allowed());
        QVERIFY(probe.probe());
        QCOMPARE(breakers.state(route, instance), BreakerState::HalfOpen);
        QCOMPARE(seen.size(), 2);
        QCOMPARE(seen[1].from, BreakerState::Open);
        QCOMPARE(seen[1].to, BreakerState::HalfOpen);
        QVERIFY(!breakers.admit(route, instance, policy, t0 + 30'006).allowed());

        probe.succeed(t0 + 30'050);
        QCOMPARE(breakers.state(route, instance), BreakerState::Closed);
        QCOMPARE(seen.size(), 3);
        QCOMPARE(seen[2].to, BreakerState::Closed);
        const BreakerSnapshot snapshot = *breakers.snapshot(route, instance);
        QCOMPARE(snapshot.consecutiveFailures, 0);
        QVERIFY(!snapshot.openedAtMs.has_value());
        QCOMPARE(snapshot.trips.size(), 3);
        QCOMPARE(snapshot.trips[1].reason, seen[1].reason);
        QVERIFY(breakers.admit(route, instance, policy, t0 + 30'051).allowed());
    }

    void aFailedProbeOpensTheBreakerAgain()
    {
        QList<BreakerTransition> seen;
        CircuitBreakers breakers([&seen](const BreakerTransition &t) { seen.append(t); });
        const BreakerPolicy policy = breakerPolicy(2, 1000, 1);
        trip(breakers, QStringLiteral("r"), QStringLiteral("i"), policy, t0);
        BreakerTicket probe = breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 1000);
        QVERIFY(probe.probe());
        probe.fail(t0 + 1100, QStringLiteral("timeout after 5000 ms"));
        QCOMPARE(breakers.state(QStringLiteral("r"), QStringLiteral("i")), BreakerState::Open);
        QCOMPARE(seen.size(), 3);
        QCOMPARE(seen[2].from, BreakerState::HalfOpen);
        QCOMPARE(seen[2].to, BreakerState::Open);
        QVERIFY(seen[2].reason.contains(QStringLiteral("timeout")));
        // The cool-down starts again from the failed probe.
        QCOMPARE(breakers.snapshot(QStringLiteral("r"), QStringLiteral("i"))->openedAtMs,
                 std::optional<qint64>(t0 + 1100));
        QVERIFY(!breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 2099).allowed());
        QVERIFY(breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 2100).probe());
    }

    void halfOpenAdmitsAtMostItsProbesAndClosesWhenAllSucceeded()
    {
        CircuitBreakers breakers;
        const BreakerPolicy policy = breakerPolicy(1, 100, 3);
        trip(breakers, QStringLiteral("r"), QStringLiteral("i"), policy, t0);
        std::vector<BreakerTicket> probes;
        for (int i = 0; i < 3; ++i) {
            probes.push_back(breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 100));
            QVERIFY(probes.back().probe());
        }
        QVERIFY(!breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 100).allowed());
        QCOMPARE(breakers.snapshot(QStringLiteral("r"), QStringLiteral("i"))->probesInFlight, 3);
        probes[0].succeed(t0 + 110);
        probes[1].succeed(t0 + 120);
        QCOMPARE(breakers.state(QStringLiteral("r"), QStringLiteral("i")), BreakerState::HalfOpen);
        // A slot freed by a finished probe takes a new one; still at most 3 in flight.
        BreakerTicket fourth = breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 121);
        QVERIFY(fourth.probe());
        probes[2].succeed(t0 + 130);
        QCOMPARE(breakers.state(QStringLiteral("r"), QStringLiteral("i")), BreakerState::Closed);
        // The fourth probe's late answer belongs to the half-open period: it changes nothing now.
        fourth.fail(t0 + 140, QStringLiteral("HTTP 500"));
        QCOMPARE(breakers.state(QStringLiteral("r"), QStringLiteral("i")), BreakerState::Closed);
        QCOMPARE(breakers.snapshot(QStringLiteral("r"), QStringLiteral("i"))->consecutiveFailures, 0);
    }

    void anAbandonedProbeFreesItsSlot()
    {
        CircuitBreakers breakers;
        const BreakerPolicy policy = breakerPolicy(1, 100, 1);
        trip(breakers, QStringLiteral("r"), QStringLiteral("i"), policy, t0);
        {
            BreakerTicket probe = breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 100);
            QVERIFY(probe.probe());
            // While the probe is out, nothing else goes: this is what would last forever if the
            // vanished client's probe kept its slot.
            QVERIFY(!breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 200).allowed());
        } // the client vanished: the ticket is destroyed without an outcome
        QCOMPARE(breakers.state(QStringLiteral("r"), QStringLiteral("i")), BreakerState::HalfOpen);
        BreakerTicket next = breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 300);
        QVERIFY(next.probe());
        next.abandon(t0 + 301); // explicitly
        BreakerTicket moved = breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 302);
        QVERIFY(moved.probe());
        BreakerTicket target = std::move(moved); // a move hands the obligation over, once
        QVERIFY(!breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 303).allowed());
        target.succeed(t0 + 304);
        QCOMPARE(breakers.state(QStringLiteral("r"), QStringLiteral("i")), BreakerState::Closed);
    }

    void anAnswerFromBeforeATransitionDoesNotCount()
    {
        CircuitBreakers breakers;
        const QString r = QStringLiteral("r");
        const QString i = QStringLiteral("i");
        const BreakerPolicy policy = breakerPolicy(2, 100, 1);
        BreakerTicket slowSuccess = breakers.admit(r, i, policy, t0);
        BreakerTicket slowFailure = breakers.admit(r, i, policy, t0);
        trip(breakers, r, i, policy, t0 + 1);
        BreakerTicket probe = breakers.admit(r, i, policy, t0 + 101);
        QVERIFY(probe.probe());
        // Requests sent while closed answer now: they prove nothing about the half-open instance.
        slowSuccess.succeed(t0 + 102);
        slowFailure.fail(t0 + 102, QStringLiteral("HTTP 500"));
        QCOMPARE(breakers.state(r, i), BreakerState::HalfOpen);
        QCOMPARE(breakers.snapshot(r, i)->probesInFlight, 1);

        // A probe of an earlier half-open period (the breaker was reset and tripped since) does
        // not complete the current one.
        QVERIFY(breakers.reset(r, i, QStringLiteral("alice"), t0 + 103).has_value());
        trip(breakers, r, i, policy, t0 + 104);
        BreakerTicket current = breakers.admit(r, i, policy, t0 + 204);
        QVERIFY(current.probe());
        probe.succeed(t0 + 205);
        QCOMPARE(breakers.state(r, i), BreakerState::HalfOpen);
        QCOMPARE(breakers.snapshot(r, i)->probesInFlight, 1);
        current.succeed(t0 + 206);
        QCOMPARE(breakers.state(r, i), BreakerState::Closed);
    }

    void recordWithoutATicketCountsAgainstTheCurrentState()
    {
        CircuitBreakers breakers;
        const BreakerPolicy policy = breakerPolicy(2, 100, 1);
        breakers.record(QStringLiteral("r"), QStringLiteral("unknown"), false, t0, QStringLiteral("refused"));
        QVERIFY(!breakers.state(QStringLiteral("r"), QStringLiteral("unknown")).has_value());
        breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0).succeed(t0);
        breakers.record(QStringLiteral("r"), QStringLiteral("i"), false, t0,
                        QStringLiteral("connection refused"));
        breakers.record(QStringLiteral("r"), QStringLiteral("i"), false, t0,
                        QStringLiteral("connection refused"));
        QCOMPARE(breakers.state(QStringLiteral("r"), QStringLiteral("i")), BreakerState::Open);
    }

    void resetClosesTheBreakerAndSaysWho()
    {
        QList<BreakerTransition> seen;
        CircuitBreakers breakers([&seen](const BreakerTransition &t) { seen.append(t); });
        const BreakerPolicy policy = breakerPolicy(1, 60'000, 1);
        QVERIFY(!breakers.reset(QStringLiteral("r"), QStringLiteral("i"), QStringLiteral("alice"), t0)
                     .has_value());
        trip(breakers, QStringLiteral("r"), QStringLiteral("i"), policy, t0);
        const std::optional<BreakerSnapshot> after =
            breakers.reset(QStringLiteral("r"), QStringLiteral("i"), QStringLiteral("alice"), t0 + 10);
        QVERIFY(after.has_value());
        QCOMPARE(after->state, BreakerState::Closed);
        QCOMPARE(after->consecutiveFailures, 0);
        QCOMPARE(seen.size(), 2);
        QCOMPARE(seen[1].from, BreakerState::Open);
        QCOMPARE(seen[1].to, BreakerState::Closed);
        QCOMPARE(seen[1].reason, QStringLiteral("reset by alice"));
        QVERIFY(breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, t0 + 11).allowed());
        QCOMPARE(breakerStateName(BreakerState::HalfOpen), QStringLiteral("half_open"));
    }

    void theTripHistoryKeepsTheLastTwenty()
    {
        CircuitBreakers breakers;
        const BreakerPolicy policy = breakerPolicy(1, 100, 1);
        qint64 now = t0;
        for (int i = 0; i < 15; ++i) { // 15 × (open, half-open, closed) = 45 transitions
            trip(breakers, QStringLiteral("r"), QStringLiteral("i"), policy, now);
            now += 100;
            breakers.admit(QStringLiteral("r"), QStringLiteral("i"), policy, now).succeed(now);
            ++now;
        }
        const BreakerSnapshot snapshot = *breakers.snapshot(QStringLiteral("r"), QStringLiteral("i"));
        QCOMPARE(snapshot.trips.size(), 20);
        QCOMPARE(snapshot.trips.last().to, BreakerState::Closed);
        QVERIFY(snapshot.trips.first().atMs < snapshot.trips.last().atMs);
    }

    void theTransitionCallbackRunsOutsideTheLock()
    {
        // The callback reads the breakers: with the shard's mutex still held it would deadlock.
        CircuitBreakers *self = nullptr;
        QList<BreakerSnapshot> seenInside;
        CircuitBreakers breakers([&](const BreakerTransition &) { seenInside = self->snapshot(); });
        self = &breakers;
        trip(breakers, QStringLiteral("r"), QStringLiteral("i"), breakerPolicy(1, 100, 1), t0);
        QCOMPARE(seenInside.size(), 1);
        QCOMPARE(seenInside[0].state, BreakerState::Open);
    }

    void snapshotListsEveryBreakerSorted()
    {
        CircuitBreakers breakers;
        const BreakerPolicy policy = breakerPolicy();
        breakers.admit(QStringLiteral("r2"), QStringLiteral("b"), policy, t0).succeed(t0);
        breakers.admit(QStringLiteral("r1"), QStringLiteral("b"), policy, t0).succeed(t0);
        breakers.admit(QStringLiteral("r1"), QStringLiteral("a"), policy, t0).succeed(t0);
        const QList<BreakerSnapshot> all = breakers.snapshot();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[0].routeId + all[0].instanceId, QStringLiteral("r1a"));
        QCOMPARE(all[1].routeId + all[1].instanceId, QStringLiteral("r1b"));
        QCOMPARE(all[2].routeId + all[2].instanceId, QStringLiteral("r2b"));
        breakers.forgetRoute(QStringLiteral("r1"));
        QCOMPARE(breakers.snapshot().size(), 1);
        breakers.forget(QStringLiteral("r2"), QStringLiteral("b"));
        QVERIFY(breakers.snapshot().isEmpty());
    }

    // An instance deregistered and registered again under the same id gets a fresh breaker: the
    // answers of requests admitted before count for nothing there (they used to, when the new
    // breaker happened to be in the same period as the old one).
    void outcomesAdmittedBeforeAForgetCountForNothing()
    {
        CircuitBreakers breakers;
        const BreakerPolicy policy = breakerPolicy(2, 30'000, 1);
        const QString route = QStringLiteral("r");
        const QString instance = QStringLiteral("i");
        BreakerTicket early1 = breakers.admit(route, instance, policy, t0);
        BreakerTicket early2 = breakers.admit(route, instance, policy, t0);
        QVERIFY(early1.allowed() && early2.allowed());
        breakers.forget(route, instance);
        QVERIFY(!breakers.state(route, instance).has_value());
        QVERIFY(breakers.admit(route, instance, policy, t0 + 1).allowed()); // the new breaker
        early1.fail(t0 + 2, QStringLiteral("HTTP 502"));
        early2.fail(t0 + 3, QStringLiteral("HTTP 502"));
        QCOMPARE(breakers.state(route, instance), BreakerState::Closed);
        QCOMPARE(breakers.snapshot(route, instance)->consecutiveFailures, 0);
        // Its own requests' answers count as before.
        breakers.admit(route, instance, policy, t0 + 4).fail(t0 + 4, QStringLiteral("HTTP 502"));
        breakers.admit(route, instance, policy, t0 + 5).fail(t0 + 5, QStringLiteral("HTTP 502"));
        QCOMPARE(breakers.state(route, instance), BreakerState::Open);
        // Forgetting the route drops the breaker a ticket in flight still holds; its outcome is ignored.
        breakers.reset(route, instance, QStringLiteral("test"), t0 + 6);
        BreakerTicket inFlight = breakers.admit(route, instance, policy, t0 + 7);
        breakers.forgetRoute(route);
        inFlight.fail(t0 + 8, QStringLiteral("HTTP 502"));
        QVERIFY(!breakers.state(route, instance).has_value());
    }

    // The event-loop threads share one breaker per route and instance. Healthy traffic from all of
    // them leaves it closed and counting nothing (it is admitted and succeeds without the lock);
    // failures from all of them open it once, after which each thread is refused; a success on one
    // thread between failures on others starts the count again as it would on one thread.
    void breakersAcrossThreads()
    {
        std::mutex seenMutex;
        QList<BreakerTransition> seen;
        CircuitBreakers breakers([&](const BreakerTransition &t) {
            const std::lock_guard lock(seenMutex);
            seen.append(t);
        });
        const QString route = QStringLiteral("r");
        const QString instance = QStringLiteral("i");
        const BreakerPolicy policy = breakerPolicy(40, 60'000, 1);
        constexpr int Threads = 4;
        const auto onThreads = [](const std::function<void(int)> &work) {
            std::vector<std::thread> threads;
            for (int t = 0; t < Threads; ++t)
                threads.emplace_back(work, t);
            for (std::thread &thread : threads)
                thread.join();
        };

        std::atomic<int> refusedWhileHealthy{0};
        onThreads([&](int) {
            for (int i = 0; i < 5000; ++i) {
                BreakerTicket ticket = breakers.admit(route, instance, policy, t0);
                if (!ticket.allowed())
                    refusedWhileHealthy.fetch_add(1);
                ticket.succeed(t0);
            }
        });
        QCOMPARE(refusedWhileHealthy.load(), 0);
        QCOMPARE(breakers.state(route, instance), BreakerState::Closed);
        QCOMPARE(breakers.snapshot(route, instance)->consecutiveFailures, 0);
        QVERIFY(seen.isEmpty());

        // Failures on every thread, 9 each: 36 in a row, under the threshold of 40.
        onThreads([&](int) {
            for (int i = 0; i < 9; ++i)
                breakers.admit(route, instance, policy, t0).fail(t0, QStringLiteral("HTTP 502"));
        });
        QCOMPARE(breakers.snapshot(route, instance)->consecutiveFailures, 36);
        // One success (on another thread than the failures' last) starts the count again.
        std::thread([&] { breakers.admit(route, instance, policy, t0).succeed(t0); }).join();
        QCOMPARE(breakers.snapshot(route, instance)->consecutiveFailures, 0);

        // Then 25 failures on each thread: the 40th opens it, once; the rest are refused or, if
        // admitted before it opened, count for nothing.
        std::atomic<int> admitted{0};
        onThreads([&](int) {
            for (int i = 0; i < 25; ++i) {
                BreakerTicket ticket = breakers.admit(route, instance, policy, t0 + 1);
                if (ticket.allowed()) {
                    admitted.fetch_add(1);
                    ticket.fail(t0 + 1, QStringLiteral("HTTP 502"));
                }
            }
        });
        QCOMPARE(breakers.state(route, instance), BreakerState::Open);
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen[0].to, BreakerState::Open);
        QVERIFY2(admitted.load() >= 40 && admitted.load() < 40 + Threads,
                 qPrintable(QString::number(admitted.load()))); // at most one in flight per thread
        std::atomic<int> refusedWhileOpen{0};
        onThreads([&](int) {
            if (!breakers.admit(route, instance, policy, t0 + 2).allowed())
                refusedWhileOpen.fetch_add(1);
        });
        QCOMPARE(refusedWhileOpen.load(), Threads);
    }

    // A thread remembers the breakers it admitted to lately, by owner: two sets of breakers (and
    // one made where a destroyed one was) never share a breaker for the same ids.
    void breakersOfDifferentOwnersStaySeparate()
    {
        const QString route = QStringLiteral("r");
        const QString instance = QStringLiteral("i");
        const BreakerPolicy policy = breakerPolicy(1, 60'000, 1);
        CircuitBreakers other;
        trip(other, route, instance, policy, t0);
        QVERIFY(!other.admit(route, instance, policy, t0 + 1).allowed());
        // One made in the very place of a destroyed one, whose open breaker the thread admitted to
        // last (so it is what the thread remembers for these ids).
        alignas(CircuitBreakers) unsigned char storage[sizeof(CircuitBreakers)];
        auto *place = new (storage) CircuitBreakers;
        QVERIFY(place->admit(route, instance, policy, t0).allowed());
        QCOMPARE(place->state(route, instance), BreakerState::Closed);
        trip(*place, route, instance, policy, t0);
        QVERIFY(!place->admit(route, instance, policy, t0 + 1).allowed());
        place->~CircuitBreakers();
        place = new (storage) CircuitBreakers;
        const bool admitted = place->admit(route, instance, policy, t0 + 2).allowed();
        const std::optional<BreakerState> state = place->state(route, instance);
        place->~CircuitBreakers();
        QVERIFY(admitted);
        QCOMPARE(state, BreakerState::Closed);
        QVERIFY(!other.admit(route, instance, policy, t0 + 2).allowed());
    }

    // The gateway hands the breakers its clock: the trip history has the times of the outcomes
    // that moved a breaker, read when they came, and a healthy upstream's requests read no clock.
    void breakersReadTheClockWhenTheyChange()
    {
        struct CountingClock final : Clock {
            mutable std::atomic<int> reads{0};
            std::atomic<qint64> now{t0};
            qint64 nowMs() const override
            {
                reads.fetch_add(1);
                return now.load();
            }
        } clock;
        QList<BreakerTransition> seen;
        CircuitBreakers breakers([&seen](const BreakerTransition &t) { seen.append(t); });
        const BreakerPolicy policy = breakerPolicy(2, 1000, 1);
        const QString route = QStringLiteral("r");
        const QString instance = QStringLiteral("i");

        breakers.admit(route, instance, policy, clock).record(true, clock, {}); // finds the breaker
        const int afterFirst = clock.reads.load();
        for (int i = 0; i < 10; ++i) {
            breakers.admit(route, instance, policy, clock).record(true, clock, {});
            BreakerTicket dropped = breakers.admit(route, instance, policy, clock);
            dropped.abandon(clock);
        }
        QCOMPARE(clock.reads.load(), afterFirst);

        clock.now = t0 + 10;
        breakers.admit(route, instance, policy, clock).record(false, clock, QStringLiteral("HTTP 502"));
        clock.now = t0 + 20;
        breakers.admit(route, instance, policy, clock).record(false, clock, QStringLiteral("HTTP 503"));
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen[0].to, BreakerState::Open);
        QCOMPARE(seen[0].atMs, t0 + 20);
        QCOMPARE(breakers.snapshot(route, instance)->openedAtMs, std::optional<qint64>(t0 + 20));

        clock.now = t0 + 500;
        BreakerTicket refused = breakers.admit(route, instance, policy, clock);
        QVERIFY(!refused.allowed());
        QCOMPARE(refused.retryAfterMs(), 520);
        clock.now = t0 + 1020;
        BreakerTicket probe = breakers.admit(route, instance, policy, clock);
        QVERIFY(probe.probe());
        QCOMPARE(seen.size(), 2);
        QCOMPARE(seen[1].atMs, t0 + 1020);
        clock.now = t0 + 1100;
        probe.record(true, clock, {});
        QCOMPARE(seen.size(), 3);
        QCOMPARE(seen[2].to, BreakerState::Closed);
        QCOMPARE(seen[2].atMs, t0 + 1100);
    }

    // --- load balancing ----------------------------------------------------------------------

    void roundRobinTakesEachInTurn()
    {
        RouteBalancer balancer;
        const std::vector<Candidate> candidates{
            candidate(QStringLiteral("a")), candidate(QStringLiteral("b")), candidate(QStringLiteral("c"))};
        int counts[3] = {};
        for (int i = 0; i < 300; ++i) {
            const int picked = balancer.pick(Balancer::RoundRobin, candidates);
            QCOMPARE(picked, i % 3);
            ++counts[picked];
        }
        QCOMPARE(counts[0], 100);
        QCOMPARE(counts[1], 100);
        QCOMPARE(counts[2], 100);
    }

    void weightedFollowsTheWeightsSmoothly()
    {
        RouteBalancer balancer;
        const std::vector<Candidate> candidates{candidate(QStringLiteral("a"), 300),
                                                candidate(QStringLiteral("b"), 100)};
        QList<int> picks;
        for (int i = 0; i < 400; ++i)
            picks.append(balancer.pick(Balancer::Weighted, candidates));
        QCOMPARE(picks.count(0), 300);
        QCOMPARE(picks.count(1), 100);
        // Interleaved, not 300 a's then 100 b's: every 4 consecutive picks hold exactly one b.
        for (int i = 0; i + 4 <= picks.size(); ++i)
            QCOMPARE(picks.mid(i, 4).count(1), 1);
        QCOMPARE(picks.mid(0, 4), (QList<int>{0, 0, 1, 0})); // nginx's order for 3:1

        // Weight 0 takes nothing while another has weight.
        RouteBalancer zero;
        const std::vector<Candidate> withZero{candidate(QStringLiteral("a"), 0),
                                              candidate(QStringLiteral("b"), 5)};
        for (int i = 0; i < 20; ++i)
            QCOMPARE(zero.pick(Balancer::Weighted, withZero), 1);
    }

    void weightedKeepsScoresWhenTheListChanges()
    {
        RouteBalancer balancer;
        std::vector<Candidate> candidates{candidate(QStringLiteral("a"), 1),
                                          candidate(QStringLiteral("b"), 1)};
        QCOMPARE(balancer.pick(Balancer::Weighted, candidates), 0);
        // A new instance joins at the front: "b" keeps its turn, it does not start over.
        candidates.insert(candidates.begin(), candidate(QStringLiteral("c"), 1));
        int counts[3] = {};
        for (int i = 0; i < 300; ++i)
            ++counts[balancer.pick(Balancer::Weighted, candidates)];
        QVERIFY(counts[0] >= 99 && counts[0] <= 101);
        QVERIFY(counts[1] >= 99 && counts[1] <= 101);
        QVERIFY(counts[2] >= 99 && counts[2] <= 101);
    }

    void leastOutstandingPrefersTheLeastLoaded()
    {
        RouteBalancer balancer;
        const std::vector<Candidate> candidates{candidate(QStringLiteral("a"), 100, false, 5),
                                                candidate(QStringLiteral("b"), 100, false, 1),
                                                candidate(QStringLiteral("c"), 100, false, 3)};
        for (int i = 0; i < 50; ++i)
            QCOMPARE(balancer.pick(Balancer::LeastOutstanding, candidates), 1);

        // Ties are broken at random: both tied ones are chosen, the busier one never.
        const std::vector<Candidate> tied{candidate(QStringLiteral("a"), 100, false, 2),
                                          candidate(QStringLiteral("b"), 100, false, 2),
                                          candidate(QStringLiteral("c"), 100, false, 7)};
        int counts[3] = {};
        for (int i = 0; i < 400; ++i)
            ++counts[balancer.pick(Balancer::LeastOutstanding, tied)];
        QCOMPARE(counts[2], 0);
        QVERIFY2(counts[0] > 100 && counts[1] > 100,
                 qPrintable(QStringLiteral("%1/%2").arg(counts[0]).arg(counts[1])));
    }

    void leastOutstandingReadsTheLiveInFlightCounts()
    {
        InFlight inFlight;
        RouteBalancer balancer;
        const std::vector<Candidate> candidates{candidate(QStringLiteral("a")),
                                                candidate(QStringLiteral("b"))};
        InFlight::Guard first = inFlight.acquire(QStringLiteral("a"));
        InFlight::Guard second = inFlight.acquire(QStringLiteral("a"));
        QCOMPARE(inFlight.count(QStringLiteral("a")), 2);
        QCOMPARE(balancer.pick(Balancer::LeastOutstanding, candidates, {}, &inFlight), 1);
        std::vector<InFlight::Guard> onB;
        for (int i = 0; i < 3; ++i)
            onB.push_back(inFlight.acquire(QStringLiteral("b")));
        QCOMPARE(balancer.pick(Balancer::LeastOutstanding, candidates, {}, &inFlight), 0);
        QCOMPARE(inFlight.total(), 5);
        first.release();
        QCOMPARE(inFlight.count(QStringLiteral("a")), 1);
        {
            InFlight::Guard moved = std::move(second);
            QCOMPARE(inFlight.count(QStringLiteral("a")), 1); // a move counts once
        }
        QCOMPARE(inFlight.count(QStringLiteral("a")), 0); // a drain polling "a" completes now
        onB.clear();
        QCOMPARE(inFlight.count(QStringLiteral("b")), 0);
        QCOMPARE(inFlight.total(), 0);
        QCOMPARE(inFlight.count(QStringLiteral("never-seen")), 0);
    }

    // Each thread counts in a slot of its own (so two event loops never write one cache line);
    // the count read anywhere is the sum, also for a guard taken on one thread and released on
    // another (a streamed answer's end), and for more threads than there are slots.
    void inFlightCountsAcrossThreads()
    {
        InFlight inFlight;
        const QString id = QStringLiteral("shared");
        constexpr int Threads = int(ThreadShards) + 4;
        std::vector<std::vector<InFlight::Guard>> held(Threads);
        std::vector<std::thread> threads;
        std::atomic<int> ready{0};
        std::atomic<bool> release{false};
        for (int t = 0; t < Threads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 1000; ++i)
                    inFlight.acquire(id).release();
                for (int i = 0; i < 3; ++i)
                    held[size_t(t)].push_back(inFlight.acquire(id));
                ready.fetch_add(1);
                while (!release.load())
                    std::this_thread::yield();
                // Half the threads release what another thread took.
                if (t % 2 == 0)
                    held[size_t(t)].clear();
            });
        }
        while (ready.load() < Threads)
            std::this_thread::yield();
        QCOMPARE(inFlight.count(id), 3 * Threads);
        QCOMPARE(inFlight.drainCount(id), 3 * Threads);
        release.store(true);
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(inFlight.count(id), 3 * (Threads / 2));
        QCOMPARE(inFlight.drainCount(id), 3 * (Threads / 2));
        std::vector<std::thread> releasers;
        for (int t = 1; t < Threads; t += 2)
            releasers.emplace_back([&held, t] { held[size_t(t)].clear(); });
        for (std::thread &thread : releasers)
            thread.join();
        QCOMPARE(inFlight.count(id), 0);
        QCOMPARE(inFlight.drainCount(id), 0);
        QCOMPARE(inFlight.total(), 0);
    }

    // A thread remembers the counters it used lately, by owner: two counts for the same ids (and
    // one made where a destroyed one was) stay apart.
    void inFlightCountsOfDifferentOwnersStaySeparate()
    {
        const QString id = QStringLiteral("a");
        InFlight other;
        InFlight::Guard held = other.acquire(id);
        // One made in the very place of a destroyed one, whose counter the thread used last.
        alignas(InFlight) unsigned char storage[sizeof(InFlight)];
        auto *place = new (storage) InFlight;
        place->acquire(id).release();
        const int before = place->count(id);
        place->~InFlight();
        place = new (storage) InFlight;
        InFlight::Guard fresh = place->acquire(id);
        const int during = place->count(id);
        fresh.release();
        const int after = place->count(id);
        place->~InFlight();
        QCOMPARE(before, 0);
        QCOMPARE(during, 1);
        QCOMPARE(after, 0);
        QCOMPARE(other.count(id), 1);
    }

    void warningInstancesOnlyWhenNoPassingOneIsLeft()
    {
        const std::vector<Candidate> candidates{candidate(QStringLiteral("w1"), 100, true),
                                                candidate(QStringLiteral("p"), 100, false),
                                                candidate(QStringLiteral("w2"), 100, true, 0)};
        const QString tried[] = {QStringLiteral("p")};
        const QString all[] = {QStringLiteral("p"), QStringLiteral("w1"), QStringLiteral("w2")};
        for (const Balancer kind : {Balancer::RoundRobin, Balancer::Weighted, Balancer::LeastOutstanding}) {
            RouteBalancer balancer;
            for (int i = 0; i < 20; ++i)
                QCOMPARE(balancer.pick(kind, candidates), 1);
            QSet<int> fallback;
            for (int i = 0; i < 40; ++i)
                fallback.insert(balancer.pick(kind, candidates, tried));
            QCOMPARE(fallback, (QSet<int>{0, 2}));
            QCOMPARE(balancer.pick(kind, candidates, all), -1);
            QCOMPARE(balancer.pick(kind, {}), -1);
        }
    }

    void excludedInstancesAreNeverPicked()
    {
        const std::vector<Candidate> candidates{candidate(QStringLiteral("a"), 1),
                                                candidate(QStringLiteral("b"), 3),
                                                candidate(QStringLiteral("c"), 1)};
        const QString tried[] = {QStringLiteral("b")};
        for (const Balancer kind : {Balancer::RoundRobin, Balancer::Weighted, Balancer::LeastOutstanding}) {
            RouteBalancer balancer;
            QSet<int> picked;
            for (int i = 0; i < 60; ++i)
                picked.insert(balancer.pick(kind, candidates, tried));
            QCOMPARE(picked, (QSet<int>{0, 2}));
        }
    }
    // --- rate limits shared through Redis ------------------------------------------------------

    void twoNodesOnOneRedisShareOneBudgetExactly()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        // The nodes' clocks are an hour apart: were bucket time taken from them, every request of
        // the node ahead would find the bucket refilled by the other's. Redis's TIME is the one clock.
        ManualClock clockA(t0);
        ManualClock clockB(t0 + 3'600'000);
        auto a = makeNode(redis.url(), QStringLiteral("node-a"), clockA);
        auto b = makeNode(redis.url(), QStringLiteral("node-b"), clockB);
        QTRY_COMPARE(a->mode(), SharedRateLimiter::Mode::Shared);
        QTRY_COMPARE(b->mode(), SharedRateLimiter::Mode::Shared);
        QCOMPARE(a->status().value(QStringLiteral("mode")).toString(), QStringLiteral("shared"));

        // One token every 36 s: no refill can blur the count while the test runs.
        const RateLimitPolicy policy{100, 3600, LimitBy::Key};
        QList<bool> fromA;
        const QList<QFuture<RateLimitDecision>> futures = interleave(*a, *b, 60, policy, &fromA);
        QTRY_VERIFY(allFinished(futures));
        QCOMPARE(allowedCount(futures), 100);
        int allowedA = 0;
        QList<int> remaining;
        for (qsizetype i = 0; i < futures.size(); ++i) {
            const RateLimitDecision d = futures[i].result();
            QCOMPARE(d.limit, 100);
            QCOMPARE(d.windowSeconds, 3600);
            if (d.allowed) {
                allowedA += fromA[i] ? 1 : 0;
                remaining.append(d.remaining);
            }
        }
        // Each node sent 60, so each had at least 40 of the budget (Redis may run one connection's
        // pipeline before the other's); and the takes were atomic: every count from 99 down to 0
        // was seen exactly once across the two nodes.
        QVERIFY2(allowedA >= 40 && allowedA <= 60, qPrintable(QString::number(allowedA)));
        std::sort(remaining.begin(), remaining.end());
        for (int i = 0; i < 100; ++i)
            QCOMPARE(remaining[i], i);
        const RateLimitDecision last = futures.last().result();
        QVERIFY(!last.allowed);
        QCOMPARE(last.remaining, 0);
        QVERIFY(last.retryAfterSeconds >= 1 && last.retryAfterSeconds <= 36);
        QCOMPARE(rateLimitHeaders(last).policy, QByteArray("\"default\";q=100;w=3600"));
        QCOMPARE(a->fallbacks() + b->fallbacks(), 0); // every answer came from Redis
        // The local buckets were never used: they would have allowed 50 on each node.
        QCOMPARE(a->local().size() + b->local().size(), 0);
    }

    void aWorkerThreadCoAwaitsItsDecision()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        auto limiter = makeNode(redis.url(), QStringLiteral("node-a"), Clock::system());
        QTRY_COMPARE(limiter->mode(), SharedRateLimiter::Mode::Shared);
        std::unique_ptr<QThread> worker(new QThread);
        worker->start();
        QObject context;
        context.moveToThread(worker.get());
        WorkerRun run;
        const RateLimitPolicy policy{5, 3600, LimitBy::Ip};
        SharedRateLimiter *raw = limiter.get();
        QMetaObject::invokeMethod(&context, [raw, policy, &run] { takeOnWorker(raw, policy, 8, &run); });
        QTRY_VERIFY(run.done.load());
        QCOMPARE(run.allowed.load(), 5);
        QVERIFY(!run.resumedElsewhere.load());
        QCOMPARE(limiter->fallbacks(), 0);
        worker->quit();
        QVERIFY(worker->wait(10'000));
    }

    void withoutRedisEachNodeEnforcesItsShareAndSharesAgainWhenRedisIsBack()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        ManualClock clock(t0);
        auto a = makeNode(redis.url(), QStringLiteral("node-a"), clock);
        auto b = makeNode(redis.url(), QStringLiteral("node-b"), clock);
        QTRY_COMPARE(a->mode(), SharedRateLimiter::Mode::Shared);
        QTRY_COMPARE(b->mode(), SharedRateLimiter::Mode::Shared);
        QSignalSpy aMode(a.get(), &SharedRateLimiter::modeChanged);
        const RateLimitPolicy policy{100, 3600, LimitBy::Key};

        redis.kill();
        QTRY_COMPARE(a->mode(), SharedRateLimiter::Mode::LocalShare);
        QTRY_COMPARE(b->mode(), SharedRateLimiter::Mode::LocalShare);
        QVERIFY(aMode.size() >= 1);
        const QJsonObject status = a->status();
        QCOMPARE(status.value(QStringLiteral("mode")).toString(), QStringLiteral("local-share"));
        QVERIFY2(status.value(QStringLiteral("reason")).toString().contains(QStringLiteral("unavailable")),
                 qPrintable(status.value(QStringLiteral("reason")).toString()));
        QCOMPARE(status.value(QStringLiteral("share")).toDouble(), 0.5);

        // Each of the 2 serving nodes allows half: 50 + 50, answered at once.
        QList<bool> fromA;
        const QList<QFuture<RateLimitDecision>> local = interleave(*a, *b, 60, policy, &fromA);
        QVERIFY(allFinished(local));
        QCOMPARE(allowedCount(local), 100);
        QCOMPARE(local.first().result().limit, 50);
        QCOMPARE(rateLimitHeaders(local.last().result()).policy, QByteArray("\"default\";q=50;w=3600"));
        QCOMPARE(a->local().size(), 1);

        QVERIFY2(redis.start(), redis.output().constData());
        QTRY_COMPARE_WITH_TIMEOUT(a->mode(), SharedRateLimiter::Mode::Shared, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(b->mode(), SharedRateLimiter::Mode::Shared, 10'000);
        QCOMPARE(a->status().value(QStringLiteral("mode")).toString(), QStringLiteral("shared"));
        QVERIFY(!a->status().contains(QStringLiteral("share")));
        // Shared again: the (restarted, empty) Redis holds one budget of 100 for both.
        const QList<QFuture<RateLimitDecision>> shared = interleave(*a, *b, 60, policy);
        QTRY_VERIFY(allFinished(shared));
        QCOMPARE(allowedCount(shared), 100);
        QCOMPARE(shared.first().result().limit, 100);
    }

    void aLateReplyIsAnsweredLocally()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        SharedRateLimiter::Timing timing = fastTiming();
        timing.replyTimeoutMs = 200;
        timing.healthIntervalMs = 0; // only the reply timeout can answer
        auto limiter = makeNode(redis.url(), QStringLiteral("node-a"), Clock::system(), timing);
        QTRY_COMPARE(limiter->mode(), SharedRateLimiter::Mode::Shared);
        const RateLimitPolicy policy{10, 60, LimitBy::Ip};
        QFuture<RateLimitDecision> answered = limiter->take("r", "ip:1", policy);
        QTRY_VERIFY(answered.isFinished());
        QCOMPARE(limiter->fallbacks(), 0); // Redis answers when it can

        redis.pause(); // keeps the connection, answers nothing
        QFuture<RateLimitDecision> late = limiter->take("r", "ip:1", policy);
        QTRY_VERIFY_WITH_TIMEOUT(late.isFinished(), 3000);
        QVERIFY(late.result().allowed);
        QCOMPARE(late.result().limit, 5); // the local share (of 2 nodes)
        QCOMPARE(limiter->fallbacks(), 1);
        redis.resume();
    }

    void aStalledRedisDoesNotQueueWithoutBound()
    {
        RedisServer redis;
        QVERIFY2(redis.start(), redis.output().constData());
        SharedRateLimiter::Timing timing = fastTiming();
        timing.maxPending = 2;
        timing.replyTimeoutMs = 5000;
        timing.healthIntervalMs = 0;
        auto limiter = makeNode(redis.url(), QStringLiteral("node-a"), Clock::system(), timing);
        QTRY_COMPARE(limiter->mode(), SharedRateLimiter::Mode::Shared);
        redis.pause();
        const RateLimitPolicy policy{10, 60, LimitBy::Ip};
        QFuture<RateLimitDecision> first = limiter->take("r", "ip:1", policy);
        QFuture<RateLimitDecision> second = limiter->take("r", "ip:1", policy);
        QVERIFY(!first.isFinished() && !second.isFinished()); // waiting for Redis
        QFuture<RateLimitDecision> third = limiter->take("r", "ip:1", policy);
        QVERIFY(third.isFinished()); // answered locally at once: two are already waiting
        QCOMPARE(third.result().limit, 5);
        QCOMPARE(limiter->fallbacks(), 1);
        QCOMPARE(limiter->status().value(QStringLiteral("fallbacks")).toInt(), 1);
        redis.resume();
        QTRY_VERIFY(first.isFinished() && second.isFinished());
        QCOMPARE(first.result().limit, 10); // Redis answered them once it could
        QCOMPARE(limiter->fallbacks(), 1);
    }

    void withoutARedisUrlOneNodeHasTheWholeBudget()
    {
        ManualClock clock(t0);
        SharedRateLimiter limiter(
            QUrl(), QStringLiteral("solo"), [] { return 3; }, clock);
        QVERIFY(limiter.start());
        QCOMPARE(limiter.mode(), SharedRateLimiter::Mode::Local);
        QCOMPARE(limiter.status().value(QStringLiteral("mode")).toString(), QStringLiteral("local"));
        int allowed = 0;
        for (int i = 0; i < 120; ++i) {
            QFuture<RateLimitDecision> f = limiter.take("r", "ip:1", RateLimitPolicy{100, 60, LimitBy::Ip});
            QVERIFY(f.isFinished());
            allowed += f.result().allowed ? 1 : 0;
        }
        QCOMPARE(allowed, 100);
    }
};

QTEST_GUILESS_MAIN(TestGatewayPolicy)
#include "tst_gatewaypolicy.moc"
