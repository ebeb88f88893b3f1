#pragma once

#include <QSqlDatabase>

namespace Meshdeck::Events {

// Retention of the event log: whole batches, oldest first, by age or by size. Follows the store
// contract (storage/store.h).
class RetentionStore
{
public:
    // Deletes at most about `maxEvents` expired events, each topic in its own short transaction,
    // and returns how many went; call again while it returns maxEvents or more.
    static int expireEvents(QSqlDatabase &db, qint64 nowMs, int maxEvents);
};

} // namespace Meshdeck::Events
