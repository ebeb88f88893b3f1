#include "eventsservice.h"

#include "storage/database.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcEvents, "meshdeck.backend.events")

namespace Meshdeck::Events {

EventsService::EventsService(EventsSettings settings, Storage::Database *database)
    : m_settings(settings)
    , m_database(database)
{
    m_retentionTimer.setInterval(m_settings.retentionIntervalMs);
    connect(&m_retentionTimer, &QTimer::timeout, this, &EventsService::runRetention);
    m_webhooks = std::make_unique<WebhookDispatcher>(m_settings.webhooks, database);
    addCommitListener([dispatcher = m_webhooks.get()](const QList<StoredEventPtr> &) { dispatcher->kick(); });
    // Lag over time, for the consumer-group chart.
    m_lagTimer.setInterval(m_settings.lagSampleIntervalMs);
    connect(&m_lagTimer, &QTimer::timeout, this, [this] {
        const qint64 keep = m_settings.lagHistoryMs;
        m_database->run([keep](QSqlDatabase &db) {
            EventsStore::sampleLag(db, QDateTime::currentMSecsSinceEpoch(), keep);
        });
    });
}

EventsService::~EventsService() = default;

std::vector<Storage::Migration> EventsService::schema()
{
    std::vector<Storage::Migration> all = EventsStore::migrations();
    all.push_back(WebhooksStore::migration());
    return all;
}

QFuture<Result<void>> EventsService::ensureSystemTopic(QString topic)
{
    return createTopic(topic, m_settings.systemRetention)
        .then([topic](const std::pair<CreateResult, QString> &created) -> Result<void> {
            if (created.first == CreateResult::Created || created.first == CreateResult::Exists)
                return {};
            return Error::unavailable(
                QStringLiteral("cannot create the topic %1: %2").arg(topic, created.second));
        });
}

QFuture<Result<QList<qint64>>> EventsService::publishEvents(QString topic, QList<EventInput> events,
                                                            QString requestId)
{
    return publish(topic, std::move(events), std::move(requestId))
        .then([topic](const PublishResult &published) -> Result<QList<qint64>> {
            if (published.status == 404)
                return Error::notFound(QStringLiteral("There is no topic '%1'.").arg(topic),
                                       "topic-not-found");
            if (published.status != 201)
                return Error::unavailable(published.error);
            QList<qint64> offsets;
            offsets.reserve(published.stored.size());
            for (const StoredEventPtr &e : published.stored)
                offsets.append(e->offset);
            return offsets;
        });
}

bool EventsService::isSystemTopic(const QString &name)
{
    // "registry" belongs to the registry service, which creates it.
    return name == QLatin1String(AuditTopic) || name == QLatin1String(SystemTopic) ||
           name == QLatin1String("registry");
}

QCoro::Task<QString> EventsService::start()
{
    const QStringList names{QString::fromLatin1(AuditTopic), QString::fromLatin1(SystemTopic)};
    const QList<Retention> retentions{m_settings.auditRetention, m_settings.systemRetention};
    for (qsizetype i = 0; i < names.size(); ++i) {
        QFuture<std::pair<CreateResult, QString>> created = createTopic(names[i], retentions[i]);
        const std::pair<CreateResult, QString> result = co_await created;
        if (result.first == CreateResult::Failed || result.first == CreateResult::Invalid)
            co_return QStringLiteral("cannot create the %1 topic: %2").arg(names[i], result.second);
    }
    m_retentionTimer.start();
    m_lagTimer.start();
    m_webhooks->start();
    co_return QString();
}

QCoro::Task<void> EventsService::stop()
{
    m_retentionTimer.stop();
    m_lagTimer.stop();
    m_webhooks->stop();
    co_return;
}

// ---------------------------------------------------------------------------------------------
// Publishing: group commit

QFuture<PublishResult> EventsService::publish(QString topic, QList<EventInput> events, QString requestId)
{
    auto promise = std::make_shared<QPromise<PublishResult>>();
    QFuture<PublishResult> future = promise->future();
    promise->start();
    bool schedule = false;
    {
        std::lock_guard lock(m_queueMutex);
        m_queue.push_back(
            Pending{EventsStore::Batch{std::move(topic), std::move(events), std::move(requestId)}, promise});
        schedule = !m_commitScheduled;
        m_commitScheduled = true;
    }
    if (schedule)
        m_database->run([this](QSqlDatabase &db) { commitPending(db); });
    return future;
}

void EventsService::commitPending(QSqlDatabase &db)
{
    for (;;) {
        std::vector<Pending> group;
        {
            std::lock_guard lock(m_queueMutex);
            if (m_queue.empty()) {
                m_commitScheduled = false;
                return;
            }
            group.swap(m_queue);
        }
        std::vector<EventsStore::Batch> batches;
        batches.reserve(group.size());
        for (const Pending &p : group)
            batches.push_back(p.batch);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        std::vector<EventsStore::BatchResult> results = EventsStore::appendGroup(db, batches, now);

        QList<StoredEventPtr> committed;
        for (size_t i = 0; i < group.size(); ++i) {
            {
                EventsStore::BatchResult &r = results[i];
                if (r.status == 201) {
                    countPublished(group[i].batch.topic, r.stored.size(), now);
                    committed += r.stored;
                } else if (r.status == 503) {
                    qCWarning(lcEvents) << "publish to" << group[i].batch.topic << "failed:" << r.error;
                }
                group[i].promise->addResult(PublishResult{r.status, r.error, r.stored});
                group[i].promise->finish();
            }
        }
        if (!committed.isEmpty()) {
            std::lock_guard lock(m_listenerMutex);
            for (const CommitListener &listener : m_listeners)
                listener(committed);
        }
    }
}

void EventsService::addCommitListener(CommitListener listener)
{
    std::lock_guard lock(m_listenerMutex);
    m_listeners.push_back(std::move(listener));
}

void EventsService::countPublished(const QString &topic, qint64 count, qint64 nowMs)
{
    const qint64 second = nowMs / 1000;
    std::lock_guard lock(m_statsMutex);
    auto &window = m_perSecond[topic];
    if (!window.empty() && window.back().first == second)
        window.back().second += count;
    else
        window.emplace_back(second, count);
    while (!window.empty() && window.front().first <= second - 60)
        window.pop_front();
}

qint64 EventsService::publishedLastMinute(const QString &topic, qint64 nowMs) const
{
    const qint64 second = nowMs / 1000;
    std::lock_guard lock(m_statsMutex);
    qint64 sum = 0;
    for (const auto &[s, n] : m_perSecond.value(topic)) {
        if (s > second - 60)
            sum += n;
    }
    return sum;
}

void EventsService::record(AuditEntry entry)
{
    const QJsonObject data{
        {QStringLiteral("actor"), entry.actor},
        {QStringLiteral("action"), QString::fromLatin1(entry.method)},
        {QStringLiteral("target"), QString::fromUtf8(entry.path)},
        {QStringLiteral("route"), QString::fromUtf8(entry.route)},
        {QStringLiteral("status"), entry.status},
        {QStringLiteral("source"), QString::fromLatin1(entry.source)},
        {QStringLiteral("time"),
         QDateTime::fromMSecsSinceEpoch(entry.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)}};
    EventInput input{QStringLiteral("audit.request"),
                     QString::fromLatin1(entry.requestId),
                     QJsonDocument(data).toJson(QJsonDocument::Compact),
                     {}};
    // Fire and forget: the audit record is group-committed with the next publishes.
    publish(QString::fromLatin1(AuditTopic), {input}, QString::fromLatin1(entry.requestId));
}

// ---------------------------------------------------------------------------------------------
// Topics and reads

QFuture<std::pair<EventsService::CreateResult, QString>> EventsService::createTopic(QString name,
                                                                                    Retention retention)
{
    return m_database->run([name, retention](QSqlDatabase &db) -> std::pair<CreateResult, QString> {
        if (!isValidTopicName(name))
            return {CreateResult::Invalid, QString()};
        QString error;
        switch (EventsStore::createTopic(db, name, retention, &error)) {
        case EventsStore::CreateOutcome::Created:
            return {CreateResult::Created, QString()};
        case EventsStore::CreateOutcome::Exists:
            return {CreateResult::Exists, QString()};
        case EventsStore::CreateOutcome::Failed:
            break;
        }
        return {CreateResult::Failed, error};
    });
}

QFuture<QList<TopicStats>> EventsService::topics()
{
    return m_database->run([this](QSqlDatabase &db) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<TopicStats> out;
        for (const TopicInfo &t : EventsStore::listTopics(db))
            out << TopicStats{t, publishedLastMinute(t.name, now)};
        return out;
    });
}

