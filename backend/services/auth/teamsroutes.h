#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Auth {

class TeamsService;

// /v1/auth/teams/… and /v1/auth/invitations/accept: the only code of the teams service that sees
// requests. Reads need auth.teams.read, changes auth.teams.write (the service then checks team
// ownership), accepting an invitation auth.self.
namespace TeamsRoutes {
void install(Http::Router &router, TeamsService *service);
}

} // namespace Meshdeck::Auth
