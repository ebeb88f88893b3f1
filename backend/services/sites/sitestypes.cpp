#include "sitestypes.h"

#include "platform/clock.h"

#include <QJsonValue>
#include <QRegularExpression>
#include <QUuid>

namespace Meshdeck::Sites {

QString statusName(DeploymentStatus status)
{
    switch (status) {
    case DeploymentStatus::Queued:
        return QStringLiteral("queued");
    case DeploymentStatus::Building:
        return QStringLiteral("building");
    case DeploymentStatus::Ready:
        return QStringLiteral("ready");
    case DeploymentStatus::Failed:
        return QStringLiteral("failed");
    case DeploymentStatus::Canceled:
        return QStringLiteral("canceled");
    }
    return QStringLiteral("failed");
}

std::optional<DeploymentStatus> statusFromName(const QString &name)
{
    for (DeploymentStatus s : {DeploymentStatus::Queued, DeploymentStatus::Building, DeploymentStatus::Ready,
                               DeploymentStatus::Failed, DeploymentStatus::Canceled}) {
        if (statusName(s) == name)
            return s;
    }
    return std::nullopt;
}

bool isFinal(DeploymentStatus status)
{
    return status != DeploymentStatus::Queued && status != DeploymentStatus::Building;
}

QString sourceKindName(BuildSourceKind kind)
{
    switch (kind) {
    case BuildSourceKind::Archive:
        return QStringLiteral("archive");
    case BuildSourceKind::Directory:
        return QStringLiteral("directory");
    case BuildSourceKind::Git:
        return QStringLiteral("git");
    }
    return QStringLiteral("archive");
}

std::optional<BuildSourceKind> sourceKindFromName(const QString &name)
{
    for (BuildSourceKind k : {BuildSourceKind::Archive, BuildSourceKind::Directory, BuildSourceKind::Git}) {
        if (sourceKindName(k) == name)
            return k;
    }
    return std::nullopt;
}

bool validSiteName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9-]{1,63}$"));
    return re.match(name).hasMatch();
}

bool validVariableName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,127}$"));
    return re.match(name).hasMatch();
}

bool validId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[a-f0-9-]{36}$"));
    return re.match(id).hasMatch();
}

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

namespace {
constexpr qint64 MaxCommand = 4096;

// An integer field within [min, max], or the error naming it.
std::optional<Error> readInteger(const QJsonObject &json, const QString &key, const QString &field,
                                 qint64 min, qint64 max, qint64 *out)
{
    if (!json.contains(key))
        return std::nullopt;
    const QJsonValue v = json.value(key);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d != double(qint64(d)) || d < double(min) || d > double(max))
        return Error::invalid(
            field, QStringLiteral("%1 must be a whole number from %2 to %3.").arg(field).arg(min).arg(max));
    *out = qint64(d);
    return std::nullopt;
}

std::optional<Error> readText(const QJsonObject &json, const QString &key, qint64 maxLength, QString *out)
{
    if (!json.contains(key))
        return std::nullopt;
    const QJsonValue v = json.value(key);
    if (!v.isString())
        return Error::invalid(key, QStringLiteral("%1 must be a string.").arg(key));
    if (v.toString().size() > maxLength)
        return Error::invalid(key,
                              QStringLiteral("%1 is longer than %2 characters.").arg(key).arg(maxLength));
    *out = v.toString();
    return std::nullopt;
}

std::optional<Error> readLimits(const QJsonValue &value, BuildLimits *limits)
{
    if (!value.isObject())
        return Error::invalid(QStringLiteral("limits"), QStringLiteral("limits must be an object."));
    const QJsonObject json = value.toObject();
    static const QStringList known{QStringLiteral("memoryBytes"), QStringLiteral("cpuSeconds"),
                                   QStringLiteral("processes"), QStringLiteral("diskBytes"),
                                   QStringLiteral("logBytes")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalid(QStringLiteral("limits.") + it.key(),
                                  QStringLiteral("limits has no field '%1'; the limits are %2.")
                                      .arg(it.key(), known.join(QStringLiteral(", "))));
    }
    qint64 v = 0;
    const qint64 gib = 1LL << 30;
    v = limits->memoryBytes;
    if (auto e = readInteger(json, QStringLiteral("memoryBytes"), QStringLiteral("limits.memoryBytes"),
                             64LL << 20, 64 * gib, &v))
        return e;
    limits->memoryBytes = v;
    v = limits->cpuSeconds;
    if (auto e = readInteger(json, QStringLiteral("cpuSeconds"), QStringLiteral("limits.cpuSeconds"), 1,
                             86400, &v))
        return e;
    limits->cpuSeconds = int(v);
    v = limits->processes;
    if (auto e =
            readInteger(json, QStringLiteral("processes"), QStringLiteral("limits.processes"), 8, 65536, &v))
        return e;
    limits->processes = int(v);
    v = limits->diskBytes;
    if (auto e = readInteger(json, QStringLiteral("diskBytes"), QStringLiteral("limits.diskBytes"), 1LL << 20,
                             1024 * gib, &v))
        return e;
    limits->diskBytes = v;
    v = limits->logBytes;
    if (auto e = readInteger(json, QStringLiteral("logBytes"), QStringLiteral("limits.logBytes"), 64 * 1024,
                             gib, &v))
        return e;
    limits->logBytes = v;
    return std::nullopt;
}

