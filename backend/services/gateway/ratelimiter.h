#pragma once

#include "gatewayroute.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

#include <array>
#include <memory>
#include <optional>

namespace Meshdeck::Gateway {

// What one request's look at its bucket decided, and what the response tells the client.
struct RateLimitDecision {
    bool allowed = true;
    int limit = 0;             // the bucket's capacity: the policy's requests, times the share
    int windowSeconds = 0;     // the policy's perSeconds
    int remaining = 0;         // whole tokens left after this request
    int resetSeconds = 0;      // until the bucket is full again (0: full)
    int retryAfterSeconds = 0; // refused: until one token is back, at least 1; allowed: 0
};

// The IETF fields for one decision, following draft-ietf-httpapi-ratelimit-headers-08 (October
// 2024): both are Structured Field (RFC 8941) Lists of Items whose value is the policy's name as
// an sf-string, with integer parameters q (quota) and w (window, seconds) for the policy, and r
// (remaining quota) and t (seconds until the quota is back) for the current state. The limit a
// node advertises is the one it enforces (its share, while cluster budgets are local).
//   RateLimit-Policy: "default";q=<quota>;w=<window seconds>
//   RateLimit:        "default";r=<remaining>;t=<seconds until the quota is fully back>
// and, on a refusal, Retry-After: <seconds> (RFC 9110 delay-seconds).
struct RateLimitHeaders {
    QByteArray policy;     // the RateLimit-Policy value
    QByteArray rateLimit;  // the RateLimit value
    QByteArray retryAfter; // empty when the request was allowed
};
inline constexpr QByteArrayView rateLimitPolicyHeader = "RateLimit-Policy";
inline constexpr QByteArrayView rateLimitHeader = "RateLimit";
inline constexpr QByteArrayView retryAfterHeader = "Retry-After";
RateLimitHeaders rateLimitHeaders(const RateLimitDecision &decision);

// The decision for a bucket of `requests` tokens per `perSeconds` that holds `units` after the
// request (one token = perSeconds * 1000 units; a millisecond refills `requests` units). Shared by
// the local buckets and the Redis ones, which count the same way.
RateLimitDecision tokenBucketDecision(bool allowed, qint64 units, qint64 requests, qint64 perSeconds);

// The consumer holding the fewest tokens of a route (the Gateway page's "busiest consumer").
struct BusiestConsumer {
    QByteArray consumer; // "key:<id>", "user:<id>" or "ip:<address>"
    int remaining = 0;
    int limit = 0;
};

// Token buckets keyed by (route id, consumer), refilled continuously at requests/perSeconds up to
// `requests`. Thread-safe: the buckets are spread over shards by hash, each behind its own mutex,
// so the event-loop threads rarely meet; a call allocates only when it creates a bucket.
//
// Tokens are counted in integer units (one token = perSeconds * 1000 units, and a millisecond
// adds `requests` units), so the counts are exact: no floating-point drift lets a 1001st request
// through or refuses the 1000th.
//
// Memory is bounded: at most `maxBuckets` buckets. A bucket that is full again holds nothing
// worth keeping (a new one would be the same), so full buckets are dropped first, least recently
// used first; when the cap is reached and the oldest buckets are all still draining (a flood of
// distinct clients against a slow policy), the least recently used one is dropped anyway: its
// consumer starts again with a full bucket, which is the price of a hard memory bound.
class RateLimiter
{
public:
    using Decision = RateLimitDecision;
    static constexpr int defaultMaxBuckets = 100'000;

    explicit RateLimiter(int maxBuckets = defaultMaxBuckets);
    ~RateLimiter();
    RateLimiter(const RateLimiter &) = delete;
    RateLimiter &operator=(const RateLimiter &) = delete;

    // Takes one token from the bucket of (routeId, consumer). `share` in (0, 1] scales the bucket
    // (capacity and refill rate) for a node that enforces its share of a cluster-wide limit; the
    // capacity is rounded down, but is at least 1. A bucket whose policy or share changed keeps
    // its fill ratio.
    Decision take(QByteArrayView routeId, QByteArrayView consumer, const RateLimitPolicy &policy,
                  qint64 nowMs, double share = 1.0);

    // The bucket's state without taking a token (a fresh bucket when there is none).
    Decision peek(QByteArrayView routeId, QByteArrayView consumer, const RateLimitPolicy &policy,
                  qint64 nowMs, double share = 1.0) const;

    std::optional<BusiestConsumer> busiest(QByteArrayView routeId, qint64 nowMs) const;
    // Every route's busiest consumer in one pass over the buckets, keyed by route id.
    QHash<QByteArray, BusiestConsumer> busiestByRoute(qint64 nowMs) const;

    // Drops the buckets that are full at `nowMs` (they are the same as no bucket); answers how
    // many. take() also drops the least recently used bucket when it is full, so a timer calling
    // this only speeds up what happens anyway.
    int sweep(qint64 nowMs);
    // Drops every bucket of a route (the route was deleted).
    void forgetRoute(QByteArrayView routeId);

    int size() const;
    int maxBuckets() const { return m_maxBuckets; }
    // Buckets dropped at the cap before they were full (each gave its consumer a fresh budget).
    qint64 evictedDraining() const;

private:
    struct Shard;
    static constexpr int shardCount = 16;
    int m_maxBuckets;
    std::array<std::unique_ptr<Shard>, shardCount> m_shards;
};

} // namespace Meshdeck::Gateway
