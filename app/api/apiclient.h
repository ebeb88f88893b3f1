#pragma once

#include "tlstrust.h"

#include <QJsonDocument>
#include <QObject>
#include <QUrl>

#include <QCoroTask>

namespace Meshdeck::Console {

// The outcome of one API call; `error` is a sentence a person can act on when ok() is false.
struct ApiReply {
    int status = 0; // 0: no HTTP answer (connection refused, timeout, TLS failure)
    QJsonDocument json;
    QString error;
    // The body as it came (an image, say: a chat invitation's QR code); `json` is its parse.
    QByteArray body = {};
    // No answer from this node at all (refused, unreachable, timed out): another node may answer.
    bool unreachable = false;
    // The node answered, but TLS refused it (its certificate, host name, dates or pin).
    bool tlsRefused = false;
    // The TLS peer is unknown and the person may choose to trust it (first contact).
    CertificateOffer certificate = {};
    // A problem document's code: the last part of its `type` (urn:meshdeck:problem:expired-token),
    // or its `code` member. Empty for a success or an answer that is not a problem document.
    QString problemCode = {};
    // Retry-After of a 429 or 503, in seconds; 0 when absent.
    int retryAfterSeconds = 0;
    bool ok() const { return status >= 200 && status < 300; }
};

// The console's one seam to a backend: the real client speaks HTTP to meshdeckd, the fake serves
// canned JSON to tests and the offline UI.
class ApiClient : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual void setEndpoint(const QUrl &baseUrl, const QByteArray &token) = 0;
    virtual QUrl baseUrl() const = 0;
    virtual QCoro::Task<ApiReply> get(QString path) = 0;
    virtual QCoro::Task<ApiReply> post(QString path, QByteArray jsonBody) = 0;
    // PUT, PATCH, DELETE and friends; the body may be empty.
    virtual QCoro::Task<ApiReply> send(QByteArray method, QString path, QByteArray jsonBody) = 0;
    // POSTs a file as the body, streamed from disk (a deployment's .tar.gz, application/gzip).
    virtual QCoro::Task<ApiReply> upload(QString path, QString filePath, QByteArray contentType) = 0;
    virtual QByteArray token() const = 0;
    // What a TLS peer must present; plain HTTP ignores it.
    virtual void setTlsPolicy(const TlsPolicy &policy) { Q_UNUSED(policy) }
    // Replaces the credential only (a refreshed access token): the endpoint stays.
    void setToken(const QByteArray &token) { setEndpoint(baseUrl(), token); }

Q_SIGNALS:
    // A request was refused with 401: the session behind the token may have ended (its code:
    // expired-token, revoked-session, refresh-reused, account-disabled, invalid-token, …).
    // `token` is the one the request carried: a reply to a request sent with an older token says
    // nothing about the current one.
    void unauthorized(const QString &problemCode, const QString &reason, const QByteArray &token);

protected:
    // Every implementation passes each reply through here, with the token its request carried,
    // before returning it.
    void noteReply(const ApiReply &reply, const QByteArray &token)
    {
        if (reply.status == 401)
            Q_EMIT unauthorized(reply.problemCode, reply.error, token);
    }
};

// The code of a problem document (see ApiReply::problemCode).
QString problemCodeOf(const QJsonDocument &problem);

// Turns an error body (RFC 9457 problem+json or anything else) into one readable sentence.
QString describeHttpError(int status, const QByteArray &body);

} // namespace Meshdeck::Console
