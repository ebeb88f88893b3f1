#pragma once

#include <QSqlDatabase>

struct sqlite3;

namespace Meshdeck::Storage {

// The sqlite3 handle behind a QSQLITE connection (Qt's plugin links the system libsqlite3), for
// hot paths where QSqlQuery's QVariant binding costs more than the insert itself.
sqlite3 *nativeHandle(QSqlDatabase &db);

} // namespace Meshdeck::Storage
