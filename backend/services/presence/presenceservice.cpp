#include "presenceservice.h"

#include "storage/database.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPresence, "meshdeck.backend.presence")

namespace Meshdeck::Presence {

PresenceService::PresenceService(PresenceSettings settings, Storage::Database *database)
    : m_settings(std::move(settings))
    , m_database(database)
{
    if (m_settings.nodeId.isEmpty())
        m_settings.nodeId = QStringLiteral("local");
    m_sweepTimer.setInterval(m_settings.sweepMs);
    connect(&m_sweepTimer, &QTimer::timeout, this, [this] { QCoro::connect(sweep(), this, [] {}); });
}

PresenceService::~PresenceService() = default;

QCoro::Task<QString> PresenceService::start()
{
    // Sessions this node counted before it stopped (or crashed) are over.
    const QString nodeId = m_settings.nodeId;
    QCoro::Task<Result<QStringList>> clearing =
        m_database->attempt([nodeId](QSqlDatabase &db) { return PresenceStore::clearNode(db, nodeId); });
    const Result<QStringList> cleared = co_await clearing;
    if (!cleared)
        co_return QStringLiteral("presence: %1").arg(cleared.error().reason);
    m_running = true;
    QCoro::Task<void> reading = refresh();
    co_await reading;
    m_sweepTimer.start();
    scheduleFlush(); // sessions may have opened already
    co_return QString();
}

QCoro::Task<void> PresenceService::stop()
{
    m_running = false;
    m_sweepTimer.stop();
    // The realtime sessions closed before the services stop: this node counts nobody now.
    const QString nodeId = m_settings.nodeId;
    QCoro::Task<Result<QStringList>> clearing =
        m_database->attempt([nodeId](QSqlDatabase &db) { return PresenceStore::clearNode(db, nodeId); });
    const Result<QStringList> cleared = co_await clearing;
    if (!cleared) {
        qCWarning(lcPresence).noquote() << "cannot end this node's sessions:" << cleared.error().reason;
        co_return;
    }
    if (m_announce) {
        for (const QString &userId : *cleared)
            m_announce(userId);
    }
}

void PresenceService::sessionAuthenticated(const PrincipalPtr &principal, quint64 sessionKey)
{
    if (!principal || principal->userId.isEmpty())
        return; // the admin token is nobody's presence
    {
        std::lock_guard lock(m_mutex);
        if (m_sessionUsers.contains(sessionKey))
            return;
        m_sessionUsers.insert(sessionKey, principal->userId);
        Local &local = m_local[principal->userId];
        ++local.sessions;
        if (principal->kind == Principal::Kind::User) // an API key's name is the key's, not the user's
            local.name = principal->name;
        m_dirty.insert(principal->userId);
    }
    scheduleFlush();
}

void PresenceService::sessionEnded(const PrincipalPtr &, quint64 sessionKey)
{
    {
        std::lock_guard lock(m_mutex);
        const QString userId = m_sessionUsers.take(sessionKey);
        if (userId.isEmpty())
            return; // never counted, or counted down already
        const auto it = m_local.find(userId);
        if (it != m_local.end() && it->sessions > 0)
            --it->sessions;
        m_dirty.insert(userId);
    }
    scheduleFlush();
}

void PresenceService::scheduleFlush()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_flushScheduled)
            return;
        m_flushScheduled = true;
    }
    QMetaObject::invokeMethod(
        this,
        [this] {
            {
                std::lock_guard lock(m_mutex);
                m_flushScheduled = false;
            }
            QCoro::connect(flush(), this, [] {});
        },
        Qt::QueuedConnection);
}

