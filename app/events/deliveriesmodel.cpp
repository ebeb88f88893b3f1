#include "deliveriesmodel.h"

namespace Meshdeck::Console {

QVariant DeliveriesModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *d = rowAt(index);
    if (!d)
        return {};
    const int status = d->value(QStringLiteral("status")).toInt();
    switch (role) {
    case TimeRole:
        return d->value(QStringLiteral("time")).toString();
    case OffsetRole:
        return d->value(QStringLiteral("offset")).toInteger();
    case AttemptRole:
        return d->value(QStringLiteral("attempt")).toInt();
    case StatusRole:
        return status;
    case LatencyRole:
        return d->value(QStringLiteral("latencyMs")).toInteger();
    case SucceededRole:
        return d->value(QStringLiteral("succeeded")).toBool();
    case ErrorRole:
        return d->value(QStringLiteral("error")).toString();
    case Qt::DisplayRole:
    case SummaryRole:
        return tr("%1 · #%2 attempt %3 · %4 · %5 ms %6")
            .arg(d->value(QStringLiteral("time")).toString())
            .arg(d->value(QStringLiteral("offset")).toInteger())
            .arg(d->value(QStringLiteral("attempt")).toInt())
            .arg(status > 0 ? QStringLiteral("HTTP %1").arg(status) : QStringLiteral("—"))
            .arg(d->value(QStringLiteral("latencyMs")).toInteger())
            .arg(d->value(QStringLiteral("error")).toString())
            .trimmed();
    default:
        return {};
    }
}

QHash<int, QByteArray> DeliveriesModel::roleNames() const
{
    return {{TimeRole, "time"},           {OffsetRole, "offset"},     {AttemptRole, "attempt"},
            {StatusRole, "status"},       {LatencyRole, "latencyMs"}, {SucceededRole, "succeeded"},
            {ErrorRole, "deliveryError"}, {SummaryRole, "summary"}};
}

void DeliveriesModel::setWebhookId(const QString &id)
{
    if (id == m_webhookId)
        return;
    m_webhookId = id;
    Q_EMIT webhookIdChanged();
}

} // namespace Meshdeck::Console
