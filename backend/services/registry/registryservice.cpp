#include "registryservice.h"

#include "registrystore.h"

#include "storage/database.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMap>
#include <QRandomGenerator>

#include <QCoroFuture>

Q_LOGGING_CATEGORY(lcRegistry, "meshdeck.backend.registry")

namespace Meshdeck::Registry {

namespace {
QString newInstanceId()
{
    return QStringLiteral("i-%1").arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
}

Error noSuchInstance(const QString &id)
{
    return Error::notFound(QStringLiteral("There is no instance '%1'; register it again.").arg(id),
                           "instance-not-found");
}

QFuture<Result<void>> stored()
{
    return QtFuture::makeReadyFuture(Result<void>());
}
} // namespace

RegistryService::RegistryService(RegistrySettings settings, Storage::Database *database,
                                 EventPublisher *events, const Clock &clock)
    : m_settings(settings)
    , m_database(database)
    , m_events(events)
    , m_clock(clock)
{
    m_checkThread.setObjectName(QStringLiteral("registry-checks"));
    m_scheduler =
        new CheckScheduler([this](const QString &id, quint64 generation, const HealthProbe::Result &result) {
            onCheckResult(id, generation, result);
        });
    m_sweepTimer = new QTimer(m_scheduler);
    m_sweepTimer->setInterval(m_settings.sweepIntervalMs);
    connect(m_sweepTimer, &QTimer::timeout, m_scheduler, [this] { sweep(); });
    m_flushTimer = new QTimer(m_scheduler);
    m_flushTimer->setInterval(m_settings.checksFlushIntervalMs);
    connect(m_flushTimer, &QTimer::timeout, m_scheduler, [this] { flushChecks(); });
    m_scheduler->moveToThread(&m_checkThread);
}

RegistryService::~RegistryService()
{
    if (m_checkThread.isRunning()) {
        QMetaObject::invokeMethod(m_scheduler, [this] {
            m_sweepTimer->stop();
            m_flushTimer->stop();
            m_scheduler->clear();
        });
        m_checkThread.quit();
        m_checkThread.wait();
    }
    delete m_scheduler;
}

QString RegistryService::key(const QString &service, const QString &address, int port)
{
    return service + QLatin1Char('|') + address.toLower() + QLatin1Char('|') + QString::number(port);
}

QCoro::Task<QString> RegistryService::start()
{
    if (m_events) {
        QFuture<Result<void>> created = m_events->ensureSystemTopic(QString::fromLatin1(Topic));
        const Result<void> result = co_await created;
        if (!result)
            co_return QStringLiteral("cannot create the registry topic: %1").arg(result.error().reason);
    }
    QCoro::Task<Result<QList<Instance>>> loading = m_database->attempt(&RegistryStore::loadAll);
    Result<QList<Instance>> loaded = co_await loading;
    if (!loaded)
        co_return QStringLiteral("cannot read the registry from the database: %1").arg(loaded.error().reason);

    m_checkThread.start();
    QMetaObject::invokeMethod(m_scheduler, [this] {
        m_sweepTimer->start();
        m_flushTimer->start();
    });
    std::lock_guard lock(m_mutex);
    restoreLocked(std::move(*loaded));
    co_return QString();
}

void RegistryService::restoreLocked(QList<Instance> stored)
{
    const qint64 now = m_clock.nowMs();
    int restored = 0;
    for (Instance &instance : stored) {
        const bool ours =
            m_settings.nodeId.isEmpty() ||
            instance.reg.metadata.value(QStringLiteral("nodeId")).toString() == m_settings.nodeId;
        if (instance.builtin && ours) {
            // The node registers its own services again once it listens, maybe on another port.
            write("remove a stale built-in instance",
                  [id = instance.id](QSqlDatabase &db) { RegistryStore::remove(db, id); });
            continue;
        }
        // Every instance starts critical until its checks prove it again; the time this node was
        // down does not count towards deregistration.
        instance.criticalSinceMs = now;
        instance.ttlBaseMs = now;
        m_byKey.insert(key(instance.reg.service, instance.reg.address, instance.reg.port), instance.id);
        Instance &i = m_instances.insert(instance.id, instance).value();
        const Status before = i.draining ? Status::Draining : i.persistedStatus;
        if (before != i.status())
            commitChange(
                i, {before, QStringLiteral("meshdeckd restarted; critical until the checks pass again")});
        scheduleLocked(i);
        ++restored;
    }
    qCInfo(lcRegistry) << "restored" << restored << "instance(s)";
}

QCoro::Task<void> RegistryService::stop()
{
    if (m_checkThread.isRunning()) {
        QMetaObject::invokeMethod(
            m_scheduler,
            [this] {
                m_sweepTimer->stop();
                m_flushTimer->stop();
                m_scheduler->clear();
            },
            Qt::BlockingQueuedConnection);
        m_checkThread.quit();
        m_checkThread.wait();
    }
    std::lock_guard lock(m_mutex);
    m_channel.clear();
    co_return;
}

// ---------------------------------------------------------------------------------------------
// Changes: stored, published and sent, in the order they happen (all under m_mutex)

template<typename Work> QFuture<Result<void>> RegistryService::write(const char *what, Work work)
{
    return m_database->run([what, work = std::move(work)](QSqlDatabase &db) -> Result<void> {
        try {
            work(db);
            return {};
        } catch (const std::exception &e) {
            qCWarning(lcRegistry) << "cannot" << what << ":" << e.what();
            return Error::unavailable(QStringLiteral("The registry could not store the change (%1); the disk "
                                                     "may be full. Retry once the node's log shows it can "
                                                     "write again.")
                                          .arg(QString::fromUtf8(e.what())),
                                      "storage-unavailable");
        }
    });
}

QFuture<Result<void>> RegistryService::persist(const Instance &instance, std::optional<HistoryEntry> change)
{
    return write("store an instance", [instance, change](QSqlDatabase &db) {
        RegistryStore::save(db, instance, change ? &*change : nullptr);
    });
}

QFuture<Result<void>> RegistryService::commitChange(Instance &i, const StatusChange &change)
{
    if (i.status() == change.before)
        return persist(i, std::nullopt);
    const HistoryEntry entry = recordChange(i, change, m_clock.nowMs());
    qCInfo(lcRegistry).noquote() << i.reg.service << i.id << statusName(entry.from) << "->"
                                 << statusName(entry.to) << ":" << change.reason;
    QFuture<Result<void>> written = persist(i, entry);
    announce(QStringLiteral("registry.instance.status_changed"), i,
             QJsonObject{{QStringLiteral("from"), statusName(entry.from)},
                         {QStringLiteral("to"), statusName(entry.to)},
                         {QStringLiteral("reason"), change.reason}});
    return written;
}

void RegistryService::announce(const QString &eventType, const Instance &instance, const QJsonObject &extra)
{
    QJsonObject data = extra;
    data.insert(QStringLiteral("instance"), instance.toJson(false));
    if (m_events) {
        const EventInput input{
            eventType, instance.id, QJsonDocument(data).toJson(QJsonDocument::Compact), {}};
        m_events->publishEvents(QString::fromLatin1(Topic), {input}, {});
    }
    m_channel.sendChange(eventType, data, m_clock.nowMs());
}

void RegistryService::scheduleLocked(const Instance &i)
{
    const quint64 generation = m_nextGeneration++;
    m_generation.insert(i.id, generation);
    const QString id = i.id;
    if (i.reg.check.active()) {
        QMetaObject::invokeMethod(m_scheduler, [this, id, generation, address = i.reg.address,
                                                port = i.reg.port, spec = i.reg.check] {
            m_scheduler->schedule(id, generation, address, port, spec);
        });
    } else {
        QMetaObject::invokeMethod(m_scheduler, [this, id] { m_scheduler->unschedule(id); });
    }
}

QFuture<Result<void>> RegistryService::removeLocked(const QString &id, const QString &reason)
{
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return stored();
    const Instance instance = *it;
    m_instances.erase(it);
    m_byKey.remove(key(instance.reg.service, instance.reg.address, instance.reg.port));
    m_generation.remove(id);
    m_checked.remove(id);
    QMetaObject::invokeMethod(m_scheduler, [this, id] { m_scheduler->unschedule(id); });
    qCInfo(lcRegistry).noquote() << instance.reg.service << id << "deregistered:" << reason;
    QFuture<Result<void>> removed =
        write("remove an instance", [id](QSqlDatabase &db) { RegistryStore::remove(db, id); });
    announce(QStringLiteral("registry.instance.deregistered"), instance,
             QJsonObject{{QStringLiteral("reason"), reason}});
    return removed;
}

Instance *RegistryService::findLocked(const QString &id)
{
    const auto it = m_instances.find(id);
    return it == m_instances.end() ? nullptr : &*it;
}

// ---------------------------------------------------------------------------------------------
// The API: validated, changed under the lock, answered once durable

QCoro::Task<Result<QJsonObject>> RegistryService::durable(Written written)
{
    QFuture<Result<void>> storing = written.stored;
    const Result<void> result = co_await storing;
    if (!result)
        co_return result.error();
    co_return written.instance;
}

QCoro::Task<Result<RegistryService::Registered>> RegistryService::registerInstance(Registration registration,
                                                                                   bool builtin)
{
    bool created = false;
    Result<Written> written = [&] {
        std::lock_guard lock(m_mutex);
        return registerLocked(registration, builtin, &created);
    }();
    if (!written)
        co_return written.error();
    QCoro::Task<Result<QJsonObject>> storing = durable(std::move(*written));
    Result<QJsonObject> instance = co_await storing;
    if (!instance)
        co_return instance.error();
    co_return Registered{std::move(*instance), created};
}

Result<RegistryService::Written> RegistryService::registerLocked(const Registration &reg, bool builtin,
                                                                 bool *created)
{
    const qint64 now = m_clock.nowMs();
    const QString k = key(reg.service, reg.address, reg.port);
    if (const QString existing = m_byKey.value(k); !existing.isEmpty()) {
        Instance &i = m_instances[existing];
        const Status before = i.status();
        const bool checkChanged = i.reg.check.toJson() != reg.check.toJson();
        i.reg = reg;
        i.builtin = builtin;
        i.ttlBaseMs = now;
        QString reason = QStringLiteral("registered again");
        if (i.draining) {
            i.draining = false;
            reason = QStringLiteral("registered again, which ends the drain");
        }
        if (checkChanged) {
            i.health = HealthState();
            reason += QStringLiteral(" with a new check; critical until it passes");
        }
        QFuture<Result<void>> written = commitChange(i, {before, reason});
        if (checkChanged) // the checks run on through a drain: only a new check starts over
            scheduleLocked(i);
        announce(QStringLiteral("registry.instance.updated"), i, {});
        return Written{i.toJson(false), written};
    }
    if (m_instances.size() >= m_settings.maxInstances)
        return Error::conflict(
            QStringLiteral("The registry holds its maximum of %1 instances; deregister some first.")
                .arg(m_settings.maxInstances),
            "registry-full");
    Instance fresh;
    fresh.id = newInstanceId();
    fresh.reg = reg;
    fresh.builtin = builtin;
    fresh.registeredAtMs = now;
    fresh.statusSinceMs = now;
    fresh.criticalSinceMs = now;
    fresh.ttlBaseMs = now;
    Instance &i = m_instances.insert(fresh.id, fresh).value();
    m_byKey.insert(k, i.id);
    scheduleLocked(i);
    *created = true;
    Written written{i.toJson(false), persist(i, std::nullopt)};
    announce(QStringLiteral("registry.instance.registered"), i, {});
    return written;
}

QCoro::Task<Result<QJsonObject>> RegistryService::heartbeat(QString id, QJsonObject body)
{
    const Result<HeartbeatReport> report = parseHeartbeat(body);
    if (!report)
        co_return report.error();
    Result<Written> written = [&] {
        std::lock_guard lock(m_mutex);
        return heartbeatLocked(id, *report);
    }();
    if (!written)
        co_return written.error();
    QCoro::Task<Result<QJsonObject>> storing = durable(std::move(*written));
    co_return co_await storing;
}

Result<RegistryService::Written> RegistryService::heartbeatLocked(const QString &id,
                                                                  const HeartbeatReport &report)
{
    Instance *i = findLocked(id);
    if (!i)
        return noSuchInstance(id);
    const Result<std::optional<StatusChange>> change = applyHeartbeat(*i, report, m_clock.nowMs());
    if (!change)
        return change.error();
    m_checked.insert(id);
    if (i->draining && report.inFlight == 0) {
        QJsonObject out = i->toJson(false);
        out.insert(QStringLiteral("deregistered"), true);
        return Written{
            out, removeLocked(id, QStringLiteral("drained: the instance reported no requests in flight"))};
    }
    QFuture<Result<void>> written = *change ? commitChange(*i, **change) : stored();
    return Written{i->toJson(false), written};
}

QCoro::Task<Result<void>> RegistryService::deregister(QString id, QString reason)
{
    QFuture<Result<void>> removing;
    {
        std::lock_guard lock(m_mutex);
        if (!m_instances.contains(id))
            co_return noSuchInstance(id);
        removing = removeLocked(id, reason);
    }
    co_return co_await removing;
}

QCoro::Task<Result<QJsonObject>> RegistryService::drain(QString id, QJsonObject body)
{
    const Result<int> deadlineMs = parseDrain(body, m_settings.defaultDrainDeadlineMs);
    if (!deadlineMs)
        co_return deadlineMs.error();
    Result<Written> written = [&] {
        std::lock_guard lock(m_mutex);
        return drainLocked(id, *deadlineMs);
    }();
    if (!written)
        co_return written.error();
    QCoro::Task<Result<QJsonObject>> storing = durable(std::move(*written));
    co_return co_await storing;
}

Result<RegistryService::Written> RegistryService::drainLocked(const QString &id, int deadlineMs)
{
    Instance *i = findLocked(id);
    if (!i)
        return noSuchInstance(id);
    const StatusChange change = startDrain(*i, deadlineMs, m_clock.nowMs());
    QFuture<Result<void>> written = commitChange(*i, change);
    return Written{i->toJson(false), written};
}

QCoro::Task<Result<QJsonObject>> RegistryService::patch(QString id, QJsonObject body)
{
    const Result<InstancePatch> parsed = parsePatch(body);
    if (!parsed)
        co_return parsed.error();
    Result<Written> written = [&] {
        std::lock_guard lock(m_mutex);
        return patchLocked(id, *parsed);
    }();
    if (!written)
        co_return written.error();
    QCoro::Task<Result<QJsonObject>> storing = durable(std::move(*written));
    co_return co_await storing;
}

Result<RegistryService::Written> RegistryService::patchLocked(const QString &id, const InstancePatch &patch)
{
    Instance *i = findLocked(id);
    if (!i)
        return noSuchInstance(id);
    const Result<void> applied = applyPatch(*i, patch);
    if (!applied)
        return applied.error();
    QFuture<Result<void>> written = persist(*i, std::nullopt);
    announce(QStringLiteral("registry.instance.updated"), *i, {});
    return Written{i->toJson(false), written};
}

Result<QJsonObject> RegistryService::instance(const QString &id) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_instances.constFind(id);
    if (it == m_instances.cend())
        return noSuchInstance(id);
    return it->toJson(true);
}

