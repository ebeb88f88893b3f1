#pragma once

#include "checkscheduler.h"
#include "registrytypes.h"

#include "platform/channel.h"
#include "platform/eventpublisher.h"
#include "platform/service.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QThread>
#include <QTimer>

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
};

// The service registry: instances of services with their health. State lives in memory behind a
// mutex and is written through to SQLite; the active checks run on a thread of their own. Every
// status change is persisted with its history entry, published on the `registry` topic and sent
// to subscribers of the `registry` realtime channel, in the order it happened.
class RegistryService : public QObject, public Service, public Realtime::ChannelProvider
{
    Q_OBJECT
public:
    static constexpr auto Topic = "registry";

    RegistryService(RegistrySettings settings, Storage::Database *database, EventPublisher *events);
    ~RegistryService() override;

    // Service
    QString name() const override { return QStringLiteral("registry"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    // ChannelProvider: the `registry` channel sends a snapshot, then every change.
    QString prefix() const override { return QStringLiteral("registry"); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    // What an API call did: an HTTP status, a problem or a body, and the write to wait for.
    struct Answer {
        int status = 200;
        QString error;
        QByteArray slug;
        QJsonObject body;
        QFuture<bool> persisted; // false: the write failed (answer 503)
    };
    Answer registerInstance(const Registration &registration, bool builtin = false);
    Answer heartbeat(const QString &id, const QJsonObject &body);
    Answer deregister(const QString &id, const QString &reason);
    Answer drain(const QString &id, const QJsonObject &body);
    Answer patch(const QString &id, const QJsonObject &body);
    std::optional<QJsonObject> instance(const QString &id) const;
    QJsonArray services() const;
    // nullopt: no such service.
    std::optional<QJsonArray> instances(const QString &service, std::optional<Status> status) const;
    QFuture<QJsonArray> recentChanges(int limit) const;
    QJsonObject stats() const;

    // The platform's own services, checked over /readyz on the node's address.
    void registerBuiltins(const QStringList &services, const QString &address, int port,
                          const QString &nodeId, const QString &version);

private:
    void onCheckResult(const QString &id, quint64 generation, const HealthProbe::Result &result);
    void sweep();
    void flushChecks();
    // Under m_mutex:
    void announce(const QString &eventType, const Instance &instance, const QJsonObject &extra);
    QFuture<bool> persist(const Instance &instance, std::optional<HistoryEntry> change);
    QFuture<bool> commitChange(Instance &instance, Status before, const QString &reason, qint64 nowMs);
    QFuture<bool> removeLocked(const QString &id, const QString &reason);
    void scheduleLocked(const Instance &instance);
    static QString key(const QString &service, const QString &address, int port);

    RegistrySettings m_settings;
    Storage::Database *m_database;
    EventPublisher *m_events;

    QThread m_checkThread;
    CheckScheduler *m_scheduler = nullptr; // lives on m_checkThread
    QTimer *m_sweepTimer = nullptr;        // lives on m_checkThread
    QTimer *m_flushTimer = nullptr;        // lives on m_checkThread

    mutable std::mutex m_mutex;
    QHash<QString, Instance> m_instances;
    QHash<QString, QString> m_byKey; // service|address|port -> id
    QHash<QString, quint64> m_generation;
    QHash<quint64, Realtime::SubscriptionPtr> m_subscribers;
    QSet<QString> m_checked; // ids with check results not yet sent to subscribers
    quint64 m_nextGeneration = 1;
    qint64 m_lastPruneMs = 0;
};

} // namespace Meshdeck::Registry
