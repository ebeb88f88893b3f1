#include "circuitbreaker.h"

#include "platform/threadshard.h"

#include <QHashFunctions>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>

namespace Meshdeck::Gateway {

QString breakerStateName(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return QStringLiteral("closed");
    case BreakerState::Open:
        return QStringLiteral("open");
    case BreakerState::HalfOpen:
        return QStringLiteral("half_open");
    }
    return QStringLiteral("closed");
}

using BreakerKey = std::pair<QString, QString>;

struct BreakerCell {
    BreakerCell(std::mutex *guard, BreakerKey k)
        : mutex(guard)
        , key(std::move(k))
    {}
    std::mutex *mutex; // its shard's
    const BreakerKey key;
    // Removed from its shard: outcomes still on their way count for nothing. Written under the
    // lock, read without it by admit()'s fast path.
    std::atomic<bool> forgotten{false};
    BreakerPolicy policy;
    BreakerState state = BreakerState::Closed;
    int consecutiveFailures = 0;
    qint64 openedAtMs = 0;
    int probesInFlight = 0;
    int probeSuccesses = 0;
    quint64 epoch = 1; // +1 at every transition; a ticket's outcome counts only in its own epoch
    QList<BreakerTransition> trips;
    // What the lock-free path reads, written under the lock with the fields above: the epoch while
    // closed (0 while open or half-open), and whether consecutiveFailures is above 0.
    std::atomic<quint64> closedEpoch{1};
    std::atomic<bool> failing{false};

    void setFailures(int n)
    {
        consecutiveFailures = n;
        failing.store(n > 0, std::memory_order_relaxed);
    }

    BreakerTransition moveTo(BreakerState to, QString reason, qint64 nowMs)
    {
        BreakerTransition transition{key.first, key.second, state, to, std::move(reason), nowMs};
        state = to;
        ++epoch;
        closedEpoch.store(to == BreakerState::Closed ? epoch : 0, std::memory_order_release);
        probesInFlight = 0;
        probeSuccesses = 0;
        if (to == BreakerState::Open)
            openedAtMs = nowMs;
        if (to == BreakerState::Closed)
            setFailures(0);
        if (trips.size() >= CircuitBreakers::tripHistory)
            trips.removeFirst();
        trips.append(transition);
        return transition;
    }

    std::optional<BreakerTransition> failed(qint64 nowMs, const QString &reason)
    {
        setFailures(consecutiveFailures + 1);
        if (state == BreakerState::HalfOpen)
            return moveTo(BreakerState::Open, QStringLiteral("a half-open probe failed: %1").arg(reason),
                          nowMs);
        if (state == BreakerState::Closed && consecutiveFailures >= std::max(policy.failures, 1)) {
            return moveTo(
                BreakerState::Open,
                QStringLiteral("%1 consecutive failures, the last: %2").arg(consecutiveFailures).arg(reason),
                nowMs);
        }
        return std::nullopt;
    }

    BreakerSnapshot snapshot() const
    {
        BreakerSnapshot out;
        out.routeId = key.first;
        out.instanceId = key.second;
        out.state = state;
        out.consecutiveFailures = consecutiveFailures;
        if (state != BreakerState::Closed)
            out.openedAtMs = openedAtMs;
        out.probesInFlight = probesInFlight;
        out.trips = trips;
        return out;
    }
};

struct CircuitBreakers::Shard {
    mutable std::mutex mutex;
    QHash<BreakerKey, std::shared_ptr<BreakerCell>> breakers;
};

// BreakerTicket

BreakerTicket::~BreakerTicket()
{
    release();
}

BreakerTicket::BreakerTicket(BreakerTicket &&other) noexcept
    : m_owner(std::exchange(other.m_owner, nullptr))
    , m_cell(std::move(other.m_cell))
    , m_policy(other.m_policy)
    , m_epoch(other.m_epoch)
    , m_retryAfterMs(other.m_retryAfterMs)
    , m_state(other.m_state)
    , m_allowed(other.m_allowed)
    , m_probe(other.m_probe)
{}

BreakerTicket &BreakerTicket::operator=(BreakerTicket &&other) noexcept
{
    if (this != &other) {
        release();
        m_owner = std::exchange(other.m_owner, nullptr);
        m_cell = std::move(other.m_cell);
        m_epoch = other.m_epoch;
        m_retryAfterMs = other.m_retryAfterMs;
        m_state = other.m_state;
        m_policy = other.m_policy;
        m_allowed = other.m_allowed;
        m_probe = other.m_probe;
    }
    return *this;
}

