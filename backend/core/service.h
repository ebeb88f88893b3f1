#pragma once

#include "storage/migrations.h"

#include <QCoroTask>
#include <QString>

#include <memory>
#include <vector>

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck {

// A backend service module: its own routes, schema and lifecycle. Services reach each other only
// through narrow interfaces handed to them by the wiring code, or through the event bus.
class Service
{
public:
    virtual ~Service() = default;
    virtual QString name() const = 0;
    virtual std::vector<Storage::Migration> migrations() const { return {}; }
    virtual void registerRoutes(Http::Router &router) = 0;
    // Called in registration order once the database is open; an error message stops start-up.
    virtual QCoro::Task<QString> start() { co_return QString(); }
    // Called in reverse order on shutdown.
    virtual QCoro::Task<void> stop() { co_return; }
};

// Starts services in order and stops them in reverse, like Qt Creator's plugin manager.
class ServiceHost
{
public:
    Service &add(std::unique_ptr<Service> service);
    std::vector<Storage::ComponentSchema> schemas() const;
    void registerRoutes(Http::Router &router);
    QCoro::Task<QString> startAll();
    QCoro::Task<void> stopAll();
    QStringList names() const;

private:
    std::vector<std::unique_ptr<Service>> m_services;
    size_t m_started = 0;
};

} // namespace Meshdeck
