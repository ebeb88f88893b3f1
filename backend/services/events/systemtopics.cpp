#include "systemtopics.h"

#include "platform/access.h"

namespace Meshdeck::Events {

void SystemTopics::add(const QString &topic, QByteArray readPermission)
{
    std::lock_guard lock(m_mutex);
    m_readPermission.insert(topic, std::move(readPermission));
}

std::optional<QByteArray> SystemTopics::find(const QString &topic) const
{
    QString name = topic;
    for (;;) {
        const auto it = m_readPermission.constFind(name);
        if (it != m_readPermission.cend())
            return *it;
        if (!name.endsWith(QLatin1String(".dlq")))
            return std::nullopt;
        name.chop(4);
    }
}

bool SystemTopics::contains(const QString &topic) const
{
    std::lock_guard lock(m_mutex);
    return find(topic).has_value();
}

std::optional<Error> SystemTopics::readRefusal(const QString &topic, const PrincipalPtr &caller) const
{
    if (!caller)
        return std::nullopt;
    QByteArray permission;
    {
        std::lock_guard lock(m_mutex);
        const std::optional<QByteArray> found = find(topic);
        if (!found || found->isEmpty())
            return std::nullopt;
        permission = *found;
    }
    const Access::Decision decision = Access::authorize(*caller, permission);
    if (decision.allowed && decision.grant == Access::Grant::Full)
        return std::nullopt;
    return Error::forbidden(
        QStringLiteral("'%1' is a system topic: reading it needs %2 as well as "
                       "events.read. %3")
            .arg(topic, QString::fromLatin1(permission),
                 decision.allowed
                     ? QStringLiteral("You hold %1 only on documents.").arg(QString::fromLatin1(permission))
                     : decision.summary())
            .trimmed(),
        "system-topic");
}

std::optional<Error> SystemTopics::writeRefusal(const QString &topic, const PrincipalPtr &caller) const
{
    if (!caller || !contains(topic))
        return std::nullopt;
    return Error::forbidden(
        QStringLiteral("'%1' is a system topic: only the platform writes to it. Publish to a topic of "
                       "your own.")
            .arg(topic),
        "system-topic");
}

} // namespace Meshdeck::Events
