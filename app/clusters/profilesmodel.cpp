#include "profilesmodel.h"

#include <QPointer>
#include <QRegularExpression>
#include <QSettings>
#include <QUuid>

namespace Meshdeck::Console {

ProfilesModel::ProfilesModel(SecretStore *secrets, QString settingsFile, QObject *parent)
    : StatefulListModel(parent)
    , m_secrets(secrets)
    , m_settingsFile(std::move(settingsFile))
{
    const auto settings = openSettings();
    const int size = settings->beginReadArray(QStringLiteral("clusterProfiles"));
    for (int i = 0; i < size; ++i) {
        settings->setArrayIndex(i);
        ClusterProfile p = ClusterProfile::load(*settings);
        if (!p.id.isEmpty())
            m_profiles << p;
    }
    settings->endArray();
}

std::unique_ptr<QSettings> ProfilesModel::openSettings() const
{
    if (m_settingsFile.isEmpty())
        return std::make_unique<QSettings>();
    return std::make_unique<QSettings>(m_settingsFile, QSettings::IniFormat);
}

int ProfilesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_profiles.size());
}

QVariant ProfilesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClusterProfile &p = m_profiles.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return p.name;
    case ProfileIdRole:
        return p.id;
    case UrlsRole:
    case UrlsTextRole: {
        QStringList texts;
        for (const QUrl &url : p.urls)
            texts << url.toString();
        return role == UrlsRole ? QVariant(texts) : QVariant(texts.join(QLatin1Char('\n')));
    }
    case ColourRole:
        return p.colour;
    case TrustRole:
        return ClusterProfile::trustName(p.trust);
    case CaFileRole:
        return p.caFile;
    case PinRole:
        return QString::fromLatin1(p.pin);
    case BackupPinRole:
        return QString::fromLatin1(p.backupPin);
    case CredentialRole:
        return ClusterProfile::credentialName(p.credential);
    case EmailRole:
        return p.email;
    default:
        return {};
    }
}

QHash<int, QByteArray> ProfilesModel::roleNames() const
{
    return {{ProfileIdRole, "profileId"},   {NameRole, "name"},     {UrlsRole, "urls"},
            {UrlsTextRole, "urlsText"},     {ColourRole, "colour"}, {TrustRole, "trust"},
            {CaFileRole, "caFile"},         {PinRole, "pin"},       {BackupPinRole, "backupPin"},
            {CredentialRole, "credential"}, {EmailRole, "email"}};
}

ClusterProfile ProfilesModel::fromFields(const QVariantMap &fields)
{
    ClusterProfile p;
    p.id = fields.value(QStringLiteral("id")).toString();
    p.name = fields.value(QStringLiteral("name")).toString().trimmed();
    const QVariant urls = fields.value(QStringLiteral("urls"));
    QStringList urlTexts =
        urls.typeId() == QMetaType::QString
            ? urls.toString().split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts)
            : urls.toStringList();
    for (const QString &text : urlTexts) {
        QUrl url(text.trimmed(), QUrl::StrictMode);
        if (url.path() == QLatin1String("/"))
            url.setPath(QString());
        p.urls << url;
    }
    if (fields.contains(QStringLiteral("colour")))
        p.colour = fields.value(QStringLiteral("colour")).toString();
    p.trust = ClusterProfile::trustFromName(fields.value(QStringLiteral("trust")).toString());
    p.caFile = fields.value(QStringLiteral("caFile")).toString().trimmed();
    if (p.caFile.startsWith(QLatin1String("file:")))
        p.caFile = QUrl(p.caFile).toLocalFile();
    p.pin = fields.value(QStringLiteral("pin")).toString().trimmed().toLatin1();
    p.backupPin = fields.value(QStringLiteral("backupPin")).toString().trimmed().toLatin1();
    p.credential = ClusterProfile::credentialFromName(fields.value(QStringLiteral("credential")).toString());
    if (p.credential == ClusterProfile::Credential::Password)
        p.email = fields.value(QStringLiteral("email")).toString().trimmed();
    return p;
}

QString ProfilesModel::validate(const QVariantMap &fields) const
{
    const ClusterProfile p = fromFields(fields);
    if (const QString problem = p.validate(); !problem.isEmpty())
        return problem;
    for (const ClusterProfile &other : m_profiles) {
        if (other.id != p.id && other.name.compare(p.name, Qt::CaseInsensitive) == 0)
            return tr("A profile named \"%1\" exists already: choose another name.").arg(other.name);
    }
    if (!p.id.isEmpty() && indexOfId(p.id) < 0)
        return tr("This profile no longer exists.");
    return {};
}

QString ProfilesModel::save(const QVariantMap &fields, const QString &secret)
{
    if (const QString problem = validate(fields); !problem.isEmpty())
        return problem;
    ClusterProfile p = fromFields(fields);
    const bool isNew = p.id.isEmpty();
    const std::optional<ClusterProfile> before = isNew ? std::nullopt : profile(p.id);
    const bool password = p.credential == ClusterProfile::Credential::Password;
    // A token or key is needed for a new profile, and when the kind changes: what the keychain
    // holds for a password profile is a refresh token, never a bearer credential.
    const bool needsSecret = !password && (isNew || before->credential != p.credential);
    if (needsSecret && secret.trimmed().isEmpty())
        return p.credential == ClusterProfile::Credential::ApiKey
                   ? tr("Enter the API key this console uses for the cluster.")
                   : tr("Enter the admin token this console uses for the cluster.");
    if (isNew)
        p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // A password is never stored: a password profile signs in from the sign-in form, and what it
    // held before (a token, or another account's session) is deleted.
    const bool forgetSecret =
        password && before && (before->credential != p.credential || before->email != p.email);
    QCoro::connect(store(p, password ? QByteArray() : secret.trimmed().toUtf8(), forgetSecret), this, [] {});
    return {};
}

