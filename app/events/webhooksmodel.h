#pragma once

#include "common/jsonlistmodel.h"

namespace Meshdeck::Console {

// The webhooks that deliver the selected topic.
class WebhooksModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events.webhooks")
public:
    enum Role { IdRole = Qt::UserRole + 1, UrlRole, EnabledRole, StateTextRole, DisabledReasonRole };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Keeps the webhooks of `all` that deliver `topic`.
    void setWebhooks(const QJsonArray &all, const QString &topic);
};

} // namespace Meshdeck::Console
