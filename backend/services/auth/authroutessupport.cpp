#include "authroutessupport.h"

namespace Meshdeck::Auth::RouteSupport {

using namespace Meshdeck::Http;

Result<QJsonObject> jsonBody(const Request &request)
{
    QJsonObject body;
    QString error;
    if (!request.jsonObject(&body, &error))
        return Error::invalid(QStringLiteral("body"), error, "invalid-body");
    return body;
}

Result<std::optional<QString>> optionalString(const QJsonObject &body, const QString &field, int maxLength)
{
    const QJsonValue v = body.value(field);
    if (v.isUndefined())
        return std::optional<QString>();
    if (!v.isString())
        return Error::invalid(field, QStringLiteral("'%1' must be a string.").arg(field));
    if (v.toString().size() > maxLength)
        return Error::invalid(field,
                              QStringLiteral("'%1' is longer than %2 characters.").arg(field).arg(maxLength));
    return std::optional<QString>(v.toString());
}

Result<QString> requiredString(const QJsonObject &body, const QString &field, int maxLength)
{
    Result<std::optional<QString>> v = optionalString(body, field, maxLength);
    if (!v)
        return v.error();
    if (!v->has_value())
        return Error::invalid(field, QStringLiteral("'%1' is required.").arg(field));
    return **v;
}

RouteOptions options(QByteArray operationId, const char *permission, QString summary,
                     std::vector<ResponseDoc> responses, std::vector<int> problems,
                     std::vector<ParamDoc> parameters, QByteArrayView requestSchema)
{
    RouteOptions o;
    o.access = Access::Authenticated;
    o.maxBody = requestSchema.isEmpty() ? 0 : 16 * 1024;
    o.summary = std::move(summary);
    o.tag = QStringLiteral("auth");
    o.operationId = std::move(operationId);
    o.permission = permission;
    o.requestSchema = requestSchema.toByteArray();
    o.parameters = std::move(parameters);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

RouteOptions publicRoute(RouteOptions o)
{
    o.access = Access::Public;
    o.permission.clear();
    return o;
}

Response withAudit(Response response, QString resource, QJsonValue before, QJsonValue after)
{
    response.audit = AuditNote{std::move(resource), std::move(before), std::move(after)};
    return response;
}

ResponseDoc answer(int status, const char *description, QByteArrayView schema)
{
    return {status, QString::fromUtf8(description), schema.toByteArray()};
}

ParamDoc pathParam(QByteArray name, const char *description)
{
    return {std::move(name), "path", R"({"type":"string"})", QString::fromUtf8(description), true};
}

ParamDoc queryParam(QByteArray name, QByteArrayView schema, const char *description)
{
    return {std::move(name), "query", schema.toByteArray(), QString::fromUtf8(description), false};
}

} // namespace Meshdeck::Auth::RouteSupport
