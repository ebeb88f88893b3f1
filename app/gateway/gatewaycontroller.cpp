#include "gatewaycontroller.h"

#include "api/apiclient.h"
#include "api/realtimeclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrl>

Q_LOGGING_CATEGORY(lcGateway, "meshdeck.console.gateway", QtInfoMsg)

namespace Meshdeck::Console {

namespace {
const QString Channel = QStringLiteral("gateway.metrics");
const QString AccessTopic = QStringLiteral("gateway.access");
const QString AccessChannel = QStringLiteral("events.gateway.access");
constexpr const char *Ctx = "Meshdeck::Console::GatewayController";
constexpr qint64 LiveWithinMs = 5'000; // the channel speaks every second

QString encoded(const QString &segment)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(segment));
}
} // namespace

GatewayController::GatewayController(ApiClient *api, RealtimeClient *realtime, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_realtime(realtime)
    , m_rangeChoices(
          {{QStringLiteral("5m"), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "5 minutes"),
            Ctx},
           {QStringLiteral("1h"), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "1 hour"), Ctx},
           {QStringLiteral("24h"), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "24 hours"),
            Ctx}})
    , m_editor(api)
    , m_statusChoices(
          {{QString(), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "Any status"), Ctx},
           {QStringLiteral("errors"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "Errors and refusals"), Ctx},
           {QStringLiteral("2xx"), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "2xx"), Ctx},
           {QStringLiteral("3xx"), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "3xx"), Ctx},
           {QStringLiteral("4xx"), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "4xx"), Ctx},
           {QStringLiteral("429"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "429 (rate limited)"), Ctx},
           {QStringLiteral("5xx"), QT_TRANSLATE_NOOP("Meshdeck::Console::GatewayController", "5xx"), Ctx}})
{
    connect(m_realtime, &RealtimeClient::event, this,
            [this](const QString &channel, const QJsonObject &event) {
                if (channel == AccessChannel && m_accessLogFollowed)
                    m_accessLog.append(event);
            });
    connect(&m_editor, &RouteEditor::failed, this,
            [this](const QString &message) { Q_EMIT actionFinished(false, message); });
    // A saved, deleted or restored route: the list again (the set of routes or their config changed).
    const auto changed = [this](const QString &routeId, const QString &message) {
        Q_EMIT actionFinished(true, message);
        m_pendingSelection = routeId;
        QCoro::connect(load(true), this, [] {});
    };
    connect(&m_editor, &RouteEditor::saved, this, changed);
    connect(&m_editor, &RouteEditor::restored, this, changed);
    connect(&m_editor, &RouteEditor::removed, this, [this](const QString &, const QString &message) {
        Q_EMIT actionFinished(true, message);
        QCoro::connect(load(true), this, [] {});
    });
    connect(m_realtime, &RealtimeClient::message, this, &GatewayController::onMessage);
    connect(m_realtime, &RealtimeClient::connectedChanged, this, &GatewayController::liveChanged);
    connect(m_realtime, &RealtimeClient::problem, this,
            [this](const QString &channel, const QString &reason) {
                if (channel != Channel)
                    return;
                // The numbers stay (the overview keeps them fresh); the page says why they are not live.
                qCInfo(lcGateway).noquote() << "gateway.metrics refused:" << reason;
                m_lastLiveMs = 0;
                m_liveError = tr("The live numbers are not available: %1").arg(reason);
                Q_EMIT liveChanged();
            });
    connect(&m_metrics, &GatewayMetricsModel::pointsChanged, this, &GatewayController::metricsChanged);
    connect(&m_metrics, &GatewayMetricsModel::pointAppended, this, &GatewayController::metricsAppended);
    m_liveTimeout.setSingleShot(true);
    m_liveTimeout.setInterval(int(LiveWithinMs));
    connect(&m_liveTimeout, &QTimer::timeout, this, [this] {
        Q_EMIT liveChanged();
        scheduleRefresh();
    });
    m_refresh.setInterval(FallbackRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, [this] {
        if (!m_loadInFlight)
            QCoro::connect(load(false), this, [] {});
    });
    // Nothing is known until the overview answers.
    m_routes.setLoading(true);
}

bool GatewayController::isLive() const
{
    return m_realtime->isConnected() && m_lastLiveMs > 0 &&
           QDateTime::currentMSecsSinceEpoch() - m_lastLiveMs < LiveWithinMs;
}

