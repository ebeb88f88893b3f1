#include "testing.h"

#include "api/fakeapiclient.h"
#include "shell/console.h"

#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QStandardPaths>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;

// The production QML modules on the fake backend: canned system info, attached (not local) mode.
class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_api = std::make_unique<FakeApiClient>();
        m_api->setReplyFromFile(QStringLiteral("/v1/system/info"),
                                Meshdeck::Testing::testDataPath(QStringLiteral("system-info.json")));
        m_api->setReply(QStringLiteral("/healthz"), ApiReply{200, {}, {}});
        // One site, "docs", with a live deployment and a failed one (the Deployments page).
        for (const QString &path : {QStringLiteral("/v1/sites"), QStringLiteral("/v1/sites/s1/deployments"),
                                    QStringLiteral("/v1/sites/s1/variables"), QStringLiteral("/v1/builds")}) {
            const QString file = QStringLiteral("deployments/") +
                                 path.mid(4).replace(QLatin1Char('/'), QLatin1Char('-')) +
                                 QStringLiteral(".json");
            m_api->setReplyFromFile(path, Meshdeck::Testing::testDataPath(file));
        }
        m_api->setReplyFromFile(QStringLiteral("/v1/registry/services/build-worker/instances"),
                                Meshdeck::Testing::testDataPath(
                                    QStringLiteral("deployments/registry-build-worker-instances.json")));
        m_api->setReplyFromFile(QStringLiteral("/v1/sites/s1/deployments/d3/log?fromLine=1&limit=10000"),
                                Meshdeck::Testing::testDataPath(QStringLiteral("deployments/log-d3.json")));
        // A route whose CORS policy sets more than the route editor's fields (the editor test).
        m_api->setReplyFromFile(QStringLiteral("/v1/gateway/routes/r-web"),
                                Meshdeck::Testing::testDataPath(QStringLiteral("gateway/route-r-web.json")));
        Console::Options options;
        options.attachUrl = QUrl(QStringLiteral("http://fixture.invalid:7700"));
        options.attachToken = "fixture-token";
        m_console = std::make_unique<Console>(options, m_api.get());
        Console::setInstance(m_console.get());
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        m_console->applyLanguage(engine);
        m_console->startUp();
    }
    void cleanupTestCase()
    {
        Console::setInstance(nullptr);
        m_console.reset();
        m_api.reset();
    }

private:
    std::unique_ptr<FakeApiClient> m_api;
    std::unique_ptr<Console> m_console;
};

QUICK_TEST_MAIN_WITH_SETUP(meshdeck_qml, Setup)
#include "tst_qml.moc"
