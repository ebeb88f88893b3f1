#include "sharedratelimiter.h"

#include "cluster/redisconnection.h"
#include "cluster/redisendpoint.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QPromise>
#include <QThread>

#include <hiredis/hiredis.h>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSharedLimit, "meshdeck.backend.gateway.ratelimit")

namespace Meshdeck::Gateway {

namespace {

// KEYS[1]: the bucket. ARGV[1]: tokens (the policy's requests); ARGV[2]: units per token (the
// window in ms). The same integer units as RateLimiter: a millisecond refills ARGV[1] units.
// Answers {allowed (0|1), units left}. Lua numbers are doubles: exact up to 2^53 units, which
// covers every policy up to requests * perSeconds = 9e12. The time is the server's: one clock
// for every node. A missing key is a full bucket; the key expires once it would be full anyway.
constexpr char takeScript[] = R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local requests = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local capacity = requests * per
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'u', 't', 'c')
local units = tonumber(state[1])
local updated = tonumber(state[2])
local previous = tonumber(state[3])
if units == nil or updated == nil or previous == nil or previous <= 0 then
  units = capacity
  updated = now
else
  if previous ~= capacity then
    units = math.floor(units / previous * capacity)
  end
  local elapsed = now - updated
  if elapsed < 0 then elapsed = 0 end
  if elapsed > per then elapsed = per end
  units = math.min(capacity, units + elapsed * requests)
  if now > updated then updated = now end
end
local allowed = 0
if units >= per then
  units = units - per
  allowed = 1
end
redis.call('HSET', KEYS[1], 'u', string.format('%.0f', units), 't', string.format('%.0f', updated),
           'c', string.format('%.0f', capacity))
redis.call('PEXPIRE', KEYS[1], per + 1000)
local full = updated + math.ceil((capacity - units) / requests)
if full > now then
  redis.call('ZADD', KEYS[2], full, ARGV[3])
else
  redis.call('ZREM', KEYS[2], ARGV[3])
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('PEXPIRE', KEYS[2], per + 1000)
return {allowed, units}
)lua";

// The busiest consumer of a route, for every node alike. The take script keeps, per route, a
// sorted set of consumers scored by when their bucket will be full again; the buckets of a route
// share one policy, so the latest to be full is the one with the fewest tokens now.
// KEYS[1]: the route's set. ARGV as above. Answers {} or {consumer, tokens left}.
constexpr char busiestScript[] = R"lua(
local requests = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local capacity = requests * per
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top < 2 or tonumber(top[2]) <= now then return {} end
local units = capacity - (tonumber(top[2]) - now) * requests
if units < 0 then units = 0 end
return {top[1], math.floor(units / per)}
)lua";

QByteArray bucketKey(QByteArrayView routeId, QByteArrayView consumer)
{
    // Route ids are uuids (no ':'), so "<route>:<consumer>" is unambiguous whatever the consumer.
    QByteArray key;
    key.reserve(20 + routeId.size() + consumer.size());
    key.append("meshdeck:ratelimit:").append(routeId).append(':').append(consumer);
    return key;
}

QByteArray busiestKey(QByteArrayView routeId)
{
    return "meshdeck:ratelimit-busiest:" + routeId.toByteArray();
}

QByteArray replyText(const redisReply *reply)
{
    return reply->str ? QByteArray(reply->str, qsizetype(reply->len)) : QByteArray();
}

} // namespace

struct SharedRateLimiter::Pending {
    QPromise<RateLimitDecision> promise;
    QByteArray routeId;
    QByteArray consumer;
    RateLimitPolicy policy;
    QDeadlineTimer deadline;
    bool done = false;
    bool loaded = false; // sent again with EVAL after NOSCRIPT

