#pragma once

#include <QStringList>

namespace Meshdeck::Roles {

// `meshdeckd --role build-worker --register URL --token-file FILE`: a separate build worker process.
// It registers in meshdeckd's registry as service `build-worker` (the Services page shows it, with
// its concurrency and what it is building), claims builds over /v1/builds/…, runs up to
// --build-concurrency of them at once in the bubblewrap sandbox, each in a scratch directory under
// --data-dir, and uploads each artifact at its finish. SIGTERM stops claiming, deregisters, and lets
// the leases of unfinished builds lapse (meshdeckd requeues them).
int runBuildWorker(const QStringList &arguments);

} // namespace Meshdeck::Roles
