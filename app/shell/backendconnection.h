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
    // The node URLs of the attached profile (one for the local stack or --attach), and which of
    // them is attached now.
    Q_PROPERTY(QStringList nodeUrls READ nodeUrls NOTIFY stateChanged)
    Q_PROPERTY(int nodeIndex READ nodeIndex NOTIFY stateChanged)
    // Set while an unknown certificate waits for the person's decision (state Refused): host, pin,
    // subject, issuer, validFrom, validUntil.
    Q_PROPERTY(QVariantMap certificateOffer READ certificateOffer NOTIFY stateChanged)
public:
    // Refused: the node answered but cannot be trusted (TLS); no automatic retry.
    enum class State { Detached, Connecting, Connected, Reconnecting, Refused };
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
    // A cluster: tries the URLs in order; when the attached node stops answering, moves on to
    // the next one.
    void attachNodes(const QList<QUrl> &urls, const QByteArray &token, const TlsPolicy &tls);
    // A refreshed access token for the attached node (and the next ones): no new probe.
    void setToken(const QByteArray &token);
    QStringList nodeUrls() const;
    int nodeIndex() const { return m_node; }
    QVariantMap certificateOffer() const;
    CertificateOffer pendingOffer() const { return m_offer; }
    // Checks the attached node now (the realtime socket lost it, for instance).
    void checkNow();
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
    // After a failure: true when another node is being tried right away.
    bool failOver(const ApiReply &reply);
    void useNode(int index);
    void setLoading(bool loading);

    ApiClient *m_api;
    Settings m_settings;
    State m_state = State::Detached;
    QString m_error;
    QVariantMap m_systemInfo;
    QTimer m_retryTimer;
    QTimer m_heartbeatTimer;
    int m_retryDelayMs = 0;
    QList<QUrl> m_urls;
    QByteArray m_token;
    int m_node = 0;
    int m_failedNodes = 0; // in a row, since the last node that answered
    CertificateOffer m_offer;
    quint64 m_generation = 0; // bumps on attach/detach so stale replies are ignored
    bool m_loading = false;
};

} // namespace Meshdeck::Console
