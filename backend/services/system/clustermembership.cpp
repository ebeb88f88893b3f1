#include "clustermembership.h"

#include "platform/clock.h"
#include "storage/database.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <cstdlib>

Q_LOGGING_CATEGORY(lcMembership, "meshdeck.system.cluster")

namespace Meshdeck::System {

namespace {
double loadAverage()
{
    double load[1] = {0};
    return ::getloadavg(load, 1) == 1 ? load[0] : 0.0;
}
} // namespace

ClusterMembership::ClusterMembership(MembershipSettings settings, Storage::Database *database)
    : m_settings(std::move(settings))
    , m_database(database)
{
    m_timer.setInterval(m_settings.heartbeatMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { QCoro::connect(beat(), this, [] {}); });
}

ClusterMembership::~ClusterMembership() = default;

ClusterMember ClusterMembership::self() const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return ClusterMember{m_settings.nodeId,
                         m_settings.advertiseUrl,
                         m_settings.version,
                         m_state,
                         now,
                         now,
                         m_settings.openConnections ? m_settings.openConnections() : 0,
                         loadAverage()};
}

QCoro::Task<QString> ClusterMembership::join()
{
    if (!m_settings.cluster) {
        update({self()});
        m_timer.start();
        co_return QString();
    }
    const ClusterMember me = self();
    const qint64 goneAfter = m_settings.goneAfterMs;
    // Named first: GCC 12 destroys a temporary of a co_await expression twice.
    QCoro::Task<Result<QList<ClusterMember>>> joinedTask = m_database->attempt(
        [me, goneAfter](QSqlDatabase &db) { return SystemStore::heartbeat(db, me, true, goneAfter); });
    const Result<QList<ClusterMember>> joined = co_await joinedTask;
    if (!joined)
        co_return QStringLiteral("cannot join the cluster: %1").arg(joined.error().reason);
    update(*joined);
    m_timer.start(); // only once joined: a failed start leaves nothing running
    co_return QString();
}

QCoro::Task<void> ClusterMembership::setState(QString state)
{
    m_state = std::move(state);
    if (m_state == QLatin1String("gone"))
        m_timer.stop();
    if (!m_settings.cluster) {
        update({self()});
        co_return;
    }
    const ClusterMember me = self();
    const qint64 goneAfter = m_settings.goneAfterMs;
    // Named first: GCC 12 destroys a temporary of a co_await expression twice.
    QCoro::Task<Result<QList<ClusterMember>>> writtenTask = m_database->attempt(
        [me, goneAfter](QSqlDatabase &db) { return SystemStore::heartbeat(db, me, false, goneAfter); });
    const Result<QList<ClusterMember>> written = co_await writtenTask;
    if (written)
        update(*written);
    else
        qCWarning(lcMembership).noquote()
            << "cannot record the state" << me.state << ":" << written.error().reason;
}

QCoro::Task<void> ClusterMembership::beat()
{
    if (!m_settings.cluster) {
        update({self()});
        co_return;
    }
    if (m_beating)
        co_return; // the database is slow: one heartbeat at a time
    m_beating = true;
    const ClusterMember me = self();
    const qint64 goneAfter = m_settings.goneAfterMs;
    // Named first: GCC 12 destroys a temporary of a co_await expression twice.
    QCoro::Task<Result<QList<ClusterMember>>> beatenTask = m_database->attempt(
        [me, goneAfter](QSqlDatabase &db) { return SystemStore::heartbeat(db, me, false, goneAfter); });
    const Result<QList<ClusterMember>> beaten = co_await beatenTask;
    m_beating = false;
    if (beaten)
        update(*beaten);
    else
        qCWarning(lcMembership).noquote() << "heartbeat failed:" << beaten.error().reason;
}

QJsonObject ClusterMembership::memberJson(const ClusterMember &m, const QString &selfId)
{
    return QJsonObject{{QStringLiteral("nodeId"), m.nodeId},
                       {QStringLiteral("advertiseUrl"), m.advertiseUrl},
                       {QStringLiteral("version"), m.version},
                       {QStringLiteral("state"), m.state},
                       {QStringLiteral("startedAt"), isoTime(m.startedMs)},
                       {QStringLiteral("lastSeenAt"), isoTime(m.lastSeenMs)},
                       {QStringLiteral("openConnections"), m.openConnections},
                       {QStringLiteral("load"), m.load},
                       {QStringLiteral("self"), m.nodeId == selfId}};
}

QJsonArray ClusterMembership::membersJson() const
{
    std::lock_guard lock(m_mutex);
    return membersJsonLocked();
}

QJsonArray ClusterMembership::membersJsonLocked() const
{
    QJsonArray out;
    for (const ClusterMember &m : m_members)
        out.append(memberJson(m, m_settings.nodeId));
    return out;
}

void ClusterMembership::update(const QList<ClusterMember> &members)
{
    QStringList serving;
    for (const ClusterMember &m : members) {
        if (m.state == QLatin1String("serving"))
            serving << m.nodeId;
    }
    serving.sort();
    bool servingChanged = false;
    {
        std::lock_guard lock(m_mutex);
        QHash<QString, ClusterMember> before;
        for (const ClusterMember &m : std::as_const(m_members))
            before.insert(m.nodeId, m);
        m_members = members;
        servingChanged = serving != m_serving;
        m_serving = serving;
        for (const ClusterMember &m : members) {
            if (m_subscribers.isEmpty())
                break;
            const auto it = before.constFind(m.nodeId);
            if (it != before.cend() && it->state == m.state && it->advertiseUrl == m.advertiseUrl &&
                it->version == m.version && it->startedMs == m.startedMs)
                continue;
            const QByteArray text =
                Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("change")},
                                    {QStringLiteral("channel"), prefix()},
                                    {QStringLiteral("member"), memberJson(m, m_settings.nodeId)}});
            for (const Realtime::SubscriptionPtr &s : std::as_const(m_subscribers))
                s->mailbox->post(text);
        }
    }
    if (servingChanged)
        Q_EMIT servingNodesChanged(serving);
}

QString ClusterMembership::open(Realtime::SubscriptionPtr subscription)
{
    if (subscription->channel != prefix())
        return QStringLiteral("The cluster channel is called 'cluster'.");
    // Authorised like the REST read it mirrors.
    if (QString refused = Realtime::authorizeSubscription(*subscription, "system.read"); !refused.isEmpty())
        return refused;
    std::lock_guard lock(m_mutex); // no change can fall between the snapshot and the first change
    const QJsonArray members = membersJsonLocked();
    subscription->mailbox->post(Realtime::jsonText(
        {{QStringLiteral("type"), QStringLiteral("subscribed")}, {QStringLiteral("channel"), prefix()}}));
    subscription->mailbox->post(Realtime::jsonText(
        {{QStringLiteral("type"), QStringLiteral("snapshot")},
         {QStringLiteral("channel"), prefix()},
         {QStringLiteral("mode"), m_settings.cluster ? QStringLiteral("cluster") : QStringLiteral("local")},
         {QStringLiteral("members"), members}}));
    m_subscribers.insert(subscription->id, std::move(subscription));
    return {};
}

void ClusterMembership::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_subscribers.constFind(subscription->id);
    if (it != m_subscribers.cend() && *it == subscription)
        m_subscribers.erase(it);
}

} // namespace Meshdeck::System