void BreakerTicket::release()
{
    // The clock is not at hand in a destructor; an abandonment changes no timestamp anyway.
    if (m_owner)
        abandon(0);
}

void BreakerTicket::succeed(qint64 nowMs)
{
    record(true, nowMs, {});
}

void BreakerTicket::fail(qint64 nowMs, const QString &reason)
{
    record(false, nowMs, reason);
}

void BreakerTicket::record(bool success, qint64 nowMs, const QString &reason)
{
    record(success, ManualClock(nowMs), reason);
}

void BreakerTicket::record(bool success, const Clock &clock, const QString &reason)
{
    if (CircuitBreakers *owner = std::exchange(m_owner, nullptr)) {
        owner->finish(*this, success ? CircuitBreakers::Outcome::Success : CircuitBreakers::Outcome::Failure,
                      clock, reason);
        m_cell.reset();
    }
}

void BreakerTicket::abandon(qint64 nowMs)
{
    abandon(ManualClock(nowMs));
}

void BreakerTicket::abandon(const Clock &clock)
{
    if (CircuitBreakers *owner = std::exchange(m_owner, nullptr)) {
        owner->finish(*this, CircuitBreakers::Outcome::Abandoned, clock, {});
        m_cell.reset();
    }
}

// CircuitBreakers

namespace {

std::atomic<quint64> nextOwnerId{1};

// A breaker a thread admitted to lately. The ids are held, so their data stays where it is: the
// same data pointer and size mean the same id without comparing (or hashing) 36 characters. The
// cell is held through this thread's own control block (localAlias), which tickets copy.
struct RecentCell {
    quint64 owner = 0;
    QString routeId;
    QString instanceId;
    std::shared_ptr<BreakerCell> cell;
};
thread_local std::array<RecentCell, 64> recentCells;

RecentCell &recentSlot(const QString &routeId, const QString &instanceId)
{
    return recentCells[((quintptr(routeId.constData()) ^ quintptr(instanceId.constData())) >> 4) %
                       recentCells.size()];
}

bool sameId(const QString &held, const QString &id)
{
    return held.constData() == id.constData() && held.size() == id.size();
}

} // namespace

CircuitBreakers::CircuitBreakers(TransitionHandler onTransition)
    : m_onTransition(std::move(onTransition))
    , m_id(nextOwnerId.fetch_add(1, std::memory_order_relaxed))
{
    for (auto &shard : m_shards)
        shard = std::make_unique<Shard>();
}

CircuitBreakers::~CircuitBreakers() = default;

CircuitBreakers::Shard &CircuitBreakers::shardFor(const QString &routeId, const QString &instanceId) const
{
    // Any mixing spreads the locks; the ends of the two ids (uuids differ there) cost a tenth of a
    // hash of both, and admit() hashes the pair once more to find the breaker.
    size_t mix = 0;
    for (const QStringView id : {QStringView(routeId), QStringView(instanceId)}) {
        for (const QChar c : id.right(8))
            mix = mix * 31 + c.unicode();
    }
    return *m_shards[mix % shardCount];
}

const std::shared_ptr<BreakerCell> *CircuitBreakers::recentCell(const QString &routeId,
                                                                const QString &instanceId) const
{
    const RecentCell &recent = recentSlot(routeId, instanceId);
    if (recent.owner == m_id && sameId(recent.routeId, routeId) && sameId(recent.instanceId, instanceId) &&
        !recent.cell->forgotten.load(std::memory_order_acquire))
        return &recent.cell;
    return nullptr;
}

std::shared_ptr<BreakerCell> CircuitBreakers::lockedCell(const QString &routeId, const QString &instanceId,
                                                         std::unique_lock<std::mutex> &lock)
{
    // Every proxied request asks for its breaker: a thread's recent ones are found without the
    // shard's map (two 36-character hashes and a lookup), unless forgotten since.
    if (const std::shared_ptr<BreakerCell> *recent = recentCell(routeId, instanceId)) {
        lock = std::unique_lock(*(*recent)->mutex);
        if (!(*recent)->forgotten.load(std::memory_order_relaxed))
            return *recent;
        lock.unlock();
    }
    Shard &shard = shardFor(routeId, instanceId);
    lock = std::unique_lock(shard.mutex);
    std::shared_ptr<BreakerCell> &cell = shard.breakers[BreakerKey{routeId, instanceId}];
    if (!cell)
        cell = std::make_shared<BreakerCell>(&shard.mutex, BreakerKey{routeId, instanceId});
    RecentCell &recent = recentSlot(routeId, instanceId);
    recent = RecentCell{m_id, routeId, instanceId, localAlias(cell)};
    return recent.cell;
}

