#include "eventscontroller.h"

#include "api/apiclient.h"
#include "api/realtimeclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

namespace Meshdeck::Console {

namespace {
QString channelOf(const QString &topic)
{
    return QStringLiteral("events.") + topic;
}
} // namespace

EventsController::EventsController(ApiClient *api, RealtimeClient *realtime, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_realtime(realtime)
{
    // The topics' counts follow the traffic: events on the tailed topic refresh them, at most every 2 s.
    m_topicsRefresh.setSingleShot(true);
    m_topicsRefresh.setInterval(2000);
    connect(&m_topicsRefresh, &QTimer::timeout, this, &EventsController::refreshTopics);
    connect(m_realtime, &RealtimeClient::event, this,
            [this](const QString &channel, const QJsonObject &event) {
                if (channel != channelOf(m_selected))
                    return;
                m_tail.append(event);
                if (!m_topicsRefresh.isActive())
                    m_topicsRefresh.start();
            });
    connect(m_realtime, &RealtimeClient::problem, this,
            [this](const QString &channel, const QString &reason) {
                if (channel.isEmpty() || channel == channelOf(m_selected)) {
                    m_tail.setLoading(false);
                    m_tail.setError(reason);
                }
            });
    connect(m_realtime, &RealtimeClient::subscribed, this, [this](const QString &channel) {
        if (channel == channelOf(m_selected))
            m_tail.setLoading(false);
    });
    connect(m_realtime, &RealtimeClient::connectedChanged, this, &EventsController::liveChanged);
    connect(&m_lag, &LagHistoryModel::pointsChanged, this, &EventsController::lagChanged);
}

bool EventsController::isLive() const
{
    return m_realtime->isConnected() && !m_selected.isEmpty();
}

void EventsController::refreshTopics()
{
    QCoro::connect(loadTopics(), this, [] {});
}

void EventsController::reset()
{
    ++m_attachment;
    m_topicsRefresh.stop();
    if (!m_selected.isEmpty())
        m_preferred = m_selected;
    selectTopic({});
    m_topics.setTopics({});
    m_topics.setError({});
    m_topics.setLoading(true);
    m_tail.setLoading(true); // until the new backend's topics are known and the tail subscribed
    m_loadingOlder = false;
}

QCoro::Task<void> EventsController::loadTopics()
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    m_topics.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/events/topics"));
    if (!self || attachment != m_attachment)
        co_return;
    m_topics.setLoading(false);
    if (!reply.ok()) {
        m_topics.setError(tr("Could not load the topics: %1").arg(reply.error));
        if (m_selected.isEmpty())
            m_tail.setLoading(false); // the topics' error says why there is no tail
        co_return;
    }
    m_topics.setError({});
    m_topics.setTopics(reply.json.object().value(QStringLiteral("topics")).toArray());
    if (m_selected.isEmpty() && m_topics.rowCount() > 0) {
        const QString first = m_topics.data(m_topics.index(0), TopicsModel::NameRole).toString();
        selectTopic(m_topics.indexOf(m_preferred) >= 0 ? m_preferred : first);
    }
    if (m_selected.isEmpty())
        m_tail.setLoading(false); // nothing to tail here
}

void EventsController::selectTopic(const QString &topic)
{
    if (topic == m_selected)
        return;
    if (!m_selected.isEmpty())
        m_realtime->unsubscribe(channelOf(m_selected));
    m_selected = topic;
    m_tail.clear();
    m_tail.setError({});
    m_tail.setLoading(!topic.isEmpty()); // until the channel says it is subscribed
    m_groups.setRows(QList<QJsonObject>{});
    m_webhooks.setRows(QList<QJsonObject>{});
    m_deliveries.setRows(QList<QJsonObject>{});
    m_deliveries.setWebhookId({});
    m_lag.clear();
    for (StatefulListModel *model :
         std::initializer_list<StatefulListModel *>{&m_groups, &m_webhooks, &m_lag, &m_deliveries})
        model->setLoading(false);
    if (!topic.isEmpty()) {
        // Recent history first, then live: a tail shows what just happened.
        m_realtime->subscribe(channelOf(topic), qMax<qint64>(0, m_topics.headOffset(topic) - RecentHistory));
        refreshGroupsAndWebhooks();
    }
    Q_EMIT selectedTopicChanged();
    Q_EMIT liveChanged();
}

void EventsController::publishTestEvent(const QString &type, const QString &jsonData)
{
    if (m_selected.isEmpty()) {
        Q_EMIT published(false, tr("Select a topic first."));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument data = QJsonDocument::fromJson(
        QStringLiteral("[%1]").arg(jsonData.isEmpty() ? QStringLiteral("{}") : jsonData).toUtf8(),
        &parseError);
    if (parseError.error != QJsonParseError::NoError || type.trimmed().isEmpty()) {
        Q_EMIT published(false, type.trimmed().isEmpty()
                                    ? tr("Give the event a type, such as test.ping.")
                                    : tr("The data is not valid JSON: %1.").arg(parseError.errorString()));
        return;
    }
    const QJsonObject event{{QStringLiteral("type"), type.trimmed()},
                            {QStringLiteral("data"), data.array().at(0)}};
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("events"), QJsonArray{event}}})
                                .toJson(QJsonDocument::Compact);
    QCoro::connect(publish(m_selected, body), this, [] {});
}