QJsonArray RegistryService::services() const
{
    struct Summary {
        QStringList versions;
        int counts[4] = {0, 0, 0, 0};
        bool builtin = true;
    };
    QMap<QString, Summary> byName;
    {
        std::lock_guard lock(m_mutex);
        for (const Instance &i : m_instances) {
            Summary &s = byName[i.reg.service];
            if (!i.reg.version.isEmpty() && !s.versions.contains(i.reg.version))
                s.versions << i.reg.version;
            ++s.counts[int(i.status())];
            s.builtin = s.builtin && i.builtin;
        }
    }
    QJsonArray out;
    for (auto it = byName.begin(); it != byName.end(); ++it) {
        Summary &s = it.value();
        s.versions.sort();
        const int total = s.counts[0] + s.counts[1] + s.counts[2] + s.counts[3];
        out.append(QJsonObject{{QStringLiteral("name"), it.key()},
                               {QStringLiteral("versions"), QJsonArray::fromStringList(s.versions)},
                               {QStringLiteral("builtin"), s.builtin},
                               {QStringLiteral("instances"), total},
                               {QStringLiteral("counts"),
                                QJsonObject{{QStringLiteral("passing"), s.counts[int(Status::Passing)]},
                                            {QStringLiteral("warning"), s.counts[int(Status::Warning)]},
                                            {QStringLiteral("critical"), s.counts[int(Status::Critical)]},
                                            {QStringLiteral("draining"), s.counts[int(Status::Draining)]}}}});
    }
    return out;
}

