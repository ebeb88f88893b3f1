#pragma once

#include "storage/migrations.h"

#include <QCoroTask>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::System {

// The only code of the system service that sees SQL.
class SystemStore
{
public:
    explicit SystemStore(Storage::Database *database);
    static std::vector<Storage::Migration> migrations();

    // The node's stable identity: created on first start, the same on every later one.
    QCoro::Task<QString> loadOrCreateNodeId();

private:
    Storage::Database *m_database;
};

} // namespace Meshdeck::System
