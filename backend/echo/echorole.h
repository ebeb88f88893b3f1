#pragma once

#include <QStringList>

namespace Meshdeck::Echo {

// `meshdeckd --role echo`: a small real service for tests and for trying the console. It serves
// /echo and /healthz, registers itself with a running meshdeckd (--register URL), heartbeats with
// its in-flight request count, and can be told over POST /control to fail or slow its health
// check or to stop heartbeating. SIGTERM deregisters it; kill -9 does not, as in real life.
int run(const QStringList &arguments);

} // namespace Meshdeck::Echo
