#include "console.h"

#include <QCoreApplication>
#include <QLocale>
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
    m_connection = std::make_unique<BackendConnection>(api, m_options.connection);
    m_realtime = std::make_unique<RealtimeClient>();
    m_events = std::make_unique<EventsController>(api, m_realtime.get());
    m_registry = std::make_unique<RegistryController>(api, m_realtime.get());
    m_notifier.setPolicy(m_settings.notifications());
    connect(&m_settings, &AppSettings::notificationsChanged, this,
            [this] { m_notifier.setPolicy(m_settings.notifications()); });
    connect(m_registry.get(), &RegistryController::instanceWentCritical, &m_notifier,
            &DesktopNotifier::serviceCritical);
    // Live views share one realtime connection, opened once the backend answers.
    connect(m_connection.get(), &BackendConnection::stateChanged, this, [this, api] {
        if (m_connection->state() == BackendConnection::State::Connected) {
            m_realtime->setEndpoint(m_connection->url(), api->token());
            m_events->refreshTopics();
            m_registry->start();
        }
    });
    connect(m_localStack.get(), &LocalStack::ready, m_connection.get(), &BackendConnection::attach);
    connect(m_localStack.get(), &LocalStack::stopped, m_connection.get(), &BackendConnection::detach);
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
    if (isLocalMode())
        m_localStack->start();
    else
        m_connection->attach(m_options.attachUrl, m_options.attachToken);
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
    if (engine)
        engine->retranslate();
}

} // namespace Meshdeck::Console
