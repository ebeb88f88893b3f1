#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Sites {

class SitesService;

// /v1/sites/… and /v1/builds: the only code of the sites service that sees HTTP. Sites and
// variables here (sitesroutes.cpp); deployments, their log and the build queue in
// deploymentsroutes.cpp.
namespace SitesRoutes {
void install(Http::Router &router, SitesService *service);
void installDeployments(Http::Router &router, SitesService *service);
// /v1/builds/{claim,…}: the protocol of `meshdeckd --role build-worker` (buildsroutes.cpp).
void installBuilds(Http::Router &router, SitesService *service);
} // namespace SitesRoutes

} // namespace Meshdeck::Sites
