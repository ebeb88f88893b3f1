// The Deployments page on the real meshdeckd, as a person uses it: a site is created and a .tar.gz
// deployed by the page's own controls; its build (a real one, in the real bubblewrap sandbox)
// prints numbered, coloured lines slowly, and the log view follows them while they stream; the log
// is filtered by text and by a regular expression; the deployment turns ready and is activated; a
// second version is deployed and activated; the first is rolled back to through the confirm
// dialog, and the gateway then serves the first version's file. Screenshots at each step are
// saved under MESHDECK_SCREENSHOT_DIR and checked.
#include "attachedconsole.h"
#include "quicktesting.h"
#include "testing.h"

#include "api/httpapiclient.h"
#include "clusters/secretstore.h"
#include "deployments/buildlogmodel.h"
#include "deployments/deploymentscontroller.h"
#include "shell/console.h"

#include <QAccessible>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

#define RETURN_IF_FAILED()                                                                                   \
    do {                                                                                                     \
        if (QTest::currentTestFailed())                                                                      \
            return;                                                                                          \
    } while (false)

namespace {
constexpr int BuildLines = 600;

// The lines of the log a view draws: for each row inside the view's visible area (indexAt), its
// delegate's second label (itemAtIndex: a delegate kept for reuse may still hold an old row's
// text), without its markup.
QStringList shownLogLines(QQuickItem *view)
{
    QStringList out;
    if (!view)
        return out;
    const qreal top = view->property("contentY").toReal();
    int last = -2;
    for (qreal y = top + 1; y < top + view->height(); y += 4) {
        int index = -1;
        QMetaObject::invokeMethod(view, "indexAt", Q_RETURN_ARG(int, index), Q_ARG(qreal, 1.0),
                                  Q_ARG(qreal, y));
        if (index < 0 || index == last)
            continue;
        last = index;
        QQuickItem *row = nullptr;
        QMetaObject::invokeMethod(view, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, row), Q_ARG(int, index));
        const QStringList texts = visibleTexts(row);
        if (texts.size() < 2)
            continue;
        static const QRegularExpression tag(QStringLiteral("<[^>]*>"));
        QString plain = texts.at(1);
        plain.remove(tag);
        plain.replace(QLatin1String("&nbsp;"), QLatin1String(" "))
            .replace(QLatin1String("&lt;"), QLatin1String("<"))
            .replace(QLatin1String("&gt;"), QLatin1String(">"))
            .replace(QLatin1String("&amp;"), QLatin1String("&"));
        out << plain;
    }
    return out;
}

bool near(QColor a, QColor b, int tolerance = 14)
{
    return qAbs(a.red() - b.red()) < tolerance && qAbs(a.green() - b.green()) < tolerance &&
           qAbs(a.blue() - b.blue()) < tolerance;
}

// Pixels near a colour inside a rectangle of the image.
int pixelsNear(const QImage &image, QColor colour, QRect area)
{
    area = area.intersected(image.rect());
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x)
            n += near(image.pixelColor(x, y), colour) ? 1 : 0;
    }
    return n;
}

// Pixels of a rectangle that are not its most common colour (its background): what is drawn on it.
int drawnPixels(const QImage &image, QRect area)
{
    area = area.intersected(image.rect());
    QHash<QRgb, int> counts;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x)
            ++counts[image.pixel(x, y)];
    }
    QRgb background = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > most) {
            most = it.value();
            background = it.key();
        }
    }
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x)
            n += near(image.pixelColor(x, y), QColor(background), 40) ? 0 : 1;
    }
    return n;
}

