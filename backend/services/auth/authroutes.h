#pragma once

#include "http/httptypes.h"

#include <QCoroTask>

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Auth {

class AuthService;

// /v1/auth/… (sessions, the caller's own account, users, API keys) and /v1/access/…: the only code
// of the auth service that sees requests.
namespace AuthRoutes {
void install(Http::Router &router, AuthService *service);

// Shared by the session and user routes files.
void installUserRoutes(Http::Router &router, AuthService *service);
QCoro::Task<Http::Response> sessionsOf(AuthService *service, Http::Request request, QString userId);
QCoro::Task<Http::Response> endSessionOf(AuthService *service, Http::Request request, QString userId);
} // namespace AuthRoutes

} // namespace Meshdeck::Auth
