#pragma once

#include "gatewayroute.h"
#include "platform/clock.h"

#include <QHash>
#include <QList>
#include <QString>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace Meshdeck::Gateway {

enum class BreakerState { Closed, Open, HalfOpen };
QString breakerStateName(BreakerState state); // "closed", "open", "half_open"

// One change of a breaker's state, as the `gateway.breaker` event and the trip history tell it.
struct BreakerTransition {
    QString routeId;
    QString instanceId;
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    QString reason; // a sentence: "5 consecutive failures, the last: HTTP 502", "reset by alice"
    qint64 atMs = 0;
};

struct BreakerSnapshot {
    QString routeId;
    QString instanceId;
    BreakerState state = BreakerState::Closed;
    int consecutiveFailures = 0;
    std::optional<qint64> openedAtMs; // while open or half-open: when it last opened
    int probesInFlight = 0;
    QList<BreakerTransition> trips; // the last 20 transitions, oldest first
};

class CircuitBreakers;
struct BreakerCell; // one breaker and the lock that guards it (circuitbreaker.cpp)

// The answer to "may this request go to that instance?", and the request's obligation to say how
// it went. Move-only; a ticket destroyed without an outcome (the client vanished, the coroutine
// was dropped) releases its probe slot, so a half-open breaker is never left waiting forever for
// an answer that will not come. An outcome is taken once; later calls do nothing. The
// CircuitBreakers that issued a ticket must outlive it.
class BreakerTicket
{
public:
    BreakerTicket() = default;
    ~BreakerTicket();
    BreakerTicket(BreakerTicket &&other) noexcept;
    BreakerTicket &operator=(BreakerTicket &&other) noexcept;
    BreakerTicket(const BreakerTicket &) = delete;
    BreakerTicket &operator=(const BreakerTicket &) = delete;

    bool allowed() const { return m_allowed; }
    explicit operator bool() const { return m_allowed; }
    bool probe() const { return m_probe; }                 // admitted as one of the half-open probes
    BreakerState state() const { return m_state; }         // the breaker's state at admission
    qint64 retryAfterMs() const { return m_retryAfterMs; } // refused: until the next probe may go

    // The upstream answered (success: anything but a 5xx) or failed (5xx, connection error,
    // timeout); `reason` says what happened, for the transition it may cause. The Clock overloads
    // read it only when the outcome changes the breaker: not for a success a closed breaker
    // counts no failure before.
    void succeed(qint64 nowMs);
    void fail(qint64 nowMs, const QString &reason);
    void record(bool success, qint64 nowMs, const QString &reason);
    void record(bool success, const Clock &clock, const QString &reason);
    // No outcome will come: frees the probe slot, counts neither success nor failure.
    void abandon(qint64 nowMs);
    void abandon(const Clock &clock);

private:
    friend class CircuitBreakers;
    void release();

    CircuitBreakers *m_owner = nullptr; // null once the outcome was taken (or never admitted)
    // The breaker that admitted the request: its outcome goes there without looking it up again.
    // Counted on the admitting thread's own control block (localAlias).
    std::shared_ptr<BreakerCell> m_cell;
    BreakerPolicy m_policy; // the route's at admission: the outcome applies it
    quint64 m_epoch = 0;
    qint64 m_retryAfterMs = 0;
    BreakerState m_state = BreakerState::Closed;
    bool m_allowed = false;
    bool m_probe = false;
};

// Circuit breakers per (route id, instance id): closed → open after `failures` consecutive
// failures; open → half-open once `coolDownMs` passed (at the next admission); half-open admits at
// most `halfOpenProbes` requests at a time, closes after that many succeeded and opens again at
// the first failure. Outcomes count only for the state period that admitted them (a response to a
// request admitted before the breaker opened does not close or reopen it).
//
// Thread-safe; short critical sections under per-shard mutexes, and none on the path of a healthy
// upstream: a closed breaker among the 64 a thread admitted to lately admits, and takes a success
// while it counts no failure, without its lock or any write (each request writing to one breaker
// from several threads made its cache line travel between their cores). Every transition is
// reported to `onTransition` after the lock is released, on the thread that caused it (two threads
// may call it at once: it must be thread-safe, e.g. post to the events service).
class CircuitBreakers
{
public:
    using Admission = BreakerTicket;
    using TransitionHandler = std::function<void(const BreakerTransition &)>;
    static constexpr int tripHistory = 20;

    explicit CircuitBreakers(TransitionHandler onTransition = {});
    ~CircuitBreakers();
    CircuitBreakers(const CircuitBreakers &) = delete;
    CircuitBreakers &operator=(const CircuitBreakers &) = delete;

    // Keep the ticket for the whole upstream exchange and give it the outcome: a ticket dropped at
    // once (`if (!breakers.admit(...))`) frees its probe slot at once, and half-open would then
    // admit any number of requests.
    [[nodiscard]] BreakerTicket admit(const QString &routeId, const QString &instanceId,
                                      const BreakerPolicy &policy, qint64 nowMs);
    // The same, reading the clock only when the breaker is not closed.
    [[nodiscard]] BreakerTicket admit(const QString &routeId, const QString &instanceId,
                                      const BreakerPolicy &policy, const Clock &clock);
    // An outcome not tied to a ticket (e.g. the pool found the instance refusing connections):
    // counted against the current state; a success does not complete a half-open probe.
    void record(const QString &routeId, const QString &instanceId, bool success, qint64 nowMs,
                const QString &reason);
    // Closes the breaker now; the transition's reason names `by`. nullopt for an unknown breaker.
    std::optional<BreakerSnapshot> reset(const QString &routeId, const QString &instanceId, const QString &by,
                                         qint64 nowMs);

    std::optional<BreakerState> state(const QString &routeId, const QString &instanceId) const;
    std::optional<BreakerSnapshot> snapshot(const QString &routeId, const QString &instanceId) const;
    QList<BreakerSnapshot> snapshot() const; // sorted by route id, then instance id
    // Drops breakers that no longer have a route or an instance.
    void forget(const QString &routeId, const QString &instanceId);
    void forgetRoute(const QString &routeId);

private:
    struct Shard;
    friend class BreakerTicket;
    enum class Outcome { Success, Failure, Abandoned };
    void finish(const BreakerTicket &ticket, Outcome outcome, const Clock &clock, const QString &reason);
    // A closed breaker this thread found lately admits without its lock: true with `ticket` filled.
    bool admitClosed(const QString &routeId, const QString &instanceId, BreakerTicket &ticket);
    BreakerTicket admitLocked(const QString &routeId, const QString &instanceId, const BreakerPolicy &policy,
                              qint64 nowMs);
    Shard &shardFor(const QString &routeId, const QString &instanceId) const;
    // The breaker of a route and an instance, made if new, with its shard's lock taken into `lock`;
    // counted on this thread's control block (localAlias).
    std::shared_ptr<BreakerCell> lockedCell(const QString &routeId, const QString &instanceId,
                                            std::unique_lock<std::mutex> &lock);
    // This thread's recent breaker of a route and an instance, not forgotten, or null; no lock.
    const std::shared_ptr<BreakerCell> *recentCell(const QString &routeId, const QString &instanceId) const;
    void report(const QList<BreakerTransition> &transitions) const;

    static constexpr int shardCount = 8;
    TransitionHandler m_onTransition;
    std::array<std::unique_ptr<Shard>, shardCount> m_shards;
    const quint64 m_id; // unique in the process: a thread's recent breakers (lockedCell) are per owner
};

} // namespace Meshdeck::Gateway
