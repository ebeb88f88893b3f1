#include "settings.h"

#include "http/tlscredentials.h"
#include "services/gateway/trustedproxies.h"
#include "storage/postgres.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>

#include <functional>

namespace Meshdeck {

namespace {
bool positiveInt(const QString &text, int *out)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v <= 0)
        return false;
    *out = v;
    return true;
}

QString defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/meshdeckd");
}

// Every option of the platform role. A new flag: declare it here, list it in all(), read it in
// one of the apply functions below.
struct Options {
    const QCommandLineOption role{
        QStringLiteral("role"),
        QCoreApplication::translate(
            "meshdeckd", "What this process runs: platform (default: every service in one "
                         "process), echo (a small service for tests that registers itself; "
                         "'meshdeckd --role echo --help' lists its options) or build-worker (runs "
                         "builds from a meshdeckd's queue; 'meshdeckd --role build-worker --help')."),
        QStringLiteral("role"), QStringLiteral("platform")};
    const QCommandLineOption dataDir{
        QStringLiteral("data-dir"),
        QCoreApplication::translate("meshdeckd", "Data directory (default: %1).").arg(defaultDataDir()),
        QStringLiteral("dir")};
    const QCommandLineOption listen{QStringLiteral("listen"),
                                    QCoreApplication::translate("meshdeckd",
                                                                "Address to serve on; port 0 picks a "
                                                                "free port (default: 127.0.0.1:7700)."),
                                    QStringLiteral("host:port"), QStringLiteral("127.0.0.1:7700")};
    const QCommandLineOption logLevel{
        QStringLiteral("log-level"),
        QCoreApplication::translate("meshdeckd", "debug, info, warning or error (default: info)."),
        QStringLiteral("level"), QStringLiteral("info")};
    const QCommandLineOption threads{
        QStringLiteral("threads"),
        QCoreApplication::translate("meshdeckd", "Event-loop threads (default: one per core)."),
        QStringLiteral("n")};
    const QCommandLineOption headerTimeout{QStringLiteral("header-timeout-ms"),
                                           QCoreApplication::translate("meshdeckd",
                                                                       "Time a client has to send a "
                                                                       "request head (default: 10000)."),
                                           QStringLiteral("ms")};
    const QCommandLineOption idleTimeout{
        QStringLiteral("idle-timeout-ms"),
        QCoreApplication::translate("meshdeckd", "Keep-alive idle timeout (default: 60000)."),
        QStringLiteral("ms")};
    const QCommandLineOption maxConnections{
        QStringLiteral("max-connections"),
        QCoreApplication::translate("meshdeckd", "Connection cap (default: 10000)."), QStringLiteral("n")};
    const QCommandLineOption maxInflightBody{
        QStringLiteral("max-inflight-body-bytes"),
        QCoreApplication::translate("meshdeckd",
                                    "Request-body bytes all clients may have in flight (being received or "
                                    "handled); a body beyond it is refused with 503 (default: 67108864)."),
        QStringLiteral("bytes")};
    const QCommandLineOption shutdownTimeout{
        QStringLiteral("shutdown-timeout-ms"),
        QCoreApplication::translate("meshdeckd", "How long in-flight requests may "
                                                 "finish on SIGTERM (default: 10000)."),
        QStringLiteral("ms")};
    const QCommandLineOption allowedOrigin{
        QStringLiteral("allowed-origin"),
        QCoreApplication::translate("meshdeckd",
                                    "A browser origin (e.g. http://localhost:5173) allowed to open realtime "
                                    "WebSockets; repeat for more. Native clients send no origin."),
        QStringLiteral("origin")};
    const QCommandLineOption webhookRetryBase{
        QStringLiteral("webhook-retry-base-ms"),
        QCoreApplication::translate("meshdeckd",
                                    "First webhook retry delay; doubles per attempt (default: 1000)."),
        QStringLiteral("ms")};
    const QCommandLineOption webhookMaxFailures{
        QStringLiteral("webhook-max-failures"),
        QCoreApplication::translate("meshdeckd",
                                    "Failed deliveries in a row before a webhook is disabled (default: 10)."),
        QStringLiteral("n")};
    const QCommandLineOption deregisterCritical{
        QStringLiteral("deregister-critical-after-ms"),
        QCoreApplication::translate("meshdeckd", "Registry: deregister an instance critical for this long, "
                                                 "unless its check says otherwise (default: 600000)."),
        QStringLiteral("ms")};
    const QCommandLineOption accessTokenSeconds{
        QStringLiteral("access-token-seconds"),
        QCoreApplication::translate("meshdeckd", "Lifetime of a session's access token (default: 900)."),
        QStringLiteral("s")};
    const QCommandLineOption passwordCost{
        QStringLiteral("password-cost"),
        QCoreApplication::translate("meshdeckd", "argon2id cost: interactive (default; 64 MiB, 2 passes) or "
                                                 "minimum (tests only). Stored hashes of another cost are "
                                                 "upgraded at the next sign-in."),
        QStringLiteral("cost")};
    const QCommandLineOption maxRealtimeSessions{
        QStringLiteral("max-realtime-sessions"),
        QCoreApplication::translate("meshdeckd", "Concurrent realtime WebSocket sessions; further upgrades "
                                                 "get 503 with Retry-After (default: 10000)."),
        QStringLiteral("n")};
    const QCommandLineOption auditRetentionDays{
        QStringLiteral("audit-retention-days"),
        QCoreApplication::translate("meshdeckd", "Audit records older than this are deleted, hourly "
                                                 "(default: 365)."),
        QStringLiteral("days")};
    const QCommandLineOption siteRetention{
        QStringLiteral("site-retention"),
        QCoreApplication::translate("meshdeckd", "Deployments kept per site, never the live one; older "
                                                 "ones are pruned (default: 10)."),
        QStringLiteral("n")};
    const QCommandLineOption sitesDir{
        QStringLiteral("sites-dir"),
        QCoreApplication::translate("meshdeckd", "Where sites keep their deployments (sources, build logs, "
                                                 "artifacts); in a cluster, storage every node shares "
                                                 "(default: DATA_DIR/sites)."),
        QStringLiteral("dir")};
    const QCommandLineOption siteUploadLimit{
        QStringLiteral("site-upload-limit-mb"),
        QCoreApplication::translate("meshdeckd", "Largest source .tar.gz a deployment upload may be, in MiB "
                                                 "(default: 512)."),
        QStringLiteral("mib")};
    const QCommandLineOption buildConcurrency{
        QStringLiteral("build-concurrency"),
        QCoreApplication::translate("meshdeckd",
                                    "Builds this node runs at once in its own build worker, each "
                                    "in its own sandbox; 0 runs none here (default: 2)."),
        QStringLiteral("n")};
    const QCommandLineOption database{
        QStringLiteral("database"),
        QCoreApplication::translate("meshdeckd",
                                    "Cluster mode: the PostgreSQL database shared by every node, as "
                                    "postgres://USER[:PASSWORD]@HOST[:PORT]/DB (or MESHDECK_DATABASE_URL). "
                                    "Without it: local mode, SQLite in the data directory."),
        QStringLiteral("url")};
    const QCommandLineOption redis{
        QStringLiteral("redis"),
        QCoreApplication::translate(
            "meshdeckd", "Cluster mode: Redis for wake-ups between nodes, as "
                         "redis://[:PASSWORD@]HOST[:PORT][/DB] (or MESHDECK_REDIS_URL). Without "
                         "it (or while it is down) nodes poll the database for each other's events."),
        QStringLiteral("url")};
    const QCommandLineOption nodeId{
        QStringLiteral("node-id"),
        QCoreApplication::translate("meshdeckd", "Cluster mode: this node's id (default: generated once and "
                                                 "kept in DATA_DIR/node-id; a local node keeps its id in its "
                                                 "database)."),
        QStringLiteral("id")};
    const QCommandLineOption advertise{
        QStringLiteral("advertise"),
        QCoreApplication::translate("meshdeckd", "How other nodes and the console reach this node "
                                                 "(default: http://<listen address>:<port>)."),
        QStringLiteral("url")};
    const QCommandLineOption adminTokenFile{
        QStringLiteral("admin-token-file"),
        QCoreApplication::translate("meshdeckd",
                                    "Cluster mode: the admin token file (default: DATA_DIR/admin.token; "
                                    "local mode always uses that). "
                                    "The first node writes it (mode 0600); the others leave it alone."),
        QStringLiteral("file")};
    const QCommandLineOption secretKeyFile{
        QStringLiteral("secret-key-file"),
        QCoreApplication::translate("meshdeckd",
                                    "The key that encrypts secrets at rest (default: DATA_DIR/secret.key); "
                                    "the same file on every node of a cluster, created (mode 0600) when "
                                    "missing."),
        QStringLiteral("file")};
    const QCommandLineOption clusterGoneAfter{
        QStringLiteral("cluster-gone-after-ms"),
        QCoreApplication::translate("meshdeckd", "Cluster mode: a node that has not heartbeaten for this "
                                                 "long is reported gone (default: 5000; nodes heartbeat "
                                                 "every second)."),
        QStringLiteral("ms")};
    const QCommandLineOption clusterPoll{
        QStringLiteral("cluster-poll-ms"),
        QCoreApplication::translate("meshdeckd", "Cluster mode: how often a node reads other nodes' new "
                                                 "events from the database while Redis is connected (a "
                                                 "lost wake-up waits at most this long; default: 1000; "
                                                 "without Redis: every 200)."),
        QStringLiteral("ms")};
    const QCommandLineOption allowPrivateTargets{
        QStringLiteral("allow-private-targets"),
        QCoreApplication::translate("meshdeckd", "Let webhooks reach loopback, private and link-local "
                                                 "addresses (a local stack; never on a shared server).")};
    const QCommandLineOption seedDemo{
        QStringLiteral("seed-demo"),
        QCoreApplication::translate("meshdeckd",
                                    "Create chat demo data (users demo-alice, demo-bob, demo-carol, "
                                    "demo-sam; rooms demo-general, demo-ops and a direct room with "
                                    "about 3000 messages; an invitation and a report), print what "
                                    "was made and exit. Local stack only; a second run adds nothing.")};
    const QCommandLineOption tlsCert{
        QStringLiteral("tls-cert"),
        QCoreApplication::translate("meshdeckd",
                                    "Serve HTTPS and WSS only, with this PEM certificate (chain) "
                                    "and --tls-key; SIGHUP reloads both."),
        QStringLiteral("file")};
    const QCommandLineOption gatewayListen{
        QStringLiteral("gateway-listen"),
        QCoreApplication::translate("meshdeckd", "Serve the API gateway's traffic on this address; port 0 "
                                                 "picks a free port (default: no gateway listener; the "
                                                 "console's local stack uses 127.0.0.1:0)."),
        QStringLiteral("host:port")};
    const QCommandLineOption gatewayAccessLogSample{
        QStringLiteral("gateway-access-log-sample"),
        QCoreApplication::translate("meshdeckd", "Share (0 to 1) of the gateway's successful requests put "
                                                 "on the gateway.access topic; every error is (default: "
                                                 "0.01)."),
        QStringLiteral("fraction")};
    const QCommandLineOption gatewayTrustedProxies{
        QStringLiteral("gateway-trusted-proxies"),
        QCoreApplication::translate("meshdeckd", "Proxies in front of the gateway, as CIDR blocks separated "
                                                 "by commas: only their X-Forwarded-For is kept, and the "
                                                 "rate limit's client address read from it (default: "
                                                 "none; a client's X-Forwarded-For and Forwarded are "
                                                 "replaced by its address)."),
        QStringLiteral("cidrs")};
    const QCommandLineOption tlsKey{
        QStringLiteral("tls-key"),
        QCoreApplication::translate("meshdeckd",
                                    "The PEM private key of --tls-cert (unencrypted, RSA or EC)."),
        QStringLiteral("file")};

