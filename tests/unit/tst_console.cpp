#include "testing.h"

#include "api/fakeapiclient.h"
#include "api/realtimeclient.h"
#include "common/choicesmodel.h"
#include "events/eventscontroller.h"
#include "events/eventtailmodel.h"
#include "events/topicsmodel.h"
#include "localstack/localstack.h"
#include "localstack/logmodel.h"
#include "registry/instancesmodel.h"
#include "registry/registrycontroller.h"
#include "registry/servicesmodel.h"
#include "shell/appsettings.h"
#include "shell/backendconnection.h"
#include "shell/desktopnotifier.h"
#include "shell/navigationmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {
QJsonObject instanceJson(const QString &id, const QString &service, int port, const QString &status,
                         const QString &version = QStringLiteral("1.0"), int weight = 100)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("service"), service},
                       {QStringLiteral("address"), QStringLiteral("10.0.0.1")},
                       {QStringLiteral("port"), port},
                       {QStringLiteral("version"), version},
                       {QStringLiteral("weight"), weight},
                       {QStringLiteral("status"), status},
                       {QStringLiteral("tags"), QJsonArray{QStringLiteral("blue")}},
                       {QStringLiteral("check"), QJsonObject{{QStringLiteral("ttlMs"), 5000}}},
                       {QStringLiteral("statusSince"), QStringLiteral("2026-11-21T10:00:00.000Z")},
                       {QStringLiteral("lastHeartbeatAt"), QStringLiteral("2026-11-21T10:00:05.000Z")},
                       {QStringLiteral("lastCheckAt"), QStringLiteral("2026-11-21T10:00:03.000Z")}};
}

QJsonObject registryMessage(const QString &type, const QJsonObject &fields)
{
    QJsonObject m = fields;
    m.insert(QStringLiteral("type"), type);
    m.insert(QStringLiteral("channel"), QStringLiteral("registry"));
    return m;
}
} // namespace

class TestConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void logModelKeepsTheNewestLinesWithinItsCapacity()
    {
        LogModel model(5);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendLines({QStringLiteral("2026-11-21T00:00:00.000 info meshdeck.backend: one"),
                           QStringLiteral("2026-11-21T00:00:00.000 warning meshdeck.backend: two")});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(1), LogModel::LevelRole).toString(), QStringLiteral("warning"));
        QStringList many;
        for (int i = 0; i < 8; ++i)
            many << QStringLiteral("line %1").arg(i);
        model.appendLines(many);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.data(model.index(0), LogModel::TextRole).toString(), QStringLiteral("line 3"));
        QCOMPARE(model.data(model.index(4), LogModel::TextRole).toString(), QStringLiteral("line 7"));
        QCOMPARE(model.tail(2), QStringLiteral("line 6\nline 7"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void eventTailBatchesKeepsTheNewestAndFilters()
    {
        EventTailModel model(100);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        auto event = [](int offset, const QString &type) {
            return QJsonObject{{QStringLiteral("offset"), offset},
                               {QStringLiteral("type"), type},
                               {QStringLiteral("time"), QStringLiteral("2026-11-21T10:00:00.000Z")},
                               {QStringLiteral("data"), QJsonObject{{QStringLiteral("n"), offset}}}};
        };
        for (int i = 0; i < 250; ++i)
            model.append(event(i, i % 2 ? QStringLiteral("order.paid") : QStringLiteral("order.created")));
        QCOMPARE(model.rowCount(), 0); // nothing until the batch is flushed
        QTRY_COMPARE(model.rowCount(), 100);
        QCOMPARE(inserted.count(), 1); // 250 arrivals, one insertion
        QCOMPARE(model.data(model.index(0), EventTailModel::OffsetRole).toInt(), 150); // the newest 100
        QCOMPARE(model.data(model.index(99), EventTailModel::OffsetRole).toInt(), 249);
        QCOMPARE(model.received(), 250);
        QVERIFY(model.data(model.index(0), EventTailModel::PreviewRole)
                    .toString()
                    .contains(QStringLiteral("\"n\":150")));

        model.setFilterText(QStringLiteral("paid"));
        QCOMPARE(model.rowCount(), 50);
        model.append(event(250, QStringLiteral("order.created")));
        model.append(event(251, QStringLiteral("order.paid")));
        model.flush();
        QCOMPARE(model.rowCount(), 50); // one matching arrival in, the oldest matching row out
        QCOMPARE(model.data(model.index(49), EventTailModel::OffsetRole).toInt(), 251);
        model.setFilterText({});
        QCOMPARE(model.rowCount(), 100);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void eventTailFiltersByAJsonField()
    {
        EventTailModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 6; ++i)
            model.append(
                QJsonObject{{QStringLiteral("offset"), i},
                            {QStringLiteral("type"), QStringLiteral("t")},
                            {QStringLiteral("key"), QStringLiteral("k%1").arg(i % 2)},
                            {QStringLiteral("data"),
                             QJsonObject{{QStringLiteral("user"), QJsonObject{{QStringLiteral("id"), i}}},
                                         {QStringLiteral("ok"), i % 3 == 0}}}});
        model.flush();
        model.setFilterText(QStringLiteral("data.user.id == 4"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0), EventTailModel::OffsetRole).toInt(), 4);
        model.setFilterText(QStringLiteral("data.ok == true"));
        QCOMPARE(model.rowCount(), 2); // offsets 0 and 3
        model.setFilterText(QStringLiteral("key != \"k1\""));
        QCOMPARE(model.rowCount(), 3);
        model.setFilterText(QStringLiteral("key == k0")); // a bare word is a string
        QCOMPARE(model.rowCount(), 3);
        model.setFilterText(QStringLiteral("data.user.missing == 1"));
        QCOMPARE(model.rowCount(), 0);
        model.setFilterText(QStringLiteral("user")); // plain text again
        QCOMPARE(model.rowCount(), 6);
    }

    void eventsControllerLoadsTopicsGroupsAndLag()
    {
        FakeApiClient api;
        auto reply = [](const char *json) {
            return ApiReply{200, QJsonDocument::fromJson(json), {}};
        };
        api.setReply(QStringLiteral("/v1/events/topics"),
                     reply("{\"topics\":[{\"name\":\"audit\",\"headOffset\":9},{\"name\":\"orders\","
                           "\"headOffset\":500}]}"));
        api.setReply(
            QStringLiteral("/v1/events/topics/orders/groups"),
            reply("{\"groups\":[{\"name\":\"billing\",\"committedOffset\":480,\"lag\":20,\"inFlight\":3}]}"));
        api.setReply(QStringLiteral("/v1/events/webhooks"),
                     reply("{\"webhooks\":[{\"id\":\"w1\",\"topics\":[\"orders\"]},{\"id\":\"w2\",\"topics\":"
                           "[\"audit\"]}]}"));
        api.setReply(QStringLiteral("/v1/events/topics/orders/groups/billing/lag"),
                     reply("{\"points\":[{\"time\":\"2026-11-21T10:00:00.000Z\",\"lag\":50},"
                           "{\"time\":\"2026-11-21T10:00:10.000Z\",\"lag\":20}]}"));
        RealtimeClient realtime;
        EventsController events(&api, &realtime);
        const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
        QAbstractItemModelTester groupsTester(events.groups(), mode);
        QAbstractItemModelTester webhooksTester(events.webhooks(), mode);
        QAbstractItemModelTester lagTester(events.lag(), mode);
        QAbstractItemModelTester topicsTester(events.topics(), mode);
        events.setPreferredTopic(QStringLiteral("orders"));
        events.refreshTopics();
        QTRY_COMPARE(events.selectedTopic(), QStringLiteral("orders"));
        QTRY_COMPARE(events.lag()->rowCount(), 2);
        QCOMPARE(events.groups()->rowCount(), 1);
        QCOMPARE(
            events.groups()->data(events.groups()->index(0), ConsumerGroupsModel::SummaryRole).toString(),
            QStringLiteral("committed 480 · lag 20 · in flight 3"));
        QCOMPARE(events.webhooks()->rowCount(), 1); // only the webhooks delivering this topic
        QCOMPARE(events.webhooks()->data(events.webhooks()->index(0), WebhooksModel::IdRole).toString(),
                 QStringLiteral("w1"));
        QCOMPARE(events.lag()->group(), QStringLiteral("billing"));
        QCOMPARE(events.lag()->data(events.lag()->index(1), LagHistoryModel::LagRole).toInt(), 20);
        const qint64 start =
            QDateTime::fromString(QStringLiteral("2026-11-21T10:00:00.000Z"), Qt::ISODateWithMs)
                .toMSecsSinceEpoch();
        QCOMPARE(events.lag()->data(events.lag()->index(0), LagHistoryModel::TimeRole).toLongLong(), start);
        // The chart's axes: at least a minute wide, 20 % above the highest lag, never below 10.
        QCOMPARE(events.lag()->axisStart().toMSecsSinceEpoch(), start);
        QCOMPARE(events.lag()->axisEnd().toMSecsSinceEpoch(), start + 60'000);
        QCOMPARE(events.lag()->axisMaxLag(), 60);
        for (StatefulListModel *model : std::initializer_list<StatefulListModel *>{
                 events.topics(), events.groups(), events.webhooks(), events.lag()}) {
            QVERIFY(!model->isLoading());
            QCOMPARE(model->error(), QString());
        }
    }

    void eventsControllerSeeksByTimeAndShowsDeliveries()
    {
        FakeApiClient api;
        auto reply = [](const char *json) {
            return ApiReply{200, QJsonDocument::fromJson(json), {}};
        };
        api.setReply(QStringLiteral("/v1/events/topics"),
                     reply("{\"topics\":[{\"name\":\"orders\",\"headOffset\":50}]}"));
        const QString iso = QString::fromLatin1(QUrl::toPercentEncoding(
            QDateTime::fromString(QStringLiteral("2026-11-21 10:00"), QStringLiteral("yyyy-MM-dd HH:mm"))
                .toUTC()
                .toString(Qt::ISODateWithMs)));
        const QString seekPath = QStringLiteral("/v1/events/topics/orders/events?limit=1&fromTime=") + iso;
        api.setReply(seekPath, reply("{\"events\":[{\"offset\":42}],\"nextOffset\":43}"));
        api.setReply(QStringLiteral("/v1/events/webhooks/w1/deliveries"),
                     reply("{\"deliveries\":[{\"attempt\":2,\"succeeded\":false,\"status\":500}]}"));
        RealtimeClient realtime;
        EventsController events(&api, &realtime);
        QSignalSpy failed(&events, &EventsController::seekFailed);
        events.refreshTopics();
        QTRY_COMPARE(events.selectedTopic(), QStringLiteral("orders"));
        events.seekToTime(QStringLiteral("2026-11-21 10:00"));
        QTRY_VERIFY(api.requestedPaths().contains(seekPath));
        QCOMPARE(failed.count(), 0);
        events.seekToTime(QStringLiteral("yesterday-ish"));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("2026-11-21 10:00")));

        QAbstractItemModelTester tester(events.deliveries(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        events.showDeliveries(QStringLiteral("w1"));
        QTRY_COMPARE(events.deliveries()->rowCount(), 1);
        QCOMPARE(events.deliveries()->webhookId(), QStringLiteral("w1"));
        const QModelIndex first = events.deliveries()->index(0);
        QCOMPARE(events.deliveries()->data(first, DeliveriesModel::StatusRole).toInt(), 500);
        QCOMPARE(events.deliveries()->data(first, DeliveriesModel::SucceededRole).toBool(), false);
        QVERIFY(events.deliveries()
                    ->data(first, DeliveriesModel::SummaryRole)
                    .toString()
                    .contains(QStringLiteral("attempt 2 · HTTP 500")));
    }

    // Regression: a failed request for the consumer groups, webhooks, lag or deliveries used to
    // leave an empty list, which the page showed as "No consumer group reads this topic yet."
    // Each list's model now carries the failure in words, and a retry that succeeds clears it.
    // The tail says it is loading until its channel is subscribed, and a reset (another backend)
    // empties the topics and the tail and waits for the new backend's topics; a failed topics
    // request ends the wait (the topics' error says why).
    void eventsTailLoadsUntilSubscribedAndAfterAReset()
    {
        FakeApiClient api;
        api.setReply(
            QStringLiteral("/v1/events/topics"),
            ApiReply{200, QJsonDocument::fromJson(R"({"topics":[{"name":"orders","headOffset":3}]})"), {}});
        RealtimeClient realtime;
        EventsController events(&api, &realtime);
        events.refreshTopics();
        QTRY_COMPARE(events.selectedTopic(), QStringLiteral("orders"));
        QVERIFY(events.tail()->isLoading());
        Q_EMIT realtime.subscribed(QStringLiteral("events.other"), 0, 0);
        QVERIFY(events.tail()->isLoading());
        Q_EMIT realtime.subscribed(QStringLiteral("events.orders"), 0, 3);
        QVERIFY(!events.tail()->isLoading());
        Q_EMIT realtime.event(
            QStringLiteral("events.orders"),
            QJsonObject{{QStringLiteral("offset"), 0}, {QStringLiteral("type"), QStringLiteral("a")}});
        events.tail()->flush();
        QCOMPARE(events.tail()->rowCount(), 1);

        events.reset();
        QCOMPARE(events.tail()->rowCount(), 0);
        QVERIFY(events.tail()->isLoading());
        QCOMPARE(events.topics()->rowCount(), 0);
        QVERIFY(events.topics()->isLoading());
        QCOMPARE(events.selectedTopic(), QString());
        // An event of the old attachment's channel, still under way, is not the new backend's.
        Q_EMIT realtime.event(
            QStringLiteral("events.orders"),
            QJsonObject{{QStringLiteral("offset"), 1}, {QStringLiteral("type"), QStringLiteral("a")}});
        events.tail()->flush();
        QCOMPARE(events.tail()->rowCount(), 0);

        api.setReply(QStringLiteral("/v1/events/topics"),
                     ApiReply{503, {}, QStringLiteral("The events service is unavailable; try again.")});
        events.refreshTopics();
        QTRY_VERIFY(!events.topics()->isLoading());
        QVERIFY(!events.topics()->error().isEmpty());
        QVERIFY(!events.tail()->isLoading());
    }

    void eventsFailedRequestsAreErrorsNotEmptyLists()
    {
        FakeApiClient api;
        auto ok = [](const char *json) {
            return ApiReply{200, QJsonDocument::fromJson(json), {}};
        };
        const ApiReply unavailable{503, {}, QStringLiteral("The events service is unavailable; try again.")};
        const QString groupsPath = QStringLiteral("/v1/events/topics/orders/groups");
        const QString webhooksPath = QStringLiteral("/v1/events/webhooks");
        const QString lagPath = QStringLiteral("/v1/events/topics/orders/groups/billing/lag");
        const QString deliveriesPath = QStringLiteral("/v1/events/webhooks/w1/deliveries");
        api.setReply(QStringLiteral("/v1/events/topics"), ok("{\"topics\":[{\"name\":\"orders\"}]}"));
        api.setReply(groupsPath, unavailable);
        api.setReply(webhooksPath, unavailable);
        RealtimeClient realtime;
        EventsController events(&api, &realtime);
        const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
        QAbstractItemModelTester groupsTester(events.groups(), mode);
        QAbstractItemModelTester webhooksTester(events.webhooks(), mode);
        QAbstractItemModelTester lagTester(events.lag(), mode);
        QAbstractItemModelTester deliveriesTester(events.deliveries(), mode);
        events.refreshTopics();
        QTRY_COMPARE(events.selectedTopic(), QStringLiteral("orders"));
        QTRY_VERIFY(!events.groups()->isLoading() && !events.webhooks()->isLoading());
        QCOMPARE(events.groups()->rowCount(), 0);
        QCOMPARE(events.groups()->error(),
                 QStringLiteral("Could not load the consumer groups of orders: The events service is "
                                "unavailable; try again."));
        QCOMPARE(
            events.webhooks()->error(),
            QStringLiteral("Could not load the webhooks: The events service is unavailable; try again."));

        // Retry once the backend answers: rows, and no error.
        api.setReply(groupsPath, ok("{\"groups\":[{\"name\":\"billing\",\"lag\":3}]}"));
        api.setReply(webhooksPath, ok("{\"webhooks\":[{\"id\":\"w1\",\"topics\":[\"orders\"]}]}"));
        api.setReply(lagPath, unavailable);
        events.refreshGroupsAndWebhooks();
        QTRY_COMPARE(events.groups()->rowCount(), 1);
        QTRY_COMPARE(events.webhooks()->rowCount(), 1);
        QCOMPARE(events.groups()->error(), QString());
        QCOMPARE(events.webhooks()->error(), QString());
        // The lag of the first group was asked for, and failed.
        QTRY_VERIFY(!events.lag()->error().isEmpty());
        QCOMPARE(events.lag()->group(), QStringLiteral("billing"));
        QCOMPARE(events.lag()->rowCount(), 0);
        QVERIFY(events.lag()->error().contains(QStringLiteral("unavailable")));

        api.setReply(deliveriesPath, unavailable);
        events.showDeliveries(QStringLiteral("w1"));
        QTRY_VERIFY(!events.deliveries()->error().isEmpty());
        QCOMPARE(events.deliveries()->rowCount(), 0);
        QCOMPARE(events.deliveries()->webhookId(), QStringLiteral("w1"));

        // No backend at all: the reason says so, for every list.
        api.setUnreachable(true);
        events.refreshGroupsAndWebhooks();
        events.showDeliveries(QStringLiteral("w1"));
        QTRY_VERIFY(events.groups()->error().contains(QStringLiteral("Is meshdeckd running?")));
        QTRY_VERIFY(events.webhooks()->error().contains(QStringLiteral("Is meshdeckd running?")));
        QTRY_VERIFY(events.deliveries()->error().contains(QStringLiteral("Is meshdeckd running?")));
        QCOMPARE(events.groups()->rowCount(), 0);
        QCOMPARE(events.webhooks()->rowCount(), 0);
    }

    void statusChangesKeepTheNewestWithinTheirCapacity()
    {
        StatusChangesModel model(3);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 5; ++i)
            model.prepend({1000 * (i + 1), QStringLiteral("web"), QStringLiteral("i-%1").arg(i),
                           QStringLiteral("10.0.0.1:80"), QStringLiteral("passing"),
                           QStringLiteral("critical"), QStringLiteral("r%1").arg(i)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.data(model.index(0), StatusChangesModel::InstanceIdRole).toString(),
                 QStringLiteral("i-4"));
        QCOMPARE(model.data(model.index(2), StatusChangesModel::InstanceIdRole).toString(),
                 QStringLiteral("i-2"));
        QCOMPARE(model.data(model.index(0), StatusChangesModel::TimeTextRole).toString(),
                 QDateTime::fromMSecsSinceEpoch(5000).toString(QStringLiteral("hh:mm:ss")));
        model.setChanges(
            {{0, QStringLiteral("api"), QStringLiteral("i-9"), {}, {}, QStringLiteral("passing"), {}}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0), StatusChangesModel::SubjectRole).toString(),
                 QStringLiteral("api"));
        QCOMPARE(model.data(model.index(0), StatusChangesModel::TimeTextRole).toString(),
                 QStringLiteral("–"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void registryFailuresAreShownWithTheirReason()
    {
        FakeApiClient api;
        api.setReply(QStringLiteral("/v1/registry/changes?limit=8"),
                     ApiReply{500, {}, QStringLiteral("The registry store is unavailable.")});
        RealtimeClient realtime;
        RegistryController registry(&api, &realtime);
        QAbstractItemModelTester history(registry.history(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        Q_EMIT realtime.message(
            QStringLiteral("registry"),
            registryMessage(QStringLiteral("snapshot"),
                            {{QStringLiteral("instances"),
                              QJsonArray{instanceJson(QStringLiteral("i-1"), QStringLiteral("web"), 80,
                                                      QStringLiteral("passing"))}}}));
        QTRY_COMPARE(
            registry.recentChanges()->error(),
            QStringLiteral("Could not load the latest status changes: The registry store is unavailable."));
        QVERIFY(!registry.services()->isLoading());
        api.setReply(QStringLiteral("/v1/registry/instances/i-1"),
                     ApiReply{503, {}, QStringLiteral("The registry is shutting down.")});
        registry.selectInstance(QStringLiteral("i-1"));
        QTRY_COMPARE(
            registry.history()->error(),
            QStringLiteral("Could not load this instance's history: The registry is shutting down."));
        QJsonObject detail =
            instanceJson(QStringLiteral("i-1"), QStringLiteral("web"), 80, QStringLiteral("passing"));
        detail.insert(QStringLiteral("history"),
                      QJsonArray{QJsonObject{{QStringLiteral("time"), QStringLiteral("2026-11-21T09:00:00Z")},
                                             {QStringLiteral("from"), QStringLiteral("critical")},
                                             {QStringLiteral("to"), QStringLiteral("passing")}},
                                 QJsonObject{{QStringLiteral("time"), QStringLiteral("2026-11-21T09:05:00Z")},
                                             {QStringLiteral("from"), QStringLiteral("passing")},
                                             {QStringLiteral("to"), QStringLiteral("warning")}}});
        api.setReply(QStringLiteral("/v1/registry/instances/i-1"), ApiReply{200, QJsonDocument(detail), {}});
        registry.selectInstance(QStringLiteral("i-1"));
        QTRY_COMPARE(registry.history()->rowCount(), 2);
        QCOMPARE(registry.history()->error(), QString());
        QCOMPARE(
            registry.history()->data(registry.history()->index(0), StatusChangesModel::ToRole).toString(),
            QStringLiteral("warning")); // newest first
        QCOMPARE(registry.detail().value(QStringLiteral("checkText")).toString(),
                 QStringLiteral("Heartbeat within 5000 ms"));
        QCOMPARE(registry.detail().value(QStringLiteral("tagsText")).toString(), QStringLiteral("blue"));
    }

    void eventTailTakesOlderRowsWithinItsCapacity()
    {
        EventTailModel model(10);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto event = [](int offset) {
            return QJsonObject{{QStringLiteral("offset"), offset},
                               {QStringLiteral("type"), QStringLiteral("t")}};
        };
        for (int i = 100; i < 106; ++i)
            model.append(event(i));
        model.flush();
        QCOMPARE(model.firstOffset(), 100);
        QList<QJsonObject> older;
        for (int i = 90; i < 100; ++i)
            older << event(i);
        QCOMPARE(model.prepend(older), 4); // room for four: the newest of the older ones
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.firstOffset(), 96);
        for (int row = 0; row < 10; ++row)
            QCOMPARE(model.data(model.index(row), EventTailModel::OffsetRole).toInt(), 96 + row);
        QCOMPARE(model.prepend(older), 0); // full
    }

    void eventsControllerLoadsOlderRowsOnDemand()
    {
        FakeApiClient api;
        auto reply = [](const QByteArray &json) {
            return ApiReply{200, QJsonDocument::fromJson(json), {}};
        };
        api.setReply(QStringLiteral("/v1/events/topics"),
                     reply("{\"topics\":[{\"name\":\"orders\",\"headOffset\":0}]}"));
        QByteArray page = "{\"events\":[";
        for (int i = 300; i < 500; ++i)
            page += (i > 300 ? "," : "") + QByteArray("{\"offset\":") + QByteArray::number(i) + "}";
        api.setReply(QStringLiteral("/v1/events/topics/orders/events?fromOffset=300&limit=200"),
                     reply(page + "]}"));
        RealtimeClient realtime;
        EventsController events(&api, &realtime);
        events.refreshTopics();
        QTRY_COMPARE(events.selectedTopic(), QStringLiteral("orders"));
        events.tail()->append(QJsonObject{{QStringLiteral("offset"), 500}});
        events.tail()->flush();
        events.loadOlder();
        QTRY_COMPARE(events.tail()->rowCount(), 201);
        QCOMPARE(events.tail()->firstOffset(), 300);

        // A failed "load older" is an error on the tail, not silently nothing.
        api.setReply(QStringLiteral("/v1/events/topics/orders/events?fromOffset=100&limit=200"),
                     ApiReply{503, {}, QStringLiteral("The events service is unavailable; try again.")});
        QCOMPARE(events.tail()->error(), QString());
        events.loadOlder();
        QTRY_VERIFY(!events.tail()->error().isEmpty());
        QVERIFY2(events.tail()->error().contains(QStringLiteral("unavailable")),
                 qPrintable(events.tail()->error()));
        QCOMPARE(events.tail()->rowCount(), 201);
    }

    void topicsModelShowsWhatTheBackendSaid()
    {
        TopicsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTopics(QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("audit")},
                                               {QStringLiteral("events"), 3},
                                               {QStringLiteral("bytes"), 2048},
                                               {QStringLiteral("headOffset"), 3},
                                               {QStringLiteral("ratePerSecond"), 0.5},
                                               {QStringLiteral("retention"),
                                                QJsonObject{{QStringLiteral("maxAgeSeconds"), 7776000}}}},
                                   QJsonObject{{QStringLiteral("name"), QStringLiteral("orders")},
                                               {QStringLiteral("headOffset"), 42}}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.indexOf(QStringLiteral("orders")), 1);
        QCOMPARE(model.headOffset(QStringLiteral("orders")), 42);
        QCOMPARE(model.data(model.index(0), TopicsModel::RetentionRole).toString(),
                 QStringLiteral("90 day(s)"));
        QCOMPARE(model.data(model.index(1), TopicsModel::RetentionRole).toString(),
                 QStringLiteral("forever"));
    }

    void instancesModelFiltersAndUpdatesRowsInPlace()
    {
        InstancesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset(
            {instanceJson(QStringLiteral("i-1"), QStringLiteral("web"), 81, QStringLiteral("passing")),
             instanceJson(QStringLiteral("i-2"), QStringLiteral("web"), 80, QStringLiteral("critical"),
                          QStringLiteral("2.0")),
             instanceJson(QStringLiteral("i-3"), QStringLiteral("api"), 80, QStringLiteral("passing"))});
        QCOMPARE(model.rowCount(), 3);
        // Sorted by service, address, port.
        QCOMPARE(model.data(model.index(0), InstancesModel::IdRole).toString(), QStringLiteral("i-3"));
        QCOMPARE(model.data(model.index(1), InstancesModel::EndpointRole).toString(),
                 QStringLiteral("10.0.0.1:80"));
        QCOMPARE(model.data(model.index(1), InstancesModel::LastSeenRole).toLongLong(),
                 QDateTime::fromString(QStringLiteral("2026-11-21T10:00:05.000Z"), Qt::ISODateWithMs)
                     .toMSecsSinceEpoch());
        QCOMPARE(model.data(model.index(1), InstancesModel::CheckRole).toString(), QStringLiteral("TTL 5 s"));
        model.setFilter(QStringLiteral("web"), {}, {});
        QCOMPARE(model.rowCount(), 2);
        model.setFilter(QStringLiteral("web"), QStringLiteral("critical"), {});
        QCOMPARE(model.rowCount(), 1);
        model.setFilter({}, {}, QStringLiteral("2.0"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0), InstancesModel::IdRole).toString(), QStringLiteral("i-2"));
        model.setFilter({}, {}, QStringLiteral("BLUE"));
        QCOMPARE(model.rowCount(), 3);

        // Check results change rows in place; no reset.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.applyChecks({{{QStringLiteral("id"), QStringLiteral("i-1")},
                            {QStringLiteral("lastOutput"), QStringLiteral("HTTP 200 OK")}}});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.data(model.index(model.rowOf(QStringLiteral("i-1"))), InstancesModel::LastOutputRole)
                     .toString(),
                 QStringLiteral("HTTP 200 OK"));
        // A status change out of the filter removes the row.
        model.setFilter({}, QStringLiteral("passing"), {});
        QCOMPARE(model.rowCount(), 2);
        model.upsert(
            instanceJson(QStringLiteral("i-1"), QStringLiteral("web"), 81, QStringLiteral("critical")));
        QCOMPARE(model.rowCount(), 1);
        model.remove(QStringLiteral("i-3"));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.total(), 2);
    }

    void registryControllerFollowsTheRegistryChannel()
    {
        FakeApiClient api;
        api.setReply(
            QStringLiteral("/v1/registry/changes?limit=8"),
            ApiReply{
                200,
                QJsonDocument(QJsonObject{
                    {QStringLiteral("changes"),
                     QJsonArray{QJsonObject{{QStringLiteral("instanceId"), QStringLiteral("i-1")},
                                            {QStringLiteral("service"), QStringLiteral("web")},
                                            {QStringLiteral("time"), QStringLiteral("2026-11-21T09:00:00Z")},
                                            {QStringLiteral("from"), QStringLiteral("critical")},
                                            {QStringLiteral("to"), QStringLiteral("passing")},
                                            {QStringLiteral("reason"), QStringLiteral("2 checks")}}}}}),
                {}});
        RealtimeClient realtime;
        RegistryController registry(&api, &realtime);
        QAbstractItemModelTester services(registry.services(),
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester recentTester(registry.recentChanges(),
                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester countsTester(registry.counts(),
                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(registry.services()->isLoading()); // until the snapshot: not "no services"
        QSignalSpy critical(&registry, &RegistryController::instanceWentCritical);
        Q_EMIT realtime.message(
            QStringLiteral("registry"),
            registryMessage(QStringLiteral("snapshot"),
                            {{QStringLiteral("instances"),
                              QJsonArray{instanceJson(QStringLiteral("i-1"), QStringLiteral("web"), 80,
                                                      QStringLiteral("passing")),
                                         instanceJson(QStringLiteral("i-2"), QStringLiteral("web"), 81,
                                                      QStringLiteral("passing"), QStringLiteral("2.0"), 300),
                                         instanceJson(QStringLiteral("i-3"), QStringLiteral("api"), 80,
                                                      QStringLiteral("warning"))}}}));
        QVERIFY(registry.isLoaded());
        QCOMPARE(registry.passing(), 2);
        QCOMPARE(registry.warning(), 1);
        QCOMPARE(registry.services()->rowCount(), 2);
        const QModelIndex web = registry.services()->index(1); // by name: api, web
        QCOMPARE(registry.services()->data(web, ServicesModel::NameRole).toString(), QStringLiteral("web"));
        QCOMPARE(registry.services()->data(web, ServicesModel::VersionsRole).toString(),
                 QStringLiteral("1.0, 2.0"));
        QCOMPARE(registry.services()->data(web, ServicesModel::PassingRole).toInt(), 2);
        QTRY_COMPARE(registry.recentChanges()->rowCount(), 1); // loaded once the snapshot arrived
        QCOMPARE(registry.counts()->data(registry.counts()->index(0), HealthCountsModel::CountRole).toInt(),
                 2);
        QCOMPARE(registry.recentChanges()
                     ->data(registry.recentChanges()->index(0), StatusChangesModel::EndpointRole)
                     .toString(),
                 QStringLiteral("10.0.0.1:80"));

        // A status change: counts, the latest changes and the notification signal follow.
        Q_EMIT realtime.message(
            QStringLiteral("registry"),
            registryMessage(
                QStringLiteral("change"),
                {{QStringLiteral("change"), QStringLiteral("registry.instance.status_changed")},
                 {QStringLiteral("instance"),
                  instanceJson(QStringLiteral("i-1"), QStringLiteral("web"), 80, QStringLiteral("critical"))},
                 {QStringLiteral("from"), QStringLiteral("passing")},
                 {QStringLiteral("to"), QStringLiteral("critical")},
                 {QStringLiteral("reason"), QStringLiteral("3 checks in a row failed")},
                 {QStringLiteral("time"), QStringLiteral("2026-11-21T10:00:00Z")}}));
        QCOMPARE(registry.passing(), 1);
        QCOMPARE(registry.critical(), 1);
        QCOMPARE(registry.recentChanges()->rowCount(), 2);
        QCOMPARE(registry.counts()->data(registry.counts()->index(2), HealthCountsModel::CountRole).toInt(),
                 1);
        QCOMPARE(registry.recentChanges()
                     ->data(registry.recentChanges()->index(0), StatusChangesModel::SubjectRole)
                     .toString(),
                 QStringLiteral("web 10.0.0.1:80"));
        QCOMPARE(registry.recentChanges()
                     ->data(registry.recentChanges()->index(0), StatusChangesModel::ToRole)
                     .toString(),
                 QStringLiteral("critical"));
        QCOMPARE(critical.count(), 1);
        QCOMPARE(critical.first().at(0).toString(), QStringLiteral("web"));

        // Traffic share among the instances taking traffic: i-1 is critical now.
        QCOMPARE(registry.trafficShare(QStringLiteral("i-2"), 300), 1.0);
        QCOMPARE(registry.trafficSharePercent(QStringLiteral("i-2"), 300), 100);
        Q_EMIT realtime.message(
            QStringLiteral("registry"),
            registryMessage(
                QStringLiteral("change"),
                {{QStringLiteral("change"), QStringLiteral("registry.instance.deregistered")},
                 {QStringLiteral("instance"), instanceJson(QStringLiteral("i-3"), QStringLiteral("api"), 80,
                                                           QStringLiteral("warning"))}}));
        QCOMPARE(registry.services()->rowCount(), 1);
        QCOMPARE(registry.warning(), 0);
        // Another channel's messages are not the registry's.
        Q_EMIT realtime.message(QStringLiteral("events.orders"),
                                registryMessage(QStringLiteral("snapshot"), {}));
        QCOMPARE(registry.instances()->total(), 2);

        // Actions go to the API with exactly the documented calls.
        registry.drain(QStringLiteral("i-2"), 30000);
        registry.setWeight(QStringLiteral("i-2"), 50);
        registry.deregister(QStringLiteral("i-2"));
        QTRY_COMPARE(api.posted().size(), 3);
        QCOMPARE(api.posted()[0].first, QStringLiteral("POST /v1/registry/instances/i-2/drain"));
        QCOMPARE(QJsonDocument::fromJson(api.posted()[0].second)
                     .object()
                     .value(QStringLiteral("deadlineMs"))
                     .toInt(),
                 30000);
        QCOMPARE(api.posted()[1].first, QStringLiteral("PATCH /v1/registry/instances/i-2"));
        QCOMPARE(
            QJsonDocument::fromJson(api.posted()[1].second).object().value(QStringLiteral("weight")).toInt(),
            50);
        QCOMPARE(api.posted()[2].first, QStringLiteral("DELETE /v1/registry/instances/i-2"));
    }

    void desktopNotificationsOnlyInTheBackgroundAndNotTooOften()
    {
        DesktopNotifier notifier;
        Qt::ApplicationState state = Qt::ApplicationActive;
        QStringList shown;
        notifier.setStateSource([&state] { return state; });
        notifier.setSink([&shown](const QString &summary, const QString &) {
            shown << summary;
            return true;
        });
        QVERIFY(!notifier.serviceCritical(QStringLiteral("web"), QStringLiteral("10.0.0.1:80"),
                                          QStringLiteral("down")));
        state = Qt::ApplicationInactive;
        QVERIFY(notifier.serviceCritical(QStringLiteral("web"), QStringLiteral("10.0.0.1:80"),
                                         QStringLiteral("down")));
        QCOMPARE(shown, QStringList{QStringLiteral("web is critical")});
        // The same service again within the cooldown: not again; another service: yes.
        QVERIFY(!notifier.serviceCritical(QStringLiteral("web"), QStringLiteral("10.0.0.1:81"),
                                          QStringLiteral("down")));
        QVERIFY(notifier.serviceCritical(QStringLiteral("api"), QStringLiteral("10.0.0.2:80"),
                                         QStringLiteral("down")));
        notifier.setPolicy(QStringLiteral("off"));
        QVERIFY(!notifier.serviceCritical(QStringLiteral("db"), QStringLiteral("10.0.0.3:5432"),
                                          QStringLiteral("down")));
        notifier.setPolicy(QStringLiteral("always"));
        state = Qt::ApplicationActive;
        QVERIFY(notifier.serviceCritical(QStringLiteral("db"), QStringLiteral("10.0.0.3:5432"),
                                         QStringLiteral("down")));
        QCOMPARE(shown.size(), 3);
    }

    void navigationModelListsEveryPageAndWhichHaveABackend()
    {
        NavigationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 9);
        QCOMPARE(model.indexOf(QStringLiteral("overview")), 0);
        QCOMPARE(
            model.data(model.index(model.indexOf(QStringLiteral("events"))), NavigationModel::AvailableRole)
                .toBool(),
            true);
        QCOMPARE(model.data(model.index(0), NavigationModel::AvailableRole).toBool(), true);
        const int services = model.indexOf(QStringLiteral("services"));
        QCOMPARE(model.data(model.index(services), NavigationModel::AvailableRole).toBool(), true);
        QCOMPARE(model.data(model.index(services), NavigationModel::ServiceRole).toString(),
                 QStringLiteral("registry"));
        const int gateway = model.indexOf(QStringLiteral("gateway"));
        QCOMPARE(model.data(model.index(gateway), NavigationModel::AvailableRole).toBool(), true);
        const int deployments = model.indexOf(QStringLiteral("deployments"));
        QCOMPARE(model.data(model.index(deployments), NavigationModel::AvailableRole).toBool(), true);
        const int chat = model.indexOf(QStringLiteral("chat"));
        QCOMPARE(model.data(model.index(chat), NavigationModel::AvailableRole).toBool(), true);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.retranslate();
        QCOMPARE(changed.count(), 1);
    }

    void comboBoxChoicesAreModels()
    {
        AppSettings settings;
        const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
        QAbstractItemModelTester languages(settings.languageChoices(), mode);
        QAbstractItemModelTester notifications(settings.notificationChoices(), mode);
        ChoicesModel *when = settings.notificationChoices();
        QCOMPARE(when->rowCount(), 3);
        QCOMPARE(when->indexOf(QStringLiteral("off")), 2);
        QCOMPARE(when->indexOf(QStringLiteral("sometimes")), -1);
        QCOMPARE(when->data(when->index(1), ChoicesModel::LabelRole).toString(),
                 QStringLiteral("Always notify"));
        QCOMPARE(
            settings.languageChoices()->data(settings.languageChoices()->index(2), ChoicesModel::LabelRole),
            QStringLiteral("Deutsch"));
        QSignalSpy relabelled(when, &QAbstractItemModel::dataChanged);
        settings.retranslate();
        QCOMPARE(relabelled.count(), 1);

        FakeApiClient api;
        RealtimeClient realtime;
        RegistryController registry(&api, &realtime);
        QAbstractItemModelTester statuses(registry.statusChoices(), mode);
        QCOMPARE(registry.statusChoices()->rowCount(), 5);
        QCOMPARE(registry.statusChoices()->valueAt(0, QStringLiteral("value")).toString(), QString());
        QCOMPARE(registry.statusChoices()->valueAt(0, QStringLiteral("label")).toString(),
                 QStringLiteral("Any status"));
        QCOMPARE(registry.statusChoices()->valueAt(3, QStringLiteral("value")).toString(),
                 QStringLiteral("critical"));
        QVERIFY(!registry.statusChoices()->valueAt(9, QStringLiteral("value")).isValid());
    }

    void settingsAreRememberedAcrossRestarts()
    {
        {
            AppSettings settings;
            settings.setTheme(QStringLiteral("dark"));
            settings.setLanguage(QStringLiteral("de"));
        }
        AppSettings again;
        QCOMPARE(again.theme(), QStringLiteral("dark"));
        QVERIFY(again.isDark());
        QCOMPARE(again.language(), QStringLiteral("de"));

        // A command-line override is for this run only.
        again.overrideTheme(QStringLiteral("light"));
        AppSettings third;
        QCOMPARE(third.theme(), QStringLiteral("dark"));

        // Unknown values fall back instead of being stored as garbage.
        third.setTheme(QStringLiteral("neon"));
        QCOMPARE(third.theme(), QStringLiteral("light"));
        third.setLanguage(QStringLiteral("xx"));
        QCOMPARE(third.language(), QString());
    }

    void connectionAttachesAndReadsSystemInfo()
    {
        FakeApiClient api;
        api.setReplyFromFile(QStringLiteral("/v1/system/info"),
                             testDataPath(QStringLiteral("system-info.json")));
        BackendConnection connection(&api, {});
        connection.attach(QUrl(QStringLiteral("http://127.0.0.1:1")), "tok");
        QTRY_COMPARE(connection.state(), BackendConnection::State::Connected);
        QCOMPARE(connection.systemInfo().value(QStringLiteral("version")).toString(),
                 QStringLiteral("9.8.7"));
        QCOMPARE(api.token(), QByteArray("tok"));
    }

    void connectionRetriesWithBackoffAndRecovers()
    {
        FakeApiClient api;
        api.setReplyFromFile(QStringLiteral("/v1/system/info"),
                             testDataPath(QStringLiteral("system-info.json")));
        api.setUnreachable(true);
        BackendConnection connection(&api, {100, 50, 400});
        connection.attach(QUrl(QStringLiteral("http://127.0.0.1:1")), "tok");
        QTRY_COMPARE(connection.state(), BackendConnection::State::Reconnecting);
        QVERIFY(connection.errorString().contains(QStringLiteral("Is meshdeckd running?")));
        // Probes keep coming, further apart each time, capped.
        QTRY_VERIFY_WITH_TIMEOUT(api.requestedPaths().size() >= 4, 3000);
        api.setUnreachable(false);
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), BackendConnection::State::Connected, 3000);
        // A lost backend is noticed by the heartbeat.
        api.setUnreachable(true);
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), BackendConnection::State::Reconnecting, 3000);
    }

    void connectionShowsTheProblemDetailOfARefusal()
    {
        FakeApiClient api;
        api.setReply(QStringLiteral("/v1/system/info"),
                     ApiReply{401,
                              {},
                              describeHttpError(401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":"
                                                     "\"The bearer token is not valid.\"}")});
        BackendConnection connection(&api, {1000, 5000, 5000});
        connection.attach(QUrl(QStringLiteral("http://127.0.0.1:1")), "bad");
        QTRY_COMPARE(connection.state(), BackendConnection::State::Reconnecting);
        QCOMPARE(connection.errorString(), QStringLiteral("The bearer token is not valid."));
    }

    void localStackReportsAMissingProgram()
    {
        QTemporaryDir dir;
        LocalStack stack(
            {dir.filePath(QStringLiteral("no-such-meshdeckd")), dir.filePath(QStringLiteral("data"))});
        stack.start();
        QCOMPARE(stack.state(), LocalStack::State::Failed);
        QVERIFY(stack.errorString().contains(QStringLiteral("missing or not executable")));
    }

    void localStackShowsWhyTheBackendDied()
    {
        QTemporaryDir dir;
        const QString script = dir.filePath(QStringLiteral("failing-backend"));
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\necho 'error meshdeck.backend: cannot listen: address in use' >&2\nexit 1\n");
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        LocalStack stack({script, dir.filePath(QStringLiteral("data"))});
        stack.start();
        QTRY_COMPARE(stack.state(), LocalStack::State::Failed);
        QVERIFY(stack.errorString().contains(QStringLiteral("exited with code 1")));
        QVERIFY2(stack.errorString().contains(QStringLiteral("address in use")), "the log's tail says why");
    }
};

QTEST_GUILESS_MAIN(TestConsole)
#include "tst_console.moc"
