#pragma once

#include "realtimeservice.h"

namespace Meshdeck::Http {
class Router;
} // namespace Meshdeck::Http

namespace Meshdeck::Realtime {

// /v1/realtime, the WebSocket endpoint: the only code of the realtime service that sees requests.
namespace RealtimeRoutes {
void install(Http::Router &router, RealtimeService *service);
} // namespace RealtimeRoutes

} // namespace Meshdeck::Realtime
