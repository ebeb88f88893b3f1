#pragma once

#include "storage/migrations.h"

#include <QSqlDatabase>
#include <QString>

namespace Meshdeck::System {

// The only code of the system service that sees SQL. It follows the store contract
// (storage/store.h): functions run on the database thread and throw Storage::StoreError.
namespace SystemStore {

std::vector<Storage::Migration> migrations();

// The node's stable identity: created on first start, the same on every later one.
QString loadOrCreateNodeId(QSqlDatabase &db);

} // namespace SystemStore

} // namespace Meshdeck::System
