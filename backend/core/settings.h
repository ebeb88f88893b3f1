#pragma once

#include "http/httptypes.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <memory>

namespace Meshdeck {

namespace Http {
class TlsCredentials;
}

// Everything the wiring layer learns from the command line; domain classes get slices of it.
struct BackendSettings {
    QString dataDir;
    QString sitesDir; // empty: DATA_DIR/sites
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 7700;
    int threads = 0; // 0: one per core
    Http::Limits limits;
    int shutdownTimeoutMs = 10'000;
    QString logLevel = QStringLiteral("info");
    QStringList allowedOrigins;     // browser origins allowed on the realtime WebSocket
    int webhookRetryBaseMs = 1'000; // first webhook retry; doubles per attempt
    int webhookMaxFailures = 10;    // failed deliveries in a row before a webhook is disabled
    // Webhooks may reach loopback and private addresses (the console's local stack).
    bool allowPrivateTargets = false;
    qint64 deregisterCriticalAfterMs = 10LL * 60 * 1000; // registry: critical this long -> deregistered
    int maxRealtimeSessions = 10'000; // concurrent realtime WebSocket sessions; more are refused (503)
    int auditRetentionDays = 365;     // audit records older than this are deleted
    int siteRetention = 10;           // deployments kept per site (never the live one)
    int siteUploadLimitMb = 512;      // largest deployment upload (source .tar.gz)
    int buildConcurrency = 2;         // builds this node's in-process worker runs at once; 0: none
    std::shared_ptr<Http::TlsCredentials> tls; // --tls-cert/--tls-key, read and checked; null: plain HTTP
    // Cluster mode (a postgres:// --database); empty: local mode on DATA_DIR/meshdeck.db.
    QString databaseUrl;
    QString redisUrl;               // cluster mode: wake-ups between nodes; empty: polling only
    int clusterPollMs = 1'000;      // cluster mode: reading other nodes' events while Redis is up
    QString nodeId;                 // empty: generated once and kept in DATA_DIR/node-id
    QString advertiseUrl;           // empty: http://<listen address>:<port>
    QString adminTokenFile;         // empty: DATA_DIR/admin.token
    QString secretKeyFile;          // empty: DATA_DIR/secret.key (cluster mode: the same file on every node)
    int clusterGoneAfterMs = 5'000; // a member silent this long is reported gone
    int accessTokenSeconds = 15 * 60; // lifetime of a session's access token (JWT)
    bool minimumPasswordCost = false; // --password-cost minimum: cheap argon2id for tests only
    // The gateway's data plane (--gateway-listen); unset: routes are kept but nothing serves them.
    bool gateway = false;
    QHostAddress gatewayHost = QHostAddress::LocalHost;
    quint16 gatewayPort = 0;
    double gatewayAccessLogSample = 0.01; // share of successful requests in the access log (errors: all)
    QString gatewayTrustedProxies;        // CIDR blocks whose X-Forwarded-For is believed (none: nobody's)
    // --seed-demo: create the chat demo data (local stack only), print what was made, and exit.
    bool seedDemo = false;
    bool clusterMode() const { return !databaseUrl.isEmpty(); }
};

// Exit codes a script (or the console) can act on.
enum ExitCode {
    ExitOk = 0,
    ExitStartupFailed = 1,
    ExitUsage = 2,
    ExitDatabaseTooNew = 3,
};

// The role named by --role ("platform" when none is given); main() runs the matching role.
QString roleOf(const QStringList &arguments);

// Parses the platform role's command line (handles --help and --version itself). Returns false
// with the message in *error for bad input.
bool parseCommandLine(const QStringList &arguments, BackendSettings *settings, QString *error);

void applyLogLevel(const QString &level);

} // namespace Meshdeck
