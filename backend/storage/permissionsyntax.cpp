#include "permissionsyntax.h"

namespace Meshdeck::Storage::DocumentPermissions {

namespace {

bool isIdChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'.' ||
           c == u'_' || c == u'-';
}

bool isValidId(QStringView id)
{
    if (id.isEmpty() || id.size() > MaxIdLength)
        return false;
    for (QChar c : id) {
        if (!isIdChar(c))
            return false;
    }
    return true;
}

const QString Grammar = QStringLiteral(
    "Write a permission as read(\"ROLE\"), update(\"ROLE\") or delete(\"ROLE\"), where ROLE is any, users, "
    "user:ID, team:ID or team:ID/ROLE (IDs: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-').");

Parsed refuse(const QString &why)
{
    return Parsed{std::nullopt, why + QLatin1Char(' ') + Grammar};
}

} // namespace

QString actionName(Action action)
{
    switch (action) {
    case Action::Update:
        return QStringLiteral("update");
    case Action::Delete:
        return QStringLiteral("delete");
    case Action::Read:
        break;
    }
    return QStringLiteral("read");
}

std::optional<Action> actionFromName(QStringView name)
{
    for (Action action : AllActions) {
        if (name == actionName(action))
            return action;
    }
    return std::nullopt;
}

bool isValidRole(QStringView role)
{
    if (role == u"any" || role == u"users")
        return true;
    if (role.startsWith(u"user:"))
        return isValidId(role.sliced(5));
    if (role.startsWith(u"team:")) {
        const QStringView rest = role.sliced(5);
        const qsizetype slash = rest.indexOf(u'/');
        if (slash < 0)
            return isValidId(rest);
        return isValidId(rest.first(slash)) && isValidId(rest.sliced(slash + 1));
    }
    return false;
}

Parsed parse(QStringView text)
{
    const qsizetype open = text.indexOf(u'(');
    if (open < 0)
        return refuse(QStringLiteral("'%1' has no '('.").arg(text.left(80)));
    const QStringView action = text.first(open);
    const std::optional<Action> parsedAction = actionFromName(action);
    if (!parsedAction)
        return refuse(
            QStringLiteral("'%1' is not an action; use read, update or delete.").arg(action.left(80)));
    const QStringView rest = text.sliced(open + 1);
    if (rest.size() < 3 || !rest.startsWith(u'"') || !rest.endsWith(u"\")"))
        return refuse(
            QStringLiteral("The role in '%1' must be in double quotes, closed by '\")'.").arg(text.left(80)));
    const QStringView role = rest.sliced(1, rest.size() - 3);
    if (!isValidRole(role))
        return refuse(QStringLiteral("'%1' is not a role.").arg(role.left(80)));
    return Parsed{Permission{*parsedAction, role.toString()}, {}};
}

QString print(const Permission &permission)
{
    return QStringLiteral("%1(\"%2\")").arg(actionName(permission.action), permission.role);
}

QStringList print(const QList<Permission> &permissions)
{
    QStringList out;
    out.reserve(permissions.size());
    for (const Permission &p : permissions)
        out << print(p);
    return out;
}

} // namespace Meshdeck::Storage::DocumentPermissions
