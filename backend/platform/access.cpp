#include "access.h"

#include <QStringList>

#include <algorithm>

namespace Meshdeck::Access {

const std::vector<PermissionInfo> &catalogue()
{
    static const std::vector<PermissionInfo> table{
        {"system.read", QStringLiteral("Read node info, cluster members and the OpenAPI document.")},
        {"events.read", QStringLiteral("List topics and consumer groups; read and tail events.")},
        {"events.write",
         QStringLiteral("Create, configure and delete topics and consumer groups; publish events.")},
        {"webhooks.read", QStringLiteral("List webhooks and their deliveries.")},
        {"webhooks.write", QStringLiteral("Create, change, test and delete webhooks.")},
        {"registry.read", QStringLiteral("Read services, instances and their status history.")},
        {"registry.write",
         QStringLiteral("Register, heartbeat, drain, reweigh and deregister service instances.")},
        {"realtime.subscribe",
         QStringLiteral("Open the realtime endpoint; each channel is authorised like the read it mirrors.")},
        {"auth.self", QStringLiteral("Read and change one's own profile, password and sessions.")},
        {"auth.users.read", QStringLiteral("List users and their sessions.")},
        {"auth.users.write",
         QStringLiteral("Create users, change their role or status, reset passwords, end sessions.")},
        {"auth.keys.read", QStringLiteral("List one's own API keys (an admin: everyone's).")},
        {"auth.keys.write", QStringLiteral("Create and revoke one's own API keys (an admin: anyone's).")},
        {"auth.teams.read", QStringLiteral("List teams and memberships.")},
        {"auth.teams.write", QStringLiteral("Create teams; manage memberships and invitations.")},
        {"access.simulate",
         QStringLiteral("Ask whether a principal may do an action on a resource, and why.")},
        {"audit.read", QStringLiteral("Search and follow the audit log.")},
        {"gateway.read",
         QStringLiteral("Read gateway routes, their metrics, circuit breakers and the access log.")},
        {"gateway.write",
         QStringLiteral("Create, change, restore and delete gateway routes; reset circuit breakers.")},
        {"sites.read",
         QStringLiteral("Read sites, deployments, build logs, variables (no secret values) and the "
                        "build queue.")},
        {"sites.write", QStringLiteral("Create, change and delete sites and their variables; activate (roll "
                                       "back) and delete deployments.")},
        {"sites.deploy", QStringLiteral("Start, cancel and redeploy deployments.")},
        {"chat.read", QStringLiteral("List chat rooms, read their messages and search them (a private room "
                                     "one is not in: with a reason, recorded).")},
        {"chat.write", QStringLiteral("Create chat rooms; send and edit one's own messages, mark them read, "
                                      "show typing.")},
        {"chat.moderate", QStringLiteral("Delete others' chat messages, remove participants, change rooms "
                                         "(an owner or moderator in their rooms).")},
        {"builds.work", QStringLiteral("Run builds as a build worker: claim them, write their log and "
                                       "artifact, finish them (admin only; a worker's token).")},
    };
    return table;
}

bool isKnown(QByteArrayView permission)
{
    const auto &table = catalogue();
    return std::any_of(table.begin(), table.end(),
                       [permission](const PermissionInfo &p) { return p.name == permission; });
}

namespace {
bool isRead(QByteArrayView permission)
{
    return permission.endsWith(".read") || permission == "realtime.subscribe" || permission == "auth.self";
}

bool isIn(QByteArrayView permission, std::initializer_list<const char *> list)
{
    return std::any_of(list.begin(), list.end(), [permission](const char *p) { return permission == p; });
}
} // namespace

Grant roleGrant(Role role, QByteArrayView permission)
{
    if (!isKnown(permission))
        return Grant::None;
    switch (role) {
    case Role::Admin:
        return Grant::Full;
    case Role::Developer:
        // Uses and configures the platform; manages no users and reads no audit log.
        if (permission.startsWith("auth.users.") || permission == "audit.read" ||
            permission == "access.simulate" || permission == "builds.work" || permission == "chat.moderate")
            return Grant::None;
        if (permission == "auth.teams.write")
            return Grant::Documents; // the teams they own
        return Grant::Full;
    case Role::Support:
        // Reads; changes nothing but their own credentials.
        if (isIn(permission, {"auth.keys.read", "auth.keys.write"}))
            return Grant::Full;
        if (permission == "access.simulate")
            return Grant::None;
        return isRead(permission) ? Grant::Full : Grant::None;
    case Role::User:
        if (isIn(permission, {"auth.self", "realtime.subscribe", "auth.keys.read", "auth.keys.write"}))
            return Grant::Full;
        if (isIn(permission, {"events.read", "events.write", "auth.teams.read", "auth.teams.write",
                              "chat.read", "chat.write", "chat.moderate"}))
            return Grant::Documents;
        return Grant::None;
    }
    return Grant::None;
}

QString grantName(Grant grant)
{
    switch (grant) {
    case Grant::Full:
        return QStringLiteral("full");
    case Grant::Documents:
        return QStringLiteral("documents");
    case Grant::None:
        break;
    }
    return QStringLiteral("none");
}

QString Decision::summary() const
{
    QStringList failing;
    for (const Reason &r : reasons) {
        if (!r.passed)
            failing << r.detail;
    }
    return failing.join(QLatin1Char(' '));
}

Decision authorize(const Principal &principal, QByteArrayView permission)
{
    Decision d;
    const QString name = QString::fromLatin1(permission);
    if (!principal.isAuthenticated()) {
        d.reasons.append({QStringLiteral("account"), false, QStringLiteral("No credential was presented.")});
        return d;
    }
    if (principal.disabled) {
        d.reasons.append(
            {QStringLiteral("account"), false,
             QStringLiteral("The account %1 is disabled; an admin can enable it.").arg(principal.name)});
        return d;
    }
    if (!isKnown(permission)) {
        d.reasons.append(
            {QStringLiteral("role"), false,
             QStringLiteral("'%1' is not a permission of this backend (deny by default).").arg(name)});
        return d;
    }
    const Grant grant = roleGrant(principal.role, permission);
    const QString role = roleName(principal.role);
    if (grant == Grant::None) {
        d.reasons.append(
            {QStringLiteral("role"), false, QStringLiteral("The role %1 does not hold %2.").arg(role, name)});
        return d;
    }
    d.reasons.append(
        {QStringLiteral("role"), true,
         grant == Grant::Full
             ? QStringLiteral("The role %1 holds %2.").arg(role, name)
             : QStringLiteral("The role %1 holds %2 on resources whose document permissions grant "
                              "it.")
                   .arg(role, name)});
    if (principal.scopes) {
        if (!principal.scopes->contains(name)) {
            d.reasons.append(
                {QStringLiteral("scope"), false,
                 QStringLiteral("The API key '%1' is limited to %2, which does not include %3.")
                     .arg(principal.name,
                          principal.scopes->isEmpty() ? QStringLiteral("no permission")
                                                      : principal.scopes->join(QStringLiteral(", ")),
                          name)});
            return d;
        }
        d.reasons.append({QStringLiteral("scope"), true,
                          QStringLiteral("The API key '%1' includes %2.").arg(principal.name, name)});
    }
    d.allowed = true;
    d.grant = grant;
    return d;
}

} // namespace Meshdeck::Access
