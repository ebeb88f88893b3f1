#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Gateway {

class GatewayService;

// What the gateway measures: the overview of every route, the metrics series, the circuit
// breakers and their reset.
namespace StatusRoutes {
void install(Http::Router &router, GatewayService *service);
}

} // namespace Meshdeck::Gateway
