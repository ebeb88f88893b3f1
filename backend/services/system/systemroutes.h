#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::System {

class SystemService;

// /healthz, /readyz, /metrics, /v1/openapi.json and /v1/system/info: the only code of the system
// service that sees requests.
namespace SystemRoutes {
void install(Http::Router &router, SystemService *service);
}

} // namespace Meshdeck::System
