#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Chat {

class ChatService;

// /v1/chat/…: rooms, participants, messages, read marks, typing, search and support reads. The
// only chat code that sees HTTP; each route declares its permission and schemas here.
namespace ChatRoutes {
void install(Http::Router &router, ChatService *service);
}

} // namespace Meshdeck::Chat