QString GatewayController::selectedRouteName() const
{
    const GatewayRoutesModel::Row *row = m_routes.route(m_selected);
    return row ? row->name : QString();
}

QString GatewayController::totalRateText() const
{
    return m_hasTotals ? tr("%1/s").arg(QLocale().toString(m_totalRate, 'f', m_totalRate < 10 ? 1 : 0))
                       : QString();
}

QString GatewayController::totalErrorText() const
{
    return m_hasTotals ? tr("%1 %").arg(QLocale().toString(m_totalErrorPercent, 'f', 1)) : QString();
}

QString GatewayController::totalP95Text() const
{
    return m_hasTotals ? GatewayRoutesModel::formatMs(m_totalP95) : QString();
}

QString GatewayController::totalsText() const
{
    if (!m_hasTotals)
        return {};
    return tr("%1 requests · %2 errors · p95 %3").arg(totalRateText(), totalErrorText(), totalP95Text());
}

void GatewayController::setGatewayUrl(const QString &url)
{
    if (url == m_gatewayUrl)
        return;
    m_gatewayUrl = url;
    Q_EMIT gatewayUrlChanged();
}

void GatewayController::setState(bool loading, bool loaded, bool available, const QString &error)
{
    if (loading == m_loading && loaded == m_loaded && available == m_available && error == m_error)
        return;
    m_loading = loading;
    m_loaded = loaded;
    m_available = available;
    m_error = error;
    Q_EMIT stateChanged();
}

void GatewayController::start()
{
    if (m_started)
        return;
    m_started = true;
    QCoro::connect(load(true), this, [] {});
}

void GatewayController::reset()
{
    ++m_attachment;
    m_started = false;
    m_loadInFlight = false;
    m_refresh.stop();
    m_liveTimeout.stop();
    if (m_subscribed) {
        m_realtime->unsubscribe(Channel);
        m_subscribed = false;
    }
    m_lastLiveMs = 0;
    m_liveError.clear();
    m_errorWindows.clear();
    m_pendingSelection.clear();
    m_editor.reset();
    if (m_accessLogFollowed) {
        m_realtime->unsubscribe(AccessChannel);
        m_accessLogFollowed = false;
    }
    m_accessLog.clear();
    m_accessLog.setLoading(false);
    m_routes.clear();
    m_routes.setError({});
    m_routes.setLoading(true);
    m_breakers.clear();
    m_breakers.setRouteId({});
    m_metrics.clear();
    if (!m_selected.isEmpty()) {
        m_selected.clear();
        Q_EMIT selectedRouteChanged();
    }
    m_hasTotals = false;
    m_totalRate = m_totalErrorPercent = m_totalP95 = 0;
    m_rateLimitMode.clear();
    m_rateLimitReason.clear();
    Q_EMIT totalsChanged();
    setGatewayUrl({});
    setState(false, false, true, {});
    Q_EMIT liveChanged();
}

void GatewayController::refresh()
{
    if (!m_started)
        return;
    QCoro::connect(load(!m_loaded), this, [] {});
}

void GatewayController::takeTotals(const QJsonObject &overview)
{
    const QJsonObject totals = overview.value(QStringLiteral("totals")).toObject();
    const QJsonObject limits = overview.value(QStringLiteral("rateLimits")).toObject();
    m_hasTotals = true;
    m_totalRate = totals.value(QStringLiteral("ratePerSecond")).toDouble();
    m_totalErrorPercent = totals.value(QStringLiteral("errorPercent")).toDouble();
    m_totalP95 = totals.value(QStringLiteral("p95Ms")).toDouble();
    m_rateLimitMode = limits.value(QStringLiteral("mode")).toString();
    m_rateLimitReason = limits.value(QStringLiteral("reason")).toString();
    Q_EMIT totalsChanged();
}

