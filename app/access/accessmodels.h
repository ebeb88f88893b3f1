#pragma once

#include "common/jsonlistmodel.h"

#include <QSet>

namespace Meshdeck::Console {

// Times as the backend sends them (ISO 8601 UTC) in the person's locale and time zone; `never`
// when the field is null or missing.
QString localTime(const QJsonValue &iso, const QString &never = {});

// The users of the attached backend, as GET /v1/auth/users answered for the filters chosen.
class UsersModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.users")
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        EmailRole,
        NameRole,
        UserRoleRole, // the console role: admin, developer, support, user
        StatusRole,
        ActiveRole,
        LastSignInRole,
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    Q_INVOKABLE int indexOf(const QString &id) const;
    // One changed user (PATCH answered it) replaces its row.
    void update(const QJsonObject &user);
};

// Signed-in devices of one user.
class SessionsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.sessions")
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        AddressRole,
        UserAgentRole,
        CreatedRole,
        LastUsedRole,
        ExpiresRole,
        CurrentRole
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
};

// API keys: never the key itself (the backend keeps only its hash), only its prefix.
class ApiKeysModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.keys")
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        NameRole,
        PrefixRole,
        ScopesRole, // "events.read, registry.read"
        ExpiresRole,
        LastUsedRole, // "2026-11-30 04:00 from 10.0.0.7" or "Never used"
        RevokedRole,
        StateRole, // "Active", "Revoked 2026-…", "Expired 2026-…"
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    Q_INVOKABLE int indexOf(const QString &id) const;
    // A new key goes first (the list is newest first); a revoked one is replaced.
    void insertFirst(const QJsonObject &key);
    void update(const QJsonObject &key);
    QString nameOf(const QString &id) const;
};

class TeamsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.teams")
public:
    enum Role { IdRole = Qt::UserRole + 1, NameRole, MemberCountRole, CreatedRole };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    Q_INVOKABLE int indexOf(const QString &id) const;
    void add(const QJsonObject &team) { appendRow(team); }
};

class MembershipsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.memberships")
public:
    enum Role { IdRole = Qt::UserRole + 1, UserIdRole, EmailRole, NameRole, RolesRole, JoinedRole };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    void add(const QJsonObject &membership) { appendRow(membership); }
};

// The permission catalogue (GET /v1/access/permissions): the simulator's actions and the API
// key's scope picker. `held` says whether the signed-in principal holds it: nobody grants a
// scope they do not hold, so the picker does not offer it.
class PermissionsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.permissions")
    Q_PROPERTY(int selectedCount READ selectedCount NOTIFY selectionChanged)
public:
    enum Role { NameRole = Qt::UserRole + 1, DescriptionRole, HeldRole, SelectedRole };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setHeld(const QSet<QString> &held);
    Q_INVOKABLE void setSelected(int row, bool selected);
    Q_INVOKABLE void clearSelection();
    // In catalogue order.
    QStringList selectedNames() const;
    int selectedCount() const { return int(m_selected.size()); }
    Q_INVOKABLE int indexOf(const QString &name) const;

Q_SIGNALS:
    void selectionChanged();

private:
    QSet<QString> m_held;
    QSet<QString> m_selected;
};

// The reasons of the simulator's Decision, in the order the backend checked them.
class ReasonsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.reasons")
public:
    enum Role { RuleRole = Qt::UserRole + 1, PassedRole, DetailRole };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
};

// Who the simulator can ask about: the admin token, the users and the API keys listed.
class PrincipalsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use AccessController.principals")
public:
    enum Role { ValueRole = Qt::UserRole + 1, LabelRole };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    // value: "admin-token", "user:ID" or "key:ID".
    void rebuild(const QList<QJsonObject> &users, const QList<QJsonObject> &keys);
};

} // namespace Meshdeck::Console
