#include "console.h"

#include <QCoreApplication>
#include <QLocale>
#include <QPointer>
#include <QStandardPaths>

namespace Meshdeck::Console {

namespace {
Console *s_instance = nullptr;
}

Console::Console(Options options, ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    LocalStack::Settings stack;
    stack.program =
        m_options.backendProgram.isEmpty() ? LocalStack::defaultProgram() : m_options.backendProgram;
    stack.dataDir = m_options.dataDir.isEmpty()
                        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                              QStringLiteral("/local-stack")
                        : m_options.dataDir;
    m_localStack = std::make_unique<LocalStack>(stack);
    m_target = m_options.attachUrl.isEmpty() ? QStringLiteral("local") : QStringLiteral("attach");
    SecretStore *secrets = m_options.secrets;
    if (!secrets) {
        m_ownedSecrets = std::make_unique<KeychainSecretStore>(QStringLiteral("meshdeck"));
        secrets = m_ownedSecrets.get();
    }
    m_profiles = std::make_unique<ProfilesModel>(secrets, m_options.profilesFile);
    m_realtime = std::make_unique<RealtimeClient>();
    m_clusterMembers = std::make_unique<ClusterMembersModel>(api, m_realtime.get());
    m_clusterSummary =
        std::make_unique<ClusterSummaryModel>(m_profiles.get(), &m_summaryApi, m_options.summaryIntervalMs);
    m_connection = std::make_unique<BackendConnection>(api, m_options.connection);
    m_session = std::make_unique<Session>(api, m_profiles.get());
    m_session->beginToken(m_options.attachUrl.isEmpty() ? Session::Credential::AdminToken
                                                        : Session::Credential::Unknown);
    connect(m_session.get(), &Session::accessTokenChanged, this, &Console::useAccessToken);
    connect(m_realtime.get(), &RealtimeClient::sessionEnded, m_session.get(), &Session::onSessionEnded);
    m_events = std::make_unique<EventsController>(api, m_realtime.get());
    m_registry = std::make_unique<RegistryController>(api, m_realtime.get());
    m_gateway = std::make_unique<GatewayController>(api, m_realtime.get());
    m_deployments = std::make_unique<DeploymentsController>(api, m_realtime.get());
    m_notifier.setPolicy(m_settings.notifications());
    connect(&m_settings, &AppSettings::notificationsChanged, this,
            [this] { m_notifier.setPolicy(m_settings.notifications()); });
    connect(m_registry.get(), &RegistryController::instanceWentCritical, &m_notifier,
            &DesktopNotifier::serviceCritical);
    connect(m_gateway.get(), &GatewayController::routeErrorRateHigh, &m_notifier,
            &DesktopNotifier::routeFailing);
    connect(m_deployments.get(), &DeploymentsController::buildFailed, &m_notifier,
            &DesktopNotifier::buildFailed);
    // Live views share one realtime connection, opened once the backend answers.
    connect(m_connection.get(), &BackendConnection::stateChanged, this, [this, api] {
        m_session->setAttached(m_connection->state() != BackendConnection::State::Detached);
        if (m_connection->state() == BackendConnection::State::Connected) {
            m_session->loadPrincipal();
            m_realtime->setEndpoint(m_connection->url(), api->token());
            m_events->refreshTopics();
            m_registry->start();
            m_gateway->start();
            m_deployments->start();
            if (isLocalMode())
                m_gateway->setGatewayUrl(m_localStack->gatewayUrl().toString());
            m_clusterMembers->start();
            m_clusterMembers->refresh(); // until the channel's snapshot arrives
        }
    });
    // The local stack drives the connection only while it is the chosen target.
    connect(m_localStack.get(), &LocalStack::ready, this, [this](const QUrl &url, const QByteArray &token) {
        if (isLocalMode())
            m_connection->attach(url, token);
    });
    connect(m_localStack.get(), &LocalStack::stopped, this, [this] {
        if (isLocalMode())
            m_connection->detach();
    });
    // A realtime socket that drops and does not come back: ask the node now, and fail over if it
    // is gone; the live views resubscribe from their offsets on the next node.
    connect(m_realtime.get(), &RealtimeClient::lost, m_connection.get(), &BackendConnection::checkNow);
    connect(m_profiles.get(), &ProfilesModel::profileChanged, this, [this](const QString &id) {
        if (id == m_target)
            Q_EMIT targetChanged();
    });
    connect(m_profiles.get(), &ProfilesModel::removed, this, [this](const QString &id) {
        if (id == m_target) {
            m_connection->detach();
            setTarget(QStringLiteral("local"));
            attachLocal();
        }
    });
}

Console::~Console()
{
    if (s_instance == this)
        s_instance = nullptr;
}

void Console::setInstance(Console *console)
{
    s_instance = console;
}

Console *Console::instance()
{
    return s_instance;
}

Console *Console::create(QQmlEngine *, QJSEngine *)
{
    Q_ASSERT_X(s_instance, "Console", "main() or the test setup must create the Console before QML uses it");
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

QString Console::version() const
{
    return QStringLiteral(MESHDECK_VERSION);
}

void Console::startUp()
{
    m_clusterSummary->refresh();
    if (!m_options.startProfile.isEmpty()) {
        const QList<ClusterProfile> profiles = m_profiles->profiles();
        const auto it = std::find_if(profiles.cbegin(), profiles.cend(), [this](const ClusterProfile &p) {
            return p.name.compare(m_options.startProfile, Qt::CaseInsensitive) == 0;
        });
        if (it != profiles.cend()) {
            attachProfile(it->id);
        } else {
            setTarget(QStringLiteral("local"),
                      tr("There is no cluster profile named \"%1\".").arg(m_options.startProfile));
        }
        return;
    }
    if (isLocalMode())
        m_localStack->start();
    else
        m_connection->attach(m_options.attachUrl, m_options.attachToken);
}

QString Console::targetName() const
{
    if (m_target == QLatin1String("local"))
        return tr("Local stack");
    if (m_target == QLatin1String("attach"))
        return m_options.attachUrl.host();
    const auto p = m_profiles->profile(m_target);
    return p ? p->name : QString();
}

QString Console::targetColour() const
{
    if (m_target == QLatin1String("local") || m_target == QLatin1String("attach"))
        return {};
    const auto p = m_profiles->profile(m_target);
    return p ? p->colour : QString();
}

void Console::setTarget(const QString &target, const QString &error)
{
    if (target != m_target) {
        // Another backend: nothing the live views hold belongs to it. The realtime socket goes
        // first, so no message of the old attachment reaches a view after it was cleared.
        m_realtime->detach();
        m_events->reset();
        m_registry->reset();
        m_gateway->reset();
        m_deployments->reset();
        m_clusterMembers->clear();
    }
    m_target = target;
    m_attachError = error;
    Q_EMIT targetChanged();
}

void Console::attachLocal()
{
    ++m_attachGeneration;
    if (!isLocalMode())
        m_connection->detach(); // the cluster's node is no longer watched while the stack starts
    setTarget(QStringLiteral("local"));
    m_session->beginToken(Session::Credential::AdminToken);
    if (m_localStack->state() == LocalStack::State::Running)
        m_connection->attach(m_localStack->url(), m_localStack->token());
    else
        m_localStack->start();
}

void Console::attachProfile(const QString &id)
{
    if (!m_profiles->profile(id))
        return;
    ++m_attachGeneration;
    m_connection->detach();
    setTarget(id);
    const auto profile = m_profiles->profile(id);
    if (profile->credential == ClusterProfile::Credential::Password) {
        // Signs in first (silently with the stored refresh token, or through the form); the
        // connection attaches with the access token that gives (useAccessToken).
        m_session->beginPassword(id, profile->email, profile->urls, profile->tlsPolicy());
        return;
    }
    m_session->beginToken(Session::Credential::Unknown);
    QCoro::connect(attachProfileAsync(id), this, [] {});
}

// The credential comes from the keychain, asynchronously: the window stays live meanwhile, and a
// later choice in the switcher wins over this one.
QCoro::Task<void> Console::attachProfileAsync(QString id)
{
    const quint64 generation = m_attachGeneration;
    QPointer<Console> self(this);
    const SecretResult secret = co_await m_profiles->secretFor(id);
    if (!self || generation != m_attachGeneration)
        co_return;
    const auto profile = m_profiles->profile(id);
    if (!profile)
        co_return;
    if (!secret.ok) {
        setTarget(id, tr("The credential of %1 could not be read: %2").arg(profile->name, secret.error));
        co_return;
    }
    m_session->beginToken(profile->credential == ClusterProfile::Credential::ApiKey
                              ? Session::Credential::ApiKey
                              : Session::Credential::AdminToken);
    m_realtime->setTlsPolicy(profile->tlsPolicy());
    m_connection->attachNodes(profile->urls, secret.secret, profile->tlsPolicy());
}

// A sign-in or a refresh of a password profile. The first one attaches; the later ones replace the
// token everywhere it is used, the open realtime connection included, and nothing else changes:
// the page, its selection and the live views' offsets stay.
void Console::useAccessToken(const QByteArray &token)
{
    const auto profile = m_profiles->profile(m_target);
    if (!profile)
        return;
    if (m_connection->state() == BackendConnection::State::Detached) {
        m_realtime->setTlsPolicy(profile->tlsPolicy());
        m_connection->attachNodes(profile->urls, token, profile->tlsPolicy());
        return;
    }
    m_connection->setToken(token);
    if (m_session->isKnown()) {
        m_realtime->setToken(token); // a refresh: sent on the live connection
    } else {
        // Signed in again: a new connection, so nothing still on its way for the ended session
        // (its session-ended, say) is read after this. The channels resume from their offsets.
        m_realtime->setEndpoint(m_connection->url(), token);
    }
    if (m_connection->state() == BackendConnection::State::Connected) {
        if (!m_session->isKnown()) {
            // Signed in again (perhaps as someone else): what failed while signed out is asked
            // again; the selection stays.
            m_session->loadPrincipal();
            m_events->refreshTopics();
            m_gateway->refresh();
            m_deployments->refresh();
            if (!m_registry->selectedInstance().isEmpty())
                m_registry->selectInstance(m_registry->selectedInstance());
        }
    } else {
        m_connection->retryNow();
    }
}

void Console::trustOfferedCertificate()
{
    const CertificateOffer offer = m_connection->pendingOffer();
    if (offer.isNull() || !m_profiles->profile(m_target))
        return;
    m_profiles->pinKey(m_target, offer.pin);
    attachProfile(m_target);
}

QString Console::effectiveLanguage() const
{
    if (!m_settings.language().isEmpty())
        return m_settings.language();
    const QString system = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
    return m_settings.availableLanguages().contains(system) ? system : QStringLiteral("en");
}

void Console::applyLanguage(QQmlEngine *engine)
{
    if (m_translator) {
        QCoreApplication::removeTranslator(m_translator.get());
        m_translator.reset();
    }
    const QString language = effectiveLanguage();
    auto translator = std::make_unique<QTranslator>();
    if (translator->load(QStringLiteral(":/i18n/meshdeck_%1.qm").arg(language))) {
        QCoreApplication::installTranslator(translator.get());
        m_translator = std::move(translator);
    }
    QLocale::setDefault(QLocale(language));
    m_navigation.retranslate();
    m_settings.retranslate();
    m_registry->statusChoices()->retranslate();
    m_gateway->rangeChoices()->retranslate();
    m_gateway->statusChoices()->retranslate();
    if (engine)
        engine->retranslate();
}

} // namespace Meshdeck::Console
