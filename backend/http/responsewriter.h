#pragma once

#include "httptypes.h"

namespace Meshdeck::Http {

// Writes a response's status line, headers and (unless `head` or the status forbids one) body to
// the end of `out`, sized in one allocation. The engine adds Date, Content-Length, X-Request-Id
// and Connection; `close` announces that the connection closes after this response.
void serializeResponse(QByteArray &out, const Response &response, QByteArrayView date,
                       QByteArrayView requestId, int versionMinor, bool keepAlive, bool close, bool head);

} // namespace Meshdeck::Http
