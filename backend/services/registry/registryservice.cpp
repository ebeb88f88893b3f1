#include "registryservice.h"

#include "registryroutes.h"
#include "registrystore.h"

#include "storage/database.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMap>
#include <QRandomGenerator>

#include <QCoroFuture>

Q_LOGGING_CATEGORY(lcRegistry, "meshdeck.backend.registry")

namespace Meshdeck::Registry {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString newInstanceId()
{
    return QStringLiteral("i-%1").arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
}

RegistryService::Answer noSuchInstance(const QString &id)
{
    return {404, QStringLiteral("There is no instance '%1'.").arg(id), "instance-not-found", {}, {}};
}

QFuture<bool> ready(bool value)
{
    return QtFuture::makeReadyFuture(value);
}

QString plural(int n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}
} // namespace

RegistryService::RegistryService(RegistrySettings settings, Storage::Database *database,
                                 EventPublisher *events)
    : m_settings(settings)
    , m_database(database)
    , m_events(events)
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
    QFuture<std::optional<QList<Instance>>> loading = m_database->run([](QSqlDatabase &db) {
        try {
            return std::optional<QList<Instance>>(RegistryStore::loadAll(db));
        } catch (const std::exception &e) {
            qCCritical(lcRegistry) << "cannot read the registry:" << e.what();
            return std::optional<QList<Instance>>();
        }
    });
    const std::optional<QList<Instance>> stored = co_await loading;
    if (!stored)
        co_return QStringLiteral("cannot read the registry from the database");

    m_checkThread.start();
    QMetaObject::invokeMethod(m_scheduler, [this] {
        m_sweepTimer->start();
        m_flushTimer->start();
    });

    std::lock_guard lock(m_mutex);
    const qint64 now = nowMs();
    int restored = 0;
    for (Instance instance : *stored) {
        if (instance.builtin) {
            // The node registers its own services again once it listens, maybe on another port.
            const QString id = instance.id;
            m_database->run([id](QSqlDatabase &db) {
                try {
                    RegistryStore::remove(db, id);
                } catch (const std::exception &e) {
                    qCWarning(lcRegistry) << "cannot remove a stale built-in instance:" << e.what();
                }
            });
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
            commitChange(i, before,
                         QStringLiteral("meshdeckd restarted; critical until the checks pass again"), now);
        scheduleLocked(i);
        ++restored;
    }
    qCInfo(lcRegistry) << "restored" << restored << "instance(s)";
    co_return QString();
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
    m_subscribers.clear();
    co_return;
}

// ---------------------------------------------------------------------------------------------
// Changes: persisted, published and sent, in the order they happen (all under m_mutex)

QFuture<bool> RegistryService::persist(const Instance &instance, std::optional<HistoryEntry> change)
{
    return m_database->run([instance, change](QSqlDatabase &db) {
        try {
            RegistryStore::save(db, instance, change ? &*change : nullptr);
            return true;
        } catch (const std::exception &e) {
            qCWarning(lcRegistry) << "cannot store instance" << instance.id << ":" << e.what();
            return false;
        }
    });
}

QFuture<bool> RegistryService::commitChange(Instance &i, Status before, const QString &reason, qint64 now)
{
    const Status after = i.status();
    if (after == before)
        return persist(i, std::nullopt);
    const HistoryEntry entry{now, before, after, reason};
    i.history.append(entry);
    while (i.history.size() > Instance::HistoryKept)
        i.history.removeFirst();
    i.statusSinceMs = now;
    if (after == Status::Critical && before != Status::Critical)
        i.criticalSinceMs = now;
    else if (after != Status::Critical)
        i.criticalSinceMs = 0;
    qCInfo(lcRegistry).noquote() << i.reg.service << i.id << statusName(before) << "->" << statusName(after)
                                 << ":" << reason;
    QFuture<bool> stored = persist(i, entry);
    announce(QStringLiteral("registry.instance.status_changed"), i,
             QJsonObject{{QStringLiteral("from"), statusName(before)},
                         {QStringLiteral("to"), statusName(after)},
                         {QStringLiteral("reason"), reason}});
    return stored;
}