QCoro::Task<void> ProfilesModel::store(ClusterProfile profile, QByteArray secret, bool forgetSecret)
{
    QPointer<ProfilesModel> self(this);
    setLoading(true);
    if (forgetSecret) {
        const SecretResult removed = co_await m_secrets->remove(profile.secretKey());
        if (!self)
            co_return;
        if (!removed.ok) {
            setLoading(false);
            setError(tr("The profile was not saved: %1").arg(removed.error));
            Q_EMIT failed(error());
            co_return;
        }
    }
    if (!secret.isEmpty()) {
        const SecretResult written = co_await m_secrets->write(profile.secretKey(), secret);
        if (!self)
            co_return;
        if (!written.ok) {
            setLoading(false);
            setError(tr("The profile was not saved: %1").arg(written.error));
            Q_EMIT failed(error());
            co_return;
        }
    }
    setLoading(false);
    setError({});
    upsert(profile);
    Q_EMIT saved(profile.id);
}

void ProfilesModel::upsert(const ClusterProfile &profile)
{
    const int row = indexOfId(profile.id);
    if (row < 0) {
        beginInsertRows({}, int(m_profiles.size()), int(m_profiles.size()));
        m_profiles << profile;
        endInsertRows();
        Q_EMIT countChanged();
    } else {
        m_profiles[row] = profile;
        Q_EMIT dataChanged(index(row), index(row));
    }
    persist();
    Q_EMIT profileChanged(profile.id);
}

void ProfilesModel::remove(const QString &id)
{
    if (indexOfId(id) < 0)
        return;
    QCoro::connect(erase(id), this, [] {});
}

QCoro::Task<void> ProfilesModel::erase(QString id)
{
    QPointer<ProfilesModel> self(this);
    setLoading(true);
    const SecretResult removed = co_await m_secrets->remove(QStringLiteral("profile/") + id);
    if (!self)
        co_return;
    setLoading(false);
    // Keep the profile when its credential could not be deleted: a removed profile must not leave
    // a secret behind in the keychain that nothing can reach any more.
    if (!removed.ok) {
        setError(tr("The profile was not removed: its credential could not be deleted from the keychain: %1")
                     .arg(removed.error));
        Q_EMIT failed(error());
        co_return;
    }
    const int row = indexOfId(id);
    if (row < 0)
        co_return;
    setError({});
    beginRemoveRows({}, row, row);
    m_profiles.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
    persist();
    Q_EMIT this->removed(id);
}

QVariantList ProfilesModel::entries() const
{
    QVariantList out;
    for (const ClusterProfile &p : m_profiles)
        out << QVariantMap{{QStringLiteral("profileId"), p.id},
                           {QStringLiteral("name"), p.name},
                           {QStringLiteral("colour"), p.colour}};
    return out;
}

void ProfilesModel::persist()
{
    Q_EMIT entriesChanged();
    const auto settings = openSettings();
    settings->remove(QStringLiteral("clusterProfiles"));
    settings->beginWriteArray(QStringLiteral("clusterProfiles"), int(m_profiles.size()));
    for (int i = 0; i < m_profiles.size(); ++i) {
        settings->setArrayIndex(i);
        m_profiles.at(i).save(*settings);
    }
    settings->endArray();
    settings->sync();
}

QVariantMap ProfilesModel::get(const QString &id) const
{
    const int row = indexOfId(id);
    if (row < 0)
        return {};
    QVariantMap fields;
    const QHash<int, QByteArray> roles = roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it)
        fields.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
    fields.insert(QStringLiteral("id"), id);
    return fields;
}

int ProfilesModel::indexOfId(const QString &id) const
{
    for (int i = 0; i < m_profiles.size(); ++i) {
        if (m_profiles.at(i).id == id)
            return i;
    }
    return -1;
}

std::optional<ClusterProfile> ProfilesModel::profile(const QString &id) const
{
    const int row = indexOfId(id);
    if (row < 0)
        return std::nullopt;
    return m_profiles.at(row);
}

QCoro::Task<SecretResult> ProfilesModel::secretFor(QString id)
{
    return m_secrets->read(QStringLiteral("profile/") + id);
}

QCoro::Task<SecretResult> ProfilesModel::storeSecret(QString id, QByteArray secret)
{
    return m_secrets->write(QStringLiteral("profile/") + id, secret);
}

QCoro::Task<SecretResult> ProfilesModel::forgetSecret(QString id)
{
    return m_secrets->remove(QStringLiteral("profile/") + id);
}

void ProfilesModel::pinKey(const QString &id, const QByteArray &pin)
{
    std::optional<ClusterProfile> p = profile(id);
    if (!p)
        return;
    p->trust = ClusterProfile::Trust::Pinned;
    p->pin = pin;
    upsert(*p);
}

} // namespace Meshdeck::Console
