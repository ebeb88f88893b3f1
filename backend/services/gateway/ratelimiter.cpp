#include "ratelimiter.h"

#include <QHashFunctions>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <list>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace Meshdeck::Gateway {

namespace {

// A bucket's shape: `requests` tokens (already scaled by the share) per `perSeconds`.
struct Shape {
    qint64 requests = 1;
    qint64 perSeconds = 1;

    qint64 unitsPerToken() const { return perSeconds * 1000; } // a millisecond refills `requests` units
    qint64 capacity() const { return requests * unitsPerToken(); }
    bool operator==(const Shape &) const = default;
};

Shape shapeOf(const RateLimitPolicy &policy, double share)
{
    const qint64 requests = std::max(policy.requests, 1);
    qint64 scaled = requests;
    if (share < 1.0) {
        // Rounded down: N nodes each enforcing floor(requests / N) never exceed the whole limit.
        scaled = qint64(std::floor(double(requests) * std::max(share, 0.0) + 1e-9));
    }
    return Shape{std::clamp<qint64>(scaled, 1, requests), std::max(policy.perSeconds, 1)};
}

qint64 ceilDiv(qint64 a, qint64 b)
{
    return a <= 0 ? 0 : (a + b - 1) / b;
}

struct Bucket {
    QByteArray route;
    QByteArray consumer;
    Shape shape;
    qint64 units = 0; // tokens * shape.unitsPerToken()
    qint64 updatedMs = 0;

    // The units the bucket holds at `nowMs`, refilled but not stored.
    qint64 unitsAt(qint64 nowMs) const
    {
        const qint64 elapsed = std::clamp<qint64>(nowMs - updatedMs, 0, shape.unitsPerToken());
        return std::min(shape.capacity(), units + elapsed * shape.requests);
    }
    void refill(qint64 nowMs)
    {
        units = unitsAt(nowMs);
        updatedMs = std::max(updatedMs, nowMs);
    }
    void reshape(const Shape &next)
    {
        // Keeps the fill ratio: a bucket half empty under the old policy is half empty now.
        const long double ratio = (long double)units / (long double)shape.capacity();
        shape = next;
        units = std::clamp<qint64>(qint64(ratio * (long double)next.capacity()), 0, next.capacity());
    }
    bool fullAt(qint64 nowMs) const { return unitsAt(nowMs) >= shape.capacity(); }

    RateLimitDecision decision(bool allowed) const
    {
        return tokenBucketDecision(allowed, units, shape.requests, shape.perSeconds);
    }
};

// Views into a bucket's own key (stable: list nodes never move), or into the caller's arguments
// for a lookup, so finding a bucket allocates nothing.
struct KeyRef {
    QByteArrayView route;
    QByteArrayView consumer;
    size_t hash = 0;
};

size_t hashOf(QByteArrayView route, QByteArrayView consumer)
{
    return qHash(consumer, qHash(route, size_t(0x9e3779b97f4a7c15ULL)));
}

struct KeyRefHash {
    size_t operator()(const KeyRef &key) const noexcept { return key.hash; }
};
struct KeyRefEqual {
    bool operator()(const KeyRef &a, const KeyRef &b) const noexcept
    {
        return a.hash == b.hash && a.route == b.route && a.consumer == b.consumer;
    }
};

} // namespace

struct RateLimiter::Shard {
    mutable std::mutex mutex;
    std::list<Bucket> lru; // most recently used first
    std::unordered_map<KeyRef, std::list<Bucket>::iterator, KeyRefHash, KeyRefEqual> index;
    qint64 evictedDraining = 0;

    void erase(std::list<Bucket>::iterator it)
    {
        index.erase(KeyRef{it->route, it->consumer, hashOf(it->route, it->consumer)});
        lru.erase(it);
    }

    // Makes room for one more bucket under `cap`; full buckets go first, oldest first.
    void makeRoom(size_t cap, qint64 nowMs)
    {
        if (!lru.empty() && lru.back().fullAt(nowMs))
            erase(std::prev(lru.end())); // an idle, full bucket: nothing is lost
        if (lru.size() < cap)
            return;
        constexpr int scanned = 16; // bounded work under the lock
        auto it = lru.end();
        for (int i = 0; i < scanned && it != lru.begin(); ++i) {
            --it;
            if (it->fullAt(nowMs)) {
                erase(it);
                return;
            }
        }
        ++evictedDraining;
        erase(std::prev(lru.end()));
    }

    Bucket &bucketFor(const KeyRef &key, const Shape &shape, qint64 nowMs, size_t cap)
    {
        if (auto found = index.find(key); found != index.end()) {
            lru.splice(lru.begin(), lru, found->second);
            Bucket &bucket = *found->second;
            bucket.refill(nowMs);
            if (!(bucket.shape == shape))
                bucket.reshape(shape);
            return bucket;
        }
        makeRoom(cap, nowMs);
        Bucket &bucket = lru.emplace_front();
        bucket.route = key.route.toByteArray();
        bucket.consumer = key.consumer.toByteArray();
        bucket.shape = shape;
        bucket.units = shape.capacity();
        bucket.updatedMs = nowMs;
        index.emplace(KeyRef{bucket.route, bucket.consumer, key.hash}, lru.begin());
        return bucket;
    }
};

RateLimiter::RateLimiter(int maxBuckets)
    : m_maxBuckets(std::max(maxBuckets, shardCount))
{
    for (auto &shard : m_shards)
        shard = std::make_unique<Shard>();
}

RateLimiter::~RateLimiter() = default;

