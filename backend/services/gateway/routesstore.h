#pragma once

#include "services/gateway/gatewayroute.h"
#include "storage/migrations.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace Meshdeck::Gateway {

// One entry of a route's history: what a change left the route as.
struct RouteVersion {
    qint64 version = 0;
    QString action;                // "created", "updated", "deleted", "restored"
    std::optional<RouteSpec> spec; // the spec from this version on; nullopt: the deletion
    qint64 atMs = 0;
    QString by;
};

// The gateway's routes store (component "gateway_routes"): the routes, every version of each, and
// a revision that every write moves in its own transaction, so the nodes of a cluster notice a
// change by reading one row. Follows the store contract (storage/store.h): database failures throw
// StoreError, domain outcomes are return values. Same SQL on SQLite and PostgreSQL.
//
// Writes are serialised: each begins by moving the revision, which takes the write lock on SQLite
// and locks the revision row on PostgreSQL until the commit, so the checks that follow (the version
// a writer edited, a name taken, another route with the same match) see every write committed
// before them and none can slip in until this one commits. A deleted route keeps its row (marked
// deleted, its name free for a new route) and its history, so it can be restored.
namespace RoutesStore {

std::vector<Storage::Migration> migrations();

struct Snapshot {
    qint64 revision = 0;
    QList<Route> routes; // live routes only
};

qint64 revision(QSqlDatabase &db);
// The revision first, then the routes: a snapshot is never older than its revision says.
Snapshot load(QSqlDatabase &db);
// A live route (nullopt: none, or deleted).
std::optional<Route> route(QSqlDatabase &db, const QString &id);
// The history of a route, live or deleted, newest first; nullopt when there is no such route.
std::optional<QList<RouteVersion>> versions(QSqlDatabase &db, const QString &id);

struct Write {
    enum Outcome {
        Done,
        NotFound,        // no such route (a deleted one, for update and remove)
        VersionConflict, // the route is not at the version the writer edited; `current` is how it is
        NameTaken,       // another live route has the name; `other` is that route
        SameMatch,       // another live route has the same match; `other` is that route
        NoSuchVersion,   // restore: the route has no such version
        VersionDeleted,  // restore: that version is a deletion, which has no spec
    };
    Outcome outcome = NotFound;
    std::optional<Route> before;  // Done: the live route before (nullopt: it did not exist or was deleted)
    std::optional<Route> after;   // Done: the live route after (nullopt: deleted)
    std::optional<Route> current; // VersionConflict
    std::optional<Route> other;   // NameTaken, SameMatch
};

// Inserts `route` at version 1 (its id, spec, createdAtMs and updatedBy are used).
Write create(QSqlDatabase &db, const Route &route);
// Replaces the spec of a live route at `expectedVersion`; the version moves by one.
Write update(QSqlDatabase &db, const QString &id, const RouteSpec &spec, qint64 expectedVersion, qint64 atMs,
             const QString &by);
// Deletes a live route at `expectedVersion` (-1: at any version); the deletion is a version.
Write remove(QSqlDatabase &db, const QString &id, qint64 expectedVersion, qint64 atMs, const QString &by);
// Makes `version`'s spec the route's next version, undeleting a deleted route.
Write restore(QSqlDatabase &db, const QString &id, qint64 version, qint64 atMs, const QString &by);

} // namespace RoutesStore

} // namespace Meshdeck::Gateway
