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

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

private:
    QNetworkAccessManager m_network; // one long-lived manager for the thread
    QUrl m_baseUrl;
    QByteArray m_token;
    int m_timeoutMs = 10'000;
};

} // namespace Meshdeck::Console
