#include "webhooksmodel.h"

namespace Meshdeck::Console {

QVariant WebhooksModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *w = rowAt(index);
    if (!w)
        return {};
    const bool enabled = w->value(QStringLiteral("enabled")).toBool(true);
    switch (role) {
    case IdRole:
        return w->value(QStringLiteral("id")).toString();
    case Qt::DisplayRole:
    case UrlRole:
        return w->value(QStringLiteral("url")).toString();
    case EnabledRole:
        return enabled;
    case StateTextRole:
        return enabled ? tr("enabled")
                       : tr("disabled: %1").arg(w->value(QStringLiteral("disabledReason")).toString());
    case DisabledReasonRole:
        return w->value(QStringLiteral("disabledReason")).toString();
    default:
        return {};
    }
}

QHash<int, QByteArray> WebhooksModel::roleNames() const
{
    return {{IdRole, "webhookId"},
            {UrlRole, "url"},
            {EnabledRole, "active"},
            {StateTextRole, "stateText"},
            {DisabledReasonRole, "disabledReason"}};
}

void WebhooksModel::setWebhooks(const QJsonArray &all, const QString &topic)
{
    QList<QJsonObject> mine;
    for (const QJsonValue &v : all) {
        if (v.toObject().value(QStringLiteral("topics")).toArray().contains(topic))
            mine << v.toObject();
    }
    setRows(mine);
}

} // namespace Meshdeck::Console
