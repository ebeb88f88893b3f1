#pragma once

#include "platform/buildqueue.h"
#include "platform/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Meshdeck::Sites {

enum class DeploymentStatus { Queued, Building, Ready, Failed, Canceled };
QString statusName(DeploymentStatus status);
std::optional<DeploymentStatus> statusFromName(const QString &name);
bool isFinal(DeploymentStatus status);

QString sourceKindName(BuildSourceKind kind);
std::optional<BuildSourceKind> sourceKindFromName(const QString &name);

// What a site is configured to build, as POST /v1/sites and PATCH take it.
struct SiteSpec {
    QString name; // [a-z0-9-]{1,63}, unique; also the host name <name>.localhost
    QString framework;
    QString installCommand;
    QString buildCommand;
    QString outputDirectory;
    int buildTimeoutSeconds = 900;
    bool network = false;
    bool spaFallback = false; // serving: a path with no file answers index.html (a single-page app)
    BuildLimits limits;
};

// Reads a site from JSON: every field for a creation (base null), the given ones over `base` for
// a change. Invalid{field, reason} names the first wrong field.
Result<SiteSpec> siteSpecFromJson(const QJsonObject &json, const SiteSpec *base);
QJsonObject limitsToJson(const BuildLimits &limits);
BuildLimits limitsFromJson(const QJsonObject &json);

struct Site {
    QString id;
    SiteSpec spec;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    QString liveDeploymentId; // empty: nothing live
    QJsonObject toJson() const;
};

// Where a deployment's source came from.
struct DeploymentSource {
    BuildSourceKind kind = BuildSourceKind::Archive;
    QString path;       // Directory: the local directory
    QString gitUrl;     // Git
    QString gitBranch;  // Git
    QString uploadName; // Archive: the name the client gave (X-Filename), may be empty
    qint64 uploadBytes = 0;
    QJsonObject toJson() const;
};

struct Deployment {
    QString id;
    QString siteId;
    DeploymentStatus status = DeploymentStatus::Queued;
    DeploymentSource source;
    QString createdBy; // the principal's actor ("user:ID", "admin-token")
    qint64 createdAtMs = 0;
    qint64 startedAtMs = 0;  // 0: not started
    qint64 finishedAtMs = 0; // 0: not finished
    qint64 artifactBytes = 0;
    QString reason;
    QString worker;
    qint64 fencingToken = 0;
    qint64 leaseExpiresMs = 0;
    bool cancelRequested = false;
    int attempts = 0;    // claims so far
    qint64 logLines = 0; // committed lines of build.log
    qint64 logBytes = 0; // committed bytes of build.log
    qint64 logBase = 0;  // the current holder's line 1 is line logBase + 1
    bool pruned = false; // retention deleted its files
    QJsonObject toJson(bool live) const;
};

struct StatusChange {
    DeploymentStatus status = DeploymentStatus::Queued;
    qint64 atMs = 0;
    QString reason;
    QJsonObject toJson() const;
};

// A status change as it happened, for events and the realtime channel.
struct Transition {
    Deployment deployment; // after the change
    DeploymentStatus from = DeploymentStatus::Queued;
};

struct Variable {
    QString id;
    QString siteId;
    QString name;
    QByteArray sealedValue; // SecretBox::seal of the value: the database never holds it plain
    bool secret = false;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    // `plain` only for a variable that is not secret: a secret's value is write-only.
    QJsonObject toJson(const std::optional<QString> &plain) const;
};

// A log line as GET …/log answers it.
struct LogLine {
    qint64 line = 0;
    QByteArray text;
};

bool validSiteName(const QString &name);
bool validVariableName(const QString &name);
// Ids generated here (UUIDs); anything else in a path or a channel name is refused early.
bool validId(const QString &id);
QString newId();

} // namespace Meshdeck::Sites
