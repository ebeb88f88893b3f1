#include "instancesmodel.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace Meshdeck::Console {

namespace {
qint64 msOf(const QJsonObject &o, const char *key)
{
    return msSinceEpoch(o.value(QLatin1String(key)).toString());
}

QString tagsOf(const QJsonObject &o)
{
    QStringList tags;
    for (const QJsonValue &t : o.value(QStringLiteral("tags")).toArray())
        tags << t.toString();
    return tags.join(QStringLiteral(", "));
}

QString checkOf(const QJsonObject &o)
{
    const QJsonObject c = o.value(QStringLiteral("check")).toObject();
    if (c.contains(QStringLiteral("http")))
        return QStringLiteral("HTTP %1 / %2 s")
            .arg(c.value(QStringLiteral("http")).toString())
            .arg(c.value(QStringLiteral("intervalMs")).toInt() / 1000.0);
    if (c.contains(QStringLiteral("tcp")))
        return QStringLiteral("TCP / %1 s").arg(c.value(QStringLiteral("intervalMs")).toInt() / 1000.0);
    return QStringLiteral("TTL %1 s").arg(c.value(QStringLiteral("ttlMs")).toInt() / 1000.0);
}
} // namespace

QString endpointOf(const QJsonObject &instance)
{
    const QString address = instance.value(QStringLiteral("address")).toString();
    const QString host =
        address.contains(QLatin1Char(':')) ? QLatin1Char('[') + address + QLatin1Char(']') : address;
    return QStringLiteral("%1:%2").arg(host).arg(instance.value(QStringLiteral("port")).toInt());
}

qint64 msSinceEpoch(const QString &iso)
{
    return iso.isEmpty() ? 0 : QDateTime::fromString(iso, Qt::ISODateWithMs).toMSecsSinceEpoch();
}

int InstancesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant InstancesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject i = m_all.value(m_rows[index.row()]);
    switch (role) {
    case Qt::DisplayRole:
    case EndpointRole:
        return endpointOf(i);
    case IdRole:
        return i.value(QStringLiteral("id")).toString();
    case ServiceRole:
        return i.value(QStringLiteral("service")).toString();
    case AddressRole:
        return i.value(QStringLiteral("address")).toString();
    case VersionRole:
        return i.value(QStringLiteral("version")).toString();
    case WeightRole:
        return i.value(QStringLiteral("weight")).toInt();
    case StatusRole:
        return i.value(QStringLiteral("status")).toString();
    case TagsRole:
        return tagsOf(i);
    case CheckRole:
        return checkOf(i);
    case LastOutputRole:
        return i.value(QStringLiteral("lastOutput")).toString();
    case LastLatencyRole:
        return i.value(QStringLiteral("lastLatencyMs")).toInt(-1);
    case LastSeenRole:
        return std::max(msOf(i, "lastHeartbeatAt"), msOf(i, "lastCheckAt"));
    case StatusSinceRole:
        return msOf(i, "statusSince");
    case RegisteredAtRole:
        return msOf(i, "registeredAt");
    case BuiltinRole:
        return i.value(QStringLiteral("builtin")).toBool();
    default:
        return {};
    }
}

QHash<int, QByteArray> InstancesModel::roleNames() const
{
    return {{IdRole, "instanceId"},
            {ServiceRole, "service"},
            {AddressRole, "address"},
            {EndpointRole, "endpoint"},
            {VersionRole, "version"},
            {WeightRole, "weight"},
            {StatusRole, "status"},
            {TagsRole, "tags"},
            {CheckRole, "check"},
            {LastOutputRole, "lastOutput"},
            {LastLatencyRole, "lastLatencyMs"},
            {LastSeenRole, "lastSeen"},
            {StatusSinceRole, "statusSince"},
            {RegisteredAtRole, "registeredAt"},
            {BuiltinRole, "builtin"}};
}

bool InstancesModel::matches(const QJsonObject &i) const
{
    if (!m_service.isEmpty() && i.value(QStringLiteral("service")).toString() != m_service)
        return false;
    if (!m_status.isEmpty() && i.value(QStringLiteral("status")).toString() != m_status)
        return false;
    if (m_text.isEmpty())
        return true;
    const QString haystack =
        QStringList{i.value(QStringLiteral("id")).toString(), i.value(QStringLiteral("service")).toString(),
                    i.value(QStringLiteral("address")).toString() + QLatin1Char(':') +
                        QString::number(i.value(QStringLiteral("port")).toInt()),
                    i.value(QStringLiteral("version")).toString(), tagsOf(i)}
            .join(QLatin1Char(' '));
    return haystack.contains(m_text, Qt::CaseInsensitive);
}

QStringList InstancesModel::visibleIds() const
{
    QList<const QJsonObject *> shown;
    for (const QJsonObject &i : m_all) {
        if (matches(i))
            shown << &i;
    }
    std::sort(shown.begin(), shown.end(), [](const QJsonObject *a, const QJsonObject *b) {
        const auto key = [](const QJsonObject *o) {
            return std::make_tuple(o->value(QStringLiteral("service")).toString(),
                                   o->value(QStringLiteral("address")).toString(),
                                   o->value(QStringLiteral("port")).toInt());
        };
        return key(a) < key(b);
    });
    QStringList ids;
    ids.reserve(shown.size());
    for (const QJsonObject *o : shown)
        ids << o->value(QStringLiteral("id")).toString();
    return ids;
}

void InstancesModel::refreshRows(const QStringList &changed)
{
    const QStringList next = visibleIds();
    if (next == m_rows) {
        for (const QString &id : changed) {
            const int row = int(m_rows.indexOf(id));
            if (row >= 0)
                Q_EMIT dataChanged(index(row), index(row));
        }
        return;
    }
    beginResetModel();
    m_rows = next;
    endResetModel();
    Q_EMIT countChanged();
}

void InstancesModel::reset(const QList<QJsonObject> &instances)
{
    beginResetModel();
    m_all.clear();
    for (const QJsonObject &i : instances)
        m_all.insert(i.value(QStringLiteral("id")).toString(), i);
    m_rows = visibleIds();
    endResetModel();
    Q_EMIT countChanged();
}

void InstancesModel::upsert(const QJsonObject &instance)
{
    const QString id = instance.value(QStringLiteral("id")).toString();
    if (id.isEmpty())
        return;
    const bool added = !m_all.contains(id);
    m_all.insert(id, instance);
    refreshRows({id});
    if (added)
        Q_EMIT countChanged();
}

void InstancesModel::remove(const QString &id)
{
    if (!m_all.remove(id))
        return;
    refreshRows({});
    Q_EMIT countChanged();
}

void InstancesModel::applyChecks(const QList<QJsonObject> &checks)
{
    QStringList changed;
    for (const QJsonObject &c : checks) {
        const QString id = c.value(QStringLiteral("id")).toString();
        const auto it = m_all.find(id);
        if (it == m_all.end())
            continue;
        for (auto field = c.begin(); field != c.end(); ++field)
            it->insert(field.key(), field.value());
        changed << id;
    }
    if (!changed.isEmpty())
        refreshRows(changed);
}

void InstancesModel::setFilter(const QString &service, const QString &status, const QString &text)
{
    if (service == m_service && status == m_status && text == m_text)
        return;
    m_service = service;
    m_status = status;
    m_text = text.trimmed();
    refreshRows({});
}

} // namespace Meshdeck::Console
