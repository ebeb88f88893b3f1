#include "gatewayservice.h"

#include "drainstore.h"
#include "gatewayproxy.h"
#include "metricsstore.h"

#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>

Q_LOGGING_CATEGORY(lcGateway, "meshdeck.gateway")

namespace Meshdeck::Gateway {

GatewayService::GatewayService(GatewaySettings settings, Storage::Database *database, EventPublisher *events,
                               const InstanceDirectory *directory, const Clock &clock)
    : m_settings(std::move(settings))
    , m_database(database)
    , m_events(events)
    , m_directory(directory)
    , m_clock(clock)
    , m_catalog(
          std::make_unique<RoutesCatalog>(database, m_settings.cluster, m_settings.syncIntervalMs, &clock))
    , m_breakers([this](const BreakerTransition &t) { onTransition(t); })
    , m_limits(std::make_unique<SharedRateLimiter>(
          m_settings.redisUrl, m_settings.nodeId,
          m_settings.servingNodes ? m_settings.servingNodes : std::function<int()>([] { return 1; }), clock))
    , m_accessLog(events, m_settings.accessLogSample, m_settings.accessLogMaxPerSecond)
{
    GatewayProxy::Parts parts;
    parts.catalog = m_catalog.get();
    parts.directory = m_directory;
    parts.breakers = &m_breakers;
    parts.limiter = &m_limits->local();
    parts.sharedLimiter = m_limits.get();
    parts.metrics = &m_metrics;
    parts.inFlight = &m_inFlight;
    parts.accessLog = &m_accessLog;
    parts.clock = &m_clock;
    m_proxy = std::make_unique<GatewayProxy>(parts);
    m_catalog->setServiceLookup([directory](const QString &service) -> std::optional<ServiceHealth> {
        const InstanceList instances = directory->instancesOf(service);
        if (instances->empty())
            return std::nullopt;
        ServiceHealth health{service, int(instances->size()), 0};
        for (const UpstreamInstance &i : *instances)
            health.passing += i.health == UpstreamInstance::Health::Passing && !i.draining;
        return health;
    });
    m_tickTimer.setInterval(1000);
    connect(&m_tickTimer, &QTimer::timeout, this, &GatewayService::tick);
    m_drainTimer.setInterval(m_settings.syncIntervalMs);
    connect(&m_drainTimer, &QTimer::timeout, this, &GatewayService::exchangeDrainCounts);
}

GatewayService::~GatewayService() = default;

void GatewayService::setAuthenticator(const Authenticator *authenticator)
{
    m_proxy->setAuthenticator(authenticator);
}

QCoro::Task<QString> GatewayService::start()
{
    QCoro::Task<QString> loading = m_catalog->start();
    if (QString error = co_await loading; !error.isEmpty())
        co_return QStringLiteral("gateway: %1").arg(error);
    for (const char *topic : {Topic, AccessLog::Topic}) {
        QFuture<Result<void>> ensured =
            m_events->ensureSystemTopic(QString::fromLatin1(topic), "gateway.read");
        if (const Result<void> made = co_await ensured; !made)
            co_return QStringLiteral("gateway: cannot create the %1 topic: %2")
                .arg(QString::fromLatin1(topic), made.error().reason);
    }
    // This node's minutes of the last day, so the hour and day series survive a restart.
    const qint64 now = m_clock.nowMs();
    const QString node = m_settings.nodeId;
    QCoro::Task<Result<std::vector<MinuteRow>>> reading = m_database->attempt([now, node](QSqlDatabase &db) {
        return MetricsStore::minutes(db, now - MetricsStore::KeepMs, now, std::nullopt, node);
    });
    const Result<std::vector<MinuteRow>> minutes = co_await reading;
    if (minutes)
        m_metrics.loadMinutes(*minutes);
    else
        qCWarning(lcGateway).noquote() << "cannot read the stored minute series:" << minutes.error().reason;
    if (!m_limits->start())
        co_return QStringLiteral("gateway: rate limits: %1")
            .arg(m_limits->status().value(QStringLiteral("reason")).toString());
    m_tickTimer.start();
    if (m_settings.cluster)
        m_drainTimer.start();
    co_return QString();
}

QCoro::Task<void> GatewayService::stop()
{
    m_tickTimer.stop();
    m_drainTimer.stop();
    m_catalog->stop();
    storeMinutes(true); // the minute being filled too: a restart within it keeps its requests
    m_accessLog.flush();
    co_return;
}

void GatewayService::tick()
{
    const qint64 now = m_clock.nowMs();
    m_metrics.tick(now);
    if (now / 60'000 != (now - 1000) / 60'000)
        storeMinutes();
    if (m_limits->mode() == SharedRateLimiter::Mode::Shared) {
        QList<std::pair<QByteArray, RateLimitPolicy>> limited;
        if (const RouteTablePtr table = m_catalog->table()) {
            for (const Route &route : table->routes()) {
                if (route.spec.rateLimit)
                    limited.append({route.id.toUtf8(), *route.spec.rateLimit});
            }
        }
        m_limits->refreshBusiest(limited);
    }
    forgetStaleBreakers();
    QList<BreakerTransition> changed;
    {
        std::lock_guard lock(m_changedMutex);
        changed.swap(m_changedBreakers);
    }
    if (!m_channel.hasSubscribers())
        return;
    QJsonObject message = m_metrics.live();
    message.insert(QStringLiteral("type"), QStringLiteral("gateway.metrics"));
    QJsonArray breakers;
    QSet<QString> seen;
    for (const BreakerTransition &t : changed) {
        const QString key = t.routeId + QLatin1Char('/') + t.instanceId;
        if (seen.contains(key))
            continue;
        seen.insert(key);
        if (const std::optional<BreakerSnapshot> b = m_breakers.snapshot(t.routeId, t.instanceId))
            breakers.append(breakerJson(*b));
    }
    message.insert(QStringLiteral("breakers"), breakers);
    m_channel.broadcast(message);
}

// Every second, so the breakers listed are those the gateway can still route through: instance ids
// change with every deployment, and a breaker per instance ever seen would grow without end. An
// outcome still on its way to a dropped breaker counts for nothing (circuitbreaker.h).
void GatewayService::forgetStaleBreakers()
{
    const RouteTablePtr table = m_catalog->table();
    QHash<QString, QSet<QString>> instancesByService;
    for (const BreakerSnapshot &b : m_breakers.snapshot()) {
        const Route *route = table ? table->find(b.routeId) : nullptr;
        if (route) {
            auto known = instancesByService.find(route->spec.service);
            if (known == instancesByService.end()) {
                QSet<QString> ids;
                for (const UpstreamInstance &i : *m_directory->instancesOf(route->spec.service))
                    ids.insert(i.id);
                known = instancesByService.insert(route->spec.service, std::move(ids));
            }
            if (known->contains(b.instanceId))
                continue;
        }
        m_breakers.forget(b.routeId, b.instanceId);
    }
}

void GatewayService::storeMinutes(bool includeCurrent)
{
    std::vector<MinuteRow> rows =
        m_metrics.takeFinishedMinutes(m_settings.nodeId, includeCurrent ? GatewayMetrics::Take::IncludeCurrent
                                                                        : GatewayMetrics::Take::Finished);
    const qint64 cutoff = m_clock.nowMs() - MetricsStore::KeepMs;
    QCoro::Task<Result<int>> writing =
        m_database->attempt([rows = std::move(rows), cutoff](QSqlDatabase &db) {
            if (!rows.empty())
                MetricsStore::writeMinutes(db, rows);
            return MetricsStore::pruneMinutes(db, cutoff);
        });
    QCoro::connect(std::move(writing), this, [](const Result<int> &written) {
        if (!written)
            qCWarning(lcGateway).noquote() << "cannot store the minute series:" << written.error().reason;
    });
}

int GatewayService::drainInFlight(const QString &instanceId) const
{
    int count = m_inFlight.drainCount(instanceId);
    if (!m_settings.cluster)
        return count;
    // A node that is gone (its heartbeat stale) is not waited for: its requests died with it.
    const QStringList live = m_settings.liveNodes ? m_settings.liveNodes() : QStringList();
    std::lock_guard lock(m_drainMutex);
    const QHash<QString, int> reported = m_otherDrainCounts.value(instanceId);
    for (const QString &node : live) {
        if (node == m_settings.nodeId)
            continue;
        const auto it = reported.constFind(node);
        count += it == reported.cend() ? 1 : it.value();
    }
    return count;
}

void GatewayService::exchangeDrainCounts()
{
    if (m_exchangingDrains)
        return; // the database is slow: one exchange at a time
    // Once this node's registry says an instance drains, its gateway sends nothing new there: the
    // count written now only falls.
    QHash<QString, int> mine;
    for (const QString &id : m_directory->drainingInstances())
        mine.insert(id, m_inFlight.drainCount(id));
    m_exchangingDrains = true;
    const QString node = m_settings.nodeId;
    const qint64 now = m_clock.nowMs();
    // Nothing drains and this node's rows are gone already: nothing to write (most of the time).
    const bool write = !mine.isEmpty() || m_drainRowsWritten;
    const bool rowsAfter = !mine.isEmpty();
    QCoro::Task<Result<std::vector<DrainCount>>> exchanging =
        m_database->attempt([node, mine = std::move(mine), now, write](QSqlDatabase &db) {
            return DrainStore::exchange(db, node, mine, now, write);
        });
    QCoro::connect(std::move(exchanging), this,
                   [this, write, rowsAfter](const Result<std::vector<DrainCount>> &others) {
                       m_exchangingDrains = false;
                       if (others && write)
                           m_drainRowsWritten = rowsAfter;
                       if (!others) {
                           qCWarning(lcGateway).noquote()
                               << "cannot exchange the drain counts:" << others.error().reason;
                           return;
                       }
                       QHash<QString, QHash<QString, int>> counts;
                       for (const DrainCount &c : *others)
                           counts[c.instanceId].insert(c.nodeId, c.inFlight);
                       std::lock_guard lock(m_drainMutex);
                       m_otherDrainCounts = std::move(counts);
                   });
}

void GatewayService::onTransition(const BreakerTransition &t)
{
    {
        std::lock_guard lock(m_changedMutex);
        m_changedBreakers.append(t);
    }
    const RouteTablePtr table = m_catalog->table();
    const Route *route = table ? table->find(t.routeId) : nullptr;
    const QJsonObject data{{QStringLiteral("routeId"), t.routeId},
                           {QStringLiteral("routeName"), route ? route->spec.name : QString()},
                           {QStringLiteral("instanceId"), t.instanceId},
                           {QStringLiteral("from"), breakerStateName(t.from)},
                           {QStringLiteral("to"), breakerStateName(t.to)},
                           {QStringLiteral("reason"), t.reason},
                           {QStringLiteral("at"), isoTime(t.atMs)}};
    qCInfo(lcGateway).noquote() << "breaker" << (route ? route->spec.name : t.routeId) << t.instanceId
                                << breakerStateName(t.from) << "->" << breakerStateName(t.to) << ":"
                                << t.reason;
    m_events->publishEvents(QString::fromLatin1(Topic),
                            {EventInput{QStringLiteral("gateway.breaker"),
                                        t.routeId + QLatin1Char('/') + t.instanceId,
                                        QJsonDocument(data).toJson(QJsonDocument::Compact),
                                        {}}},
                            QString());
}

QJsonObject GatewayService::breakerJson(const BreakerSnapshot &b) const
{
    const RouteTablePtr table = m_catalog->table();
    const Route *route = table ? table->find(b.routeId) : nullptr;
    QString address;
    int port = 0;
    if (route) {
        for (const UpstreamInstance &i : *m_directory->instancesOf(route->spec.service)) {
            if (i.id == b.instanceId) {
                address = QString::fromLatin1(i.address);
                port = i.port;
            }
        }
    }
    QJsonArray trips;
    for (const BreakerTransition &t : b.trips)
        trips.append(QJsonObject{{QStringLiteral("at"), isoTime(t.atMs)},
                                 {QStringLiteral("from"), breakerStateName(t.from)},
                                 {QStringLiteral("to"), breakerStateName(t.to)},
                                 {QStringLiteral("reason"), t.reason}});
    return QJsonObject{
        {QStringLiteral("routeId"), b.routeId},
        {QStringLiteral("routeName"), route ? route->spec.name : QString()},
        {QStringLiteral("instanceId"), b.instanceId},
        {QStringLiteral("address"), address.isEmpty() ? QJsonValue() : QJsonValue(address)},
        {QStringLiteral("port"), port > 0 ? QJsonValue(port) : QJsonValue()},
        {QStringLiteral("state"), breakerStateName(b.state)},
        {QStringLiteral("consecutiveFailures"), b.consecutiveFailures},
        {QStringLiteral("openedAt"), b.openedAtMs ? QJsonValue(isoTime(*b.openedAtMs)) : QJsonValue()},
        {QStringLiteral("trips"), trips}};
}

QJsonObject GatewayService::breakersJson() const
{
    QJsonArray all;
    for (const BreakerSnapshot &b : m_breakers.snapshot())
        all.append(breakerJson(b));
    return QJsonObject{{QStringLiteral("breakers"), all}};
}

Result<QJsonObject> GatewayService::resetBreaker(const QString &routeId, const QString &instanceId,
                                                 const QString &by)
{
    const std::optional<BreakerSnapshot> reset = m_breakers.reset(routeId, instanceId, by, m_clock.nowMs());
    if (!reset)
        return Error::notFound(
            QStringLiteral("The route %1 has no circuit breaker for the instance %2 (a breaker "
                           "exists once the gateway has sent the instance a request).")
                .arg(routeId, instanceId),
            "breaker-not-found");
    return breakerJson(*reset);
}

namespace {
double roundedMs(double ms)
{
    return std::round(ms * 1000.0) / 1000.0;
}

QJsonObject numbersJson(const OverviewNumbers &n)
{
    return QJsonObject{{QStringLiteral("ratePerSecond"), n.ratePerSecond},
                       {QStringLiteral("errorPercent"), n.errorPercent},
                       {QStringLiteral("p50Ms"), roundedMs(n.p50Ms)},
                       {QStringLiteral("p95Ms"), roundedMs(n.p95Ms)},
                       {QStringLiteral("p99Ms"), roundedMs(n.p99Ms)},
                       {QStringLiteral("gatewayP99Ms"), roundedMs(n.gatewayP99Ms)},
                       {QStringLiteral("rateLimited5m"), qint64(n.rateLimited5m)}};
}
} // namespace

QJsonObject GatewayService::overview() const
{
    const RouteTablePtr table = m_catalog->table();
    const qint64 now = m_clock.nowMs();
    // Shared mode: Redis holds the buckets, and its answer covers every node's consumers.
    const QHash<QByteArray, BusiestConsumer> busiest = m_limits->mode() == SharedRateLimiter::Mode::Shared
                                                           ? m_limits->sharedBusiest()
                                                           : m_limits->local().busiestByRoute(now);
    QHash<QString, QList<BreakerSnapshot>> breakersByRoute;
    for (const BreakerSnapshot &b : m_breakers.snapshot())
        breakersByRoute[b.routeId].append(b);
    QJsonArray routes;
    for (const Route &route : table ? table->routes() : QList<Route>{}) {
        QJsonObject r = numbersJson(m_metrics.overviewNumbers(route.id));
        r.insert(QStringLiteral("id"), route.id);
        r.insert(QStringLiteral("name"), route.spec.name);
        r.insert(QStringLiteral("service"), route.spec.service);
        const auto b = busiest.constFind(route.id.toUtf8());
        r.insert(QStringLiteral("busiestConsumer"),
                 b == busiest.cend()
                     ? QJsonValue()
                     : QJsonObject{{QStringLiteral("consumer"), QString::fromUtf8(b->consumer)},
                                   {QStringLiteral("remaining"), b->remaining},
                                   {QStringLiteral("limit"), b->limit}});
        QJsonArray instances;
        const QList<BreakerSnapshot> breakers = breakersByRoute.value(route.id);
        for (const UpstreamInstance &i : *m_directory->instancesOf(route.spec.service)) {
            BreakerState state = BreakerState::Closed;
            QJsonValue openedAt;
            for (const BreakerSnapshot &s : breakers) {
                if (s.instanceId == i.id) {
                    state = s.state;
                    if (s.openedAtMs)
                        openedAt = isoTime(*s.openedAtMs);
                }
            }
            instances.append(QJsonObject{{QStringLiteral("id"), i.id},
                                         {QStringLiteral("address"), QString::fromLatin1(i.address)},
                                         {QStringLiteral("port"), i.port},
                                         {QStringLiteral("breaker"), breakerStateName(state)},
                                         {QStringLiteral("inFlight"), m_inFlight.count(i.id)},
                                         {QStringLiteral("openedAt"), openedAt}});
        }
        r.insert(QStringLiteral("instances"), instances);
        routes.append(r);
    }
    const OverviewNumbers all = m_metrics.overviewNumbers(std::nullopt);
    return QJsonObject{
        {QStringLiteral("routes"), routes},
        {QStringLiteral("totals"), QJsonObject{{QStringLiteral("ratePerSecond"), all.ratePerSecond},
                                               {QStringLiteral("errorPercent"), all.errorPercent},
                                               {QStringLiteral("p95Ms"), roundedMs(all.p95Ms)}}},
        {QStringLiteral("rateLimits"), rateLimitStatus()}};
}

QJsonObject GatewayService::rateLimitStatus() const
{
    const QJsonObject status = m_limits->status();
    return QJsonObject{{QStringLiteral("mode"), status.value(QStringLiteral("mode"))},
                       {QStringLiteral("reason"), status.value(QStringLiteral("reason"))}};
}

QCoro::Task<Result<QJsonObject>> GatewayService::series(std::optional<QString> route, Range range)
{
    const qint64 now = m_clock.nowMs();
    if (range == Range::FiveMinutes || !m_settings.cluster)
        co_return m_metrics.series(route, range, now);
    // The hour and the day of a cluster: every node's stored minutes, merged.
    std::optional<QString> routeId = route;
    if (route) {
        const RouteTablePtr table = m_catalog->table();
        for (const Route &r : table ? table->routes() : QList<Route>{}) {
            if (r.spec.name == *route)
                routeId = r.id;
        }
    }
    const qint64 span = range == Range::OneHour ? 3'600'000 : MetricsStore::KeepMs;
    QCoro::Task<Result<std::vector<MinuteRow>>> reading =
        m_database->attempt([now, span, routeId](QSqlDatabase &db) {
            return MetricsStore::minutes(db, now - span - 60'000, now, routeId);
        });
    const Result<std::vector<MinuteRow>> rows = co_await reading;
    if (!rows)
        co_return rows.error();
    co_return GatewayMetrics::mergedSeries(*rows, routeId, range, now);
}

QByteArray GatewayService::prometheusText() const
{
    std::vector<BreakerGauge> gauges;
    const RouteTablePtr table = m_catalog->table();
    for (const BreakerSnapshot &b : m_breakers.snapshot()) {
        const Route *route = table ? table->find(b.routeId) : nullptr;
        gauges.push_back(BreakerGauge{route ? route->spec.name : b.routeId, b.instanceId,
                                      b.state == BreakerState::Closed     ? 0
                                      : b.state == BreakerState::HalfOpen ? 1
                                                                          : 2});
    }
    return m_metrics.prometheusText(gauges);
}

} // namespace Meshdeck::Gateway
