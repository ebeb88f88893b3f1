#pragma once

#include "sitestypes.h"

#include "platform/channel.h"

#include <QHash>

#include <mutex>

namespace Meshdeck::Sites {

// The realtime channels sites.<siteId>.deployments.<deploymentId>: each status change as
// {"type":"status",…} and each log line as {"type":"log","line":N,"text":…}. A subscribe message
// with "fromLine": N first gets the log's lines from N on; the log's writer holds logMutex() from
// writing a batch to posting it, so between that replay and the live lines there is no gap and
// no line twice. Any number of sessions subscribe independently.
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
    void postStatus(const Transition &change, qint64 atMs);

private:
    void broadcastLocked(const QString &channel, const QByteArray &text);

    std::function<QString(const QString &, const QString &)> m_logPath;
    std::mutex m_mutex;
    QHash<QString, QHash<quint64, Realtime::SubscriptionPtr>> m_subscribers; // by channel
};

} // namespace Meshdeck::Sites
