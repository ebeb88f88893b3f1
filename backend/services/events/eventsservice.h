#pragma once

#include "eventsstore.h"
#include "eventtypes.h"
#include "webhookdispatcher.h"

#include "platform/audit.h"
#include "platform/service.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QTimer>

#include <deque>
#include <functional>
#include <mutex>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Events {

struct EventsSettings {
    int retentionIntervalMs = 5'000;
    int maxEventsPerBatch = 1000;
    int maxDeliveries = 5;               // deliveries before an event is dead-lettered
    qint64 defaultVisibilityMs = 30'000; // how long a polled event waits for its commit
    int lagSampleIntervalMs = 10'000;
    qint64 lagHistoryMs = 24LL * 3600 * 1000;
    WebhookSettings webhooks;
    Retention auditRetention{90LL * 24 * 3600, 0};
    Retention systemRetention{30LL * 24 * 3600, 0};
};

struct PublishResult {
    int status = 0; // 201, 404, 503
    QString error;
    QList<StoredEventPtr> stored;
};

struct TopicStats {
    TopicInfo info;
    qint64 publishedLastMinute = 0;
};

// The event backbone: topics with retention, a durable append-only log per topic, and reads by
// offset or time. Publishes are group-committed: while one transaction is being made durable,
// the batches that arrive meanwhile queue up and go into the next one together.
class EventsService : public QObject, public Service, public AuditSink, public EventPublisher
{
    Q_OBJECT
public:
    static constexpr auto AuditTopic = "audit";
    static constexpr auto SystemTopic = "system";

    EventsService(EventsSettings settings, Storage::Database *database);
    ~EventsService() override;

    QString name() const override { return QStringLiteral("events"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    // Resolves once the batch is durable (201), or with the reason it is not.
    QFuture<PublishResult> publish(QString topic, QList<EventInput> events, QString requestId);
    // EventPublisher, for the other services.
    QFuture<Result<void>> ensureSystemTopic(QString topic) override;
    QFuture<Result<QList<qint64>>> publishEvents(QString topic, QList<EventInput> events,
                                                 QString requestId) override;
    // The tables of the events service (topics, log, groups, webhooks).
    static std::vector<Storage::Migration> schema();

    enum class CreateResult { Created, Exists, Invalid, Failed };
    QFuture<std::pair<CreateResult, QString>> createTopic(QString name, Retention retention);
    QFuture<QList<TopicStats>> topics();
    QFuture<std::optional<TopicStats>> topic(QString name);
    QFuture<std::pair<bool, QString>> deleteTopic(QString name);
    QFuture<EventsStore::ReadResult> read(QString topic, qint64 fromOffset, qint64 fromTimeMs, int limit);

    // Consumer groups.
    QFuture<EventsStore::PollResult> pollGroup(QString topic, QString group, int max, qint64 visibilityMs);
    QFuture<EventsStore::CommitResult> commitGroup(QString topic, QString group, qint64 offset);
    QFuture<std::optional<QList<EventsStore::GroupInfo>>> groups(QString topic);
    QFuture<QList<std::pair<qint64, qint64>>> lagHistory(QString topic, QString group, qint64 sinceMs);

    // Webhooks.
    WebhookDispatcher *webhooks() const { return m_webhooks.get(); }
    QFuture<std::pair<QString, QString>> createWebhook(Webhook webhook); // (missing topic, storage error)
    QFuture<QList<Webhook>> listWebhooks();
    QFuture<std::optional<Webhook>> webhook(QString id);
    QFuture<bool> deleteWebhook(QString id);
    QFuture<bool> setWebhookEnabled(QString id, bool enabled);
    QFuture<QList<DeliveryRecord>> webhookDeliveries(QString id, int limit);
    QFuture<void> recordTestDelivery(DeliveryRecord record);

    // Called on the database thread after each durable commit, with that commit's events in
    // offset order per topic. Realtime fan-out hangs off this.
    using CommitListener = std::function<void(const QList<StoredEventPtr> &)>;
    void addCommitListener(CommitListener listener);

    void record(AuditEntry entry) override;
    const EventsSettings &settings() const { return m_settings; }
    static bool isSystemTopic(const QString &name);

private:
    struct Pending {
        EventsStore::Batch batch;
        std::shared_ptr<QPromise<PublishResult>> promise;
    };
    void commitPending(QSqlDatabase &db);
    void runRetention();
    void countPublished(const QString &topic, qint64 count, qint64 nowMs);
    qint64 publishedLastMinute(const QString &topic, qint64 nowMs) const;

    EventsSettings m_settings;
    Storage::Database *m_database;
    QTimer m_retentionTimer;
    QTimer m_lagTimer;
    std::unique_ptr<WebhookDispatcher> m_webhooks;

    std::mutex m_queueMutex;
    std::vector<Pending> m_queue;
    bool m_commitScheduled = false;

    mutable std::mutex m_statsMutex;
    QHash<QString, std::deque<std::pair<qint64, qint64>>> m_perSecond; // topic -> (second, events)

    std::mutex m_listenerMutex;
    std::vector<CommitListener> m_listeners;
};

} // namespace Meshdeck::Events
