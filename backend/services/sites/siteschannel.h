#pragma once

#include "sitestypes.h"

#include "platform/channel.h"

#include <QHash>

#include <functional>
#include <mutex>

namespace Meshdeck::Sites {

// The realtime channels sites.<siteId>.deployments.<deploymentId>: each status change as
// {"type":"status",…} and each log line as {"type":"log","line":N,"text":…}. A subscribe message
// with "fromLine": N first gets the log's lines from N on; the log's writer holds logMutex() from
// writing a batch to posting it, so between that replay and the live lines there is no gap and
// no line twice. Any number of sessions subscribe independently.
//
// Each subscriber gets line N only right after line N - 1, so a line that reaches this node late
// (cluster mode: another node's build, read back by catchUp()) is never skipped nor sent twice.
class SitesChannel : public Realtime::ChannelProvider
{
public:
    // `logPath(siteId, deploymentId)`: where a deployment's build.log lives.
    explicit SitesChannel(std::function<QString(const QString &, const QString &)> logPath);

    QString prefix() const override { return QStringLiteral("sites."); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    static QString channelName(const QString &siteId, const QString &deploymentId);

    std::mutex &logMutex() { return m_mutex; }
    // With logMutex() held: the lines just committed.
    void postLogLocked(const QString &siteId, const QString &deploymentId, const QList<LogLine> &lines);
    // The local stack: a status change committed on this node (the only node).
    void postStatus(const Transition &change, qint64 atMs);

    // Cluster mode, where builds, logs and status changes also happen on other nodes.
    struct Watched {
        QString siteId;
        QString deploymentId;
        qint64 fromLine = 1; // the first line some subscriber still lacks
    };
    // Called (from the opening thread, without locks held) after a subscription opened.
    void setOpenedListener(std::function<void(const QString &siteId, const QString &deploymentId)> listener);
    // The deployments that have subscribers here and may still change (not settled).
    QList<Watched> watched() const;
    std::optional<Watched> watched(const QString &siteId, const QString &deploymentId) const;
    // What the database has committed: the log's lines from some line on (subscribers get the ones
    // they lack, in order) and every status change so far (the channel posts those after the last it
    // posted; at its first catch-up, the current status). `settled`: the build ended and these
    // lines reach its last one, so nothing more will come.
    void catchUp(const QString &siteId, const QString &deploymentId, const QList<LogLine> &lines,
                 const QList<StatusChange> &history, bool settled);

private:
    struct Subscriber {
        Realtime::SubscriptionPtr subscription;
        qint64 sentLine = 0; // the last line this subscriber got (or does not want)
    };
    struct Channel {
        QHash<quint64, Subscriber> subscribers;
        qsizetype statusesPosted = -1; // catchUp(): history entries posted; -1 before the first
        bool settled = false;          // every subscriber has every line and the final status
    };
    void sendLinesLocked(Channel &channel, const QString &name, const QList<LogLine> &lines);
    static QByteArray statusText(const QString &channel, const QString &siteId, const QString &deploymentId,
                                 DeploymentStatus status, DeploymentStatus from, const QString &reason,
                                 qint64 atMs);

    std::function<QString(const QString &, const QString &)> m_logPath;
    std::function<void(const QString &, const QString &)> m_opened;
    mutable std::mutex m_mutex;
    QHash<QString, Channel> m_channels; // by channel name
};

} // namespace Meshdeck::Sites
