#pragma once

struct redisAsyncContext;

namespace Meshdeck::Cluster {

// Drives a hiredis async context from the Qt event loop of the calling thread, with two
// QSocketNotifiers. hiredis 0.14 ships adapters/qt.h, but it is written for Qt 5 (a string-based
// connect to activated(int), a Q_OBJECT class in a system header that moc never sees), so this
// is the project's own. hiredis calls the adapter's cleanup when it frees the context.
// Returns false when the context already has an event library attached.
bool attachToQtEventLoop(redisAsyncContext *context);

} // namespace Meshdeck::Cluster
