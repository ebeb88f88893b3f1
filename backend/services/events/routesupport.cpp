#include "routesupport.h"

#include "http/problem.h"

#include <QDateTime>

#include <cmath>

namespace Meshdeck::Events::RouteSupport {

using namespace Meshdeck::Http;

std::optional<qint64> wholeNumber(const QJsonValue &value, double min, double max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (d < min || d > max || d != std::floor(d))
        return std::nullopt;
    return qint64(d);
}

Response invalid(const Request &request, const QString &field, const QString &reason, QByteArray code)
{
    return problem(request, Error::invalid(field, reason, std::move(code)));
}

} // namespace Meshdeck::Events::RouteSupport
