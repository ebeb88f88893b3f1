#include "registrytypes.h"

#include "platform/clock.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>

namespace Meshdeck::Registry {

namespace {
constexpr int MaxTags = 32;
constexpr int MaxTagLength = 128;
constexpr int MaxMetadataKeys = 64;
constexpr int MaxMetadataKeyLength = 128;
constexpr int MaxMetadataValueLength = 512;
constexpr int MaxVersionLength = 64;
constexpr int MinIntervalMs = 100;
constexpr int MaxIntervalMs = 24 * 3600 * 1000;
constexpr int MaxTimeoutMs = 300'000;
constexpr int MinTtlMs = 1'000;
constexpr int MaxThreshold = 100;

} // namespace

bool wholeNumberIn(const QJsonValue &value, double min, double max, qint64 *out)
{
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    if (!(d >= min && d <= max) || d != std::floor(d)) // also refuses NaN
        return false;
    *out = qint64(d);
    return true;
}

namespace {
// A whole number within [min, max] or absent; false with a reason otherwise.
bool intField(const QJsonObject &json, const char *key, int min, int max, int *out, QString *error,
              QString *field)
{
    const QJsonValue v = json.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return true;
    qint64 n = 0;
    if (!wholeNumberIn(v, min, max, &n)) {
        *error = QStringLiteral("check.%1 must be a whole number from %2 to %3.")
                     .arg(QLatin1String(key))
                     .arg(min)
                     .arg(max);
        *field = QStringLiteral("check.") + QLatin1String(key);
        return false;
    }
    *out = int(n);
    return true;
}

// The kind of check (exactly one of http, tcp and ttlMs is present) and what belongs to it.
bool parseCheckKind(const QJsonObject &json, CheckSpec *spec, QString *error, QString *field)
{
    if (json.contains(QStringLiteral("http"))) {
        spec->kind = CheckSpec::Kind::Http;
        spec->httpPath = json.value(QStringLiteral("http")).toString();
        if (!spec->httpPath.startsWith(QLatin1Char('/')) || spec->httpPath.size() > 1024 ||
            spec->httpPath.contains(QRegularExpression(QStringLiteral("[\\s\\x00-\\x1f\\x7f]")))) {
            *error = QStringLiteral("check.http must be a path starting with '/', such as /healthz, without "
                                    "spaces or control characters.");
            *field = QStringLiteral("check.http");
            return false;
        }
    } else if (json.contains(QStringLiteral("tcp"))) {
        spec->kind = CheckSpec::Kind::Tcp;
        if (json.value(QStringLiteral("tcp")) != QJsonValue(true)) {
            *error = QStringLiteral("check.tcp must be true.");
            *field = QStringLiteral("check.tcp");
            return false;
        }
    } else {
        spec->kind = CheckSpec::Kind::Ttl;
        spec->healthyThreshold = 1;
        spec->ttlMs = -1;
        if (!intField(json, "ttlMs", MinTtlMs, MaxIntervalMs, &spec->ttlMs, error, field))
            return false;
        for (const char *key : {"intervalMs", "timeoutMs", "slowMs"}) {
            if (json.contains(QLatin1String(key))) {
                *error = QStringLiteral("check.%1 applies to http and tcp checks, not to ttl ones.")
                             .arg(QLatin1String(key));
                *field = QStringLiteral("check.") + QLatin1String(key);
                return false;
            }
        }
    }
    return true;
}
} // namespace

QString statusName(Status status)
{
    switch (status) {
    case Status::Passing:
        return QStringLiteral("passing");
    case Status::Warning:
        return QStringLiteral("warning");
    case Status::Critical:
        return QStringLiteral("critical");
    case Status::Draining:
        return QStringLiteral("draining");
    }
    return {};
}

std::optional<Status> statusFromName(const QString &name)
{
    for (Status s : {Status::Passing, Status::Warning, Status::Critical, Status::Draining}) {
        if (statusName(s) == name)
            return s;
    }
    return std::nullopt;
}

QString isoTimeOrEmpty(qint64 ms)
{
    return ms <= 0 ? QString() : isoTime(ms);
}

QJsonObject CheckSpec::toJson() const
{
    QJsonObject out{{QStringLiteral("healthyThreshold"), healthyThreshold},
                    {QStringLiteral("unhealthyThreshold"), unhealthyThreshold}};
    switch (kind) {
    case Kind::Http:
        out.insert(QStringLiteral("http"), httpPath);
        break;
    case Kind::Tcp:
        out.insert(QStringLiteral("tcp"), true);
        break;
    case Kind::Ttl:
        out.insert(QStringLiteral("ttlMs"), ttlMs);
        break;
    }
    if (active()) {
        out.insert(QStringLiteral("intervalMs"), intervalMs);
        out.insert(QStringLiteral("timeoutMs"), timeoutMs);
        out.insert(QStringLiteral("slowMs"), slowMs);
    }
    if (deregisterAfterMs >= 0)
        out.insert(QStringLiteral("deregisterAfterMs"), double(deregisterAfterMs));
    return out;
}

std::optional<CheckSpec> CheckSpec::fromJson(const QJsonObject &json, QString *error, QString *fieldOut)
{
    QString ignored;
    QString *field = fieldOut ? fieldOut : &ignored;
    *field = QStringLiteral("check");
    CheckSpec spec;
    const bool hasHttp = json.contains(QStringLiteral("http"));
    const bool hasTcp = json.contains(QStringLiteral("tcp"));
    const bool hasTtl = json.contains(QStringLiteral("ttlMs"));
    if (int(hasHttp) + int(hasTcp) + int(hasTtl) != 1) {
        *error =
            QStringLiteral("check needs exactly one of \"http\": \"/path\", \"tcp\": true or \"ttlMs\": N.");
        return std::nullopt;
    }
    static const QStringList known{QStringLiteral("http"),
                                   QStringLiteral("tcp"),
                                   QStringLiteral("ttlMs"),
                                   QStringLiteral("intervalMs"),
                                   QStringLiteral("timeoutMs"),
                                   QStringLiteral("slowMs"),
                                   QStringLiteral("healthyThreshold"),
                                   QStringLiteral("unhealthyThreshold"),
                                   QStringLiteral("deregisterAfterMs")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("check has an unknown field '%1'; known are %2.")
                         .arg(it.key(), known.join(QStringLiteral(", ")));
            *field = QStringLiteral("check.") + it.key();
            return std::nullopt;
        }
    }
    if (!parseCheckKind(json, &spec, error, field))
        return std::nullopt;
    bool slowGiven = json.contains(QStringLiteral("slowMs"));
    if (!intField(json, "intervalMs", MinIntervalMs, MaxIntervalMs, &spec.intervalMs, error, field) ||
        !intField(json, "timeoutMs", 50, MaxTimeoutMs, &spec.timeoutMs, error, field) ||
        !intField(json, "slowMs", 1, MaxTimeoutMs, &spec.slowMs, error, field) ||
        !intField(json, "healthyThreshold", 1, MaxThreshold, &spec.healthyThreshold, error, field) ||
        !intField(json, "unhealthyThreshold", 1, MaxThreshold, &spec.unhealthyThreshold, error, field))
        return std::nullopt;
    if (spec.active()) {
        if (!slowGiven)
            spec.slowMs = spec.timeoutMs / 2;
        if (spec.slowMs >= spec.timeoutMs) {
            *error = QStringLiteral("check.slowMs (%1) must be below check.timeoutMs (%2): a check slower "
                                    "than slowMs is a warning, one slower than timeoutMs fails.")
                         .arg(spec.slowMs)
                         .arg(spec.timeoutMs);
            *field = QStringLiteral("check.slowMs");
            return std::nullopt;
        }
    }
    const QJsonValue deregister = json.value(QStringLiteral("deregisterAfterMs"));
    if (!deregister.isUndefined()) {
        qint64 ms = 0;
        if (!wholeNumberIn(deregister, 1000, 30.0 * 24 * 3600 * 1000, &ms)) {
            *error =
                QStringLiteral("check.deregisterAfterMs must be a whole number of milliseconds from 1000 "
                               "to 30 days.");
            *field = QStringLiteral("check.deregisterAfterMs");
            return std::nullopt;
        }
        spec.deregisterAfterMs = ms;
    }
    return spec;
}

