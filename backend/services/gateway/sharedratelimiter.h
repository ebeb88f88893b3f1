#pragma once

#include "platform/clock.h"
#include "ratelimiter.h"

#include <QByteArray>
#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace Meshdeck::Cluster {
class RedisConnection;
}

namespace Meshdeck::Gateway {

// The rate limits of cluster mode: the same token buckets as RateLimiter, kept in Redis so every
// node takes from one budget. One Lua script refills and takes atomically on a hash per bucket
// (fields: units, last update, capacity) with a PEXPIRE of one window, so an idle bucket costs
// nothing; time comes from the Redis server's TIME inside the script, because the nodes' clocks
// may disagree and a node ahead of the others would refill every bucket it touched early.
//
// While Redis is not ready (not configured, connecting, gone) or a reply is late, the answer comes
// from a local RateLimiter scaled to 1/servingNodes() of the policy, so the cluster as a whole
// still holds roughly the limit; mode() says which applies and status() why, for readiness.
//
// Lives on the thread that creates it (its Redis connection is on that thread's event loop);
// take() may be called from any thread. The returned future is finished on this object's thread
// (or at once, in local mode); a coroutine on a worker thread co_awaits it and resumes on its own
// thread's event loop (QCoro watches the future there). The future is always given a result,
// never cancelled. Keep this object's thread free of long work: shared answers pass through its
// event loop (a reply later than Timing::replyTimeoutMs is answered locally, but only once that
// loop runs).
class SharedRateLimiter : public QObject
{
    Q_OBJECT

public:
    using Decision = RateLimitDecision;
    using ServingNodes = std::function<int()>;

    struct Timing {
        int replyTimeoutMs = 250; // a reply later than this is answered locally instead
        int maxPending = 10'000;  // beyond this many unanswered commands, answer locally at once
        int connectTimeoutMs = 2000;
        int healthIntervalMs = 1000; // a PING this often finds a stalled server
        int firstRetryMs = 100;
        int maxRetryMs = 2000;
    };

    enum class Mode { Local, Shared, LocalShare };

    // redisUrl empty: a single node, mode() "local" with the whole budget. servingNodes: how many
    // nodes currently serve gateway traffic (at least 1 is assumed), asked at every local answer,
    // from any thread (so it must be thread-safe and cheap: read an atomic).
    SharedRateLimiter(QUrl redisUrl, QString nodeId, ServingNodes servingNodes, const Clock &clock,
                      QObject *parent = nullptr);
    SharedRateLimiter(QUrl redisUrl, QString nodeId, ServingNodes servingNodes, const Clock &clock,
                      Timing timing, QObject *parent = nullptr);
    ~SharedRateLimiter() override;

    // Checks the URL and starts connecting; false (status() says why) for a URL that cannot work.
    bool start();

    QFuture<Decision> take(QByteArrayView routeId, QByteArrayView consumer, const RateLimitPolicy &policy);

    Mode mode() const { return m_mode.load(std::memory_order_acquire); }
    static QString modeName(Mode mode); // "local", "shared", "local-share"
    // {"mode": "local|shared|local-share", "reason": why, "share": this node's share (local-share),
    //  "fallbacks": answers Redis should have given and the local buckets gave}
    QJsonObject status() const;

    // Shared mode: asks Redis for the busiest consumer of each route (its rate-limit policy given),
    // cluster-wide; sharedBusiest() has the answers once they came. This object's thread.
    void refreshBusiest(const QList<std::pair<QByteArray, RateLimitPolicy>> &routes);
    // Any thread: the last answers, by route id (a route whose buckets are all full has none).
    QHash<QByteArray, BusiestConsumer> sharedBusiest() const;

    // The local buckets (busiest consumers in local and local-share mode).
    const RateLimiter &local() const { return m_local; }
    RateLimiter &local() { return m_local; }
    // Answers that Redis should have given and the local buckets gave (late replies, errors).
    qint64 fallbacks() const { return m_fallbacks.load(std::memory_order_relaxed); }

Q_SIGNALS:
    void modeChanged(Mode mode, const QString &reason);

private:
    struct Pending;
    void send(const std::shared_ptr<Pending> &pending);
    void onReply(const std::shared_ptr<Pending> &pending, bool ok, qint64 allowed, qint64 units);
    void expireLate();
    void finishLocally(Pending &pending);
    Decision localDecision(QByteArrayView routeId, QByteArrayView consumer, const RateLimitPolicy &policy);
    void setMode(Mode mode, const QString &reason);

    QUrl m_url;
    QString m_nodeId;
    ServingNodes m_servingNodes;
    const Clock &m_clock;
    Timing m_timing;
    RateLimiter m_local;
    std::unique_ptr<Cluster::RedisConnection> m_redis;
    std::atomic<Mode> m_mode{Mode::Local};
    std::atomic<qint64> m_fallbacks{0};
    mutable std::mutex m_reasonMutex;
    QString m_reason;
    QByteArray m_scriptSha;
    std::deque<std::shared_ptr<Pending>> m_inFlight; // this thread only, in sending order
    QTimer m_lateTimer;
    mutable std::mutex m_busiestMutex;
    QHash<QByteArray, BusiestConsumer> m_busiest;
};

} // namespace Meshdeck::Gateway
