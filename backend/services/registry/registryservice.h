#pragma once

#include "checkscheduler.h"
#include "registrychannel.h"
#include "registryrequests.h"
#include "registrystate.h"
#include "registrytypes.h"

#include "platform/clock.h"
#include "platform/eventpublisher.h"
#include "platform/instancedirectory.h"
#include "platform/result.h"
#include "platform/service.h"

#include <QFuture>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QSet>
#include <QThread>
#include <QTimer>

#include <QCoroTask>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Registry {

struct RegistrySettings {
    qint64 deregisterCriticalAfterMs = 10LL * 60 * 1000; // critical this long -> deregistered
    int defaultDrainDeadlineMs = 30'000;
    int sweepIntervalMs = 100;         // TTL expiry, drain deadlines, auto-deregistration
    int checksFlushIntervalMs = 1'000; // check results to realtime subscribers, coalesced
    int maxInstances = 10'000;
    qint64 historyRetentionMs = 7LL * 24 * 3600 * 1000;
    // A cluster node's id: at start only its own stored built-ins are dropped (it registers them
    // again), other nodes' are kept. Empty (local mode): every stored built-in is this node's.
    QString nodeId;
    // Cluster mode: several nodes share the database. Each instance's checks, TTL and deregistration
    // run on one node (rendezvous hashing over the serving nodes, see setCheckingNodes); every write
    // is conditional on the row's revision; changes made elsewhere are read every syncIntervalMs.
    bool cluster = false;
    int syncIntervalMs = 1'000;
    // Cluster mode, at start: whether another node serves (it kept checking while this one was
    // down, so the stored statuses stand); otherwise every instance starts critical, as locally.
    std::function<bool()> othersServing;
    // Requests the gateways have in flight to an instance (null: no gateway): in cluster mode every
    // live node's, and a live node that has not reported yet counts as busy. A drain completes once
    // this is 0 and the instance reports none of its own (or reports nothing).
    std::function<int(const QString &instanceId)> gatewayInFlight;
};

// The service registry: instances of services with their health. State lives in memory behind a
// mutex and is written through to the database; the active checks run on a thread of their own.
// Every status change is stored with its history entry, published on the `registry` topic and
// sent to the `registry` realtime channel, in the order it happened.
//
// The API answers domain results: Error::invalid (with the field), notFound, conflict, and
// unavailable when the change could not be stored. A change is answered once it is durable, and
// published and sent to subscribers once it is durable, in the order it was stored.
//
// In cluster mode the memory is a cache of the database: a change made on another node shows here
// within syncIntervalMs, an API call on an instance this node does not hold yet reads the database
// first, and a write that another node's write overtook is read again and retried (up to three
// times, then answered with a conflict). Only the node that owns an instance checks it, expires its
// TTL and deregisters it; when the owner stops serving, the next node by rendezvous hash takes over.
class RegistryService : public QObject, public Service, public InstanceDirectory
{
    Q_OBJECT
public:
    static constexpr auto Topic = "registry";

    RegistryService(RegistrySettings settings, Storage::Database *database, EventPublisher *events,
                    const Clock &clock = Clock::system());
    ~RegistryService() override;

