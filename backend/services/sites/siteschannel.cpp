#include "siteschannel.h"

#include "buildlogfile.h"

#include "platform/clock.h"

#include <QFile>
#include <QFileInfo>

namespace Meshdeck::Sites {

namespace {
// The newlines in the log file's bytes [from, to) (to < 0: to its end).
qint64 newlines(const QString &path, qint64 from, qint64 to)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(from))
        return 0;
    qint64 lines = 0;
    qint64 left = to < 0 ? std::numeric_limits<qint64>::max() : to - from;
    QByteArray chunk(64 * 1024, Qt::Uninitialized);
    for (qint64 n; left > 0 && (n = file.read(chunk.data(), std::min<qint64>(chunk.size(), left))) > 0;) {
        lines += std::count(chunk.constData(), chunk.constData() + n, '\n');
        left -= n;
    }
    return lines;
}

QByteArray logText(const QString &channel, const LogLine &line)
{
    return Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("log")},
                               {QStringLiteral("channel"), channel},
                               {QStringLiteral("line"), line.line},
                               {QStringLiteral("text"), QString::fromUtf8(line.text)}});
}
} // namespace

SitesChannel::SitesChannel(std::function<QString(const QString &, const QString &)> logPath)
    : m_logPath(std::move(logPath))
{}

QString SitesChannel::channelName(const QString &siteId, const QString &deploymentId)
{
    return QStringLiteral("sites.%1.deployments.%2").arg(siteId, deploymentId);
}

void SitesChannel::setOpenedListener(std::function<void(const QString &, const QString &)> listener)
{
    std::lock_guard lock(m_mutex);
    m_opened = std::move(listener);
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
    std::function<void(const QString &, const QString &)> opened;
    // Without "fromLine": the lines so far are counted, most of them before the writers' lock is
    // taken (a long log would hold every build's log up), the rest under it.
    const QString path = m_logPath(parts[1], parts[3]);
    const qint64 countedUpTo = from.isDouble() ? 0 : QFileInfo(path).size();
    const qint64 countedLines = from.isDouble() ? 0 : newlines(path, 0, countedUpTo);
    {
        std::lock_guard lock(m_mutex);
        subscription->mailbox->post(
            Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("subscribed")},
                                {QStringLiteral("channel"), subscription->channel}}));
        qint64 sent = 0;
        if (from.isDouble()) {
            const qint64 fromLine = qint64(from.toDouble());
            sent = fromLine - 1;
            const qint64 size = QFileInfo(path).size();
            const QList<LogLine> lines =
                BuildLogFile::read(path, fromLine, 1, 0, size, std::numeric_limits<int>::max());
            for (const LogLine &line : lines) {
                subscription->mailbox->post(logText(subscription->channel, line));
                sent = line.line;
            }
        } else {
            sent = countedLines + newlines(path, countedUpTo, -1);
        }
        Channel &channel = m_channels[subscription->channel];
        channel.subscribers.insert(subscription->id, {subscription, sent});
        channel.settled = false; // the catch-up its opening starts sees to it
        opened = m_opened;
    }
    if (opened)
        opened(parts[1], parts[3]);
    return {};
}

void SitesChannel::close(const Realtime::SubscriptionPtr &subscription)
{
    std::lock_guard lock(m_mutex);
    auto it = m_channels.find(subscription->channel);
    if (it == m_channels.end())
        return;
    const auto one = it->subscribers.constFind(subscription->id);
    if (one != it->subscribers.cend() && one->subscription == subscription)
        it->subscribers.erase(one);
    if (it->subscribers.isEmpty())
        m_channels.erase(it);
}

void SitesChannel::sendLinesLocked(Channel &channel, const QString &name, const QList<LogLine> &lines)
{
    for (const LogLine &line : lines) {
        QByteArray text;
        for (Subscriber &s : channel.subscribers) {
            if (s.sentLine != line.line - 1)
                continue; // has it already, or lacks an earlier one (a catch-up sends them in order)
            if (text.isEmpty())
                text = logText(name, line);
            s.subscription->mailbox->post(text);
            s.sentLine = line.line;
        }
    }
}

