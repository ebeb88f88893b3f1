#pragma once

#include "principal.h"

#include <QByteArray>
#include <QString>

namespace Meshdeck {

// The outcome of presenting a credential: a principal, or why there is none.
struct Authentication {
    PrincipalPtr principal; // set when the credential is valid
    QString reason;         // otherwise: why not, in words a person can act on
    QByteArray code;        // "invalid-token", "expired-token", "account-disabled", "revoked-session"

    explicit operator bool() const { return principal != nullptr; }
    static Authentication refused(QString reason, QByteArray code)
    {
        return Authentication{nullptr, std::move(reason), std::move(code)};
    }
};

// Turns a bearer credential (the admin token, an access token, an API key) into a principal.
// Called on every event-loop thread at once: implementations are thread-safe and never wait on I/O.
class Authenticator
{
public:
    virtual ~Authenticator() = default;
    // `peer`: the client's address, kept as an API key's last-used address.
    virtual Authentication authenticate(const QByteArray &credential, const QByteArray &peer) const = 0;
};

} // namespace Meshdeck