QRect sceneRect(QQuickItem *item)
{
    return item->mapRectToScene(QRectF(0, 0, item->width(), item->height())).toAlignedRect();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A site's source, version `version`, as a .tar.gz: index.html says which version it is; build.sh
// prints BuildLines numbered green lines, ten every 100 ms (a build a person can watch), then
// copies the page into dist/.
QString writeTarball(const QString &workDir, const QByteArray &version)
{
    const QString src = workDir + QStringLiteral("/src-") + QString::fromLatin1(version);
    const QByteArray script = "i=1\n"
                              "while [ $i -le " +
                              QByteArray::number(BuildLines) +
                              " ]; do\n"
                              "  printf '\\033[32mstep %d\\033[0m of version " +
                              version +
                              " ok\\n' $i\n"
                              "  if [ $((i % 10)) -eq 0 ]; then sleep 0.1; fi\n"
                              "  i=$((i + 1))\n"
                              "done\n"
                              "mkdir -p dist && cp index.html dist/index.html\n";
    if (!writeFile(src + QStringLiteral("/index.html"), "<h1>version " + version + "</h1>\n") ||
        !writeFile(src + QStringLiteral("/build.sh"), script))
        return {};
    const QString tarball =
        workDir + QStringLiteral("/site-") + QString::fromLatin1(version) + QStringLiteral(".tar.gz");
    QProcess tar;
    tar.start(QStringLiteral("tar"),
              {QStringLiteral("-czf"), tarball, QStringLiteral("-C"), src, QStringLiteral(".")});
    if (!tar.waitForFinished(30'000) || tar.exitCode() != 0)
        return {};
    return tarball;
}

quint16 gatewayPort(const BackendProcess &backend)
{
    const QJsonObject ready = QJsonDocument::fromJson(backend.readyLine()).object();
    return quint16(QUrl(ready.value(QStringLiteral("gatewayUrl")).toString()).port());
}

// GET on the gateway's listener.
RawResponse fetch(quint16 port, const QByteArray &path)
{
    RawHttp c;
    if (!c.connectTo(port))
        return {};
    c.send("GET " + path + " HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
    return c.read(10'000);
}
} // namespace

class TestDeploymentsGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QAccessible::setActive(true);
        QQuickStyle::setStyle(QStringLiteral("Material"));
        QVERIFY(QDir().mkpath(QStringLiteral(MESHDECK_SCREENSHOT_DIR)));
        QVERIFY(m_work.isValid());
    }

    void deployFollowFilterAndRollBack()
    {
        BackendProcess backend;
        QVERIFY2(backend.start({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0")}),
                 backend.stderrText().constData());
        const quint16 gateway = gatewayPort(backend);
        QVERIFY(gateway != 0);
        const QString v1 = writeTarball(m_work.path(), "1");
        const QString v2 = writeTarball(m_work.path(), "2");
        QVERIFY(!v1.isEmpty() && !v2.isEmpty());

        AttachedConsole attached;
        QVERIFY(attached.start(backend));
        m_window = attached.window();
        Console &console = attached.console();
        BuildLogModel *log = console.deployments()->log();

        // A site, by the page's dialog.
        click(QStringLiteral("Deployments"));
        RETURN_IF_FAILED();
        click(QStringLiteral("Create a site"));
        RETURN_IF_FAILED();
        type(QStringLiteral("Site name"), QStringLiteral("guisite"));
        RETURN_IF_FAILED();
        type(QStringLiteral("Framework"), QStringLiteral("static"));
        RETURN_IF_FAILED();
        type(QStringLiteral("Build command"), QStringLiteral("sh build.sh"));
        RETURN_IF_FAILED();
        type(QStringLiteral("Output directory"), QStringLiteral("dist"));
        RETURN_IF_FAILED();
        click(QStringLiteral("Create the site"));
        RETURN_IF_FAILED();
        QObject *siteDialog = m_window->findChild<QObject *>(QStringLiteral("newSiteDialog"));
        QVERIFY(siteDialog);
        QTRY_VERIFY(!siteDialog->property("visible").toBool()); // its modal overlay is gone
        QQuickItem *siteRow = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (siteRow = find(QStringLiteral("Site guisite, nothing live"), 100)) && hits(siteRow), 15'000);
        clickItem(siteRow);
        const QJsonArray sites =
            apiJson(backend, "GET", "/v1/sites").value(QStringLiteral("sites")).toArray();
        QCOMPARE(sites.size(), 1);
        const QByteArray siteId = sites.first().toObject().value(QStringLiteral("id")).toString().toUtf8();
        QTRY_COMPARE(console.deployments()->selectedSite(), QString::fromUtf8(siteId));

        // Version 1, from the archive; its log followed while the build prints it.
        const QString first = deploy(backend, siteId, v1, {});
        RETURN_IF_FAILED();
        QQuickItem *lines = m_window->findChild<QQuickItem *>(QStringLiteral("logLines"));
        QVERIFY(lines);
        // Lines stream in while the deployment is still building, and the view keeps the newest
        // in sight.
        QTRY_VERIFY_WITH_TIMEOUT(log->lineCount() >= 60, 60'000);
        QTRY_VERIFY(!(frame(), shownLogLines(lines)).isEmpty());
        QVERIFY2(status(backend, siteId, first) == QLatin1String("building"),
                 "the build ended before its log could be followed");
        const int seenWhileBuilding = log->lineCount();
        QVERIFY(log->following());
        QTRY_VERIFY_WITH_TIMEOUT(log->lineCount() >= seenWhileBuilding + 50, 30'000);
        QTRY_VERIFY((frame(), lines->property("atYEnd").toBool()));
        QTRY_VERIFY((frame(), shownLogLines(lines)).size() > 3);
        {
            const QStringList shown = (frame(), shownLogLines(lines));
            static const QRegularExpression numbered(QStringLiteral(R"(^step (\d+) of version 1 ok$)"));
            const QRegularExpressionMatch last = numbered.match(shown.constLast());
            QVERIFY2(last.hasMatch(), qPrintable(shown.join(u'|')));
            // The last line drawn is among the newest (follow), not the first screenful.
            QVERIFY2(last.captured(1).toInt() > seenWhileBuilding - 20, qPrintable(shown.join(u'|')));
        }
        QImage image = shoot(QStringLiteral("deployments-log-following.png"));
        QVERIFY(!image.isNull());
        QVERIFY2(drawnPixels(image, sceneRect(lines)) > 2000, "the log area is blank");
        // The lines' ANSI green (#0dbc79) is drawn.
        QVERIFY2(pixelsNear(image, QColor(0x0d, 0xbc, 0x79), sceneRect(lines)) > 100,
                 "the log's colours are not drawn");

        // Ready, every line there, in the passing colour on the status badge.
        QTRY_COMPARE_WITH_TIMEOUT(status(backend, siteId, first), QStringLiteral("ready"), 120'000);
        QTRY_VERIFY_WITH_TIMEOUT(find(QStringLiteral("Deployment %1, ready").arg(first)), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(log->lineCount() >= BuildLines, 15'000);
        QVERIFY(log->rowOfLine(log->lineCount()) >= 0);
        image = shoot(QStringLiteral("deployments-ready.png"));
        QQuickItem *list = m_window->findChild<QQuickItem *>(QStringLiteral("deploymentList"));
        QVERIFY(list);
        QVERIFY2(pixelsNear(image, QColor(0x1f, 0x9d, 0x63), sceneRect(list)) > 30,
                 "no ready badge on the screenshot");

        // A text filter (case-insensitive): the rows are the matching lines, and so are those drawn.
        type(QStringLiteral("Filter the log"), QStringLiteral("STEP 25"));
        RETURN_IF_FAILED();
        QTRY_VERIFY(!log->isFiltering());
        QTRY_COMPARE(log->rowCount(), 11); // step 25, step 250 … 259
        for (int row = 0; row < log->rowCount(); ++row) {
            const QString text = log->data(log->index(row), BuildLogModel::TextRole).toString();
            QVERIFY2(text.contains(QLatin1String("step 25")), qPrintable(text));
        }
        QTRY_COMPARE((frame(), shownLogLines(lines)).size(), 11);
        for (const QString &shown : (frame(), shownLogLines(lines)))
            QVERIFY2(shown.startsWith(QLatin1String("step 25")), qPrintable(shown));
        image = shoot(QStringLiteral("deployments-log-filtered.png"));
        QVERIFY2(drawnPixels(image, sceneRect(lines)) > 500, "the filtered log area is blank");

        // A regular expression: the lines whose number ends in 7.
        click(QStringLiteral("Filter with a regular expression"));
        RETURN_IF_FAILED();
        QTRY_VERIFY(log->filterIsRegex());
        clear(QStringLiteral("Filter the log"));
        RETURN_IF_FAILED();
        type(QStringLiteral("Filter the log"), QStringLiteral("^step \\d*7 of"));
        RETURN_IF_FAILED();
        QTRY_VERIFY(!log->isFiltering());
        QTRY_COMPARE(log->rowCount(), BuildLines / 10);
        const QRegularExpression sevens(QStringLiteral(R"(^step \d*7 of version 1 ok$)"));
        for (int row = 0; row < log->rowCount(); ++row) {
            const QString text = log->data(log->index(row), BuildLogModel::TextRole).toString();
            QVERIFY2(sevens.match(text).hasMatch(), qPrintable(text));
        }
        QTRY_VERIFY((frame(), shownLogLines(lines)).size() > 3);
        for (const QString &shown : (frame(), shownLogLines(lines)))
            QVERIFY2(sevens.match(shown).hasMatch(), qPrintable(shown));
        // An invalid one says why, and shows no rows.
        type(QStringLiteral("Filter the log"), QStringLiteral("("));
        RETURN_IF_FAILED();
        QTRY_COMPARE(log->rowCount(), 0);
        QTRY_VERIFY(!log->error().isEmpty());
        QTRY_VERIFY(findByPrefix(QStringLiteral("The filter is not a valid regular expression")));
        clear(QStringLiteral("Filter the log"));
        RETURN_IF_FAILED();
        QTRY_COMPARE(log->rowCount(), log->lineCount());
        QTRY_VERIFY(log->error().isEmpty());

        // Live, through the confirm dialog.
        activateThroughDialog(first, QStringLiteral("Activate deployment %1").arg(first));
        RETURN_IF_FAILED();
        QTRY_COMPARE_WITH_TIMEOUT(fetch(gateway, "/sites/" + siteId + "/").body,
                                  QByteArray("<h1>version 1</h1>\n"), 15'000);

        // Version 2, built and made live.
        const QString second = deploy(backend, siteId, v2, first);
        RETURN_IF_FAILED();
        QTRY_COMPARE_WITH_TIMEOUT(status(backend, siteId, second), QStringLiteral("ready"), 120'000);
        QTRY_VERIFY_WITH_TIMEOUT(find(QStringLiteral("Deployment %1, ready").arg(second)), 15'000);
        activateThroughDialog(second, QStringLiteral("Activate deployment %1").arg(second));
        RETURN_IF_FAILED();
        QTRY_COMPARE_WITH_TIMEOUT(fetch(gateway, "/sites/" + siteId + "/").body,
                                  QByteArray("<h1>version 2</h1>\n"), 15'000);

        // Roll back to version 1: the dialog says it is a rollback, and the gateway serves version 1.
        activateThroughDialog(first, QStringLiteral("Roll back to deployment %1").arg(first));
        RETURN_IF_FAILED();
        QTRY_COMPARE_WITH_TIMEOUT(fetch(gateway, "/sites/" + siteId + "/").body,
                                  QByteArray("<h1>version 1</h1>\n"), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(find(QStringLiteral("Deployment %1, ready, live").arg(first)), 15'000);
        QTRY_VERIFY(find(QStringLiteral("Deployment %1, ready").arg(second)));
        image = shoot(QStringLiteral("deployments-rolled-back.png"));
        QVERIFY2(pixelsNear(image, QColor(0x1f, 0x9d, 0x63), sceneRect(list)) > 60,
                 "no ready badges and LIVE mark on the screenshot");
        Console::setInstance(nullptr);
        m_window = nullptr;
    }

private:
    // Deploys an archive by the page's controls, waits for the new deployment to be listed and
    // selects it; returns its id.
    QString deploy(const BackendProcess &backend, const QByteArray &siteId, const QString &tarball,
                   const QString &previous)
    {
        if (!selectComboItem(QStringLiteral("Deploy from"), QStringLiteral(".tar.gz archive")))
            return {};
        clear(QStringLiteral("Archive file"));
        if (QTest::currentTestFailed())
            return {};
        type(QStringLiteral("Archive file"), tarball);
        if (QTest::currentTestFailed())
            return {};
        click(QStringLiteral("Deploy"));
        if (QTest::currentTestFailed())
            return {};
        QString id;
        if (!QTest::qWaitFor(
                [&] {
                    const QJsonArray all = apiJson(backend, "GET", "/v1/sites/" + siteId + "/deployments")
                                               .value(QStringLiteral("deployments"))
                                               .toArray();
                    for (const QJsonValue &d : all) {
                        const QString candidate = d.toObject().value(QStringLiteral("id")).toString();
                        if (candidate != previous)
                            id = candidate;
                    }
                    return !id.isEmpty();
                },
                30'000)) {
            QTest::qFail("the deployment was not created", __FILE__, __LINE__);
            return {};
        }
        // Its row, whatever its status now; a click shows its log.
        QQuickItem *row = nullptr;
        if (!QTest::qWaitFor([&] { return (row = findByPrefix(QStringLiteral("Deployment %1, ").arg(id))); },
                             15'000)) {
            QTest::qFail("the new deployment is not listed", __FILE__, __LINE__);
            return {};
        }
        // Clicked once it is drawn where it is (a new row shows after the list's next layout). A
        // list that stays 0 high when its first row arrives (as the tab's ColumnLayout once left
        // it) fails here.
        const bool shown = QTest::qWaitFor(
            [&] {
                row = findByPrefix(QStringLiteral("Deployment %1, ").arg(id));
                if (row && !hits(row))
                    frame();
                return row && hits(row);
            },
            5000);
        if (!shown) {
            QTest::qFail("the new deployment's row is listed but not shown where it can be clicked", __FILE__,
                         __LINE__);
            return {};
        }
        clickItem(row);
        if (!QTest::qWaitFor([&] { return Console::instance()->deployments()->selectedDeployment() == id; },
                             5000)) {
            QTest::qFail("the deployment was not selected", __FILE__, __LINE__);
            return {};
        }
        return id;
    }

    void activateThroughDialog(const QString &id, const QString &expectedText)
    {
        click(QStringLiteral("Activate %1").arg(id));
        RETURN_IF_FAILED();
        QObject *dialog = m_window->findChild<QObject *>(QStringLiteral("deploymentConfirm"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("opened").toBool());
        QVERIFY2(dialog->property("text").toString().startsWith(expectedText),
                 qPrintable(dialog->property("text").toString()));
        if (expectedText.startsWith(QLatin1String("Roll back"))) {
            const QImage image = shoot(QStringLiteral("deployments-rollback-confirm.png"));
            QVERIFY(!image.isNull());
        }
        click(QStringLiteral("Confirm"));
        RETURN_IF_FAILED();
        QTRY_VERIFY(!dialog->property("visible").toBool());
    }

    QImage shoot(const QString &name)
    {
        const QImage image = m_window->grabWindow();
        if (image.isNull() ||
            !image.save(QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR)).absoluteFilePath(name)))
            return {};
        return image;
    }

    QString status(const BackendProcess &backend, const QByteArray &siteId, const QString &id)
    {
        return apiJson(backend, "GET", "/v1/sites/" + siteId + "/deployments/" + id.toUtf8())
            .value(QStringLiteral("status"))
            .toString();
    }

    QQuickItem *find(const QString &name, int timeoutMs = 5000, bool editable = false)
    {
        QQuickItem *item = nullptr;
        if (!QTest::qWaitFor(
                [&] {
                    return (item =
                                findByName(QAccessible::queryAccessibleInterface(m_window), name, editable));
                },
                timeoutMs))
            return nullptr;
        return item;
    }

    QQuickItem *findByPrefix(const QString &prefix)
    {
        std::function<QQuickItem *(QAccessibleInterface *, int)> walk = [&](QAccessibleInterface *iface,
                                                                            int depth) -> QQuickItem * {
            if (!iface || !iface->isValid() || iface->state().invisible || depth > 200)
                return nullptr;
            if (iface->text(QAccessible::Name).startsWith(prefix))
                return qobject_cast<QQuickItem *>(iface->object());
            for (int i = 0; i < iface->childCount(); ++i) {
                if (QQuickItem *found = walk(iface->child(i), depth + 1))
                    return found;
            }
            return nullptr;
        };
        return walk(QAccessible::queryAccessibleInterface(m_window), 0);
    }

    // A frame drawn now: the layouts and views are polished (the offscreen window of the test
    // draws only when asked; a person's window draws on every change).
    void frame() { (void)m_window->grabWindow(); }

    // Whether a click at the item's centre reaches it (or an item inside it).
    bool hits(QQuickItem *item)
    {
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QQuickItem *at = m_window->contentItem();
        while (QQuickItem *child = at->childAt(at->mapFromScene(centre).x(), at->mapFromScene(centre).y()))
            at = child;
        for (; at; at = at->parentItem()) {
            if (at == item)
                return true;
        }
        return false;
    }

    void clickItem(QQuickItem *item)
    {
        frame(); // where it is drawn now
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }

    void click(const QString &name)
    {
        QQuickItem *item = find(name, 15'000);
        QVERIFY2(item, qPrintable(name));
        QTRY_VERIFY2(item->isEnabled(), qPrintable(name));
        clickItem(item);
    }

    void type(const QString &name, const QString &text)
    {
        QQuickItem *item = find(name, 15'000, true);
        QVERIFY2(item, qPrintable(name));
        clickItem(item);
        QTRY_VERIFY2(item->hasActiveFocus(), qPrintable(name));
        const QString before = item->property("text").toString();
        QTest::keyClick(m_window, Qt::Key_End);
        for (const QChar c : text)
            QTest::keyClick(m_window, c.toLatin1());
        QTRY_COMPARE(item->property("text").toString(), before + text);
    }

    void clear(const QString &name)
    {
        QQuickItem *item = find(name, 15'000, true);
        QVERIFY2(item, qPrintable(name));
        clickItem(item);
        QTRY_VERIFY2(item->hasActiveFocus(), qPrintable(name));
        QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(m_window, Qt::Key_Backspace);
        QTRY_COMPARE(item->property("text").toString(), QString());
    }

    // Opens a combo box and picks an entry of its list with the keyboard, as a person does.
    bool selectComboItem(const QString &name, const QString &entry)
    {
        QQuickItem *box = find(name, 15'000);
        if (!box) {
            QTest::qFail(qPrintable(name), __FILE__, __LINE__);
            return false;
        }
        if (box->property("currentText").toString() == entry)
            return true;
        clickItem(box);
        auto *popup = box->property("popup").value<QObject *>();
        if (!popup || !QTest::qWaitFor([&] { return popup->property("opened").toBool(); }, 5000)) {
            QTest::qFail("the combo box did not open", __FILE__, __LINE__);
            return false;
        }
        const int count = box->property("count").toInt();
        int highlighted = box->property("highlightedIndex").toInt();
        for (int i = 0; i < count && box->property("textAt").isValid() == false; ++i) {
            QString text;
            QMetaObject::invokeMethod(box, "textAt", Q_RETURN_ARG(QString, text), Q_ARG(int, highlighted));
            if (text == entry)
                break;
            QTest::keyClick(m_window, Qt::Key_Down);
            highlighted = box->property("highlightedIndex").toInt();
        }
        QTest::keyClick(m_window, Qt::Key_Return);
        if (!QTest::qWaitFor([&] { return box->property("currentText").toString() == entry; }, 5000)) {
            QTest::qFail(
                qPrintable(
                    QStringLiteral("the combo box shows %1").arg(box->property("currentText").toString())),
                __FILE__, __LINE__);
            return false;
        }
        return QTest::qWaitFor([&] { return !popup->property("visible").toBool(); }, 5000);
    }

    QQuickWindow *m_window = nullptr;
    QTemporaryDir m_work;
};

QTEST_MAIN(TestDeploymentsGui)
#include "tst_deployments_gui.moc"
