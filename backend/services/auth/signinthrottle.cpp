#include "signinthrottle.h"

#include <algorithm>

namespace Meshdeck::Auth {

SignInThrottle::SignInThrottle(Settings settings)
    : m_settings(settings)
{}

qint64 SignInThrottle::waitFor(const Failures &f, int threshold, qint64 nowMs) const
{
    if (f.count < threshold || nowMs - f.firstMs > m_settings.windowMs)
        return 0;
    const int over = std::min(f.count - threshold, 30);
    const qint64 wait = std::min<qint64>(m_settings.maxWaitMs, qint64(1000) << over);
    return std::max<qint64>(0, f.lastMs + wait - nowMs);
}

std::optional<qint64> SignInThrottle::waitMs(const QString &account, const QString &address,
                                             qint64 nowMs) const
{
    std::lock_guard lock(m_mutex);
    const qint64 wait = std::max(waitFor(m_accounts.value(account), m_settings.accountThreshold, nowMs),
                                 waitFor(m_addresses.value(address), m_settings.addressThreshold, nowMs));
    if (wait <= 0)
        return std::nullopt;
    return wait;
}

bool SignInThrottle::failed(const QString &account, const QString &address, qint64 nowMs)
{
    std::lock_guard lock(m_mutex);
    prune(nowMs);
    auto add = [this, nowMs](Failures &f, qint64 window) {
        if (f.count == 0 || nowMs - f.firstMs > window)
            f = Failures{0, nowMs, nowMs};
        ++f.count;
        f.lastMs = nowMs;
    };
    add(m_accounts[account], m_settings.windowMs);
    add(m_addresses[address], m_settings.windowMs);
    add(m_burst, m_settings.burstWindowMs);
    if (m_burst.count >= m_settings.burstFailures && nowMs - m_burstReportedMs > m_settings.burstWindowMs) {
        m_burstReportedMs = nowMs;
        return true;
    }
    return false;
}

void SignInThrottle::succeeded(const QString &account)
{
    std::lock_guard lock(m_mutex);
    m_accounts.remove(account);
}

void SignInThrottle::prune(qint64 nowMs)
{
    // Bounded memory under a spray of addresses or accounts: forget what left the window.
    if (m_accounts.size() + m_addresses.size() < 10'000)
        return;
    for (auto *table : {&m_accounts, &m_addresses}) {
        for (auto it = table->begin(); it != table->end();) {
            if (nowMs - it->lastMs > m_settings.windowMs)
                it = table->erase(it);
            else
                ++it;
        }
    }
}

} // namespace Meshdeck::Auth
