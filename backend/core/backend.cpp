#include "backend.h"

#include "admintoken.h"
#include "clusterfanout.h"

#include "build/buildworker.h"
#include "http/dispatcher.h"
#include "http/httpserver.h"
#include "http/tlscredentials.h"
#include "platform/service.h"
#include "services/audit/auditroutes.h"
#include "services/audit/auditservice.h"
#include "services/audit/auditstore.h"
#include "services/auth/authroutes.h"
#include "services/auth/authservice.h"
#include "services/auth/authstore.h"
#include "services/auth/signingkeys.h"
#include "services/auth/teamsroutes.h"
#include "services/auth/teamsservice.h"
#include "services/auth/teamsstore.h"
#include "services/chat/chatextrasroutes.h"
#include "services/chat/chatextrasservice.h"
#include "services/chat/chatextrasstore.h"
#include "services/chat/chatroutes.h"
#include "services/chat/chatseed.h"
#include "services/chat/chatservice.h"
#include "services/chat/chatstore.h"
#include "services/events/eventschannel.h"
#include "services/events/eventsroutes.h"
#include "services/events/eventsschema.h"
#include "services/events/eventsservice.h"
#include "services/events/eventsstore.h"
#include "services/events/webhooksroutes.h"
#include "services/gateway/drainstore.h"
#include "services/gateway/gatewayproxy.h"
#include "services/gateway/gatewayroutesapi.h"
#include "services/gateway/gatewayservice.h"
#include "services/gateway/gatewaystatusroutes.h"
#include "services/gateway/metricsstore.h"
#include "services/gateway/routesstore.h"
#include "services/presence/presenceroutes.h"
#include "services/presence/presenceservice.h"
#include "services/presence/presencestore.h"
#include "services/realtime/realtimeroutes.h"
#include "services/realtime/realtimeservice.h"
#include "services/registry/registryroutes.h"
#include "services/registry/registryservice.h"
#include "services/registry/registrystore.h"
#include "services/sites/sitesroutes.h"
#include "services/sites/sitesservice.h"
#include "services/sites/sitesstore.h"
#include "services/system/systemroutes.h"
#include "services/system/systemservice.h"
#include "services/system/systemstore.h"
#include "storage/database.h"
#include "storage/documentpermissions.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>
#include <QUrl>
#include <QUuid>

#include <cerrno>
#include <cstdio>
#include <cstring>

Q_LOGGING_CATEGORY(lcBackend, "meshdeck.backend")

namespace Meshdeck {

struct Backend::Parts {
    Http::HttpMetrics metrics;
    Storage::Database database;
    // Before the services: the events service's destructor lets queued database work finish, and
    // some of it reaches this channel.
    std::unique_ptr<Events::EventsChannel> eventsChannel;
    std::unique_ptr<ClusterFanout> fanout; // cluster mode: other nodes' events reach this one's subscribers
    ServiceHost services;
    std::unique_ptr<Http::Router> router;
    std::unique_ptr<AdminTokenAuthenticator> authenticator; // the admin token; AuthService asks it first
    std::unique_ptr<Auth::SigningKeyRing> signingKeys;
    std::unique_ptr<Auth::KeySource> keySource;
    QTimer signingKeysTimer;
    std::unique_ptr<AuditSink> auditSink; // the dispatcher's: the audit log and the events' audit topic
    std::unique_ptr<Http::Dispatcher> dispatcher;
    std::unique_ptr<Http::HttpServer> server;
    // The gateway's data plane: its own listener, dispatcher (a Frontend, no routes) and counters.
    Http::HttpMetrics gatewayHttpMetrics;
    std::unique_ptr<Http::Router> gatewayRouter;
    std::unique_ptr<Http::Dispatcher> gatewayDispatcher;
    std::unique_ptr<Http::HttpServer> gatewayServer;
    System::SystemService *system = nullptr;
    Events::EventsService *events = nullptr;
    Realtime::RealtimeService *realtime = nullptr;
    Registry::RegistryService *registry = nullptr;
    Audit::AuditService *audit = nullptr;
    Auth::AuthService *auth = nullptr;
    Auth::TeamsService *teams = nullptr;
    Gateway::GatewayService *gateway = nullptr;
    Sites::SitesService *sites = nullptr;
    Chat::ChatService *chat = nullptr;
    Chat::ChatExtrasService *chatExtras = nullptr; // invitations and reports, on ChatService's API
    Presence::PresenceService *presence = nullptr;
    // After the services: it is destroyed (its running builds abandoned) before the queue it uses.
    std::unique_ptr<Build::BuildWorker> buildWorker;
};

namespace {
// The access tokens' keys, from the ring every node shares.
class RingKeys : public Auth::KeySource
{
public:
    explicit RingKeys(const Auth::SigningKeyRing *ring)
        : m_ring(ring)
    {}
    std::optional<Auth::SigningKey> signingKey() const override { return m_ring->signingKey(); }
    std::vector<Auth::SigningKey> verificationKeys() const override { return m_ring->verificationKeys(); }

private:
    const Auth::SigningKeyRing *m_ring;
};

// The simulator's question "may this principal do this to topic NAME": the topic's document
// permissions, read with the same scope the events store's queries apply.
QCoro::Task<Result<Access::Reason>> topicPermission(Storage::Database *database,
                                                    std::shared_ptr<const Events::SystemTopics> systemTopics,
                                                    PrincipalPtr principal, QByteArray permission,
                                                    QString topic)
{
    if (permission != "events.read" && permission != "events.write")
        co_return Access::Reason{
            QStringLiteral("document"), false,
            QStringLiteral("A topic's permissions decide events.read and events.write only.")};
    // The platform's own topics first, as enforcement checks them.
    if (std::optional<Error> refused = permission == "events.read"
                                           ? systemTopics->readRefusal(topic, principal)
                                           : systemTopics->writeRefusal(topic, principal))
        co_return Access::Reason{QStringLiteral("system-topic"), false, refused->reason};
    const Storage::DocumentPermissions::Action action = permission == "events.read"
                                                            ? Storage::DocumentPermissions::Action::Read
                                                            : Storage::DocumentPermissions::Action::Update;
    const Storage::DocumentPermissions::Scope scope =
        Storage::DocumentPermissions::scopeFor(*principal, permission);
    if (scope.everything)
        co_return Access::Reason{
            QStringLiteral("document"), true,
            QStringLiteral("The role's grant covers every topic, whatever its document permissions.")};
    QCoro::Task<Result<QList<Storage::DocumentPermissions::Action>>> reading =
        database->attempt([scope, topic](QSqlDatabase &db) {
            return Storage::DocumentPermissions::heldActions(db, Events::EventsStore::ResourceType, topic,
                                                             scope);
        });
    const Result<QList<Storage::DocumentPermissions::Action>> held = co_await reading;
    if (!held)
        co_return held.error();
    const QString actionText = Storage::DocumentPermissions::actionName(action);
    if (held->contains(action))
        co_return Access::Reason{
            QStringLiteral("document"), true,
            QStringLiteral("topic:%1 grants %2 to one of: %3.")
                .arg(topic, actionText, principal->documentRoles().join(QStringLiteral(", ")))};
    co_return Access::Reason{
        QStringLiteral("document"), false,
        QStringLiteral("topic:%1 grants %2 to none of: %3 (or there is no such topic).")
            .arg(topic, actionText, principal->documentRoles().join(QStringLiteral(", ")))};
}

QString modeName(const BackendSettings &settings)
{
    return settings.clusterMode() ? QStringLiteral("cluster") : QStringLiteral("local");
}

// A cluster node's id: --node-id, or the one kept in DATA_DIR/node-id (created on first start).
QString clusterNodeId(const QString &dataDir, const QString &given, QString *error)
{
    if (!given.isEmpty())
        return given;
    QFile file(QDir(dataDir).absoluteFilePath(QStringLiteral("node-id")));
    if (file.open(QIODevice::ReadOnly)) {
        const QString kept = QString::fromUtf8(file.readAll()).trimmed();
        if (!kept.isEmpty())
            return kept;
        file.close();
    }
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(id.toUtf8() + '\n') < 0 ||
        !file.flush()) {
        *error = QStringLiteral("cannot keep the node id in %1: %2").arg(file.fileName(), file.errorString());
        return {};
    }
    return id;
}

// Every audited call goes to each sink: the audit log (searchable) and the events' audit topic.
class AuditFanout : public AuditSink
{
public:
    explicit AuditFanout(std::vector<AuditSink *> sinks)
        : m_sinks(std::move(sinks))
    {}
    void record(AuditEntry entry) override
    {
        for (size_t i = 0; i + 1 < m_sinks.size(); ++i)
            m_sinks[i]->record(entry);
        m_sinks.back()->record(std::move(entry));
    }

private:
    std::vector<AuditSink *> m_sinks;
};

// The node's own lifecycle on the system topic; resolves once durable.
QFuture<Result<QList<qint64>>> publishLifecycle(EventPublisher *events, const QString &type,
                                                const QJsonObject &data)
{
    const EventInput input{type,
                           data.value(QStringLiteral("nodeId")).toString(),
                           QJsonDocument(data).toJson(QJsonDocument::Compact),
                           {}};
    return events->publishEvents(QString::fromLatin1(Events::EventsService::SystemTopic), {input}, {});
}
} // namespace

