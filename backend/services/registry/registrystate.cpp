#include "registrystate.h"

namespace Meshdeck::Registry {

namespace {
QString plural(int n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

QString checkReason(const Instance &i, Outcome outcome, Status before, const HealthProbe::Result &result)
{
    const CheckSpec &spec = i.reg.check;
    switch (outcome) {
    case Outcome::Fail:
        return QStringLiteral("%1 in a row failed: %2")
            .arg(plural(i.health.failures(), "check", "checks"), result.output);
    case Outcome::Slow: {
        const QString slow =
            QStringLiteral("the check took %1 ms, above %2 ms").arg(result.latencyMs).arg(spec.slowMs);
        if (before != Status::Critical)
            return slow;
        return QStringLiteral("%1 in a row passed; %2")
            .arg(plural(i.health.successes(), "check", "checks"), slow);
    }
    case Outcome::Pass:
        return before == Status::Critical
                   ? QStringLiteral("%1 in a row passed").arg(plural(i.health.successes(), "check", "checks"))
                   : QStringLiteral("the check answered in %1 ms").arg(result.latencyMs);
    }
    return {};
}
} // namespace

std::optional<StatusChange> applyCheckResult(Instance &i, const HealthProbe::Result &result, qint64 now)
{
    const CheckSpec &spec = i.reg.check;
    const Outcome outcome = !result.ok                       ? Outcome::Fail
                            : result.latencyMs > spec.slowMs ? Outcome::Slow
                                                             : Outcome::Pass;
    i.lastCheckMs = now;
    i.lastLatencyMs = result.latencyMs;
    i.lastOutput = result.output;
    if (outcome == Outcome::Slow)
        i.lastOutput += QStringLiteral(" (slow: %1 ms, above %2 ms)").arg(result.latencyMs).arg(spec.slowMs);
    if (outcome != Outcome::Fail)
        i.lastPassMs = now;
    const Status before = i.status();
    i.health.apply(outcome, spec.healthyThreshold, spec.unhealthyThreshold);
    if (i.status() == before)
        return std::nullopt;
    return StatusChange{before, checkReason(i, outcome, before, result)};
}

Result<std::optional<StatusChange>> applyHeartbeat(Instance &i, const HeartbeatReport &report, qint64 now)
{
    const bool ttl = i.reg.check.kind == CheckSpec::Kind::Ttl;
    if (!ttl && report.status)
        return Error::invalid(QStringLiteral("status"),
                              QStringLiteral("This instance has an active check; only TTL instances report "
                                             "their status in heartbeats."),
                              "invalid-heartbeat");
    i.lastHeartbeatMs = now;
    i.ttlBaseMs = now;
    if (report.inFlight)
        i.inFlight = *report.inFlight;
    if (!ttl)
        return std::optional<StatusChange>();
    const Status before = i.status();
    const Status status = report.status.value_or(Status::Passing);
    i.lastOutput = report.output.value_or(QStringLiteral("heartbeat: %1").arg(statusName(status)));
    i.lastCheckMs = now;
    if (status == Status::Critical) {
        i.health.forceCritical();
    } else {
        i.health.apply(status == Status::Warning ? Outcome::Slow : Outcome::Pass,
                       i.reg.check.healthyThreshold, i.reg.check.unhealthyThreshold);
        i.lastPassMs = now;
    }
    if (i.status() == before)
        return std::optional<StatusChange>();
    return std::optional<StatusChange>(
        StatusChange{before, QStringLiteral("heartbeat reported %1").arg(statusName(status))});
}

std::optional<StatusChange> expireTtl(Instance &i, qint64 now)
{
    if (i.draining || i.reg.check.kind != CheckSpec::Kind::Ttl || i.health.status() == Status::Critical ||
        now - i.ttlBaseMs <= i.reg.check.ttlMs)
        return std::nullopt;
    const Status before = i.status();
    i.health.forceCritical();
    i.lastOutput =
        QStringLiteral("no heartbeat for %1 ms (TTL %2 ms)").arg(now - i.ttlBaseMs).arg(i.reg.check.ttlMs);
    return StatusChange{before, QStringLiteral("TTL expired: ") + i.lastOutput};
}

std::optional<QString> removalReason(const Instance &i, qint64 now, qint64 defaultDeregisterAfterMs)
{
    if (i.draining) {
        if (now >= i.drainDeadlineMs)
            return QStringLiteral("drained: the deadline passed");
        return std::nullopt;
    }
    const qint64 limit =
        i.reg.check.deregisterAfterMs >= 0 ? i.reg.check.deregisterAfterMs : defaultDeregisterAfterMs;
    if (i.health.status() == Status::Critical && i.criticalSinceMs > 0 && now - i.criticalSinceMs >= limit)
        return QStringLiteral("critical for longer than %1 s").arg(double(limit) / 1000.0, 0, 'f', 1);
    return std::nullopt;
}

StatusChange startDrain(Instance &i, int deadlineMs, qint64 now)
{
    const Status before = i.status();
    i.draining = true;
    i.drainDeadlineMs = now + deadlineMs;
    i.reg.weight = 0;
    i.inFlight = -1; // only a report made after the drain began counts
    return StatusChange{
        before, QStringLiteral(
                    "drain requested: weight 0; deregistered once it reports no requests in flight, or at %1")
                    .arg(isoTimeOrEmpty(i.drainDeadlineMs))};
}

Result<void> applyPatch(Instance &i, const InstancePatch &patch)
{
    if (patch.weight && *patch.weight != 0 && i.draining)
        return Error::conflict(
            QStringLiteral("The instance is draining: its weight stays 0 until it is gone. "
                           "Register it again to end the drain."),
            "instance-draining");
    if (patch.weight)
        i.reg.weight = *patch.weight;
    if (patch.tags)
        i.reg.tags = *patch.tags;
    if (patch.metadata)
        i.reg.metadata = *patch.metadata;
    return {};
}

HistoryEntry recordChange(Instance &i, const StatusChange &change, qint64 now)
{
    const Status after = i.status();
    const HistoryEntry entry{now, change.before, after, change.reason};
    i.history.append(entry);
    while (i.history.size() > Instance::HistoryKept)
        i.history.removeFirst();
    i.statusSinceMs = now;
    if (after == Status::Critical && change.before != Status::Critical)
        i.criticalSinceMs = now;
    else if (after != Status::Critical)
        i.criticalSinceMs = 0;
    return entry;
}

} // namespace Meshdeck::Registry
