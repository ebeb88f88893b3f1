#pragma once

#include "services/gateway/gatewayroute.h"
#include "services/gateway/routesstore.h"
#include "services/gateway/routetable.h"

#include "platform/clock.h"
#include "platform/result.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <QCoroTask>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Gateway {

// A change a write made: the live route before and after (nullopt where there was none, or it was
// deleted). The routes file puts both in the audit record.
struct RouteChange {
    std::optional<Route> before;
    std::optional<Route> after;
};

// What the registry knows of a service right now, for a preview (the gateway service wires it).
struct ServiceHealth {
    QString name;
    int instances = 0;
    int passing = 0;
};
using ServiceLookup = std::function<std::optional<ServiceHealth>(const QString &serviceName)>;

// The routes: stored through RoutesStore, held in memory as the compiled RouteTable that the data
// plane matches against. table() is safe from any thread (a copy of the current pointer under a
// mutex; generation() lets a thread keep its copy until it changes). Every write is stored first
// and the new table installed before the call answers; in cluster mode a timer reads the stored
// revision every syncIntervalMs and reloads when another node moved it.
//
// Errors (codes): route-not-found, route-version-not-found (404); route-exists, route-conflict,
// version-conflict, version-is-deletion (409); invalid with a field (400, from parseRouteSpec);
// unavailable (the database).
class RoutesCatalog : public QObject
{
    Q_OBJECT
public:
    RoutesCatalog(Storage::Database *database, bool cluster, int syncIntervalMs,
                  const Clock *clock = &Clock::system(), QObject *parent = nullptr);
    ~RoutesCatalog() override;

    // Loads the routes and starts the cluster sync. Empty answer: started.
    QCoro::Task<QString> start();
    void stop();

    RouteTablePtr table() const;
    // Moves by one every time a new table is installed (0: none yet). Cheap, any thread.
    quint64 generation() const { return m_generation.load(std::memory_order_acquire); }
    // The stored revision the current table was loaded at.
    qint64 revision() const;

    void setServiceLookup(ServiceLookup lookup);

    // Reads go to the database, so they see every node's writes at once.
    QCoro::Task<Result<QList<Route>>> routes(); // sorted by name
    QCoro::Task<Result<Route>> route(QString id);
    QCoro::Task<Result<QList<RouteVersion>>> versions(QString id); // newest first; deleted routes too

    // `by`: who changes it, as the history and updatedBy show it.
    QCoro::Task<Result<Route>> create(RouteSpec spec, QString by);
    QCoro::Task<Result<RouteChange>> update(QString id, RouteSpec spec, qint64 expectedVersion, QString by);
    QCoro::Task<Result<RouteChange>> remove(QString id, qint64 expectedVersion /*-1: any*/, QString by);
    QCoro::Task<Result<RouteChange>> restore(QString id, qint64 version, QString by);

    // What saving `spec` (the API's route object) would do, without saving: {"valid", "errors":
    // [{"field","reason"}], "changes": [{"field","before","after"}] (against route `id`; none for a
    // new route), "overlaps": [{"id","name","relation"}], "service": {"name","instances","passing"}
    // or null}. `id` empty: a new route; an unknown id is route-not-found.
    QCoro::Task<Result<QJsonObject>> preview(QJsonObject spec, QString id);

    // Reloads when the stored revision moved (the cluster timer calls it; a wake-up may too).
    QCoro::Task<void> sync();

Q_SIGNALS:
    // A new table is installed (after a write here, or a change another node made).
    void changed();

private:
    using Outcome = std::pair<RoutesStore::Write, RoutesStore::Snapshot>;
    QCoro::Task<Result<RoutesStore::Write>> write(std::function<RoutesStore::Write(QSqlDatabase &)> work);
    void install(RoutesStore::Snapshot snapshot);
    static Error refusal(const RoutesStore::Write &write, const QString &id);

    Storage::Database *m_database;
    bool m_cluster;
    const Clock *m_clock;
    QTimer m_syncTimer;
    bool m_syncing = false;

    mutable std::mutex m_mutex; // guards the three below
    RouteTablePtr m_table;
    qint64 m_revision = -1;
    ServiceLookup m_services;
    // Read by every proxied request: on a cache line of its own, which only a change writes.
    alignas(64) std::atomic<quint64> m_generation{0};
    alignas(64) std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace Meshdeck::Gateway
