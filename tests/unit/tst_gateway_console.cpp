#include "testing.h"

#include "api/fakeapiclient.h"
#include "api/realtimeclient.h"
#include "gateway/accesslogmodel.h"
#include "gateway/breakersmodel.h"
#include "gateway/gatewaycontroller.h"
#include "gateway/gatewaymetricsmodel.h"
#include "gateway/gatewayroutesmodel.h"
#include "gateway/routeeditor.h"
#include "shell/desktopnotifier.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {
const QString Overview = QStringLiteral("/v1/gateway/overview");
const QString Routes = QStringLiteral("/v1/gateway/routes");
const QString Breakers = QStringLiteral("/v1/gateway/breakers");
const QString Metrics5m = QStringLiteral("/v1/gateway/metrics?route=r-billing&range=5m");
const QString Metrics1h = QStringLiteral("/v1/gateway/metrics?route=r-billing&range=1h");
const auto Mode = QAbstractItemModelTester::FailureReportingMode::QtTest;

QString data(const QString &file)
{
    return testDataPath(QStringLiteral("gateway/") + file);
}

// A backend with the gateway: two routes (billing, orders), billing's two instances, its charts.
void serveGateway(FakeApiClient &api)
{
    api.setReplyFromFile(Overview, data(QStringLiteral("overview.json")));
    api.setReplyFromFile(Routes, data(QStringLiteral("routes.json")));
    api.setReplyFromFile(Breakers, data(QStringLiteral("breakers.json")));
    api.setReplyFromFile(Metrics5m, data(QStringLiteral("metrics-5m.json")));
    api.setReplyFromFile(Metrics1h, data(QStringLiteral("metrics-1h.json")));
}

// One second of the gateway.metrics channel.
QJsonObject metricsMessage(const QString &time, const QJsonArray &routes, const QJsonArray &breakers = {})
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("gateway.metrics")},
                       {QStringLiteral("channel"), QStringLiteral("gateway.metrics")},
                       {QStringLiteral("t"), time},
                       {QStringLiteral("routes"), routes},
                       {QStringLiteral("breakers"), breakers}};
}

QJsonObject routeSecond(const QString &id, int requests, int errors, double p99 = 20)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), id.mid(2)},
                       {QStringLiteral("requests"), requests},
                       {QStringLiteral("errors"), errors},
                       {QStringLiteral("p50Ms"), 3},
                       {QStringLiteral("p95Ms"), 10},
                       {QStringLiteral("p99Ms"), p99},
                       {QStringLiteral("gatewayP99Ms"), 0.3}};
}

QVariant role(const QAbstractItemModel *model, int row, int role)
{
    return model->data(model->index(row, 0), role);
}

QStringList routeNames(const GatewayRoutesModel *model)
{
    QStringList names;
    for (int row = 0; row < model->rowCount(); ++row)
        names << role(model, row, GatewayRoutesModel::NameRole).toString();
    return names;
}

// A problem document with more members, as the backend sends one.
ApiReply problemWith(int status, const QString &code, const QString &detail, const QJsonObject &extra)
{
    ApiReply reply = FakeApiClient::problem(status, code, detail);
    QJsonObject problem = reply.json.object();
    for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
        problem.insert(it.key(), it.value());
    reply.json = QJsonDocument(problem);
    return reply;
}

ApiReply okJson(const QJsonObject &object, int status = 200)
{
    return ApiReply{status, QJsonDocument(object), {}};
}

QJsonObject billingRoute(qint64 version)
{
    QFile file(data(QStringLiteral("routes.json")));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read routes.json");
    QJsonObject route = QJsonDocument::fromJson(file.readAll())
                            .object()
                            .value(QStringLiteral("routes"))
                            .toArray()
                            .at(0)
                            .toObject();
    route.insert(QStringLiteral("version"), version);
    return route;
}

