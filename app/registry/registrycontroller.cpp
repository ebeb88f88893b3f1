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
    , m_statusChoices(
          {{QString(), QT_TRANSLATE_NOOP("Meshdeck::Console::RegistryController", "Any status"),
            "Meshdeck::Console::RegistryController"},
           {QStringLiteral("passing"), QT_TRANSLATE_NOOP("Meshdeck::Console::RegistryController", "Passing"),
            "Meshdeck::Console::RegistryController"},
           {QStringLiteral("warning"), QT_TRANSLATE_NOOP("Meshdeck::Console::RegistryController", "Warning"),
            "Meshdeck::Console::RegistryController"},
           {QStringLiteral("critical"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::RegistryController", "Critical"),
            "Meshdeck::Console::RegistryController"},
           {QStringLiteral("draining"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::RegistryController", "Draining"),
            "Meshdeck::Console::RegistryController"}})
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
    // Nothing is known until the registry's snapshot arrives.
    for (StatefulListModel *model :
         std::initializer_list<StatefulListModel *>{&m_services, &m_instances, &m_counts})
        model->setLoading(true);
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

void RegistryController::reset()
{
    ++m_attachment;
    m_instances.reset({});
    m_services.rebuild(m_instances.all());
    updateCounts();
    m_recent.clear();
    m_recent.setError({});
    m_history.clear();
    m_history.setError({});
    m_history.setLoading(false);
    m_selectedInstance.clear();
    m_detail.clear();
    Q_EMIT detailChanged();
    if (!m_service.isEmpty()) { // a service of the previous backend; the status and text filters stay
        m_service.clear();
        m_instances.setFilter(m_service, m_status, m_search);
        Q_EMIT filterChanged();
    }
    setError({});
    for (StatefulListModel *model :
         std::initializer_list<StatefulListModel *>{&m_services, &m_instances, &m_counts, &m_recent})
        model->setLoading(true);
    if (m_loaded) {
        m_loaded = false;
        Q_EMIT loadedChanged();
        Q_EMIT liveChanged();
    }
}

void RegistryController::setError(const QString &error)
{
    for (StatefulListModel *model :
         std::initializer_list<StatefulListModel *>{&m_services, &m_instances, &m_counts})
        model->setError(error);
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
        for (StatefulListModel *model :
             std::initializer_list<StatefulListModel *>{&m_services, &m_instances, &m_counts})
            model->setLoading(false);
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
            m_recent.prepend({msSinceEpoch(message.value(QStringLiteral("time")).toString()), service, id,
                              endpointOf(instance), message.value(QStringLiteral("from")).toString(), to,
                              reason});
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
    std::array<int, HealthCountsModel::Statuses> counts{};
    for (const ServicesModel::Service &s : m_services.services()) {
        counts[0] += s.passing;
        counts[1] += s.warning;
        counts[2] += s.critical;
        counts[3] += s.draining;
    }
    if (m_counts.setCounts(counts))
        Q_EMIT countsChanged();
}

void RegistryController::refreshRecentChanges()
{
    QCoro::connect(loadRecent(), this, [] {});
}

void RegistryController::refresh()
{
    refreshRecentChanges();
    if (!m_selectedInstance.isEmpty())
        QCoro::connect(loadDetail(m_selectedInstance), this, [] {});
}

QCoro::Task<void> RegistryController::loadRecent()
{
    QPointer<RegistryController> self(this);
    const quint64 attachment = m_attachment;
    m_recent.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/registry/changes?limit=%1").arg(RecentChangesKept));
    if (!self || attachment != m_attachment)
        co_return;
    m_recent.setLoading(false);
    if (!reply.ok()) {
        m_recent.clear();
        m_recent.setError(tr("Could not load the latest status changes: %1").arg(reply.error));
        co_return;
    }
    QList<StatusChangesModel::Change> changes;
    for (const QJsonValue &v : reply.json.object().value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = v.toObject();
        const QString id = c.value(QStringLiteral("instanceId")).toString();
        const QJsonObject instance = m_instances.instance(id);
        changes.append({msSinceEpoch(c.value(QStringLiteral("time")).toString()),
                        c.value(QStringLiteral("service")).toString(), id,
                        instance.isEmpty() ? QString() : endpointOf(instance),
                        c.value(QStringLiteral("from")).toString(), c.value(QStringLiteral("to")).toString(),
                        c.value(QStringLiteral("reason")).toString()});
    }
    m_recent.setChanges(changes);
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
    m_history.clear();
    m_history.setError({});
    Q_EMIT detailChanged();
    if (!id.isEmpty())
        QCoro::connect(loadDetail(id), this, [] {});
}

QCoro::Task<void> RegistryController::loadDetail(QString id)
{
    QPointer<RegistryController> self(this);
    const quint64 attachment = m_attachment;
    m_history.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/registry/instances/") + id);
    if (!self || attachment != m_attachment || id != m_selectedInstance)
        co_return;
    m_history.setLoading(false);
    if (!reply.ok()) {
        if (reply.status == 404) {
            m_selectedInstance.clear();
            m_detail.clear();
            m_history.clear();
            Q_EMIT detailChanged();
        } else {
            m_history.setError(tr("Could not load this instance's history: %1").arg(reply.error));
        }
        co_return;
    }
    const QJsonObject instance = reply.json.object();
    m_detail = instance.toVariantMap();
    m_detail.remove(QStringLiteral("history"));
    m_detail.insert(QStringLiteral("endpoint"), endpointOf(instance));
    m_detail.insert(QStringLiteral("checkText"),
                    describeCheck(instance.value(QStringLiteral("check")).toObject()));
    m_detail.insert(
        QStringLiteral("tagsText"),
        instance.value(QStringLiteral("tags")).toVariant().toStringList().join(QStringLiteral(", ")));
    // Newest first.
    QList<StatusChangesModel::Change> history;
    const QString service = instance.value(QStringLiteral("service")).toString();
    for (const QJsonValue &v : instance.value(QStringLiteral("history")).toArray()) {
        const QJsonObject entry = v.toObject();
        history.prepend({msSinceEpoch(entry.value(QStringLiteral("time")).toString()), service, id,
                         endpointOf(instance), entry.value(QStringLiteral("from")).toString(),
                         entry.value(QStringLiteral("to")).toString(),
                         entry.value(QStringLiteral("reason")).toString()});
    }
    m_history.setChanges(history);
    Q_EMIT detailChanged();
}

QString RegistryController::describeCheck(const QJsonObject &check)
{
    if (check.isEmpty())
        return {};
    const qint64 interval = check.value(QStringLiteral("intervalMs")).toInteger();
    if (check.contains(QStringLiteral("http")))
        return tr("HTTP GET %1 every %2 ms")
            .arg(check.value(QStringLiteral("http")).toString())
            .arg(interval);
    if (check.contains(QStringLiteral("tcp")))
        return tr("TCP connect every %1 ms").arg(interval);
    return tr("Heartbeat within %1 ms").arg(check.value(QStringLiteral("ttlMs")).toInteger());
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
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->send(method, path, body);
    if (!self || attachment != m_attachment)
        co_return;
    // The change itself arrives over the registry channel; this only reports the outcome.
    Q_EMIT actionFinished(reply.ok(), reply.ok() ? doneMessage : reply.error);
}

} // namespace Meshdeck::Console
