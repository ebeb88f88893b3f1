#include "principal.h"

namespace Meshdeck {

QString roleName(Role role)
{
    switch (role) {
    case Role::Admin:
        return QStringLiteral("admin");
    case Role::Developer:
        return QStringLiteral("developer");
    case Role::Support:
        return QStringLiteral("support");
    case Role::User:
        break;
    }
    return QStringLiteral("user");
}

std::optional<Role> roleFromName(QStringView name)
{
    for (Role role : {Role::Admin, Role::Developer, Role::Support, Role::User}) {
        if (name == roleName(role))
            return role;
    }
    return std::nullopt;
}

Principal Principal::adminToken()
{
    Principal p;
    p.kind = Kind::AdminToken;
    p.name = QStringLiteral("admin token");
    p.role = Role::Admin;
    return p;
}

QString Principal::kindName() const
{
    switch (kind) {
    case Kind::AdminToken:
        return QStringLiteral("admin-token");
    case Kind::User:
        return QStringLiteral("user");
    case Kind::ApiKey:
        return QStringLiteral("api-key");
    case Kind::Anonymous:
        break;
    }
    return QStringLiteral("anonymous");
}

QString Principal::actor() const
{
    switch (kind) {
    case Kind::AdminToken:
        return QStringLiteral("admin-token");
    case Kind::User:
        return QStringLiteral("user:") + userId;
    case Kind::ApiKey:
        return QStringLiteral("key:") + keyId;
    case Kind::Anonymous:
        break;
    }
    return QStringLiteral("anonymous");
}

QStringList Principal::documentRoles() const
{
    QStringList roles{QStringLiteral("any")};
    if (userId.isEmpty())
        return roles;
    roles << QStringLiteral("users") << QStringLiteral("user:") + userId;
    for (const TeamMembership &m : teams) {
        roles << QStringLiteral("team:") + m.teamId;
        for (const QString &r : m.roles)
            roles << QStringLiteral("team:%1/%2").arg(m.teamId, r);
    }
    return roles;
}

} // namespace Meshdeck
