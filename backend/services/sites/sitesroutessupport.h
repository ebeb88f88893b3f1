#pragma once

#include "sitesservice.h"

#include "http/problem.h"
#include "http/router.h"

#include <optional>

// What the two routes files of the sites service share.
namespace Meshdeck::Sites::RoutesSupport {

Http::RouteOptions options(QByteArray operationId, QByteArray permission, const char *summary,
                           std::vector<Http::ResponseDoc> responses, std::vector<int> problems,
                           std::vector<Http::ParamDoc> parameters, QByteArray requestSchema = {});
Http::ParamDoc pathParam(const char *name, const char *description);
Http::ParamDoc queryParam(const char *name, QByteArray schema, const char *description);

// The path parameter `name` when it is an id of ours; otherwise the 404 to answer.
std::optional<Http::Response> badId(const Http::Request &request, const char *name, const char *what);

// Who is calling, as deployments record it ("user:ID", "admin-token").
QString actorOf(const Http::Request &request);

using Handler = QCoro::Task<Http::Response> (*)(SitesService *, Http::Request);
void add(Http::Router &router, SitesService *service, QByteArray method, QByteArray pattern, Handler handler,
         Http::RouteOptions options);

// The shared schemas (Site, Deployment, …) under components/schemas.
void addSchemas(Http::Router &router);
inline constexpr QByteArrayView SiteRef = R"({"$ref":"#/components/schemas/Site"})";
inline constexpr QByteArrayView DeploymentRef = R"({"$ref":"#/components/schemas/Deployment"})";
inline constexpr QByteArrayView VariableRef = R"({"$ref":"#/components/schemas/SiteVariable"})";

} // namespace Meshdeck::Sites::RoutesSupport