void RegistryService::announce(const QString &eventType, const Instance &instance, const QJsonObject &extra)
{
    const qint64 now = nowMs();
    QJsonObject data = extra;
    data.insert(QStringLiteral("instance"), instance.toJson(false));
    if (m_events) {
        const EventInput input{
            eventType, instance.id, QJsonDocument(data).toJson(QJsonDocument::Compact), {}};
        m_events->publishEvents(QString::fromLatin1(Topic), {input}, {});
    }
    if (m_subscribers.isEmpty())
        return;
    QJsonObject message = data;
    message.insert(QStringLiteral("type"), QStringLiteral("change"));
    message.insert(QStringLiteral("channel"), prefix());
    message.insert(QStringLiteral("change"), eventType);
    message.insert(QStringLiteral("time"), isoTime(now));
    const QByteArray text = Realtime::jsonText(message);
    for (const Realtime::SubscriptionPtr &s : std::as_const(m_subscribers))
        s->mailbox->post(text);
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

QFuture<bool> RegistryService::removeLocked(const QString &id, const QString &reason)
{
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return ready(true);
    const Instance instance = *it;
    m_instances.erase(it);
    m_byKey.remove(key(instance.reg.service, instance.reg.address, instance.reg.port));
    m_generation.remove(id);
    m_checked.remove(id);
    QMetaObject::invokeMethod(m_scheduler, [this, id] { m_scheduler->unschedule(id); });
    qCInfo(lcRegistry).noquote() << instance.reg.service << id << "deregistered:" << reason;
    QFuture<bool> removed = m_database->run([id](QSqlDatabase &db) {
        try {
            RegistryStore::remove(db, id);
            return true;
        } catch (const std::exception &e) {
            qCWarning(lcRegistry) << "cannot remove instance" << id << ":" << e.what();
            return false;
        }
    });
    announce(QStringLiteral("registry.instance.deregistered"), instance,
             QJsonObject{{QStringLiteral("reason"), reason}});
    return removed;
}

// ---------------------------------------------------------------------------------------------
// The API

RegistryService::Answer RegistryService::registerInstance(const Registration &reg, bool builtin)
{
    std::lock_guard lock(m_mutex);
    const qint64 now = nowMs();
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
        Answer answer{200, {}, {}, {}, commitChange(i, before, reason, now)};
        if (checkChanged) // the checks run on through a drain: only a new check starts over
            scheduleLocked(i);
        announce(QStringLiteral("registry.instance.updated"), i, {});
        answer.body = i.toJson(false);
        return answer;
    }
    if (m_instances.size() >= m_settings.maxInstances)
        return Answer{409,
                      QStringLiteral("The registry holds its maximum of %1 instances; deregister some first.")
                          .arg(m_settings.maxInstances),
                      "registry-full",
                      {},
                      {}};
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
    Answer answer{201, {}, {}, i.toJson(false), persist(i, std::nullopt)};
    announce(QStringLiteral("registry.instance.registered"), i, {});
    return answer;
}

RegistryService::Answer RegistryService::heartbeat(const QString &id, const QJsonObject &body)
{
    std::optional<Status> reported;
    if (body.contains(QStringLiteral("status"))) {
        reported = statusFromName(body.value(QStringLiteral("status")).toString());
        if (!reported || *reported == Status::Draining)
            return Answer{400,
                          QStringLiteral("status must be passing, warning or critical."),
                          "invalid-heartbeat",
                          {},
                          {}};
    }
    const QJsonValue output = body.value(QStringLiteral("output"));
    if (!output.isUndefined() && (!output.isString() || output.toString().size() > 1024))
        return Answer{400,
                      QStringLiteral("output must be a string of at most 1024 characters."),
                      "invalid-heartbeat",
                      {},
                      {}};
    const QJsonValue inFlight = body.value(QStringLiteral("inFlight"));
    qint64 f = 0;
    if (!inFlight.isUndefined() && !wholeNumberIn(inFlight, 0, 1e9, &f))
        return Answer{400,
                      QStringLiteral("inFlight must be a whole number ≥ 0: the requests the instance is "
                                     "serving right now."),
                      "invalid-heartbeat",
                      {},
                      {}};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != QLatin1String("status") && it.key() != QLatin1String("output") &&
            it.key() != QLatin1String("inFlight"))
            return Answer{
                400,
                QStringLiteral("Unknown field '%1'; a heartbeat may carry status, output and inFlight.")
                    .arg(it.key()),
                "invalid-heartbeat",
                {},
                {}};
    }

    std::lock_guard lock(m_mutex);
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return Answer{404,
                      QStringLiteral("There is no instance '%1'; register it again.").arg(id),
                      "instance-not-found",
                      {},
                      {}};
    Instance &i = *it;
    const qint64 now = nowMs();
    i.lastHeartbeatMs = now;
    i.ttlBaseMs = now;
    m_checked.insert(id);
    if (!inFlight.isUndefined()) {
        i.inFlight = int(f);
        if (i.draining && i.inFlight == 0) {
            QJsonObject out = i.toJson(false);
            QFuture<bool> removed =
                removeLocked(id, QStringLiteral("drained: the instance reported no requests in flight"));
            out.insert(QStringLiteral("deregistered"), true);
            return Answer{200, {}, {}, out, removed};
        }
    }
    QFuture<bool> stored = ready(true);
    if (i.reg.check.kind == CheckSpec::Kind::Ttl) {
        const Status before = i.status();
        const Status status = reported.value_or(Status::Passing);
        i.lastOutput =
            output.isString() ? output.toString() : QStringLiteral("heartbeat: %1").arg(statusName(status));
        i.lastCheckMs = now;
        if (status == Status::Critical) {
            i.health.forceCritical();
        } else {
            i.health.apply(status == Status::Warning ? Outcome::Slow : Outcome::Pass,
                           i.reg.check.healthyThreshold, i.reg.check.unhealthyThreshold);
            i.lastPassMs = now;
        }
        if (i.status() != before)
            stored =
                commitChange(i, before, QStringLiteral("heartbeat reported %1").arg(statusName(status)), now);
    } else if (reported) {
        return Answer{
            400,
            QStringLiteral("This instance has an active check; only TTL instances report their status "
                           "in heartbeats."),
            "invalid-heartbeat",
            {},
            {}};
    }
    return Answer{200, {}, {}, i.toJson(false), stored};
}