QCoro::Task<void> PresenceService::flush()
{
    if (!m_running)
        co_return;
    {
        // GET and POST /v1/presence flush from HTTP threads: one flush at a time, whoever asks.
        std::lock_guard lock(m_mutex);
        if (m_flushing) {
            m_flushAgain = true;
            co_return;
        }
        m_flushing = true;
    }
    for (;;) {
        QList<NodeCount> counts;
        {
            std::lock_guard lock(m_mutex);
            m_flushAgain = false;
            for (const QString &userId : std::as_const(m_dirty)) {
                const auto it = m_local.constFind(userId);
                const Local local = it == m_local.cend() ? Local{} : *it;
                counts.append(NodeCount{userId, local.name, local.sessions});
                if (it != m_local.cend() && local.sessions == 0)
                    m_local.erase(it);
            }
            m_dirty.clear();
        }
        if (counts.isEmpty()) {
            std::lock_guard lock(m_mutex);
            if (!m_flushAgain) {
                m_flushing = false;
                co_return;
            }
            continue;
        }
        const QString nodeId = m_settings.nodeId;
        QCoro::Task<Result<void>> writing = m_database->attempt(
            [nodeId, counts](QSqlDatabase &db) { PresenceStore::writeCounts(db, nodeId, counts); });
        const Result<void> written = co_await writing;
        if (!written) {
            // Kept for the next sweep: nothing counted is forgotten.
            qCWarning(lcPresence).noquote() << "cannot record presence:" << written.error().reason;
            std::lock_guard lock(m_mutex);
            for (const NodeCount &c : std::as_const(counts)) {
                m_dirty.insert(c.userId);
                if (c.sessions == 0 && !m_local.contains(c.userId))
                    m_local.insert(c.userId, Local{c.name, 0});
            }
            m_flushing = false;
            co_return;
        }
        if (m_announce) {
            for (const NodeCount &c : std::as_const(counts))
                m_announce(c.userId);
        }
        QCoro::Task<void> reading = refresh();
        co_await reading;
        std::lock_guard lock(m_mutex);
        if (!m_flushAgain || !m_running) {
            m_flushing = false;
            co_return;
        }
    }
}

QCoro::Task<Result<QList<UserPresence>>> PresenceService::readAll()
{
    const bool cluster = m_settings.cluster;
    const qint64 goneAfter = m_settings.goneAfterMs;
    QCoro::Task<Result<QList<UserPresence>>> reading = m_database->attempt(
        [cluster, goneAfter](QSqlDatabase &db) { return PresenceStore::read(db, cluster, goneAfter); });
    Result<QList<UserPresence>> everyone = co_await reading;
    if (everyone) {
        // The user's display name, the email beside it (stored is what their session said: the email).
        for (UserPresence &p : *everyone) {
            p.email = p.name;
            const std::optional<PresenceUser> user =
                m_settings.lookupUser ? m_settings.lookupUser(p.userId) : std::nullopt;
            if (user && !user->email.isEmpty())
                p.email = user->email;
            if (user && !user->name.isEmpty())
                p.name = user->name;
        }
        m_channel.update(*everyone);
    }
    co_return everyone;
}

QCoro::Task<void> PresenceService::refresh()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_refreshing) {
            m_refreshAgain = true;
            co_return;
        }
        m_refreshing = true;
    }
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            m_refreshAgain = false;
        }
        QCoro::Task<Result<QList<UserPresence>>> reading = readAll();
        const Result<QList<UserPresence>> everyone = co_await reading;
        if (!everyone)
            qCWarning(lcPresence).noquote() << "cannot read presence:" << everyone.error().reason;
        std::lock_guard lock(m_mutex);
        if (!everyone || !m_refreshAgain) {
            m_refreshing = false;
            co_return;
        }
    }
}

