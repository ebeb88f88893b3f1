#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <vector>

namespace Meshdeck::Storage {

// One schema version of one component (a service, or the core). Applied in a transaction that
// also records it, so a crash leaves the database at the previous version, never half-way.
// The same version has a form for each dialect: `statements` for SQLite and `postgres` for
// PostgreSQL, so both databases go through the same versions. A migration with no PostgreSQL form
// refuses to run on PostgreSQL (it names itself), never half-applies.
struct Migration {
    int version;
    QString name;
    QStringList statements;
    QStringList postgres = {};
};

struct ComponentSchema {
    QString component;
    std::vector<Migration> migrations; // versions 1..N in order
};

struct MigrationResult {
    bool ok = false;
    bool newerThanCode = false; // the file was written by a newer meshdeckd: refuse to touch it
    int applied = 0;
    QString error;
};

// Brings every component up to date, or changes nothing when any component is newer than the code.
// On PostgreSQL the whole run holds an advisory lock, so nodes started together against one
// database migrate it once, one after the other.
MigrationResult migrate(QSqlDatabase &db, const std::vector<ComponentSchema> &schemas);

// The version of `component` recorded in the database (0 when none).
int schemaVersion(QSqlDatabase &db, const QString &component);

} // namespace Meshdeck::Storage
