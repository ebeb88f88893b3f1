#include "registryservice.h"

#include "registrystore.h"

#include "storage/database.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMap>
#include <QRandomGenerator>
#include <QtEndian>

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
    m_guard->service = this;
    m_syncTimer.setInterval(m_settings.syncIntervalMs);
    connect(&m_syncTimer, &QTimer::timeout, this, [this] {
        if (m_syncing)
            return;
        m_syncing = true;
        QCoro::connect(sync(), this, [this] { m_syncing = false; });
    });
}

RegistryService::~RegistryService()
{
    {
        std::lock_guard lock(m_guard->mutex); // queued writes no longer report back
        m_guard->service = nullptr;
    }
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
        QFuture<Result<void>> created =
            m_events->ensureSystemTopic(QString::fromLatin1(Topic), QByteArrayLiteral("registry.read"));
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
    if (m_settings.cluster)
        m_syncTimer.start();
    co_return QString();
}

void RegistryService::restoreLocked(QList<Instance> stored)
{
    const qint64 now = m_clock.nowMs();
    const bool othersServing = m_settings.cluster && m_settings.othersServing && m_settings.othersServing();
    int restored = 0;
    for (Instance &instance : stored) {
        const bool ours =
            m_settings.nodeId.isEmpty() ||
            instance.reg.metadata.value(QStringLiteral("nodeId")).toString() == m_settings.nodeId;
        if (instance.builtin && ours) {
            // The node registers its own services again once it listens, maybe on another port.
            write("remove a stale built-in instance", QString(),
                  [id = instance.id](QSqlDatabase &db) { return RegistryStore::remove(db, id); });
            continue;
        }
        // The time this node was down does not count towards a TTL or deregistration.
        instance.criticalSinceMs = now;
        instance.ttlBaseMs = now;
        m_byKey.insert(key(instance.reg.service, instance.reg.address, instance.reg.port), instance.id);
        Instance &i = m_instances.insert(instance.id, instance).value();
        directoryChangedLocked();
        const Status before = i.draining ? Status::Draining : i.persistedStatus;
        if (othersServing) {
            // The other nodes kept checking: the stored status stands.
            i.health.assume(i.persistedStatus);
            if (i.status() != Status::Critical)
                i.criticalSinceMs = 0;
        } else if (before != i.status()) {
            // The only node was down: every instance is critical until its checks prove it again.
            commitChange(
                i, {before, QStringLiteral("meshdeckd restarted; critical until the checks pass again")});
        }
        scheduleLocked(i);
        ++restored;
    }
    qCInfo(lcRegistry) << "restored" << restored << "instance(s)";
}

QCoro::Task<void> RegistryService::stop()
{
    m_syncTimer.stop();
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
    if (m_database->isOpen()) {
        // The writes already queued run first (one thread, in order): they are announced.
        QFuture<void> barrier = m_database->run([](QSqlDatabase &) {});
        co_await barrier;
    }
    {
        std::lock_guard lock(m_guard->mutex); // anything later no longer reports back
        m_guard->service = nullptr;
    }
    std::lock_guard lock(m_mutex);
    m_channel.clear();
}

// ---------------------------------------------------------------------------------------------
// Changes: stored, published and sent, in the order they happen (all under m_mutex)

