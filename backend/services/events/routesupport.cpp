#include "routesupport.h"

#include "http/problem.h"

#include <QDateTime>

#include <cmath>

namespace Meshdeck::Events::RouteSupport {

using namespace Meshdeck::Http;

QByteArray schemaRef(const char *name)
{
    return QByteArrayLiteral("{\"$ref\":\"#/components/schemas/") + name + "\"}";
}

RouteOptions documented(QByteArray operationId, QByteArray permission, const char *summary,
                        std::vector<ResponseDoc> responses, std::vector<int> problems,
                        QByteArray requestSchema, std::vector<ParamDoc> query)
{
    RouteOptions o;
    o.summary = QString::fromUtf8(summary);
    o.tag = QStringLiteral("events");
    o.operationId = std::move(operationId);
    o.permission = std::move(permission);
    o.requestSchema = std::move(requestSchema);
    o.parameters = std::move(query);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

std::optional<qint64> wholeNumber(const QJsonValue &value, double min, double max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (d < min || d > max || d != std::floor(d))
        return std::nullopt;
    return qint64(d);
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

Response invalid(const Request &request, const QString &field, const QString &reason, QByteArray code)
{
    return problem(request, Error::invalid(field, reason, std::move(code)));
}

} // namespace Meshdeck::Events::RouteSupport
