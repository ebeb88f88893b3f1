#include "httptypes.h"

#include <QJsonParseError>
#include <QUrlQuery>

namespace Meshdeck::Http {

QByteArray Request::header(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

QString Request::queryItem(const QString &name) const
{
    const QUrlQuery q(QString::fromUtf8(query));
    return q.queryItemValue(name, QUrl::FullyDecoded);
}

bool Request::jsonObject(QJsonObject *out, QString *error) const
{
    if (body.isEmpty()) {
        *error = QStringLiteral("The request body is empty; send a JSON object.");
        return false;
    }
    QJsonParseError parseError;
    const auto doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("The body is not valid JSON: %1 at byte %2.")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("The body must be a JSON object.");
        return false;
    }
    *out = doc.object();
    return true;
}

void Response::setHeader(QByteArray lowerName, QByteArray value)
{
    for (auto &[name, existing] : headers) {
        if (name == lowerName) {
            existing = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(lowerName), std::move(value));
}

Response Response::json(int status, const QJsonObject &object)
{
    return json(status, QJsonDocument(object));
}

Response Response::json(int status, const QJsonDocument &document)
{
    Response r;
    r.status = status;
    r.contentType = QByteArrayLiteral("application/json");
    r.body = document.toJson(QJsonDocument::Compact);
    return r;
}

Response Response::text(int status, QByteArray body, QByteArray contentType)
{
    Response r;
    r.status = status;
    r.contentType = std::move(contentType);
    r.body = std::move(body);
    return r;
}

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Content";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

} // namespace Meshdeck::Http
