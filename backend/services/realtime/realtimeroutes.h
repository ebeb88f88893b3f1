#pragma once

#include "realtimeservice.h"

#include "platform/authenticator.h"

namespace Meshdeck::Http {
class Router;
} // namespace Meshdeck::Http

namespace Meshdeck::Realtime {

// /v1/realtime, the WebSocket endpoint: the only code of the realtime service that sees requests.
namespace RealtimeRoutes {
void install(Http::Router &router, RealtimeService *service);
// The token check the service uses, asked of the backend's authenticator.
TokenCheck tokenCheck(const Authenticator *authenticator);
} // namespace RealtimeRoutes

} // namespace Meshdeck::Realtime