QFuture<std::optional<TopicStats>> EventsService::topic(QString name)
{
    return m_database->run([this, name](QSqlDatabase &db) -> std::optional<TopicStats> {
        const auto info = EventsStore::topic(db, name);
        if (!info)
            return std::nullopt;
        return TopicStats{*info, publishedLastMinute(name, QDateTime::currentMSecsSinceEpoch())};
    });
}

QFuture<std::pair<bool, QString>> EventsService::deleteTopic(QString name)
{
    return m_database->run([name](QSqlDatabase &db) {
        QString error;
        const bool ok = EventsStore::deleteTopic(db, name, &error);
        return std::pair{ok, error};
    });
}

QFuture<EventsStore::ReadResult> EventsService::read(QString topic, qint64 fromOffset, qint64 fromTimeMs,
                                                     int limit)
{
    return m_database->run([topic, fromOffset, fromTimeMs, limit](QSqlDatabase &db) {
        return EventsStore::read(db, topic, fromOffset, fromTimeMs, limit);
    });
}

QFuture<EventsStore::PollResult> EventsService::pollGroup(QString topic, QString group, int max,
                                                          qint64 visibilityMs)
{
    const int maxDeliveries = m_settings.maxDeliveries;
    return m_database->run([this, topic, group, max, visibilityMs, maxDeliveries](QSqlDatabase &db) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        EventsStore::PollResult result =
            EventsStore::poll(db, topic, group, max, visibilityMs, maxDeliveries, now);
        if (!result.deadLettered.isEmpty()) {
            // Dead letters are published events like any other: counted and delivered live.
            countPublished(result.deadLettered.first()->topic, result.deadLettered.size(), now);
            std::lock_guard lock(m_listenerMutex);
            for (const CommitListener &listener : m_listeners)
                listener(result.deadLettered);
        }
        return result;
    });
}

