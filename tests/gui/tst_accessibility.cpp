#include "quicktesting.h"
#include "testing.h"

#include "access/accesscontroller.h"
#include "api/fakeapiclient.h"
#include "api/realtimeclient.h"
#include "chat/chatcontroller.h"
#include "clusters/secretstore.h"
#include "shell/console.h"

#include <QAccessible>
#include <QApplication>
#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;
using Meshdeck::Testing::findByName;
using Meshdeck::Testing::findItem;

namespace {
// Roles a person operates; each needs a name a screen reader can say (and a test can find).
bool isInteractive(QAccessible::Role role)
{
    switch (role) {
    case QAccessible::PushButton:
    case QAccessible::CheckBox:
    case QAccessible::RadioButton:
    case QAccessible::ComboBox:
    case QAccessible::EditableText:
    case QAccessible::SpinBox:
    case QAccessible::Slider:
    case QAccessible::List:
    case QAccessible::ListItem:
    case QAccessible::MenuItem:
    case QAccessible::PageTab:
    case QAccessible::PageTabList:
    case QAccessible::ButtonMenu:
    case QAccessible::ButtonDropDown:
    case QAccessible::Link:
    case QAccessible::Table:
    case QAccessible::Tree:
        return true;
    default:
        return false;
    }
}

QString describe(QObject *object)
{
    if (!object)
        return QStringLiteral("?");
    const QString name = object->objectName();
    return QString::fromLatin1(object->metaObject()->className()) +
           (name.isEmpty() ? QString() : QStringLiteral(" '%1'").arg(name));
}

struct Walk {
    int interactive = 0; // within `scope`
    QStringList unnamed; // anywhere in the window
    QStringList names;   // of every interactive control, for finding them
};

// Walks the accessibility tree as a screen reader sees it: visible interfaces only.
void walk(QAccessibleInterface *iface, QQuickItem *scope, Walk &out, int depth = 0)
{
    if (!iface || !iface->isValid() || depth > 200)
        return;
    if (iface->state().invisible)
        return;
    const QAccessible::Role role = iface->role();
    if (isInteractive(role)) {
        const QString name = iface->text(QAccessible::Name).trimmed();
        auto *item = qobject_cast<QQuickItem *>(iface->object());
        if (!scope || (item && (item == scope || scope->isAncestorOf(item))))
            ++out.interactive;
        if (name.isEmpty())
            out.unnamed << QStringLiteral("%1 (role %2)").arg(describe(iface->object())).arg(int(role));
        else
            out.names << name;
    }
    for (int i = 0; i < iface->childCount(); ++i)
        walk(iface->child(i), scope, out, depth + 1);
}

// Controls a person operates, by type. Qt fills in an accessible role and name on its own only
// when a platform accessibility bridge is active, and offscreen there is none: a control without
// an explicit Accessible.name is then missing from the tree altogether, which is what this finds.
bool isInteractiveItem(const QQuickItem *item)
{
    for (const char *type : {"QQuickAbstractButton", "QQuickComboBox", "QQuickSpinBox", "QQuickSlider",
                             "QQuickTextInput", "QQuickTextEdit", "QQuickItemView", "QQuickTabBar"}) {
        if (item->inherits(type))
            return true;
    }
    return false;
}

// Walks the visible item tree: every interactive control must be in the accessibility tree with a
// role and a name.
void checkItems(QQuickItem *item, QQuickItem *scope, Walk &out, bool inTabBar = false)
{
    if (!item || !item->isVisible())
        return;
    // A tab bar lays out its tabs with a list view of its own: the tabs are the controls.
    if (isInteractiveItem(item) && !(inTabBar && item->inherits("QQuickItemView"))) {
        QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(item);
        const QString name = iface ? iface->text(QAccessible::Name).trimmed() : QString();
        const QAccessible::Role role = iface ? iface->role() : QAccessible::NoRole;
        if (scope && (item == scope || scope->isAncestorOf(item)))
            ++out.interactive;
        if (name.isEmpty() || role == QAccessible::NoRole || role == QAccessible::Client)
            out.unnamed << QStringLiteral("%1 (%2)").arg(
                describe(item), iface ? QStringLiteral("no name") : QStringLiteral("not accessible"));
        else
            out.names << name;
        // A control's own parts (a spin box's text input, a delegate's labels) are not separate
        // controls; a list's delegates and a tab bar's tabs are.
        if (!item->inherits("QQuickItemView") && !item->inherits("QQuickTabBar"))
            return;
    }
    const auto children = item->childItems();
    for (QQuickItem *child : children)
        checkItems(child, scope, out, inTabBar || item->inherits("QQuickTabBar"));
}

QJsonObject instanceJson(const QString &id, int port, const QString &status)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("service"), QStringLiteral("web")},
                       {QStringLiteral("address"), QStringLiteral("10.0.0.1")},
                       {QStringLiteral("port"), port},
                       {QStringLiteral("version"), QStringLiteral("1.0")},
                       {QStringLiteral("weight"), 100},
                       {QStringLiteral("status"), status},
                       {QStringLiteral("tags"), QJsonArray{QStringLiteral("blue")}},
                       {QStringLiteral("check"), QJsonObject{{QStringLiteral("ttlMs"), 5000}}},
                       {QStringLiteral("statusSince"), QStringLiteral("2026-11-21T10:00:00.000Z")},
                       {QStringLiteral("lastHeartbeatAt"), QStringLiteral("2026-11-21T10:00:05.000Z")}};
}

ApiReply ok(const char *json)
{
    return ApiReply{200, QJsonDocument::fromJson(json), {}};
}
} // namespace