QCoro::Task<void> PresenceService::sweep()
{
    if (!m_running || m_sweeping)
        co_return;
    m_sweeping = true;
    if (m_settings.cluster) {
        // A node that died: its sessions end at its last heartbeat (any node may do it; it is the
        // same update on every one).
        const qint64 goneAfter = m_settings.goneAfterMs;
        QCoro::Task<Result<int>> retiring = m_database->attempt(
            [goneAfter](QSqlDatabase &db) { return PresenceStore::retireGoneNodes(db, goneAfter); });
        const Result<int> retired = co_await retiring;
        if (!retired)
            qCWarning(lcPresence).noquote()
                << "cannot retire gone nodes' sessions:" << retired.error().reason;
        // Now and then this node's counts again: another node may have taken this one for gone.
        m_sinceReassertMs += m_settings.sweepMs;
        if (m_sinceReassertMs >= m_settings.reassertMs) {
            m_sinceReassertMs = 0;
            std::lock_guard lock(m_mutex);
            for (auto it = m_local.cbegin(); it != m_local.cend(); ++it)
                m_dirty.insert(it.key());
        }
    }
    bool dirty = false;
    {
        std::lock_guard lock(m_mutex);
        dirty = !m_dirty.isEmpty();
    }
    if (dirty) {
        QCoro::Task<void> flushing = flush();
        co_await flushing;
    }
    if (m_settings.cluster) {
        QCoro::Task<void> reading = refresh();
        co_await reading;
    }
    m_sweeping = false;
}

void PresenceService::changedElsewhere()
{
    if (m_running)
        QCoro::connect(refresh(), this, [] {});
}

QCoro::Task<Result<QList<UserPresence>>> PresenceService::list(QStringList userIds)
{
    if (userIds.size() > MaxUsersPerQuery)
        co_return Error::invalid(QStringLiteral("users"),
                                 QStringLiteral("Ask for at most %1 users at a time.").arg(MaxUsersPerQuery));
    // What this node counted but has not written yet first: an answer here includes it.
    QCoro::Task<void> flushing = flush();
    co_await flushing;
    QCoro::Task<Result<QList<UserPresence>>> reading = readAll();
    Result<QList<UserPresence>> everyone = co_await reading;
    if (!everyone || userIds.isEmpty())
        co_return everyone;
    QHash<QString, UserPresence> byId;
    for (const UserPresence &p : std::as_const(*everyone))
        byId.insert(p.userId, p);
    QList<UserPresence> out;
    QSet<QString> seen;
    for (const QString &id : std::as_const(userIds)) {
        if (id.isEmpty() || seen.contains(id))
            continue;
        seen.insert(id);
        out.append(byId.value(id, UserPresence{id, QString(), QStringLiteral("offline"), 0, 0, {}}));
    }
    co_return out;
}

QCoro::Task<Result<UserPresence>> PresenceService::setStatus(PrincipalPtr caller, QString status)
{
    if (status != QLatin1String("online") && status != QLatin1String("away"))
        co_return Error::invalid(QStringLiteral("status"),
                                 QStringLiteral("Set status to \"online\" or \"away\"."));
    if (!caller || caller->userId.isEmpty())
        co_return Error::conflict(
            QStringLiteral(
                "The admin token is not a user and has no presence; sign in as a user to set one."),
            "no-presence");
    // What this node counted but has not written yet first, so a session just opened counts.
    QCoro::Task<void> flushing = flush();
    co_await flushing;
    const QString userId = caller->userId;
    QCoro::Task<Result<bool>> setting = m_database->attempt(
        [userId, status](QSqlDatabase &db) { return PresenceStore::setStatus(db, userId, status); });
    const Result<bool> set = co_await setting;
    if (!set)
        co_return set.error();
    if (!*set)
        co_return Error::conflict(QStringLiteral("You have no realtime session open; connect to /v1/realtime "
                                                 "first: presence follows your connected sessions."),
                                  "not-connected");
    if (m_announce)
        m_announce(userId);
    QCoro::Task<Result<QList<UserPresence>>> reading = list({userId});
    const Result<QList<UserPresence>> now = co_await reading;
    if (!now)
        co_return now.error();
    co_return now->value(0);
}

} // namespace Meshdeck::Presence
