#pragma once

#include "postgresserver.h"
#include "redisserver.h"
#include "testing.h"

#include <QList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <vector>

namespace Meshdeck::Testing {

// Real meshdeckd nodes in cluster mode on one real PostgreSQL 15 and one real Redis, all on
// loopback, all stopped when the object goes. A node killed with kill9() comes back with
// restart() on the same port and data directory (the same node id), as a supervised node does,
// so a profile's URL list stays valid.
class ClusterNodes
{
public:
    ClusterNodes() = default;
    ClusterNodes(const ClusterNodes &) = delete;
    ClusterNodes &operator=(const ClusterNodes &) = delete;

    // Starts PostgreSQL, Redis and `count` nodes (the first alone: it creates the schema, the
    // admin token and the secret key), then the topics named. False with error() on failure.
    bool start(int count, const QStringList &topics = {});
    // More options for every node (before start()), e.g. --gateway-listen 127.0.0.1:0.
    void setExtraArgs(QStringList args) { m_extraArgs = std::move(args); }
    QString error() const { return m_error; }

    int size() const { return int(m_nodes.size()); }
    BackendProcess &node(int index) { return *m_nodes.at(size_t(index)); }
    QList<QUrl> urls() const;
    QByteArray token() const;
    // The index of the node listening at `url`, or -1.
    int indexOf(const QUrl &url) const;
    bool isRunning(int index) const;
    // SIGKILL, as a crash or a pulled plug; returns once the process is gone.
    void kill9(int index);
    // Starts a killed node again on its port; false with error() when it does not come up.
    bool restart(int index);
    // Adds a node to the running cluster.
    bool addNode();

private:
    QStringList nodeArgs() const;

    PostgresServer m_postgres;
    RedisServer m_redis;
    QTemporaryDir m_shared;
    QString m_database;
    std::vector<std::unique_ptr<BackendProcess>> m_nodes;
    QList<quint16> m_ports;
    QStringList m_extraArgs;
    QString m_error;
};

} // namespace Meshdeck::Testing
