#include "accessmodels.h"

#include <QDateTime>
#include <QLocale>

namespace Meshdeck::Console {

namespace {
QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

int indexById(const QList<QJsonObject> &rows, const QString &id)
{
    for (int i = 0; i < rows.size(); ++i) {
        if (str(rows.at(i), "id") == id)
            return i;
    }
    return -1;
}

QString joined(const QJsonValue &array)
{
    return array.toVariant().toStringList().join(QStringLiteral(", "));
}
} // namespace

QString localTime(const QJsonValue &iso, const QString &never)
{
    const QDateTime time = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs);
    if (!time.isValid())
        return never;
    return QLocale().toString(time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

// Users

QVariant UsersModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *u = rowAt(index);
    if (!u)
        return {};
    switch (role) {
    case IdRole:
        return str(*u, "id");
    case Qt::DisplayRole:
    case EmailRole:
        return str(*u, "email");
    case NameRole:
        return str(*u, "name");
    case UserRoleRole:
        return str(*u, "role");
    case StatusRole:
        return str(*u, "status");
    case ActiveRole:
        return str(*u, "status") == QLatin1String("active");
    case LastSignInRole:
        return localTime(u->value(QStringLiteral("lastSignInAt")), tr("Never signed in"));
    default:
        return {};
    }
}

QHash<int, QByteArray> UsersModel::roleNames() const
{
    return {{IdRole, "userId"},
            {EmailRole, "email"},
            {NameRole, "name"},
            {UserRoleRole, "role"},
            {StatusRole, "status"},
            {ActiveRole, "active"},
            {LastSignInRole, "lastSignIn"}};
}

int UsersModel::indexOf(const QString &id) const
{
    return indexById(rows(), id);
}

void UsersModel::update(const QJsonObject &user)
{
    replaceRow(indexOf(str(user, "id")), user);
}

// Sessions

QVariant SessionsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *s = rowAt(index);
    if (!s)
        return {};
    switch (role) {
    case IdRole:
        return str(*s, "id");
    case Qt::DisplayRole:
    case AddressRole:
        return str(*s, "address");
    case UserAgentRole:
        return str(*s, "userAgent");
    case CreatedRole:
        return localTime(s->value(QStringLiteral("createdAt")));
    case LastUsedRole:
        return localTime(s->value(QStringLiteral("lastUsedAt")), tr("Never used"));
    case ExpiresRole:
        return localTime(s->value(QStringLiteral("expiresAt")));
    case CurrentRole:
        return s->value(QStringLiteral("current")).toBool();
    default:
        return {};
    }
}

QHash<int, QByteArray> SessionsModel::roleNames() const
{
    return {{IdRole, "sessionId"},    {AddressRole, "address"},   {UserAgentRole, "userAgent"},
            {CreatedRole, "created"}, {LastUsedRole, "lastUsed"}, {ExpiresRole, "expires"},
            {CurrentRole, "current"}};
}

// API keys

QVariant ApiKeysModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *k = rowAt(index);
    if (!k)
        return {};
    const bool revoked = !k->value(QStringLiteral("revokedAt")).isNull() &&
                         !k->value(QStringLiteral("revokedAt")).isUndefined();
    switch (role) {
    case IdRole:
        return str(*k, "id");
    case Qt::DisplayRole:
    case NameRole:
        return str(*k, "name");
    case PrefixRole:
        return str(*k, "prefix");
    case ScopesRole:
        return joined(k->value(QStringLiteral("scopes")));
    case ExpiresRole:
        return localTime(k->value(QStringLiteral("expiresAt")), tr("Never expires"));
    case LastUsedRole: {
        const QString when = localTime(k->value(QStringLiteral("lastUsedAt")));
        if (when.isEmpty())
            return tr("Never used");
        const QString from = str(*k, "lastUsedFrom");
        return from.isEmpty() ? when : tr("%1 from %2").arg(when, from);
    }
    case RevokedRole:
        return revoked;
    case StateRole: {
        if (revoked)
            return tr("Revoked %1").arg(localTime(k->value(QStringLiteral("revokedAt"))));
        const QDateTime expires = QDateTime::fromString(str(*k, "expiresAt"), Qt::ISODateWithMs);
        if (expires.isValid() && expires < QDateTime::currentDateTimeUtc())
            return tr("Expired %1").arg(localTime(k->value(QStringLiteral("expiresAt"))));
        return tr("Active");
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> ApiKeysModel::roleNames() const
{
    return {{IdRole, "keyId"},        {NameRole, "name"},       {PrefixRole, "prefix"},
            {ScopesRole, "scopes"},   {ExpiresRole, "expires"}, {LastUsedRole, "lastUsed"},
            {RevokedRole, "revoked"}, {StateRole, "stateText"}};
}

int ApiKeysModel::indexOf(const QString &id) const
{
    return indexById(rows(), id);
}

void ApiKeysModel::insertFirst(const QJsonObject &key)
{
    QList<QJsonObject> all = rows();
    all.prepend(key);
    const QString error = this->error();
    setRows(all);
    setError(error);
}

void ApiKeysModel::update(const QJsonObject &key)
{
    replaceRow(indexOf(str(key, "id")), key);
}

QString ApiKeysModel::nameOf(const QString &id) const
{
    const int row = indexOf(id);
    return row < 0 ? QString() : str(rows().at(row), "name");
}

// Teams

QVariant TeamsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *t = rowAt(index);
    if (!t)
        return {};
    switch (role) {
    case IdRole:
        return str(*t, "id");
    case Qt::DisplayRole:
    case NameRole:
        return str(*t, "name");
    case MemberCountRole:
        return t->value(QStringLiteral("memberCount")).toInt();
    case CreatedRole:
        return localTime(t->value(QStringLiteral("createdAt")));
    default:
        return {};
    }
}

QHash<int, QByteArray> TeamsModel::roleNames() const
{
    return {
        {IdRole, "teamId"}, {NameRole, "name"}, {MemberCountRole, "memberCount"}, {CreatedRole, "created"}};
}

int TeamsModel::indexOf(const QString &id) const
{
    return indexById(rows(), id);
}

// Memberships

QVariant MembershipsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *m = rowAt(index);
    if (!m)
        return {};
    switch (role) {
    case IdRole:
        return str(*m, "id");
    case UserIdRole:
        return str(*m, "userId");
    case Qt::DisplayRole:
    case EmailRole:
        return str(*m, "email");
    case NameRole:
        return str(*m, "name");
    case RolesRole:
        return joined(m->value(QStringLiteral("roles")));
    case JoinedRole:
        return localTime(m->value(QStringLiteral("joinedAt")));
    default:
        return {};
    }
}

