#include "documentpermissions.h"

#include "store.h"

#include "platform/access.h"

#include <QSqlQuery>

namespace Meshdeck::Storage::DocumentPermissions {

ComponentSchema schema()
{
    // The same text on both dialects. The primary key serves the enforcement lookup (type, id,
    // action, role); the second index serves "which resources grant these roles" listings.
    const QStringList statements{
        QStringLiteral("CREATE TABLE document_permissions (resource_type TEXT NOT NULL,"
                       " resource_id TEXT NOT NULL, action TEXT NOT NULL"
                       " CHECK (action IN ('read', 'update', 'delete')), role TEXT NOT NULL,"
                       " PRIMARY KEY (resource_type, resource_id, action, role))"),
        QStringLiteral("CREATE INDEX document_permissions_by_role ON document_permissions"
                       " (resource_type, role, action, resource_id)"),
    };
    return ComponentSchema{QStringLiteral("document_permissions"),
                           {Migration{1, QStringLiteral("document permissions"), statements, statements}}};
}

Clause clause(const QString &resourceType, const QString &outerColumn, Action action, const Scope &scope)
{
    if (scope.everything)
        return Clause{QStringLiteral("1 = 1"), {}};
    if (scope.roles.isEmpty())
        return Clause{QStringLiteral("1 = 0"), {}}; // holds no role: grants nothing
    QStringList marks;
    QVariantList values{resourceType, actionName(action)};
    for (const QString &role : scope.roles) {
        marks << QStringLiteral("?");
        values << role;
    }
    return Clause{QStringLiteral("EXISTS (SELECT 1 FROM document_permissions p WHERE p.resource_type = ?"
                                 " AND p.resource_id = %1 AND p.action = ? AND p.role IN (%2))")
                      .arg(outerColumn, marks.join(QStringLiteral(", "))),
                  values};
}

void bind(QSqlQuery &query, const Clause &clause)
{
    for (const QVariant &value : clause.values)
        query.addBindValue(value);
}

namespace {
QList<Permission> fromRows(QSqlQuery &q, int actionColumn)
{
    QList<Permission> out;
    while (q.next()) {
        const std::optional<Action> action = actionFromName(q.value(actionColumn).toString());
        if (action)
            out << Permission{*action, q.value(actionColumn + 1).toString()};
    }
    return out;
}

// Stable order: read, update, delete; then by role in byte order.
const QString OrderBy =
    QStringLiteral(" ORDER BY CASE action WHEN 'read' THEN 0 WHEN 'update' THEN 1 ELSE 2 END, role");
} // namespace

QList<Permission> load(QSqlDatabase &db, const QString &resourceType, const QString &resourceId)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT action, role FROM document_permissions"
                                      " WHERE resource_type = ? AND resource_id = ?") +
                           OrderBy,
                       {resourceType, resourceId});
    return fromRows(q, 0);
}

QHash<QString, QList<Permission>> loadAll(QSqlDatabase &db, const QString &resourceType)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT resource_id, action, role FROM document_permissions"
                                      " WHERE resource_type = ?") +
                           OrderBy,
                       {resourceType});
    QHash<QString, QList<Permission>> out;
    while (q.next()) {
        const std::optional<Action> action = actionFromName(q.value(1).toString());
        if (action)
            out[q.value(0).toString()] << Permission{*action, q.value(2).toString()};
    }
    return out;
}

void remove(QSqlDatabase &db, const QString &resourceType, const QString &resourceId)
{
    exec(db, QStringLiteral("DELETE FROM document_permissions WHERE resource_type = ? AND resource_id = ?"),
         {resourceType, resourceId});
}

