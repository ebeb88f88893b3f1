#pragma once

#include <QByteArray>
#include <QString>

namespace Meshdeck {

// One mutating call, as the audit log records it.
struct AuditEntry {
    QString actor; // "admin" for the local admin token, "anonymous" when unauthenticated
    QByteArray method;
    QByteArray path;
    QByteArray route; // the route pattern, empty when no route matched
    int status = 0;
    QByteArray requestId;
    QByteArray source; // the client's address
    qint64 timeMs = 0;
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