RegistryService::Answer RegistryService::deregister(const QString &id, const QString &reason)
{
    std::lock_guard lock(m_mutex);
    if (!m_instances.contains(id))
        return noSuchInstance(id);
    return Answer{204, {}, {}, {}, removeLocked(id, reason)};
}

RegistryService::Answer RegistryService::drain(const QString &id, const QJsonObject &body)
{
    int deadlineMs = m_settings.defaultDrainDeadlineMs;
    const QJsonValue deadline = body.value(QStringLiteral("deadlineMs"));
    if (!deadline.isUndefined()) {
        qint64 d = 0;
        if (!wholeNumberIn(deadline, 0, 3'600'000, &d))
            return Answer{
                400,
                QStringLiteral("deadlineMs must be a whole number of milliseconds from 0 to 3600000."),
                "invalid-drain",
                {},
                {}};
        deadlineMs = int(d);
    }
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != QLatin1String("deadlineMs"))
            return Answer{400,
                          QStringLiteral("Unknown field '%1'; a drain takes deadlineMs.").arg(it.key()),
                          "invalid-drain",
                          {},
                          {}};
    }
    std::lock_guard lock(m_mutex);
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return noSuchInstance(id);
    Instance &i = *it;
    const qint64 now = nowMs();
    const Status before = i.status();
    i.draining = true;
    i.drainDeadlineMs = now + deadlineMs;
    i.reg.weight = 0;
    i.inFlight = -1; // only a report made after the drain began counts
    QFuture<bool> stored = commitChange(
        i, before,
        QStringLiteral(
            "drain requested: weight 0; deregistered once it reports no requests in flight, or at %1")
            .arg(isoTime(i.drainDeadlineMs)),
        now);
    return Answer{202, {}, {}, i.toJson(false), stored};
}

RegistryService::Answer RegistryService::patch(const QString &id, const QJsonObject &body)
{
    if (body.isEmpty())
        return Answer{400,
                      QStringLiteral("Nothing to change: send weight, tags or metadata."),
                      "invalid-patch",
                      {},
                      {}};
    int weight = -1;
    QStringList tags;
    QJsonObject metadata;
    QString error;
    for (auto it = body.begin(); it != body.end(); ++it) {
        bool ok = true;
        if (it.key() == QLatin1String("weight"))
            ok = parseWeight(it.value(), &weight, &error);
        else if (it.key() == QLatin1String("tags"))
            ok = parseTags(it.value(), &tags, &error);
        else if (it.key() == QLatin1String("metadata"))
            ok = parseMetadata(it.value(), &metadata, &error);
        else {
            ok = false;
            error = QStringLiteral("'%1' cannot be changed; PATCH takes weight, tags and metadata.")
                        .arg(it.key());
        }
        if (!ok)
            return Answer{400, error, "invalid-patch", {}, {}};
    }
    std::lock_guard lock(m_mutex);
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return noSuchInstance(id);
    Instance &i = *it;
    if (weight >= 0 && i.draining && weight != 0)
        return Answer{
            409,
            QStringLiteral("The instance is draining: its weight stays 0 until it is gone. Register "
                           "it again to end the drain."),
            "instance-draining",
            {},
            {}};
    if (weight >= 0)
        i.reg.weight = weight;
    if (body.contains(QStringLiteral("tags")))
        i.reg.tags = tags;
    if (body.contains(QStringLiteral("metadata")))
        i.reg.metadata = metadata;
    QFuture<bool> stored = persist(i, std::nullopt);
    announce(QStringLiteral("registry.instance.updated"), i, {});
    return Answer{200, {}, {}, i.toJson(false), stored};
}

