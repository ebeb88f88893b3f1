#pragma once

#include "migrations.h"
#include "permissionsyntax.h"

#include "platform/principal.h"
#include "platform/result.h"

#include <QHash>
#include <QSqlDatabase>
#include <QVariantList>

// Document permissions: who may read, update or delete one resource that belongs to someone (a
// topic; later sites, chat rooms, gateway routes). Stored in one table of their own, keyed by the
// resource's type and id, and enforced IN the owning store's query: the store appends clause() to
// its WHERE, so a row the caller may not see is never read, counted or returned. Generic: nothing
// here knows what a topic is.
namespace Meshdeck::Storage::DocumentPermissions {

// The migration component "document_permissions" (SQLite and PostgreSQL).
ComponentSchema schema();

// Whose permissions a query applies. Everything: a principal whose role grants the collection
// permission in full (admin, developer, support for reads): no clause at all. Otherwise only the
// resources that grant one of `roles` (Principal::documentRoles()) the action.
struct Scope {
    bool everything = true;
    QStringList roles;

    static Scope all() { return Scope{}; }
    static Scope holding(QStringList roles) { return Scope{false, std::move(roles)}; }
};

// An SQL condition with its positional values, to append to a store's own WHERE (with AND) and
// bind in order after the values before it.
struct Clause {
    QString sql;
    QVariantList values;
};
// `EXISTS (SELECT 1 FROM document_permissions p WHERE p.resource_type = ? AND p.resource_id =
// <outerColumn> AND p.action = ? AND p.role IN (?, …))`; "1 = 1" for Scope::all(). The roles are
// bound, never written into the text; `outerColumn` is the store's own column name (code, not input).
Clause clause(const QString &resourceType, const QString &outerColumn, Action action, const Scope &scope);
// Appends the clause's values to a prepared query (after those bound before).
void bind(QSqlQuery &query, const Clause &clause);

// Reads one resource's permissions, in a stable order (action, role).
QList<Permission> load(QSqlDatabase &db, const QString &resourceType, const QString &resourceId);
// Every resource of a type with its permissions (resources without any are absent).
QHash<QString, QList<Permission>> loadAll(QSqlDatabase &db, const QString &resourceType);
// Replaces one resource's permissions with `permissions`, inside a transaction the caller owns
// (with the resource's own write, so both land or neither does).
void replaceInTransaction(QSqlDatabase &db, const QString &resourceType, const QString &resourceId,
                          const QList<Permission> &permissions);
// The same in a transaction of its own.
void replace(QSqlDatabase &db, const QString &resourceType, const QString &resourceId,
             const QList<Permission> &permissions);
// Removes every permission of a resource (inside the caller's transaction when it has one).
void remove(QSqlDatabase &db, const QString &resourceType, const QString &resourceId);
// The actions `scope` holds on one resource (every action for Scope::all()), in one query, in
// the order read, update, delete.
QList<Action> heldActions(QSqlDatabase &db, const QString &resourceType, const QString &resourceId,
                          const Scope &scope);

// Parses a request's list of permission strings; Invalid names the offending item as
// "<field>[i]". Duplicates are dropped, the order kept.
Result<QList<Permission>> parseList(const QStringList &texts,
                                    const QString &field = QStringLiteral("permissions"));

// The scope of `principal` for a collection permission ("events.read"): Scope::all() when its
// role grants the permission in full, the principal's document roles when only on documents.
// Call it after the permission check allowed the principal.
Scope scopeFor(const Principal &principal, QByteArrayView collectionPermission);

// Nobody grants what they do not hold. A principal with the collection permission in full
// (Grant::Full on e.g. "events.write") may grant anything; one whose grant is Documents may add
// only permissions whose role it holds itself (Principal::documentRoles()) and whose action it
// holds on the document (`heldOnDocument`; a creator of a new document holds all three). Only the
// permissions not already in `current` count as granted: keeping or removing others' grants is not
// granting. Forbidden, with the first permission it may not grant, otherwise.
Result<void> mayGrant(const Principal &principal, QByteArrayView collectionPermission,
                      const QList<Permission> &requested, const QList<Permission> &current,
                      const QList<Action> &heldOnDocument);

} // namespace Meshdeck::Storage::DocumentPermissions
