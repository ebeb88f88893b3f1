#include "testing.h"

#include <QDBusConnection>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>

#include <csignal>

using namespace Meshdeck::Testing;

namespace {
struct Run {
    int exitCode = -1;
    QJsonObject report;
    QByteArray stderrText;
};

// Waits until the console confirms its realtime subscription to `channel` (its debug log line):
// what it shows of a change made after that arrived live.
bool waitForSubscription(QProcess &console, const QString &channel, int timeoutMs = 30'000)
{
    QByteArray seen;
    const QByteArray line = "subscribed to " + channel.toUtf8();
    return QTest::qWaitFor(
               [&] {
                   seen += console.readAllStandardError();
                   return seen.contains(line) || console.state() == QProcess::NotRunning;
               },
               timeoutMs) &&
           seen.contains(line);
}

QProcessEnvironment offscreenEnvironment(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home);
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("meshdeck.console.realtime.debug=true"));
    return env;
}

Run runConsole(const QString &home, const QStringList &args, const QString &lang = QStringLiteral("C.UTF-8"))
{
    QProcess p;
    QProcessEnvironment env = offscreenEnvironment(home);
    env.insert(QStringLiteral("LANG"), lang);
    env.remove(QStringLiteral("LC_ALL"));
    env.remove(QStringLiteral("LANGUAGE"));
    p.setProcessEnvironment(env);
    p.start(binary(QStringLiteral("meshdeck")), args);
    Run run;
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
        return run;
    }
    run.exitCode = p.exitCode();
    run.stderrText = p.readAllStandardError();
    const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
    run.report = QJsonDocument::fromJson(lines.constLast()).object();
    return run;
}

struct ImageStats {
    int distinctColours = 0;
    double meanLuminance = 0;
    int contentDistinct = 0; // in the page area right of the sidebar
};

ImageStats analyse(const QImage &image)
{
    ImageStats s;
    QSet<QRgb> all;
    QSet<QRgb> content;
    double sum = 0;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2) {
            const QRgb px = image.pixel(x, y);
            all.insert(px);
            if (x > 240 && y < image.height() - 40)
                content.insert(px);
            sum += qGray(px);
        }
    }
    s.distinctColours = int(all.size());
    s.contentDistinct = int(content.size());
    s.meanLuminance = sum / ((image.width() / 2) * (image.height() / 2));
    return s;
}

QStringList visibleTexts(const QJsonObject &report)
{
    QStringList out;
    for (const QJsonValue &v : report.value(QStringLiteral("visibleTexts")).toArray())
        out << v.toString();
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

bool processGone(qint64 pid, int timeoutMs)
{
    return QTest::qWaitFor([pid] { return ::kill(pid_t(pid), 0) != 0; }, timeoutMs);
}
} // namespace

// A desktop notification server on a private session bus: what the console's notifications reach.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    QStringList summaries;
    QStringList bodies;

public Q_SLOTS:
    uint Notify(const QString &, uint, const QString &, const QString &summary, const QString &body,
                const QStringList &, const QVariantMap &, int)
    {
        summaries << summary;
        bodies << body;
        return uint(summaries.size());
    }
};