    QList<QCommandLineOption> all() const
    {
        return {role,
                dataDir,
                listen,
                logLevel,
                threads,
                headerTimeout,
                idleTimeout,
                maxConnections,
                maxInflightBody,
                shutdownTimeout,
                allowedOrigin,
                webhookRetryBase,
                webhookMaxFailures,
                deregisterCritical,
                maxRealtimeSessions,
                accessTokenSeconds,
                passwordCost,
                auditRetentionDays,
                siteRetention,
                sitesDir,
                siteUploadLimit,
                buildConcurrency,
                database,
                redis,
                nodeId,
                advertise,
                adminTokenFile,
                secretKeyFile,
                clusterGoneAfter,
                clusterPoll,
                allowPrivateTargets,
                seedDemo,
                tlsCert,
                tlsKey,
                gatewayListen,
                gatewayAccessLogSample,
                gatewayTrustedProxies};
    }
};

bool parseHostPort(const QString &option, const QString &value, QHostAddress *address, quint16 *portOut,
                   QString *error)
{
    const qsizetype colon = value.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon < 0 ? 0 : value.sliced(colon + 1).toUInt(&portOk);
    QString host = colon < 0 ? QString() : value.first(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.sliced(1, host.size() - 2);
    if (colon < 0 || !portOk || port > 65535 || !address->setAddress(host)) {
        *error = QStringLiteral("--%1 expects HOST:PORT with a numeric address, e.g. 127.0.0.1:7700 or "
                                "[::1]:0; got '%2'")
                     .arg(option, value);
        return false;
    }
    *portOut = quint16(port);
    return true;
}

bool applyListen(const QString &listenValue, BackendSettings *settings, QString *error)
{
    return parseHostPort(QStringLiteral("listen"), listenValue, &settings->host, &settings->port, error);
}

bool applyGateway(const QCommandLineParser &parser, const Options &o, BackendSettings *settings,
                  QString *error)
{
    if (parser.isSet(o.gatewayListen)) {
        settings->gateway = true;
        if (!parseHostPort(QStringLiteral("gateway-listen"), parser.value(o.gatewayListen),
                           &settings->gatewayHost, &settings->gatewayPort, error))
            return false;
    }
    if (parser.isSet(o.gatewayAccessLogSample)) {
        bool ok = false;
        const double share = parser.value(o.gatewayAccessLogSample).toDouble(&ok);
        if (!ok || share < 0 || share > 1) {
            *error = QStringLiteral("--gateway-access-log-sample expects a share from 0 to 1 (0.01 is one "
                                    "request in a hundred); got '%1'")
                         .arg(parser.value(o.gatewayAccessLogSample));
            return false;
        }
        settings->gatewayAccessLogSample = share;
    }
    if (parser.isSet(o.gatewayTrustedProxies)) {
        settings->gatewayTrustedProxies = parser.value(o.gatewayTrustedProxies);
        if (!Gateway::TrustedProxies::parse(settings->gatewayTrustedProxies, error))
            return false;
    }
    return true;
}

bool checkLogLevel(const QString &level, BackendSettings *settings, QString *error)
{
    settings->logLevel = level;
    if (!QStringList{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                     QStringLiteral("error")}
             .contains(settings->logLevel)) {
        *error = QStringLiteral("--log-level must be debug, info, warning or error; got '%1'")
                     .arg(settings->logLevel);
        return false;
    }
    return true;
}

// --tls-cert and --tls-key: both or neither, and files that make a certificate with its key.
bool applyTls(const QCommandLineParser &parser, const Options &o, BackendSettings *settings, QString *error)
{
    if (!parser.isSet(o.tlsCert) && !parser.isSet(o.tlsKey))
        return true;
    if (!parser.isSet(o.tlsCert) || !parser.isSet(o.tlsKey)) {
        *error = QStringLiteral("--tls-cert and --tls-key go together; give both or neither");
        return false;
    }
    settings->tls = Http::TlsCredentials::load(parser.value(o.tlsCert), parser.value(o.tlsKey), error);
    return settings->tls != nullptr;
}

// The options that take a count or a duration.
bool applyNumbers(const QCommandLineParser &parser, const Options &o, BackendSettings *settings,
                  QString *error)
{
    struct IntOption {
        const QCommandLineOption &option;
        int *target;
    };
    for (const IntOption &i : {IntOption{o.threads, &settings->threads},
                               IntOption{o.headerTimeout, &settings->limits.headerTimeoutMs},
                               IntOption{o.idleTimeout, &settings->limits.idleTimeoutMs},
                               IntOption{o.maxConnections, &settings->limits.maxConnections},
                               IntOption{o.shutdownTimeout, &settings->shutdownTimeoutMs},
                               IntOption{o.webhookRetryBase, &settings->webhookRetryBaseMs},
                               IntOption{o.webhookMaxFailures, &settings->webhookMaxFailures},
                               IntOption{o.maxRealtimeSessions, &settings->maxRealtimeSessions},
                               IntOption{o.accessTokenSeconds, &settings->accessTokenSeconds},
                               IntOption{o.auditRetentionDays, &settings->auditRetentionDays},
                               IntOption{o.siteRetention, &settings->siteRetention},
                               IntOption{o.siteUploadLimit, &settings->siteUploadLimitMb}}) {
        if (parser.isSet(i.option) && !positiveInt(parser.value(i.option), i.target)) {
            *error = QStringLiteral("--%1 expects a positive whole number; got '%2'")
                         .arg(i.option.names().constFirst(), parser.value(i.option));
            return false;
        }
    }
    if (parser.isSet(o.buildConcurrency)) {
        bool ok = false;
        const int n = parser.value(o.buildConcurrency).toInt(&ok);
        if (!ok || n < 0 || n > 64) {
            *error = QStringLiteral("--build-concurrency expects a whole number from 0 to 64; got '%1'")
                         .arg(parser.value(o.buildConcurrency));
            return false;
        }
        settings->buildConcurrency = n;
    }
    if (parser.isSet(o.maxInflightBody)) {
        bool ok = false;
        const qint64 bytes = parser.value(o.maxInflightBody).toLongLong(&ok);
        if (!ok || bytes <= 0) {
            *error = QStringLiteral("--max-inflight-body-bytes expects a positive number of bytes; got '%1'")
                         .arg(parser.value(o.maxInflightBody));
            return false;
        }
        settings->limits.maxInflightBodyBytes = bytes;
    }
    // Durations with a floor below which they make no sense.
    struct MsOption {
        const QCommandLineOption &option;
        int minimum;
        std::function<void(int)> set;
    };
    const MsOption durations[] = {{o.deregisterCritical, 1000,
                                   [settings](int ms) {
                                       settings->deregisterCriticalAfterMs = ms;
                                   }},
                                  {o.clusterGoneAfter, 2000,
                                   [settings](int ms) {
                                       settings->clusterGoneAfterMs = ms;
                                   }},
                                  {o.clusterPoll, 50, [settings](int ms) {
                                       settings->clusterPollMs = ms;
                                   }}};
    for (const MsOption &m : durations) {
        int ms = 0;
        if (parser.isSet(m.option) && (!positiveInt(parser.value(m.option), &ms) || ms < m.minimum)) {
            *error = QStringLiteral("--%1 expects milliseconds ≥ %2; got '%3'")
                         .arg(m.option.names().constFirst())
                         .arg(m.minimum)
                         .arg(parser.value(m.option));
            return false;
        }
        if (parser.isSet(m.option))
            m.set(ms);
    }
    if (settings->threads == 0)
        settings->threads = qMax(1, QThread::idealThreadCount());
    if (parser.isSet(o.passwordCost)) {
        const QString cost = parser.value(o.passwordCost);
        if (cost != QLatin1String("interactive") && cost != QLatin1String("minimum")) {
            *error = QStringLiteral("--password-cost is interactive or minimum; got '%1'").arg(cost);
            return false;
        }
        settings->minimumPasswordCost = cost == QLatin1String("minimum");
    }
    return true;
}

// --database (or MESHDECK_DATABASE_URL) and the cluster identity options.
bool applyCluster(const QCommandLineParser &parser, const Options &o, BackendSettings *settings,
                  QString *error)
{
    settings->databaseUrl =
        parser.isSet(o.database) ? parser.value(o.database) : qEnvironmentVariable("MESHDECK_DATABASE_URL");
    settings->redisUrl =
        parser.isSet(o.redis) ? parser.value(o.redis) : qEnvironmentVariable("MESHDECK_REDIS_URL");
    if (!settings->redisUrl.isEmpty() && settings->databaseUrl.isEmpty()) {
        *error = QStringLiteral("--redis is for cluster mode: give --database postgres://... too");
        return false;
    }
    if (!settings->redisUrl.isEmpty() && !settings->redisUrl.startsWith(QLatin1String("redis://"))) {
        *error = QStringLiteral("--redis expects redis://[:PASSWORD@]HOST[:PORT][/DB]; got '%1'")
                     .arg(QUrl(settings->redisUrl).toDisplayString(QUrl::RemovePassword));
        return false;
    }
    settings->nodeId = parser.value(o.nodeId);
    settings->advertiseUrl = parser.value(o.advertise);
    settings->adminTokenFile = parser.value(o.adminTokenFile);
    settings->secretKeyFile = parser.value(o.secretKeyFile);
    if (!settings->databaseUrl.isEmpty()) {
        QString reason;
        if (!Storage::isPostgresUrl(settings->databaseUrl) ||
            !Storage::parsePostgresUrl(settings->databaseUrl, &reason)) {
            *error = QStringLiteral("--database expects postgres://USER[:PASSWORD]@HOST[:PORT]/DB%1")
                         .arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + reason);
            return false;
        }
    }
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (parser.isSet(o.nodeId) && !idPattern.match(settings->nodeId).hasMatch()) {
        *error = QStringLiteral("--node-id expects 1 to 64 letters, digits, '.', '_' or '-'; got '%1'")
                     .arg(settings->nodeId);
        return false;
    }
    const QUrl advertised(settings->advertiseUrl, QUrl::StrictMode);
    if (parser.isSet(o.advertise) &&
        (!advertised.isValid() || advertised.host().isEmpty() ||
         !QStringList{QStringLiteral("http"), QStringLiteral("https")}.contains(advertised.scheme()))) {
        *error = QStringLiteral("--advertise expects an http:// or https:// URL with a host; got '%1'")
                     .arg(settings->advertiseUrl);
        return false;
    }
    return true;
}
} // namespace