    Pending() = default;
    Pending(const Pending &) = delete;
    Pending &operator=(const Pending &) = delete;
    ~Pending()
    {
        // Only when the limiter went away with this request still queued to it: a cancelled
        // future would throw in the awaiting coroutine, so the request passes instead.
        if (!done) {
            const qint64 requests = std::max(policy.requests, 1);
            const qint64 perSeconds = std::max(policy.perSeconds, 1);
            finish(tokenBucketDecision(true, (requests - 1) * perSeconds * 1000, requests, perSeconds));
        }
    }

    void finish(const RateLimitDecision &decision)
    {
        done = true;
        promise.addResult(decision);
        promise.finish();
    }
};

SharedRateLimiter::SharedRateLimiter(QUrl redisUrl, QString nodeId, ServingNodes servingNodes,
                                     const Clock &clock, QObject *parent)
    : SharedRateLimiter(std::move(redisUrl), std::move(nodeId), std::move(servingNodes), clock, Timing{},
                        parent)
{}

SharedRateLimiter::SharedRateLimiter(QUrl redisUrl, QString nodeId, ServingNodes servingNodes,
                                     const Clock &clock, Timing timing, QObject *parent)
    : QObject(parent)
    , m_url(std::move(redisUrl))
    , m_nodeId(std::move(nodeId))
    , m_servingNodes(std::move(servingNodes))
    , m_clock(clock)
    , m_timing(timing)
    , m_scriptSha(QCryptographicHash::hash(QByteArray(takeScript), QCryptographicHash::Sha1).toHex())
{
    m_lateTimer.setInterval(std::max(m_timing.replyTimeoutMs / 4, 10));
    connect(&m_lateTimer, &QTimer::timeout, this, &SharedRateLimiter::expireLate);
    m_reason =
        m_url.isEmpty() ? tr("no Redis configured: this node alone enforces each limit") : tr("not started");
    if (!m_url.isEmpty())
        m_mode.store(Mode::LocalShare);
}

SharedRateLimiter::~SharedRateLimiter()
{
    // First: hiredis answers the unanswered commands (with no reply) while this object is whole.
    if (m_redis)
        disconnect(m_redis.get(), nullptr, this, nullptr);
    m_redis.reset();
    for (const auto &pending : m_inFlight) {
        if (!pending->done)
            finishLocally(*pending);
    }
}

QString SharedRateLimiter::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Local:
        return QStringLiteral("local");
    case Mode::Shared:
        return QStringLiteral("shared");
    case Mode::LocalShare:
        return QStringLiteral("local-share");
    }
    return QStringLiteral("local");
}

bool SharedRateLimiter::start()
{
    if (m_url.isEmpty() || m_redis)
        return true;
    QString error;
    const std::optional<Cluster::RedisEndpoint> endpoint = Cluster::RedisEndpoint::fromUrl(m_url, &error);
    if (!endpoint) {
        setMode(Mode::LocalShare, error);
        return false;
    }
    Cluster::RedisConnection::Timing timing;
    timing.connectTimeoutMs = m_timing.connectTimeoutMs;
    timing.firstRetryMs = m_timing.firstRetryMs;
    timing.maxRetryMs = m_timing.maxRetryMs;
    timing.healthIntervalMs = m_timing.healthIntervalMs;
    QByteArray name = "meshdeck:" + m_nodeId.toUtf8() + ":ratelimit";
    for (char &c : name) {
        if (c <= ' ' || c == '\x7f')
            c = '_';
    }
    m_redis = std::make_unique<Cluster::RedisConnection>(*endpoint, name, timing);
    const QString where = endpoint->display();
    connect(m_redis.get(), &Cluster::RedisConnection::readyChanged, this, [this, where](bool ready) {
        if (ready)
            setMode(Mode::Shared, tr("budgets shared through Redis at %1").arg(where));
        else
            setMode(Mode::LocalShare,
                    tr("Redis at %1 is unavailable (%2): each node enforces its share of each limit")
                        .arg(where, m_redis->lastError()));
    });
    connect(m_redis.get(), &Cluster::RedisConnection::failed, this, [this, where](const QString &reason) {
        if (mode() != Mode::Shared)
            setMode(Mode::LocalShare,
                    tr("Redis at %1 is unavailable (%2): each node enforces its share of each limit")
                        .arg(where, reason));
    });
    setMode(Mode::LocalShare,
            tr("connecting to Redis at %1: each node enforces its share of each limit").arg(where));
    m_redis->start();
    return true;
}

