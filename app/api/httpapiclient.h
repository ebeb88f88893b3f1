#pragma once

#include "apiclient.h"

#include <QNetworkAccessManager>

namespace Meshdeck::Console {

class HttpApiClient : public ApiClient
{
    Q_OBJECT
public:
    explicit HttpApiClient(QObject *parent = nullptr);

    void setEndpoint(const QUrl &baseUrl, const QByteArray &token) override;
    QUrl baseUrl() const override { return m_baseUrl; }
    QCoro::Task<ApiReply> get(QString path) override;
    QCoro::Task<ApiReply> post(QString path, QByteArray jsonBody) override;
    QCoro::Task<ApiReply> send(QByteArray method, QString path, QByteArray jsonBody) override;
    QCoro::Task<ApiReply> upload(QString path, QString filePath, QByteArray contentType) override;
    QByteArray token() const override { return m_token; }
    void setTlsPolicy(const TlsPolicy &policy) override;

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

private:
    QCoro::Task<ApiReply> finish(QNetworkReply *reply);
    QNetworkReply *watch(QNetworkReply *reply);
    QNetworkRequest request(const QString &path) const;

    QNetworkAccessManager m_network; // one long-lived manager for the thread
    QUrl m_baseUrl;
    QByteArray m_token;
    int m_timeoutMs = 10'000;
    TlsPolicy m_tls;
    QSslConfiguration m_tlsConfiguration = m_tls.configuration();
};

} // namespace Meshdeck::Console
