#include "openapi.h"

#include <QJsonArray>

#include <map>

namespace Meshdeck::Http {

namespace {

const QString ProblemRef = QStringLiteral("#/components/schemas/Problem");

QJsonObject problemSchema()
{
    return parseSchema(R"({
        "type": "object",
        "description": "An RFC 9457 problem document; detail says what to do about it.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "urn:meshdeck:problem:<name>, or about:blank"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "requestId": {"type": "string"},
            "field": {"type": "string", "description": "the input field that is wrong"}
        }
    })",
                       "Problem");
}

QJsonObject responseObject(const QString &description, const QByteArray &contentType,
                           const QJsonObject &schema)
{
    QJsonObject response{{QStringLiteral("description"), description}};
    if (!schema.isEmpty())
        response.insert(
            QStringLiteral("content"),
            QJsonObject{{QString::fromLatin1(contentType), QJsonObject{{QStringLiteral("schema"), schema}}}});
    return response;
}

QString problemDescription(int status)
{
    switch (status) {
    case 400:
        return QStringLiteral("The request is malformed or a field is invalid; detail names it.");
    case 401:
        return QStringLiteral("No valid credential was sent.");
    case 403:
        return QStringLiteral("The credential lacks the permission this operation needs.");
    case 404:
        return QStringLiteral("What the path names does not exist.");
    case 409:
        return QStringLiteral("The request conflicts with the current state.");
    case 413:
        return QStringLiteral("The body or the batch is over its limit.");
    case 429:
        return QStringLiteral("Too many attempts; retry after Retry-After seconds.");
    case 503:
        return QStringLiteral("Storage failed or the node is at capacity or draining; nothing was changed. "
                              "Retry, after Retry-After when it is sent.");
    default:
        return QString::fromLatin1(reasonPhrase(status));
    }
}

QJsonObject operation(const Route &route)
{
    const RouteOptions &o = route.options;
    QJsonObject op;
    if (!o.operationId.isEmpty())
        op.insert(QStringLiteral("operationId"), QString::fromLatin1(o.operationId));
    if (!o.summary.isEmpty())
        op.insert(QStringLiteral("summary"), o.summary);
    if (!o.tag.isEmpty())
        op.insert(QStringLiteral("tags"), QJsonArray{o.tag});
    if (!o.permission.isEmpty())
        op.insert(QStringLiteral("x-meshdeck-permission"), QString::fromLatin1(o.permission));

    QJsonArray parameters;
    auto declared = [&o](const QByteArray &name, const QByteArray &in) -> const ParamDoc * {
        for (const ParamDoc &p : o.parameters) {
            if (p.name == name && p.in == in)
                return &p;
        }
        return nullptr;
    };
    auto parameter = [](const ParamDoc &p) {
        QJsonObject out{{QStringLiteral("name"), QString::fromUtf8(p.name)},
                        {QStringLiteral("in"), QString::fromLatin1(p.in)},
                        {QStringLiteral("required"), p.in == "path" || p.required},
                        {QStringLiteral("schema"), parseSchema(p.schema, p.name)}};
        if (!p.description.isEmpty())
            out.insert(QStringLiteral("description"), p.description);
        return out;
    };
    for (const QByteArray &seg : route.segments) {
        if (!seg.startsWith('{'))
            continue;
        const QByteArray name = seg.sliced(1, seg.size() - 2);
        const ParamDoc *doc = declared(name, "path");
        parameters.append(parameter(doc ? *doc : ParamDoc{name, "path", R"({"type":"string"})", {}, true}));
    }
    for (const ParamDoc &p : o.parameters) {
        if (p.in != "path")
            parameters.append(parameter(p));
    }
    if (!parameters.isEmpty())
        op.insert(QStringLiteral("parameters"), parameters);

    if (!o.requestSchema.isEmpty()) {
        QJsonObject content{
            {QStringLiteral("application/json"),
             QJsonObject{{QStringLiteral("schema"), parseSchema(o.requestSchema, o.operationId)}}}};
        for (const QByteArray &type : o.requestBinaryTypes)
            content.insert(QString::fromLatin1(type),
                           QJsonObject{{QStringLiteral("schema"),
                                        QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                    {QStringLiteral("format"), QStringLiteral("binary")}}}});
        op.insert(QStringLiteral("requestBody"),
                  QJsonObject{{QStringLiteral("required"), !o.requestBodyOptional},
                              {QStringLiteral("content"), content}});
    }

    QJsonObject responses;
    for (const ResponseDoc &r : o.responses) {
        responses.insert(
            QString::number(r.status),
            responseObject(
                r.description.isEmpty() ? QString::fromLatin1(reasonPhrase(r.status)) : r.description,
                r.contentType, r.schema.isEmpty() ? QJsonObject() : parseSchema(r.schema, o.operationId)));
    }
    if (route.isWebSocket() && o.responses.empty())
        responses.insert(QStringLiteral("101"), responseObject(QStringLiteral("WebSocket upgrade"), {}, {}));
    std::vector<int> problems = o.problems;
    if (o.access == Access::Authenticated) {
        problems.push_back(401);
        problems.push_back(403); // the caller's role or key scopes lack the permission
    }
    if (!o.requestSchema.isEmpty())
        problems.push_back(413);
    problems.push_back(503);
    for (int status : problems) {
        responses.insert(QString::number(status),
                         responseObject(problemDescription(status), "application/problem+json",
                                        QJsonObject{{QStringLiteral("$ref"), ProblemRef}}));
    }
    op.insert(QStringLiteral("responses"), responses);
    if (o.access == Access::Public)
        op.insert(QStringLiteral("security"), QJsonArray{});
    return op;
}

} // namespace

