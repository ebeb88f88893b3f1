#include "quicktesting.h"
#include "testing.h"

#include "api/httpapiclient.h"
#include "shell/console.h"

#include <QAccessible>
#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusReply>
#include <QDBusVariant>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {
const QString kProfileName = QStringLiteral("Keychain test");

} // namespace

// Profile credentials in a real Secret Service: gnome-keyring on a private D-Bus session bus,
// unlocked with a test password. A profile is created through the console's own dialog; the
// console is then started again as the real executable and attaches with the credential it reads
// back from the keychain.
class TestKeychainGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // A missing tool fails: this test never passes by skipping.
        for (const auto &[tool, package] :
             {std::pair{"dbus-daemon", "dbus-daemon"}, std::pair{"gnome-keyring-daemon", "gnome-keyring"},
              std::pair{"secret-tool", "libsecret-tools"}}) {
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
                QFAIL(qPrintable(QStringLiteral("%1 is missing: install the Debian package %2 "
                                                "(installer/setup-deps.sh)")
                                     .arg(QString::fromLatin1(tool), QString::fromLatin1(package))));
        }
        QVERIFY(m_home.isValid());
        QDir(m_home.path()).mkpath(QStringLiteral("config/Meshdeck"));
        QDir(m_home.path()).mkpath(QStringLiteral("data"));

        m_bus.setProgram(QStringLiteral("dbus-daemon"));
        m_bus.setArguments(
            {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
        m_bus.start();
        QVERIFY(m_bus.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT((m_address += m_bus.readAllStandardOutput()).contains('\n'), 10'000);
        m_address = m_address.trimmed();
        // Everything in this process (QtKeychain through libsecret) and its children use this bus.
        qputenv("DBUS_SESSION_BUS_ADDRESS", m_address);

        m_keyring.setProcessEnvironment(environment());
        m_keyring.setProgram(QStringLiteral("gnome-keyring-daemon"));
        m_keyring.setArguments({QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                                QStringLiteral("--components=secrets")});
        m_keyring.start();
        QVERIFY(m_keyring.waitForStarted());
        m_keyring.write("test-password");
        m_keyring.closeWriteChannel();
        QDBusConnection bus =
            QDBusConnection::connectToBus(QString::fromLatin1(m_address), QStringLiteral("probe"));
        QVERIFY(bus.isConnected());
        QTRY_VERIFY_WITH_TIMEOUT(
            bus.interface()->isServiceRegistered(QStringLiteral("org.freedesktop.secrets")), 10'000);
        // The daemon names itself on the bus before it has read the password and made the login
        // collection; a write before then asks a prompter that is not there to create one, and
        // waits. Ready means: the default alias names a collection, and it is unlocked.
        QTRY_VERIFY_WITH_TIMEOUT(defaultCollectionUnlocked(bus), 30'000);
    }

    void cleanupTestCase()
    {
        for (QProcess *p : {&m_keyring, &m_bus}) {
            if (p->state() != QProcess::NotRunning) {
                p->terminate();
                if (!p->waitForFinished(5000))
                    p->kill();
                p->waitForFinished();
            }
        }
    }

    void aProfileCreatedInTheConsoleIsReadBackFromTheKeychainAfterARestart()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        QCOMPARE(apiCall(backend, "POST", "/v1/events/topics", "{\"name\":\"keychain-orders\"}").status, 201);
        const QString settingsFile = m_home.filePath(QStringLiteral("config/Meshdeck/meshdeck.conf"));

        // 1. Through the console's dialog, as a person does it.
        QString id;
        {
            QAccessible::setActive(true);
            QQuickStyle::setStyle(QStringLiteral("Material"));
            HttpApiClient api;
            Console::Options options;
            options.attachUrl = backend.url();
            options.attachToken = backend.token();
            options.profilesFile = settingsFile; // where the real console's QSettings are, below
            Console console(options, &api);
            Console::setInstance(&console);
            QQmlApplicationEngine engine;
            engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
            engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Meshdeck/App/Main.qml")));
            QVERIFY(!engine.rootObjects().isEmpty());
            m_window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
            QVERIFY(QTest::qWaitForWindowExposed(m_window));

            click(QStringLiteral("Manage cluster profiles"));
            type(QStringLiteral("Profile name"), kProfileName);
            type(QStringLiteral("Node URLs, one a line"), backend.url().toString());
            type(QStringLiteral("Credential"), QString::fromLatin1(backend.token()));
            click(QStringLiteral("Save the profile"));
            QTRY_VERIFY_WITH_TIMEOUT(
                console.profiles()->rowCount() == 1 || !console.profiles()->error().isEmpty(), 30'000);
            QCOMPARE(console.profiles()->error(), QString());
            QCOMPARE(console.profiles()->rowCount(), 1);
            id = console.profiles()->profiles().constFirst().id;
            QCOMPARE(console.profiles()->profiles().constFirst().name, kProfileName);
            Console::setInstance(nullptr);
            m_window = nullptr;
        }

        // The settings file has the profile and not the credential.
        QFile settings(settingsFile);
        QVERIFY(settings.open(QIODevice::ReadOnly));
        const QByteArray text = settings.readAll();
        QVERIFY2(text.contains(kProfileName.toUtf8()), text.constData());
        QVERIFY2(!text.contains(backend.token()), "the credential is in the settings file");

        // The keyring has it, as another Secret Service client sees it.
        QProcess lookup;
        lookup.setProcessEnvironment(environment());
        lookup.start(QStringLiteral("secret-tool"),
                     {QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("user"),
                      QStringLiteral("profile/") + id});
        QVERIFY(lookup.waitForFinished(10'000));
        const QByteArray found = lookup.readAllStandardOutput() + lookup.readAllStandardError();
        QVERIFY2(found.contains("attribute.server = meshdeck"), found.constData());
        QVERIFY2(found.contains("secret = " + backend.token()) ||
                     found.contains("secret = " + backend.token().toBase64()),
                 found.constData());

        // 2. The real console, started again: it attaches with the credential from the keychain
        // (the topic list needs a valid token, so seeing the topic proves the right one came back).
        const QString shot = QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR))
                                 .absoluteFilePath(QStringLiteral("cluster-profile.png"));
        QVERIFY(QDir().mkpath(QStringLiteral(MESHDECK_SCREENSHOT_DIR)));
        QProcess console;
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        console.setProcessEnvironment(env);
        console.start(binary(QStringLiteral("meshdeck")),
                      {QStringLiteral("--cluster"), kProfileName, QStringLiteral("--page"),
                       QStringLiteral("events"), QStringLiteral("--events-topic"),
                       QStringLiteral("keychain-orders"), QStringLiteral("--screenshot"), shot,
                       QStringLiteral("--probe-wait-text"), QStringLiteral("keychain-orders"),
                       QStringLiteral("--probe-timeout-ms"), QStringLiteral("30000")});
        QVERIFY(console.waitForStarted());
        QVERIFY2(console.waitForFinished(60'000), "the console did not finish");
        const QByteArray errors = console.readAllStandardError();
        const QByteArray output = console.readAllStandardOutput();
        QVERIFY2(console.exitCode() == 0, (errors + output).constData());
        const QJsonObject report = QJsonDocument::fromJson(output.trimmed().split('\n').constLast()).object();
        QStringList texts;
        for (const QJsonValue &v : report.value(QStringLiteral("visibleTexts")).toArray())
            texts << v.toString();
        QVERIFY2(texts.contains(kProfileName), qPrintable(texts.join(QStringLiteral(" | ")))); // the band
        QVERIFY(texts.contains(QStringLiteral("keychain-orders")));
        QVERIFY(QFile::exists(shot));
    }

private:
    static bool defaultCollectionUnlocked(QDBusConnection &bus)
    {
        const QString service = QStringLiteral("org.freedesktop.secrets");
        QDBusMessage call = QDBusMessage::createMethodCall(
            service, QStringLiteral("/org/freedesktop/secrets"),
            QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("ReadAlias"));
        call << QStringLiteral("default");
        const QDBusReply<QDBusObjectPath> alias = bus.call(call);
        if (!alias.isValid() || alias.value().path() == QStringLiteral("/"))
            return false;
        QDBusMessage get = QDBusMessage::createMethodCall(service, alias.value().path(),
                                                          QStringLiteral("org.freedesktop.DBus.Properties"),
                                                          QStringLiteral("Get"));
        get << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
        const QDBusReply<QDBusVariant> locked = bus.call(get);
        return locked.isValid() && !locked.value().variant().toBool();
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QString::fromLatin1(m_address));
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        return env;
    }

    QQuickItem *find(const QString &name)
    {
        QQuickItem *item = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (item = findByName(QAccessible::queryAccessibleInterface(m_window), name)); }))
            return nullptr;
        return item;
    }

    void click(const QString &name)
    {
        QQuickItem *item = find(name);
        QVERIFY2(item, qPrintable(name));
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }

    void type(const QString &name, const QString &text)
    {
        click(name);
        QQuickItem *item = find(name);
        QVERIFY2(item, qPrintable(name));
        QTRY_VERIFY(item->hasActiveFocus());
        for (const QChar c : text)
            QTest::keyClick(m_window, c.toLatin1());
        QTRY_COMPARE(item->property("text").toString(), text);
    }

    QTemporaryDir m_home;
    QProcess m_bus;
    QProcess m_keyring;
    QByteArray m_address;
    QQuickWindow *m_window = nullptr;
};

QTEST_MAIN(TestKeychainGui)
#include "tst_keychain_gui.moc"
