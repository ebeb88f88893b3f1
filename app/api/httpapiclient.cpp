#include "httpapiclient.h"

#include <QFile>
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

QString problemCodeOf(const QJsonDocument &problem)
{
    const QJsonObject o = problem.object();
    const QString code = o.value(QStringLiteral("code")).toString();
    if (!code.isEmpty())
        return code;
    const QString type = o.value(QStringLiteral("type")).toString();
    const QLatin1String prefix("urn:meshdeck:problem:");
    return type.startsWith(prefix) ? type.sliced(prefix.size()) : QString();
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
    if (baseUrl != m_baseUrl)
        m_network.clearConnectionCache();
    m_baseUrl = baseUrl;
    m_token = token;
}

void HttpApiClient::setTlsPolicy(const TlsPolicy &policy)
{
    m_tls = policy;
    m_tlsConfiguration = policy.configuration();
    // A connection verified under the previous policy must not carry on under this one.
    m_network.clearConnectionCache();
}

// Every TLS handshake is judged by the policy. The one call of ignoreSslErrors() in the console's
// HTTP path: a handshake whose leaf key matches a pin the person chose. Anything else is refused,
// and the reason is kept for finish().
QNetworkReply *HttpApiClient::watch(QNetworkReply *reply)
{
    connect(reply, &QNetworkReply::sslErrors, reply, [this, reply](const QList<QSslError> &errors) {
        const TlsVerdict verdict =
            TlsTrust::judge(m_tls, reply->url().host(), errors, reply->sslConfiguration().peerCertificate());
        if (verdict.accept && m_tls.mode == TlsPolicy::Mode::Pinned) {
            reply->ignoreSslErrors(errors);
            return;
        }
        reply->setProperty("meshdeckTlsMessage", verdict.message);
        if (!verdict.offer.isNull())
            reply->setProperty("meshdeckTlsOffer", QVariant::fromValue(verdict.offer));
    });
    // A pinned peer is checked again once encrypted, before any request byte is sent: a key that
    // does not match is never sent the token.
    connect(reply, &QNetworkReply::encrypted, reply, [this, reply] {
        if (m_tls.mode != TlsPolicy::Mode::Pinned)
            return;
        const TlsVerdict verdict =
            TlsTrust::judge(m_tls, reply->url().host(), {}, reply->sslConfiguration().peerCertificate());
        if (!verdict.accept) {
            reply->setProperty("meshdeckTlsMessage", verdict.message);
            reply->abort();
        }
    });
    return reply;
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
    if (url.scheme() == QLatin1String("https"))
        request.setSslConfiguration(m_tlsConfiguration);
    request.setRawHeader("Accept", "application/json, application/problem+json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    return request;
}

QCoro::Task<ApiReply> HttpApiClient::get(QString path)
{
    const QByteArray token = m_token;
    QNetworkReply *reply = watch(m_network.get(request(path)));
    const ApiReply result = co_await finish(reply);
    noteReply(result, token);
    co_return result;
}

QCoro::Task<ApiReply> HttpApiClient::post(QString path, QByteArray jsonBody)
{
    const QByteArray token = m_token;
    QNetworkRequest r = request(path);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = watch(m_network.post(r, jsonBody));
    const ApiReply result = co_await finish(reply);
    noteReply(result, token);
    co_return result;
}

QCoro::Task<ApiReply> HttpApiClient::send(QByteArray method, QString path, QByteArray jsonBody)
{
    const QByteArray token = m_token;
    QNetworkRequest r = request(path);
    if (!jsonBody.isEmpty())
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = watch(m_network.sendCustomRequest(r, method, jsonBody));
    const ApiReply result = co_await finish(reply);
    noteReply(result, token);
    co_return result;
}

QCoro::Task<ApiReply> HttpApiClient::upload(QString path, QString filePath, QByteArray contentType)
{
    const QByteArray token = m_token;
    auto *file = new QFile(filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        ApiReply failed;
        failed.error = tr("Cannot read %1: %2").arg(filePath, file->errorString());
        delete file;
        co_return failed;
    }
    QNetworkRequest r = request(path);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QString::fromLatin1(contentType));
    r.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    QNetworkReply *reply = watch(m_network.post(r, file));
    file->setParent(reply); // read while the request streams, gone with the reply
    const ApiReply result = co_await finish(reply);
    noteReply(result, token);
    co_return result;
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
        const QString tlsMessage = reply->property("meshdeckTlsMessage").toString();
        if (!tlsMessage.isEmpty()) {
            result.error = tlsMessage;
            result.tlsRefused = true;
            result.certificate = reply->property("meshdeckTlsOffer").value<CertificateOffer>();
            co_return result;
        }
        result.unreachable = true;
        switch (reply->error()) {
        case QNetworkReply::SslHandshakeFailedError:
            result.unreachable = false;
            result.tlsRefused = true;
            result.error = tr("The TLS handshake with %1 failed: %2")
                               .arg(m_baseUrl.toDisplayString(), reply->errorString());
            break;
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
    result.body = body;
    if (!result.ok()) {
        result.error = describeHttpError(result.status, body);
        result.problemCode = problemCodeOf(result.json);
        result.retryAfterSeconds = reply->rawHeader("Retry-After").trimmed().toInt();
    }
    co_return result;
}

} // namespace Meshdeck::Console