// The first load (and a retry after a failure) fills the lists or says why not; a later one only
// refreshes the numbers and keeps what is shown when it fails.
QCoro::Task<void> GatewayController::load(bool initial)
{
    QPointer<GatewayController> self(this);
    const quint64 attachment = m_attachment;
    m_loadInFlight = true;
    if (initial) {
        m_routes.setLoading(true);
        setState(true, m_loaded, m_available, {});
    }
    const ApiReply overview = co_await m_api->get(QStringLiteral("/v1/gateway/overview"));
    if (!self || attachment != m_attachment)
        co_return;
    if (overview.status == 404) {
        // No gateway on this backend (an older meshdeckd): nothing to show, nothing to poll.
        m_loadInFlight = false;
        m_refresh.stop();
        m_routes.clear();
        m_routes.setError({});
        m_routes.setLoading(false);
        setState(false, true, false, {});
        co_return;
    }
    if (!overview.ok()) {
        m_loadInFlight = false;
        m_routes.setLoading(false);
        if (initial || !m_loaded) {
            m_routes.fail(tr("Could not load the gateway's routes: %1").arg(overview.error));
            setState(false, false, true, m_routes.error());
        } else {
            setState(false, true, true,
                     tr("Could not refresh the gateway's numbers (those shown may be old): %1")
                         .arg(overview.error));
        }
        scheduleRefresh();
        co_return;
    }
    const QJsonObject overviewObject = overview.json.object();
    const QJsonArray overviewRoutes = overviewObject.value(QStringLiteral("routes")).toArray();
    bool sameRoutes = !initial && m_loaded && overviewRoutes.size() == m_routes.rowCount();
    for (qsizetype i = 0; sameRoutes && i < overviewRoutes.size(); ++i)
        sameRoutes =
            m_routes.rowOf(overviewRoutes.at(i).toObject().value(QStringLiteral("id")).toString()) >= 0;
    if (sameRoutes) {
        m_routes.applyOverview(overviewRoutes);
        m_breakers.setFromOverview(overviewRoutes);
        takeTotals(overviewObject);
        m_loadInFlight = false;
        setState(false, true, true, {});
        scheduleRefresh();
        co_return;
    }
    // The first load, or the set of routes changed: their configuration too.
    const ApiReply routes = co_await m_api->get(QStringLiteral("/v1/gateway/routes"));
    if (!self || attachment != m_attachment)
        co_return;
    m_loadInFlight = false;
    m_routes.setLoading(false);
    if (!routes.ok()) {
        m_routes.fail(tr("Could not load the gateway's routes: %1").arg(routes.error));
        setState(false, false, true, m_routes.error());
        scheduleRefresh();
        co_return;
    }
    m_routes.setRoutes(routes.json.object().value(QStringLiteral("routes")).toArray(), overviewRoutes);
    m_breakers.setFromOverview(overviewRoutes);
    takeTotals(overviewObject);
    setState(false, true, true, {});
    if (!m_subscribed) {
        m_subscribed = true;
        m_realtime->subscribe(Channel);
    }
    if (!m_pendingSelection.isEmpty() && m_routes.rowOf(m_pendingSelection) >= 0)
        selectRoute(m_pendingSelection);
    m_pendingSelection.clear();
    if (m_selected.isEmpty() || m_routes.rowOf(m_selected) < 0) {
        // The first route (or none): the details pane always shows something that exists.
        selectRoute(m_routes.rowCount() > 0
                        ? m_routes.data(m_routes.index(0), GatewayRoutesModel::RouteIdRole).toString()
                        : QString());
    }
    Q_EMIT selectedRouteChanged(); // its name may have changed
    QCoro::connect(loadBreakers(), this, [] {});
    scheduleRefresh();
}

void GatewayController::scheduleRefresh()
{
    if (!m_available)
        return;
    m_refresh.start(isLive() ? LiveRefreshMs : FallbackRefreshMs);
}

QCoro::Task<void> GatewayController::loadBreakers()
{
    QPointer<GatewayController> self(this);
    const quint64 attachment = m_attachment;
    m_breakers.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/gateway/breakers"));
    if (!self || attachment != m_attachment)
        co_return;
    m_breakers.setLoading(false);
    if (!reply.ok()) {
        // The instances and their states are known from the overview; the trip history is not.
        m_breakers.setError(tr("Could not load the breakers' trip history: %1").arg(reply.error));
        co_return;
    }
    m_breakers.setError({});
    m_breakers.merge(reply.json.object().value(QStringLiteral("breakers")).toArray());
}

void GatewayController::selectRoute(const QString &routeId)
{
    if (routeId == m_selected)
        return;
    m_selected = routeId;
    m_breakers.setRouteId(routeId);
    Q_EMIT selectedRouteChanged();
    refreshMetrics();
}