std::optional<QJsonObject> RegistryService::instance(const QString &id) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_instances.constFind(id);
    if (it == m_instances.cend())
        return std::nullopt;
    return it->toJson(true);
}

QJsonArray RegistryService::services() const
{
    struct Summary {
        QStringList versions;
        QStringList tags;
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

std::optional<QJsonArray> RegistryService::instances(const QString &service,
                                                     std::optional<Status> status) const
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
        return std::nullopt;
    std::sort(matching.begin(), matching.end(), [](const Instance *a, const Instance *b) {
        return std::tie(a->reg.address, a->reg.port) < std::tie(b->reg.address, b->reg.port);
    });
    QJsonArray out;
    for (const Instance *i : matching)
        out.append(i->toJson(false));
    return out;
}

QFuture<QJsonArray> RegistryService::recentChanges(int limit) const
{
    return m_database->run([limit](QSqlDatabase &db) {
        QJsonArray out;
        for (const RegistryStore::Change &c : RegistryStore::recentChanges(db, limit)) {
            QJsonObject o = c.entry.toJson();
            o.insert(QStringLiteral("instanceId"), c.instanceId);
            o.insert(QStringLiteral("service"), c.service);
            out.append(o);
        }
        return out;
    });
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
                                       const QString &nodeId, const QString &version)
{
    for (const QString &service : services) {
        Registration r;
        r.service = QStringLiteral("meshdeck.") + service;
        r.address = address;
        r.port = port;
        r.version = version;
        r.tags = {QStringLiteral("builtin")};
        r.metadata = QJsonObject{{QStringLiteral("nodeId"), nodeId}};
        r.check.kind = CheckSpec::Kind::Http;
        r.check.httpPath = QStringLiteral("/readyz");
        r.check.intervalMs = 10'000;
        r.check.timeoutMs = 2'000;
        r.check.slowMs = 1'000;
        r.check.healthyThreshold = 1;
        registerInstance(r, true);
    }
}

// ---------------------------------------------------------------------------------------------
// Checks (on the check thread)

void RegistryService::onCheckResult(const QString &id, quint64 generation, const HealthProbe::Result &result)
{
    std::lock_guard lock(m_mutex);
    if (m_generation.value(id) != generation)
        return; // deregistered or registered again with another check meanwhile
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return;
    Instance &i = *it;
    const qint64 now = nowMs();
    const CheckSpec &spec = i.reg.check;
    const Outcome outcome = !result.ok                       ? Outcome::Fail
                            : result.latencyMs > spec.slowMs ? Outcome::Slow
                                                             : Outcome::Pass;
    i.lastCheckMs = now;
    i.lastLatencyMs = result.latencyMs;
    i.lastOutput = result.output;
    if (outcome == Outcome::Slow)
        i.lastOutput += QStringLiteral(" (slow: %1 ms, above %2 ms)").arg(result.latencyMs).arg(spec.slowMs);
    if (outcome != Outcome::Fail)
        i.lastPassMs = now;
    m_checked.insert(id);
    const Status before = i.status();
    i.health.apply(outcome, spec.healthyThreshold, spec.unhealthyThreshold);
    if (i.status() == before)
        return;
    QString reason;
    switch (outcome) {
    case Outcome::Fail:
        reason = QStringLiteral("%1 in a row failed: %2")
                     .arg(plural(i.health.failures(), "check", "checks"), result.output);
        break;
    case Outcome::Slow:
        reason = QStringLiteral("the check took %1 ms, above %2 ms").arg(result.latencyMs).arg(spec.slowMs);
        if (before == Status::Critical)
            reason = QStringLiteral("%1 in a row passed; %2")
                         .arg(plural(i.health.successes(), "check", "checks"), reason);
        break;
    case Outcome::Pass:
        reason =
            before == Status::Critical
                ? QStringLiteral("%1 in a row passed").arg(plural(i.health.successes(), "check", "checks"))
                : QStringLiteral("the check answered in %1 ms").arg(result.latencyMs);
        break;
    }
    commitChange(i, before, reason, now);
}

void RegistryService::sweep()
{
    std::lock_guard lock(m_mutex);
    const qint64 now = nowMs();
    QList<std::pair<QString, QString>> removals;
    for (Instance &i : m_instances) {
        if (i.draining) {
            if (now >= i.drainDeadlineMs)
                removals.append({i.id, QStringLiteral("drained: the deadline passed")});
            continue;
        }
        if (i.reg.check.kind == CheckSpec::Kind::Ttl && i.health.status() != Status::Critical &&
            now - i.ttlBaseMs > i.reg.check.ttlMs) {
            const Status before = i.status();
            i.health.forceCritical();
            i.lastOutput = QStringLiteral("no heartbeat for %1 ms (TTL %2 ms)")
                               .arg(now - i.ttlBaseMs)
                               .arg(i.reg.check.ttlMs);
            m_checked.insert(i.id);
            commitChange(i, before, QStringLiteral("TTL expired: ") + i.lastOutput, now);
        }
        const qint64 limit = i.reg.check.deregisterAfterMs >= 0 ? i.reg.check.deregisterAfterMs
                                                                : m_settings.deregisterCriticalAfterMs;
        if (i.health.status() == Status::Critical && i.criticalSinceMs > 0 &&
            now - i.criticalSinceMs >= limit)
            removals.append(
                {i.id,
                 QStringLiteral("critical for longer than %1 s").arg(double(limit) / 1000.0, 0, 'f', 1)});
    }
    for (const auto &[id, reason] : removals)
        removeLocked(id, reason);
    if (now - m_lastPruneMs > 3'600'000) {
        m_lastPruneMs = now;
        const qint64 cutoff = now - m_settings.historyRetentionMs;
        m_database->run([cutoff](QSqlDatabase &db) {
            try {
                RegistryStore::pruneHistory(db, cutoff);
            } catch (const std::exception &e) {
                qCWarning(lcRegistry) << "cannot prune the status history:" << e.what();
            }
        });
    }
}

void RegistryService::flushChecks()
{
    std::lock_guard lock(m_mutex);
    if (m_subscribers.isEmpty() || m_checked.isEmpty()) {
        m_checked.clear();
        return;
    }
    QJsonArray checks;
    for (const QString &id : std::as_const(m_checked)) {
        const auto it = m_instances.constFind(id);
        if (it == m_instances.cend())
            continue;
        QJsonObject c{{QStringLiteral("id"), id},
                      {QStringLiteral("status"), statusName(it->status())},
                      {QStringLiteral("lastCheckAt"), isoTime(it->lastCheckMs)},
                      {QStringLiteral("lastHeartbeatAt"), isoTime(it->lastHeartbeatMs)},
                      {QStringLiteral("lastPassAt"), isoTime(it->lastPassMs)},
                      {QStringLiteral("lastOutput"), it->lastOutput},
                      {QStringLiteral("lastLatencyMs"), it->lastLatencyMs}};
        if (it->inFlight >= 0)
            c.insert(QStringLiteral("inFlight"), it->inFlight);
        checks.append(c);
    }
    m_checked.clear();
    const QByteArray text = Realtime::jsonText(QJsonObject{{QStringLiteral("type"), QStringLiteral("checks")},
                                                           {QStringLiteral("channel"), prefix()},
                                                           {QStringLiteral("checks"), checks}});
    for (const Realtime::SubscriptionPtr &s : std::as_const(m_subscribers))
        s->mailbox->post(text);
}

// ---------------------------------------------------------------------------------------------
// The realtime channel

QString RegistryService::open(Realtime::SubscriptionPtr subscription)
{
    if (subscription->channel != prefix())
        return QStringLiteral("The registry channel is called 'registry'.");
    std::lock_guard lock(m_mutex);
    QJsonArray all;
    for (const Instance &i : std::as_const(m_instances))
        all.append(i.toJson(false));
    subscription->mailbox->post(Realtime::jsonText(
        {{QStringLiteral("type"), QStringLiteral("subscribed")}, {QStringLiteral("channel"), prefix()}}));
    subscription->mailbox->post(Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("snapshot")},
                                                    {QStringLiteral("channel"), prefix()},
                                                    {QStringLiteral("instances"), all}}));
    m_subscribers.insert(subscription->id, subscription);
    return {};
}

void RegistryService::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_mutex);
    m_subscribers.remove(subscription->id);
}

} // namespace Meshdeck::Registry
