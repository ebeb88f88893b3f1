#include "siteschannel.h"

#include "buildlogfile.h"

#include "platform/clock.h"

#include <QFileInfo>

namespace Meshdeck::Sites {

SitesChannel::SitesChannel(std::function<QString(const QString &, const QString &)> logPath)
    : m_logPath(std::move(logPath))
{}

QString SitesChannel::channelName(const QString &siteId, const QString &deploymentId)
{
    return QStringLiteral("sites.%1.deployments.%2").arg(siteId, deploymentId);
}

QString SitesChannel::open(Realtime::SubscriptionPtr subscription)
{
    const QStringList parts = subscription->channel.split(QLatin1Char('.'));
    if (parts.size() != 4 || parts[2] != QLatin1String("deployments") || !validId(parts[1]) ||
        !validId(parts[3]))
        return QStringLiteral("A deployment's channel is sites.<siteId>.deployments.<deploymentId>.");
    if (QString refused = Realtime::authorizeSubscription(*subscription, "sites.read"); !refused.isEmpty())
        return refused;
    const QJsonValue from = subscription->request.value(QStringLiteral("fromLine"));
    if (!from.isUndefined() && (!from.isDouble() || from.toDouble() < 1))
        return QStringLiteral("fromLine is a line number from 1.");
    std::lock_guard lock(m_mutex);
    subscription->mailbox->post(Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("subscribed")},
                                                    {QStringLiteral("channel"), subscription->channel}}));
    if (from.isDouble()) {
        const QString path = m_logPath(parts[1], parts[3]);
        const qint64 size = QFileInfo(path).size();
        const QList<LogLine> lines =
            BuildLogFile::read(path, qint64(from.toDouble()), 1, 0, size, std::numeric_limits<int>::max());
        for (const LogLine &line : lines)
            subscription->mailbox->post(
                Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("log")},
                                    {QStringLiteral("channel"), subscription->channel},
                                    {QStringLiteral("line"), line.line},
                                    {QStringLiteral("text"), QString::fromUtf8(line.text)}}));
    }
    m_subscribers[subscription->channel].insert(subscription->id, subscription);
    return {};
}

void SitesChannel::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_mutex);
    auto it = m_subscribers.find(subscription->channel);
    if (it == m_subscribers.end())
        return;
    const auto one = it->constFind(subscription->id);
    if (one != it->cend() && *one == subscription)
        it->erase(one);
    if (it->isEmpty())
        m_subscribers.erase(it);
}

void SitesChannel::postLogLocked(const QString &siteId, const QString &deploymentId,
                                 const QList<LogLine> &lines)
{
    const QString channel = channelName(siteId, deploymentId);
    if (!m_subscribers.contains(channel))
        return;
    for (const LogLine &line : lines)
        broadcastLocked(channel,
                        Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("log")},
                                            {QStringLiteral("channel"), channel},
                                            {QStringLiteral("line"), line.line},
                                            {QStringLiteral("text"), QString::fromUtf8(line.text)}}));
}

void SitesChannel::postStatus(const Transition &change, qint64 atMs)
{
    const Deployment &d = change.deployment;
    const QString channel = channelName(d.siteId, d.id);
    std::lock_guard lock(m_mutex);
    if (!m_subscribers.contains(channel))
        return;
    broadcastLocked(channel, Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("status")},
                                                 {QStringLiteral("channel"), channel},
                                                 {QStringLiteral("deploymentId"), d.id},
                                                 {QStringLiteral("siteId"), d.siteId},
                                                 {QStringLiteral("status"), statusName(d.status)},
                                                 {QStringLiteral("from"), statusName(change.from)},
                                                 {QStringLiteral("reason"), d.reason},
                                                 {QStringLiteral("at"), isoTime(atMs)}}));
}

void SitesChannel::broadcastLocked(const QString &channel, const QByteArray &text)
{
    for (const Realtime::SubscriptionPtr &s : std::as_const(m_subscribers[channel]))
        s->mailbox->post(text);
}

} // namespace Meshdeck::Sites