Status HealthState::apply(Outcome outcome, int healthyThreshold, int unhealthyThreshold)
{
    if (outcome == Outcome::Fail) {
        m_successes = 0;
        ++m_failures;
        if (m_status != Status::Critical && m_failures >= unhealthyThreshold)
            m_status = Status::Critical;
        return m_status;
    }
    m_failures = 0;
    ++m_successes;
    const Status healthy = outcome == Outcome::Slow ? Status::Warning : Status::Passing;
    if (m_status != Status::Critical || m_successes >= healthyThreshold)
        m_status = healthy;
    return m_status;
}

void HealthState::forceCritical()
{
    m_status = Status::Critical;
    m_successes = 0;
}

void HealthState::assume(Status status)
{
    m_status = status == Status::Draining ? Status::Passing : status;
    m_successes = 0;
    m_failures = 0;
}

QJsonObject HistoryEntry::toJson() const
{
    return QJsonObject{{QStringLiteral("time"), isoTimeOrEmpty(timeMs)},
                       {QStringLiteral("from"), statusName(from)},
                       {QStringLiteral("to"), statusName(to)},
                       {QStringLiteral("reason"), reason}};
}

bool isValidServiceName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,62}$"));
    return pattern.match(name).hasMatch();
}

bool isValidAddress(const QString &address)
{
    if (address.isEmpty() || address.size() > 253)
        return false;
    // inet_aton would read "1.2.3" as 1.2.0.3; an address here has four dotted parts.
    static const QRegularExpression numeric(QStringLiteral("^[0-9.]+$"));
    if (numeric.match(address).hasMatch() && address.count(QLatin1Char('.')) != 3)
        return false;
    QHostAddress ip;
    if (ip.setAddress(address))
        return !ip.isMulticast() && ip != QHostAddress::Any && ip != QHostAddress::AnyIPv6 &&
               ip != QHostAddress::AnyIPv4 && ip != QHostAddress::Broadcast;
    static const QRegularExpression host(
        QStringLiteral("^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
                       "(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"));
    // A name of digits and dots only would be a malformed IPv4 address, not a host name.
    return host.match(address).hasMatch() && !numeric.match(address).hasMatch();
}

