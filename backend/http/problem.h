#pragma once

#include "httptypes.h"

namespace Meshdeck::Http {

// RFC 9457 problem details. `slug` names the problem type (urn:meshdeck:problem:<slug>); `detail`
// is the sentence a person reads, so it should say what to do about it.
Response problem(int status, const QString &detail, QByteArrayView slug = {}, const QJsonObject &extra = {});
Response problem(const Request &request, int status, const QString &detail, QByteArrayView slug = {},
                 const QJsonObject &extra = {});

inline constexpr QByteArrayView ProblemContentType = "application/problem+json";

} // namespace Meshdeck::Http