void CircuitBreakers::report(const QList<BreakerTransition> &transitions) const
{
    if (!m_onTransition)
        return;
    for (const BreakerTransition &transition : transitions)
        m_onTransition(transition);
}

// A closed breaker admits without its lock: the request's outcome counts only if the breaker is
// still in this epoch when it comes, as if it had been admitted just before any change.
bool CircuitBreakers::admitClosed(const QString &routeId, const QString &instanceId, BreakerTicket &ticket)
{
    const std::shared_ptr<BreakerCell> *recent = recentCell(routeId, instanceId);
    if (!recent)
        return false;
    const quint64 epoch = (*recent)->closedEpoch.load(std::memory_order_acquire);
    if (!epoch)
        return false;
    ticket.m_state = BreakerState::Closed;
    ticket.m_epoch = epoch;
    ticket.m_allowed = true;
    ticket.m_owner = this;
    ticket.m_cell = *recent;
    return true;
}

BreakerTicket CircuitBreakers::admit(const QString &routeId, const QString &instanceId,
                                     const BreakerPolicy &policy, qint64 nowMs)
{
    return admit(routeId, instanceId, policy, ManualClock(nowMs));
}

BreakerTicket CircuitBreakers::admit(const QString &routeId, const QString &instanceId,
                                     const BreakerPolicy &policy, const Clock &clock)
{
    BreakerTicket ticket;
    if (admitClosed(routeId, instanceId, ticket)) {
        ticket.m_policy = policy;
        return ticket;
    }
    return admitLocked(routeId, instanceId, policy, clock.nowMs());
}

BreakerTicket CircuitBreakers::admitLocked(const QString &routeId, const QString &instanceId,
                                           const BreakerPolicy &policy, qint64 nowMs)
{
    BreakerTicket ticket;
    ticket.m_policy = policy;
    std::optional<BreakerTransition> transition;
    {
        std::unique_lock<std::mutex> lock;
        const std::shared_ptr<BreakerCell> cell = lockedCell(routeId, instanceId, lock);
        BreakerCell &breaker = *cell;
        breaker.policy = policy;
        if (breaker.state == BreakerState::Open) {
            const qint64 reopensAt = breaker.openedAtMs + std::max(policy.coolDownMs, 0);
            if (nowMs < reopensAt) {
                ticket.m_state = BreakerState::Open;
                ticket.m_retryAfterMs = reopensAt - nowMs;
                return ticket;
            }
            transition =
                breaker.moveTo(BreakerState::HalfOpen,
                               QStringLiteral("the cool-down of %1 ms passed; probing with up to %2 requests")
                                   .arg(policy.coolDownMs)
                                   .arg(std::max(policy.halfOpenProbes, 1)),
                               nowMs);
        }
        ticket.m_state = breaker.state;
        ticket.m_epoch = breaker.epoch;
        if (breaker.state == BreakerState::HalfOpen) {
            if (breaker.probesInFlight >= std::max(policy.halfOpenProbes, 1)) {
                ticket.m_retryAfterMs = 1000; // a probe's answer decides; a second is a fair guess
            } else {
                ++breaker.probesInFlight;
                ticket.m_allowed = true;
                ticket.m_probe = true;
            }
        } else {
            ticket.m_allowed = true;
        }
        if (ticket.m_allowed) {
            ticket.m_owner = this;
            ticket.m_cell = cell;
        }
    }
    if (transition)
        report({*transition});
    return ticket;
}

