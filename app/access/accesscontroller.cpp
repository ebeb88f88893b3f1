#include "accesscontroller.h"

#include "api/apiclient.h"
#include "api/realtimeclient.h"
#include "shell/console.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcAccess, "meshdeck.console.access", QtInfoMsg)

namespace Meshdeck::Console {

namespace {
const QString AuditChannel = QStringLiteral("audit");
constexpr const char *Ctx = "Meshdeck::Console::AccessController";

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonArray rolesFrom(const QString &text)
{
    QJsonArray roles;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            roles.append(part.trimmed());
    }
    if (roles.isEmpty())
        roles.append(QStringLiteral("member"));
    return roles;
}

QList<QJsonObject> objects(const QJsonValue &array)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : array.toArray())
        out << v.toObject();
    return out;
}

// QUrlQuery leaves "+" and "&" of a value as they are; encode it whole.
void addEncoded(QUrlQuery &query, const QString &key, const QString &value)
{
    query.addQueryItem(key, QString::fromUtf8(QUrl::toPercentEncoding(value)));
}

QString usersQuery(const QString &search, const QString &status, const QString &role)
{
    // Every parameter, empty or not, as the contract writes it: ?q=&status=&role=
    const auto enc = [](const QString &v) {
        return QString::fromUtf8(QUrl::toPercentEncoding(v));
    };
    return QStringLiteral("q=%1&status=%2&role=%3").arg(enc(search), enc(status), enc(role));
}

QString isoNow(qint64 plusDays = 0)
{
    return QDateTime::currentDateTimeUtc().addDays(plusDays).toString(Qt::ISODateWithMs);
}
} // namespace

