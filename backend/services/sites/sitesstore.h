#pragma once

#include "sitestypes.h"

#include "storage/migrations.h"

#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace Meshdeck::Sites {

// Sites and their variables, following the store contract (storage/store.h): functions run on the
// database thread, a database failure is a thrown Storage::StoreError, multi-statement writes are
// one Storage::Transaction. Both SQLite and PostgreSQL.
namespace SitesStore {

// The "sites" component: sites, deployments, their status history, the build log's index and the
// variables (one schema for the whole service).
std::vector<Storage::Migration> migrations();

enum class Write { Ok, NotFound, NameTaken };

Write insertSite(QSqlDatabase &db, const Site &site);
std::optional<Site> site(QSqlDatabase &db, const QString &id);
QList<Site> sites(QSqlDatabase &db);
Write updateSite(QSqlDatabase &db, const Site &site);
// Removes the site, its deployments (with history and log index) and its variables.
bool removeSite(QSqlDatabase &db, const QString &id);

Write insertVariable(QSqlDatabase &db, const Variable &variable);
std::optional<Variable> variable(QSqlDatabase &db, const QString &siteId, const QString &id);
QList<Variable> variables(QSqlDatabase &db, const QString &siteId);
Write updateVariable(QSqlDatabase &db, const Variable &variable);
bool removeVariable(QSqlDatabase &db, const QString &siteId, const QString &id);

} // namespace SitesStore

} // namespace Meshdeck::Sites
