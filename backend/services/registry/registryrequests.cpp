#include "registryrequests.h"

namespace Meshdeck::Registry {

Result<Registration> parseRegistration(const QString &service, const QJsonObject &body)
{
    QString error;
    QString field;
    std::optional<Registration> registration = Registration::fromJson(service, body, &error, &field);
    if (!registration)
        return Error::invalid(field, error, "invalid-instance");
    return std::move(*registration);
}

Result<HeartbeatReport> parseHeartbeat(const QJsonObject &body)
{
    HeartbeatReport report;
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != QLatin1String("status") && it.key() != QLatin1String("output") &&
            it.key() != QLatin1String("inFlight"))
            return Error::invalid(
                it.key(),
                QStringLiteral("Unknown field '%1'; a heartbeat may carry status, output and inFlight.")
                    .arg(it.key()),
                "invalid-heartbeat");
    }
    if (body.contains(QStringLiteral("status"))) {
        report.status = statusFromName(body.value(QStringLiteral("status")).toString());
        if (!report.status || *report.status == Status::Draining)
            return Error::invalid(QStringLiteral("status"),
                                  QStringLiteral("status must be passing, warning or critical."),
                                  "invalid-heartbeat");
    }
    const QJsonValue output = body.value(QStringLiteral("output"));
    if (!output.isUndefined()) {
        if (!output.isString() || output.toString().size() > 1024)
            return Error::invalid(QStringLiteral("output"),
                                  QStringLiteral("output must be a string of at most 1024 characters."),
                                  "invalid-heartbeat");
        report.output = output.toString();
    }
    const QJsonValue inFlight = body.value(QStringLiteral("inFlight"));
    if (!inFlight.isUndefined()) {
        qint64 n = 0;
        if (!wholeNumberIn(inFlight, 0, 1e9, &n))
            return Error::invalid(QStringLiteral("inFlight"),
                                  QStringLiteral("inFlight must be a whole number ≥ 0: the requests the "
                                                 "instance is serving right now."),
                                  "invalid-heartbeat");
        report.inFlight = int(n);
    }
    return report;
}

Result<int> parseDrain(const QJsonObject &body, int defaultDeadlineMs)
{
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != QLatin1String("deadlineMs"))
            return Error::invalid(
                it.key(), QStringLiteral("Unknown field '%1'; a drain takes deadlineMs.").arg(it.key()),
                "invalid-drain");
    }
    const QJsonValue deadline = body.value(QStringLiteral("deadlineMs"));
    if (deadline.isUndefined())
        return defaultDeadlineMs;
    qint64 ms = 0;
    if (!wholeNumberIn(deadline, 0, 3'600'000, &ms))
        return Error::invalid(
            QStringLiteral("deadlineMs"),
            QStringLiteral("deadlineMs must be a whole number of milliseconds from 0 to 3600000."),
            "invalid-drain");
    return int(ms);
}

Result<InstancePatch> parsePatch(const QJsonObject &body)
{
    if (body.isEmpty())
        return Error::invalid(QStringLiteral("body"),
                              QStringLiteral("Nothing to change: send weight, tags or metadata."),
                              "invalid-patch");
    InstancePatch patch;
    for (auto it = body.begin(); it != body.end(); ++it) {
        QString error;
        bool ok = false;
        if (it.key() == QLatin1String("weight")) {
            int weight = 0;
            ok = parseWeight(it.value(), &weight, &error);
            patch.weight = weight;
        } else if (it.key() == QLatin1String("tags")) {
            QStringList tags;
            ok = parseTags(it.value(), &tags, &error);
            patch.tags = tags;
        } else if (it.key() == QLatin1String("metadata")) {
            QJsonObject metadata;
            ok = parseMetadata(it.value(), &metadata, &error);
            patch.metadata = metadata;
        } else {
            error = QStringLiteral("'%1' cannot be changed; PATCH takes weight, tags and metadata.")
                        .arg(it.key());
        }
        if (!ok)
            return Error::invalid(it.key(), error, "invalid-patch");
    }
    return patch;
}

Result<int> parseChangesLimit(const QString &text, int defaultLimit)
{
    if (text.isEmpty())
        return defaultLimit;
    bool ok = false;
    const int limit = text.toInt(&ok);
    if (!ok || limit < 1 || limit > 1000)
        return Error::invalid(QStringLiteral("limit"),
                              QStringLiteral("limit must be a whole number from 1 to 1000."),
                              "invalid-query");
    return limit;
}

Result<std::optional<Status>> parseStatusFilter(const QString &text)
{
    if (text.isEmpty())
        return std::optional<Status>();
    const std::optional<Status> status = statusFromName(text);
    if (!status)
        return Error::invalid(
            QStringLiteral("status"),
            QStringLiteral("status must be passing, warning, critical or draining; got '%1'.").arg(text),
            "invalid-query");
    return status;
}

} // namespace Meshdeck::Registry
