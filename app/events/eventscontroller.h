#pragma once

#include "eventtailmodel.h"
#include "topicsmodel.h"

#include <QObject>
#include <QQmlEngine>

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
    void setPreferredTopic(const QString &topic) { m_preferred = topic; }

Q_SIGNALS:
    void selectedTopicChanged();
    void loadingChanged();
    void errorChanged();
    void liveChanged();
    void published(bool ok, const QString &message);

private:
    QCoro::Task<void> loadTopics();
    QCoro::Task<void> publish(QString topic, QByteArray body);
    void setError(const QString &error);

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    TopicsModel m_topics;
    EventTailModel m_tail;
    QString m_selected;
    QString m_preferred;
    QString m_error;
    bool m_loading = false;
};

} // namespace Meshdeck::Console
