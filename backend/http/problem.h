#pragma once

#include "httptypes.h"

#include "platform/result.h"

namespace Meshdeck::Http {

// RFC 9457 problem details. `slug` names the problem type (urn:meshdeck:problem:<slug>); `detail`
// is the sentence a person reads, so it should say what to do about it.
Response problem(int status, const QString &detail, QByteArrayView slug = {}, const QJsonObject &extra = {});
Response problem(const Request &request, int status, const QString &detail, QByteArrayView slug = {},
                 const QJsonObject &extra = {});

// The usual answer to a domain error: Invalid 400 (with "field"), NotFound 404, Conflict 409,
// TooLarge 413, Forbidden 403, Unavailable and Busy 503 (with Retry-After when the error says when).
// A routes file calls this, or maps an error its own way where a route needs another status.
int statusFor(ErrorKind kind);
Response problem(const Request &request, const Error &error);

inline constexpr QByteArrayView ProblemContentType = "application/problem+json";

} // namespace Meshdeck::Http
