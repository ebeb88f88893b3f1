#pragma once

#include "router.h"

#include <QJsonObject>

namespace Meshdeck::Http {

// An OpenAPI 3.0 description generated from the router itself, so it lists exactly the routes that exist.
QJsonObject openApiDocument(const Router &router, const QString &version);

} // namespace Meshdeck::Http