QHash<int, QByteArray> MembershipsModel::roleNames() const
{
    return {{IdRole, "membershipId"}, {UserIdRole, "userId"}, {EmailRole, "email"},
            {NameRole, "name"},       {RolesRole, "roles"},   {JoinedRole, "joined"}};
}

// Permissions

QVariant PermissionsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *p = rowAt(index);
    if (!p)
        return {};
    const QString name = str(*p, "name");
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return name;
    case DescriptionRole:
        return str(*p, "description");
    case HeldRole:
        return m_held.contains(name);
    case SelectedRole:
        return m_selected.contains(name);
    default:
        return {};
    }
}

QHash<int, QByteArray> PermissionsModel::roleNames() const
{
    return {
        {NameRole, "name"}, {DescriptionRole, "description"}, {HeldRole, "held"}, {SelectedRole, "selected"}};
}

void PermissionsModel::setHeld(const QSet<QString> &held)
{
    m_held = held;
    // What is no longer held cannot stay picked.
    const qsizetype before = m_selected.size();
    m_selected.intersect(held);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), {HeldRole, SelectedRole});
    if (before != m_selected.size())
        Q_EMIT selectionChanged();
}

void PermissionsModel::setSelected(int row, bool selected)
{
    if (row < 0 || row >= rowCount())
        return;
    const QString name = str(rows().at(row), "name");
    if (selected && !m_held.contains(name))
        return;
    if (selected == m_selected.contains(name))
        return;
    if (selected)
        m_selected.insert(name);
    else
        m_selected.remove(name);
    Q_EMIT dataChanged(index(row), index(row), {SelectedRole});
    Q_EMIT selectionChanged();
}

void PermissionsModel::clearSelection()
{
    if (m_selected.isEmpty())
        return;
    m_selected.clear();
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), {SelectedRole});
    Q_EMIT selectionChanged();
}

QStringList PermissionsModel::selectedNames() const
{
    QStringList out;
    for (const QJsonObject &p : rows()) {
        if (m_selected.contains(str(p, "name")))
            out << str(p, "name");
    }
    return out;
}

int PermissionsModel::indexOf(const QString &name) const
{
    for (int i = 0; i < rows().size(); ++i) {
        if (str(rows().at(i), "name") == name)
            return i;
    }
    return -1;
}

// Reasons

QVariant ReasonsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *r = rowAt(index);
    if (!r)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case RuleRole:
        return str(*r, "rule");
    case PassedRole:
        return r->value(QStringLiteral("passed")).toBool();
    case DetailRole:
        return str(*r, "detail");
    default:
        return {};
    }
}

QHash<int, QByteArray> ReasonsModel::roleNames() const
{
    return {{RuleRole, "rule"}, {PassedRole, "passed"}, {DetailRole, "detail"}};
}

// Principals

QVariant PrincipalsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *p = rowAt(index);
    if (!p)
        return {};
    switch (role) {
    case ValueRole:
        return str(*p, "value");
    case Qt::DisplayRole:
    case LabelRole:
        return str(*p, "label");
    default:
        return {};
    }
}

QHash<int, QByteArray> PrincipalsModel::roleNames() const
{
    return {{ValueRole, "value"}, {LabelRole, "label"}};
}

void PrincipalsModel::rebuild(const QList<QJsonObject> &users, const QList<QJsonObject> &keys)
{
    QList<QJsonObject> out{{{QStringLiteral("value"), QStringLiteral("admin-token")},
                            {QStringLiteral("label"), tr("The admin token")}}};
    for (const QJsonObject &u : users)
        out << QJsonObject{
            {QStringLiteral("value"), QStringLiteral("user:") + str(u, "id")},
            {QStringLiteral("label"), tr("User %1 (%2)").arg(str(u, "email"), str(u, "role"))}};
    for (const QJsonObject &k : keys) {
        if (!k.value(QStringLiteral("revokedAt")).isNull() &&
            !k.value(QStringLiteral("revokedAt")).isUndefined())
            continue;
        out << QJsonObject{
            {QStringLiteral("value"), QStringLiteral("key:") + str(k, "id")},
            {QStringLiteral("label"), tr("API key %1 (%2…)").arg(str(k, "name"), str(k, "prefix"))}};
    }
    setRows(out);
}

} // namespace Meshdeck::Console