template<typename Work>
QFuture<Result<void>> RegistryService::write(const char *what, const QString &id, Work work,
                                             QList<Announcement> announcements)
{
    if (!id.isEmpty())
        ++m_pendingWrites[id];
    return m_database->run([what, id, work = std::move(work), announcements = std::move(announcements),
                            guard = m_guard, database = m_database](QSqlDatabase &db) -> Result<void> {
        Result<void> result;
        bool changed = false;
        bool conflict = false;
        try {
            changed = work(db);
        } catch (const RegistryStore::RevisionConflict &) {
            conflict = true;
            result = Error::conflict(QStringLiteral("Another node changed this instance at the same time; "
                                                    "read it again and retry."),
                                     "instance-changed-elsewhere");
        } catch (const Storage::CommitOutcomeUnknown &e) {
            // The server may have committed it: the node reads the row again (cluster mode).
            database->checkConnectionAfterFailure();
            qCWarning(lcRegistry) << "cannot tell whether this was stored:" << what << ":" << e.what();
            result = Error::unavailable(
                QStringLiteral(
                    "The connection to the database was lost while the change was being committed, so "
                    "it may or may not have been stored (%1). Read the instance before retrying.")
                    .arg(QString::fromUtf8(e.what())),
                "outcome-unknown");
        } catch (const std::exception &e) {
            database->checkConnectionAfterFailure();
            qCWarning(lcRegistry) << "cannot" << what << ":" << e.what();
            result =
                Error::unavailable(QStringLiteral("The registry could not store the change (%1); the disk "
                                                  "may be full. Retry once the node's log shows it can "
                                                  "write again.")
                                       .arg(QString::fromUtf8(e.what())),
                                   "storage-unavailable");
        }
        std::lock_guard lock(guard->mutex);
        if (guard->service)
            guard->service->written(id, bool(result), conflict,
                                    changed ? announcements : QList<Announcement>());
        return result;
    });
}

void RegistryService::written(const QString &id, bool stored, bool conflict,
                              const QList<Announcement> &announcements)
{
    std::lock_guard lock(m_mutex);
    if (!id.isEmpty()) {
        if (--m_pendingWrites[id] <= 0)
            m_pendingWrites.remove(id);
        if (stored) {
            if (Instance *i = findLocked(id))
                i->stored = true;
        } else if (m_settings.cluster) {
            // Memory holds a change the database does not: read the stored row again soon.
            m_diverged.insert(id);
            if (conflict)
                qCInfo(lcRegistry) << "instance" << id
                                   << "was changed by another node first; reading it again";
            QMetaObject::invokeMethod(this,
                                      [this, id] { QCoro::connect(sync(QStringList{id}), this, [] {}); });
        }
    }
    if (!stored)
        return;
    const qint64 now = m_clock.nowMs();
    for (const Announcement &a : announcements) {
        if (m_events) {
            const EventInput input{a.eventType,
                                   a.data.value(QStringLiteral("instance"))[QStringLiteral("id")].toString(),
                                   QJsonDocument(a.data).toJson(QJsonDocument::Compact),
                                   {}};
            m_events->publishEvents(QString::fromLatin1(Topic), {input}, {});
        }
        m_channel.sendChange(a.eventType, a.data, now);
    }
}

RegistryService::Announcement RegistryService::announcement(const QString &eventType,
                                                            const Instance &instance,
                                                            const QJsonObject &extra) const
{
    QJsonObject data = extra;
    data.insert(QStringLiteral("instance"), instance.toJson(false));
    return {eventType, data};
}

QFuture<Result<void>> RegistryService::persist(Instance &instance, std::optional<HistoryEntry> change,
                                               QList<Announcement> announcements, qint64 heartbeatNoLaterThan)
{
    // Revision 0: never written, so this write is an insert. A write queued behind a pending
    // insert expects the insert's revision (the row exists by the time it runs).
    const qint64 expected = m_settings.cluster ? instance.revision : -1;
    instance.revision = RegistryStore::newRevision();
    directoryChangedLocked();
    return write(
        "store an instance", instance.id,
        [instance, change, expected, heartbeatNoLaterThan](QSqlDatabase &db) {
            RegistryStore::save(db, instance, change ? &*change : nullptr, expected, heartbeatNoLaterThan);
            return true;
        },
        std::move(announcements));
}

