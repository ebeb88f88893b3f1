#include "admintoken.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <sodium.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcToken, "meshdeck.backend.auth")

namespace Meshdeck {

namespace {
std::array<unsigned char, 32> digest(QByteArrayView data)
{
    std::array<unsigned char, 32> out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char *>(data.data()),
                       size_t(data.size()), nullptr, 0);
    return out;
}

bool writeNewTokenFile(const QString &path, const QByteArray &content, QString *error)
{
    // Create with 0600 from the start (no window where the file is readable by others), then
    // rename into place so a reader never sees a half-written token.
    const QByteArray tmp = QFile::encodeName(path + QStringLiteral(".tmp"));
    ::unlink(tmp.constData());
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    const bool written =
        ::write(fd, content.constData(), size_t(content.size())) == content.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(tmp.constData(), QFile::encodeName(path).constData()) != 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
        ::unlink(tmp.constData());
        return false;
    }
    return true;
}
} // namespace

std::optional<AdminTokenFile> ensureAdminToken(const QString &dataDir, QString *error)
{
    if (sodium_init() < 0) {
        *error = QStringLiteral("libsodium failed to initialise");
        return std::nullopt;
    }
    AdminTokenFile result{QDir(dataDir).absoluteFilePath(QStringLiteral("admin.token")), {}};
    QFile file(result.path);
    if (file.exists()) {
        struct stat st {
        };
        if (::stat(QFile::encodeName(result.path).constData(), &st) == 0 && (st.st_mode & 077) != 0) {
            qCWarning(lcToken) << result.path << "was readable by other users; restricting it to mode 0600";
            ::chmod(QFile::encodeName(result.path).constData(), 0600);
        }
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(result.path, file.errorString());
            return std::nullopt;
        }
        result.token = file.readAll().trimmed();
        if (result.token.size() >= 32)
            return result;
        qCWarning(lcToken) << result.path << "is empty or too short; writing a new token";
        file.close();
    }
    result.token = newAdminToken();
    if (!writeNewTokenFile(result.path, result.token + '\n', error))
        return std::nullopt;
    return result;
}

QByteArray newAdminToken()
{
    if (sodium_init() < 0)
        qFatal("libsodium failed to initialise");
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char encoded[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(encoded, sizeof encoded, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return QByteArray("mdk_") + encoded;
}

QString adminTokenDigestHex(const QByteArray &token)
{
    const auto d = digest(token);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(d.data()), qsizetype(d.size())).toHex());
}

bool writeAdminTokenFile(const QString &path, const QByteArray &token, QString *error)
{
    return writeNewTokenFile(path, token + '\n', error);
}

std::unique_ptr<AdminTokenAuthenticator> AdminTokenAuthenticator::fromDigestHex(const QString &digestHex)
{
    const QByteArray raw = QByteArray::fromHex(digestHex.toLatin1());
    std::unique_ptr<AdminTokenAuthenticator> out(new AdminTokenAuthenticator);
    if (raw.size() != qsizetype(out->m_digest.size()))
        return nullptr;
    std::copy(raw.cbegin(), raw.cend(), out->m_digest.begin());
    return out;
}

QByteArray bearerToken(QByteArrayView authorization)
{
    if (authorization.size() < 8 ||
        QByteArrayView(authorization.first(7)).compare("bearer ", Qt::CaseInsensitive) != 0)
        return {};
    return authorization.sliced(7).trimmed().toByteArray();
}

AdminTokenAuthenticator::AdminTokenAuthenticator(const QByteArray &token)
    : m_digest(digest(token))
{}

bool AdminTokenAuthenticator::matches(QByteArrayView credential) const
{
    if (credential.isEmpty())
        return false;
    const auto presentedDigest = digest(credential);
    return sodium_memcmp(presentedDigest.data(), m_digest.data(), m_digest.size()) == 0;
}

Authentication AdminTokenAuthenticator::authenticate(const QByteArray &credential, const QByteArray &) const
{
    if (matches(credential))
        return Authentication{m_principal, {}, {}};
    return Authentication::refused(
        QStringLiteral("The bearer token is not valid for this backend. For the local "
                       "stack use the token in the data directory's admin.token file."),
        "invalid-token");
}

} // namespace Meshdeck
