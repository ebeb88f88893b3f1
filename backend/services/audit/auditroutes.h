#pragma once

namespace Meshdeck::Http {
class Router;
}

namespace Meshdeck::Audit {

class AuditService;

// GET /v1/audit: the only code of the audit service that sees requests.
namespace AuditRoutes {
void install(Http::Router &router, AuditService *service);
}

} // namespace Meshdeck::Audit
