#include "attachedconsole.h"
#include "quicktesting.h"
#include "testing.h"

#include "api/httpapiclient.h"
#include "clusters/secretstore.h"
#include "shell/console.h"

#include <QAccessible>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTemporaryDir>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {
// The text of every item of the window, shown or hidden, and of every object under it: wherever
// the console could still hold something in a `text`.
QStringList everyText(QQuickWindow *window)
{
    QStringList out;
    QList<QObject *> objects{window};
    objects << window->findChildren<QObject *>();
    std::function<void(QQuickItem *)> walk = [&](QQuickItem *item) {
        objects << item;
        const auto children = item->childItems();
        for (QQuickItem *child : children)
            walk(child);
    };
    walk(window->contentItem()); // the root item: the pages and the popups' overlay
    for (QObject *object : std::as_const(objects)) {
        for (const char *property : {"text", "displayText", "title", "placeholderText"}) {
            const QVariant value = object->property(property);
            if (value.isValid() && !value.toString().isEmpty())
                out << value.toString();
        }
    }
    return out;
}

// The count of pixels near a colour in the page area (right of the sidebar).
int pixelsNear(const QImage &image, QColor colour)
{
    int n = 0;
    for (int y = 0; y < image.height() - 40; ++y) {
        for (int x = 240; x < image.width(); ++x) {
            const QColor px = image.pixelColor(x, y);
            if (qAbs(px.red() - colour.red()) < 12 && qAbs(px.green() - colour.green()) < 12 &&
                qAbs(px.blue() - colour.blue()) < 12)
                ++n;
        }
    }
    return n;
}

// One call with another credential than the admin token.
int statusWith(const BackendProcess &backend, const QByteArray &credential, const QByteArray &path)
{
    RawHttp c;
    if (!c.connectTo(backend.port()))
        return 0;
    c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + credential + "\r\n\r\n");
    return c.read().status;
}
} // namespace

// The Access page on the real meshdeckd, as the admin of the local stack uses it: an API key is
// created with a scope and shown once; after its dialog closes the console holds it nowhere, and
// the list shows only its prefix.
class TestAccessGui : public QObject
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

    void anAdminCreatesAnApiKeyAndSeesItOnce()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        // What the page reads first; without it nothing is offered and the test would only time out.
        const RawResponse me = apiCall(backend, "GET", "/v1/auth/me");
        QVERIFY2(me.status == 200, "meshdeckd does not serve GET /v1/auth/me: " + me.body);
        AttachedConsole attached;
        QVERIFY(attached.start(backend));
        m_window = attached.window();

        // Open Access from the sidebar, then its API keys, as a person does.
        click(QStringLiteral("Access"));
        if (QTest::currentTestFailed())
            return;
        click(QStringLiteral("API keys"));
        if (QTest::currentTestFailed())
            return;
        QVERIFY(find(QStringLiteral("API keys")));
        click(QStringLiteral("Create an API key"));
        if (QTest::currentTestFailed())
            return;
        type(QStringLiteral("Key name"), QStringLiteral("gui-deploy-bot"));
        if (QTest::currentTestFailed())
            return;
        click(QStringLiteral("Scope events.read"));
        if (QTest::currentTestFailed())
            return;
        click(QStringLiteral("Create the key"));
        if (QTest::currentTestFailed())
            return;

        // The key, once, with the warning.
        QQuickItem *field = find(QStringLiteral("The new API key"));
        QVERIFY2(field, "the new key was not shown");
        QTRY_VERIFY(field->property("text").toString().startsWith(QStringLiteral("mdk_")));
        const QString key = field->property("text").toString();
        // Once the dialogs' transitions are over: the form gone, the key's dialog fully open.
        QObject *createDialog = m_window->findChild<QObject *>(QStringLiteral("createKeyDialog"));
        QObject *onceDialog = m_window->findChild<QObject *>(QStringLiteral("keyShownOnce"));
        QVERIFY(createDialog && onceDialog);
        QTRY_VERIFY(!createDialog->property("visible").toBool());
        QTRY_VERIFY(onceDialog->property("opened").toBool());
        const QStringList shown = visibleTexts(m_window->contentItem());
        QVERIFY2(anyContains(shown, QStringLiteral("you will not see it again")),
                 qPrintable(shown.join(u'|')));
        // The search below finds the key while it is shown: its finding nothing later means something.
        QVERIFY(anyContains(everyText(m_window), key));
        click(QStringLiteral("Copy the key"));
        if (QTest::currentTestFailed())
            return;
        QTRY_COMPARE(QGuiApplication::clipboard()->text(), key);

        const QString shot = QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR))
                                 .absoluteFilePath(QStringLiteral("access-key-once.png"));
        QImage image = m_window->grabWindow();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(shot));
        // The warning is drawn, in the theme's warning colour (#d48806).
        QVERIFY2(pixelsNear(image, QColor(0xd4, 0x88, 0x06)) > 30, "no warning on the screenshot");

        // The key is real and scoped: it reads events and nothing else.
        QCOMPARE(statusWith(backend, key.toUtf8(), "/v1/events/topics"), 200);
        QCOMPARE(statusWith(backend, key.toUtf8(), "/v1/registry/services"), 403);
        // The backend lists it by its prefix only.
        const QJsonObject listed = apiJson(backend, "GET", "/v1/auth/keys");
        QString prefix;
        for (const QJsonValue &v : listed.value(QStringLiteral("keys")).toArray()) {
            if (v.toObject().value(QStringLiteral("name")).toString() == QLatin1String("gui-deploy-bot"))
                prefix = v.toObject().value(QStringLiteral("prefix")).toString();
        }
        QVERIFY(!prefix.isEmpty() && key.startsWith(prefix) && prefix.size() < key.size());
        QVERIFY(!QJsonDocument(listed).toJson().contains(key.toUtf8()));

        // Closed: it is nowhere in the console any more, and the list shows the prefix.
        click(QStringLiteral("Close the key"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY(!onceDialog->property("visible").toBool());
        QVERIFY(!find(QStringLiteral("The new API key"), 200));
        QCOMPARE(field->property("text").toString(), QString());
        const QStringList after = everyText(m_window);
        QVERIFY2(!anyContains(after, key), "the key is still held by an item of the window");
        QTRY_VERIFY(anyContains(visibleTexts(m_window->contentItem()),
                                QStringLiteral("gui-deploy-bot · %1…").arg(prefix)));

        const QString afterShot =
            QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR)).absoluteFilePath(QStringLiteral("access-keys.png"));
        image = m_window->grabWindow();
        QVERIFY(image.save(afterShot));
        QCOMPARE(pixelsNear(image, QColor(0xd4, 0x88, 0x06)), 0); // the warning went with the key
        Console::setInstance(nullptr);
        m_window = nullptr;
    }

private:
    QQuickItem *find(const QString &name, int timeoutMs = 5000)
    {
        QQuickItem *item = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (item = findByName(QAccessible::queryAccessibleInterface(m_window), name)); },
                timeoutMs))
            return nullptr;
        return item;
    }

    void click(const QString &name)
    {
        QQuickItem *item = find(name, 15'000);
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

    QQuickWindow *m_window = nullptr;
};

QTEST_MAIN(TestAccessGui)
#include "tst_access_gui.moc"
