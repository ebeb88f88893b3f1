#include "backend.h"

#include "admintoken.h"

#include "http/dispatcher.h"
#include "http/httpserver.h"
#include "http/tlscredentials.h"
#include "platform/service.h"
#include "services/events/eventschannel.h"
#include "services/events/eventsroutes.h"
#include "services/events/eventsschema.h"
#include "services/events/eventsservice.h"
#include "services/events/webhooksroutes.h"
#include "services/realtime/realtimeroutes.h"
#include "services/realtime/realtimeservice.h"
#include "services/registry/registryroutes.h"
#include "services/registry/registryservice.h"
#include "services/registry/registrystore.h"
#include "services/system/systemroutes.h"
#include "services/system/systemservice.h"
#include "services/system/systemstore.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdio>

Q_LOGGING_CATEGORY(lcBackend, "meshdeck.backend")

namespace Meshdeck {

struct Backend::Parts {
    Http::HttpMetrics metrics;
    Storage::Database database;
    // Before the services: the events service's destructor lets queued database work finish, and
    // some of it reaches this channel.
    std::unique_ptr<Events::EventsChannel> eventsChannel;
    ServiceHost services;
    std::unique_ptr<Http::Router> router;
    std::unique_ptr<AdminTokenAuthenticator> authenticator;
    std::unique_ptr<Http::Dispatcher> dispatcher;
    std::unique_ptr<Http::HttpServer> server;
    System::SystemService *system = nullptr;
    Events::EventsService *events = nullptr;
    Realtime::RealtimeService *realtime = nullptr;
    Registry::RegistryService *registry = nullptr;
};

namespace {
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
    m_parts->server.reset();
}

quint16 Backend::port() const
{
    return m_parts->server ? m_parts->server->port() : 0;
}

QCoro::Task<int> Backend::start()
{
    const QString dataDir = QDir(m_settings.dataDir).absolutePath();
    QString error;
    const auto token = prepareDataDir(dataDir, &error);
    if (!token) {
        qCCritical(lcBackend).noquote() << error;
        co_return ExitStartupFailed;
    }
    const auto secrets =
        SecretBox::fromKeyFile(QDir(dataDir).absoluteFilePath(QStringLiteral("secret.key")), &error);
    if (!secrets) {
        qCCritical(lcBackend).noquote() << error;
        co_return ExitStartupFailed;
    }
    makeServices(dataDir, *secrets);
    if (const int code = co_await openDatabase(dataDir); code != ExitOk)
        co_return code;
    installRoutes(token->token);
    if (!co_await startServices())
        co_return ExitStartupFailed;
    if (!serve())
        co_return ExitStartupFailed;
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
    return ensureAdminToken(dataDir, error);
}

// Every service, in start order, and how they reach each other.
void Backend::makeServices(const QString &dataDir, const SecretBox &secrets)
{
    Parts &p = *m_parts;
    auto system = std::make_unique<System::SystemService>(
        System::SystemSettings{QStringLiteral(MESHDECK_VERSION), QStringLiteral("local"), dataDir},
        &p.database, [server = &p.server] { return *server && !(*server)->isDraining(); });
    p.system = system.get();
    p.services.add(std::move(system));
    Events::EventsSettings eventsSettings;
    eventsSettings.webhooks.retryBaseMs = m_settings.webhookRetryBaseMs;
    eventsSettings.webhooks.maxFailures = m_settings.webhookMaxFailures;
    eventsSettings.webhooks.allowPrivateTargets = m_settings.allowPrivateTargets;
    auto events = std::make_unique<Events::EventsService>(eventsSettings, &p.database, secrets);
    p.events = events.get();
    p.services.add(std::move(events));
    Realtime::RealtimeSettings realtimeSettings;
    realtimeSettings.allowedOrigins = m_settings.allowedOrigins;
    realtimeSettings.maxSessions = m_settings.maxRealtimeSessions;
    auto realtime = std::make_unique<Realtime::RealtimeService>(realtimeSettings);
    p.realtime = realtime.get();
    p.services.add(std::move(realtime));
    Registry::RegistrySettings registrySettings;
    registrySettings.deregisterCriticalAfterMs = m_settings.deregisterCriticalAfterMs;
    auto registry = std::make_unique<Registry::RegistryService>(registrySettings, &p.database, p.events);
    p.registry = registry.get();
    p.services.add(std::move(registry));
    p.realtime->addProvider(&p.registry->channel());
    // events.<topic> on the realtime endpoint, fed by every durable commit.
    p.eventsChannel = std::make_unique<Events::EventsChannel>(&p.database);
    p.realtime->addProvider(p.eventsChannel.get());
    p.events->addCommitListener(
        [channel = p.eventsChannel.get()](const QList<Events::StoredEventPtr> &committed) {
            channel->onCommitted(committed);
        });
}

// Opens the database with every service's schema; answers ExitOk or the code to leave with.
QCoro::Task<int> Backend::openDatabase(QString dataDir)
{
    Parts &p = *m_parts;
    const QString dbPath = QDir(dataDir).absoluteFilePath(QStringLiteral("meshdeck.db"));
    const std::vector<Storage::ComponentSchema> schemas{
        {QStringLiteral("system"), System::SystemStore::migrations()},
        {QStringLiteral("events"), Events::schema()},
        {QStringLiteral("registry"), {Registry::RegistryStore::migration()}},
    };
    const auto opened = co_await p.database.open(dbPath, schemas);
    if (!opened.ok) {
        if (opened.newerThanCode) {
            qCCritical(lcBackend).noquote() << "refusing to open" << dbPath << "-" << opened.error
                                            << "- upgrade meshdeckd, or start with another --data-dir";
            co_return ExitDatabaseTooNew;
        }
        qCCritical(lcBackend).noquote() << "cannot open the database:" << opened.error;
        co_return ExitStartupFailed;
    }
    co_return ExitOk;
}

// Every service's routes, behind the admin token; mutating calls are audited.
void Backend::installRoutes(const QByteArray &adminToken)
{
    Parts &p = *m_parts;
    p.router = std::make_unique<Http::Router>(&p.metrics);
    System::SystemRoutes::install(*p.router, p.system, &p.metrics);
    Events::EventsRoutes::install(*p.router, p.events);
    Events::WebhooksRoutes::install(*p.router, p.events);
    Realtime::RealtimeRoutes::install(*p.router, p.realtime);
    Registry::RegistryRoutes::install(*p.router, p.registry);
    p.authenticator = std::make_unique<AdminTokenAuthenticator>(adminToken);
    p.dispatcher = std::make_unique<Http::Dispatcher>(*p.router, p.authenticator.get(), &p.metrics);
    p.dispatcher->setAuditSink(p.events);
    p.realtime->setTokenCheck(Realtime::RealtimeRoutes::tokenCheck(p.authenticator.get()));
}

// Starts the services in order and records the node's start on the system topic.
QCoro::Task<bool> Backend::startServices()
{
    Parts &p = *m_parts;
    const QString error = co_await p.services.startAll();
    if (!error.isEmpty()) {
        qCCritical(lcBackend).noquote() << error;
        co_return false;
    }

    QFuture<Result<QList<qint64>>> started =
        publishLifecycle(p.events, QStringLiteral("system.node.started"),
                         QJsonObject{{QStringLiteral("nodeId"), p.system->nodeId()},
                                     {QStringLiteral("version"), QStringLiteral(MESHDECK_VERSION)},
                                     {QStringLiteral("mode"), QStringLiteral("local")},
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
    p.registry->registerBuiltins(p.services.names(), selfAddress, p.server->port(), p.system->nodeId(),
                                 QStringLiteral(MESHDECK_VERSION), m_settings.tls != nullptr);
    if (m_settings.tls)
        qCInfo(lcBackend).noquote() << "TLS certificate:"
                                    << Http::describeCertificate(m_settings.tls->certificate());
    else if (!m_settings.host.isLoopback())
        qCWarning(lcBackend) << "serving on a non-loopback address without TLS";
    return true;
}

// The one machine-readable line on stdout that tells the console (or a script) where we serve.
void Backend::printReadyLine(const QString &dataDir, const QString &adminTokenFile)
{
    Parts &p = *m_parts;
    const QString host = m_settings.host.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + m_settings.host.toString() + QLatin1Char(']')
                             : m_settings.host.toString();
    const QJsonObject ready{{QStringLiteral("ready"), true},
                            {QStringLiteral("url"),
                             QStringLiteral("%1://%2:%3")
                                 .arg(m_settings.tls ? QStringLiteral("https") : QStringLiteral("http"), host)
                                 .arg(p.server->port())},
                            {QStringLiteral("adminTokenFile"), adminTokenFile}};
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

QCoro::Task<void> Backend::stop()
{
    Parts &p = *m_parts;
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
    co_await p.services.stopAll();
    co_await p.database.close();
    qCInfo(lcBackend) << "stopped";
}

} // namespace Meshdeck
