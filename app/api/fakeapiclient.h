#pragma once

#include "apiclient.h"

#include <QHash>

namespace Meshdeck::Console {

// Serves canned replies by path. Tests load them from tests/data; unknown paths answer 404. A reply
// set for "POST /path" or "DELETE /path" answers only that method; otherwise any method gets the
// path's reply.
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
    // Recorded in posted() as "UPLOAD <content type> path" with the file's bytes; answered like a
    // POST of the path.
    QCoro::Task<ApiReply> upload(QString path, QString filePath, QByteArray contentType) override;

    void setReply(const QString &path, ApiReply reply);
    void removeReply(const QString &path) { m_replies.remove(path); }
    // A problem+json reply, as the backend sends one.
    static ApiReply problem(int status, const QString &code, const QString &detail);
    // The bearer token each request carried, in request order.
    QList<QByteArray> tokensSent() const { return m_tokens; }
    void setReplyFromFile(const QString &path, const QString &jsonFile);
    void setUnreachable(bool unreachable) { m_unreachable = unreachable; }
    QStringList requestedPaths() const { return m_requested; }
    QByteArray token() const override { return m_token; }
    QList<std::pair<QString, QByteArray>> posted() const { return m_posted; }

private:
    ApiReply answer(const QString &methodKey, const QString &path);

    QHash<QString, ApiReply> m_replies;
    QList<QByteArray> m_tokens;
    QStringList m_requested;
    QList<std::pair<QString, QByteArray>> m_posted;
    QUrl m_baseUrl;
    QByteArray m_token;
    bool m_unreachable = false;
};

} // namespace Meshdeck::Console
