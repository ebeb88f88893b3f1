#include "eventschannel.h"

#include "eventsstore.h"

#include "platform/access.h"
#include "storage/database.h"
#include "storage/store.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcChannel, "meshdeck.backend.events.channel")

namespace Meshdeck::Events {

namespace {
constexpr int PageSize = 1000;
constexpr int MaxBacklogPerTurn = 20'000; // then yield the database thread to publishers

QByteArray eventMessage(const QString &channel, const StoredEvent &event)
{
    return "{\"type\":\"event\",\"channel\":\"" + channel.toUtf8() + "\",\"event\":" + event.toJsonText() +
           '}';
}
} // namespace

EventsChannel::EventsChannel(Storage::Database *database, std::shared_ptr<const SystemTopics> systemTopics)
    : m_database(database)
    , m_systemTopics(std::move(systemTopics))
{}

EventsChannel::~EventsChannel()
{
    // Work this channel queued on the database thread (and work that queues more) finds it gone.
    *m_alive = false;
    // Also after Database::close(): retry timers on the database thread outlive it, and the
    // barrier makes sure none of them is running this channel's work as it goes.
    m_database->run([](QSqlDatabase &) {}).waitForFinished();
}

template<typename Work> void EventsChannel::later(Work work)
{
    m_database->run([alive = m_alive, work = std::move(work)](QSqlDatabase &db) mutable {
        if (*alive)
            work(db);
    });
}

template<typename Work> void EventsChannel::after(int delayMs, Work work)
{
    // The timer lives on the database thread (its worker's context), so it ends with the database;
    // the destructor's barrier on that thread means a timer that fires later finds `alive` false.
    QTimer::singleShot(delayMs, m_database->workerObject(),
                       [this, alive = m_alive, work = std::move(work)]() mutable {
                           if (*alive)
                               later(std::move(work));
                       });
}

int EventsChannel::nextRetryMs(int current)
{
    return current <= 0 ? FirstRetryMs : qMin(current * 2, MaxRetryMs);
}

void EventsChannel::retryCatchUp(const StatePtr &state, const QString &reason)
{
    // A lost server is found out here too, not only by work that lets its error escape.
    m_database->checkConnectionAfterFailure();
    // While the database answers, the read itself fails (not a passing outage): a few tries,
    // then the subscriber is told why, as before retries existed. A lost server is waited for.
    if (m_database->isConnected() && ++state->failures > MaxFailuresWhileConnected) {
        fail(state, QStringLiteral("The topic '%1' cannot be read: %2").arg(state->topic, reason));
        return;
    }
    state->retryMs = nextRetryMs(state->retryMs);
    qCWarning(lcChannel).noquote() << "cannot read" << state->topic << "for a subscriber (" << reason
                                   << "); retrying in" << state->retryMs << "ms";
    after(state->retryMs, [this, state](QSqlDatabase &db) { catchUp(db, state); });
}

void EventsChannel::retryTopic(const QString &topic, const QString &reason)
{
    m_database->checkConnectionAfterFailure();
    // One retry at a time per topic: polls and wake-ups that fail meanwhile leave it to that one.
    if (m_topicRetryPending.contains(topic))
        return;
    m_topicRetryPending.insert(topic);
    int &delay = m_topicRetryMs[topic];
    delay = nextRetryMs(delay);
    qCWarning(lcChannel).noquote() << "cannot read" << topic << "for its subscribers (" << reason
                                   << "); retrying in" << delay << "ms";
    QTimer::singleShot(delay, m_database->workerObject(), [this, alive = m_alive, topic] {
        if (!*alive)
            return;
        m_topicRetryPending.remove(topic);
        wake(topic);
    });
}

QString EventsChannel::open(Realtime::SubscriptionPtr subscription)
{
    const QString topic = subscription->channel.mid(prefix().size());
    if (!isValidName(topic))
        return QStringLiteral("'%1' is not a valid topic name.").arg(topic);
    if (!subscription->principal)
        return QStringLiteral("Authenticate before subscribing.");
    const Access::Decision decision = Access::authorize(*subscription->principal, "events.read");
    if (!decision.allowed)
        return decision.summary();
    if (m_systemTopics) {
        if (std::optional<Error> refused = m_systemTopics->readRefusal(topic, subscription->principal))
            return refused->reason;
    }
    const QJsonValue from = subscription->request.value(QStringLiteral("fromOffset"));
    auto state = std::make_shared<State>();
    state->scope = Storage::DocumentPermissions::scopeFor(*subscription->principal, "events.read");
    state->subscription = std::move(subscription);
    state->topic = topic;
    if (!from.isUndefined() && !from.isNull()) {
        if (!from.isDouble() || from.toDouble() < 0 ||
            (from.toDouble() > 9e15 || from.toDouble() != std::floor(from.toDouble())))
            return QStringLiteral("fromOffset must be a whole number ≥ 0.");
        state->requestedOffset = qint64(from.toDouble());
    }
    {
        std::lock_guard lock(m_mutex);
        m_byTopic[topic].append(state);
        m_byId.insert(state->subscription->id, state);
    }
    later([this, state](QSqlDatabase &db) { catchUp(db, state); });
    return {};
}

void EventsChannel::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_mutex);
    if (const StatePtr state = m_byId.take(subscription->id))
        forget(state);
}