Backend::Backend(BackendSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_parts(std::make_unique<Parts>())
{}

Backend::~Backend()
{
    // The server's threads reference the dispatcher and router: stop them first.
    m_parts->gatewayServer.reset();
    m_parts->server.reset();
}

quint16 Backend::port() const
{
    return m_parts->server ? m_parts->server->port() : 0;
}

namespace {
// --seed-demo's users, through the auth service: found by email, or created with a random password.
QCoro::Task<Result<Chat::DemoUser>> ensureDemoUser(Auth::AuthService *auth, QString email, QString name,
                                                   Role role)
{
    QCoro::Task<Result<QList<Auth::User>>> listing = auth->users(email, std::nullopt, std::nullopt);
    const Result<QList<Auth::User>> users = co_await listing;
    if (!users)
        co_return users.error();
    for (const Auth::User &u : *users)
        if (u.email.compare(email, Qt::CaseInsensitive) == 0)
            co_return Chat::DemoUser{u.id, u.name, QString()};
    const QString password = QUuid::createUuid().toString(QUuid::Id128);
    QCoro::Task<Result<Auth::User>> creating = auth->createUser(Auth::NewUser{email, name, password, role});
    const Result<Auth::User> created = co_await creating;
    if (!created)
        co_return created.error();
    co_return Chat::DemoUser{created->id, created->name, password};
}
} // namespace

QCoro::Task<int> Backend::start()
{
    if (m_settings.seedDemo && m_settings.clusterMode()) {
        std::fprintf(stderr,
                     "meshdeckd: --seed-demo is for the local stack only; it refuses to put demo data "
                     "into a cluster's shared database (leave out --database).\n");
        co_return ExitUsage;
    }
    const QString dataDir = QDir(m_settings.dataDir).absolutePath();
    QString error;
    const auto token = prepareDataDir(dataDir, &error);
    if (!token) {
        qCCritical(lcBackend).noquote() << error;
        co_return ExitStartupFailed;
    }
    const QString keyFile = m_settings.secretKeyFile.isEmpty()
                                ? QDir(dataDir).absoluteFilePath(QStringLiteral("secret.key"))
                                : m_settings.secretKeyFile;
    const auto secrets = SecretBox::fromKeyFile(keyFile, &error);
    const QString nodeId =
        m_settings.clusterMode() ? clusterNodeId(dataDir, m_settings.nodeId, &error) : QString();
    if (!secrets || (m_settings.clusterMode() && nodeId.isEmpty())) {
        qCCritical(lcBackend).noquote() << error;
        co_return ExitStartupFailed;
    }
    makeServices(dataDir, *secrets, nodeId);
    if (const int code = co_await openDatabase(dataDir); code != ExitOk)
        co_return code;
    if (m_settings.clusterMode()) {
        if (!co_await bootstrapCluster(token->path, nodeId))
            co_return ExitStartupFailed;
    } else {
        m_parts->authenticator = std::make_unique<AdminTokenAuthenticator>(token->token);
    }
    installRoutes();
    if (!co_await startServices())
        co_return ExitStartupFailed;
    if (m_settings.seedDemo) {
        Parts &p = *m_parts;
        QCoro::Task<Result<Chat::DemoSummary>> seeding = Chat::seedDemo(
            p.chat, p.chatExtras,
            [auth = p.auth](QString email, QString name, Role role) {
                return ensureDemoUser(auth, std::move(email), std::move(name), role);
            },
            &Clock::system());
        const Result<Chat::DemoSummary> seeded = co_await seeding;
        QCoro::Task<void> stopping = stop();
        co_await stopping;
        if (!seeded) {
            std::fprintf(stderr, "meshdeckd: the demo data could not be made: %s\n",
                         qPrintable(seeded.error().reason));
            co_return ExitStartupFailed;
        }
        for (const QString &line : seeded->lines)
            std::printf("%s\n", qPrintable(line));
        std::printf("demo data: %d rooms, %lld messages, %d invitation, %d report\n", seeded->rooms,
                    seeded->messages, seeded->invitations, seeded->reports);
        std::fflush(stdout);
        co_return ExitOk;
    }
    startBuildWorker(nodeId);
    if (!serve())
        co_return ExitStartupFailed;
    m_parts->system->membership().setAdvertiseUrl(advertiseUrl());
    const QString servingState = QStringLiteral("serving"); // named (GCC 12: no temporaries in a co_await)
    co_await m_parts->system->membership().setState(servingState);
    printReadyLine(dataDir, token->path);
    co_return ExitOk;
}

// The data directory (owner-only) and the admin token in it.
std::optional<AdminTokenFile> Backend::prepareDataDir(const QString &dataDir, QString *error)
{
    if (!QDir().mkpath(dataDir)) {
        *error = QStringLiteral("cannot create the data directory %1").arg(dataDir);
        return std::nullopt;
    }
    QFile::setPermissions(dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (m_settings.clusterMode()) // the token is the database's; the first node writes this file
        return AdminTokenFile{m_settings.adminTokenFile.isEmpty()
                                  ? QDir(dataDir).absoluteFilePath(QStringLiteral("admin.token"))
                                  : QFileInfo(m_settings.adminTokenFile).absoluteFilePath(),
                              {}};
    return ensureAdminToken(dataDir, error);
}

// Cluster mode: the first node against an empty database records the admin token's digest and
// writes the token to the file; every other node takes the digest and leaves the file alone. The
// token is written (as FILE.pending-NODE) before its digest is claimed, and renamed into place once
// the claim is won: a node that dies in between leaves the pending file, and the next node to
// start finds the token whose digest the database holds and puts it in place.
QCoro::Task<bool> Backend::bootstrapCluster(QString adminTokenFile, QString nodeId)
{
    Parts &p = *m_parts;
    const QByteArray token = newAdminToken();
    const QString digest = adminTokenDigestHex(token);
    const QString pending = adminTokenFile + QStringLiteral(".pending-") + nodeId;
    QString error;
    const bool pendingWritten = writeAdminTokenFile(pending, token, &error);
    // Named first: GCC 12 destroys a temporary of a co_await expression twice.
    QCoro::Task<Result<std::optional<QString>>> bootstrap =
        p.database.attempt([digest](QSqlDatabase &db) -> std::optional<QString> {
            if (System::SystemStore::claimBootstrap(db, digest))
                return std::nullopt;
            return System::SystemStore::adminTokenHash(db);
        });
    const Result<std::optional<QString>> recorded = co_await bootstrap;
    if (!recorded) {
        QFile::remove(pending);
        qCCritical(lcBackend).noquote() << "cannot read the cluster's bootstrap:" << recorded.error().reason;
        co_return false;
    }
    if (!recorded->has_value()) {
        const bool placed = pendingWritten ? ::rename(QFile::encodeName(pending).constData(),
                                                      QFile::encodeName(adminTokenFile).constData()) == 0
                                           : writeAdminTokenFile(adminTokenFile, token, &error);
        if (!placed) {
            if (error.isEmpty())
                error = QStringLiteral("cannot write %1: %2")
                            .arg(adminTokenFile, QString::fromLocal8Bit(strerror(errno)));
            qCCritical(lcBackend).noquote()
                << error << "- the cluster's admin token is lost; delete the row of "
                << "cluster_bootstrap and start again";
            co_return false;
        }
        qCInfo(lcBackend).noquote() << "bootstrapped the cluster; its admin token is in" << adminTokenFile;
    } else {
        QFile::remove(pending);
        recoverAdminTokenFile(adminTokenFile, **recorded);
    }
    p.authenticator = AdminTokenAuthenticator::fromDigestHex(recorded->value_or(digest));
    if (!p.authenticator) {
        qCCritical(lcBackend) << "the cluster's admin token digest in the database is malformed";
        co_return false;
    }
    co_return true;
}

// A node that won the bootstrap and died before renaming its pending token file into place left
// the token only there: the file whose token matches the database's digest takes its place.
void Backend::recoverAdminTokenFile(const QString &adminTokenFile, const QString &digest)
{
    if (QFileInfo::exists(adminTokenFile))
        return;
    const QFileInfo target(adminTokenFile);
    const QStringList candidates = target.dir().entryList({target.fileName() + QStringLiteral(".pending-*")},
                                                          QDir::Files | QDir::Hidden, QDir::Name);
    for (const QString &name : candidates) {
        const QString path = target.dir().absoluteFilePath(name);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        if (adminTokenDigestHex(file.readAll().trimmed()) != digest)
            continue;
        file.close();
        if (::rename(QFile::encodeName(path).constData(), QFile::encodeName(adminTokenFile).constData()) == 0)
            qCWarning(lcBackend).noquote() << "the node that bootstrapped the cluster stopped before writing"
                                           << adminTokenFile << "- recovered it from" << name;
        return;
    }
}

// Every service, in start order, and how they reach each other.
void Backend::makeServices(const QString &dataDir, const SecretBox &secrets, const QString &nodeId)
{
    Parts &p = *m_parts;
    System::SystemSettings systemSettings{
        QStringLiteral(MESHDECK_VERSION), modeName(m_settings), dataDir, nodeId, {}};
    systemSettings.membership.cluster = m_settings.clusterMode();
    systemSettings.membership.version = systemSettings.version;
    systemSettings.membership.advertiseUrl = m_settings.advertiseUrl; // or once listening
    systemSettings.membership.goneAfterMs = m_settings.clusterGoneAfterMs;
    systemSettings.membership.openConnections = [metrics = &p.metrics] {
        return metrics->openConnections.load();
    };
    auto system =
        std::make_unique<System::SystemService>(std::move(systemSettings), &p.database, [server = &p.server] {
            return *server && !(*server)->isDraining();
        });
    p.system = system.get();
    p.services.add(std::move(system));
    Events::EventsSettings eventsSettings;
    eventsSettings.webhooks.retryBaseMs = m_settings.webhookRetryBaseMs;
    eventsSettings.webhooks.maxFailures = m_settings.webhookMaxFailures;
    eventsSettings.webhooks.allowPrivateTargets = m_settings.allowPrivateTargets;
    eventsSettings.webhooks.nodeId = nodeId; // cluster mode: deliveries are claimed per node
    if (m_settings.clusterMode()) {
        // The first serving node by id samples consumer-group lag (any node until one serves).
        eventsSettings.samplesLagHere = [membership = &p.system->membership(), nodeId] {
            const QStringList serving = membership->servingNodes();
            return serving.isEmpty() || serving.first() == nodeId;
        };
    }
    auto events = std::make_unique<Events::EventsService>(eventsSettings, &p.database, secrets);
    p.events = events.get();
    p.services.add(std::move(events));
    // Before realtime, which holds it as a channel provider (services are destroyed in reverse).
    Audit::AuditSettings auditSettings;
    auditSettings.retentionDays = m_settings.auditRetentionDays;
    auditSettings.pollIntervalMs = m_settings.clusterMode() ? m_settings.clusterPollMs : 0;
    auto audit = std::make_unique<Audit::AuditService>(auditSettings, &p.database);
    p.audit = audit.get();
    p.services.add(std::move(audit));
    p.system->setAuditStatus([audit = p.audit] { return audit->status(); });
    p.metrics.addCollector([audit = p.audit] { return audit->prometheusText(); });
    makeAuth(secrets);
    Realtime::RealtimeSettings realtimeSettings;
    realtimeSettings.allowedOrigins = m_settings.allowedOrigins;
    realtimeSettings.maxSessions = m_settings.maxRealtimeSessions;
    auto realtime = std::make_unique<Realtime::RealtimeService>(realtimeSettings);
    p.realtime = realtime.get();
    p.services.add(std::move(realtime));
    p.realtime->addProvider(p.chat->channel());
    Registry::RegistrySettings registrySettings;
    registrySettings.deregisterCriticalAfterMs = m_settings.deregisterCriticalAfterMs;
    registrySettings.nodeId = nodeId; // cluster mode: keep the other nodes' built-ins
    registrySettings.cluster = m_settings.clusterMode();
    registrySettings.syncIntervalMs = m_settings.clusterPollMs;
    // A drain completes once no gateway holds a request to the instance either (every live node's).
    registrySettings.gatewayInFlight = [parts = &p](const QString &instanceId) {
        return parts->gateway ? parts->gateway->drainInFlight(instanceId) : 0;
    };
    registrySettings.othersServing = [membership = &p.system->membership(), nodeId] {
        QStringList others = membership->servingNodes();
        others.removeAll(nodeId);
        return !others.isEmpty();
    };
    auto registry = std::make_unique<Registry::RegistryService>(registrySettings, &p.database, p.events);
    p.registry = registry.get();
    // Cluster mode: the serving members share the checks.
    QObject::connect(&p.system->membership(), &System::ClusterMembership::servingNodesChanged, p.registry,
                     &Registry::RegistryService::setCheckingNodes);
    p.services.add(std::move(registry));
    Gateway::GatewaySettings gatewaySettings;
    gatewaySettings.cluster = m_settings.clusterMode();
    gatewaySettings.syncIntervalMs = m_settings.clusterPollMs;
    gatewaySettings.nodeId = nodeId.isEmpty() ? QStringLiteral("local") : nodeId;
    gatewaySettings.accessLogSample = m_settings.gatewayAccessLogSample;
    gatewaySettings.redisUrl = QUrl(m_settings.redisUrl);
    gatewaySettings.servingNodes = [membership = &p.system->membership()] {
        return int(std::max<qsizetype>(1, membership->servingNodes().size()));
    };
    gatewaySettings.liveNodes = [membership = &p.system->membership()] {
        QStringList live;
        for (const QJsonValue &m : membership->membersJson()) {
            if (m[QLatin1String("state")].toString() != QLatin1String("gone"))
                live.append(m[QLatin1String("nodeId")].toString());
        }
        return live;
    };
    auto gateway =
        std::make_unique<Gateway::GatewayService>(gatewaySettings, &p.database, p.events, p.registry);
    p.gateway = gateway.get();
    p.services.add(std::move(gateway));
    p.realtime->addProvider(p.gateway->channel());
    p.metrics.addCollector([gateway = p.gateway] { return gateway->prometheusText(); });
    p.system->setGatewayStatus([gateway = p.gateway] {
        const QJsonObject limits = gateway->rateLimitStatus();
        return QJsonObject{{QStringLiteral("rateLimits"), limits.value(QStringLiteral("mode"))},
                           {QStringLiteral("reason"), limits.value(QStringLiteral("reason"))}};
    });
    p.realtime->addProvider(&p.registry->channel());
    Sites::SitesSettings sitesSettings;
    sitesSettings.dataDir = dataDir;
    // Cluster mode: a directory every node shares (sources, logs, artifacts).
    sitesSettings.sitesDir =
        m_settings.sitesDir.isEmpty() ? QString() : QDir(m_settings.sitesDir).absolutePath();
    sitesSettings.localStack = !m_settings.clusterMode();
    sitesSettings.retention = m_settings.siteRetention;
    sitesSettings.maxUploadBytes = qint64(m_settings.siteUploadLimitMb) << 20;
    auto sites = std::make_unique<Sites::SitesService>(sitesSettings, &p.database, p.events, secrets);
    p.sites = sites.get();
    p.services.add(std::move(sites));
    p.realtime->addProvider(p.sites->channel());
    // Presence from the realtime sessions of every live node (the realtime service only tells).
    Presence::PresenceSettings presenceSettings;
    presenceSettings.cluster = m_settings.clusterMode();
    presenceSettings.nodeId = nodeId;
    presenceSettings.goneAfterMs = m_settings.clusterGoneAfterMs;
    // The auth service is made further down: looked up when asked (after start, it is there).
    presenceSettings.lookupUser = [parts =
                                       &p](const QString &userId) -> std::optional<Presence::PresenceUser> {
        if (!parts->auth)
            return std::nullopt;
        const Auth::SnapshotPtr snapshot = parts->auth->snapshot();
        const auto it = snapshot->users.constFind(userId);
        if (it == snapshot->users.cend())
            return std::nullopt;
        return Presence::PresenceUser{it->name, it->email};
    };
    auto presence = std::make_unique<Presence::PresenceService>(presenceSettings, &p.database);
    p.presence = presence.get();
    p.services.add(std::move(presence));
    p.realtime->setSessionObserver(p.presence);
    p.realtime->addProvider(p.presence->channel());
    p.realtime->addProvider(&p.system->membership());
    p.realtime->addProvider(p.audit);
    // events.<topic> on the realtime endpoint, fed by every durable commit.
    p.eventsChannel = std::make_unique<Events::EventsChannel>(&p.database, p.events->systemTopics());
    p.realtime->addProvider(p.eventsChannel.get());
    p.events->addCommitListener(
        [channel = p.eventsChannel.get()](const QList<Events::StoredEventPtr> &committed) {
            channel->onCommitted(committed);
        });
    p.events->addTopicListener([channel = p.eventsChannel.get()](QSqlDatabase &db, const QString &topic) {
        channel->recheck(db, topic);
    });
    if (m_settings.clusterMode()) {
        p.fanout = std::make_unique<ClusterFanout>(p.eventsChannel.get(), m_settings.redisUrl, nodeId,
                                                   m_settings.clusterPollMs);
        p.events->addCommitListener(
            [fanout = p.fanout.get()](const QList<Events::StoredEventPtr> &committed) {
                QStringList topics;
                for (const Events::StoredEventPtr &e : committed) {
                    if (!topics.contains(e->topic))
                        topics.append(e->topic);
                }
                fanout->announce(topics);
            });
        p.events->addTopicListener([fanout = p.fanout.get()](QSqlDatabase &, const QString &topic) {
            fanout->announcePermissions(topic);
        });
        // A sign-out or a revocation here reaches the other nodes at once (only this node's own
        // changes are announced: a reload for another's change says nothing).
        QObject::connect(p.auth, &Auth::AuthService::changedHere, p.fanout.get(),
                         &ClusterFanout::announceAccess);
        QObject::connect(p.fanout.get(), &ClusterFanout::accessChangedElsewhere, p.auth,
                         [auth = p.auth] { auth->sync(); });
        p.system->setClusterStatus([fanout = p.fanout.get()] { return fanout->status(); });
        // A deployment's log lines and status changes reach every node's channel subscribers.
        p.sites->setClusterAnnouncer([fanout = p.fanout.get()](const QString &siteId, const QString &id) {
            fanout->announceDeployment(siteId, id);
        });
        QObject::connect(p.fanout.get(), &ClusterFanout::deploymentChangedElsewhere, p.sites,
                         &Sites::SitesService::catchUp);
        QObject::connect(p.fanout.get(), &ClusterFanout::resynced, p.sites, &Sites::SitesService::catchUpAll);
        p.chat->setClusterAnnouncer(
            [fanout = p.fanout.get()](const QString &roomId, const QByteArray &ephemeral) {
                fanout->announceChat(roomId, ephemeral);
            });
        QObject::connect(p.fanout.get(), &ClusterFanout::chatChangedElsewhere, p.chat,
                         &Chat::ChatService::changedElsewhere);
        QObject::connect(p.fanout.get(), &ClusterFanout::resynced, p.chat, &Chat::ChatService::catchUpAll);
        // A user's sessions opening or closing here reach the presence channel on every node.
        p.presence->setClusterAnnouncer(
            [fanout = p.fanout.get()](const QString &userId) { fanout->announcePresence(userId); });
        QObject::connect(p.fanout.get(), &ClusterFanout::presenceChangedElsewhere, p.presence,
                         &Presence::PresenceService::changedElsewhere);
        QObject::connect(p.fanout.get(), &ClusterFanout::resynced, p.presence,
                         &Presence::PresenceService::changedElsewhere);
    }
}

// Users, sessions and API keys, and the signing keys of access tokens (shared by every node,
// encrypted at rest with the secret key).
void Backend::makeAuth(const SecretBox &secrets)
{
    Parts &p = *m_parts;
    Auth::SigningKeySettings keySettings;
    keySettings.tokenLifetimeMs = qint64(m_settings.accessTokenSeconds) * 1000;
    // A new key is published two polls before it signs, so every node can verify its tokens.
    keySettings.activationDelayMs = m_settings.clusterMode() ? 2LL * m_settings.clusterPollMs : 0;
    p.signingKeys = std::make_unique<Auth::SigningKeyRing>(&p.database, secrets, keySettings);
    p.keySource = std::make_unique<RingKeys>(p.signingKeys.get());
    p.signingKeysTimer.setInterval(m_settings.clusterMode() ? m_settings.clusterPollMs : 60'000);
    QObject::connect(&p.signingKeysTimer, &QTimer::timeout, this,
                     [ring = p.signingKeys.get()] { ring->refresh(); });
    // The dispatcher's sink: the audit log, and the events' audit topic.
    p.auditSink = std::make_unique<AuditFanout>(std::vector<AuditSink *>{p.audit, p.events});

    Auth::AuthSettings authSettings;
    authSettings.accessTokenMs = qint64(m_settings.accessTokenSeconds) * 1000;
    authSettings.cluster = m_settings.clusterMode();
    authSettings.syncIntervalMs = m_settings.clusterPollMs;
    if (m_settings.minimumPasswordCost)
        authSettings.passwordCost = Auth::PasswordCost::minimum();
    auto auth =
        std::make_unique<Auth::AuthService>(authSettings, &p.database, p.events, nullptr, p.keySource.get());
    p.auth = auth.get();
    p.auth->setAuditSink(p.auditSink.get());
    p.services.add(std::move(auth));

    auto teams = std::make_unique<Auth::TeamsService>(&p.database, p.events);
    p.teams = teams.get();
    p.services.add(std::move(teams));

    Chat::ChatSettings chatSettings;
    chatSettings.audit = p.auditSink.get();
    chatSettings.clusterMode = m_settings.clusterMode();
    chatSettings.lookupUser = [auth = p.auth](const QString &userId) -> std::optional<Chat::ChatUser> {
        const Auth::SnapshotPtr snapshot = auth->snapshot();
        const auto it = snapshot->users.constFind(userId);
        if (it == snapshot->users.cend())
            return std::nullopt;
        return Chat::ChatUser{it->id, it->name, it->email};
    };
    auto chat = std::make_unique<Chat::ChatService>(chatSettings, &p.database, p.events);
    p.chat = chat.get();
    p.services.add(std::move(chat));
    auto chatExtras = std::make_unique<Chat::ChatExtrasService>(&p.database, p.events, p.chat, secrets);
    p.chatExtras = chatExtras.get();
    p.services.add(std::move(chatExtras));
    p.auth->addResourceCheck(QStringLiteral("topic"),
                             [database = &p.database, systemTopics = p.events->systemTopics()](
                                 PrincipalPtr principal, QByteArray permission, QString id) {
                                 return topicPermission(database, systemTopics, std::move(principal),
                                                        std::move(permission), std::move(id));
                             });
    p.auth->setTeamsLookup([teams = p.teams](const QString &userId) { return teams->membershipsOf(userId); });
    if (m_settings.clusterMode()) // other nodes' membership changes
        QObject::connect(&p.signingKeysTimer, &QTimer::timeout, this,
                         [teams = p.teams] { teams->refresh(); });
}

// Opens the database with every service's schema; answers ExitOk or the code to leave with.
QCoro::Task<int> Backend::openDatabase(QString dataDir)
{
    Parts &p = *m_parts;
    const QString dbPath = m_settings.clusterMode()
                               ? m_settings.databaseUrl
                               : QDir(dataDir).absoluteFilePath(QStringLiteral("meshdeck.db"));
    const std::vector<Storage::ComponentSchema> schemas{
        {QStringLiteral("system"), System::SystemStore::migrations()},
        {QStringLiteral("events"), Events::schema()},
        {QStringLiteral("registry"), Registry::RegistryStore::migrations()},
        {QStringLiteral("audit"), Audit::AuditStore::migrations()},
        {QStringLiteral("auth"), Auth::AuthStore::migrations()},
        {QStringLiteral("signing_keys"), Auth::SigningKeyRing::migrations()},
        {QStringLiteral("teams"), Auth::TeamsStore::migrations()},
        {QStringLiteral("gateway_routes"), Gateway::RoutesStore::migrations()},
        {QStringLiteral("gateway_metrics"), Gateway::MetricsStore::migrations()},
        {QStringLiteral("gateway_drains"), Gateway::DrainStore::migrations()},
        {QStringLiteral("sites"), Sites::SitesStore::migrations()},
        {QStringLiteral("chat"), Chat::ChatStore::migrations()},
        {QStringLiteral("chat-extras"), Chat::ChatExtrasStore::migrations()},
        {QStringLiteral("presence"), Presence::PresenceStore::migrations()},
        Storage::DocumentPermissions::schema(),
    };
    const auto opened = co_await p.database.open(dbPath, schemas);
    if (!opened.ok) {
        if (opened.newerThanCode) {
            qCCritical(lcBackend).noquote() << "refusing to open" << p.database.path() << "-" << opened.error
                                            << "- upgrade meshdeckd, or start with another"
                                            << (m_settings.clusterMode() ? "--database" : "--data-dir");
            co_return ExitDatabaseTooNew;
        }
        qCCritical(lcBackend).noquote() << "cannot open the database:" << opened.error;
        co_return ExitStartupFailed;
    }
    co_return ExitOk;
}

// Every service's routes, behind the admin token; mutating calls are audited.
void Backend::installRoutes()
{
    Parts &p = *m_parts;
    p.router = std::make_unique<Http::Router>(&p.metrics);
    System::SystemRoutes::install(*p.router, p.system, &p.metrics);
    Events::EventsRoutes::install(*p.router, p.events);
    Events::WebhooksRoutes::install(*p.router, p.events);
    Realtime::RealtimeRoutes::install(*p.router, p.realtime);
    Registry::RegistryRoutes::install(*p.router, p.registry);
    Audit::AuditRoutes::install(*p.router, p.audit);
    Auth::AuthRoutes::install(*p.router, p.auth);
    Auth::TeamsRoutes::install(*p.router, p.teams);
    Gateway::RoutesApi::install(*p.router, p.gateway->catalog());
    Gateway::StatusRoutes::install(*p.router, p.gateway);
    Sites::SitesRoutes::install(*p.router, p.sites);
    Chat::ChatRoutes::install(*p.router, p.chat);
    Chat::ChatExtrasRoutes::install(*p.router, p.chatExtras);
    Presence::PresenceRoutes::install(*p.router, p.presence);
    // Every credential goes through the auth service, which asks the admin token first.
    p.auth->setAdminToken(p.authenticator.get());
    p.dispatcher = std::make_unique<Http::Dispatcher>(*p.router, p.auth, &p.metrics);
    p.dispatcher->setAuditSink(p.auditSink.get());
    p.realtime->setAuthenticator(p.auth);
    p.gateway->setAuthenticator(p.auth); // edge auth: the same credentials as the admin API
    // A revoked session, a disabled user, a changed role or a revoked key reaches open realtime
    // sessions as soon as this node knows (at once here, within a poll on other nodes).
    QObject::connect(
        p.auth, &Auth::AuthService::principalsChanged, p.auth,
        [realtime = p.realtime, auth = p.auth] {
            realtime->revalidate([auth](const Principal &principal) { return auth->revalidate(principal); });
        },
        Qt::DirectConnection);
}

// Starts the services in order and records the node's start on the system topic.
// This node's build worker: it takes builds from the sites service's queue (in the database, so in
// cluster mode every node's worker shares one queue) and is woken when a build is queued here.
void Backend::startBuildWorker(const QString &nodeId)
{
    Parts &p = *m_parts;
    if (m_settings.buildConcurrency <= 0)
        return;
    Build::WorkerOptions options;
    options.concurrency = m_settings.buildConcurrency;
    options.workerId = (nodeId.isEmpty() ? QStringLiteral("local") : nodeId) + QStringLiteral("/builds");
    p.buildWorker = std::make_unique<Build::BuildWorker>(p.sites->buildQueue(), options);
    QObject::connect(p.sites, &Sites::SitesService::buildQueued, p.buildWorker.get(),
                     &Build::BuildWorker::wake);
    p.buildWorker->start();
}

QCoro::Task<bool> Backend::startServices()
{
    Parts &p = *m_parts;
    // The signing keys before any service: sign-ins need them from the first request.
    QCoro::Task<Result<void>> loadingKeys = p.signingKeys->start();
    if (const Result<void> keys = co_await loadingKeys; !keys) {
        qCCritical(lcBackend).noquote() << "cannot load the signing keys:" << keys.error().reason;
        co_return false;
    }
    p.signingKeysTimer.start();
    const QString error = co_await p.services.startAll();
    if (!error.isEmpty()) {
        qCCritical(lcBackend).noquote() << error;
        co_return false;
    }
    if (p.fanout) {
        QString fanoutError;
        if (!p.fanout->start(&fanoutError)) {
            qCCritical(lcBackend).noquote() << "--redis:" << fanoutError;
            co_return false;
        }
    }

    QFuture<Result<QList<qint64>>> started =
        publishLifecycle(p.events, QStringLiteral("system.node.started"),
                         QJsonObject{{QStringLiteral("nodeId"), p.system->nodeId()},
                                     {QStringLiteral("version"), QStringLiteral(MESHDECK_VERSION)},
                                     {QStringLiteral("mode"), modeName(m_settings)},
                                     {QStringLiteral("pid"), qint64(QCoreApplication::applicationPid())}});
    if (!(co_await started)) {
        qCCritical(lcBackend) << "cannot write to the system topic";
        co_return false;
    }
    co_return true;
}

// Listens, and lists the platform's own services in the registry like any other.
bool Backend::serve()
{
    Parts &p = *m_parts;
    p.server = std::make_unique<Http::HttpServer>(m_settings.limits, *p.dispatcher, m_settings.threads,
                                                  m_settings.tls);
    if (!p.server->listen(m_settings.host, m_settings.port)) {
        qCCritical(lcBackend).noquote() << "cannot listen on" << m_settings.host.toString() << m_settings.port
                                        << ":" << p.server->errorString();
        return false;
    }
    // The platform's own services, in the registry like any other.
    const QHostAddress &bound = m_settings.host;
    const QString selfAddress = bound == QHostAddress::AnyIPv6 ? QStringLiteral("::1")
                                : (bound == QHostAddress::Any || bound == QHostAddress::AnyIPv4)
                                    ? QStringLiteral("127.0.0.1")
                                    : bound.toString();
    // A cluster node is listed as meshdeck.node too, so the Services page shows the cluster, at
    // its advertised address: every node reads these instances, so loopback would name the wrong host.
    const QUrl advertised(m_settings.advertiseUrl);
    const bool useAdvertised = m_settings.clusterMode() && !m_settings.advertiseUrl.isEmpty();
    p.registry->registerBuiltins(
        p.services.names() + (m_settings.clusterMode() ? QStringList{QStringLiteral("node")} : QStringList{}),
        useAdvertised ? advertised.host() : selfAddress,
        useAdvertised ? advertised.port(advertised.scheme() == QLatin1String("https") ? 443 : 80)
                      : p.server->port(),
        p.system->nodeId(), QStringLiteral(MESHDECK_VERSION), m_settings.tls != nullptr);
    // The in-process build worker, listed with the separate ones (--role build-worker); the
    // Deployments page shows what each builds from the queue.
    if (p.buildWorker)
        p.registry->registerBuiltin(
            QStringLiteral("build-worker"), useAdvertised ? advertised.host() : selfAddress,
            useAdvertised ? advertised.port(advertised.scheme() == QLatin1String("https") ? 443 : 80)
                          : p.server->port(),
            p.system->nodeId(),
            QJsonObject{{QStringLiteral("workerId"), p.buildWorker->workerId()},
                        {QStringLiteral("concurrency"), QString::number(p.buildWorker->concurrency())},
                        {QStringLiteral("role"), QStringLiteral("in-process")}},
            QStringLiteral(MESHDECK_VERSION), m_settings.tls != nullptr);
    if (m_settings.gateway && !serveGateway())
        return false;
    if (m_settings.tls)
        qCInfo(lcBackend).noquote() << "TLS certificate:"
                                    << Http::describeCertificate(m_settings.tls->certificate());
    else if (!m_settings.host.isLoopback())
        qCWarning(lcBackend) << "serving on a non-loopback address without TLS";
    return true;
}

// The gateway's data plane on its own listener: every request goes to the proxy.
bool Backend::serveGateway()
{
    Parts &p = *m_parts;
    p.gatewayRouter = std::make_unique<Http::Router>(&p.gatewayHttpMetrics);
    p.gatewayDispatcher =
        std::make_unique<Http::Dispatcher>(*p.gatewayRouter, nullptr, &p.gatewayHttpMetrics);
    p.gatewayDispatcher->setFrontend(p.gateway->proxy());
    p.gateway->proxy()->setTls(m_settings.tls != nullptr);
    p.gateway->proxy()->setSites(p.sites); // /sites/<id>/… and <name>.localhost: the live deployments
    QString unused;
    p.gateway->proxy()->setTrustedProxies(
        Gateway::TrustedProxies::parse(m_settings.gatewayTrustedProxies, &unused)
            .value_or(Gateway::TrustedProxies()));
    Http::Limits limits = m_settings.limits;
    limits.defaultMaxBody = 64LL * 1024 * 1024; // a route's maxBodyBytes is the limit; this is its ceiling
    p.gatewayServer =
        std::make_unique<Http::HttpServer>(limits, *p.gatewayDispatcher, m_settings.threads, m_settings.tls);
    if (!p.gatewayServer->listen(m_settings.gatewayHost, m_settings.gatewayPort)) {
        qCCritical(lcBackend).noquote()
            << "--gateway-listen: cannot listen on" << m_settings.gatewayHost.toString()
            << m_settings.gatewayPort << ":" << p.gatewayServer->errorString();
        return false;
    }
    return true;
}

// The one machine-readable line on stdout that tells the console (or a script) where we serve.
void Backend::printReadyLine(const QString &dataDir, const QString &adminTokenFile)
{
    Parts &p = *m_parts;
    const QString host = m_settings.host.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + m_settings.host.toString() + QLatin1Char(']')
                             : m_settings.host.toString();
    QJsonObject ready{{QStringLiteral("ready"), true},
                      {QStringLiteral("url"),
                       QStringLiteral("%1://%2:%3")
                           .arg(m_settings.tls ? QStringLiteral("https") : QStringLiteral("http"), host)
                           .arg(p.server->port())},
                      {QStringLiteral("adminTokenFile"), adminTokenFile},
                      {QStringLiteral("nodeId"), p.system->nodeId()},
                      {QStringLiteral("mode"), modeName(m_settings)}};
    if (p.gatewayServer) {
        const QHostAddress &g = m_settings.gatewayHost;
        const QString gatewayHost = g.protocol() == QAbstractSocket::IPv6Protocol
                                        ? QLatin1Char('[') + g.toString() + QLatin1Char(']')
                                        : g.toString();
        ready.insert(QStringLiteral("gatewayUrl"),
                     QStringLiteral("%1://%2:%3")
                         .arg(m_settings.tls ? QStringLiteral("https") : QStringLiteral("http"), gatewayHost)
                         .arg(p.gatewayServer->port()));
    }
    const QByteArray line = QJsonDocument(ready).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
    qCInfo(lcBackend).noquote() << "serving" << ready.value(QStringLiteral("url")).toString() << "with"
                                << p.server->threadCount() << "thread(s); data in" << dataDir;
}

void Backend::reloadTls()
{
    if (!m_settings.tls)
        return;
    QString error;
    if (m_settings.tls->reload(&error))
        qCInfo(lcBackend).noquote() << "reloaded the TLS certificate for new connections:"
                                    << Http::describeCertificate(m_settings.tls->certificate());
    else
        qCWarning(lcBackend).noquote() << "SIGHUP: kept the current TLS certificate:" << error;
}

// How other nodes and the console reach this node: --advertise, or the address it listens on.
QString Backend::advertiseUrl() const
{
    if (!m_settings.advertiseUrl.isEmpty())
        return m_settings.advertiseUrl;
    const QString host = m_settings.host.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + m_settings.host.toString() + QLatin1Char(']')
                             : m_settings.host.toString();
    return QStringLiteral("%1://%2:%3")
        .arg(m_settings.tls ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(port());
}

QCoro::Task<void> Backend::stop()
{
    Parts &p = *m_parts;
    if (p.fanout)
        p.fanout->stop();
    if (p.system && p.database.isOpen()) {
        const QString draining = QStringLiteral("draining"); // named (GCC 12: no temporaries in a co_await)
        co_await p.system->membership().setState(draining);
    }
    if (p.gatewayServer) {
        // Named first: GCC 12 destroys a temporary of a co_await expression twice.
        QCoro::Task<bool> closing =
            p.gatewayServer->shutdown(std::chrono::milliseconds(m_settings.shutdownTimeoutMs));
        if (!co_await closing)
            qCWarning(lcBackend) << "the gateway's shutdown deadline passed with connections still open";
    }
    if (p.server) {
        qCInfo(lcBackend) << "draining connections";
        const bool clean =
            co_await p.server->shutdown(std::chrono::milliseconds(m_settings.shutdownTimeoutMs));
        if (!clean)
            qCWarning(lcBackend) << "the shutdown deadline passed with connections still open; closed them";
    }
    if (p.events && p.system && p.database.isOpen()) {
        QFuture<Result<QList<qint64>>> stopping =
            publishLifecycle(p.events, QStringLiteral("system.node.stopped"),
                             QJsonObject{{QStringLiteral("nodeId"), p.system->nodeId()}});
        co_await stopping;
    }
    if (p.buildWorker)
        p.buildWorker->stop(); // running builds are killed; their leases expire and requeue them
    co_await p.services.stopAll();
    co_await p.database.close();
    qCInfo(lcBackend) << "stopped";
}

} // namespace Meshdeck
