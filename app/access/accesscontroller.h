#pragma once

#include "accessmodels.h"
#include "auditmodels.h"
#include "common/choicesmodel.h"

#include <QJsonObject>
#include <QObject>
#include <QQmlEngine>
#include <QVariantMap>

#include <QCoroTask>

namespace Meshdeck::Console {

class ApiClient;
class RealtimeClient;

// The Access page: users and their sessions, teams and memberships, API keys, the permission
// simulator and the audit log of the attached backend. What the signed-in principal may not do is
// not offered: `grants` is the Me document's (GET /v1/auth/me) map of permission → "full" or
// "documents", and can() reads it. Every list is a model with its own `loading` and `error`.
// A created API key or invitation token is handed out once, in keyCreated() and
// invitationCreated(), and kept nowhere.
class AccessController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool meLoaded READ isMeLoaded NOTIFY meChanged)
    Q_PROPERTY(QString meError READ meError NOTIFY meChanged)
    Q_PROPERTY(QVariantMap grants READ grants NOTIFY meChanged)
    Q_PROPERTY(QString principalKind READ principalKind NOTIFY meChanged)
    Q_PROPERTY(QString principalRole READ principalRole NOTIFY meChanged)
    Q_PROPERTY(QString principalName READ principalName NOTIFY meChanged)
    Q_PROPERTY(Meshdeck::Console::UsersModel *users READ users CONSTANT)
    Q_PROPERTY(QString userSearch READ userSearch WRITE setUserSearch NOTIFY userFilterChanged)
    Q_PROPERTY(QString userRoleFilter READ userRoleFilter WRITE setUserRoleFilter NOTIFY userFilterChanged)
    Q_PROPERTY(
        QString userStatusFilter READ userStatusFilter WRITE setUserStatusFilter NOTIFY userFilterChanged)
    Q_PROPERTY(QString selectedUser READ selectedUser NOTIFY selectedUserChanged)
    Q_PROPERTY(Meshdeck::Console::SessionsModel *sessions READ sessions CONSTANT)
    Q_PROPERTY(Meshdeck::Console::TeamsModel *teams READ teams CONSTANT)
    Q_PROPERTY(QString selectedTeam READ selectedTeam NOTIFY selectedTeamChanged)
    Q_PROPERTY(Meshdeck::Console::MembershipsModel *memberships READ memberships CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ApiKeysModel *keys READ keys CONSTANT)
    Q_PROPERTY(Meshdeck::Console::PermissionsModel *permissions READ permissions CONSTANT)
    Q_PROPERTY(Meshdeck::Console::PrincipalsModel *principals READ principals CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ReasonsModel *reasons READ reasons CONSTANT)
    Q_PROPERTY(QString verdict READ verdict NOTIFY decisionChanged)
    Q_PROPERTY(QString verdictGrant READ verdictGrant NOTIFY decisionChanged)
    Q_PROPERTY(QString simulateError READ simulateError NOTIFY decisionChanged)
    Q_PROPERTY(bool simulating READ isSimulating NOTIFY decisionChanged)
    Q_PROPERTY(Meshdeck::Console::AuditLogModel *audit READ audit CONSTANT)
    Q_PROPERTY(Meshdeck::Console::AuditDiffModel *auditDiff READ auditDiff CONSTANT)
    Q_PROPERTY(bool auditHasMore READ auditHasMore NOTIFY auditPagingChanged)
    Q_PROPERTY(bool followAudit READ followAudit WRITE setFollowAudit NOTIFY followAuditChanged)
    Q_PROPERTY(QString followError READ followError NOTIFY followAuditChanged)
    Q_PROPERTY(QString selectedAuditRecord READ selectedAuditRecord NOTIFY selectedAuditRecordChanged)
    Q_PROPERTY(QVariantMap auditRecord READ auditRecord NOTIFY selectedAuditRecordChanged)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *roleChoices READ roleChoices CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *roleFilterChoices READ roleFilterChoices CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *statusFilterChoices READ statusFilterChoices CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *outcomeChoices READ outcomeChoices CONSTANT)
    Q_PROPERTY(Meshdeck::Console::ChoicesModel *expiryChoices READ expiryChoices CONSTANT)
