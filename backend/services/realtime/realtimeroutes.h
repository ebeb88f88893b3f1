#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Realtime {

class RealtimeService;

// /v1/realtime, the WebSocket endpoint: the only code of the realtime service that sees requests.
namespace RealtimeRoutes {
void install(Http::Router &router, RealtimeService *service);
}

} // namespace Meshdeck::Realtime
