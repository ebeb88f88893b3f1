#pragma once

#include "common/choicesmodel.h"
#include "healthcountsmodel.h"
#include "instancesmodel.h"
#include "servicesmodel.h"
#include "statuschangesmodel.h"

#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QVariantMap>

#include <QCoroTask>

#include <cmath>

namespace Meshdeck::Console {

class ApiClient;
class RealtimeClient;

// The Services page and the Overview's health: the registry channel's snapshot and changes
// (no polling), the selected instance with its history, and the drain, deregister and weight
// actions. `now` ticks every second so heartbeat ages and uptimes move on their own.
class RegistryController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.registry")
    Q_PROPERTY(Meshdeck::Console::ServicesModel *services READ services CONSTANT)
    Q_PROPERTY(Meshdeck::Console::InstancesModel *instances READ instances CONSTANT)
    Q_PROPERTY(QString selectedService READ selectedService WRITE setSelectedService NOTIFY filterChanged)
    Q_PROPERTY(QString statusFilter READ statusFilter WRITE setStatusFilter NOTIFY filterChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY filterChanged)
    Q_PROPERTY(int passing READ passing NOTIFY countsChanged)
    Q_PROPERTY(int warning READ warning NOTIFY countsChanged)
    Q_PROPERTY(int critical READ critical NOTIFY countsChanged)
    Q_PROPERTY(int draining READ draining NOTIFY countsChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    Q_PROPERTY(bool live READ isLive NOTIFY liveChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(Meshdeck::Console::HealthCountsModel *counts READ counts CONSTANT)
    Q_PROPERTY(Meshdeck::Console::StatusChangesModel *recentChanges READ recentChanges CONSTANT)
    Q_PROPERTY(Meshdeck::Console::StatusChangesModel *history READ history CONSTANT)
    Q_PROPERTY(QString selectedInstance READ selectedInstance NOTIFY detailChanged)
    Q_PROPERTY(QVariantMap detail READ detail NOTIFY detailChanged)
    Q_PROPERTY(double now READ now NOTIFY nowChanged)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *statusChoices READ statusChoices CONSTANT)
public:
    static constexpr int RecentChangesKept = 8;

    RegistryController(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);

    ServicesModel *services() { return &m_services; }
    InstancesModel *instances() { return &m_instances; }
    QString selectedService() const { return m_service; }
    void setSelectedService(const QString &service);
    QString statusFilter() const { return m_status; }
    void setStatusFilter(const QString &status);
    QString searchText() const { return m_search; }
    void setSearchText(const QString &text);
    int passing() const { return m_counts.count(0); }
    int warning() const { return m_counts.count(1); }
    int critical() const { return m_counts.count(2); }
    int draining() const { return m_counts.count(3); }
    HealthCountsModel *counts() { return &m_counts; }
    // The status filter's choices: any, passing, warning, critical, draining.
    ChoicesModel *statusChoices() { return &m_statusChoices; }
    bool isLoaded() const { return m_loaded; }
    bool isLive() const;
    QString error() const { return m_error; }
    StatusChangesModel *recentChanges() { return &m_recent; }
    // The selected instance's status history, newest first.
    StatusChangesModel *history() { return &m_history; }
    QString selectedInstance() const { return m_selectedInstance; }
    QVariantMap detail() const { return m_detail; }
    double now() const { return double(m_now); } // ms since epoch

    // Subscribes to the registry channel and loads the latest changes; called once connected.
    void start();
    // Another cluster (or the local stack) is being attached: the previous one's instances,
    // services, counts, changes, selected instance and selected service go at once, replies still in flight
    // from it are dropped, and the lists show loading until the new backend's snapshot arrives.
    void reset();
    Q_INVOKABLE void selectInstance(const QString &id);
    Q_INVOKABLE void refreshRecentChanges();
    // F5: the latest changes and the selected instance again (the rest is live).
    Q_INVOKABLE void refresh();
    // The share of its service's traffic an instance would get at `weight` (0–1), among the
    // instances that take traffic (passing or warning).
    Q_INVOKABLE double trafficShare(const QString &id, int weight) const;
    // The same in whole percent, as the confirmation shows it.
    Q_INVOKABLE int trafficSharePercent(const QString &id, int weight) const
    {
        return int(std::lround(trafficShare(id, weight) * 100));
    }
    // A health check as people read it: "HTTP GET /healthz every 5000 ms".
    static QString describeCheck(const QJsonObject &check);
    Q_INVOKABLE void drain(const QString &id, int deadlineMs);
    Q_INVOKABLE void deregister(const QString &id);
    Q_INVOKABLE void setWeight(const QString &id, int weight);

Q_SIGNALS:
    void filterChanged();
    void countsChanged();
    void loadedChanged();
    void liveChanged();
    void errorChanged();
    void detailChanged();
    void nowChanged();
    void actionFinished(bool ok, const QString &message);
    // An instance turned critical (for the desktop notification).
    void instanceWentCritical(const QString &service, const QString &endpoint, const QString &reason);

private:
    void onMessage(const QString &channel, const QJsonObject &message);
    void updateCounts();
    void setError(const QString &error);
    QCoro::Task<void> loadRecent();
    QCoro::Task<void> loadDetail(QString id);
    QCoro::Task<void> act(QByteArray method, QString path, QByteArray body, QString doneMessage);

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    ServicesModel m_services;
    InstancesModel m_instances;
    QString m_service;
    QString m_status;
    QString m_search;
    HealthCountsModel m_counts;
    ChoicesModel m_statusChoices;
    bool m_loaded = false;
    bool m_started = false;
    QString m_error;
    StatusChangesModel m_recent{RecentChangesKept};
    StatusChangesModel m_history;
    QString m_selectedInstance;
    QVariantMap m_detail;
    qint64 m_now = 0;
    QTimer m_clock;
    quint64 m_attachment = 0; // bumps on reset(): a reply of an older attachment is dropped
};

} // namespace Meshdeck::Console
