#pragma once

#include "accesslogmodel.h"
#include "breakersmodel.h"
#include "common/choicesmodel.h"
#include "gatewaymetricsmodel.h"
#include "gatewayroutesmodel.h"
#include "routeeditor.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QQmlEngine>
#include <QTimer>

#include <QCoroTask>

#include <deque>

namespace Meshdeck::Console {

class ApiClient;
class RealtimeClient;

// The Gateway page and the Overview's gateway card: the routes with their live numbers (loaded
// from /v1/gateway/overview and /v1/gateway/routes, then moved by the gateway.metrics channel;
// the overview is asked again every few seconds only while the channel is not live, and now and
// then for what the channel does not carry), the selected route's charts and breakers, and the
// breaker reset. A backend without the gateway (404 on the overview) says so: `available` is false
// and nothing is shown as if it were data.
class GatewayController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.gateway")
    Q_PROPERTY(Meshdeck::Console::GatewayRoutesModel *routes READ routes CONSTANT)
    Q_PROPERTY(Meshdeck::Console::BreakersModel *breakers READ breakers CONSTANT)
    Q_PROPERTY(Meshdeck::Console::GatewayMetricsModel *metrics READ metrics CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *rangeChoices READ rangeChoices CONSTANT)
    Q_PROPERTY(Meshdeck::Console::RouteEditor *editor READ editor CONSTANT)
    Q_PROPERTY(Meshdeck::Console::AccessLogModel *accessLog READ accessLog CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *statusChoices READ statusChoices CONSTANT)
    Q_PROPERTY(bool loading READ isLoading NOTIFY stateChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY stateChanged)
    // False once the backend answered that it has no gateway (404 on /v1/gateway/overview).
    Q_PROPERTY(bool available READ isAvailable NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    Q_PROPERTY(bool live READ isLive NOTIFY liveChanged)
    // Why the gateway.metrics channel refused (the numbers then come from the periodic overview).
    Q_PROPERTY(QString liveError READ liveError NOTIFY liveChanged)
    Q_PROPERTY(QString selectedRoute READ selectedRoute WRITE selectRoute NOTIFY selectedRouteChanged)
    Q_PROPERTY(QString selectedRouteName READ selectedRouteName NOTIFY selectedRouteChanged)
    Q_PROPERTY(QString range READ range WRITE setRange NOTIFY rangeChanged)
    // The whole gateway: requests per second, error percentage and p95 (ms); hasTotals is false
    // until the overview answered.
    Q_PROPERTY(bool hasTotals READ hasTotals NOTIFY totalsChanged)
    Q_PROPERTY(double totalRate READ totalRate NOTIFY totalsChanged)
    Q_PROPERTY(double totalErrorPercent READ totalErrorPercent NOTIFY totalsChanged)
    Q_PROPERTY(double totalP95 READ totalP95 NOTIFY totalsChanged)
    Q_PROPERTY(QString totalsText READ totalsText NOTIFY totalsChanged)
    // The same, each as the Overview's tiles show it ("312/s", "0.1 %", "10 ms").
    Q_PROPERTY(QString totalRateText READ totalRateText NOTIFY totalsChanged)
    Q_PROPERTY(QString totalErrorText READ totalErrorText NOTIFY totalsChanged)
    Q_PROPERTY(QString totalP95Text READ totalP95Text NOTIFY totalsChanged)
    // How rate limits are enforced: "local", "shared" or "local-share", and why.
    Q_PROPERTY(QString rateLimitMode READ rateLimitMode NOTIFY totalsChanged)
    Q_PROPERTY(QString rateLimitReason READ rateLimitReason NOTIFY totalsChanged)
    // Where the gateway takes traffic (the local stack's data plane); empty when not known.
    Q_PROPERTY(QString gatewayUrl READ gatewayUrl WRITE setGatewayUrl NOTIFY gatewayUrlChanged)
public:
    // A route whose errors cross this share of at least this many requests in the last minute
    // raises a desktop notification (once, until it falls below again).
    static constexpr double ErrorAlertPercent = 5.0;
    static constexpr int ErrorAlertMinRequests = 20;
    static constexpr int ErrorAlertWindowSeconds = 60;
    static constexpr int FallbackRefreshMs = 5'000; // the channel is not live
    static constexpr int LiveRefreshMs = 30'000;    // consumers, rejections, in-flight counts
    static constexpr int AccessLogHistory = 500;    // entries read back when the log is opened

    GatewayController(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);

    GatewayRoutesModel *routes() { return &m_routes; }
    BreakersModel *breakers() { return &m_breakers; }
    GatewayMetricsModel *metrics() { return &m_metrics; }
    ChoicesModel *rangeChoices() { return &m_rangeChoices; }
    RouteEditor *editor() { return &m_editor; }
    AccessLogModel *accessLog() { return &m_accessLog; }
    // The access log's status filter: any, errors, 2xx, 3xx, 4xx, 429, 5xx.
    ChoicesModel *statusChoices() { return &m_statusChoices; }
    bool isLoading() const { return m_loading; }
    bool isLoaded() const { return m_loaded; }
    bool isAvailable() const { return m_available; }
    QString error() const { return m_error; }
    bool isLive() const;
    QString liveError() const { return m_liveError; }
    QString selectedRoute() const { return m_selected; }
    QString selectedRouteName() const;
    void selectRoute(const QString &routeId);
    QString range() const { return m_range; }
    void setRange(const QString &range);
    bool hasTotals() const { return m_hasTotals; }
    double totalRate() const { return m_totalRate; }
    double totalErrorPercent() const { return m_totalErrorPercent; }
    double totalP95() const { return m_totalP95; }
    QString totalsText() const;
    QString totalRateText() const;
    QString totalErrorText() const;
    QString totalP95Text() const;
    QString rateLimitMode() const { return m_rateLimitMode; }
    QString rateLimitReason() const { return m_rateLimitReason; }
    QString gatewayUrl() const { return m_gatewayUrl; }
    void setGatewayUrl(const QString &url);

    // Loads the overview and the routes, then follows the channel; called once connected.
    void start();
    // Another backend is being attached: everything of the previous one goes at once, replies
    // still in flight from it are dropped.
    void reset();
    // F5 and the retry buttons: the overview, the routes, the breakers and the selected chart again.
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void refreshMetrics();
    // What a reset does, said before it is done.
    Q_INVOKABLE QString resetConfirmation(const QString &routeId, const QString &instanceId) const;
    // POST /v1/gateway/breakers/{routeId}/{instanceId}/reset.
    Q_INVOKABLE void resetBreaker(const QString &routeId, const QString &instanceId);
    // The access log: its latest entries, then live (the Access log tab calls this when shown;
    // again after a failure, it loads again).
    Q_INVOKABLE void followAccessLog();

Q_SIGNALS:
    void stateChanged();
    void liveChanged();
    void selectedRouteChanged();
    void rangeChanged();
    void totalsChanged();
    void gatewayUrlChanged();
    // The selected route's series was replaced, or a live second added (for the charts).
    void metricsChanged();
    void metricsAppended();
    void actionFinished(bool ok, const QString &message);
    // A route's errors crossed ErrorAlertPercent of at least ErrorAlertMinRequests requests over
    // the last minute (for the desktop notification).
    void routeErrorRateHigh(const QString &route, double errorPercent, int requests);

private:
    void onMessage(const QString &channel, const QJsonObject &message);
    void trackErrors(const QJsonArray &routes);
    void setState(bool loading, bool loaded, bool available, const QString &error);
    void takeTotals(const QJsonObject &overview);
    void scheduleRefresh();
    QCoro::Task<void> load(bool initial);
    QCoro::Task<void> loadBreakers();
    QCoro::Task<void> loadMetrics(QString routeId, QString range);
    QCoro::Task<void> postReset(QString routeId, QString instanceId);
    QCoro::Task<void> loadAccessLog();

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    GatewayRoutesModel m_routes;
    BreakersModel m_breakers;
    GatewayMetricsModel m_metrics;
    ChoicesModel m_rangeChoices;
    RouteEditor m_editor;
    AccessLogModel m_accessLog;
    ChoicesModel m_statusChoices;
    bool m_accessLogFollowed = false; // loaded and subscribed
    bool m_loading = false;
    bool m_loaded = false;
    bool m_available = true;
    bool m_started = false;
    bool m_subscribed = false;
    bool m_loadInFlight = false;
    QString m_error;
    QString m_selected;
    QString m_pendingSelection; // a route just saved or restored: selected once the list has it
    QString m_range = QStringLiteral("5m");
    bool m_hasTotals = false;
    double m_totalRate = 0;
    double m_totalErrorPercent = 0;
    double m_totalP95 = 0;
    QString m_rateLimitMode;
    QString m_rateLimitReason;
    QString m_gatewayUrl;
    qint64 m_lastLiveMs = 0; // when the channel last spoke
    QString m_liveError;
    QTimer m_refresh;
    QTimer m_liveTimeout; // the channel fell silent: not live any more, the overview takes over
    struct ErrorWindow {
        std::deque<std::pair<int, int>> seconds; // requests, errors
        bool alerted = false;
    };
    QHash<QString, ErrorWindow> m_errorWindows; // route id -> the last minute
    quint64 m_attachment = 0;                   // bumps on reset(): a reply of an older attachment is dropped
};

} // namespace Meshdeck::Console
