#include "clusternodes.h"

#include <csignal>

namespace Meshdeck::Testing {

QStringList ClusterNodes::nodeArgs() const
{
    return QStringList{QStringLiteral("--database"),
                       m_database,
                       QStringLiteral("--redis"),
                       m_redis.url().toString(),
                       QStringLiteral("--admin-token-file"),
                       m_shared.filePath(QStringLiteral("admin.token")),
                       QStringLiteral("--secret-key-file"),
                       m_shared.filePath(QStringLiteral("secret.key")),
                       QStringLiteral("--cluster-gone-after-ms"),
                       QStringLiteral("3000"),
                       QStringLiteral("--log-level"),
                       QStringLiteral("warning")} +
           m_extraArgs;
}

bool ClusterNodes::start(int count, const QStringList &topics)
{
    if (!m_shared.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    if (!m_postgres.start()) {
        m_error = QStringLiteral("PostgreSQL: ") + m_postgres.errorString();
        return false;
    }
    if (!m_redis.start()) {
        m_error = QStringLiteral("Redis: ") + QString::fromLocal8Bit(m_redis.output());
        return false;
    }
    m_database = m_postgres.createDatabase(QStringLiteral("nodes"));
    for (int i = 0; i < count; ++i) {
        if (!addNode())
            return false;
    }
    for (const QString &topic : topics) {
        const RawResponse r =
            apiCall(node(0), "POST", "/v1/events/topics", "{\"name\":\"" + topic.toUtf8() + "\"}");
        if (r.status != 201) {
            m_error = QStringLiteral("creating the topic %1: HTTP %2").arg(topic).arg(r.status);
            return false;
        }
    }
    return true;
}

bool ClusterNodes::addNode()
{
    auto node = std::make_unique<BackendProcess>();
    if (!node->start(nodeArgs(), 30'000)) {
        m_error = QStringLiteral("node %1 did not start: %2")
                      .arg(m_nodes.size())
                      .arg(QString::fromLocal8Bit(node->stderrText()));
        return false;
    }
    m_ports << node->port();
    m_nodes.push_back(std::move(node));
    return true;
}

QList<QUrl> ClusterNodes::urls() const
{
    QList<QUrl> out;
    for (const quint16 port : m_ports)
        out << QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    return out;
}

QByteArray ClusterNodes::token() const
{
    return m_nodes.empty() ? QByteArray() : m_nodes.front()->token();
}

int ClusterNodes::indexOf(const QUrl &url) const
{
    return url.host() == QLatin1String("127.0.0.1") ? int(m_ports.indexOf(quint16(url.port()))) : -1;
}

bool ClusterNodes::isRunning(int index) const
{
    return m_nodes.at(size_t(index))->process().state() == QProcess::Running;
}

void ClusterNodes::kill9(int index)
{
    QProcess &process = m_nodes.at(size_t(index))->process();
    if (process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(process.processId()), SIGKILL);
    process.waitForFinished(10'000);
}

bool ClusterNodes::restart(int index)
{
    BackendProcess &node = *m_nodes.at(size_t(index));
    // The last --listen wins: the node's own port, so the profile's URL finds it again.
    if (!node.start(nodeArgs() << QStringLiteral("--listen")
                               << QStringLiteral("127.0.0.1:%1").arg(m_ports.at(index)),
                    30'000)) {
        m_error = QStringLiteral("node %1 did not restart: %2")
                      .arg(index)
                      .arg(QString::fromLocal8Bit(node.stderrText()));
        return false;
    }
    return true;
}

} // namespace Meshdeck::Testing
