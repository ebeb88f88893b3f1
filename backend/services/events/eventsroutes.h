#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Events {

class EventsService;

// /v1/events/…: the only code of the events service that sees requests.
namespace EventsRoutes {
void install(Http::Router &router, EventsService *service);
}

} // namespace Meshdeck::Events