    // Service
    QString name() const override { return QStringLiteral("registry"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    // The `registry` realtime channel, for the realtime service.
    RegistryChannel &channel() { return m_channel; }

    struct Registered {
        QJsonObject instance;
        bool created = false; // false: the same service, address and port updated
    };
    QCoro::Task<Result<Registered>> registerInstance(Registration registration, bool builtin = false);
    // The instance afterwards; with "deregistered": true when the heartbeat ended a drain.
    QCoro::Task<Result<QJsonObject>> heartbeat(QString id, QJsonObject body);
    QCoro::Task<Result<void>> deregister(QString id, QString reason);
    QCoro::Task<Result<QJsonObject>> drain(QString id, QJsonObject body);
    QCoro::Task<Result<QJsonObject>> patch(QString id, QJsonObject body);

    Result<QJsonObject> instance(const QString &id) const; // with its history
    QJsonArray services() const;
    // NotFound when no instance of the service is registered.
    Result<QJsonArray> instances(const QString &service, std::optional<Status> status) const;
    QCoro::Task<Result<QJsonArray>> recentChanges(int limit) const;
    QJsonObject stats() const;

    // InstanceDirectory: what the gateway routes to.
    quint64 generation() const override { return m_directoryGeneration.load(std::memory_order_acquire); }
    QStringList drainingInstances() const override;
    InstanceList instancesOf(const QString &service) const override;

    // The platform's own services, checked over /readyz on the node's address. The probe speaks
    // plain HTTP only: when the node serves TLS (`tls`), they get a TCP check instead.
    void registerBuiltins(const QStringList &services, const QString &address, int port,
                          const QString &nodeId, const QString &version, bool tls = false);
    // One more instance of the node's own, checked the same way: `service` as named (e.g. the
    // node's in-process `build-worker`, listed with the separate ones); `metadata` gets "nodeId".
    void registerBuiltin(const QString &service, const QString &address, int port, const QString &nodeId,
                         QJsonObject metadata, const QString &version, bool tls = false);

    // Cluster mode: the nodes that share the checks (the serving members, this one included once
    // it serves). Any thread. Until the first call this node checks nothing.
    void setCheckingNodes(QStringList nodes);
    // Cluster mode: reads what other nodes changed since the last read (also on a timer); with
    // `only`, just those instances.
    QCoro::Task<void> sync(std::optional<QStringList> only = std::nullopt);

private:
    // A change made under the lock, and the write that makes it durable.
    struct Written {
        QJsonObject instance;
        QFuture<Result<void>> stored;
    };
    static QCoro::Task<Result<QJsonObject>> durable(Written written);
    // Runs `change` under the lock and waits until it is stored; in cluster mode retried after a
    // sync when the instance was unknown here or another node's write came first.
    // `id`: the instance it changes (read alone before a retry), or empty for a registration
    // (another node may hold the address under another id: everything is read).
    QCoro::Task<Result<QJsonObject>> applyDurably(QString id, std::function<Result<Written>()> change);

    // What subscribers and the `registry` topic are told once a write is stored.
    struct Announcement {
        QString eventType;
        QJsonObject data;
    };
    Announcement announcement(const QString &eventType, const Instance &instance,
                              const QJsonObject &extra) const;
    // Outlives the service in queued database work: the work reports back only while it lives.
    struct Guard {
        std::mutex mutex;
        RegistryService *service = nullptr;
    };
    static bool alive(const std::shared_ptr<Guard> &guard);
    // On the database thread, after a write: bookkeeping, then the announcements when it was stored.
    void written(const QString &id, bool stored, bool conflict, const QList<Announcement> &announcements);

    // Under m_mutex:
    Result<Written> registerLocked(const Registration &registration, bool builtin, bool *created);
    Result<Written> heartbeatLocked(const QString &id, const HeartbeatReport &report);
    Result<Written> drainLocked(const QString &id, int deadlineMs);
    Result<Written> patchLocked(const QString &id, const InstancePatch &patch);
    void restoreLocked(QList<Instance> stored);
    // `heartbeatNoLaterThan` >= 0 (cluster mode): refused if a newer heartbeat was stored.
    QFuture<Result<void>> persist(Instance &instance, std::optional<HistoryEntry> change,
                                  QList<Announcement> announcements, qint64 heartbeatNoLaterThan = -1);
    // Stores the instance with its status change, if any; `alsoAnnounce` follows the change.
    QFuture<Result<void>> commitChange(Instance &instance, const StatusChange &change,
                                       const QString &alsoAnnounce = {}, qint64 heartbeatNoLaterThan = -1);
    // `decidedHere` (the sweep): in cluster mode only while nobody changed the row since.
    QFuture<Result<void>> removeLocked(const QString &id, const QString &reason, bool decidedHere = false);
    void forgetLocked(const QString &id);
    void scheduleLocked(const Instance &instance);
    Instance *findLocked(const QString &id);
    // The node that checks an instance (rendezvous hash over the checking nodes); empty while none
    // serves yet.
    QString ownerLocked(const QString &id) const;
    bool ownsLocked(const QString &id) const { return !m_settings.cluster || m_owned.contains(id); }
    // Takes another node's stored version of an instance this node holds.
    void adoptLocked(Instance &mine, const Instance &stored);
    QJsonObject withOwnerLocked(QJsonObject instance) const;

    // On the check thread:
    void onCheckResult(const QString &id, quint64 generation, const HealthProbe::Result &result);
    void sweep();
    bool gatewayIdle(const QString &id) const;
    void flushChecks();

    // Runs `work` (returns whether it changed anything) on the database thread; the announcements
    // follow when it did. Under m_mutex; `id` is the instance written, or empty.
    template<typename Work>
    QFuture<Result<void>> write(const char *what, const QString &id, Work work,
                                QList<Announcement> announcements = {});
    static QString key(const QString &service, const QString &address, int port);

    RegistrySettings m_settings;
    Storage::Database *m_database;
    EventPublisher *m_events;
    const Clock &m_clock;

    QThread m_checkThread;
    CheckScheduler *m_scheduler = nullptr; // lives on m_checkThread
    QTimer *m_sweepTimer = nullptr;        // lives on m_checkThread
    QTimer *m_flushTimer = nullptr;        // lives on m_checkThread

    mutable std::mutex m_mutex;
    QHash<QString, Instance> m_instances;
    QHash<QString, QString> m_byKey; // service|address|port -> id
    QHash<QString, quint64> m_generation;
    QSet<QString> m_checked; // ids with check results not yet sent to subscribers
    RegistryChannel m_channel{m_mutex, m_instances};
    // The gateway's view, rebuilt on the first read after a change (m_mutex, then m_directoryMutex).
    void directoryChangedLocked() { m_directoryGeneration.fetch_add(1, std::memory_order_acq_rel); }
    // Read by every proxied request (the gateway keeps what it fetched while this stays the same):
    // on a cache line of its own, which only a change writes.
    alignas(64) std::atomic<quint64> m_directoryGeneration{1};
    alignas(64) mutable std::mutex m_directoryMutex; // the two below
    mutable quint64 m_directoryBuilt = 0;
    mutable QHash<QString, InstanceList> m_directory;
    quint64 m_nextGeneration = 1;
    qint64 m_lastPruneMs = 0;
    // Cluster mode (under m_mutex):
    QStringList m_checkingNodes;         // sorted
    QSet<QString> m_owned;               // the instances this node checks
    QHash<QString, int> m_pendingWrites; // id -> writes queued and not yet done
    QSet<QString> m_diverged;            // ids whose write failed: memory is not what is stored
    std::shared_ptr<Guard> m_guard = std::make_shared<Guard>();
    QTimer m_syncTimer;     // main thread
    bool m_syncing = false; // the timer's sync (main thread)
};

} // namespace Meshdeck::Registry