void EventsChannel::forget(const StatePtr &state)
{
    // Under m_mutex. A topic nobody follows any more leaves no entry behind.
    auto it = m_byTopic.find(state->topic);
    if (it == m_byTopic.end())
        return;
    it->removeOne(state);
    if (it->isEmpty())
        m_byTopic.erase(it);
}

void EventsChannel::drop(const StatePtr &state)
{
    std::lock_guard lock(m_mutex);
    m_byId.remove(state->subscription->id);
    forget(state);
}

void EventsChannel::catchUp(QSqlDatabase &db, StatePtr state)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_byId.contains(state->subscription->id))
            return; // unsubscribed meanwhile
    }
    try {
        if (!state->started && !start(db, state))
            return;
        const bool caughtUp = deliverBacklog(db, state);
        state->retryMs = 0; // read fine: a later failure starts the backoff afresh
        state->failures = 0;
        if (caughtUp) {
            std::lock_guard lock(m_mutex);
            state->live = true;
        }
    } catch (const Storage::StoreError &e) {
        // Not live yet, so commits meanwhile are left to this read, which resumes at state->next.
        retryCatchUp(state, e.reason());
    }
}

bool EventsChannel::start(QSqlDatabase &db, const StatePtr &state)
{
    // A topic this subscriber may not read is, to it, a topic that does not exist.
    const auto info = EventsStore::topic(db, state->topic, state->scope);
    if (!info) {
        fail(state, QStringLiteral("There is no topic '%1'.").arg(state->topic));
        return false;
    }
    // Offsets before the oldest kept event have expired; the reply says where delivery starts.
    // One past the head is where live delivery starts: the reply says so, not the number asked for.
    state->next = state->requestedOffset < 0 ? info->nextOffset
                                             : qBound(info->firstOffset, state->requestedOffset,
                                                      qMax(info->firstOffset, info->nextOffset));
    state->started = true;
    state->subscription->mailbox->post(
        Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("subscribed")},
                            {QStringLiteral("channel"), state->subscription->channel},
                            {QStringLiteral("fromOffset"), state->next},
                            {QStringLiteral("headOffset"), info->nextOffset}}));
    return true;
}

bool EventsChannel::deliverBacklog(QSqlDatabase &db, const StatePtr &state)
{
    Realtime::Mailbox &mailbox = *state->subscription->mailbox;
    int sent = 0;
    for (;;) {
        const std::optional<EventPage> page =
            EventsStore::read(db, state->topic, state->next, -1, PageSize, state->scope);
        if (!page) {
            fail(state, QStringLiteral("The topic '%1' was deleted.").arg(state->topic));
            return false;
        }
        for (const StoredEventPtr &e : page->events) {
            if (!mailbox.post(eventMessage(state->subscription->channel, *e))) {
                drop(state); // overflowed: the session disconnects
                return false;
            }
        }
        state->next = page->nextOffset;
        sent += int(page->events.size());
        if (page->events.size() < PageSize)
            return true;
        if (sent >= MaxBacklogPerTurn) {
            // A long backlog: let publishers in, then continue from here.
            later([this, state](QSqlDatabase &d) { catchUp(d, state); });
            return false;
        }
    }
}

void EventsChannel::fail(const StatePtr &state, const QString &reason)
{
    state->subscription->mailbox->post(
        Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("error")},
                            {QStringLiteral("channel"), state->subscription->channel},
                            {QStringLiteral("reason"), reason}}));
    drop(state);
}

void EventsChannel::onCommitted(const QList<StoredEventPtr> &events)
{
    QHash<QString, QList<StatePtr>> targets;
    {
        std::lock_guard lock(m_mutex);
        for (const StoredEventPtr &e : events) {
            if (!targets.contains(e->topic))
                targets.insert(e->topic, m_byTopic.value(e->topic));
        }
    }
    const QSet<QString> gaps = deliver(events, targets);
    for (const QString &topic : gaps)
        wake(topic);
}

QSet<QString> EventsChannel::deliver(const QList<StoredEventPtr> &events,
                                     const QHash<QString, QList<StatePtr>> &targets)
{
    QSet<QString> gaps;
    // One message text per event per channel, shared by every subscriber.
    QHash<const StoredEvent *, QByteArray> texts;
    for (const StoredEventPtr &e : events) {
        for (const StatePtr &state : targets.value(e->topic)) {
            // Not live yet: the pending backlog read will include this commit.
            if (!state->live || e->offset < state->next)
                continue;
            if (e->offset > state->next) {
                gaps.insert(e->topic); // committed elsewhere and not seen here yet: read it
                continue;
            }
            auto text = texts.find(e.get());
            if (text == texts.end())
                text = texts.insert(e.get(), eventMessage(state->subscription->channel, *e));
            if (!state->subscription->mailbox->post(*text)) {
                drop(state);
                continue;
            }
            state->next = e->offset + 1;
        }
    }
    return gaps;
}

