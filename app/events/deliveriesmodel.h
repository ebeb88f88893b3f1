#pragma once

#include "common/jsonlistmodel.h"

namespace Meshdeck::Console {

// The delivery log of one webhook, newest first as the backend sends it.
class DeliveriesModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.events.deliveries")
    Q_PROPERTY(QString webhookId READ webhookId NOTIFY webhookIdChanged)
public:
    enum Role {
        TimeRole = Qt::UserRole + 1,
        OffsetRole,
        AttemptRole,
        StatusRole,
        LatencyRole,
        SucceededRole,
        ErrorRole,
        SummaryRole
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString webhookId() const { return m_webhookId; }
    void setWebhookId(const QString &id);

Q_SIGNALS:
    void webhookIdChanged();

private:
    QString m_webhookId;
};

} // namespace Meshdeck::Console
