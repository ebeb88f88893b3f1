#include "sitesstore.h"

#include "storage/store.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace Meshdeck::Sites::SitesStore {

using Storage::exec;

std::vector<Storage::Migration> migrations()
{
    // One text for both dialects: %1 is the 64-bit integer type, %2 an auto-increment key.
    const auto tables = [](const char *bigint, const char *serial) {
        const QString b = QLatin1String(bigint);
        return QStringList{
            QStringLiteral("CREATE TABLE sites ("
                           " id TEXT PRIMARY KEY,"
                           " name TEXT NOT NULL UNIQUE,"
                           " framework TEXT NOT NULL,"
                           " install_command TEXT NOT NULL,"
                           " build_command TEXT NOT NULL,"
                           " output_directory TEXT NOT NULL,"
                           " build_timeout_seconds INTEGER NOT NULL,"
                           " network INTEGER NOT NULL,"
                           " spa_fallback INTEGER NOT NULL,"
                           " limits TEXT NOT NULL,"
                           " created_at_ms %1 NOT NULL,"
                           " updated_at_ms %1 NOT NULL,"
                           " live_deployment_id TEXT)")
                .arg(b),
            QStringLiteral("CREATE TABLE site_deployments ("
                           " id TEXT PRIMARY KEY,"
                           " site_id TEXT NOT NULL,"
                           " status TEXT NOT NULL,"
                           " source_kind TEXT NOT NULL,"
                           " source_path TEXT NOT NULL,"
                           " git_url TEXT NOT NULL,"
                           " git_branch TEXT NOT NULL,"
                           " upload_name TEXT NOT NULL,"
                           " upload_bytes %1 NOT NULL,"
                           " created_by TEXT NOT NULL,"
                           " created_at_ms %1 NOT NULL,"
                           " queued_at_ms %1 NOT NULL,"
                           " started_at_ms %1 NOT NULL,"
                           " finished_at_ms %1 NOT NULL,"
                           " artifact_bytes %1 NOT NULL,"
                           " reason TEXT NOT NULL,"
                           " worker TEXT NOT NULL,"
                           " fencing_token %1 NOT NULL,"
                           " lease_expires_ms %1 NOT NULL,"
                           " cancel_requested INTEGER NOT NULL,"
                           " attempts INTEGER NOT NULL,"
                           " log_lines %1 NOT NULL,"
                           " log_bytes %1 NOT NULL,"
                           " log_base %1 NOT NULL,"
                           " pruned INTEGER NOT NULL)")
                .arg(b),
            QStringLiteral("CREATE INDEX site_deployments_queue ON site_deployments (status, queued_at_ms)"),
            QStringLiteral(
                "CREATE INDEX site_deployments_by_site ON site_deployments (site_id, created_at_ms)"),
            QStringLiteral("CREATE TABLE site_deployment_history ("
                           " seq %2,"
                           " deployment_id TEXT NOT NULL,"
                           " status TEXT NOT NULL,"
                           " at_ms %1 NOT NULL,"
                           " reason TEXT NOT NULL)")
                .arg(b, QLatin1String(serial)),
            QStringLiteral("CREATE INDEX site_deployment_history_by_deployment ON site_deployment_history "
                           "(deployment_id, seq)"),
            // Every 1000th line's byte offset in build.log: a read from line N seeks, never scans.
            QStringLiteral("CREATE TABLE site_log_marks ("
                           " deployment_id TEXT NOT NULL,"
                           " line %1 NOT NULL,"
                           " byte_offset %1 NOT NULL,"
                           " PRIMARY KEY (deployment_id, line))")
                .arg(b),
            QStringLiteral("CREATE TABLE site_variables ("
                           " id TEXT PRIMARY KEY,"
                           " site_id TEXT NOT NULL,"
                           " name TEXT NOT NULL,"
                           " sealed_value TEXT NOT NULL,"
                           " secret INTEGER NOT NULL,"
                           " created_at_ms %1 NOT NULL,"
                           " updated_at_ms %1 NOT NULL,"
                           " UNIQUE (site_id, name))")
                .arg(b),
        };
    };
    return {{1, QStringLiteral("sites and deployments"),
             tables("INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT"),
             tables("BIGINT", "BIGSERIAL PRIMARY KEY")}};
}

