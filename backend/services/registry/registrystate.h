#pragma once

#include "healthprobe.h"
#include "registryrequests.h"
#include "registrytypes.h"

#include <optional>

namespace Meshdeck::Registry {

// The instance state machine: how check results, heartbeats, drains and time move an instance
// between statuses. Pure functions on an Instance and the time now; the service holds the lock,
// stores what changed and tells subscribers.

// A status change: what the status was, and why it changed.
struct StatusChange {
    Status before = Status::Critical;
    QString reason;
};

// One active check's result, against the check's thresholds and slow limit.
std::optional<StatusChange> applyCheckResult(Instance &instance, const HealthProbe::Result &result,
                                             qint64 nowMs);

// A heartbeat renews a TTL instance and records what it reports; only TTL instances report a
// status (Error::invalid for an instance with an active check, nothing changed).
Result<std::optional<StatusChange>> applyHeartbeat(Instance &instance, const HeartbeatReport &report,
                                                   qint64 nowMs);

// A TTL instance with no heartbeat within its TTL turns critical: a dead-man's switch.
std::optional<StatusChange> expireTtl(Instance &instance, qint64 nowMs);

// Why the sweep removes the instance now: its drain deadline passed, or it has been critical for
// longer than its check (or the node's default) allows.
std::optional<QString> removalReason(const Instance &instance, qint64 nowMs, qint64 defaultDeregisterAfterMs);

// Weight 0 and status draining until it reports nothing in flight or the deadline passes.
StatusChange startDrain(Instance &instance, int deadlineMs, qint64 nowMs);

// Whether a PATCH may apply (Error::conflict: a draining instance keeps weight 0), and applies it.
Result<void> applyPatch(Instance &instance, const InstancePatch &patch);

// Records a change that happened: the history entry (kept to Instance::HistoryKept), the time
// since when the status holds and since when the instance is critical. Returns the entry.
HistoryEntry recordChange(Instance &instance, const StatusChange &change, qint64 nowMs);

} // namespace Meshdeck::Registry
