#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Registry {

class RegistryService;

namespace RegistryRoutes {
void install(Http::Router &router, RegistryService *service);
}

} // namespace Meshdeck::Registry