QString roleOf(const QStringList &arguments)
{
    // Only --role matters here; every other option belongs to the role's own parser.
    QCommandLineParser parser;
    const QCommandLineOption role(QStringLiteral("role"), QString(), QStringLiteral("role"),
                                  QStringLiteral("platform"));
    parser.addOption(role);
    parser.parse(arguments);
    return parser.value(role);
}

bool parseCommandLine(const QStringList &arguments, BackendSettings *settings, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "meshdeckd", "The Meshdeck platform backend. Prints one JSON line on stdout when it is ready."));
    parser.addHelpOption();
    parser.addVersionOption();
    const Options o;
    parser.addOptions(o.all());
    parser.process(arguments); // exits for --help, --version and unknown options

    settings->dataDir = parser.isSet(o.dataDir) ? parser.value(o.dataDir) : defaultDataDir();
    settings->sitesDir = parser.value(o.sitesDir);
    settings->allowedOrigins = parser.values(o.allowedOrigin);
    settings->allowPrivateTargets = parser.isSet(o.allowPrivateTargets);
    settings->seedDemo = parser.isSet(o.seedDemo);
    return applyListen(parser.value(o.listen), settings, error) &&
           checkLogLevel(parser.value(o.logLevel), settings, error) &&
           applyNumbers(parser, o, settings, error) && applyTls(parser, o, settings, error) &&
           applyCluster(parser, o, settings, error) && applyGateway(parser, o, settings, error);
}

void applyLogLevel(const QString &level)
{
    QString rules = QStringLiteral("meshdeck.*.debug=false\n");
    if (level == QLatin1String("debug"))
        rules = QStringLiteral("meshdeck.*.debug=true\n");
    else if (level == QLatin1String("warning"))
        rules += QStringLiteral("meshdeck.*.info=false\n");
    else if (level == QLatin1String("error"))
        rules += QStringLiteral("meshdeck.*.info=false\nmeshdeck.*.warning=false\n");
    QLoggingCategory::setFilterRules(rules); // QT_LOGGING_RULES still takes precedence
}

} // namespace Meshdeck
