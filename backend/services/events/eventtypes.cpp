#include "eventtypes.h"

#include "platform/clock.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Meshdeck::Events {

bool isValidName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,127}$"));
    return pattern.match(name).hasMatch();
}

bool isValidTopicName(const QString &name)
{
    return name.size() <= MaxTopicNameLength && isValidName(name);
}

QString deadLetterTopicName(const QString &topic)
{
    const QString suffix = QStringLiteral(".dlq");
    if (topic.size() + suffix.size() <= MaxNameLength)
        return topic + suffix;
    // 115 characters of the name, '-', 8 hex digits of its hash, ".dlq": 128 in all.
    const QByteArray hash =
        QCryptographicHash::hash(topic.toUtf8(), QCryptographicHash::Sha256).toHex().first(8);
    constexpr qsizetype Kept = MaxNameLength - 1 - 8 - 4;
    return topic.first(Kept) + QLatin1Char('-') + QString::fromLatin1(hash) + suffix;
}

QJsonObject StoredEvent::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("topic"), topic},
                  {QStringLiteral("offset"), offset},
                  {QStringLiteral("time"), isoTime(timeMs)},
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