public:
    static constexpr int AuditPageSize = 50;

    AccessController(ApiClient *api, RealtimeClient *realtime, QObject *parent = nullptr);
    // QML's singleton: the one belonging to the Console (made on first use, a child of it).
    static AccessController *create(QQmlEngine *engine, QJSEngine *);

    bool isMeLoaded() const { return m_meLoaded; }
    QString meError() const { return m_meError; }
    QVariantMap grants() const { return m_grants; }
    QString principalKind() const { return m_me.value(QStringLiteral("kind")).toString(); }
    QString principalRole() const { return m_me.value(QStringLiteral("role")).toString(); }
    QString principalName() const;
    // Whether the signed-in principal holds `permission` (fully or through document permissions).
    Q_INVOKABLE bool can(const QString &permission) const { return m_grants.contains(permission); }

    UsersModel *users() { return &m_users; }
    QString userSearch() const { return m_userSearch; }
    void setUserSearch(const QString &text);
    QString userRoleFilter() const { return m_userRole; }
    void setUserRoleFilter(const QString &role);
    QString userStatusFilter() const { return m_userStatus; }
    void setUserStatusFilter(const QString &status);
    QString selectedUser() const { return m_selectedUser; }
    SessionsModel *sessions() { return &m_sessions; }
    TeamsModel *teams() { return &m_teams; }
    QString selectedTeam() const { return m_selectedTeam; }
    MembershipsModel *memberships() { return &m_memberships; }
    ApiKeysModel *keys() { return &m_keys; }
    PermissionsModel *permissions() { return &m_permissions; }
    PrincipalsModel *principals() { return &m_principals; }
    ReasonsModel *reasons() { return &m_reasons; }
    QString verdict() const { return m_verdict; }
    QString verdictGrant() const { return m_verdictGrant; }
    QString simulateError() const { return m_simulateError; }
    bool isSimulating() const { return m_simulating; }
    AuditLogModel *audit() { return &m_audit; }
    AuditDiffModel *auditDiff() { return &m_auditDiff; }
    bool auditHasMore() const { return !m_auditCursor.isEmpty(); }
    bool followAudit() const { return m_follow; }
    void setFollowAudit(bool follow);
    QString followError() const { return m_followError; }
    QString selectedAuditRecord() const { return m_selectedAudit; }
    QVariantMap auditRecord() const;
    ChoicesModel *roleChoices() { return &m_roleChoices; }
    ChoicesModel *roleFilterChoices() { return &m_roleFilterChoices; }
    ChoicesModel *statusFilterChoices() { return &m_statusFilterChoices; }
    ChoicesModel *outcomeChoices() { return &m_outcomeChoices; }
    ChoicesModel *expiryChoices() { return &m_expiryChoices; }

    // Reads the Me document, then loads what it may read; called once connected.
    void start();
    // Another backend is being attached: everything of the previous one goes at once, and replies
    // still in flight from it are dropped.
    void reset();
    // F5: the Me document and every list again.
    Q_INVOKABLE void refresh();

    Q_INVOKABLE void refreshUsers();
    Q_INVOKABLE void createUser(const QString &email, const QString &name, const QString &password,
                                const QString &role);
    Q_INVOKABLE void setUserStatus(const QString &userId, bool active);
    Q_INVOKABLE void setUserRole(const QString &userId, const QString &role);
    Q_INVOKABLE void resetPassword(const QString &userId, const QString &password);
    Q_INVOKABLE void selectUser(const QString &userId);
    Q_INVOKABLE void revokeSession(const QString &sessionId);
    Q_INVOKABLE void revokeAllSessions();

    Q_INVOKABLE void refreshTeams();
    Q_INVOKABLE void createTeam(const QString &name);
    Q_INVOKABLE void selectTeam(const QString &teamId);
    // roles: comma-separated team roles ("member", "owner, deployer").
    Q_INVOKABLE void addMember(const QString &userId, const QString &roles);
    Q_INVOKABLE void removeMember(const QString &membershipId);
    Q_INVOKABLE void invite(const QString &email, const QString &roles);

    Q_INVOKABLE void refreshKeys();
    // The scopes are the permissions picked in `permissions`; expiresInDays 0: never.
    Q_INVOKABLE void createKey(const QString &name, int expiresInDays);
    Q_INVOKABLE void revokeKey(const QString &keyId);
    Q_INVOKABLE QString keyName(const QString &keyId) const { return m_keys.nameOf(keyId); }

    // principal: "admin-token", "user:ID" or "key:ID" (PrincipalsModel's values).
    Q_INVOKABLE void simulate(const QString &principal, const QString &action, const QString &resource);

    // A new search (first page); from/to are local times "yyyy-MM-dd HH:mm" or dates, may be empty.
    Q_INVOKABLE void searchAudit(const QString &actor, const QString &action, const QString &resource,
                                 const QString &outcome, const QString &from, const QString &to);
    Q_INVOKABLE void loadMoreAudit();
    Q_INVOKABLE void selectAuditRecord(const QString &id);

    // The query string of a search, as sent to GET /v1/audit (for tests and the page's summary).
    static QString auditQuery(const QVariantMap &filters, const QString &cursor, int limit);
    // A local "yyyy-MM-dd HH:mm[:ss]" or "yyyy-MM-dd" as ISO 8601 UTC; empty when it is no time.
    static QString isoFromLocal(const QString &text);

