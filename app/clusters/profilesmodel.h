#pragma once

#include "clusterprofile.h"
#include "common/statefullistmodel.h"
#include "secretstore.h"

#include <QVariantMap>

#include <optional>

namespace Meshdeck::Console {

// The cluster profiles: persisted in QSettings (group "clusterProfiles"), each credential in the
// SecretStore under the profile's secretKey(). A credential never reaches QSettings or a file.
// `loading` is true while a keychain write or delete runs; `error` says why the last one failed.
class ProfilesModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use Console.profiles")
    // For the sidebar's switcher: [{profileId, name, colour}] in list order.
    Q_PROPERTY(QVariantList entries READ entries NOTIFY entriesChanged)
public:
    enum Role {
        ProfileIdRole = Qt::UserRole + 1,
        NameRole,
        UrlsRole,
        UrlsTextRole,
        ColourRole,
        TrustRole,
        CaFileRole,
        PinRole,
        BackupPinRole,
        CredentialRole,
        EmailRole,
    };

    // `settingsFile` empty: the application's QSettings; otherwise an INI file (tests).
    explicit ProfilesModel(SecretStore *secrets, QString settingsFile = {}, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The problem with these fields (as the form has them), or empty. `fields` keys: id (empty for a
    // new profile), name, urls (a list or text with one URL a line), colour, trust (system, caFile,
    // pinned), caFile, pin, backupPin, credential (adminToken, apiKey, password), email (password).
    Q_INVOKABLE QString validate(const QVariantMap &fields) const;
    // Validates, then stores the credential in the keychain and, once that worked, the profile.
    // Returns the validation message (nothing is saved) or empty (saving; saved() or failed()
    // follows). An empty `secret` keeps an existing profile's credential. A password profile takes
    // no secret: it signs in from the sign-in form and keeps only the session's refresh token.
    Q_INVOKABLE QString save(const QVariantMap &fields, const QString &secret);
    // Deletes the credential from the keychain, then the profile; removed() or failed() follows.
    Q_INVOKABLE void remove(const QString &id);
    Q_INVOKABLE QVariantMap get(const QString &id) const;
    Q_INVOKABLE int indexOfId(const QString &id) const;

    std::optional<ClusterProfile> profile(const QString &id) const;
    QList<ClusterProfile> profiles() const { return m_profiles; }
    QVariantList entries() const;
    QCoro::Task<SecretResult> secretFor(QString id);
    // A password profile's refresh token: written after each sign-in and refresh, removed on sign-out.
    QCoro::Task<SecretResult> storeSecret(QString id, QByteArray secret);
    QCoro::Task<SecretResult> forgetSecret(QString id);
    // Trust on first use: the person accepted this key; the profile now pins it.
    void pinKey(const QString &id, const QByteArray &pin);

    static ClusterProfile fromFields(const QVariantMap &fields);

Q_SIGNALS:
    void saved(const QString &id);
    void removed(const QString &id);
    void failed(const QString &message);
    void profileChanged(const QString &id);
    void entriesChanged();

private:
    QCoro::Task<void> store(ClusterProfile profile, QByteArray secret, bool forgetSecret);
    QCoro::Task<void> erase(QString id);
    void persist();
    void upsert(const ClusterProfile &profile);
    std::unique_ptr<QSettings> openSettings() const;

    SecretStore *m_secrets;
    QString m_settingsFile;
    QList<ClusterProfile> m_profiles;
};

} // namespace Meshdeck::Console
