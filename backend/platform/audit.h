#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace Meshdeck {

// One audited call or event: every mutating call, every refusal (401/403), sign-ins and failed
// sign-ins, and a support read of a private room.
struct AuditEntry {
    QString actor; // Principal::actor(): "admin-token", "user:ID", "key:ID", "anonymous"
    QByteArray method;
    QByteArray path;
    QByteArray route; // the route pattern, empty when no route matched
    int status = 0;
    QByteArray requestId;
    QByteArray source; // the client's address
    qint64 timeMs = 0;
    QString actorName; // the user's email or the key's name, as it was then
    QString action;    // the route's operationId ("createTopic") or an event ("auth.signin.failed")
    QString outcome;   // "ok", "denied" (401/403), "failed" (any other error)
    QString resource;  // what it touched: "topic:orders", "user:ID"; may be empty
    QJsonValue before; // the resource's state before a change, null when none
    QJsonValue after;  // and after, null when deleted or refused
    QString detail;    // why it was refused, or what happened
};

// Where the HTTP layer reports mutating calls; the events service writes them to the audit topic.
// Implementations must be thread-safe: every event-loop thread records.
class AuditSink
{
public:
    virtual ~AuditSink() = default;
    virtual void record(AuditEntry entry) = 0;
};

} // namespace Meshdeck
