#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Events {

class EventsService;

// /v1/events/topics/{topic}/groups/…: consumer groups. Installed by EventsRoutes.
namespace GroupsRoutes {
void install(Http::Router &router, EventsService *service);
}

} // namespace Meshdeck::Events
