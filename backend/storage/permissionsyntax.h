#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The text form of a document permission, Appwrite style: `read("any")`, `update("users")`,
// `delete("user:ID")`, `read("team:ID")`, `read("team:ID/ROLE")`. Parsed strictly (no spaces, no
// other quotes, no unknown action or role), so what is stored is always what print() gives back.
// Qt Core only: the fuzz target builds it on its own.
namespace Meshdeck::Storage::DocumentPermissions {

enum class Action { Read, Update, Delete };
QString actionName(Action action);
std::optional<Action> actionFromName(QStringView name);
inline constexpr Action AllActions[] = {Action::Read, Action::Update, Action::Delete};

// An identifier inside a role (a user or team id, a team role): 1 to 64 characters of A-Z, a-z,
// 0-9, '.', '_' and '-'.
constexpr qsizetype MaxIdLength = 64;
bool isValidRole(QStringView role);

struct Permission {
    Action action = Action::Read;
    QString role; // "any", "users", "user:ID", "team:ID", "team:ID/ROLE"

    bool operator==(const Permission &other) const = default;
};

// A permission, or why the text is not one (a sentence a person can act on).
struct Parsed {
    std::optional<Permission> permission;
    QString reason;
};
Parsed parse(QStringView text);
QString print(const Permission &permission);
QStringList print(const QList<Permission> &permissions);

} // namespace Meshdeck::Storage::DocumentPermissions