void GatewayController::setRange(const QString &range)
{
    if (range == m_range || m_rangeChoices.indexOf(range) < 0)
        return;
    m_range = range;
    Q_EMIT rangeChanged();
    refreshMetrics();
}

void GatewayController::refreshMetrics()
{
    if (m_selected.isEmpty()) {
        m_metrics.clear();
        return;
    }
    QCoro::connect(loadMetrics(m_selected, m_range), this, [] {});
}

QCoro::Task<void> GatewayController::loadMetrics(QString routeId, QString range)
{
    QPointer<GatewayController> self(this);
    const quint64 attachment = m_attachment;
    m_metrics.begin(routeId, range);
    const ApiReply reply = co_await m_api->get(
        QStringLiteral("/v1/gateway/metrics?route=%1&range=%2").arg(encoded(routeId), range));
    if (!self || attachment != m_attachment || routeId != m_selected || range != m_range)
        co_return;
    if (!reply.ok()) {
        m_metrics.fail(routeId, range, tr("Could not load the route's metrics: %1").arg(reply.error));
        co_return;
    }
    m_metrics.setSeries(routeId, range, reply.json.object());
}

void GatewayController::onMessage(const QString &channel, const QJsonObject &message)
{
    if (channel != Channel || !m_loaded || !m_available)
        return;
    const bool wasLive = isLive();
    m_lastLiveMs = QDateTime::currentMSecsSinceEpoch();
    m_liveTimeout.start();
    const QJsonArray routes = message.value(QStringLiteral("routes")).toArray();
    m_routes.applyLive(routes);
    const QJsonArray breakers = message.value(QStringLiteral("breakers")).toArray();
    if (!breakers.isEmpty()) {
        m_routes.applyBreakers(breakers);
        m_breakers.merge(breakers);
    }
    // Live totals: every route's requests and errors in this second.
    double requests = 0, errors = 0;
    for (const QJsonValue &v : routes) {
        requests += v.toObject().value(QStringLiteral("requests")).toDouble();
        errors += v.toObject().value(QStringLiteral("errors")).toDouble();
    }
    if (m_hasTotals) {
        m_totalRate = requests;
        m_totalErrorPercent = requests > 0 ? errors * 100.0 / requests : 0;
        Q_EMIT totalsChanged();
    }
    if (!m_selected.isEmpty()) {
        const QDateTime t =
            QDateTime::fromString(message.value(QStringLiteral("t")).toString(), Qt::ISODateWithMs);
        QJsonObject point;
        for (const QJsonValue &v : routes) {
            if (v.toObject().value(QStringLiteral("id")).toString() == m_selected)
                point = v.toObject();
        }
        m_metrics.appendLive(t.isValid() ? t.toMSecsSinceEpoch() : m_lastLiveMs, point);
    }
    trackErrors(routes);
    m_liveError.clear();
    if (!wasLive) {
        Q_EMIT liveChanged();
        scheduleRefresh();
    }
}

void GatewayController::trackErrors(const QJsonArray &routes)
{
    QHash<QString, std::pair<int, int>> now;
    for (const QJsonValue &v : routes) {
        const QJsonObject r = v.toObject();
        now.insert(r.value(QStringLiteral("id")).toString(),
                   {r.value(QStringLiteral("requests")).toInt(), r.value(QStringLiteral("errors")).toInt()});
    }
    for (const GatewayRoutesModel::Row &row : m_routes.all()) {
        ErrorWindow &window = m_errorWindows[row.id];
        window.seconds.push_back(now.value(row.id, {0, 0}));
        while (window.seconds.size() > size_t(ErrorAlertWindowSeconds))
            window.seconds.pop_front();
        int requests = 0, errors = 0;
        for (const auto &[r, e] : window.seconds) {
            requests += r;
            errors += e;
        }
        const bool high = requests >= ErrorAlertMinRequests && errors * 100.0 >= ErrorAlertPercent * requests;
        if (high && !window.alerted) {
            window.alerted = true;
            Q_EMIT routeErrorRateHigh(row.name, errors * 100.0 / requests, requests);
        } else if (!high && window.alerted) {
            window.alerted = false; // below again: the next crossing notifies again
        }
    }
}

