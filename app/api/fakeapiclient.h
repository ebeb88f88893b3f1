#pragma once

#include "apiclient.h"

#include <QHash>

namespace Meshdeck::Console {

// Serves canned replies by path. Tests load them from tests/data; unknown paths answer 404.
class FakeApiClient : public ApiClient
{
    Q_OBJECT
public:
    using ApiClient::ApiClient;

    void setEndpoint(const QUrl &baseUrl, const QByteArray &token) override;
    QUrl baseUrl() const override { return m_baseUrl; }
    QCoro::Task<ApiReply> get(QString path) override;
    QCoro::Task<ApiReply> post(QString path, QByteArray jsonBody) override;
    // Recorded in posted() as "METHOD path"; answered like a GET of the path.
    QCoro::Task<ApiReply> send(QByteArray method, QString path, QByteArray jsonBody) override;

    void setReply(const QString &path, ApiReply reply);
    void setReplyFromFile(const QString &path, const QString &jsonFile);
    void setUnreachable(bool unreachable) { m_unreachable = unreachable; }
    QStringList requestedPaths() const { return m_requested; }
    QByteArray token() const override { return m_token; }
    QList<std::pair<QString, QByteArray>> posted() const { return m_posted; }

private:
    QHash<QString, ApiReply> m_replies;
    QStringList m_requested;
    QList<std::pair<QString, QByteArray>> m_posted;
    QUrl m_baseUrl;
    QByteArray m_token;
    bool m_unreachable = false;
};

} // namespace Meshdeck::Console