void SharedRateLimiter::setMode(Mode mode, const QString &reason)
{
    const Mode before = m_mode.exchange(mode, std::memory_order_acq_rel);
    {
        const std::lock_guard lock(m_reasonMutex);
        if (before == mode && m_reason == reason)
            return;
        m_reason = reason;
    }
    if (before != mode) {
        if (mode == Mode::Shared)
            qCInfo(lcSharedLimit).noquote() << "rate limits:" << reason;
        else
            qCWarning(lcSharedLimit).noquote() << "rate limits:" << reason;
    }
    emit modeChanged(mode, reason);
}

QJsonObject SharedRateLimiter::status() const
{
    const Mode now = mode();
    QJsonObject status{{QStringLiteral("mode"), modeName(now)}};
    {
        const std::lock_guard lock(m_reasonMutex);
        status.insert(QStringLiteral("reason"), m_reason);
    }
    if (now == Mode::LocalShare)
        status.insert(QStringLiteral("share"), 1.0 / std::max(m_servingNodes ? m_servingNodes() : 1, 1));
    status.insert(QStringLiteral("fallbacks"), double(fallbacks()));
    return status;
}

RateLimitDecision SharedRateLimiter::localDecision(QByteArrayView routeId, QByteArrayView consumer,
                                                   const RateLimitPolicy &policy)
{
    double share = 1.0;
    if (mode() != Mode::Local)
        share = 1.0 / std::max(m_servingNodes ? m_servingNodes() : 1, 1);
    return m_local.take(routeId, consumer, policy, m_clock.nowMs(), share);
}

QFuture<RateLimitDecision> SharedRateLimiter::take(QByteArrayView routeId, QByteArrayView consumer,
                                                   const RateLimitPolicy &policy)
{
    if (mode() != Mode::Shared)
        return QtFuture::makeReadyFuture(localDecision(routeId, consumer, policy));
    auto pending = std::make_shared<Pending>();
    pending->routeId = routeId.toByteArray();
    pending->consumer = consumer.toByteArray();
    pending->policy = policy;
    pending->deadline = QDeadlineTimer(m_timing.replyTimeoutMs);
    pending->promise.start();
    QFuture<RateLimitDecision> future = pending->promise.future();
    if (QThread::currentThread() == thread())
        send(pending);
    else
        QMetaObject::invokeMethod(
            this, [this, pending] { send(pending); }, Qt::QueuedConnection);
    return future;
}

void SharedRateLimiter::send(const std::shared_ptr<Pending> &pending)
{
    if (!m_redis || !m_redis->ready() || pending->deadline.hasExpired() ||
        m_redis->pending() >= m_timing.maxPending) {
        finishLocally(*pending);
        return;
    }
    const QList<QByteArray> arguments{
        pending->loaded ? QByteArray("EVAL") : QByteArray("EVALSHA"),
        pending->loaded ? QByteArray(takeScript) : m_scriptSha,
        QByteArray("2"),
        bucketKey(pending->routeId, pending->consumer),
        busiestKey(pending->routeId),
        QByteArray::number(std::max(pending->policy.requests, 1)),
        QByteArray::number(qint64(std::max(pending->policy.perSeconds, 1)) * 1000),
        pending->consumer,
    };
    const bool sent = m_redis->send(arguments, [this, pending](const redisReply *reply) {
        if (!reply) {
            onReply(pending, false, 0, 0);
        } else if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
                   reply->element[0]->type == REDIS_REPLY_INTEGER &&
                   reply->element[1]->type == REDIS_REPLY_INTEGER) {
            onReply(pending, true, reply->element[0]->integer, reply->element[1]->integer);
        } else if (reply->type == REDIS_REPLY_ERROR && replyText(reply).startsWith("NOSCRIPT") &&
                   !pending->loaded) {
            pending->loaded = true; // EVAL runs the script and caches it for the next EVALSHA
            send(pending);
        } else {
            qCWarning(lcSharedLimit).noquote()
                << "rate limit script failed:"
                << (reply->type == REDIS_REPLY_ERROR ? QString::fromUtf8(replyText(reply))
                                                     : QStringLiteral("unexpected reply"));
            onReply(pending, false, 0, 0);
        }
    });
    if (!sent) {
        finishLocally(*pending);
        return;
    }
    if (!pending->loaded)
        m_inFlight.push_back(pending);
    if (!m_lateTimer.isActive())
        m_lateTimer.start();
}

