#pragma once

// Helpers shared by the auth service's routes files.
#include "http/problem.h"
#include "http/router.h"

#include "platform/result.h"

#include <QJsonObject>

namespace Meshdeck::Auth::RouteSupport {

Result<QJsonObject> jsonBody(const Http::Request &request);
// A string member: required (missing → invalid) or optional (missing → std::nullopt).
Result<QString> requiredString(const QJsonObject &body, const QString &field, int maxLength = 1024);
Result<std::optional<QString>> optionalString(const QJsonObject &body, const QString &field,
                                              int maxLength = 1024);

Http::RouteOptions options(QByteArray operationId, const char *permission, QString summary,
                           std::vector<Http::ResponseDoc> responses, std::vector<int> problems = {},
                           std::vector<Http::ParamDoc> parameters = {}, QByteArrayView requestSchema = {});
Http::RouteOptions publicRoute(Http::RouteOptions o);
// The response, with the resource it changed and its state before and after for the audit log.
Http::Response withAudit(Http::Response response, QString resource, QJsonValue before = {},
                         QJsonValue after = {});
Http::ResponseDoc answer(int status, const char *description, QByteArrayView schema);
Http::ParamDoc pathParam(QByteArray name, const char *description);
Http::ParamDoc queryParam(QByteArray name, QByteArrayView schema, const char *description);

} // namespace Meshdeck::Auth::RouteSupport
