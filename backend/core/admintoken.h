#pragma once

#include "http/dispatcher.h"

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

// Accepts `Authorization: Bearer <token>` for the admin token; compares digests in constant time.
class AdminTokenAuthenticator : public Http::Authenticator
{
public:
    explicit AdminTokenAuthenticator(const QByteArray &token);
    // From a digest in adminTokenDigestHex()'s form (a cluster keeps only the digest); nullptr
    // when it is not one.
    static std::unique_ptr<AdminTokenAuthenticator> fromDigestHex(const QString &digestHex);
    bool authenticate(const Http::Request &request) const override;

private:
    AdminTokenAuthenticator() = default;
    std::array<unsigned char, 32> m_digest{};
};

// Extracts the credentials of a "Bearer" Authorization header (scheme case-insensitive).
QByteArray bearerToken(QByteArrayView authorization);

} // namespace Meshdeck
