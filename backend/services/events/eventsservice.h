#pragma once

#include "consumergroupsstore.h"
#include "eventsstore.h"
#include "eventtypes.h"
#include "publishqueue.h"
#include "systemtopics.h"
#include "webhookdispatcher.h"

#include "platform/audit.h"
#include "platform/clock.h"
#include "platform/principal.h"
#include "platform/result.h"
#include "platform/secretbox.h"
#include "platform/service.h"

#include <QFuture>
#include <QObject>
#include <QTimer>

#include <QCoroTask>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

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
    // Cluster mode: whether this node takes the lag samples now (one node does, so the chart gets
    // one point per interval, not one per node). Empty: always (local mode).
    std::function<bool()> samplesLagHere;
    qint64 lagHistoryMs = 24LL * 3600 * 1000;
    PublishQueue::Limits publishQueue;
    WebhookSettings webhooks;
    // The delivery log keeps each webhook's last 1000 attempts, none older than 7 days: enough to
    // see a week of trouble or the last failures of a busy webhook, and it can no longer grow
    // without bound (it used to keep every attempt forever).
    int deliveryLogPerWebhook = 1000;
    qint64 deliveryLogMaxAgeMs = 7LL * 24 * 3600 * 1000;
    Retention auditRetention{90LL * 24 * 3600, 0};
    Retention systemRetention{30LL * 24 * 3600, 0};
};

// What a webhook is created from; the service adds its id and signing secret.
struct WebhookSpec {
    QUrl url;
    QStringList topics;
    QStringList types; // empty: every type
};

// A topic change, for the audit log's before and after.
struct TopicUpdate {
    TopicStats before;
    TopicStats after;
};

struct CreatedWebhook {
    Webhook webhook;
    QByteArray secret; // the signing secret in clear, shown to the caller this once
};

// A webhook before and after a change, read in the change's own database turn (the audit log's
// before and after).
struct WebhookChange {
    Webhook before;
    Webhook after;
};

// The event backbone: topics with retention, a durable append-only log per topic, reads by offset
// or time, consumer groups, and webhooks. Every operation answers a domain Result; only the routes
// files turn them into HTTP.
class EventsService : public QObject, public Service, public AuditSink, public EventPublisher
{
    Q_OBJECT
public:
    static constexpr auto AuditTopic = "audit";
    static constexpr auto SystemTopic = "system";
    template<typename T> using Task = QCoro::Task<Result<T>>;

    // `secrets` seals webhook signing secrets at rest.
    EventsService(EventsSettings settings, Storage::Database *database, SecretBox secrets,
                  const Clock &clock = Clock::system());
    ~EventsService() override;

