#pragma once

#include "appsettings.h"
#include "backendconnection.h"
#include "navigationmodel.h"
#include "session.h"

#include "api/httpapiclient.h"
#include "clusters/clustermembersmodel.h"
#include "clusters/clustersummarymodel.h"
#include "clusters/profilesmodel.h"
#include "deployments/deploymentscontroller.h"
#include "desktopnotifier.h"
#include "events/eventscontroller.h"
#include "gateway/gatewaycontroller.h"
#include "localstack/localstack.h"
#include "registry/registrycontroller.h"

#include <QObject>
#include <QQmlEngine>
#include <QTranslator>

#include "api/realtimeclient.h"

#include <memory>

namespace Meshdeck::Console {

// Everything the QML pages reach: settings, the local stack, the attached backend, navigation.
// main() (or a test) builds it and hands it to QML as the Console singleton.
class Console : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Meshdeck::Console::AppSettings *settings READ settings CONSTANT)
    Q_PROPERTY(Meshdeck::Console::LocalStack *localStack READ localStack CONSTANT)
    Q_PROPERTY(Meshdeck::Console::BackendConnection *connection READ connection CONSTANT)
    Q_PROPERTY(Meshdeck::Console::NavigationModel *navigation READ navigation CONSTANT)
    Q_PROPERTY(Meshdeck::Console::EventsController *events READ events CONSTANT)
    Q_PROPERTY(Meshdeck::Console::RegistryController *registry READ registry CONSTANT)
    Q_PROPERTY(Meshdeck::Console::GatewayController *gateway READ gateway CONSTANT)
    Q_PROPERTY(Meshdeck::Console::DeploymentsController *deployments READ deployments CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ProfilesModel *profiles READ profiles CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ClusterMembersModel *clusterMembers READ clusterMembers CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ClusterSummaryModel *clusterSummary READ clusterSummary CONSTANT)
    // Who the console acts as (role, name, can(permission)) and the sign-in of password profiles.
    Q_PROPERTY(Meshdeck::Console::Session *session READ session CONSTANT)
    Q_PROPERTY(bool localMode READ isLocalMode NOTIFY targetChanged)
    // What the console is attached to: "local", "attach" (--attach) or a profile id; its name and
    // colour are on screen on every page.
    Q_PROPERTY(QString target READ target NOTIFY targetChanged)
    Q_PROPERTY(QString targetName READ targetName NOTIFY targetChanged)
    Q_PROPERTY(QString targetColour READ targetColour NOTIFY targetChanged)
    // Why the chosen profile could not be attached before any request (its credential, say).
    Q_PROPERTY(QString attachError READ attachError NOTIFY targetChanged)
    Q_PROPERTY(QString version READ version CONSTANT)
public:
    struct Options {
        QString backendProgram; // empty: beside the console
        QString dataDir;        // the local stack's data directory
        QUrl attachUrl;         // set: attach to a running backend instead of starting one
        QByteArray attachToken;
        SecretStore *secrets = nullptr; // null: the OS keychain
        QString profilesFile;           // empty: the application's QSettings
        int summaryIntervalMs = 30'000; // the all-profiles summary's background refresh
        QString startProfile;           // set: attach to the profile with this name at start-up
        BackendConnection::Settings connection;
    };

    Console(Options options, ApiClient *api, QObject *parent = nullptr);
    ~Console() override;

    static void setInstance(Console *console);
    static Console *instance();
    static Console *create(QQmlEngine *engine, QJSEngine *);

    AppSettings *settings() { return &m_settings; }
    LocalStack *localStack() { return m_localStack.get(); }
    BackendConnection *connection() { return m_connection.get(); }
    NavigationModel *navigation() { return &m_navigation; }
    EventsController *events() { return m_events.get(); }
    RegistryController *registry() { return m_registry.get(); }
    GatewayController *gateway() { return m_gateway.get(); }
    DeploymentsController *deployments() { return m_deployments.get(); }
    DesktopNotifier *notifier() { return &m_notifier; }
    RealtimeClient *realtime() { return m_realtime.get(); }
    ProfilesModel *profiles() { return m_profiles.get(); }
    ClusterMembersModel *clusterMembers() { return m_clusterMembers.get(); }
    ClusterSummaryModel *clusterSummary() { return m_clusterSummary.get(); }
    Session *session() { return m_session.get(); }
    bool isLocalMode() const { return m_target == QLatin1String("local"); }
    QString target() const { return m_target; }
    QString targetName() const;
    QString targetColour() const;
    QString attachError() const { return m_attachError; }

    // The switcher: the local stack (started when it is not running) or a cluster profile.
    Q_INVOKABLE void attachLocal();
    Q_INVOKABLE void attachProfile(const QString &id);
    // The person trusts the certificate the attached node offered: pin it and connect again.
    Q_INVOKABLE void trustOfferedCertificate();
    QString version() const;

    // Starts the local stack (local mode) or attaches to the given backend.
    void startUp();
    // Loads the translation for the chosen language (or the system's) and retranslates QML.
    void applyLanguage(QQmlEngine *engine);
    QString effectiveLanguage() const;

    // The window's standard keys (Ctrl+F, F5) are asked of the page on screen through these: a
    // page's own Shortcut would stay alive, and ambiguous, while the Loader replaces the page.
    Q_INVOKABLE void requestFind() { Q_EMIT findRequested(); }
    Q_INVOKABLE void requestRefresh() { Q_EMIT refreshRequested(); }

Q_SIGNALS:
    void targetChanged();
    void findRequested();
    void refreshRequested();

private:
    QCoro::Task<void> attachProfileAsync(QString id);
    void useAccessToken(const QByteArray &token);
    void setTarget(const QString &target, const QString &error = {});

    Options m_options;
    std::unique_ptr<SecretStore> m_ownedSecrets;
    std::unique_ptr<ProfilesModel> m_profiles;
    std::unique_ptr<RealtimeClient> m_realtime; // before the models that follow its channels
    std::unique_ptr<ClusterMembersModel> m_clusterMembers;
    HttpApiClient m_summaryApi; // its own client: the summary asks other clusters than the attached one
    std::unique_ptr<ClusterSummaryModel> m_clusterSummary;
    QString m_target;
    QString m_attachError;
    quint64 m_attachGeneration = 0;
    AppSettings m_settings;
    NavigationModel m_navigation;
    std::unique_ptr<LocalStack> m_localStack;
    std::unique_ptr<BackendConnection> m_connection;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<EventsController> m_events;
    std::unique_ptr<RegistryController> m_registry;
    std::unique_ptr<GatewayController> m_gateway;
    std::unique_ptr<DeploymentsController> m_deployments;
    DesktopNotifier m_notifier;
    std::unique_ptr<QTranslator> m_translator;
};

} // namespace Meshdeck::Console
