// The events service's topic operations and the document permissions of topics: what the topic
// routes (and any other front end) call.
#include "eventsservice.h"

#include "storage/database.h"
#include "storage/store.h"

namespace Meshdeck::Events {

namespace {

namespace Permissions = Storage::DocumentPermissions;

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

enum class Deletion { Deleted, NoSuchTopic, SystemTopic };

// The scope of `caller`'s `permission` the stores apply: everything for the platform itself (no
// caller) and for a role that holds the permission in full.
Permissions::Scope scopeOf(const PrincipalPtr &caller, QByteArrayView permission)
{
    return caller ? Permissions::scopeFor(*caller, permission) : Permissions::Scope::all();
}

} // namespace

EventsService::Task<TopicStats> EventsService::createTopic(QString name, Retention retention,
                                                           QStringList permissionTexts, PrincipalPtr caller)
{
    if (!isValidTopicName(name))
        co_return Error::invalid(
            QStringLiteral("name"),
            QStringLiteral(
                "'%1' is not a valid topic name: use 1 to %2 characters of a-z, 0-9, '.', '_' and '-', "
                "starting with a letter or digit (room is left for its dead-letter topic '<name>.dlq').")
                .arg(name)
                .arg(MaxTopicNameLength),
            "invalid-topic-name");
    if (retention.maxAgeSeconds < 0 || retention.maxBytes < 0)
        co_return Error::invalid(
            QStringLiteral("retention"),
            QStringLiteral("Retention limits are whole numbers ≥ 0 (0 means unlimited)."),
            "invalid-retention");
    // "audit.dlq" and the like are the platform's to create, with the platform's rule.
    if (std::optional<Error> refused = m_systemTopics->writeRefusal(name, caller))
        co_return *refused;
    Result<QList<Permissions::Permission>> permissions = Permissions::parseList(permissionTexts);
    if (!permissions)
        co_return permissions.error();
    if (caller && !scopeOf(caller, "events.write").everything)
        co_return Error::forbidden(
            QStringLiteral(
                "Creating a topic needs events.write on every topic (the developer or admin role); "
                "your role %1 holds it only on topics whose permissions grant it.")
                .arg(roleName(caller->role)),
            "forbidden");
    const qint64 now = m_clock.nowMs();
    // Created, given its permissions and read back in one transaction and one turn of the
    // database thread: a concurrent delete comes before or after, never between.
    QCoro::Task<Result<std::optional<TopicInfo>>> creating = m_database->attempt(
        [name, retention, now, granted = permissions.value()](QSqlDatabase &db) -> std::optional<TopicInfo> {
            Storage::Transaction transaction(db);
            if (!EventsStore::createTopic(db, name, retention, now))
                return std::nullopt;
            EventsStore::setPermissions(db, name, granted);
            transaction.commit();
            std::optional<TopicInfo> info = EventsStore::topic(db, name);
            if (info)
                info->permissions = EventsStore::permissions(db, name);
            return info;
        });
    Result<TopicInfo> created = orMissing(
        co_await creating,
        Error::conflict(QStringLiteral("The topic '%1' already exists.").arg(name), "topic-exists"));
    if (!created)
        co_return created.error();
    co_return TopicStats{created.value(), 0};
}

EventsService::Task<QList<TopicStats>> EventsService::topics(PrincipalPtr caller)
{
    QCoro::Task<Result<QList<TopicInfo>>> listing =
        m_database->attempt([scope = scopeOf(caller, "events.read")](QSqlDatabase &db) {
            return EventsStore::listTopics(db, scope);
        });
    const Result<QList<TopicInfo>> listed = co_await listing;
    if (!listed)
        co_return listed.error();
    const qint64 now = m_clock.nowMs();
    QList<TopicStats> out;
    out.reserve(listed->size());
    for (const TopicInfo &t : listed.value()) {
        // Even the rate of sign-ins is the auth topic's to tell: listed only to who may read it.
        if (!m_systemTopics->readRefusal(t.name, caller))
            out << TopicStats{t, publishedLastMinute(t.name, now)};
    }
    co_return out;
}

EventsService::Task<TopicStats> EventsService::topic(QString name, PrincipalPtr caller)
{
    if (std::optional<Error> refused = m_systemTopics->readRefusal(name, caller))
        co_return *refused;
    QCoro::Task<Result<std::optional<TopicInfo>>> reading = m_database->attempt(
        [name, scope = scopeOf(caller, "events.read")](QSqlDatabase &db) -> std::optional<TopicInfo> {
            std::optional<TopicInfo> info = EventsStore::topic(db, name, scope);
            if (info)
                info->permissions = EventsStore::permissions(db, name);
            return info;
        });
    const Result<TopicInfo> info = orMissing(co_await reading, noSuchTopic(name));
    if (!info)
        co_return info.error();
    co_return TopicStats{info.value(), publishedLastMinute(name, m_clock.nowMs())};
}

namespace {

// What an update of a topic came to, on the database thread.
struct Updated {
    std::optional<Error> refused;
    TopicInfo before;
    TopicInfo after;
};

// The permission check of a change by a documents-only caller, under the store's answers: NotFound
// when it may not see the topic, Forbidden when it may see it but not do `action`.
std::optional<Error> refusal(const std::optional<QList<Permissions::Action>> &held, const QString &topic,
                             Permissions::Action action)
{
    using Permissions::Action;
    if (!held || (!held->contains(Action::Read) && !held->contains(action)))
        return noSuchTopic(topic);
    if (!held->contains(action))
        return Error::forbidden(
            QStringLiteral("The permissions of the topic '%1' do not grant you %2(…); ask someone who holds "
                           "update on it, or an admin.")
                .arg(topic, Permissions::actionName(action)),
            "forbidden");
    return std::nullopt;
}

Updated updateOnDatabase(QSqlDatabase &db, const QString &name, const std::optional<Retention> &retention,
                         const std::optional<QList<Permissions::Permission>> &permissions,
                         const PrincipalPtr &caller, const Permissions::Scope &scope)
{
    using Permissions::Action;
    Updated out;
    const std::optional<QList<Action>> held = EventsStore::access(db, name, scope);
    if (std::optional<Error> refused = refusal(held, name, Action::Update)) {
        out.refused = refused;
        return out;
    }
    // The answer shows the topic, so a documents-only caller needs read as well.
    if (std::optional<Error> refused = refusal(held, name, Action::Read)) {
        out.refused = refused;
        return out;
    }
    std::optional<TopicInfo> before = EventsStore::topic(db, name);
    if (!before) {
        out.refused = noSuchTopic(name);
        return out;
    }
    before->permissions = EventsStore::permissions(db, name);
    if (permissions && caller) {
        QList<Permissions::Permission> current;
        for (const QString &text : std::as_const(before->permissions)) {
            if (const Permissions::Parsed parsed = Permissions::parse(text); parsed.permission)
                current << *parsed.permission;
        }
        const Result<void> granting =
            Permissions::mayGrant(*caller, "events.write", *permissions, current, *held);
        if (!granting) {
            out.refused = granting.error();
            return out;
        }
    }
    if (!EventsStore::updateTopic(db, name, retention, permissions)) {
        out.refused = noSuchTopic(name);
        return out;
    }
    out.before = *before;
    out.after = EventsStore::topic(db, name).value_or(*before);
    out.after.permissions = EventsStore::permissions(db, name);
    return out;
}
} // namespace

EventsService::Task<TopicUpdate> EventsService::updateTopic(QString name, std::optional<Retention> retention,
                                                            std::optional<QStringList> permissionTexts,
                                                            PrincipalPtr caller)
{
    if (retention && (retention->maxAgeSeconds < 0 || retention->maxBytes < 0))
        co_return Error::invalid(
            QStringLiteral("retention"),
            QStringLiteral("Retention limits are whole numbers ≥ 0 (0 means unlimited)."),
            "invalid-retention");
    std::optional<QList<Permissions::Permission>> permissions;
    if (permissionTexts) {
        Result<QList<Permissions::Permission>> parsed = Permissions::parseList(*permissionTexts);
        if (!parsed)
            co_return parsed.error();
        permissions = parsed.value();
    }
    // A system topic's retention and permissions are its owner's business.
    if (std::optional<Error> refused = m_systemTopics->readRefusal(name, caller))
        co_return *refused;
    QCoro::Task<Result<Updated>> updating =
        m_database->attempt([this, name, retention, permissions, caller,
                             scope = scopeOf(caller, "events.write")](QSqlDatabase &db) {
            Updated updated = updateOnDatabase(db, name, retention, permissions, caller, scope);
            // Still on the database thread: subscriptions that lost read end before any later
            // commit could reach them.
            if (!updated.refused && permissions)
                notifyTopicListeners(db, name);
            return updated;
        });
    const Result<Updated> updated = co_await updating;
    if (!updated)
        co_return updated.error();
    if (updated->refused)
        co_return *updated->refused;
    const qint64 now = m_clock.nowMs();
    co_return TopicUpdate{TopicStats{updated->before, publishedLastMinute(name, now)},
                          TopicStats{updated->after, publishedLastMinute(name, now)}};
}

EventsService::Task<TopicStats> EventsService::deleteTopic(QString name, PrincipalPtr caller)
{
    struct Deleted {
        Deletion outcome = Deletion::NoSuchTopic;
        std::optional<Error> refused;
        TopicInfo before;
    };
    QCoro::Task<Result<Deleted>> deleting =
        m_database->attempt([this, name, scope = scopeOf(caller, "events.write")](QSqlDatabase &db) {
            Deleted out;
            if (!scope.everything) {
                const auto held = EventsStore::access(db, name, scope);
                if ((out.refused = refusal(held, name, Permissions::Action::Delete)))
                    return out;
            }
            auto info = EventsStore::topic(db, name);
            if (!info)
                return out;
            info->permissions = EventsStore::permissions(db, name);
            out.before = *info;
            if (info->system) {
                out.outcome = Deletion::SystemTopic;
                return out;
            }
            if (EventsStore::deleteTopic(db, name)) {
                out.outcome = Deletion::Deleted;
                notifyTopicListeners(db, name);
            }
            return out;
        });
    const Result<Deleted> deleted = co_await deleting;
    if (!deleted)
        co_return deleted.error();
    if (deleted->refused)
        co_return *deleted->refused;
    switch (deleted->outcome) {
    case Deletion::Deleted:
        break;
    case Deletion::NoSuchTopic:
        co_return noSuchTopic(name);
    case Deletion::SystemTopic:
        co_return Error::conflict(
            QStringLiteral("'%1' is a system topic the platform writes to; it cannot be "
                           "deleted. Shorten its retention instead.")
                .arg(name),
            "system-topic");
    }
    co_return TopicStats{deleted->before, 0};
}

EventsService::Task<void> EventsService::require(QString topic, Permissions::Action action,
                                                 PrincipalPtr caller)
{
    if (std::optional<Error> refused = action == Permissions::Action::Read
                                           ? m_systemTopics->readRefusal(topic, caller)
                                           : m_systemTopics->writeRefusal(topic, caller))
        co_return *refused;
    const Permissions::Scope scope =
        scopeOf(caller, action == Permissions::Action::Read ? "events.read" : "events.write");
    if (scope.everything)
        co_return Result<void>();
    QCoro::Task<Result<std::optional<QList<Permissions::Action>>>> checking = m_database->attempt(
        [topic, scope](QSqlDatabase &db) { return EventsStore::access(db, topic, scope); });
    const Result<std::optional<QList<Permissions::Action>>> held = co_await checking;
    if (!held)
        co_return held.error();
    if (std::optional<Error> refused = refusal(held.value(), topic, action))
        co_return *refused;
    co_return Result<void>();
}

void EventsService::addTopicListener(TopicListener listener)
{
    std::lock_guard lock(m_listenerMutex);
    m_topicListeners.push_back(std::move(listener));
}

void EventsService::notifyTopicListeners(QSqlDatabase &db, const QString &topic)
{
    std::lock_guard lock(m_listenerMutex);
    for (const TopicListener &listener : m_topicListeners)
        listener(db, topic);
}

} // namespace Meshdeck::Events
