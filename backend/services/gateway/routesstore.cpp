#include "services/gateway/routesstore.h"

#include "services/gateway/routetable.h"
#include "storage/store.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace Meshdeck::Gateway::RoutesStore {

namespace {

const QString RouteColumns = QStringLiteral(
    "id, spec, version, created_at_ms, updated_at_ms, updated_by, deleted FROM gateway_routes");

// A field added after the first release is stored only when set: a node of the release before it
// (a cluster mid-upgrade) refuses fields it does not know, and would fail to load every route.
QString specText(const RouteSpec &spec)
{
    QJsonObject json = toJson(spec);
    if (!spec.accessLogSample)
        json.remove(QStringLiteral("accessLogSample"));
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

// A stored spec was valid when written; one that no longer parses is damage, not a domain outcome.
RouteSpec specFrom(const QString &text, const QString &routeId)
{
    const Result<RouteSpec> spec = parseRouteSpec(QJsonDocument::fromJson(text.toUtf8()).object());
    if (!spec)
        throw Storage::StoreError(QStringLiteral("the stored spec of gateway route %1 is unreadable (%2: %3)")
                                      .arg(routeId, spec.error().field, spec.error().reason)
                                      .toStdString());
    return *spec;
}

Route routeFrom(const QSqlQuery &q)
{
    Route r;
    r.id = q.value(0).toString();
    r.spec = specFrom(q.value(1).toString(), r.id);
    r.version = q.value(2).toLongLong();
    r.createdAtMs = q.value(3).toLongLong();
    r.updatedAtMs = q.value(4).toLongLong();
    r.updatedBy = q.value(5).toString();
    return r;
}

QList<Route> liveRoutes(QSqlDatabase &db)
{
    QSqlQuery q =
        Storage::exec(db, QStringLiteral("SELECT %1 WHERE deleted = 0 ORDER BY name, id").arg(RouteColumns));
    QList<Route> out;
    while (q.next())
        out << routeFrom(q);
    return out;
}

struct Row {
    Route route;
    bool deleted = false;
};

std::optional<Row> row(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT %1 WHERE id = ?").arg(RouteColumns), {id});
    if (!q.next())
        return std::nullopt;
    return Row{routeFrom(q), q.value(6).toInt() != 0};
}

// The first statement of every write: moves the revision, and with it takes the lock that
// serialises writers (SQLite's write lock; PostgreSQL's row lock, held to the commit).
void bumpRevision(QSqlDatabase &db)
{
    const QSqlQuery q = Storage::exec(
        db, QStringLiteral("UPDATE gateway_routes_state SET revision = revision + 1 WHERE id = 1"));
    if (q.numRowsAffected() != 1)
        throw Storage::StoreError("the gateway routes' revision row is missing");
}

// Another live route in the way of `spec` (its name, or the same match), or nullopt.
std::optional<Write> blocked(QSqlDatabase &db, const RouteSpec &spec, const QString &selfId)
{
    const QList<Route> live = liveRoutes(db);
    for (const Route &r : live) {
        if (r.id != selfId && r.spec.name == spec.name)
            return Write{Write::NameTaken, {}, {}, {}, r};
    }
    for (const Route &r : live) {
        if (r.id != selfId && overlap(spec, r.spec) == Overlap::SameMatch)
            return Write{Write::SameMatch, {}, {}, {}, r};
    }
    return std::nullopt;
}

void recordVersion(QSqlDatabase &db, const QString &id, qint64 version, const char *action,
                   const std::optional<RouteSpec> &spec, qint64 atMs, const QString &by)
{
    Storage::exec(
        db,
        QStringLiteral("INSERT INTO gateway_route_versions (route_id, version, action, spec, at_ms, "
                       "changed_by) VALUES (?, ?, ?, ?, ?, ?)"),
        {id, version, QString::fromLatin1(action),
         spec ? QVariant(specText(*spec)) : QVariant(QMetaType(QMetaType::QString)), atMs, by});
}

// Writes the route's next version (live, with `spec`), conditional on the version it was at.
Route writeNext(QSqlDatabase &db, const Route &at, const RouteSpec &spec, qint64 atMs, const QString &by,
                const char *action)
{
    Route next = at;
    next.spec = spec;
    next.version = at.version + 1;
    next.updatedAtMs = atMs;
    next.updatedBy = by;
    const QSqlQuery q = Storage::exec(
        db,
        QStringLiteral("UPDATE gateway_routes SET name = ?, spec = ?, version = ?, updated_at_ms = ?, "
                       "updated_by = ?, deleted = 0 WHERE id = ? AND version = ?"),
        {spec.name, specText(spec), next.version, atMs, by, at.id, at.version});
    if (q.numRowsAffected() != 1) // cannot happen under the revision lock; never write over a change
        throw Storage::StoreError("a gateway route changed during its own write");
    recordVersion(db, at.id, next.version, action, spec, atMs, by);
    return next;
}

} // namespace

std::vector<Storage::Migration> migrations()
{
    // The same text serves both dialects (BIGINT is an integer in SQLite too; a partial index is in
    // both). `deleted` is 0 or 1: a deleted route keeps its row and history for a restore, and
    // leaves its name to new routes.
    const QStringList v1 = {
        QStringLiteral(
            "CREATE TABLE gateway_routes (id TEXT PRIMARY KEY, name TEXT NOT NULL, spec TEXT NOT NULL,"
            " version BIGINT NOT NULL, created_at_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL,"
            " updated_by TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0)"),
        QStringLiteral(
            "CREATE UNIQUE INDEX gateway_routes_live_name ON gateway_routes (name) WHERE deleted = 0"),
        QStringLiteral(
            "CREATE TABLE gateway_route_versions (route_id TEXT NOT NULL REFERENCES gateway_routes(id),"
            " version BIGINT NOT NULL, action TEXT NOT NULL, spec TEXT, at_ms BIGINT NOT NULL,"
            " changed_by TEXT NOT NULL, PRIMARY KEY (route_id, version))"),
        QStringLiteral("CREATE TABLE gateway_routes_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
                       " revision BIGINT NOT NULL)"),
        QStringLiteral("INSERT INTO gateway_routes_state (id, revision) VALUES (1, 0)"),
    };
    return {{1, QStringLiteral("gateway routes, their versions and the revision"), v1, v1}};
}

qint64 revision(QSqlDatabase &db)
{
    QSqlQuery q = Storage::exec(db, QStringLiteral("SELECT revision FROM gateway_routes_state WHERE id = 1"));
    if (!q.next())
        throw Storage::StoreError("the gateway routes' revision row is missing");
    return q.value(0).toLongLong();
}

Snapshot load(QSqlDatabase &db)
{
    Snapshot s;
    s.revision = revision(db);
    s.routes = liveRoutes(db);
    return s;
}

std::optional<Route> route(QSqlDatabase &db, const QString &id)
{
    std::optional<Row> r = row(db, id);
    if (!r || r->deleted)
        return std::nullopt;
    return r->route;
}

std::optional<QList<RouteVersion>> versions(QSqlDatabase &db, const QString &id)
{
    if (!row(db, id))
        return std::nullopt;
    QSqlQuery q =
        Storage::exec(db,
                      QStringLiteral("SELECT version, action, spec, at_ms, changed_by FROM "
                                     "gateway_route_versions WHERE route_id = ? ORDER BY version DESC"),
                      {id});
    QList<RouteVersion> out;
    while (q.next()) {
        RouteVersion v;
        v.version = q.value(0).toLongLong();
        v.action = q.value(1).toString();
        if (!q.value(2).isNull())
            v.spec = specFrom(q.value(2).toString(), id);
        v.atMs = q.value(3).toLongLong();
        v.by = q.value(4).toString();
        out << v;
    }
    return out;
}

Write create(QSqlDatabase &db, const Route &route)
{
    Storage::Transaction tx(db);
    bumpRevision(db);
    if (std::optional<Write> refusal = blocked(db, route.spec, route.id))
        return *refusal;
    Route created = route;
    created.version = 1;
    created.updatedAtMs = route.createdAtMs;
    Storage::exec(db,
                  QStringLiteral("INSERT INTO gateway_routes (id, name, spec, version, created_at_ms, "
                                 "updated_at_ms, updated_by, deleted) VALUES (?, ?, ?, 1, ?, ?, ?, 0)"),
                  {created.id, created.spec.name, specText(created.spec), created.createdAtMs,
                   created.updatedAtMs, created.updatedBy});
    recordVersion(db, created.id, 1, "created", created.spec, created.createdAtMs, created.updatedBy);
    tx.commit();
    return Write{Write::Done, std::nullopt, created, {}, {}};
}

Write update(QSqlDatabase &db, const QString &id, const RouteSpec &spec, qint64 expectedVersion, qint64 atMs,
             const QString &by)
{
    Storage::Transaction tx(db);
    bumpRevision(db);
    const std::optional<Row> at = row(db, id);
    if (!at || at->deleted)
        return Write{Write::NotFound, {}, {}, {}, {}};
    if (at->route.version != expectedVersion)
        return Write{Write::VersionConflict, {}, {}, at->route, {}};
    if (std::optional<Write> refusal = blocked(db, spec, id))
        return *refusal;
    Route next = writeNext(db, at->route, spec, atMs, by, "updated");
    tx.commit();
    return Write{Write::Done, at->route, std::move(next), {}, {}};
}

Write remove(QSqlDatabase &db, const QString &id, qint64 expectedVersion, qint64 atMs, const QString &by)
{
    Storage::Transaction tx(db);
    bumpRevision(db);
    const std::optional<Row> at = row(db, id);
    if (!at || at->deleted)
        return Write{Write::NotFound, {}, {}, {}, {}};
    if (expectedVersion >= 0 && at->route.version != expectedVersion)
        return Write{Write::VersionConflict, {}, {}, at->route, {}};
    const qint64 version = at->route.version + 1;
    const QSqlQuery q =
        Storage::exec(db,
                      QStringLiteral("UPDATE gateway_routes SET version = ?, updated_at_ms = ?, "
                                     "updated_by = ?, deleted = 1 WHERE id = ? AND version = ?"),
                      {version, atMs, by, id, at->route.version});
    if (q.numRowsAffected() != 1)
        throw Storage::StoreError("a gateway route changed during its own deletion");
    recordVersion(db, id, version, "deleted", std::nullopt, atMs, by);
    tx.commit();
    return Write{Write::Done, at->route, std::nullopt, {}, {}};
}

Write restore(QSqlDatabase &db, const QString &id, qint64 version, qint64 atMs, const QString &by)
{
    Storage::Transaction tx(db);
    bumpRevision(db);
    const std::optional<Row> at = row(db, id);
    if (!at)
        return Write{Write::NotFound, {}, {}, {}, {}};
    QSqlQuery q = Storage::exec(
        db, QStringLiteral("SELECT spec FROM gateway_route_versions WHERE route_id = ? AND version = ?"),
        {id, version});
    if (!q.next())
        return Write{Write::NoSuchVersion, {}, {}, {}, {}};
    if (q.value(0).isNull())
        return Write{Write::VersionDeleted, {}, {}, {}, {}};
    const RouteSpec spec = specFrom(q.value(0).toString(), id);
    if (std::optional<Write> refusal = blocked(db, spec, id))
        return *refusal;
    Route next = writeNext(db, at->route, spec, atMs, by, "restored");
    tx.commit();
    return Write{
        Write::Done, at->deleted ? std::nullopt : std::optional<Route>(at->route), std::move(next), {}, {}};
}

} // namespace Meshdeck::Gateway::RoutesStore
