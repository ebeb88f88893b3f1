#pragma once

#include "presencechannel.h"
#include "presencestore.h"

#include "platform/result.h"
#include "platform/service.h"
#include "platform/sessionobserver.h"

#include <QCoroTask>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <mutex>
#include <optional>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Presence {

// A user as presence shows them: the wiring answers it from the users the auth service knows.
struct PresenceUser {
    QString name; // the display name; empty when they have none
    QString email;
};

struct PresenceSettings {
    bool cluster = false;
    QString nodeId;             // this node's id (cluster mode); the local stack uses "local"
    qint64 goneAfterMs = 5'000; // the cluster membership's rule: a node silent this long is gone
    int sweepMs = 1'000;        // cluster mode: how often gone nodes are looked for and presence re-read
    int reassertMs = 10'000;    // cluster mode: how often this node writes its counts again
    // Looks a user up by id (any thread, no I/O): presence shows their display name, the email as
    // well. Unset, or an unknown user: the name their last session gave (the email) for both.
    std::function<std::optional<PresenceUser>(const QString &userId)> lookupUser;
};

// Who is online, derived from realtime sessions (the realtime service tells this service as its
// SessionObserver; neither includes the other). Each node counts its own users' sessions and
// writes the counts to the database; presence is the union over the live nodes, so a user with
// two consoles open stays online until both close, and a node that dies stops counting once the
// cluster sees it gone (its users then offline, last seen at its last heartbeat). A change here is
// announced (ClusterFanout over Redis) and other nodes read the database again; a periodic sweep
// reads it anyway, which is also how a dead node's users go offline.
class PresenceService : public QObject, public Service, public SessionObserver
{
    Q_OBJECT
public:
    PresenceService(PresenceSettings settings, Storage::Database *database);
    ~PresenceService() override;

    QString name() const override { return QStringLiteral("presence"); }
    QCoro::Task<QString> start() override;
    QCoro::Task<void> stop() override;

    // SessionObserver: any thread.
    void sessionAuthenticated(const PrincipalPtr &principal, quint64 sessionKey) override;
    void sessionEnded(const PrincipalPtr &principal, quint64 sessionKey) override;

    PresenceChannel *channel() { return &m_channel; }
    // Cluster mode: told the user ids whose presence changed here (ClusterFanout::announcePresence).
    void setClusterAnnouncer(std::function<void(const QString &userId)> announce)
    {
        m_announce = std::move(announce);
    }

    // GET /v1/presence: those named (unknown ones offline), or everyone with a known presence.
    QCoro::Task<Result<QList<UserPresence>>> list(QStringList userIds);
    // POST /v1/presence: the caller's own "online" or "away", while they have a session.
    QCoro::Task<Result<UserPresence>> setStatus(PrincipalPtr caller, QString status);

    static constexpr int MaxUsersPerQuery = 500;

public Q_SLOTS:
    // Another node changed someone's presence, or the link between nodes came back: read again.
    void changedElsewhere();

private:
    struct Local {
        QString name;
        int sessions = 0;
    };
    void scheduleFlush(); // any thread
    QCoro::Task<void> flush();
    QCoro::Task<void> refresh();
    QCoro::Task<void> sweep();
    QCoro::Task<Result<QList<UserPresence>>> readAll();

    PresenceSettings m_settings;
    Storage::Database *m_database;
    PresenceChannel m_channel;
    std::function<void(const QString &)> m_announce;
    QTimer m_sweepTimer;
    qint64 m_sinceReassertMs = 0;
    bool m_running = false;

    std::mutex m_mutex;                     // guards what the session threads change:
    QHash<QString, Local> m_local;          // user id -> this node's sessions
    QHash<quint64, QString> m_sessionUsers; // session key -> user id (an end counts once)
    QSet<QString> m_dirty;                  // users whose count the database does not have yet
    bool m_flushScheduled = false;

    // Under m_mutex too: GET and POST /v1/presence flush from HTTP threads.
    bool m_flushing = false;
    bool m_flushAgain = false;
    bool m_refreshing = false;
    bool m_refreshAgain = false;
    // The service's thread only.
    bool m_sweeping = false;
};

} // namespace Meshdeck::Presence
