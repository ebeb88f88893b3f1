#pragma once

#include "result.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QString>

namespace Meshdeck {

// An event as a publisher sends it.
struct EventInput {
    QString type;
    QString key;
    QByteArray data;    // compact JSON
    QByteArray headers; // compact JSON object, or empty
};

// How a service puts its domain events on the event bus without knowing the events service.
// Implemented by the events service; the wiring layer hands it to the services that publish.
class EventPublisher
{
public:
    virtual ~EventPublisher() = default;
    // Creates the service's own topic (a system topic: it cannot be deleted) if it does not exist.
    // Only the platform publishes to it, and reading it needs `readPermission` (the owner service's
    // own read permission, such as auth.users.read) besides events.read.
    virtual QFuture<Result<void>> ensureSystemTopic(QString topic, QByteArray readPermission) = 0;
    // Resolves once the batch is durable, with the offsets it got, or with the reason it is not.
    virtual QFuture<Result<QList<qint64>>> publishEvents(QString topic, QList<EventInput> events,
                                                         QString requestId) = 0;
};

} // namespace Meshdeck
