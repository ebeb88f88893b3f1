#pragma once

// The console attached to a running meshdeckd with its admin token, in its real window, started
// as the app starts it: what the GUI tests drive. Header-only, for the GUI tests (they link the
// console library); secrets stay in memory (FakeSecretStore), profiles in a temporary directory.

#include "testing.h"

#include "api/httpapiclient.h"
#include "clusters/secretstore.h"
#include "shell/console.h"

#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace Meshdeck::Testing {

class AttachedConsole
{
public:
    AttachedConsole() = default;
    AttachedConsole(const AttachedConsole &) = delete;
    AttachedConsole &operator=(const AttachedConsole &) = delete;
    ~AttachedConsole()
    {
        m_engine.reset(); // the window goes before the console it shows
        m_console.reset();
    }

    // Loads the main window (resized to `size` if given), shows it and waits until the console is
    // connected; false, with the test failed and the reason given, otherwise.
    bool start(const BackendProcess &backend, QSize size = {})
    {
        using ConsoleApp = Meshdeck::Console::Console;
        ConsoleApp::Options options;
        options.attachUrl = backend.url();
        options.attachToken = backend.token();
        options.secrets = &m_secrets;
        options.profilesFile = m_dir.filePath(QStringLiteral("profiles.ini"));
        m_console = std::make_unique<ConsoleApp>(options, &m_api);
        ConsoleApp::setInstance(m_console.get());
        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        m_console->applyLanguage(m_engine.get());
        m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Meshdeck/App/Main.qml")));
        if (!m_engine->rootObjects().isEmpty())
            m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
        if (!m_window)
            return fail("the console's main window did not load");
        if (size.isValid())
            m_window->resize(size);
        if (!QTest::qWaitForWindowExposed(m_window))
            return fail("the console's window was not shown");
        m_console->startUp();
        if (!QTest::qWaitFor(
                [this] {
                    return m_console->connection()->state() ==
                           Meshdeck::Console::BackendConnection::State::Connected;
                },
                15'000))
            return fail("the console did not connect to meshdeckd within 15 s");
        return true;
    }

    Meshdeck::Console::Console &console() { return *m_console; }
    QQuickWindow *window() const { return m_window; }

private:
    static bool fail(const char *why)
    {
        QTest::qFail(why, __FILE__, __LINE__);
        return false;
    }

    Meshdeck::Console::HttpApiClient m_api;
    Meshdeck::Console::FakeSecretStore m_secrets;
    QTemporaryDir m_dir;
    std::unique_ptr<Meshdeck::Console::Console> m_console;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

} // namespace Meshdeck::Testing
