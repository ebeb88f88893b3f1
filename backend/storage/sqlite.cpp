#include "sqlite.h"

#include <QSqlDriver>
#include <QVariant>

namespace Meshdeck::Storage {

sqlite3 *nativeHandle(QSqlDatabase &db)
{
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.data());
}

} // namespace Meshdeck::Storage