AccessController::AccessController(ApiClient *api, RealtimeClient *realtime, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_realtime(realtime)
    , m_roleChoices(
          {{QStringLiteral("admin"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Admin"), Ctx},
           {QStringLiteral("developer"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Developer"), Ctx},
           {QStringLiteral("support"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Support"),
            Ctx},
           {QStringLiteral("user"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "User (no console)"), Ctx}})
    , m_roleFilterChoices(
          {{QString(), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Any role"), Ctx},
           {QStringLiteral("admin"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Admin"), Ctx},
           {QStringLiteral("developer"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Developer"), Ctx},
           {QStringLiteral("support"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Support"),
            Ctx},
           {QStringLiteral("user"),
            QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "User (no console)"), Ctx}})
    , m_statusFilterChoices(
          {{QString(), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Any status"), Ctx},
           {QStringLiteral("active"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Active"),
            Ctx},
           {QStringLiteral("disabled"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Disabled"),
            Ctx}})
    , m_outcomeChoices(
          {{QString(), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Any outcome"), Ctx},
           {QStringLiteral("ok"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "OK"), Ctx},
           {QStringLiteral("denied"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Denied"),
            Ctx},
           {QStringLiteral("failed"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Failed"),
            Ctx}})
    , m_expiryChoices(
          {{QStringLiteral("0"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "Never expires"),
            Ctx},
           {QStringLiteral("7"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "In 7 days"), Ctx},
           {QStringLiteral("30"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "In 30 days"),
            Ctx},
           {QStringLiteral("90"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "In 90 days"),
            Ctx},
           {QStringLiteral("365"), QT_TRANSLATE_NOOP("Meshdeck::Console::AccessController", "In a year"),
            Ctx}})
{
    connect(m_realtime, &RealtimeClient::message, this, &AccessController::onRealtimeMessage);
    connect(m_realtime, &RealtimeClient::problem, this,
            [this](const QString &channel, const QString &reason) {
                if (channel != AuditChannel || reason == m_followError)
                    return;
                m_followError = reason;
                Q_EMIT followAuditChanged();
            });
    connect(m_realtime, &RealtimeClient::subscribed, this, [this](const QString &channel) {
        if (channel != AuditChannel || m_followError.isEmpty())
            return;
        m_followError.clear();
        Q_EMIT followAuditChanged();
    });
    // Nothing is known until the Me document says what may be read.
    for (StatefulListModel *model :
         std::initializer_list<StatefulListModel *>{&m_users, &m_teams, &m_keys, &m_permissions, &m_audit})
        model->setLoading(true);
}

AccessController *AccessController::create(QQmlEngine *, QJSEngine *)
{
    Console *console = Console::instance();
    Q_ASSERT_X(console, "AccessController", "the Console must exist before QML uses the Access page");
    auto *access = console->findChild<AccessController *>(QString(), Qt::FindDirectChildrenOnly);
    if (!access) {
        BackendConnection *connection = console->connection();
        access = new AccessController(connection->api(), console->realtime(), console);
        const auto startWhenConnected = [access, connection] {
            if (connection->state() == BackendConnection::State::Connected)
                access->start();
        };
        connect(connection, &BackendConnection::stateChanged, access, startWhenConnected);
        connect(console, &Console::targetChanged, access,
                [access, console, target = console->target()]() mutable {
                    if (console->target() == target)
                        return;
                    target = console->target();
                    access->reset();
                });
        startWhenConnected();
    }
    QJSEngine::setObjectOwnership(access, QJSEngine::CppOwnership);
    return access;
}

QString AccessController::principalName() const
{
    const QString kind = principalKind();
    if (kind == QLatin1String("admin-token"))
        return tr("the admin token");
    if (kind == QLatin1String("api-key")) {
        const QString name = m_me.value(QStringLiteral("name")).toString();
        return name.isEmpty() ? tr("an API key") : tr("the API key %1").arg(name);
    }
    const QJsonObject user = m_me.value(QStringLiteral("user")).toObject();
    return user.value(QStringLiteral("email")).toString();
}

void AccessController::start()
{
    if (m_started)
        return;
    m_started = true;
    QCoro::connect(loadMe(), this, [] {});
}

void AccessController::reset()
{
    ++m_attachment;
    ++m_auditSearch;
    m_started = false;
    if (m_subscribed) {
        m_realtime->unsubscribe(AuditChannel);
        m_subscribed = false;
    }
    m_followError.clear();
    m_meLoaded = false;
    m_meError.clear();
    m_me = {};
    m_grants.clear();
    Q_EMIT meChanged();
    m_users.setRows(QList<QJsonObject>{});
    m_sessions.setRows(QList<QJsonObject>{});
    m_teams.setRows(QList<QJsonObject>{});
    m_memberships.setRows(QList<QJsonObject>{});
    m_keys.setRows(QList<QJsonObject>{});
    m_permissions.setRows(QList<QJsonObject>{});
    m_permissions.clearSelection();
    m_principals.setRows(QList<QJsonObject>{});
    m_reasons.setRows(QList<QJsonObject>{});
    m_audit.setRows({});
    m_auditDiff.clear();
    m_auditCursor.clear();
    m_sessions.setLoading(false);
    m_memberships.setLoading(false);
    for (StatefulListModel *model :
         std::initializer_list<StatefulListModel *>{&m_users, &m_teams, &m_keys, &m_permissions, &m_audit})
        model->setLoading(true);
    m_selectedUser.clear();
    m_selectedTeam.clear();
    m_selectedAudit.clear();
    m_verdict.clear();
    m_verdictGrant.clear();
    m_simulateError.clear();
    m_simulating = false;
    Q_EMIT selectedUserChanged();
    Q_EMIT selectedTeamChanged();
    Q_EMIT selectedAuditRecordChanged();
    Q_EMIT decisionChanged();
    Q_EMIT auditPagingChanged();
    Q_EMIT followAuditChanged();
}

void AccessController::refresh()
{
    QCoro::connect(loadMe(), this, [] {});
}

QCoro::Task<void> AccessController::loadMe()
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/auth/me"));
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        // Without the Me document nothing can be offered: every list says why.
        m_meLoaded = false;
        m_meError = tr("Could not read what you may do here: %1").arg(reply.error);
        m_grants.clear();
        Q_EMIT meChanged();
        for (JsonListModel *model :
             std::initializer_list<JsonListModel *>{&m_users, &m_teams, &m_keys, &m_permissions}) {
            model->setLoading(false);
            model->fail(m_meError);
        }
        m_audit.setLoading(false);
        m_audit.fail(m_meError);
        applyFollow();
        co_return;
    }
    m_me = reply.json.object();
    m_grants = m_me.value(QStringLiteral("grants")).toObject().toVariantMap();
    m_meLoaded = true;
    m_meError.clear();
    qCDebug(lcAccess) << "signed in as" << principalKind() << principalRole() << "holding" << m_grants.keys();
    Q_EMIT meChanged();
    loadAllowed();
}

void AccessController::loadAllowed()
{
    const QStringList held = m_grants.keys();
    m_permissions.setHeld(QSet<QString>(held.cbegin(), held.cend()));
    QCoro::connect(loadPermissions(), this, [] {});
    // What may not be read is not asked for: its section is not offered, and its list stays empty
    // without claiming to load.
    if (can(QStringLiteral("auth.users.read"))) {
        refreshUsers();
    } else {
        m_users.setRows(QList<QJsonObject>{});
        m_users.setLoading(false);
    }
    if (can(QStringLiteral("auth.keys.read"))) {
        refreshKeys();
    } else {
        m_keys.setRows(QList<QJsonObject>{});
        m_keys.setLoading(false);
    }
    if (can(QStringLiteral("auth.teams.read"))) {
        refreshTeams();
    } else {
        m_teams.setRows(QList<QJsonObject>{});
        m_teams.setLoading(false);
    }
    if (can(QStringLiteral("audit.read"))) {
        m_auditCursor.clear();
        ++m_auditSearch;
        QCoro::connect(loadAudit({}), this, [] {});
    } else {
        m_audit.setRows({});
        m_audit.setLoading(false);
    }
    applyFollow();
}

QCoro::Task<void> AccessController::loadPermissions()
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    m_permissions.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/access/permissions"));
    if (!self || attachment != m_attachment)
        co_return;
    m_permissions.setLoading(false);
    if (!reply.ok()) {
        m_permissions.fail(tr("Could not load the permissions: %1").arg(reply.error));
        co_return;
    }
    const QStringList picked = m_permissions.selectedNames();
    m_permissions.setRows(reply.json.object().value(QStringLiteral("permissions")).toArray());
    m_permissions.clearSelection();
    for (const QString &name : picked)
        m_permissions.setSelected(m_permissions.indexOf(name), true);
}

// Users

void AccessController::setUserSearch(const QString &text)
{
    if (text == m_userSearch)
        return;
    m_userSearch = text;
    Q_EMIT userFilterChanged();
    refreshUsers();
}

void AccessController::setUserRoleFilter(const QString &role)
{
    if (role == m_userRole)
        return;
    m_userRole = role;
    Q_EMIT userFilterChanged();
    refreshUsers();
}

void AccessController::setUserStatusFilter(const QString &status)
{
    if (status == m_userStatus)
        return;
    m_userStatus = status;
    Q_EMIT userFilterChanged();
    refreshUsers();
}

void AccessController::refreshUsers()
{
    if (!m_meLoaded || !can(QStringLiteral("auth.users.read")))
        return;
    QCoro::connect(loadUsers(), this, [] {});
}

QCoro::Task<void> AccessController::loadUsers()
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const QString filters = usersQuery(m_userSearch, m_userStatus, m_userRole);
    m_users.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/auth/users?") + filters);
    if (!self || attachment != m_attachment)
        co_return;
    if (usersQuery(m_userSearch, m_userStatus, m_userRole) != filters)
        co_return; // the filters changed meanwhile: the newer request answers
    m_users.setLoading(false);
    if (!reply.ok()) {
        m_users.fail(tr("Could not load the users: %1").arg(reply.error));
        rebuildPrincipals();
        co_return;
    }
    m_users.setRows(reply.json.object().value(QStringLiteral("users")).toArray());
    rebuildPrincipals();
}

void AccessController::createUser(const QString &email, const QString &name, const QString &password,
                                  const QString &role)
{
    if (email.trimmed().isEmpty()) {
        Q_EMIT actionFinished(false, tr("Give the user an email address."));
        return;
    }
    QCoro::connect(postUser(compact({{QStringLiteral("email"), email.trimmed()},
                                     {QStringLiteral("name"), name.trimmed()},
                                     {QStringLiteral("password"), password},
                                     {QStringLiteral("role"), role}})),
                   this, [] {});
}

QCoro::Task<void> AccessController::postUser(QByteArray body)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->post(QStringLiteral("/v1/auth/users"), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        // The backend's own words: its password policy says what a password needs.
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    const QJsonObject user = reply.json.object();
    Q_EMIT actionFinished(true, tr("Created %1 (%2).")
                                    .arg(user.value(QStringLiteral("email")).toString(),
                                         user.value(QStringLiteral("role")).toString()));
    refreshUsers();
}

void AccessController::setUserStatus(const QString &userId, bool active)
{
    const QString email = m_users.valueAt(m_users.indexOf(userId), QStringLiteral("email")).toString();
    QCoro::connect(
        patchUser(userId,
                  compact({{QStringLiteral("status"),
                            active ? QStringLiteral("active") : QStringLiteral("disabled")}}),
                  active ? tr("%1 can sign in again.").arg(email)
                         : tr("%1 is disabled: their sessions and API keys stop working.").arg(email)),
        this, [] {});
}

void AccessController::setUserRole(const QString &userId, const QString &role)
{
    const QString email = m_users.valueAt(m_users.indexOf(userId), QStringLiteral("email")).toString();
    QCoro::connect(
        patchUser(userId, compact({{QStringLiteral("role"), role}}), tr("%1 is now %2.").arg(email, role)),
        this, [] {});
}

QCoro::Task<void> AccessController::patchUser(QString userId, QByteArray body, QString doneMessage)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->send("PATCH", QStringLiteral("/v1/auth/users/") + userId, body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    m_users.update(reply.json.object());
    Q_EMIT actionFinished(true, doneMessage);
}

void AccessController::resetPassword(const QString &userId, const QString &password)
{
    QCoro::connect(postPassword(userId, compact({{QStringLiteral("password"), password}})), this, [] {});
}

QCoro::Task<void> AccessController::postPassword(QString userId, QByteArray body)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply =
        co_await m_api->post(QStringLiteral("/v1/auth/users/%1/password").arg(userId), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    const QString email = m_users.valueAt(m_users.indexOf(userId), QStringLiteral("email")).toString();
    Q_EMIT actionFinished(true, tr("The password of %1 was reset; their sessions have ended.").arg(email));
    if (userId == m_selectedUser)
        QCoro::connect(loadSessions(userId), this, [] {});
}

void AccessController::selectUser(const QString &userId)
{
    if (userId == m_selectedUser)
        return;
    m_selectedUser = userId;
    m_sessions.setRows(QList<QJsonObject>{});
    m_sessions.setLoading(false);
    Q_EMIT selectedUserChanged();
    if (!userId.isEmpty())
        QCoro::connect(loadSessions(userId), this, [] {});
}

QCoro::Task<void> AccessController::loadSessions(QString userId)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    m_sessions.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/auth/users/%1/sessions").arg(userId));
    if (!self || attachment != m_attachment || userId != m_selectedUser)
        co_return;
    m_sessions.setLoading(false);
    if (!reply.ok()) {
        m_sessions.fail(tr("Could not load the sessions: %1").arg(reply.error));
        co_return;
    }
    m_sessions.setRows(reply.json.object().value(QStringLiteral("sessions")).toArray());
}

void AccessController::revokeSession(const QString &sessionId)
{
    if (m_selectedUser.isEmpty())
        return;
    QCoro::connect(
        deleteSessions(m_selectedUser,
                       QStringLiteral("/v1/auth/users/%1/sessions/%2").arg(m_selectedUser, sessionId),
                       tr("The session was revoked: that device must sign in again.")),
        this, [] {});
}

void AccessController::revokeAllSessions()
{
    if (m_selectedUser.isEmpty())
        return;
    QCoro::connect(deleteSessions(m_selectedUser,
                                  QStringLiteral("/v1/auth/users/%1/sessions").arg(m_selectedUser),
                                  tr("Every session was revoked: each device must sign in again.")),
                   this, [] {});
}

QCoro::Task<void> AccessController::deleteSessions(QString userId, QString path, QString doneMessage)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->send("DELETE", path, {});
    if (!self || attachment != m_attachment)
        co_return;
    Q_EMIT actionFinished(reply.ok(), reply.ok() ? doneMessage : reply.error);
    if (userId == m_selectedUser)
        QCoro::connect(loadSessions(userId), this, [] {});
}

// Teams

void AccessController::refreshTeams()
{
    if (!m_meLoaded || !can(QStringLiteral("auth.teams.read")))
        return;
    QCoro::connect(loadTeams(), this, [] {});
}

QCoro::Task<void> AccessController::loadTeams()
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    m_teams.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/auth/teams"));
    if (!self || attachment != m_attachment)
        co_return;
    m_teams.setLoading(false);
    if (!reply.ok()) {
        m_teams.fail(tr("Could not load the teams: %1").arg(reply.error));
        co_return;
    }
    m_teams.setRows(reply.json.object().value(QStringLiteral("teams")).toArray());
}

void AccessController::createTeam(const QString &name)
{
    if (name.trimmed().isEmpty()) {
        Q_EMIT actionFinished(false, tr("Give the team a name."));
        return;
    }
    QCoro::connect(postTeam(compact({{QStringLiteral("name"), name.trimmed()}})), this, [] {});
}

QCoro::Task<void> AccessController::postTeam(QByteArray body)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->post(QStringLiteral("/v1/auth/teams"), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    const QJsonObject team = reply.json.object();
    Q_EMIT actionFinished(
        true,
        tr("Created the team %1; you are its owner.").arg(team.value(QStringLiteral("name")).toString()));
    refreshTeams();
    selectTeam(team.value(QStringLiteral("id")).toString());
}

void AccessController::selectTeam(const QString &teamId)
{
    if (teamId == m_selectedTeam)
        return;
    m_selectedTeam = teamId;
    m_memberships.setRows(QList<QJsonObject>{});
    m_memberships.setLoading(false);
    Q_EMIT selectedTeamChanged();
    if (!teamId.isEmpty())
        QCoro::connect(loadMemberships(teamId), this, [] {});
}

QCoro::Task<void> AccessController::loadMemberships(QString teamId)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    m_memberships.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/auth/teams/%1/memberships").arg(teamId));
    if (!self || attachment != m_attachment || teamId != m_selectedTeam)
        co_return;
    m_memberships.setLoading(false);
    if (!reply.ok()) {
        m_memberships.fail(tr("Could not load the members: %1").arg(reply.error));
        co_return;
    }
    m_memberships.setRows(reply.json.object().value(QStringLiteral("memberships")).toArray());
}

void AccessController::addMember(const QString &userId, const QString &roles)
{
    if (m_selectedTeam.isEmpty() || userId.isEmpty()) {
        Q_EMIT actionFinished(false, tr("Pick a team and a user first."));
        return;
    }
    QCoro::connect(postMember(m_selectedTeam, compact({{QStringLiteral("userId"), userId},
                                                       {QStringLiteral("roles"), rolesFrom(roles)}})),
                   this, [] {});
}

QCoro::Task<void> AccessController::postMember(QString teamId, QByteArray body)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply =
        co_await m_api->post(QStringLiteral("/v1/auth/teams/%1/memberships").arg(teamId), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    Q_EMIT actionFinished(
        true, tr("Added %1 to the team.").arg(reply.json.object().value(QStringLiteral("email")).toString()));
    refreshTeams();
    if (teamId == m_selectedTeam)
        QCoro::connect(loadMemberships(teamId), this, [] {});
}

void AccessController::removeMember(const QString &membershipId)
{
    if (m_selectedTeam.isEmpty())
        return;
    QCoro::connect(deleteMember(m_selectedTeam, membershipId), this, [] {});
}

QCoro::Task<void> AccessController::deleteMember(QString teamId, QString membershipId)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->send(
        "DELETE", QStringLiteral("/v1/auth/teams/%1/memberships/%2").arg(teamId, membershipId), {});
    if (!self || attachment != m_attachment)
        co_return;
    Q_EMIT actionFinished(reply.ok(), reply.ok() ? tr("Removed from the team.") : reply.error);
    refreshTeams();
    if (teamId == m_selectedTeam)
        QCoro::connect(loadMemberships(teamId), this, [] {});
}

void AccessController::invite(const QString &email, const QString &roles)
{
    if (m_selectedTeam.isEmpty() || email.trimmed().isEmpty()) {
        Q_EMIT actionFinished(false, tr("Pick a team and give an email address."));
        return;
    }
    QCoro::connect(postInvitation(m_selectedTeam, email.trimmed(),
                                  compact({{QStringLiteral("email"), email.trimmed()},
                                           {QStringLiteral("roles"), rolesFrom(roles)}})),
                   this, [] {});
}

QCoro::Task<void> AccessController::postInvitation(QString teamId, QString email, QByteArray body)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply =
        co_await m_api->post(QStringLiteral("/v1/auth/teams/%1/invitations").arg(teamId), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    Q_EMIT invitationCreated(reply.json.object().value(QStringLiteral("token")).toString(), email);
}

// API keys

void AccessController::refreshKeys()
{
    if (!m_meLoaded || !can(QStringLiteral("auth.keys.read")))
        return;
    QCoro::connect(loadKeys(), this, [] {});
}

QCoro::Task<void> AccessController::loadKeys()
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    m_keys.setLoading(true);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/auth/keys"));
    if (!self || attachment != m_attachment)
        co_return;
    m_keys.setLoading(false);
    if (!reply.ok()) {
        m_keys.fail(tr("Could not load the API keys: %1").arg(reply.error));
        rebuildPrincipals();
        co_return;
    }
    m_keys.setRows(reply.json.object().value(QStringLiteral("keys")).toArray());
    rebuildPrincipals();
}

void AccessController::createKey(const QString &name, int expiresInDays)
{
    if (name.trimmed().isEmpty()) {
        Q_EMIT actionFinished(false, tr("Give the key a name that says where it is used."));
        return;
    }
    const QStringList scopes = m_permissions.selectedNames();
    if (scopes.isEmpty()) {
        Q_EMIT actionFinished(false, tr("Pick at least one scope: a key without scopes can do nothing."));
        return;
    }
    QJsonObject body{{QStringLiteral("name"), name.trimmed()},
                     {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)}};
    if (expiresInDays > 0)
        body.insert(QStringLiteral("expiresAt"), isoNow(expiresInDays));
    QCoro::connect(postKey(compact(body)), this, [] {});
}

QCoro::Task<void> AccessController::postKey(QByteArray body)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const ApiReply reply = co_await m_api->post(QStringLiteral("/v1/auth/keys"), body);
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    const QJsonObject answer = reply.json.object();
    const QJsonObject key = answer.value(QStringLiteral("apiKey")).toObject();
    m_keys.insertFirst(key);
    m_permissions.clearSelection();
    rebuildPrincipals();
    // Handed on once and not kept: the list holds the key's record, which has only its prefix.
    Q_EMIT keyCreated(answer.value(QStringLiteral("key")).toString(),
                      key.value(QStringLiteral("name")).toString(),
                      key.value(QStringLiteral("prefix")).toString());
}

void AccessController::revokeKey(const QString &keyId)
{
    QCoro::connect(deleteKey(keyId), this, [] {});
}

QCoro::Task<void> AccessController::deleteKey(QString keyId)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const QString name = m_keys.nameOf(keyId);
    const ApiReply reply = co_await m_api->send("DELETE", QStringLiteral("/v1/auth/keys/") + keyId, {});
    if (!self || attachment != m_attachment)
        co_return;
    if (!reply.ok()) {
        Q_EMIT actionFinished(false, reply.error);
        co_return;
    }
    Q_EMIT actionFinished(true, tr("Revoked the key %1.").arg(name));
    refreshKeys();
}

// Simulator

void AccessController::simulate(const QString &principal, const QString &action, const QString &resource)
{
    QJsonObject who;
    if (principal == QLatin1String("admin-token"))
        who.insert(QStringLiteral("adminToken"), true);
    else if (principal.startsWith(QLatin1String("user:")))
        who.insert(QStringLiteral("userId"), principal.mid(5));
    else if (principal.startsWith(QLatin1String("key:")))
        who.insert(QStringLiteral("keyId"), principal.mid(4));
    if (who.isEmpty() || action.isEmpty()) {
        m_verdict.clear();
        m_simulateError = tr("Pick a principal and an action.");
        m_reasons.setRows(QList<QJsonObject>{});
        Q_EMIT decisionChanged();
        return;
    }
    QJsonObject body{{QStringLiteral("principal"), who}, {QStringLiteral("action"), action}};
    if (!resource.trimmed().isEmpty())
        body.insert(QStringLiteral("resource"), resource.trimmed());
    QCoro::connect(postSimulate(compact(body)), this, [] {});
}

QCoro::Task<void> AccessController::postSimulate(QByteArray body)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    m_simulating = true;
    m_reasons.setLoading(true);
    Q_EMIT decisionChanged();
    const ApiReply reply = co_await m_api->post(QStringLiteral("/v1/access/simulate"), body);
    if (!self || attachment != m_attachment)
        co_return;
    m_simulating = false;
    m_reasons.setLoading(false);
    if (!reply.ok()) {
        m_verdict.clear();
        m_verdictGrant.clear();
        m_simulateError = tr("The simulator could not answer: %1").arg(reply.error);
        m_reasons.fail(m_simulateError);
        Q_EMIT decisionChanged();
        co_return;
    }
    const QJsonObject decision = reply.json.object();
    m_simulateError.clear();
    m_verdict = decision.value(QStringLiteral("allowed")).toBool() ? QStringLiteral("allowed")
                                                                   : QStringLiteral("denied");
    m_verdictGrant = decision.value(QStringLiteral("grant")).toString();
    m_reasons.setRows(decision.value(QStringLiteral("reasons")).toArray());
    Q_EMIT decisionChanged();
}

void AccessController::rebuildPrincipals()
{
    m_principals.rebuild(m_users.rows(), m_keys.rows());
}

// Audit

QString AccessController::isoFromLocal(const QString &text)
{
    const QString t = text.trimmed();
    for (const QString &format : {QStringLiteral("yyyy-MM-dd HH:mm:ss"), QStringLiteral("yyyy-MM-dd HH:mm"),
                                  QStringLiteral("yyyy-MM-dd")}) {
        const QDateTime time = QDateTime::fromString(t, format);
        if (time.isValid())
            return time.toUTC().toString(Qt::ISODateWithMs);
    }
    return {};
}

QString AccessController::auditQuery(const QVariantMap &filters, const QString &cursor, int limit)
{
    QUrlQuery query;
    for (const char *key : {"actor", "action", "resource", "outcome", "from", "to"}) {
        const QString value = filters.value(QLatin1String(key)).toString();
        if (!value.isEmpty())
            addEncoded(query, QLatin1String(key), value);
    }
    if (!cursor.isEmpty())
        addEncoded(query, QStringLiteral("cursor"), cursor);
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return query.toString(QUrl::FullyEncoded);
}

void AccessController::searchAudit(const QString &actor, const QString &action, const QString &resource,
                                   const QString &outcome, const QString &from, const QString &to)
{
    if (!m_meLoaded || !can(QStringLiteral("audit.read")))
        return;
    QVariantMap filters{{QStringLiteral("actor"), actor.trimmed()},
                        {QStringLiteral("action"), action.trimmed()},
                        {QStringLiteral("resource"), resource.trimmed()},
                        {QStringLiteral("outcome"), outcome}};
    for (const auto &[key, text] :
         {std::pair{QStringLiteral("from"), from}, std::pair{QStringLiteral("to"), to}}) {
        if (text.trimmed().isEmpty())
            continue;
        const QString iso = isoFromLocal(text);
        if (iso.isEmpty()) {
            ++m_auditSearch;
            m_auditCursor.clear();
            m_audit.setLoading(false);
            m_audit.fail(
                tr("\"%1\" is not a time: write it as 2026-11-30 14:05 or 2026-11-30.").arg(text.trimmed()));
            Q_EMIT auditPagingChanged();
            return;
        }
        filters.insert(key, iso);
    }
    m_auditFilters = filters;
    m_auditCursor.clear();
    ++m_auditSearch;
    selectAuditRecord({});
    QCoro::connect(loadAudit({}), this, [] {});
}

void AccessController::loadMoreAudit()
{
    if (m_auditCursor.isEmpty() || m_audit.isLoading())
        return;
    QCoro::connect(loadAudit(m_auditCursor), this, [] {});
}

QCoro::Task<void> AccessController::loadAudit(QString cursor)
{
    QPointer<AccessController> self(this);
    const quint64 attachment = m_attachment;
    const quint64 search = m_auditSearch;
    m_audit.setLoading(true);
    const ApiReply reply =
        co_await m_api->get(QStringLiteral("/v1/audit?") + auditQuery(m_auditFilters, cursor, AuditPageSize));
    if (!self || attachment != m_attachment || search != m_auditSearch)
        co_return;
    m_audit.setLoading(false);
    if (!reply.ok()) {
        const QString error = tr("Could not load the audit log: %1").arg(reply.error);
        if (cursor.isEmpty())
            m_audit.fail(error);
        else
            m_audit.setError(error); // the pages already shown stay; loading more failed
        co_return;
    }
    const QJsonObject page = reply.json.object();
    const QList<QJsonObject> records = objects(page.value(QStringLiteral("records")));
    if (cursor.isEmpty())
        m_audit.setRows(records);
    else
        m_audit.appendPage(records);
    m_auditCursor = page.value(QStringLiteral("nextCursor")).toString();
    Q_EMIT auditPagingChanged();
}

void AccessController::selectAuditRecord(const QString &id)
{
    if (id == m_selectedAudit)
        return;
    m_selectedAudit = id;
    const QJsonObject record = m_audit.record(m_audit.indexOf(id));
    if (record.isEmpty())
        m_auditDiff.clear();
    else
        m_auditDiff.setRecord(record);
    Q_EMIT selectedAuditRecordChanged();
}

QVariantMap AccessController::auditRecord() const
{
    const QJsonObject record = m_audit.record(m_audit.indexOf(m_selectedAudit));
    if (record.isEmpty())
        return {};
    QVariantMap out = record.toVariantMap();
    out.remove(QStringLiteral("before"));
    out.remove(QStringLiteral("after"));
    out.insert(QStringLiteral("timeText"), localTime(record.value(QStringLiteral("time"))));
    return out;
}

void AccessController::setFollowAudit(bool follow)
{
    if (follow == m_follow)
        return;
    m_follow = follow;
    applyFollow();
    Q_EMIT followAuditChanged();
}

void AccessController::applyFollow()
{
    const bool want = m_follow && m_meLoaded && can(QStringLiteral("audit.read"));
    if (want == m_subscribed)
        return;
    m_subscribed = want;
    if (want)
        m_realtime->subscribe(AuditChannel);
    else
        m_realtime->unsubscribe(AuditChannel);
}

bool AccessController::matchesAuditFilters(const QJsonObject &record) const
{
    const auto field = [&record](const char *key) {
        return record.value(QLatin1String(key)).toString();
    };
    const auto filter = [this](const char *key) {
        return m_auditFilters.value(QLatin1String(key)).toString();
    };
    if (!filter("actor").isEmpty() && field("actor") != filter("actor") &&
        !field("actorName").contains(filter("actor"), Qt::CaseInsensitive))
        return false;
    if (!filter("action").isEmpty() && !field("action").startsWith(filter("action")))
        return false;
    if (!filter("resource").isEmpty() && !field("resource").startsWith(filter("resource")))
        return false;
    if (!filter("outcome").isEmpty() && field("outcome") != filter("outcome"))
        return false;
    const QDateTime time = QDateTime::fromString(field("time"), Qt::ISODateWithMs);
    const QDateTime from = QDateTime::fromString(filter("from"), Qt::ISODateWithMs);
    const QDateTime to = QDateTime::fromString(filter("to"), Qt::ISODateWithMs);
    if (from.isValid() && time.isValid() && time < from)
        return false;
    if (to.isValid() && time.isValid() && time > to)
        return false;
    return true;
}

void AccessController::onRealtimeMessage(const QString &channel, const QJsonObject &message)
{
    if (channel != AuditChannel || !m_follow ||
        message.value(QStringLiteral("type")).toString() != QLatin1String("record"))
        return;
    const QJsonObject record = message.value(QStringLiteral("record")).toObject();
    // Only what the search on screen would have found: a live record never contradicts the filters.
    if (record.isEmpty() || !matchesAuditFilters(record))
        return;
    m_audit.prepend(record);
}

} // namespace Meshdeck::Console