bool parseWeight(const QJsonValue &value, int *weight, QString *error)
{
    qint64 n = 0;
    if (!wholeNumberIn(value, 0, 1000, &n)) {
        *error = QStringLiteral("weight must be a whole number from 0 to 1000.");
        return false;
    }
    *weight = int(n);
    return true;
}

bool parseTags(const QJsonValue &value, QStringList *tags, QString *error)
{
    if (!value.isArray() || value.toArray().size() > MaxTags) {
        *error = QStringLiteral("tags must be an array of at most %1 strings.").arg(MaxTags);
        return false;
    }
    QStringList out;
    for (const QJsonValue &t : value.toArray()) {
        const QString s = t.toString();
        if (!t.isString() || s.isEmpty() || s.size() > MaxTagLength) {
            *error = QStringLiteral("each tag must be a non-empty string of at most %1 characters.")
                         .arg(MaxTagLength);
            return false;
        }
        if (!out.contains(s))
            out << s;
    }
    *tags = out;
    return true;
}

bool parseMetadata(const QJsonValue &value, QJsonObject *metadata, QString *error)
{
    if (!value.isObject() || value.toObject().size() > MaxMetadataKeys) {
        *error =
            QStringLiteral("metadata must be an object of at most %1 string values.").arg(MaxMetadataKeys);
        return false;
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key().isEmpty() || it.key().size() > MaxMetadataKeyLength || !it.value().isString() ||
            it.value().toString().size() > MaxMetadataValueLength) {
            *error = QStringLiteral("metadata keys must be 1–%1 characters and values strings of at most %2 "
                                    "characters; '%3' is not.")
                         .arg(MaxMetadataKeyLength)
                         .arg(MaxMetadataValueLength)
                         .arg(it.key());
            return false;
        }
    }
    *metadata = object;
    return true;
}

