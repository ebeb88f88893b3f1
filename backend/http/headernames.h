#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Meshdeck::Http {

// A header field name in lower case. The names most requests and responses carry come back as
// shared literals, so parsing them allocates nothing; any other name is copied, lower-cased.
QByteArray lowerHeaderName(QByteArrayView name);

} // namespace Meshdeck::Http
