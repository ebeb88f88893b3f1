#include "session.h"

#include "clusters/profilesmodel.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>

namespace Meshdeck::Console {

namespace {
Q_LOGGING_CATEGORY(lcSession, "meshdeck.console.session")

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray refreshBody(const QByteArray &refreshToken)
{
    return compact({{QStringLiteral("refreshToken"), QString::fromLatin1(refreshToken)}});
}

QByteArray signInBody(const QString &email, const QString &password)
{
    return compact({{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
}

// 401 codes that mean the session behind the access token is over for good.
bool endsSession(const QString &code)
{
    return code == QLatin1String("revoked-session") || code == QLatin1String("refresh-reused") ||
           code == QLatin1String("account-disabled");
}
} // namespace

Session::Session(ApiClient *api, ProfilesModel *profiles, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_profiles(profiles)
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this,
            [this] { QCoro::connect(refresh(m_generation), this, [] {}); });
    m_expiryTimer.setSingleShot(true);
    connect(&m_expiryTimer, &QTimer::timeout, this, [this] {
        requireLogin(tr("Your session has ended: the keychain could not keep it (%1). Sign in again.")
                         .arg(m_keychainProblem));
    });
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, [this] { setRetryAfter(m_retryAfter - 1); });
    connect(m_api, &ApiClient::unauthorized, this, &Session::onUnauthorized);
}

int Session::refreshDelayMs(int expiresInSeconds)
{
    const qint64 lifetimeMs = qint64(qMax(1, expiresInSeconds)) * 1000;
    const qint64 ahead = qMin<qint64>(60'000, lifetimeMs / 5);
    return int(qMax<qint64>(500, lifetimeMs - ahead));
}

// --- the principal ---------------------------------------------------------------------------

QString Session::roleText() const
{
    if (m_role == QLatin1String("admin"))
        return tr("admin");
    if (m_role == QLatin1String("developer"))
        return tr("developer");
    if (m_role == QLatin1String("support"))
        return tr("support");
    if (m_role == QLatin1String("user"))
        return tr("user");
    return m_role;
}

QString Session::displayName() const
{
    if (m_kind == QLatin1String("admin-token"))
        return tr("Admin token");
    if (m_kind == QLatin1String("api-key"))
        return m_name.isEmpty() ? tr("API key") : tr("API key of %1").arg(m_name);
    return m_name.isEmpty() ? m_email : m_name;
}

QStringList Session::permissions() const
{
    QStringList out = m_grants.keys();
    out.sort();
    return out;
}

bool Session::can(const QString &permission) const
{
    if (!m_known)
        return m_credential == Credential::AdminToken; // the contract: the admin token is an admin
    if (m_legacy)
        return true;
    const QString grant = m_grants.value(permission);
    return grant == QLatin1String("full") || grant == QLatin1String("documents");
}

QString Session::whyNot(const QString &permission) const
{
    if (can(permission))
        return {};
    if (!m_known)
        return m_loginRequired ? tr("Sign in first.") : tr("Checking what you may do…");
    if (m_kind == QLatin1String("api-key") && m_apiKeyScoped)
        return tr("This API key (role %1) may not do this: its role or scopes lack the permission %2.")
            .arg(roleText(), permission);
    return tr("Your role (%1) may not do this: it needs the permission %2.").arg(roleText(), permission);
}

void Session::clearPrincipal()
{
    m_known = false;
    m_legacy = false;
    m_kind.clear();
    m_role.clear();
    m_name.clear();
    m_email.clear();
    m_grants.clear();
    m_apiKeyScoped = false;
}

void Session::loadPrincipal()
{
    QCoro::connect(loadPrincipalAsync(m_generation), this, [] {});
}

QCoro::Task<void> Session::loadPrincipalAsync(quint64 generation)
{
    QPointer<Session> self(this);
    const ApiReply reply = co_await m_api->get(QStringLiteral("/v1/auth/me"));
    if (!self || generation != m_generation)
        co_return;
    if (reply.status == 404) {
        // A backend from before users and roles: its one credential opens everything.
        clearPrincipal();
        m_known = true;
        m_legacy = true;
        m_kind = QStringLiteral("admin-token");
        m_role = QStringLiteral("admin");
        Q_EMIT changed();
        co_return;
    }
    if (!reply.ok()) {
        // 401 is handled by onUnauthorized(); anything else keeps what was known.
        qCWarning(lcSession).noquote() << "who am I:" << reply.error;
        co_return;
    }
    const QJsonObject me = reply.json.object();
    clearPrincipal();
    m_known = true;
    m_kind = me.value(QStringLiteral("kind")).toString();
    m_role = me.value(QStringLiteral("role")).toString();
    const QJsonObject user = me.value(QStringLiteral("user")).toObject();
    m_name = user.value(QStringLiteral("name")).toString();
    if (m_name.isEmpty() && m_kind != QLatin1String("admin-token"))
        m_name = me.value(QStringLiteral("name")).toString(); // the principal's own name (a key's)
    m_email = user.value(QStringLiteral("email")).toString();
    m_apiKeyScoped = me.value(QStringLiteral("scopes")).isArray();
    const QJsonObject grants = me.value(QStringLiteral("grants")).toObject();
    for (auto it = grants.begin(); it != grants.end(); ++it)
        m_grants.insert(it.key(), it.value().toString());
    // Permissions without a grant entry are held fully.
    const QJsonArray held = me.value(QStringLiteral("permissions")).toArray();
    for (const QJsonValue &p : held) {
        if (!m_grants.contains(p.toString()))
            m_grants.insert(p.toString(), QStringLiteral("full"));
    }
    qCDebug(lcSession).noquote() << "signed in as" << m_kind << m_role << m_email;
    Q_EMIT changed();
}

// --- lifecycle -------------------------------------------------------------------------------

void Session::reset()
{
    ++m_generation;
    m_refreshTimer.stop();
    m_expiryTimer.stop();
    m_keychainProblem.clear();
    m_accessToken.clear();
    m_refreshing = false;
    m_refreshFailures = 0;
    m_attached = false;
    m_credential = Credential::Unknown;
    m_profileId.clear();
    m_urls.clear();
    clearPrincipal();
    m_loginRequired = false;
    m_loginReason.clear();
    m_loginEmail.clear();
    m_error.clear();
    setBusy(false);
    setRetryAfter(0);
    Q_EMIT changed();
    Q_EMIT loginChanged();
}

void Session::beginToken(Credential credential)
{
    reset();
    m_credential = credential;
    Q_EMIT changed();
    Q_EMIT loginChanged();
}

void Session::beginPassword(const QString &profileId, const QString &email, const QList<QUrl> &urls,
                            const TlsPolicy &tls)
{
    reset();
    m_credential = Credential::Password;
    m_profileId = profileId;
    m_loginEmail = email;
    m_urls = urls;
    m_tls = tls;
    Q_EMIT loginChanged();
    QCoro::connect(silentSignIn(m_generation), this, [] {});
}

void Session::requireLogin(const QString &reason)
{
    m_refreshTimer.stop();
    m_expiryTimer.stop();
    m_accessToken.clear();
    m_refreshing = false;
    clearPrincipal();
    m_loginRequired = true;
    m_loginReason = reason;
    m_error.clear();
    setBusy(false);
    qCInfo(lcSession).noquote() << "sign-in required:" << reason;
    Q_EMIT changed();
    Q_EMIT loginChanged();
}

QString Session::reasonFor(const QString &code, const QString &serverReason)
{
    if (code == QLatin1String("expired-token"))
        return tr("Your session expired. Sign in again to carry on where you were.");
    if (code == QLatin1String("revoked-session"))
        return tr("Your session was ended: you signed out elsewhere, your password changed, or an "
                  "administrator ended it. Sign in again to carry on where you were.");
    if (code == QLatin1String("refresh-reused"))
        return tr("Your session was ended because its refresh token was used twice, possibly by someone "
                  "else. Sign in again, and change your password if you did not expect this.");
    if (code == QLatin1String("account-disabled"))
        return tr("Your account is disabled: ask an administrator to enable it.");
    return serverReason.isEmpty() ? tr("Your session has ended. Sign in again.") : serverReason;
}

void Session::onUnauthorized(const QString &code, const QString &reason, const QByteArray &token)
{
    // Only a refusal of the token in use counts: a request sent before a refresh or a new
    // sign-in, or a sign-in's own request (no token), says nothing about the session now.
    if (token.isEmpty() || token != m_accessToken)
        return;
    endOrRenew(code, reason);
}

void Session::endOrRenew(const QString &code, const QString &reason)
{
    // A token has no session to renew; sign-in, refresh and sign-out handle their own answers.
    if (m_credential != Credential::Password || m_loginRequired || m_busy || m_refreshing)
        return;
    if (endsSession(code)) {
        if (code != QLatin1String("account-disabled"))
            QCoro::connect(m_profiles->forgetSecret(m_profileId), this, [](const SecretResult &) {});
        requireLogin(reasonFor(code, reason));
        return;
    }
    // Expired (a clock ahead of ours, a refresh that came late) or otherwise refused: the refresh
    // token decides.
    if (!m_refreshing)
        QCoro::connect(refresh(m_generation), this, [] {});
}

void Session::onSessionEnded(const QString &code, const QString &reason)
{
    if (m_credential != Credential::Password || m_loginRequired)
        return;
    endOrRenew(code.isEmpty() ? QStringLiteral("revoked-session") : code, reason);
}

// --- signing in ------------------------------------------------------------------------------

QCoro::Task<ApiReply> Session::postToCluster(QString path, QByteArray body)
{
    if (m_attached)
        co_return co_await m_api->post(path, body);
    // Not attached yet: the connection has not chosen a node; the first that answers signs in.
    QPointer<Session> self(this);
    const QList<QUrl> urls = m_urls;
    m_api->setTlsPolicy(m_tls);
    ApiReply reply;
    for (const QUrl &url : urls) {
        m_api->setEndpoint(url, {});
        reply = co_await m_api->post(path, body);
        if (!self || !reply.unreachable)
            break;
    }
    co_return reply;
}

QCoro::Task<void> Session::silentSignIn(quint64 generation)
{
    QPointer<Session> self(this);
    setBusy(true);
    const SecretResult stored = co_await m_profiles->secretFor(m_profileId);
    if (!self || generation != m_generation)
        co_return;
    if (!stored.ok || stored.secret.isEmpty()) {
        setBusy(false);
        requireLogin(stored.notFound || stored.ok
                         ? tr("Sign in with your email address and password.")
                         : tr("The stored session could not be read from the keychain (%1). Sign in again.")
                               .arg(stored.error));
        co_return;
    }
    const ApiReply reply =
        co_await postToCluster(QStringLiteral("/v1/auth/sessions/refresh"), refreshBody(stored.secret));
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    if (reply.ok()) {
        co_await adopt(reply, generation);
        co_return;
    }
    if (reply.status == 401 || reply.status == 403) {
        // That refresh token is dead (expired, revoked, reused): it is of no use to anyone now.
        co_await m_profiles->forgetSecret(m_profileId);
        if (!self || generation != m_generation)
            co_return;
        requireLogin(reply.problemCode == QLatin1String("account-disabled") ||
                             reply.problemCode == QLatin1String("refresh-reused")
                         ? reasonFor(reply.problemCode, reply.error)
                         : tr("Your last session has ended. Sign in again."));
        co_return;
    }
    // Unreachable or failing: the form says so and the person can try again.
    requireLogin(tr("The cluster could not renew your session: %1").arg(reply.error));
}

void Session::signIn(const QString &email, const QString &password)
{
    if (m_credential != Credential::Password || m_busy || m_retryAfter > 0)
        return;
    if (email.trimmed().isEmpty() || password.isEmpty()) {
        m_error = tr("Enter your email address and your password.");
        Q_EMIT loginChanged();
        return;
    }
    QCoro::connect(signInAsync(email.trimmed(), password, m_generation), this, [] {});
}

QCoro::Task<void> Session::signInAsync(QString email, QString password, quint64 generation)
{
    QPointer<Session> self(this);
    setBusy(true);
    m_error.clear();
    Q_EMIT loginChanged();
    const ApiReply reply =
        co_await postToCluster(QStringLiteral("/v1/auth/sessions"), signInBody(email, password));
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    if (!reply.ok()) {
        if (reply.status == 429) {
            setRetryAfter(qMax(1, reply.retryAfterSeconds));
            m_error = tr("Too many sign-in attempts. Wait before you try again.");
        } else if (reply.status == 401) {
            m_error = reply.problemCode == QLatin1String("invalid-credentials") || reply.error.isEmpty()
                          ? tr("The email address or the password is wrong.")
                          : reply.error;
        } else if (reply.problemCode == QLatin1String("account-disabled")) {
            m_error = reasonFor(reply.problemCode, reply.error);
        } else {
            m_error = reply.error;
        }
        Q_EMIT loginChanged();
        co_return;
    }
    m_loginEmail = email;
    co_await adopt(reply, generation);
}

QCoro::Task<void> Session::adopt(ApiReply reply, quint64 generation)
{
    QPointer<Session> self(this);
    const QJsonObject o = reply.json.object();
    const QByteArray access = o.value(QStringLiteral("accessToken")).toString().toLatin1();
    const QByteArray refreshToken = o.value(QStringLiteral("refreshToken")).toString().toLatin1();
    const int expiresIn = o.value(QStringLiteral("expiresIn")).toInt(900);
    if (access.isEmpty()) {
        requireLogin(tr("The cluster's answer to the sign-in had no access token."));
        co_return;
    }
    // The old refresh token is dead from now on: the new one goes to the keychain before the new
    // access token is used, so a crash in between cannot leave the console with neither.
    const SecretResult stored = co_await m_profiles->storeSecret(m_profileId, refreshToken);
    if (!self || generation != m_generation)
        co_return;
    m_keychainProblem.clear();
    m_refreshTimer.stop();
    m_expiryTimer.stop();
    if (stored.ok) {
        m_refreshTimer.start(refreshDelayMs(expiresIn));
    } else {
        // Signed in for this access token's lifetime only.
        m_keychainProblem = stored.error;
        m_expiryTimer.start(qMax(1, expiresIn) * 1000);
        qCWarning(lcSession).noquote() << "the refresh token could not be stored:" << stored.error;
    }
    m_accessToken = access;
    m_refreshing = false;
    m_refreshFailures = 0;
    const bool wasRequired = m_loginRequired;
    m_loginRequired = false;
    m_loginReason.clear();
    m_error = stored.ok ? QString()
                        : tr("Signed in, but the keychain could not keep the session (%1): you will be "
                             "asked to sign in again when it expires.")
                              .arg(stored.error);
    if (wasRequired || !m_error.isEmpty())
        Q_EMIT loginChanged();
    Q_EMIT accessTokenChanged(access);
}

QCoro::Task<void> Session::refresh(quint64 generation)
{
    if (m_refreshing || m_loginRequired || m_credential != Credential::Password)
        co_return;
    QPointer<Session> self(this);
    m_refreshing = true;
    const SecretResult stored = co_await m_profiles->secretFor(m_profileId);
    if (!self || generation != m_generation)
        co_return;
    if (!stored.ok || stored.secret.isEmpty()) {
        requireLogin(tr("Your session could not be renewed: %1 Sign in again.")
                         .arg(stored.error.isEmpty() ? tr("the keychain holds no session.") : stored.error));
        co_return;
    }
    const ApiReply reply =
        co_await postToCluster(QStringLiteral("/v1/auth/sessions/refresh"), refreshBody(stored.secret));
    if (!self || generation != m_generation)
        co_return;
    if (reply.ok()) {
        co_await adopt(reply, generation);
        co_return;
    }
    m_refreshing = false;
    if (reply.status == 401 || reply.status == 403) {
        if (reply.problemCode != QLatin1String("account-disabled")) {
            co_await m_profiles->forgetSecret(m_profileId);
            if (!self || generation != m_generation)
                co_return;
        }
        // Revoked, reused or disabled say so; any other refusal means the session ran out.
        requireLogin(
            reasonFor(endsSession(reply.problemCode) ? reply.problemCode : QStringLiteral("expired-token"),
                      reply.error));
        co_return;
    }
    // The node did not answer: the access token may still be good for a while; try again soon.
    ++m_refreshFailures;
    qCWarning(lcSession).noquote() << "refresh failed:" << reply.error;
    m_refreshTimer.start(qMin(30'000, 1000 << qMin(m_refreshFailures, 5)));
}

void Session::signOut()
{
    if (m_credential != Credential::Password || m_loginRequired)
        return;
    QCoro::connect(signOutAsync(m_generation), this, [] {});
}

QCoro::Task<void> Session::signOutAsync(quint64 generation)
{
    QPointer<Session> self(this);
    setBusy(true);
    m_refreshTimer.stop();
    const ApiReply ended = co_await m_api->send("DELETE", QStringLiteral("/v1/auth/sessions/current"), {});
    if (!self || generation != m_generation)
        co_return;
    const SecretResult forgotten = co_await m_profiles->forgetSecret(m_profileId);
    if (!self || generation != m_generation)
        co_return;
    setBusy(false);
    QString reason = tr("You signed out.");
    if (!ended.ok() && ended.status != 401)
        reason +=
            QLatin1Char(' ') + tr("The cluster did not confirm it (%1); the session ends by itself when "
                                  "its token expires.")
                                   .arg(ended.error);
    if (!forgotten.ok)
        reason += QLatin1Char(' ') + tr("The keychain still holds the session: %1").arg(forgotten.error);
    requireLogin(reason);
}

void Session::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void Session::setRetryAfter(int seconds)
{
    seconds = qMax(0, seconds);
    if (seconds > 0 && !m_countdown.isActive())
        m_countdown.start();
    if (seconds == 0)
        m_countdown.stop();
    if (m_retryAfter == seconds)
        return;
    m_retryAfter = seconds;
    Q_EMIT retryAfterChanged();
}

} // namespace Meshdeck::Console
