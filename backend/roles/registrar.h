#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkRequest;

namespace Meshdeck::Roles {

// Where and as what a separate role process (echo, build-worker) registers in meshdeckd's registry.
struct Registration {
    QUrl registry;    // meshdeckd, e.g. http://127.0.0.1:7700
    QByteArray token; // the admin token (Bearer)
    QString service;  // the service the instance belongs to
    QJsonObject body; // POST /v1/registry/services/{service}/instances: address, port, check, …
    int heartbeatMs = 5'000;
    QByteArray logName = "role"; // how log lines name the role
};

// Registers with meshdeckd, keeps the registration alive with heartbeats, registers again when the
// registry forgot the instance, retries with a backoff while meshdeckd is unreachable, and leaves
// the registry on deregisterAndExit(). A refusal (4xx) of the registration ends the process.
class Registrar : public QObject
{
public:
    // What each heartbeat sends; nullopt: skip this one (no heartbeat goes out).
    using HeartbeatBody = std::function<std::optional<QJsonObject>()>;

    Registrar(Registration registration, HeartbeatBody heartbeatBody, QObject *parent = nullptr);

    void registerNow();
    void heartbeat(); // one now (besides the periodic ones), once registered
    // On SIGTERM: leave the registry, then exit (at most two seconds).
    void deregisterAndExit(int exitCode = 0);
    QString instanceId() const { return m_id; }

private:
    QNetworkRequest request(const QString &path) const;
    void retryLater(const QString &why);

    Registration m_registration;
    HeartbeatBody m_heartbeatBody;
    QNetworkAccessManager m_network;
    QTimer m_retry;
    QTimer m_heartbeat;
    QString m_id;
    int m_backoffMs = 0;
};

} // namespace Meshdeck::Roles