std::optional<Registration> Registration::fromJson(const QString &service, const QJsonObject &json,
                                                   QString *error, QString *fieldOut)
{
    QString ignored;
    QString *field = fieldOut ? fieldOut : &ignored;
    static const QStringList known{QStringLiteral("address"), QStringLiteral("port"),
                                   QStringLiteral("version"), QStringLiteral("weight"),
                                   QStringLiteral("tags"),    QStringLiteral("metadata"),
                                   QStringLiteral("check")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("Unknown field '%1'; an instance has %2.")
                         .arg(it.key(), known.join(QStringLiteral(", ")));
            *field = it.key();
            return std::nullopt;
        }
    }
    Registration r;
    if (!isValidServiceName(service)) {
        *error = QStringLiteral("'%1' is not a valid service name: use 1–63 lower-case letters, digits, '.', "
                                "'-' or '_', starting with a letter or digit.")
                     .arg(service);
        *field = QStringLiteral("service");
        return std::nullopt;
    }
    r.service = service;
    r.address = json.value(QStringLiteral("address")).toString();
    if (!isValidAddress(r.address)) {
        *error =
            QStringLiteral("address must be an IP address or a host name without scheme or port, such as "
                           "10.0.0.7 or api-1.internal; got '%1'.")
                .arg(json.value(QStringLiteral("address")).toVariant().toString());
        *field = QStringLiteral("address");
        return std::nullopt;
    }
    const QJsonValue port = json.value(QStringLiteral("port"));
    qint64 p = 0;
    if (!wholeNumberIn(port, 1, 65535, &p)) {
        *error = QStringLiteral("port must be a whole number from 1 to 65535.");
        *field = QStringLiteral("port");
        return std::nullopt;
    }
    r.port = int(p);
    const QJsonValue version = json.value(QStringLiteral("version"));
    if (!version.isUndefined() && (!version.isString() || version.toString().size() > MaxVersionLength)) {
        *error = QStringLiteral("version must be a string of at most %1 characters.").arg(MaxVersionLength);
        *field = QStringLiteral("version");
        return std::nullopt;
    }
    r.version = version.toString(QStringLiteral(""));
    *field = QStringLiteral("weight");
    if (json.contains(QStringLiteral("weight")) &&
        !parseWeight(json.value(QStringLiteral("weight")), &r.weight, error))
        return std::nullopt;
    *field = QStringLiteral("tags");
    if (json.contains(QStringLiteral("tags")) &&
        !parseTags(json.value(QStringLiteral("tags")), &r.tags, error))
        return std::nullopt;
    *field = QStringLiteral("metadata");
    if (json.contains(QStringLiteral("metadata")) &&
        !parseMetadata(json.value(QStringLiteral("metadata")), &r.metadata, error))
        return std::nullopt;
    const QJsonValue check = json.value(QStringLiteral("check"));
    if (!check.isObject()) {
        *error = QStringLiteral("check is required: {\"http\": \"/healthz\", \"intervalMs\": 10000}, "
                                "{\"tcp\": true} or {\"ttlMs\": 30000}.");
        *field = QStringLiteral("check");
        return std::nullopt;
    }
    const auto spec = CheckSpec::fromJson(check.toObject(), error, field);
    if (!spec)
        return std::nullopt;
    r.check = *spec;
    return r;
}

QJsonObject Instance::toJson(bool withHistory) const
{
    QJsonObject out{{QStringLiteral("id"), id},
                    {QStringLiteral("service"), reg.service},
                    {QStringLiteral("address"), reg.address},
                    {QStringLiteral("port"), reg.port},
                    {QStringLiteral("version"), reg.version},
                    {QStringLiteral("weight"), reg.weight},
                    {QStringLiteral("tags"), QJsonArray::fromStringList(reg.tags)},
                    {QStringLiteral("metadata"), reg.metadata},
                    {QStringLiteral("check"), reg.check.toJson()},
                    {QStringLiteral("status"), statusName(status())},
                    {QStringLiteral("builtin"), builtin},
                    {QStringLiteral("registeredAt"), isoTimeOrEmpty(registeredAtMs)},
                    {QStringLiteral("statusSince"), isoTimeOrEmpty(statusSinceMs)},
                    {QStringLiteral("lastHeartbeatAt"), isoTimeOrEmpty(lastHeartbeatMs)},
                    {QStringLiteral("lastCheckAt"), isoTimeOrEmpty(lastCheckMs)},
                    {QStringLiteral("lastPassAt"), isoTimeOrEmpty(lastPassMs)},
                    {QStringLiteral("lastOutput"), lastOutput},
                    {QStringLiteral("lastLatencyMs"), lastLatencyMs}};
    if (inFlight >= 0)
        out.insert(QStringLiteral("inFlight"), inFlight);
    if (draining)
        out.insert(QStringLiteral("drainDeadline"), isoTimeOrEmpty(drainDeadlineMs));
    if (withHistory) {
        QJsonArray h;
        for (const HistoryEntry &e : history)
            h.append(e.toJson());
        out.insert(QStringLiteral("history"), h);
    }
    return out;
}

} // namespace Meshdeck::Registry
