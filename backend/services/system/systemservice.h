#pragma once

#include "clustermembership.h"

#include "platform/service.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>

#include <functional>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::System {

struct SystemSettings {
    QString version;
    QString mode; // "local" or "cluster"
    QString dataDir;
    QString nodeId; // cluster mode: given (--node-id or DATA_DIR/node-id); local mode: from the database
    MembershipSettings membership;
};

// Node identity, uptime and readiness: what /v1/system/info, /healthz and /readyz report.
class SystemService : public Service
{
public:
    SystemService(SystemSettings settings, Storage::Database *database,
                  std::function<bool()> acceptingRequests);
    ~SystemService() override;

    QString name() const override { return QStringLiteral("system"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    QJsonObject info() const;
    // GET /v1/system/cluster: the mode, this node and every member.
    QJsonObject cluster() const;
    bool isReady() const;
    QString readinessProblem() const;
    // Cluster mode: what the node's links to other nodes look like (Redis), for /readyz. Called from
    // any thread. A node whose Redis is away still serves: /readyz says "degraded" and why.
    void setClusterStatus(std::function<QJsonObject()> status) { m_clusterStatus = std::move(status); }
    // The audit log's health, for /readyz: {"status": "ok"|"degraded", ...}; degraded makes the
    // node "degraded" (an audit log that drops or cannot write records must not go unnoticed).
    void setAuditStatus(std::function<QJsonObject()> status) { m_auditStatus = std::move(status); }
    // The gateway's rate limits, for /readyz: {"rateLimits": "local"|"shared"|"local-share",
    // "reason"}; local-share (a cluster node counting alone while Redis is away) is degraded.
    void setGatewayStatus(std::function<QJsonObject()> status) { m_gatewayStatus = std::move(status); }
    // {"status": "ready"|"degraded", "cluster": {...} in cluster mode}; only when isReady().
    QJsonObject readiness() const;
    QString nodeId() const { return m_nodeId; }
    ClusterMembership &membership() { return m_membership; }

private:
    SystemSettings m_settings;
    Storage::Database *m_database;
    std::function<bool()> m_acceptingRequests;
    std::function<QJsonObject()> m_gatewayStatus;
    QString m_nodeId;
    QDateTime m_startedAt;
    QElapsedTimer m_uptime;
    bool m_started = false;
    ClusterMembership m_membership;
    std::function<QJsonObject()> m_clusterStatus;
    std::function<QJsonObject()> m_auditStatus;
};

} // namespace Meshdeck::System
