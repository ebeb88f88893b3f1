#pragma once

#include "principal.h"

#include <QtGlobal>

namespace Meshdeck {

// Who holds a live realtime session, told by the realtime service to whoever listens (presence)
// without either knowing the other. A session is reported once when it first authenticates and
// once when it ends, whatever ends it (the client closes, the connection drops, the credential
// expires or is revoked); re-authenticating a live session as the same actor is not a new session.
// `sessionKey` is unique among the process's sessions. Called on the session's thread, so on any
// thread: implementations are thread-safe and never wait.
class SessionObserver
{
public:
    virtual ~SessionObserver() = default;
    virtual void sessionAuthenticated(const PrincipalPtr &principal, quint64 sessionKey) = 0;
    virtual void sessionEnded(const PrincipalPtr &principal, quint64 sessionKey) = 0;
};

} // namespace Meshdeck
