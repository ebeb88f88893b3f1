#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Chat {

class ChatExtrasService;

// /v1/chat/…/invitations, /v1/chat/invitations/{token}/…, /v1/chat/…/reports and /v1/chat/reports:
// the only code of the chat extras that sees HTTP; each route's permission and schemas are here.
namespace ChatExtrasRoutes {
void install(Http::Router &router, ChatExtrasService *service);
}

} // namespace Meshdeck::Chat