Result<QJsonArray> RegistryService::instances(const QString &service, std::optional<Status> status) const
{
    std::lock_guard lock(m_mutex);
    QList<const Instance *> matching;
    bool known = false;
    for (const Instance &i : m_instances) {
        if (i.reg.service != service)
            continue;
        known = true;
        if (!status || i.status() == *status)
            matching << &i;
    }
    if (!known)
        return Error::notFound(QStringLiteral("No instance of service '%1' is registered.").arg(service),
                               "service-not-found");
    std::sort(matching.begin(), matching.end(), [](const Instance *a, const Instance *b) {
        return std::tie(a->reg.address, a->reg.port) < std::tie(b->reg.address, b->reg.port);
    });
    QJsonArray out;
    for (const Instance *i : matching)
        out.append(i->toJson(false));
    return out;
}

QCoro::Task<Result<QJsonArray>> RegistryService::recentChanges(int limit) const
{
    QCoro::Task<Result<QList<RegistryStore::Change>>> reading =
        m_database->attempt([limit](QSqlDatabase &db) { return RegistryStore::recentChanges(db, limit); });
    const Result<QList<RegistryStore::Change>> changes = co_await reading;
    if (!changes)
        co_return changes.error();
    QJsonArray out;
    for (const RegistryStore::Change &c : *changes) {
        QJsonObject o = c.entry.toJson();
        o.insert(QStringLiteral("instanceId"), c.instanceId);
        o.insert(QStringLiteral("service"), c.service);
        out.append(o);
    }
    co_return out;
}

