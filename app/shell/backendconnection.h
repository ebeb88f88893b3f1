#pragma once

#include "api/apiclient.h"

#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QVariantMap>

namespace Meshdeck::Console {

// The attached backend: connection state always visible, reconnect with backoff, and the
// system information the Overview shows.
class BackendConnection : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.connection")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)
    Q_PROPERTY(QUrl url READ url NOTIFY stateChanged)
    Q_PROPERTY(QVariantMap systemInfo READ systemInfo NOTIFY systemInfoChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(int retryInSeconds READ retryInSeconds NOTIFY stateChanged)
public:
    enum class State { Detached, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    struct Settings {
        int heartbeatMs = 5'000;
        int firstRetryMs = 1'000;
        int maxRetryMs = 30'000;
    };

    explicit BackendConnection(ApiClient *api, Settings settings, QObject *parent = nullptr);

    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    QUrl url() const { return m_api->baseUrl(); }
    QVariantMap systemInfo() const { return m_systemInfo; }
    bool isLoading() const { return m_loading; }
    int retryInSeconds() const { return m_retryDelayMs / 1000; }
    ApiClient *api() const { return m_api; }

    void attach(const QUrl &url, const QByteArray &token);
    Q_INVOKABLE void detach();
    Q_INVOKABLE void retryNow();
    Q_INVOKABLE void refresh();

Q_SIGNALS:
    void stateChanged();
    void systemInfoChanged();
    void loadingChanged();

private:
    QCoro::Task<void> probe();
    QCoro::Task<void> heartbeat();
    void setState(State state, const QString &error = {});
    void scheduleRetry(const QString &error);
    void setLoading(bool loading);

    ApiClient *m_api;
    Settings m_settings;
    State m_state = State::Detached;
    QString m_error;
    QVariantMap m_systemInfo;
    QTimer m_retryTimer;
    QTimer m_heartbeatTimer;
    int m_retryDelayMs = 0;
    quint64 m_generation = 0; // bumps on attach/detach so stale replies are ignored
    bool m_loading = false;
};

} // namespace Meshdeck::Console