QFuture<EventsStore::CommitResult> EventsService::commitGroup(QString topic, QString group, qint64 offset)
{
    return m_database->run([topic, group, offset](QSqlDatabase &db) {
        return EventsStore::commit(db, topic, group, offset, QDateTime::currentMSecsSinceEpoch());
    });
}

QFuture<std::optional<QList<EventsStore::GroupInfo>>> EventsService::groups(QString topic)
{
    return m_database->run([topic](QSqlDatabase &db) -> std::optional<QList<EventsStore::GroupInfo>> {
        if (!EventsStore::topic(db, topic))
            return std::nullopt;
        return EventsStore::groups(db, topic);
    });
}

QFuture<QList<std::pair<qint64, qint64>>> EventsService::lagHistory(QString topic, QString group,
                                                                    qint64 sinceMs)
{
    return m_database->run([topic, group, sinceMs](QSqlDatabase &db) {
        return EventsStore::lagHistory(db, topic, group, sinceMs);
    });
}

QFuture<std::pair<QString, QString>> EventsService::createWebhook(Webhook webhook)
{
    return m_database->run([webhook](QSqlDatabase &db) {
        QString error;
        const QString missing = WebhooksStore::create(db, webhook, &error);
        return std::pair{missing, error};
    });
}

QFuture<QList<Webhook>> EventsService::listWebhooks()
{
    return m_database->run([](QSqlDatabase &db) { return WebhooksStore::list(db); });
}

QFuture<std::optional<Webhook>> EventsService::webhook(QString id)
{
    return m_database->run([id](QSqlDatabase &db) { return WebhooksStore::get(db, id); });
}

QFuture<bool> EventsService::deleteWebhook(QString id)
{
    return m_database->run([id](QSqlDatabase &db) { return WebhooksStore::remove(db, id); });
}

QFuture<bool> EventsService::setWebhookEnabled(QString id, bool enabled)
{
    return m_database->run([id, enabled](QSqlDatabase &db) {
        return WebhooksStore::setEnabled(db, id, enabled, QStringLiteral("Disabled by an administrator."));
    });
}

QFuture<QList<DeliveryRecord>> EventsService::webhookDeliveries(QString id, int limit)
{
    return m_database->run(
        [id, limit](QSqlDatabase &db) { return WebhooksStore::deliveries(db, id, limit); });
}

QFuture<void> EventsService::recordTestDelivery(DeliveryRecord record)
{
    const int maxFailures = m_settings.webhooks.maxFailures;
    return m_database->run([record, maxFailures](QSqlDatabase &db) {
        WebhooksStore::recordAttempt(db, record, 0, maxFailures);
    });
}

void EventsService::runRetention()
{
    constexpr int Chunk = 1000;
    // Short transactions in turns with publishes on the same thread: retention never holds them up.
    QFuture<int> deleted = m_database->run([](QSqlDatabase &db) {
        return EventsStore::applyRetention(db, QDateTime::currentMSecsSinceEpoch(), Chunk);
    });
    deleted.then(this, [this](int n) {
        if (n >= Chunk)
            QTimer::singleShot(0, this, &EventsService::runRetention);
        else if (n > 0)
            qCDebug(lcEvents) << "retention removed" << n << "events";
    });
}

} // namespace Meshdeck::Events
