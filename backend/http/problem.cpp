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

} // namespace Meshdeck::Http
