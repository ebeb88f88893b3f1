#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Presence {

class PresenceService;

// GET|POST /v1/presence: the only code of the presence service that sees requests.
namespace PresenceRoutes {
void install(Http::Router &router, PresenceService *service);
}

} // namespace Meshdeck::Presence
