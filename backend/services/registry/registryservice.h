#pragma once

#include "checkscheduler.h"
#include "registrychannel.h"
#include "registryrequests.h"
#include "registrystate.h"
#include "registrytypes.h"

#include "platform/clock.h"
#include "platform/eventpublisher.h"
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
};

// The service registry: instances of services with their health. State lives in memory behind a
// mutex and is written through to the database; the active checks run on a thread of their own.
// Every status change is stored with its history entry, published on the `registry` topic and
// sent to the `registry` realtime channel, in the order it happened.
//
// The API answers domain results: Error::invalid (with the field), notFound, conflict, and
// unavailable when the change could not be stored. A change is answered once it is durable.
class RegistryService : public QObject, public Service
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

    // The platform's own services, checked over /readyz on the node's address. The probe speaks
    // plain HTTP only: when the node serves TLS (`tls`), they get a TCP check instead.
    void registerBuiltins(const QStringList &services, const QString &address, int port,
                          const QString &nodeId, const QString &version, bool tls = false);

private:
    // A change made under the lock, and the write that makes it durable.
    struct Written {
        QJsonObject instance;
        QFuture<Result<void>> stored;
    };
    static QCoro::Task<Result<QJsonObject>> durable(Written written);

    // Under m_mutex:
    Result<Written> registerLocked(const Registration &registration, bool builtin, bool *created);
    Result<Written> heartbeatLocked(const QString &id, const HeartbeatReport &report);
    Result<Written> drainLocked(const QString &id, int deadlineMs);
    Result<Written> patchLocked(const QString &id, const InstancePatch &patch);
    void restoreLocked(QList<Instance> stored);
    void announce(const QString &eventType, const Instance &instance, const QJsonObject &extra);
    QFuture<Result<void>> persist(const Instance &instance, std::optional<HistoryEntry> change);
    QFuture<Result<void>> commitChange(Instance &instance, const StatusChange &change);
    QFuture<Result<void>> removeLocked(const QString &id, const QString &reason);
    void scheduleLocked(const Instance &instance);
    Instance *findLocked(const QString &id);

    // On the check thread:
    void onCheckResult(const QString &id, quint64 generation, const HealthProbe::Result &result);
    void sweep();
    void flushChecks();

    template<typename Work> QFuture<Result<void>> write(const char *what, Work work);
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
    quint64 m_nextGeneration = 1;
    qint64 m_lastPruneMs = 0;
};

} // namespace Meshdeck::Registry
