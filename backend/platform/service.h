#pragma once

#include <QCoroTask>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace Meshdeck {

// A backend service module: its own store, routes and lifecycle. A service sees neither HTTP nor
// another service: the wiring layer (core/) installs its routes and schema, and hands it the
// narrow platform interfaces it needs (EventPublisher, AuditSink, Clock, SecretBox).
class Service
{
public:
    virtual ~Service() = default;
    virtual QString name() const = 0;
    // Called in registration order once the database is open; an error message stops start-up.
    virtual QCoro::Task<QString> start() { co_return QString(); }
    // Called in reverse order on shutdown.
    virtual QCoro::Task<void> stop() { co_return; }
};

// Starts services in order and stops them in reverse, like Qt Creator's plugin manager.
class ServiceHost
{
public:
    ServiceHost() = default;
    // Destroys the services in reverse order too: a later service may use an earlier one (the
    // registry publishes through the events service) until it is gone.
    ~ServiceHost();
    ServiceHost(const ServiceHost &) = delete;
    ServiceHost &operator=(const ServiceHost &) = delete;

    Service &add(std::unique_ptr<Service> service);
    QCoro::Task<QString> startAll();
    QCoro::Task<void> stopAll();
    QStringList names() const;

private:
    std::vector<std::unique_ptr<Service>> m_services;
    size_t m_started = 0;
};

} // namespace Meshdeck
