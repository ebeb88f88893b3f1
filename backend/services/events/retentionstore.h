#pragma once

#include <QSqlDatabase>

namespace Meshdeck::Events {

// Retention of the event log: whole batches, oldest first, by age or by size. Follows the store
// contract (storage/store.h).
class RetentionStore
{
public:
    // Deletes at most about `maxEvents` expired events, each topic in its own short transaction,
    // and returns how many went; call again while it returns maxEvents or more. On PostgreSQL one
    // node of a cluster runs a pass at a time: while another holds the pass's advisory lock, this
    // removes nothing, returns 0 and sets `skipped`.
    static int expireEvents(QSqlDatabase &db, qint64 nowMs, int maxEvents, bool *skipped = nullptr);
};

} // namespace Meshdeck::Events
