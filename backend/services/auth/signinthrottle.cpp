#include "signinthrottle.h"

#include <algorithm>

namespace Meshdeck::Auth {

SignInThrottle::SignInThrottle(Settings settings)
    : m_settings(settings)
{}

qint64 SignInThrottle::waitFor(const SignInFailures &f, int threshold, qint64 nowMs) const
{
    if (f.count < threshold || nowMs - f.firstMs > m_settings.windowMs)
        return 0;
    const int over = std::min(f.count - threshold, 30);
    const qint64 wait = std::min<qint64>(m_settings.maxWaitMs, qint64(1000) << over);
    return std::max<qint64>(0, f.lastMs + wait - nowMs);
}

std::optional<qint64> SignInThrottle::waitMs(const SignInFailures &account, const SignInFailures &address,
                                             qint64 nowMs) const
{
    const qint64 wait = std::max(waitFor(account, m_settings.accountThreshold, nowMs),
                                 waitFor(address, m_settings.addressThreshold, nowMs));
    if (wait <= 0)
        return std::nullopt;
    return wait;
}

bool SignInThrottle::noteFailure(qint64 nowMs)
{
    std::lock_guard lock(m_mutex);
    if (m_burst.count == 0 || nowMs - m_burst.firstMs > m_settings.burstWindowMs)
        m_burst = SignInFailures{0, nowMs, nowMs};
    ++m_burst.count;
    m_burst.lastMs = nowMs;
    if (m_burst.count >= m_settings.burstFailures && nowMs - m_burstReportedMs > m_settings.burstWindowMs) {
        m_burstReportedMs = nowMs;
        return true;
    }
    return false;
}

} // namespace Meshdeck::Auth
