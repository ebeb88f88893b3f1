#pragma once

#include "core/service.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>

#include <functional>

namespace Meshdeck::Storage {
class Database;
}
namespace Meshdeck::Http {
class HttpMetrics;
}

namespace Meshdeck::System {

class SystemStore;

struct SystemSettings {
    QString version;
    QString mode; // "local" or "cluster"
    QString dataDir;
};

// Node identity, uptime and readiness: what /v1/system/info, /healthz and /readyz report.
class SystemService : public Service
{
public:
    SystemService(SystemSettings settings, Storage::Database *database, Http::HttpMetrics *metrics,
                  std::function<bool()> acceptingRequests);
    ~SystemService() override;

    QString name() const override { return QStringLiteral("system"); }
    std::vector<Storage::Migration> migrations() const override;
    void registerRoutes(Http::Router &router) override;
    QCoro::Task<QString> start() override;

    QJsonObject info() const;
    bool isReady() const;
    QString readinessProblem() const;
    QString nodeId() const { return m_nodeId; }
    Http::HttpMetrics *metrics() const { return m_metrics; }
    const Http::Router *router() const { return m_router; }

private:
    SystemSettings m_settings;
    Storage::Database *m_database;
    Http::HttpMetrics *m_metrics;
    std::function<bool()> m_acceptingRequests;
    std::unique_ptr<SystemStore> m_store;
    const Http::Router *m_router = nullptr;
    QString m_nodeId;
    QDateTime m_startedAt;
    QElapsedTimer m_uptime;
    bool m_started = false;
};

} // namespace Meshdeck::System
