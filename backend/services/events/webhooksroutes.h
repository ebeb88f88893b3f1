#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Events {

class EventsService;

// /v1/events/webhooks…: the only code of webhooks that sees requests.
namespace WebhooksRoutes {
void install(Http::Router &router, EventsService *service);
}

} // namespace Meshdeck::Events