void SitesChannel::postLogLocked(const QString &siteId, const QString &deploymentId,
                                 const QList<LogLine> &lines)
{
    const QString name = channelName(siteId, deploymentId);
    auto it = m_channels.find(name);
    if (it != m_channels.end())
        sendLinesLocked(*it, name, lines);
}

QByteArray SitesChannel::statusText(const QString &channel, const QString &siteId,
                                    const QString &deploymentId, DeploymentStatus status,
                                    DeploymentStatus from, const QString &reason, qint64 atMs)
{
    return Realtime::jsonText({{QStringLiteral("type"), QStringLiteral("status")},
                               {QStringLiteral("channel"), channel},
                               {QStringLiteral("deploymentId"), deploymentId},
                               {QStringLiteral("siteId"), siteId},
                               {QStringLiteral("status"), statusName(status)},
                               {QStringLiteral("from"), statusName(from)},
                               {QStringLiteral("reason"), reason},
                               {QStringLiteral("at"), isoTime(atMs)}});
}

void SitesChannel::postStatus(const Transition &change, qint64 atMs)
{
    const Deployment &d = change.deployment;
    const QString name = channelName(d.siteId, d.id);
    std::lock_guard lock(m_mutex);
    const auto it = m_channels.constFind(name);
    if (it == m_channels.cend())
        return;
    const QByteArray text = statusText(name, d.siteId, d.id, d.status, change.from, d.reason, atMs);
    for (const Subscriber &s : it->subscribers)
        s.subscription->mailbox->post(text);
}

QList<SitesChannel::Watched> SitesChannel::watched() const
{
    std::lock_guard lock(m_mutex);
    QList<Watched> all;
    for (auto it = m_channels.cbegin(); it != m_channels.cend(); ++it) {
        if (it->settled)
            continue;
        const QStringList parts = it.key().split(QLatin1Char('.'));
        qint64 fromLine = std::numeric_limits<qint64>::max();
        for (const Subscriber &s : it->subscribers)
            fromLine = std::min(fromLine, s.sentLine + 1);
        all.append({parts[1], parts[3], fromLine});
    }
    return all;
}

std::optional<SitesChannel::Watched> SitesChannel::watched(const QString &siteId,
                                                           const QString &deploymentId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_channels.constFind(channelName(siteId, deploymentId));
    if (it == m_channels.cend())
        return std::nullopt;
    qint64 fromLine = std::numeric_limits<qint64>::max();
    for (const Subscriber &s : it->subscribers)
        fromLine = std::min(fromLine, s.sentLine + 1);
    return Watched{siteId, deploymentId, fromLine};
}

void SitesChannel::catchUp(const QString &siteId, const QString &deploymentId, const QList<LogLine> &lines,
                           const QList<StatusChange> &history, bool settled)
{
    const QString name = channelName(siteId, deploymentId);
    std::lock_guard lock(m_mutex);
    auto it = m_channels.find(name);
    if (it == m_channels.end())
        return;
    sendLinesLocked(*it, name, lines);
    // A subscriber that opens later is caught up by its own open() (and by the next word).
    it->settled =
        settled && std::all_of(it->subscribers.cbegin(), it->subscribers.cend(), [&](const Subscriber &s) {
            return lines.isEmpty() || s.sentLine >= lines.last().line;
        });
    if (history.isEmpty() || it->statusesPosted >= history.size())
        return;
    // The first catch-up tells the current status; later ones every change since the last told.
    const qsizetype first = it->statusesPosted < 0 ? history.size() - 1 : it->statusesPosted;
    for (qsizetype i = first; i < history.size(); ++i) {
        const StatusChange &change = history[i];
        const DeploymentStatus from = i > 0 ? history[i - 1].status : DeploymentStatus::Queued;
        const QByteArray text =
            statusText(name, siteId, deploymentId, change.status, from, change.reason, change.atMs);
        for (const Subscriber &s : it->subscribers)
            s.subscription->mailbox->post(text);
    }
    it->statusesPosted = history.size();
}

} // namespace Meshdeck::Sites
