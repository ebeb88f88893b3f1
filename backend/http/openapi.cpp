#include "openapi.h"

#include <QJsonArray>

namespace Meshdeck::Http {

QJsonObject openApiDocument(const Router &router, const QString &version)
{
    const QJsonObject problemRef{{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/Problem")}};
    const QJsonObject problemResponse{
        {QStringLiteral("description"), QStringLiteral("An RFC 9457 problem")},
        {QStringLiteral("content"), QJsonObject{{QStringLiteral("application/problem+json"),
                                                 QJsonObject{{QStringLiteral("schema"), problemRef}}}}}};

    QJsonObject paths;
    for (const auto &route : router.routes()) {
        QJsonObject op;
        op.insert(QStringLiteral("operationId"),
                  QString::fromLatin1(route->method).toLower() + QString::fromUtf8(route->pattern));
        if (!route->options.summary.isEmpty())
            op.insert(QStringLiteral("summary"), route->options.summary);
        if (!route->options.tag.isEmpty())
            op.insert(QStringLiteral("tags"), QJsonArray{route->options.tag});
        QJsonArray parameters;
        for (const QByteArray &seg : route->segments) {
            if (seg.startsWith('{')) {
                parameters.append(
                    QJsonObject{{QStringLiteral("name"), QString::fromUtf8(seg.sliced(1, seg.size() - 2))},
                                {QStringLiteral("in"), QStringLiteral("path")},
                                {QStringLiteral("required"), true},
                                {QStringLiteral("schema"),
                                 QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
            }
        }
        if (!parameters.isEmpty())
            op.insert(QStringLiteral("parameters"), parameters);
        QJsonObject responses{{QStringLiteral("default"), problemResponse},
                              {route->isWebSocket() ? QStringLiteral("101") : QStringLiteral("200"),
                               QJsonObject{{QStringLiteral("description"),
                                            route->isWebSocket() ? QStringLiteral("WebSocket upgrade")
                                                                 : QStringLiteral("Success")}}}};
        op.insert(QStringLiteral("responses"), responses);
        if (route->options.access == Access::Public)
            op.insert(QStringLiteral("security"), QJsonArray{});
        const QString path = QString::fromUtf8(route->pattern);
        QJsonObject item = paths.value(path).toObject();
        item.insert(QString::fromLatin1(route->method).toLower(), op);
        paths.insert(path, item);
    }

    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
        {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("meshdeckd")},
                                             {QStringLiteral("version"), version}}},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("security"), QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray{}}}}},
        {QStringLiteral("components"),
         QJsonObject{
             {QStringLiteral("securitySchemes"),
              QJsonObject{{QStringLiteral("bearer"),
                           QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                       {QStringLiteral("scheme"), QStringLiteral("bearer")}}}}},
             {QStringLiteral("schemas"),
              QJsonObject{
                  {QStringLiteral("Problem"),
                   QJsonObject{
                       {QStringLiteral("type"), QStringLiteral("object")},
                       {QStringLiteral("required"),
                        QJsonArray{QStringLiteral("type"), QStringLiteral("title"),
                                   QStringLiteral("status")}},
                       {QStringLiteral("properties"),
                        QJsonObject{
                            {QStringLiteral("type"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                            {QStringLiteral("title"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                            {QStringLiteral("status"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}},
                            {QStringLiteral("detail"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                            {QStringLiteral("instance"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                            {QStringLiteral("requestId"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}}}}}}}}};
}

} // namespace Meshdeck::Http
