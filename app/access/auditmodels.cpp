#include "auditmodels.h"

#include "accessmodels.h"

#include <QJsonDocument>

namespace Meshdeck::Console {

namespace {
QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool present(const QJsonValue &v)
{
    return !v.isNull() && !v.isUndefined();
}

QString text(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::String:
        return v.toString(); // read as text; a change of type still shows as "changed"
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    default:
        return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
            .mid(1)
            .chopped(1);
    }
}

void compareInto(const QString &path, const QJsonValue &before, const QJsonValue &after,
                 QList<AuditDiffModel::Line> &out)
{
    if (before.isObject() && after.isObject()) {
        const QJsonObject b = before.toObject();
        const QJsonObject a = after.toObject();
        QStringList keys = b.keys();
        for (const QString &k : a.keys()) {
            if (!b.contains(k))
                keys << k;
        }
        keys.sort();
        for (const QString &k : std::as_const(keys))
            compareInto(path.isEmpty() ? k : path + QLatin1Char('.') + k, b.value(k), a.value(k), out);
        return;
    }
    QString change;
    if (before.isUndefined())
        change = QStringLiteral("added");
    else if (after.isUndefined())
        change = QStringLiteral("removed");
    else
        change = before == after ? QStringLiteral("same") : QStringLiteral("changed");
    out.append({path.isEmpty() ? QStringLiteral("(value)") : path, text(before), text(after), change});
}
} // namespace

// Audit log

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject *r = &m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return str(*r, "id");
    case TimeRole:
        return localTime(r->value(QStringLiteral("time")));
    case ActorRole: {
        const QString name = str(*r, "actorName");
        return name.isEmpty() ? str(*r, "actor") : name;
    }
    case Qt::DisplayRole:
    case ActionRole:
        return str(*r, "action");
    case ResourceRole:
        return str(*r, "resource");
    case OutcomeRole:
        return str(*r, "outcome");
    case StatusRole:
        return r->value(QStringLiteral("status")).toInt();
    case RequestRole: {
        const QString method = str(*r, "method");
        return method.isEmpty() ? str(*r, "path") : method + QLatin1Char(' ') + str(*r, "path");
    }
    case SourceRole:
        return str(*r, "source");
    case RequestIdRole:
        return str(*r, "requestId");
    case DetailRole:
        return r->value(QStringLiteral("detail")).isString() ? str(*r, "detail")
                                                             : text(r->value(QStringLiteral("detail")));
    case HasChangesRole:
        return present(r->value(QStringLiteral("before"))) || present(r->value(QStringLiteral("after")));
    default:
        return {};
    }
}

QHash<int, QByteArray> AuditLogModel::roleNames() const
{
    return {{IdRole, "recordId"},         {TimeRole, "time"},         {ActorRole, "actor"},
            {ActionRole, "auditAction"},  {ResourceRole, "resource"}, {OutcomeRole, "outcome"},
            {StatusRole, "status"},       {RequestRole, "request"},   {SourceRole, "source"},
            {RequestIdRole, "requestId"}, {DetailRole, "detail"},     {HasChangesRole, "hasChanges"}};
}

int AuditLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

void AuditLogModel::setRows(const QList<QJsonObject> &records)
{
    beginResetModel();
    m_rows.clear();
    for (const QJsonObject &r : records) {
        if (indexOf(str(r, "id")) < 0)
            m_rows.append(r);
    }
    endResetModel();
    setError({});
}

void AuditLogModel::fail(const QString &error)
{
    if (!m_rows.isEmpty()) {
        beginResetModel();
        m_rows.clear();
        endResetModel();
    }
    setError(error);
}

void AuditLogModel::appendPage(const QList<QJsonObject> &records)
{
    QList<QJsonObject> fresh;
    for (const QJsonObject &r : records) {
        const QString id = str(r, "id");
        if (indexOf(id) < 0 && std::none_of(fresh.cbegin(), fresh.cend(),
                                            [&id](const QJsonObject &f) { return str(f, "id") == id; }))
            fresh.append(r);
    }
    if (!fresh.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size()) - 1);
        m_rows.append(fresh);
        endInsertRows();
    }
    setError({});
}

bool AuditLogModel::prepend(const QJsonObject &record)
{
    if (indexOf(str(record, "id")) >= 0)
        return false;
    beginInsertRows({}, 0, 0);
    m_rows.prepend(record);
    endInsertRows();
    return true;
}

QJsonObject AuditLogModel::record(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : QJsonObject();
}

int AuditLogModel::indexOf(const QString &id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (str(m_rows.at(i), "id") == id)
            return i;
    }
    return -1;
}

// Diff

int AuditDiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant AuditDiffModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &line = m_lines.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PathRole:
        return line.path;
    case BeforeRole:
        return line.before;
    case AfterRole:
        return line.after;
    case ChangeRole:
        return line.change;
    default:
        return {};
    }
}

QHash<int, QByteArray> AuditDiffModel::roleNames() const
{
    return {{PathRole, "path"}, {BeforeRole, "before"}, {AfterRole, "after"}, {ChangeRole, "change"}};
}

void AuditDiffModel::setRecord(const QJsonObject &record)
{
    beginResetModel();
    m_lines.clear();
    const QJsonValue before = record.value(QStringLiteral("before"));
    const QJsonValue after = record.value(QStringLiteral("after"));
    if (present(before) || present(after))
        m_lines = compare(present(before) ? before : QJsonValue(QJsonValue::Undefined),
                          present(after) ? after : QJsonValue(QJsonValue::Undefined));
    endResetModel();
}

void AuditDiffModel::clear()
{
    beginResetModel();
    m_lines.clear();
    endResetModel();
}

QList<AuditDiffModel::Line> AuditDiffModel::compare(const QJsonValue &before, const QJsonValue &after)
{
    QList<Line> out;
    // A record that created something has no before: each field of the after is "added"; one that
    // deleted something has no after: each field of the before is "removed".
    if (before.isUndefined() && after.isObject()) {
        compareInto({}, QJsonObject(), after, out);
        return out;
    }
    if (after.isUndefined() && before.isObject()) {
        compareInto({}, before, QJsonObject(), out);
        return out;
    }
    compareInto({}, before, after, out);
    return out;
}

} // namespace Meshdeck::Console