void EventsChannel::wake(const QString &topic)
{
    {
        // Nobody here follows it, or a read of it is already queued (which will see this too).
        std::lock_guard lock(m_mutex);
        if (!m_byTopic.contains(topic) || m_wakePending.contains(topic))
            return;
        m_wakePending.insert(topic);
    }
    later([this, topic](QSqlDatabase &db) {
        {
            std::lock_guard lock(m_mutex);
            m_wakePending.remove(topic);
        }
        catchUpTopic(db, topic);
    });
}

void EventsChannel::pollAll()
{
    for (const QString &topic : followedTopics())
        wake(topic);
}

void EventsChannel::recheckRestricted()
{
    QStringList restricted;
    {
        std::lock_guard lock(m_mutex);
        for (auto it = m_byTopic.cbegin(); it != m_byTopic.cend(); ++it) {
            if (std::any_of(it->cbegin(), it->cend(), [](const StatePtr &s) { return !s->scope.everything; }))
                restricted << it.key();
        }
    }
    for (const QString &topic : std::as_const(restricted))
        permissionsChangedElsewhere(topic);
}

void EventsChannel::permissionsChangedElsewhere(const QString &topic)
{
    later([this, topic](QSqlDatabase &db) { recheck(db, topic, false); });
}

QStringList EventsChannel::followedTopics()
{
    std::lock_guard lock(m_mutex);
    return m_byTopic.keys();
}

void EventsChannel::recheck(QSqlDatabase &db, const QString &topic, bool uncertainEnds)
{
    QList<StatePtr> restricted;
    {
        std::lock_guard lock(m_mutex);
        for (const StatePtr &state : m_byTopic.value(topic)) {
            if (!state->scope.everything)
                restricted.append(state);
        }
    }
    if (restricted.isEmpty())
        return;
    bool exists = true;
    try {
        exists = EventsStore::topic(db, topic).has_value();
    } catch (const Storage::StoreError &e) {
        qCWarning(lcChannel) << "cannot re-check the subscriptions to" << topic << ":" << e.what();
    }
    for (const StatePtr &state : std::as_const(restricted)) {
        bool readable = false;
        try {
            readable = exists && EventsStore::topic(db, topic, state->scope).has_value();
        } catch (const Storage::StoreError &e) {
            // Cannot tell. Right after a change here: end it rather than keep delivering to someone
            // who may have lost read. A check on another node's word: the next one decides.
            qCWarning(lcChannel) << "cannot re-check a subscription to" << topic << ":" << e.what();
            readable = !uncertainEnds;
        }
        if (readable)
            continue;
        state->subscription->mailbox->post(Realtime::jsonText(
            {{QStringLiteral("type"), QStringLiteral("unsubscribed")},
             {QStringLiteral("channel"), state->subscription->channel},
             {QStringLiteral("reason"),
              exists ? QStringLiteral("You may no longer read the topic '%1': its permissions changed.")
                           .arg(topic)
                     : QStringLiteral("The topic '%1' was deleted.").arg(topic)}}));
        drop(state);
    }
}

void EventsChannel::catchUpTopic(QSqlDatabase &db, const QString &topic)
{
    QList<StatePtr> live;
    {
        std::lock_guard lock(m_mutex);
        for (const StatePtr &state : m_byTopic.value(topic)) {
            if (state->live)
                live.append(state);
        }
    }
    if (live.isEmpty()) {
        m_topicRetryMs.remove(topic);
        return;
    }
    qint64 from = live.first()->next;
    for (const StatePtr &state : live)
        from = qMin(from, state->next);
    const QHash<QString, QList<StatePtr>> targets{{topic, live}};
    int sent = 0;
    try {
        for (;;) {
            const std::optional<EventPage> page = EventsStore::read(db, topic, from, -1, PageSize);
            if (!page) {
                for (const StatePtr &state : live)
                    fail(state, QStringLiteral("The topic '%1' was deleted.").arg(topic));
                return;
            }
            // Offsets are committed in order, so ones missing below the first event read have
            // expired (retention): a hole no read can fill. Move past it.
            for (const StatePtr &state : live) {
                if (!page->events.isEmpty() && state->next < page->events.first()->offset)
                    state->next = page->events.first()->offset;
            }
            deliver(page->events, targets);
            from = page->nextOffset;
            sent += int(page->events.size());
            m_topicRetryMs.remove(topic);
            if (page->events.size() < PageSize)
                return;
            if (sent >= MaxBacklogPerTurn) {
                wake(topic); // a long way behind: let publishers in, then continue
                return;
            }
        }
    } catch (const Storage::StoreError &e) {
        // Nothing was skipped: the retry (or an earlier wake-up or poll) reads from where each
        // subscriber stopped.
        retryTopic(topic, e.reason());
    }
}

} // namespace Meshdeck::Events