QFuture<Result<void>> RegistryService::commitChange(Instance &i, const StatusChange &change,
                                                    const QString &alsoAnnounce, qint64 heartbeatNoLaterThan)
{
    if (i.status() == change.before) {
        QList<Announcement> also;
        if (!alsoAnnounce.isEmpty())
            also << announcement(alsoAnnounce, i, {});
        return persist(i, std::nullopt, std::move(also), heartbeatNoLaterThan);
    }
    const HistoryEntry entry = recordChange(i, change, m_clock.nowMs());
    qCInfo(lcRegistry).noquote() << i.reg.service << i.id << statusName(entry.from) << "->"
                                 << statusName(entry.to) << ":" << change.reason;
    QList<Announcement> announcements{
        announcement(QStringLiteral("registry.instance.status_changed"), i,
                     QJsonObject{{QStringLiteral("from"), statusName(entry.from)},
                                 {QStringLiteral("to"), statusName(entry.to)},
                                 {QStringLiteral("reason"), change.reason}})};
    if (!alsoAnnounce.isEmpty())
        announcements << announcement(alsoAnnounce, i, {});
    return persist(i, entry, std::move(announcements), heartbeatNoLaterThan);
}

void RegistryService::scheduleLocked(const Instance &i)
{
    const quint64 generation = m_nextGeneration++;
    m_generation.insert(i.id, generation);
    const QString id = i.id;
    if (m_settings.cluster) {
        if (ownerLocked(id) == m_settings.nodeId)
            m_owned.insert(id);
        else
            m_owned.remove(id);
    }
    if (i.reg.check.active() && ownsLocked(id)) {
        QMetaObject::invokeMethod(m_scheduler, [this, id, generation, address = i.reg.address,
                                                port = i.reg.port, spec = i.reg.check] {
            m_scheduler->schedule(id, generation, address, port, spec);
        });
    } else {
        QMetaObject::invokeMethod(m_scheduler, [this, id] { m_scheduler->unschedule(id); });
    }
}

void RegistryService::forgetLocked(const QString &id)
{
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return;
    m_byKey.remove(key(it->reg.service, it->reg.address, it->reg.port));
    m_instances.erase(it);
    directoryChangedLocked();
    m_generation.remove(id);
    m_checked.remove(id);
    m_owned.remove(id);
    m_diverged.remove(id);
    QMetaObject::invokeMethod(m_scheduler, [this, id] { m_scheduler->unschedule(id); });
}

