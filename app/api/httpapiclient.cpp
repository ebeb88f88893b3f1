#include "httpapiclient.h"

#include <QJsonObject>
#include <QNetworkReply>
#include <QPointer>

#include <QCoroNetworkReply>

namespace Meshdeck::Console {

QString describeHttpError(int status, const QByteArray &body)
{
    const QJsonObject problem = QJsonDocument::fromJson(body).object();
    const QString detail = problem.value(QStringLiteral("detail")).toString();
    const QString title = problem.value(QStringLiteral("title")).toString();
    if (!detail.isEmpty())
        return detail;
    if (!title.isEmpty())
        return ApiClient::tr("%1 (HTTP %2)").arg(title).arg(status);
    return ApiClient::tr("The backend answered HTTP %1.").arg(status);
}

HttpApiClient::HttpApiClient(QObject *parent)
    : ApiClient(parent)
{
    // A console talks to one API: no redirects to elsewhere, no cookies, no cache.
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network.setCookieJar(nullptr);
}

void HttpApiClient::setEndpoint(const QUrl &baseUrl, const QByteArray &token)
{
    m_baseUrl = baseUrl;
    m_token = token;
}

QNetworkRequest HttpApiClient::request(const QString &path) const
{
    QUrl url = m_baseUrl;
    const qsizetype query = path.indexOf(QLatin1Char('?'));
    url.setPath(query < 0 ? path : path.first(query));
    if (query >= 0)
        url.setQuery(path.sliced(query + 1));
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json, application/problem+json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    return request;
}

QCoro::Task<ApiReply> HttpApiClient::get(QString path)
{
    QNetworkReply *reply = m_network.get(request(path));
    co_return co_await finish(reply);
}

QCoro::Task<ApiReply> HttpApiClient::post(QString path, QByteArray jsonBody)
{
    QNetworkRequest r = request(path);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = m_network.post(r, jsonBody);
    co_return co_await finish(reply);
}

QCoro::Task<ApiReply> HttpApiClient::send(QByteArray method, QString path, QByteArray jsonBody)
{
    QNetworkRequest r = request(path);
    if (!jsonBody.isEmpty())
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = m_network.sendCustomRequest(r, method, jsonBody);
    co_return co_await finish(reply);
}

QCoro::Task<ApiReply> HttpApiClient::finish(QNetworkReply *rawReply)
{
    QPointer<QNetworkReply> reply = rawReply;
    co_await reply.get();
    ApiReply result;
    if (!reply) {
        result.error = tr("The request was abandoned.");
        co_return result;
    }
    reply->deleteLater();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (result.status == 0) {
        switch (reply->error()) {
        case QNetworkReply::ConnectionRefusedError:
            result.error =
                tr("Nothing is listening at %1. Is meshdeckd running?").arg(m_baseUrl.toDisplayString());
            break;
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            result.error =
                tr("%1 did not answer within %2 s.").arg(m_baseUrl.toDisplayString()).arg(m_timeoutMs / 1000);
            break;
        default:
            result.error = tr("Cannot reach %1: %2").arg(m_baseUrl.toDisplayString(), reply->errorString());
        }
        co_return result;
    }
    result.json = QJsonDocument::fromJson(body);
    if (!result.ok())
        result.error = describeHttpError(result.status, body);
    co_return result;
}

} // namespace Meshdeck::Console