QCoro::Task<void> EventsController::publish(QString topic, QByteArray body)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply =
        co_await m_api->post(QStringLiteral("/v1/events/topics/%1/events").arg(topic), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT published(false, reply.error);
        co_return;
    }
    const QJsonArray offsets = reply.json.object().value(QStringLiteral("offsets")).toArray();
    Q_EMIT published(true,
                     tr("Published at offset %1.").arg(offsets.isEmpty() ? -1 : offsets.at(0).toInteger()));
}

void EventsController::seek(qint64 offset)
{
    if (m_selected.isEmpty() || offset < 0)
        return;
    m_realtime->unsubscribe(channelOf(m_selected));
    m_tail.clear();
    m_tail.setLoading(true); // until the channel says it is subscribed at the new offset
    m_realtime->subscribe(channelOf(m_selected), offset);
}

void EventsController::replay(qint64 fromOffset, qint64 toOffset, const QString &targetTopic)
{
    if (m_selected.isEmpty())
        return;
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("fromOffset"), fromOffset},
                                                      {QStringLiteral("toOffset"), toOffset},
                                                      {QStringLiteral("targetTopic"), targetTopic}})
                                .toJson(QJsonDocument::Compact);
    QCoro::connect(postReplay(m_selected, body), this, [] {});
}

QCoro::Task<void> EventsController::postReplay(QString topic, QByteArray body)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply =
        co_await m_api->post(QStringLiteral("/v1/events/topics/%1/replay").arg(topic), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT replayed(false, reply.error);
        co_return;
    }
    Q_EMIT replayed(true, tr("Copied %n event(s).", nullptr,
                             int(reply.json.object().value(QStringLiteral("replayed")).toInteger())));
    refreshTopics();
}

void EventsController::refreshGroupsAndWebhooks()
{
    if (m_selected.isEmpty())
        return;
    // Independent requests: one failing does not hide what the other found.
    QCoro::connect(loadGroups(m_selected), this, [] {});
    QCoro::connect(loadWebhooks(m_selected), this, [] {});
}

QCoro::Task<void> EventsController::loadGroups(QString topic)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    m_groups.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/events/topics/%1/groups").arg(topic));
    if (!self || attachment != m_attachment || topic != m_selected)
        co_return;
    m_groups.setLoading(false);
    if (!reply.ok()) {
        m_groups.fail(tr("Could not load the consumer groups of %1: %2").arg(topic, reply.error));
        co_return;
    }
    m_groups.setRows(reply.json.object().value(QStringLiteral("groups")).toArray());
    // The chart shows the first group until another is chosen, and follows the chosen one.
    if (m_groups.rowCount() > 0) {
        const QString shown =
            m_groups.contains(m_lag.group())
                ? m_lag.group()
                : m_groups.data(m_groups.index(0), ConsumerGroupsModel::NameRole).toString();
        showLag(shown);
    } else {
        m_lag.clear();
    }
}

QCoro::Task<void> EventsController::loadWebhooks(QString topic)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    m_webhooks.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/events/webhooks"));
    if (!self || attachment != m_attachment || topic != m_selected)
        co_return;
    m_webhooks.setLoading(false);
    if (!reply.ok()) {
        m_webhooks.fail(tr("Could not load the webhooks: %1").arg(reply.error));
        co_return;
    }
    m_webhooks.setWebhooks(reply.json.object().value(QStringLiteral("webhooks")).toArray(), topic);
}

void EventsController::showLag(const QString &group)
{
    if (!m_selected.isEmpty() && !group.isEmpty())
        QCoro::connect(loadLag(m_selected, group), this, [] {});
}

QCoro::Task<void> EventsController::loadLag(QString topic, QString group)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    m_lag.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/events/topics/%1/groups/%2/lag").arg(topic, group));
    if (!self || attachment != m_attachment || topic != m_selected)
        co_return;
    m_lag.setLoading(false);
    if (!reply.ok()) {
        m_lag.fail(group, tr("Could not load the lag of %1: %2").arg(group, reply.error));
        co_return;
    }
    m_lag.setPoints(group, reply.json.object().value(QStringLiteral("points")).toArray());
}

