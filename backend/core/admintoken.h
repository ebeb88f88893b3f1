#pragma once

#include "platform/authenticator.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <memory>
#include <optional>

namespace Meshdeck {

// The local stack's admin credential: a random token in DATA_DIR/admin.token (mode 0600) that the
// console reads to attach. Created on first start, reused afterwards.
struct AdminTokenFile {
    QString path;
    QByteArray token;
};
std::optional<AdminTokenFile> ensureAdminToken(const QString &dataDir, QString *error);

// Cluster mode: a new random token ("mdk_…"), its digest as stored in the database (hex of the
// 32-byte BLAKE2b the authenticator compares), and the file a bootstrap node writes (0600, atomic).
QByteArray newAdminToken();
QString adminTokenDigestHex(const QByteArray &token);
bool writeAdminTokenFile(const QString &path, const QByteArray &token, QString *error);

// Accepts the admin token (an `admin` principal); compares digests in constant time.
class AdminTokenAuthenticator : public Authenticator
{
public:
    explicit AdminTokenAuthenticator(const QByteArray &token);
    // From a digest in adminTokenDigestHex()'s form (a cluster keeps only the digest); nullptr
    // when it is not one.
    static std::unique_ptr<AdminTokenAuthenticator> fromDigestHex(const QString &digestHex);
    Authentication authenticate(const QByteArray &credential, const QByteArray &peer) const override;
    bool matches(QByteArrayView credential) const;

private:
    AdminTokenAuthenticator() = default;
    std::array<unsigned char, 32> m_digest{};
    PrincipalPtr m_principal = std::make_shared<const Principal>(Principal::adminToken());
};

// Extracts the credentials of a "Bearer" Authorization header (scheme case-insensitive).
QByteArray bearerToken(QByteArrayView authorization);

} // namespace Meshdeck
