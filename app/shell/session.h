#pragma once

#include "api/apiclient.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QQmlEngine>
#include <QTimer>

namespace Meshdeck::Console {

class ProfilesModel;

// Who the console acts as on the attached backend, and, for a profile that signs in with an email
// and a password, that sign-in: the access token lives only in memory and is refreshed ahead of its
// expiry; the refresh token lives only in the keychain (under the profile's secret key) and is
// replaced there, on every refresh, before the new access token is used; the password is sent once
// and kept nowhere. When the session ends (expired, revoked, reused, disabled) `loginRequired`
// turns true with the reason; the page on screen stays as it is underneath the sign-in form.
//
// The principal comes from GET /v1/auth/me once attached: `can(permission)` says whether its role
// (and an API key's scopes) grant a permission, fully or on the documents shared with it.
class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.session")
    // A principal is known: its role and permissions are loaded.
    Q_PROPERTY(bool known READ isKnown NOTIFY changed)
    // "admin-token", "user", "api-key" (from the backend), or empty while unknown.
    Q_PROPERTY(QString kind READ kind NOTIFY changed)
    Q_PROPERTY(QString role READ role NOTIFY changed)
    // The role in words, translated.
    Q_PROPERTY(QString roleText READ roleText NOTIFY changed)
    // The user's name (or email); "Admin token" or "API key" for those credentials.
    Q_PROPERTY(QString displayName READ displayName NOTIFY changed)
    Q_PROPERTY(QString email READ email NOTIFY changed)
    Q_PROPERTY(QStringList permissions READ permissions NOTIFY changed)
    // The attached profile signs in with an email and a password (sign-out is offered).
    Q_PROPERTY(bool passwordSignIn READ isPasswordSignIn NOTIFY loginChanged)
    Q_PROPERTY(bool loginRequired READ loginRequired NOTIFY loginChanged)
    // Why the sign-in form is shown: the session expired, was revoked, …
    Q_PROPERTY(QString loginReason READ loginReason NOTIFY loginChanged)
    // The profile's email, to prefill the form.
    Q_PROPERTY(QString loginEmail READ loginEmail NOTIFY loginChanged)
    // Why the last sign-in attempt failed, in words a person can act on.
    Q_PROPERTY(QString error READ error NOTIFY loginChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    // After a 429: seconds until another attempt is accepted, counting down.
    Q_PROPERTY(int retryAfterSeconds READ retryAfterSeconds NOTIFY retryAfterChanged)
public:
    enum class Credential { Unknown, AdminToken, ApiKey, Password };

    Session(ApiClient *api, ProfilesModel *profiles, QObject *parent = nullptr);

    bool isKnown() const { return m_known; }
    QString kind() const { return m_kind; }
    QString role() const { return m_role; }
    QString roleText() const;
    QString displayName() const;
    QString email() const { return m_email; }
    QStringList permissions() const;
    bool isPasswordSignIn() const { return m_credential == Credential::Password; }
    bool loginRequired() const { return m_loginRequired; }
    QString loginReason() const { return m_loginReason; }
    QString loginEmail() const { return m_loginEmail; }
    QString error() const { return m_error; }
    bool isBusy() const { return m_busy; }
    int retryAfterSeconds() const { return m_retryAfter; }
    QByteArray accessToken() const { return m_accessToken; }

    // Whether the principal holds `permission`, fully or on documents shared with it. Before the
    // principal is known only the admin token (always an admin) is granted anything; a backend
    // without /v1/auth/me (before auth existed) accepts its one token for everything.
    Q_INVOKABLE bool can(const QString &permission) const;
    // Why can(permission) is false, as a sentence for a tooltip; empty when it is true.
    Q_INVOKABLE QString whyNot(const QString &permission) const;
    Q_INVOKABLE void signIn(const QString &email, const QString &password);
    // Ends the session on the backend and forgets the refresh token; the sign-in form follows.
    Q_INVOKABLE void signOut();

    // A credential given as is (the local stack's admin token, an --attach token, a profile's
    // token or key): no sign-in.
    void beginToken(Credential credential);
    // A password profile: signs in silently with the stored refresh token, or asks. `urls` are
    // tried in order until one answers; accessTokenChanged() follows a sign-in.
    void beginPassword(const QString &profileId, const QString &email, const QList<QUrl> &urls,
                       const TlsPolicy &tls);
    // Forgets everything (another target).
    void reset();
    // Asks the backend who this is (after the connection is up).
    void loadPrincipal();
    // The realtime server ended the session behind the token.
    void onSessionEnded(const QString &code, const QString &reason);
    // The connection is attached: requests go to the connection's node from now on.
    void setAttached(bool attached) { m_attached = attached; }

    // The refresh is scheduled this long before expiresIn runs out (a fifth of the lifetime, at
    // most a minute).
    static int refreshDelayMs(int expiresInSeconds);

Q_SIGNALS:
    void changed();
    void loginChanged();
    void busyChanged();
    void retryAfterChanged();
    // A new access token (a sign-in or a refresh): the connection and realtime client use it.
    void accessTokenChanged(const QByteArray &token);

private:
    QCoro::Task<void> silentSignIn(quint64 generation);
    QCoro::Task<void> signInAsync(QString email, QString password, quint64 generation);
    QCoro::Task<void> refresh(quint64 generation);
    QCoro::Task<void> signOutAsync(quint64 generation);
    QCoro::Task<void> loadPrincipalAsync(quint64 generation);
    // Sends a sign-in or refresh; before the connection is attached it tries each node in turn.
    QCoro::Task<ApiReply> postToCluster(QString path, QByteArray body);
    // Stores the new refresh token, then uses the new access token.
    QCoro::Task<void> adopt(ApiReply reply, quint64 generation);
    void onUnauthorized(const QString &code, const QString &reason, const QByteArray &token);
    void endOrRenew(const QString &code, const QString &reason);
    void requireLogin(const QString &reason);
    void setBusy(bool busy);
    void setRetryAfter(int seconds);
    void clearPrincipal();
    static QString reasonFor(const QString &code, const QString &serverReason);

    ApiClient *m_api;
    ProfilesModel *m_profiles;
    Credential m_credential = Credential::Unknown;
    quint64 m_generation = 0; // bumps on reset: replies for an earlier target are dropped
    QString m_profileId;
    QList<QUrl> m_urls;
    TlsPolicy m_tls;
    bool m_attached = false;
    QByteArray m_accessToken;
    QTimer m_refreshTimer;
    QTimer m_expiryTimer; // the keychain could not keep the refresh token: sign in again at expiry
    QString m_keychainProblem;
    QTimer m_countdown;
    bool m_refreshing = false;
    int m_refreshFailures = 0;

    bool m_known = false;
    bool m_legacy = false; // the backend has no /v1/auth/me: its one token may do everything
    QString m_kind;
    QString m_role;
    QString m_name;
    QString m_email;
    QHash<QString, QString> m_grants; // permission -> "full" | "documents"
    bool m_apiKeyScoped = false;

    bool m_loginRequired = false;
    QString m_loginReason;
    QString m_loginEmail;
    QString m_error;
    bool m_busy = false;
    int m_retryAfter = 0;
};

} // namespace Meshdeck::Console