QJsonObject openApiDocument(const Router &router, const QString &version, const QString &serverUrl)
{
    QJsonObject paths;
    std::map<QString, QString> tags;
    for (const auto &route : router.routes()) {
        const QString path = QString::fromUtf8(route->pattern);
        QJsonObject item = paths.value(path).toObject();
        item.insert(QString::fromLatin1(route->method).toLower(), operation(*route));
        paths.insert(path, item);
        if (!route->options.tag.isEmpty())
            tags.emplace(route->options.tag, route->options.tag);
    }
    QJsonArray tagList;
    for (const auto &[name, _] : tags)
        tagList.append(
            QJsonObject{{QStringLiteral("name"), name},
                        {QStringLiteral("description"), QStringLiteral("The %1 service").arg(name)}});

    QJsonObject schemas = router.schemas();
    schemas.insert(QStringLiteral("Problem"), problemSchema());

    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
        {QStringLiteral("info"),
         QJsonObject{
             {QStringLiteral("title"), QStringLiteral("meshdeckd")},
             {QStringLiteral("version"), version},
             {QStringLiteral("description"),
              QStringLiteral("The Meshdeck platform's REST API. Errors are RFC 9457 problem documents.")},
             {QStringLiteral("license"),
              QJsonObject{{QStringLiteral("name"), QStringLiteral("Proprietary")}}}}},
        {QStringLiteral("servers"),
         QJsonArray{
             QJsonObject{{QStringLiteral("url"), serverUrl.isEmpty() ? QStringLiteral("/") : serverUrl},
                         {QStringLiteral("description"), QStringLiteral("this node")}}}},
        {QStringLiteral("tags"), tagList},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("security"), QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray{}}}}},
        {QStringLiteral("components"),
         QJsonObject{{QStringLiteral("securitySchemes"),
                      QJsonObject{{QStringLiteral("bearer"),
                                   QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                               {QStringLiteral("scheme"), QStringLiteral("bearer")}}}}},
                     {QStringLiteral("schemas"), schemas}}}};
}

} // namespace Meshdeck::Http