void CircuitBreakers::finish(const BreakerTicket &ticket, Outcome outcome, const Clock &clock,
                             const QString &reason)
{
    BreakerCell &breaker = *ticket.m_cell;
    // A request a closed breaker admitted changes nothing when it was abandoned, or when it
    // succeeded while no failure is counted: no lock, no write.
    if (!ticket.m_probe && ticket.m_state == BreakerState::Closed &&
        (outcome == Outcome::Abandoned ||
         (outcome == Outcome::Success && !breaker.failing.load(std::memory_order_relaxed))))
        return;
    std::optional<BreakerTransition> transition;
    {
        const std::lock_guard lock(*breaker.mutex);
        if (breaker.forgotten.load(std::memory_order_relaxed) || breaker.epoch != ticket.m_epoch)
            return; // forgotten, reset or moved on since: this outcome is about a past period
        breaker.policy = ticket.m_policy;
        const qint64 nowMs = clock.nowMs();
        if (ticket.m_probe)
            breaker.probesInFlight = std::max(breaker.probesInFlight - 1, 0);
        switch (outcome) {
        case Outcome::Abandoned:
            break;
        case Outcome::Success:
            breaker.setFailures(0);
            if (breaker.state == BreakerState::HalfOpen && ticket.m_probe &&
                ++breaker.probeSuccesses >= std::max(breaker.policy.halfOpenProbes, 1)) {
                transition = breaker.moveTo(
                    BreakerState::Closed,
                    QStringLiteral("%1 half-open probes succeeded").arg(breaker.probeSuccesses), nowMs);
            }
            break;
        case Outcome::Failure:
            transition = breaker.failed(nowMs, reason);
            break;
        }
    }
    if (transition)
        report({*transition});
}

void CircuitBreakers::record(const QString &routeId, const QString &instanceId, bool success, qint64 nowMs,
                             const QString &reason)
{
    std::optional<BreakerTransition> transition;
    {
        Shard &shard = shardFor(routeId, instanceId);
        const std::lock_guard lock(shard.mutex);
        auto it = shard.breakers.find(BreakerKey{routeId, instanceId});
        if (it == shard.breakers.end() || (*it)->state == BreakerState::Open)
            return;
        BreakerCell &breaker = **it;
        if (success) {
            if (breaker.state == BreakerState::Closed)
                breaker.setFailures(0);
        } else {
            transition = breaker.failed(nowMs, reason);
        }
    }
    if (transition)
        report({*transition});
}

std::optional<BreakerSnapshot> CircuitBreakers::reset(const QString &routeId, const QString &instanceId,
                                                      const QString &by, qint64 nowMs)
{
    std::optional<BreakerTransition> transition;
    BreakerSnapshot snapshot;
    {
        Shard &shard = shardFor(routeId, instanceId);
        const std::lock_guard lock(shard.mutex);
        auto it = shard.breakers.find(BreakerKey{routeId, instanceId});
        if (it == shard.breakers.end())
            return std::nullopt;
        BreakerCell &breaker = **it;
        if (breaker.state != BreakerState::Closed)
            transition = breaker.moveTo(BreakerState::Closed, QStringLiteral("reset by %1").arg(by), nowMs);
        breaker.setFailures(0);
        snapshot = breaker.snapshot();
    }
    if (transition)
        report({*transition});
    return snapshot;
}

std::optional<BreakerState> CircuitBreakers::state(const QString &routeId, const QString &instanceId) const
{
    Shard &shard = shardFor(routeId, instanceId);
    const std::lock_guard lock(shard.mutex);
    auto it = shard.breakers.constFind(BreakerKey{routeId, instanceId});
    if (it == shard.breakers.cend())
        return std::nullopt;
    return (*it)->state;
}

std::optional<BreakerSnapshot> CircuitBreakers::snapshot(const QString &routeId,
                                                         const QString &instanceId) const
{
    Shard &shard = shardFor(routeId, instanceId);
    const std::lock_guard lock(shard.mutex);
    auto it = shard.breakers.constFind(BreakerKey{routeId, instanceId});
    if (it == shard.breakers.cend())
        return std::nullopt;
    return (*it)->snapshot();
}

QList<BreakerSnapshot> CircuitBreakers::snapshot() const
{
    QList<BreakerSnapshot> out;
    for (const auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        for (auto it = shard->breakers.cbegin(); it != shard->breakers.cend(); ++it)
            out.append((*it)->snapshot());
    }
    std::sort(out.begin(), out.end(), [](const BreakerSnapshot &a, const BreakerSnapshot &b) {
        return std::tie(a.routeId, a.instanceId) < std::tie(b.routeId, b.instanceId);
    });
    return out;
}

void CircuitBreakers::forget(const QString &routeId, const QString &instanceId)
{
    Shard &shard = shardFor(routeId, instanceId);
    const std::lock_guard lock(shard.mutex);
    if (const auto cell = shard.breakers.take(BreakerKey{routeId, instanceId}))
        cell->forgotten.store(true, std::memory_order_release);
}

void CircuitBreakers::forgetRoute(const QString &routeId)
{
    for (auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        shard->breakers.removeIf([&routeId](const auto &entry) {
            if (entry.key().first != routeId)
                return false;
            entry.value()->forgotten.store(true, std::memory_order_release);
            return true;
        });
    }
}

} // namespace Meshdeck::Gateway