// dbus-daemon --session on its own socket, for one test.
class PrivateBus
{
public:
    bool start()
    {
        m_daemon.start(
            QStringLiteral("dbus-daemon"),
            {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
        if (!m_daemon.waitForStarted(5000) || !m_daemon.waitForReadyRead(5000))
            return false;
        address = QString::fromUtf8(m_daemon.readLine().trimmed());
        return !address.isEmpty();
    }
    ~PrivateBus()
    {
        QDBusConnection::disconnectFromBus(QStringLiteral("fake-notifications"));
        m_daemon.kill();
        m_daemon.waitForFinished(5000);
    }
    QString address;

private:
    QProcess m_daemon;
};

class TestConsoleGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Regression: with no display at all (no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM), --help
    // and --version aborted in QApplication's constructor instead of printing.
    void answersTheCommandLineWithoutADisplay_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0 << "--attach <url>";
        QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << 0
                                   << QStringLiteral("meshdeck " MESHDECK_VERSION);
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("--no-such-option")} << 1 << "Unknown option 'no-such-option'";
        QTest::newRow("unknown page") << QStringList{QStringLiteral("--page"), QStringLiteral("nowhere")} << 2
                                      << "unknown page 'nowhere'";
    }

    void answersTheCommandLineWithoutADisplay()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        QTemporaryDir home;
        QProcessEnvironment env = offscreenEnvironment(home.path());
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QString::fromLatin1(name));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(binary(QStringLiteral("meshdeck")), args);
        QVERIFY(p.waitForFinished(30'000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable(out));
        QCOMPARE(p.exitCode(), exitCode);
        QVERIFY2(out.contains(expected), qPrintable(out));
    }

    void startsTheLocalStackAndShowsTheOverview_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("connectedText");
        QTest::addColumn<QString>("overviewTitle");
        QTest::newRow("light, English") << "light"
                                        << "en"
                                        << "Connected"
                                        << "Overview";
        QTest::newRow("dark, English") << "dark"
                                       << "en"
                                       << "Connected"
                                       << "Overview";
        QTest::newRow("dark, German") << "dark"
                                      << "de"
                                      << "Verbunden" << QStringLiteral("Übersicht");
    }

    void startsTheLocalStackAndShowsTheOverview()
    {
        QFETCH(QString, theme);
        QFETCH(QString, language);
        QFETCH(QString, connectedText);
        QFETCH(QString, overviewTitle);
        QTemporaryDir home;
        const QString shot = QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR))
                                 .absoluteFilePath(QStringLiteral("overview-%1-%2.png").arg(theme, language));
        QDir().mkpath(QStringLiteral(MESHDECK_SCREENSHOT_DIR));
        const Run run =
            runConsole(home.path(), {QStringLiteral("--data-dir"), home.filePath(QStringLiteral("stack")),
                                     QStringLiteral("--theme"), theme, QStringLiteral("--language"), language,
                                     QStringLiteral("--screenshot"), shot});
        QVERIFY2(run.exitCode == 0, run.stderrText.constData());
        const QJsonObject &r = run.report;
        QCOMPARE(r.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(r.value(QStringLiteral("state")).toString(), QStringLiteral("Connected"));
        QCOMPARE(r.value(QStringLiteral("overviewShown")).toBool(), true);
        QCOMPARE(r.value(QStringLiteral("overviewConnectionText")).toString(), connectedText);
        QCOMPARE(r.value(QStringLiteral("overviewTitle")).toString(), overviewTitle);
        QCOMPARE(r.value(QStringLiteral("theme")).toString(), theme);
        // The window has the application icon from the resources, drawn by Qt's SVG icon engine at
        // any size (a PNG-only icon would stop at 256).
        QCOMPARE(r.value(QStringLiteral("windowIconWidths")).toArray(), (QJsonArray{16, 512}));
        const QString nodeId = r.value(QStringLiteral("nodeId")).toString();
        QVERIFY(!nodeId.isEmpty());
        const QStringList texts = visibleTexts(r);
        QVERIFY2(texts.contains(nodeId), "Overview shows the node id the backend reported");
        QVERIFY(texts.contains(overviewTitle));

        const QImage image(shot);
        QVERIFY2(!image.isNull(), qPrintable(shot));
        QVERIFY(image.width() >= 800 && image.height() >= 500);
        const ImageStats stats = analyse(image);
        QVERIFY2(stats.contentDistinct > 20, "the page area has rendered text, not a blank frame");
        if (theme == QLatin1String("dark"))
            QVERIFY2(stats.meanLuminance < 80, qPrintable(QString::number(stats.meanLuminance)));
        else
            QVERIFY2(stats.meanLuminance > 170, qPrintable(QString::number(stats.meanLuminance)));

        // The console stopped its backend when it quit.
        const qint64 backendPid = r.value(QStringLiteral("backendPid")).toInteger();
        QVERIFY(backendPid > 0);
        QVERIFY2(processGone(backendPid, 10'000), "meshdeckd must not outlive the console");
    }

    void localStackPageShowsTheBackendsLiveLog()
    {
        QTemporaryDir home;
        const Run run =
            runConsole(home.path(), {QStringLiteral("--data-dir"), home.filePath(QStringLiteral("stack")),
                                     QStringLiteral("--page"), QStringLiteral("localstack"),
                                     QStringLiteral("--screenshot"),
                                     QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR))
                                         .absoluteFilePath(QStringLiteral("localstack-light-en.png"))});
        QVERIFY2(run.exitCode == 0, run.stderrText.constData());
        const QStringList texts = visibleTexts(run.report);
        QVERIFY(texts.contains(QStringLiteral("Running")));
        const auto logLine = std::find_if(texts.cbegin(), texts.cend(), [](const QString &t) {
            return t.contains(QStringLiteral("info meshdeck.backend: serving http://127.0.0.1:"));
        });
        QVERIFY2(logLine != texts.cend(), "meshdeckd's own log line is rendered in the log view");
        const QString pid =
            QStringLiteral("pid %1").arg(run.report.value(QStringLiteral("backendPid")).toInteger());
        QVERIFY2(texts.contains(pid), qPrintable(pid));
    }

    void followsTheSystemLanguageUnlessSettingsChooseOne()
    {
        QTemporaryDir home;
        const QStringList args{QStringLiteral("--data-dir"), home.filePath(QStringLiteral("stack")),
                               QStringLiteral("--screenshot"), home.filePath(QStringLiteral("shot.png"))};
        Run run = runConsole(home.path(), args, QStringLiteral("de_DE.UTF-8"));
        QVERIFY2(run.exitCode == 0, run.stderrText.constData());
        QCOMPARE(run.report.value(QStringLiteral("language")).toString(), QStringLiteral("de"));
        QVERIFY(visibleTexts(run.report).contains(QStringLiteral("Übersicht")));

        // A language chosen in Settings wins over the system's.
        QSettings settings(home.filePath(QStringLiteral("config/Meshdeck/meshdeck.conf")),
                           QSettings::IniFormat);
        settings.setValue(QStringLiteral("appearance/language"), QStringLiteral("en"));
        settings.sync();
        run = runConsole(home.path(), args, QStringLiteral("de_DE.UTF-8"));
        QVERIFY2(run.exitCode == 0, run.stderrText.constData());
        QCOMPARE(run.report.value(QStringLiteral("language")).toString(), QStringLiteral("en"));
        QVERIFY(visibleTexts(run.report).contains(QStringLiteral("Overview")));
    }

    void theEventsPageShowsAPublishedEventLive()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        auto post = [&backend](const QByteArray &path, const QByteArray &body) {
            RawHttp c;
            if (!c.connectTo(backend.port()))
                return 0;
            c.send("POST " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + backend.token() +
                   "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            return c.read().status;
        };
        QCOMPARE(post("/v1/events/topics", "{\"name\":\"orders\"}"), 201);
        QCOMPARE(post("/v1/events/topics/orders/events",
                      "{\"events\":[{\"type\":\"order.created\",\"data\":{\"n\":1}}]}"),
                 201);

        QTemporaryDir home;
        const QString shot = QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR))
                                 .absoluteFilePath(QStringLiteral("events-light-en.png"));
        QProcess console;
        console.setProcessEnvironment(offscreenEnvironment(home.path()));
        console.start(binary(QStringLiteral("meshdeck")),
                      {QStringLiteral("--attach"), backend.url().toString(), QStringLiteral("--token-file"),
                       backend.tokenFile(), QStringLiteral("--page"), QStringLiteral("events"),
                       QStringLiteral("--events-topic"), QStringLiteral("orders"),
                       QStringLiteral("--screenshot"), shot, QStringLiteral("--probe-wait-text"),
                       QStringLiteral("live-marker-7"), QStringLiteral("--probe-timeout-ms"),
                       QStringLiteral("30000")});
        QVERIFY(console.waitForStarted());
        // Publish only once the console has subscribed: what it shows then arrived live, over the
        // realtime channel.
        QVERIFY2(waitForSubscription(console, QStringLiteral("events.orders")),
                 "the console never subscribed");
        QCOMPARE(post("/v1/events/topics/orders/events", "{\"events\":[{\"type\":\"order.paid\",\"key\":\"o-"
                                                         "7\",\"data\":{\"marker\":\"live-marker-7\"}}]}"),
                 201);
        QVERIFY2(console.waitForFinished(30'000), "the console never showed the live event");
        QCOMPARE(console.exitCode(), 0);
        const QJsonObject report =
            QJsonDocument::fromJson(console.readAllStandardOutput().trimmed().split('\n').constLast())
                .object();
        const QStringList texts = visibleTexts(report);
        QVERIFY(texts.contains(QStringLiteral("order.paid")));
        QVERIFY(texts.contains(QStringLiteral("order.created"))); // the recent history came first
        QVERIFY(texts.contains(QStringLiteral("Live")));
        QVERIFY(std::any_of(texts.cbegin(), texts.cend(),
                            [](const QString &t) { return t.contains(QStringLiteral("live-marker-7")); }));
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY(analyse(image).contentDistinct > 20);
    }

    void theServicesPageShowsAStatusChangeLive()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        EchoProcess echo;
        QVERIFY(echo.start(&backend, {QStringLiteral("--check-interval-ms"), QStringLiteral("200"),
                                      QStringLiteral("--check-timeout-ms"), QStringLiteral("300"),
                                      QStringLiteral("--service-version"), QStringLiteral("3.1.4")}));
        // Everything passing first: the node's own services and the echo.
        int instances = 0;
        const auto allPassing = [&backend, &instances] {
            const QJsonArray services =
                apiJson(backend, "GET", "/v1/registry/services").value(QStringLiteral("services")).toArray();
            int passing = 0;
            bool echoListed = false;
            for (const QJsonValue &s : services) {
                passing += s.toObject()
                               .value(QStringLiteral("counts"))
                               .toObject()
                               .value(QStringLiteral("passing"))
                               .toInt();
                echoListed |= s.toObject().value(QStringLiteral("name")).toString() == QLatin1String("echo");
            }
            instances = int(services.size());
            return echoListed && passing == services.size(); // one instance each
        };
        QTRY_VERIFY_WITH_TIMEOUT(allPassing(), 15'000);

        PrivateBus bus;
        QVERIFY2(bus.start(), "dbus-daemon did not start");
        QDBusConnection connection =
            QDBusConnection::connectToBus(bus.address, QStringLiteral("fake-notifications"));
        QVERIFY(connection.isConnected());
        FakeNotifications notifications;
        QVERIFY(connection.registerService(QStringLiteral("org.freedesktop.Notifications")));
        QVERIFY(connection.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &notifications,
                                          QDBusConnection::ExportAllSlots));

        QTemporaryDir home;
        const QString shot = QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR))
                                 .absoluteFilePath(QStringLiteral("services-light-en.png"));
        QProcess console;
        QProcessEnvironment env = offscreenEnvironment(home.path());
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), bus.address);
        console.setProcessEnvironment(env);
        // Offscreen, the console is the active application: "always" stands in for "in the
        // background" here (the unit tests cover that choice).
        console.start(binary(QStringLiteral("meshdeck")),
                      {QStringLiteral("--attach"), backend.url().toString(), QStringLiteral("--token-file"),
                       backend.tokenFile(), QStringLiteral("--page"), QStringLiteral("services"),
                       QStringLiteral("--notifications"), QStringLiteral("always"),
                       QStringLiteral("--screenshot"), shot, QStringLiteral("--probe-wait-text"),
                       QStringLiteral("%1 passing, 0 warning, 1 critical").arg(instances - 1),
                       QStringLiteral("--probe-timeout-ms"), QStringLiteral("30000")});
        QVERIFY(console.waitForStarted());
        // Kill the echo once the console has the registry's snapshot (everything passing): what
        // the console shows next came live.
        QVERIFY2(waitForSubscription(console, QStringLiteral("registry")), "the console never subscribed");
        echo.kill9();
        QTRY_VERIFY_WITH_TIMEOUT(console.state() == QProcess::NotRunning, 30'000);
        QCOMPARE(console.exitCode(), 0);
        const QJsonObject report =
            QJsonDocument::fromJson(console.readAllStandardOutput().trimmed().split('\n').constLast())
                .object();
        const QStringList texts = visibleTexts(report);
        QVERIFY(texts.contains(
            QStringLiteral("Live: %1 passing, 0 warning, 1 critical, 0 draining").arg(instances - 1)));
        QVERIFY(texts.contains(QStringLiteral("3.1.4")));
        QVERIFY(texts.contains(QStringLiteral("Critical")));
        QVERIFY(texts.contains(QStringLiteral("connection refused")));
        // The screenshot shows the critical badge in the theme's red (#d93636).
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY2(pixelsNear(image, QColor(0xd9, 0x36, 0x36)) > 30, "no critical badge on the screenshot");
        // And the desktop heard of it.
        QTRY_COMPARE_WITH_TIMEOUT(notifications.summaries.size(), 1, 5000);
        QCOMPARE(notifications.summaries.first(), QStringLiteral("echo is critical"));
        QVERIFY(notifications.bodies.first().contains(QStringLiteral("127.0.0.1:%1").arg(echo.port())));
    }

    void theGatewayPageFollowsTrafficAndShowsABreakerOpen()
    {
        BackendProcess backend;
        QVERIFY(backend.start({QStringLiteral("--gateway-listen"), QStringLiteral("127.0.0.1:0")}));
        const quint16 gateway = quint16(QUrl(QJsonDocument::fromJson(backend.readyLine())
                                                 .object()
                                                 .value(QStringLiteral("gatewayUrl"))
                                                 .toString())
                                            .port());
        QVERIFY(gateway > 0);
        // Two instances whose checks are a minute apart: the registry does not notice a kill, the
        // gateway's breaker does.
        const QStringList slowChecks{QStringLiteral("--service"),           QStringLiteral("shop"),
                                     QStringLiteral("--check-interval-ms"), QStringLiteral("60000"),
                                     QStringLiteral("--healthy-threshold"), QStringLiteral("1")};
        EchoProcess doomed;
        EchoProcess survivor;
        QVERIFY(doomed.start(&backend, slowChecks));
        QVERIFY(survivor.start(&backend, slowChecks));
        // Both passing before any request: the gateway sends traffic to passing instances only.
        const auto passing = [&backend] {
            int n = 0;
            for (const QJsonValue &i : apiJson(backend, "GET", "/v1/registry/services/shop/instances")
                                           .value(QStringLiteral("instances"))
                                           .toArray())
                n += i.toObject().value(QStringLiteral("status")).toString() == QLatin1String("passing");
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(passing(), 2, 15'000);
        const QJsonObject route{
            {QStringLiteral("name"), QStringLiteral("shop")},
            {QStringLiteral("match"), QJsonObject{{QStringLiteral("pathPrefix"), QStringLiteral("/shop")}}},
            {QStringLiteral("service"), QStringLiteral("shop")},
            {QStringLiteral("breaker"),
             QJsonObject{{QStringLiteral("failures"), 2}, {QStringLiteral("coolDownMs"), 600'000}}}};
        QCOMPARE(apiCall(backend, "POST", "/v1/gateway/routes",
                         QJsonDocument(route).toJson(QJsonDocument::Compact))
                     .status,
                 201);
        const auto send = [gateway](int count) {
            int ok = 0;
            for (int i = 0; i < count; ++i) {
                RawHttp c;
                if (!c.connectTo(gateway))
                    continue;
                c.send("GET /shop/item HTTP/1.1\r\nHost: shop.test\r\n\r\n");
                ok += c.read(10'000).status == 200;
            }
            return ok;
        };

        QTemporaryDir home;
        const QString shot =
            QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR)).absoluteFilePath(QStringLiteral("gateway.png"));
        QProcess console;
        console.setProcessEnvironment(offscreenEnvironment(home.path()));
        console.start(binary(QStringLiteral("meshdeck")),
                      {QStringLiteral("--attach"), backend.url().toString(), QStringLiteral("--token-file"),
                       backend.tokenFile(), QStringLiteral("--page"), QStringLiteral("gateway"),
                       QStringLiteral("--screenshot"), shot, QStringLiteral("--probe-wait-text"),
                       QStringLiteral("1 open, 1 closed"), QStringLiteral("--probe-timeout-ms"),
                       QStringLiteral("40000")});
        QVERIFY(console.waitForStarted());
        // The page is open and following before any request is sent: what it shows next came live.
        QVERIFY2(waitForSubscription(console, QStringLiteral("gateway.metrics")),
                 "the console never subscribed");
        const int before = send(40);
        QVERIFY2(before == 40, backend.stderrText().right(3000).constData());
        doomed.kill9();
        const int after = send(20); // a refused connection is retried on the survivor
        QVERIFY2(after == 20, backend.stderrText().right(3000).constData());
        QTRY_VERIFY_WITH_TIMEOUT(console.state() == QProcess::NotRunning, 45'000);
        QCOMPARE(console.exitCode(), 0);
        const QJsonObject report =
            QJsonDocument::fromJson(console.readAllStandardOutput().trimmed().split('\n').constLast())
                .object();
        const QStringList texts = visibleTexts(report);
        QVERIFY2(texts.contains(QStringLiteral("1 open, 1 closed")),
                 qPrintable(texts.join(QStringLiteral(" | "))));
        QVERIFY(texts.contains(QStringLiteral("shop")));
        // The rate moved from "—" to requests a second.
        const QRegularExpression rate(QStringLiteral("^[0-9]+(\\.[0-9])?/s$"));
        QVERIFY2(std::any_of(texts.cbegin(), texts.cend(),
                             [&rate](const QString &t) { return rate.match(t).hasMatch(); }),
                 qPrintable(texts.join(QStringLiteral(" | "))));
        const QImage image(shot);
        QVERIFY(!image.isNull());
        // The open breaker's count is drawn in the theme's red (#d93636).
        QVERIFY2(pixelsNear(image, QColor(0xd9, 0x36, 0x36)) > 10, "no open breaker on the screenshot");
    }

    void theBackendDiesWithAKilledConsole()
    {
        QTemporaryDir home;
        QProcess console;
        console.setProcessEnvironment(offscreenEnvironment(home.path()));
        console.start(binary(QStringLiteral("meshdeck")),
                      {QStringLiteral("--data-dir"), home.filePath(QStringLiteral("stack"))});
        QVERIFY(console.waitForStarted());
        // The backend writes its token once it is up; find it among the console's children.
        QVERIFY(QTest::qWaitFor(
            [&] { return QFile::exists(home.filePath(QStringLiteral("stack/admin.token"))); }, 20'000));
        qint64 backendPid = 0;
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QDir task(QStringLiteral("/proc/%1/task").arg(console.processId()));
                for (const QString &tid : task.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                    QFile children(task.absoluteFilePath(tid + QStringLiteral("/children")));
                    if (children.open(QIODevice::ReadOnly)) {
                        const QByteArray ids = children.readAll().trimmed();
                        if (!ids.isEmpty())
                            backendPid = ids.split(' ').constFirst().toLongLong();
                    }
                }
                return backendPid > 0;
            },
            10'000));
        ::kill(pid_t(console.processId()), SIGKILL);
        QVERIFY(console.waitForFinished(5000));
        QVERIFY2(processGone(backendPid, 10'000), "PR_SET_PDEATHSIG stops an orphaned backend");
    }

    void saysWhyTheBackendFailedToStart()
    {
        QTemporaryDir home;
        const QString fake = home.filePath(QStringLiteral("broken-meshdeckd"));
        QFile f(fake);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\necho 'error meshdeck.backend: cannot open the database: disk I/O error' "
                ">&2\nexit 1\n");
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const Run run =
            runConsole(home.path(), {QStringLiteral("--backend"), fake, QStringLiteral("--data-dir"),
                                     home.filePath(QStringLiteral("stack")), QStringLiteral("--screenshot"),
                                     home.filePath(QStringLiteral("never.png"))});
        QCOMPARE(run.exitCode, 1);
        const QString reason = run.report.value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.contains(QStringLiteral("exited with code 1")) &&
                     reason.contains(QStringLiteral("disk I/O error")),
                 qPrintable(reason));
    }
};

QTEST_GUILESS_MAIN(TestConsoleGui)
#include "tst_console_gui.moc"
