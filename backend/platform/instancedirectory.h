#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace Meshdeck {

// An instance as the gateway sees it: where it listens and whether it may get traffic.
struct UpstreamInstance {
    enum class Health { Passing, Warning, Critical };
    QString id;
    QByteArray key; // the id's UTF-8 bytes, under which the gateway's metrics count the instance
    QByteArray address;
    quint16 port = 0;
    int weight = 100;
    Health health = Health::Critical;
    bool draining = false;
};
using InstanceList = std::shared_ptr<const std::vector<UpstreamInstance>>;

// How the gateway finds a service's instances without knowing the registry. Implemented by the
// registry; any thread.
class InstanceDirectory
{
public:
    virtual ~InstanceDirectory() = default;
    // Changes whenever any instance's address, weight, health or drain changes: a reader keeps
    // what it fetched for as long as this stays the same.
    virtual quint64 generation() const = 0;
    // The instances of `service` now (never null; empty when there are none).
    virtual InstanceList instancesOf(const QString &service) const = 0;
    // The ids of every instance being drained now, of any service (a cluster's gateways report
    // their requests in flight to these, so that a drain waits for every node's gateway).
    virtual QStringList drainingInstances() const { return {}; }
};

} // namespace Meshdeck