    QString name() const override { return QStringLiteral("events"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    // Topics and their document permissions. `caller` is who asks (the request's principal); null
    // is the platform itself. A caller whose role holds events.read/events.write only on documents
    // (role `user`) reaches only the topics whose permissions grant it, and the stores apply that in
    // their queries: read (list, get, read and tail events, consumer groups), update (publish,
    // change the topic; replay needs read on the source and update on the target) and delete. A
    // topic the caller may not read answers NotFound, like one that does not exist; one it may read
    // but not change answers Forbidden. Creating a topic needs events.write in full.
    Task<TopicStats> createTopic(QString name, Retention retention, QStringList permissions = {},
                                 PrincipalPtr caller = {});
    Task<QList<TopicStats>> topics(PrincipalPtr caller = {});
    Task<TopicStats> topic(QString name, PrincipalPtr caller = {});
    // Changes retention and/or permissions (nobody grants what they do not hold); open realtime
    // subscriptions of the topic are checked again against its new permissions.
    Task<TopicUpdate> updateTopic(QString name, std::optional<Retention> retention,
                                  std::optional<QStringList> permissions, PrincipalPtr caller = {});
    Task<TopicStats> deleteTopic(QString name, PrincipalPtr caller = {}); // Conflict for a system topic

    // The log. A publish resolves once the batch is durable.
    Task<QList<StoredEventPtr>> publish(QString topic, QList<EventInput> events, QString requestId,
                                        PrincipalPtr caller = {});
    // From an offset, or from a time (ms) when fromTimeMs is given.
    Task<EventPage> read(QString topic, qint64 fromOffset, std::optional<qint64> fromTimeMs, int limit,
                         PrincipalPtr caller = {});
    // Copies [fromOffset, toOffset) of `topic` into `target`, each event tagged with its origin.
    Task<ReplayOutcome> replay(QString topic, QString target, qint64 fromOffset, qint64 toOffset,
                               QString requestId, PrincipalPtr caller = {});

    // Consumer groups (reading, for document permissions).
    Task<PollOutcome> pollGroup(QString topic, QString group, int max, std::optional<qint64> visibilityMs,
                                PrincipalPtr caller = {});
    Task<CommitOutcome> commitGroup(QString topic, QString group, qint64 offset, PrincipalPtr caller = {});
    Task<QList<GroupInfo>> groups(QString topic, PrincipalPtr caller = {});
    // Since `sinceMs`, or over the last hour.
    Task<QList<LagPoint>> lagHistory(QString topic, QString group, std::optional<qint64> sinceMs,
                                     PrincipalPtr caller = {});

    // Webhooks.
    // Every topic named must be readable by `caller` (the webhook reads on their behalf).
    Task<CreatedWebhook> createWebhook(WebhookSpec spec, PrincipalPtr caller = {});
    Task<QList<Webhook>> webhooks();
    Task<Webhook> webhook(QString id);
    Task<Webhook> deleteWebhook(QString id); // the webhook as it was
    Task<WebhookChange> setWebhookEnabled(QString id, bool enabled);
    Task<QList<DeliveryRecord>> webhookDeliveries(QString id, int limit);
    // Sends a webhook.test delivery now and records it.
    Task<DeliveryRecord> sendTestDelivery(QString id);

    // EventPublisher, for the other services.
    QFuture<Result<void>> ensureSystemTopic(QString topic, QByteArray readPermission) override;
    QFuture<Result<QList<qint64>>> publishEvents(QString topic, QList<EventInput> events,
                                                 QString requestId) override;
    // AuditSink: every mutating call lands on the audit topic.
    void record(AuditEntry entry) override;

    // Called on the database thread after each durable commit, with that commit's events in
    // offset order per topic. Realtime fan-out hangs off this.
    using CommitListener = std::function<void(const QList<StoredEventPtr> &)>;
    void addCommitListener(CommitListener listener);
    // Called on the database thread right after a topic's permissions changed or it was deleted,
    // before any later commit is delivered: realtime re-checks the topic's open subscriptions.
    using TopicListener = std::function<void(QSqlDatabase &db, const QString &topic)>;
    void addTopicListener(TopicListener listener);

    // One retention pass (events past their topic's retention, the delivery log over its bounds);
    // the service runs it every retentionIntervalMs.
    QCoro::Task<void> runRetention();

    const EventsSettings &settings() const { return m_settings; }
    // The platform's own topics and what reading them needs (the realtime channel asks too).
    std::shared_ptr<const SystemTopics> systemTopics() const { return m_systemTopics; }
    PublishQueue::Depth publishQueueDepth() const { return m_queue.depth(); }

private:
    QCoro::Task<QString> sealWebhookSecrets();
    // Ok when `caller` may do `action` on the topic; NotFound when it may not see it at all
    // (neither read nor `action`), Forbidden when it sees it but may not do `action`. No database
    // work for the platform and full grants.
    Task<void> require(QString topic, Storage::DocumentPermissions::Action action, PrincipalPtr caller);
    void notifyTopicListeners(QSqlDatabase &db, const QString &topic);
    void onCommitted(const QList<StoredEventPtr> &committed, qint64 nowMs);
    void notifyListeners(const QList<StoredEventPtr> &committed);
    void sampleLag();
    void countPublished(const QString &topic, qint64 count, qint64 nowMs);
    qint64 publishedLastMinute(const QString &topic, qint64 nowMs) const;

    EventsSettings m_settings;
    Storage::Database *m_database;
    const Clock &m_clock;
    SecretBox m_secrets;
    PublishQueue m_queue;
    QTimer m_retentionTimer;
    QTimer m_lagTimer;
    std::unique_ptr<WebhookDispatcher> m_webhooks;
    std::shared_ptr<SystemTopics> m_systemTopics = std::make_shared<SystemTopics>();
    std::atomic<qint64> m_auditDropped = 0;
    bool m_retentionRunning = false;
    // Coroutines that wait on the network hold a copy: false once destruction began.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);

    mutable std::mutex m_statsMutex;
    QHash<QString, std::deque<std::pair<qint64, qint64>>> m_perSecond; // topic -> (second, events)

    std::mutex m_listenerMutex;
    std::vector<CommitListener> m_listeners;
    std::vector<TopicListener> m_topicListeners; // guarded by m_listenerMutex
};

} // namespace Meshdeck::Events
