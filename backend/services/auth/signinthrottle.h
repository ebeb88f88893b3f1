#pragma once

#include <QtGlobal>

#include <mutex>
#include <optional>

namespace Meshdeck::Auth {

// Failed sign-ins of one account, or from one client address, within the window.
struct SignInFailures {
    int count = 0;
    qint64 firstMs = 0;
    qint64 lastMs = 0;
};

// The rule for failed sign-ins: after `threshold` failures within the window, per account and per
// client address, each further attempt waits 1 s, 2 s, 4 s, … up to maxWaitMs. The counts live in
// the database (AuthStore::recordFailedSignIn), so a cluster's nodes throttle together: an
// attacker gets no more guesses by spreading them over nodes. Bursts (failures over all accounts)
// are seen per node, for the auth.suspicious event. Thread-safe.
class SignInThrottle
{
public:
    struct Settings {
        int accountThreshold = 5;
        int addressThreshold = 20;
        qint64 windowMs = 15 * 60 * 1000;
        qint64 maxWaitMs = 15 * 60 * 1000;
        int burstFailures = 20; // failures within burstWindowMs, all accounts: auth.suspicious
        qint64 burstWindowMs = 60 * 1000;
    };
    explicit SignInThrottle(Settings settings);

    const Settings &settings() const { return m_settings; }
    // How long the caller must wait before trying again, given the stored failures, or nothing.
    std::optional<qint64> waitMs(const SignInFailures &account, const SignInFailures &address,
                                 qint64 nowMs) const;
    // Counts a failure this node saw; true when it starts a burst (reported once per burst window).
    bool noteFailure(qint64 nowMs);

private:
    qint64 waitFor(const SignInFailures &f, int threshold, qint64 nowMs) const;

    Settings m_settings;
    std::mutex m_mutex;
    SignInFailures m_burst;
    qint64 m_burstReportedMs = 0;
};

} // namespace Meshdeck::Auth
