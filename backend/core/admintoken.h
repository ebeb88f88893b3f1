#pragma once

#include "http/dispatcher.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <optional>

namespace Meshdeck {

// The local stack's admin credential: a random token in DATA_DIR/admin.token (mode 0600) that the
// console reads to attach. Created on first start, reused afterwards.
struct AdminTokenFile {
    QString path;
    QByteArray token;
};
std::optional<AdminTokenFile> ensureAdminToken(const QString &dataDir, QString *error);

// Accepts `Authorization: Bearer <token>` for the admin token; compares digests in constant time.
class AdminTokenAuthenticator : public Http::Authenticator
{
public:
    explicit AdminTokenAuthenticator(const QByteArray &token);
    bool authenticate(const Http::Request &request) const override;

private:
    std::array<unsigned char, 32> m_digest{};
};

// Extracts the credentials of a "Bearer" Authorization header (scheme case-insensitive).
QByteArray bearerToken(QByteArrayView authorization);

} // namespace Meshdeck
