#pragma once

#include "platform/principal.h"
#include "platform/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <mutex>
#include <optional>

namespace Meshdeck::Events {

// The topics the platform writes to (audit, system, auth, registry, …) and what reading each needs.
// A system topic carries what its owner service knows: the auth topic tells who signed in and
// from where, the audit topic every change with its before and after. So reading one needs, besides
// events.read, the owner's own read permission in full (audit.read, auth.users.read, …), whatever
// the topic's document permissions say; and nobody publishes to one but the platform itself (a
// forged audit or sign-in event would be believed). Thread-safe: services register their topics
// while starting, requests on any thread ask. A system topic's dead-letter topic ("audit.dlq", where
// a consumer group's undeliverable audit records go) is one too, with the same rule.
class SystemTopics
{
public:
    // `readPermission`: what reading `topic` needs besides events.read (empty: nothing more).
    void add(const QString &topic, QByteArray readPermission);
    // `topic` is a system topic or the dead-letter topic of one.
    bool contains(const QString &topic) const;

    // Why `caller` may not read `topic`, or nothing when it may (or when the topic is not a system
    // topic). A null caller is the platform itself.
    std::optional<Error> readRefusal(const QString &topic, const PrincipalPtr &caller) const;
    // Why `caller` may not publish to `topic`: always, for a system topic and any caller.
    std::optional<Error> writeRefusal(const QString &topic, const PrincipalPtr &caller) const;

private:
    // The read permission of `topic` or of the system topic it is the dead letters of; nothing
    // when it is neither. Under m_mutex.
    std::optional<QByteArray> find(const QString &topic) const;

    mutable std::mutex m_mutex;
    QHash<QString, QByteArray> m_readPermission; // topic -> permission (maybe empty)
};

} // namespace Meshdeck::Events