QFuture<Result<void>> RegistryService::removeLocked(const QString &id, const QString &reason,
                                                    bool decidedHere)
{
    const auto it = m_instances.find(id);
    if (it == m_instances.end())
        return stored();
    const Instance instance = *it;
    forgetLocked(id);
    qCInfo(lcRegistry).noquote() << instance.reg.service << id << "deregistered:" << reason;
    // Announced only by the node whose delete removed the row. The sweep's decision holds only
    // while nobody changed the row since (a heartbeat may have revived it on another node).
    const qint64 expected =
        m_settings.cluster && decidedHere && instance.revision > 0 ? instance.revision : -1;
    return write("remove an instance", id,
                 [id, expected](QSqlDatabase &db) { return RegistryStore::remove(db, id, expected); },
                 {announcement(QStringLiteral("registry.instance.deregistered"), instance,
                               QJsonObject{{QStringLiteral("reason"), reason}})});
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

QCoro::Task<Result<QJsonObject>> RegistryService::applyDurably(QString id,
                                                               std::function<Result<Written>()> change)
{
    // Cluster mode: the instance may be new to this node, or another node's write came first.
    const auto retriable = [this](const Error &error, int attempt) {
        return m_settings.cluster && attempt < 3 &&
               (error.code == "instance-changed-elsewhere" || error.code == "instance-not-found");
    };
    const std::shared_ptr<Guard> guard = m_guard;
    for (int attempt = 1;; ++attempt) {
        Result<Written> written = [&] {
            std::lock_guard lock(m_mutex);
            return change();
        }();
        if (written) {
            QCoro::Task<Result<QJsonObject>> storing = durable(std::move(*written));
            Result<QJsonObject> result = co_await storing;
            if (result || !alive(guard) || !retriable(result.error(), attempt))
                co_return result;
        } else if (!retriable(written.error(), attempt)) {
            co_return written.error();
        }
        QCoro::Task<void> syncing = id.isEmpty() ? sync() : sync(QStringList{id});
        co_await syncing;
        if (!alive(guard))
            co_return Error::unavailable(QStringLiteral("The node is stopping; retry on another node."),
                                         "stopping");
    }
}

bool RegistryService::alive(const std::shared_ptr<Guard> &guard)
{
    std::lock_guard lock(guard->mutex);
    return guard->service != nullptr;
}

QCoro::Task<Result<RegistryService::Registered>> RegistryService::registerInstance(Registration registration,
                                                                                   bool builtin)
{
    bool created = false;
    QCoro::Task<Result<QJsonObject>> storing = applyDurably(QString(), [&]() -> Result<Written> {
        created = false;
        return registerLocked(registration, builtin, &created);
    });
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
        // The update is announced after the status change it may bring, with the state after both.
        QFuture<Result<void>> written =
            commitChange(i, {before, reason}, QStringLiteral("registry.instance.updated"));
        if (checkChanged) // the checks run on through a drain: only a new check starts over
            scheduleLocked(i);
        return Written{withOwnerLocked(i.toJson(false)), written};
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
    const Announcement registered = announcement(QStringLiteral("registry.instance.registered"), i, {});
    return Written{withOwnerLocked(i.toJson(false)), persist(i, std::nullopt, {registered})};
}

QCoro::Task<Result<QJsonObject>> RegistryService::heartbeat(QString id, QJsonObject body)
{
    const Result<HeartbeatReport> report = parseHeartbeat(body);
    if (!report)
        co_return report.error();
    QCoro::Task<Result<QJsonObject>> storing =
        applyDurably(id, [&]() -> Result<Written> { return heartbeatLocked(id, *report); });
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
    if (i->draining && report.inFlight == 0 && gatewayIdle(id)) {
        QJsonObject out = i->toJson(false);
        out.insert(QStringLiteral("deregistered"), true);
        return Written{
            out, removeLocked(id, QStringLiteral("drained: the instance reported no requests in flight"))};
    }
    QFuture<Result<void>> written;
    if (*change) {
        written = commitChange(*i, **change);
    } else if (m_settings.cluster) {
        // The node that runs the TTL may be another one: it reads this. Not a new revision, so
        // it does not collide with that node's status writes.
        // Not counted as a pending write of the instance either: it never holds back reading what
        // the checking node stored.
        written = write("store a heartbeat", QString(),
                        [id, at = i->lastHeartbeatMs, inFlight = i->inFlight](QSqlDatabase &db) {
                            RegistryStore::saveHeartbeat(db, id, at, inFlight);
                            return false;
                        });
    } else {
        written = stored();
    }
    return Written{withOwnerLocked(i->toJson(false)), written};
}

QCoro::Task<Result<void>> RegistryService::deregister(QString id, QString reason)
{
    for (int attempt = 1;; ++attempt) {
        QFuture<Result<void>> removing;
        {
            std::lock_guard lock(m_mutex);
            if (m_instances.contains(id))
                removing = removeLocked(id, reason);
        }
        if (removing.isValid())
            co_return co_await removing;
        if (!m_settings.cluster || attempt == 2)
            co_return noSuchInstance(id);
        const std::shared_ptr<Guard> guard = m_guard;
        QCoro::Task<void> syncing = sync(QStringList{id}); // registered on another node a moment ago?
        co_await syncing;
        if (!alive(guard))
            co_return noSuchInstance(id);
    }
}

QCoro::Task<Result<QJsonObject>> RegistryService::drain(QString id, QJsonObject body)
{
    const Result<int> deadlineMs = parseDrain(body, m_settings.defaultDrainDeadlineMs);
    if (!deadlineMs)
        co_return deadlineMs.error();
    QCoro::Task<Result<QJsonObject>> storing =
        applyDurably(id, [&]() -> Result<Written> { return drainLocked(id, *deadlineMs); });
    co_return co_await storing;
}

Result<RegistryService::Written> RegistryService::drainLocked(const QString &id, int deadlineMs)
{
    Instance *i = findLocked(id);
    if (!i)
        return noSuchInstance(id);
    const StatusChange change = startDrain(*i, deadlineMs, m_clock.nowMs());
    QFuture<Result<void>> written = commitChange(*i, change);
    return Written{withOwnerLocked(i->toJson(false)), written};
}

QCoro::Task<Result<QJsonObject>> RegistryService::patch(QString id, QJsonObject body)
{
    const Result<InstancePatch> parsed = parsePatch(body);
    if (!parsed)
        co_return parsed.error();
    QCoro::Task<Result<QJsonObject>> storing =
        applyDurably(id, [&]() -> Result<Written> { return patchLocked(id, *parsed); });
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
    const Announcement updated = announcement(QStringLiteral("registry.instance.updated"), *i, {});
    QFuture<Result<void>> written = persist(*i, std::nullopt, {updated});
    return Written{withOwnerLocked(i->toJson(false)), written};
}

InstanceList RegistryService::instancesOf(const QString &service) const
{
    static const InstanceList none = std::make_shared<const std::vector<UpstreamInstance>>();
    const quint64 now = m_directoryGeneration.load(std::memory_order_acquire);
    {
        // The gateway's hot path: the built view, without the registry's own lock.
        std::lock_guard view(m_directoryMutex);
        if (m_directoryBuilt == now)
            return m_directory.value(service, none);
    }
    std::lock_guard lock(m_mutex);
    QHash<QString, std::vector<UpstreamInstance>> lists;
    for (const Instance &i : m_instances) {
        UpstreamInstance u;
        u.id = i.id;
        u.key = i.id.toUtf8();
        u.address = i.reg.address.toUtf8();
        u.port = quint16(i.reg.port);
        u.weight = i.reg.weight;
        const Status health = i.health.status();
        u.health = health == Status::Passing   ? UpstreamInstance::Health::Passing
                   : health == Status::Warning ? UpstreamInstance::Health::Warning
                                               : UpstreamInstance::Health::Critical;
        u.draining = i.draining;
        lists[i.reg.service].push_back(std::move(u));
    }
    QHash<QString, InstanceList> built;
    for (auto it = lists.begin(); it != lists.end(); ++it) {
        std::sort(it->begin(), it->end(),
                  [](const UpstreamInstance &a, const UpstreamInstance &b) { return a.id < b.id; });
        built.insert(it.key(), std::make_shared<const std::vector<UpstreamInstance>>(std::move(*it)));
    }
    // Under m_mutex nothing changes the generation: what was read is what it stands for.
    const quint64 builtAt = m_directoryGeneration.load(std::memory_order_acquire);
    std::lock_guard view(m_directoryMutex);
    m_directory = std::move(built);
    m_directoryBuilt = builtAt;
    return m_directory.value(service, none);
}

QStringList RegistryService::drainingInstances() const
{
    std::lock_guard lock(m_mutex);
    QStringList ids;
    for (const Instance &i : m_instances) {
        if (i.draining)
            ids.append(i.id);
    }
    return ids;
}

Result<QJsonObject> RegistryService::instance(const QString &id) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_instances.constFind(id);
    if (it == m_instances.cend())
        return noSuchInstance(id);
    return withOwnerLocked(it->toJson(true));
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
        out.append(withOwnerLocked(i->toJson(false)));
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
    int owned = 0;
    QStringList checkingNodes;
    {
        std::lock_guard lock(m_mutex);
        instances = int(m_instances.size());
        owned = m_settings.cluster ? int(m_owned.size()) : instances;
        checkingNodes = m_settings.cluster ? m_checkingNodes : QStringList{m_settings.nodeId};
    }
    return QJsonObject{
        {QStringLiteral("instances"), instances},
        {QStringLiteral("checkedHere"), owned},
        {QStringLiteral("checkingNodes"), QJsonArray::fromStringList(checkingNodes)},
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
    for (const QString &service : services)
        registerBuiltin(QStringLiteral("meshdeck.") + service, address, port, nodeId, {}, version, tls);
}

void RegistryService::registerBuiltin(const QString &service, const QString &address, int port,
                                      const QString &nodeId, QJsonObject metadata, const QString &version,
                                      bool tls)
{
    Registration r;
    r.service = service;
    r.address = address;
    r.port = port;
    r.version = version;
    r.tags = {QStringLiteral("builtin")};
    metadata.insert(QStringLiteral("nodeId"), nodeId);
    r.metadata = metadata;
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

// ---------------------------------------------------------------------------------------------
// Checks, time and the channel's coalesced check results (on the check thread)

void RegistryService::onCheckResult(const QString &id, quint64 generation, const HealthProbe::Result &result)
{
    std::lock_guard lock(m_mutex);
    if (m_generation.value(id) != generation || !ownsLocked(id))
        return; // deregistered, registered again with another check, or moved to another node
    Instance *i = findLocked(id);
    if (!i)
        return;
    m_checked.insert(id);
    if (const std::optional<StatusChange> change = applyCheckResult(*i, result, m_clock.nowMs()))
        commitChange(*i, *change);
}

bool RegistryService::gatewayIdle(const QString &id) const
{
    return !m_settings.gatewayInFlight || m_settings.gatewayInFlight(id) == 0;
}

void RegistryService::sweep()
{
    std::lock_guard lock(m_mutex);
    const qint64 now = m_clock.nowMs();
    QList<std::pair<QString, QString>> removals;
    for (Instance &i : m_instances) {
        if (!ownsLocked(i.id))
            continue; // its node expires and deregisters it
        if (const std::optional<StatusChange> expired = expireTtl(i, now)) {
            m_checked.insert(i.id);
            // Cluster mode: refused if another node stored a newer heartbeat meanwhile.
            commitChange(i, *expired, {}, m_settings.cluster ? i.lastHeartbeatMs : -1);
        }
        if (const std::optional<QString> reason = removalReason(i, now, m_settings.deregisterCriticalAfterMs))
            removals.append({i.id, *reason});
        else if (i.draining && m_settings.gatewayInFlight && i.inFlight <= 0 && gatewayIdle(i.id))
            removals.append({i.id, i.inFlight == 0
                                       ? QStringLiteral("drained: neither the instance nor the gateway "
                                                        "has requests in flight")
                                       : QStringLiteral("drained: the gateway has no requests in "
                                                        "flight to it")});
    }
    for (const auto &[id, reason] : removals)
        removeLocked(id, reason, true);
    if (now - m_lastPruneMs > 3'600'000) {
        m_lastPruneMs = now;
        const qint64 cutoff = now - m_settings.historyRetentionMs;
        write("prune the status history", QString(), [cutoff](QSqlDatabase &db) {
            RegistryStore::pruneHistory(db, cutoff);
            return false;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Cluster mode: who checks what, and what the other nodes changed

QString RegistryService::ownerLocked(const QString &id) const
{
    // Rendezvous hashing: every node computes the same owner from the same list, and when a node
    // leaves only its own instances move (each to the node that scores next highest for it).
    QString best;
    quint64 bestScore = 0;
    for (const QString &node : m_checkingNodes) {
        const QByteArray digest =
            QCryptographicHash::hash((node + QLatin1Char('\n') + id).toUtf8(), QCryptographicHash::Sha1);
        const quint64 score = qFromBigEndian<quint64>(digest.constData());
        if (best.isEmpty() || score > bestScore) {
            best = node;
            bestScore = score;
        }
    }
    return best;
}

QJsonObject RegistryService::withOwnerLocked(QJsonObject instance) const
{
    if (m_settings.cluster)
        instance.insert(QStringLiteral("checkedBy"),
                        ownerLocked(instance.value(QStringLiteral("id")).toString()));
    return instance;
}

void RegistryService::setCheckingNodes(QStringList nodes)
{
    nodes.sort();
    nodes.removeDuplicates();
    std::lock_guard lock(m_mutex);
    if (!m_settings.cluster || nodes == m_checkingNodes)
        return;
    m_checkingNodes = nodes;
    const qsizetype before = m_owned.size();
    for (const Instance &i : std::as_const(m_instances)) {
        const bool owned = ownerLocked(i.id) == m_settings.nodeId;
        if (owned != m_owned.contains(i.id))
            scheduleLocked(i); // takes it over, or hands it on
    }
    qCInfo(lcRegistry).noquote() << "checking nodes:" << nodes.join(QLatin1String(", "))
                                 << "- this node checks" << m_owned.size() << "of" << m_instances.size()
                                 << "instance(s), before" << before;
}

void RegistryService::adoptLocked(Instance &mine, const Instance &stored)
{
    directoryChangedLocked();
    const Status before = mine.status();
    const bool checkChanged = mine.reg.check.toJson() != stored.reg.check.toJson();
    const bool moved = mine.reg.address != stored.reg.address || mine.reg.port != stored.reg.port;
    mine.reg = stored.reg;
    mine.builtin = stored.builtin;
    mine.draining = stored.draining;
    mine.drainDeadlineMs = stored.drainDeadlineMs;
    mine.registeredAtMs = stored.registeredAtMs;
    mine.statusSinceMs = stored.statusSinceMs;
    mine.revision = stored.revision;
    mine.stored = true;
    if (stored.lastHeartbeatMs >= mine.lastHeartbeatMs)
        mine.inFlight = stored.inFlight;
    mine.history = stored.history;
    if (stored.lastHeartbeatMs > mine.lastHeartbeatMs) {
        mine.lastHeartbeatMs = stored.lastHeartbeatMs;
        mine.ttlBaseMs = std::max(mine.ttlBaseMs, stored.lastHeartbeatMs);
    }
    if (stored.persistedStatus != Status::Draining && mine.health.status() != stored.persistedStatus)
        mine.health.assume(stored.persistedStatus);
    if (mine.status() != Status::Critical)
        mine.criticalSinceMs = 0;
    else if (mine.criticalSinceMs == 0)
        mine.criticalSinceMs = stored.statusSinceMs;
    if (checkChanged || moved)
        scheduleLocked(mine);
    const qint64 now = m_clock.nowMs();
    if (mine.status() != before) {
        const HistoryEntry last = mine.history.isEmpty() ? HistoryEntry{} : mine.history.last();
        m_channel.sendChange(QStringLiteral("registry.instance.status_changed"),
                             announcement(QString(), mine,
                                          QJsonObject{{QStringLiteral("from"), statusName(before)},
                                                      {QStringLiteral("to"), statusName(mine.status())},
                                                      {QStringLiteral("reason"), last.reason}})
                                 .data,
                             now);
    } else {
        m_channel.sendChange(QStringLiteral("registry.instance.updated"),
                             announcement(QString(), mine, {}).data, now);
    }
}

QCoro::Task<void> RegistryService::sync(std::optional<QStringList> only)
{
    // What this node holds: the revision and heartbeat as of now. Whatever changes here while the
    // database is read is left to the next pass.
    QHash<QString, RegistryStore::Known> known;
    {
        std::lock_guard lock(m_mutex);
        if (!m_settings.cluster)
            co_return;
        known.reserve(m_instances.size());
        for (const Instance &i : std::as_const(m_instances)) {
            if (!only || only->contains(i.id))
                known.insert(i.id, {i.revision, i.lastHeartbeatMs, m_diverged.contains(i.id)});
        }
    }
    const std::shared_ptr<Guard> guard = m_guard;
    QCoro::Task<Result<RegistryStore::Changes>> reading = m_database->attempt(
        [known, only](QSqlDatabase &db) { return RegistryStore::changesSince(db, known, only); });
    const Result<RegistryStore::Changes> changes = co_await reading;
    if (!alive(guard))
        co_return; // stopped (or gone) meanwhile
    if (!changes) {
        qCWarning(lcRegistry).noquote() << "cannot read the other nodes' changes:" << changes.error().reason;
        co_return;
    }
    std::lock_guard lock(m_mutex);
    const qint64 now = m_clock.nowMs();
    const auto changedHere = [&](const QString &id, const Instance &mine) {
        const auto it = known.constFind(id);
        return m_pendingWrites.contains(id) || it == known.cend() || mine.revision != it->revision;
    };
    // Removals first: an address registered again under a new id is a removal and a registration.
    for (const QString &id : changes->removed) {
        const auto it = m_instances.find(id);
        if (it == m_instances.end() || changedHere(id, *it))
            continue;
        const Instance gone = *it;
        forgetLocked(id);
        if (gone.stored) // one never stored was never announced either
            m_channel.sendChange(
                QStringLiteral("registry.instance.deregistered"),
                announcement(QString(), gone,
                             {{QStringLiteral("reason"), QStringLiteral("deregistered on another node")}})
                    .data,
                now);
    }
    for (const Instance &stored : changes->changed) {
        const auto it = m_instances.find(stored.id);
        if (it != m_instances.end()) {
            if (changedHere(stored.id, *it))
                continue;
            adoptLocked(*it, stored);
            m_diverged.remove(stored.id);
            continue;
        }
        if (m_pendingWrites.contains(stored.id))
            continue; // removed here, the delete not done yet
        // New here: registered on another node. An instance this node holds for the same address
        // either lost the race to register it (its insert was refused) or was removed meanwhile.
        const QString k = key(stored.reg.service, stored.reg.address, stored.reg.port);
        if (const QString other = m_byKey.value(k); !other.isEmpty()) {
            if (m_pendingWrites.contains(other))
                continue;
            const Instance replaced = m_instances.value(other);
            forgetLocked(other);
            if (replaced.stored)
                m_channel.sendChange(QStringLiteral("registry.instance.deregistered"),
                                     announcement(QString(), replaced,
                                                  {{QStringLiteral("reason"),
                                                    QStringLiteral("registered again under another id")}})
                                         .data,
                                     now);
        }
        Instance fresh = stored;
        fresh.health.assume(stored.persistedStatus);
        fresh.ttlBaseMs = std::max({stored.registeredAtMs, stored.lastHeartbeatMs, fresh.ttlBaseMs});
        fresh.criticalSinceMs = fresh.status() == Status::Critical ? stored.statusSinceMs : 0;
        m_byKey.insert(k, fresh.id);
        m_diverged.remove(fresh.id);
        const Instance &i = m_instances.insert(fresh.id, fresh).value();
        directoryChangedLocked();
        scheduleLocked(i);
        m_channel.sendChange(QStringLiteral("registry.instance.registered"),
                             announcement(QString(), i, {}).data, now);
    }
    // Heartbeats another node stored: the TTL (if this node runs it) counts from them.
    for (const RegistryStore::Heartbeat &h : changes->heartbeats) {
        Instance *i = findLocked(h.id);
        if (!i || h.heartbeatMs <= i->lastHeartbeatMs)
            continue;
        i->lastHeartbeatMs = h.heartbeatMs;
        i->ttlBaseMs = std::max(i->ttlBaseMs, h.heartbeatMs);
        i->inFlight = h.inFlight;
        m_checked.insert(h.id);
    }
}

void RegistryService::flushChecks()
{
    std::lock_guard lock(m_mutex);
    m_channel.sendChecks(m_checked);
    m_checked.clear();
}

} // namespace Meshdeck::Registry