void SharedRateLimiter::onReply(const std::shared_ptr<Pending> &pending, bool ok, qint64 allowed,
                                qint64 units)
{
    if (!pending->done) {
        if (ok) {
            pending->finish(tokenBucketDecision(allowed == 1, units, std::max(pending->policy.requests, 1),
                                                std::max(pending->policy.perSeconds, 1)));
        } else {
            finishLocally(*pending);
        }
    }
    while (!m_inFlight.empty() && m_inFlight.front()->done)
        m_inFlight.pop_front();
}

void SharedRateLimiter::finishLocally(Pending &pending)
{
    if (pending.done)
        return;
    m_fallbacks.fetch_add(1, std::memory_order_relaxed);
    pending.finish(localDecision(pending.routeId, pending.consumer, pending.policy));
}

void SharedRateLimiter::refreshBusiest(const QList<std::pair<QByteArray, RateLimitPolicy>> &routes)
{
    {
        const std::lock_guard lock(m_busiestMutex);
        for (auto it = m_busiest.begin(); it != m_busiest.end();) {
            const bool listed = std::any_of(routes.cbegin(), routes.cend(),
                                            [&it](const auto &route) { return route.first == it.key(); });
            it = listed ? std::next(it) : m_busiest.erase(it);
        }
    }
    if (!m_redis || !m_redis->ready())
        return;
    for (const auto &[routeId, policy] : routes) {
        const int requests = std::max(policy.requests, 1);
        const QList<QByteArray> arguments{QByteArray("EVAL"),
                                          QByteArray(busiestScript),
                                          QByteArray("1"),
                                          busiestKey(routeId),
                                          QByteArray::number(requests),
                                          QByteArray::number(qint64(std::max(policy.perSeconds, 1)) * 1000)};
        m_redis->send(arguments, [this, routeId, requests](const redisReply *reply) {
            if (!reply || reply->type != REDIS_REPLY_ARRAY)
                return; // an error or a lost connection: the last answer stands
            const std::lock_guard lock(m_busiestMutex);
            if (reply->elements == 2 && reply->element[0]->type == REDIS_REPLY_STRING &&
                reply->element[1]->type == REDIS_REPLY_INTEGER)
                m_busiest.insert(routeId, BusiestConsumer{replyText(reply->element[0]),
                                                          int(reply->element[1]->integer), requests});
            else
                m_busiest.remove(routeId); // every bucket of the route is full
        });
    }
}

QHash<QByteArray, BusiestConsumer> SharedRateLimiter::sharedBusiest() const
{
    const std::lock_guard lock(m_busiestMutex);
    return m_busiest;
}

void SharedRateLimiter::expireLate()
{
    // Sent in order, so deadlines are in order: stop at the first that has time left.
    while (!m_inFlight.empty()) {
        Pending &front = *m_inFlight.front();
        if (!front.done && !front.deadline.hasExpired())
            break;
        if (!front.done)
            finishLocally(front); // the reply, if it comes, is ignored
        m_inFlight.pop_front();
    }
    if (m_inFlight.empty())
        m_lateTimer.stop();
}

} // namespace Meshdeck::Gateway
