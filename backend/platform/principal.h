#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Meshdeck {

// The console's people are admins, developers and support staff; `user` is the platform's own end
// users (chat participants), who reach only what document permissions give them.
enum class Role { User, Support, Developer, Admin };

QString roleName(Role role);
std::optional<Role> roleFromName(QStringView name);

struct TeamMembership {
    QString teamId;
    QStringList roles; // "owner", "member" or custom names
};

// Who is calling: resolved from the request's credential by the authenticator, read by the
// permission check, the stores' document-permission clauses, the audit log and the simulator.
struct Principal {
    enum class Kind { Anonymous, AdminToken, User, ApiKey };
    Kind kind = Kind::Anonymous;
    QString userId; // the user, or the key's owner; empty for the admin token and anonymous
    QString name;   // the user's email, the key's name, "admin token"
    Role role = Role::User;
    bool disabled = false; // the account is disabled (the simulator shows it; authentication refuses it)
    QString keyId;         // Kind::ApiKey
    std::optional<QStringList> scopes; // Kind::ApiKey: the permissions the key was limited to
    QString sessionId;                 // Kind::User: the session of the access token
    qint64 expiresAtMs = 0;            // when the credential stops being valid; 0: never
    QList<TeamMembership> teams;

    static Principal adminToken();

    bool isAuthenticated() const { return kind != Kind::Anonymous; }
    // "admin-token", "user:ID", "key:ID", "anonymous": the audit log's actor.
    QString actor() const;
    QString kindName() const;
    // The document-permission roles this principal holds: "any", and for a user "users",
    // "user:ID", "team:T" and "team:T/ROLE" for each membership.
    QStringList documentRoles() const;
};
using PrincipalPtr = std::shared_ptr<const Principal>;

} // namespace Meshdeck
