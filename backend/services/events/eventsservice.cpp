#include "eventsservice.h"

#include "platform/clock.h"

#include "retentionstore.h"
#include "webhooksstore.h"

#include "storage/database.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcEvents, "meshdeck.backend.events")

namespace Meshdeck::Events {

namespace {

constexpr qint64 MaxReplayEvents = 100'000;
constexpr int ReplayPage = 1000;

Error noSuchTopic(const QString &name)
{
    return Error::notFound(QStringLiteral("There is no topic '%1'. Create it first.").arg(name),
                           "topic-not-found");
}

// A store answer of "maybe": the value, or `missing` when there was none.
template<typename T> Result<T> orMissing(Result<std::optional<T>> answer, const Error &missing)
{
    if (!answer)
        return answer.error();
    if (!answer.value())
        return missing;
    return std::move(*answer.value());
}

// A store answer that is itself a Result.
template<typename T> Result<T> flatten(Result<Result<T>> answer)
{
    if (!answer)
        return answer.error();
    return std::move(answer.value());
}

namespace Permissions = Storage::DocumentPermissions;

// The scope of `caller`'s `permission` the stores apply: everything for the platform itself (no
// caller) and for a role that holds the permission in full.
Permissions::Scope scopeOf(const PrincipalPtr &caller, QByteArrayView permission)
{
    return caller ? Permissions::scopeFor(*caller, permission) : Permissions::Scope::all();
}

std::optional<Error> invalidGroupName(const QString &group)
{
    if (isValidName(group))
        return std::nullopt;
    return Error::invalid(
        QStringLiteral("group"),
        QStringLiteral("'%1' is not a valid group name: use 1 to 128 characters of a-z, 0-9, '.', "
                       "'_' and '-', starting with a letter or digit.")
            .arg(group),
        "invalid-group-name");
}

// Creates the topic as the platform's own, or marks an existing one so.
void createSystemTopic(QSqlDatabase &db, const QString &name, Retention retention, qint64 nowMs)
{
    if (!EventsStore::createTopic(db, name, retention, nowMs, true))
        EventsStore::markSystem(db, name);
}

Error replayStopped(const Error &cause, qint64 copied, qint64 nextOffset)
{
    Error e = cause;
    e.reason = QStringLiteral("The replay stopped after %1 copied events: %2 Continue from offset %3.")
                   .arg(copied)
                   .arg(cause.reason)
                   .arg(nextOffset);
    return e;
}

} // namespace

EventsService::EventsService(EventsSettings settings, Storage::Database *database, SecretBox secrets,
                             const Clock &clock)
    : m_settings(settings)
    , m_database(database)
    , m_clock(clock)
    , m_secrets(std::move(secrets))
    , m_queue(database, clock, settings.publishQueue,
              [this](const QList<StoredEventPtr> &committed, qint64 nowMs) { onCommitted(committed, nowMs); })
{
    m_retentionTimer.setInterval(m_settings.retentionIntervalMs);
    connect(&m_retentionTimer, &QTimer::timeout, this,
            [this] { QCoro::connect(runRetention(), this, [] {}); });
    m_webhooks = std::make_unique<WebhookDispatcher>(m_settings.webhooks, database, m_secrets, m_clock);
    addCommitListener([dispatcher = m_webhooks.get()](const QList<StoredEventPtr> &) { dispatcher->kick(); });
    // Lag over time, for the consumer-group chart.
    m_lagTimer.setInterval(m_settings.lagSampleIntervalMs);
    connect(&m_lagTimer, &QTimer::timeout, this, &EventsService::sampleLag);
}

EventsService::~EventsService()
{
    *m_alive = false;
    {
        // A commit still queued must not reach the dispatcher (reset below) or a listener's owner.
        std::lock_guard lock(m_listenerMutex);
        m_listeners.clear();
    }
    m_webhooks.reset(); // abandons deliveries in flight while the rest is still here
    // Work already queued on the database thread (a group commit finishing, a poll) uses this
    // service: let it finish first.
    m_database->run([](QSqlDatabase &) {}).waitForFinished();
}

QCoro::Task<QString> EventsService::start()
{
    struct Own {
        const char *topic;
        Retention retention;
        QByteArray readPermission;
    };
    const Own own[] = {{AuditTopic, m_settings.auditRetention, QByteArrayLiteral("audit.read")},
                       {SystemTopic, m_settings.systemRetention, QByteArrayLiteral("system.read")}};
    for (const auto &[topic, retention, readPermission] : own) {
        const QString name = QString::fromLatin1(topic);
        m_systemTopics->add(name, readPermission);
        const qint64 now = m_clock.nowMs();
        QCoro::Task<Result<void>> creating = m_database->attempt(
            [name, retention, now](QSqlDatabase &db) { createSystemTopic(db, name, retention, now); });
        const Result<void> created = co_await creating;
        if (!created)
            co_return QStringLiteral("cannot create the %1 topic: %2").arg(name, created.error().reason);
    }
    if (QString error = co_await sealWebhookSecrets(); !error.isEmpty())
        co_return error;
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
    if (m_database->isOpen())
        co_await m_webhooks->releaseClaims();
}

// ---------------------------------------------------------------------------------------------
// Topics

// ---------------------------------------------------------------------------------------------
// The log

EventsService::Task<QList<StoredEventPtr>> EventsService::publish(QString topic, QList<EventInput> events,
                                                                  QString requestId, PrincipalPtr caller)
{
    if (events.size() > m_settings.maxEventsPerBatch)
        co_return Error::tooLarge(QStringLiteral("%1 events in one batch; send at most %2 per request.")
                                      .arg(events.size())
                                      .arg(m_settings.maxEventsPerBatch),
                                  "batch-too-large");
    // Publishing is update on the topic (without read: a producer may write what it cannot read).
    if (const Result<void> allowed = co_await require(topic, Permissions::Action::Update, caller); !allowed)
        co_return allowed.error();
    QFuture<Result<QList<StoredEventPtr>>> stored =
        m_queue.enqueue(EventsStore::Batch{std::move(topic), std::move(events), std::move(requestId)},
                        PublishQueue::Origin::Client);
    co_return co_await stored;
}

EventsService::Task<EventPage> EventsService::read(QString topic, qint64 fromOffset,
                                                   std::optional<qint64> fromTimeMs, int limit,
                                                   PrincipalPtr caller)
{
    if (std::optional<Error> refused = m_systemTopics->readRefusal(topic, caller))
        co_return *refused;
    const qint64 fromTime = fromTimeMs.value_or(-1);
    QCoro::Task<Result<std::optional<EventPage>>> reading = m_database->attempt(
        [topic, fromOffset, fromTime, limit, scope = scopeOf(caller, "events.read")](QSqlDatabase &db) {
            return EventsStore::read(db, topic, fromOffset, fromTime, limit, scope);
        });
    co_return orMissing(co_await reading, noSuchTopic(topic));
}

EventsService::Task<ReplayOutcome> EventsService::replay(QString topic, QString target, qint64 fromOffset,
                                                         qint64 toOffset, QString requestId,
                                                         PrincipalPtr caller)
{
    if (target == topic)
        co_return Error::invalid(
            QStringLiteral("targetTopic"),
            QStringLiteral("Replay into another topic, not into '%1' itself.").arg(topic));
    if (fromOffset < 0 || toOffset < fromOffset)
        co_return Error::invalid(
            QStringLiteral("toOffset"),
            QStringLiteral("Replay [fromOffset, toOffset) with 0 ≤ fromOffset ≤ toOffset."));
    if (toOffset - fromOffset > MaxReplayEvents)
        co_return Error::tooLarge(
            QStringLiteral("Replay at most %1 events per request.").arg(MaxReplayEvents), "replay-too-large");
    if (const Result<void> source = co_await require(topic, Permissions::Action::Read, caller); !source)
        co_return source.error();
    if (const Result<void> allowed = co_await require(target, Permissions::Action::Update, caller); !allowed)
        co_return allowed.error();
    if (const Result<TopicStats> exists = co_await this->topic(target); !exists)
        co_return exists.error();
    ReplayOutcome outcome;
    qint64 next = fromOffset;
    while (next < toOffset) {
        const Result<EventPage> page =
            co_await read(topic, next, std::nullopt, int(qMin<qint64>(ReplayPage, toOffset - next)), caller);
        if (!page)
            co_return page.error();
        QList<EventInput> inputs;
        for (const StoredEventPtr &e : page->events) {
            if (e->offset >= toOffset)
                break;
            QJsonObject headers = QJsonDocument::fromJson(e->headers).object();
            headers.insert(QStringLiteral("meshdeck-replayed-from"),
                           QStringLiteral("%1@%2").arg(topic).arg(e->offset));
            inputs.append(
                EventInput{e->type, e->key, e->data, QJsonDocument(headers).toJson(QJsonDocument::Compact)});
        }
        if (inputs.isEmpty())
            break;
        const qint64 continueAt = next;
        next = page->events.last()->offset + 1;
        const Result<QList<StoredEventPtr>> copied = co_await publish(target, inputs, requestId, caller);
        if (!copied)
            co_return replayStopped(copied.error(), outcome.replayed, continueAt);
        outcome.replayed += copied->size();
        if (outcome.firstTargetOffset < 0)
            outcome.firstTargetOffset = copied->first()->offset;
        outcome.lastTargetOffset = copied->last()->offset;
    }
    co_return outcome;
}

// ---------------------------------------------------------------------------------------------
// Consumer groups

EventsService::Task<PollOutcome> EventsService::pollGroup(QString topic, QString group, int max,
                                                          std::optional<qint64> visibilityMs,
                                                          PrincipalPtr caller)
{
    if (std::optional<Error> invalid = invalidGroupName(group))
        co_return *invalid;
    if (const Result<void> allowed = co_await require(topic, Permissions::Action::Read, caller); !allowed)
        co_return allowed.error();
    const ConsumerGroupsStore::PollRequest request{topic,
                                                   group,
                                                   max,
                                                   visibilityMs.value_or(m_settings.defaultVisibilityMs),
                                                   m_settings.maxDeliveries,
                                                   m_clock.nowMs()};
    QCoro::Task<Result<std::optional<PollOutcome>>> polling =
        m_database->attempt([this, request](QSqlDatabase &db) {
            std::optional<PollOutcome> outcome = ConsumerGroupsStore::poll(db, request);
            // Dead letters are published events like any other: counted and delivered live.
            if (outcome && !outcome->deadLettered.isEmpty())
                onCommitted(outcome->deadLettered, request.nowMs);
            return outcome;
        });
    co_return orMissing(co_await polling, noSuchTopic(topic));
}

EventsService::Task<CommitOutcome> EventsService::commitGroup(QString topic, QString group, qint64 offset,
                                                              PrincipalPtr caller)
{
    if (std::optional<Error> invalid = invalidGroupName(group))
        co_return *invalid;
    if (const Result<void> allowed = co_await require(topic, Permissions::Action::Read, caller); !allowed)
        co_return allowed.error();
    const qint64 now = m_clock.nowMs();
    QCoro::Task<Result<Result<CommitOutcome>>> committing =
        m_database->attempt([topic, group, offset, now](QSqlDatabase &db) {
            return ConsumerGroupsStore::commit(db, topic, group, offset, now);
        });
    co_return flatten(co_await committing);
}

EventsService::Task<QList<GroupInfo>> EventsService::groups(QString topic, PrincipalPtr caller)
{
    if (const Result<void> allowed = co_await require(topic, Permissions::Action::Read, caller); !allowed)
        co_return allowed.error();
    QCoro::Task<Result<std::optional<QList<GroupInfo>>>> listing =
        m_database->attempt([topic](QSqlDatabase &db) { return ConsumerGroupsStore::groups(db, topic); });
    co_return orMissing(co_await listing, noSuchTopic(topic));
}

EventsService::Task<QList<LagPoint>>
EventsService::lagHistory(QString topic, QString group, std::optional<qint64> sinceMs, PrincipalPtr caller)
{
    if (const Result<void> allowed = co_await require(topic, Permissions::Action::Read, caller); !allowed)
        co_return allowed.error();
    const qint64 since = sinceMs.value_or(m_clock.nowMs() - 3600 * 1000);
    QCoro::Task<Result<std::optional<QList<LagPoint>>>> reading =
        m_database->attempt([topic, group, since](QSqlDatabase &db) -> std::optional<QList<LagPoint>> {
            if (!EventsStore::topic(db, topic))
                return std::nullopt;
            return ConsumerGroupsStore::lagHistory(db, topic, group, since);
        });
    co_return orMissing(co_await reading, noSuchTopic(topic));
}

void EventsService::sampleLag()
{
    if (m_settings.samplesLagHere && !m_settings.samplesLagHere())
        return; // another node of the cluster samples
    const qint64 now = m_clock.nowMs();
    const qint64 keep = m_settings.lagHistoryMs;
    m_database->run([database = m_database, now, keep](QSqlDatabase &db) {
        try {
            ConsumerGroupsStore::sampleLag(db, now, keep);
        } catch (const Storage::StoreError &e) {
            qCWarning(lcEvents) << "cannot sample consumer-group lag:" << e.what();
            database->checkConnectionAfterFailure(); // readiness sees a loss only this work met
        }
    });
}

// ---------------------------------------------------------------------------------------------
// For the other services, the audit log and the realtime channel

QFuture<Result<void>> EventsService::ensureSystemTopic(QString topic, QByteArray readPermission)
{
    if (!isValidName(topic))
        return QtFuture::makeReadyFuture(Result<void>(Error::invalid(
            QStringLiteral("topic"), QStringLiteral("'%1' is not a valid topic name.").arg(topic))));
    m_systemTopics->add(topic, std::move(readPermission)); // refused to clients from now on
    const Retention retention = m_settings.systemRetention;
    const qint64 now = m_clock.nowMs();
    return m_database->run([database = m_database, topic, retention, now](QSqlDatabase &db) -> Result<void> {
        try {
            createSystemTopic(db, topic, retention, now);
            return {};
        } catch (const Storage::StoreError &e) {
            database->checkConnectionAfterFailure();
            return Error::unavailable(
                QStringLiteral("cannot create the topic %1: %2").arg(topic, e.reason()));
        }
    });
}

QFuture<Result<QList<qint64>>> EventsService::publishEvents(QString topic, QList<EventInput> events,
                                                            QString requestId)
{
    return m_queue
        .enqueue(EventsStore::Batch{std::move(topic), std::move(events), std::move(requestId)},
                 PublishQueue::Origin::Platform)
        .then([](const Result<QList<StoredEventPtr>> &stored) -> Result<QList<qint64>> {
            if (!stored)
                return stored.error();
            QList<qint64> offsets;
            offsets.reserve(stored->size());
            for (const StoredEventPtr &e : stored.value())
                offsets.append(e->offset);
            return offsets;
        });
}

void EventsService::record(AuditEntry entry)
{
    const QJsonObject data{{QStringLiteral("actor"), entry.actor},
                           {QStringLiteral("action"), QString::fromLatin1(entry.method)},
                           {QStringLiteral("target"), QString::fromUtf8(entry.path)},
                           {QStringLiteral("route"), QString::fromUtf8(entry.route)},
                           {QStringLiteral("status"), entry.status},
                           {QStringLiteral("source"), QString::fromLatin1(entry.source)},
                           {QStringLiteral("time"), isoTime(entry.timeMs)}};
    EventInput input{QStringLiteral("audit.request"),
                     QString::fromLatin1(entry.requestId),
                     QJsonDocument(data).toJson(QJsonDocument::Compact),
                     {}};
    // Fire and forget: the audit record is group-committed with the next publishes. When even the
    // platform's share of the queue is full, the record is dropped and counted.
    const QFuture<Result<QList<StoredEventPtr>>> queued = m_queue.enqueue(
        EventsStore::Batch{QString::fromLatin1(AuditTopic), {input}, QString::fromLatin1(entry.requestId)},
        PublishQueue::Origin::Platform);
    if (queued.isFinished() && !queued.result()) {
        const qint64 dropped = ++m_auditDropped;
        if ((dropped & (dropped - 1)) == 0) // 1, 2, 4, 8, …: visible without flooding the log
            qCWarning(lcEvents) << "the publish queue is full:" << dropped
                                << "audit record(s) dropped so far";
    }
}

void EventsService::addCommitListener(CommitListener listener)
{
    std::lock_guard lock(m_listenerMutex);
    m_listeners.push_back(std::move(listener));
}

void EventsService::onCommitted(const QList<StoredEventPtr> &committed, qint64 nowMs)
{
    QHash<QString, qint64> perTopic;
    for (const StoredEventPtr &e : committed)
        ++perTopic[e->topic];
    for (auto it = perTopic.cbegin(); it != perTopic.cend(); ++it)
        countPublished(it.key(), it.value(), nowMs);
    std::lock_guard lock(m_listenerMutex);
    for (const CommitListener &listener : m_listeners)
        listener(committed);
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

// ---------------------------------------------------------------------------------------------
// Retention

QCoro::Task<void> EventsService::runRetention()
{
    if (m_retentionRunning)
        co_return;
    m_retentionRunning = true;
    const std::shared_ptr<const bool> alive = m_alive;
    constexpr int Chunk = 1000;
    // Chunks of short transactions, each its own turn of the database thread: publishes go in between.
    for (int removed = Chunk; removed >= Chunk;) {
        const qint64 now = m_clock.nowMs();
        QCoro::Task<Result<int>> expiring = m_database->attempt(
            [now](QSqlDatabase &db) { return RetentionStore::expireEvents(db, now, Chunk); });
        const Result<int> expired = co_await expiring;
        if (!*alive)
            co_return;
        if (!expired)
            qCWarning(lcEvents) << "retention failed:" << expired.error().reason;
        removed = expired ? expired.value() : 0;
        if (removed > 0)
            qCDebug(lcEvents) << "retention removed" << removed << "events";
    }
    const int keep = m_settings.deliveryLogPerWebhook;
    const qint64 before = m_clock.nowMs() - m_settings.deliveryLogMaxAgeMs;
    QCoro::Task<Result<int>> pruning = m_database->attempt(
        [keep, before](QSqlDatabase &db) { return WebhooksStore::pruneDeliveries(db, keep, before); });
    const Result<int> pruned = co_await pruning;
    if (!*alive)
        co_return;
    if (!pruned)
        qCWarning(lcEvents) << "pruning the webhook delivery log failed:" << pruned.error().reason;
    m_retentionRunning = false;
}

} // namespace Meshdeck::Events