QString GatewayController::resetConfirmation(const QString &routeId, const QString &instanceId) const
{
    const QJsonObject b = m_breakers.breaker(routeId, instanceId);
    const GatewayRoutesModel::Row *route = m_routes.route(routeId);
    const int failures = route ? route->spec.value(QStringLiteral("breaker"))
                                     .toObject()
                                     .value(QStringLiteral("failures"))
                                     .toInt(5)
                               : 5;
    const QString address = b.value(QStringLiteral("address")).toString();
    const QString endpoint =
        address.isEmpty() ? instanceId
                          : QStringLiteral("%1:%2").arg(address).arg(b.value(QStringLiteral("port")).toInt());
    return tr("The breaker of %1 on route %2 closes now: the gateway sends it requests again at once, "
              "without "
              "waiting for the cool-down or a probe. If it keeps failing, the breaker opens again after %n "
              "consecutive failure(s).",
              nullptr, failures)
        .arg(endpoint, route ? route->name : routeId);
}

void GatewayController::resetBreaker(const QString &routeId, const QString &instanceId)
{
    QCoro::connect(postReset(routeId, instanceId), this, [] {});
}

QCoro::Task<void> GatewayController::postReset(QString routeId, QString instanceId)
{
    QPointer<GatewayController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->post(
        QStringLiteral("/v1/gateway/breakers/%1/%2/reset").arg(encoded(routeId), encoded(instanceId)), {});
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, tr("The breaker was not reset: %1").arg(reply.error));
        co_return;
    }
    QJsonObject breaker = reply.json.object();
    if (breaker.value(QStringLiteral("routeId")).toString().isEmpty())
        breaker.insert(QStringLiteral("routeId"), routeId);
    if (breaker.value(QStringLiteral("instanceId")).toString().isEmpty())
        breaker.insert(QStringLiteral("instanceId"), instanceId);
    if (!breaker.contains(QStringLiteral("state")))
        breaker.insert(QStringLiteral("state"), QStringLiteral("closed"));
    m_breakers.merge(QJsonArray{breaker});
    m_routes.applyBreakers(QJsonArray{breaker});
    Q_EMIT actionFinished(true, tr("The breaker is closed; requests go to the instance again."));
}

void GatewayController::followAccessLog()
{
    if (m_accessLogFollowed || m_accessLog.isLoading())
        return;
    QCoro::connect(loadAccessLog(), this, [] {});
}

// The latest entries first (read back from the topic's head), then live from the next offset.
QCoro::Task<void> GatewayController::loadAccessLog()
{
    QPointer<GatewayController> self(this);
    const quint64 attachment = m_attachment;
    m_accessLog.setLoading(true);
    const ApiReply topic = co_await m_api->get(QStringLiteral("/v1/events/topics/") + AccessTopic);
    if (!self || attachment != m_attachment)
        co_return;
    qint64 head = 0;
    if (topic.ok()) {
        head = topic.json.object().value(QStringLiteral("headOffset")).toInteger();
    } else if (topic.status != 404) { // 404: nothing was logged yet, so the topic is not there
        m_accessLog.setLoading(false);
        m_accessLog.setError(tr("Could not read the access log: %1").arg(topic.error));
        co_return;
    }
    QList<QJsonObject> events;
    qint64 next = head;
    if (head > 0) {
        const qint64 from = qMax<qint64>(0, head - AccessLogHistory);
        const ApiReply page =
            co_await m_api->get(QStringLiteral("/v1/events/topics/%1/events?fromOffset=%2&limit=%3")
                                    .arg(AccessTopic)
                                    .arg(from)
                                    .arg(head - from));
        if (!self || attachment != m_attachment)
            co_return;
        if (!page.ok()) {
            m_accessLog.setLoading(false);
            m_accessLog.setError(tr("Could not read the access log: %1").arg(page.error));
            co_return;
        }
        for (const QJsonValue &v : page.json.object().value(QStringLiteral("events")).toArray())
            events << v.toObject();
        next = page.json.object().value(QStringLiteral("nextOffset")).toInteger(head);
    }
    m_accessLog.setEvents(events);
    m_accessLog.setLoading(false);
    m_accessLogFollowed = true;
    m_realtime->subscribe(AccessChannel, next);
}

} // namespace Meshdeck::Console
