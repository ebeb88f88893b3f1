#pragma once

#include "registrytypes.h"

#include "platform/result.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace Meshdeck::Registry {

// The registry's API inputs, validated into domain values. A refusal is Error::invalid naming the
// offending field, with a sentence that says what would be accepted.

Result<Registration> parseRegistration(const QString &service, const QJsonObject &body);

// What a heartbeat may report: only TTL instances report a status.
struct HeartbeatReport {
    std::optional<Status> status;  // passing, warning or critical
    std::optional<QString> output; // shown as the last check output
    std::optional<int> inFlight;   // requests the instance is serving now
};
Result<HeartbeatReport> parseHeartbeat(const QJsonObject &body);

// The drain's deadline in milliseconds from now.
Result<int> parseDrain(const QJsonObject &body, int defaultDeadlineMs);

// What PATCH may change.
struct InstancePatch {
    std::optional<int> weight;
    std::optional<QStringList> tags;
    std::optional<QJsonObject> metadata;
};
Result<InstancePatch> parsePatch(const QJsonObject &body);

// ?limit= of the latest changes: 1 to 1000.
Result<int> parseChangesLimit(const QString &text, int defaultLimit);
// ?status= of an instance listing.
Result<std::optional<Status>> parseStatusFilter(const QString &text);

} // namespace Meshdeck::Registry
