#include "secretbox.h"

#include <QFile>
#include <QFileInfo>

#include <sodium.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace Meshdeck {

namespace {
constexpr QByteArrayView Prefix = "sb1:";

bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}
} // namespace

SecretBox::SecretBox()
    : m_key(crypto_secretbox_KEYBYTES, Qt::Uninitialized)
{}

SecretBox::~SecretBox()
{
    sodium_memzero(m_key.data(), size_t(m_key.size()));
}

SecretBox::SecretBox(const SecretBox &other) = default;
SecretBox &SecretBox::operator=(const SecretBox &other) = default;

SecretBox SecretBox::ephemeral()
{
    sodiumReady();
    SecretBox box;
    crypto_secretbox_keygen(reinterpret_cast<unsigned char *>(box.m_key.data()));
    return box;
}

// Several nodes may start at once against one shared key file that does not exist yet. The key is
// written in full to a private temporary file next to it, which is then hard-linked into place:
// link() is atomic and refuses an existing name, so exactly one key wins, it is whole the moment
// it appears, and every loser (and every later start) reads the winner's file.
bool SecretBox::createKeyFile(const QString &path, QString *error)
{
    const SecretBox box = ephemeral();
    const QByteArray target = QFile::encodeName(path);
    QByteArray temporary = target + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temporary.data()); // mode 0600 from the start
    if (fd < 0) {
        *error = QStringLiteral("cannot create the secret key file %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    const auto fail = [&](const char *what) {
        const int code = errno;
        ::close(fd);
        ::unlink(temporary.constData());
        *error = QStringLiteral("cannot create the secret key file %1 (%2): %3")
                     .arg(path, QString::fromLatin1(what), QString::fromLocal8Bit(std::strerror(code)));
        return false;
    };
    if (::write(fd, box.m_key.constData(), size_t(box.m_key.size())) != box.m_key.size())
        return fail("write");
    if (::fsync(fd) != 0)
        return fail("fsync");
    const bool linked = ::link(temporary.constData(), target.constData()) == 0;
    const int linkError = errno;
    ::close(fd);
    ::unlink(temporary.constData());
    if (!linked && linkError != EEXIST) {
        *error = QStringLiteral("cannot create the secret key file %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(linkError)));
        return false;
    }
    return true; // ours, or another node's that won: either way the caller reads the file
}

std::optional<SecretBox> SecretBox::fromKeyFile(const QString &path, QString *error)
{
    if (!sodiumReady()) {
        *error = QStringLiteral("libsodium could not be initialised");
        return std::nullopt;
    }
    QFile file(path);
    if (!file.exists() && !createKeyFile(path, error))
        return std::nullopt;
    const QFileDevice::Permissions others =
        QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (QFileInfo(path).permissions() & others) {
        *error = QStringLiteral("the secret key file %1 may be read by other users; make it private with "
                                "chmod 600 %1")
                     .arg(path);
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the secret key file %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray key = file.read(crypto_secretbox_KEYBYTES + 1);
    if (key.size() != qsizetype(crypto_secretbox_KEYBYTES)) {
        *error = QStringLiteral("the secret key file %1 must hold exactly %2 bytes; it holds %3. Restore it "
                                "from a backup: secrets sealed under another key cannot be read.")
                     .arg(path)
                     .arg(crypto_secretbox_KEYBYTES)
                     .arg(key.size());
        return std::nullopt;
    }
    SecretBox box;
    box.m_key = key;
    return box;
}

bool SecretBox::isSealed(const QByteArray &value)
{
    return value.startsWith(Prefix);
}

QByteArray SecretBox::seal(const QByteArray &plaintext) const
{
    QByteArray out(qsizetype(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) + plaintext.size(),
                   Qt::Uninitialized);
    auto *nonce = reinterpret_cast<unsigned char *>(out.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(
        nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char *>(plaintext.constData()),
        quint64(plaintext.size()), nonce, reinterpret_cast<const unsigned char *>(m_key.constData()));
    return Prefix.toByteArray() + out.toBase64();
}

std::optional<QByteArray> SecretBox::open(const QByteArray &sealed) const
{
    if (!isSealed(sealed))
        return std::nullopt;
    const auto decoded =
        QByteArray::fromBase64Encoding(sealed.sliced(Prefix.size()), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded ||
        decoded.decoded.size() < qsizetype(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES))
        return std::nullopt;
    const QByteArray &raw = decoded.decoded;
    const auto *nonce = reinterpret_cast<const unsigned char *>(raw.constData());
    const qsizetype cipherSize = raw.size() - qsizetype(crypto_secretbox_NONCEBYTES);
    QByteArray plain(cipherSize - qsizetype(crypto_secretbox_MACBYTES), Qt::Uninitialized);
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char *>(plain.data()),
                                   nonce + crypto_secretbox_NONCEBYTES, quint64(cipherSize), nonce,
                                   reinterpret_cast<const unsigned char *>(m_key.constData())) != 0)
        return std::nullopt;
    return plain;
}

} // namespace Meshdeck
