#include "registrycontroller.h"

#include "api/apiclient.h"
#include "api/realtimeclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

namespace Meshdeck::Console {

namespace {
const QString Channel = QStringLiteral("registry");
} // namespace

RegistryController::RegistryController(ApiClient *api, RealtimeClient *realtime, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_realtime(realtime)
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        m_now = QDateTime::currentMSecsSinceEpoch();
        Q_EMIT nowChanged();
    });
    m_clock.start();
    connect(m_realtime, &RealtimeClient::message, this, &RegistryController::onMessage);
    connect(m_realtime, &RealtimeClient::connectedChanged, this, &RegistryController::liveChanged);
    connect(m_realtime, &RealtimeClient::problem, this,
            [this](const QString &channel, const QString &reason) {
                if (channel == Channel)
                    setError(reason);
            });
}

bool RegistryController::isLive() const
{
    return m_realtime->isConnected() && m_loaded;
}

void RegistryController::start()
{
    // Once: the realtime client subscribes again by itself after every reconnect, and the snapshot
    // that follows loads the latest changes.
    if (m_started)
        return;
    m_started = true;
    m_realtime->subscribe(Channel);
}

void RegistryController::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

void RegistryController::onMessage(const QString &channel, const QJsonObject &message)
{
    if (channel != Channel)
        return;
    const QString type = message.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("snapshot")) {
        QList<QJsonObject> all;
        for (const QJsonValue &v : message.value(QStringLiteral("instances")).toArray())
            all << v.toObject();
        m_instances.reset(all);
        setError({});
        QCoro::connect(loadRecent(), this, [] {}); // after the snapshot: their endpoints are known
        if (!m_loaded) {
            m_loaded = true;
            Q_EMIT loadedChanged();
            Q_EMIT liveChanged();
        }
    } else if (type == QLatin1String("change")) {
        const QString change = message.value(QStringLiteral("change")).toString();
        const QJsonObject instance = message.value(QStringLiteral("instance")).toObject();
        const QString id = instance.value(QStringLiteral("id")).toString();
        if (change == QLatin1String("registry.instance.deregistered"))
            m_instances.remove(id);
        else
            m_instances.upsert(instance);
        if (change == QLatin1String("registry.instance.status_changed")) {
            const QString to = message.value(QStringLiteral("to")).toString();
            const QString service = instance.value(QStringLiteral("service")).toString();
            const QString reason = message.value(QStringLiteral("reason")).toString();
            addRecent(
                {{QStringLiteral("time"), msSinceEpoch(message.value(QStringLiteral("time")).toString())},
                 {QStringLiteral("service"), service},
                 {QStringLiteral("instanceId"), id},
                 {QStringLiteral("endpoint"), endpointOf(instance)},
                 {QStringLiteral("from"), message.value(QStringLiteral("from")).toString()},
                 {QStringLiteral("to"), to},
                 {QStringLiteral("reason"), reason}},
                true);
            if (to == QLatin1String("critical"))
                Q_EMIT instanceWentCritical(service, endpointOf(instance), reason);
        }
        if (id == m_selectedInstance)
            QCoro::connect(loadDetail(id), this, [] {});
    } else if (type == QLatin1String("checks")) {
        QList<QJsonObject> checks;
        for (const QJsonValue &v : message.value(QStringLiteral("checks")).toArray())
            checks << v.toObject();
        m_instances.applyChecks(checks);
    } else {
        return;
    }
    m_services.rebuild(m_instances.all());
    updateCounts();
}

void RegistryController::updateCounts()
{
    int counts[4] = {0, 0, 0, 0};
    for (const ServicesModel::Service &s : m_services.services()) {
        counts[0] += s.passing;
        counts[1] += s.warning;
        counts[2] += s.critical;
        counts[3] += s.draining;
    }
    if (std::equal(std::begin(counts), std::end(counts), std::begin(m_counts)))
        return;
    std::copy(std::begin(counts), std::end(counts), std::begin(m_counts));
    Q_EMIT countsChanged();
}

void RegistryController::addRecent(const QVariantMap &change, bool atFront)
{
    if (atFront)
        m_recent.prepend(change);
    else
        m_recent.append(change);
    while (m_recent.size() > RecentChangesKept)
        m_recent.removeLast();
    Q_EMIT recentChangesChanged();
}

