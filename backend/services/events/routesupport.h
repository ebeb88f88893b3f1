#pragma once

#include "http/httptypes.h"
#include "http/router.h"

#include <QJsonValue>

#include <optional>
#include <vector>

// What the events service's routes files share: building documented route options and reading
// request values. Only routes files include this.
namespace Meshdeck::Events::RouteSupport {

// {"$ref":"#/components/schemas/<name>"}
QByteArray schemaRef(const char *name);

Http::RouteOptions documented(QByteArray operationId, QByteArray permission, const char *summary,
                              std::vector<Http::ResponseDoc> responses, std::vector<int> problems,
                              QByteArray requestSchema = {}, std::vector<Http::ParamDoc> query = {});

// A JSON number that is a whole number in [min, max].
std::optional<qint64> wholeNumber(const QJsonValue &value, double min, double max);
// ISO 8601 in UTC with milliseconds, as every time in the API.
QString isoTime(qint64 ms);
// A 400 problem naming the field.
Http::Response invalid(const Http::Request &request, const QString &field, const QString &reason,
                       QByteArray code = QByteArrayLiteral("invalid-body"));

} // namespace Meshdeck::Events::RouteSupport
