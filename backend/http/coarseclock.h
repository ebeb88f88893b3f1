#pragma once

#include <QtGlobal>

#include <ctime>

namespace Meshdeck::Http {

// The monotonic clock (steady_clock's, upstreamNowNs()'s) as of its last tick, a few ms behind at
// most: for deadlines against timeouts of seconds, moved on every request. A precise read costs
// some 60 ns under KVM, this one 8.
inline qint64 coarseNowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

} // namespace Meshdeck::Http
