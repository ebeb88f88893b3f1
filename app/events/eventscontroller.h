#pragma once

#include "consumergroupsmodel.h"
#include "deliveriesmodel.h"
#include "eventtailmodel.h"
#include "laghistorymodel.h"
#include "topicsmodel.h"
#include "webhooksmodel.h"

#include <QDateTime>
#include <QObject>
#include <QQmlEngine>
#include <QTimer>

#include <QCoroTask>

namespace Meshdeck::Console {

class ApiClient;
class RealtimeClient;

// The Events page: the topics, the live tail of the selected topic over the realtime channel
// (recent history first, then live), and publishing a test event. Each list is a model with its
// own `loading` and `error`: a request that failed shows why, never an empty list.
class EventsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events")
    Q_PROPERTY(Meshdeck::Console::TopicsModel *topics READ topics CONSTANT)
    Q_PROPERTY(Meshdeck::Console::EventTailModel *tail READ tail CONSTANT)
    Q_PROPERTY(QString selectedTopic READ selectedTopic WRITE selectTopic NOTIFY selectedTopicChanged)
    Q_PROPERTY(bool live READ isLive NOTIFY liveChanged)
    Q_PROPERTY(Meshdeck::Console::ConsumerGroupsModel *groups READ groups CONSTANT)
    Q_PROPERTY(Meshdeck::Console::WebhooksModel *webhooks READ webhooks CONSTANT)
    Q_PROPERTY(Meshdeck::Console::LagHistoryModel *lag READ lag CONSTANT)
    Q_PROPERTY(Meshdeck::Console::DeliveriesModel *deliveries READ deliveries CONSTANT)
public:
    static constexpr int RecentHistory = 200;

    EventsController(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);

    TopicsModel *topics() { return &m_topics; }
    EventTailModel *tail() { return &m_tail; }
    QString selectedTopic() const { return m_selected; }
    void selectTopic(const QString &topic);
    bool isLive() const;
    ConsumerGroupsModel *groups() { return &m_groups; }
    WebhooksModel *webhooks() { return &m_webhooks; }
    LagHistoryModel *lag() { return &m_lag; }
    DeliveriesModel *deliveries() { return &m_deliveries; }

    Q_INVOKABLE void refreshTopics();
    Q_INVOKABLE void publishTestEvent(const QString &type, const QString &jsonData);
    // Restarts the tail at an offset (history from there, then live).
    Q_INVOKABLE void seek(qint64 offset);
    // Restarts the tail at the first event at or after a local date and time ("2026-11-21 10:00").
    Q_INVOKABLE void seekToTime(const QString &localDateTime);
    // Fetches the events before the oldest row held (scrolling to the top of the tail).
    Q_INVOKABLE void loadOlder();
    Q_INVOKABLE void showDeliveries(const QString &webhookId);
    Q_INVOKABLE void replay(qint64 fromOffset, qint64 toOffset, const QString &targetTopic);
    // Reloads the selected topic's consumer groups and webhooks (and the lag shown).
    Q_INVOKABLE void refreshGroupsAndWebhooks();
    Q_INVOKABLE void sendWebhookTest(const QString &webhookId);
    // Loads a consumer group's lag over the last hour for the chart.
    Q_INVOKABLE void showLag(const QString &group);
    void setPreferredTopic(const QString &topic) { m_preferred = topic; }
    // Another cluster (or the local stack) is being attached: every list of the previous one goes
    // at once, replies still in flight from it are dropped, and the lists show loading until the
    // new backend answers. The selected topic is chosen again there when it has one of that name.
    void reset();

Q_SIGNALS:
    void selectedTopicChanged();
    void liveChanged();
    // The lag history has new points (LagHistoryModel::pointsChanged, for the chart).
    void lagChanged();
    void published(bool ok, const QString &message);
    void replayed(bool ok, const QString &message);
    void webhookTested(bool ok, const QString &message);
    void seekFailed(const QString &message);

private:
    QCoro::Task<void> loadTopics();
    QCoro::Task<void> publish(QString topic, QByteArray body);
    QCoro::Task<void> postReplay(QString topic, QByteArray body);
    QCoro::Task<void> loadGroups(QString topic);
    QCoro::Task<void> loadWebhooks(QString topic);
    QCoro::Task<void> testWebhook(QString id);
    QCoro::Task<void> loadLag(QString topic, QString group);
    QCoro::Task<void> findOffsetAt(QString topic, QDateTime time);
    QCoro::Task<void> loadDeliveries(QString webhookId);
    QCoro::Task<void> fetchOlder(QString topic, qint64 before);

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    TopicsModel m_topics;
    EventTailModel m_tail;
    QString m_selected;
    QString m_preferred;
    ConsumerGroupsModel m_groups;
    WebhooksModel m_webhooks;
    LagHistoryModel m_lag;
    DeliveriesModel m_deliveries;
    QTimer m_topicsRefresh;
    bool m_loadingOlder = false;
    quint64 m_attachment = 0; // bumps on reset(): a reply of an older attachment is dropped
};

} // namespace Meshdeck::Console
