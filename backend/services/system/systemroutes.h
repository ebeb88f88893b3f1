#pragma once

namespace Meshdeck::Http {
class HttpMetrics;
class Router;
} // namespace Meshdeck::Http

namespace Meshdeck::System {

class SystemService;

// /healthz, /readyz, /metrics, /v1/openapi.json and /v1/system/info: the only code of the system
// service that sees requests. The OpenAPI document describes `router` as it is when asked.
namespace SystemRoutes {
void install(Http::Router &router, SystemService *service, Http::HttpMetrics *metrics);
}

} // namespace Meshdeck::System