void EventsController::seekToTime(const QString &localDateTime)
{
    QDateTime time = QDateTime::fromString(localDateTime.trimmed(), QStringLiteral("yyyy-MM-dd HH:mm"));
    if (!time.isValid())
        time = QDateTime::fromString(localDateTime.trimmed(), Qt::ISODate);
    if (!time.isValid() || m_selected.isEmpty()) {
        Q_EMIT seekFailed(tr("Write the time as 2026-11-21 10:00 (local time)."));
        return;
    }
    QCoro::connect(findOffsetAt(m_selected, time), this, [] {});
}

QCoro::Task<void> EventsController::findOffsetAt(QString topic, QDateTime time)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    const QString iso =
        QString::fromLatin1(QUrl::toPercentEncoding(time.toUTC().toString(Qt::ISODateWithMs)));
    const ApiReply reply = co_await m_api->get(
        QStringLiteral("/v1/events/topics/%1/events?limit=1&fromTime=%2").arg(topic, iso));
    if (!self || attachment != m_attachment || topic != m_selected)
        co_return;
    if (!reply.ok()) {
        Q_EMIT seekFailed(reply.error);
        co_return;
    }
    const QJsonObject page = reply.json.object();
    const QJsonArray events = page.value(QStringLiteral("events")).toArray();
    // Nothing at or after that time: follow from the head.
    seek(events.isEmpty() ? page.value(QStringLiteral("nextOffset")).toInteger()
                          : events.first().toObject().value(QStringLiteral("offset")).toInteger());
}

void EventsController::loadOlder()
{
    const qint64 first = m_tail.firstOffset();
    if (m_loadingOlder || m_selected.isEmpty() || first <= 0)
        return;
    m_loadingOlder = true;
    QCoro::connect(fetchOlder(m_selected, first), this, [this] { m_loadingOlder = false; });
}

QCoro::Task<void> EventsController::fetchOlder(QString topic, qint64 before)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    const qint64 from = qMax<qint64>(0, before - RecentHistory);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/events/topics/%1/events?fromOffset=%2&limit=%3")
                                .arg(topic)
                                .arg(from)
                                .arg(before - from));
    if (!self || attachment != m_attachment || topic != m_selected || m_tail.firstOffset() != before)
        co_return;
    if (!reply.ok()) {
        m_tail.setError(
            tr("Could not load the events before offset %1 of %2: %3").arg(before).arg(topic, reply.error));
        co_return;
    }
    QList<QJsonObject> older;
    for (const QJsonValue &v : reply.json.object().value(QStringLiteral("events")).toArray()) {
        if (v.toObject().value(QStringLiteral("offset")).toInteger() < before)
            older << v.toObject();
    }
    m_tail.prepend(older);
}

void EventsController::showDeliveries(const QString &webhookId)
{
    QCoro::connect(loadDeliveries(webhookId), this, [] {});
}

QCoro::Task<void> EventsController::loadDeliveries(QString webhookId)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    m_deliveries.setWebhookId(webhookId);
    m_deliveries.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/events/webhooks/%1/deliveries").arg(webhookId));
    if (!self || attachment != m_attachment || webhookId != m_deliveries.webhookId())
        co_return;
    m_deliveries.setLoading(false);
    if (!reply.ok()) {
        m_deliveries.fail(tr("Could not load the deliveries of this webhook: %1").arg(reply.error));
        co_return;
    }
    m_deliveries.setRows(reply.json.object().value(QStringLiteral("deliveries")).toArray());
}

void EventsController::sendWebhookTest(const QString &webhookId)
{
    QCoro::connect(testWebhook(webhookId), this, [] {});
}

QCoro::Task<void> EventsController::testWebhook(QString id)
{
    QPointer<EventsController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->post(QStringLiteral("/v1/events/webhooks/%1/test").arg(id), {});
    if (!self || attachment != m_attachment)
        co_return;
    const QJsonObject r = reply.json.object();
    if (!reply.ok())
        Q_EMIT webhookTested(false, reply.error);
    else if (r.value(QStringLiteral("succeeded")).toBool())
        Q_EMIT webhookTested(true, tr("Delivered: HTTP %1 in %2 ms.")
                                       .arg(r.value(QStringLiteral("status")).toInt())
                                       .arg(r.value(QStringLiteral("latencyMs")).toInteger()));
    else
        Q_EMIT webhookTested(false, tr("Not delivered: %1").arg(r.value(QStringLiteral("error")).toString()));
    showDeliveries(id);
}

} // namespace Meshdeck::Console
