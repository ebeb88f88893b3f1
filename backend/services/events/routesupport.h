#pragma once

#include "http/httptypes.h"

#include <QJsonValue>

#include <optional>

// What the events service's routes files share: reading request values and naming a bad field.
// Only routes files include this.
namespace Meshdeck::Events::RouteSupport {

// A JSON number that is a whole number in [min, max].
std::optional<qint64> wholeNumber(const QJsonValue &value, double min, double max);
// A 400 problem naming the field.
Http::Response invalid(const Http::Request &request, const QString &field, const QString &reason,
                       QByteArray code = QByteArrayLiteral("invalid-body"));

} // namespace Meshdeck::Events::RouteSupport
