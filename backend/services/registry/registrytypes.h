#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Meshdeck::Registry {

enum class Status { Passing, Warning, Critical, Draining };
QString statusName(Status status);
std::optional<Status> statusFromName(const QString &name);

// How the backend decides whether an instance is healthy. Defaults follow Consul's semantics
// (shared/REFERENCE.md): 10 s timeouts, thresholds of consecutive results before a change.
struct CheckSpec {
    enum class Kind { Http, Tcp, Ttl };
    Kind kind = Kind::Ttl;
    QString httpPath;              // Http: the path probed with GET
    int intervalMs = 10'000;       // Http, Tcp: time between checks
    int timeoutMs = 10'000;        // Http, Tcp: a check slower than this fails
    int slowMs = 5'000;            // Http, Tcp: a passing check slower than this is a warning
    int ttlMs = 0;                 // Ttl: a heartbeat must arrive within this
    int healthyThreshold = 2;      // consecutive passes before critical -> passing
    int unhealthyThreshold = 3;    // consecutive failures before passing/warning -> critical
    qint64 deregisterAfterMs = -1; // critical for this long -> deregistered; -1: the node's default

    QJsonObject toJson() const;
    // Parses and validates a check object; on failure returns nullopt with a reason in *error and,
    // when asked, the offending field ("check.timeoutMs") in *field.
    static std::optional<CheckSpec> fromJson(const QJsonObject &json, QString *error,
                                             QString *field = nullptr);
    bool active() const { return kind != Kind::Ttl; }
};

// The outcome of one check (or one heartbeat) before thresholds apply.
enum class Outcome { Pass, Slow, Fail };

// The check state machine: consecutive results against the thresholds. New instances, and every
// instance after a restart of the node, start critical until healthyThreshold passes.
class HealthState
{
public:
    Status status() const { return m_status; }
    int successes() const { return m_successes; }
    int failures() const { return m_failures; }
    // Applies one result; returns the status afterwards (passing, warning or critical).
    Status apply(Outcome outcome, int healthyThreshold, int unhealthyThreshold);
    // A dead-man's switch that fired, or a heartbeat that reports itself critical.
    void forceCritical();
    // Takes over a status another cluster node decided, with no results counted towards the next.
    void assume(Status status);

private:
    Status m_status = Status::Critical;
    int m_successes = 0;
    int m_failures = 0;
};

struct HistoryEntry {
    qint64 timeMs = 0;
    Status from = Status::Critical;
    Status to = Status::Critical;
    QString reason;
    QJsonObject toJson() const;
};

// What a registration request asks for, validated.
struct Registration {
    QString service;
    QString address;
    int port = 0;
    QString version;
    int weight = 100;
    QStringList tags;
    QJsonObject metadata;
    CheckSpec check;
    // Like CheckSpec::fromJson: nullopt with the reason, and the field when asked.
    static std::optional<Registration> fromJson(const QString &service, const QJsonObject &json,
                                                QString *error, QString *field = nullptr);
};

struct Instance {
    QString id;
    Registration reg;
    bool builtin = false;
    HealthState health;
    bool draining = false;
    qint64 drainDeadlineMs = 0;
    qint64 registeredAtMs = 0;
    qint64 statusSinceMs = 0;
    qint64 criticalSinceMs = 0; // 0 while not critical
    qint64 lastHeartbeatMs = 0;
    qint64 lastCheckMs = 0;
    qint64 lastPassMs = 0; // last passing check or heartbeat
    QString lastOutput;
    int lastLatencyMs = -1;
    int inFlight = -1;                         // as the instance last reported it; -1: never reported
    qint64 ttlBaseMs = 0;                      // TTL checks: the last heartbeat, registration or node start
    Status persistedStatus = Status::Critical; // as stored before this node started
    // Cluster mode: the stored row's revision this state is based on (each write adds one and is
    // refused when another node wrote the row first).
    qint64 revision = 0;
    bool stored = false;         // its row exists (read from the database, or a write of it succeeded)
    QList<HistoryEntry> history; // oldest first, at most HistoryKept

    static constexpr int HistoryKept = 50;
    Status status() const { return draining ? Status::Draining : health.status(); }
    QJsonObject toJson(bool withHistory) const;
};

// A JSON number that is a whole number within [min, max] (checked before any conversion).
bool wholeNumberIn(const QJsonValue &value, double min, double max, qint64 *out);
bool isValidServiceName(const QString &name);
// An IP address or a DNS host name; no scheme, port or path.
bool isValidAddress(const QString &address);
// Weight, tags and metadata from a PATCH or registration body; only the keys present are checked.
bool parseWeight(const QJsonValue &value, int *weight, QString *error);
bool parseTags(const QJsonValue &value, QStringList *tags, QString *error);
bool parseMetadata(const QJsonValue &value, QJsonObject *metadata, QString *error);
// Empty for 0 ("not yet").
QString isoTimeOrEmpty(qint64 ms);

} // namespace Meshdeck::Registry
