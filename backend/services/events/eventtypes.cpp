#include "eventtypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Meshdeck::Events {

bool isValidTopicName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,127}$"));
    return pattern.match(name).hasMatch();
}

QJsonObject StoredEvent::toJson() const
{
    QJsonObject o{
        {QStringLiteral("id"), id},
        {QStringLiteral("topic"), topic},
        {QStringLiteral("offset"), offset},
        {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("type"), type},
        {QStringLiteral("data"), QJsonDocument::fromJson("[" + data + "]").array().at(0)}};
    if (!key.isEmpty())
        o.insert(QStringLiteral("key"), key);
    if (!headers.isEmpty())
        o.insert(QStringLiteral("headers"), QJsonDocument::fromJson(headers).object());
    if (!requestId.isEmpty())
        o.insert(QStringLiteral("requestId"), requestId);
    return o;
}

QByteArray StoredEvent::toJsonText() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

} // namespace Meshdeck::Events