RateLimitDecision RateLimiter::take(QByteArrayView routeId, QByteArrayView consumer,
                                    const RateLimitPolicy &policy, qint64 nowMs, double share)
{
    const KeyRef key{routeId, consumer, hashOf(routeId, consumer)};
    Shard &shard = *m_shards[(key.hash >> 7) % shardCount];
    const Shape shape = shapeOf(policy, share);
    const std::lock_guard lock(shard.mutex);
    Bucket &bucket = shard.bucketFor(key, shape, nowMs, size_t(m_maxBuckets / shardCount));
    if (bucket.units < bucket.shape.unitsPerToken())
        return bucket.decision(false);
    bucket.units -= bucket.shape.unitsPerToken();
    return bucket.decision(true);
}

RateLimitDecision RateLimiter::peek(QByteArrayView routeId, QByteArrayView consumer,
                                    const RateLimitPolicy &policy, qint64 nowMs, double share) const
{
    const KeyRef key{routeId, consumer, hashOf(routeId, consumer)};
    const Shard &shard = *m_shards[(key.hash >> 7) % shardCount];
    Bucket copy;
    copy.shape = shapeOf(policy, share);
    copy.units = copy.shape.capacity();
    {
        const std::lock_guard lock(shard.mutex);
        if (auto found = shard.index.find(key); found != shard.index.end()) {
            const Bucket &bucket = *found->second;
            copy.shape = bucket.shape;
            copy.units = bucket.unitsAt(nowMs);
            copy.updatedMs = nowMs;
            if (!(copy.shape == shapeOf(policy, share)))
                copy.reshape(shapeOf(policy, share));
        }
    }
    return copy.decision(copy.units >= copy.shape.unitsPerToken());
}

std::optional<BusiestConsumer> RateLimiter::busiest(QByteArrayView routeId, qint64 nowMs) const
{
    std::optional<BusiestConsumer> best;
    for (const auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        for (const Bucket &bucket : shard->lru) {
            if (bucket.route != routeId)
                continue;
            const int remaining = int(bucket.unitsAt(nowMs) / bucket.shape.unitsPerToken());
            if (!best || remaining < best->remaining)
                best = BusiestConsumer{bucket.consumer, remaining, int(bucket.shape.requests)};
        }
    }
    return best;
}

QHash<QByteArray, BusiestConsumer> RateLimiter::busiestByRoute(qint64 nowMs) const
{
    QHash<QByteArray, BusiestConsumer> best;
    for (const auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        for (const Bucket &bucket : shard->lru) {
            const int remaining = int(bucket.unitsAt(nowMs) / bucket.shape.unitsPerToken());
            auto it = best.find(bucket.route);
            if (it == best.end())
                best.insert(bucket.route,
                            BusiestConsumer{bucket.consumer, remaining, int(bucket.shape.requests)});
            else if (remaining < it->remaining)
                *it = BusiestConsumer{bucket.consumer, remaining, int(bucket.shape.requests)};
        }
    }
    return best;
}

int RateLimiter::sweep(qint64 nowMs)
{
    int dropped = 0;
    for (auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        for (auto it = shard->lru.begin(); it != shard->lru.end();) {
            auto next = std::next(it);
            if (it->fullAt(nowMs)) {
                shard->erase(it);
                ++dropped;
            }
            it = next;
        }
    }
    return dropped;
}

void RateLimiter::forgetRoute(QByteArrayView routeId)
{
    for (auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        for (auto it = shard->lru.begin(); it != shard->lru.end();) {
            auto next = std::next(it);
            if (it->route == routeId)
                shard->erase(it);
            it = next;
        }
    }
}

int RateLimiter::size() const
{
    size_t total = 0;
    for (const auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        total += shard->lru.size();
    }
    return int(total);
}

qint64 RateLimiter::evictedDraining() const
{
    qint64 total = 0;
    for (const auto &shard : m_shards) {
        const std::lock_guard lock(shard->mutex);
        total += shard->evictedDraining;
    }
    return total;
}

RateLimitDecision tokenBucketDecision(bool allowed, qint64 units, qint64 requests, qint64 perSeconds)
{
    const Shape shape{std::max<qint64>(requests, 1), std::max<qint64>(perSeconds, 1)};
    units = std::clamp<qint64>(units, 0, shape.capacity());
    RateLimitDecision d;
    d.allowed = allowed;
    d.limit = int(shape.requests);
    d.windowSeconds = int(shape.perSeconds);
    d.remaining = int(units / shape.unitsPerToken());
    const qint64 msToFull = ceilDiv(shape.capacity() - units, shape.requests);
    d.resetSeconds = int(ceilDiv(msToFull, 1000));
    if (!allowed) {
        const qint64 msToToken = ceilDiv(shape.unitsPerToken() - units, shape.requests);
        d.retryAfterSeconds = int(std::max<qint64>(1, ceilDiv(msToToken, 1000)));
    }
    return d;
}

namespace {

void appendNumber(QByteArray &out, int value)
{
    char digits[16];
    const std::to_chars_result end = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end.ptr - digits);
}

// `"default";<a>=<x>;<b>=<y>` with one allocation (QByteArray::number would add one per number).
QByteArray policyItem(char a, int x, char b, int y)
{
    QByteArray out;
    out.reserve(48);
    out.append("\"default\";").append(a).append('=');
    appendNumber(out, x);
    out.append(';').append(b).append('=');
    appendNumber(out, y);
    return out;
}

} // namespace

RateLimitHeaders rateLimitHeaders(const RateLimitDecision &decision)
{
    RateLimitHeaders headers;
    headers.policy = policyItem('q', decision.limit, 'w', decision.windowSeconds);
    headers.rateLimit = policyItem('r', decision.remaining, 't', decision.resetSeconds);
    if (!decision.allowed)
        headers.retryAfter = QByteArray::number(std::max(decision.retryAfterSeconds, 1));
    return headers;
}

} // namespace Meshdeck::Gateway
