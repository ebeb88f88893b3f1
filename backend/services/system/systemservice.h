#pragma once

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

    QJsonObject info() const;
    bool isReady() const;
    QString readinessProblem() const;
    QString nodeId() const { return m_nodeId; }

private:
    SystemSettings m_settings;
    Storage::Database *m_database;
    std::function<bool()> m_acceptingRequests;
    QString m_nodeId;
    QDateTime m_startedAt;
    QElapsedTimer m_uptime;
    bool m_started = false;
};

} // namespace Meshdeck::System