QJsonObject RegistryService::stats() const
{
    const CheckScheduler::Stats s = m_scheduler->stats();
    int instances = 0;
    {
        std::lock_guard lock(m_mutex);
        instances = int(m_instances.size());
    }
    return QJsonObject{
        {QStringLiteral("instances"), instances},
        {QStringLiteral("activeChecks"), s.scheduled},
        {QStringLiteral("checksStarted"), double(s.checksStarted)},
        {QStringLiteral("schedulingLagMs"), QJsonObject{{QStringLiteral("p50"), s.lagP50Ms},
                                                        {QStringLiteral("p99"), s.lagP99Ms},
                                                        {QStringLiteral("max"), s.lagMaxMs},
                                                        {QStringLiteral("samples"), s.samples}}}};
}

void RegistryService::registerBuiltins(const QStringList &services, const QString &address, int port,
                                       const QString &nodeId, const QString &version, bool tls)
{
    for (const QString &service : services) {
        Registration r;
        r.service = QStringLiteral("meshdeck.") + service;
        r.address = address;
        r.port = port;
        r.version = version;
        r.tags = {QStringLiteral("builtin")};
        r.metadata = QJsonObject{{QStringLiteral("nodeId"), nodeId}};
        r.check.kind = tls ? CheckSpec::Kind::Tcp : CheckSpec::Kind::Http;
        if (!tls)
            r.check.httpPath = QStringLiteral("/readyz");
        r.check.intervalMs = 10'000;
        r.check.timeoutMs = 2'000;
        r.check.slowMs = 1'000;
        r.check.healthyThreshold = 1;
        std::lock_guard lock(m_mutex);
        bool created = false;
        (void)registerLocked(r, true, &created); // a failed write is logged; the next change retries
    }
}

