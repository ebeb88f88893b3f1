#pragma once

#include "router.h"

#include <QJsonObject>

namespace Meshdeck::Http {

// An OpenAPI 3.0 description generated from the router itself, so it lists exactly the routes that
// exist, each with the parameters, schemas, permission and responses its routes file declares.
QJsonObject openApiDocument(const Router &router, const QString &version, const QString &serverUrl = {});

} // namespace Meshdeck::Http
