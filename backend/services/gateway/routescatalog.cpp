#include "services/gateway/routescatalog.h"

#include "storage/database.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QUuid>

#include <algorithm>

namespace Meshdeck::Gateway {

Q_LOGGING_CATEGORY(lcRoutes, "meshdeck.backend.gateway.routes")

namespace {

// The fields that differ, each object walked down to its leaves ("rateLimit.requests"); a value
// that is an object on one side only, or an array, is one change.
void diff(const QJsonObject &before, const QJsonObject &after, const QString &path, QJsonArray &out)
{
    QStringList keys = before.keys() + after.keys();
    keys.sort();
    keys.removeDuplicates();
    for (const QString &key : std::as_const(keys)) {
        const QJsonValue b = before.value(key);
        const QJsonValue a = after.value(key);
        if (a == b)
            continue;
        const QString field = path.isEmpty() ? key : path + u'.' + key;
        if (a.isObject() && b.isObject()) {
            diff(b.toObject(), a.toObject(), field, out);
            continue;
        }
        out.append(
            QJsonObject{{QStringLiteral("field"), field},
                        {QStringLiteral("before"), b.isUndefined() ? QJsonValue(QJsonValue::Null) : b},
                        {QStringLiteral("after"), a.isUndefined() ? QJsonValue(QJsonValue::Null) : a}});
    }
}

QJsonObject fieldError(const QString &field, const QString &reason)
{
    return QJsonObject{{QStringLiteral("field"), field}, {QStringLiteral("reason"), reason}};
}

Error notFound(const QString &id)
{
    return Error::notFound(
        QStringLiteral("No gateway route has the id \"%1\"; list the routes to find it.").arg(id),
        QByteArrayLiteral("route-not-found"));
}

QString nameTaken(const Route &other)
{
    return QStringLiteral(
               "A route named \"%1\" exists already (id %2); choose another name, or edit that route.")
        .arg(other.spec.name, other.id);
}

QString sameMatch(const Route &other)
{
    return QStringLiteral(
               "Route \"%1\" (id %2) already takes the same requests (host, path prefix and methods); "
               "change the match, or edit that route.")
        .arg(other.spec.name, other.id);
}

} // namespace

RoutesCatalog::RoutesCatalog(Storage::Database *database, bool cluster, int syncIntervalMs,
                             const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_cluster(cluster)
    , m_clock(clock)
    , m_table(std::make_shared<const RouteTable>())
{
    m_syncTimer.setInterval(std::max(syncIntervalMs, 10));
    connect(&m_syncTimer, &QTimer::timeout, this, [this] { sync(); });
}

RoutesCatalog::~RoutesCatalog()
{
    *m_alive = false;
}

QCoro::Task<QString> RoutesCatalog::start()
{
    QCoro::Task<Result<RoutesStore::Snapshot>> loading =
        m_database->attempt([](QSqlDatabase &db) { return RoutesStore::load(db); });
    Result<RoutesStore::Snapshot> loaded = co_await loading;
    if (!loaded)
        co_return QStringLiteral("cannot read the gateway routes: ") + loaded.error().reason;
    install(std::move(*loaded));
    if (m_cluster)
        m_syncTimer.start();
    co_return QString();
}

void RoutesCatalog::stop()
{
    m_syncTimer.stop();
}

RouteTablePtr RoutesCatalog::table() const
{
    std::lock_guard lock(m_mutex);
    return m_table;
}

qint64 RoutesCatalog::revision() const
{
    std::lock_guard lock(m_mutex);
    return m_revision;
}

void RoutesCatalog::setServiceLookup(ServiceLookup lookup)
{
    std::lock_guard lock(m_mutex);
    m_services = std::move(lookup);
}

void RoutesCatalog::install(RoutesStore::Snapshot snapshot)
{
    {
        std::lock_guard lock(m_mutex);
        // Loads finish in the order the database thread ran them, but a sync and a write's reload
        // may both arrive: never replace a table with an older one, nor with the same one again.
        if (snapshot.revision <= m_revision)
            return;
        m_revision = snapshot.revision;
        m_table = std::make_shared<const RouteTable>(std::move(snapshot.routes));
        m_generation.fetch_add(1, std::memory_order_acq_rel);
    }
    Q_EMIT changed();
}

QCoro::Task<void> RoutesCatalog::sync()
{
    if (m_syncing)
        co_return;
    m_syncing = true;
    const std::shared_ptr<bool> alive = m_alive;
    QCoro::Task<Result<qint64>> reading =
        m_database->attempt([](QSqlDatabase &db) { return RoutesStore::revision(db); });
    const Result<qint64> stored = co_await reading;
    if (!*alive)
        co_return;
    if (stored && *stored != revision()) {
        QCoro::Task<Result<RoutesStore::Snapshot>> loading =
            m_database->attempt([](QSqlDatabase &db) { return RoutesStore::load(db); });
        Result<RoutesStore::Snapshot> loaded = co_await loading;
        if (!*alive)
            co_return;
        if (loaded)
            install(std::move(*loaded));
        else
            qCWarning(lcRoutes).noquote() << "cannot reload the gateway routes:" << loaded.error().reason;
    } else if (!stored) {
        qCWarning(lcRoutes).noquote() << "cannot read the gateway routes' revision:" << stored.error().reason;
    }
    m_syncing = false;
}

QCoro::Task<Result<RoutesStore::Write>>
RoutesCatalog::write(std::function<RoutesStore::Write(QSqlDatabase &)> work)
{
    // The write and the reload run as one piece of work on the database thread: the table that
    // answers the call has the change. A reload that fails after the commit must not report the
    // committed write as failed: it answers with the write and the table catches up on a sync.
    QCoro::Task<Result<Outcome>> writing = m_database->attempt([work = std::move(work)](QSqlDatabase &db) {
        Outcome out(work(db), RoutesStore::Snapshot{-1, {}});
        if (out.first.outcome != RoutesStore::Write::Done)
            return out;
        try {
            out.second = RoutesStore::load(db);
        } catch (const Storage::StoreError &e) {
            qCWarning(lcRoutes).noquote()
                << "a route change was stored but the routes could not be reloaded:" << e.reason();
        }
        return out;
    });
    const std::shared_ptr<bool> alive = m_alive;
    Result<Outcome> done = co_await writing;
    if (!done)
        co_return done.error();
    if (*alive && done->first.outcome == RoutesStore::Write::Done) {
        if (done->second.revision >= 0)
            install(std::move(done->second));
        else
            sync(); // reads the revision, which moved, and reloads
    }
    co_return std::move(done->first);
}

Error RoutesCatalog::refusal(const RoutesStore::Write &w, const QString &id)
{
    using W = RoutesStore::Write;
    switch (w.outcome) {
    case W::NotFound:
        return notFound(id);
    case W::VersionConflict:
        return Error::conflict(
            QStringLiteral("Route \"%1\" changed since it was read: it is at version %2 now, "
                           "changed by %3 at %4. Read it again and apply the change to that "
                           "version.")
                .arg(w.current->spec.name)
                .arg(w.current->version)
                .arg(w.current->updatedBy, isoTime(w.current->updatedAtMs)),
            QByteArrayLiteral("version-conflict"));
    case W::NameTaken:
        return Error::conflict(nameTaken(*w.other), QByteArrayLiteral("route-exists"));
    case W::SameMatch:
        return Error::conflict(sameMatch(*w.other), QByteArrayLiteral("route-conflict"));
    case W::NoSuchVersion:
        return Error::notFound(
            QStringLiteral("Route %1 has no such version; list its versions to pick one.").arg(id),
            QByteArrayLiteral("route-version-not-found"));
    case W::VersionDeleted:
        return Error::conflict(
            QStringLiteral("That version is the route's deletion and has no spec; restore a "
                           "version before it."),
            QByteArrayLiteral("version-is-deletion"));
    case W::Done:
        break;
    }
    return Error::unavailable(QStringLiteral("The route store gave no answer."));
}

QCoro::Task<Result<QList<Route>>> RoutesCatalog::routes()
{
    QCoro::Task<Result<RoutesStore::Snapshot>> loading =
        m_database->attempt([](QSqlDatabase &db) { return RoutesStore::load(db); });
    Result<RoutesStore::Snapshot> loaded = co_await loading;
    if (!loaded)
        co_return loaded.error();
    co_return std::move(loaded->routes);
}

QCoro::Task<Result<Route>> RoutesCatalog::route(QString id)
{
    QCoro::Task<Result<std::optional<Route>>> reading =
        m_database->attempt([id](QSqlDatabase &db) { return RoutesStore::route(db, id); });
    Result<std::optional<Route>> found = co_await reading;
    if (!found)
        co_return found.error();
    if (!*found)
        co_return notFound(id);
    co_return std::move(**found);
}

QCoro::Task<Result<QList<RouteVersion>>> RoutesCatalog::versions(QString id)
{
    QCoro::Task<Result<std::optional<QList<RouteVersion>>>> reading =
        m_database->attempt([id](QSqlDatabase &db) { return RoutesStore::versions(db, id); });
    Result<std::optional<QList<RouteVersion>>> found = co_await reading;
    if (!found)
        co_return found.error();
    if (!*found)
        co_return notFound(id);
    co_return std::move(**found);
}

QCoro::Task<Result<Route>> RoutesCatalog::create(RouteSpec spec, QString by)
{
    Route route;
    route.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    route.spec = std::move(spec);
    route.createdAtMs = m_clock->nowMs();
    route.updatedAtMs = route.createdAtMs;
    route.updatedBy = std::move(by);
    QCoro::Task<Result<RoutesStore::Write>> writing =
        write([route](QSqlDatabase &db) { return RoutesStore::create(db, route); });
    const Result<RoutesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (written->outcome != RoutesStore::Write::Done)
        co_return refusal(*written, route.id);
    co_return *written->after;
}

QCoro::Task<Result<RouteChange>> RoutesCatalog::update(QString id, RouteSpec spec, qint64 expectedVersion,
                                                       QString by)
{
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<RoutesStore::Write>> writing =
        write([id, spec, expectedVersion, now, by](QSqlDatabase &db) {
            return RoutesStore::update(db, id, spec, expectedVersion, now, by);
        });
    const Result<RoutesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (written->outcome != RoutesStore::Write::Done)
        co_return refusal(*written, id);
    co_return RouteChange{written->before, written->after};
}

QCoro::Task<Result<RouteChange>> RoutesCatalog::remove(QString id, qint64 expectedVersion, QString by)
{
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<RoutesStore::Write>> writing = write([id, expectedVersion, now, by](QSqlDatabase &db) {
        return RoutesStore::remove(db, id, expectedVersion, now, by);
    });
    const Result<RoutesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (written->outcome != RoutesStore::Write::Done)
        co_return refusal(*written, id);
    co_return RouteChange{written->before, written->after};
}

QCoro::Task<Result<RouteChange>> RoutesCatalog::restore(QString id, qint64 version, QString by)
{
    const qint64 now = m_clock->nowMs();
    QCoro::Task<Result<RoutesStore::Write>> writing = write(
        [id, version, now, by](QSqlDatabase &db) { return RoutesStore::restore(db, id, version, now, by); });
    const Result<RoutesStore::Write> written = co_await writing;
    if (!written)
        co_return written.error();
    if (written->outcome != RoutesStore::Write::Done)
        co_return refusal(*written, id);
    co_return RouteChange{written->before, written->after};
}

QCoro::Task<Result<QJsonObject>> RoutesCatalog::preview(QJsonObject json, QString id)
{
    QCoro::Task<Result<RoutesStore::Snapshot>> loading =
        m_database->attempt([](QSqlDatabase &db) { return RoutesStore::load(db); });
    const Result<RoutesStore::Snapshot> loaded = co_await loading;
    if (!loaded)
        co_return loaded.error();
    const QList<Route> &live = loaded->routes;
    const auto edited =
        std::find_if(live.cbegin(), live.cend(), [&id](const Route &r) { return r.id == id; });
    if (!id.isEmpty() && edited == live.cend())
        co_return notFound(id);

    QJsonArray errors;
    QJsonArray changes;
    QJsonArray overlaps;
    QJsonValue service(QJsonValue::Null);
    const Result<RouteSpec> spec = parseRouteSpec(json);
    if (!spec) {
        errors.append(fieldError(spec.error().field, spec.error().reason));
    } else {
        for (const Route &r : live) {
            if (r.id == id)
                continue;
            if (r.spec.name == spec->name)
                errors.append(fieldError(QStringLiteral("name"), nameTaken(r)));
            const Overlap o = overlap(*spec, r.spec);
            if (o == Overlap::SameMatch)
                errors.append(fieldError(QStringLiteral("match"), sameMatch(r)));
            if (o != Overlap::None)
                overlaps.append(QJsonObject{{QStringLiteral("id"), r.id},
                                            {QStringLiteral("name"), r.spec.name},
                                            {QStringLiteral("relation"), overlapName(o)}});
        }
        if (edited != live.cend())
            diff(toJson(edited->spec), toJson(*spec), QString(), changes);
        ServiceLookup lookup;
        {
            std::lock_guard lock(m_mutex);
            lookup = m_services;
        }
        if (lookup) {
            if (const std::optional<ServiceHealth> health = lookup(spec->service))
                service = QJsonObject{{QStringLiteral("name"), health->name},
                                      {QStringLiteral("instances"), health->instances},
                                      {QStringLiteral("passing"), health->passing}};
        }
    }
    co_return QJsonObject{{QStringLiteral("valid"), errors.isEmpty()},
                          {QStringLiteral("errors"), errors},
                          {QStringLiteral("changes"), changes},
                          {QStringLiteral("overlaps"), overlaps},
                          {QStringLiteral("service"), service}};
}

} // namespace Meshdeck::Gateway