Q_SIGNALS:
    void meChanged();
    void userFilterChanged();
    void selectedUserChanged();
    void selectedTeamChanged();
    void decisionChanged();
    void auditPagingChanged();
    void followAuditChanged();
    void selectedAuditRecordChanged();
    // The outcome of a mutation, in words (the backend's own on failure, e.g. its password policy).
    void actionFinished(bool ok, const QString &message);
    // The new key, once: the backend keeps only its hash, and this controller does not keep it.
    void keyCreated(const QString &key, const QString &name, const QString &prefix);
    void invitationCreated(const QString &token, const QString &email);

private:
    QCoro::Task<void> loadMe();
    QCoro::Task<void> loadPermissions();
    QCoro::Task<void> loadUsers();
    QCoro::Task<void> loadSessions(QString userId);
    QCoro::Task<void> loadTeams();
    QCoro::Task<void> loadMemberships(QString teamId);
    QCoro::Task<void> loadKeys();
    QCoro::Task<void> loadAudit(QString cursor);
    QCoro::Task<void> postUser(QByteArray body);
    QCoro::Task<void> patchUser(QString userId, QByteArray body, QString doneMessage);
    QCoro::Task<void> postPassword(QString userId, QByteArray body);
    QCoro::Task<void> deleteSessions(QString userId, QString path, QString doneMessage);
    QCoro::Task<void> postTeam(QByteArray body);
    QCoro::Task<void> postMember(QString teamId, QByteArray body);
    QCoro::Task<void> deleteMember(QString teamId, QString membershipId);
    QCoro::Task<void> postInvitation(QString teamId, QString email, QByteArray body);
    QCoro::Task<void> postKey(QByteArray body);
    QCoro::Task<void> deleteKey(QString keyId);
    QCoro::Task<void> postSimulate(QByteArray body);
    void loadAllowed();
    void applyFollow();
    void onRealtimeMessage(const QString &channel, const QJsonObject &message);
    bool matchesAuditFilters(const QJsonObject &record) const;
    void rebuildPrincipals();

    ApiClient *m_api;
    RealtimeClient *m_realtime;
    bool m_started = false;
    bool m_meLoaded = false;
    QString m_meError;
    QJsonObject m_me;
    QVariantMap m_grants;
    UsersModel m_users;
    QString m_userSearch;
    QString m_userRole;
    QString m_userStatus;
    QString m_selectedUser;
    SessionsModel m_sessions;
    TeamsModel m_teams;
    QString m_selectedTeam;
    MembershipsModel m_memberships;
    ApiKeysModel m_keys;
    PermissionsModel m_permissions;
    PrincipalsModel m_principals;
    ReasonsModel m_reasons;
    QString m_verdict;
    QString m_verdictGrant;
    QString m_simulateError;
    bool m_simulating = false;
    AuditLogModel m_audit;
    AuditDiffModel m_auditDiff;
    QVariantMap m_auditFilters;
    QString m_auditCursor;
    quint64 m_auditSearch = 0; // bumps with each new search: a page of an older one is dropped
    bool m_follow = true;
    bool m_subscribed = false;
    QString m_followError;
    QString m_selectedAudit;
    ChoicesModel m_roleChoices;
    ChoicesModel m_roleFilterChoices;
    ChoicesModel m_statusFilterChoices;
    ChoicesModel m_outcomeChoices;
    ChoicesModel m_expiryChoices;
    quint64 m_attachment = 0; // bumps on reset(): a reply of an older attachment is dropped
};

} // namespace Meshdeck::Console