QCoro::Task<void> RegistryController::loadRecent()
{
    QPointer<RegistryController> self(this);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/registry/changes?limit=%1").arg(RecentChangesKept));
    if (!self)
        co_return;
    if (!reply.ok()) {
        setError(reply.error);
        co_return;
    }
    m_recent.clear();
    for (const QJsonValue &v : reply.json.object().value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = v.toObject();
        const QJsonObject instance = m_instances.instance(c.value(QStringLiteral("instanceId")).toString());
        addRecent({{QStringLiteral("time"), msSinceEpoch(c.value(QStringLiteral("time")).toString())},
                   {QStringLiteral("service"), c.value(QStringLiteral("service")).toString()},
                   {QStringLiteral("instanceId"), c.value(QStringLiteral("instanceId")).toString()},
                   {QStringLiteral("endpoint"), instance.isEmpty() ? QString() : endpointOf(instance)},
                   {QStringLiteral("from"), c.value(QStringLiteral("from")).toString()},
                   {QStringLiteral("to"), c.value(QStringLiteral("to")).toString()},
                   {QStringLiteral("reason"), c.value(QStringLiteral("reason")).toString()}},
                  false);
    }
    Q_EMIT recentChangesChanged();
}

void RegistryController::setSelectedService(const QString &service)
{
    if (service == m_service)
        return;
    m_service = service;
    m_instances.setFilter(m_service, m_status, m_search);
    Q_EMIT filterChanged();
}

void RegistryController::setStatusFilter(const QString &status)
{
    if (status == m_status)
        return;
    m_status = status;
    m_instances.setFilter(m_service, m_status, m_search);
    Q_EMIT filterChanged();
}

void RegistryController::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    m_instances.setFilter(m_service, m_status, m_search);
    Q_EMIT filterChanged();
}

void RegistryController::selectInstance(const QString &id)
{
    m_selectedInstance = id;
    m_detail.clear();
    Q_EMIT detailChanged();
    if (!id.isEmpty())
        QCoro::connect(loadDetail(id), this, [] {});
}

QCoro::Task<void> RegistryController::loadDetail(QString id)
{
    QPointer<RegistryController> self(this);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/registry/instances/") + id);
    if (!self || id != m_selectedInstance)
        co_return;
    if (!reply.ok()) {
        if (reply.status == 404) {
            m_selectedInstance.clear();
            m_detail.clear();
            Q_EMIT detailChanged();
        } else {
            setError(reply.error);
        }
        co_return;
    }
    m_detail = reply.json.object().toVariantMap();
    // Newest first for the history list; times as ms since epoch for formatting in QML.
    QVariantList history;
    for (const QJsonValue &v : reply.json.object().value(QStringLiteral("history")).toArray()) {
        QVariantMap entry = v.toObject().toVariantMap();
        entry.insert(QStringLiteral("time"),
                     msSinceEpoch(v.toObject().value(QStringLiteral("time")).toString()));
        history.prepend(entry);
    }
    m_detail.insert(QStringLiteral("history"), history);
    m_detail.insert(QStringLiteral("endpoint"), endpointOf(reply.json.object()));
    Q_EMIT detailChanged();
}

double RegistryController::trafficShare(const QString &id, int weight) const
{
    const QJsonObject target = m_instances.instance(id);
    const QString service = target.value(QStringLiteral("service")).toString();
    int others = 0;
    for (const QJsonObject &i : m_instances.all()) {
        const QString status = i.value(QStringLiteral("status")).toString();
        if (i.value(QStringLiteral("service")).toString() != service ||
            i.value(QStringLiteral("id")).toString() == id)
            continue;
        if (status == QLatin1String("passing") || status == QLatin1String("warning"))
            others += i.value(QStringLiteral("weight")).toInt();
    }
    const int total = others + weight;
    return total > 0 ? double(weight) / double(total) : 0.0;
}

void RegistryController::drain(const QString &id, int deadlineMs)
{
    QCoro::connect(act("POST", QStringLiteral("/v1/registry/instances/%1/drain").arg(id),
                       QJsonDocument(QJsonObject{{QStringLiteral("deadlineMs"), deadlineMs}})
                           .toJson(QJsonDocument::Compact),
                       tr("Draining %1.").arg(endpointOf(m_instances.instance(id)))),
                   this, [] {});
}

void RegistryController::deregister(const QString &id)
{
    QCoro::connect(act("DELETE", QStringLiteral("/v1/registry/instances/%1").arg(id), {},
                       tr("Deregistered %1.").arg(endpointOf(m_instances.instance(id)))),
                   this, [] {});
}

void RegistryController::setWeight(const QString &id, int weight)
{
    QCoro::connect(
        act("PATCH", QStringLiteral("/v1/registry/instances/%1").arg(id),
            QJsonDocument(QJsonObject{{QStringLiteral("weight"), weight}}).toJson(QJsonDocument::Compact),
            tr("The weight of %1 is now %2.").arg(endpointOf(m_instances.instance(id))).arg(weight)),
        this, [] {});
}

QCoro::Task<void> RegistryController::act(QByteArray method, QString path, QByteArray body,
                                          QString doneMessage)
{
    QPointer<RegistryController> self(this);
    const ApiReply reply = co_await m_api->send(method, path, body);
    if (!self)
        co_return;
    // The change itself arrives over the registry channel; this only reports the outcome.
    Q_EMIT actionFinished(reply.ok(), reply.ok() ? doneMessage : reply.error);
}

} // namespace Meshdeck::Console
