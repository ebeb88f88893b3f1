#pragma once

#include "eventtailmodel.h"
#include "topicsmodel.h"

#include <QDateTime>
#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QVariantList>

#include <QCoroTask>

namespace Meshdeck::Console {

class ApiClient;
class RealtimeClient;

// The Events page: the topics, the live tail of the selected topic over the realtime channel
// (recent history first, then live), and publishing a test event.
class EventsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events")
    Q_PROPERTY(Meshdeck::Console::TopicsModel *topics READ topics CONSTANT)
    Q_PROPERTY(Meshdeck::Console::EventTailModel *tail READ tail CONSTANT)
    Q_PROPERTY(QString selectedTopic READ selectedTopic WRITE selectTopic NOTIFY selectedTopicChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(bool live READ isLive NOTIFY liveChanged)
    Q_PROPERTY(QVariantList groups READ groups NOTIFY groupsChanged)
    Q_PROPERTY(QVariantList webhooks READ webhooks NOTIFY webhooksChanged)
    Q_PROPERTY(QString lagGroup READ lagGroup NOTIFY lagChanged)
    Q_PROPERTY(QVariantList lagPoints READ lagPoints NOTIFY lagChanged)
    Q_PROPERTY(QVariantList deliveries READ deliveries NOTIFY deliveriesChanged)
    Q_PROPERTY(QString deliveriesWebhook READ deliveriesWebhook NOTIFY deliveriesChanged)
public:
    static constexpr int RecentHistory = 200;

    EventsController(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);

    TopicsModel *topics() { return &m_topics; }
    EventTailModel *tail() { return &m_tail; }
    QString selectedTopic() const { return m_selected; }
    void selectTopic(const QString &topic);
    bool isLoading() const { return m_loading; }
    QString error() const { return m_error; }
    bool isLive() const;

    Q_INVOKABLE void refreshTopics();
    Q_INVOKABLE void publishTestEvent(const QString &type, const QString &jsonData);
    // Restarts the tail at an offset (history from there, then live).
    Q_INVOKABLE void seek(qint64 offset);
    // Restarts the tail at the first event at or after a local date and time ("2026-11-21 10:00").
    Q_INVOKABLE void seekToTime(const QString &localDateTime);
    // Fetches the events before the oldest row held (scrolling to the top of the tail).
    Q_INVOKABLE void loadOlder();
    Q_INVOKABLE void showDeliveries(const QString &webhookId);
    QVariantList deliveries() const { return m_deliveries; }
    QString deliveriesWebhook() const { return m_deliveriesWebhook; }
    Q_INVOKABLE void replay(qint64 fromOffset, qint64 toOffset, const QString &targetTopic);
    Q_INVOKABLE void refreshGroupsAndWebhooks();
    Q_INVOKABLE void sendWebhookTest(const QString &webhookId);
    // Loads a consumer group's lag over the last hour for the chart.
    Q_INVOKABLE void showLag(const QString &group);
    QString lagGroup() const { return m_lagGroup; }
    QVariantList lagPoints() const { return m_lagPoints; }
    QVariantList groups() const { return m_groups; }
    QVariantList webhooks() const { return m_webhooks; }
    void setPreferredTopic(const QString &topic) { m_preferred = topic; }

Q_SIGNALS:
    void selectedTopicChanged();
    void loadingChanged();
    void errorChanged();
    void liveChanged();
    void published(bool ok, const QString &message);
    void replayed(bool ok, const QString &message);
    void webhookTested(bool ok, const QString &message);
    void groupsChanged();
    void webhooksChanged();
    void lagChanged();
    void deliveriesChanged();
    void seekFailed(const QString &message);

private:
    QCoro::Task<void> loadTopics();
    QCoro::Task<void> publish(QString topic, QByteArray body);
    QCoro::Task<void> postReplay(QString topic, QByteArray body);
    QCoro::Task<void> loadGroupsAndWebhooks(QString topic);
    QCoro::Task<void> testWebhook(QString id);
    QCoro::Task<void> loadLag(QString topic, QString group);
    QCoro::Task<void> findOffsetAt(QString topic, QDateTime time);
    QCoro::Task<void> loadDeliveries(QString webhookId);
    QCoro::Task<void> fetchOlder(QString topic, qint64 before);
    void setError(const QString &error);

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    TopicsModel m_topics;
    EventTailModel m_tail;
    QString m_selected;
    QString m_preferred;
    QString m_error;
    QVariantList m_groups;
    QVariantList m_webhooks;
    QString m_lagGroup;
    QVariantList m_lagPoints; // {time: ms since epoch, lag}
    QTimer m_topicsRefresh;
    bool m_loadingOlder = false;
    QVariantList m_deliveries;
    QString m_deliveriesWebhook;
    bool m_loading = false;
};

} // namespace Meshdeck::Console
