#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace Meshdeck {

// Encrypts secrets at rest (webhook signing secrets, deployment variables) with libsodium's
// secretbox (XSalsa20-Poly1305) under one 32-byte key kept in a file of mode 0600. A sealed value
// is "sb1:" + base64(nonce ‖ ciphertext ‖ tag): a database dump holds no secret, and a value
// changed or sealed under another key does not open.
class SecretBox
{
public:
    // Reads the key file, creating it (mode 0600) with a random key when it does not exist.
    // Refuses a file of the wrong size or one that others may read. Creators racing on one path
    // (cluster nodes started together) all end up with the one key that won.
    static std::optional<SecretBox> fromKeyFile(const QString &path, QString *error);
    // A box with a random key that lives only in memory (tests).
    static SecretBox ephemeral();

    QByteArray seal(const QByteArray &plaintext) const;
    // nullopt: not sealed by this box (wrong key, corrupted, or not a sealed value at all).
    std::optional<QByteArray> open(const QByteArray &sealed) const;
    static bool isSealed(const QByteArray &value);

    ~SecretBox();
    SecretBox(const SecretBox &other);
    SecretBox &operator=(const SecretBox &other);

private:
    SecretBox();
    static bool createKeyFile(const QString &path, QString *error);
    QByteArray m_key;
};

} // namespace Meshdeck