void replaceInTransaction(QSqlDatabase &db, const QString &resourceType, const QString &resourceId,
                          const QList<Permission> &permissions)
{
    remove(db, resourceType, resourceId);
    if (permissions.isEmpty())
        return;
    QSqlQuery insert = prepare(db, QStringLiteral("INSERT INTO document_permissions (resource_type,"
                                                  " resource_id, action, role) VALUES (?, ?, ?, ?)"
                                                  " ON CONFLICT DO NOTHING"));
    for (const Permission &p : permissions) {
        insert.bindValue(0, resourceType);
        insert.bindValue(1, resourceId);
        insert.bindValue(2, actionName(p.action));
        insert.bindValue(3, p.role);
        Storage::exec(insert, "cannot store a document permission");
    }
}

void replace(QSqlDatabase &db, const QString &resourceType, const QString &resourceId,
             const QList<Permission> &permissions)
{
    Transaction transaction(db);
    replaceInTransaction(db, resourceType, resourceId, permissions);
    transaction.commit();
}

QList<Action> heldActions(QSqlDatabase &db, const QString &resourceType, const QString &resourceId,
                          const Scope &scope)
{
    if (scope.everything)
        return {std::begin(AllActions), std::end(AllActions)};
    if (scope.roles.isEmpty())
        return {};
    QStringList marks;
    for (qsizetype i = 0; i < scope.roles.size(); ++i)
        marks << QStringLiteral("?");
    QSqlQuery q = prepare(db, QStringLiteral("SELECT DISTINCT action FROM document_permissions"
                                             " WHERE resource_type = ? AND resource_id = ? AND role IN (%1)")
                                  .arg(marks.join(QStringLiteral(", "))));
    q.addBindValue(resourceType);
    q.addBindValue(resourceId);
    for (const QString &role : scope.roles)
        q.addBindValue(role);
    Storage::exec(q, "cannot read the held document permissions");
    QList<Action> found;
    while (q.next()) {
        if (const std::optional<Action> action = actionFromName(q.value(0).toString()))
            found << *action;
    }
    QList<Action> out; // in a stable order: read, update, delete
    for (Action action : AllActions) {
        if (found.contains(action))
            out << action;
    }
    return out;
}

Result<QList<Permission>> parseList(const QStringList &texts, const QString &field)
{
    QList<Permission> out;
    for (qsizetype i = 0; i < texts.size(); ++i) {
        const Parsed parsed = parse(texts.at(i));
        if (!parsed.permission)
            return Error::invalid(QStringLiteral("%1[%2]").arg(field).arg(i), parsed.reason,
                                  "invalid-permission");
        if (!out.contains(*parsed.permission))
            out << *parsed.permission;
    }
    return out;
}

Scope scopeFor(const Principal &principal, QByteArrayView collectionPermission)
{
    const Access::Decision decision = Access::authorize(principal, collectionPermission);
    if (decision.allowed && decision.grant == Access::Grant::Full)
        return Scope::all();
    if (!decision.allowed)
        return Scope::holding({}); // grants nothing; the permission check should have refused first
    return Scope::holding(principal.documentRoles());
}

Result<void> mayGrant(const Principal &principal, QByteArrayView collectionPermission,
                      const QList<Permission> &requested, const QList<Permission> &current,
                      const QList<Action> &heldOnDocument)
{
    const Access::Decision decision = Access::authorize(principal, collectionPermission);
    if (!decision.allowed)
        return Error::forbidden(decision.summary(), "forbidden");
    if (decision.grant == Access::Grant::Full)
        return {};
    const QStringList roles = principal.documentRoles();
    for (const Permission &p : requested) {
        if (current.contains(p))
            continue;
        if (!roles.contains(p.role))
            return Error::forbidden(
                QStringLiteral("You may not grant %1: nobody grants what they do not hold, and you do not "
                               "hold the role %2.")
                    .arg(print(p), p.role),
                "grant-not-held");
        if (!heldOnDocument.contains(p.action))
            return Error::forbidden(
                QStringLiteral("You may not grant %1: nobody grants what they do not hold, and you do not "
                               "hold %2 on this resource.")
                    .arg(print(p), actionName(p.action)),
                "grant-not-held");
    }
    return {};
}

} // namespace Meshdeck::Storage::DocumentPermissions
