#include "problem.h"

namespace Meshdeck::Http {

Response problem(int status, const QString &detail, QByteArrayView slug, const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("type"),
                slug.isEmpty() ? QStringLiteral("about:blank")
                               : QStringLiteral("urn:meshdeck:problem:") + QString::fromLatin1(slug));
    body.insert(QStringLiteral("title"), QString::fromLatin1(reasonPhrase(status)));
    body.insert(QStringLiteral("status"), status);
    body.insert(QStringLiteral("detail"), detail);
    Response r = Response::json(status, body);
    r.contentType = ProblemContentType.toByteArray();
    return r;
}

Response problem(const Request &request, int status, const QString &detail, QByteArrayView slug,
                 const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("instance"), QString::fromUtf8(request.path));
    if (!request.requestId.isEmpty())
        body.insert(QStringLiteral("requestId"), QString::fromLatin1(request.requestId));
    return problem(status, detail, slug, body);
}

int statusFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Invalid:
        return 400;
    case ErrorKind::Forbidden:
        return 403;
    case ErrorKind::Unauthenticated:
        return 401;
    case ErrorKind::RateLimited:
        return 429;
    case ErrorKind::NotFound:
        return 404;
    case ErrorKind::Conflict:
        return 409;
    case ErrorKind::TooLarge:
        return 413;
    case ErrorKind::Unavailable:
    case ErrorKind::Busy:
        return 503;
    }
    return 500;
}

Response problem(const Request &request, const Error &error)
{
    QJsonObject extra;
    if (!error.field.isEmpty())
        extra.insert(QStringLiteral("field"), error.field);
    Response r = problem(request, statusFor(error.kind), error.reason, error.code, extra);
    if (error.retryAfterSeconds > 0)
        r.setHeader("retry-after", QByteArray::number(error.retryAfterSeconds));
    if (error.kind == ErrorKind::Unauthenticated)
        r.setHeader("www-authenticate", "Bearer error=\"invalid_token\"");
    return r;
}

} // namespace Meshdeck::Http
