#pragma once

#include "principal.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <vector>

namespace Meshdeck::Access {

// Every permission a route can declare, with what it lets a caller do. Routes, API-key scopes, the
// simulator and the OpenAPI document all name permissions from this one table; a route that names
// another one stops the process at start-up.
struct PermissionInfo {
    QByteArray name;
    QString description;
};
const std::vector<PermissionInfo> &catalogue();
bool isKnown(QByteArrayView permission);

// What a role gets for a permission. Documents: only on the resources whose document permissions
// grant it (the store's query decides which those are).
enum class Grant { None, Documents, Full };
Grant roleGrant(Role role, QByteArrayView permission);
QString grantName(Grant grant);

// One step of a decision, for the 403's detail and the simulator.
struct Reason {
    QString rule; // "account", "role", "scope", "document"
    bool passed = false;
    QString detail;
};

struct Decision {
    bool allowed = false;
    Grant grant = Grant::None; // Documents: the caller still needs a document permission
    QList<Reason> reasons;

    QString summary() const; // the failing reasons, as one sentence a person can act on
};

// The one permission check: enforcement (the dispatcher, realtime, stores) and the simulator both
// call it. Checks the account, the role's grant, then an API key's scopes.
Decision authorize(const Principal &principal, QByteArrayView permission);

} // namespace Meshdeck::Access
