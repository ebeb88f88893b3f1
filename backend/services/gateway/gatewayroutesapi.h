#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Gateway {

class RoutesCatalog;

// /v1/gateway/routes…: the routes' CRUD, their versions and restore, and the preview of a change;
// the only code of the routes catalog that sees requests. Reads need gateway.read, changes
// gateway.write; every change is audited as resource "route:<id>" with the route before and after.
namespace RoutesApi {
void install(Http::Router &router, RoutesCatalog *catalog);
}

} // namespace Meshdeck::Gateway
