#pragma once

#include <QHash>
#include <QString>

#include <mutex>
#include <optional>

namespace Meshdeck::Auth {

// Failed sign-ins slow down per account and per client address: after `threshold` failures within
// the window, each further attempt waits 1 s, 2 s, 4 s, … up to maxWaitMs. Thread-safe; per node
// (a cluster's nodes each throttle what they see).
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

    // How long the caller must wait before trying again, or nothing.
    std::optional<qint64> waitMs(const QString &account, const QString &address, qint64 nowMs) const;
    // Records a failure; true when it starts a burst (report it once per burst window).
    bool failed(const QString &account, const QString &address, qint64 nowMs);
    void succeeded(const QString &account);

private:
    struct Failures {
        int count = 0;
        qint64 firstMs = 0;
        qint64 lastMs = 0;
    };
    qint64 waitFor(const Failures &f, int threshold, qint64 nowMs) const;
    void prune(qint64 nowMs);

    Settings m_settings;
    mutable std::mutex m_mutex;
    QHash<QString, Failures> m_accounts;
    QHash<QString, Failures> m_addresses;
    Failures m_burst;
    qint64 m_burstReportedMs = 0;
};

} // namespace Meshdeck::Auth
