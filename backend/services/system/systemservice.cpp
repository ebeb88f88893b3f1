#include "systemservice.h"

#include "systemstore.h"

#include "storage/database.h"

#include <QCoreApplication>

namespace Meshdeck::System {

SystemService::SystemService(SystemSettings settings, Storage::Database *database,
                             std::function<bool()> acceptingRequests)
    : m_settings(std::move(settings))
    , m_database(database)
    , m_acceptingRequests(std::move(acceptingRequests))
    , m_membership(m_settings.membership, database)
{
    m_uptime.start();
    m_startedAt = QDateTime::currentDateTimeUtc();
}

SystemService::~SystemService() = default;

QCoro::Task<QString> SystemService::start()
{
    if (!m_settings.nodeId.isEmpty()) {
        m_nodeId = m_settings.nodeId;
    } else {
        QCoro::Task<Result<QString>> loading = m_database->attempt(&SystemStore::loadOrCreateNodeId);
        const Result<QString> nodeId = co_await loading;
        if (!nodeId)
            co_return QStringLiteral("could not read or create the node identity: %1")
                .arg(nodeId.error().reason);
        m_nodeId = *nodeId;
    }
    m_membership.setNodeId(m_nodeId);
    if (const QString error = co_await m_membership.join(); !error.isEmpty())
        co_return error;
    m_started = true;
    co_return QString();
}

QCoro::Task<void> SystemService::stop()
{
    const QString goneState = QStringLiteral("gone"); // named (GCC 12: no temporaries in a co_await)
    co_await m_membership.setState(goneState);        // a clean stop: gone at once
}

QJsonObject SystemService::cluster() const
{
    return QJsonObject{{QStringLiteral("mode"), m_settings.mode},
                       {QStringLiteral("nodeId"), m_nodeId},
                       {QStringLiteral("goneAfterMs"), m_membership.goneAfterMs()},
                       {QStringLiteral("members"), m_membership.membersJson()}};
}

QJsonObject SystemService::info() const
{
    return QJsonObject{
        {QStringLiteral("name"), QStringLiteral("meshdeckd")},
        {QStringLiteral("version"), m_settings.version},
        {QStringLiteral("mode"), m_settings.mode},
        {QStringLiteral("nodeId"), m_nodeId},
        {QStringLiteral("dataDir"), m_settings.dataDir},
        {QStringLiteral("startedAt"), m_startedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("uptimeSeconds"), double(m_uptime.elapsed()) / 1000.0},
        {QStringLiteral("pid"), qint64(QCoreApplication::applicationPid())},
        {QStringLiteral("qtVersion"), QString::fromLatin1(qVersion())},
    };
}

bool SystemService::isReady() const
{
    return readinessProblem().isEmpty();
}

QJsonObject SystemService::readiness() const
{
    QJsonObject out;
    bool degraded = false;
    if (m_clusterStatus) {
        const QJsonObject cluster = m_clusterStatus();
        const QString redis = cluster.value(QStringLiteral("redis")).toString();
        degraded = redis != QLatin1String("connected") && redis != QLatin1String("not configured");
        out.insert(QStringLiteral("cluster"), cluster);
    }
    if (m_auditStatus) {
        const QJsonObject audit = m_auditStatus();
        degraded = degraded || audit.value(QStringLiteral("status")).toString() != QLatin1String("ok");
        out.insert(QStringLiteral("audit"), audit);
    }
    if (m_gatewayStatus) {
        const QJsonObject gateway = m_gatewayStatus();
        degraded = degraded ||
                   gateway.value(QStringLiteral("rateLimits")).toString() == QLatin1String("local-share");
        out.insert(QStringLiteral("gateway"), gateway);
    }
    out.insert(QStringLiteral("status"), degraded ? QStringLiteral("degraded") : QStringLiteral("ready"));
    return out;
}

QString SystemService::readinessProblem() const
{
    if (!m_database->isOpen())
        return QStringLiteral("The database is not open.");
    if (!m_database->isConnected())
        return QStringLiteral("The connection to the database is lost; the node is reconnecting.");
    if (!m_started)
        return QStringLiteral("The services are still starting.");
    if (m_acceptingRequests && !m_acceptingRequests())
        return QStringLiteral("The node is shutting down and finishing its in-flight requests.");
    return {};
}

} // namespace Meshdeck::System