// ---------------------------------------------------------------------------------------------
// Checks, time and the channel's coalesced check results (on the check thread)

void RegistryService::onCheckResult(const QString &id, quint64 generation, const HealthProbe::Result &result)
{
    std::lock_guard lock(m_mutex);
    if (m_generation.value(id) != generation)
        return; // deregistered or registered again with another check meanwhile
    Instance *i = findLocked(id);
    if (!i)
        return;
    m_checked.insert(id);
    if (const std::optional<StatusChange> change = applyCheckResult(*i, result, m_clock.nowMs()))
        commitChange(*i, *change);
}

void RegistryService::sweep()
{
    std::lock_guard lock(m_mutex);
    const qint64 now = m_clock.nowMs();
    QList<std::pair<QString, QString>> removals;
    for (Instance &i : m_instances) {
        if (const std::optional<StatusChange> expired = expireTtl(i, now)) {
            m_checked.insert(i.id);
            commitChange(i, *expired);
        }
        if (const std::optional<QString> reason = removalReason(i, now, m_settings.deregisterCriticalAfterMs))
            removals.append({i.id, *reason});
    }
    for (const auto &[id, reason] : removals)
        removeLocked(id, reason);
    if (now - m_lastPruneMs > 3'600'000) {
        m_lastPruneMs = now;
        const qint64 cutoff = now - m_settings.historyRetentionMs;
        write("prune the status history",
              [cutoff](QSqlDatabase &db) { RegistryStore::pruneHistory(db, cutoff); });
    }
}

void RegistryService::flushChecks()
{
    std::lock_guard lock(m_mutex);
    m_channel.sendChecks(m_checked);
    m_checked.clear();
}

} // namespace Meshdeck::Registry