namespace {
constexpr auto SiteColumns = "id, name, framework, install_command, build_command, output_directory, "
                             "build_timeout_seconds, network, limits, created_at_ms, updated_at_ms, "
                             "live_deployment_id, spa_fallback";

// A null QString binds as NULL; the columns are NOT NULL text.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Site readSite(const QSqlQuery &q)
{
    Site s;
    s.id = q.value(0).toString();
    s.spec.name = q.value(1).toString();
    s.spec.framework = q.value(2).toString();
    s.spec.installCommand = q.value(3).toString();
    s.spec.buildCommand = q.value(4).toString();
    s.spec.outputDirectory = q.value(5).toString();
    s.spec.buildTimeoutSeconds = q.value(6).toInt();
    s.spec.network = q.value(7).toInt() != 0;
    s.spec.limits = limitsFromJson(QJsonDocument::fromJson(q.value(8).toByteArray()).object());
    s.createdAtMs = q.value(9).toLongLong();
    s.updatedAtMs = q.value(10).toLongLong();
    s.liveDeploymentId = q.value(11).toString();
    s.spec.spaFallback = q.value(12).toInt() != 0;
    return s;
}

bool nameTaken(QSqlDatabase &db, const QString &name, const QString &exceptId)
{
    QSqlQuery q =
        exec(db, QStringLiteral("SELECT id FROM sites WHERE name = ? AND id <> ?"), {name, exceptId});
    return q.next();
}

constexpr auto VariableColumns = "id, site_id, name, sealed_value, secret, created_at_ms, updated_at_ms";

Variable readVariable(const QSqlQuery &q)
{
    Variable v;
    v.id = q.value(0).toString();
    v.siteId = q.value(1).toString();
    v.name = q.value(2).toString();
    v.sealedValue = q.value(3).toByteArray();
    v.secret = q.value(4).toInt() != 0;
    v.createdAtMs = q.value(5).toLongLong();
    v.updatedAtMs = q.value(6).toLongLong();
    return v;
}
} // namespace

Write insertSite(QSqlDatabase &db, const Site &site)
{
    Storage::Transaction t(db);
    if (nameTaken(db, site.spec.name, site.id))
        return Write::NameTaken;
    exec(db,
         QStringLiteral("INSERT INTO sites (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")
             .arg(QLatin1String(SiteColumns)),
         {site.id, site.spec.name, text(site.spec.framework), text(site.spec.installCommand),
          text(site.spec.buildCommand), text(site.spec.outputDirectory), site.spec.buildTimeoutSeconds,
          site.spec.network ? 1 : 0, compact(limitsToJson(site.spec.limits)), site.createdAtMs,
          site.updatedAtMs, site.spec.spaFallback ? 1 : 0});
    t.commit();
    return Write::Ok;
}

std::optional<Site> site(QSqlDatabase &db, const QString &id)
{
    QSqlQuery q =
        exec(db, QStringLiteral("SELECT %1 FROM sites WHERE id = ?").arg(QLatin1String(SiteColumns)), {id});
    if (!q.next())
        return std::nullopt;
    return readSite(q);
}

QList<Site> sites(QSqlDatabase &db)
{
    QSqlQuery q =
        exec(db, QStringLiteral("SELECT %1 FROM sites ORDER BY name").arg(QLatin1String(SiteColumns)));
    QList<Site> all;
    while (q.next())
        all.append(readSite(q));
    return all;
}

Write updateSite(QSqlDatabase &db, const Site &site)
{
    Storage::Transaction t(db);
    if (nameTaken(db, site.spec.name, site.id))
        return Write::NameTaken;
    QSqlQuery q =
        exec(db,
             QStringLiteral("UPDATE sites SET name = ?, framework = ?, install_command = ?, "
                            "build_command = ?, output_directory = ?, build_timeout_seconds = ?, "
                            "network = ?, spa_fallback = ?, limits = ?, updated_at_ms = ? WHERE id = ?"),
             {site.spec.name, text(site.spec.framework), text(site.spec.installCommand),
              text(site.spec.buildCommand), text(site.spec.outputDirectory), site.spec.buildTimeoutSeconds,
              site.spec.network ? 1 : 0, site.spec.spaFallback ? 1 : 0,
              compact(limitsToJson(site.spec.limits)), site.updatedAtMs, site.id});
    if (q.numRowsAffected() != 1)
        return Write::NotFound;
    t.commit();
    return Write::Ok;
}