// The real console's QML (Main.qml and every page) on the fake backend, offscreen, read through
// the accessibility tree the way a screen reader reads it.
class TestAccessibility : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // Controls fill in their roles and names only while accessibility is active.
        QAccessible::setActive(true);
        QQuickStyle::setStyle(QStringLiteral("Material"));

        m_api.setReplyFromFile(QStringLiteral("/v1/system/info"),
                               Meshdeck::Testing::testDataPath(QStringLiteral("system-info.json")));
        m_api.setReply(QStringLiteral("/healthz"), ApiReply{200, {}, {}});
        m_api.setReply(QStringLiteral("/v1/events/topics"),
                       ok("{\"topics\":[{\"name\":\"orders\",\"events\":3,\"headOffset\":3}]}"));
        m_api.setReply(
            QStringLiteral("/v1/events/topics/orders/groups"),
            ok("{\"groups\":[{\"name\":\"billing\",\"committedOffset\":1,\"lag\":2,\"inFlight\":0}]}"));
        m_api.setReply(
            QStringLiteral("/v1/events/webhooks"),
            ok("{\"webhooks\":[{\"id\":\"w1\",\"url\":\"https://hooks.example/in\",\"enabled\":true,"
               "\"topics\":[\"orders\"]}]}"));
        m_api.setReply(QStringLiteral("/v1/events/topics/orders/groups/billing/lag"),
                       ok("{\"points\":[{\"time\":\"2026-11-21T10:00:00.000Z\",\"lag\":2}]}"));
        m_api.setReply(
            QStringLiteral("/v1/events/webhooks/w1/deliveries"),
            ok("{\"deliveries\":[{\"attempt\":1,\"succeeded\":true,\"status\":200,\"offset\":1}]}"));
        m_api.setReply(QStringLiteral("/v1/registry/changes?limit=8"), ok("{\"changes\":[]}"));
        // Deployments: one site with a live deployment and a failed one (its Activate, Redeploy and
        // Delete buttons), shown selected so its controls are walked.
        for (const QString &path : {QStringLiteral("/v1/sites"), QStringLiteral("/v1/sites/s1/deployments"),
                                    QStringLiteral("/v1/sites/s1/variables"), QStringLiteral("/v1/builds")})
            m_api.setReplyFromFile(path, Meshdeck::Testing::testDataPath(
                                             QStringLiteral("deployments/") +
                                             path.mid(4).replace(QLatin1Char('/'), QLatin1Char('-')) +
                                             QStringLiteral(".json")));
        m_api.setReplyFromFile(QStringLiteral("/v1/registry/services/build-worker/instances"),
                               Meshdeck::Testing::testDataPath(
                                   QStringLiteral("deployments/registry-build-worker-instances.json")));
        QJsonObject detail = instanceJson(QStringLiteral("i-1"), 80, QStringLiteral("passing"));
        detail.insert(QStringLiteral("history"), QJsonArray{});
        m_api.setReply(QStringLiteral("/v1/registry/instances/i-1"),
                       ApiReply{200, QJsonDocument(detail), {}});

        // The gateway: two routes, billing's instances with an open breaker, its charts, the access log.
        const auto gatewayData = [](const QString &file) {
            return Meshdeck::Testing::testDataPath(QStringLiteral("gateway/") + file);
        };
        m_api.setReplyFromFile(QStringLiteral("/v1/gateway/overview"),
                               gatewayData(QStringLiteral("overview.json")));
        m_api.setReplyFromFile(QStringLiteral("/v1/gateway/routes"),
                               gatewayData(QStringLiteral("routes.json")));
        m_api.setReplyFromFile(QStringLiteral("/v1/gateway/breakers"),
                               gatewayData(QStringLiteral("breakers.json")));
        m_api.setReplyFromFile(QStringLiteral("/v1/gateway/metrics?route=r-billing&range=5m"),
                               gatewayData(QStringLiteral("metrics-5m.json")));
        m_api.setReply(QStringLiteral("/v1/events/topics/gateway.access"),
                       ok("{\"name\":\"gateway.access\",\"headOffset\":1}"));
        m_api.setReply(
            QStringLiteral("/v1/events/topics/gateway.access/events?fromOffset=0&limit=1"),
            ok("{\"events\":[{\"offset\":0,\"type\":\"gateway.access\",\"key\":\"req-1\",\"time\":"
               "\"2026-11-30T10:00:00.000Z\",\"data\":{\"requestId\":\"req-1\",\"routeId\":\"r-billing\","
               "\"route\":\"billing\",\"method\":\"GET\",\"path\":\"/billing/x\",\"status\":502,"
               "\"durationMs\":30,\"gatewayMs\":0.5,\"upstreamMs\":29,\"instanceId\":\"i-1\","
               "\"client\":\"127.0.0.1\",\"consumer\":null,\"bytesIn\":0,\"bytesOut\":10,"
               "\"cause\":null}}],\"nextOffset\":1}"));

        // Who the console is: the admin token, holding every permission (the pages offer what it holds).
        m_api.setReply(
            QStringLiteral("/v1/auth/me"),
            ok("{\"kind\":\"admin-token\",\"role\":\"admin\",\"grants\":{\"system.read\":\"full\","
               "\"events.read\":\"full\",\"events.write\":\"full\",\"webhooks.read\":\"full\","
               "\"webhooks.write\":\"full\",\"registry.read\":\"full\",\"registry.write\":\"full\","
               "\"realtime.subscribe\":\"full\",\"auth.self\":\"full\","
               "\"auth.users.read\":\"full\",\"auth.users.write\":\"full\",\"auth.keys.read\":\"full\","
               "\"auth.keys.write\":\"full\",\"auth.teams.read\":\"full\",\"auth.teams.write\":\"full\","
               "\"access.simulate\":\"full\",\"audit.read\":\"full\",\"gateway.read\":\"full\","
               "\"gateway.write\":\"full\",\"chat.read\":\"full\",\"chat.write\":\"full\","
               "\"chat.moderate\":\"full\",\"presence.read\":\"full\"}}"));
        m_api.setReply(QStringLiteral("/v1/access/permissions"),
                       ok("{\"permissions\":[{\"name\":\"events.read\",\"description\":\"Read events\"}]}"));
        m_api.setReply(QStringLiteral("/v1/auth/users?q=&status=&role="),
                       ok("{\"users\":[{\"id\":\"u-1\",\"email\":\"ada@example.com\",\"name\":\"Ada\","
                          "\"role\":\"admin\",\"status\":\"active\"}]}"));
        m_api.setReply(
            QStringLiteral("/v1/auth/users/u-1/sessions"),
            ok("{\"sessions\":[{\"id\":\"s-1\",\"address\":\"10.1.1.1\",\"userAgent\":\"meshdeck\"}]}"));
        m_api.setReply(QStringLiteral("/v1/auth/keys"),
                       ok("{\"keys\":[{\"id\":\"k-1\",\"name\":\"ci\",\"prefix\":\"mdk_ab12\","
                          "\"scopes\":[\"events.read\"],\"revokedAt\":null}]}"));
        m_api.setReply(QStringLiteral("/v1/auth/teams"),
                       ok("{\"teams\":[{\"id\":\"t-1\",\"name\":\"payments\",\"memberCount\":1}]}"));
        m_api.setReply(
            QStringLiteral("/v1/auth/teams/t-1/memberships"),
            ok("{\"memberships\":[{\"id\":\"m-1\",\"userId\":\"u-1\",\"email\":\"ada@example.com\","
               "\"roles\":[\"owner\"]}]}"));
        m_api.setReply(QStringLiteral("/v1/audit?limit=50"),
                       ok("{\"records\":[{\"id\":\"a-1\",\"time\":\"2026-11-30T04:00:00.000Z\",\"actor\":"
                          "\"admin-token\","
                          "\"action\":\"auth.key.created\",\"outcome\":\"ok\",\"status\":201,"
                          "\"before\":null,\"after\":{\"name\":\"ci\"}}],\"nextCursor\":\"c-2\"}"));

        // Chat: one public room with a reply and a deleted message, an invitation with its QR code, a
        // recorded support read and an open report.
        m_api.setReply(
            QStringLiteral("/v1/chat/rooms?limit=50"),
            ok("{\"items\":[{\"id\":\"room_ops\",\"type\":\"group\",\"name\":\"ops\",\"topic\":\"on call\","
               "\"private\":false,\"lastActivityAt\":\"2026-11-30T12:00:00.000Z\",\"messageCount\":2,"
               "\"participants\":[{\"userId\":\"u-1\",\"name\":\"Ada\",\"role\":\"owner\"}],"
               "\"myRole\":null,\"unread\":0,\"lastMessage\":null,\"demo\":false},"
               "{\"id\":\"room_vault\",\"type\":\"group\",\"name\":\"vault\",\"private\":true,"
               "\"participants\":[{\"userId\":\"u-1\",\"name\":\"Ada\",\"role\":\"owner\"}],"
               "\"myRole\":null,\"unread\":0,\"lastMessage\":null,\"demo\":false}],\"nextCursor\":null}"));
        m_api.setReply(
            QStringLiteral("/v1/chat/rooms/room_vault/messages?limit=50&reason=ticket%207"),
            ok("{\"items\":[{\"id\":\"msg_9\",\"roomId\":\"room_vault\",\"seq\":1,\"author\":{\"userId\":"
               "\"u-1\",\"name\":\"Ada\"},\"text\":\"the vault\",\"createdAt\":\"2026-11-30T11:00:00.000Z\","
               "\"editCount\":0,\"deleted\":false}],\"nextCursor\":null,\"hasMore\":false}"));
        m_api.setReply(QStringLiteral("/v1/chat/rooms/room_vault/invitations"), ok("{\"items\":[]}"));
        m_api.setReply(QStringLiteral("/v1/chat/rooms/room_vault/support-reads"), ok("{\"items\":[]}"));
        m_api.setReply(QStringLiteral("/v1/presence?users=u-1"),
                       ok("{\"items\":[{\"userId\":\"u-1\",\"name\":\"Ada\",\"status\":\"online\"}]}"));
        m_api.setReply(
            QStringLiteral("/v1/chat/rooms/room_ops/messages?limit=50"),
            ok("{\"items\":[{\"id\":\"msg_1\",\"roomId\":\"room_ops\",\"seq\":1,\"author\":{\"userId\":"
               "\"u-1\",\"name\":\"Ada\"},\"text\":\"\",\"createdAt\":\"2026-11-30T11:00:00.000Z\","
               "\"editCount\":0,\"deleted\":true,\"deletedAt\":\"2026-11-30T11:01:00.000Z\"},"
               "{\"id\":\"msg_2\",\"roomId\":\"room_ops\",\"seq\":2,\"author\":{\"userId\":\"u-1\","
               "\"name\":\"Ada\"},\"text\":\"deploy done\",\"createdAt\":\"2026-11-30T12:00:00.000Z\","
               "\"editedAt\":\"2026-11-30T12:01:00.000Z\",\"editCount\":1,\"deleted\":false,"
               "\"replyTo\":{\"id\":\"msg_1\",\"author\":{\"name\":\"Ada\"},\"excerpt\":\"\","
               "\"deleted\":true}}],\"nextCursor\":\"c-1\",\"hasMore\":true}"));
        m_api.setReply(QStringLiteral("/v1/chat/rooms/room_ops/messages?before=c-1&limit=50"),
                       ok("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}"));
        m_api.setReply(
            QStringLiteral("/v1/chat/rooms/room_ops/invitations"),
            ok("{\"items\":[{\"token\":\"inv_abc\",\"roomId\":\"room_ops\",\"url\":"
               "\"meshdeck://chat/invite/inv_abc\",\"createdBy\":\"admin-token\",\"createdAt\":"
               "\"2026-11-30T12:00:00.000Z\",\"expiresAt\":\"2026-12-01T12:00:00.000Z\",\"maxUses\":10,"
               "\"uses\":3,\"revokedAt\":null,\"state\":\"active\"}]}"));
        m_api.setReply(
            QStringLiteral("/v1/chat/rooms/room_ops/support-reads"),
            ok("{\"items\":[{\"id\":\"sr_1\",\"actor\":\"user:u-2\",\"actorName\":\"Sue\",\"roomId\":"
               "\"room_ops\",\"reason\":\"ticket 42\",\"messageIds\":[\"msg_2\"],\"at\":"
               "\"2026-11-30T12:05:00.000Z\"}]}"));
        m_api.setReply(
            QStringLiteral("/v1/chat/reports?state=open"),
            ok("{\"items\":[{\"id\":\"rep_1\",\"roomId\":\"room_ops\",\"roomName\":\"ops\",\"message\":"
               "{\"id\":\"msg_2\",\"seq\":2,\"author\":{\"name\":\"Ada\"},\"text\":\"deploy done\"},"
               "\"context\":[],\"reporter\":{\"userId\":\"u-2\",\"name\":\"Bob\"},\"reason\":\"spam\","
               "\"createdAt\":\"2026-11-30T12:06:00.000Z\",\"state\":\"open\"}]}"));
        {
            QImage qr(21, 21, QImage::Format_Mono);
            qr.fill(1);
            QBuffer png;
            png.open(QIODevice::WriteOnly);
            qr.save(&png, "PNG");
            ApiReply image{200, {}, {}};
            image.body = png.data();
            m_api.setReply(QStringLiteral("/v1/chat/invitations/inv_abc/qr.png"), image);
        }

        Console::Options options;
        options.attachUrl = QUrl(QStringLiteral("http://fixture.invalid:7700"));
        options.attachToken = "fixture-token";
        options.secrets = &m_secrets;
        options.profilesFile = m_dir.filePath(QStringLiteral("profiles.ini"));
        m_console = std::make_unique<Console>(options, &m_api);
        Console::setInstance(m_console.get());
        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        m_console->applyLanguage(m_engine.get());
        m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Meshdeck/App/Main.qml")));
        QVERIFY(!m_engine->rootObjects().isEmpty());
        m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
        QVERIFY(m_window);
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        m_console->startUp();
        QTRY_COMPARE(m_console->connection()->state(), BackendConnection::State::Connected);

        // What the realtime channels would bring: the registry, and events on the tailed topic.
        Q_EMIT m_console->realtime()->message(
            QStringLiteral("registry"),
            QJsonObject{{QStringLiteral("type"), QStringLiteral("snapshot")},
                        {QStringLiteral("channel"), QStringLiteral("registry")},
                        {QStringLiteral("instances"),
                         QJsonArray{instanceJson(QStringLiteral("i-1"), 80, QStringLiteral("passing")),
                                    instanceJson(QStringLiteral("i-2"), 81, QStringLiteral("critical"))}}});
        QTRY_COMPARE(m_console->events()->selectedTopic(), QStringLiteral("orders"));
        for (int offset = 0; offset < 3; ++offset)
            Q_EMIT m_console->realtime()->event(
                QStringLiteral("events.orders"),
                QJsonObject{{QStringLiteral("offset"), offset},
                            {QStringLiteral("type"), QStringLiteral("order.created")},
                            {QStringLiteral("key"), QStringLiteral("o-%1").arg(offset)},
                            {QStringLiteral("time"), QStringLiteral("2026-11-21T10:00:00.000Z")}});
        QTRY_COMPARE(m_console->events()->tail()->rowCount(), 3);
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        Console::setInstance(nullptr);
        m_console.reset();
    }

    // The checker itself: an unnamed text field and an unnamed list are reported by kind.
    void theWalkerReportsUnnamedControls()
    {
        QQmlComponent component(m_engine.get());
        component.setData(
            "import QtQuick\nimport QtQuick.Controls\n"
            "Column { TextField { objectName: \"bare\" } Button { text: \"Named\"; Accessible.name: text }\n"
            "ListView { objectName: \"bareList\"; width: 10; height: 10 } }",
            QUrl());
        std::unique_ptr<QObject> object(component.create());
        QVERIFY2(object, qPrintable(component.errorString()));
        auto *item = qobject_cast<QQuickItem *>(object.get());
        item->setParentItem(m_window->contentItem());
        Walk result;
        checkItems(item, item, result);
        QCOMPARE(result.interactive, 3);
        QCOMPARE(result.unnamed.size(), 2);
        QVERIFY2(result.unnamed.at(0).contains(QStringLiteral("'bare' (not accessible)")),
                 qPrintable(result.unnamed.join(QStringLiteral("; "))));
        QVERIFY2(result.unnamed.at(1).contains(QStringLiteral("'bareList' (not accessible)")),
                 qPrintable(result.unnamed.join(QStringLiteral("; "))));
        QCOMPARE(result.names, QStringList{QStringLiteral("Named")});
        // The accessibility tree has the named button.
        QVERIFY(findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Named")));
    }

    void everyInteractiveControlHasAName_data()
    {
        QTest::addColumn<QString>("page");
        QTest::addColumn<QString>("pageObject");
        QTest::newRow("overview") << "overview"
                                  << "overviewPage";
        QTest::newRow("services") << "services"
                                  << "servicesPage";
        QTest::newRow("gateway") << "gateway"
                                 << "gatewayPage";
        QTest::newRow("events") << "events"
                                << "eventsPage";
        QTest::newRow("settings") << "settings"
                                  << "settingsPage";
        QTest::newRow("access") << "access"
                                << "accessPage";
        QTest::newRow("deployments") << "deployments"
                                     << "deploymentsPage";
        QTest::newRow("chat") << "chat"
                              << "chatPage";
    }

    void everyInteractiveControlHasAName()
    {
        QFETCH(QString, page);
        QFETCH(QString, pageObject);
        QQuickItem *pageItem = openPage(page, pageObject);
        QVERIFY(pageItem);

        // Every tab of the page, as a person would open them.
        QStringList tabs{QString()};
        if (page == QLatin1String("events"))
            tabs = {QStringLiteral("Publish"), QStringLiteral("Seek and replay"),
                    QStringLiteral("Consumer groups (1)"), QStringLiteral("Webhooks (1)")};
        if (page == QLatin1String("services")) {
            // With an instance selected, its detail and actions are on the page too.
            QQuickItem *row = findByName(QAccessible::queryAccessibleInterface(m_window),
                                         QStringLiteral("web 10.0.0.1:80, Passing, version 1.0"));
            QVERIFY(row);
            click(row);
            QTRY_VERIFY(findItem(pageItem, QStringLiteral("instanceDetail"))->isVisible());
            // The status icons are compiled in and drawn (the SVG image plugin is there).
            QQuickItem *icon = findItem(pageItem, QStringLiteral("statusIcon"));
            QVERIFY(icon);
            QTRY_COMPARE(icon->property("status").toInt(), 1); // Image.Ready
            QVERIFY(icon->property("source").toString().endsWith(QStringLiteral("/status/passing.svg")) ||
                    icon->property("source").toString().endsWith(QStringLiteral("/status/critical.svg")));
        }
        if (page == QLatin1String("gateway")) {
            // The routes loaded, the first selected with its charts and breakers; then the access log.
            QTRY_COMPARE(m_console->gateway()->routes()->rowCount(), 2);
            QTRY_VERIFY(findItem(pageItem, QStringLiteral("routeDetail"))->isVisible());
            QTRY_COMPARE(m_console->gateway()->breakers()->rowCount(), 2);
            tabs = {QStringLiteral("Routes"), QStringLiteral("Access log")};
        }
        if (page == QLatin1String("access")) {
            // A user, a team and a record selected: their details and actions are on the page too.
            auto *access = m_console->findChild<AccessController *>();
            QVERIFY(access);
            QTRY_VERIFY(access->isMeLoaded());
            QTRY_COMPARE(access->users()->rowCount(), 1);
            QTRY_COMPARE(access->audit()->rowCount(), 1);
            access->selectUser(QStringLiteral("u-1"));
            access->selectTeam(QStringLiteral("t-1"));
            access->selectAuditRecord(QStringLiteral("a-1"));
            QTRY_COMPARE(access->sessions()->rowCount(), 1);
            QTRY_COMPARE(access->memberships()->rowCount(), 1);
            tabs = {QStringLiteral("Users"), QStringLiteral("Teams"), QStringLiteral("API keys"),
                    QStringLiteral("Permission simulator"), QStringLiteral("Audit log")};
        }
        if (page == QLatin1String("deployments")) {
            // A site and a deployment selected: the deployments with their actions, the log viewer.
            DeploymentsController *deployments = m_console->deployments();
            QTRY_COMPARE(deployments->sites()->rowCount(), 1);
            deployments->setSelectedSite(QStringLiteral("s1"));
            QTRY_COMPARE(deployments->deployments()->rowCount(), 3);
            deployments->setSelectedDeployment(QStringLiteral("d3"));
            tabs = {QStringLiteral("Deployments"), QStringLiteral("Variables"),
                    QStringLiteral("Queue and workers")};
        }
        if (page == QLatin1String("chat")) {
            // A room open with its conversation, invitations (one QR code shown) and support reads.
            auto *chat = m_console->findChild<ChatController *>();
            QVERIFY(chat);
            QTRY_COMPARE(chat->rooms()->rowCount(), 2);
            chat->openRoom(QStringLiteral("room_ops"));
            QTRY_COMPARE(chat->messages()->rowCount(), 2);
            QTRY_COMPARE(chat->invitations()->rowCount(), 1);
            QTRY_COMPARE(chat->supportReads()->rowCount(), 1);
            chat->showQr(QStringLiteral("inv_abc"));
            QTRY_VERIFY(!chat->qrImage().isEmpty());
            QQuickItem *qr = findItem(pageItem, QStringLiteral("invitationQr"));
            QVERIFY(qr);
            QTRY_COMPARE(qr->property("status").toInt(), 1); // Image.Ready: the PNG decoded
            QTRY_COMPARE(chat->reports()->rowCount(), 1);
            tabs = {QStringLiteral("Rooms"), QStringLiteral("Support reads"), QStringLiteral("Search"),
                    QStringLiteral("Reports")};
        }
        for (const QString &tab : std::as_const(tabs)) {
            if (!tab.isEmpty()) {
                QQuickItem *tabButton = findByName(QAccessible::queryAccessibleInterface(m_window), tab);
                QVERIFY2(tabButton, qPrintable(tab));
                // A frame first: a page just opened is laid out (polished) when it is drawn, and a
                // click before that lands where the tab will not be.
                QVERIFY(!m_window->grabWindow().isNull());
                click(tabButton);
                if (page == QLatin1String("gateway"))
                    QTRY_COMPARE(
                        findItem(pageItem, QStringLiteral("gatewayTabs"))->property("currentIndex").toInt(),
                        int(tabs.indexOf(tab)));
            }
            Walk result;
            checkItems(m_window->contentItem(), pageItem, result);
            Walk tree; // and roles declared without a name, as the accessibility tree has them
            walk(QAccessible::queryAccessibleInterface(m_window), nullptr, tree);
            result.unnamed << tree.unnamed;
            QVERIFY2(result.interactive > 0, "the walk found no control on the page: it would prove nothing");
            QVERIFY2(result.unnamed.isEmpty(),
                     qPrintable(QStringLiteral("%1 %2: unnamed: %3")
                                    .arg(page, tab, result.unnamed.join(QStringLiteral("; ")))));
            qInfo("%s %s: %d named interactive controls", qPrintable(page), qPrintable(tab),
                  result.interactive);
        }
    }

    // The cluster profiles dialog, with one profile selected, and the all-clusters summary.
    void theClusterControlsHaveNames()
    {
        QSignalSpy saved(m_console->profiles(), &ProfilesModel::saved);
        QCOMPARE(m_console->profiles()->save(
                     {{QStringLiteral("name"), QStringLiteral("Staging")},
                      {QStringLiteral("urls"), QStringLiteral("http://127.0.0.1:1")},
                      {QStringLiteral("trust"), QStringLiteral("pinned")},
                      {QStringLiteral("pin"), QString(44 - 1, QLatin1Char('A')) + QLatin1Char('=')}},
                     QStringLiteral("token")),
                 QString());
        QTRY_COMPARE(saved.size(), 1);
        QQuickItem *overview = openPage(QStringLiteral("overview"), QStringLiteral("overviewPage"));
        QVERIFY(overview);
        QTRY_VERIFY(findItem(overview, QStringLiteral("summaryCard"))->isVisible());
        QVERIFY(findItem(m_window->contentItem(), QStringLiteral("clusterBand"))->isVisible());

        QQuickItem *manage = findByName(QAccessible::queryAccessibleInterface(m_window),
                                        QStringLiteral("Manage cluster profiles"));
        QVERIFY(manage);
        click(manage);
        QQuickItem *entry = nullptr;
        QTRY_VERIFY((entry = findByName(QAccessible::queryAccessibleInterface(m_window),
                                        QStringLiteral("Profile Staging"))));
        click(entry);
        QTRY_VERIFY(
            findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Pinned key")));
        Walk result;
        checkItems(m_window->contentItem(), nullptr, result);
        Walk tree;
        walk(QAccessible::queryAccessibleInterface(m_window), nullptr, tree);
        result.unnamed << tree.unnamed;
        for (const QString &name :
             {QStringLiteral("Profile name"), QStringLiteral("Node URLs, one a line"),
              QStringLiteral("Certificate trust"), QStringLiteral("Backup pin"), QStringLiteral("Credential"),
              QStringLiteral("Save the profile"), QStringLiteral("Attach to this cluster"),
              QStringLiteral("Remove this profile"), QStringLiteral("Attached cluster"),
              QStringLiteral("Check all clusters now")})
            QVERIFY2(tree.names.contains(name), qPrintable(name));
        QVERIFY2(result.unnamed.isEmpty(), qPrintable(result.unnamed.join(QStringLiteral("; "))));
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY(
            !findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Profile name")));
    }

    // A private room the console is not in: the reason dialog comes first, its controls have names,
    // nothing is read before a reason is given, and the read goes with the reason.
    void theChatReasonDialogAsksBeforeAnythingIsRead()
    {
        QQuickItem *pageItem = openPage(QStringLiteral("chat"), QStringLiteral("chatPage"));
        QVERIFY(pageItem);
        auto *chat = m_console->findChild<ChatController *>();
        QVERIFY(chat);
        QTRY_COMPARE(chat->rooms()->rowCount(), 2);
        QQuickItem *row = nullptr;
        QTRY_VERIFY((row = findByName(QAccessible::queryAccessibleInterface(m_window),
                                      QStringLiteral("Room vault (private), 0 unread, 1 of 1 online"))));
        QVERIFY(!m_window->grabWindow().isNull());
        click(row);
        QObject *dialog = m_window->findChild<QObject *>(QStringLiteral("reasonDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("opened").toBool());
        const auto readVault = [this] {
            return m_api.requestedPaths()
                .join(QLatin1Char('\n'))
                .contains(QStringLiteral("room_vault/messages"));
        };
        QVERIFY(!readVault());

        Walk result;
        checkItems(m_window->contentItem(), nullptr, result);
        Walk tree;
        walk(QAccessible::queryAccessibleInterface(m_window), nullptr, tree);
        result.unnamed << tree.unnamed;
        for (const QString &name :
             {QStringLiteral("Reason for reading the room"), QStringLiteral("Read the room with this reason"),
              QStringLiteral("Do not read the room")})
            QVERIFY2(tree.names.contains(name), qPrintable(name));
        QVERIFY2(result.unnamed.isEmpty(), qPrintable(result.unnamed.join(QStringLiteral("; "))));

        QQuickItem *read = findByName(QAccessible::queryAccessibleInterface(m_window),
                                      QStringLiteral("Read the room with this reason"));
        QVERIFY(read);
        QVERIFY(!read->isEnabled()); // no reason yet
        QQuickItem *field = findByName(QAccessible::queryAccessibleInterface(m_window),
                                       QStringLiteral("Reason for reading the room"));
        QVERIFY(field);
        click(field);
        QTRY_VERIFY(field->hasActiveFocus());
        for (const QChar c : QStringLiteral("ticket 7"))
            QTest::keyClick(m_window, c.toLatin1());
        QTRY_VERIFY(read->isEnabled());
        click(read);
        QTRY_COMPARE(chat->messages()->rowCount(), 1);
        QVERIFY(m_api.requestedPaths().contains(
            QStringLiteral("/v1/chat/rooms/room_vault/messages?limit=50&reason=ticket%207")));
        QTRY_VERIFY(!dialog->property("visible").toBool());
        QCOMPARE(chat->readReason(), QStringLiteral("ticket 7"));
    }

    // The gateway's route editor and a route's history, opened as a person opens them: every control
    // in them has a name (they are dialogs, outside the page's own walk).
    void theGatewayDialogsHaveNames()
    {
        QFile routesFile(Meshdeck::Testing::testDataPath(QStringLiteral("gateway/routes.json")));
        QVERIFY(routesFile.open(QIODevice::ReadOnly));
        const QJsonObject billing = QJsonDocument::fromJson(routesFile.readAll())
                                        .object()
                                        .value(QStringLiteral("routes"))
                                        .toArray()
                                        .at(0)
                                        .toObject();
        QCOMPARE(billing.value(QStringLiteral("id")).toString(), QStringLiteral("r-billing"));
        m_api.setReply(QStringLiteral("/v1/gateway/routes/r-billing"),
                       ApiReply{200, QJsonDocument(billing), {}});
        const auto version = [&billing](int number, const char *action) {
            return QJsonObject{{QStringLiteral("version"), number},
                               {QStringLiteral("action"), QLatin1String(action)},
                               {QStringLiteral("route"), billing},
                               {QStringLiteral("at"), QStringLiteral("2026-11-30T09:00:00.000Z")},
                               {QStringLiteral("by"), QStringLiteral("ada@example.test")}};
        };
        m_api.setReply(
            QStringLiteral("/v1/gateway/routes/r-billing/versions"),
            ApiReply{200,
                     QJsonDocument(QJsonObject{{QStringLiteral("versions"),
                                                QJsonArray{version(4, "updated"), version(3, "updated")}}}),
                     {}});

        QQuickItem *page = openPage(QStringLiteral("gateway"), QStringLiteral("gatewayPage"));
        QVERIFY(page);
        QTRY_COMPARE(m_console->gateway()->routes()->rowCount(), 2);
        QTRY_VERIFY(findItem(page, QStringLiteral("routeDetail"))->isVisible());
        QVERIFY(!m_window->grabWindow().isNull()); // laid out as drawn before a click
        const auto checkDialog = [this](const QStringList &expected) {
            QVERIFY(!m_window->grabWindow().isNull());
            Walk result;
            checkItems(m_window->contentItem(), nullptr, result);
            Walk tree;
            walk(QAccessible::queryAccessibleInterface(m_window), nullptr, tree);
            result.unnamed << tree.unnamed;
            for (const QString &name : expected)
                QVERIFY2(tree.names.contains(name), qPrintable(name));
            QVERIFY2(result.unnamed.isEmpty(), qPrintable(result.unnamed.join(QStringLiteral("; "))));
        };

        QQuickItem *edit = nullptr;
        QTRY_VERIFY((edit = findByName(QAccessible::queryAccessibleInterface(m_window),
                                       QStringLiteral("Edit route billing"))));
        click(edit);
        QTRY_VERIFY(
            findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Route name")));
        QTRY_COMPARE(m_console->gateway()->editor()->property("busy").toBool(), false);
        checkDialog({QStringLiteral("Route name"), QStringLiteral("Path prefix"),
                     QStringLiteral("Host (empty: any host)"),
                     QStringLiteral("Methods (comma separated; empty: any method)"),
                     QStringLiteral("Target service"), QStringLiteral("Timeout in milliseconds"),
                     QStringLiteral("Authentication at the edge"), QStringLiteral("Rate limit"),
                     QStringLiteral("Rate limit: requests"), QStringLiteral("Load balancing"),
                     QStringLiteral("Breaker: half-open probe requests"),
                     QStringLiteral("Preview the change"), QStringLiteral("Save the route"),
                     QStringLiteral("Cancel editing the route")});
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY(
            !findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Route name")));

        QQuickItem *history = findByName(QAccessible::queryAccessibleInterface(m_window),
                                         QStringLiteral("History of route billing"));
        QVERIFY(history);
        click(history);
        QTRY_VERIFY(
            findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Restore version 3")));
        checkDialog({QStringLiteral("Versions of billing"), QStringLiteral("Restore version 3"),
                     QStringLiteral("Close the history")});
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY(!findByName(QAccessible::queryAccessibleInterface(m_window),
                                QStringLiteral("Versions of billing")));
    }

    void ctrlFFocusesTheSearchAndF5Refreshes()
    {
        openPage(QStringLiteral("events"), QStringLiteral("eventsPage"));
        QQuickItem *filter = nullptr;
        QTRY_VERIFY((filter = findByName(QAccessible::queryAccessibleInterface(m_window),
                                         QStringLiteral("Filter the tail"))));
        QVERIFY(!filter->hasActiveFocus());
        QTest::keyClick(m_window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(filter->hasActiveFocus());
        const auto topicsRequests = [this] {
            return m_api.requestedPaths().count(QStringLiteral("/v1/events/topics"));
        };
        const qsizetype before = topicsRequests();
        QTest::keyClick(m_window, Qt::Key_F5);
        QTRY_COMPARE(topicsRequests(), before + 1);

        openPage(QStringLiteral("services"), QStringLiteral("servicesPage"));
        QQuickItem *search = nullptr;
        QTRY_VERIFY((search = findByName(QAccessible::queryAccessibleInterface(m_window),
                                         QStringLiteral("Search instances"))));
        QTest::keyClick(m_window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(search->hasActiveFocus());
    }

    void escCancelsAndEnterConfirmsADialog()
    {
        openPage(QStringLiteral("services"), QStringLiteral("servicesPage"));
        QQuickItem *row = nullptr;
        QTRY_VERIFY((row = findByName(QAccessible::queryAccessibleInterface(m_window),
                                      QStringLiteral("web 10.0.0.1:80, Passing, version 1.0"))));
        click(row);
        QQuickItem *drain = nullptr;
        QTRY_VERIFY((drain = findByName(QAccessible::queryAccessibleInterface(m_window),
                                        QStringLiteral("Drain this instance"))));
        QTRY_VERIFY(drain->isEnabled());
        const qsizetype posted = m_api.posted().size();

        click(drain);
        QQuickItem *text = nullptr;
        QTRY_VERIFY((text = findItem(m_window->contentItem(), QStringLiteral("confirmText"))) &&
                    text->isVisible());
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY(!text->isVisible());
        QCOMPARE(m_api.posted().size(), posted); // cancelled: nothing sent

        click(drain);
        QTRY_VERIFY(text->isVisible());
        QTest::keyClick(m_window, Qt::Key_Return);
        QTRY_COMPARE(m_api.posted().size(), posted + 1);
        QCOMPARE(m_api.posted().constLast().first, QStringLiteral("POST /v1/registry/instances/i-1/drain"));
        QTRY_VERIFY(!text->isVisible());
    }

    // Defect 3 on screen: a failed request shows its reason and a retry, found by name.
    // An access log entry leads to the events with its request id (the Events page, filtered) and
    // to the instance that answered it (the Services page, selected).
    void anAccessLogEntryLeadsToItsEventsAndItsInstance()
    {
        QQuickItem *gateway = openPage(QStringLiteral("gateway"), QStringLiteral("gatewayPage"));
        QVERIFY(gateway);
        QVERIFY(!m_window->grabWindow().isNull()); // laid out as drawn before a click
        QQuickItem *tab =
            findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Access log"));
        QVERIFY(tab);
        click(tab);
        QTRY_COMPARE(m_console->gateway()->accessLog()->rowCount(), 1);
        QVERIFY(!m_window->grabWindow().isNull());
        QQuickItem *events = nullptr;
        QTRY_VERIFY((events = findByName(QAccessible::queryAccessibleInterface(m_window),
                                         QStringLiteral("Events with request id req-1"))));
        click(events);
        QTRY_COMPARE(m_console->navigation()->currentPage(), QStringLiteral("events"));
        QQuickItem *eventsPage = openPage(QStringLiteral("events"), QStringLiteral("eventsPage"));
        QVERIFY(eventsPage);
        QCOMPARE(m_console->events()->selectedTopic(), QStringLiteral("gateway.access"));
        QCOMPARE(m_console->events()->tail()->filterText(), QStringLiteral("req-1"));
        // The page shows the filter it applies, so a person sees why the tail is narrowed.
        QTRY_COMPARE(findItem(eventsPage, QStringLiteral("tailFilter"))->property("text").toString(),
                     QStringLiteral("req-1"));
        findItem(eventsPage, QStringLiteral("tailFilter"))->setProperty("text", QString());
        m_console->events()->selectTopic(QStringLiteral("orders"));

        openPage(QStringLiteral("gateway"), QStringLiteral("gatewayPage"));
        QVERIFY(!m_window->grabWindow().isNull());
        click(findByName(QAccessible::queryAccessibleInterface(m_window), QStringLiteral("Access log")));
        QVERIFY(!m_window->grabWindow().isNull());
        QQuickItem *instance = nullptr;
        QTRY_VERIFY((instance = findByName(QAccessible::queryAccessibleInterface(m_window),
                                           QStringLiteral("Show the instance that answered request req-1 on "
                                                          "the Services page"))));
        click(instance);
        QTRY_COMPARE(m_console->navigation()->currentPage(), QStringLiteral("services"));
        QVERIFY(openPage(QStringLiteral("services"), QStringLiteral("servicesPage")));
        QCOMPARE(m_console->registry()->selectedInstance(), QStringLiteral("i-1"));
    }

    void aFailedListShowsItsErrorAndARetry()
    {
        m_api.setReply(QStringLiteral("/v1/events/topics/orders/groups"),
                       ApiReply{503, {}, QStringLiteral("The events service is unavailable.")});
        openPage(QStringLiteral("events"), QStringLiteral("eventsPage"));
        m_console->events()->refreshGroupsAndWebhooks();
        QQuickItem *tab = nullptr;
        QTRY_VERIFY((tab = findByName(QAccessible::queryAccessibleInterface(m_window),
                                      QStringLiteral("Consumer groups (not loaded)"))));
        click(tab);
        QQuickItem *retry = nullptr;
        QTRY_VERIFY((retry = findByName(QAccessible::queryAccessibleInterface(m_window),
                                        QStringLiteral("Retry loading the consumer groups"))));
        QQuickItem *message = findItem(findItem(m_window->contentItem(), QStringLiteral("groupsStatus")),
                                       QStringLiteral("listError"));
        QVERIFY(message && message->isVisible());
        QCOMPARE(message->property("text").toString(),
                 QStringLiteral(
                     "Could not load the consumer groups of orders: The events service is unavailable."));

        m_api.setReply(
            QStringLiteral("/v1/events/topics/orders/groups"),
            ok("{\"groups\":[{\"name\":\"billing\",\"committedOffset\":1,\"lag\":2,\"inFlight\":0}]}"));
        click(retry);
        QTRY_VERIFY(findByName(QAccessible::queryAccessibleInterface(m_window),
                               QStringLiteral("Group billing: committed 1 · lag 2 · in flight 0")));
        QVERIFY(!message->isVisible());
    }

private:
    // Opens a page and waits until it is the only one (the Loader deletes the previous one later,
    // and two pages' shortcuts at once would be ambiguous).
    QQuickItem *openPage(const QString &page, const QString &objectName)
    {
        m_console->navigation()->setCurrentPage(page);
        const QStringList pages{QStringLiteral("overviewPage"), QStringLiteral("servicesPage"),
                                QStringLiteral("eventsPage"),   QStringLiteral("settingsPage"),
                                QStringLiteral("accessPage"),   QStringLiteral("gatewayPage")};
        QQuickItem *item = nullptr;
        const bool shown = QTest::qWaitFor([&] {
            item = findItem(m_window->contentItem(), objectName);
            return item && item->isVisible() &&
                   std::none_of(pages.cbegin(), pages.cend(), [&](const QString &other) {
                       return other != objectName && findItem(m_window->contentItem(), other);
                   });
        });
        return shown ? item : nullptr;
    }

    void click(QQuickItem *item)
    {
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }

    FakeApiClient m_api;
    FakeSecretStore m_secrets;
    QTemporaryDir m_dir;
    std::unique_ptr<Console> m_console;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