bool safeRelativePath(const QString &path)
{
    if (path.isEmpty())
        return true;
    if (path.startsWith(QLatin1Char('/')) || path.contains(QChar(0)))
        return false;
    const QStringList parts = path.split(QLatin1Char('/'));
    return !parts.contains(QStringLiteral(".."));
}
} // namespace

Result<SiteSpec> siteSpecFromJson(const QJsonObject &json, const SiteSpec *base)
{
    static const QStringList known{QStringLiteral("name"),
                                   QStringLiteral("framework"),
                                   QStringLiteral("installCommand"),
                                   QStringLiteral("buildCommand"),
                                   QStringLiteral("outputDirectory"),
                                   QStringLiteral("buildTimeoutSeconds"),
                                   QStringLiteral("network"),
                                   QStringLiteral("spaFallback"),
                                   QStringLiteral("limits")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalid(it.key(),
                                  QStringLiteral("'%1' is not a field a site takes; the fields are %2.")
                                      .arg(it.key(), known.join(QStringLiteral(", "))));
    }
    SiteSpec spec = base ? *base : SiteSpec();
    if (!base && !json.contains(QStringLiteral("name")))
        return Error::invalid(QStringLiteral("name"), QStringLiteral("A site needs a name."));
    if (auto e = readText(json, QStringLiteral("name"), 63, &spec.name))
        return *e;
    if (!validSiteName(spec.name))
        return Error::invalid(QStringLiteral("name"),
                              QStringLiteral("A site's name is 1 to 63 lower-case letters, digits and '-' "
                                             "(it becomes the host name %1.localhost).")
                                  .arg(spec.name));
    if (auto e = readText(json, QStringLiteral("framework"), 32, &spec.framework))
        return *e;
    static const QRegularExpression frameworkRe(QStringLiteral("^[a-z0-9-]{0,32}$"));
    if (!frameworkRe.match(spec.framework).hasMatch())
        return Error::invalid(QStringLiteral("framework"),
                              QStringLiteral("framework is a short lower-case name such as static or node, "
                                             "or empty to detect it."));
    if (auto e = readText(json, QStringLiteral("installCommand"), MaxCommand, &spec.installCommand))
        return *e;
    if (auto e = readText(json, QStringLiteral("buildCommand"), MaxCommand, &spec.buildCommand))
        return *e;
    if (auto e = readText(json, QStringLiteral("outputDirectory"), 1024, &spec.outputDirectory))
        return *e;
    if (!safeRelativePath(spec.outputDirectory))
        return Error::invalid(QStringLiteral("outputDirectory"),
                              QStringLiteral("outputDirectory is a path inside the source tree: relative, "
                                             "without '..'."));
    qint64 timeout = spec.buildTimeoutSeconds;
    if (auto e = readInteger(json, QStringLiteral("buildTimeoutSeconds"),
                             QStringLiteral("buildTimeoutSeconds"), 10, 6 * 3600, &timeout))
        return *e;
    spec.buildTimeoutSeconds = int(timeout);
    if (json.contains(QStringLiteral("network"))) {
        if (!json.value(QStringLiteral("network")).isBool())
            return Error::invalid(QStringLiteral("network"),
                                  QStringLiteral("network must be true or false."));
        spec.network = json.value(QStringLiteral("network")).toBool();
    }
    if (json.contains(QStringLiteral("spaFallback"))) {
        if (!json.value(QStringLiteral("spaFallback")).isBool())
            return Error::invalid(QStringLiteral("spaFallback"),
                                  QStringLiteral("spaFallback must be true or false."));
        spec.spaFallback = json.value(QStringLiteral("spaFallback")).toBool();
    }
    if (json.contains(QStringLiteral("limits"))) {
        if (auto e = readLimits(json.value(QStringLiteral("limits")), &spec.limits))
            return *e;
    }
    return spec;
}