QJsonObject bodyOf(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QJsonObject accessEvent(qint64 offset, const QString &requestId, const QString &route, int status,
                        const QString &cause = {})
{
    return QJsonObject{
        {QStringLiteral("offset"), offset},
        {QStringLiteral("type"), QStringLiteral("gateway.access")},
        {QStringLiteral("key"), requestId},
        {QStringLiteral("time"), QStringLiteral("2026-11-30T10:00:00.000Z")},
        {QStringLiteral("data"),
         QJsonObject{{QStringLiteral("requestId"), requestId},
                     {QStringLiteral("routeId"), QStringLiteral("r-") + route},
                     {QStringLiteral("route"), route},
                     {QStringLiteral("method"), QStringLiteral("GET")},
                     {QStringLiteral("path"), QStringLiteral("/") + route + QStringLiteral("/x")},
                     {QStringLiteral("status"), status},
                     {QStringLiteral("durationMs"), 12.4},
                     {QStringLiteral("gatewayMs"), 0.4},
                     {QStringLiteral("upstreamMs"), 12.1},
                     {QStringLiteral("instanceId"),
                      cause.isEmpty() ? QJsonValue(QStringLiteral("i-1")) : QJsonValue()},
                     {QStringLiteral("client"), QStringLiteral("127.0.0.1")},
                     {QStringLiteral("consumer"), QJsonValue::Null},
                     {QStringLiteral("bytesIn"), 0},
                     {QStringLiteral("bytesOut"), 10},
                     {QStringLiteral("cause"), cause.isEmpty() ? QJsonValue() : QJsonValue(cause)}}}};
}

QStringList requestIds(const AccessLogModel *log)
{
    QStringList ids;
    for (int row = 0; row < log->rowCount(); ++row)
        ids << role(log, row, AccessLogModel::RequestIdRole).toString();
    return ids;
}

// A /v1/realtime server as the real one behaves for subscriptions: one subscription per channel and
// session ("Already subscribed" otherwise), a subscription from an offset replays what it holds from
// there, and an unsubscribe is answered "unsubscribed".
class FakeRealtimeServer : public QObject
{
public:
    FakeRealtimeServer()
        : m_server(QStringLiteral("fake"), QWebSocketServer::NonSecureMode)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            m_socket = m_server.nextPendingConnection();
            connect(m_socket, &QWebSocket::textMessageReceived, this, &FakeRealtimeServer::onText);
            send({{QStringLiteral("type"), QStringLiteral("welcome")}});
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    // The next event of `channel`, sent to the client if it subscribed.
    void publish(const QString &channel)
    {
        const QJsonObject event{{QStringLiteral("offset"), qint64(m_events[channel]++)}};
        if (m_subscribed.contains(channel))
            send({{QStringLiteral("type"), QStringLiteral("event")},
                  {QStringLiteral("channel"), channel},
                  {QStringLiteral("event"), event}});
    }
    bool subscribed(const QString &channel) const { return m_subscribed.contains(channel); }
    QStringList received; // "subscribe CHANNEL FROM" and "unsubscribe CHANNEL", in order

private:
    void send(const QJsonObject &message)
    {
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    void onText(const QString &text)
    {
        const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = m.value(QStringLiteral("type")).toString();
        const QString channel = m.value(QStringLiteral("channel")).toString();
        if (type == QLatin1String("subscribe")) {
            const qint64 from = m.value(QStringLiteral("fromOffset")).toInteger(-1);
            received << QStringLiteral("subscribe %1 %2").arg(channel).arg(from);
            if (m_subscribed.contains(channel)) {
                send(
                    {{QStringLiteral("type"), QStringLiteral("error")},
                     {QStringLiteral("channel"), channel},
                     {QStringLiteral("reason"), QStringLiteral("Already subscribed to '%1'.").arg(channel)}});
                return;
            }
            m_subscribed.insert(channel);
            const qint64 head = m_events.value(channel);
            send({{QStringLiteral("type"), QStringLiteral("subscribed")},
                  {QStringLiteral("channel"), channel},
                  {QStringLiteral("fromOffset"), from < 0 ? head : from},
                  {QStringLiteral("headOffset"), head}});
            for (qint64 offset = qMax<qint64>(from, 0); from >= 0 && offset < head; ++offset)
                send({{QStringLiteral("type"), QStringLiteral("event")},
                      {QStringLiteral("channel"), channel},
                      {QStringLiteral("event"), QJsonObject{{QStringLiteral("offset"), offset}}}});
        } else if (type == QLatin1String("unsubscribe")) {
            received << QStringLiteral("unsubscribe %1").arg(channel);
            m_subscribed.remove(channel);
            send({{QStringLiteral("type"), QStringLiteral("unsubscribed")},
                  {QStringLiteral("channel"), channel}});
        }
    }

    QWebSocketServer m_server;
    QWebSocket *m_socket = nullptr;
    QSet<QString> m_subscribed;
    QHash<QString, int> m_events;
};
} // namespace

class TestGatewayConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsRoutesWithTheirLiveNumbersAndTheSelectedRoutesBreakers()
    {
        FakeApiClient api;
        serveGateway(api);
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester routesTester(gateway.routes(), Mode);
        QAbstractItemModelTester breakersTester(gateway.breakers(), Mode);
        QAbstractItemModelTester metricsTester(gateway.metrics(), Mode);
        QVERIFY(gateway.routes()->isLoading()); // until the overview answers: not "no routes"

        gateway.start();
        QTRY_VERIFY(gateway.isLoaded());
        QVERIFY(gateway.isAvailable());
        QCOMPARE(gateway.error(), QString());
        QVERIFY(!gateway.routes()->isLoading());
        const GatewayRoutesModel *routes = gateway.routes();
        QCOMPARE(routeNames(routes), (QStringList{QStringLiteral("billing"), QStringLiteral("orders")}));
        QCOMPARE(role(routes, 0, GatewayRoutesModel::MatchRole).toString(),
                 QStringLiteral("api.example.test/billing · GET, POST"));
        QCOMPARE(role(routes, 0, GatewayRoutesModel::ServiceRole).toString(), QStringLiteral("billing"));
        QCOMPARE(role(routes, 0, GatewayRoutesModel::VersionRole).toLongLong(), 4);
        QCOMPARE(role(routes, 0, GatewayRoutesModel::RateRole).toDouble(), 12.5);
        QCOMPARE(role(routes, 0, GatewayRoutesModel::ErrorPercentRole).toDouble(), 2.0);
        QCOMPARE(role(routes, 0, GatewayRoutesModel::P95Role).toDouble(), 18.0);
        QCOMPARE(role(routes, 0, GatewayRoutesModel::GatewayP99Role).toDouble(), 0.6);
        QCOMPARE(role(routes, 0, GatewayRoutesModel::LatencyTextRole).toString(),
                 QStringLiteral("4.2 ms / 18 ms / 40 ms"));
        QCOMPARE(role(routes, 0, GatewayRoutesModel::RateLimitedRole).toLongLong(), 7);
        QCOMPARE(role(routes, 0, GatewayRoutesModel::BusiestConsumerRole).toString(),
                 QStringLiteral("key k-42: 120 of 1000 left"));
        QCOMPARE(role(routes, 0, GatewayRoutesModel::BreakersRole).toString(),
                 QStringLiteral("1 open, 1 closed"));
        QCOMPARE(role(routes, 0, GatewayRoutesModel::OpenBreakersRole).toInt(), 1);
        QCOMPARE(role(routes, 1, GatewayRoutesModel::BusiestConsumerRole).toString(), QString());

        // The whole gateway, for the Overview's card.
        QVERIFY(gateway.hasTotals());
        QCOMPARE(gateway.totalRate(), 312.5);
        QCOMPARE(gateway.totalP95(), 10.0);
        QCOMPARE(gateway.rateLimitMode(), QStringLiteral("local"));

        // The first route is selected: its instances with their breakers, and its 5-minute chart.
        QCOMPARE(gateway.selectedRoute(), QStringLiteral("r-billing"));
        QCOMPARE(gateway.selectedRouteName(), QStringLiteral("billing"));
        const BreakersModel *breakers = gateway.breakers();
        QTRY_COMPARE(breakers->rowCount(), 2);
        QCOMPARE(role(breakers, 0, BreakersModel::EndpointRole).toString(), QStringLiteral("10.0.0.1:8080"));
        QCOMPARE(role(breakers, 0, BreakersModel::InFlightRole).toInt(), 2);
        QCOMPARE(role(breakers, 1, BreakersModel::StateRole).toString(), QStringLiteral("open"));
        QTRY_COMPARE(role(breakers, 1, BreakersModel::ConsecutiveFailuresRole).toInt(), 3);
        QCOMPARE(role(breakers, 1, BreakersModel::TripsRole).toInt(), 1);
        QVERIFY(role(breakers, 1, BreakersModel::LastTripRole).toString().contains(QStringLiteral("502")));
        QTRY_COMPARE(gateway.metrics()->rowCount(), 2);
        QCOMPARE(gateway.metrics()->valueAt(0, QStringLiteral("errorPercent")), 10.0);
        QCOMPARE(gateway.metrics()->valueAt(1, QStringLiteral("rate")), 20.0);
        QCOMPARE(gateway.metrics()->axisMaxLatency(), 50.0); // 35 ms with 20 % headroom, rounded up

        // Another route: its instances only.
        gateway.selectRoute(QStringLiteral("r-orders"));
        QCOMPARE(breakers->rowCount(), 1);
        QCOMPARE(role(breakers, 0, BreakersModel::EndpointRole).toString(), QStringLiteral("10.0.0.3:9000"));
    }

    void aFailedRequestIsShownAsAFailureNotAsNoRoutes()
    {
        FakeApiClient api;
        api.setReply(Overview,
                     ApiReply{500, {}, QStringLiteral("The gateway's metrics store is unavailable.")});
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester routesTester(gateway.routes(), Mode);
        gateway.start();
        QTRY_VERIFY(!gateway.routes()->error().isEmpty());
        QVERIFY(!gateway.routes()->isLoading());
        QCOMPARE(gateway.routes()->rowCount(), 0);
        QVERIFY(gateway.isAvailable()); // a failure is not "no gateway"
        QCOMPARE(gateway.routes()->error(),
                 QStringLiteral(
                     "Could not load the gateway's routes: The gateway's metrics store is unavailable."));
        QCOMPARE(gateway.error(), gateway.routes()->error());
        QVERIFY(!gateway.hasTotals());

        // The routes' list failing after the overview answered is a failure too.
        api.setReplyFromFile(Overview, data(QStringLiteral("overview.json")));
        api.setReply(Routes,
                     FakeApiClient::problem(403, QStringLiteral("forbidden"),
                                            QStringLiteral("You may not read the gateway's routes.")));
        gateway.refresh();
        QTRY_VERIFY(gateway.routes()->error().contains(QStringLiteral("may not read")));
        QCOMPARE(gateway.routes()->rowCount(), 0);

        // Retried with both answering: the rows, and no error left.
        serveGateway(api);
        gateway.refresh();
        QTRY_COMPARE(gateway.routes()->rowCount(), 2);
        QCOMPARE(gateway.routes()->error(), QString());
        QCOMPARE(gateway.error(), QString());
    }

    void aRefreshThatFailsKeepsTheNumbersAndSaysTheyMayBeOld()
    {
        FakeApiClient api;
        serveGateway(api);
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester routesTester(gateway.routes(), Mode);
        gateway.start();
        QTRY_COMPARE(gateway.routes()->rowCount(), 2);
        api.setReply(Overview, ApiReply{503, {}, QStringLiteral("Try again.")});
        gateway.refresh();
        QTRY_VERIFY(gateway.error().contains(QStringLiteral("may be old")));
        QCOMPARE(gateway.routes()->rowCount(), 2);
        QVERIFY(gateway.isAvailable());
    }

    void aBackendWithoutTheGatewaySaysSo()
    {
        FakeApiClient api; // answers 404 to every path, as a meshdeckd without the gateway does
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester routesTester(gateway.routes(), Mode);
        QVERIFY(gateway.isAvailable()); // not known yet
        gateway.start();
        QTRY_VERIFY(!gateway.isAvailable());
        QVERIFY(gateway.isLoaded());
        QCOMPARE(gateway.error(), QString());
        QCOMPARE(gateway.routes()->error(), QString());
        QVERIFY(!gateway.routes()->isLoading());
        QCOMPARE(gateway.routes()->rowCount(), 0);
        QVERIFY(!gateway.hasTotals());
        QCOMPARE(gateway.selectedRoute(), QString());
        // Only the overview was asked: nothing else is invented or polled.
        QCOMPARE(api.requestedPaths(), QStringList{Overview});

        // A channel message (from some other source) does not make up routes either.
        Q_EMIT realtime.message(QStringLiteral("gateway.metrics"),
                                metricsMessage(QStringLiteral("2026-11-30T10:00:02.000Z"),
                                               QJsonArray{routeSecond(QStringLiteral("r-billing"), 50, 0)}));
        QCOMPARE(gateway.routes()->rowCount(), 0);
        QVERIFY(!gateway.hasTotals());
    }

    void aChannelMessageMovesTheNumbersTheChartAndTheBreakers()
    {
        FakeApiClient api;
        serveGateway(api);
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester routesTester(gateway.routes(), Mode);
        QAbstractItemModelTester breakersTester(gateway.breakers(), Mode);
        QAbstractItemModelTester metricsTester(gateway.metrics(), Mode);
        gateway.start();
        QTRY_COMPARE(gateway.metrics()->rowCount(), 2);
        QTRY_COMPARE(role(gateway.breakers(), 1, BreakersModel::ConsecutiveFailuresRole).toInt(), 3);
        QSignalSpy appended(gateway.metrics(), &GatewayMetricsModel::pointAppended);
        QSignalSpy axes(gateway.metrics(), &GatewayMetricsModel::pointsChanged);

        // billing: 40 requests, 4 errors this second, and its open breaker went half-open;
        // orders had no traffic (not listed).
        Q_EMIT realtime.message(
            QStringLiteral("gateway.metrics"),
            metricsMessage(QStringLiteral("2026-11-30T10:00:02.000Z"),
                           QJsonArray{routeSecond(QStringLiteral("r-billing"), 40, 4, 55)},
                           QJsonArray{QJsonObject{{QStringLiteral("routeId"), QStringLiteral("r-billing")},
                                                  {QStringLiteral("instanceId"), QStringLiteral("i-2")},
                                                  {QStringLiteral("state"), QStringLiteral("half_open")}}}));
        const GatewayRoutesModel *routes = gateway.routes();
        const int billing = routes->rowOf(QStringLiteral("r-billing"));
        const int orders = routes->rowOf(QStringLiteral("r-orders"));
        QCOMPARE(role(routes, billing, GatewayRoutesModel::RateRole).toDouble(), 40.0);
        QCOMPARE(role(routes, billing, GatewayRoutesModel::ErrorPercentRole).toDouble(), 10.0);
        QCOMPARE(role(routes, billing, GatewayRoutesModel::P99Role).toDouble(), 55.0);
        QCOMPARE(role(routes, billing, GatewayRoutesModel::BreakersRole).toString(),
                 QStringLiteral("1 half-open, 1 closed"));
        QCOMPARE(role(routes, orders, GatewayRoutesModel::RateRole).toDouble(), 0.0);
        QCOMPARE(role(routes, orders, GatewayRoutesModel::P99Role).toDouble(),
                 12.0); // a quiet second keeps it
        QCOMPARE(role(gateway.breakers(), 1, BreakersModel::StateRole).toString(),
                 QStringLiteral("half_open"));
        QCOMPARE(role(gateway.breakers(), 1, BreakersModel::ConsecutiveFailuresRole).toInt(), 3);
        // The 5-minute chart follows: one more second at the end.
        QCOMPARE(appended.count(), 1);
        QCOMPARE(gateway.metrics()->rowCount(), 3);
        QCOMPARE(gateway.metrics()->valueAt(2, QStringLiteral("rate")), 40.0);
        QCOMPARE(gateway.metrics()->valueAt(2, QStringLiteral("p99")), 55.0);
        // And its time axis ends at the new second (the chart's axes are bound to it).
        QCOMPARE(axes.count(), 1);
        QCOMPARE(gateway.metrics()->axisEnd(),
                 QDateTime::fromString(QStringLiteral("2026-11-30T10:00:02.000Z"), Qt::ISODateWithMs));
        // The totals are this second's.
        QCOMPARE(gateway.totalRate(), 40.0);
        QCOMPARE(gateway.totalErrorPercent(), 10.0);

        // The 1-hour chart keeps its minutes: a live second is not added to it.
        gateway.setRange(QStringLiteral("1h"));
        QTRY_COMPARE(gateway.metrics()->range(), QStringLiteral("1h"));
        QTRY_VERIFY(!gateway.metrics()->isLoading());
        QCOMPARE(gateway.metrics()->rowCount(), 2);
        QCOMPARE(gateway.metrics()->valueAt(1, QStringLiteral("rate")), 20.0); // 1200 a minute
        Q_EMIT realtime.message(QStringLiteral("gateway.metrics"),
                                metricsMessage(QStringLiteral("2026-11-30T10:00:03.000Z"),
                                               QJsonArray{routeSecond(QStringLiteral("r-billing"), 10, 0)}));
        QCOMPARE(gateway.metrics()->rowCount(), 2);
        QCOMPARE(appended.count(), 1);
        QCOMPARE(role(routes, billing, GatewayRoutesModel::RateRole).toDouble(), 10.0); // the table did move
    }

    void theFiveMinuteChartDropsSecondsOlderThanItsRange()
    {
        GatewayMetricsModel model;
        QAbstractItemModelTester tester(&model, Mode);
        model.begin(QStringLiteral("r"), QStringLiteral("5m"));
        model.setSeries(
            QStringLiteral("r"), QStringLiteral("5m"),
            QJsonObject{
                {QStringLiteral("resolutionSeconds"), 1},
                {QStringLiteral("points"),
                 QJsonArray{QJsonObject{{QStringLiteral("t"), QStringLiteral("2026-11-30T10:00:00.000Z")},
                                        {QStringLiteral("requests"), 1}},
                            QJsonObject{{QStringLiteral("t"), QStringLiteral("2026-11-30T10:02:00.000Z")},
                                        {QStringLiteral("requests"), 2}}}}});
        QCOMPARE(model.rowCount(), 2);
        const qint64 t0 = QDateTime::fromString(QStringLiteral("2026-11-30T10:00:00.000Z"), Qt::ISODateWithMs)
                              .toMSecsSinceEpoch();
        model.appendLive(t0 + 2 * 60'000, QJsonObject{{QStringLiteral("requests"), 9}}); // already held
        QCOMPARE(model.rowCount(), 2);
        model.appendLive(t0 + 5 * 60'000 + 1000, QJsonObject{{QStringLiteral("requests"), 3}});
        QCOMPARE(model.rowCount(), 2); // 10:00:00 is now more than 5 minutes old
        QCOMPARE(model.valueAt(0, QStringLiteral("rate")), 2.0);
        QCOMPARE(model.valueAt(1, QStringLiteral("rate")), 3.0);
        QCOMPARE(model.axisStart().toMSecsSinceEpoch(), t0 + 1000);
    }

    void sortingMovesRowsAndFollowsLiveNumbers()
    {
        FakeApiClient api;
        serveGateway(api);
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        GatewayRoutesModel *routes = gateway.routes();
        QAbstractItemModelTester routesTester(routes, Mode);
        gateway.start();
        QTRY_COMPARE(routes->rowCount(), 2);
        QCOMPARE(routes->sortKey(), QStringLiteral("name"));
        QPersistentModelIndex billing = routes->index(0, 0);
        routes->sortBy(QStringLiteral("rate")); // the busiest first
        QVERIFY(!routes->sortAscending());
        QCOMPARE(routeNames(routes), (QStringList{QStringLiteral("orders"), QStringLiteral("billing")}));
        QCOMPARE(billing.row(), 1); // a selection held on a row follows it
        routes->sortBy(QStringLiteral("rate"));
        QVERIFY(routes->sortAscending());
        QCOMPARE(routeNames(routes), (QStringList{QStringLiteral("billing"), QStringLiteral("orders")}));
        routes->sortBy(QStringLiteral("rate"));
        // Live: billing becomes the busiest, and moves to the top.
        Q_EMIT realtime.message(QStringLiteral("gateway.metrics"),
                                metricsMessage(QStringLiteral("2026-11-30T10:00:02.000Z"),
                                               QJsonArray{routeSecond(QStringLiteral("r-billing"), 500, 0),
                                                          routeSecond(QStringLiteral("r-orders"), 5, 0)}));
        QCOMPARE(routeNames(routes), (QStringList{QStringLiteral("billing"), QStringLiteral("orders")}));
        QCOMPARE(billing.row(), 0);
        routes->sortBy(QStringLiteral("no-such-column"));
        QCOMPARE(routes->sortKey(), QStringLiteral("rate"));
    }

    void resetPostsToTheBreakerAndSaysWhatHappensFirst()
    {
        FakeApiClient api;
        serveGateway(api);
        api.setReply(
            QStringLiteral("POST /v1/gateway/breakers/r-billing/i-2/reset"),
            ApiReply{200,
                     QJsonDocument(QJsonObject{{QStringLiteral("routeId"), QStringLiteral("r-billing")},
                                               {QStringLiteral("instanceId"), QStringLiteral("i-2")},
                                               {QStringLiteral("state"), QStringLiteral("closed")},
                                               {QStringLiteral("consecutiveFailures"), 0},
                                               {QStringLiteral("openedAt"), QJsonValue::Null}}),
                     {}});
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester breakersTester(gateway.breakers(), Mode);
        gateway.start();
        QTRY_COMPARE(role(gateway.breakers(), 1, BreakersModel::ConsecutiveFailuresRole).toInt(), 3);
        // billing's breaker opens after 3 failures (its policy), not the default 5.
        const QString confirmation =
            gateway.resetConfirmation(QStringLiteral("r-billing"), QStringLiteral("i-2"));
        QVERIFY2(confirmation.contains(QStringLiteral("10.0.0.2:8080")), qPrintable(confirmation));
        QVERIFY2(confirmation.contains(QStringLiteral("requests again at once")), qPrintable(confirmation));
        QVERIFY2(confirmation.contains(QStringLiteral("after 3 consecutive failure")),
                 qPrintable(confirmation));

        QSignalSpy finished(&gateway, &GatewayController::actionFinished);
        gateway.resetBreaker(QStringLiteral("r-billing"), QStringLiteral("i-2"));
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(finished.at(0).at(0).toBool());
        QCOMPARE(api.posted().last().first, QStringLiteral("/v1/gateway/breakers/r-billing/i-2/reset"));
        QCOMPARE(role(gateway.breakers(), 1, BreakersModel::StateRole).toString(), QStringLiteral("closed"));
        QCOMPARE(role(gateway.breakers(), 1, BreakersModel::ConsecutiveFailuresRole).toInt(), 0);
        QCOMPARE(role(gateway.routes(), 0, GatewayRoutesModel::OpenBreakersRole).toInt(), 0);

        // A refused reset says why and changes nothing.
        api.setReply(QStringLiteral("POST /v1/gateway/breakers/r-billing/i-1/reset"),
                     FakeApiClient::problem(403, QStringLiteral("forbidden"),
                                            QStringLiteral("You may not change the gateway.")));
        gateway.resetBreaker(QStringLiteral("r-billing"), QStringLiteral("i-1"));
        QTRY_COMPARE(finished.count(), 2);
        QVERIFY(!finished.at(1).at(0).toBool());
        QVERIFY(finished.at(1).at(1).toString().contains(QStringLiteral("may not change")));
    }

    void aRouteFailingOverTheLastMinuteRaisesOneNotification()
    {
        FakeApiClient api;
        serveGateway(api);
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        gateway.start();
        QTRY_VERIFY(gateway.isLoaded());
        QSignalSpy high(&gateway, &GatewayController::routeErrorRateHigh);
        int second = 0;
        const auto tick = [&](int requests, int errors) {
            Q_EMIT realtime.message(
                QStringLiteral("gateway.metrics"),
                metricsMessage(
                    QStringLiteral("2026-11-30T10:01:%1.000Z").arg(second++ % 60, 2, 10, QLatin1Char('0')),
                    QJsonArray{routeSecond(QStringLiteral("r-billing"), requests, errors)}));
        };
        // Half of 10 requests failing: too few requests to say anything.
        tick(10, 5);
        QCOMPARE(high.count(), 0);
        // 10 more with 1 error: 6 of 20 (30 %) over the minute.
        tick(10, 1);
        QCOMPARE(high.count(), 1);
        QCOMPARE(high.at(0).at(0).toString(), QStringLiteral("billing"));
        QCOMPARE(high.at(0).at(1).toDouble(), 30.0);
        QCOMPARE(high.at(0).at(2).toInt(), 20);
        // Still failing: no second notification.
        tick(10, 5);
        QCOMPARE(high.count(), 1);
        // Healthy traffic dilutes the minute below 5 %; failing again notifies again.
        tick(1000, 0);
        tick(500, 400);
        QCOMPARE(high.count(), 2);
    }

    void theDesktopNotifierTellsOfAFailingRouteOnceInItsCooldown()
    {
        DesktopNotifier notifier;
        QStringList shown;
        notifier.setSink([&shown](const QString &summary, const QString &body) {
            shown << summary + QLatin1Char('|') + body;
            return true;
        });
        notifier.setStateSource([] { return Qt::ApplicationInactive; });
        QVERIFY(notifier.routeFailing(QStringLiteral("billing"), 30.0, 20));
        QCOMPARE(shown, QStringList{QStringLiteral("Gateway route billing is failing|30.0 % of its last 20 "
                                                   "requests failed (the last minute).")});
        QVERIFY(!notifier.routeFailing(QStringLiteral("billing"), 40.0, 30)); // within the cooldown
        QVERIFY(notifier.serviceCritical(QStringLiteral("billing"), QStringLiteral("10.0.0.1:80"),
                                         QStringLiteral("down"))); // a service of that name is apart
        notifier.setPolicy(QStringLiteral("off"));
        QVERIFY(!notifier.routeFailing(QStringLiteral("orders"), 30.0, 20));
        QCOMPARE(shown.size(), 2);
    }

    void anEditIsSavedWithTheVersionItStartedFrom()
    {
        FakeApiClient api;
        serveGateway(api);
        const QString path = QStringLiteral("/v1/gateway/routes/r-billing");
        api.setReply(path, okJson(billingRoute(4)));
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        RouteEditor *editor = gateway.editor();
        gateway.start();
        QTRY_VERIFY(gateway.isLoaded());
        editor->edit(QStringLiteral("r-billing"));
        QTRY_COMPARE(editor->version(), 4);
        QVERIFY(!editor->isNew());
        QCOMPARE(editor->route().value(QStringLiteral("service")).toString(), QStringLiteral("billing"));

        api.setReply(QStringLiteral("PUT ") + path, okJson(billingRoute(5)));
        QSignalSpy saved(editor, &RouteEditor::saved);
        QSignalSpy finished(&gateway, &GatewayController::actionFinished);
        QVariantMap form = editor->route();
        form.insert(QStringLiteral("timeoutMs"), 3000.0); // as QML hands a number over
        editor->save(form);
        QTRY_COMPARE(saved.count(), 1);
        const auto put = api.posted().last();
        QCOMPARE(put.first, QStringLiteral("PUT ") + path);
        const QJsonObject body = bodyOf(put.second);
        QCOMPARE(body.value(QStringLiteral("version")).toInteger(), 4); // the version edited
        QVERIFY(body.value(QStringLiteral("timeoutMs")).isDouble());
        QCOMPARE(body.value(QStringLiteral("timeoutMs")).toInteger(), 3000);
        for (const char *stored : {"id", "createdAt", "updatedAt", "updatedBy"})
            QVERIFY2(!body.contains(QLatin1String(stored)), stored);
        QCOMPARE(editor->version(), 5);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("version 5")));
        // The list is asked again.
        QTRY_COMPARE(api.requestedPaths().count(Routes), 2);
    }

    void aConflictingSaveSaysWhoChangedTheRouteAndOffersAReload()
    {
        FakeApiClient api;
        const QString path = QStringLiteral("/v1/gateway/routes/r-billing");
        api.setReply(path, okJson(billingRoute(4)));
        RouteEditor editor(&api);
        editor.edit(QStringLiteral("r-billing"));
        QTRY_COMPARE(editor.version(), 4);
        api.setReply(QStringLiteral("PUT ") + path,
                     problemWith(409, QStringLiteral("version-conflict"),
                                 QStringLiteral("The route is at version 6; you edited version 4."),
                                 {{QStringLiteral("currentVersion"), 6},
                                  {QStringLiteral("updatedBy"), QStringLiteral("grace@example.test")}}));
        QSignalSpy saved(&editor, &RouteEditor::saved);
        editor.save(editor.route());
        QTRY_VERIFY(!editor.conflict().isEmpty());
        QCOMPARE(saved.count(), 0);
        QCOMPARE(editor.conflict(),
                 QStringLiteral(
                     "grace@example.test changed this route while you edited version 4: it is version 6 "
                     "now. Reload it to see their change; your edits here are not saved."));
        QCOMPARE(editor.error(), QString());
        QVERIFY(editor.fieldErrors().isEmpty());
        // Reload: their version, and the conflict is gone.
        api.setReply(path, okJson(billingRoute(6)));
        editor.reload();
        QTRY_COMPARE(editor.version(), 6);
        QCOMPARE(editor.conflict(), QString());
    }

    void aRefusedFieldIsShownUnderThatField()
    {
        FakeApiClient api;
        RouteEditor editor(&api);
        editor.createNew();
        QVERIFY(editor.isNew());
        QCOMPARE(editor.route().value(QStringLiteral("timeoutMs")).toInt(), 15000); // the defaults
        const QString create = QStringLiteral("POST /v1/gateway/routes");
        api.setReply(create, problemWith(400, QStringLiteral("invalid-route"),
                                         QStringLiteral("pathPrefix must start with \"/\"."),
                                         {{QStringLiteral("field"), QStringLiteral("match.pathPrefix")}}));
        QVariantMap form = editor.route();
        form.insert(QStringLiteral("name"), QStringLiteral("billing"));
        editor.save(form);
        QTRY_VERIFY(!editor.fieldErrors().isEmpty());
        QCOMPARE(editor.fieldErrors().value(QStringLiteral("match.pathPrefix")).toString(),
                 QStringLiteral("pathPrefix must start with \"/\"."));
        QCOMPARE(editor.error(), QString()); // not a banner
        QVERIFY(editor.otherErrors().isEmpty());
        // A POST without a version, and no host when the form left it empty (any host).
        const QJsonObject body = bodyOf(api.posted().last().second);
        QVERIFY(!body.contains(QStringLiteral("version")));
        QVERIFY(!body.value(QStringLiteral("match")).toObject().contains(QStringLiteral("host")));

        // One of a list's entries: under the list. A field the form has no place for: said apart.
        api.setReply(create, problemWith(400, QStringLiteral("invalid-route"),
                                         QStringLiteral("\"null\" is never a trusted origin."),
                                         {{QStringLiteral("field"), QStringLiteral("cors.origins[1]")}}));
        editor.save(form);
        QTRY_VERIFY(editor.fieldErrors().contains(QStringLiteral("cors.origins")));
        QCOMPARE(editor.fieldErrors().size(), 1);
        api.setReply(create, problemWith(400, QStringLiteral("invalid-route"), QStringLiteral("Unknown key."),
                                         {{QStringLiteral("field"), QStringLiteral("colour")}}));
        editor.save(form);
        QTRY_COMPARE(editor.otherErrors(), QStringList{QStringLiteral("colour: Unknown key.")});
        // The route's access-log share has its place (a new route starts with the server's: null).
        QVERIFY(form.contains(QStringLiteral("accessLogSample")));
        QVERIFY(form.value(QStringLiteral("accessLogSample")).isNull());
        api.setReply(create, problemWith(400, QStringLiteral("invalid-route"),
                                         QStringLiteral("Give the share of answers to log from 0 to 1."),
                                         {{QStringLiteral("field"), QStringLiteral("accessLogSample")}}));
        editor.save(form);
        QTRY_COMPARE(editor.fieldErrors().value(QStringLiteral("accessLogSample")).toString(),
                     QStringLiteral("Give the share of answers to log from 0 to 1."));
        QVERIFY(editor.otherErrors().isEmpty());

        // A name taken: under the name.
        api.setReply(create, FakeApiClient::problem(409, QStringLiteral("route-exists"),
                                                    QStringLiteral("A route named billing exists.")));
        editor.save(form);
        QTRY_COMPARE(editor.fieldErrors().value(QStringLiteral("name")).toString(),
                     QStringLiteral("A route named billing exists."));
        // Anything else is a sentence for the whole form.
        api.setReply(create, ApiReply{503, {}, QStringLiteral("Try again.")});
        editor.save(form);
        QTRY_COMPARE(editor.error(), QStringLiteral("The route was not saved: Try again."));
        QVERIFY(editor.fieldErrors().isEmpty());
    }

    void thePreviewSaysWhatTheChangeDoes()
    {
        FakeApiClient api;
        const QString path = QStringLiteral("/v1/gateway/routes/r-billing");
        api.setReply(path, okJson(billingRoute(4)));
        api.setReply(
            QStringLiteral("POST /v1/gateway/routes/preview"),
            okJson(QJsonObject{
                {QStringLiteral("valid"), true},
                {QStringLiteral("errors"), QJsonArray{}},
                {QStringLiteral("changes"),
                 QJsonArray{
                     QJsonObject{{QStringLiteral("field"), QStringLiteral("timeoutMs")},
                                 {QStringLiteral("before"), 5000},
                                 {QStringLiteral("after"), 3000}},
                     QJsonObject{{QStringLiteral("field"), QStringLiteral("rateLimit")},
                                 {QStringLiteral("before"), QJsonValue::Null},
                                 {QStringLiteral("after"), QJsonObject{{QStringLiteral("requests"), 10}}}}}},
                {QStringLiteral("overlaps"),
                 QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("r-orders")},
                                        {QStringLiteral("name"), QStringLiteral("orders")},
                                        {QStringLiteral("relation"), QStringLiteral("shadows")}}}},
                {QStringLiteral("service"), QJsonObject{{QStringLiteral("name"), QStringLiteral("billing")},
                                                        {QStringLiteral("instances"), 3},
                                                        {QStringLiteral("passing"), 2}}}}));
        RouteEditor editor(&api);
        editor.edit(QStringLiteral("r-billing"));
        QTRY_COMPARE(editor.version(), 4);
        editor.preview(editor.route());
        QTRY_VERIFY(editor.hasPreview());
        const QJsonObject body = bodyOf(api.posted().last().second);
        QCOMPARE(body.value(QStringLiteral("id")).toString(),
                 QStringLiteral("r-billing")); // the route edited
        QVERIFY(!body.contains(QStringLiteral("version")));
        QVERIFY(editor.previewValid());
        QCOMPARE(editor.previewChanges(),
                 (QStringList{QStringLiteral("timeoutMs: 5000 → 3000"),
                              QStringLiteral("rateLimit: none → {\"requests\":10}")}));
        QCOMPARE(editor.previewOverlaps(),
                 QStringList{QStringLiteral(
                     "Takes requests that route orders gets today (this match is more specific).")});
        QCOMPARE(editor.previewService(), QStringLiteral("Service billing: 3 instance(s), 2 passing."));

        // An invalid spec: its errors go under the fields, and no service is registered.
        api.setReply(QStringLiteral("POST /v1/gateway/routes/preview"),
                     okJson(QJsonObject{
                         {QStringLiteral("valid"), false},
                         {QStringLiteral("errors"),
                          QJsonArray{QJsonObject{{QStringLiteral("field"), QStringLiteral("retries")},
                                                 {QStringLiteral("reason"), QStringLiteral("At most 5.")}}}},
                         {QStringLiteral("changes"), QJsonArray{}},
                         {QStringLiteral("overlaps"), QJsonArray{}},
                         {QStringLiteral("service"), QJsonValue::Null}}));
        editor.preview(editor.route());
        QTRY_VERIFY(!editor.previewValid());
        QCOMPARE(editor.fieldErrors().value(QStringLiteral("retries")).toString(),
                 QStringLiteral("At most 5."));
        QVERIFY(editor.previewService().contains(QStringLiteral("No service")));
    }

    void deleteAndRestoreUseTheVersions()
    {
        FakeApiClient api;
        api.setReply(QStringLiteral("DELETE /v1/gateway/routes/r-billing?version=4"), ApiReply{204, {}, {}});
        RouteEditor editor(&api);
        QAbstractItemModelTester versionsTester(editor.versions(), Mode);
        QSignalSpy removed(&editor, &RouteEditor::removed);
        editor.remove(QStringLiteral("r-billing"), 4);
        QTRY_COMPARE(removed.count(), 1);
        QCOMPARE(api.posted().last().first, QStringLiteral("DELETE /v1/gateway/routes/r-billing?version=4"));

        const QString versionsPath = QStringLiteral("/v1/gateway/routes/r-billing/versions");
        api.setReply(versionsPath, ApiReply{500, {}, QStringLiteral("The store is unavailable.")});
        editor.loadVersions(QStringLiteral("r-billing"));
        QTRY_VERIFY(!editor.versions()->error().isEmpty()); // a failure, not an empty history
        QCOMPARE(editor.versions()->rowCount(), 0);
        QVERIFY(!editor.versions()->isLoading());

        QJsonObject spec = billingRoute(4);
        api.setReply(
            versionsPath,
            okJson(QJsonObject{
                {QStringLiteral("versions"),
                 QJsonArray{QJsonObject{{QStringLiteral("version"), 5},
                                        {QStringLiteral("action"), QStringLiteral("deleted")},
                                        {QStringLiteral("route"), QJsonValue::Null},
                                        {QStringLiteral("at"), QStringLiteral("2026-11-30T10:00:00.000Z")},
                                        {QStringLiteral("by"), QStringLiteral("ada@example.test")}},
                            QJsonObject{{QStringLiteral("version"), 4},
                                        {QStringLiteral("action"), QStringLiteral("updated")},
                                        {QStringLiteral("route"), spec},
                                        {QStringLiteral("at"), QStringLiteral("2026-11-30T09:00:00.000Z")},
                                        {QStringLiteral("by"), QStringLiteral("ada@example.test")}}}}}));
        editor.loadVersions(QStringLiteral("r-billing"));
        QTRY_COMPARE(editor.versions()->rowCount(), 2);
        QCOMPARE(editor.versions()->error(), QString());
        const RouteVersionsModel *versions = editor.versions();
        QCOMPARE(role(versions, 0, RouteVersionsModel::ActionTextRole).toString(), QStringLiteral("deleted"));
        QCOMPARE(role(versions, 0, RouteVersionsModel::RestorableRole).toBool(), false);
        QCOMPARE(role(versions, 1, RouteVersionsModel::RestorableRole).toBool(), true);
        QCOMPARE(role(versions, 1, RouteVersionsModel::SummaryRole).toString(),
                 QStringLiteral("api.example.test/billing → billing, timeout 5000 ms, 2 retries"));

        api.setReply(QStringLiteral("POST /v1/gateway/routes/r-billing/versions/4/restore"),
                     okJson(billingRoute(6)));
        QSignalSpy restored(&editor, &RouteEditor::restored);
        editor.restore(QStringLiteral("r-billing"), 4);
        QTRY_COMPARE(restored.count(), 1);
        QCOMPARE(restored.at(0).at(1).toString(), QStringLiteral("Version 4 restored as version 6."));
        QCOMPARE(editor.version(), 6);
    }

    void theAccessLogReadsTheLatestEntriesThenFollowsAndFilters()
    {
        FakeApiClient api;
        serveGateway(api);
        api.setReply(QStringLiteral("/v1/events/topics/gateway.access"),
                     okJson(QJsonObject{{QStringLiteral("name"), QStringLiteral("gateway.access")},
                                        {QStringLiteral("headOffset"), 3}}));
        api.setReply(QStringLiteral("/v1/events/topics/gateway.access/events?fromOffset=0&limit=3"),
                     okJson(QJsonObject{
                         {QStringLiteral("events"),
                          QJsonArray{accessEvent(0, QStringLiteral("req-a"), QStringLiteral("billing"), 200),
                                     accessEvent(1, QStringLiteral("req-b"), QStringLiteral("orders"), 502),
                                     accessEvent(2, QStringLiteral("req-c"), QStringLiteral("billing"), 429,
                                                 QStringLiteral("rate-limited"))}},
                         {QStringLiteral("nextOffset"), 3}}));
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        AccessLogModel *log = gateway.accessLog();
        QAbstractItemModelTester tester(log, Mode);
        gateway.followAccessLog();
        QTRY_COMPARE(log->rowCount(), 3);
        QVERIFY(!log->isLoading());
        QCOMPARE(log->error(), QString());
        // Newest first.
        QCOMPARE(requestIds(log),
                 (QStringList{QStringLiteral("req-c"), QStringLiteral("req-b"), QStringLiteral("req-a")}));
        QCOMPARE(role(log, 1, AccessLogModel::SummaryRole).toString(),
                 QStringLiteral("orders GET /orders/x → 502 in 12 ms"));
        QCOMPARE(role(log, 1, AccessLogModel::InstanceIdRole).toString(), QStringLiteral("i-1"));
        QCOMPARE(role(log, 0, AccessLogModel::CauseRole).toString(), QStringLiteral("rate-limited"));
        QCOMPARE(role(log, 0, AccessLogModel::TimingTextRole).toString(),
                 QStringLiteral("12 ms (gateway 0.4 ms, upstream 12 ms)"));

        // Live: a new entry on top.
        Q_EMIT realtime.event(QStringLiteral("events.gateway.access"),
                              accessEvent(3, QStringLiteral("req-d"), QStringLiteral("orders"), 200));
        QCOMPARE(log->rowCount(), 4);
        QCOMPARE(role(log, 0, AccessLogModel::RequestIdRole).toString(), QStringLiteral("req-d"));
        // The same offset again (a resubscription's overlap) is not held twice.
        Q_EMIT realtime.event(QStringLiteral("events.gateway.access"),
                              accessEvent(3, QStringLiteral("req-d"), QStringLiteral("orders"), 200));
        QCOMPARE(log->rowCount(), 4);

        // Filters: by route, by status class, errors (≥ 500 and the gateway's refusals), by request id.
        log->setRouteFilter(QStringLiteral("billing"));
        QCOMPARE(requestIds(log), (QStringList{QStringLiteral("req-c"), QStringLiteral("req-a")}));
        log->setRouteFilter({});
        log->setStatusFilter(QStringLiteral("5xx"));
        QCOMPARE(requestIds(log), QStringList{QStringLiteral("req-b")});
        log->setStatusFilter(QStringLiteral("errors"));
        QCOMPARE(requestIds(log), (QStringList{QStringLiteral("req-c"), QStringLiteral("req-b")}));
        log->setStatusFilter(QStringLiteral("429"));
        QCOMPARE(requestIds(log), QStringList{QStringLiteral("req-c")});
        // A live entry that does not match is held but not shown.
        Q_EMIT realtime.event(QStringLiteral("events.gateway.access"),
                              accessEvent(4, QStringLiteral("req-e"), QStringLiteral("orders"), 200));
        QCOMPARE(log->rowCount(), 1);
        QCOMPARE(log->total(), 5);
        log->setStatusFilter({});
        log->setRequestIdFilter(QStringLiteral(" req-b "));
        QCOMPARE(requestIds(log), QStringList{QStringLiteral("req-b")});
        QVERIFY(gateway.statusChoices()->indexOf(QStringLiteral("429")) >= 0);
    }

    void anAccessLogThatCannotBeReadSaysSo()
    {
        FakeApiClient api;
        api.setReply(QStringLiteral("/v1/events/topics/gateway.access"),
                     FakeApiClient::problem(403, QStringLiteral("forbidden"),
                                            QStringLiteral("You may not read the gateway.")));
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester tester(gateway.accessLog(), Mode);
        gateway.followAccessLog();
        QTRY_VERIFY(!gateway.accessLog()->error().isEmpty());
        QCOMPARE(gateway.accessLog()->error(),
                 QStringLiteral("Could not read the access log: You may not read the gateway."));
        QVERIFY(!gateway.accessLog()->isLoading());
        // No topic yet (nothing logged): an empty log, not a failure.
        api.setReply(
            QStringLiteral("/v1/events/topics/gateway.access"),
            FakeApiClient::problem(404, QStringLiteral("topic-not-found"), QStringLiteral("No such topic.")));
        gateway.followAccessLog();
        QTRY_VERIFY(gateway.accessLog()->error().isEmpty());
        QVERIFY(!gateway.accessLog()->isLoading());
        QCOMPARE(gateway.accessLog()->rowCount(), 0);
        // Live entries arrive from the start of the topic.
        Q_EMIT realtime.event(QStringLiteral("events.gateway.access"),
                              accessEvent(0, QStringLiteral("req-a"), QStringLiteral("billing"), 200));
        QCOMPARE(gateway.accessLog()->rowCount(), 1);
    }

    void anotherBackendStartsEmptyAndDropsRepliesOfTheOldOne()
    {
        FakeApiClient api;
        serveGateway(api);
        RealtimeClient realtime;
        GatewayController gateway(&api, &realtime);
        QAbstractItemModelTester routesTester(gateway.routes(), Mode);
        QAbstractItemModelTester breakersTester(gateway.breakers(), Mode);
        gateway.start();
        QTRY_COMPARE(gateway.routes()->rowCount(), 2);
        gateway.reset();
        QCOMPARE(gateway.routes()->rowCount(), 0);
        QVERIFY(gateway.routes()->isLoading());
        QCOMPARE(gateway.breakers()->rowCount(), 0);
        QCOMPARE(gateway.selectedRoute(), QString());
        QVERIFY(!gateway.hasTotals());
        QVERIFY(!gateway.isLoaded());
        gateway.start();
        QTRY_COMPARE(gateway.routes()->rowCount(), 2);
    }

    // The access log and the Events page follow gateway.access through one subscription: the page
    // joining with recent history rewinds it (the log ignores what it holds), and the page leaving
    // does not stop the log.
    void twoViewsOnOneChannelShareOneSubscription()
    {
        const QString channel = QStringLiteral("events.gateway.access");
        FakeRealtimeServer server;
        for (int i = 0; i < 5; ++i)
            server.publish(channel); // offsets 0..4, before anyone follows
        RealtimeClient realtime;
        QList<qint64> seen;
        connect(&realtime, &RealtimeClient::event, this,
                [&seen, &channel](const QString &c, const QJsonObject &e) {
                    if (c == channel)
                        seen << e.value(QStringLiteral("offset")).toInteger();
                });
        QSignalSpy problems(&realtime, &RealtimeClient::problem);
        QSignalSpy messages(&realtime, &RealtimeClient::message);
        realtime.setEndpoint(server.url(), "token");
        QTRY_VERIFY(realtime.isConnected());

        // The access log read 0..4 over HTTP and follows from 5.
        realtime.subscribe(channel, 5);
        QTRY_VERIFY(server.subscribed(channel));
        server.publish(channel);
        QTRY_COMPARE(seen, QList<qint64>({5}));

        // The Events page selects the topic with its recent history: the stream starts again at 2.
        realtime.subscribe(channel, 2);
        QCOMPARE(realtime.subscribers(channel), 2);
        QTRY_COMPARE(seen, QList<qint64>({5, 2, 3, 4, 5}));
        QCOMPARE(server.received, QStringList({QStringLiteral("subscribe %1 5").arg(channel),
                                               QStringLiteral("unsubscribe %1").arg(channel),
                                               QStringLiteral("subscribe %1 2").arg(channel)}));
        QVERIFY2(problems.isEmpty(), problems.isEmpty() ? "" : qPrintable(problems.first().at(1).toString()));
        QVERIFY(messages.isEmpty()); // the rewind's "unsubscribed" is not news to the views

        // The Events page moves to another topic: the server is not told, the log keeps following.
        realtime.unsubscribe(channel);
        QCOMPARE(realtime.subscribers(channel), 1);
        server.publish(channel);
        QTRY_COMPARE(seen.last(), qint64(6));
        QCOMPARE(server.received.size(), 3);
        QVERIFY(server.subscribed(channel));

        // The log closes too: now the subscription ends.
        realtime.unsubscribe(channel);
        QCOMPARE(realtime.subscribers(channel), 0);
        QTRY_VERIFY(!server.subscribed(channel));
        QCOMPARE(server.received.last(), QStringLiteral("unsubscribe %1").arg(channel));
        QVERIFY(problems.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestGatewayConsole)
#include "tst_gateway_console.moc"