bool removeSite(QSqlDatabase &db, const QString &id)
{
    Storage::Transaction t(db);
    const QString ofSite = QStringLiteral("SELECT id FROM site_deployments WHERE site_id = ?");
    exec(db, QStringLiteral("DELETE FROM site_deployment_history WHERE deployment_id IN (%1)").arg(ofSite),
         {id});
    exec(db, QStringLiteral("DELETE FROM site_log_marks WHERE deployment_id IN (%1)").arg(ofSite), {id});
    exec(db, QStringLiteral("DELETE FROM site_deployments WHERE site_id = ?"), {id});
    exec(db, QStringLiteral("DELETE FROM site_variables WHERE site_id = ?"), {id});
    QSqlQuery q = exec(db, QStringLiteral("DELETE FROM sites WHERE id = ?"), {id});
    if (q.numRowsAffected() != 1)
        return false;
    t.commit();
    return true;
}

Write insertVariable(QSqlDatabase &db, const Variable &v)
{
    Storage::Transaction t(db);
    if (!site(db, v.siteId))
        return Write::NotFound;
    QSqlQuery taken = exec(db, QStringLiteral("SELECT id FROM site_variables WHERE site_id = ? AND name = ?"),
                           {v.siteId, v.name});
    if (taken.next())
        return Write::NameTaken;
    exec(db,
         QStringLiteral("INSERT INTO site_variables (%1) VALUES (?, ?, ?, ?, ?, ?, ?)")
             .arg(QLatin1String(VariableColumns)),
         {v.id, v.siteId, v.name, QString::fromLatin1(v.sealedValue), v.secret ? 1 : 0, v.createdAtMs,
          v.updatedAtMs});
    t.commit();
    return Write::Ok;
}

std::optional<Variable> variable(QSqlDatabase &db, const QString &siteId, const QString &id)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM site_variables WHERE site_id = ? AND id = ?")
                           .arg(QLatin1String(VariableColumns)),
                       {siteId, id});
    if (!q.next())
        return std::nullopt;
    return readVariable(q);
}

QList<Variable> variables(QSqlDatabase &db, const QString &siteId)
{
    QSqlQuery q = exec(db,
                       QStringLiteral("SELECT %1 FROM site_variables WHERE site_id = ? ORDER BY name")
                           .arg(QLatin1String(VariableColumns)),
                       {siteId});
    QList<Variable> all;
    while (q.next())
        all.append(readVariable(q));
    return all;
}

Write updateVariable(QSqlDatabase &db, const Variable &v)
{
    Storage::Transaction t(db);
    QSqlQuery taken =
        exec(db, QStringLiteral("SELECT id FROM site_variables WHERE site_id = ? AND name = ? AND id <> ?"),
             {v.siteId, v.name, v.id});
    if (taken.next())
        return Write::NameTaken;
    QSqlQuery q =
        exec(db,
             QStringLiteral("UPDATE site_variables SET name = ?, sealed_value = ?, secret = ?, "
                            "updated_at_ms = ? WHERE site_id = ? AND id = ?"),
             {v.name, QString::fromLatin1(v.sealedValue), v.secret ? 1 : 0, v.updatedAtMs, v.siteId, v.id});
    if (q.numRowsAffected() != 1)
        return Write::NotFound;
    t.commit();
    return Write::Ok;
}

bool removeVariable(QSqlDatabase &db, const QString &siteId, const QString &id)
{
    QSqlQuery q =
        exec(db, QStringLiteral("DELETE FROM site_variables WHERE site_id = ? AND id = ?"), {siteId, id});
    return q.numRowsAffected() == 1;
}

} // namespace Meshdeck::Sites::SitesStore
