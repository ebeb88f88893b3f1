#include "quicktesting.h"
#include "testing.h"

#include "api/fakeapiclient.h"
#include "api/httpapiclient.h"
#include "clusters/secretstore.h"
#include "shell/console.h"

#include <QAccessible>
#include <QApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {
// Every accessible name on screen.
void collectNames(QAccessibleInterface *iface, QStringList &out, int depth = 0)
{
    if (!iface || !iface->isValid() || iface->state().invisible || depth > 200)
        return;
    const QString name = iface->text(QAccessible::Name);
    if (!name.isEmpty())
        out << name;
    for (int i = 0; i < iface->childCount(); ++i)
        collectNames(iface->child(i), out, depth + 1);
}

// How many colours the window's pixels under an item have: a label with text drawn has several, an
// empty or missing one has the background's only.
int coloursUnder(const QImage &image, const QQuickItem *item)
{
    if (!item || !item->isVisible() || item->width() < 1)
        return 0;
    const QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    const qreal dpr = image.devicePixelRatio();
    QSet<QRgb> colours;
    for (int y = int(r.top() * dpr); y < int(r.bottom() * dpr) && y < image.height(); ++y) {
        for (int x = int(r.left() * dpr); x < int(r.right() * dpr) && x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

// Everything the configuration actions of Services and Events are called, as a screen reader says it.
const QStringList kRegistryActions{QStringLiteral("Drain this instance"),
                                   QStringLiteral("Deregister this instance"), QStringLiteral("New weight"),
                                   QStringLiteral("Set the new weight")};
const QString kPublish = QStringLiteral("Publish test event");
const QString kReplay = QStringLiteral("Replay the offsets into the topic");
} // namespace

// The real console's QML with a profile that signs in with an email and a password: what each
// role is offered on Services and Events, and what happens when the session ends.
class TestSessionGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QAccessible::setActive(true);
        QQuickStyle::setStyle(QStringLiteral("Material"));
        QVERIFY(QDir().mkpath(QStringLiteral(MESHDECK_SCREENSHOT_DIR)));
    }

    void cleanup() { closeConsole(); }

private:
    // --- the console under test -------------------------------------------------------------

    void openConsole(ApiClient *api, const QUrl &url, const QString &email)
    {
        Console::Options options;
        options.secrets = &m_secrets;
        options.profilesFile = m_dir.filePath(QStringLiteral("profiles.ini"));
        m_console = std::make_unique<Console>(options, api);
        Console::setInstance(m_console.get());
        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        m_console->applyLanguage(m_engine.get());
        m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Meshdeck/App/Main.qml")));
        QVERIFY(!m_engine->rootObjects().isEmpty());
        m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
        QVERIFY(m_window);
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        // Test-mode settings outlive a run (~/.qttest): start from no profile, whatever a previous
        // run that stopped half-way left behind.
        const auto leftovers = m_console->profiles()->profiles();
        for (const auto &profile : leftovers)
            m_console->profiles()->remove(profile.id);
        QTRY_COMPARE(m_console->profiles()->rowCount(), 0);
        const QString problem =
            m_console->profiles()->save({{QStringLiteral("name"), QStringLiteral("Staging")},
                                         {QStringLiteral("urls"), url.toString()},
                                         {QStringLiteral("colour"), QStringLiteral("#7c3aed")},
                                         {QStringLiteral("credential"), QStringLiteral("password")},
                                         {QStringLiteral("email"), email}},
                                        QString());
        QCOMPARE(problem, QString());
        QTRY_COMPARE(m_console->profiles()->rowCount(), 1);
        m_profileId = m_console->profiles()->profiles().constFirst().id;
    }

    void closeConsole()
    {
        m_engine.reset();
        m_window = nullptr;
        Console::setInstance(nullptr);
        m_console.reset();
    }

    QQuickItem *find(const QString &name, int timeoutMs = 5000)
    {
        QQuickItem *item = nullptr;
        const bool found = QTest::qWaitFor(
            [&] { return (item = findByName(QAccessible::queryAccessibleInterface(m_window), name)); },
            timeoutMs);
        return found ? item : nullptr;
    }

    QStringList names() const
    {
        QStringList out;
        collectNames(QAccessible::queryAccessibleInterface(m_window), out);
        return out;
    }

    // The sign-in form: a popup, in the window's overlay.
    QObject *loginDialog() const { return m_window->findChild<QObject *>(QStringLiteral("loginDialog")); }

    QQuickItem *child(const char *objectName) const
    {
        return m_window->findChild<QQuickItem *>(QString::fromLatin1(objectName));
    }

    void click(const QString &name)
    {
        QQuickItem *item = find(name);
        QVERIFY2(item, qPrintable(name + QStringLiteral(" is not on screen: ") +
                                  names().join(QStringLiteral(" | "))));
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }

    // Replaces a text field's text by typing, as a person does.
    void type(const QString &name, const QString &text)
    {
        click(name);
        QQuickItem *item = find(name);
        QVERIFY2(item, qPrintable(name));
        QTRY_VERIFY(item->hasActiveFocus());
        QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(m_window, Qt::Key_Backspace);
        for (const QChar c : text)
            QTest::keyClick(m_window, c.toLatin1());
        QTRY_COMPARE(item->property("text").toString(), text);
    }

    // Through the sign-in form.
    void signIn(const QString &email, const QString &password)
    {
        QObject *dialog = loginDialog();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("opened").toBool());
        type(QStringLiteral("Email address"), email);
        type(QStringLiteral("Password"), password);
        click(QStringLiteral("Sign in"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_console->session()->loginRequired(), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_console->session()->isKnown(), 15'000);
        QTRY_VERIFY(!dialog->property("visible").toBool());
        QTRY_COMPARE(m_console->connection()->state(), BackendConnection::State::Connected);
    }

    QImage screenshot(const QString &name)
    {
        QImage image = m_window->grabWindow();
        const QString path = QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR)).absoluteFilePath(name);
        if (!image.save(path))
            qWarning("could not save %s", qPrintable(path));
        return image;
    }

    // Services with an instance selected: its actions are offered, or the reason instead.
    void checkServices(bool offered, const QString &shot)
    {
        m_console->navigation()->setCurrentPage(QStringLiteral("services"));
        QTRY_VERIFY_WITH_TIMEOUT(m_console->registry()->instances()->rowCount() > 0, 15'000);
        if (m_console->registry()->selectedInstance().isEmpty())
            m_console->registry()->selectInstance(
                m_console->registry()->instances()->valueAt(0, QStringLiteral("instanceId")).toString());
        QTRY_VERIFY(child("instanceDetail") && child("instanceDetail")->isVisible());
        // What the page shows of the instance is on screen either way.
        QVERIFY(find(QStringLiteral("Status history")));
        for (const QString &action : kRegistryActions)
            QCOMPARE(find(action, offered ? 5000 : 0) != nullptr, offered);
        QQuickItem *reason = child("registryWriteReason");
        QVERIFY(reason);
        QCOMPARE(reason->isVisible(), !offered);
        const QImage image = screenshot(shot);
        QVERIFY(!image.isNull());
        QQuickItem *identity = child("signedInAs");
        QVERIFY(identity && identity->isVisible());
        QVERIFY2(coloursUnder(image, identity) > 2, "the band shows who is signed in");
        if (!offered) {
            QVERIFY(reason->property("text").toString().contains(QStringLiteral("registry.write")));
            QVERIFY2(coloursUnder(image, reason) > 2, "the screenshot shows why the actions are missing");
        }
    }

    // Events with a topic selected: publish, replay and webhook tests are offered, or the reason.
    void checkEvents(bool offered, const QString &topic, const QString &webhookUrl, const QString &shot)
    {
        m_console->navigation()->setCurrentPage(QStringLiteral("events"));
        m_console->events()->selectTopic(topic);
        QTRY_COMPARE(m_console->events()->selectedTopic(), topic);
        QQuickItem *tools = find(QStringLiteral("Event tools"));
        QVERIFY(tools);
        tools->setProperty("currentIndex", 0);
        QCOMPARE(find(kPublish, offered ? 5000 : 0) != nullptr, offered);
        QCOMPARE(child("publishReason")->isVisible(), !offered);
        const QImage image = screenshot(shot);
        if (!offered)
            QVERIFY2(coloursUnder(image, child("publishReason")) > 2,
                     "the screenshot shows why publish is missing");
        tools->setProperty("currentIndex", 1);
        QVERIFY(find(QStringLiteral("Seek to the offset"))); // reading stays
        QCOMPARE(find(kReplay, offered ? 5000 : 0) != nullptr, offered);
        tools->setProperty("currentIndex", 3);
        QTRY_VERIFY_WITH_TIMEOUT(find(QStringLiteral("Show the deliveries to %1").arg(webhookUrl)), 15'000);
        QCOMPARE(find(QStringLiteral("Send a test event to %1").arg(webhookUrl), offered ? 5000 : 0) !=
                     nullptr,
                 offered);
        QCOMPARE(child("webhookTestReason")->isVisible(), !offered);
        tools->setProperty("currentIndex", 0);
    }

    QTemporaryDir m_dir;
    FakeSecretStore m_secrets;
    std::unique_ptr<Console> m_console;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
    QString m_profileId;

private Q_SLOTS:
    // The fake backend answers /v1/auth/me as an admin, then as support: the same page offers its
    // actions to the first and not to the second.
    void whatARoleMayNotDoIsNotOfferedOnTheFake()
    {
        FakeApiClient api;
        api.setReplyFromFile(QStringLiteral("/v1/system/info"),
                             testDataPath(QStringLiteral("system-info.json")));
        api.setReply(QStringLiteral("/healthz"), ApiReply{200, {}, {}});
        const auto ok = [](const char *json) {
            return ApiReply{200, QJsonDocument::fromJson(json), {}};
        };
        api.setReply(
            QStringLiteral("POST /v1/auth/sessions"),
            ok(R"({"accessToken":"a-1","refreshToken":"r-1","expiresIn":900,"tokenType":"Bearer"})"));
        api.setReply(QStringLiteral("DELETE /v1/auth/sessions/current"), ApiReply{204, {}, {}});
        api.setReply(QStringLiteral("/v1/events/topics"),
                     ok(R"({"topics":[{"name":"orders","events":1,"headOffset":1}]})"));
        api.setReply(QStringLiteral("/v1/events/topics/orders/groups"), ok(R"({"groups":[]})"));
        api.setReply(QStringLiteral("/v1/events/webhooks"),
                     ok("{\"webhooks\":[{\"id\":\"w1\",\"url\":\"https://hooks.example/in\",\"enabled\":true,"
                        "\"topics\":[\"orders\"]}]}"));
        api.setReply(
            QStringLiteral("/v1/registry/instances/i-1"),
            ok(R"({"id":"i-1","service":"web","address":"10.0.0.1","port":80,"weight":100,"status":"passing","history":[]})"));
        const char *admin = R"({"kind":"user","role":"admin","user":{"name":"Ada Admin"},"grants":{)"
                            R"("registry.read":"full","registry.write":"full","events.read":"full",)"
                            R"("events.write":"full","webhooks.read":"full","webhooks.write":"full"}})";
        const char *support = R"({"kind":"user","role":"support","user":{"name":"Sam Support"},"grants":{)"
                              R"("registry.read":"full","events.read":"full","webhooks.read":"full"}})";
        api.setReply(QStringLiteral("/v1/auth/me"), ok(admin));
        openConsole(&api, QUrl(QStringLiteral("http://fixture.invalid:7700")),
                    QStringLiteral("ada@example.test"));
        m_console->attachProfile(m_profileId);
        signIn(QStringLiteral("ada@example.test"), QStringLiteral("pw"));
        const auto snapshot = [this] {
            Q_EMIT m_console->realtime()->message(
                QStringLiteral("registry"),
                QJsonObject{
                    {QStringLiteral("type"), QStringLiteral("snapshot")},
                    {QStringLiteral("channel"), QStringLiteral("registry")},
                    {QStringLiteral("instances"),
                     QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("i-1")},
                                            {QStringLiteral("service"), QStringLiteral("web")},
                                            {QStringLiteral("address"), QStringLiteral("10.0.0.1")},
                                            {QStringLiteral("port"), 80},
                                            {QStringLiteral("weight"), 100},
                                            {QStringLiteral("status"), QStringLiteral("passing")}}}}});
        };
        snapshot();
        checkServices(true, QStringLiteral("services-admin-fake.png"));
        checkEvents(true, QStringLiteral("orders"), QStringLiteral("https://hooks.example/in"),
                    QStringLiteral("events-admin-fake.png"));

        click(QStringLiteral("Sign out of Staging"));
        QTRY_VERIFY(m_console->session()->loginRequired());
        api.setReply(QStringLiteral("/v1/auth/me"), ok(support));
        signIn(QStringLiteral("sam@example.test"), QStringLiteral("pw"));
        QCOMPARE(m_console->session()->role(), QStringLiteral("support"));
        checkServices(false, QStringLiteral("services-support-fake.png"));
        checkEvents(false, QStringLiteral("orders"), QStringLiteral("https://hooks.example/in"),
                    QStringLiteral("events-support-fake.png"));
    }

    // The real meshdeckd: an admin is offered the configuration actions, and after signing out and
    // in as support (a user the local stack's admin token created) none is offered on Services and
    // Events; a 403 that still happens is explained in the backend's words.
    void aSupportUserIsOfferedNoConfigurationOnServicesAndEvents()
    {
        BackendProcess backend;
        QVERIFY(backend.start({QStringLiteral("--allow-private-targets")}));
        QVERIFY(!createUser(backend, QStringLiteral("ada@example.test"), QStringLiteral("Ada Admin"),
                            QStringLiteral("admin"))
                     .isEmpty());
        QVERIFY(!createUser(backend, QStringLiteral("sam@example.test"), QStringLiteral("Sam Support"),
                            QStringLiteral("support"))
                     .isEmpty());
        QCOMPARE(apiCall(backend, "POST", "/v1/events/topics", R"({"name":"orders"})").status, 201);
        QCOMPARE(apiCall(backend, "POST", "/v1/events/topics/orders/events",
                         R"({"events":[{"type":"order.created","data":{"n":1}}]})")
                     .status,
                 201);
        const QString hook = QStringLiteral("http://127.0.0.1:9/hook");
        QCOMPARE(apiCall(backend, "POST", "/v1/events/webhooks",
                         QJsonDocument(
                             QJsonObject{{QStringLiteral("url"), hook},
                                         {QStringLiteral("topics"), QJsonArray{QStringLiteral("orders")}}})
                             .toJson(QJsonDocument::Compact))
                     .status,
                 201);

        HttpApiClient api;
        openConsole(&api, backend.url(), QStringLiteral("ada@example.test"));
        m_console->attachProfile(m_profileId);
        signIn(QStringLiteral("ada@example.test"), kPassword);
        QCOMPARE(m_console->session()->role(), QStringLiteral("admin"));
        checkServices(true, QStringLiteral("services-admin.png"));
        checkEvents(true, QStringLiteral("orders"), hook, QStringLiteral("events-admin.png"));

        click(QStringLiteral("Sign out of Staging"));
        QTRY_VERIFY_WITH_TIMEOUT(m_console->session()->loginRequired(), 10'000);
        QVERIFY(m_console->session()->loginReason().contains(QStringLiteral("signed out")));
        QVERIFY(m_secrets.secrets().isEmpty());
        signIn(QStringLiteral("sam@example.test"), kPassword);
        QCOMPARE(m_console->session()->role(), QStringLiteral("support"));
        QVERIFY(m_secrets.secrets().contains(QStringLiteral("profile/") + m_profileId));
        checkServices(false, QStringLiteral("services-support.png"));
        checkEvents(false, QStringLiteral("orders"), hook, QStringLiteral("events-support.png"));

        QSignalSpy finished(m_console->registry(), &RegistryController::actionFinished);
        m_console->registry()->drain(m_console->registry()->selectedInstance(), 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10'000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(finished.at(0).at(1).toString().contains(QStringLiteral("registry.write")),
                 qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(!m_console->session()->loginRequired());
    }

    // The real meshdeckd ends the session (an admin ends the user's sessions): the sign-in form
    // comes back with the reason over the same page, and signing in again returns to it with the
    // same selection.
    void anEndedSessionReturnsToTheSignInFormAndThenToTheSamePage()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        const QString userId = createUser(backend, QStringLiteral("sam@example.test"),
                                          QStringLiteral("Sam Support"), QStringLiteral("support"));
        QVERIFY(!userId.isEmpty());

        HttpApiClient api;
        openConsole(&api, backend.url(), QStringLiteral("sam@example.test"));
        m_console->attachProfile(m_profileId);
        signIn(QStringLiteral("sam@example.test"), kPassword);
        checkServices(false, QStringLiteral("services-before-revoke.png"));
        const QString selected = m_console->registry()->selectedInstance();
        QVERIFY(!selected.isEmpty());

        QCOMPARE(apiCall(backend, "DELETE", "/v1/auth/users/" + userId.toUtf8() + "/sessions").status, 204);
        // The realtime channel is told at once; F5 asks the backend too, whichever comes first.
        if (!QTest::qWaitFor([this] { return m_console->session()->loginRequired(); }, 3000))
            QTest::keyClick(m_window, Qt::Key_F5);
        QTRY_VERIFY_WITH_TIMEOUT(m_console->session()->loginRequired(), 15'000);
        QObject *dialog = loginDialog();
        QTRY_VERIFY(dialog->property("visible").toBool());
        QQuickItem *reason = child("loginReason");
        QVERIFY2(reason->property("text").toString().contains(QStringLiteral("ended")),
                 qPrintable(reason->property("text").toString()));
        QTRY_VERIFY(dialog->property("opened").toBool());
        const QImage image = screenshot(QStringLiteral("session-ended.png"));
        QVERIFY2(coloursUnder(image, reason) > 2, "the screenshot shows why the session ended");
        QCOMPARE(m_console->navigation()->currentPage(), QStringLiteral("services"));
        QCOMPARE(m_console->registry()->selectedInstance(), selected);

        signIn(QStringLiteral("sam@example.test"), kPassword);
        QCOMPARE(m_console->navigation()->currentPage(), QStringLiteral("services"));
        QCOMPARE(m_console->registry()->selectedInstance(), selected);
        QTRY_VERIFY_WITH_TIMEOUT(child("instanceDetail")->isVisible(), 10'000);
        QCOMPARE(m_console->target(), m_profileId);
    }

private:
    static const inline QString kPassword = QStringLiteral("Correct-horse-battery-9");

    // Creates a user with the local stack's admin token; returns its id.
    static QString createUser(const BackendProcess &backend, const QString &email, const QString &name,
                              const QString &role)
    {
        const RawResponse r = apiCall(backend, "POST", "/v1/auth/users",
                                      QJsonDocument(QJsonObject{{QStringLiteral("email"), email},
                                                                {QStringLiteral("name"), name},
                                                                {QStringLiteral("password"), kPassword},
                                                                {QStringLiteral("role"), role}})
                                          .toJson(QJsonDocument::Compact));
        if (r.status != 201)
            qWarning("POST /v1/auth/users: %d %s", r.status, r.body.constData());
        return QJsonDocument::fromJson(r.body).object().value(QStringLiteral("id")).toString();
    }
};

QTEST_MAIN(TestSessionGui)
#include "tst_session_gui.moc"