QJsonObject limitsToJson(const BuildLimits &limits)
{
    return {{QStringLiteral("memoryBytes"), limits.memoryBytes},
            {QStringLiteral("cpuSeconds"), limits.cpuSeconds},
            {QStringLiteral("processes"), limits.processes},
            {QStringLiteral("diskBytes"), limits.diskBytes},
            {QStringLiteral("logBytes"), limits.logBytes}};
}

BuildLimits limitsFromJson(const QJsonObject &json)
{
    BuildLimits limits;
    readLimits(json, &limits); // stored by this code: valid
    return limits;
}

namespace {
QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoTime(ms)) : QJsonValue(QJsonValue::Null);
}
QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}
} // namespace

QJsonObject Site::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), spec.name},
            {QStringLiteral("framework"), spec.framework},
            {QStringLiteral("installCommand"), spec.installCommand},
            {QStringLiteral("buildCommand"), spec.buildCommand},
            {QStringLiteral("outputDirectory"), spec.outputDirectory},
            {QStringLiteral("buildTimeoutSeconds"), spec.buildTimeoutSeconds},
            {QStringLiteral("network"), spec.network},
            {QStringLiteral("spaFallback"), spec.spaFallback},
            {QStringLiteral("limits"), limitsToJson(spec.limits)},
            {QStringLiteral("createdAt"), isoTime(createdAtMs)},
            {QStringLiteral("updatedAt"), isoTime(updatedAtMs)},
            {QStringLiteral("liveDeploymentId"), textOrNull(liveDeploymentId)}};
}

QJsonObject DeploymentSource::toJson() const
{
    QJsonObject o{{QStringLiteral("kind"), sourceKindName(kind)}};
    switch (kind) {
    case BuildSourceKind::Archive:
        o.insert(QStringLiteral("uploadName"), uploadName);
        o.insert(QStringLiteral("uploadBytes"), uploadBytes);
        break;
    case BuildSourceKind::Directory:
        o.insert(QStringLiteral("path"), path);
        break;
    case BuildSourceKind::Git:
        o.insert(QStringLiteral("url"), gitUrl);
        o.insert(QStringLiteral("branch"), gitBranch);
        break;
    }
    return o;
}

QJsonObject Deployment::toJson(bool live) const
{
    const qint64 durationMs =
        startedAtMs > 0 && finishedAtMs >= startedAtMs ? finishedAtMs - startedAtMs : -1;
    return {{QStringLiteral("id"), id},
            {QStringLiteral("siteId"), siteId},
            {QStringLiteral("status"), statusName(status)},
            {QStringLiteral("source"), source.toJson()},
            {QStringLiteral("createdBy"), createdBy},
            {QStringLiteral("createdAt"), isoTime(createdAtMs)},
            {QStringLiteral("startedAt"), timeOrNull(startedAtMs)},
            {QStringLiteral("finishedAt"), timeOrNull(finishedAtMs)},
            {QStringLiteral("durationMs"), durationMs >= 0 ? QJsonValue(durationMs) : QJsonValue()},
            {QStringLiteral("artifactBytes"), artifactBytes},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("worker"), textOrNull(worker)},
            {QStringLiteral("attempts"), attempts},
            {QStringLiteral("cancelRequested"), cancelRequested},
            {QStringLiteral("logLines"), logLines},
            {QStringLiteral("pruned"), pruned},
            {QStringLiteral("live"), live}};
}

QJsonObject StatusChange::toJson() const
{
    return {{QStringLiteral("status"), statusName(status)},
            {QStringLiteral("at"), isoTime(atMs)},
            {QStringLiteral("reason"), reason}};
}

QJsonObject Variable::toJson(const std::optional<QString> &plain) const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("secret"), secret},
            {QStringLiteral("value"), secret || !plain ? QJsonValue() : QJsonValue(*plain)},
            {QStringLiteral("createdAt"), isoTime(createdAtMs)},
            {QStringLiteral("updatedAt"), isoTime(updatedAtMs)}};
}

} // namespace Meshdeck::Sites
